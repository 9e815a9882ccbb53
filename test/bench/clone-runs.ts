// One ringcast session on loopback: a `ringcast serve` process and N
// `ringcast join` processes, then an independent sha256 of every target.
//
// The timing is the coordinator's own report: `seconds` runs from the start
// of streaming (all nodes admitted, plans sent) until every node finished,
// so process start-up and joining are not counted.

import { randomBytes } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { spawnRingcast, type RingcastProcess } from '../../cli/local-cluster.js'
import { sha256File } from '../../cli/demo.js'
import type { SessionReport } from '../../src/coordinator/report.js'
import { track } from './child-processes.js'

export interface CloneNode {
  name: string
  status: string
  mbPerSecond: number
  peakRssBytes?: number
  reason?: string
}

export interface CloneRun {
  nodes: number
  /** Where the targets were, when not the work directory (e.g. tmpfs). */
  targetDir?: string
  /** MB/s of every repeat of this measurement (this run is their median). */
  runsMbPerSecond?: number[]
  imageBytes: number
  /** From the coordinator's report. */
  seconds?: number
  /** imageBytes / 1e6 / seconds. */
  mbPerSecond?: number
  nodeReports: CloneNode[]
  /** Nodes ringcast itself reported OK. */
  ringcastVerified: number
  /** Targets whose sha256, computed here, equals the image's. */
  sha256Matches: number
  /** Targets that exist but differ, or are missing. */
  mismatches: number
  error?: string
}

export interface CloneRunOptions {
  dir: string
  image: string
  imageSha256: string
  imageBytes: number
  nodes: number
  /** Directory for the targets (default: dir). */
  targetDir?: string
  /** Kill the session if it is not over after this long. */
  timeoutMs: number
  log: (line: string) => void
}

const LISTEN = '/ip4/127.0.0.1/tcp/0'
const JOIN_LINE = /join with: ringcast join (\S+) --token (\S+)/
/** How long nodes may take to exit once the coordinator has. */
const NODE_EXIT_GRACE_MS = 30_000

export async function runClone (o: CloneRunOptions): Promise<CloneRun> {
  const run: CloneRun = { nodes: o.nodes, targetDir: o.targetDir, imageBytes: o.imageBytes, nodeReports: [], ringcastVerified: 0, sha256Matches: 0, mismatches: 0 }
  const targets = Array.from({ length: o.nodes }, (_, i) => join(o.targetDir ?? o.dir, `ringcast-bench-node-${process.pid}-${i + 1}.img`))
  const procs: RingcastProcess[] = []
  const started = (p: RingcastProcess): RingcastProcess => { track(p.child); procs.push(p); return p }
  try {
    const token = randomBytes(16).toString('hex')
    // startCoordinator() would be the natural call, but it returns the process
    // only after the join line; tracking it from the first moment means a
    // timeout or SIGINT before that line still kills it.
    const coordinator = started(spawnRingcast('coordinator', ['serve', o.image, '--nodes', String(o.nodes), '--listen', LISTEN,
      '--key', join(o.dir, 'coordinator.key'), '--token', token, '--json', '-q']))
    const joinAddr = (await coordinator.waitForLine(JOIN_LINE))[1]!
    for (const [i, target] of targets.entries()) {
      started(spawnRingcast(`node-${i + 1}`, ['join', joinAddr, '--token', token, '--target', target, '--create',
        '--name', `node-${i + 1}`, '--listen', LISTEN, '-q']))
    }
    const serveExit = await within(coordinator.exited, o.timeoutMs, `session not finished after ${Math.round(o.timeoutMs / 1000)} s`)
    const nodeExits = await within(Promise.all(procs.slice(1).map(async p => await p.exited)), NODE_EXIT_GRACE_MS,
      'nodes still running after the coordinator exited')
    const report = parseReport(coordinator)
    run.seconds = report.seconds
    run.mbPerSecond = report.imageBytes / 1e6 / report.seconds
    run.ringcastVerified = report.verified
    run.nodeReports = report.nodes.map(n => ({ name: n.name, status: n.status, mbPerSecond: n.mbPerSecond, peakRssBytes: n.peakRssBytes, reason: n.reason }))
    const problems = [
      serveExit === 0 ? '' : `serve exited ${serveExit}`,
      ...nodeExits.map((code, i) => code === 0 ? '' : `${procs[i + 1]!.name} exited ${code}: ${lastLine(procs[i + 1]!)}`)
    ].filter(p => p !== '')
    if (problems.length > 0) run.error = problems.join('; ')
  } catch (err) {
    run.error = `${(err as Error).message}${procs.map(p => stderrTail(p)).join('')}`
  } finally {
    for (const p of procs) p.child.kill('SIGKILL')
    await Promise.all(procs.map(async p => await p.exited))
  }
  try {
    for (const target of targets) {
      o.log(`sha256 ${target}`)
      const got = await sha256File(target).catch(() => 'missing')
      if (got === o.imageSha256) run.sha256Matches++
      else run.mismatches++
    }
  } finally {
    await Promise.all(targets.map(async t => await rm(t, { force: true })))
  }
  return run
}

function parseReport (coordinator: RingcastProcess): SessionReport {
  const out = coordinator.stdout()
  try {
    return JSON.parse(out) as SessionReport
  } catch {
    throw new Error(`coordinator printed no JSON report (stdout: ${JSON.stringify(out.slice(0, 200))})`)
  }
}

async function within<T> (promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error(message)), ms) })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

const lastLine = (p: RingcastProcess): string => p.stderr().trim().split('\n').pop() ?? ''

const stderrTail = (p: RingcastProcess): string => {
  const tail = p.stderr().trim().split('\n').slice(-3).join(' | ')
  return tail === '' ? '' : `\n  ${p.name}: ${tail}`
}
