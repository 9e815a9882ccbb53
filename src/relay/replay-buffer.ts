// What a node keeps of the blocks it has verified, so it can serve a
// downstream that is behind it: a node spliced in after its upstream died, a
// node restarted after a crash, a node that joined late.
//
//   0 ............................... writtenThrough .... verifiedThrough
//   |<-- on the target: read back -->|                   |
//                          |<--- replay buffer (memory, newest R bytes) --->|
//
// The newest `capacityBytes` of verified blocks stay in memory (Kascade's
// cyclic buffer); anything older is read back from the node's own target and
// checked against the source's signed hash (HashIndex) before it is sent on.
// A block in memory holds its slabs (src/net/slabs.ts) until it falls out.

import type { Payload } from './hash.js'
import { slabs } from '../net/slabs.js'

/** A block written, or a run of blocks skipped (as the journal keeps them: JournalBlock). */
export interface KnownBlock {
  offset: number
  length: number
  hash: Uint8Array
  /** CONTENT_DATA when absent; a run of CONTENT_ZERO or CONTENT_FREE blocks (no hash) otherwise. */
  content?: number
}

/** Where a contiguous run of blocks from 0 ends (0 for none). */
export function endOfBlocks (blocks: readonly KnownBlock[]): number {
  const last = blocks.at(-1)
  return last === undefined ? 0 : last.offset + last.length
}

/** A verified block in memory; its hash is the index's. */
export interface ReplayBlock {
  offset: number
  length: number
  /** The block's bytes, or with `compressedLength` its zstd frame as it came (it goes on as it came). */
  payload: Payload
  compressedLength?: number
}

export class ReplayBuffer {
  /** Verified blocks, oldest first, contiguous. */
  private readonly blocks: Array<ReplayBlock | undefined> = []
  private head = 0
  private bytes = 0

  constructor (readonly capacityBytes: number) {}

  /** Keep a newly verified block; the oldest fall out once over capacity. */
  add (block: ReplayBlock): void {
    if (this.capacityBytes <= 0) return
    slabs.hold(block.payload)
    this.blocks.push(block)
    this.bytes += block.length
    while (this.bytes > this.capacityBytes && this.head < this.blocks.length) {
      const oldest = this.blocks[this.head]!
      this.bytes -= oldest.length
      slabs.release(oldest.payload)
      this.blocks[this.head++] = undefined
    }
    // Compact now and then, so the array does not grow with the image.
    if (this.head > 1024 && this.head * 2 > this.blocks.length) {
      this.blocks.splice(0, this.head)
      this.head = 0
    }
  }

  /** The block at `offset` if it is still in memory. */
  get (offset: number): ReplayBlock | undefined {
    let lo = this.head
    let hi = this.blocks.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      const b = this.blocks[mid]!
      if (b.offset === offset) return b
      if (b.offset < offset) lo = mid + 1
      else hi = mid - 1
    }
    return undefined
  }

  /** Payload bytes held in memory. */
  get heldBytes (): number {
    return this.bytes
  }

  /** Lowest offset still in memory (Infinity when empty). */
  get oldestOffset (): number {
    return this.blocks[this.head]?.offset ?? Number.POSITIVE_INFINITY
  }
}
