// Admission: whether a Join is let in (invariant 7: only token holders of
// the right version, never past the session's size, never a target smaller
// than the image), and the Member a let-in Join becomes.

import { createHash, timingSafeEqual } from 'node:crypto'
import type { ErrorCode } from '../errors.js'
import type { Channel } from '../net/channel.js'
import { dialCandidates, multiaddrHost } from '../net/control-stream.js'
import { short } from '../relay/block-sender.js'
import { nodeLinkBytesPerSecond, nodeSubnet } from '../topology/node-network.js'
import { printable, type Join } from '../wire/messages.js'
import { PROTOCOL_VERSION } from '../wire/protocol.js'
import { isFinished, type Member } from './member.js'
import type { Session } from './session.js'

export interface Refusal { code: ErrorCode, reason: string }

/** Why `join` (from `peer`) is refused, or undefined to admit it. */
export function checkJoin (join: Join, peer: string, session: Session, limits: { nodes: number, token: string }): Refusal | undefined {
  if (join.protocolVersion !== PROTOCOL_VERSION) {
    return { code: 'VERSION', reason: `node speaks ringcast protocol ${join.protocolVersion}, this coordinator speaks ${PROTOCOL_VERSION}; run the same ringcast version on both` }
  }
  if (!tokensMatch(join.token, limits.token)) return { code: 'BAD_TOKEN', reason: 'wrong session token' }
  if (session.ending) return { code: 'REFUSED', reason: 'the session is over' }
  const previous = session.get(peer)
  if (previous !== undefined) {
    // Before the start a second Join with one identity is a mistake; after it, a restart.
    if (!session.started) return { code: 'REFUSED', reason: 'a node with this identity has already joined' }
    if (previous.state === 'done') return { code: 'REFUSED', reason: 'this node already finished its copy in this session' }
  } else {
    const present = session.all.filter(m => m.state !== 'failed').length
    if (present >= limits.nodes) return { code: 'REFUSED', reason: `the session is full (${limits.nodes} node(s))` }
  }
  const imageSize = session.params.imageSize
  if (!join.targetGrowable && join.targetSize < imageSize) {
    return { code: 'TARGET_TOO_SMALL', reason: `target ${printable(join.targetPath)} holds ${join.targetSize} bytes but the image is ${imageSize}` }
  }
  return undefined
}

/**
 * The member an admitted Join becomes. A node that was here before (same
 * identity: it restarted) keeps its place in the order and its history.
 */
export function newMember (join: Join, channel: Channel, previous: Member | undefined, session: Session, now: number): Member {
  const dialAddrs = dialCandidates(channel.remoteAddr, join.listenPort, join.listenAddrs)
  return {
    peerId: channel.remotePeer,
    name: join.name !== '' ? printable(join.name, 64) : short(channel.remotePeer),
    address: channel.remoteAddr,
    subnet: nodeSubnet(channel.remoteAddr, join.prefixLength),
    linkBytesPerSecond: nodeLinkBytesPerSecond(join.linkBitsPerSecond),
    dialAddrs,
    dataHosts: [...new Set(dialAddrs.map(a => multiaddrHost(a)).filter(h => h !== undefined))],
    dataPort: join.dataPort,
    targetPath: printable(join.targetPath, 4096),
    channel,
    state: 'waiting',
    position: previous?.position ?? -1,
    writtenThrough: 0,
    bytesReceived: 0,
    unwrittenBytes: 0,
    resumedFrom: 0,
    lastHeardAt: now,
    upstreamPeer: '',
    downstreamPeers: [],
    depth: 0,
    background: false,
    joinedLate: previous?.joinedLate ?? session.started,
    restarts: previous === undefined ? 0 : previous.restarts + 1,
    hadBeforeRestart: previous?.writtenThrough,
    firstJoinedAt: previous?.firstJoinedAt ?? now
  }
}

/** Whether a restarted node's old run must be failed first (it still looks alive). */
export const stillRunning = (previous: Member | undefined): previous is Member => previous !== undefined && !isFinished(previous)

/** Constant-time token comparison (hash first so lengths do not leak). */
function tokensMatch (given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}
