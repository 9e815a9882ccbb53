// What the source signs and how a node holds it: batch geometry, the
// Ed25519 signatures and their domain separation (SourceSigner,
// SourceVerifier), and the node's HashIndex. Pure unit tests: no streams.

import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { RingcastError } from '../../src/errors.js'
import { HashIndex } from '../../src/relay/hash-index.js'
import { blockHash } from '../../src/relay/hash.js'
import {
  batchBlocks, batchCount, blockCount, blocksInBatch, HASH_BATCH_IMAGE_BYTES, SourceSigner, SourceVerifier, type HashBatch
} from '../../src/relay/source-signature.js'
import { CONTENT_FREE, DIGEST_BATCHES_SHA256, HASH_BATCH_BLOCKS, MAX_BLOCK_BYTES, MIN_BLOCK_BYTES } from '../../src/wire/protocol.js'
import type { SessionParams } from '../../src/wire/session-params.js'
import { ed25519Identity, signImage } from '../support/signed-image.js'

const MiB = 1_048_576
const params = (imageSize: number, blockSize: number): SessionParams => ({ sessionId: randomBytes(16), imageSize, blockSize, windowBytes: 4 * blockSize })

describe('batch geometry', () => {
  it.each([
    [MIN_BLOCK_BYTES, HASH_BATCH_BLOCKS],
    [65_536, HASH_BATCH_BLOCKS],
    [MiB, 32],
    [16 * MiB, 2],
    [MAX_BLOCK_BYTES, 1]
  ])('a batch of %d-byte blocks holds %d blocks: at most 256, and at most 32 MiB of image (but one block at least)', (blockSize, expected) => {
    expect(batchBlocks(blockSize)).toBe(expected)
    expect(batchBlocks(blockSize) * blockSize <= HASH_BATCH_IMAGE_BYTES || batchBlocks(blockSize) === 1).toBe(true)
  })

  it('counts blocks and batches, the last of each possibly short', () => {
    const p = { imageSize: 600 * 4096 + 1, blockSize: 4096 }
    expect(blockCount(p)).toBe(601)
    expect(batchCount(p)).toBe(3)
    expect([0, 1, 2, 3].map(i => blocksInBatch(p, i))).toEqual([256, 256, 89, 0])
    expect(batchCount({ imageSize: 1, blockSize: 4096 })).toBe(1)
  })
})

describe('SourceSigner and SourceVerifier', () => {
  const p = params(600 * 4096, 4096)
  const image = randomBytes(p.imageSize)
  const signed = signImage(image, p)

  it('the test identity is a real Ed25519 key pair: the signer derives the same public key from the seed', () => {
    expect(signed.signer.publicKey).toEqual(signed.publicKey)
    expect(signed.publicKey.byteLength).toBe(32)
    expect(signed.seed.byteLength).toBe(32)
  })

  it('accepts every batch and the END the source signed', () => {
    for (const batch of signed.batchList) expect(signed.verifier.batchProblem(batch)).toBeUndefined()
    expect(signed.verifier.endProblem(signed.end)).toBeUndefined()
    expect(signed.hashOfBlock(300)).toEqual(blockHash(image.subarray(300 * 4096, 301 * 4096)))
  })

  it('rejects what another key signed', () => {
    const stranger = new SourceSigner(ed25519Identity().seed, p)
    expect(signed.verifier.batchProblem(stranger.signBatch(0, signed.batchList[0]!.hashes, signed.batchList[0]!.contents))).toBe('hash batch 0 is not signed by the source')
    expect(signed.verifier.endProblem(stranger.signEnd(signed.imageSha256))).toBe('END (the image digest) is not signed by the source')
  })

  // Domain separation: a signature is only good for the session, image and
  // block size it was made for, so a relay cannot replay a batch or END of
  // another session (or another run of the same image) signed by the same key.
  it.each([
    ['another session id', { sessionId: randomBytes(16) }],
    ['another image size', { imageSize: p.imageSize + 4096 }],
    ['another block size', { blockSize: 8192 }]
  ])('rejects a signature the same key made over %s', (_name, change) => {
    const elsewhere = new SourceSigner(signed.seed, { ...p, ...change })
    const batch = elsewhere.signBatch(0, signed.batchList[0]!.hashes, signed.batchList[0]!.contents)
    expect(signed.verifier.batchProblem(batch)).toBe('hash batch 0 is not signed by the source')
    expect(signed.verifier.endProblem(elsewhere.signEnd(signed.imageSha256))).toBe('END (the image digest) is not signed by the source')
    // And the other way round: that session's verifier refuses this one's.
    const thereVerifier = new SourceVerifier(signed.publicKey, { ...p, ...change })
    expect(thereVerifier.endProblem(signed.end)).toBe('END (the image digest) is not signed by the source')
    expect(thereVerifier.batchProblem(batch)).toBeUndefined()
  })

  it('binds each batch to its position: batch 0 presented as batch 1 is refused', () => {
    const b0 = signed.batchList[0]!
    expect(signed.verifier.batchProblem({ ...b0, index: 1 })).toBe('hash batch 1 is not signed by the source')
  })

  it('keeps batch and END signatures apart: END\'s signature does not sign a batch', () => {
    expect(signed.verifier.batchProblem({ ...signed.batchList[0]!, signature: signed.end.signature })).toBe('hash batch 0 is not signed by the source')
    expect(signed.verifier.endProblem({ ...signed.end, signature: signed.batchList[0]!.signature })).toBe('END (the image digest) is not signed by the source')
  })

  it('names a batch of the wrong length, past the image end, or with a short signature before checking the signature', () => {
    const b2 = signed.batchList[2]!
    expect(signed.verifier.batchProblem({ ...b2, hashes: b2.hashes.subarray(32) })).toBe('hash batch 2 holds 2784 bytes, expected 2816')
    expect(signed.verifier.batchProblem(signed.signer.signBatch(3, randomBytes(32), new Uint8Array(1)))).toBe('hash batch 3 lies past the image end')
    expect(signed.verifier.batchProblem({ ...b2, signature: b2.signature.subarray(1) })).toBe('hash batch 2 has a 63-byte signature')
    expect(signed.verifier.endProblem({ ...signed.end, imageSha256: signed.imageSha256.subarray(1) })).toBe('END is malformed')
  })

  it('signs what each block holds with its hash, and what END\'s digest is', () => {
    const b0 = signed.batchList[0]!
    const contents = b0.contents.slice()
    contents[5] = CONTENT_FREE
    expect(signed.verifier.batchProblem({ ...b0, contents })).toBe('hash batch 0 is not signed by the source')
    expect(signed.verifier.batchProblem({ ...b0, contents: contents.subarray(1) })).toBe('hash batch 0 says what 255 blocks hold, expected 256')
    contents[5] = 3
    expect(signed.verifier.batchProblem({ ...b0, contents })).toBe('hash batch 0 marks a block with an unknown content kind')
    // The same digest under the other kind is not what the source signed.
    expect(signed.verifier.endProblem({ ...signed.end, digestKind: DIGEST_BATCHES_SHA256 })).toBe('END (the image digest) is not signed by the source')
    expect(signed.verifier.endProblem({ ...signed.end, digestKind: 7 })).toBe('END names digest kind 7')
    expect(signed.verifier.endProblem(signed.signer.signEnd(signed.imageSha256, DIGEST_BATCHES_SHA256))).toBeUndefined()
  })

  it('refuses a public key that is not 32 bytes', () => {
    expect(() => new SourceVerifier(new Uint8Array(33), p)).toThrow(RangeError)
  })
})

describe('HashIndex', () => {
  const p = params(600 * 4096, 4096)
  const signed = signImage(randomBytes(p.imageSize), p)
  const [b0, b1, b2] = signed.batchList as [HashBatch, HashBatch, HashBatch]

  it('takes batches in order only', () => {
    const index = new HashIndex(p)
    expect(index.totalBatches).toBe(3)
    expect(() => { index.add(b1) }).toThrow(RingcastError)
    expect(() => { index.add(b1) }).toThrow(/hash batch 1 added after 0/)
    index.add(b0)
    expect(() => { index.add(b0) }).toThrow(/hash batch 0 added after 1/)
    expect(index.held).toBe(1)
    expect(index.complete).toBe(false)
    index.add(b1)
    index.add(b2)
    expect(index.complete).toBe(true)
  })

  it('hashOf gives the signed hash of a block whose batch is here, undefined otherwise', () => {
    const index = new HashIndex(p)
    expect(index.hashOf(0)).toBeUndefined()
    index.add(b0)
    expect(index.hashOf(0)).toEqual(signed.hashOfBlock(0))
    expect(index.hashOf(255)).toEqual(signed.hashOfBlock(255))
    expect(index.hashOf(256)).toBeUndefined()
    expect(index.batchIndexOf(255)).toBe(0)
    expect(index.batchIndexOf(256)).toBe(1)
  })

  it('batch() and hash() wait until the batch is added', async () => {
    const index = new HashIndex(p)
    let got: HashBatch | undefined
    let hash: Uint8Array | undefined
    const waiting = index.batch(1).then(b => { got = b })
    const waitingHash = index.hash(300).then(h => { hash = h })
    index.add(b0)
    await new Promise(resolve => setImmediate(resolve))
    expect(got).toBeUndefined()
    expect(hash).toBeUndefined()
    index.add(b1)
    await Promise.all([waiting, waitingHash])
    expect(got).toBe(b1)
    expect(hash).toEqual(signed.hashOfBlock(300))
    // Already there: at once.
    expect(await index.batch(0)).toBe(b0)
  })

  it('batch() of a batch past the image end fails at once rather than waiting forever', async () => {
    await expect(new HashIndex(p).batch(3)).rejects.toMatchObject({ code: 'INTERNAL' })
  })

  it('holds 33 bytes per block (hash and content) and 64 per batch', () => {
    const index = new HashIndex(p)
    expect(index.heldBytes).toBe(0)
    index.add(b0)
    expect(index.heldBytes).toBe(256 * 33 + 64)
    index.add(b1)
    index.add(b2)
    expect(index.heldBytes).toBe(600 * 33 + 3 * 64)
  })
})
