// What the source vouches for, and how every node checks it (invariant 1).
//
// The coordinator signs, with the Ed25519 key behind its libp2p peer id:
//
//   a hash batch:  "ringcast hashes 2\0" session(16) imageSize(u64) blockSize(u32) firstBlock(u64) contents(n) hashes(32 x n)
//   END:           "ringcast end 2\0"    session(16) imageSize(u64) blockSize(u32) digestKind(u8) digest(32)
//
// `contents` says, per block, whether it is DATA (sent), ZERO or FREE (not
// sent: SKIP frames), so which blocks a clone defines is signed with their
// hashes. END's digest is the image's SHA-256, or, when some blocks are FREE
// (their bytes are not part of the clone), the SHA-256 of every batch's
// contents and hashes in order (batchesDigest).
//
// (integers big-endian). Relays forward both as they are; a node checks the
// signature once per batch, then each block's SHA-256 against its entry, and
// writes or forwards nothing that fails. One batch covers up to
// HASH_BATCH_BLOCKS blocks and HASH_BATCH_IMAGE_BYTES of image, so a
// signature check (~0.1 ms) costs < 0.2 % of hashing the bytes it covers,
// for any block size (docs/architecture.md, "Source-signed blocks").
//
// The public key comes from the coordinator's peer id, which the node dialled
// and noise authenticated; nothing a relay says can change it.

import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'
import { createHash } from 'node:crypto'
import { CONTENT_FREE, DIGEST_BATCHES_SHA256, DIGEST_IMAGE_SHA256, ED25519_SIGNATURE_BYTES, HASH_BATCH_BLOCKS, HASH_BYTES, SESSION_ID_BYTES } from '../wire/protocol.js'
import type { SessionParams } from '../wire/session-params.js'

/** Most image bytes one batch covers: the first batch is ready after hashing this much. */
export const HASH_BATCH_IMAGE_BYTES = 32 * 1_048_576
export const ED25519_PUBLIC_KEY_BYTES = 32

const BATCH_DOMAIN = Buffer.from('ringcast hashes 2\0')
const END_DOMAIN = Buffer.from('ringcast end 2\0')
const BATCHES_DIGEST_DOMAIN = Buffer.from('ringcast batches 1\0')
/** DER prefixes that wrap a raw Ed25519 key (RFC 8410). */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

/** Blocks per signed batch in this session (both ends compute the same). */
export function batchBlocks (blockSize: number): number {
  return Math.max(1, Math.min(HASH_BATCH_BLOCKS, Math.floor(HASH_BATCH_IMAGE_BYTES / blockSize)))
}

export function blockCount (p: Pick<SessionParams, 'imageSize' | 'blockSize'>): number {
  return Math.ceil(p.imageSize / p.blockSize)
}

export function batchCount (p: Pick<SessionParams, 'imageSize' | 'blockSize'>): number {
  return Math.ceil(blockCount(p) / batchBlocks(p.blockSize))
}

/** How many blocks batch `index` covers (the last may be short). */
export function blocksInBatch (p: Pick<SessionParams, 'imageSize' | 'blockSize'>, index: number): number {
  const per = batchBlocks(p.blockSize)
  return Math.max(0, Math.min(per, blockCount(p) - index * per))
}

/** One signed batch of block hashes, as it travels. */
export interface HashBatch {
  /** Batch index (its first block is index x batchBlocks). */
  index: number
  /** 32 bytes per block, an owned copy (never a view into a received chunk). */
  hashes: Uint8Array
  /** One content byte per block (CONTENT_DATA, _ZERO, _FREE), an owned copy. */
  contents: Uint8Array
  signature: Uint8Array
}

/** A signed END: the image digest the source vouches for. */
export interface SignedEnd {
  /** DIGEST_IMAGE_SHA256 or DIGEST_BATCHES_SHA256. */
  digestKind: number
  /** The digest (the image's SHA-256 when digestKind is DIGEST_IMAGE_SHA256). */
  imageSha256: Uint8Array
  signature: Uint8Array
}

/** True when some block of `batch` is FREE. */
export function hasFreeBlocks (batch: Pick<HashBatch, 'contents'>): boolean {
  return batch.contents.includes(CONTENT_FREE)
}

/**
 * The digest of a clone of used blocks only: SHA-256 over every batch's
 * contents and hashes, in order. It pins down every block the clone
 * defines, without hashing the free space (zeros of a 500 GB disk would
 * cost the source minutes of CPU).
 */
export class BatchesDigest {
  private readonly hash = createHash('sha256').update(BATCHES_DIGEST_DOMAIN)
  add (batch: Pick<HashBatch, 'contents' | 'hashes'>): void {
    this.hash.update(batch.contents).update(batch.hashes)
  }

  digest (): Uint8Array {
    return new Uint8Array(this.hash.digest())
  }
}

type Params = Pick<SessionParams, 'sessionId' | 'imageSize' | 'blockSize'>

function prefix (domain: Buffer, p: Params, tail: number): Buffer {
  if (p.sessionId.byteLength !== SESSION_ID_BYTES) throw new RangeError('session id must be 16 bytes')
  const out = Buffer.allocUnsafe(domain.byteLength + SESSION_ID_BYTES + 8 + 4 + tail)
  let at = domain.copy(out, 0)
  at += Buffer.from(p.sessionId.buffer, p.sessionId.byteOffset, p.sessionId.byteLength).copy(out, at)
  out.writeBigUInt64BE(BigInt(p.imageSize), at); at += 8
  out.writeUInt32BE(p.blockSize, at)
  return out
}

function batchMessage (p: Params, index: number, contents: Uint8Array, hashes: Uint8Array): Buffer {
  const head = prefix(BATCH_DOMAIN, p, 8)
  head.writeBigUInt64BE(BigInt(index * batchBlocks(p.blockSize)), head.byteLength - 8)
  return Buffer.concat([head, contents, hashes])
}

function endMessage (p: Params, digestKind: number, digest: Uint8Array): Buffer {
  const head = prefix(END_DOMAIN, p, 1)
  head.writeUInt8(digestKind, head.byteLength - 1)
  return Buffer.concat([head, digest])
}

/** The source's side: signs with the coordinator's identity key. */
export class SourceSigner {
  private readonly key: KeyObject
  readonly publicKey: Uint8Array

  /** `seed`: the 32-byte Ed25519 private seed (libp2p's raw key starts with it). */
  constructor (seed: Uint8Array, private readonly params: Params) {
    this.key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed.subarray(0, 32)]), format: 'der', type: 'pkcs8' })
    const spki = createPublicKey(this.key).export({ format: 'der', type: 'spki' })
    this.publicKey = new Uint8Array(spki.subarray(SPKI_PREFIX.byteLength))
  }

  signBatch (index: number, hashes: Uint8Array, contents: Uint8Array): HashBatch {
    return { index, hashes, contents, signature: new Uint8Array(sign(null, batchMessage(this.params, index, contents, hashes), this.key)) }
  }

  signEnd (digest: Uint8Array, digestKind = DIGEST_IMAGE_SHA256): SignedEnd {
    return { digestKind, imageSha256: digest, signature: new Uint8Array(sign(null, endMessage(this.params, digestKind, digest), this.key)) }
  }
}

/** A node's side: checks what the source signed. */
export class SourceVerifier {
  private readonly key: KeyObject

  constructor (publicKey: Uint8Array, private readonly params: Params) {
    if (publicKey.byteLength !== ED25519_PUBLIC_KEY_BYTES) throw new RangeError(`an Ed25519 public key is ${ED25519_PUBLIC_KEY_BYTES} bytes, not ${publicKey.byteLength}`)
    this.key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' })
  }

  /** Why `batch` is not what the source signed, or undefined when it is. */
  batchProblem (batch: HashBatch): string | undefined {
    const expected = blocksInBatch(this.params, batch.index)
    if (expected === 0) return `hash batch ${batch.index} lies past the image end`
    if (batch.hashes.byteLength !== expected * HASH_BYTES) return `hash batch ${batch.index} holds ${batch.hashes.byteLength} bytes, expected ${expected * HASH_BYTES}`
    if (batch.contents.byteLength !== expected) return `hash batch ${batch.index} says what ${batch.contents.byteLength} blocks hold, expected ${expected}`
    if (batch.contents.some(c => c > CONTENT_FREE)) return `hash batch ${batch.index} marks a block with an unknown content kind`
    if (batch.signature.byteLength !== ED25519_SIGNATURE_BYTES) return `hash batch ${batch.index} has a ${batch.signature.byteLength}-byte signature`
    if (!verify(null, batchMessage(this.params, batch.index, batch.contents, batch.hashes), this.key, batch.signature)) return `hash batch ${batch.index} is not signed by the source`
    return undefined
  }

  endProblem (end: SignedEnd): string | undefined {
    if (end.imageSha256.byteLength !== HASH_BYTES || end.signature.byteLength !== ED25519_SIGNATURE_BYTES) return 'END is malformed'
    if (end.digestKind !== DIGEST_IMAGE_SHA256 && end.digestKind !== DIGEST_BATCHES_SHA256) return `END names digest kind ${end.digestKind}`
    if (!verify(null, endMessage(this.params, end.digestKind, end.imageSha256), this.key, end.signature)) return 'END (the image digest) is not signed by the source'
    return undefined
  }
}
