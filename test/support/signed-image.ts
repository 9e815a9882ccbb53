// What the coordinator vouches for, built in memory for tests: a fresh
// Ed25519 identity, every block's SHA-256 signed in batches, and the signed
// END. The same shapes the coordinator's SourceHashes serves (BatchSource
// and SourceManifest), so a test's source feeds nodes exactly as the real
// one does, and a hostile test can take a batch and change it.

import { createHash, generateKeyPairSync } from 'node:crypto'
import type { BatchSource } from '../../src/relay/hash-index.js'
import { blockHash } from '../../src/relay/hash.js'
import type { SourceManifest } from '../../src/relay/image-streamer.js'
import { batchBlocks, batchCount, blockCount, SourceSigner, SourceVerifier, type HashBatch, type SignedEnd } from '../../src/relay/source-signature.js'
import { CONTENT_DATA, CONTENT_ZERO, HASH_BYTES } from '../../src/wire/protocol.js'
import type { SessionParams } from '../../src/wire/session-params.js'

export interface Ed25519Identity {
  /** The 32-byte private seed (what SourceSigner takes). */
  seed: Uint8Array
  /** The 32-byte raw public key (what SourceVerifier takes). */
  publicKey: Uint8Array
}

/** A fresh Ed25519 key as raw bytes: the tails of its pkcs8 and spki DER encodings (RFC 8410). */
export function ed25519Identity (): Ed25519Identity {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  return {
    seed: new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32)),
    publicKey: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32))
  }
}

export interface SignedImage {
  params: SessionParams
  seed: Uint8Array
  publicKey: Uint8Array
  signer: SourceSigner
  /** A node's view: checks against `publicKey` and these params. */
  verifier: SourceVerifier
  /** Where a source sender takes its batches (each resolves at once). */
  batches: BatchSource
  /** Every signed batch, in order, for tests that hand-craft HASHES frames. */
  batchList: readonly HashBatch[]
  /** What streamImage checks each block against, and its END. */
  manifest: SourceManifest
  end: SignedEnd
  /** The image's SHA-256 (what sha256sum prints). */
  imageSha256: Uint8Array
  /** The signed SHA-256 of block `index`. */
  hashOfBlock: (index: number) => Uint8Array
}

/** Sign `image` as the source of a session with `params` would, with a fresh key (or `identity`). */
export function signImage (image: Uint8Array, params: SessionParams, identity: Ed25519Identity = ed25519Identity(), options: { skipZeros?: boolean } = {}): SignedImage {
  if (image.byteLength !== params.imageSize) throw new RangeError(`image of ${image.byteLength} bytes, params say ${params.imageSize}`)
  const { seed, publicKey } = identity
  const signer = new SourceSigner(seed, params)
  const verifier = new SourceVerifier(publicKey, params)
  const { blockSize } = params
  const per = batchBlocks(blockSize)
  const blocks = blockCount(params)
  const batchList: HashBatch[] = []
  for (let index = 0; index < batchCount(params); index++) {
    const first = index * per
    const n = Math.min(per, blocks - first)
    const hashes = new Uint8Array(n * HASH_BYTES)
    const contents = new Uint8Array(n)
    for (let i = 0; i < n; i++) {
      const at = (first + i) * blockSize
      const block = image.subarray(at, Math.min(at + blockSize, image.byteLength))
      hashes.set(blockHash(block), i * HASH_BYTES)
      if (options.skipZeros === true && block.every(b => b === 0)) contents[i] = CONTENT_ZERO
    }
    batchList.push(signer.signBatch(index, hashes, contents))
  }
  const imageSha256 = new Uint8Array(createHash('sha256').update(image).digest())
  const end = signer.signEnd(imageSha256)
  const hashOfBlock = (index: number): Uint8Array => {
    const batch = batchList[Math.floor(index / per)]
    if (batch === undefined || index < 0) throw new RangeError(`no block ${index} in a ${blocks}-block image`)
    const at = (index % per) * HASH_BYTES
    return batch.hashes.subarray(at, at + HASH_BYTES)
  }
  const contentOf = (index: number): number => batchList[Math.floor(index / per)]!.contents[index % per]!
  const batches: BatchSource = {
    async batch (index) {
      const batch = batchList[index]
      if (batch === undefined) throw new RangeError(`no hash batch ${index} in this image`)
      return batch
    }
  }
  const manifest: SourceManifest = {
    async hash (index) { return hashOfBlock(index) },
    async content (index) { return contentOf(index) },
    nextDataBlock: index => {
      for (let i = index + 1; i < blocks; i++) if (contentOf(i) === CONTENT_DATA) return i
      return undefined
    },
    async end () { return end }
  }
  return { params, seed, publicKey, signer, verifier, batches, batchList, manifest, end, imageSha256, hashOfBlock }
}
