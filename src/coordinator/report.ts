// The session report: one row per admitted node, as text for people and JSON
// for scripts.

import type { ErrorCode } from '../errors.js'
import { toHex } from '../relay/hash.js'
import type { Member } from './member.js'
import { DIGEST_BATCHES_SHA256 } from '../wire/protocol.js'

/** Image bytes by what they hold: sent (DATA), skipped as all zeros, skipped as unused by the file system. */
export interface ContentTotals { data: number, zero: number, free: number }

/** "X bytes sent, Y skipped (Z all zeros, W unused)". */
export function describeTotals (t: ContentTotals): string {
  const skipped = t.zero + t.free
  return skipped === 0 ? `all ${t.data} bytes sent` : `${t.data} bytes sent, ${skipped} skipped (${t.zero} all zeros, ${t.free} unused by its file system)`
}

export type NodeStatus = 'OK' | 'MISMATCH' | 'FAILED'
/** How a node's copy came about: plain, after restarting mid-image, or joining late. */
export type NodeOutcome = 'verified' | 'verified after resume' | 'verified late' | 'mismatch' | 'failed'

export interface NodeReport {
  name: string
  peerId: string
  address: string
  target: string
  position: number
  status: NodeStatus
  outcome: NodeOutcome
  /** Bytes verified and written. */
  bytes: number
  /** Payload bytes the node's last run received. */
  bytesReceived: number
  /** Restarts: how often the node came back after failing, and where its last run resumed. */
  restarts: number
  resumedFrom: number
  /** Bytes written before its last restart, as the coordinator last heard. */
  hadBeforeRestart?: number
  seconds: number
  mbPerSecond: number
  sha256?: string
  /** The node re-read its whole target after the final fsync and it matched (join --verify-readback). */
  readBack?: boolean
  /** Why it did not verify, as a stable code (FAILED: the failure's; MISMATCH: INTEGRITY). */
  code?: ErrorCode
  reason?: string
  peakRssBytes?: number
  peakInflightBytes?: number
  /**
   * A node that asked for the identity step (join --identity): whether its
   * identity was set, and if not why. Absent for a node that did not ask.
   * A node whose copy verified but whose identity was not set is `OK` (the
   * copy stands) but does not make the session ok.
   */
  identity?: { set: boolean, reason?: string }
}

/** One image of a session of several (serve NAME=IMAGE ...). */
export interface PartReport {
  name: string
  /** The image as serve was given it. */
  source: string
  /** Where it starts in the session's stream of blocks. */
  offset: number
  bytes: number
  /** What sha256sum of the image prints; none where unused blocks were not read. */
  sha256?: string
  /** Its bytes by what the source did with them. */
  contentBytes: ContentTotals
}

export interface SessionReport {
  /** The image as serve was given it; for several, NAME=IMAGE for each. */
  image: string
  /** A session of several images: each of them, in the order they travel (empty for one image). */
  parts: PartReport[]
  /** Bytes of the session's stream: the image, or all of them with their block padding. */
  imageBytes: number
  /** The digest END vouched for: the image's SHA-256, or with unused blocks skipped the SHA-256 of the signed batches (see digestKind). */
  sha256: string
  /**
   * 'sha256': what sha256sum of the image prints; 'used-blocks': the clone
   * of an ext file system's used blocks; 'images': a session of several
   * images (each one's own sha256 is in `parts`). The last two are the
   * SHA-256 of the source's signed hash batches.
   */
  digestKind: 'sha256' | 'used-blocks' | 'images'
  /** Image bytes by what the source did with them: sent, skipped as all zeros, skipped as unused by the file system. */
  contentBytes: ContentTotals
  blockBytes: number
  seconds: number
  nodes: NodeReport[]
  verified: number
  failed: number
  /** Nodes whose copy verified but whose identity step did not succeed: they count against allowedFailures too. */
  identityFailed: number
  /** Failures the operator accepted (--allow-failures). */
  allowedFailures: number
  /** True when at least one node verified and no more than allowedFailures did not (copy or identity). */
  ok: boolean
}

const MB = 1_000_000

export function buildReport (args: { image: string, parts?: PartReport[], imageBytes: number, sha256: Uint8Array, digestKind?: number, contentBytes?: ContentTotals, blockBytes: number, startedAt: number, endedAt: number, members: Member[], allowFailures?: number }): SessionReport {
  const nodes = args.members.map((m): NodeReport => {
    const status: NodeStatus = m.state === 'done' && m.verified === true ? 'OK' : m.state === 'done' ? 'MISMATCH' : 'FAILED'
    const outcome: NodeOutcome = status === 'FAILED' ? 'failed' : status === 'MISMATCH' ? 'mismatch' : m.restarts > 0 ? 'verified after resume' : m.joinedLate ? 'verified late' : 'verified'
    const seconds = ((m.finishedAt ?? args.endedAt) - Math.max(args.startedAt, m.firstJoinedAt)) / 1000
    return {
      name: m.name,
      peerId: m.peerId,
      address: m.address,
      target: m.targetPath,
      position: m.position,
      status,
      outcome,
      bytes: m.writtenThrough,
      bytesReceived: m.bytesReceived,
      restarts: m.restarts,
      resumedFrom: m.resumedFrom,
      hadBeforeRestart: m.hadBeforeRestart,
      seconds: round(seconds, 3),
      mbPerSecond: round(seconds > 0 ? m.writtenThrough / MB / seconds : 0, 1),
      sha256: m.digest === undefined ? undefined : toHex(m.digest),
      readBack: m.readBack === true ? true : undefined,
      code: status === 'FAILED' ? m.failCode ?? 'INTERNAL' : status === 'MISMATCH' ? 'INTEGRITY' : undefined,
      reason: m.reason,
      peakRssBytes: m.peakRssBytes,
      peakInflightBytes: m.peakInflightBytes,
      identity: identityOf(m)
    }
  })
  const verified = nodes.filter(n => n.status === 'OK').length
  const identityFailed = nodes.filter(n => n.status === 'OK' && n.identity?.set === false).length
  return {
    image: args.image,
    parts: args.parts ?? [],
    imageBytes: args.imageBytes,
    sha256: toHex(args.sha256),
    digestKind: (args.parts ?? []).length > 0 ? 'images' : args.digestKind === DIGEST_BATCHES_SHA256 ? 'used-blocks' : 'sha256',
    contentBytes: args.contentBytes ?? { data: args.imageBytes, zero: 0, free: 0 },
    blockBytes: args.blockBytes,
    seconds: round((args.endedAt - args.startedAt) / 1000, 3),
    nodes,
    verified,
    failed: nodes.length - verified,
    identityFailed,
    allowedFailures: args.allowFailures ?? 0,
    ok: verified > 0 && nodes.length - verified + identityFailed <= (args.allowFailures ?? 0)
  }
}

/** What the report says of a node's identity step. */
function identityOf (m: Member): NodeReport['identity'] {
  if (m.wantsIdentity !== true) return undefined
  const step = m.identity
  if (step?.state === 'set') return { set: true }
  if (step?.state === 'failed') return { set: false, reason: step.reason }
  if (step?.state === 'waiting') return { set: false, reason: 'its IdentityDone had not come when the session ended' }
  return { set: false, reason: 'its copy was not verified' }
}

export function formatReport (r: SessionReport): string {
  const head = ['#', 'node', 'address', 'bytes', 'MB/s', 'result']
  const rows = r.nodes.map(n => [
    String(n.position),
    n.name,
    shortAddr(n.address),
    String(n.bytes),
    n.mbPerSecond.toFixed(1),
    n.status === 'OK' ? `OK ${okText(n)}${identityText(n)}` : n.status === 'MISMATCH' ? `MISMATCH ${n.reason ?? ''}` : `FAILED ${n.reason ?? ''}`
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map(row => row[i]!.length)))
  const line = (cells: string[]): string => cells.map((c, i) => i === cells.length - 1 ? c : c.padEnd(widths[i]!)).join('  ')
  const digest = `${r.digestKind === 'sha256' ? 'sha256' : 'clone digest (used blocks)'} ${r.sha256}`
  return [
    r.parts.length === 0
      ? `image ${r.image}: ${r.imageBytes} bytes, ${digest}; ${describeTotals(r.contentBytes)}`
      : [`${r.parts.length} images in one session, ${r.imageBytes} bytes in all, session digest ${r.sha256}:`,
          ...r.parts.map(p => `  ${p.name} ${p.source}: ${p.bytes} bytes${p.sha256 !== undefined ? `, sha256 ${p.sha256}` : ''}; ${describeTotals(p.contentBytes)}`)].join('\n'),
    line(head),
    ...rows.map(line),
    `${r.verified} of ${r.nodes.length} node(s) verified in ${r.seconds.toFixed(1)} s` +
      (r.failed === 0 ? '' : ` — ${r.failed} did not${r.ok ? ` (accepted: --allow-failures ${r.allowedFailures})` : ''}`) +
      (r.identityFailed === 0 ? '' : `; identity not set on ${r.identityFailed} of them`)
  ].join('\n')
}

/** After a verified row: how its identity step went, for a node that asked for one. */
function identityText (n: NodeReport): string {
  if (n.identity === undefined) return ''
  return n.identity.set ? '; identity set' : `; identity NOT set: ${n.identity.reason ?? ''}`
}

function okText (n: NodeReport): string {
  if (n.outcome === 'verified after resume') {
    return `verified after resume (restarted ${n.restarts}x; resumed at ${n.resumedFrom} of the ${n.hadBeforeRestart ?? '?'} bytes it had, received ${n.bytesReceived} after)`
  }
  if (n.outcome === 'verified late') return `verified late (joined after the start${n.resumedFrom > 0 ? `, resumed at ${n.resumedFrom}` : ''})`
  // Every block matched the source's signed hash, and the node read random blocks back from its target to prove it.
  return n.readBack === true ? 'verified, proven, read back whole' : 'verified and proven'
}

const shortAddr = (a: string): string => {
  const m = /^\/ip[46]\/([^/]+)\/tcp\/(\d+)/.exec(a)
  return m === null ? a : `${m[1]}:${m[2]}`
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits
