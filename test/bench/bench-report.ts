// The benchmark's results: one object, printed as markdown for people and
// written as JSON for scripts. Bars are shown (PASS/FAIL), never asserted.

import { formatBytes } from '../../cli/units.js'
import type { Throughput } from './baselines.js'
import type { BenchOptions } from './bench-options.js'
import type { CloneRun } from './clone-runs.js'

export interface Bar {
  name: string
  value?: number
  unit: string
  pass: boolean
}

export interface BenchResults {
  date: string
  machine: { node: string, cpus: number, cpuModel: string }
  options: BenchOptions
  baselines: Throughput[]
  /** One run per chain length, image of options.sizeBytes. */
  clones: CloneRun[]
  /** One node, image of options.bigBytes. */
  memoryRun?: CloneRun
  summary: {
    /** Chain of one node vs the bare libp2p stream, percent. */
    oneHopPercentOfLibp2p?: number
    /** The same with the node's target on tmpfs: ringcast without this VM's disk. */
    oneHopTmpfsPercentOfLibp2p?: number
    nodePeakRssBytesAtSize?: number
    nodePeakRssBytesAtBig?: number
  }
  bars: Bar[]
  problems: string[]
}

const MB = 1e6
/** One hop should cost little over the transport it runs on. */
const ONE_HOP_BAR_PERCENT = 80
/** Node memory must be bounded by buffers, not by the image. */
const NODE_RSS_BAR_BYTES = 200 * MB

/** Fill summary, bars and problems from the measurements. */
export function summarize (r: BenchResults): void {
  const libp2p = r.baselines.find(b => b.id === 'libp2pStream')?.mbPerSecond
  const oneHop = r.clones.find(c => c.nodes === 1 && c.targetDir === undefined)
  if (libp2p !== undefined && oneHop?.mbPerSecond !== undefined) r.summary.oneHopPercentOfLibp2p = 100 * oneHop.mbPerSecond / libp2p
  const tmpfsHop = r.clones.find(c => c.nodes === 1 && c.targetDir !== undefined)
  if (libp2p !== undefined && tmpfsHop?.mbPerSecond !== undefined) r.summary.oneHopTmpfsPercentOfLibp2p = 100 * tmpfsHop.mbPerSecond / libp2p
  r.summary.nodePeakRssBytesAtSize = maxRss(oneHop)
  r.summary.nodePeakRssBytesAtBig = maxRss(r.memoryRun)
  const pct = r.summary.oneHopPercentOfLibp2p
  const rss = r.summary.nodePeakRssBytesAtBig
  r.bars = [
    { name: `one hop ≥ ${ONE_HOP_BAR_PERCENT} % of bare libp2p stream`, value: pct, unit: '%', pass: pct !== undefined && pct >= ONE_HOP_BAR_PERCENT },
    { name: `node peak RSS < ${NODE_RSS_BAR_BYTES / MB} MB at ${formatBytes(r.options.bigBytes)}`, value: rss === undefined ? undefined : rss / MB, unit: 'MB', pass: rss !== undefined && rss < NODE_RSS_BAR_BYTES }
  ]
  for (const b of r.baselines) if (b.error !== undefined) r.problems.push(`baseline "${b.path}": ${b.error}`)
  for (const c of [...r.clones, ...(r.memoryRun === undefined ? [] : [r.memoryRun])]) {
    const label = `ringcast ${c.nodes} node(s), ${formatBytes(c.imageBytes)}${c.targetDir === undefined ? '' : `, targets in ${c.targetDir}`}`
    if (c.error !== undefined) r.problems.push(`${label}: ${c.error}`)
    if (c.mismatches > 0) r.problems.push(`${label}: ${c.mismatches} target(s) differ from the image or are missing`)
    for (const n of c.nodeReports) if (n.status !== 'OK') r.problems.push(`${label}: ${n.name} ${n.status} ${n.reason ?? ''}`.trim())
  }
}

export function formatMarkdown (r: BenchResults): string {
  const libp2p = r.baselines.find(b => b.id === 'libp2pStream')?.mbPerSecond
  const size = formatBytes(r.options.sizeBytes)
  const big = formatBytes(r.options.bigBytes)
  const oneHop = r.clones.find(c => c.nodes === 1 && c.targetDir === undefined)
  const out: string[] = [
    '# ringcast clone benchmark',
    '',
    `${r.date}, Node ${r.machine.node}, ${r.machine.cpus} × ${r.machine.cpuModel}. ` +
      'Every peer is a separate process on 127.0.0.1; runs are sequential. 1 MB = 10^6 bytes.',
    '',
    `## Baselines (${size}, 1 MiB writes)`,
    '',
    `Each row is the median of ${r.options.repeat} run(s); "runs" lists every run's MB/s.`,
    '',
    table(['path', 'processes', 'seconds', 'MB/s', 'runs, MB/s', 'sink peak RSS, MB'], ['l', 'l', 'r', 'r', 'l', 'r'], r.baselines.map(b => [
      b.path, b.processes, num(b.seconds, 2), b.error === undefined ? num(b.mbPerSecond, 1) : 'ERROR', runs(b.runsMbPerSecond), mb(b.sinkPeakRssBytes)
    ])),
    '',
    `## ringcast clone of a ${size} random image`,
    '',
    '`seconds` is the coordinator\'s report: start of streaming until every node finished.',
    '',
    table(['nodes', 'targets', 'seconds', 'MB/s', 'runs, MB/s', '% of bare libp2p', 'node peak RSS, MB (each)', 'ringcast verified', 'sha256 identical', 'mismatches'],
      ['r', 'l', 'r', 'r', 'l', 'r', 'l', 'r', 'r', 'r'],
      r.clones.map(c => [
        String(c.nodes), c.targetDir === undefined ? 'disk' : `tmpfs (${c.targetDir})`, num(c.seconds, 2), num(c.mbPerSecond, 1), runs(c.runsMbPerSecond),
        libp2p === undefined || c.mbPerSecond === undefined ? 'n/a' : `${num(100 * c.mbPerSecond / libp2p, 1)} %`,
        rssList(c), `${c.ringcastVerified}/${c.nodes}`, `${c.sha256Matches}/${c.nodes}`, String(c.mismatches)
      ])),
    '',
    '## Node memory vs image size (1 node)',
    '',
    table(['image', 'seconds', 'MB/s', 'node peak RSS, MB', 'sha256 identical', `bar < ${NODE_RSS_BAR_BYTES / MB} MB`], ['l', 'r', 'r', 'r', 'r', 'l'],
      [[size, oneHop], [big, r.memoryRun]].map(([label, c]) => {
        const run = c as CloneRun | undefined
        const rss = maxRss(run)
        return [label as string, num(run?.seconds, 2), num(run?.mbPerSecond, 1), num(rss === undefined ? undefined : rss / MB, 0),
          run === undefined ? 'n/a' : `${run.sha256Matches}/${run.nodes}`, rss === undefined ? 'n/a' : rss < NODE_RSS_BAR_BYTES ? 'PASS' : 'FAIL']
      })),
    '',
    '## Summary',
    '',
    `- one hop = ${num(r.summary.oneHopPercentOfLibp2p, 1)} % of bare libp2p stream ` +
      `(${num(oneHop?.mbPerSecond, 1)} vs ${num(libp2p, 1)} MB/s); with the target on tmpfs ${num(r.summary.oneHopTmpfsPercentOfLibp2p, 1)} %`,
    `- peak node RSS ${size}: ${mb(r.summary.nodePeakRssBytesAtSize)} MB, ${big}: ${mb(r.summary.nodePeakRssBytesAtBig)} MB`,
    '',
    table(['bar (shown, not asserted)', 'value', 'result'], ['l', 'r', 'l'],
      r.bars.map(b => [b.name, b.value === undefined ? 'n/a' : `${num(b.value, b.unit === '%' ? 1 : 0)} ${b.unit}`, b.pass ? 'PASS' : 'FAIL']))
  ]
  if (r.problems.length > 0) out.push('', '## Problems', '', ...r.problems.map(p => `- ${p.replace(/\n/g, '\n  ')}`))
  return `${out.join('\n')}\n`
}

function table (head: string[], align: Array<'l' | 'r'>, rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, 3, ...rows.map(row => row[i]!.length)))
  const cell = (text: string, i: number): string => align[i] === 'r' ? text.padStart(widths[i]!) : text.padEnd(widths[i]!)
  const rule = widths.map((w, i) => align[i] === 'r' ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))
  return [head.map(cell), rule, ...rows.map(row => row.map(cell))].map(cells => `| ${cells.join(' | ')} |`).join('\n')
}

function maxRss (run: CloneRun | undefined): number | undefined {
  const values = (run?.nodeReports ?? []).map(n => n.peakRssBytes).filter((v): v is number => v !== undefined)
  return values.length === 0 ? undefined : Math.max(...values)
}

const runs = (values: number[] | undefined): string => values === undefined ? '' : values.map(v => v.toFixed(0)).join(', ')

const rssList = (c: CloneRun): string => c.nodeReports.length === 0 ? 'n/a' : c.nodeReports.map(n => mb(n.peakRssBytes)).join(', ')

const num = (v: number | undefined, digits: number): string => v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits)

const mb = (bytes: number | undefined): string => num(bytes === undefined ? undefined : bytes / MB, 0)
