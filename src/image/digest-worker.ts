// Worker thread: one pass over the image, off the event loop, for every
// block's SHA-256 and what it holds (DATA, ZERO, FREE), which the source
// signs in batches (src/relay/source-signature.ts), and the whole image's
// SHA-256 (what sha256sum prints) when every block is DATA or ZERO.
//
//   workerData: { path, size, blockSize, batchBlocks, skipZeros, free }
//     free: sorted, disjoint [start, end) byte ranges the image's file
//           system does not use (ext-free.ts); a block wholly inside them is
//           FREE and is not read at all
//   posts:      { kind: 'batch', index, hashes, contents } per batch, in order
//               { kind: 'done', sha256 (null once a block is FREE) } | { kind: 'error', message }

import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import { parentPort, workerData } from 'node:worker_threads'
import { CONTENT_DATA, CONTENT_FREE, CONTENT_ZERO } from '../wire/protocol.js'

/** Read this much at a time (whole blocks; at least one). */
const READ_BYTES = 4 * 1_048_576

interface Input { path: string, size: number, blockSize: number, batchBlocks: number, skipZeros: boolean, free: Array<[number, number]> }

/** Answers "is block [start, end) wholly free?" for blocks asked in increasing order. */
function freeTest (free: Array<[number, number]>): (start: number, end: number) => boolean {
  let i = 0
  return (start, end) => {
    while (i < free.length && free[i]![1] <= start) i++
    const range = free[i]
    return range !== undefined && range[0] <= start && end <= range[1]
  }
}

async function main ({ path, size, blockSize, batchBlocks, skipZeros, free }: Input): Promise<void> {
  const handle = await open(path, 'r')
  let whole: ReturnType<typeof createHash> | undefined = createHash('sha256')
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
      let filled = 0
      while (filled < stretch) {
        const { bytesRead } = await handle.read(buffer, filled, stretch - filled, offset + filled)
        if (bytesRead === 0) throw new Error(`image shrank while it was being hashed (short read at ${offset + filled})`)
        filled += bytesRead
      }
      const bytes = buffer.subarray(0, stretch)
      whole?.update(bytes)
      for (let at = 0; at < stretch; at += blockSize) {
        const block = bytes.subarray(at, Math.min(at + blockSize, stretch))
        const zero = skipZeros && block.equals(zeros.subarray(0, block.byteLength))
        add(zero ? CONTENT_ZERO : CONTENT_DATA, zero && block.byteLength === blockSize ? zeroHash : createHash('sha256').update(block).digest())
      }
      offset += stretch
    }
    if (inBatch > 0) flush()
    parentPort!.postMessage({ kind: 'done', sha256: whole?.digest() ?? null })
  } finally {
    await handle.close()
  }
}

main(workerData as Input).catch(err => {
  parentPort!.postMessage({ kind: 'error', message: (err as Error).message })
})
