// The parameters every party of one session agrees on: the coordinator picks
// them, Welcome carries them, and every hop, journal and source feed uses the
// same value. One validator, so a hostile Welcome and a bad flag are judged
// by the same rules.

import { RingcastError, type ErrorCode } from '../errors.js'
import { MAX_BLOCK_BYTES, MIN_BLOCK_BYTES, SESSION_ID_BYTES } from './protocol.js'

export interface SessionParams {
  /** 16 random bytes that every block frame must carry. */
  sessionId: Uint8Array
  /** Exact image size in bytes. */
  imageSize: number
  /** Block size the source uses; the last block may be shorter. */
  blockSize: number
  /** Credit window: most unacknowledged payload bytes in flight on one hop. */
  windowBytes: number
}

/**
 * The largest window: a receiver may buffer one window per hop, and 2 GiB
 * is past any bandwidth-delay product a LAN has.
 */
export const MAX_WINDOW_BYTES = 2 ** 31

/** Why these parameters are impossible, or undefined when they are sound. */
export function sessionParamsProblem (p: SessionParams): string | undefined {
  if (p.sessionId.byteLength !== SESSION_ID_BYTES) return `a session id of ${p.sessionId.byteLength} bytes (expected ${SESSION_ID_BYTES})`
  if (!Number.isSafeInteger(p.imageSize) || p.imageSize <= 0) return `an image of ${p.imageSize} bytes`
  if (!Number.isInteger(p.blockSize) || p.blockSize < MIN_BLOCK_BYTES || p.blockSize > MAX_BLOCK_BYTES) {
    return `a block size of ${p.blockSize} bytes (allowed: ${MIN_BLOCK_BYTES} to ${MAX_BLOCK_BYTES})`
  }
  if (!Number.isInteger(p.windowBytes) || p.windowBytes < p.blockSize || p.windowBytes > MAX_WINDOW_BYTES) {
    return `a window of ${p.windowBytes} bytes (at least one block, at most 2 GiB)`
  }
  return undefined
}

/** `p` if sound; else a RingcastError with `code` naming what is wrong, as said by `who`. */
export function checkSessionParams (p: SessionParams, code: ErrorCode, who: string): SessionParams {
  const problem = sessionParamsProblem(p)
  if (problem !== undefined) throw new RingcastError(code, `${who} gave impossible session parameters: ${problem}`)
  return { sessionId: p.sessionId, imageSize: p.imageSize, blockSize: p.blockSize, windowBytes: p.windowBytes }
}

/**
 * How block streams travel (serve --data-plane): a direct TLS 1.3
 * connection per hop (encrypted, the default), the same in plain TCP after
 * a mutual proof of the hop's key (integrity-only: blocks are still
 * source-signed and verified), or a libp2p stream (the path before
 * protocol 4, kept to measure against).
 */
export type DataPlaneKind = 'encrypted' | 'integrity-only' | 'libp2p'
export const DATA_PLANE_KINDS: readonly DataPlaneKind[] = ['encrypted', 'integrity-only', 'libp2p']
