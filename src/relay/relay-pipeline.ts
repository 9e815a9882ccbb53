// A node's pipeline for one image:
//
//   upstream --> [receive] --> [verify SHA-256] --+--> [write to target] --> ack upstream
//                 (frames,       (sync, ~0.65 ms   |     (in order, libuv pool)
//                  no copy)        per MiB)         +--> [forward downstream]
//                                                        (credit-bounded)
//
// One loop reads a block, verifies it, folds it into the whole-image SHA-256,
// queues its write and forwards it; writes complete in order behind it. A
// block is acknowledged upstream only once verified and written, so the
// upstream's credit window bounds everything this node holds in memory.
//
// The upstream may change mid-image (the coordinator re-wires around a dead
// node): a lost upstream is closed, and the next one starts where we stand.

import { createHash } from 'node:crypto'
import { RingcastError } from '../errors.js'
import type { Target } from '../storage/target.js'
import type { BlockReceiver, Received } from './block-receiver.js'
import type { BlockSender } from './block-sender.js'
import { blockHash, sameBytes, toHex } from './hash.js'

export interface PipelineResult {
  /** SHA-256 of the bytes written, in order. */
  digest: Uint8Array
  /** The source's whole-image SHA-256, as carried by END. */
  sourceDigest: Uint8Array
  /** Milliseconds from the first block to the fsync completing. */
  elapsedMs: number
}

type Block = Extract<Received, { kind: 'block' }>

export class RelayPipeline {
  writtenThrough = 0
  bytesReceived = 0
  /** Most payload bytes ever received but not yet written (bounded by the window). */
  peakInflightBytes = 0
  /** Forwarding stopped because the downstream failed; the local copy goes on. */
  downstreamFailure?: Error

  private writes = Promise.resolve()
  private writeFailure?: Error

  constructor (
    private readonly target: Target,
    private readonly imageSize: number,
    private readonly now: () => number = Date.now
  ) {}

  /**
   * Receive the image from a succession of upstreams. `nextUpstream` yields
   * the next accepted upstream; when one is lost (closed, reset, or broke the
   * protocol) the pipeline takes the next and resumes where it stands: the
   * HELLO answer tells the new upstream to start at `writtenThrough`.
   */
  async run (nextUpstream: () => Promise<BlockReceiver>, downstream?: BlockSender): Promise<PipelineResult> {
    const whole = createHash('sha256')
    let startedAt: number | undefined
    let sourceDigest: Uint8Array | undefined
    let upstream: BlockReceiver | undefined
    try {
      while (sourceDigest === undefined) {
        upstream = await nextUpstream()
        // Settle queued writes first, so what we ask for is exactly what we lack.
        await this.writes
        if (this.writeFailure !== undefined) throw this.writeFailure
        try {
          await upstream.hello(this.writtenThrough)
        } catch (err) {
          this.upstreamLost(upstream, err)
          continue
        }
        while (true) {
          let item: Received
          try {
            item = await upstream.next()
          } catch (err) {
            // A failed write interrupts the read (see queueWrite): that is fatal, not a lost upstream.
            if (this.writeFailure !== undefined) throw this.writeFailure
            this.upstreamLost(upstream, err)
            break
          }
          if (item.kind === 'end') { sourceDigest = item.imageHash; break }
          startedAt ??= this.now()
          this.bytesReceived += item.length
          this.peakInflightBytes = Math.max(this.peakInflightBytes, upstream.receivedThrough - this.writtenThrough)
          if (this.writeFailure !== undefined) throw this.writeFailure
          const computed = blockHash(item.payload)
          if (!sameBytes(computed, item.hash)) {
            throw new RingcastError('INTEGRITY', `block at ${item.offset} failed verification (sha256 ${toHex(computed).slice(0, 16)}…, upstream said ${toHex(item.hash).slice(0, 16)}…)`)
          }
          for (const chunk of item.payload) whole.update(chunk)
          this.queueWrite(item, upstream)
          await this.forward(downstream, item)
        }
      }
      await this.writes
      if (this.writeFailure !== undefined) throw this.writeFailure
    } catch (err) {
      // Let queued writes settle, so nothing lands on the target after we
      // report failure and the caller closes it.
      await this.writes
      await upstream?.refuse(`node failed: ${(err as Error).message}`)
      throw err
    }
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

  /** Called for every upstream lost before END (the node goes on with the next). */
  onUpstreamLost?: (reason: string, at: number) => void

  private upstreamLost (upstream: BlockReceiver, err: unknown): void {
    const reason = (err as Error).message
    void upstream.refuse(`closing this hop: ${reason}`)
    this.onUpstreamLost?.(reason, this.writtenThrough)
  }

  /** Stop forwarding (the coordinator removed our downstream); the local copy goes on. */
  dropDownstream (downstream: BlockSender | undefined, reason: string): void {
    this.downstreamFailure ??= new RingcastError('PEER_GONE', reason)
    downstream?.close(reason)
  }

  /**
   * Writes run one after another; each acks upstream when it lands. A failed
   * write also ends the upstream's stream: writes lag behind reading, so the
   * loop may already have taken every block the upstream had credit for and
   * would otherwise wait in next() forever for blocks that cannot come (we
   * stopped acking). Found by CI: a disk that filled up hung the session.
   */
  private queueWrite (item: Block, upstream: BlockReceiver): void {
    const end = item.offset + item.length
    this.writes = this.writes.then(async () => {
      if (this.writeFailure !== undefined) return
      await this.target.write(item.offset, item.payload)
      this.writtenThrough = end
      await upstream.ack(end).catch(() => {})
    }).catch(err => {
      this.writeFailure ??= err as Error
      upstream.channel.reader.end(this.writeFailure)
    })
  }

  /** Forward one verified block; a dead downstream is recorded, never fatal here. */
  private async forward (downstream: BlockSender | undefined, item: Block): Promise<void> {
    if (downstream === undefined || this.downstreamFailure !== undefined) return
    // The downstream asked (HELLO) to start at sentThrough: skip what it has.
    if (item.offset + item.length <= downstream.sentThrough) return
    if (item.offset !== downstream.sentThrough) {
      this.dropDownstream(downstream, `downstream needs ${downstream.sentThrough}, which this node has already passed (at ${item.offset})`)
      return
    }
    try {
      await downstream.sendBlock(item.offset, item.payload, item.hash)
    } catch (err) {
      this.downstreamFailure = err as Error
    }
  }
}
