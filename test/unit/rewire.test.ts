// The re-wire policy (src/topology/rewire.ts): the decisions the coordinator
// carries out and the simulator models, on small hand-built sessions.

import { describe, expect, it } from 'vitest'
import { bypassBrokenHop, detach, hangDetectedAfterMs, judgeBacklog, judgeSilence, judgeStalledDownstream, pacingHeldMs, relocateStraggler, REWIRE_DEFAULTS, spliceLateJoiner, type SessionView } from '../../src/topology/rewire.js'

interface Node { up?: string, gone?: boolean, background?: boolean, progress?: number }

/** A session from `{ id: { up, gone, background, progress } }`, in key order; no `up` is the source. */
function session (nodes: Record<string, Node>): SessionView<string> {
  const ids = Object.keys(nodes)
  return {
    upstreamOf: id => nodes[id]?.up,
    downstreamsOf: id => ids.filter(d => nodes[d]!.up === id),
    isGone: id => nodes[id]?.gone === true,
    isBackground: id => nodes[id]?.background === true,
    progress: id => nodes[id]?.progress ?? 0,
    nodes: ids
  }
}

const attach = (node: string, upstream: string | undefined, background = false): object => ({ kind: 'attach', node, upstream, background })

describe('detach', () => {
  it('splices a dead chain node out: its downstream goes to its upstream', () => {
    const s = session({ a: {}, b: { up: 'a', gone: true }, c: { up: 'b' }, d: { up: 'c' } })
    expect(detach('b', s)).toEqual([{ kind: 'unlink', node: 'b' }, attach('c', 'a')])
  })

  it('sends the orphans of a dead head to the source', () => {
    const s = session({ a: { gone: true }, b: { up: 'a' } })
    expect(detach('a', s)).toEqual([{ kind: 'unlink', node: 'a' }, attach('b', undefined)])
  })

  it('skips dead ancestors: two adjacent deaths splice past both', () => {
    const s = session({ a: {}, b: { up: 'a', gone: true }, c: { up: 'b', gone: true }, d: { up: 'c' } })
    expect(detach('c', s)).toContainEqual(attach('d', 'a'))
  })

  // Regression: a straggler served in the background by a node that died was
  // dropped by the repair rule (it counted as gone) and left without an upstream.
  it('gives a background straggler whose host died a new host', () => {
    const s = session({ a: { progress: 5 }, b: { up: 'a', progress: 9 }, c: { up: 'b', gone: true }, s: { up: 'c', background: true } })
    expect(detach('c', s)).toEqual([{ kind: 'unlink', node: 'c' }, attach('s', 'b', true)])
  })

  // Regression (review): with no live leaf, a background orphan was put under
  // its own background downstream, a loop that nothing fed.
  it('never hosts a background orphan below itself', () => {
    const s = session({ a: {}, e: { up: 'a', gone: true }, x: { up: 'a', gone: true }, b: { up: 'x', background: true }, c: { up: 'b', background: true } })
    expect(detach('x', s)).toContainEqual(attach('b', undefined, true))
  })

  it('never lets a live orphan be fed by a background straggler', () => {
    const s = session({ a: {}, x: { up: 'a', gone: true }, o1: { up: 'x' }, o2: { up: 'x' }, st: { up: 'a', background: true } })
    const effects = detach('x', s)
    expect(effects).toContainEqual(attach('o1', 'a'))
    expect(effects.some(e => e.kind === 'attach' && e.upstream === 'st')).toBe(false)
  })
})

describe('relocateStraggler', () => {
  it('moves a chain\'s straggler under the tail furthest along, and splices around it', () => {
    const s = session({ a: { progress: 10 }, st: { up: 'a', progress: 3 }, c: { up: 'st', progress: 2 }, d: { up: 'c', progress: 1 } })
    expect(relocateStraggler('st', s)).toEqual([{ kind: 'unlink', node: 'st' }, attach('c', 'a'), attach('st', 'd', true)])
  })

  it('a tail straggler goes back under its own upstream, now a leaf, in the background', () => {
    const s = session({ a: { progress: 10 }, b: { up: 'a', progress: 9 }, st: { up: 'b', progress: 1 } })
    expect(relocateStraggler('st', s)).toEqual([{ kind: 'unlink', node: 'st' }, attach('st', 'b', true)])
  })

  it('prefers a live leaf to one that is itself a background straggler', () => {
    const s = session({ a: { progress: 10 }, l: { up: 'a', progress: 1 }, old: { up: 'a', background: true, progress: 99 }, st: { up: 'l' } })
    expect(relocateStraggler('st', s).at(-1)).toEqual(attach('st', 'l', true))
  })

  // Regression (CI, Node 24): a fast node taken for a straggler on a shared
  // disk went under the real straggler, the only leaf, and finished at its pace.
  it('never puts a straggler under one that is behind it: a live tail that serves stragglers hosts it', () => {
    const s = session({ a: { progress: 10 }, b: { up: 'a', progress: 9 }, c: { up: 'b', progress: 8 }, slow: { up: 'c', background: true, progress: 1 } })
    expect(relocateStraggler('b', s)).toEqual([{ kind: 'unlink', node: 'b' }, attach('c', 'a'), attach('b', 'c', true)])
  })

  it('chains stragglers behind one that is ahead, sparing the live tail\'s uplink', () => {
    const s = session({ a: { progress: 10 }, b: { up: 'a', progress: 2 }, c: { up: 'b', progress: 1 }, slow: { up: 'c', background: true, progress: 5 } })
    expect(relocateStraggler('b', s).at(-1)).toEqual(attach('b', 'slow', true))
  })

  // Regression (rss-bench, 3 nodes on one disk): the head, serving both
  // other nodes as stragglers, became one too; its two orphans were given
  // each other as hosts, a loop nothing fed, and the session hung.
  it('never makes two background orphans host each other', () => {
    const s = session({ n1: { progress: 5 }, n2: { up: 'n1', background: true, progress: 3 }, n3: { up: 'n1', background: true, progress: 2 } })
    const effects = relocateStraggler('n1', s)
    const upstream = new Map(Object.entries({ n1: undefined, n2: 'n1', n3: 'n1' }))
    for (const e of effects) if (e.kind === 'attach') upstream.set(e.node, e.upstream)
    for (const start of upstream.keys()) {
      const seen = new Set<string>()
      for (let at: string | undefined = start; at !== undefined; at = upstream.get(at)) {
        expect(seen.has(at), `${start} is fed through a loop: ${JSON.stringify(effects)}`).toBe(false)
        seen.add(at)
      }
    }
  })

  it('does nothing when no other node is running', () => {
    expect(relocateStraggler('st', session({ st: {}, x: { gone: true } }))).toEqual([])
  })
})

// Whatever the order of straggler moves and deaths, every running node stays
// fed from the source: no loops, no live node fed by a straggler.
describe('re-wiring sequences', () => {
  /** A small deterministic generator (the same sequences on every run). */
  const random = (seed: number): (() => number) => () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31 }

  it('keeps every running node fed from the source over 2,000 random sequences', () => {
    for (let run = 0; run < 2000; run++) {
      const next = random(run + 1)
      const count = 2 + Math.floor(next() * 6)
      const nodes: Record<string, Node> = {}
      for (let i = 0; i < count; i++) nodes[`n${i}`] = { up: i === 0 ? undefined : `n${Math.floor(next() * i)}`, progress: Math.floor(next() * 100) }
      const history: string[] = []
      for (let step = 0; step < 8; step++) {
        const running = Object.keys(nodes).filter(n => nodes[n]!.gone !== true)
        const victim = running[Math.floor(next() * running.length)]
        if (victim === undefined) break
        const dies = next() < 0.3
        history.push(`${dies ? 'fail' : 'straggle'} ${victim}`)
        if (dies) nodes[victim]!.gone = true
        const effects = dies ? detach(victim, session(nodes)) : relocateStraggler(victim, session(nodes))
        for (const e of effects) {
          if (e.kind === 'attach') Object.assign(nodes[e.node]!, { up: e.upstream, background: e.background })
          else if (e.kind === 'unlink') nodes[e.node]!.up = undefined
        }
        for (const [id, n] of Object.entries(nodes)) {
          if (n.gone === true) continue
          const path: string[] = []
          for (let at: string | undefined = id; at !== undefined; at = nodes[at]!.up) {
            const why = `${history.join(', ')}: ${id} via ${path.join(' <- ')}`
            expect(path.includes(at), `loop: ${why}`).toBe(false)
            if (at !== id) expect(nodes[at]!.gone, `fed by a dead node: ${why}`).not.toBe(true)
            if (at !== id && n.background !== true) expect(nodes[at]!.background, `a live node fed by a straggler: ${why}`).not.toBe(true)
            path.push(at)
          }
        }
      }
    }
  })
})

describe('spliceLateJoiner and bypassBrokenHop', () => {
  it('puts a late joiner behind the live tail furthest along, never behind a straggler', () => {
    const s = session({ a: { progress: 9 }, t1: { up: 'a', progress: 5 }, t2: { up: 'a', progress: 7 }, st: { up: 't1', background: true, progress: 1 }, j: {} })
    expect(spliceLateJoiner('j', s)).toEqual(attach('j', 't2'))
  })

  it('feeds a late joiner from the source when no tail runs', () => {
    expect(spliceLateJoiner('j', session({ a: { gone: true }, j: {} }))).toEqual(attach('j', undefined))
  })

  it('has the source feed a node its upstream cannot reach', () => {
    expect(bypassBrokenHop('n', session({ n: {} }))).toEqual(attach('n', undefined))
    expect(bypassBrokenHop('s', session({ s: { background: true } }))).toEqual(attach('s', undefined, true))
  })
})

describe('judgements', () => {
  const policy = REWIRE_DEFAULTS
  const w = 8_388_608

  it('calls a node a straggler only after its backlog stayed high for stragglerAfterMs', () => {
    const high = 0.8 * w
    let v = judgeBacklog({ backlogBytes: high, windowBytes: w, finished: false, slowSince: undefined, nowMs: 1000 }, policy)
    expect(v).toEqual({ slowSince: 1000, straggler: false })
    v = judgeBacklog({ backlogBytes: high, windowBytes: w, finished: false, slowSince: v.slowSince, nowMs: 1000 + policy.stragglerAfterMs }, policy)
    expect(v.straggler).toBe(true)
    // A dip below the threshold starts the count again.
    expect(judgeBacklog({ backlogBytes: 0.7 * w, windowBytes: w, finished: false, slowSince: 1000, nowMs: 9000 }, policy)).toEqual({ slowSince: undefined, straggler: false })
    // Finished nodes and a policy that never moves stragglers.
    expect(judgeBacklog({ backlogBytes: w, windowBytes: w, finished: true, slowSince: 0, nowMs: 1e9 }, policy).straggler).toBe(false)
    expect(judgeBacklog({ backlogBytes: w, windowBytes: w, finished: false, slowSince: 0, nowMs: 1e9 }, { ...policy, stragglerAfterMs: 0 }).straggler).toBe(false)
  })

  it('fails a reported downstream as hung only when its own heartbeats are missing too', () => {
    expect(judgeStalledDownstream('n', policy.hungSilenceMs - 1, policy)).toBeUndefined()
    expect(judgeStalledDownstream('n', policy.hungSilenceMs, policy, 'up-1')).toMatchObject({ kind: 'fail', code: 'STALLED', reason: expect.stringMatching(/no credit to up-1 for 5 s \(hung\)/) })
  })

  it('fails a silent node after the stall timeout, not before', () => {
    expect(judgeSilence('n', policy.stallTimeoutMs, policy)).toBeUndefined()
    expect(judgeSilence('n', policy.stallTimeoutMs + 1, policy)).toMatchObject({ kind: 'fail', code: 'STALLED' })
  })

  it('models detection as the rules above give it', () => {
    expect(hangDetectedAfterMs(true, policy)).toBe(policy.stallTimeoutMs)
    expect(hangDetectedAfterMs(false, policy)).toBe(policy.demoteAfterMs + policy.heartbeatIntervalMs)
    expect(hangDetectedAfterMs(false, { ...policy, stallTimeoutMs: 2_000 })).toBe(2_000)
    expect(pacingHeldMs(policy)).toBe(policy.demoteAfterMs)
  })
})
