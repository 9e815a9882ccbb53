// The clone benchmark: ringcast chains of 1, 2 and 4 node processes against
// baselines measured in the same run, and node memory against image size.
//
//   npm run bench                                  1 GiB runs, 2 GiB memory run
//   node dist/test/bench/clone-bench.js --quick    256 MiB / 512 MiB smoke run
//
// How this works
//   1. Baselines, each between separate processes on 127.0.0.1: raw node:net
//      one hop, raw node:net through a relay process, and a bare libp2p
//      noise+yamux stream through the NetNode ringcast uses.
//   2. One random image; for each chain length a `ringcast serve` process and
//      N `ringcast join` processes clone it; every target is then checked
//      with sha256 here and deleted.
//   3. A one-node run with a bigger image, to show node memory does not grow
//      with the image.
// Everything runs one after another (the machines are small and shared).
// The markdown table goes to stdout, progress to stderr.
import '../../src/net/shim.js'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { sha256File, writeRandomFile } from '../../cli/demo.js'
import { formatBytes } from '../../cli/units.js'
import { measureLibp2pStream, measureTcpOneHop, measureTcpRelay } from './baselines.js'
import { parseBenchOptions, USAGE, type BenchOptions } from './bench-options.js'
import { formatMarkdown, summarize, type BenchResults } from './bench-report.js'
import { killAllChildren } from './child-processes.js'
import { runClone, type CloneRun } from './clone-runs.js'

/**
 * A run that is slower than this is treated as hung. Far below anything
 * ringcast has shown on loopback, so a timeout always means a bug.
 */
const SLOWEST_PLAUSIBLE_BYTES_PER_SECOND = 5e6
/** Start-up, joining and the final checks on top of the transfer. */
const RUN_OVERHEAD_MS = 60_000

const log = (line: string): void => { process.stderr.write(`bench: ${line}\n`) }

async function main (): Promise<number> {
  let options: BenchOptions | undefined
  try {
    options = parseBenchOptions(process.argv.slice(2))
  } catch (err) {
    process.stderr.write(`clone-bench: ${(err as Error).message}\n${USAGE}`)
    return 2
  }
  if (options === undefined) { process.stdout.write(USAGE); return 0 }

  const dir = await mkdtemp(join(tmpdir(), 'ringcast-bench-'))
  cleanUpOnExit(dir)
  const results: BenchResults = {
    date: new Date().toISOString(),
    machine: { node: process.versions.node, cpus: cpus().length, cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU' },
    options,
    baselines: [],
    clones: [],
    summary: {},
    bars: [],
    problems: []
  }
  try {
    const size = options.sizeBytes
    log(`work directory ${dir}`)
    log(`baselines, ${formatBytes(size)} each`)
    for (const measure of [measureTcpOneHop, measureTcpRelay, measureLibp2pStream]) {
      const result = await median(options.repeat, async () => {
        const r = await measure(size, timeoutFor(size))
        log(`  ${r.path}: ${r.error ?? `${r.mbPerSecond!.toFixed(1)} MB/s`}`)
        return r
      })
      results.baselines.push(result)
    }

    for (const n of options.chains) {
      results.clones.push(await median(options.repeat, async () => await cloneRun(dir, size, n, 'image.img')))
    }
    if (options.tmpfsDir !== undefined) {
      const tmpfs = options.tmpfsDir
      results.clones.push(await median(options.repeat, async () => await cloneRun(dir, size, 1, 'image.img', tmpfs)))
    }
    await rm(join(dir, 'image.img'), { force: true })

    results.memoryRun = await cloneRun(dir, options.bigBytes, 1, 'big.img')
    await rm(join(dir, 'big.img'), { force: true })
  } finally {
    killAllChildren()
    await rm(dir, { recursive: true, force: true })
  }

  summarize(results)
  process.stdout.write(formatMarkdown(results))
  if (options.jsonOut !== undefined) {
    await writeFile(options.jsonOut, `${JSON.stringify(results, null, 2)}\n`)
    log(`wrote ${options.jsonOut}`)
  }
  // Bars are shown, not asserted; a failed or unverified run is an error.
  return results.problems.length === 0 ? 0 : 1
}

/** The image is generated and hashed on first use and kept for later chains. */
const imageHashes = new Map<string, string>()

/**
 * Run a measurement `times` times and keep the median run (by MB/s), with
 * every run's MB/s attached: one run on a shared 2-core machine varies by
 * ±20 %. A run that failed counts as 0 MB/s.
 */
async function median<T extends { mbPerSecond?: number, runsMbPerSecond?: number[] }> (times: number, measure: () => Promise<T>): Promise<T> {
  const runs: T[] = []
  for (let i = 0; i < times; i++) runs.push(await measure())
  const sorted = [...runs].sort((a, b) => (a.mbPerSecond ?? 0) - (b.mbPerSecond ?? 0))
  const chosen = sorted[Math.floor((sorted.length - 1) / 2)]!
  chosen.runsMbPerSecond = runs.map(r => r.mbPerSecond ?? 0)
  return chosen
}

async function cloneRun (dir: string, imageBytes: number, nodes: number, imageName: string, targetDir?: string): Promise<CloneRun> {
  const image = join(dir, imageName)
  let sha = imageHashes.get(image)
  if (sha === undefined) {
    log(`generating a ${formatBytes(imageBytes)} random image`)
    await writeRandomFile(image, imageBytes)
    sha = await sha256File(image)
    imageHashes.set(image, sha)
  }
  log(`ringcast: ${formatBytes(imageBytes)} to ${nodes} node(s)${targetDir === undefined ? '' : ` (targets in ${targetDir})`}`)
  const run = await runClone({ dir, targetDir, image, imageSha256: sha, imageBytes, nodes, timeoutMs: timeoutFor(imageBytes), log: line => log(`  ${line}`) })
  log(`  ${run.mbPerSecond === undefined ? 'no result' : `${run.mbPerSecond.toFixed(1)} MB/s`}, ` +
    `${run.sha256Matches}/${nodes} identical${run.error === undefined ? '' : `; ${run.error.split('\n')[0]!}`}`)
  return run
}

const timeoutFor = (bytes: number): number => RUN_OVERHEAD_MS + 1000 * bytes / SLOWEST_PLAUSIBLE_BYTES_PER_SECOND

/** Kill children and remove the work directory however the process ends. */
function cleanUpOnExit (dir: string): void {
  const cleanUp = (): void => {
    killAllChildren()
    rmSync(dir, { recursive: true, force: true })
  }
  process.once('exit', cleanUp)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping, removing ${dir}`)
      cleanUp()
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1))
    })
  }
}

main().then(code => { process.exitCode = code }, err => {
  process.stderr.write(`clone-bench: ${(err as Error).stack ?? String(err)}\n`)
  process.exitCode = 1
})
