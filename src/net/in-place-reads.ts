// Socket reads straight into slabs (slabs.ts), instead of a fresh 64 KiB
// Buffer per read (docs/runtime-facts.md, "Socket reads into slabs").
//
//   slab (1 MiB, from the pool)
//   +--------+--------+-----------+------------------+
//   | read 1 | read 2 |  read 3   |  next read here  |
//   +--------+--------+-----------+------------------+
//     views handed to the reader; whoever keeps one holds its slab
//
// Each read lands after the last in the current slab; a slab with less than
// MIN_READ_BYTES left is retired and the next taken from the pool. The
// reader holds a slab until it has consumed past its last byte; anyone who
// keeps a view longer holds it too (see slabs.ts for who does). Nothing is
// copied, and in the steady state nothing is allocated: a relay spent
// ~1 CPU-s/GB in the GC work that a fresh Buffer per read drives.
//
// Node offers this only through the `onread` option of net.connect and
// tls.connect (client sockets). A server's accepted socket gets the same by
// the same steps Node takes for a client in initSocketHandle: the three
// onread fields on the socket, and useUserBuffer() on its handle (a TCP
// wrap, or the TLS wrap of a TLS socket). Those fields are found by name on
// a probe socket made with onread; where a Node version lacks them, reads
// stay as they were (readsInPlace() tells; a unit test checks it is true on
// every Node version we support).

import { Socket, type SocketConstructorOpts } from 'node:net'
import type { ByteReader } from '../wire/framing.js'
import { slabs, SLAB_BYTES } from './slabs.js'

/** A slab with less room than this left is retired; a read is given at least this much. */
export const MIN_READ_BYTES = 65_536
interface OnreadFields { buffer: symbol, callback: symbol, generator: symbol }

let fields: OnreadFields | null | undefined

/** The symbols net.Socket keeps its onread option under, or null if this Node has none by those names. */
function onreadFields (): OnreadFields | null {
  if (fields !== undefined) return fields
  // Node takes onread in the constructor too; @types/node lists it only for connect().
  const probe = new Socket({ onread: { buffer: () => new Uint8Array(1), callback: () => true } } as SocketConstructorOpts)
  const named = (description: string): symbol | undefined => Object.getOwnPropertySymbols(probe).find(s => s.description === description)
  const buffer = named('kBuffer')
  const callback = named('kBufferCb')
  const generator = named('kBufferGen')
  probe.destroy()
  fields = buffer !== undefined && callback !== undefined && generator !== undefined ? { buffer, callback, generator } : null
  return fields
}

/** Whether this Node lets readInPlace() work (it falls back to 'data' events otherwise). */
export function readsInPlace (): boolean {
  return onreadFields() !== null
}

interface StreamHandle { useUserBuffer?: (buffer: Uint8Array) => void }

/**
 * Push everything `socket` reads from now on to `reader`, read into slabs.
 * The socket must be paused, with no 'data' listener; bytes it had already
 * buffered are pushed first. Returns false (and does nothing) if this Node
 * or this socket cannot: the caller then listens for 'data'. 'end', 'error'
 * and 'close' are emitted as before, and pause()/resume() stop and start
 * reading as before.
 */
export function readInPlace (socket: Socket, reader: ByteReader): boolean {
  const f = onreadFields()
  const handle = (socket as unknown as { _handle?: StreamHandle | null })._handle
  if (f === null || handle === undefined || handle === null || typeof handle.useUserBuffer !== 'function') return false
  // Stream positions are the reader's: `pushed` bytes have gone to it so far.
  let pushed = reader.consumed + reader.bufferedBytes
  let slab = slabs.take()
  let at = 0
  /** Retired slabs the reader still has bytes of, with the position after their last byte. */
  const unread: Array<{ bytes: Buffer, end: number }> = []
  /** The room for the next read: what is left of the slab, or the next one. */
  const nextBuffer = (): Uint8Array => {
    while (unread.length > 0 && unread[0]!.end <= reader.consumed) slabs.retire(unread.shift()!.bytes)
    if (SLAB_BYTES - at < MIN_READ_BYTES) {
      unread.push({ bytes: slab, end: pushed })
      slab = slabs.take()
      at = 0
    }
    return slab.subarray(at)
  }
  const s = socket as unknown as Record<symbol, unknown>
  s[f.buffer] = nextBuffer()
  s[f.generator] = nextBuffer
  // Node calls this with the buffer the read went into (the room we gave),
  // then asks the generator for the next one.
  s[f.callback] = (nread: number, buffer: Uint8Array): boolean => {
    at += nread
    pushed += nread
    reader.push(buffer.subarray(0, nread))
    return true
  }
  handle.useUserBuffer(s[f.buffer] as Uint8Array)
  // What the stream read before the switch comes first, in order.
  for (let chunk = socket.read() as Buffer | null; chunk !== null; chunk = socket.read() as Buffer | null) {
    pushed += chunk.byteLength
    reader.push(chunk)
  }
  return true
}
