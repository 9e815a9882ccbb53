// Worker thread: one pass over the image, off the event loop, for every
// block's SHA-256 and what it holds (DATA, ZERO, FREE), which the source
// signs in batches (src/relay/source-signature.ts), and the whole image's
// SHA-256 (what sha256sum prints) when every block is DATA or ZERO.
//
//   workerData: { segments, size, blockSize, batchBlocks, skipZeros, free }
//     segments: where the image's bytes come from, [{ path, offset, size }]
//           sorted and disjoint; bytes between them read as zeros (one
//           segment at 0 for an image of one file; several for a session
//           of several images, src/wire/image-parts.ts)
//     free: sorted, disjoint [start, end) byte ranges the image's file
//           system does not use (ext-free.ts); a block wholly inside them is
//           FREE and is not read at all
//   posts:      { kind: 'batch', index, hashes, contents } per batch, in order
//               { kind: 'done', sha256 (null once a block is FREE), segments } | { kind: 'error', message }
//     segments: with several, each one's own SHA-256 (what sha256sum of that
//           image prints; null where one of its blocks is FREE); else []

import { createHash } from 'node:crypto'
import { open, type FileHandle } from 'node:fs/promises'
import { parentPort, workerData } from 'node:worker_threads'
import { CONTENT_DATA, CONTENT_FREE, CONTENT_ZERO } from '../wire/protocol.js'

/** Read this much at a time (whole blocks; at least one). */
const READ_BYTES = 4 * 1_048_576

interface Segment { path: string, offset: number, size: number }
interface Input { segments: Segment[], size: number, blockSize: number, batchBlocks: number, skipZeros: boolean, free: Array<[number, number]> }

/** Answers "is block [start, end) wholly free?" for blocks asked in increasing order. */
function freeTest (free: Array<[number, number]>): (start: number, end: number) => boolean {
  let i = 0
  return (start, end) => {
    while (i < free.length && free[i]![1] <= start) i++
    const range = free[i]
    return range !== undefined && range[0] <= start && end <= range[1]
  }
}

/** Reads the image's bytes at any offset from its segments, zeros between them. */
async function segmentReader (segments: Segment[]): Promise<{ read: (into: Buffer, length: number, offset: number) => Promise<void>, close: () => Promise<void> }> {
  const handles: FileHandle[] = []
  try {
    for (const s of segments) handles.push(await open(s.path, 'r'))
  } catch (err) {
    await Promise.all(handles.map(async h => { await h.close() }))
    throw err
  }
  return {
    async read (into, length, offset) {
      into.fill(0, 0, length)
      for (const [i, s] of segments.entries()) {
        const from = Math.max(offset, s.offset)
        const to = Math.min(offset + length, s.offset + s.size)
        for (let at = from; at < to;) {
          const { bytesRead } = await handles[i]!.read(into, at - offset, to - at, at - s.offset)
          if (bytesRead === 0) throw new Error(`image ${s.path} shrank while it was being hashed (short read at ${at - s.offset})`)
          at += bytesRead
        }
      }
    },
    async close () { await Promise.all(handles.map(async h => { await h.close() })) }
  }
}

async function main ({ segments, size, blockSize, batchBlocks, skipZeros, free }: Input): Promise<void> {
  const image = await segmentReader(segments)
  // Several images: each is hashed by itself, and the stream's digest is the signed batches' (no third pass).
  let whole: ReturnType<typeof createHash> | undefined = segments.length > 1 ? undefined : createHash('sha256')
  const own: Array<ReturnType<typeof createHash> | undefined> = segments.length > 1 ? segments.map(() => createHash('sha256')) : []
  /** Each segment's hash takes its own bytes of [at, at + bytes.length) (never padding); a FREE stretch (no bytes) ends it. */
  const perSegment = (at: number, end: number, bytes?: Buffer): void => {
    for (const [i, seg] of segments.entries()) {
      const from = Math.max(at, seg.offset)
      const to = Math.min(end, seg.offset + seg.size)
      if (from >= to || own[i] === undefined) continue
      if (bytes === undefined) own[i] = undefined
      else own[i]!.update(bytes.subarray(from - at, to - at))
    }
  }
  const readBytes = Math.max(blockSize, Math.floor(READ_BYTES / blockSize) * blockSize)
  const buffer = Buffer.allocUnsafeSlow(readBytes)
  const zeros = Buffer.alloc(blockSize)
  const zeroHash = createHash('sha256').update(zeros).digest()
  const isFree = freeTest(free)
  let batch = Buffer.allocUnsafe(batchBlocks * 32)
  let contents = new Uint8Array(batchBlocks)
  let inBatch = 0
  let batchIndex = 0
  const flush = (): void => {
    const hashes = new Uint8Array(batch.buffer, batch.byteOffset, inBatch * 32).slice()
    const kinds = contents.slice(0, inBatch)
    parentPort!.postMessage({ kind: 'batch', index: batchIndex++, hashes, contents: kinds }, [hashes.buffer, kinds.buffer])
    batch = Buffer.allocUnsafe(batchBlocks * 32)
    contents = new Uint8Array(batchBlocks)
    inBatch = 0
  }
  const add = (content: number, hash: Buffer): void => {
    hash.copy(batch, inBatch * 32)
    contents[inBatch] = content
    if (++inBatch === batchBlocks) flush()
  }
  try {
    for (let offset = 0; offset < size;) {
      const want = Math.min(readBytes, size - offset)
      // FREE blocks at the start of this stretch are neither read nor hashed.
      const blockEnd = Math.min(offset + blockSize, size)
      if (isFree(offset, blockEnd)) {
        whole = undefined
        perSegment(offset, blockEnd)
        add(CONTENT_FREE, blockEnd - offset === blockSize ? zeroHash : createHash('sha256').update(zeros.subarray(0, blockEnd - offset)).digest())
        offset = blockEnd
        continue
      }
      // Read up to the next FREE block.
      let stretch = blockEnd - offset
      while (stretch < want) {
        const end = Math.min(offset + stretch + blockSize, size)
        if (isFree(offset + stretch, end)) break
        stretch = end - offset
      }
      await image.read(buffer, stretch, offset)
      const bytes = buffer.subarray(0, stretch)
      whole?.update(bytes)
      if (own.length > 0) perSegment(offset, offset + stretch, bytes)
      for (let at = 0; at < stretch; at += blockSize) {
        const block = bytes.subarray(at, Math.min(at + blockSize, stretch))
        const zero = skipZeros && block.equals(zeros.subarray(0, block.byteLength))
        add(zero ? CONTENT_ZERO : CONTENT_DATA, zero && block.byteLength === blockSize ? zeroHash : createHash('sha256').update(block).digest())
      }
      offset += stretch
    }
    if (inBatch > 0) flush()
    parentPort!.postMessage({ kind: 'done', sha256: whole?.digest() ?? null, segments: own.map(h => h?.digest() ?? null) })
  } finally {
    await image.close()
  }
}

main(workerData as Input).catch(err => {
  parentPort!.postMessage({ kind: 'error', message: (err as Error).message })
})
