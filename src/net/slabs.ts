// Slabs: the memory data-plane sockets read into (in-place-reads.ts), used
// again once nothing holds any part of them, so a node's steady state
// allocates nothing per byte received (docs/runtime-facts.md, "Socket reads
// into slabs").
//
// Who holds a slab, and until when (each hold is a hold() matched by a
// release() with the same chunks):
//
//   the socket reader     from its first read into it until the reader has
//                         consumed past its last byte (in-place-reads.ts)
//   the block receiver    a block's chunks from their read until the
//                         pipeline took them (relay-pipeline.ts)
//   the write queue       until the block is on the target
//   the replay buffer     until the block falls out of it
//   a forwarder           a piece or a replayed block until it is handed to
//                         the socket (forwarder.ts)
//   the socket writer     until the socket's write callback (socket-channel.ts)
//
// A slab returns to the pool only when every hold is released and the reader
// has moved on to another. A hold that is never released (a socket that
// dies with writes queued) only costs that slab: the GC takes it as it would
// any Buffer. A missed hold would be worse: the slab would be read into while
// still in use. So anything that keeps a chunk past the current synchronous
// step holds it, and a Channel that cannot say when it has sent a chunk
// copies slab memory before it keeps it (channel.ts, the test network).

/** A slab's size: a few socket reads, or one 1 MiB block. */
export const SLAB_BYTES = 1_048_576
/** Slabs kept for use again; beyond this the GC takes returned ones (a node holds about window + replay buffer). */
const MAX_FREE_SLABS = 48

interface Slab {
  bytes: Buffer
  holds: number
  /** Still being read into (the reader's current slab). */
  current: boolean
  /** In the free list. */
  pooled: boolean
}

export class SlabPool {
  private readonly free: Slab[] = []
  private readonly byBuffer = new WeakMap<ArrayBufferLike, Slab>()
  /** Slabs made, and slabs given out again (for tests and benchmarks). */
  created = 0
  reused = 0

  constructor (private readonly maxFree = MAX_FREE_SLABS) {}

  /** A slab to read into, held once by the caller (released with retire()). */
  take (): Buffer {
    let slab = this.free.pop()
    // Held again since it came back (a keeper took it in the same tick): it
    // goes back to the pool once that hold is released.
    while (slab !== undefined && slab.holds > 0) {
      slab.pooled = false
      slab = this.free.pop()
    }
    if (slab === undefined) {
      slab = { bytes: Buffer.allocUnsafeSlow(SLAB_BYTES), holds: 0, current: false, pooled: false }
      this.byBuffer.set(slab.bytes.buffer, slab)
      this.created++
    } else {
      slab.pooled = false
      this.reused++
    }
    slab.current = true
    return slab.bytes
  }

  /** The reader is done with `bytes` (from take()): it may be used again once no one holds it. */
  retire (bytes: Uint8Array): void {
    const slab = this.byBuffer.get(bytes.buffer)
    if (slab === undefined) return
    slab.current = false
    this.recycleIfFree(slab)
  }

  /** Whether `chunk` lies in a slab (it must be held, or copied, to be kept). */
  isSlab (chunk: Uint8Array): boolean {
    return this.byBuffer.has(chunk.buffer)
  }

  /** Keep the slabs under `chunks` from being used again (chunks from elsewhere are ignored). */
  hold (chunks: readonly Uint8Array[]): void {
    for (const c of chunks) {
      const slab = this.byBuffer.get(c.buffer)
      if (slab !== undefined) slab.holds++
    }
  }

  /** Undo one hold() of the same chunks. */
  release (chunks: readonly Uint8Array[]): void {
    for (const c of chunks) {
      const slab = this.byBuffer.get(c.buffer)
      if (slab === undefined) continue
      if (slab.holds <= 0) throw new Error('slab released more often than held')
      slab.holds--
      this.recycleIfFree(slab)
    }
  }

  /** Slabs waiting in the pool. */
  get freeCount (): number {
    return this.free.length
  }

  private recycleIfFree (slab: Slab): void {
    if (slab.holds > 0 || slab.current || slab.pooled || this.free.length >= this.maxFree) return
    slab.pooled = true
    this.free.push(slab)
  }
}

/** The process's pool: every data-plane socket reads into it. */
export const slabs = new SlabPool()

/** `bytes`, or a copy of them if they lie in a slab (for a keeper that cannot hold). */
export function ownedIfSlab (bytes: Uint8Array): Uint8Array {
  return slabs.isSlab(bytes) ? new Uint8Array(bytes) : bytes
}
