// The source's signed block hashes a node holds: every batch from the first
// through the newest it received, in order, as compact owned buffers (33
// bytes per block, its hash and what it holds, plus 64 per batch: 2 MiB for
// a 4 GiB image in 64 KiB blocks). This is the node's whole index of the image: it says what each
// block must hash to, and it is what the node forwards so that its own
// downstreams can check the signatures too.
//
// Before protocol 4 the index kept, per block, a view into the chunk the
// block's header arrived in, which pinned received buffers: a node's RSS
// grew with the image (1.1 GB for 1 GiB in 64 KiB blocks).

import { RingcastError } from '../errors.js'
import { CONTENT_DATA, HASH_BYTES } from '../wire/protocol.js'
import type { SessionParams } from '../wire/session-params.js'
import { batchBlocks, batchCount, blockCount, type HashBatch } from './source-signature.js'

/** Where a sender gets the batch that must precede a block (a node's index, or the source's manifest). */
export interface BatchSource {
  /** Batch `index`; waits until it is there. */
  batch: (index: number) => Promise<HashBatch>
}

export class HashIndex implements BatchSource {
  private readonly batches: HashBatch[] = []
  private readonly perBatch: number
  readonly totalBatches: number
  private readonly totalBlocks: number
  private waiters: Array<() => void> = []

  constructor (params: Pick<SessionParams, 'imageSize' | 'blockSize'>) {
    this.perBatch = batchBlocks(params.blockSize)
    this.totalBatches = batchCount(params)
    this.totalBlocks = blockCount(params)
  }

  /** Batches held, from the first: the next one expected has this index. */
  get held (): number {
    return this.batches.length
  }

  get complete (): boolean {
    return this.batches.length === this.totalBatches
  }

  /** Keep a batch already checked against the source's signature; batches come in order. */
  add (batch: HashBatch): void {
    if (batch.index !== this.batches.length) throw new RingcastError('INTERNAL', `hash batch ${batch.index} added after ${this.batches.length}`)
    this.batches.push(batch)
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w()
  }

  /** The signed hash of block `blockIndex`, if its batch is here. */
  hashOf (blockIndex: number): Uint8Array | undefined {
    if (!Number.isInteger(blockIndex) || blockIndex < 0 || blockIndex >= this.totalBlocks) return undefined
    const batch = this.batches[Math.floor(blockIndex / this.perBatch)]
    if (batch === undefined) return undefined
    const at = (blockIndex % this.perBatch) * HASH_BYTES
    return batch.hashes.subarray(at, at + HASH_BYTES)
  }

  /** What block `blockIndex` holds (CONTENT_DATA, _ZERO, _FREE), if its batch is here. */
  contentOf (blockIndex: number): number | undefined {
    if (!Number.isInteger(blockIndex) || blockIndex < 0 || blockIndex >= this.totalBlocks) return undefined
    return this.batches[Math.floor(blockIndex / this.perBatch)]?.contents[blockIndex % this.perBatch]
  }

  /**
   * Where the run of blocks that are not DATA, starting at block
   * `blockIndex`, ends (a block index), going no further than `limit` nor
   * past the end of the batch it starts in: the canonical SKIP. Undefined
   * when that block is DATA or its batch is not here.
   */
  skipEnd (blockIndex: number, limit = this.totalBlocks): number | undefined {
    const first = this.contentOf(blockIndex)
    if (first === undefined || first === CONTENT_DATA) return undefined
    const stop = Math.min(limit, this.totalBlocks, (this.batchIndexOf(blockIndex) + 1) * this.perBatch)
    let end = blockIndex + 1
    while (end < stop && this.contentOf(end) !== CONTENT_DATA) end++
    return end
  }

  /** The batch covering block `blockIndex`. */
  batchIndexOf (blockIndex: number): number {
    return Math.floor(blockIndex / this.perBatch)
  }

  async batch (index: number): Promise<HashBatch> {
    if (index >= this.totalBatches) throw new RingcastError('INTERNAL', `hash batch ${index} asked of a ${this.totalBatches}-batch image`)
    while (this.batches[index] === undefined) await new Promise<void>(resolve => this.waiters.push(resolve))
    return this.batches[index]!
  }

  /** The signed hash of block `blockIndex`, waiting for its batch. */
  async hash (blockIndex: number): Promise<Uint8Array> {
    await this.batch(this.batchIndexOf(blockIndex))
    return this.hashOf(blockIndex)!
  }

  /** Bytes the index holds. */
  get heldBytes (): number {
    let n = 0
    for (const b of this.batches) n += b.hashes.byteLength + b.contents.byteLength + b.signature.byteLength
    return n
  }
}
