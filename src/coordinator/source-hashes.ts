// What the source vouches for: every block's SHA-256 and what it holds
// (DATA, ZERO, FREE), signed in batches, and the signed END with the image
// digest (src/relay/source-signature.ts). The hashes come from one pass of a
// worker over the image (ImageDigest), which starts with `serve` and runs
// ahead of every feed; a feed that needs a batch not yet hashed waits for it.
//
// Memory: 33 bytes per block plus 64 per batch (the node's index is the same
// size), e.g. 4 MiB for a 128 GiB image in 1 MiB blocks.

import { extFreeMap } from '../image/ext-free.js'
import type { ImageSegment, ImageSource } from '../image/image-file.js'
import { ImageDigest } from '../image/image-digest.js'
import type { BatchSource } from '../relay/hash-index.js'
import type { SourceManifest } from '../relay/image-streamer.js'
import { BatchesDigest, batchBlocks, blockCount, type HashBatch, type SignedEnd, type SourceSigner } from '../relay/source-signature.js'
import { CONTENT_DATA, CONTENT_FREE, CONTENT_ZERO, DIGEST_BATCHES_SHA256, DIGEST_IMAGE_SHA256, HASH_BYTES } from '../wire/protocol.js'
import type { SessionParams } from '../wire/session-params.js'
import type { ContentTotals } from './report.js'

/** Which blocks the source sends (serve --raw sends every one). */
export interface ContentPolicy {
  /** All-zero blocks travel as SKIPs (ZERO). */
  skipZeros: boolean
  /** Byte ranges the image's file system leaves unused (FREE blocks), sorted and disjoint. */
  free: Array<[number, number]>
}

/**
 * What the source sends of `image`: with `raw`, every block; else every
 * block but all-zero ones, and of an ext2/3/4 file system only the blocks it
 * uses (ext-free.ts), found for each of the session's images by itself. Says
 * which in one line per image to `log`.
 */
export async function contentPolicyFor (image: Pick<ImageSource, 'segments' | 'size'>, blockSize: number, raw: boolean, log: (line: string) => void): Promise<ContentPolicy> {
  if (raw) {
    log(`sending every block of the image${image.segments.length > 1 ? 's' : ''} (--raw)`)
    return { skipZeros: false, free: [] }
  }
  const free: Array<[number, number]> = []
  for (const segment of image.segments) {
    const which = image.segments.length > 1 ? `image ${segment.name}: ` : ''
    const map = await extFreeMap(segment.path, segment.size)
    if (map.kind === 'ext') {
      log(`${which}${map.partitions === 0 ? 'ext file system' : `ext file systems in ${map.partitions} of the disk image's partitions`}: sending only the blocks in use (${map.freeBytes} of ${segment.size} bytes free, from dumpe2fs) and no all-zero block; --raw sends every byte`)
      // Free up to the image's end: free through the padding of its last block too (image-parts.ts).
      const paddedEnd = segment.offset + Math.min(Math.ceil(segment.size / blockSize) * blockSize, image.size - segment.offset)
      for (const [start, end] of map.ranges) free.push([segment.offset + start, end === segment.size ? paddedEnd : segment.offset + end])
    } else {
      log(`${which}sending every block that is not all zeros${map.why !== undefined ? ` (no used-blocks map: ${map.why})` : ''}; --raw sends every byte`)
    }
  }
  return { skipZeros: true, free }
}

export class SourceHashes implements BatchSource, SourceManifest {
  private readonly batches: HashBatch[] = []
  private waiters: Array<() => void> = []
  private readonly digest: ImageDigest
  private readonly perBatch: number
  private readonly blocks: number
  private readonly batchesDigest = new BatchesDigest()
  private readonly segments: readonly ImageSegment[]
  private signedEnd?: Promise<SignedEnd>
  private hashed = false
  private failure?: Error
  /** Image bytes by content, counted as batches arrive. */
  readonly totals: ContentTotals = { data: 0, zero: 0, free: 0 }
  /** The same for each image of a session of several (none for one). */
  readonly segmentTotals: ContentTotals[]

  constructor (segments: readonly ImageSegment[], private readonly params: SessionParams, private readonly signer: SourceSigner, now: () => number,
    policy: ContentPolicy = { skipZeros: false, free: [] }) {
    this.perBatch = batchBlocks(params.blockSize)
    this.blocks = blockCount(params)
    this.segments = segments.length > 1 ? segments : []
    this.segmentTotals = this.segments.map(() => ({ data: 0, zero: 0, free: 0 }))
    this.digest = new ImageDigest({
      segments,
      size: params.imageSize,
      blockSize: params.blockSize,
      batchBlocks: this.perBatch,
      skipZeros: policy.skipZeros,
      free: policy.free,
      now,
      onBatch: (index, hashes, contents) => {
        const batch = this.batches[index] = signer.signBatch(index, hashes, contents)
        this.batchesDigest.add(batch)
        this.count(batch)
        this.wakeAll()
      }
    })
    // The end of the pass (or its failure) wakes feeds still waiting for a batch.
    this.digest.digest().then(() => { this.hashed = true }, err => { this.failure = err as Error }).finally(() => this.wakeAll())
  }

  /**
   * The digest END vouches for, what every node reports back: the image's
   * SHA-256 (what sha256sum prints), or, when some blocks are FREE, the
   * SHA-256 of the signed batches (DIGEST_BATCHES_SHA256).
   */
  async imageSha256 (): Promise<Uint8Array> {
    return (await this.end()).imageSha256
  }

  /** DIGEST_IMAGE_SHA256 or DIGEST_BATCHES_SHA256, once the pass is done. */
  async digestKind (): Promise<number> {
    return (await this.end()).digestKind
  }

  /** For a session of several images, each one's SHA-256 once hashed (what sha256sum of it prints; undefined where some of its blocks are FREE). */
  get imageSha256s (): Array<Uint8Array | undefined> {
    return this.digest.segmentSha256
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
    const at = (blockIndex % this.perBatch) * HASH_BYTES
    return batch.hashes.subarray(at, at + HASH_BYTES)
  }

  async content (blockIndex: number): Promise<number> {
    return (await this.batch(Math.floor(blockIndex / this.perBatch))).contents[blockIndex % this.perBatch]!
  }

  /** What block `blockIndex` holds, if its batch is hashed. */
  contentOf (blockIndex: number): number | undefined {
    return this.batches[Math.floor(blockIndex / this.perBatch)]?.contents[blockIndex % this.perBatch]
  }

  nextDataBlock (after: number): number | undefined {
    for (let i = after + 1; i < this.blocks; i++) {
      const content = this.batches[Math.floor(i / this.perBatch)]?.contents[i % this.perBatch]
      if (content === undefined) return undefined
      if (content === CONTENT_DATA) return i
    }
    return undefined
  }

  async end (): Promise<SignedEnd> {
    this.signedEnd ??= this.digest.digest().then(sha256 => sha256 !== undefined
      ? this.signer.signEnd(sha256, DIGEST_IMAGE_SHA256)
      : this.signer.signEnd(this.batchesDigest.digest(), DIGEST_BATCHES_SHA256))
    return await this.signedEnd
  }

  async stop (): Promise<void> {
    await this.digest.stop()
  }

  private count (batch: HashBatch): void {
    const { blockSize, imageSize } = this.params
    for (const [i, content] of batch.contents.entries()) {
      const offset = (batch.index * this.perBatch + i) * blockSize
      const bytes = Math.min(blockSize, imageSize - offset)
      add(this.totals, content, bytes)
      // A block is one image's: its padding is not counted there.
      const which = this.segments.findIndex(s => offset < s.offset + s.size)
      const seg = this.segments[which]
      if (seg !== undefined) add(this.segmentTotals[which]!, content, Math.min(bytes, seg.offset + seg.size - offset))
    }
  }

  private wakeAll (): void {
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w()
  }
}

function add (t: ContentTotals, content: number, bytes: number): void {
  if (content === CONTENT_ZERO) t.zero += bytes
  else if (content === CONTENT_FREE) t.free += bytes
  else t.data += bytes
}
