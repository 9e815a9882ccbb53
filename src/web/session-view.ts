// What the live view shows, made from the coordinator's successive
// snapshots (pure: snapshots and clock times in, views and events out).
// Rates come from the difference between snapshots over a short window;
// failures are the members whose state turned failed (or mismatch) since
// the last snapshot, so the coordinator needs no hook for them.

import type { MemberSnapshot, SessionPhase, SessionSnapshot } from '../coordinator/snapshot.js'

export interface NodeView extends MemberSnapshot {
  /** Bytes written per second over the last rateWindowMs (0 unless running). */
  bytesPerSecond: number
  /** The name of the member that feeds it (absent: the source, or no plan yet). */
  upstreamName?: string
}

export interface Overall {
  nodes: number
  waiting: number
  /** Running or proving their copy. */
  running: number
  verified: number
  /** Failed or not verified. */
  failed: number
  /** Bytes written by the nodes that have not failed, and what they must write in all. */
  bytesWritten: number
  bytesWanted: number
  bytesPerSecond: number
}

export interface LiveSnapshot {
  phase: SessionPhase
  imageBytes: number
  blockBytes: number
  expectedNodes?: number
  elapsedMs: number
  nodes: NodeView[]
  overall: Overall
}

export interface FailureEvent {
  peerId: string
  name: string
  state: 'failed' | 'mismatch'
  code?: string
  reason: string
  /** What it had written when it failed. */
  bytes: number
  /** Since the session started. */
  elapsedMs: number
}

export interface SessionViewLimits {
  /** Rates are averaged over this long: long enough to smooth 500 ms heartbeats, short enough to show a stall. */
  rateWindowMs: number
  /** Failures kept for clients that connect later (the newest). */
  maxFailures: number
}

interface Sample { atMs: number, bytes: number }

/** Samples kept per node at most, whatever the poll rate. */
const MAX_SAMPLES = 32

export class SessionView {
  private readonly samples = new Map<string, Sample[]>()
  /** peerId/restarts of every failure already announced (a restarted node can fail again). */
  private readonly announced = new Set<string>()
  private readonly failureLog: FailureEvent[] = []

  constructor (private readonly limits: SessionViewLimits) {}

  /** The failures announced so far, oldest first (at most maxFailures). */
  get failures (): readonly FailureEvent[] { return this.failureLog }

  update (s: SessionSnapshot, nowMs: number): { view: LiveSnapshot, failures: FailureEvent[] } {
    const names = new Map(s.members.map(m => [m.peerId, m.name]))
    const nodes = s.members.map((m): NodeView => ({
      ...m,
      bytesPerSecond: this.rateOf(m, nowMs),
      upstreamName: m.upstream === undefined ? undefined : names.get(m.upstream)
    }))
    for (const peer of this.samples.keys()) if (!names.has(peer)) this.samples.delete(peer)
    const fresh: FailureEvent[] = []
    for (const m of s.members) {
      if (m.state !== 'failed' && m.state !== 'mismatch') continue
      const key = `${m.peerId}/${m.restarts}`
      if (this.announced.has(key)) continue
      this.announced.add(key)
      fresh.push({ peerId: m.peerId, name: m.name, state: m.state, code: m.code, reason: m.reason ?? '', bytes: m.bytes, elapsedMs: s.elapsedMs })
    }
    this.failureLog.push(...fresh)
    if (this.failureLog.length > this.limits.maxFailures) this.failureLog.splice(0, this.failureLog.length - this.limits.maxFailures)
    return { view: { phase: s.phase, imageBytes: s.imageBytes, blockBytes: s.blockBytes, expectedNodes: s.expectedNodes, elapsedMs: s.elapsedMs, nodes, overall: overallOf(nodes, s.imageBytes) }, failures: fresh }
  }

  private rateOf (m: MemberSnapshot, nowMs: number): number {
    let samples = this.samples.get(m.peerId)
    // A restarted node starts its count again: so do we.
    if (samples === undefined || (samples.length > 0 && m.bytes < samples.at(-1)!.bytes)) {
      samples = []
      this.samples.set(m.peerId, samples)
    }
    samples.push({ atMs: nowMs, bytes: m.bytes })
    // Keep one sample at or before the window's start, so the window is covered whole.
    while (samples.length > 2 && (samples[1]!.atMs <= nowMs - this.limits.rateWindowMs || samples.length > MAX_SAMPLES)) samples.shift()
    if (m.state !== 'running') return 0
    const first = samples[0]!
    const dt = nowMs - first.atMs
    return dt > 0 ? Math.max(0, (m.bytes - first.bytes) * 1000 / dt) : 0
  }
}

function overallOf (nodes: NodeView[], imageBytes: number): Overall {
  const count = (states: string[]): number => nodes.filter(n => states.includes(n.state)).length
  const alive = nodes.filter(n => n.state !== 'failed' && n.state !== 'mismatch')
  return {
    nodes: nodes.length,
    waiting: count(['waiting']),
    running: count(['running', 'proving', 'identity']),
    verified: count(['verified']),
    failed: count(['failed', 'mismatch']),
    bytesWritten: alive.reduce((sum, n) => sum + Math.min(n.bytes, imageBytes), 0),
    bytesWanted: alive.length * imageBytes,
    bytesPerSecond: nodes.reduce((sum, n) => sum + n.bytesPerSecond, 0)
  }
}
