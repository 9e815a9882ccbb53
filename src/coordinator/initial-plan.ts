// The plan a session starts with: the nodes that joined, in order of
// joining, grouped by their subnet (the address they connected from cut at
// the prefix they reported; the source's own first), in the topology the operator asked for, or the one `auto`
// estimates fastest from the declared rates.

import { chooseTopology } from '../topology/estimate.js'
import { plan, type Plan, type PlanNode } from '../topology/plan.js'
import { localInterface } from '../net/outbound-interface.js'
import type { CoordinatorConfig, NodeFacts } from './config.js'
import type { Member } from './member.js'

export function initialPlan (order: Member[], config: CoordinatorConfig, imageBytes: number, sourceSubnet: string | undefined, log: (line: string) => void): { plan: Plan, how: string } {
  const facts = (m: Member): NodeFacts | undefined => config.inventory?.get(m.name)
  const nodes: PlanNode[] = order.map(m => ({ id: m.peerId, subnet: facts(m)?.subnet ?? m.subnet }))
  if (config.inventory !== undefined) {
    const unknown = order.filter(m => facts(m) === undefined).map(m => m.name)
    log(`inventory: ${order.length - unknown.length} of ${order.length} node(s) listed${unknown.length > 0 ? `; not listed (planned by their address): ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ', …' : ''}` : ''}`)
  }
  const groups = new Set(nodes.map(n => n.subnet))
  if (groups.size > 1) log(`subnets: ${[...groups].map(g => `${g ?? 'unknown'} (${nodes.filter(n => n.subnet === g).length})`).join(', ')}; the source is on ${sourceSubnet ?? 'an unknown subnet'}`)
  const t = config.topology
  if (t.kind !== 'auto') return { plan: plan(nodes, t, sourceSubnet), how: 'as asked' }
  // A node's link: the inventory's, else what the node reported, else --link-rate.
  const choice = chooseTopology(nodes, {
    imageBytes,
    blockBytes: config.blockSizeBytes,
    sourceUplink: config.sourceRateBytesPerSecond,
    nodeLink: config.linkRateBytesPerSecond,
    nodeDisk: Infinity,
    hopLatency: 0.001,
    perNode: new Map(order.map(m => [m.peerId, { link: facts(m)?.link ?? m.linkBytesPerSecond, disk: facts(m)?.disk }]))
  }, sourceSubnet)
  // The estimate names nodes by peer id; people know them by name.
  const bottleneck = order.reduce((text, m) => text.replaceAll(m.peerId, m.name), choice.estimate.bottleneck)
  return { plan: choice.plan, how: `auto: estimated ${choice.estimate.seconds.toFixed(1)} s, limited by ${bottleneck}` }
}

/**
 * The coordinator's own subnet, keyed like its nodes' (its interface's real
 * prefix): the first of its listen addresses on a non-loopback interface.
 */
export async function sourceSubnetOf (listenAddrs: string[]): Promise<string | undefined> {
  for (const a of listenAddrs) {
    const found = await localInterface(a).catch(() => undefined)
    if (found !== undefined && !found.internal) return found.subnet
  }
  return undefined
}
