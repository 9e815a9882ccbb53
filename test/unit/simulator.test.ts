// The simulator (simulations/): its engine against the closed forms it must
// reproduce, its failure handling, the repair rule, and the baselines.

import { describe, expect, it } from 'vitest'
import { multicastSeconds, starSeconds, swarmSeconds } from '../../simulations/baselines.js'
import { simulate, type SimConfig, type SimNode } from '../../simulations/engine.js'
import { labConfig, LAB_MEASURED, random, uniformNodes } from '../../simulations/scenarios.js'
import { lineChart } from '../../simulations/svg.js'
import { FORWARD_HOLD_BYTES } from '../../src/topology/estimate.js'
import { repairOrphans, repairParent, type TreeView } from '../../src/topology/repair.js'

const MiB = 1_048_576
// A 5 s stall timeout, and stragglers never moved unless a test says so.
const cfg: SimConfig = { imageBytes: 64 * MiB, blockBytes: MiB, windowBytes: 8 * MiB, sourceUplink: 100e6, hopLatency: 0.001, policy: { stallTimeoutMs: 5_000, stragglerAfterMs: 0 } }
const moveStragglersAfter = (ms: number): SimConfig['policy'] => ({ ...cfg.policy, stragglerAfterMs: ms })
const nodes = (n: number, over: Record<number, Partial<SimNode>> = {}): SimNode[] =>
  uniformNodes(n, 100e6, Infinity).map((x, i) => ({ ...x, ...over[i] }))

describe('simulator engine', () => {
  it('a chain takes S/B, one block to the head, then what a relay holds back and one latency per hop (cut-through)', () => {
    for (const n of [1, 5, 40]) {
      const r = simulate(nodes(n), { kind: 'chain' }, cfg)
      const model = 64 * MiB / 100e6 + (MiB / 100e6 + 0.001) + (n - 1) * (FORWARD_HOLD_BYTES / 100e6 + 0.001)
      expect(r.seconds).toBeGreaterThan(model * 0.98)
      expect(r.seconds).toBeLessThan(model * 1.02)
      expect(r.nodes.every(o => o.finishedAt !== undefined && !o.failed)).toBe(true)
      // Every node finishes after its upstream (the pipeline's order).
      const done = r.nodes.map(o => o.finishedAt!)
      for (let i = 1; i < done.length; i++) expect(done[i]!).toBeGreaterThan(done[i - 1]!)
    }
  })

  it('store-and-forward (cutThrough: false) takes S/B plus one block and one latency per hop (DESIGN.md model)', () => {
    for (const n of [1, 5, 40]) {
      const r = simulate(nodes(n), { kind: 'chain' }, { ...cfg, cutThrough: false })
      const model = 64 * MiB / 100e6 + n * (MiB / 100e6 + 0.001)
      expect(r.seconds).toBeGreaterThan(model * 0.98)
      expect(r.seconds).toBeLessThan(model * 1.02)
    }
  })

  it('agrees with the rate model without failures, for every topology', () => {
    for (const t of [{ kind: 'chain' }, { kind: 'tree', fanout: 2 }, { kind: 'tree', fanout: 3 }, { kind: 'chains', count: 3 }] as const) {
      const r = simulate(nodes(30), t, { ...cfg, sourceUplink: 300e6 })
      expect(Math.abs(r.seconds / r.estimateSeconds - 1)).toBeLessThan(0.05)
    }
  })

  it('a tree:2 sender splits its uplink, so the tree takes twice S/B', () => {
    const r = simulate(nodes(14), { kind: 'tree', fanout: 2 }, cfg)
    expect(r.seconds).toBeGreaterThan(2 * 64 * MiB / 100e6)
    expect(r.seconds).toBeLessThan(2 * 64 * MiB / 100e6 * 1.1)
  })

  it('a slow disk paces the whole chain (credits reach the source)', () => {
    const image = 256 * MiB
    const r = simulate(nodes(6, { 4: { disk: 10e6 } }), { kind: 'chain' }, { ...cfg, imageBytes: image })
    expect(r.seconds).toBeGreaterThan(image / 10e6)
    // The head is held back too: each hop above the slow node may run at most
    // one credit window ahead of the next, so the head is at most 4 windows ahead.
    expect(r.nodes[0]!.finishedAt!).toBeGreaterThan((image - 4 * cfg.windowBytes) / 10e6 * 0.95)
  })

  it('a straggler paces everyone, unless it is moved out of the way and served in the background', () => {
    const image = 512 * MiB
    const slow = nodes(20, { 6: { disk: 20e6 } })
    const paced = simulate(slow, { kind: 'chain' }, { ...cfg, imageBytes: image })
    const moved = simulate(slow, { kind: 'chain' }, { ...cfg, imageBytes: image, policy: moveStragglersAfter(2_000) })
    const others = (r: typeof paced): number => Math.max(...r.nodes.filter(o => o.id !== 'n6').map(o => o.finishedAt!))
    expect(others(paced)).toBeGreaterThan(image / 20e6 * 0.9)
    // Moved: the others finish near S/B, the straggler at its own pace; nobody fails.
    expect(others(moved)).toBeLessThan(image / 100e6 * 1.25 + 2)
    expect(moved.nodes[6]!.finishedAt!).toBeGreaterThan(image / 20e6 * 0.95)
    expect(moved.nodes[6]!.rewired).toBe(1)
    expect(moved.nodes[7]!.rewired).toBe(1)
    expect(moved.nodes.every(o => !o.failed)).toBe(true)
    // A fast disk is never taken for a straggler.
    expect(simulate(nodes(20), { kind: 'chain' }, { ...cfg, policy: moveStragglersAfter(2_000) }).nodes.every(o => o.rewired === 0)).toBe(true)
  })

  it('a crash costs little: the dead node\'s downstream is spliced to its upstream', () => {
    const clean = simulate(nodes(8), { kind: 'chain' }, cfg).seconds
    const r = simulate(nodes(8, { 3: { crashAt: 0.3 } }), { kind: 'chain' }, cfg)
    expect(r.nodes[3]).toMatchObject({ failed: true, finishedAt: undefined })
    expect(r.nodes[4]!.rewired).toBe(1)
    expect(r.nodes.filter(o => o.finishedAt !== undefined)).toHaveLength(7)
    expect(r.seconds).toBeLessThan(clean + 0.2)
  })

  it('a hung node stalls the chain until the stall timeout drops it', () => {
    const clean = simulate(nodes(8), { kind: 'chain' }, cfg).seconds
    const r = simulate(nodes(8, { 3: { hangAt: 0.3 } }), { kind: 'chain' }, cfg)
    expect(r.nodes[3]!.failed).toBe(true)
    expect(r.nodes.filter(o => o.finishedAt !== undefined)).toHaveLength(7)
    expect(r.seconds).toBeGreaterThan(clean + 5 * 0.9)
    expect(r.seconds).toBeLessThan(clean + 5 * 1.2)
  })

  it('a dead head leaves its downstream to the source; two adjacent deaths splice past both', () => {
    const head = simulate(nodes(5, { 0: { crashAt: 0.2 } }), { kind: 'chain' }, cfg)
    expect(head.nodes[1]!.rewired).toBe(1)
    expect(head.nodes.filter(o => o.finishedAt !== undefined)).toHaveLength(4)
    const two = simulate(nodes(6, { 2: { crashAt: 0.2 }, 3: { crashAt: 0.25 } }), { kind: 'chain' }, cfg)
    expect(two.nodes.filter(o => o.finishedAt !== undefined)).toHaveLength(4)
  })

  it('in a tree, a dead inner node\'s children go to its parent', () => {
    const r = simulate(nodes(14, { 0: { crashAt: 0.2 } }), { kind: 'tree', fanout: 2 }, cfg)
    const rewired = r.nodes.filter(o => o.rewired > 0)
    expect(rewired).toHaveLength(2)
    expect(r.nodes.filter(o => o.finishedAt !== undefined)).toHaveLength(13)
  })

  it('the repair rule takes the nearest live ancestor, or the source', () => {
    const up: Record<string, string | undefined> = { d: 'c', c: 'b', b: 'a', a: undefined }
    const gone = new Set(['c', 'b'])
    expect(repairParent('c', x => up[x], x => gone.has(x))).toBe('a')
    expect(repairParent('a', x => up[x], () => false)).toBeUndefined()
    gone.add('a')
    expect(repairParent('d', x => up[x], x => gone.has(x))).toBeUndefined()
    // A loop in a broken structure ends at the source instead of spinning.
    expect(repairParent('x', x => (x === 'x' ? 'y' : 'x'), () => true)).toBeUndefined()
  })

  it('the tree repair rule keeps fan-outs: one orphan takes the lost node\'s place, the others go under idle leaves', () => {
    //        a               a's children: b, c; b's: d, e; c's: f, g
    //      b   c
    //     d e f g
    const up: Record<string, string | undefined> = { a: undefined, b: 'a', c: 'a', d: 'b', e: 'b', f: 'c', g: 'c' }
    const down: Record<string, string[]> = { a: ['b', 'c'], b: ['d', 'e'], c: ['f', 'g'], d: [], e: [], f: [], g: [] }
    const view = (gone: Set<string>): TreeView<string> => ({ upstreamOf: x => up[x], downstreamsOf: x => down[x]!, isGone: x => gone.has(x), nodes: Object.keys(up) })
    // b dies: d takes its place under a; e goes under the shallowest idle leaf outside b's subtree (f).
    expect(Object.fromEntries(repairOrphans('b', view(new Set(['b']))))).toEqual({ d: 'a', e: 'f' })
    // a (under the source) dies: b goes to the source, c under a leaf outside both subtrees: none, so the source too.
    expect(Object.fromEntries(repairOrphans('a', view(new Set(['a']))))).toEqual({ b: undefined, c: undefined })
    // In a chain the rule is the splice.
    expect(Object.fromEntries(repairOrphans('b', { upstreamOf: x => ({ b: 'a', c: 'b' } as Record<string, string>)[x], downstreamsOf: x => (x === 'b' ? ['c'] : []), isGone: x => x === 'b', nodes: ['a', 'b', 'c'] }))).toEqual({ c: 'a' })
  })

  it('predicts the namespace lab within 10 % where the lab is not CPU-bound', () => {
    for (const m of LAB_MEASURED.filter(x => x.nodes <= 4)) {
      const r = simulate(uniformNodes(m.nodes, 100e6 / 8 * 0.94, Infinity), { kind: 'chain' }, labConfig())
      expect(Math.abs(r.seconds / m.seconds - 1)).toBeLessThan(0.10)
    }
  })
})

describe('baselines', () => {
  const c = { ...cfg, imageBytes: 1e9, sourceUplink: 100e6, hopLatency: 0 }
  it('star: N copies share the source uplink', () => {
    expect(starSeconds(nodes(10), c)).toBeCloseTo(100, 6)
  })
  it('star: a slow node takes less, the rest share what is left (max-min fair)', () => {
    // 100e6 over 3: the 20e6 node takes 20e6, the others 40e6 each; it finishes last.
    expect(starSeconds(nodes(3, { 0: { disk: 20e6 } }), c)).toBeCloseTo(1e9 / 20e6, 6)
    // A 40e6 cap is above the fair share (33.3e6): all three get 33.3e6.
    expect(starSeconds(nodes(3, { 0: { disk: 40e6 } }), c)).toBeCloseTo(1e9 / (100e6 / 3), 6)
  })
  it('ideal multicast: once, at the slowest receiver', () => {
    expect(multicastSeconds(nodes(100, { 7: { disk: 25e6 } }), c)).toBeCloseTo(40, 6)
  })
  it('swarm: the Kumar-Ross bound', () => {
    // Upload capacity 100e6 * (1 + N) for N peers: bound is S/u_s at small N ...
    expect(swarmSeconds(nodes(10), c)).toBeCloseTo(10, 6)
    // ... and N·S/(u_s + Σu_i) when peers upload less than they download.
    const slowUp = nodes(10).map(x => ({ ...x, link: 50e6 }))
    expect(swarmSeconds(slowUp, c)).toBeCloseTo(Math.max(1e9 / 50e6, 10 * 1e9 / (100e6 + 10 * 50e6)), 6)
  })
})

describe('scenario plumbing', () => {
  it('the seeded generator is reproducible', () => {
    const a = random(7)
    const b = random(7)
    expect(Array.from({ length: 5 }, a)).toEqual(Array.from({ length: 5 }, b))
  })
  it('draws an SVG with one line per series', () => {
    const svg = lineChart([{ name: 'chain', points: [[8, 170], [1000, 180]] }, { name: 'tree & <2>', points: [[8, 340], [1000, 341]] }], { title: 't', xLabel: 'x', yLabel: 'y', logX: true })
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg.match(/<polyline/g)).toHaveLength(2)
    expect(svg).toContain('tree &amp; &lt;2&gt;')
  })
})
