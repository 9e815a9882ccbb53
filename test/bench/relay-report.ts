// The relay benchmark's results: medians, bars and the markdown table.
// Bars are shown (PASS/FAIL), never asserted; only failed or unverified runs
// make the benchmark exit non-zero.

import { formatBytes } from '../../cli/units.js'
import type { DataPlane } from './data-plane.js'
import { num, table } from './markdown-table.js'
import type { MeasuredSession } from './measured-session.js'
import type { BaselineRun } from './relay-baselines.js'

export interface RelayBenchOptions {
  sizeBytes: number
  /** Image of the start-up run whose CPU is subtracted. */
  tinyBytes: number
  blockBytes: number
  modes: string[]
  repeat: number
  jsonOut?: string
}

/** Medians over the repeats, with every run kept. */
export interface BaselineSummary {
  runs: BaselineRun[]
  mbPerSecond?: number
  sourceCpuSecondsPerGB?: number
  relayCpuSecondsPerGB?: number
  sinkCpuSecondsPerGB?: number
  sha256Matches: number
  targets: number
}

/** One ringcast topology on one data plane: `size` runs and `tiny` runs. */
export interface RingcastSummary {
  nodes: number
  /** The process whose CPU is the figure: the middle join (chain) or the only one. */
  subject: 'middle join' | 'join'
  runs: MeasuredSession[]
  tinyRuns: MeasuredSession[]
  mbPerSecond?: number
  /** Whole-process CPU of the subject, size run and tiny run (s). */
  cpuRawSeconds?: number
  cpuTinySeconds?: number
  cpuRawSecondsPerGB?: number
  /** (raw − tiny) / (size − tiny): what the transfer itself cost. */
  cpuNetSecondsPerGB?: number
  /** The same for the coordinator (serve). */
  serveCpuNetSecondsPerGB?: number
  sha256Matches: number
  targets: number
}

export interface Bar {
  /** The data plane whose target this is. */
  forMode: string
  /** What is compared, e.g. "relay CPU / plain relay". */
  name: string
  /** The target, e.g. "≤ 2×". */
  limit: string
  value?: number
  unit: '×' | '%'
  pass?: boolean
}

export interface PlaneResult {
  plane: DataPlane
  chain?: RingcastSummary
  oneHop?: RingcastSummary
  /** relay CPU / plain relay CPU (net), and one hop / raw one hop MB/s. */
  relayCpuTimesPlain?: number
  oneHopPercentOfRaw?: number
  bars: Bar[]
}

export interface RelayBenchResults {
  date: string
  machine: { node: string, cpus: number, cpuModel: string }
  options: RelayBenchOptions
  flagSupported: boolean
  plainRelay: BaselineSummary
  rawOneHop: BaselineSummary
  ringcast: PlaneResult[]
  problems: string[]
}

/** Targets the new data plane is built to: relay CPU ≤ N× the plain relay, one hop ≥ P % of raw. */
export const BARS: Record<string, { relayTimes: number, oneHopPercent: number }> = {
  encrypted: { relayTimes: 2, oneHopPercent: 45 },
  'integrity-only': { relayTimes: 1.3, oneHopPercent: 60 }
}

export function median (values: Array<number | undefined>): number | undefined {
  const xs = values.filter((v): v is number => v !== undefined && Number.isFinite(v)).sort((a, b) => a - b)
  if (xs.length === 0) return undefined
  const mid = Math.floor(xs.length / 2)
  return xs.length % 2 === 1 ? xs[mid] : (xs[mid - 1]! + xs[mid]!) / 2
}

export function summarizeBaseline (runs: BaselineRun[], targetsPerRun: number): BaselineSummary {
  return {
    runs,
    mbPerSecond: median(runs.map(r => r.mbPerSecond)),
    sourceCpuSecondsPerGB: median(runs.map(r => r.source?.cpuSecondsPerGB)),
    relayCpuSecondsPerGB: median(runs.map(r => r.relay?.cpuSecondsPerGB)),
    sinkCpuSecondsPerGB: median(runs.map(r => r.sink?.cpuSecondsPerGB)),
    sha256Matches: runs.reduce((n, r) => n + r.sha256Matches, 0),
    targets: runs.length * targetsPerRun
  }
}

export function summarizeRingcast (runs: MeasuredSession[], tinyRuns: MeasuredSession[], o: RelayBenchOptions): RingcastSummary {
  const nodes = runs[0]?.nodes ?? 0
  const subjectIndex = nodes === 1 ? 0 : Math.floor(nodes / 2)
  const subjectCpu = (r: MeasuredSession): number | undefined => r.error === undefined ? r.chain[subjectIndex]?.cost?.cpuSeconds : undefined
  const serveCpu = (r: MeasuredSession): number | undefined => r.error === undefined ? r.coordinator?.cpuSeconds : undefined
  const cpuRawSeconds = median(runs.map(subjectCpu))
  const cpuTinySeconds = median(tinyRuns.map(subjectCpu))
  const netGB = (o.sizeBytes - o.tinyBytes) / 1e9
  const net = (raw: number | undefined, tiny: number | undefined): number | undefined => raw === undefined || tiny === undefined ? undefined : (raw - tiny) / netGB
  const all = [...runs, ...tinyRuns]
  return {
    nodes,
    subject: nodes === 1 ? 'join' : 'middle join',
    runs,
    tinyRuns,
    mbPerSecond: median(runs.map(r => r.error === undefined ? r.mbPerSecond : undefined)),
    cpuRawSeconds,
    cpuTinySeconds,
    cpuRawSecondsPerGB: cpuRawSeconds === undefined ? undefined : cpuRawSeconds / (o.sizeBytes / 1e9),
    cpuNetSecondsPerGB: net(cpuRawSeconds, cpuTinySeconds),
    serveCpuNetSecondsPerGB: net(median(runs.map(serveCpu)), median(tinyRuns.map(serveCpu))),
    sha256Matches: all.reduce((n, r) => n + r.sha256Matches, 0),
    targets: all.reduce((n, r) => n + r.nodes, 0)
  }
}

/** Ratios and bars of one plane; today's path is held to both planes' bars. */
export function judge (result: PlaneResult, plainRelay: BaselineSummary, rawOneHop: BaselineSummary): void {
  const relay = result.chain?.cpuNetSecondsPerGB
  const plain = plainRelay.relayCpuSecondsPerGB
  const hop = result.oneHop?.mbPerSecond
  const raw = rawOneHop.mbPerSecond
  result.relayCpuTimesPlain = relay === undefined || plain === undefined ? undefined : relay / plain
  result.oneHopPercentOfRaw = hop === undefined || raw === undefined ? undefined : 100 * hop / raw
  if (result.plane.refused !== undefined) { result.bars = []; return }
  const modes = BARS[result.plane.mode] === undefined ? Object.keys(BARS) : [result.plane.mode]
  result.bars = modes.flatMap(mode => {
    const bar = BARS[mode]!
    const times = result.relayCpuTimesPlain
    const pct = result.oneHopPercentOfRaw
    return [
      { forMode: mode, name: 'relay CPU / plain relay', limit: `≤ ${bar.relayTimes}×`, value: times, unit: '×' as const, pass: times === undefined ? undefined : times <= bar.relayTimes },
      { forMode: mode, name: 'one hop / raw node:net + SHA-256', limit: `≥ ${bar.oneHopPercent} %`, value: pct, unit: '%' as const, pass: pct === undefined ? undefined : pct >= bar.oneHopPercent }
    ]
  })
}

export function collectProblems (r: RelayBenchResults): void {
  const baselines: Array<[string, BaselineSummary]> = [['plain relay', r.plainRelay], ['raw one hop', r.rawOneHop]]
  for (const [name, b] of baselines) {
    for (const run of b.runs) if (run.error !== undefined) r.problems.push(`baseline ${name}: ${run.error}`)
    if (b.sha256Matches < b.targets) r.problems.push(`baseline ${name}: ${b.targets - b.sha256Matches} of ${b.targets} target(s) differ from the image`)
  }
  for (const p of r.ringcast) {
    if (p.plane.refused !== undefined) { r.problems.push(`${p.plane.label}: serve refused --data-plane ${p.plane.mode}: ${p.plane.refused}`); continue }
    for (const s of [p.chain, p.oneHop]) {
      if (s === undefined) continue
      const what = `${p.plane.label}, ${s.nodes} node(s)`
      for (const run of [...s.runs, ...s.tinyRuns]) {
        if (run.error !== undefined) r.problems.push(`${what}, ${formatBytes(run.imageBytes)}: ${run.error}`)
        else if (run.chain.some(n => n.cost === undefined)) r.problems.push(`${what}, ${formatBytes(run.imageBytes)}: a process wrote no CPU report`)
      }
      if (s.sha256Matches < s.targets) r.problems.push(`${what}: ${s.targets - s.sha256Matches} of ${s.targets} target(s) differ from the image or are missing`)
    }
  }
}

export function formatMarkdown (r: RelayBenchResults): string {
  const o = r.options
  const size = formatBytes(o.sizeBytes)
  const tiny = formatBytes(o.tinyBytes)
  const pr = r.plainRelay
  const raw = r.rawOneHop
  const out = [
    '# ringcast relay benchmark: CPU per GB of a relay, one-hop throughput',
    '',
    `${r.date}, Node ${r.machine.node}, ${r.machine.cpus} × ${r.machine.cpuModel}. ` +
      `${size} random image, ${formatBytes(o.blockBytes)} blocks. Every process is separate, on 127.0.0.1; runs are sequential. ` +
      `Each figure is the median of ${o.repeat} run(s). CPU = user + sys; 1 GB = 10^9 bytes, 1 MB = 10^6 bytes.`,
    '',
    '## Baselines (plain node:net, no encryption, no muxer)',
    '',
    'CPU counted from the first byte to the ack (no start-up). The plain relay verifies each block\'s SHA-256 against its header, ' +
      'writes it at its offset and forwards it; its sink verifies and writes; its source reads and hashes the image. ' +
      'The raw one hop\'s sink only verifies; its source resends one random block.',
    '',
    table(['baseline', 'processes', 'MB/s', 'runs, MB/s', 'source CPU, s/GB', 'relay CPU, s/GB', 'sink CPU, s/GB', 'targets identical'],
      ['l', 'l', 'r', 'l', 'r', 'r', 'r', 'r'], [
        ['plain node:net relay: verify, write, forward', 'source → relay → sink', ok(pr, num(pr.mbPerSecond, 1)), runList(pr.runs.map(x => x.mbPerSecond)),
          num(pr.sourceCpuSecondsPerGB, 2), num(pr.relayCpuSecondsPerGB, 2), num(pr.sinkCpuSecondsPerGB, 2), `${pr.sha256Matches}/${pr.targets}`],
        ['raw node:net + SHA-256, one hop', 'source → sink', ok(raw, num(raw.mbPerSecond, 1)), runList(raw.runs.map(x => x.mbPerSecond)),
          num(raw.sourceCpuSecondsPerGB, 2), '—', num(raw.sinkCpuSecondsPerGB, 2), 'no target']
      ]),
    '',
    '## ringcast, 3-node chain on loopback (serve + 3 joins; the middle join is the relay)',
    '',
    `A join's CPU is its whole process, start-up and libp2p included: "raw" in the ${size} session, "tiny" in a ${tiny} session, ` +
      `"net" = (raw − tiny) / (${size} − ${tiny}). "× plain" = net / plain relay CPU. MB/s: the coordinator's report.`,
    '',
    table(['data plane', 'MB/s', 'runs, MB/s', 'relay CPU raw, s', 'tiny, s', 'raw, s/GB', 'net, s/GB', '× plain relay', 'bar', 'serve CPU net, s/GB', 'targets identical'],
      ['l', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'l', 'r', 'r'],
      r.ringcast.map(p => {
        const c = p.chain
        return [p.plane.label, num(c?.mbPerSecond, 1), runList(c?.runs.map(x => x.mbPerSecond)), num(c?.cpuRawSeconds, 2), num(c?.cpuTinySeconds, 2),
          num(c?.cpuRawSecondsPerGB, 2), num(c?.cpuNetSecondsPerGB, 2), times(p.relayCpuTimesPlain), bars(p, '×'),
          num(c?.serveCpuNetSecondsPerGB, 2), c === undefined ? 'FAILED' : `${c.sha256Matches}/${c.targets}`]
      })),
    '',
    '## ringcast, one hop (serve + 1 join)',
    '',
    table(['data plane', 'MB/s', 'runs, MB/s', '% of raw node:net + SHA-256', 'bar', 'join CPU net, s/GB', 'serve CPU net, s/GB', 'targets identical'],
      ['l', 'r', 'l', 'r', 'l', 'r', 'r', 'r'],
      r.ringcast.map(p => {
        const h = p.oneHop
        return [p.plane.label, num(h?.mbPerSecond, 1), runList(h?.runs.map(x => x.mbPerSecond)),
          p.oneHopPercentOfRaw === undefined ? 'n/a' : `${num(p.oneHopPercentOfRaw, 1)} %`, bars(p, '%'),
          num(h?.cpuNetSecondsPerGB, 2), num(h?.serveCpuNetSecondsPerGB, 2), h === undefined ? 'FAILED' : `${h.sha256Matches}/${h.targets}`]
      })),
    '',
    'Bars are targets of the new data plane, shown and not asserted. ' +
      (r.flagSupported ? '' : `serve does not accept --data-plane yet, so today's path was measured once ("libp2p (today)") and is shown against both planes' bars. `) +
      'Note that a ringcast node does more than the plain relay: it checks the source\'s signature on every hash batch, ' +
      'forwards blocks while they arrive (cut-through), fdatasyncs every 16 MiB and fsyncs at the end, keeps a replay buffer and a resume journal, ' +
      'answers the read-back challenge, and sends acks and heartbeats.'
  ]
  if (r.problems.length > 0) out.push('', '## Problems', '', ...r.problems.map(p => `- ${p.replace(/\n/g, '\n  ')}`))
  return `${out.join('\n')}\n`
}

const ok = (b: BaselineSummary, text: string): string => b.runs.every(r => r.error !== undefined) ? 'FAILED' : text

const runList = (values: Array<number | undefined> | undefined): string =>
  values === undefined || values.length < 2 ? '' : values.map(v => v === undefined ? '–' : v.toFixed(0)).join(', ')

const times = (v: number | undefined): string => v === undefined ? 'n/a' : `${v.toFixed(2)}×`

function bars (p: PlaneResult, unit: Bar['unit']): string {
  if (p.plane.refused !== undefined) return 'serve refused the mode'
  const mine = p.bars.filter(b => b.unit === unit)
  const verdict = (b: Bar): string => b.pass === undefined ? 'n/a' : b.pass ? 'PASS' : 'FAIL'
  if (mine.length === 1) return `${mine[0]!.limit}: ${verdict(mine[0]!)}`
  return mine.map(b => `${b.forMode} ${b.limit}: ${verdict(b)}`).join('; ')
}
