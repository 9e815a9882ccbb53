// The downstream end of one hop: reads and validates block frames, sends acks.
// Every rule a hostile or broken upstream could break is checked here, before
// a byte is buffered past the frame in hand:
//   - the first frame is HELLO for our session;
//   - blocks arrive in order, each at most blockSize, inside the image;
//   - the upstream never exceeds the credit window we granted.

import { ProtocolError, type ErrorCode } from '../errors.js'
import type { Channel } from '../net/channel.js'
import { decodeBlockHeader, encodeAck, type BlockHeader } from '../wire/messages.js'
import { MAX_BLOCK_HEADER_BYTES } from '../wire/protocol.js'
import type { SessionParams } from '../wire/session-params.js'
import { sameBytes, type Payload } from './hash.js'

/** A hop receives with the session's parameters (see SessionParams). */
export type ReceiverOptions = SessionParams

/**
 * Most bytes an honest upstream can have sent us unread: the credit window
 * plus one header per block in it (and HELLO/END).
 */
export function receiveBufferLimit (windowBytes: number, blockSize: number): number {
  return windowBytes + (Math.ceil(windowBytes / Math.max(blockSize, 1)) + 2) * MAX_BLOCK_HEADER_BYTES
}

export type Received =
  | { kind: 'block', offset: number, length: number, payload: Payload, hash: Uint8Array }
  | { kind: 'end', imageHash: Uint8Array }

export class BlockReceiver {
  /** Next offset we expect; everything below it has been received. */
  receivedThrough = 0
  /** Highest offset we have acknowledged. */
  ackedThrough = 0

  constructor (readonly channel: Channel, private readonly options: ReceiverOptions) {
    channel.reader.maxBufferedBytes = Math.max(channel.reader.maxBufferedBytes, receiveBufferLimit(options.windowBytes, options.blockSize))
  }

  /**
   * Read HELLO and answer with the offset we need next: everything below
   * `from` is verified and written here, so the upstream starts at `from`.
   */
  async hello (from: number): Promise<void> {
    const header = await this.readHeader()
    if (header === null) throw new ProtocolError('block stream closed before HELLO')
    if (header.kind !== 'hello') throw new ProtocolError(`expected HELLO, got ${header.kind}`)
    this.receivedThrough = from
    this.ackedThrough = from
    await this.channel.send(encodeAck({ writtenThrough: from }))
  }

  async next (): Promise<Received> {
    const header = await this.readHeader()
    if (header === null) throw new ProtocolError(`upstream closed the block stream at ${this.receivedThrough} of ${this.options.imageSize}`)
    if (header.kind === 'end') {
      if (header.offset !== this.options.imageSize || this.receivedThrough !== this.options.imageSize) {
        throw new ProtocolError(`END at ${header.offset} after ${this.receivedThrough} bytes of a ${this.options.imageSize}-byte image`)
      }
      return { kind: 'end', imageHash: header.hash }
    }
    if (header.kind !== 'block') throw new ProtocolError(`unexpected ${header.kind} frame`)
    const { offset, length } = header
    if (offset !== this.receivedThrough) throw new ProtocolError(`block at ${offset}, expected ${this.receivedThrough}`)
    if (length === 0 || length > this.options.blockSize) throw new ProtocolError(`block length ${length} outside 1..${this.options.blockSize}`)
    if (offset + length > this.options.imageSize) throw new ProtocolError(`block ${offset}+${length} runs past the image end ${this.options.imageSize}`)
    if (offset + length - this.ackedThrough > this.options.windowBytes) {
      throw new ProtocolError(`upstream exceeded the ${this.options.windowBytes}-byte credit window`)
    }
    const payload = await this.channel.reader.readChunks(length)
    this.receivedThrough = offset + length
    return { kind: 'block', offset, length, payload, hash: header.hash }
  }

  /**
   * Acknowledge what is written, coalesced: once a quarter window has been
   * written since the last ack, and at the end of the image. Every ack is a
   * separate encrypted message each way, so one per block cost ~3-5 % of a
   * hop's throughput; a quarter window keeps the upstream's credit full.
   */
  async ack (writtenThrough: number): Promise<void> {
    const due = writtenThrough - this.ackedThrough >= this.options.windowBytes / 4 || writtenThrough === this.options.imageSize
    if (!due) return
    this.ackedThrough = writtenThrough
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
    const bytes = await this.channel.reader.readFrame(MAX_BLOCK_HEADER_BYTES)
    if (bytes === null) return null
    const header = decodeBlockHeader(bytes)
    if (!sameBytes(header.sessionId, this.options.sessionId)) throw new ProtocolError('block frame for another session')
    return header
  }
}
