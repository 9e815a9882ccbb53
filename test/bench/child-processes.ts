// Every process the benchmark starts is tracked here, so that any way out of
// the run (normal end, error, SIGINT/SIGTERM) kills what is still alive.
//
// Two kinds of children:
//   - ringcast serve/join processes, started through cli/local-cluster.ts and
//     registered with track();
//   - bench peers (transport-peer.js, tcp-peer.js), started with spawnPeer().
//     They talk to us in JSON lines on stdout, and exit by themselves when
//     their stdin closes, so even a SIGKILLed benchmark leaves none behind.

import { spawn, type ChildProcess } from 'node:child_process'

const live = new Set<ChildProcess>()

export function track (child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return
  live.add(child)
  child.once('exit', () => live.delete(child))
}

/** Synchronous, so it can run from a process 'exit' handler. */
export function killAllChildren (): void {
  for (const child of live) child.kill('SIGKILL')
  live.clear()
}

/** One JSON object per stdout line. A line with `error` is a failure report. */
export type PeerMessage = Record<string, unknown>

export interface PeerProcess {
  name: string
  child: ChildProcess
  /** The next message; rejects on an `error` message, on exit, or on timeout. */
  next: (timeoutMs: number) => Promise<PeerMessage>
  /** Exit code (128 + signal when killed). */
  exited: Promise<number>
  /** SIGTERM, then SIGKILL if it is still alive after `graceMs`. */
  stop: (graceMs?: number) => Promise<number>
}

export function spawnPeer (name: string, script: string, args: string[]): PeerProcess {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
  track(child)
  const queue: PeerMessage[] = []
  let wake: (() => void) | undefined
  let pending = ''
  let stderr = ''
  let exitCode: number | undefined
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    pending += d
    const lines = pending.split('\n')
    pending = lines.pop()!
    for (const line of lines) {
      if (line.trim() === '') continue
      try {
        queue.push(JSON.parse(line) as PeerMessage)
      } catch {
        queue.push({ error: `unparsable line from ${name}: ${line}` })
      }
    }
    wake?.()
  })
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr = (stderr + d).slice(-4000) })
  // The peer watches its stdin; we never write to it, we only keep it open.
  child.stdin!.on('error', () => {})
  const exited = new Promise<number>(resolve => {
    child.once('close', (code, signal) => {
      exitCode = code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 0)
      wake?.()
      resolve(exitCode)
    })
  })
  const next = async (timeoutMs: number): Promise<PeerMessage> => {
    const deadline = Date.now() + timeoutMs
    while (queue.length === 0) {
      if (exitCode !== undefined) throw new Error(`${name} exited (${exitCode}) without reporting${tail(stderr)}`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`${name}: no report within ${Math.round(timeoutMs / 1000)} s${tail(stderr)}`)
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, left)
        wake = () => { clearTimeout(timer); resolve() }
      })
      wake = undefined
    }
    const message = queue.shift()!
    if (message.error !== undefined) throw new Error(`${name}: ${String(message.error)}${tail(stderr)}`)
    return message
  }
  const stop = async (graceMs = 5_000): Promise<number> => {
    if (exitCode !== undefined) return exitCode
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    try {
      return await exited
    } finally {
      clearTimeout(timer)
    }
  }
  return { name, child, next, exited, stop }
}

/** For a peer's own entry point: exit when the benchmark that started us is gone. */
export function exitWithParent (): void {
  process.stdin.on('end', () => process.exit(0))
  process.stdin.on('error', () => process.exit(0))
  process.stdin.resume()
}

/** For a peer's own entry point: report one message to the benchmark. */
export function report (message: PeerMessage): void {
  process.stdout.write(`${JSON.stringify(message)}\n`)
}

const tail = (text: string): string => {
  const lines = text.trim().split('\n').slice(-5).join('\n')
  return lines === '' ? '' : `\n${lines}`
}
