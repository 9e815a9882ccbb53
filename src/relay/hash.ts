// Block hashing. Every block is SHA-256-hashed by the source and checked by
// every node before a byte of it is written or forwarded; the whole-image
// digest is SHA-256 too, because operators compare with `sha256sum`.
//
// Hashing is synchronous on the event loop (OpenSSL with SHA-NI: ~1.6 GiB/s
// here, ~0.6 ms per MiB) over the chunks the stream delivered: webcrypto's
// thread-pool digest copied every block and cost more event-loop time in
// dispatch and GC than it saved. A native BLAKE3 (3.4 GB/s) was measured
// faster, but its package ships per-platform binaries that the registry
// reachable here lacks for all but linux-x64, which breaks `npm ci`
// (docs/runtime-facts.md, "Hashing speed and hash packages").

import { createHash } from 'node:crypto'

/** A block's bytes as received: one or more chunks, in order. */
export type Payload = readonly Uint8Array[]

export function payloadBytes (payload: Payload): number {
  let n = 0
  for (const c of payload) n += c.byteLength
  return n
}

export function blockHash (payload: Payload | Uint8Array): Uint8Array {
  const hash = createHash('sha256')
  for (const chunk of payload instanceof Uint8Array ? [payload] : payload) hash.update(chunk)
  return new Uint8Array(hash.digest())
}

export function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0
}

export const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')
