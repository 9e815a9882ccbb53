// One identity hook, run as a process of its own: no shell (the path is
// executed as it is, with no arguments; everything it needs is in its
// environment, hook-env.ts), standard input closed, its output logged line
// by line and the last lines kept for the failure sentence, and a deadline
// after which its whole process group is killed.
//
// spawn, not execFile: execFile's maxBuffer kills a chatty hook, and its
// buffered output would arrive only at the end; spawn with shell off runs
// the file just the same. The deadline is wall-clock time, not the agent's
// injected Clock: it bounds a real process, which fake time cannot slow.

import { spawn } from 'node:child_process'
import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import { isAbsolute, resolve } from 'node:path'
import { RingcastError, errorMessage } from '../errors.js'
import { printable } from '../wire/messages.js'

/** Lines of a failing hook's output quoted in its failure sentence. */
const TAIL_LINES = 5
/** A line longer than this is cut (in the log and in the tail). */
const MAX_LINE_CHARS = 300
/** After the hook exits, how long its output may take to arrive (a child it left behind may hold the pipe open). */
const OUTPUT_GRACE_MS = 1_000

/** A hook as join --identity names it: `builtin`, or an executable file, made absolute. Checked before joining. */
export async function checkHookPath (hook: string): Promise<string> {
  if (hook === 'builtin') return hook
  const path = isAbsolute(hook) ? hook : resolve(hook)
  const info = await stat(path).catch(() => undefined)
  if (info === undefined) throw new RingcastError('USAGE', `--identity ${hook}: no such file (give builtin, or the path of an executable hook)`)
  if (!info.isFile()) throw new RingcastError('USAGE', `--identity ${hook}: not a regular file`)
  await access(path, constants.X_OK).catch(() => { throw new RingcastError('USAGE', `--identity ${hook}: not executable (chmod +x it)`) })
  return path
}

/** Keeps the last lines of a stream of output, logging each as it completes. */
class OutputLines {
  readonly tail: string[] = []
  private partial = ''

  constructor (private readonly log: (line: string) => void) {}

  push (chunk: Buffer): void {
    const lines = (this.partial + chunk.toString('utf8')).split('\n')
    this.partial = lines.pop() ?? ''
    // A hook that never prints a newline: its partial line is bounded too.
    if (this.partial.length > MAX_LINE_CHARS * 4) { lines.push(this.partial); this.partial = '' }
    for (const line of lines) this.line(line)
  }

  end (): void {
    if (this.partial !== '') this.line(this.partial)
    this.partial = ''
  }

  private line (raw: string): void {
    const line = printable(raw.replace(/\r$/, ''), MAX_LINE_CHARS)
    if (line.trim() === '') return
    this.log(line)
    this.tail.push(line)
    if (this.tail.length > TAIL_LINES) this.tail.shift()
  }
}

/** What a failing hook printed last, for its sentence. */
function tailOf (out: OutputLines): string {
  out.end()
  return out.tail.length === 0 ? ' (it printed nothing)' : `; its last output: ${out.tail.map(l => JSON.stringify(l)).join(' / ')}`
}

/**
 * Run `path` with `env` and no arguments; resolves when it exits 0. Any
 * other end (a status, a signal, the deadline, a file that cannot run) is an
 * IDENTITY_FAILED error whose message names the hook and quotes the end of
 * its output.
 */
export async function runHook (path: string, env: Record<string, string>, timeoutMs: number, log: (line: string) => void): Promise<void> {
  const out = new OutputLines(line => log(`identity hook ${path}: ${line}`))
  const child = spawn(path, [], { env, cwd: '/', stdio: ['ignore', 'pipe', 'pipe'], detached: true, shell: false })
  child.stdout.on('data', (b: Buffer) => out.push(b))
  child.stderr.on('data', (b: Buffer) => out.push(b))
  let timedOut = false
  const killGroup = (): void => {
    try { if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL') } catch { child.kill('SIGKILL') }
  }
  const timer = setTimeout(() => { timedOut = true; killGroup() }, timeoutMs)
  try {
    const ended = await new Promise<{ code: number | null, signal: NodeJS.Signals | null } | { error: Error }>(resolve => {
      child.once('error', error => resolve({ error }))
      child.once('exit', (code, signal) => resolve({ code, signal }))
    })
    if ('error' in ended) throw new RingcastError('IDENTITY_FAILED', `identity hook ${path} could not be started: ${errorMessage(ended.error)}`, { cause: ended.error })
    // The rest of its output, unless something it left running holds the pipes.
    await Promise.race([
      Promise.all([child.stdout, child.stderr].map(async s => { await new Promise<void>(resolve => { if (s.readableEnded || s.destroyed) resolve(); else s.once('close', () => resolve()) }) })),
      new Promise<void>(resolve => setTimeout(resolve, OUTPUT_GRACE_MS).unref())
    ])
    if (timedOut) throw new RingcastError('IDENTITY_FAILED', `identity hook ${path} did not finish within ${Math.round(timeoutMs / 1000)} s and was killed${tailOf(out)}`)
    if (ended.code !== 0) {
      const how = ended.signal !== null ? `was killed by ${ended.signal}` : `exited with status ${String(ended.code)}`
      throw new RingcastError('IDENTITY_FAILED', `identity hook ${path} ${how}${tailOf(out)}`)
    }
    out.end()
  } finally {
    clearTimeout(timer)
    // Whatever it left running in its group (cmd &) must not go on editing the target after the step: killed too.
    killGroup()
    child.stdout.destroy()
    child.stderr.destroy()
  }
}
