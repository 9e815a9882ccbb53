// Which data plane a benchmark row runs on. `serve --data-plane MODE` is
// being added (encrypted | integrity-only | libp2p, the last being today's
// path); until it lands serve rejects the flag. Each requested mode is
// probed once with a real `ringcast serve` that is stopped as soon as it
// prints its join line:
//
//   join line               → the mode runs, with --data-plane MODE
//   unknown '--data-plane'  → the flag does not exist yet: every mode
//                             collapses into one row, today's path,
//                             labelled "libp2p (today)", without the flag
//   any other exit          → serve refused this mode: its rows fail with
//                             serve's sentence
//
// so the same script is useful before and after the change.

import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { spawnRingcast } from '../../cli/local-cluster.js'
import { track } from './child-processes.js'

export interface DataPlane {
  /** What --modes asked for; 'libp2p' for the fallback. */
  mode: string
  /** Row label. */
  label: string
  /** Added to serve's arguments. */
  serveArgs: string[]
  /** serve refused the mode; the sentence it printed. */
  refused?: string
}

export interface DataPlaneChoice {
  planes: DataPlane[]
  /** False when serve does not know --data-plane (today). */
  flagSupported: boolean
}

export const TODAY_LABEL = 'libp2p (today)'

const LISTEN = '/ip4/127.0.0.1/tcp/0'
const JOIN_LINE = /join with: ringcast join (\S+) --token (\S+)/
const UNKNOWN_FLAG = /unknown option '--data-plane'/
const PROBE_TIMEOUT_MS = 30_000

export async function chooseDataPlanes (modes: string[], image: string, dir: string, log: (line: string) => void): Promise<DataPlaneChoice> {
  const planes: DataPlane[] = []
  for (const mode of modes) {
    const outcome = await probe(mode, image, dir)
    if (outcome.kind === 'unknown-flag') {
      log(`serve does not know --data-plane yet: measuring today's path once, as "${TODAY_LABEL}"`)
      return { planes: [{ mode: 'libp2p', label: TODAY_LABEL, serveArgs: [] }], flagSupported: false }
    }
    log(`--data-plane ${mode}: ${outcome.kind === 'accepted' ? 'accepted' : `refused (${outcome.sentence})`}`)
    planes.push({ mode, label: mode, serveArgs: ['--data-plane', mode], refused: outcome.kind === 'refused' ? outcome.sentence : undefined })
  }
  return { planes, flagSupported: true }
}

type Outcome = { kind: 'accepted' } | { kind: 'unknown-flag' } | { kind: 'refused', sentence: string }

async function probe (mode: string, image: string, dir: string): Promise<Outcome> {
  const serve = spawnRingcast('probe', ['serve', image, '--data-plane', mode, '--nodes', '1', '--listen', LISTEN,
    '--key', join(dir, 'probe.key'), '--token', randomBytes(16).toString('hex'), '-q'])
  track(serve.child)
  try {
    await serve.waitForLine(JOIN_LINE, PROBE_TIMEOUT_MS)
    return { kind: 'accepted' }
  } catch (err) {
    const stderr = serve.stderr()
    if (UNKNOWN_FLAG.test(stderr)) return { kind: 'unknown-flag' }
    const sentence = stderr.trim().split('\n').find(l => l.trim() !== '') ?? (err as Error).message.split('\n')[0]!
    return { kind: 'refused', sentence }
  } finally {
    serve.child.kill('SIGTERM')
    const killer = setTimeout(() => serve.child.kill('SIGKILL'), 5_000)
    await serve.exited
    clearTimeout(killer)
  }
}
