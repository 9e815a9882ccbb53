// Typed encode/decode for both protocols, with validation that the generated
// code does not do: numbers must be safe integers, enums known, digests the
// right length. Anything else is a ProtocolError whose message goes back to
// the peer as the reason its stream was closed.

import { ProtocolError, type ErrorCode } from '../errors.js'
import { fromWireCode, toWireCode } from './error-codes.js'
import { frame } from './framing.js'
import './numbers.js'
import { ringcast } from './gen/ringcast.js'
import { ED25519_SIGNATURE_BYTES, HASH_BYTES } from './protocol.js'

export type Join = ringcast.Join
export type Welcome = ringcast.Welcome
export type Refuse = ringcast.Refuse
export type Plan = ringcast.Plan
export type Progress = ringcast.Progress
export type Done = ringcast.Done
export type Failed = ringcast.Failed
export type Verdict = ringcast.Verdict
export type Challenge = ringcast.Challenge
export type Proof = ringcast.Proof
export type IdentityDone = ringcast.IdentityDone

/** The control messages, by the name of their oneof field. */
export interface ControlBodies {
  join: Join
  welcome: Welcome
  refuse: Refuse
  plan: Plan
  progress: Progress
  done: Done
  failed: Failed
  verdict: Verdict
  challenge: Challenge
  proof: Proof
  identityDone: IdentityDone
}
export type ControlKind = keyof ControlBodies

/** A decoded control message: `kind` says which body is present. */
export type Control = { [K in ControlKind]: { kind: K, body: ControlBodies[K] } }[ControlKind]

/** What callers pass to encode: plain objects, all fields optional. */
export type ControlInput = { [K in ControlKind]: { [P in K]: ringcast.ControlMessage.$Properties[P] } }[ControlKind]

const CONTROL_KINDS: readonly ControlKind[] = ['join', 'welcome', 'refuse', 'plan', 'progress', 'done', 'failed', 'verdict', 'challenge', 'proof', 'identityDone']

/** Encode one control message as a length-prefixed frame. */
export function encodeControl (message: ControlInput): Uint8Array {
  return frame(ringcast.ControlMessage.encode(message).finish())
}

export function decodeControl (bytes: Uint8Array): Control {
  let decoded: ringcast.ControlMessage
  try {
    decoded = ringcast.ControlMessage.decode(bytes)
  } catch (err) {
    throw new ProtocolError(`malformed control message (${(err as Error).message})`, { cause: err })
  }
  const kind = decoded.body
  if (kind === undefined || !CONTROL_KINDS.includes(kind)) throw new ProtocolError('control message carries no known body')
  const body = decoded[kind]
  if (body == null) throw new ProtocolError(`control message ${kind} has no body`)
  checkNumbers(kind, body as unknown as Record<string, unknown>)
  return { kind, body } as Control
}

// ------------------------------------------------------------------ blocks

export type BlockKind = 'hello' | 'block' | 'end' | 'hashes' | 'skip'

export interface BlockHeader {
  kind: BlockKind
  sessionId: Uint8Array
  /** BLOCK: offset of the payload; SKIP: of the first skipped block; END: image size. */
  offset: number
  /** BLOCK: payload bytes that follow; SKIP: image bytes skipped. */
  length: number
  /** END: the image digest (see `digest`); otherwise empty. */
  hash: Uint8Array
  /** HASHES: index of the first block hashed. */
  firstBlock?: number
  /** HASHES: 32 bytes per block. */
  hashes?: Uint8Array
  /** HASHES and END: the source's Ed25519 signature. */
  signature?: Uint8Array
  /** HASHES: one BlockContent byte per block. */
  contents?: Uint8Array
  /** END: what `hash` digests (DigestKind). */
  digest?: number
  /** BLOCK: 0, or the payload is a zstd frame of this many bytes (of `length` bytes of content). */
  compressedLength?: number
}

const KIND_TO_WIRE: Record<BlockKind, ringcast.BlockFrame.Kind> = {
  hello: ringcast.BlockFrame.Kind.HELLO,
  block: ringcast.BlockFrame.Kind.BLOCK,
  end: ringcast.BlockFrame.Kind.END,
  hashes: ringcast.BlockFrame.Kind.HASHES,
  skip: ringcast.BlockFrame.Kind.SKIP
}
const WIRE_TO_KIND = new Map<number, BlockKind>(Object.entries(KIND_TO_WIRE).map(([k, v]) => [v, k as BlockKind]))

export function encodeBlockHeader (header: BlockHeader): Uint8Array {
  return frame(ringcast.BlockFrame.encode({
    kind: KIND_TO_WIRE[header.kind],
    sessionId: header.sessionId,
    offset: header.offset,
    length: header.length,
    hash: header.hash,
    firstBlock: header.firstBlock,
    hashes: header.hashes,
    signature: header.signature,
    contents: header.contents,
    digest: header.digest,
    compressedLength: header.compressedLength
  }).finish())
}

export function decodeBlockHeader (bytes: Uint8Array): BlockHeader {
  let decoded: ringcast.BlockFrame
  try {
    decoded = ringcast.BlockFrame.decode(bytes)
  } catch (err) {
    throw new ProtocolError(`malformed block header (${(err as Error).message})`, { cause: err })
  }
  const kind = WIRE_TO_KIND.get(decoded.kind)
  if (kind === undefined) throw new ProtocolError(`block header has unknown kind ${decoded.kind}`)
  checkNumbers('block header', decoded as unknown as Record<string, unknown>)
  if (kind === 'end' && (decoded.hash.byteLength !== HASH_BYTES || decoded.signature.byteLength !== ED25519_SIGNATURE_BYTES)) {
    throw new ProtocolError(`END carries a ${decoded.hash.byteLength}-byte digest and a ${decoded.signature.byteLength}-byte signature, expected ${HASH_BYTES} and ${ED25519_SIGNATURE_BYTES}`)
  }
  // How many content bytes a batch must carry is the verifier's to check (SourceVerifier.batchProblem).
  if (kind === 'hashes' && (decoded.hashes.byteLength === 0 || decoded.hashes.byteLength % HASH_BYTES !== 0 || decoded.signature.byteLength !== ED25519_SIGNATURE_BYTES)) {
    throw new ProtocolError(`hash batch of ${decoded.hashes.byteLength} bytes with a ${decoded.signature.byteLength}-byte signature is malformed`)
  }
  return {
    kind,
    sessionId: decoded.sessionId,
    offset: decoded.offset,
    length: decoded.length,
    hash: decoded.hash,
    firstBlock: decoded.firstBlock,
    hashes: decoded.hashes,
    signature: decoded.signature,
    contents: decoded.contents,
    digest: decoded.digest,
    compressedLength: decoded.compressedLength
  }
}

export interface Ack {
  writtenThrough: number
  /** HELLO's answer only: the first hash batch the downstream lacks. */
  hashesFrom?: number
  /** Non-empty when the downstream closes the stream on purpose. */
  error: string
  /** With `error`: why, as a code (REFUSED when the peer sent none we know). */
  code?: ErrorCode
}

export function encodeAck (ack: Partial<Ack>): Uint8Array {
  const { code, ...rest } = ack
  return frame(ringcast.Ack.encode({ ...rest, code: code === undefined ? undefined : toWireCode(code) }).finish())
}

export function decodeAck (bytes: Uint8Array): Ack {
  let decoded: ringcast.Ack
  try {
    decoded = ringcast.Ack.decode(bytes)
  } catch (err) {
    throw new ProtocolError(`malformed ack (${(err as Error).message})`, { cause: err })
  }
  checkNumbers('ack', decoded as unknown as Record<string, unknown>)
  return decoded.error === ''
    ? { writtenThrough: decoded.writtenThrough, hashesFrom: decoded.hashesFrom, error: '' }
    : { writtenThrough: decoded.writtenThrough, error: decoded.error, code: fromWireCode(decoded.code, 'REFUSED') }
}

// ------------------------------------------------------------------ helpers

/**
 * A peer-supplied string made safe for one log line: control characters
 * (newlines, escapes) become '?', and it is cut to `max` characters.
 */
export function printable (s: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')
  return clean.length > max ? `${clean.slice(0, max)}…` : clean
}

/** uint64 fields decode as JS numbers; past 2^53 they would silently round. */
function checkNumbers (what: string, body: Record<string, unknown>): void {
  for (const [field, value] of Object.entries(body)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === 'number' && !Number.isSafeInteger(v)) {
        throw new ProtocolError(`${what}.${field} = ${v} is not a safe integer`)
      }
      // Nested messages (a Plan's downstreams, a Join's targets, a Welcome's parts) are held to the same rule.
      if (typeof v === 'object' && v !== null && !(v instanceof Uint8Array)) checkNumbers(`${what}.${field}`, v as Record<string, unknown>)
    }
  }
}

const hex = (b: Uint8Array | null | undefined, n = 8): string =>
  b == null || b.byteLength === 0 ? '-' : Buffer.from(b.subarray(0, n)).toString('hex')

/** One readable line about a message, for logs. Never prints a token. */
export function describe (message: Control | BlockHeader | Ack): string {
  if ('writtenThrough' in message) return `ack through ${message.writtenThrough}${message.error !== '' ? ` error="${printable(message.error)}"` : ''}`
  if ('sessionId' in message) {
    if (message.kind === 'block') return `block @${message.offset}+${message.length} hash=${hex(message.hash)}`
    if (message.kind === 'end') return `end size=${message.offset} ${message.digest === 1 ? 'batches-sha256' : 'sha256'}=${hex(message.hash)}`
    if (message.kind === 'skip') return `skip @${message.offset}+${message.length}`
    if (message.kind === 'hashes') return `hashes from block ${message.firstBlock ?? 0} (${(message.hashes?.byteLength ?? 0) / HASH_BYTES})`
    return `hello session=${hex(message.sessionId)}`
  }
  const b = message.body as unknown as Record<string, unknown>
  const str = (v: unknown): string => printable(String(v))
  switch (message.kind) {
    case 'join': return `join name=${str(b.name)} target=${str(b.targetPath)} size=${String(b.targetSize)}${(b.targets as Array<{ name: string, path: string }>).map(t => ` ${str(t.name)}=${str(t.path)}`).join('')} v${String(b.protocolVersion)}`
    case 'welcome': return `welcome image=${str(b.imageName)} size=${String(b.imageSize)} block=${String(b.blockSize)}${(b.parts as Array<{ name: string }>).length > 0 ? ` parts=${(b.parts as Array<{ name: string }>).map(p => str(p.name)).join(',')}` : ''}`
    case 'refuse': return `refuse ${fromWireCode(b.code as number, 'REFUSED')}: ${str(b.reason)}`
    case 'plan': return `plan #${String(b.position)}/${String(b.chainLength)} up=${String(b.upstreamPeer).slice(-8)} down=${(b.downstreams as Array<{ peer: string }>).map(d => String(d.peer).slice(-8)).join(',') || '-'}`
    case 'progress': return `progress written=${String(b.writtenThrough)} received=${String(b.bytesReceived)}`
    case 'done': return `done bytes=${String(b.bytesWritten)} sha256=${hex(b.sha256 as Uint8Array)}`
    case 'failed': return `failed ${fromWireCode(b.code as number, 'INTERNAL')}: ${str(b.reason)} at ${String(b.writtenThrough)}`
    case 'verdict': return `verdict ${b.verified === true ? 'verified' : `not verified: ${str(b.reason)}`}${b.hostname !== '' ? ` hostname=${str(b.hostname)} fields=${(b.fields as unknown[]).length}` : ''}`
    case 'challenge': return `challenge ${(b.blocks as number[]).length} block(s)`
    case 'proof': return `proof ${(b.hashes as Uint8Array[]).length} hash(es)${b.error !== '' ? ` error="${str(b.error)}"` : ''}`
    case 'identityDone': return `identityDone ${b.ok === true ? 'ok' : `failed: ${str(b.reason)}`}`
  }
}
