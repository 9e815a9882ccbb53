// The simulator's engine: a block-level, max-plus model of ringcast's data
// plane, driven by the real planners (src/topology) and the real repair rule.
//
// For every block k, in block order, and every node in planned order (an
// upstream always before its downstreams), it computes when things happen,
// following what the code does:
//
//   loopStart(v,k) = max(arrive(v,k), loopDone(v,k-1))
//       the relay loop takes block k once it has all of it and has offered
//       block k-1 to every live downstream (RelayPipeline.run, Forwarder.offer)
//   loopDone(v,k)  = max(loopStart(v,k), credit(c,k) for every live child c)
//       offering waits for the child's credit: it has written block k-W/b
//   credit(c,k)    = written(c, k - W/b) + L          (the ack's trip back)
//   send(v→c,k)    = max(loopStart(v,k), credit(c,k), end(v→c,k-1))
//   end(v→c,k)     = send(v→c,k) + b / rate(v→c)      (the hop's link is serial)
//   arrive(c,k)    = end(v→c,k) + L
//   written(v,k)   = max(loopStart(v,k), written(v,k-1)) + b / disk(v)
//
// The source feeds each head separately (its own stream, as the coordinator
// does). rate(v→c) is the slowest of v's uplink split among its children,
// c's downlink, and the router split among the hops that cross it. A node
// that crashes stops at its failure time; its downstreams are re-parented by
// the repair rule after detection and caught up without pacing their new
// upstream (Forwarder's catch-up), then paced again once level with it. A
// hung node paces its upstream until demoted (no credit for 5 s); the
// upstream reports it, and as its heartbeats are missing too the
// coordinator fails it then (a hung head: after the stall timeout).
//
// Every re-wire decision (detach, who takes an orphan, the straggler test,
// who hosts a straggler, when a hang is detected) is the coordinator's own
// policy, imported from src/topology/rewire.ts with its defaults; this file
// only applies the policy's effects to its arrays.
//
// Cost: one pass over nodes × blocks with typed arrays: a 10,000-node, 20 GB,
// 1 MiB-block scenario is 1.9·10^8 node-blocks.

import { crossingShare, estimate, FORWARD_HOLD_BYTES, uplinkLoads, type Rates } from '../src/topology/estimate.js'
import { plan as planTopology, SOURCE, type ConcreteTopology, type Plan, type PlanNode } from '../src/topology/plan.js'
import { repairParent } from '../src/topology/repair.js'
import { detach, hangDetectedAfterMs, judgeBacklog, pacingHeldMs, relocateStraggler, REWIRE_DEFAULTS, type RewireEffect, type RewirePolicy, type SessionView } from '../src/topology/rewire.js'

export interface SimNode extends PlanNode {
  /** Link rate each way, bytes/s. */
  link: number
  /** Disk write rate, bytes/s (Infinity: never the limit). */
  disk: number
  /** Seconds from the start: the process dies (connections reset at once). */
  crashAt?: number
  /** Seconds from the start: the process stops answering (SIGSTOP-like). */
  hangAt?: number
}

export interface SimConfig {
  imageBytes: number
  blockBytes: number
  /** Credit window, bytes (ringcast's --window; 8 MiB by default). */
  windowBytes: number
  sourceUplink: number
  /** One-way latency per hop, seconds. */
  hopLatency: number
  /** Each subnet's uplink to the router, bytes/s each way (Infinity: never the limit). */
  routerRate?: number
  /** A crash is seen this long after it happens (a reset connection: about one RTT). */
  crashDetect?: number
  /** The coordinator's re-wire: plan messages and the new hop's handshake. */
  rewireDelay?: number
  /**
   * Relays forward a block's pieces as they arrive, holding back only the
   * last FORWARD_HOLD_BYTES until it verifies (production since December
   * 2026; default true). False models store-and-forward, for comparison.
   */
  cutThrough?: boolean
  /**
   * The coordinator's re-wire policy (milliseconds, as in production):
   * REWIRE_DEFAULTS unless a scenario says otherwise, e.g. serve
   * --stall-timeout as stallTimeoutMs, --straggler-after as stragglerAfterMs
   * (0: stragglers are never moved and pace the others).
   */
  policy?: Partial<RewirePolicy>
}

export interface NodeOutcome {
  id: string
  /** Seconds from the start to the node's copy being written (undefined: never). */
  finishedAt?: number
  failed: boolean
  /** Times it was re-parented. */
  rewired: number
}

export interface SimResult {
  plan: Plan
  /** When the last surviving node finished (NaN if none did). */
  seconds: number
  nodes: NodeOutcome[]
  /** The rate model's estimate for the same plan, for comparison. */
  estimateSeconds: number
  /** Node-blocks computed (the work done). */
  steps: number
}

/** The rate model's view of these nodes and this configuration (what `auto` would plan with). */
export function ratesOf (nodes: readonly SimNode[], c: SimConfig): Rates {
  return {
    imageBytes: c.imageBytes,
    blockBytes: c.blockBytes,
    sourceUplink: c.sourceUplink,
    nodeLink: Math.min(...nodes.map(x => x.link)),
    nodeDisk: Math.min(...nodes.map(x => x.disk)),
    hopLatency: c.hopLatency,
    routerRate: c.routerRate,
    perNode: new Map(nodes.map(x => [x.id, { link: x.link, disk: x.disk }]))
  }
}

export function simulate (nodes: readonly SimNode[], topology: ConcreteTopology, config: SimConfig, sourceSubnet?: string): SimResult {
  const p = planTopology(nodes, topology, sourceSubnet)
  return simulatePlan(p, nodes, config, sourceSubnet)
}

export function simulatePlan (p: Plan, nodes: readonly SimNode[], config: SimConfig, sourceSubnet?: string): SimResult {
  const n = p.hops.length
  const b = config.blockBytes
  const blocks = Math.max(1, Math.ceil(config.imageBytes / b))
  const lastBytes = config.imageBytes - (blocks - 1) * b
  const L = config.hopLatency
  const windowBlocks = Math.max(1, Math.floor(config.windowBytes / b))
  const crashDetect = config.crashDetect ?? 2 * L
  const rewireDelay = config.rewireDelay ?? 4 * L
  const policy: RewirePolicy = { ...REWIRE_DEFAULTS, ...config.policy }
  const cutThrough = config.cutThrough ?? true

  // Index nodes in planned order; parent -1 is the source.
  const index = new Map(p.hops.map((h, i) => [h.node, i]))
  const byId = new Map(nodes.map(x => [x.id, x]))
  const info = p.hops.map(h => byId.get(h.node)!)
  const parent = new Int32Array(n)
  p.hops.forEach((h, i) => { parent[i] = h.upstream === SOURCE ? -1 : index.get(h.upstream)! })
  const children: number[][] = Array.from({ length: n }, () => [])
  const sourceChildren: number[] = []
  for (let i = 0; i < n; i++) (parent[i] === -1 ? sourceChildren : children[parent[i]!]!).push(i)

  const disk = Float64Array.from(info, x => x.disk)
  const crashAt = Float64Array.from(info, x => x.crashAt ?? Infinity)
  const hangAt = Float64Array.from(info, x => x.hangAt ?? Infinity)
  const failAt = Float64Array.from(info, (x, i) => Math.min(crashAt[i]!, hangAt[i]!))
  const subnet = info.map(x => x.subnet)
  const routerRate = config.routerRate ?? Infinity

  // Per-edge rate into node i (from its current parent).
  const rate = new Float64Array(n)
  const fromSubnet = (i: number): string | undefined => parent[i] === -1 ? sourceSubnet : subnet[parent[i]!]
  const recomputeRates = (): void => {
    const live: number[] = []
    for (let i = 0; i < n; i++) if (dead[i] !== 1) live.push(i)
    const loads = Number.isFinite(routerRate) ? uplinkLoads(live.map(i => [fromSubnet(i), subnet[i]] as const)) : undefined
    for (let i = 0; i < n; i++) {
      const par = parent[i]!
      const up = par === -1 ? config.sourceUplink / Math.max(1, sourceChildren.length) : info[par]!.link / Math.max(1, children[par]!.length)
      rate[i] = Math.min(up, info[i]!.link, loads === undefined ? Infinity : crossingShare(fromSubnet(i), subnet[i], loads, routerRate))
    }
  }
  // State, per node, for the block being computed (k) and the one before.
  const loopStart = new Float64Array(n) // loopStart(i, k): block k is whole and verified at node i
  const recvStart = new Float64Array(n) // when block k started arriving at node i (cut-through)
  const arrived = new Float64Array(n) // when block k's last byte arrived at node i
  const loopDone = new Float64Array(n) // loopDone(i, k-1): when block k-1 was offered to every live child
  const loopDoneNext = new Float64Array(n) // loopDone(i, k), built up as the children are computed
  const linkFree = new Float64Array(n) // end of the previous block on the hop into i
  const written = new Float64Array(n) // written(i, k-1), then k
  const ring = new Float64Array(n * windowBlocks) // written(i, k - windowBlocks .. k-1)
  const dead = new Uint8Array(n) // 1 once the node has stopped (crash or hang)
  recomputeRates()
  const droppedAt = new Float64Array(n).fill(Infinity) // when its upstream let go of it
  const catchingUp = new Uint8Array(n) // fed without pacing its upstream
  const background = new Uint8Array(n) // a straggler served at its own pace, for good
  const slowSince = new Float64Array(n).fill(NaN) // since when its disk has kept 3/4 of the window waiting
  const rewired = new Uint32Array(n)
  const assigned = new Map<number, RewireEffect<number> & { kind: 'attach' }>() // orphan -> where the policy sends it
  const order = Array.from({ length: n }, (_, i) => i)
  const finishedAt = new Float64Array(n).fill(NaN)
  let steps = 0

  /** Block k may go to node c once c has written block k - W/b and the ack came back. */
  const upstreamOf = (j: number): number | undefined => parent[j] === -1 ? undefined : parent[j]
  /** The session as the policy sees it, with `isGone` saying who is out of it; further along is an earlier loop start. */
  const view = (isGone: (j: number) => boolean): SessionView<number> => ({
    upstreamOf,
    downstreamsOf: j => children[j]!,
    isGone,
    isBackground: j => background[j] === 1,
    progress: j => -loopStart[j]!,
    nodes: order
  })
  const childrenOf = (par: number): number[] => par === -1 ? sourceChildren : children[par]!
  const creditFor = (c: number, k: number): number => k < windowBlocks ? 0 : ring[c * windowBlocks + (k % windowBlocks)]! + L
  /**
   * When `par` can start sending block k on: store-and-forward, once it has
   * the whole block in its loop; cut-through, once its loop is free and the
   * block's header has arrived.
   */
  const forwardFrom = (par: number): number => cutThrough ? Math.max(recvStart[par]! + L, loopDone[par]!) : loopStart[par]!
  /** When the hop into node i from `par` can be through with block k: never before `par` has all of it (cut-through holds back its last piece). */
  const notBefore = (par: number, size: number, r: number): number => cutThrough && par !== -1 ? arrived[par]! + Math.min(size, FORWARD_HOLD_BYTES) / r : 0
  const remove = (list: number[], x: number): void => { const at = list.indexOf(x); if (at >= 0) list.splice(at, 1) }

  for (let k = 0; k < blocks; k++) {
    const size = k === blocks - 1 ? lastBytes : b
    loopDoneNext.fill(0)
    for (let i = 0; i < n; i++) {
      if (dead[i] === 1) continue
      steps++
      let par = parent[i]!
      const credit = creditFor(i, k)
      let send = Math.max(par === -1 ? 0 : forwardFrom(par), credit, linkFree[i]!)
      let end = Math.max(send + size / rate[i]!, notBefore(par, size, rate[i]!))
      // The upstream is gone, or stopped before this block was through: the repair rule's upstream takes over.
      while (par !== -1 && (dead[par] === 1 || end > failAt[par]!)) {
        if (dead[par] === 0) stop(par)
        const repairedAt = droppedAt[par]! + rewireDelay
        par = reparent(i, par)
        send = Math.max(repairedAt, par === -1 ? 0 : forwardFrom(par), credit)
        end = Math.max(send + size / rate[i]!, notBefore(par, size, rate[i]!))
      }
      linkFree[i] = end
      const at = end + L
      recvStart[i] = send
      arrived[i] = at
      if (at > failAt[i]!) { stop(i); continue }
      if (par !== -1 && background[i] === 0) {
        if (catchingUp[i] === 1) {
          // Level with its upstream again: from here it paces it (live).
          if (send <= loopStart[par]! + 1e-9) catchingUp[i] = 0
        } else if (credit > loopDoneNext[par]!) {
          loopDoneNext[par] = credit
        }
      }
      const start = Math.max(at, loopDone[i]!)
      loopStart[i] = start
      const w = Math.max(start, written[i]!) + size / disk[i]!
      written[i] = w
      ring[i * windowBlocks + (k % windowBlocks)] = w
      if (k === blocks - 1) finishedAt[i] = w
      if (policy.stragglerAfterMs > 0 && background[i] === 0) watchBacklog(i, at, start, w)
    }
    for (let i = 0; i < n; i++) loopDone[i] = Math.max(loopStart[i]!, loopDoneNext[i]!)
  }

  /**
   * Bytes waiting for node i's disk once its loop took block k: what the
   * coordinator sees in heartbeats (received by the loop, not yet written).
   */
  function watchBacklog (i: number, at: number, start: number, w: number): void {
    const waiting = w - start > 0 ? (w - start) * disk[i]! : 0
    const since = slowSince[i]!
    const judged = judgeBacklog({ backlogBytes: waiting, windowBytes: config.windowBytes, finished: false, slowSince: Number.isNaN(since) ? undefined : since * 1000, nowMs: at * 1000 }, policy)
    slowSince[i] = judged.slowSince === undefined ? NaN : judged.slowSince / 1000
    if (judged.straggler) relocate(i)
  }

  /** Carry out one of the policy's re-wire effects (attach: `j` is fed by its new upstream from now on). */
  function attach (e: RewireEffect<number> & { kind: 'attach' }): number {
    const j = e.node
    remove(childrenOf(parent[j]!), j)
    parent[j] = e.upstream ?? -1
    childrenOf(parent[j]!).push(j)
    background[j] = e.background ? 1 : 0
    if (!e.background) catchingUp[j] = 1
    rewired[j]++
    return parent[j]!
  }

  /**
   * Move straggler i out of the way, as the coordinator does
   * (relocateStraggler): its children are re-parented as if it had failed,
   * and it goes under the host the policy picks, which serves it in the
   * background.
   */
  function relocate (i: number): void {
    const effects = relocateStraggler(i, view(j => dead[j] === 1))
    for (const e of effects) {
      if (e.kind === 'unlink') remove(childrenOf(parent[e.node]!), e.node)
      else if (e.kind === 'attach') attach(e)
    }
    if (effects.length > 0) recomputeRates()
  }

  /**
   * Node i stopped. A crash resets its connections at once; a hung node
   * paces its upstream until demoted, and is dropped after the stall timeout.
   */
  function stop (i: number): void {
    dead[i] = 1
    const crashed = crashAt[i]! <= hangAt[i]!
    const par = parent[i]!
    // A hung node under a node (not the source) is reported by it once
    // demoted, and failed at once since its heartbeats are missing too.
    const hangDetect = hangDetectedAfterMs(par === -1, policy) / 1000
    droppedAt[i] = failAt[i]! + (crashed ? crashDetect : hangDetect)
    if (par !== -1) {
      const heldUntil = failAt[i]! + pacingHeldMs(policy) / 1000
      if (!crashed && heldUntil > loopDoneNext[par]!) loopDoneNext[par] = heldUntil
      remove(children[par]!, i)
    } else {
      remove(sourceChildren, i)
    }
    recomputeRates()
  }

  /**
   * Node i lost upstream `old`; move it where the repair rule says (decided
   * for all of old's orphans at once). Returns the new upstream (-1: the source).
   * A new upstream later in planned order than i is computed one block late
   * for i (it has not reached block k yet in this pass): a one-block error.
   */
  function reparent (i: number, old: number): number {
    if (!assigned.has(i)) {
      for (const e of detach(old, view(j => j === old || dead[j] === 1 || failAt[j]! <= droppedAt[old]!))) {
        if (e.kind === 'attach') assigned.set(e.node, e)
      }
    }
    const e = assigned.get(i) ?? { kind: 'attach', node: i, upstream: repairParent(old, upstreamOf, j => dead[j] === 1), background: background[i] === 1 }
    assigned.delete(i)
    const next = attach(e)
    recomputeRates()
    return next
  }

  const outcomes: NodeOutcome[] = p.hops.map((h, i) => ({
    id: h.node,
    // A node that stopped after writing its last block still has its copy.
    finishedAt: Number.isNaN(finishedAt[i]!) || finishedAt[i]! > failAt[i]! ? undefined : finishedAt[i]!,
    failed: dead[i] === 1 && !(finishedAt[i]! <= failAt[i]!),
    rewired: rewired[i]!
  }))
  const done = outcomes.filter(o => o.finishedAt !== undefined).map(o => o.finishedAt!)
  return {
    plan: p,
    seconds: done.length === 0 ? NaN : done.reduce((a, x) => Math.max(a, x), 0),
    nodes: outcomes,
    estimateSeconds: estimate(p, ratesOf(info, config), nodes, sourceSubnet).seconds,
    steps
  }
}
