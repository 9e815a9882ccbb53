// The narrow stream interface the rest of ringcast talks to. Only src/net
// knows it is a libp2p stream; relay and coordinator logic (and in-memory
// tests) see a Channel.

import { ByteReader, type Chunk } from '../wire/framing.js'
import { ownedIfSlab } from './slabs.js'

export interface Channel {
  /** Authenticated peer id of the other end (noise-verified). */
  readonly remotePeer: string
  /** The other end's Ed25519 public key, when its identity carries one (every libp2p peer of ours). */
  readonly remotePublicKey?: Uint8Array
  /** Observed remote address (multiaddr string), for reports and planning. */
  readonly remoteAddr: string
  /** Framed reads of what the peer sends. */
  readonly reader: ByteReader
  /** Send bytes; resolves once the write buffer is below its high-water mark. */
  send: (bytes: Uint8Array) => Promise<void>
  /** Half-close our writing end after everything queued is flushed. */
  closeWrite: () => Promise<void>
  /** Close both ends now; `reason` is logged locally. */
  abort: (reason: Error) => void
  /** Resolves when the channel is closed, by either side, for any reason. */
  readonly closed: Promise<void>
  /** True once closed. */
  readonly isClosed: boolean
}

/** The subset of a libp2p v3 Stream we use. */
export interface StreamLike {
  send: (data: Uint8Array) => boolean
  close: () => Promise<void>
  abort: (err: Error) => void
  writeBufferLength: number
  writableNeedsDrain: boolean
  status: string
  removeEventListener: (type: 'drain' | 'close', listener: (...args: any[]) => void) => void
  addEventListener: ((type: 'drain', listener: () => void, options?: { once?: boolean }) => void) &
  ((type: 'close', listener: (evt: { error?: Error }) => void, options?: { once?: boolean }) => void) &
  ((type: 'message', listener: (evt: { data: Chunk }) => void) => void) &
  ((type: 'remoteCloseWrite', listener: () => void, options?: { once?: boolean }) => void)
}

/**
 * Writes wait while more than this many bytes sit in the stream's own write
 * buffer. We wait on the 'drain' event, never on stream.onDrain(): in
 * @libp2p/utils 7.4 onDrain() keeps its first resolved promise forever, so
 * after the first drain it resolves at once and a wait loop spins on
 * microtasks, starving I/O (docs/runtime-facts.md, traps 5 and 1).
 */
export const WRITE_HIGH_WATER_BYTES = 2 * 1_048_576

export function channelFromStream (stream: StreamLike, remotePeer: string, remoteAddr: string, remotePublicKey?: Uint8Array): Channel {
  let isClosed = stream.status !== 'open'
  const reader = new ByteReader()
  reader.onOverflow = err => { stream.abort(err) }
  stream.addEventListener('message', evt => { reader.push(evt.data) })
  stream.addEventListener('remoteCloseWrite', () => { reader.end() }, { once: true })
  const closed = new Promise<void>(resolve => {
    if (isClosed) { reader.end(); resolve(); return }
    stream.addEventListener('close', evt => {
      isClosed = true
      reader.end(evt.error)
      resolve()
    }, { once: true })
  })
  return {
    remotePeer,
    remotePublicKey,
    remoteAddr,
    reader,
    async send (bytes) {
      // A libp2p stream may keep `bytes` queued with no word when it is done: never slab memory (slabs.ts).
      stream.send(ownedIfSlab(bytes))
      while (stream.writableNeedsDrain && stream.writeBufferLength >= WRITE_HIGH_WATER_BYTES) {
        await nextDrain(stream)
      }
    },
    async closeWrite () {
      if (stream.status === 'open') await stream.close()
    },
    abort (reason) {
      if (stream.status === 'open') stream.abort(reason)
    },
    closed,
    get isClosed () { return isClosed }
  }
}

/** Resolves at the stream's next 'drain'; rejects if it closes first. */
async function nextDrain (stream: StreamLike): Promise<void> {
  if (stream.status !== 'open') throw new Error(`stream is ${stream.status}`)
  await new Promise<void>((resolve, reject) => {
    const onDrain = (): void => { stream.removeEventListener('close', onClose); resolve() }
    const onClose = (evt: { error?: Error }): void => {
      stream.removeEventListener('drain', onDrain)
      reject(evt.error ?? new Error('stream closed while waiting to send'))
    }
    stream.addEventListener('drain', onDrain, { once: true })
    stream.addEventListener('close', onClose, { once: true })
  })
}
