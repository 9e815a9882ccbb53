// What the coordinator knows about one admitted node.

import type { ErrorCode } from '../errors.js'
import type { Channel } from '../net/channel.js'
import type { BlockSender } from '../relay/block-sender.js'
import type { ReadBackChallenge } from '../relay/read-back.js'

export type MemberState = 'waiting' | 'running' | 'done' | 'failed'

export interface Member {
  peerId: string
  name: string
  /** Where the node connected from (multiaddr), for the report. */
  address: string
  /** Its subnet, from the address it connected from and the prefix it reported (nodeSubnet). */
  subnet?: string
  /** Its link rate as it reported it (TCP goodput, bytes/s), for `auto`; undefined if it did not say. */
  linkBytesPerSecond?: number
  /** Where its upstream should dial it, best first (libp2p multiaddrs). */
  dialAddrs: string[]
  /** Hosts of those addresses and the port of its data-plane server (0: none), for direct block streams. */
  dataHosts: string[]
  dataPort: number
  /** The key of the hop into it from its upstream in force (made anew when the upstream changes). */
  hop?: { id: string, key: Uint8Array, upstream: string }
  targetPath: string
  channel: Channel
  state: MemberState
  position: number
  writtenThrough: number
  /** Payload bytes received by the node's current run. */
  bytesReceived: number
  /** Where the node's current run started (more than 0 after a resume). */
  resumedFrom: number
  /** Joined after the session started. */
  joinedLate: boolean
  /** How many times it came back (same identity) after failing. */
  restarts: number
  /** What it had written before its last restart, as far as we heard. */
  hadBeforeRestart?: number
  firstJoinedAt: number
  /** Clock time of the last control message (heartbeats come every 500 ms). */
  lastHeardAt: number
  /** Who feeds it now: a node's peer id, or the coordinator's own. */
  upstreamPeer: string
  /** Whom it feeds now (none for a tail or leaf, one in a chain, up to K in a tree). */
  downstreamPeers: string[]
  /** Hops from the source, as planned (1: fed by the source). */
  depth: number
  /** Served by its upstream in the background: a straggler moved out of the way. */
  background: boolean
  /** Since when its disk has kept most of the credit window waiting (straggler detection). */
  slowSince?: number
  /** Payload it has received but not yet written, as of its last heartbeat. */
  unwrittenBytes: number
  /** The coordinator's block stream into this node, while it feeds it. */
  feed?: BlockSender
  /** Sent Done; its read-back challenge is out (the node stays running until it answers). */
  proving?: { challenge: ReadBackChallenge, expected: Promise<Uint8Array[]>, deadline: number }
  /** The node re-read its whole target after the final fsync (join --verify-readback). */
  readBack?: boolean
  /** The coordinator is re-reading a block this node says the source sent wrong. */
  checkingSource?: boolean
  /** Its Join asked for the identity step (join --identity): after a verified Verdict it is finished only with its IdentityDone. */
  wantsIdentity?: boolean
  /** That step, once its verified Verdict went out (identity-steps.ts). */
  identity?: IdentityStepState
  /** Outcome fields, set when the node finishes or fails. */
  digest?: Uint8Array
  verified?: boolean
  reason?: string
  failCode?: ErrorCode
  finishedAt?: number
  elapsedMs?: number
  peakRssBytes?: number
  peakInflightBytes?: number
}

/**
 * waiting: its Verdict (with its identity) is out, its IdentityDone is not in
 * by `deadline`; set / failed: recorded, with why not. `problem`: the
 * coordinator could not give it its identity (the step fails whatever the
 * node says).
 */
export interface IdentityStepState {
  state: 'waiting' | 'set' | 'failed'
  deadline: number
  reason?: string
  problem?: string
}

export const isFinished = (m: Member): boolean => m.state === 'done' || m.state === 'failed'

/** Finished, and no identity step outstanding: the session may end without it. */
export const isSettled = (m: Member): boolean => isFinished(m) && m.identity?.state !== 'waiting'
