// The steady-state rate model of a plan, and `auto`, which uses it to choose.
//
// Every hop is credit-bounded, so a pipelined plan moves at one rate r: the
// slowest of
//   - the source's uplink, split among the nodes it feeds itself;
//   - every node's downlink and disk write rate;
//   - every sender's uplink, split among its downstreams;
//   - the router between subnets, split among the hops that cross it.
// The last byte then reaches the deepest node after
//   T = S / r + depth · (b / r + L)
// (the image once at rate r, plus one block's store-and-forward and the hop
// latency per level). DESIGN.md's performance model is this formula for a
// chain. The simulator refines it (failures, stragglers, events over time);
// with neither, the two agree, so `auto` picks what the simulator would.

import { formatTopology, plan, subnetCrossings, type ConcreteTopology, type Plan, type PlanNode } from './plan.js'

/** Rates in bytes per second, times in seconds. */
export interface Rates {
  imageBytes: number
  blockBytes: number
  /** The source's uplink. */
  sourceUplink: number
  /** A node's link rate, each direction (full duplex), unless overridden per node. */
  nodeLink: number
  /** A node's disk write rate (Infinity when it never limits), unless overridden. */
  nodeDisk: number
  /** Per-hop latency: propagation plus processing. */
  hopLatency: number
  /** Capacity of the router joining the subnets (Infinity when it never limits). */
  routerRate?: number
  /** Per-node overrides (heterogeneous nodes). */
  perNode?: ReadonlyMap<string, { link?: number, disk?: number }>
}

export interface Estimate {
  seconds: number
  /** The plan's steady rate. */
  rate: number
  /** What sets that rate, for people. */
  bottleneck: string
}

export function estimate (p: Plan, rates: Rates, nodes: readonly PlanNode[] = [], sourceSubnet?: string): Estimate {
  let rate = Infinity
  let bottleneck = ''
  const limit = (r: number, why: string): void => {
    if (r < rate) { rate = r; bottleneck = why }
  }
  if (p.heads.length > 0) limit(rates.sourceUplink / p.heads.length, p.heads.length === 1 ? 'source uplink' : `source uplink shared by ${p.heads.length} feeds`)
  for (const h of p.hops) {
    const own = rates.perNode?.get(h.node)
    const link = own?.link ?? rates.nodeLink
    limit(link, `${h.node} link`)
    limit(own?.disk ?? rates.nodeDisk, `${h.node} disk`)
    if (h.downstreams.length > 1) limit(link / h.downstreams.length, `${h.node} uplink shared by ${h.downstreams.length} downstreams`)
  }
  const routerRate = rates.routerRate ?? Infinity
  if (Number.isFinite(routerRate)) {
    const crossings = subnetCrossings(p, nodes, sourceSubnet)
    if (crossings > 0) limit(routerRate / crossings, `router shared by ${crossings} hops`)
  }
  if (p.hops.length === 0) return { seconds: 0, rate: 0, bottleneck: 'no nodes' }
  const seconds = rates.imageBytes / rate + p.depth * (Math.min(rates.blockBytes, rates.imageBytes) / rate + rates.hopLatency)
  return { seconds, rate, bottleneck }
}

export interface Candidate {
  topology: ConcreteTopology
  plan: Plan
  estimate: Estimate
}

export interface AutoChoice extends Candidate {
  /** Every topology considered, fastest first. */
  candidates: Candidate[]
}

/**
 * The topologies `auto` weighs: the chain, trees of fan-out 2 to 4, and
 * M parallel chains for M up to what the source's uplink can feed at a
 * node's link rate (and at least 2, 4 and 8 to compare).
 */
export function autoCandidates (nodeCount: number, rates: Rates): ConcreteTopology[] {
  const out: ConcreteTopology[] = [{ kind: 'chain' }, { kind: 'tree', fanout: 2 }, { kind: 'tree', fanout: 3 }, { kind: 'tree', fanout: 4 }]
  const feeds = Math.floor(rates.sourceUplink / rates.nodeLink)
  const counts = new Set([2, 4, 8, feeds, feeds + 1].filter(m => m >= 2 && m <= nodeCount && m <= 1024))
  for (const count of [...counts].sort((a, b) => a - b)) out.push({ kind: 'chains', count })
  return out
}

/** Plan every candidate, estimate each, and take the fastest (the simpler on a tie within 0.1 %). */
export function chooseTopology (nodes: readonly PlanNode[], rates: Rates, sourceSubnet?: string): AutoChoice {
  const candidates = autoCandidates(nodes.length, rates).map(topology => {
    const p = plan(nodes, topology, sourceSubnet)
    return { topology, plan: p, estimate: estimate(p, rates, nodes, sourceSubnet) }
  })
  // Stable sort keeps candidate order (simplest first) among near-ties.
  const best = candidates.reduce((b, c) => c.estimate.seconds < b.estimate.seconds * 0.999 ? c : b)
  const sorted = [...candidates].sort((a, b) => a.estimate.seconds - b.estimate.seconds)
  return { ...best, candidates: sorted }
}

/** One line per candidate, for `ringcast plan` and logs. */
export function describeCandidate (c: Candidate): string {
  return `${formatTopology(c.topology).padEnd(10)} ${c.estimate.seconds.toFixed(1).padStart(9)} s  ${(c.estimate.rate / 1e6).toFixed(1).padStart(8)} MB/s  depth ${String(c.plan.depth).padStart(5)}  limited by ${c.estimate.bottleneck}`
}

