// Block hashing off the event loop: webcrypto's digest runs in libuv's thread
// pool, so verifying block N overlaps receiving block N+1 and the noise
// cipher work that owns the main thread.

import { webcrypto } from 'node:crypto'

export async function sha256 (bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await webcrypto.subtle.digest('SHA-256', bytes))
}

export function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0
}

export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
