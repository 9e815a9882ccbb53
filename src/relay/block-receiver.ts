// The downstream end of one hop: reads and validates block frames, sends acks.
// Every rule a hostile or broken upstream could break is checked here, before
// a byte of a block is written or forwarded:
//   - the first frame is HELLO for our session;
//   - hash batches come in order and carry the source's signature;
//   - blocks arrive in order, each at most blockSize, inside the image, after
//     the batch that hashes them, and hash to what the source signed;
//   - a block the source marked ZERO or FREE comes as a SKIP (no payload),
//     every DATA block as a BLOCK: a relay can neither drop data nor add it;
//   - END comes after the last block and carries the source's signature;
//   - the upstream never exceeds the credit window we granted (credit.ts).
// A frame that breaks the wire format is a ProtocolError; data that does
// not match the source is an UpstreamLieError (the upstream is named to the
// coordinator as a liar).

import { createHash } from 'node:crypto'
import { ProtocolError, UpstreamLieError, type ErrorCode } from '../errors.js'
import type { Channel } from '../net/channel.js'
import { decodeBlockHeader, encodeAck, type BlockHeader } from '../wire/messages.js'
import { appendMerged } from '../wire/framing.js'
import { CONTENT_DATA, MAX_BLOCK_HEADER_BYTES, MAX_HASHES_FRAME_BYTES } from '../wire/protocol.js'
import type { SessionParams } from '../wire/session-params.js'
import { blockHash, sameBytes, toHex, type Payload } from './hash.js'
import type { HashIndex } from './hash-index.js'
import { batchBlocks, type HashBatch, type SignedEnd, type SourceVerifier } from './source-signature.js'
import { FORWARD_PIECE_BYTES } from '../topology/estimate.js'
import { slabs } from '../net/slabs.js'
import { FRAME_CREDIT_BYTES, HopCredit } from './credit.js'
import { decompressBlock } from './compression.js'

/** A hop receives with the session's parameters, the source's key and the node's hash index. */
export interface ReceiverOptions extends SessionParams {
  verifier: SourceVerifier
  hashes: HashIndex
}

/**
 * Most bytes an honest upstream can have sent us unread: the credit window,
 * one header per block in it, and the hash batches those blocks need (plus
 * HELLO/END). `catchUpBatches` more when we asked for batches of blocks we
 * already have (a resumed node).
 */
export function receiveBufferLimit (windowBytes: number, blockSize: number, catchUpBatches = 0): number {
  const blocks = Math.ceil(windowBytes / Math.max(blockSize, 1))
  const batches = Math.ceil(blocks / batchBlocks(blockSize)) + 1 + catchUpBatches
  return windowBytes + (blocks + 2) * MAX_BLOCK_HEADER_BYTES + batches * MAX_HASHES_FRAME_BYTES
}

/**
 * A copy that owns its bytes. Decoded fields are views into the frame, and a
 * frame may sit inside a 64 KiB chunk off the socket; `.slice()` would not
 * do, as on a Node Buffer it returns another view (found by the unit tests:
 * each kept batch pinned its whole chunk).
 */
const owned = (view: Uint8Array): Uint8Array => new Uint8Array(view)

export type Received =
  /**
   * A block that hashes to what the source signed. `held`: its last piece,
   * which was not handed to the forwarding callback (see next()). The
   * payload's slabs are held for the caller, who releases them
   * (slabs.release(payload)) once whoever keeps the block holds it.
   */
  | {
    kind: 'block', offset: number, length: number, payload: Payload, held: Payload,
    /** 0, or `payload` (and `held`) are the block's zstd frame, this many bytes, as it came (and goes on). */
    compressedLength: number,
    /** The block's bytes: `payload` itself, or what its frame decompressed to (a fresh buffer). */
    content: Payload
  }
  /** A hash batch the source signed, now in the index. */
  | { kind: 'hashes', batch: HashBatch }
  /** Blocks the source marked ZERO or FREE (all of them, checked): no payload. */
  | { kind: 'skip', offset: number, length: number }
  /** The source's signed END, after the last block. */
  | { kind: 'end', end: SignedEnd }

export class BlockReceiver {
  /** Next offset we expect; everything below it has been received. */
  receivedThrough = 0
  /** Highest offset we have acknowledged. */
  ackedThrough = 0
  private readonly credit: HopCredit
  /** Hash batches received since the last block or skip (charged to the next one, as the sender does). */
  private batchesSinceItem = 0

  constructor (readonly channel: Channel, private readonly options: ReceiverOptions) {
    this.credit = new HopCredit(options.windowBytes)
    channel.reader.maxBufferedBytes = Math.max(channel.reader.maxBufferedBytes, receiveBufferLimit(options.windowBytes, options.blockSize))
  }

  /**
   * Read HELLO and answer with what we need next: everything below `from` is
   * verified and written here, and every hash batch below the index's
   * `held`; the upstream starts there.
   */
  async hello (from: number): Promise<void> {
    const header = await this.readHeader()
    if (header === null) throw new ProtocolError('block stream closed before HELLO')
    if (header.kind !== 'hello') throw new ProtocolError(`expected HELLO, got ${header.kind}`)
    this.receivedThrough = from
    this.ackedThrough = from
    const { hashes, blockSize, windowBytes } = this.options
    const catchUp = Math.max(0, hashes.batchIndexOf(Math.ceil(from / blockSize)) + 1 - hashes.held)
    this.channel.reader.maxBufferedBytes = Math.max(this.channel.reader.maxBufferedBytes, receiveBufferLimit(windowBytes, blockSize, catchUp))
    await this.channel.send(encodeAck({ writtenThrough: from, hashesFrom: hashes.held }))
  }

  /**
   * The next frame, checked. For a block, `startBlock` (if given) is called
   * once its header is checked, before its payload is read; the function it
   * returns is given each piece of the payload as it arrives, except the
   * last, which is held back until the whole block has verified: so a relay
   * forwards a block while it is still arriving (cut-through), and a
   * downstream never receives a whole block that did not verify here.
   */
  async next (startBlock?: (offset: number, length: number, compressedLength: number) => Promise<((piece: Payload) => void) | undefined>): Promise<Received> {
    const header = await this.readHeader()
    const { imageSize, blockSize, hashes, verifier } = this.options
    if (header === null) throw new ProtocolError(`upstream closed the block stream at ${this.receivedThrough} of ${imageSize}`)
    if (header.kind === 'hashes') {
      const batch = this.checkBatch(header)
      this.batchesSinceItem++
      return { kind: 'hashes', batch }
    }
    if (header.kind === 'skip') return this.checkSkip(header)
    if (header.kind === 'end') {
      if (header.offset !== imageSize || this.receivedThrough !== imageSize) {
        throw new UpstreamLieError(`END at ${header.offset} after ${this.receivedThrough} bytes of a ${imageSize}-byte image`)
      }
      const end: SignedEnd = { digestKind: header.digest ?? 0, imageSha256: owned(header.hash), signature: owned(header.signature!) }
      const problem = verifier.endProblem(end)
      if (problem !== undefined) throw new UpstreamLieError(problem)
      if (!hashes.complete) throw new UpstreamLieError(`END after ${hashes.held} of ${hashes.totalBatches} hash batches`)
      return { kind: 'end', end }
    }
    if (header.kind !== 'block') throw new ProtocolError(`unexpected ${header.kind} frame`)
    const { offset, length } = header
    const compressedLength = header.compressedLength ?? 0
    if (offset !== this.receivedThrough) throw new ProtocolError(`block at ${offset}, expected ${this.receivedThrough}`)
    if (offset >= imageSize) throw new ProtocolError(`block at ${offset} lies past the image end ${imageSize}`)
    if (offset % blockSize !== 0) throw new ProtocolError(`block at ${offset} is not at a ${blockSize}-byte block boundary`)
    const expectedLength = Math.min(blockSize, imageSize - offset)
    if (length !== expectedLength) throw new ProtocolError(`block at ${offset} is ${length} bytes, expected ${expectedLength}`)
    // Compressed only where it pays: never more bytes on the wire than the block has.
    if (compressedLength > length) throw new ProtocolError(`block at ${offset} comes as a ${compressedLength}-byte compressed payload, more than its ${length} bytes`)
    this.takeCredit(offset + length, length)
    const expected = hashes.hashOf(offset / blockSize)
    if (expected === undefined) throw new UpstreamLieError(`block at ${offset} came before the source's hash for it`, { offset, length })
    if (hashes.contentOf(offset / blockSize) !== CONTENT_DATA) throw new UpstreamLieError(`block at ${offset} came with a payload, but the source marked it as not sent (zero or free)`, { offset, length })
    const forward = await startBlock?.(offset, length, compressedLength)
    // What travels: the block, or its zstd frame (hashed once decompressed).
    const wireLength = compressedLength > 0 ? compressedLength : length
    const hash = compressedLength > 0 ? undefined : createHash('sha256')
    let payload: Uint8Array[]
    let held: Uint8Array[]
    // The payload is held (slabs.ts) from its read until the caller released
    // it, whatever happens; pieces handed to `forward` are held by their taker.
    if (forward === undefined) {
      payload = held = await this.channel.reader.readChunks(wireLength)
      slabs.hold(payload)
      for (const chunk of payload) hash?.update(chunk)
    } else {
      payload = []
      // The chunks as read, held until the payload (the same bytes, merged
      // where they lie back to back) is held instead.
      const read: Uint8Array[] = []
      // Pieces go on in FORWARD_PIECE_BYTES at least: one send per socket
      // read (64 KiB) cost a syscall each, 2.6 CPU-s/GB on a relay.
      let pending: Uint8Array[] = []
      let pendingBytes = 0
      for (let left = wireLength; left > 0;) {
        let piece: Uint8Array[]
        try {
          piece = await this.channel.reader.readUpTo(left)
        } catch (err) {
          slabs.release(read)
          throw err
        }
        slabs.hold(piece)
        for (const chunk of piece) {
          read.push(chunk)
          hash?.update(chunk)
          appendMerged(payload, chunk)
          appendMerged(pending, chunk)
          pendingBytes += chunk.byteLength
          left -= chunk.byteLength
        }
        if (left > 0 && pendingBytes >= FORWARD_PIECE_BYTES) {
          forward(pending)
          pending = []
          pendingBytes = 0
        }
      }
      slabs.hold(payload)
      slabs.release(read)
      held = pending
    }
    this.receivedThrough = offset + length
    let content: Payload = payload
    if (compressedLength > 0) {
      try {
        content = [decompressBlock(payload, length)]
      } catch (err) {
        slabs.release(payload)
        throw new UpstreamLieError(`block at ${offset} came as ${(err as Error).message}`, { offset, length })
      }
    }
    const computed = hash !== undefined ? new Uint8Array(hash.digest()) : blockHash(content)
    if (!sameBytes(computed, expected)) {
      slabs.release(payload)
      throw new UpstreamLieError(`block at ${offset} does not match the source (sha256 ${toHex(computed).slice(0, 16)}…, the source signed ${toHex(expected).slice(0, 16)}…)`, { offset, length })
    }
    return { kind: 'block', offset, length, payload, held, compressedLength, content }
  }

  /** Charge an item ending at `end` to the window (with the batches before it), as the sender did. */
  private takeCredit (end: number, payloadCost: number): void {
    const cost = payloadCost + this.batchesSinceItem * FRAME_CREDIT_BYTES
    if (!this.credit.fits(cost)) throw new ProtocolError(`upstream exceeded the ${this.options.windowBytes}-byte credit window`)
    this.credit.take(end, cost)
    this.batchesSinceItem = 0
  }

  /**
   * A SKIP: whole blocks from where we stand, inside one hash batch we hold,
   * every one of them marked ZERO or FREE by the source.
   */
  private checkSkip (header: BlockHeader): Received {
    const { imageSize, blockSize, hashes } = this.options
    const { offset, length } = header
    const end = offset + length
    if (offset !== this.receivedThrough) throw new ProtocolError(`skip at ${offset}, expected ${this.receivedThrough}`)
    if (length <= 0 || end > imageSize || (end % blockSize !== 0 && end !== imageSize)) throw new ProtocolError(`skip of ${length} bytes at ${offset} is not a run of whole blocks of the image`)
    const first = offset / blockSize
    const last = Math.ceil(end / blockSize) - 1
    if (hashes.batchIndexOf(first) !== hashes.batchIndexOf(last)) throw new ProtocolError(`skip at ${offset} crosses a hash batch boundary`)
    this.takeCredit(end, FRAME_CREDIT_BYTES)
    for (let i = first; i <= last; i++) {
      const content = hashes.contentOf(i)
      if (content === undefined) throw new UpstreamLieError(`skip at ${offset} came before the source's hashes for it`, { offset, length })
      if (content === CONTENT_DATA) throw new UpstreamLieError(`skip over the block at ${i * blockSize}, which the source sends as data`, { offset: i * blockSize, length: Math.min(blockSize, imageSize - i * blockSize) })
    }
    this.receivedThrough = end
    return { kind: 'skip', offset, length }
  }

  /** Check a hash batch against the source's signature and keep it in the index. */
  private checkBatch (header: BlockHeader): HashBatch {
    const { hashes, verifier, blockSize } = this.options
    const first = header.firstBlock ?? 0
    const per = batchBlocks(blockSize)
    if (first !== hashes.held * per) throw new ProtocolError(`hash batch from block ${first}, expected ${hashes.held * per}`)
    // Owned copies: a view would pin the whole chunk the frame arrived in.
    const batch: HashBatch = { index: hashes.held, hashes: owned(header.hashes!), contents: owned(header.contents!), signature: owned(header.signature!) }
    const problem = verifier.batchProblem(batch)
    if (problem !== undefined) throw new UpstreamLieError(problem)
    hashes.add(batch)
    return batch
  }

  /**
   * Acknowledge what is written, coalesced: once it returns a quarter
   * window of credit, at the end of the image, and whenever the upstream may
   * be waiting for credit (the window is nearly full). Every ack is a
   * separate encrypted message each way, so one per block cost ~3-5 % of a
   * hop's throughput; a quarter window keeps the upstream's credit full.
   */
  async ack (writtenThrough: number): Promise<void> {
    const { windowBytes, blockSize, imageSize } = this.options
    const freed = this.credit.freedBy(writtenThrough)
    // The most one item can cost: a block or a skip, with the batch before it.
    const largestItem = Math.max(blockSize, FRAME_CREDIT_BYTES) + FRAME_CREDIT_BYTES
    const due = writtenThrough === imageSize || freed >= windowBytes / 4 || (freed > 0 && this.credit.used + largestItem > windowBytes)
    if (!due || writtenThrough <= this.ackedThrough) return
    this.ackedThrough = writtenThrough
    this.credit.release(writtenThrough)
    await this.channel.send(encodeAck({ writtenThrough }))
  }

  /** Tell the upstream why we close, then close. */
  async refuse (reason: string, code: ErrorCode = 'REFUSED'): Promise<void> {
    await BlockReceiver.refuse(this.channel, reason, code, this.ackedThrough)
  }

  /** Turn a block stream away with `reason` and its code (in an Ack, so the sender can say why), then close it. */
  static async refuse (channel: Channel, reason: string, code: ErrorCode = 'REFUSED', ackedThrough = 0): Promise<void> {
    await channel.send(encodeAck({ writtenThrough: ackedThrough, error: reason, code })).catch(() => {})
    await channel.closeWrite().catch(() => {})
    channel.abort(new ProtocolError(reason))
  }

  private async readHeader (): Promise<BlockHeader | null> {
    const bytes = await this.channel.reader.readFrame(MAX_HASHES_FRAME_BYTES)
    if (bytes === null) return null
    const header = decodeBlockHeader(bytes)
    if (!sameBytes(header.sessionId, this.options.sessionId)) throw new ProtocolError('block frame for another session')
    return header
  }
}
