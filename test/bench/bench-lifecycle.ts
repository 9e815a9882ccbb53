// The frame every stand-alone benchmark runs in: a work directory under the
// system temp dir, and one way out whatever happens. Normal end, a thrown
// error, SIGINT/SIGTERM/SIGHUP: every child still alive is killed (see
// child-processes.ts), the work directory is removed, and the process exits
// non-zero with one sentence on stderr (the stack only with --debug).

import { mkdtemp, statfs } from 'node:fs/promises'
import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { formatBytes } from '../../cli/units.js'
import { killAllChildren } from './child-processes.js'

export interface BenchContext {
  /** Work directory, removed at the end. */
  dir: string
  /** Progress line on stderr (stdout carries the table). */
  log: (line: string) => void
}

/** A thrown error that is the user's fault: exit 2, as for a bad flag. */
export class UsageError extends Error {}

const SIGNAL_NUMBERS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const

/** Run `body` and exit with the status it returns. */
export function runBench (name: string, usage: string, body: (context: BenchContext) => Promise<number>): void {
  const debug = process.argv.includes('--debug')
  const log = (line: string): void => { process.stderr.write(`${name}: ${line}\n`) }
  let dir: string | undefined
  const cleanUp = (): void => {
    killAllChildren()
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  }
  process.once('exit', cleanUp)
  for (const signal of Object.keys(SIGNAL_NUMBERS) as Array<keyof typeof SIGNAL_NUMBERS>) {
    process.once(signal, () => {
      cleanUp()
      process.stderr.write(`${name}: stopped by ${signal}; every child process was killed${dir === undefined ? '' : ` and ${dir} removed`}.\n`)
      process.exit(128 + SIGNAL_NUMBERS[signal])
    })
  }
  const run = async (): Promise<number> => {
    dir = await mkdtemp(join(tmpdir(), `ringcast-${name}-`))
    log(`work directory ${dir}`)
    return await body({ dir, log })
  }
  run().then(code => {
    cleanUp()
    process.exitCode = code
  }, (err: unknown) => {
    cleanUp()
    const message = err instanceof Error ? err.message : String(err)
    process.stderr.write(`${name}: ${message.split('\n')[0]!}\n`)
    if (err instanceof UsageError) process.stderr.write(usage)
    else if (debug && err instanceof Error) process.stderr.write(`${err.stack ?? ''}\n`)
    process.exitCode = err instanceof UsageError ? 2 : 1
  })
}

/** Throw one sentence if `dir`'s file system has less than `bytes` free for `what`. */
export async function requireFreeSpace (dir: string, bytes: number, what: string): Promise<void> {
  const fs = await statfs(dir)
  const free = fs.bavail * fs.bsize
  if (free < bytes) throw new Error(`${what} needs ${formatBytes(bytes)} free in ${dir} but only ${formatBytes(free)} is free.`)
}
