// The re-wire policy: every decision about the topology taken during a run,
// as pure functions of the session's structure. The coordinator carries the
// effects out (plans, feeds, failures); the simulator (simulations/engine.ts)
// applies the very same effects to its model. Nothing here knows about
// streams, members or time sources: time comes in as numbers.
//
//   dead or hung node:   U --> X --> N           U --> N        (detach)
//   straggler S:         U --> S --> N     =>    U --> N --> ... --> leaf ~~> S
//                                                (~~>: served in the background)
//   late joiner J:       ... --> tail              ... --> tail --> J
//
// Who takes an orphan is the repair rule (repair.ts); who hosts a straggler
// or a late joiner is decided here.

import { repairOrphans, type TreeView } from './repair.js'

/** The policy's knobs, with the defaults the coordinator, the agent and the simulator share. */
export interface RewirePolicy {
  /** Nodes send a heartbeat (Progress) this often. */
  heartbeatIntervalMs: number
  /** A running node silent this long is failed (serve --stall-timeout). */
  stallTimeoutMs: number
  /** A live downstream that gives no credit this long is served in the background (and reported). */
  demoteAfterMs: number
  /** A reported (demoted) downstream whose own heartbeats have been missing this long is hung. */
  hungSilenceMs: number
  /** A node whose disk keeps the window this full for this long is a straggler (0: never; serve --straggler-after). */
  stragglerAfterMs: number
  /** ...where "this full" is this fraction of the credit window waiting for its disk. */
  stragglerBacklogFraction: number
}

export const REWIRE_DEFAULTS: Readonly<RewirePolicy> = {
  // Twice a second: a hang is seen within a second of the rule's thresholds.
  heartbeatIntervalMs: 500,
  // A hung node is caught in seconds, a busy one is not flagged by GC pauses.
  stallTimeoutMs: 30_000,
  // Long enough that a journal commit or a GC pause on the downstream does not demote it.
  demoteAfterMs: 5_000,
  // Six missed heartbeats: not a scheduling hiccup on a loaded machine.
  hungSilenceMs: 3_000,
  // Long enough that a burst of slow writes (a journal commit, a GC pause) is not a straggler.
  stragglerAfterMs: 5_000,
  // Under credits every node runs at the pace of the slowest, so rate cannot
  // tell the straggler; a disk that keeps most of the window waiting can.
  stragglerBacklogFraction: 0.75
}

/** What the policy needs to see of the session: the tree, plus who is in the background and how far each is. */
export interface SessionView<T> extends TreeView<T> {
  /** Served in the background: a straggler moved out of the way. It never feeds a live node. */
  isBackground: (node: T) => boolean
  /** How far along a node is; any measure that grows with progress (bytes written). */
  progress: (node: T) => number
}

/**
 * What the coordinator (or the simulator) must do. `upstream` undefined is
 * the source. Plans must reach a node before its new upstream dials it.
 */
export type RewireEffect<T> =
  /** `node` is fed by `upstream` from now on (it leaves its old upstream); in the background if so marked. */
  | { kind: 'attach', node: T, upstream: T | undefined, background: boolean }
  /** `node` leaves the structure: its upstream stops feeding it. */
  | { kind: 'unlink', node: T }
  /** Fail `node`, with this code and sentence in the report. */
  | { kind: 'fail', node: T, code: 'STALLED', reason: string }

/**
 * Take `node` out of the structure (it failed, or is a straggler being
 * moved), keeping the others going (invariant 4): its live orphans go where
 * the repair rule says (in a chain: to its upstream, the splice); orphans
 * served in the background (stragglers) go to another host. `node` itself
 * must already count as gone or background in `view`.
 */
export function detach<T> (node: T, view: SessionView<T>): Array<RewireEffect<T>> {
  const effects: Array<RewireEffect<T>> = [{ kind: 'unlink', node }]
  const tree = liveTree(view, node)
  for (const [orphan, upstream] of repairOrphans(node, tree)) effects.push({ kind: 'attach', node: orphan, upstream, background: false })
  for (const orphan of view.downstreamsOf(node)) {
    if (view.isGone(orphan) || !view.isBackground(orphan) || view.upstreamOf(orphan) !== node) continue
    // The view with every move so far, the last orphan's too: two orphans
    // must not host each other, a loop nothing feeds (found by rss-bench,
    // a 4 GiB session whose head became a straggler hung).
    const host = backgroundHost(orphan, withEffects(view, effects))
    effects.push({ kind: 'attach', node: orphan, upstream: host, background: true })
  }
  return effects
}

/**
 * Move straggler `s` out of the way: detached as if it had failed, then
 * served in the background (see backgroundHost for by whom). Nothing to do
 * when no other node is running.
 */
export function relocateStraggler<T> (s: T, view: SessionView<T>): Array<RewireEffect<T>> {
  if (!view.nodes.some(n => n !== s && !view.isGone(n))) return []
  const asMoved: SessionView<T> = { ...view, isBackground: n => n === s || view.isBackground(n) }
  const effects = detach(s, asMoved)
  effects.push({ kind: 'attach', node: s, upstream: backgroundHost(s, withEffects(asMoved, effects)), background: true })
  return effects
}

/**
 * Where a node that joins mid-session goes (late, or back after a restart):
 * behind the running tail furthest along, which serves it what it lacks and
 * then the live stream; without one, the source feeds it. A straggler in the
 * background is never a tail: it would pace whoever it fed.
 */
export function spliceLateJoiner<T> (joiner: T, view: SessionView<T>): RewireEffect<T> {
  const tails = view.nodes.filter(n => n !== joiner && !view.isGone(n) && !view.isBackground(n) && view.downstreamsOf(n).length === 0)
  return { kind: 'attach', node: joiner, upstream: furthest(tails, view), background: false }
}

/** `down`'s upstream cannot feed it (unreachable, or the catch-up broke): the source feeds it, in the background if it was. */
export function bypassBrokenHop<T> (down: T, view: SessionView<T>): RewireEffect<T> {
  return { kind: 'attach', node: down, upstream: undefined, background: view.isBackground(down) }
}

/**
 * Straggler test on one heartbeat: `backlogBytes` received but not yet
 * written. Returns since when the node has been slow (undefined: it is not)
 * and whether it has been slow long enough to be moved.
 */
export function judgeBacklog (args: { backlogBytes: number, windowBytes: number, finished: boolean, slowSince: number | undefined, nowMs: number }, policy: RewirePolicy): { slowSince: number | undefined, straggler: boolean } {
  if (policy.stragglerAfterMs === 0 || args.finished || args.backlogBytes < policy.stragglerBacklogFraction * args.windowBytes) {
    return { slowSince: undefined, straggler: false }
  }
  const slowSince = args.slowSince ?? args.nowMs
  return { slowSince, straggler: args.nowMs - slowSince >= policy.stragglerAfterMs }
}

/**
 * The upstream reported that `node` gave it no credit for demoteAfterMs. If
 * `node` has been silent this long as well, it is hung: fail it now rather
 * than after the whole stall timeout. One that still heartbeats is slow, not
 * hung: judgeBacklog deals with it.
 */
export function judgeStalledDownstream<T> (node: T, silentMs: number, policy: RewirePolicy, upstreamName = 'its upstream'): RewireEffect<T> | undefined {
  if (silentMs < policy.hungSilenceMs) return undefined
  return { kind: 'fail', node, code: 'STALLED', reason: `no heartbeat for ${(silentMs / 1000).toFixed(1)} s and no credit to ${upstreamName} for ${policy.demoteAfterMs / 1000} s (hung)` }
}

/**
 * A running node's heartbeats: silent past the stall timeout, it is failed.
 * Heartbeats, not progress: a node starved behind a dead one still talks,
 * while a hung (SIGSTOPped, frozen, unplugged) one does not.
 */
export function judgeSilence<T> (node: T, silentMs: number, policy: RewirePolicy): RewireEffect<T> | undefined {
  if (silentMs <= policy.stallTimeoutMs) return undefined
  return { kind: 'fail', node, code: 'STALLED', reason: `no heartbeat for ${Math.round(silentMs / 1000)} s (hung, frozen or unplugged)` }
}

/**
 * How long after a node hangs the rules above fail it: under another node,
 * once its upstream demoted it and said so in a heartbeat (its own are
 * missing by then); under the source, whose feed does not demote, after the
 * stall timeout. What the simulator uses to model detection.
 */
export function hangDetectedAfterMs (fedBySource: boolean, policy: RewirePolicy): number {
  if (fedBySource) return policy.stallTimeoutMs
  return Math.min(policy.stallTimeoutMs, Math.max(policy.demoteAfterMs, policy.hungSilenceMs) + policy.heartbeatIntervalMs)
}

/** How long a hung node holds back the upstream that waits for its credit. */
export function pacingHeldMs (policy: RewirePolicy): number {
  return Math.min(policy.demoteAfterMs, policy.stallTimeoutMs)
}

// ------------------------------------------------------------------ helpers

/** The tree the repair rule sees: background nodes never feed live ones, and `lost` is gone. */
function liveTree<T> (view: SessionView<T>, lost: T): TreeView<T> {
  return {
    upstreamOf: view.upstreamOf,
    downstreamsOf: n => view.downstreamsOf(n).filter(d => view.upstreamOf(d) === n),
    isGone: n => n === lost || view.isGone(n) || view.isBackground(n),
    nodes: view.nodes
  }
}

/**
 * Who serves a background node (a straggler), best first, the one furthest
 * along within each rank; undefined: the source. Never one below `node`
 * itself (a loop that nothing feeds).
 *   1. a live leaf: its uplink is idle;
 *   2. a straggler that is a leaf and ahead of `node`: stragglers form a
 *      chain of their own, none pacing the rest, and none splitting a live
 *      node's uplink many ways;
 *   3. a live node that feeds only stragglers (it shares its uplink);
 *   4. any straggler that is a leaf.
 * Rank 2 asks "ahead": a node taken for a straggler by mistake (on a disk
 * the whole chain shares, the busiest node's window is full too) must not be
 * held to a real straggler's pace. Seen in CI: a fast node put under an
 * 8 MB/s one finished with it, at 2.2x the others' time.
 */
function backgroundHost<T> (node: T, view: SessionView<T>): T | undefined {
  const candidates = view.nodes.filter(n => n !== node && !view.isGone(n) && !below(n, node, view))
  const leaves = candidates.filter(n => view.downstreamsOf(n).every(d => d === node))
  const servingStragglersOnly = candidates.filter(n => !view.isBackground(n) && view.downstreamsOf(n).every(d => d === node || view.isBackground(d)))
  const ranks = [
    leaves.filter(n => !view.isBackground(n)),
    leaves.filter(n => view.isBackground(n) && view.progress(n) > view.progress(node)),
    servingStragglersOnly,
    leaves
  ]
  for (const rank of ranks) if (rank.length > 0) return furthest(rank, view)
  return undefined
}

/** Whether `n` is in `ancestor`'s subtree (following upstreams). */
function below<T> (n: T, ancestor: T, view: SessionView<T>): boolean {
  const seen = new Set<T>()
  for (let at = view.upstreamOf(n); at !== undefined && !seen.has(at); at = view.upstreamOf(at)) {
    if (at === ancestor) return true
    seen.add(at)
  }
  return false
}

function furthest<T> (candidates: T[], view: SessionView<T>): T | undefined {
  let best: T | undefined
  for (const n of candidates) if (best === undefined || view.progress(n) > view.progress(best)) best = n
  return best
}

/** `view` as it will be once `effects` are carried out (for choices that follow a detach). */
function withEffects<T> (view: SessionView<T>, effects: ReadonlyArray<RewireEffect<T>>): SessionView<T> {
  const upstream = new Map<T, T | undefined>()
  const gone = new Set<T>()
  for (const e of effects) {
    if (e.kind === 'attach') upstream.set(e.node, e.upstream)
    else if (e.kind === 'unlink') { upstream.set(e.node, undefined); gone.add(e.node) }
  }
  const upstreamOf = (n: T): T | undefined => upstream.has(n) ? upstream.get(n) : view.upstreamOf(n)
  return {
    ...view,
    upstreamOf,
    downstreamsOf: n => {
      const kept = view.downstreamsOf(n).filter(d => !upstream.has(d))
      for (const [d, up] of upstream) if (up === n && !gone.has(d)) kept.push(d)
      return kept
    }
  }
}
