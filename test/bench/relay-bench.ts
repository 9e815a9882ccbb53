// The relay benchmark: what a ringcast relay costs in CPU per GB, and what
// one hop moves, each against a plain node:net baseline measured in the same
// run on the same machine.
//
//   node dist/test/bench/relay-bench.js [--size 1GiB --block 1MiB --modes encrypted,integrity-only --repeat 3 --json-out F]
//   node dist/test/bench/relay-bench.js --size 128MiB      quick check
//
// How this works
//   1. A random image (--size) and a tiny one (--tiny, 8 MiB).
//   2. Each --modes entry is probed with `serve --data-plane MODE`; while
//      serve does not know the flag, today's path is measured once as
//      "libp2p (today)" (data-plane.ts).
//   3. Baselines (relay-baselines.ts, plain-relay-peer.ts): a plain node:net
//      source → relay → sink doing ringcast's per-block work (verify SHA-256,
//      write, forward), and a raw node:net one hop whose sink only verifies.
//   4. Per data plane, through the real CLI: serve + 3 joins (the middle join
//      is the relay) and serve + 1 join, each at --size and at --tiny. Every
//      ringcast process has cpu-report.js preloaded; the tiny session's CPU
//      is subtracted to take out start-up and libp2p (measured-session.ts).
//   5. Every target's sha256 is checked here; a run that differs fails.
// Everything runs one after another; each measurement --repeat times, the
// median shown. The table goes to stdout, progress to stderr. Ctrl-C or an
// error kills every child and removes the work directory.

import { writeFile } from 'node:fs/promises'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { sha256File, writeRandomFile } from '../../cli/demo.js'
import { formatBytes, parseCount, parseSize } from '../../cli/units.js'
import { requireFreeSpace, runBench, type BenchContext } from './bench-lifecycle.js'
import { chooseDataPlanes, type DataPlane } from './data-plane.js'
import { runMeasuredSession, type MeasuredSession } from './measured-session.js'
import { measurePlainRelay, measureRawOneHop, type BaselineRun } from './relay-baselines.js'
import {
  collectProblems, formatMarkdown, judge, summarizeBaseline, summarizeRingcast,
  type PlaneResult, type RelayBenchOptions, type RelayBenchResults, type RingcastSummary
} from './relay-report.js'

const USAGE = `usage: node dist/test/bench/relay-bench.js [options]

  --size SIZE       image size (default 1GiB)
  --tiny SIZE       image of the start-up run whose CPU is subtracted (default 8MiB)
  --block SIZE      block size, for ringcast (serve --block-size) and the baselines (default 1MiB)
  --modes LIST      data planes, comma-separated, passed as serve --data-plane MODE
                    (default encrypted,integrity-only; today's path if serve lacks the flag)
  --repeat N        runs per measurement; the median is shown (default 1)
  --json-out PATH   also write the numbers as JSON to PATH
  --debug           stack traces on error
  -h, --help        this text
`

/** Slower than this is a hang: far below anything ringcast has shown on loopback. */
const SLOWEST_PLAUSIBLE_BYTES_PER_SECOND = 5e6
/** Start-up, joining and the final checks on top of the transfer. */
const RUN_OVERHEAD_MS = 60_000

function parseOptions (argv: string[]): RelayBenchOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      size: { type: 'string', default: '1GiB' },
      tiny: { type: 'string', default: '8MiB' },
      block: { type: 'string', default: '1MiB' },
      modes: { type: 'string', default: 'encrypted,integrity-only' },
      repeat: { type: 'string', default: '1' },
      'json-out': { type: 'string' },
      debug: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false }
    },
    strict: true,
    allowPositionals: false
  })
  if (values.help === true) return undefined
  const o: RelayBenchOptions = {
    sizeBytes: parseSize(values.size, '--size'),
    tinyBytes: parseSize(values.tiny, '--tiny'),
    blockBytes: parseSize(values.block, '--block'),
    modes: values.modes.split(',').map(m => m.trim()).filter(m => m !== ''),
    repeat: parseCount(values.repeat, '--repeat'),
    jsonOut: values['json-out']
  }
  if (o.modes.length === 0) throw new Error('--modes expects data planes such as encrypted,integrity-only')
  if (!(o.tinyBytes > 0 && o.tinyBytes < o.sizeBytes)) throw new Error('--tiny must be above 0 and below --size')
  if (!(o.blockBytes > 0) || o.blockBytes > 0xffff_ffff) throw new Error('--block must be between 1 byte and 4 GiB')
  return o
}

async function bench (o: RelayBenchOptions, { dir, log }: BenchContext): Promise<number> {
  const image = join(dir, 'image.img')
  const tinyImage = join(dir, 'tiny.img')
  // The image, the tiny one and a 3-node chain's targets, plus some room.
  await requireFreeSpace(dir, 4 * o.sizeBytes + o.tinyBytes + 256 * 1_048_576, `a ${formatBytes(o.sizeBytes)} run`)
  log(`generating a ${formatBytes(o.sizeBytes)} and a ${formatBytes(o.tinyBytes)} random image`)
  await writeRandomFile(image, o.sizeBytes)
  await writeRandomFile(tinyImage, o.tinyBytes)
  const sha = await sha256File(image)
  const tinySha = await sha256File(tinyImage)
  const { planes, flagSupported } = await chooseDataPlanes(o.modes, tinyImage, dir, log)

  log(`baselines, ${formatBytes(o.sizeBytes)}, ${o.repeat} run(s) each`)
  const timeoutMs = timeoutFor(o.sizeBytes)
  const plainRuns = await repeat(o.repeat, async () => {
    const r = await measurePlainRelay({ dir, image, imageSha256: sha, imageBytes: o.sizeBytes, blockBytes: o.blockBytes, timeoutMs })
    log(`  plain node:net relay: ${describeBaseline(r)}, relay ${r.relay?.cpuSecondsPerGB.toFixed(2) ?? 'n/a'} CPU s/GB`)
    return r
  })
  const rawRuns = await repeat(o.repeat, async () => {
    const r = await measureRawOneHop(o.sizeBytes, o.blockBytes, timeoutMs)
    log(`  raw node:net + SHA-256 one hop: ${describeBaseline(r)}`)
    return r
  })
  const results: RelayBenchResults = {
    date: new Date().toISOString(),
    machine: { node: process.versions.node, cpus: cpus().length, cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU' },
    options: o,
    flagSupported,
    plainRelay: summarizeBaseline(plainRuns, 2),
    rawOneHop: summarizeBaseline(rawRuns, 0),
    ringcast: [],
    problems: []
  }

  for (const plane of planes) {
    const result: PlaneResult = { plane, bars: [] }
    if (plane.refused === undefined) {
      const session = async (nodes: number): Promise<RingcastSummary> => {
        const one = async (path: string, imageSha256: string, imageBytes: number): Promise<MeasuredSession> => {
          const run = await runMeasuredSession({
            dir, image: path, imageSha256, imageBytes, nodes, serveArgs: serveArgs(plane, o), timeoutMs: timeoutFor(imageBytes), log: () => {}
          })
          log(`  ${plane.label}, ${nodes} node(s), ${formatBytes(imageBytes)}: ${describeSession(run)}`)
          return run
        }
        const tinyRuns = await repeat(o.repeat, async () => await one(tinyImage, tinySha, o.tinyBytes))
        const runs = await repeat(o.repeat, async () => await one(image, sha, o.sizeBytes))
        return summarizeRingcast(runs, tinyRuns, o)
      }
      log(`ringcast on ${plane.label}`)
      result.chain = await session(3)
      result.oneHop = await session(1)
    }
    judge(result, results.plainRelay, results.rawOneHop)
    results.ringcast.push(result)
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

const serveArgs = (plane: DataPlane, o: RelayBenchOptions): string[] => ['--block-size', String(o.blockBytes), ...plane.serveArgs]

async function repeat<T> (times: number, measure: () => Promise<T>): Promise<T[]> {
  const runs: T[] = []
  for (let i = 0; i < times; i++) runs.push(await measure())
  return runs
}

const timeoutFor = (bytes: number): number => RUN_OVERHEAD_MS + 1000 * bytes / SLOWEST_PLAUSIBLE_BYTES_PER_SECOND

const describeBaseline = (r: BaselineRun): string => r.error ?? `${r.mbPerSecond!.toFixed(1)} MB/s`

function describeSession (r: MeasuredSession): string {
  const cpu = r.chain.map(n => n.cost?.cpuSeconds.toFixed(2) ?? '?').join(' / ')
  return `${r.mbPerSecond === undefined ? 'no result' : `${r.mbPerSecond.toFixed(1)} MB/s`}, join CPU ${cpu} s, ` +
    `${r.sha256Matches}/${r.nodes} identical${r.error === undefined ? '' : `; ${r.error.split('\n')[0]!}`}`
}

let options: RelayBenchOptions | undefined
try {
  options = parseOptions(process.argv.slice(2))
} catch (err) {
  process.stderr.write(`relay-bench: ${(err as Error).message}\n${USAGE}`)
  process.exit(2)
}
if (options === undefined) {
  process.stdout.write(USAGE)
} else {
  const o = options
  runBench('relay-bench', USAGE, async context => await bench(o, context))
}
