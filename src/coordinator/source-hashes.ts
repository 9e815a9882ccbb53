// What the source vouches for: every block's SHA-256, signed in batches,
// and the signed END with the image's SHA-256 (src/relay/source-signature.ts).
// The hashes come from one pass of a worker over the image (ImageDigest),
// which starts with `serve` and runs ahead of every feed; a feed that needs
// a batch not yet hashed waits for it.
//
// Memory: 32 bytes per block plus 64 per batch (the node's index is the same
// size), e.g. 4 MiB for a 128 GiB image in 1 MiB blocks.

import { ImageDigest } from '../image/image-digest.js'
import type { BatchSource } from '../relay/hash-index.js'
import type { SourceManifest } from '../relay/image-streamer.js'
import { batchBlocks, type HashBatch, type SignedEnd, type SourceSigner } from '../relay/source-signature.js'
import type { SessionParams } from '../wire/session-params.js'

export class SourceHashes implements BatchSource, SourceManifest {
  private readonly batches: HashBatch[] = []
  private waiters: Array<() => void> = []
  private readonly digest: ImageDigest
  private readonly perBatch: number
  private signedEnd?: Promise<SignedEnd>
  private hashed = false
  private failure?: Error

  constructor (imagePath: string, params: SessionParams, private readonly signer: SourceSigner, now: () => number) {
    this.perBatch = batchBlocks(params.blockSize)
    this.digest = new ImageDigest({
      path: imagePath,
      size: params.imageSize,
      blockSize: params.blockSize,
      batchBlocks: this.perBatch,
      now,
      onBatch: (index, hashes) => {
        this.batches[index] = signer.signBatch(index, hashes)
        this.wakeAll()
      }
    })
    // The end of the pass (or its failure) wakes feeds still waiting for a batch.
    this.digest.digest().then(() => { this.hashed = true }, err => { this.failure = err as Error }).finally(() => this.wakeAll())
  }

  /** The image's SHA-256 (what sha256sum prints). */
  async imageSha256 (): Promise<Uint8Array> {
    return await this.digest.digest()
  }

  get elapsedMs (): number | undefined {
    return this.digest.elapsedMs
  }

  async batch (index: number): Promise<HashBatch> {
    while (this.batches[index] === undefined) {
      if (this.failure !== undefined) throw this.failure
      if (this.hashed) throw new RangeError(`no hash batch ${index} in this image`)
      await new Promise<void>(resolve => this.waiters.push(resolve))
    }
    return this.batches[index]!
  }

  async hash (blockIndex: number): Promise<Uint8Array> {
    const batch = await this.batch(Math.floor(blockIndex / this.perBatch))
    const at = (blockIndex % this.perBatch) * 32
    return batch.hashes.subarray(at, at + 32)
  }

  async end (): Promise<SignedEnd> {
    this.signedEnd ??= this.digest.digest().then(d => this.signer.signEnd(d))
    return await this.signedEnd
  }

  async stop (): Promise<void> {
    await this.digest.stop()
  }

  private wakeAll (): void {
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w()
  }
}
