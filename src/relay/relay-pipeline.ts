// A node's pipeline for one image:
//
//   upstream --> [receive] --> [verify hash] --+--> [write to target] --> ack upstream
//                  (loop A)      (thread pool)  |        (in order)
//                                               +--> [forward downstream]
//                                                     (credit-bounded)
//
// Loop A reads frames and starts each block's hash as soon as it arrives; loop
// B takes blocks in order, checks the hash, forwards the block and queues its
// write. A block is acknowledged upstream only once verified and written, so
// the upstream's credit window bounds everything this node holds in memory.

import { createHash } from 'node:crypto'
import { RingcastError } from '../errors.js'
import type { Target } from '../storage/target.js'
import { AsyncQueue } from './async-queue.js'
import type { BlockReceiver } from './block-receiver.js'
import type { BlockSender } from './block-sender.js'
import { sameBytes, sha256, toHex } from './hash.js'

export interface PipelineResult {
  /** SHA-256 of the bytes written, in order. */
  digest: Uint8Array
  /** The source's whole-image SHA-256, as carried by END. */
  sourceDigest: Uint8Array
  /** Milliseconds from the first block to the fsync completing. */
  elapsedMs: number
}

interface Pending { offset: number, payload: Uint8Array, hash: Uint8Array, computed: Promise<Uint8Array> }

export class RelayPipeline {
  writtenThrough = 0
  bytesReceived = 0
  /** Most payload bytes ever received but not yet written (bounded by the window). */
  peakInflightBytes = 0
  /** Forwarding stopped because the downstream failed; the local copy goes on. */
  downstreamFailure?: Error

  constructor (
    private readonly target: Target,
    private readonly imageSize: number,
    private readonly now: () => number = Date.now
  ) {}

  async run (upstream: BlockReceiver, downstream?: BlockSender): Promise<PipelineResult> {
    const queue = new AsyncQueue<Pending | { end: Uint8Array }>()
    let startedAt: number | undefined
    const receive = (async () => {
      while (true) {
        const item = await upstream.next()
        if (item.kind === 'end') { queue.push({ end: item.imageHash }); queue.end(); return }
        startedAt ??= this.now()
        this.bytesReceived += item.payload.byteLength
        this.peakInflightBytes = Math.max(this.peakInflightBytes, upstream.receivedThrough - this.writtenThrough)
        queue.push({ ...item, computed: sha256(item.payload) })
      }
    })()
    receive.catch(err => queue.fail(err as Error))

    const whole = createHash('sha256')
    let writes = Promise.resolve()
    let writeFailure: Error | undefined
    let sourceDigest: Uint8Array | undefined
    try {
      for await (const item of queue) {
        if (writeFailure !== undefined) throw writeFailure
        if ('end' in item) { sourceDigest = item.end; break }
        const computed = await item.computed
        if (!sameBytes(computed, item.hash)) {
          throw new RingcastError('INTEGRITY', `block at ${item.offset} failed verification (sha256 ${toHex(computed).slice(0, 16)}…, upstream said ${toHex(item.hash).slice(0, 16)}…)`)
        }
        whole.update(item.payload)
        const end = item.offset + item.payload.byteLength
        writes = writes.then(async () => {
          if (writeFailure !== undefined) return
          await this.target.write(item.offset, item.payload)
          this.writtenThrough = end
          await upstream.ack(end).catch(() => {})
        }).catch(err => { writeFailure ??= err as Error })
        await this.forward(downstream, item)
      }
      await writes
      if (writeFailure !== undefined) throw writeFailure
      await receive
    } catch (err) {
      // Let queued writes settle, so nothing lands on the target after we
      // report failure and the caller closes it.
      await writes
      await upstream.refuse(`node failed: ${(err as Error).message}`)
      throw err
    }
    if (sourceDigest === undefined) throw new RingcastError('INTERNAL', 'pipeline ended without END')
    await this.target.finish(this.imageSize)
    const digest = new Uint8Array(whole.digest())
    if (!sameBytes(digest, sourceDigest)) {
      throw new RingcastError('INTEGRITY', `image digest ${toHex(digest)} differs from the source's ${toHex(sourceDigest)}`)
    }
    if (downstream !== undefined && this.downstreamFailure === undefined) {
      await downstream.sendEnd(this.imageSize, sourceDigest).catch(err => { this.downstreamFailure = err as Error })
    }
    return { digest, sourceDigest, elapsedMs: this.now() - (startedAt ?? this.now()) }
  }

  /** Forward one verified block; a dead downstream is recorded, never fatal here. */
  private async forward (downstream: BlockSender | undefined, item: Pending): Promise<void> {
    if (downstream === undefined || this.downstreamFailure !== undefined) return
    try {
      await downstream.sendBlock(item.offset, item.payload, item.hash)
    } catch (err) {
      this.downstreamFailure = err as Error
    }
  }
}
