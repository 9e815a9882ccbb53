// The RSS benchmark: peak resident memory of each ringcast process by chain
// position (head, middle, tail) and of the coordinator, for every image size
// and block size asked for, against bare Node processes measured in the same
// run: an idle `node -e`, and a node:net receiver of 1 GiB (tcp-peer.js).
//
//   node dist/test/bench/rss-bench.js [--sizes 1GiB,4GiB --blocks 1MiB,64KiB --modes encrypted,integrity-only --json-out F]
//   node dist/test/bench/rss-bench.js --sizes 128MiB,256MiB      quick check
//
// How this works
//   1. Baselines: `node -e` that only reports its RSS; tcp-peer.js sink
//      receiving --baseline-size (1 GiB) from a tcp-peer.js source.
//   2. Each --modes entry is probed with `serve --data-plane MODE`, with the
//      same fallback to today's path as the relay benchmark (data-plane.ts).
//   3. Per image size: a random image; per block size and data plane, serve
//      (--block-size) + 3 joins through the real CLI. A node's peak RSS is
//      the `peakRssBytes` it reported to the coordinator (serve --json); the
//      coordinator's, and every process's peak at exit, come from the
//      cpu-report.js preload. Targets are checked with sha256 and deleted
//      after each run, the image after each size: a 4 GiB run needs 16 GiB.
// The table goes to stdout, progress to stderr. Ctrl-C or an error kills
// every child and removes the work directory.

import { spawn } from 'node:child_process'
import { rm, writeFile } from 'node:fs/promises'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { sha256File, writeRandomFile } from '../../cli/demo.js'
import { formatBytes, parseSize } from '../../cli/units.js'
import { measureTcpOneHop } from './baselines.js'
import { requireFreeSpace, runBench, type BenchContext } from './bench-lifecycle.js'
import { track } from './child-processes.js'
import { chooseDataPlanes, type DataPlane } from './data-plane.js'
import { MB, mb, num, table } from './markdown-table.js'
import { runMeasuredSession, type MeasuredSession } from './measured-session.js'

const USAGE = `usage: node dist/test/bench/rss-bench.js [options]

  --sizes LIST          image sizes, comma-separated (default 1GiB,4GiB)
  --blocks LIST         block sizes, passed as serve --block-size (default 1MiB,64KiB)
  --modes LIST          data planes, passed as serve --data-plane MODE
                        (default encrypted,integrity-only; today's path if serve lacks the flag)
  --baseline-size SIZE  what the bare node:net receiver receives (default 1GiB)
  --json-out PATH       also write the numbers as JSON to PATH
  --debug               stack traces on error
  -h, --help            this text
`

/** The data-plane rebuild's target for a node's peak memory, shown per row, not asserted. */
const RSS_BAR_BYTES = 128 * MB
/** Slower than this is a hang: far below anything ringcast has shown on loopback. */
const SLOWEST_PLAUSIBLE_BYTES_PER_SECOND = 5e6
/** Start-up, joining and the final checks on top of the transfer. */
const RUN_OVERHEAD_MS = 60_000
/** Room for journals, keys and whatever else writes to the disk meanwhile. */
const DISK_MARGIN_BYTES = 512 * 1_048_576
const POSITIONS = ['head', 'middle', 'tail'] as const

interface RssBenchOptions {
  sizes: number[]
  blocks: number[]
  modes: string[]
  baselineBytes: number
  jsonOut?: string
}

interface RssRun {
  imageBytes: number
  blockBytes: number
  plane: string
  session?: MeasuredSession
  /** As each node reported it, by position. */
  head?: number
  middle?: number
  tail?: number
  coordinator?: number
  /** Every node at or below RSS_BAR_BYTES. */
  withinBar?: boolean
  error?: string
}

interface RssBenchResults {
  date: string
  machine: { node: string, cpus: number, cpuModel: string }
  options: RssBenchOptions
  flagSupported: boolean
  baselines: { idleNodePeakRssBytes?: number, tcpSinkPeakRssBytes?: number, tcpSinkMbPerSecond?: number, errors: string[] }
  runs: RssRun[]
  problems: string[]
}

function parseOptions (argv: string[]): RssBenchOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: 'string', default: '1GiB,4GiB' },
      blocks: { type: 'string', default: '1MiB,64KiB' },
      modes: { type: 'string', default: 'encrypted,integrity-only' },
      'baseline-size': { type: 'string', default: '1GiB' },
      'json-out': { type: 'string' },
      debug: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false }
    },
    strict: true,
    allowPositionals: false
  })
  if (values.help === true) return undefined
  const list = (text: string): string[] => text.split(',').map(s => s.trim()).filter(s => s !== '')
  const o: RssBenchOptions = {
    sizes: list(values.sizes).map(s => parseSize(s, '--sizes')),
    blocks: list(values.blocks).map(s => parseSize(s, '--blocks')),
    modes: list(values.modes),
    baselineBytes: parseSize(values['baseline-size'], '--baseline-size'),
    jsonOut: values['json-out']
  }
  if (o.sizes.length === 0 || o.sizes.some(s => s <= 0)) throw new Error('--sizes expects sizes such as 1GiB,4GiB')
  if (o.blocks.length === 0 || o.blocks.some(b => b <= 0)) throw new Error('--blocks expects sizes such as 1MiB,64KiB')
  if (o.modes.length === 0) throw new Error('--modes expects data planes such as encrypted,integrity-only')
  return o
}

async function bench (o: RssBenchOptions, { dir, log }: BenchContext): Promise<number> {
  const results: RssBenchResults = {
    date: new Date().toISOString(),
    machine: { node: process.versions.node, cpus: cpus().length, cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU' },
    options: o,
    flagSupported: false,
    baselines: { errors: [] },
    runs: [],
    problems: []
  }
  // Fail before an hour of runs rather than at the biggest image.
  await checkDiskSpace(dir, Math.max(...o.sizes))
  log('baselines: idle node -e, bare node:net receiver')
  try {
    results.baselines.idleNodePeakRssBytes = await idleNodeRss()
  } catch (err) {
    results.baselines.errors.push(`idle node -e: ${(err as Error).message}`)
  }
  const tcp = await measureTcpOneHop(o.baselineBytes, timeoutFor(o.baselineBytes))
  if (tcp.error !== undefined) results.baselines.errors.push(`node:net receiver: ${tcp.error}`)
  results.baselines.tcpSinkPeakRssBytes = tcp.sinkPeakRssBytes
  results.baselines.tcpSinkMbPerSecond = tcp.mbPerSecond

  const probeImage = join(dir, 'probe.img')
  await writeRandomFile(probeImage, 1_048_576)
  const { planes, flagSupported } = await chooseDataPlanes(o.modes, probeImage, dir, log)
  results.flagSupported = flagSupported
  await rm(probeImage, { force: true })

  for (const size of o.sizes) {
    await checkDiskSpace(dir, size)
    const image = join(dir, 'image.img')
    log(`generating a ${formatBytes(size)} random image`)
    await writeRandomFile(image, size)
    const sha = await sha256File(image)
    try {
      for (const block of o.blocks) {
        for (const plane of planes) results.runs.push(await measure(plane, { dir, image, sha, size, block, log }))
      }
    } finally {
      await rm(image, { force: true })
    }
  }

  collectProblems(results)
  process.stdout.write(formatMarkdown(results))
  if (o.jsonOut !== undefined) {
    await writeFile(o.jsonOut, `${JSON.stringify(results, null, 2)}\n`)
    log(`wrote ${o.jsonOut}`)
  }
  if (results.problems.length > 0) {
    log(`${results.problems.length} problem(s): a run failed, a target differs from the image, or serve refused a mode; see Problems above.`)
    return 1
  }
  return 0
}

interface MeasureArgs { dir: string, image: string, sha: string, size: number, block: number, log: (line: string) => void }

async function measure (plane: DataPlane, a: MeasureArgs): Promise<RssRun> {
  const run: RssRun = { imageBytes: a.size, blockBytes: a.block, plane: plane.label }
  if (plane.refused !== undefined) {
    run.error = `serve refused --data-plane ${plane.mode}: ${plane.refused}`
    return run
  }
  const session = await runMeasuredSession({
    dir: a.dir, image: a.image, imageSha256: a.sha, imageBytes: a.size, nodes: 3,
    serveArgs: ['--block-size', String(a.block), ...plane.serveArgs], timeoutMs: timeoutFor(a.size), log: () => {}
  })
  run.session = session
  run.error = session.error
  POSITIONS.forEach((position, i) => { run[position] = session.chain[i]?.peakRssBytes })
  run.coordinator = session.coordinator?.peakRssBytes
  const nodes = POSITIONS.map(p => run[p])
  if (nodes.every(v => v !== undefined)) run.withinBar = nodes.every(v => v! <= RSS_BAR_BYTES)
  a.log(`  ${formatBytes(a.size)}, ${formatBytes(a.block)} blocks, ${plane.label}: ` +
    `${session.error === undefined ? `${num(session.mbPerSecond, 1)} MB/s` : session.error.split('\n')[0]!}, ` +
    `RSS head/middle/tail ${POSITIONS.map(p => mb(run[p])).join('/')} MB, coordinator ${mb(run.coordinator)} MB, ` +
    `${session.sha256Matches}/3 identical`)
  return run
}

/** Peak RSS of a Node process that does nothing, as `node -e` starts it. */
async function idleNodeRss (): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => process.stdout.write(String(process.resourceUsage().maxRSS * 1024)), 200)'], { stdio: ['ignore', 'pipe', 'pipe'] })
  track(child)
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d })
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  const code = await new Promise<number | null>(resolve => child.once('close', resolve))
  clearTimeout(timer)
  const bytes = Number(out)
  if (code !== 0 || !(bytes > 0)) throw new Error(`node -e exited ${code} and printed ${JSON.stringify(out)}`)
  return bytes
}

/** Image + 3 targets, plus room for journals and whatever else writes to the disk meanwhile. */
async function checkDiskSpace (dir: string, size: number): Promise<void> {
  await requireFreeSpace(dir, 4 * size + DISK_MARGIN_BYTES, `a ${formatBytes(size)} run (image and 3 targets)`)
}

const timeoutFor = (bytes: number): number => RUN_OVERHEAD_MS + 1000 * bytes / SLOWEST_PLAUSIBLE_BYTES_PER_SECOND

function collectProblems (r: RssBenchResults): void {
  r.problems.push(...r.baselines.errors.map(e => `baseline ${e}`))
  for (const run of r.runs) {
    const what = `${formatBytes(run.imageBytes)}, ${formatBytes(run.blockBytes)} blocks, ${run.plane}`
    if (run.error !== undefined) r.problems.push(`${what}: ${run.error}`)
    const s = run.session
    if (s !== undefined && s.mismatches > 0) r.problems.push(`${what}: ${s.mismatches} of 3 target(s) differ from the image or are missing`)
    if (s !== undefined && s.error === undefined && s.coordinator === undefined) r.problems.push(`${what}: serve wrote no CPU/RSS report`)
  }
}

function formatMarkdown (r: RssBenchResults): string {
  const bar = `${RSS_BAR_BYTES / MB} MB`
  const yesNo = (v: boolean | undefined): string => v === undefined ? 'n/a' : v ? 'yes' : 'no'
  const b = r.baselines
  const out = [
    '# ringcast peak RSS by chain position, image size and block size',
    '',
    `${r.date}, Node ${r.machine.node}, ${r.machine.cpus} × ${r.machine.cpuModel}. serve + 3 joins on 127.0.0.1, one run at a time. ` +
      'Peak RSS = getrusage maxRSS; 1 MB = 10^6 bytes.',
    '',
    '## Baselines',
    '',
    table(['process', 'peak RSS, MB', `≤ ${bar}`], ['l', 'r', 'l'], [
      ['idle `node -e`', mb(b.idleNodePeakRssBytes), yesNo(b.idleNodePeakRssBytes === undefined ? undefined : b.idleNodePeakRssBytes <= RSS_BAR_BYTES)],
      [`bare node:net receiver, ${formatBytes(r.options.baselineBytes)} (tcp-peer.js sink, ${num(b.tcpSinkMbPerSecond, 0)} MB/s)`, mb(b.tcpSinkPeakRssBytes),
        yesNo(b.tcpSinkPeakRssBytes === undefined ? undefined : b.tcpSinkPeakRssBytes <= RSS_BAR_BYTES)]
    ]),
    '',
    '## ringcast, 3-node chain',
    '',
    `Node RSS is what each join reported to the coordinator when it finished (\`peakRssBytes\` in serve's JSON report); ` +
      `the coordinator's is its maxRSS at exit. "≤ ${bar}": head, middle and tail all at or below ${bar}. ` +
      'Wall: serve started until every process exited; session: the coordinator\'s report, start of streaming until every node finished.',
    '',
    table(['image', 'block', 'data plane', 'wall, s', 'session, s', 'MB/s', 'head, MB', 'middle, MB', 'tail, MB', 'coordinator, MB', `≤ ${bar}`, 'targets identical'],
      ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'r'],
      r.runs.map(run => {
        const s = run.session
        return [formatBytes(run.imageBytes), formatBytes(run.blockBytes), run.plane, num(s?.wallSeconds, 1), num(s?.seconds, 1), num(s?.mbPerSecond, 1),
          mb(run.head), mb(run.middle), mb(run.tail), mb(run.coordinator), run.error === undefined ? yesNo(run.withinBar) : 'FAILED',
          s === undefined ? 'n/a' : `${s.sha256Matches}/3`]
      }))
  ]
  const late = lateGrowth(r.runs)
  if (late !== undefined) out.push('', late)
  if (!r.flagSupported) out.push('', 'serve does not accept --data-plane yet, so today\'s path was measured ("libp2p (today)").')
  if (r.problems.length > 0) out.push('', '## Problems', '', ...r.problems.map(p => `- ${p.replace(/\n/g, '\n  ')}`))
  return `${out.join('\n')}\n`
}

/** A node whose maxRSS at exit is well above what it reported at the end of its copy grew afterwards: say so. */
function lateGrowth (runs: RssRun[]): string | undefined {
  let worst: { bytes: number, what: string } | undefined
  for (const run of runs) {
    for (const n of run.session?.chain ?? []) {
      const grew = (n.cost?.peakRssBytes ?? 0) - (n.peakRssBytes ?? Infinity)
      if (grew > 0.05 * (n.peakRssBytes ?? 0) && (worst === undefined || grew > worst.bytes)) {
        worst = { bytes: grew, what: `${n.name} (${formatBytes(run.imageBytes)}, ${formatBytes(run.blockBytes)} blocks, ${run.plane})` }
      }
    }
  }
  return worst === undefined ? undefined : `Note: some node's RSS grew by more than 5 % after it reported; the most, ${mb(worst.bytes)} MB, ${worst.what}.`
}

let options: RssBenchOptions | undefined
try {
  options = parseOptions(process.argv.slice(2))
} catch (err) {
  process.stderr.write(`rss-bench: ${(err as Error).message}\n${USAGE}`)
  process.exit(2)
}
if (options === undefined) {
  process.stdout.write(USAGE)
} else {
  const o = options
  runBench('rss-bench', USAGE, async context => await bench(o, context))
}
