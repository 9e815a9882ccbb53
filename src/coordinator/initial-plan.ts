// The plan a session starts with: the nodes that joined, in order of
// joining, grouped by the subnet they connected from (the source's own
// first), in the topology the operator asked for, or the one `auto`
// estimates fastest from the declared rates.

import { chooseTopology } from '../topology/estimate.js'
import { plan, type Plan, type PlanNode } from '../topology/plan.js'
import { subnetOf } from '../topology/subnet.js'
import type { CoordinatorConfig, NodeFacts } from './config.js'
import type { Member } from './member.js'

export function initialPlan (order: Member[], config: CoordinatorConfig, imageBytes: number, sourceAddrs: string[], log: (line: string) => void): { plan: Plan, how: string } {
  const facts = (m: Member): NodeFacts | undefined => config.inventory?.get(m.name)
  const nodes: PlanNode[] = order.map(m => ({ id: m.peerId, subnet: facts(m)?.subnet ?? subnetKey(m.address) }))
  const sourceSubnet = sourceAddrs.map(a => subnetKey(a)).find(k => k !== undefined && !k.startsWith('127.'))
  if (config.inventory !== undefined) {
    const unknown = order.filter(m => facts(m) === undefined).map(m => m.name)
    log(`inventory: ${order.length - unknown.length} of ${order.length} node(s) listed${unknown.length > 0 ? `; not listed (planned by their address): ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ', …' : ''}` : ''}`)
  }
  const t = config.topology
  if (t.kind !== 'auto') return { plan: plan(nodes, t, sourceSubnet), how: 'as asked' }
  const choice = chooseTopology(nodes, {
    imageBytes,
    blockBytes: config.blockSizeBytes,
    sourceUplink: config.sourceRateBytesPerSecond,
    nodeLink: config.linkRateBytesPerSecond,
    nodeDisk: Infinity,
    hopLatency: 0.001,
    perNode: new Map(order.map(m => [m.peerId, { link: facts(m)?.link, disk: facts(m)?.disk }]))
  }, sourceSubnet)
  // The estimate names nodes by peer id; people know them by name.
  const bottleneck = order.reduce((text, m) => text.replaceAll(m.peerId, m.name), choice.estimate.bottleneck)
  return { plan: choice.plan, how: `auto: estimated ${choice.estimate.seconds.toFixed(1)} s, limited by ${bottleneck}` }
}

/**
 * The subnet a multiaddr's address is in, as a grouping key for the
 * planners: the /24 of an IPv4 address, the /64 of an IPv6 one, in the same
 * form as an inventory's subnets, so listed and unlisted nodes group together.
 */
export function subnetKey (multiaddr: string): string | undefined {
  const ip = /^\/ip[46]\/([^/]+)/.exec(multiaddr)?.[1]
  if (ip === undefined) return undefined
  try {
    return subnetOf(ip)
  } catch {
    return undefined
  }
}
