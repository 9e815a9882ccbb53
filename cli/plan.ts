// `ringcast plan`: the topology the coordinator would build for an inventory,
// with the rate model's estimate, printed as a text tree or JSON. Runs nothing.

import { RingcastError } from '../src/errors.js'
import { chooseTopology, describeCandidate, estimate, type Candidate, type Rates } from '../src/topology/estimate.js'
import { formatTopology, parseTopology, plan, SOURCE, subnetCrossings, TopologyError, type PlanNode } from '../src/topology/plan.js'
import { readInventory, subnetOf, type InventoryNode } from './inventory.js'

export interface PlanOptions {
  inventory?: string
  nodes?: number
  /** With --nodes: spread the synthetic nodes over this many subnets. */
  subnets?: number
  topology: string
  source?: string
  prefix?: number
  imageBytes: number
  blockBytes: number
  sourceRate: number
  linkRate: number
  diskRate: number
  routerRate: number
  hopLatencySeconds: number
  json: boolean
}

export interface PlanOutput {
  nodes: InventoryNode[]
  sourceSubnet?: string
  rates: Rates
  chosen: Candidate
  /** For auto: every candidate, fastest first. */
  candidates?: Candidate[]
}

export async function planFromOptions (o: PlanOptions): Promise<PlanOutput> {
  const nodes = await loadNodes(o)
  const sourceSubnet = o.source === undefined ? undefined : subnetOf(o.source, o.prefix, '--source')
  const rates: Rates = {
    imageBytes: o.imageBytes,
    blockBytes: o.blockBytes,
    sourceUplink: o.sourceRate,
    nodeLink: o.linkRate,
    nodeDisk: o.diskRate,
    hopLatency: o.hopLatencySeconds,
    routerRate: o.routerRate,
    perNode: new Map(nodes.map(n => [n.name, { link: n.link, disk: n.disk }]))
  }
  const planNodes: PlanNode[] = nodes.map(n => ({ id: n.name, subnet: n.subnet }))
  try {
    const topology = parseTopology(o.topology)
    if (topology.kind === 'auto') {
      const choice = chooseTopology(planNodes, rates, sourceSubnet)
      return { nodes, sourceSubnet, rates, chosen: choice, candidates: choice.candidates }
    }
    const p = plan(planNodes, topology, sourceSubnet)
    return { nodes, sourceSubnet, rates, chosen: { topology, plan: p, estimate: estimate(p, rates, planNodes, sourceSubnet) } }
  } catch (err) {
    if (err instanceof TopologyError) throw new RingcastError('USAGE', err.message)
    throw err
  }
}

async function loadNodes (o: PlanOptions): Promise<InventoryNode[]> {
  if ((o.inventory === undefined) === (o.nodes === undefined)) throw new RingcastError('USAGE', 'give either --inventory FILE or --nodes N')
  if (o.inventory !== undefined) return await readInventory(o.inventory, o.prefix)
  const n = o.nodes!
  const subnets = Math.min(o.subnets ?? 1, n)
  const width = String(n).length
  return Array.from({ length: n }, (_, i) => ({
    name: `node${String(i + 1).padStart(width, '0')}`,
    // Contiguous blocks, as racks are: the first n/subnets nodes in subnet 1, ...
    subnet: subnets > 1 ? `subnet${Math.floor(i * subnets / n) + 1}` : undefined
  }))
}

export function formatPlanJson (out: PlanOutput): string {
  const { plan: p, estimate: e, topology } = out.chosen
  const byName = new Map(out.nodes.map(n => [n.name, n]))
  return JSON.stringify({
    topology: formatTopology(topology),
    estimate: { seconds: round(e.seconds), bytesPerSecond: round(e.rate), bottleneck: e.bottleneck },
    depth: p.depth,
    heads: p.heads,
    sourceSubnet: out.sourceSubnet,
    subnetCrossings: subnetCrossings(p, out.nodes.map(n => ({ id: n.name, subnet: n.subnet })), out.sourceSubnet),
    nodes: p.hops.map(h => ({ ...byName.get(h.node), upstream: h.upstream, downstreams: h.downstreams, depth: h.depth, position: h.position })),
    candidates: out.candidates?.map(c => ({ topology: formatTopology(c.topology), seconds: round(c.estimate.seconds), bytesPerSecond: round(c.estimate.rate), depth: c.plan.depth, bottleneck: c.estimate.bottleneck }))
  }, null, 2)
}

const round = (n: number): number => Math.round(n * 1000) / 1000

/**
 * The plan as a tree under the source. A run of nodes that each feed exactly
 * one other is a chain and is printed on one line, "a → b → c", wrapped.
 */
export function formatPlanText (out: PlanOutput): string {
  const { plan: p, estimate: e, topology } = out.chosen
  const r = out.rates
  const lines: string[] = []
  const how = out.candidates === undefined ? 'as asked' : `chosen by auto from ${out.candidates.length} candidates`
  lines.push(`topology ${formatTopology(topology)} (${how}): ${p.hops.length} nodes, depth ${p.depth}, ${p.heads.length} fed by the source`)
  lines.push(`estimate ${e.seconds.toFixed(1)} s for ${(r.imageBytes / 1e9).toFixed(2)} GB at ${(e.rate / 1e6).toFixed(1)} MB/s, limited by ${e.bottleneck}`)
  const crossings = subnetCrossings(p, out.nodes.map(n => ({ id: n.name, subnet: n.subnet })), out.sourceSubnet)
  const subnets = new Set(out.nodes.map(n => n.subnet).filter(s => s !== undefined))
  if (subnets.size > 0) lines.push(`${subnets.size} subnet(s); ${crossings} hop(s) cross from one subnet to another`)
  if (out.candidates !== undefined) {
    lines.push('', 'candidates (fastest first):')
    for (const c of out.candidates) lines.push(`  ${describeCandidate(c)}`)
  }
  lines.push('')
  const byNode = new Map(p.hops.map(h => [h.node, h]))
  const subnet = new Map(out.nodes.map(n => [n.name, n.subnet]))
  const label = (id: string): string => subnet.get(id) === undefined ? id : `${id} [${subnet.get(id)}]`
  lines.push(out.sourceSubnet === undefined ? SOURCE : `${SOURCE} [${out.sourceSubnet}]`)
  const draw = (children: string[], indent: string): void => {
    children.forEach((child, i) => {
      const last = i === children.length - 1
      // Follow single-child links: that stretch is a chain.
      const run = [child]
      let h = byNode.get(child)!
      while (h.downstreams.length === 1) { run.push(h.downstreams[0]!); h = byNode.get(h.downstreams[0]!)! }
      const wrapped = wrap(run.map(label), 100 - indent.length)
      lines.push(`${indent}${last ? '└─ ' : '├─ '}${wrapped[0]}`)
      for (const more of wrapped.slice(1)) lines.push(`${indent}${last ? '   ' : '│  '}   ${more}`)
      draw(h.downstreams, indent + (last ? '   ' : '│  '))
    })
  }
  draw(p.heads, '')
  return lines.join('\n')
}

/** Join with " → ", breaking lines at `width`; continuation lines start with "→ ". */
function wrap (parts: string[], width: number): string[] {
  const out: string[] = []
  let line = ''
  for (const part of parts) {
    if (line === '') line = part
    else if (line.length + 3 + part.length <= Math.max(width, 20)) line += ` → ${part}`
    else { out.push(line); line = `→ ${part}` }
  }
  out.push(line)
  return out
}

