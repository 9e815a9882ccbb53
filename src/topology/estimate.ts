// The steady-state rate model of a plan, and `auto`, which uses it to choose.
//
// Every hop is credit-bounded, so a pipelined plan moves at one rate r: the
// slowest of
//   - the source's uplink, split among the nodes it feeds itself;
//   - every node's downlink and disk write rate;
//   - every sender's uplink, split among its downstreams;
//   - each subnet's uplink to the router, split among the hops that leave
//     the subnet through it (and, inbound, among those that enter).
// The last byte then reaches the deepest node after
//   T = S / r + depth · (b / r + L)
// (the image once at rate r, plus one block's store-and-forward and the hop
// latency per level). DESIGN.md's performance model is this formula for a
// chain. The simulator refines it (failures, stragglers, events over time);
// with neither, the two agree, so `auto` picks what the simulator would.

import { formatTopology, plan, SOURCE, type ConcreteTopology, type Plan, type PlanNode } from './plan.js'

/**
 * A relay forwards a block while it arrives (cut-through,
 * src/relay/block-receiver.ts) in pieces of at least this much: smaller
 * pieces cost a syscall each (one per 64 KiB socket read: 2.6 CPU-s/GB).
 */
export const FORWARD_PIECE_BYTES = 131_072

/**
 * What a relay holds back of each block: the last piece (FORWARD_PIECE_BYTES
 * to that plus one socket read) until the block verifies. The per-hop delay
 * is this over the link rate, not a whole block's time.
 */
export const FORWARD_HOLD_BYTES = FORWARD_PIECE_BYTES + 32_768

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
  /** Capacity of each subnet's uplink to the router, each way (Infinity when it never limits). */
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
    const subnet = new Map(nodes.map(x => [x.id, x.subnet]))
    const edges = p.hops.map(h => [h.upstream === SOURCE ? sourceSubnet : subnet.get(h.upstream), subnet.get(h.node)] as const)
    const loads = uplinkLoads(edges)
    for (const [from, to] of edges) {
      const share = crossingShare(from, to, loads, routerRate)
      if (share < Infinity) limit(share, `the router uplinks of ${from} and ${to}, shared by ${loads.out.get(from!)} and ${loads.in.get(to!)} hops`)
    }
  }
  if (p.hops.length === 0) return { seconds: 0, rate: 0, bottleneck: 'no nodes' }
  // The head waits for its first block whole (the source reads and sends it);
  // every hop after it adds only what a relay holds back.
  const first = Math.min(rates.blockBytes, rates.imageBytes)
  const held = Math.min(first, FORWARD_HOLD_BYTES)
  const seconds = rates.imageBytes / rate + first / rate + rates.hopLatency + Math.max(0, p.depth - 1) * (held / rate + rates.hopLatency)
  return { seconds, rate, bottleneck }
}

/** Hops that cross subnets, counted per subnet uplink: leaving `from`, entering `to`. */
export interface UplinkLoads {
  out: Map<string, number>
  in: Map<string, number>
}

export function uplinkLoads (edges: Iterable<readonly [string | undefined, string | undefined]>): UplinkLoads {
  const loads: UplinkLoads = { out: new Map(), in: new Map() }
  for (const [from, to] of edges) {
    if (from === undefined || to === undefined || from === to) continue
    loads.out.set(from, (loads.out.get(from) ?? 0) + 1)
    loads.in.set(to, (loads.in.get(to) ?? 0) + 1)
  }
  return loads
}

/** A crossing hop's share of the two uplinks it uses (Infinity for a hop inside one subnet). */
export function crossingShare (from: string | undefined, to: string | undefined, loads: UplinkLoads, uplinkRate: number): number {
  if (from === undefined || to === undefined || from === to) return Infinity
  return uplinkRate / Math.max(loads.out.get(from) ?? 1, loads.in.get(to) ?? 1)
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
 * The topologies `auto` weighs: the chain, M parallel chains for M up to
 * what the source's uplink can feed at a node's link rate (and 2, 4 and 8
 * to compare), and trees of fan-out 2 to 4.
 */
export function autoCandidates (nodeCount: number, rates: Rates): ConcreteTopology[] {
  // Simplest first: a tie goes to the earlier one, and a chain splits no node's uplink.
  const out: ConcreteTopology[] = [{ kind: 'chain' }]
  const feeds = Math.floor(rates.sourceUplink / rates.nodeLink)
  const counts = new Set([2, 4, 8, feeds, feeds + 1].filter(m => m >= 2 && m <= nodeCount && m <= 1024))
  for (const count of [...counts].sort((a, b) => a - b)) out.push({ kind: 'chains', count })
  out.push({ kind: 'tree', fanout: 2 }, { kind: 'tree', fanout: 3 }, { kind: 'tree', fanout: 4 })
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

