// Topology planners: who feeds whom. Pure functions of node descriptions;
// the coordinator builds sessions from them, `ringcast plan` prints them and
// the simulator runs them, so all three agree by construction.
//
//   chain        source -> n0 -> n1 -> ... -> n(N-1)           (Dolly's ring)
//   tree:K       source feeds K nodes, every node feeds up to K  (depth log_K N)
//   chains:M     source feeds M heads, each the start of a chain (a source whose
//                uplink is M times a node's)
//
// Every planner first puts the nodes in subnet order (orderBySubnet): nodes of
// one subnet stay contiguous, so a chain crosses each router once and a tree
// keeps most of its edges inside a subnet. `auto` (see estimate.ts) picks the
// topology the rate model says finishes first.

/** The upstream of every node the source feeds itself. */
export const SOURCE = 'source'

/** Largest tree fan-out and chain count we accept: past this, per-node uplinks are sliced too thin to matter. */
export const MAX_FANOUT = 64
export const MAX_CHAINS = 1024

export type ConcreteTopology =
  | { kind: 'chain' }
  | { kind: 'tree', fanout: number }
  | { kind: 'chains', count: number }

export type Topology = ConcreteTopology | { kind: 'auto' }

/** A user-facing mistake in a topology or inventory (the CLI maps it to a usage error). */
export class TopologyError extends Error {
  override name = 'TopologyError'
}

/** What a planner needs to know of a node. */
export interface PlanNode {
  id: string
  /** Subnet key (e.g. "198.18.10.0/24"); nodes without one sort after the rest. */
  subnet?: string
}

export interface PlannedHop {
  node: string
  /** A node id, or SOURCE. */
  upstream: string
  /** The nodes this one forwards to, in order (empty for a leaf or tail). */
  downstreams: string[]
  /** Hops from the source: 1 for a node the source feeds. */
  depth: number
  /** Place in the planned (subnet) order, from 0. */
  position: number
}

export interface Plan {
  topology: ConcreteTopology
  /** One per node, in planned order; each node's upstream comes before it. */
  hops: PlannedHop[]
  /** The nodes the source feeds itself. */
  heads: string[]
  /** The largest depth (0 for no nodes). */
  depth: number
}

export function parseTopology (text: string): Topology {
  const t = text.trim().toLowerCase()
  if (t === 'chain' || t === 'auto') return { kind: t }
  const m = /^(tree|chains):(\d+)$/.exec(t)
  if (m !== null) {
    const n = Number(m[2])
    if (m[1] === 'tree') {
      if (n < 1 || n > MAX_FANOUT) throw new TopologyError(`tree fan-out must be 1 to ${MAX_FANOUT} (got ${n})`)
      return { kind: 'tree', fanout: n }
    }
    if (n < 1 || n > MAX_CHAINS) throw new TopologyError(`the number of chains must be 1 to ${MAX_CHAINS} (got ${n})`)
    return { kind: 'chains', count: n }
  }
  throw new TopologyError(`unknown topology "${text}" (use chain, tree:K, chains:M or auto)`)
}

export function formatTopology (t: Topology): string {
  switch (t.kind) {
    case 'tree': return `tree:${t.fanout}`
    case 'chains': return `chains:${t.count}`
    default: return t.kind
  }
}

/**
 * Nodes grouped by subnet, each group in the order given. The source's subnet
 * comes first (the first hop stays local), then the others in order of first
 * appearance, then nodes whose subnet is unknown.
 */
export function orderBySubnet<T extends PlanNode> (nodes: readonly T[], sourceSubnet?: string): T[] {
  const groups = new Map<string, T[]>()
  if (sourceSubnet !== undefined) groups.set(sourceSubnet, [])
  const unknown: T[] = []
  for (const n of nodes) {
    if (n.subnet === undefined || n.subnet === '') { unknown.push(n); continue }
    let g = groups.get(n.subnet)
    if (g === undefined) groups.set(n.subnet, g = [])
    g.push(n)
  }
  return [...[...groups.values()].flat(), ...unknown]
}

export function plan (nodes: readonly PlanNode[], topology: ConcreteTopology, sourceSubnet?: string): Plan {
  if (new Set(nodes.map(n => n.id)).size !== nodes.length) throw new TopologyError('node ids must be unique')
  if (nodes.some(n => n.id === SOURCE)) throw new TopologyError(`"${SOURCE}" is reserved and cannot name a node`)
  const ids = orderBySubnet(nodes, sourceSubnet).map(n => n.id)
  switch (topology.kind) {
    case 'chain': return chains(ids, 1, topology)
    case 'chains': return chains(ids, topology.count, topology)
    case 'tree': return tree(ids, topology.fanout, topology)
  }
}

/** M chains over contiguous runs of the ordered nodes (lengths differ by at most one). */
function chains (ids: string[], count: number, topology: ConcreteTopology): Plan {
  const m = Math.min(count, Math.max(ids.length, 1))
  const hops: PlannedHop[] = []
  const heads: string[] = []
  let at = 0
  for (let c = 0; c < m; c++) {
    const length = Math.floor(ids.length / m) + (c < ids.length % m ? 1 : 0)
    const run = ids.slice(at, at + length)
    if (run.length > 0) heads.push(run[0]!)
    run.forEach((node, i) => hops.push({
      node,
      upstream: i === 0 ? SOURCE : run[i - 1]!,
      downstreams: i + 1 < run.length ? [run[i + 1]!] : [],
      depth: i + 1,
      position: at + i
    }))
    at += length
  }
  return { topology, hops, heads, depth: hops.reduce((d, h) => Math.max(d, h.depth), 0) }
}

/**
 * A complete K-ary tree rooted at the source (heap slots 1..N; slot p's
 * children are K·p+1 … K·p+K), filled in preorder. In preorder every subtree
 * is a contiguous run of the ordered nodes, so a subnet's nodes form whole
 * subtrees and few edges cross a router.
 */
function tree (ids: string[], fanout: number, topology: ConcreteTopology): Plan {
  const n = ids.length
  const nodeAt = new Array<string>(n + 1)
  // Iterative preorder over slots 1..n (slot 0 is the source).
  const stack: number[] = []
  for (let c = fanout; c >= 1; c--) if (c <= n) stack.push(c)
  let next = 0
  while (stack.length > 0) {
    const slot = stack.pop()!
    nodeAt[slot] = ids[next++]!
    for (let c = fanout * slot + fanout; c >= fanout * slot + 1; c--) if (c <= n) stack.push(c)
  }
  const depthOf = new Array<number>(n + 1)
  depthOf[0] = 0
  const hops: PlannedHop[] = []
  for (let slot = 1; slot <= n; slot++) {
    const parent = Math.floor((slot - 1) / fanout)
    depthOf[slot] = depthOf[parent]! + 1
    const downstreams: string[] = []
    for (let c = fanout * slot + 1; c <= Math.min(fanout * slot + fanout, n); c++) downstreams.push(nodeAt[c]!)
    hops.push({ node: nodeAt[slot]!, upstream: parent === 0 ? SOURCE : nodeAt[parent]!, downstreams, depth: depthOf[slot]!, position: 0 })
  }
  // Report hops in the planned (preorder) order.
  const rank = new Map(ids.map((id, i) => [id, i]))
  hops.sort((a, b) => rank.get(a.node)! - rank.get(b.node)!)
  hops.forEach((h, i) => { h.position = i })
  const heads = hops.filter(h => h.upstream === SOURCE).map(h => h.node)
  return { topology, hops, heads, depth: hops.reduce((d, h) => Math.max(d, h.depth), 0) }
}

/** How many hops cross from one subnet to another (the source counts as `sourceSubnet`). */
export function subnetCrossings (p: Plan, nodes: readonly PlanNode[], sourceSubnet?: string): number {
  const subnet = new Map(nodes.map(n => [n.id, n.subnet]))
  let crossings = 0
  for (const h of p.hops) {
    const from = h.upstream === SOURCE ? sourceSubnet : subnet.get(h.upstream)
    const to = subnet.get(h.node)
    if (from !== undefined && to !== undefined && from !== to) crossings++
  }
  return crossings
}
