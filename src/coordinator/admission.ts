// Admission: whether a Join is let in (invariant 7: only token holders of
// the right version, never past the session's size, never a target smaller
// than the image), and the Member a let-in Join becomes.

import { createHash, timingSafeEqual } from 'node:crypto'
import type { ErrorCode } from '../errors.js'
import type { Channel } from '../net/channel.js'
import { dialCandidates, multiaddrHost } from '../net/control-stream.js'
import { short } from '../relay/block-sender.js'
import { nodeLinkBytesPerSecond, nodeSubnet } from '../topology/node-network.js'
import type { ImagePart } from '../wire/image-parts.js'
import { printable, type Join } from '../wire/messages.js'
import { PROTOCOL_VERSION } from '../wire/protocol.js'
import { isFinished, type Member } from './member.js'
import type { Session } from './session.js'

export interface Refusal { code: ErrorCode, reason: string }

/** A target a node names for one image of a session of several. */
export interface NamedTarget { name: string, path: string, size: number, growable: boolean }

/** Why `join` (from `peer`) is refused, or undefined to admit it. */
export function checkJoin (join: Join, peer: string, session: Session, limits: { nodes: number, token: string, parts?: readonly ImagePart[], nodeToken?: (name: string, token: string) => boolean, rejoin?: boolean }): Refusal | undefined {
  if (join.protocolVersion !== PROTOCOL_VERSION) {
    return { code: 'VERSION', reason: `node speaks ringcast protocol ${join.protocolVersion}, this coordinator speaks ${PROTOCOL_VERSION}; run the same ringcast version on both` }
  }
  // The session's token, or (a node the coordinator booted) that node's own single-use one for this
  // session: only checked here, and spent by the caller once every other check has let the Join in.
  // A member of this session dialling again (Join.rejoin) is known by its noise-proven peer id: its single-use token is spent already.
  const member = limits.rejoin === true && session.get(peer) !== undefined
  if (!member && !tokensMatch(join.token, limits.token) && limits.nodeToken?.(join.name, join.token) !== true) return { code: 'BAD_TOKEN', reason: 'wrong session token' }
  if (session.ending) return { code: 'REFUSED', reason: 'the session is over' }
  const previous = session.get(peer)
  if (previous !== undefined) {
    // Before the start a second Join with one identity is a mistake; after it, a restart.
    if (!session.started) return { code: 'REFUSED', reason: 'a node with this identity has already joined' }
    if (previous.state === 'done') return { code: 'REFUSED', reason: 'this node already finished its copy in this session' }
  } else {
    const present = session.all.filter(m => m.state !== 'failed').length
    if (present >= limits.nodes) return { code: 'REFUSED', reason: `the session is full (${limits.nodes} node(s))` }
    // Names are what the report, the boot inventory and the identity step go by: one per live node.
    const namesake = session.all.find(m => m.state !== 'failed' && m.name === join.name)
    if (namesake !== undefined) return { code: 'REFUSED', reason: `a node named ${printable(join.name, 64)} has already joined (${short(namesake.peerId)}); give each node its own --name` }
  }
  const parts = limits.parts ?? []
  if (parts.length > 0) return checkTargets(targetsOf(join), parts)
  if (join.targets.length > 0) {
    return { code: 'USAGE', reason: `this session sends one image, but the node named targets for ${targetsOf(join).map(t => t.name).join(', ')}; give one --target PATH` }
  }
  const imageSize = session.params.imageSize
  if (!join.targetGrowable && join.targetSize < imageSize) {
    return { code: 'TARGET_TOO_SMALL', reason: `target ${printable(join.targetPath)} holds ${join.targetSize} bytes but the image is ${imageSize}` }
  }
  return undefined
}

/** A session of several images: one target per image, by name, each large enough; no target for an image the session lacks. */
function checkTargets (targets: NamedTarget[], parts: readonly ImagePart[]): Refusal | undefined {
  const names = parts.map(p => p.name).join(', ')
  if (targets.length === 0) {
    return { code: 'USAGE', reason: `this session sends ${parts.length} images (${names}); name a target for each: --target NAME=PATH` }
  }
  const byName = new Map<string, NamedTarget>()
  for (const t of targets) {
    if (byName.has(t.name)) return { code: 'USAGE', reason: `the node names two targets for image ${t.name}` }
    byName.set(t.name, t)
  }
  const unknown = targets.filter(t => !parts.some(p => p.name === t.name))
  if (unknown.length > 0) return { code: 'USAGE', reason: `this session sends no image named ${unknown.map(t => t.name).join(', ')} (it sends ${names})` }
  const missing = parts.filter(p => !byName.has(p.name))
  if (missing.length > 0) return { code: 'USAGE', reason: `the node has no target for image${missing.length > 1 ? 's' : ''} ${missing.map(p => p.name).join(', ')} (this session sends ${names}); add --target NAME=PATH for each` }
  for (const p of parts) {
    const t = byName.get(p.name)!
    if (!t.growable && t.size < p.size) {
      return { code: 'TARGET_TOO_SMALL', reason: `target ${t.path} for image ${p.name} holds ${t.size} bytes but the image is ${p.size}` }
    }
  }
  return undefined
}

/** A Join's named targets, printable (what a node says is shown, never trusted as text). */
export function targetsOf (join: Join): NamedTarget[] {
  return join.targets.map(t => ({ name: printable(t.name ?? '', 64), path: printable(t.path ?? '', 4096), size: Number(t.size ?? 0), growable: t.growable === true }))
}

/** How a node's target(s) appear in logs and the report: the path, or NAME=PATH for each. */
export function describeTargets (join: Join): string {
  if (join.targets.length === 0) return printable(join.targetPath, 4096)
  return targetsOf(join).map(t => `${t.name}=${t.path}`).join(' ')
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
    targetPath: describeTargets(join),
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
    wantsIdentity: join.identity === true,
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
