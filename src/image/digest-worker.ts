// Worker thread: one pass over the image, off the event loop, for the whole
// image's SHA-256 (what sha256sum prints) and every block's SHA-256, which
// the source signs in batches (src/relay/source-signature.ts).
//
//   workerData: { path, size, blockSize, batchBlocks }
//   posts:      { kind: 'batch', index, hashes } per batch (32 bytes a block), in order
//               { kind: 'done', sha256 } | { kind: 'error', message }

import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import { parentPort, workerData } from 'node:worker_threads'

/** Read this much at a time (whole blocks; at least one). */
const READ_BYTES = 4 * 1_048_576

interface Input { path: string, size: number, blockSize: number, batchBlocks: number }

async function main ({ path, size, blockSize, batchBlocks }: Input): Promise<void> {
  const handle = await open(path, 'r')
  const whole = createHash('sha256')
  const readBytes = Math.max(blockSize, Math.floor(READ_BYTES / blockSize) * blockSize)
  const buffer = Buffer.allocUnsafeSlow(readBytes)
  let batch = Buffer.allocUnsafe(batchBlocks * 32)
  let inBatch = 0
  let batchIndex = 0
  const flush = (): void => {
    const hashes = new Uint8Array(batch.buffer, batch.byteOffset, inBatch * 32).slice()
    parentPort!.postMessage({ kind: 'batch', index: batchIndex++, hashes }, [hashes.buffer])
    batch = Buffer.allocUnsafe(batchBlocks * 32)
    inBatch = 0
  }
  try {
    for (let offset = 0; offset < size;) {
      const want = Math.min(readBytes, size - offset)
      let filled = 0
      while (filled < want) {
        const { bytesRead } = await handle.read(buffer, filled, want - filled, offset + filled)
        if (bytesRead === 0) throw new Error(`image shrank while it was being hashed (short read at ${offset + filled})`)
        filled += bytesRead
      }
      const bytes = buffer.subarray(0, want)
      whole.update(bytes)
      for (let at = 0; at < want; at += blockSize) {
        createHash('sha256').update(bytes.subarray(at, Math.min(at + blockSize, want))).digest().copy(batch, inBatch * 32)
        if (++inBatch === batchBlocks) flush()
      }
      offset += want
    }
    if (inBatch > 0) flush()
    parentPort!.postMessage({ kind: 'done', sha256: whole.digest() })
  } finally {
    await handle.close()
  }
}

main(workerData as Input).catch(err => {
  parentPort!.postMessage({ kind: 'error', message: (err as Error).message })
})
