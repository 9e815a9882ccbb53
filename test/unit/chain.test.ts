import { describe, expect, it } from 'vitest'
import { planChain, SOURCE } from '../../src/topology/chain.js'

describe('planChain', () => {
  it('returns no hops for no nodes', () => {
    expect(planChain([])).toEqual([])
  })

  it('makes a single node both head and tail', () => {
    const hops = planChain(['only'])
    expect(hops).toHaveLength(1)
    expect(hops[0]).toMatchObject({ node: 'only', upstream: SOURCE, position: 0 })
    expect(hops[0]!.downstream).toBeUndefined()
  })

  it('links five nodes in order', () => {
    const ids = ['a', 'b', 'c', 'd', 'e']
    const hops = planChain(ids)
    expect(hops.map(h => h.node)).toEqual(ids)
    expect(hops.map(h => h.position)).toEqual([0, 1, 2, 3, 4])
    expect(hops.map(h => h.upstream)).toEqual([SOURCE, 'a', 'b', 'c', 'd'])
    expect(hops.map(h => h.downstream)).toEqual(['b', 'c', 'd', 'e', undefined])
  })

  it('keeps 1000 nodes consistent: each once, links agree both ways', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `12D3KooWnode${String(i).padStart(4, '0')}`)
    // Shuffle deterministically so the order is not the sort order.
    for (let i = ids.length - 1, s = 7; i > 0; i--) {
      s = (s * 1_103_515_245 + 12_345) % 2 ** 31
      const j = s % (i + 1);
      [ids[i], ids[j]] = [ids[j]!, ids[i]!]
    }
    const hops = planChain(ids)
    expect(hops).toHaveLength(1000)
    expect(new Set(hops.map(h => h.node)).size).toBe(1000)
    expect(hops.map(h => h.node)).toEqual(ids)
    expect(hops.filter(h => h.upstream === SOURCE)).toHaveLength(1)
    expect(hops.filter(h => h.downstream === undefined)).toHaveLength(1)
    for (let i = 0; i < hops.length; i++) {
      expect(hops[i]!.position).toBe(i)
      if (i + 1 < hops.length) {
        expect(hops[i]!.downstream).toBe(hops[i + 1]!.node)
        expect(hops[i + 1]!.upstream).toBe(hops[i]!.node)
      }
    }
    expect(hops[0]!.upstream).toBe(SOURCE)
    expect(hops[999]!.downstream).toBeUndefined()
  })

  it('throws on duplicate ids', () => {
    expect(() => planChain(['a', 'b', 'a'])).toThrow(/unique/)
  })

  it('does not modify its input', () => {
    const ids = Object.freeze(['x', 'y', 'z'])
    planChain(ids)
    expect(ids).toEqual(['x', 'y', 'z'])
  })
})
