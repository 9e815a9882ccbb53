// What a session looks like at one moment, for the live view (src/web/):
// plain data copied out of the members, so that nothing outside the
// coordinator holds a Member or its channel. Names, addresses and reasons
// come from the network: whoever shows them must treat them as text.

import type { ErrorCode } from '../errors.js'
import type { Member } from './member.js'
import type { Session } from './session.js'

/** waiting: nodes are joining; running: the plan went out; done: every member finished, the report is being built. */
export type SessionPhase = 'waiting' | 'running' | 'done'

/**
 * A member as a person reads it: `done` split by its verdict, `running` with
 * its read-back challenge out as `proving`, a verified copy whose identity
 * step (join --identity) is still running as `identity`, and one whose step
 * failed as `failed` (its copy stands, but the node is not done: a booted
 * node stays in clone).
 */
export type MemberPhase = 'waiting' | 'running' | 'proving' | 'identity' | 'verified' | 'mismatch' | 'failed'

export interface MemberSnapshot {
  peerId: string
  name: string
  /** Where it connected from (multiaddr). */
  address: string
  target: string
  state: MemberPhase
  /** The peer id of the member that feeds it; absent when the source feeds it or before the plan. */
  upstream?: string
  /** Peer ids of the members it feeds. */
  downstreams: string[]
  /** Chain position and hops from the source, as planned (-1 and 0 before the plan). */
  position: number
  depth: number
  /** Served in the background by its upstream (a straggler moved out of the way). */
  background: boolean
  /** Bytes written and verified, as of its last heartbeat. */
  bytes: number
  restarts: number
  resumedFrom: number
  joinedLate: boolean
  /** Why it failed or did not verify. */
  reason?: string
  code?: ErrorCode
  /** Its identity step, when it asked for one and its copy verified. */
  identity?: 'waiting' | 'set' | 'failed'
}

export interface SessionSnapshot {
  phase: SessionPhase
  imageBytes: number
  blockBytes: number
  /** How many nodes the session waits for (--nodes); absent when unbounded. */
  expectedNodes?: number
  /** Since the plan went out (0 while waiting). */
  elapsedMs: number
  members: MemberSnapshot[]
}

export function snapshotOf (s: Session, facts: { imageBytes: number, expectedNodes: number, elapsedMs: number }): SessionSnapshot {
  return {
    phase: s.ending ? 'done' : s.started ? 'running' : 'waiting',
    imageBytes: facts.imageBytes,
    blockBytes: s.params.blockSize,
    expectedNodes: Number.isFinite(facts.expectedNodes) ? facts.expectedNodes : undefined,
    elapsedMs: s.started ? facts.elapsedMs : 0,
    members: s.all.map(m => memberSnapshot(m, s))
  }
}

function memberSnapshot (m: Member, s: Session): MemberSnapshot {
  const fedByNode = m.upstreamPeer !== '' && m.upstreamPeer !== s.sourcePeer
  return {
    peerId: m.peerId,
    name: m.name,
    address: m.address,
    target: m.targetPath,
    state: phaseOf(m),
    upstream: fedByNode ? m.upstreamPeer : undefined,
    downstreams: [...m.downstreamPeers],
    position: m.position,
    depth: m.depth,
    background: m.background,
    bytes: m.writtenThrough,
    restarts: m.restarts,
    resumedFrom: m.resumedFrom,
    joinedLate: m.joinedLate,
    reason: m.reason ?? (m.identity?.state === 'failed' ? `identity step failed: ${m.identity.reason ?? m.identity.problem ?? 'no reason given'}` : undefined),
    code: m.failCode ?? (m.identity?.state === 'failed' ? 'IDENTITY_FAILED' : undefined),
    identity: m.identity?.state
  }
}

function phaseOf (m: Member): MemberPhase {
  if (m.state === 'done' && m.verified === true) return m.identity?.state === 'waiting' ? 'identity' : m.identity?.state === 'failed' ? 'failed' : 'verified'
  if (m.state === 'done') return 'mismatch'
  if (m.state === 'running' && m.proving !== undefined) return 'proving'
  return m.state
}
