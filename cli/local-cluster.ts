// Run ringcast processes on this machine: the demo, the integration tests and
// the benchmarks all start real coordinator and node processes through here.

import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/**
 * Node flags ringcast runs with: the same as cli/ringcast.ts's shebang (a unit
 * test checks); docs/runtime-facts.md, "V8's young generation on Node 22 and 24".
 */
export const NODE_FLAGS = ['--max-semi-space-size=4']

/** The built CLI, whether this module runs from dist/ or from source (vitest). */
export const CLI_PATH = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? './ringcast.js' : '../dist/cli/ringcast.js', import.meta.url))

export interface RingcastProcess {
  name: string
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  /** Resolves with the exit code (128 + signal number when killed). */
  exited: Promise<number>
  /** Resolves with the first stderr line matching `re`, or rejects at exit. */
  waitForLine: (re: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>
}

export interface SpawnOptions {
  /** Called with each stderr line as it arrives. */
  onLine?: (line: string) => void
  /** Prefix the command, e.g. ['ip', 'netns', 'exec', 'ns1']. */
  wrapper?: string[]
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }

export function spawnRingcast (name: string, args: string[], options: SpawnOptions = {}): RingcastProcess {
  const command = [...(options.wrapper ?? []), process.execPath, ...NODE_FLAGS, CLI_PATH, ...args]
  const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  let pending = ''
  const watchers: Array<{ re: RegExp, resolve: (m: RegExpMatchArray) => void }> = []
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d })
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d
    pending += d
    const lines = pending.split('\n')
    pending = lines.pop()!
    for (const line of lines) {
      options.onLine?.(line)
      for (const w of [...watchers]) {
        const m = line.match(w.re)
        if (m !== null) { watchers.splice(watchers.indexOf(w), 1); w.resolve(m) }
      }
    }
  })
  const exited = new Promise<number>(resolve => {
    child.on('close', (code, signal) => resolve(code ?? 128 + (signal === null ? 0 : SIGNALS[signal] ?? 0)))
  })
  return {
    name,
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async waitForLine (re, timeoutMs = 30_000) {
      const existing = err.split('\n').map(l => l.match(re)).find(m => m !== null)
      if (existing != null) return existing
      return await new Promise<RegExpMatchArray>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name}: no line matching ${re} within ${timeoutMs} ms\n${err}`)), timeoutMs)
        watchers.push({ re, resolve: m => { clearTimeout(timer); resolve(m) } })
        void exited.then(code => { clearTimeout(timer); reject(new Error(`${name} exited (${code}) before printing ${re}\n${err}`)) })
      })
    }
  }
}

export interface Coordinator {
  proc: RingcastProcess
  /** Multiaddr from the join line. */
  joinAddr: string
  token: string
}

/** Start `ringcast serve` and wait for its join line. */
export async function startCoordinator (args: string[], options: SpawnOptions = {}): Promise<Coordinator> {
  const proc = spawnRingcast('coordinator', ['serve', ...args], options)
  const m = await proc.waitForLine(/join with: ringcast join (\S+) --token (\S+)/)
  return { proc, joinAddr: m[1]!, token: m[2]! }
}
