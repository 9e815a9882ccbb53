// The upstream end of one hop: sends blocks and skips, reads acks, and never
// has more than `windowBytes` of credit unacknowledged (credit.ts: payload,
// plus a fixed cost per SKIP and hash batch frame).
//
//   ackedThrough          sentThrough
//        |<---- in flight ---->|
//   -----+=====================+--------> offset
//
// Before the first block (or skip) of each hash batch goes the source's
// signed batch (from a BatchSource: the node's HashIndex, or the source's
// manifest), so the downstream can check every block before it writes or
// forwards it, and knows which blocks are skipped.

import { RingcastError, ProtocolError, type ErrorCode } from '../errors.js'
import type { Channel } from '../net/channel.js'
import { decodeAck, encodeAck, encodeBlockHeader, printable } from '../wire/messages.js'
import { MAX_ACK_FRAME_BYTES } from '../wire/protocol.js'
import type { SessionParams } from '../wire/session-params.js'
import { payloadBytes, type Payload } from './hash.js'
import type { BatchSource } from './hash-index.js'
import { batchBlocks, batchCount, type SignedEnd } from './source-signature.js'
import { FRAME_CREDIT_BYTES, HopCredit } from './credit.js'

/** What a sending hop needs: the session's parameters and where the signed hash batches come from. */
export interface SenderOptions extends Pick<SessionParams, 'sessionId' | 'windowBytes' | 'imageSize' | 'blockSize'> {
  batches: BatchSource
}

const NO_HASH = new Uint8Array()

interface Waiter { ready: () => boolean, resolve: () => void, reject: (err: Error) => void }

export class BlockSender {
  sentThrough = 0
  ackedThrough = 0
  /** Hash batches below this index are sent (or the downstream had them). */
  batchesSent = 0
  /** Set once the downstream is gone; every later call rejects with it. */
  failure?: RingcastError
  /** The code the downstream gave when it closed the stream on purpose mid-way (INTEGRITY: it says our data does not match the source). */
  closedWith?: ErrorCode
  private waiters: Waiter[] = []
  private readonly credit: HopCredit

  constructor (readonly channel: Channel, private readonly options: SenderOptions) {
    this.credit = new HopCredit(options.windowBytes)
  }

  /**
   * Open the hop: send HELLO, then wait for the downstream's first Ack, which
   * names the offset it needs next (0 for a fresh node, more for one that
   * lost its upstream mid-image). Returns that offset; blocks start there.
   */
  async start (): Promise<number> {
    await this.channel.send(encodeBlockHeader({ kind: 'hello', sessionId: this.options.sessionId, offset: 0, length: 0, hash: NO_HASH }))
    const bytes = await this.channel.reader.readFrame(MAX_ACK_FRAME_BYTES).catch(err => { throw this.gone(err) })
    if (bytes === null) throw new RingcastError('PEER_GONE', `downstream ${short(this.channel.remotePeer)} closed the block stream before answering HELLO`)
    const ack = decodeAck(bytes)
    if (ack.error !== '') throw new RingcastError('PEER_GONE', `downstream ${short(this.channel.remotePeer)} refused the block stream (${ack.code ?? 'REFUSED'}): ${printable(ack.error)}`)
    const batches = batchCount(this.options)
    if ((ack.hashesFrom ?? 0) > batches) throw new ProtocolError(`downstream asked for hash batches from ${ack.hashesFrom ?? 0} of ${batches}`)
    this.sentThrough = ack.writtenThrough
    this.ackedThrough = ack.writtenThrough
    this.batchesSent = ack.hashesFrom ?? 0
    void this.readAcks()
    return ack.writtenThrough
  }

  /**
   * Send one block; `payload` may be the chunks it was received in. With
   * `compressed`, `payload` is the block's zstd frame (compression.ts).
   */
  async sendBlock (offset: number, payload: Payload | Uint8Array, compressed?: { length: number }): Promise<void> {
    const chunks = payload instanceof Uint8Array ? [payload] : payload
    const wire = payloadBytes(chunks)
    await this.beginBlock(offset, compressed?.length ?? wire, compressed === undefined ? 0 : wire)
    await this.sendPiece(chunks)
  }

  /**
   * Start a block whose payload follows in pieces (sendPiece) as it arrives
   * from upstream: waits for credit for all of it, sends the hash batch it
   * needs if the downstream lacks it, then the header. `compressedLength`:
   * 0, or the payload is a zstd frame of that many bytes. Credit counts the
   * block's own length either way (what the downstream holds once it is
   * decompressed).
   */
  async beginBlock (offset: number, length: number, compressedLength = 0): Promise<void> {
    await this.beginItem('block', offset, length, length, compressedLength)
  }

  /**
   * Skip blocks `offset` .. `offset + length` that the source's batch marks
   * ZERO or FREE: a SKIP frame, no payload.
   */
  async sendSkip (offset: number, length: number): Promise<void> {
    await this.beginItem('skip', offset, length, FRAME_CREDIT_BYTES)
  }

  private async beginItem (kind: 'block' | 'skip', offset: number, length: number, payloadCost: number, compressedLength = 0): Promise<void> {
    if (offset !== this.sentThrough) throw new RingcastError('INTERNAL', `${kind} at ${offset} sent out of order (expected ${this.sentThrough})`)
    const { blockSize } = this.options
    const lastBatch = Math.floor(Math.floor((offset + length - 1) / blockSize) / batchBlocks(blockSize))
    const cost = payloadCost + Math.max(0, lastBatch + 1 - this.batchesSent) * FRAME_CREDIT_BYTES
    await this.waitFor(() => this.credit.fits(cost))
    await this.sendBatchesThrough(lastBatch)
    // Advance before sending: a fast downstream may ack this block before our
    // send() resolves, and an ack past sentThrough is a protocol error.
    this.sentThrough = offset + length
    this.credit.take(offset + length, cost)
    await this.channel.send(encodeBlockHeader({ kind, sessionId: this.options.sessionId, offset, length, hash: NO_HASH, compressedLength }))
  }

  /** Send part of the payload of the block begun last, in order. */
  async sendPiece (chunks: Payload): Promise<void> {
    for (const chunk of chunks) await this.channel.send(chunk)
  }

  /** Send the source's signed END (after any hash batch the downstream still lacks). */
  async sendEnd (end: SignedEnd): Promise<void> {
    this.throwIfFailed()
    await this.sendBatchesThrough(batchCount(this.options) - 1)
    await this.channel.send(encodeBlockHeader({ kind: 'end', sessionId: this.options.sessionId, offset: this.options.imageSize, length: 0, hash: end.imageSha256, signature: end.signature, digest: end.digestKind }))
  }

  /** Send every signed hash batch up to and including `last` that the downstream lacks. */
  private async sendBatchesThrough (last: number): Promise<void> {
    const { sessionId, blockSize } = this.options
    while (this.batchesSent <= last) {
      const batch = await this.options.batches.batch(this.batchesSent)
      this.throwIfFailed()
      const firstBlock = batch.index * batchBlocks(blockSize)
      await this.channel.send(encodeBlockHeader({ kind: 'hashes', sessionId, offset: 0, length: 0, hash: NO_HASH, firstBlock, hashes: batch.hashes, contents: batch.contents, signature: batch.signature }))
      this.batchesSent = batch.index + 1
    }
  }

  /** Resolves once the downstream has written every byte below `through`. */
  async waitAcked (through: number): Promise<void> {
    await this.waitFor(() => this.ackedThrough >= through)
  }

  /** Resolves once `ready()` holds, checked now and after every ack. */
  private async waitFor (ready: () => boolean): Promise<void> {
    this.throwIfFailed()
    if (ready()) return
    await new Promise<void>((resolve, reject) => this.waiters.push({ ready, resolve, reject }))
  }

  /** Stop using this hop, telling the downstream why. */
  close (reason: string): void {
    this.fail(new RingcastError('PEER_GONE', reason))
    this.channel.abort(new Error(reason))
  }

  private throwIfFailed (): void {
    if (this.failure !== undefined) throw this.failure
  }

  private async readAcks (): Promise<void> {
    try {
      while (true) {
        const bytes = await this.channel.reader.readFrame(MAX_ACK_FRAME_BYTES)
        if (bytes === null) throw new RingcastError('PEER_GONE', `downstream ${short(this.channel.remotePeer)} closed the block stream`)
        const ack = decodeAck(bytes)
        if (ack.error !== '') {
          this.closedWith = ack.code ?? 'REFUSED'
          throw new RingcastError('PEER_GONE', `downstream ${short(this.channel.remotePeer)} closed the block stream (${ack.code ?? 'REFUSED'}): ${printable(ack.error)}`)
        }
        if (ack.writtenThrough < this.ackedThrough || ack.writtenThrough > this.sentThrough) {
          throw new ProtocolError(`ack through ${ack.writtenThrough} is outside [${this.ackedThrough}, ${this.sentThrough}]`)
        }
        this.ackedThrough = ack.writtenThrough
        this.credit.release(ack.writtenThrough)
        this.waiters = this.waiters.filter(w => {
          if (!w.ready()) return true
          w.resolve()
          return false
        })
      }
    } catch (err) {
      const failure = this.gone(err)
      if (failure.code === 'PROTOCOL') {
        await this.channel.send(encodeAck({ error: failure.message })).catch(() => {})
        this.channel.abort(failure)
      }
      this.fail(failure)
    }
  }

  private gone (err: unknown): RingcastError {
    return err instanceof RingcastError ? err : new RingcastError('PEER_GONE', `block stream to ${short(this.channel.remotePeer)} failed: ${(err as Error).message}`, { cause: err })
  }

  private fail (err: RingcastError): void {
    this.failure ??= err
    for (const w of this.waiters) w.reject(this.failure)
    this.waiters = []
  }
}

export const short = (peer: string): string => peer.length > 12 ? `…${peer.slice(-8)}` : peer
