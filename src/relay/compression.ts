// Per-block zstd on the wire (issue 12, item 4; serve --compress LEVEL).
// The source compresses each DATA block once, and sends it compressed only
// where that pays; relays forward the compressed bytes as they came, and
// every node decompresses to check the block against the hash the source
// signed (which is over the uncompressed bytes) and to write it.
//
// One codec on every Node version: @bokuweb/zstd-wasm (libzstd in WASM,
// installs with npm ci, no native build). Node 20 has no zstd at all, and
// measured here it runs at 460-1000 MB/s compressing (level 3) and
// 850-1460 MB/s decompressing a 1 MiB block, far past a node's link
// (docs/runtime-facts.md, "zstd").
//
// A compressed payload is untrusted until decompressed and hashed: its
// frame must declare a content size equal to the block's length before a
// byte is decompressed, so a small frame cannot make a node allocate more
// than one block (a 2 KiB zstd frame can declare 64 MiB).

import { compress, decompress, init } from '@bokuweb/zstd-wasm'

/** serve --compress's default level when given without one; zstd's own default. */
export const DEFAULT_COMPRESSION_LEVEL = 3
export const MAX_COMPRESSION_LEVEL = 19

/** A block goes compressed only if that saves at least 1/32 of it. */
const MIN_SAVING = 1 / 32

let ready: Promise<void> | undefined

/** Load the codec (once per process; a few milliseconds). */
export async function initCompression (): Promise<void> {
  ready ??= init()
  await ready
}

/** `block` compressed at `level`, or undefined where that does not pay. */
export function compressBlock (block: Uint8Array, level: number): Uint8Array | undefined {
  const out = compress(block, level)
  return out.byteLength <= block.byteLength * (1 - MIN_SAVING) ? out : undefined
}

/** Why `frame` cannot be a zstd frame of exactly `length` bytes of content, or undefined when it may be. */
export function frameProblem (frame: Uint8Array, length: number): string | undefined {
  if (frame.byteLength < 6) return `a compressed payload of ${frame.byteLength} bytes`
  if (frame[0] !== 0x28 || frame[1] !== 0xb5 || frame[2] !== 0x2f || frame[3] !== 0xfd) return 'a compressed payload that is not a zstd frame'
  const descriptor = frame[4]!
  const fcsFlag = descriptor >> 6
  const singleSegment = (descriptor & 0x20) !== 0
  const dictIdBytes = [0, 1, 2, 4][descriptor & 0x03]!
  if ((descriptor & 0x08) !== 0) return 'a zstd frame with its reserved bit set'
  if (dictIdBytes !== 0) return 'a zstd frame that needs a dictionary'
  const fcsBytes = fcsFlag === 0 ? (singleSegment ? 1 : 0) : [0, 2, 4, 8][fcsFlag]!
  if (fcsBytes === 0) return 'a zstd frame that does not say its content size'
  let at = 5 + (singleSegment ? 0 : 1)
  if (frame.byteLength < at + fcsBytes) return 'a truncated zstd frame header'
  let size = 0
  for (let i = fcsBytes - 1; i >= 0; i--) size = size * 256 + frame[at + i]!
  if (fcsBytes === 2) size += 256
  return size === length ? undefined : `a zstd frame of ${size} bytes of content for a ${length}-byte block`
}

/**
 * The block's bytes from its compressed payload (`chunks`, as read), which
 * must decompress to exactly `length` bytes. Throws with the reason
 * otherwise (the caller names the upstream a liar).
 */
export function decompressBlock (chunks: readonly Uint8Array[], length: number): Uint8Array {
  const frame = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks as Uint8Array[])
  const problem = frameProblem(frame, length)
  if (problem !== undefined) throw new Error(problem)
  let out: Uint8Array
  try {
    out = decompress(frame)
  } catch (err) {
    throw new Error(`a compressed payload that does not decompress (${(err as Error).message})`)
  }
  if (out.byteLength !== length) throw new Error(`a compressed payload of ${out.byteLength} bytes for a ${length}-byte block`)
  return out
}
