// The committed scenarios. Each returns CSV rows and charts; `npm run sim --
// NAME` runs one and writes simulations/results/NAME.csv and .svg.

import { chooseTopology } from '../src/topology/estimate.js'
import { formatTopology, plan, type ConcreteTopology, type PlanNode } from '../src/topology/plan.js'
import { REWIRE_DEFAULTS } from '../src/topology/rewire.js'
import { multicastSeconds, starSeconds, swarmSeconds } from './baselines.js'
import { ratesOf, simulate, simulatePlan, type SimConfig, type SimNode } from './engine.js'
import { lineChart, type Series } from './svg.js'

export interface ScenarioResult {
  /** CSV text, header first. */
  csv: string
  charts: Array<{ file: string, svg: string }>
  /** Lines for the terminal (and the README). */
  summary: string[]
}

export interface Scenario {
  name: string
  description: string
  run: (log: (line: string) => void) => ScenarioResult
}

const GB = 1e9
const MiB = 1_048_576
/** TCP goodput of an Ethernet link at MTU 1500 (94 % of the line rate; docs/lab.md, "Facts the lab relies on"). */
const goodput = (bitsPerSecond: number): number => bitsPerSecond / 8 * 0.94
const GBE = goodput(1e9)
const TEN_GBE = goodput(10e9)

export function baseConfig (over: Partial<SimConfig> = {}): SimConfig {
  return {
    imageBytes: 20 * GB,
    blockBytes: MiB,
    windowBytes: 8 * MiB,
    sourceUplink: GBE,
    hopLatency: 0.0005,
    ...over
  }
}

export function uniformNodes (n: number, link: number, disk: number, subnets = 1): SimNode[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `n${i}`,
    link,
    disk,
    subnet: subnets > 1 ? `s${Math.floor(i * subnets / n)}` : undefined
  }))
}

/** A seeded generator (mulberry32), so committed results are reproducible. */
export function random (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const csvLine = (cells: Array<string | number | undefined>): string => cells.map(c => c === undefined ? '' : typeof c === 'number' ? (Number.isFinite(c) ? Number(c.toFixed(3)) : '') : c).join(',')

const SIZES = [8, 16, 32, 64, 128, 256, 512, 1000, 2000, 5000, 10_000]

/**
 * Scale: N = 8 … 10,000 nodes, a 20 GB image, every topology and the peers.
 * `auto` is what chooseTopology picks from the rate model; the simulator then
 * says how far that pick is from the best topology it simulated.
 */
function scale (name: string, link: number, disk: number, sourceUplink: number, label: string, topologies: ConcreteTopology[]): Scenario {
  return {
    name,
    description: `20 GB image, ${label}, N = 8 … 10,000`,
    run: log => {
      const c = baseConfig({ sourceUplink })
      const rows = [csvLine(['nodes', 'method', 'seconds', 'x_ideal', 'auto_pick'])]
      const series = new Map<string, Series>()
      const add = (method: string, n: number, seconds: number): void => {
        if (!series.has(method)) series.set(method, { name: method, points: [] })
        series.get(method)!.points.push([n, seconds])
      }
      const ideal = c.imageBytes / Math.min(link, disk, sourceUplink)
      const summary: string[] = []
      let worstAuto = 0
      for (const n of SIZES) {
        const nodes = uniformNodes(n, link, disk)
        const simulated = new Map<string, number>()
        for (const t of topologies) {
          const r = simulate(nodes, t, c)
          simulated.set(formatTopology(t), r.seconds)
          log(`${name}: N=${n} ${formatTopology(t)} ${r.seconds.toFixed(1)} s`)
        }
        const picked = chooseTopology(nodes, ratesOf(nodes, c)).topology
        const choice = formatTopology(picked)
        // auto's pick, simulated (it may be a candidate outside the list above).
        const autoSeconds = simulated.get(choice) ?? simulate(nodes, picked, c).seconds
        const best = Math.min(...simulated.values(), autoSeconds)
        worstAuto = Math.max(worstAuto, autoSeconds / best - 1)
        for (const [t, s] of simulated) { rows.push(csvLine([n, t, s, s / ideal, choice])); add(t, n, s) }
        rows.push(csvLine([n, `auto (${choice})`, autoSeconds, autoSeconds / ideal, choice]))
        const peers: Array<[string, number]> = [['star', starSeconds(nodes, c)], ['multicast (ideal)', multicastSeconds(nodes, c)], ['swarm (Kumar-Ross bound)', swarmSeconds(nodes, c)]]
        for (const [m, s] of peers) { rows.push(csvLine([n, m, s, s / ideal, choice])); add(m, n, s) }
        summary.push(`N=${String(n).padStart(5)}  ${[...simulated].map(([t, s]) => `${t} ${s.toFixed(0)} s`).join('  ')}  | auto: ${choice}  | star ${peers[0]![1].toFixed(0)} s, multicast ${peers[1]![1].toFixed(0)} s, swarm ≥ ${peers[2]![1].toFixed(0)} s`)
      }
      summary.push(`auto's pick is at most ${(worstAuto * 100).toFixed(1)} % slower than the best simulated topology (bar: 5 %)`)
      return {
        csv: rows.join('\n') + '\n',
        charts: [{ file: `${name}.svg`, svg: lineChart([...series.values()], { title: `20 GB to N nodes, ${label}`, xLabel: 'nodes', yLabel: 'seconds', logX: true, logY: true }) }],
        summary
      }
    }
  }
}

/** Failures: 1 % and 5 % of 1000 nodes crash (or hang) at random times. */
const failures: Scenario = {
  name: 'failures',
  description: '1000 nodes, 20 GB at 1 GbE; 1 % and 5 % of the nodes crash or hang at random times',
  run: log => {
    const n = 1000
    const c = baseConfig()
    const rows = [csvLine(['topology', 'failure', 'fraction', 'seconds', 'vs_clean', 'verified', 'rewired'])]
    const summary: string[] = []
    const series: Series[] = []
    // Per failure case: every topology's time, to hold auto's pick against the best.
    const byCase = new Map<string, Map<string, number>>()
    const autoPick = formatTopology(chooseTopology(uniformNodes(n, GBE, Infinity), ratesOf(uniformNodes(n, GBE, Infinity), c)).topology)
    for (const t of [{ kind: 'chain' }, { kind: 'tree', fanout: 2 }] as ConcreteTopology[]) {
      const clean = simulate(uniformNodes(n, GBE, Infinity), t, c).seconds
      const crash: Series = { name: `${formatTopology(t)}, crash`, points: [[0, clean]] }
      const hang: Series = { name: `${formatTopology(t)}, hang`, points: [[0, clean]] }
      rows.push(csvLine([formatTopology(t), 'none', 0, clean, 0, n, 0]))
      for (const kind of ['crash', 'hang'] as const) {
        for (const fraction of [0.01, 0.05]) {
          const rnd = random(fraction * 1000 + (kind === 'crash' ? 1 : 2))
          const nodes = uniformNodes(n, GBE, Infinity)
          const victims = new Set<number>()
          while (victims.size < Math.round(n * fraction)) victims.add(Math.floor(rnd() * n))
          for (const v of victims) nodes[v] = { ...nodes[v]!, [kind === 'crash' ? 'crashAt' : 'hangAt']: rnd() * clean }
          const r = simulate(nodes, t, c)
          const verified = r.nodes.filter(o => o.finishedAt !== undefined).length
          const rewired = r.nodes.reduce((s, o) => s + o.rewired, 0)
          const key = `${kind} ${fraction}`
          if (!byCase.has(key)) byCase.set(key, new Map())
          byCase.get(key)!.set(formatTopology(t), r.seconds)
          rows.push(csvLine([formatTopology(t), kind, fraction, r.seconds, r.seconds - clean, verified, rewired]))
          ;(kind === 'crash' ? crash : hang).points.push([fraction * 100, r.seconds])
          const delta = r.seconds - clean
          summary.push(`${formatTopology(t).padEnd(9)} ${String(fraction * 100).padStart(2)} % ${kind.padEnd(5)}: ${r.seconds.toFixed(1)} s (clean ${clean.toFixed(1)} s, ${delta < 0 ? '−' : '+'}${Math.abs(delta).toFixed(1)} s), ${verified}/${n} verified, ${rewired} re-wires`)
          log(summary.at(-1)!)
        }
      }
      series.push(crash, hang)
    }
    // auto plans before anything fails; the failures are the same for every plan.
    let worst = 0
    for (const times of byCase.values()) {
      const pick = times.get(autoPick)
      if (pick !== undefined) worst = Math.max(worst, pick / Math.min(...times.values()) - 1)
    }
    summary.push(`auto picks ${autoPick}: at most ${(worst * 100).toFixed(1)} % slower than the best plan under the same failures (bar: 5 %)`)
    return {
      csv: rows.join('\n') + '\n',
      charts: [{ file: 'failures.svg', svg: lineChart(series, { title: 'Failures: 1000 nodes, 20 GB, 1 GbE, stall timeout 30 s', xLabel: '% of nodes failing', yLabel: 'seconds' }) }],
      summary
    }
  }
}

/**
 * Stragglers: 1 % of 1000 nodes write at 30 MB/s. Without relocation the
 * credits pace everyone at the stragglers' speed; with it (serve
 * --straggler-after 5 s) they are served in the background.
 */
const stragglers: Scenario = {
  name: 'stragglers',
  description: '1000 nodes, 20 GB at 1 GbE; 1 % of them write at 30 MB/s, with and without relocation',
  run: log => {
    const n = 1000
    const rows = [csvLine(['topology', 'relocation', 'others_median_s', 'others_last_s', 'stragglers_last_s'])]
    const summary: string[] = []
    const rnd = random(1234)
    const slow = new Set<number>()
    while (slow.size < n / 100) slow.add(Math.floor(rnd() * n))
    const nodes = uniformNodes(n, GBE, Infinity).map((x, i) => slow.has(i) ? { ...x, disk: 30e6 } : x)
    const lastOthers = new Map<string, number>()
    for (const t of [{ kind: 'chain' }, { kind: 'tree', fanout: 2 }] as ConcreteTopology[]) {
      // Never moved, then moved as serve moves them by default (--straggler-after).
      for (const afterMs of [0, REWIRE_DEFAULTS.stragglerAfterMs]) {
        const after = afterMs / 1000
        const r = simulate(nodes, t, baseConfig({ policy: { stragglerAfterMs: afterMs } }))
        const others = r.nodes.filter(o => !slow.has(Number(o.id.slice(1)))).map(o => o.finishedAt!).sort((a, b) => a - b)
        const slowest = Math.max(...r.nodes.filter(o => slow.has(Number(o.id.slice(1)))).map(o => o.finishedAt!))
        const median = others[others.length >> 1]!
        rows.push(csvLine([formatTopology(t), after === 0 ? 'none' : `after ${after} s`, median, others.at(-1), slowest]))
        if (after > 0) lastOthers.set(formatTopology(t), others.at(-1)!)
        summary.push(`${formatTopology(t).padEnd(7)} ${(after === 0 ? 'no relocation' : `relocation after ${after} s`).padEnd(24)} others: median ${median.toFixed(0)} s, last ${others.at(-1)!.toFixed(0)} s; stragglers done at ${slowest.toFixed(0)} s`)
        log(summary.at(-1)!)
      }
    }
    // auto plans with the declared rates (it does not know who will straggle).
    const pick = formatTopology(chooseTopology(nodes, ratesOf(uniformNodes(n, GBE, Infinity), baseConfig())).topology)
    const worst = (lastOthers.get(pick) ?? NaN) / Math.min(...lastOthers.values()) - 1
    summary.push(`auto picks ${pick}: ${(worst * 100).toFixed(1)} % slower than the best plan, with relocation (bar: 5 %)`)
    return { csv: rows.join('\n') + '\n', charts: [], summary }
  }
}

/**
 * Subnets: 1024 nodes over 1 … 32 subnets, each subnet's switch joined to
 * one router by a 10 Gbit/s uplink.
 * Subnet-aware plans against the same topology over the nodes in a random
 * order (what a planner that ignores subnets would build).
 */
const subnets: Scenario = {
  name: 'subnets',
  description: '1024 nodes, 20 GB at 1 GbE, 1 … 32 subnets, each with a 10 Gbit/s uplink to one router',
  run: log => {
    const n = 1024
    const c = baseConfig({ routerRate: goodput(10e9) })
    const rows = [csvLine(['subnets', 'plan', 'seconds', 'crossings'])]
    const summary: string[] = []
    let worstAuto = 0
    const lines = new Map<string, Series>()
    for (const s of [1, 2, 4, 8, 16, 32]) {
      const nodes = uniformNodes(n, GBE, Infinity, s)
      const subnetOf = new Map(nodes.map(x => [x.id, x.subnet]))
      const rnd = random(s)
      const shuffled = [...nodes].sort(() => rnd() - 0.5)
      const bestAware: number[] = []
      for (const t of [{ kind: 'chain' }, { kind: 'tree', fanout: 2 }] as ConcreteTopology[]) {
        const aware = simulate(nodes, t, c, 's0')
        bestAware.push(aware.seconds)
        // Unaware: the same planner over the nodes in arrival order, subnets hidden from it.
        const blindPlan = plan(shuffled.map(x => ({ id: x.id }) as PlanNode), t)
        const blind = simulatePlan(blindPlan, nodes, c, 's0')
        for (const [label, r] of [[`${formatTopology(t)}, subnet-aware`, aware], [`${formatTopology(t)}, subnets ignored`, blind]] as const) {
          const crossings = r.plan.hops.filter(h => h.upstream !== 'source' && subnetOf.get(h.node) !== subnetOf.get(h.upstream)).length
          rows.push(csvLine([s, label, r.seconds, crossings]))
          if (!lines.has(label)) lines.set(label, { name: label, points: [] })
          lines.get(label)!.points.push([s, r.seconds])
          summary.push(`${String(s).padStart(2)} subnets, ${label.padEnd(26)} ${r.seconds.toFixed(1)} s, ${crossings} hops cross the router`)
          log(summary.at(-1)!)
        }
      }
      const choice = chooseTopology(nodes, ratesOf(nodes, c), 's0')
      const auto = simulate(nodes, choice.topology, c, 's0')
      worstAuto = Math.max(worstAuto, auto.seconds / Math.min(...bestAware, auto.seconds) - 1)
      rows.push(csvLine([s, `auto (${formatTopology(choice.topology)})`, auto.seconds, '']))
    }
    summary.push(`auto's pick is at most ${(worstAuto * 100).toFixed(1)} % slower than the best simulated plan (bar: 5 %)`)
    return {
      csv: rows.join('\n') + '\n',
      charts: [{ file: 'subnets.svg', svg: lineChart([...lines.values()], { title: '1024 nodes over S subnets, 10 Gbit/s uplinks to a router', xLabel: 'subnets', yLabel: 'seconds', logX: true, logY: true }) }],
      summary
    }
  }
}

/**
 * The namespace lab's configurations (bench:lab: 100 Mbit/s tbf links, 128 MiB,
 * 1 MiB blocks), with the times measured there, for validation.
 */
export const LAB_MEASURED: Array<{ nodes: number, seconds: number, note: string }> = [
  { nodes: 1, seconds: 11.36, note: 'rate probe, report seconds' },
  { nodes: 2, seconds: 11.86, note: 'rate probe, report seconds' },
  { nodes: 4, seconds: 12.18, note: 'rate probe, report seconds' },
  { nodes: 8, seconds: 13.65, note: 'bench:lab, CPU-bound (2 cores for 9 processes)' }
]

export function labConfig (imageBytes = 128 * MiB): SimConfig {
  // bench:lab runs serve with --stall-timeout 5s.
  return baseConfig({ imageBytes, sourceUplink: goodput(100e6), hopLatency: 0.0005, policy: { stallTimeoutMs: 5_000 } })
}

const lab: Scenario = {
  name: 'lab',
  description: 'the namespace lab (100 Mbit/s, 128 MiB): predicted against measured',
  run: () => {
    const rows = [csvLine(['nodes', 'measured_s', 'predicted_s', 'error'])]
    const summary: string[] = []
    for (const m of LAB_MEASURED) {
      const r = simulate(uniformNodes(m.nodes, goodput(100e6), Infinity), { kind: 'chain' }, labConfig())
      const err = r.seconds / m.seconds - 1
      rows.push(csvLine([m.nodes, m.seconds, r.seconds, err]))
      summary.push(`${m.nodes} node(s): measured ${m.seconds.toFixed(2)} s, predicted ${r.seconds.toFixed(2)} s, ${(err * 100).toFixed(1)} % (${m.note})`)
    }
    return { csv: rows.join('\n') + '\n', charts: [], summary }
  }
}

/** One 10,000-node, 20 GB chain: the simulator's own speed (bar: under a minute). */
const big: Scenario = {
  name: 'big',
  description: 'one 10,000-node chain, 20 GB at 1 GbE: how long the simulator takes',
  run: () => {
    const started = performance.now()
    const r = simulate(uniformNodes(10_000, GBE, Infinity), { kind: 'chain' }, baseConfig())
    const wall = (performance.now() - started) / 1000
    return {
      csv: csvLine(['nodes', 'image_bytes', 'simulated_s', 'node_blocks', 'wall_s']) + '\n' + csvLine([10_000, 20 * GB, r.seconds, r.steps, wall]) + '\n',
      charts: [],
      summary: [`10,000 nodes, 20 GB, chain: simulated ${r.seconds.toFixed(1)} s in ${wall.toFixed(1)} s of wall time (${(r.steps / 1e6).toFixed(0)} M node-blocks; bar: under 60 s)`]
    }
  }
}

/** Cut-through against store-and-forward: what holding a whole block per hop cost a long chain. */
const cutThrough: Scenario = {
  name: 'cut-through',
  description: 'a chain with cut-through forwarding against store-and-forward (1 MiB blocks), 20 GB at 1 GbE and 128 MiB at 100 Mbit/s',
  run: () => {
    const rows = [csvLine(['case', 'nodes', 'store_and_forward_s', 'cut_through_s'])]
    const summary: string[] = []
    const cases: Array<[string, number, SimConfig, number]> = [
      ['1 GbE, 20 GB', 1000, baseConfig(), GBE],
      ['1 GbE, 20 GB', 10_000, baseConfig(), GBE],
      ['lab, 100 Mbit/s, 128 MiB', 8, labConfig(), goodput(100e6)]
    ]
    for (const [label, nodes, config, link] of cases) {
      const stored = simulate(uniformNodes(nodes, link, Infinity), { kind: 'chain' }, { ...config, cutThrough: false }).seconds
      const cut = simulate(uniformNodes(nodes, link, Infinity), { kind: 'chain' }, config).seconds
      const ideal = config.imageBytes / link
      rows.push(csvLine([label, nodes, stored, cut]))
      summary.push(`${label}, ${nodes} nodes: store-and-forward ${stored.toFixed(1)} s (${(stored / ideal).toFixed(3)}× S/B), cut-through ${cut.toFixed(1)} s (${(cut / ideal).toFixed(3)}× S/B)`)
    }
    return { csv: rows.join('\n') + '\n', charts: [], summary }
  }
}

const allTopologies: ConcreteTopology[] = [{ kind: 'chain' }, { kind: 'tree', fanout: 2 }, { kind: 'tree', fanout: 4 }, { kind: 'chains', count: 4 }]

export const SCENARIOS: Scenario[] = [
  scale('scale-1gbe', GBE, Infinity, GBE, '1 GbE everywhere', allTopologies),
  scale('scale-10gbe', TEN_GBE, 1.5 * GB, TEN_GBE, '10 GbE, 1.5 GB/s disks', allTopologies),
  scale('fast-source', GBE, Infinity, 4 * GBE, '1 GbE nodes, a 4×1 GbE source', allTopologies),
  failures,
  stragglers,
  subnets,
  lab,
  cutThrough,
  big
]
