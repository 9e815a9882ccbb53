// A Channel over a plain TCP or a TLS socket: the data plane's hot path,
// about 1 GB/s of blocks on a good link (docs/data-plane.md).
//
// Backpressure runs both ways through the kernel, nothing queues unbounded:
//
//   send() ─► socket write buffer ─► kernel ═══ TCP ═══► kernel ─► reader ─► caller
//             waits while ≥ 2 MiB                         pauses the socket while it
//             (until 'drain')                             holds the pending read + 1 MiB
//
// A libp2p stream gets its read-side bound from yamux's window; a bare
// socket has none, so the reader pauses the socket once it holds what the
// caller is waiting for and a read-ahead on top (never short of the pending
// read). The kernel then closes the TCP window and the far side's send()
// waits on 'drain'. ByteReader's maxBufferedBytes stays as the last guard
// (overflow destroys the socket).
//
// Both ends must be allowHalfOpen sockets (data-plane.ts makes them so):
// closeWrite() ends our side only, and the peer can still send its last acks.

import type { Socket } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { RingcastError, errorMessage } from '../errors.js'
import { ByteReader, type Chunk } from '../wire/framing.js'
import { WRITE_HIGH_WATER_BYTES, type Channel } from './channel.js'
import { readInPlace } from './in-place-reads.js'
import { slabs } from './slabs.js'

/**
 * Bytes the reader keeps ahead of the caller before it pauses the socket.
 * 1 MiB covers a block header and a good part of a block, so a fast reader
 * never waits on a resume; the kernel's receive buffer holds the rest.
 */
export const READ_AHEAD_BYTES = 1_048_576
/** ByteReader's cap before a caller raises it (a stream whose session is not known yet). */
const DEFAULT_CAP_BYTES = new ByteReader().maxBufferedBytes
/** What may still arrive after pause(): a read of up to 64 KiB, and the stream's own buffer above it. */
const PAUSE_SLACK_BYTES = 262_144

export interface SocketChannelOptions {
  /**
   * The TCP socket under a TLS socket. abort() resets it (RST), so the peer
   * sees an error rather than a clean end: a TLSSocket cannot send an RST
   * itself (resetAndDestroy() throws ERR_INVALID_HANDLE_TYPE), and its
   * destroy() ends the TCP stream with a FIN that Node's TLS reads as 'end'.
   */
  tcp?: Socket
  /** Bytes that arrived behind a handshake, before this channel existed: read first. */
  head?: Uint8Array
  /** Where abort() writes its reason. */
  log?: (line: string) => void
}

/**
 * The channel's reader: a ByteReader that pauses the socket once it holds
 * enough, and resumes it when the caller reads or waits for more than it
 * holds. Every read of n > 1 bytes goes through readChunks(n) (readFrame and
 * readExact do), so that is where we learn what the caller waits for.
 */
class SocketReader extends ByteReader {
  private wanted = 0

  constructor (private readonly socket: Socket) {
    super()
  }

  override push (chunk: Chunk): void {
    super.push(chunk)
    if (this.bufferedBytes >= this.pauseAtBytes() && !this.socket.isPaused()) this.socket.pause()
  }

  override async readChunks (n: number): Promise<Uint8Array[]> {
    this.wanted = n
    this.resumeIfShort()
    try {
      return await super.readChunks(n)
    } finally {
      this.wanted = 0
      this.resumeIfShort()
    }
  }

  /**
   * The pending read plus the read-ahead; never past the overflow limit less
   * what may still arrive after a pause (one socket read and the stream's
   * buffer), and never below the pending read, or it would wait forever.
   */
  private pauseAtBytes (): number {
    // Once a block stream's reader knows the session (BlockReceiver raises
    // maxBufferedBytes to the credit window and the headers in it), an honest
    // upstream can never send past that, so the socket is paused only near
    // the cap. Pausing at a 1 MiB read-ahead toggled the socket on and off
    // chunk after chunk on a relay waiting for its downstream's credit.
    const ahead = this.maxBufferedBytes > DEFAULT_CAP_BYTES ? this.maxBufferedBytes : this.wanted + READ_AHEAD_BYTES
    return Math.max(this.wanted, Math.min(ahead, this.maxBufferedBytes) - PAUSE_SLACK_BYTES)
  }

  private resumeIfShort (): void {
    // Resume half a read-ahead below the mark (not at it), so a reader that
    // keeps pace does not flip the socket on every chunk.
    if (this.socket.isPaused() && (this.bufferedBytes < this.wanted || this.bufferedBytes < this.pauseAtBytes() - READ_AHEAD_BYTES / 2)) this.socket.resume()
  }
}

/**
 * Wrap a connected, authenticated socket, paused, with no 'data' listener:
 * the reader takes over from here and reads it for its whole life. Bytes a
 * handshake read past its end go in `options.head`.
 */
export function channelFromSocket (socket: Socket | TLSSocket, remotePeer: string, remoteAddr: string, options: SocketChannelOptions = {}): Channel {
  // A TLSSocket cannot reset; without its TCP socket, abort() falls back to a plain destroy.
  const tcp = options.tcp ?? ((socket as TLSSocket).encrypted === true ? undefined : socket)
  let failure: RingcastError | undefined
  // A caller sends a block as a header and its payload chunks back to back,
  // each send() resolving in a microtask; corked until the next tick, they
  // leave in one writev() instead of one syscall each. Not on TLS: Node copies
  // a write of several buffers into one before SSL_write (TLSWrap::DoWrite),
  // which cost more sender CPU than it saved (docs/data-plane.md).
  const batchWrites = (socket as TLSSocket).encrypted !== true
  let isClosed = socket.destroyed
  const reader = new SocketReader(socket)
  reader.onOverflow = err => {
    failure ??= err
    socket.destroy()
  }
  socket.setNoDelay(true)
  // Transport errors (ECONNRESET, EPIPE) are the peer's doing: one channel fails, never the process.
  socket.on('error', err => {
    failure ??= new RingcastError('PEER_GONE', `the block stream with ${remoteAddr} failed: ${errorMessage(err)}`, { cause: err })
    reader.end(failure)
  })
  if (options.head !== undefined) reader.push(options.head)
  socket.on('end', () => { reader.end() })
  // Into slabs where Node allows (in-place-reads.ts), else a Buffer per read.
  if (!readInPlace(socket, reader)) socket.on('data', (chunk: Buffer) => { reader.push(chunk) })
  // The peer may have half-closed while a handshake still read the socket.
  if (socket.readableEnded) reader.end()
  // A listener does not restart a socket paused on purpose (the handshake pauses it).
  socket.resume()
  const closed = new Promise<void>(resolve => {
    const onClose = (): void => {
      isClosed = true
      reader.end(failure)
      resolve()
    }
    if (isClosed) onClose()
    else socket.once('close', onClose)
  })

  const gone = (): RingcastError => failure ?? new RingcastError('PEER_GONE', `the block stream with ${remoteAddr} is closed`)

  return {
    remotePeer,
    remoteAddr,
    reader,
    async send (bytes) {
      if (isClosed || socket.destroyed) throw gone()
      if (socket.writableEnded) throw new RingcastError('INTERNAL', `send after closeWrite on the block stream with ${remoteAddr}`)
      if (batchWrites && socket.writableCorked === 0) {
        socket.cork()
        process.nextTick(uncork, socket)
      }
      // The socket keeps `bytes` until its write callback: a slab stays held till then (slabs.ts).
      if (slabs.isSlab(bytes)) {
        const chunk = [bytes]
        slabs.hold(chunk)
        socket.write(bytes, () => { slabs.release(chunk) })
      } else {
        socket.write(bytes)
      }
      // 'drain' comes only after a write returned false, so wait only then
      // (writableNeedDrain); our mark is far above the socket's own.
      while (socket.writableLength >= WRITE_HIGH_WATER_BYTES && socket.writableNeedDrain) {
        await nextEvent(socket, 'drain', gone)
      }
    },
    async closeWrite () {
      if (isClosed) return
      if (!socket.writableEnded) socket.end()
      if (!socket.writableFinished) await nextEvent(socket, 'finish', () => undefined).catch(() => {})
    },
    abort (reason) {
      if (isClosed || socket.destroyed) return
      options.log?.(`aborting the block stream with ${remoteAddr}: ${reason.message}`)
      failure ??= reason instanceof RingcastError ? reason : new RingcastError('PEER_GONE', reason.message, { cause: reason })
      reader.end(reason)
      // An RST, so the peer's reads fail instead of ending as if we had finished.
      if (tcp !== undefined && !tcp.destroyed) tcp.resetAndDestroy()
      socket.destroy()
    },
    closed,
    get isClosed () { return isClosed }
  }
}

function uncork (socket: Socket): void {
  socket.uncork()
}

/** Resolves at `socket`'s next `event`; at 'close' first, rejects with failure() (or resolves if it gives none). */
async function nextEvent (socket: Socket, event: 'drain' | 'finish', failure: () => Error | undefined): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onEvent = (): void => { socket.off('close', onClose); resolve() }
    const onClose = (): void => {
      socket.off(event, onEvent)
      const err = failure()
      if (err === undefined) resolve()
      else reject(err)
    }
    socket.once(event, onEvent)
    socket.once('close', onClose)
  })
}
