// The planners and the rate model (src/topology): every plan is checked for
// the structural rules every consumer relies on, then for its shape.

import { describe, expect, it } from 'vitest'
import { chooseTopology, estimate, FORWARD_HOLD_BYTES, type Rates } from '../../src/topology/estimate.js'
import { orderBySubnet, parseTopology, plan, SOURCE, subnetCrossings, TopologyError, type ConcreteTopology, type Plan, type PlanNode } from '../../src/topology/plan.js'

const nodes = (n: number, subnetOf: (i: number) => string | undefined = () => undefined): PlanNode[] =>
  Array.from({ length: n }, (_, i) => ({ id: `n${i}`, subnet: subnetOf(i) }))

/**
 * The rules every plan keeps: each node once; every upstream is the source or
 * a planned node listed earlier; upstream and downstream links agree both ways;
 * depth is the upstream's plus one; heads are exactly the source's children.
 */
function checkPlan (p: Plan, input: readonly PlanNode[]): void {
  expect(p.hops.map(h => h.node).sort()).toEqual(input.map(n => n.id).sort())
  const byId = new Map(p.hops.map(h => [h.node, h]))
  const problems: string[] = []
  p.hops.forEach((h, i) => {
    if (h.position !== i) problems.push(`${h.node} at ${i} says position ${h.position}`)
    if (h.upstream === SOURCE) {
      if (h.depth !== 1) problems.push(`${h.node} fed by the source has depth ${h.depth}`)
    } else {
      const up = byId.get(h.upstream)
      if (up === undefined) { problems.push(`${h.node} has an unplanned upstream ${h.upstream}`); return }
      if (up.position >= h.position) problems.push(`${h.node}'s upstream comes after it`)
      if (!up.downstreams.includes(h.node)) problems.push(`${h.upstream} does not list ${h.node} downstream`)
      if (h.depth !== up.depth + 1) problems.push(`${h.node} depth ${h.depth} under depth ${up.depth}`)
    }
    for (const d of h.downstreams) if (byId.get(d)?.upstream !== h.node) problems.push(`${d} does not name ${h.node} upstream`)
  })
  expect(problems).toEqual([])
  expect(p.heads).toEqual(p.hops.filter(h => h.upstream === SOURCE).map(h => h.node))
  expect(p.depth).toBe(p.hops.reduce((d, h) => Math.max(d, h.depth), 0))
}

describe('parseTopology', () => {
  it.each([
    ['chain', { kind: 'chain' }],
    ['auto', { kind: 'auto' }],
    ['tree:2', { kind: 'tree', fanout: 2 }],
    ['TREE:4', { kind: 'tree', fanout: 4 }],
    ['chains:3', { kind: 'chains', count: 3 }]
  ])('reads %s', (text, want) => {
    expect(parseTopology(text)).toEqual(want)
  })

  it.each([
    ['star', /unknown topology "star"/],
    ['tree', /unknown topology/],
    ['tree:0', /fan-out must be 1 to 64 \(got 0\)/],
    ['tree:65', /fan-out must be 1 to 64/],
    ['chains:0', /number of chains must be 1 to 1024/],
    ['tree:-2', /unknown topology/],
    ['tree:2.5', /unknown topology/]
  ])('refuses %s with one clear sentence', (text, message) => {
    expect(() => parseTopology(text)).toThrow(TopologyError)
    expect(() => parseTopology(text)).toThrow(message)
  })
})

describe('orderBySubnet', () => {
  it('keeps each subnet contiguous, the source subnet first, unknown last, order inside a subnet kept', () => {
    const input: PlanNode[] = [
      { id: 'a', subnet: 'B' }, { id: 'b', subnet: 'A' }, { id: 'c' }, { id: 'd', subnet: 'B' }, { id: 'e', subnet: 'C' }, { id: 'f', subnet: 'A' }
    ]
    expect(orderBySubnet(input, 'A').map(n => n.id)).toEqual(['b', 'f', 'a', 'd', 'e', 'c'])
    expect(orderBySubnet(input).map(n => n.id)).toEqual(['a', 'd', 'b', 'f', 'e', 'c'])
  })
})

describe('plan', () => {
  const shapes: ConcreteTopology[] = [{ kind: 'chain' }, { kind: 'tree', fanout: 1 }, { kind: 'tree', fanout: 2 }, { kind: 'tree', fanout: 5 }, { kind: 'chains', count: 1 }, { kind: 'chains', count: 3 }, { kind: 'chains', count: 40 }]
  it.each(shapes.flatMap(t => [0, 1, 2, 7, 31, 100].map(n => [t, n] as const)))('%j over %i nodes keeps every rule', (topology, n) => {
    const input = nodes(n, i => `s${i % 3}`)
    checkPlan(plan(input, topology), input)
  })

  it('a chain is one line in subnet order', () => {
    const input = nodes(6, i => (i % 2 === 0 ? 'even' : 'odd'))
    const p = plan(input, { kind: 'chain' }, 'odd')
    expect(p.hops.map(h => h.node)).toEqual(['n1', 'n3', 'n5', 'n0', 'n2', 'n4'])
    expect(p.heads).toEqual(['n1'])
    expect(p.depth).toBe(6)
    // The chain crosses from odd to even once.
    expect(subnetCrossings(p, input, 'odd')).toBe(1)
  })

  it('chains:M splits the order into M runs whose lengths differ by at most one', () => {
    const p = plan(nodes(10), { kind: 'chains', count: 3 })
    expect(p.heads).toEqual(['n0', 'n4', 'n7'])
    expect(p.depth).toBe(4)
    expect(p.hops.filter(h => h.downstreams.length === 0).map(h => h.node)).toEqual(['n3', 'n6', 'n9'])
  })

  it('chains:M with more chains than nodes feeds every node from the source', () => {
    const p = plan(nodes(3), { kind: 'chains', count: 8 })
    expect(p.heads).toEqual(['n0', 'n1', 'n2'])
    expect(p.depth).toBe(1)
  })

  it('tree:K is a complete K-ary tree under the source, of depth ceil(log_K) levels', () => {
    const p = plan(nodes(13), { kind: 'tree', fanout: 3 })
    expect(p.heads).toHaveLength(3)
    for (const h of p.hops) expect(h.downstreams.length).toBeLessThanOrEqual(3)
    // 3 + 9 = 12 nodes fill two levels; the 13th starts the third.
    expect(p.depth).toBe(3)
    const p2 = plan(nodes(10_000), { kind: 'tree', fanout: 2 })
    expect(p2.depth).toBe(13)
  })

  it('tree:K keeps each subtree a contiguous run of the order, so a subnet forms whole subtrees', () => {
    const input = nodes(14, i => (i < 7 ? 'A' : 'B'))
    const p = plan(input, { kind: 'tree', fanout: 2 }, 'A')
    // Preorder: every node's subtree occupies positions [position, position + size).
    const byId = new Map(p.hops.map(h => [h.node, h]))
    const size = (id: string): number => 1 + byId.get(id)!.downstreams.reduce((s, d) => s + size(d), 0)
    for (const h of p.hops) {
      const positions = collect(h.node).map(id => byId.get(id)!.position).sort((a, b) => a - b)
      expect(positions).toEqual(Array.from({ length: size(h.node) }, (_, i) => h.position + i))
    }
    function collect (id: string): string[] { return [id, ...byId.get(id)!.downstreams.flatMap(collect)] }
    // Few edges cross: a breadth-first fill of the same tree would cross on most of them.
    expect(subnetCrossings(p, input, 'A')).toBeLessThanOrEqual(3)
  })

  it('refuses duplicate ids and the reserved id', () => {
    expect(() => plan([{ id: 'a' }, { id: 'a' }], { kind: 'chain' })).toThrow(/unique/)
    expect(() => plan([{ id: SOURCE }], { kind: 'chain' })).toThrow(/reserved/)
  })

  it('plans 10,000 nodes in every shape quickly and consistently', () => {
    const input = nodes(10_000, i => `s${Math.floor(i / 313)}`)
    for (const t of shapes) checkPlan(plan(input, t), input)
  })
})

const GB = 1e9
const gbe: Rates = { imageBytes: 20 * GB, blockBytes: 1_048_576, sourceUplink: 125e6, nodeLink: 125e6, nodeDisk: Infinity, hopLatency: 0.0005 }

describe('estimate', () => {
  it('a chain takes S/B, one block to the head, then what a relay holds back and one latency per hop', () => {
    const e = estimate(plan(nodes(64), { kind: 'chain' }), gbe)
    expect(e.rate).toBe(125e6)
    expect(e.seconds).toBeCloseTo(20 * GB / 125e6 + (1_048_576 / 125e6 + 0.0005) + 63 * (FORWARD_HOLD_BYTES / 125e6 + 0.0005), 6)
    expect(e.bottleneck).toBe('source uplink')
  })

  it('a tree:K sender splits its uplink K ways', () => {
    const e = estimate(plan(nodes(64), { kind: 'tree', fanout: 4 }), gbe)
    expect(e.rate).toBe(125e6 / 4)
  })

  it('a slow disk paces everything', () => {
    const e = estimate(plan(nodes(8), { kind: 'chain' }), { ...gbe, perNode: new Map([['n5', { disk: 50e6 }]]) })
    expect(e.rate).toBe(50e6)
    expect(e.bottleneck).toBe('n5 disk')
  })

  it('a subnet uplink to the router is shared by the hops that cross it', () => {
    const input = nodes(8, i => (i < 4 ? 'A' : 'B'))
    const chain = plan(input, { kind: 'chain' }, 'A')
    expect(estimate(chain, { ...gbe, routerRate: 100e6 }, input, 'A').rate).toBe(100e6)
    const two = plan(input, { kind: 'chains', count: 2 }, 'A')
    expect(estimate(two, { ...gbe, sourceUplink: 250e6, routerRate: 100e6 }, input, 'A').rate).toBe(100e6)
    // Planned without subnets, alternating A, B, A, B, ...: four hops leave A through one uplink.
    const alternating = nodes(8, i => (i % 2 === 0 ? 'A' : 'B'))
    const blind = plan(alternating.map(n => ({ id: n.id })), { kind: 'chain' })
    const e = estimate(blind, { ...gbe, routerRate: 100e6 }, alternating, 'A')
    expect(e.rate).toBe(25e6)
    expect(e.bottleneck).toMatch(/router uplinks of A and B, shared by 4 and 4 hops/)
  })
})

describe('chooseTopology (auto)', () => {
  it('picks the chain on a uniform 1 GbE network (Dolly\'s finding)', () => {
    expect(chooseTopology(nodes(64), gbe).topology).toEqual({ kind: 'chain' })
  })

  it('picks M chains when the source uplink is M times a node link', () => {
    const choice = chooseTopology(nodes(1000), { ...gbe, sourceUplink: 4 * 125e6 })
    expect(choice.topology).toEqual({ kind: 'chains', count: 4 })
  })

  it('picks a tree when per-hop latency dominates a very long chain', () => {
    const choice = chooseTopology(nodes(10_000), { ...gbe, imageBytes: 1 * GB, hopLatency: 0.01 })
    expect(choice.topology.kind).toBe('tree')
  })

  it('its choice is never slower than any candidate it considered', () => {
    const choice = chooseTopology(nodes(500), { ...gbe, sourceUplink: 3 * 125e6 })
    for (const c of choice.candidates) expect(choice.estimate.seconds).toBeLessThanOrEqual(c.estimate.seconds * 1.001)
  })
})
