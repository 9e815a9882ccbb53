// One ringcast session on loopback, measured from the outside: a `ringcast
// serve` process and N `ringcast join` processes started through the real
// CLI, each with cpu-report.js preloaded, so their CPU time and peak RSS are
// known at exit without changing ringcast; then an independent sha256 of
// every target.
//
// The preload rides in NODE_OPTIONS through an `env` wrapper, which execs
// node in place (same pid, signals go straight to it):
//
//   env RINGCAST_CPU_REPORT=F NODE_OPTIONS=--import=file:///…/cpu-report.js \
//     node --max-semi-space-size=4 dist/cli/ringcast.js join …
//
// That is `node --import …` in effect, and it keeps cli/local-cluster.ts
// (being changed elsewhere) the one place that knows how to start ringcast.
//
// `seconds` is the coordinator's own report (start of streaming until every
// node finished); `wallSeconds` runs from starting serve until every process
// has exited.

import { randomBytes } from 'node:crypto'
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { sha256File } from '../../cli/demo.js'
import { spawnRingcast, type RingcastProcess } from '../../cli/local-cluster.js'
import type { SessionReport } from '../../src/coordinator/report.js'
import { track } from './child-processes.js'
import { CPU_REPORT_ENV, type CpuReport } from './cpu-report.js'

/** What one process cost over its whole life (start-up included). */
export interface ProcessCost {
  cpuSeconds: number
  userSeconds: number
  systemSeconds: number
  peakRssBytes: number
}

export interface SessionNode {
  name: string
  /** Place in the chain, 0 = fed by the source. */
  position: number
  status: string
  reason?: string
  /** As the node reported it to the coordinator (when it finished). */
  peakRssBytes?: number
  /** From the preload, at exit. */
  cost?: ProcessCost
}

export interface MeasuredSession {
  imageBytes: number
  nodes: number
  seconds?: number
  /** imageBytes / 1e6 / seconds. */
  mbPerSecond?: number
  wallSeconds?: number
  coordinator?: ProcessCost
  /** Head first. */
  chain: SessionNode[]
  sha256Matches: number
  mismatches: number
  error?: string
}

export interface SessionOptions {
  dir: string
  image: string
  imageSha256: string
  imageBytes: number
  nodes: number
  /** Extra serve flags, e.g. ['--block-size', '65536', '--data-plane', 'encrypted']. */
  serveArgs: string[]
  /** Kill the session if it is not over after this long. */
  timeoutMs: number
  log: (line: string) => void
}

const LISTEN = '/ip4/127.0.0.1/tcp/0'
const JOIN_LINE = /join with: ringcast join (\S+) --token (\S+)/
/** How long nodes may take to exit once the coordinator has. */
const NODE_EXIT_GRACE_MS = 30_000
const CPU_REPORT_URL = new URL('./cpu-report.js', import.meta.url).href

/** Start a ringcast process whose cost is written to `costFile` when it exits. */
export function spawnMeasured (name: string, args: string[], costFile: string): RingcastProcess {
  const nodeOptions = [process.env.NODE_OPTIONS ?? '', `--import=${CPU_REPORT_URL}`].join(' ').trim()
  const p = spawnRingcast(name, args, { wrapper: ['env', `${CPU_REPORT_ENV}=${costFile}`, `NODE_OPTIONS=${nodeOptions}`] })
  track(p.child)
  return p
}

export async function readCost (costFile: string): Promise<ProcessCost | undefined> {
  try {
    const r = JSON.parse(await readFile(costFile, 'utf8')) as CpuReport
    return { cpuSeconds: (r.cpu.user + r.cpu.system) / 1e6, userSeconds: r.cpu.user / 1e6, systemSeconds: r.cpu.system / 1e6, peakRssBytes: r.rss }
  } catch {
    return undefined
  }
}

export async function runMeasuredSession (o: SessionOptions): Promise<MeasuredSession> {
  const run: MeasuredSession = { imageBytes: o.imageBytes, nodes: o.nodes, chain: [], sha256Matches: 0, mismatches: 0 }
  const id = `${process.pid}-${randomBytes(4).toString('hex')}`
  const names = Array.from({ length: o.nodes }, (_, i) => `node-${i + 1}`)
  const targets = names.map(n => join(o.dir, `${id}-${n}.img`))
  const costFiles = new Map(['coordinator', ...names].map(n => [n, join(o.dir, `${id}-${n}.cost.json`)] as const))
  const procs: RingcastProcess[] = []
  const startedAt = performance.now()
  let report: SessionReport | undefined
  try {
    const token = randomBytes(16).toString('hex')
    const coordinator = spawnMeasured('coordinator', ['serve', o.image, '--nodes', String(o.nodes), '--listen', LISTEN,
      '--key', join(o.dir, 'coordinator.key'), '--token', token, '--json', ...o.serveArgs], costFiles.get('coordinator')!)
    procs.push(coordinator)
    const joinAddr = (await coordinator.waitForLine(JOIN_LINE))[1]!
    // The nodes join once the source has hashed and signed the image, as
    // they would after a network boot (tens of seconds): on two cores that
    // pass would otherwise share the CPU with the transfer being measured.
    await coordinator.waitForLine(/image sha256 /, o.timeoutMs)
    for (const [i, name] of names.entries()) {
      procs.push(spawnMeasured(name, ['join', joinAddr, '--token', token, '--target', targets[i]!, '--create',
        '--name', name, '--listen', LISTEN, '-q'], costFiles.get(name)!))
    }
    const serveExit = await within(coordinator.exited, o.timeoutMs, `session not finished after ${Math.round(o.timeoutMs / 1000)} s`)
    const nodeExits = await within(Promise.all(procs.slice(1).map(async p => await p.exited)), NODE_EXIT_GRACE_MS,
      'nodes still running after the coordinator exited')
    run.wallSeconds = (performance.now() - startedAt) / 1000
    report = parseReport(coordinator)
    run.seconds = report.seconds
    run.mbPerSecond = report.imageBytes / 1e6 / report.seconds
    const problems = [
      serveExit === 0 ? '' : `serve exited ${serveExit}`,
      ...nodeExits.map((code, i) => code === 0 ? '' : `${procs[i + 1]!.name} exited ${code}: ${lastLine(procs[i + 1]!)}`)
    ].filter(p => p !== '')
    if (problems.length > 0) run.error = problems.join('; ')
  } catch (err) {
    run.error = `${(err as Error).message.split('\n')[0]!}${procs.map(p => stderrTail(p)).join('')}`
  } finally {
    for (const p of procs) p.child.kill('SIGKILL')
    await Promise.all(procs.map(async p => await p.exited))
  }
  run.coordinator = await readCost(costFiles.get('coordinator')!)
  run.chain = await chainOf(report, costFiles)
  for (const n of run.chain) {
    if (n.status !== 'OK') run.error = [run.error, `${n.name} ${n.status}${n.reason === undefined ? '' : `: ${n.reason}`}`].filter(Boolean).join('; ')
  }
  try {
    await verifyTargets(run, targets, o)
  } finally {
    await Promise.all([...targets, ...targets.map(t => `${t}.ringcast-journal`), ...costFiles.values()].map(async f => await rm(f, { force: true })))
  }
  return run
}

/** The report's nodes with what each process cost, head first. */
async function chainOf (report: SessionReport | undefined, costFiles: Map<string, string>): Promise<SessionNode[]> {
  const chain = await Promise.all((report?.nodes ?? []).map(async (n): Promise<SessionNode> => ({
    name: n.name, position: n.position, status: n.status, reason: n.reason, peakRssBytes: n.peakRssBytes, cost: await readCost(costFiles.get(n.name) ?? '')
  })))
  return chain.sort((a, b) => a.position - b.position)
}

async function verifyTargets (run: MeasuredSession, targets: string[], o: SessionOptions): Promise<void> {
  for (const target of targets) {
    o.log(`sha256 ${target}`)
    const got = await sha256File(target).catch(() => 'missing')
    if (got === o.imageSha256) run.sha256Matches++
    else run.mismatches++
  }
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
