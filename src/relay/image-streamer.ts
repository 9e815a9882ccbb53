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
import type { SignedEnd } from './source-signature.js'

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

/** Reads blocks once, in order, through a BufferPool. */
export class BlockReader {
  /** The next block to be taken; set by the first call. */
  private nextIndex?: number
  private readonly ahead = new Map<number, Promise<{ buffer: Buffer, bytes: Uint8Array }>>()
  readonly pool: BufferPool

  constructor (private readonly image: ImageSource, readonly blockSize: number, windowBytes: number) {
    if (!(blockSize > 0) || !(windowBytes >= blockSize)) throw new RangeError(`BlockReader: window ${windowBytes} must hold at least one ${blockSize}-byte block`)
    this.pool = new BufferPool(blockSize, Math.ceil(windowBytes / blockSize) + READ_AHEAD_BLOCKS + 1)
  }

  get blockCount (): number {
    return Math.ceil(this.image.size / this.blockSize)
  }

  /** Block `index`; blocks must be taken in order, each exactly once. */
  async block (index: number): Promise<SourceBlock> {
    for (let i = index; i < Math.min(index + READ_AHEAD_BLOCKS, this.blockCount); i++) {
      if (!this.ahead.has(i)) this.ahead.set(i, this.load(i))
    }
    const { buffer, bytes: payload } = await this.ahead.get(index)!
    this.ahead.delete(index)
    const offset = index * this.blockSize
    if (this.nextIndex !== undefined && index !== this.nextIndex) throw new Error(`BlockReader: block ${index} taken out of order`)
    this.nextIndex = index + 1
    return { offset, payload, release: () => this.pool.release(buffer) }
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
  /** The signed END, once the whole image is hashed. */
  end: () => Promise<SignedEnd>
}

/**
 * Feed `sender` from the offset its downstream asked for (the HELLO
 * handshake), then END. Returns the offset it started at. With a limiter,
 * blocks go no faster than it allows.
 */
export async function streamImage (reader: BlockReader, sender: BlockSender, imageSize: number, manifest: SourceManifest, limiter?: RateLimiter): Promise<number> {
  const from = await sender.start()
  if (from % reader.blockSize !== 0 || from > imageSize) {
    throw new ProtocolError(`downstream asked to resume at ${from}, which is not a block boundary of this ${imageSize}-byte image`)
  }
  for (let i = from / reader.blockSize; i < reader.blockCount; i++) {
    const block = await reader.block(i)
    await limiter?.take(block.payload.byteLength)
    await sender.sendBlock(block.offset, block.payload)
    sender.waitAcked(block.offset + block.payload.byteLength).then(block.release, block.release)
  }
  await sender.sendEnd(await manifest.end())
  return from
}
