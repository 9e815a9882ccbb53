// The credit window of one hop (protocol 5), kept the same way by both ends:
// the sender to know when it may send, the receiver to know the sender kept
// to it. It counts what the receiver may have to buffer, not image offsets:
// a SKIP frame can cover 32 MiB of image with 40 bytes.
//
//   item (a BLOCK or a SKIP)   cost = its payload bytes (a SKIP: FRAME_CREDIT_BYTES)
//                                     + FRAME_CREDIT_BYTES per hash batch sent just before it
//
// An item's cost is returned when the receiver acknowledges its end. Every
// batch precedes the first item that needs it, so both ends charge each
// batch to the same item. The first item after an empty window always fits,
// whatever it costs (the catch-up batches of a resumed node, a block as
// large as the window): without that, a sender could wait forever for
// credit nothing in flight would return.

import { MAX_HASHES_FRAME_BYTES } from '../wire/protocol.js'

/**
 * What a SKIP or HASHES frame costs: the most bytes such a frame may be (so
 * frames sent on credit can never make a receiver hold more than the window).
 */
export const FRAME_CREDIT_BYTES = MAX_HASHES_FRAME_BYTES

export class HopCredit {
  private readonly items: Array<{ end: number, cost: number }> = []
  private head = 0
  /** Credit in use: the cost of every item not yet acknowledged. */
  used = 0

  constructor (readonly windowBytes: number) {}

  /** Whether an item costing `cost` may be sent now. */
  fits (cost: number): boolean {
    return this.used === 0 || this.used + cost <= this.windowBytes
  }

  take (end: number, cost: number): void {
    this.items.push({ end, cost })
    this.used += cost
  }

  /** The credit an ack through `through` would return. */
  freedBy (through: number): number {
    let freed = 0
    for (let i = this.head; i < this.items.length && this.items[i]!.end <= through; i++) freed += this.items[i]!.cost
    return freed
  }

  /** Return the credit of every item ending at or below `through`. */
  release (through: number): void {
    while (this.head < this.items.length && this.items[this.head]!.end <= through) this.used -= this.items[this.head++]!.cost
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head)
      this.head = 0
    }
  }
}
