// Length-prefixed framing over a byte stream.
//
//   frame  := varint(len) bytes[len]
//   block  := frame(BlockFrame{kind: BLOCK, length: n}) payload[n]
//
// ByteReader turns pushed chunks into exact reads. It is attached to a stream
// the moment the stream exists and reads it for the stream's whole life: a
// libp2p v3 stream read lazily, or by one async iterator after another, loses
// data or never sees the end (docs/runtime-facts.md, trap 7). Every frame
// length is checked against a caller-given limit, and the unread buffer has a
// cap.

import { ProtocolError } from '../errors.js'

/** Anything a stream may yield: Uint8Array or a Uint8ArrayList-like. */
export type Chunk = Uint8Array | { subarray: () => Uint8Array, [Symbol.iterator]?: () => Iterator<Uint8Array> }

/** Longest varint we accept: 5 bytes encode up to 2^35, far past every limit. */
const MAX_VARINT_BYTES = 5

export function encodeVarint (value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`cannot encode ${value} as a varint`)
  const out: number[] = []
  let v = value
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80)
    v = Math.floor(v / 0x80)
  }
  out.push(v)
  return Uint8Array.from(out)
}

/** Prefix `body` with its varint length, in one buffer (one send). */
export function frame (body: Uint8Array): Uint8Array {
  const prefix = encodeVarint(body.byteLength)
  const out = new Uint8Array(prefix.byteLength + body.byteLength)
  out.set(prefix, 0)
  out.set(body, prefix.byteLength)
  return out
}

/**
 * Append `chunk` to `list`, as one view with the last element when the two
 * lie back to back in the same memory (reads into a slab, or 16 KiB TLS
 * records there: in-place-reads.ts), so callers get fewer, larger chunks:
 * fewer hash updates, socket writes and writev entries. The bytes are the
 * same either way.
 */
export function appendMerged (list: Uint8Array[], chunk: Uint8Array): void {
  const last = list[list.length - 1]
  if (last !== undefined && last.buffer === chunk.buffer && last.byteOffset + last.byteLength === chunk.byteOffset) {
    const length = last.byteLength + chunk.byteLength
    list[list.length - 1] = Buffer.isBuffer(last) ? Buffer.from(last.buffer, last.byteOffset, length) : new Uint8Array(last.buffer, last.byteOffset, length)
    return
  }
  list.push(chunk)
}

export class ByteReader {
  private chunks: Uint8Array[] = []
  private buffered = 0
  private ended = false
  private failure?: Error
  private wake?: () => void
  /** Total bytes consumed by the caller so far. */
  consumed = 0
  /**
   * Most bytes we hold unread. A peer that pushes past it is cut off: this is
   * what bounds memory before credits apply (a stranger, or a peer we have
   * not read from yet). Callers raise it once they know the session window.
   */
  maxBufferedBytes = 4 * 1_048_576
  /** Called when maxBufferedBytes is exceeded (the channel aborts the stream). */
  onOverflow?: (err: ProtocolError) => void

  /** A reader fed by an async iterable (in-memory tests, plain sockets). */
  static fromIterable (source: AsyncIterable<Chunk>): ByteReader {
    const reader = new ByteReader()
    void (async () => {
      try {
        for await (const chunk of source) reader.push(chunk)
        reader.end()
      } catch (err) {
        reader.end(err as Error)
      }
    })()
    return reader
  }

  /** Bytes received but not yet consumed. */
  get bufferedBytes (): number {
    return this.buffered
  }

  push (chunk: Chunk): void {
    if (this.ended) return
    if (!(chunk instanceof Uint8Array) && chunk[Symbol.iterator] !== undefined) {
      // A Uint8ArrayList: take its chunks as they are (subarray() would copy them into one).
      for (const part of chunk as Iterable<Uint8Array>) this.push(part)
      return
    }
    const bytes = chunk instanceof Uint8Array ? chunk : chunk.subarray()
    if (bytes.byteLength === 0) return
    appendMerged(this.chunks, bytes)
    this.buffered += bytes.byteLength
    if (this.buffered > this.maxBufferedBytes) {
      const err = new ProtocolError(`peer sent ${this.buffered} bytes ahead of the reader, more than the ${this.maxBufferedBytes} allowed`)
      this.end(err)
      this.chunks = []
      this.buffered = 0
      this.onOverflow?.(err)
      return
    }
    this.wake?.()
  }

  /** No more data; with `err`, pending and later reads reject with it. */
  end (err?: Error): void {
    if (this.ended) return
    this.ended = true
    this.failure = err
    this.wake?.()
  }

  /**
   * Read one frame. Returns null on a clean end of stream between frames;
   * throws ProtocolError on a truncated frame or one longer than maxBytes.
   */
  async readFrame (maxBytes: number): Promise<Uint8Array | null> {
    const length = await this.readVarint()
    if (length === null) return null
    if (length > maxBytes) throw new ProtocolError(`frame of ${length} bytes exceeds the limit of ${maxBytes}`)
    return await this.readExact(length)
  }

  /** Read exactly n bytes as one buffer (copies only if they span chunks). */
  async readExact (n: number): Promise<Uint8Array> {
    const chunks = await this.readChunks(n)
    if (chunks.length === 1) return chunks[0]!
    const out = new Uint8Array(n)
    let at = 0
    for (const c of chunks) { out.set(c, at); at += c.byteLength }
    return out
  }

  /**
   * Read exactly n bytes as the chunks they arrived in (views, no copy).
   * Throws ProtocolError if the stream ends first.
   */
  async readChunks (n: number): Promise<Uint8Array[]> {
    if (!(await this.fill(n))) {
      throw new ProtocolError(`stream ended ${n - this.buffered} bytes short of a ${n}-byte read`)
    }
    this.consumed += n
    this.buffered -= n
    const out: Uint8Array[] = []
    let left = n
    while (left > 0) {
      const chunk = this.chunks[0]!
      if (chunk.byteLength <= left) {
        out.push(chunk)
        this.chunks.shift()
        left -= chunk.byteLength
      } else {
        out.push(chunk.subarray(0, left))
        this.chunks[0] = chunk.subarray(left)
        left = 0
      }
    }
    return out
  }

  /**
   * Read what has arrived, at least 1 and at most `max` bytes, as the chunks
   * it came in (views, no copy): for forwarding bytes as they arrive.
   * Throws ProtocolError if the stream ends first.
   */
  async readUpTo (max: number): Promise<Uint8Array[]> {
    if (!(await this.fill(1))) throw new ProtocolError(`stream ended ${max} bytes short`)
    return await this.readChunks(Math.min(max, this.buffered))
  }

  private async readVarint (): Promise<number | null> {
    let value = 0
    let scale = 1
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (!(await this.fill(1))) {
        if (i === 0) return null
        throw new ProtocolError('stream ended inside a length prefix')
      }
      const byte = this.takeByte()
      value += (byte & 0x7f) * scale
      if ((byte & 0x80) === 0) return value
      scale *= 0x80
    }
    throw new ProtocolError('length prefix longer than 5 bytes')
  }

  private takeByte (): number {
    const chunk = this.chunks[0]!
    const byte = chunk[0]!
    if (chunk.byteLength === 1) this.chunks.shift()
    else this.chunks[0] = chunk.subarray(1)
    this.buffered -= 1
    this.consumed += 1
    return byte
  }

  /** Wait until at least n bytes are buffered; false when the stream ended first. */
  private async fill (n: number): Promise<boolean> {
    // A reader that failed (overflow, reset) serves nothing more, not even
    // bytes it still holds: they came from a peer we have cut off.
    if (this.failure !== undefined) throw this.failure
    while (this.buffered < n) {
      if (this.ended) {
        if (this.failure !== undefined) throw this.failure
        return false
      }
      await new Promise<void>(resolve => { this.wake = resolve })
      this.wake = undefined
    }
    return true
  }
}
