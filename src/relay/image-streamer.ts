// The source end of a chain: reads the image in blocks and feeds a node,
// from whatever offset that node asks for: the head from 0, a node re-fed
// after its upstream died from where it stopped. The signed hash batches
// and the signed END come from the source's manifest (built by one pass
// over the image, ImageDigest). Blocks are not hashed again here: the node
// checks each against the signed hash, and if it says the source's data
// does not match, the coordinator re-reads that block itself to tell an
// image that changed under it from damage in transit (coordinator.ts,
// onLie). Hashing every block here cost the source 0.6 CPU-s/GB.
//
// Block buffers come from a fixed pool and go back to it once the head has
// acknowledged the block (so the transport is surely done with them). Reusing
// them matters: allocating a fresh 1 MiB buffer per block made V8 collect
// garbage ten times as often as the transport alone (see README, numbers).
//
//   pool:  [ in flight, unacknowledged (≤ window) | read ahead (≤ 4) | free ]

import type { ImageSource } from '../image/image-file.js'
import { ProtocolError } from '../errors.js'
import type { BlockSender } from './block-sender.js'
import type { RateLimiter } from './rate-limiter.js'
import { batchBlocks, type SignedEnd } from './source-signature.js'
import { CONTENT_DATA } from '../wire/protocol.js'
import { compressBlock } from './compression.js'

/** Blocks read ahead of the one being sent, so the disk overlaps the network. */
const READ_AHEAD_BLOCKS = 4

export interface SourceBlock {
  offset: number
  payload: Uint8Array
  /** Give the buffer back to the pool; call once the block is acknowledged. */
  release: () => void
}

/** Fixed-size buffers, handed out and returned; waits when all are out. */
export class BufferPool {
  private readonly free: Buffer[] = []
  private created = 0
  private waiters: Array<(b: Buffer) => void> = []

  constructor (readonly bufferBytes: number, readonly maxBuffers: number) {}

  async acquire (): Promise<Buffer> {
    const b = this.free.pop()
    if (b !== undefined) return b
    if (this.created < this.maxBuffers) { this.created++; return Buffer.allocUnsafeSlow(this.bufferBytes) }
    return await new Promise(resolve => this.waiters.push(resolve))
  }

  release (b: Buffer): void {
    const waiter = this.waiters.shift()
    if (waiter !== undefined) waiter(b)
    else this.free.push(b)
  }
}

/** Reads blocks once, in increasing order, through a BufferPool. */
export class BlockReader {
  /** The last block taken. */
  private lastIndex = -1
  private readonly ahead = new Map<number, Promise<{ buffer: Buffer, bytes: Uint8Array }>>()
  readonly pool: BufferPool

  /**
   * `nextData(i)`: the next block after `i` that will be taken, when known
   * (the source's manifest skips blocks that are not DATA); read-ahead goes
   * no further than it knows.
   */
  constructor (private readonly image: ImageSource, readonly blockSize: number, windowBytes: number,
    private readonly nextData: (index: number) => number | undefined = i => i + 1) {
    if (!(blockSize > 0) || !(windowBytes >= blockSize)) throw new RangeError(`BlockReader: window ${windowBytes} must hold at least one ${blockSize}-byte block`)
    this.pool = new BufferPool(blockSize, Math.ceil(windowBytes / blockSize) + READ_AHEAD_BLOCKS + 1)
  }

  get blockCount (): number {
    return Math.ceil(this.image.size / this.blockSize)
  }

  /** Block `index`; blocks must be taken in increasing order, each at most once. */
  async block (index: number): Promise<SourceBlock> {
    if (index <= this.lastIndex) throw new Error(`BlockReader: block ${index} taken out of order`)
    let next: number | undefined = index
    for (let n = 0; n < READ_AHEAD_BLOCKS && next !== undefined && next < this.blockCount; n++, next = this.nextData(next)) {
      if (!this.ahead.has(next)) this.ahead.set(next, this.load(next))
    }
    // Blocks read ahead that will not be taken after all give their buffers back.
    for (const [i, loading] of this.ahead) {
      if (i < index) { this.ahead.delete(i); void loading.then(l => this.pool.release(l.buffer), () => {}) }
    }
    const { buffer, bytes: payload } = await this.ahead.get(index)!
    this.ahead.delete(index)
    this.lastIndex = index
    return { offset: index * this.blockSize, payload, release: () => this.pool.release(buffer) }
  }

  private async load (index: number): Promise<{ buffer: Buffer, bytes: Uint8Array }> {
    const buffer = await this.pool.acquire()
    const offset = index * this.blockSize
    // A source may fill our buffer or hand back its own; use what it returns.
    const bytes = await this.image.read(offset, Math.min(this.blockSize, this.image.size - offset), buffer)
    return { buffer, bytes }
  }
}

/** What the source signed, as a feed needs it. */
export interface SourceManifest {
  /** The signed hash of block `index`, once the manifest has it. */
  hash: (blockIndex: number) => Promise<Uint8Array>
  /** What block `index` holds (CONTENT_DATA, _ZERO, _FREE), once the manifest has it. */
  content: (blockIndex: number) => Promise<number>
  /** The next DATA block after `index`, if the manifest knows it yet. */
  nextDataBlock: (index: number) => number | undefined
  /** The signed END, once the whole image is hashed. */
  end: () => Promise<SignedEnd>
}

/**
 * Feed `sender` from the offset its downstream asked for (the HELLO
 * handshake), then END. Returns the offset it started at. With a limiter,
 * blocks go no faster than it allows.
 */
export async function streamImage (reader: BlockReader, sender: BlockSender, imageSize: number, manifest: SourceManifest, limiter?: RateLimiter, compressionLevel = 0): Promise<number> {
  const from = await sender.start()
  if (from % reader.blockSize !== 0 || from > imageSize) {
    throw new ProtocolError(`downstream asked to resume at ${from}, which is not a block boundary of this ${imageSize}-byte image`)
  }
  const { blockSize, blockCount } = reader
  const perBatch = batchBlocks(blockSize)
  for (let i = from / blockSize; i < blockCount;) {
    if (await manifest.content(i) !== CONTENT_DATA) {
      // A SKIP over the run of blocks that are not DATA, within this batch.
      const stop = Math.min(blockCount, (Math.floor(i / perBatch) + 1) * perBatch)
      let end = i + 1
      while (end < stop && await manifest.content(end) !== CONTENT_DATA) end++
      await sender.sendSkip(i * blockSize, Math.min(end * blockSize, imageSize) - i * blockSize)
      i = end
      continue
    }
    const block = await reader.block(i)
    // serve --compress: the block's zstd frame where that pays (compression.ts).
    const compressed = compressionLevel > 0 ? compressBlock(block.payload, compressionLevel) : undefined
    await limiter?.take(compressed?.byteLength ?? block.payload.byteLength)
    await sender.sendBlock(block.offset, compressed ?? block.payload, compressed === undefined ? undefined : { length: block.payload.byteLength })
    sender.waitAcked(block.offset + block.payload.byteLength).then(block.release, block.release)
    i++
  }
  await sender.sendEnd(await manifest.end())
  return from
}
