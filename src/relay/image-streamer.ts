// The source end of the chain: reads the image in blocks, hashes each block
// and the whole image (both SHA-256), and feeds the head of the chain.
//
// Block buffers come from a fixed pool and go back to it once the head has
// acknowledged the block (so the transport is surely done with them). Reusing
// them matters: allocating a fresh 1 MiB buffer per block made V8 collect
// garbage ten times as often as the transport alone (see README, numbers).
//
//   pool:  [ in flight, unacknowledged (≤ window) | read ahead (≤ 4) | free ]

import { createHash } from 'node:crypto'
import type { ImageSource } from '../image/image-file.js'
import type { BlockSender } from './block-sender.js'
import { blockHash } from './hash.js'

/** Blocks read ahead of the one being sent, so the disk overlaps the network. */
const READ_AHEAD_BLOCKS = 4

export interface SourceBlock {
  offset: number
  payload: Uint8Array
  hash: Uint8Array
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

  get allocatedBuffers (): number {
    return this.created
  }
}

/** Reads blocks once, in order, through a BufferPool. */
export class BlockReader {
  private readonly wholeHash = createHash('sha256')
  private hashedThrough = 0
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
    if (offset !== this.hashedThrough) throw new Error(`BlockReader: block ${index} taken out of order`)
    this.wholeHash.update(payload)
    this.hashedThrough += payload.byteLength
    return { offset, payload, hash: blockHash(payload), release: () => this.pool.release(buffer) }
  }

  /** SHA-256 of the whole image; valid once every block was taken. */
  digest (): Uint8Array {
    return new Uint8Array(this.wholeHash.copy().digest())
  }

  private async load (index: number): Promise<{ buffer: Buffer, bytes: Uint8Array }> {
    const buffer = await this.pool.acquire()
    const offset = index * this.blockSize
    // A source may fill our buffer or hand back its own; use what it returns.
    const bytes = await this.image.read(offset, Math.min(this.blockSize, this.image.size - offset), buffer)
    return { buffer, bytes }
  }
}

/** Stream the whole image to `sender`, then END; returns the image digest. */
export async function streamImage (reader: BlockReader, sender: BlockSender, imageSize: number): Promise<Uint8Array> {
  for (let i = 0; i < reader.blockCount; i++) {
    const block = await reader.block(i)
    await sender.sendBlock(block.offset, block.payload, block.hash)
    sender.waitAcked(block.offset + block.payload.byteLength).then(block.release, block.release)
  }
  const imageDigest = reader.digest()
  await sender.sendEnd(imageSize, imageDigest)
  return imageDigest
}
