// The frames plain-relay-peer.js speaks, and how a receiver takes them off a
// socket without copying payloads:
//
//   header: offset u64 BE | length u32 BE | sha256 of the payload (32 bytes)
//   END:    a header with length 0 and offset = image size
//
// A payload stays the chunks the socket delivered (subarrays where a frame
// boundary falls inside one), as ringcast's own receiver keeps them.

import { createHash } from 'node:crypto'
import type { Socket } from 'node:net'

export const HEADER_BYTES = 8 + 4 + 32

export interface Frame {
  /** The header bytes as received, forwarded unchanged. */
  header: Buffer
  offset: number
  /** 0 for END. */
  length: number
  hash: Buffer
  payload: Buffer[]
}

/** Splits a byte stream into frames; payloads stay subarrays of the chunks received. */
export class FrameSplitter {
  private chunks: Buffer[] = []
  private buffered = 0
  private header?: Buffer
  private expectedOffset = 0

  constructor (private readonly maxBlockBytes: number) {}

  push (chunk: Buffer): Frame[] {
    this.chunks.push(chunk)
    this.buffered += chunk.byteLength
    const frames: Frame[] = []
    while (true) {
      if (this.header === undefined) {
        if (this.buffered < HEADER_BYTES) return frames
        const parts = this.take(HEADER_BYTES)
        this.header = parts.length === 1 ? parts[0]! : Buffer.concat(parts)
      }
      const length = this.header.readUInt32BE(8)
      const offset = Number(this.header.readBigUInt64BE(0))
      if (length > this.maxBlockBytes) throw new Error(`block of ${length} bytes at ${offset}, more than --block ${this.maxBlockBytes}`)
      if (offset !== this.expectedOffset) throw new Error(`frame at ${offset}, expected ${this.expectedOffset}`)
      if (this.buffered < length) return frames
      frames.push({ header: this.header, offset, length, hash: this.header.subarray(12), payload: this.take(length) })
      this.expectedOffset += length
      this.header = undefined
    }
  }

  private take (bytes: number): Buffer[] {
    const out: Buffer[] = []
    this.buffered -= bytes
    while (bytes > 0) {
      const chunk = this.chunks[0]!
      if (chunk.byteLength <= bytes) {
        out.push(chunk)
        this.chunks.shift()
        bytes -= chunk.byteLength
      } else {
        out.push(chunk.subarray(0, bytes))
        this.chunks[0] = chunk.subarray(bytes)
        bytes = 0
      }
    }
    return out
  }
}

/**
 * Hand frames to `handle` one at a time, the socket paused meanwhile (that is
 * the backpressure towards the upstream). Resolves once `handle` returns true.
 */
export async function eachFrame (socket: Socket, maxBlockBytes: number, handle: (frame: Frame) => Promise<boolean>): Promise<void> {
  return await new Promise<void>((resolve, reject) => {
    const splitter = new FrameSplitter(maxBlockBytes)
    const queue: Frame[] = []
    let busy = false
    let over = false
    const pump = async (): Promise<void> => {
      busy = true
      socket.pause()
      try {
        while (queue.length > 0) {
          if (await handle(queue.shift()!)) { over = true; resolve(); return }
        }
      } catch (err) {
        reject(err)
        return
      }
      busy = false
      socket.resume()
    }
    socket.on('data', (chunk: Buffer) => {
      if (over) return
      try {
        queue.push(...splitter.push(chunk))
      } catch (err) {
        reject(err)
        return
      }
      if (!busy && queue.length > 0) void pump()
    })
    socket.once('error', reject)
    socket.once('close', () => { if (!over) reject(new Error('upstream closed before END')) })
  })
}

export function verify (frame: Frame): void {
  const hash = createHash('sha256')
  for (const chunk of frame.payload) hash.update(chunk)
  if (!hash.digest().equals(frame.hash)) throw new Error(`block at ${frame.offset} failed SHA-256 verification`)
}

export function header (offset: number, length: number, hash: Buffer): Buffer {
  const out = Buffer.alloc(HEADER_BYTES)
  out.writeBigUInt64BE(BigInt(offset), 0)
  out.writeUInt32BE(length, 8)
  hash.copy(out, 12)
  return out
}
