// Worker thread: the SHA-256 of a whole image, off the event loop.
//
//   workerData: { path, size }
//   posts:      { kind: 'done', sha256 } | { kind: 'error', message }

import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import { parentPort, workerData } from 'node:worker_threads'

const CHUNK_BYTES = 4 * 1_048_576

async function main ({ path, size }: { path: string, size: number }): Promise<void> {
  const handle = await open(path, 'r')
  const hash = createHash('sha256')
  const buffer = Buffer.allocUnsafeSlow(CHUNK_BYTES)
  try {
    for (let offset = 0; offset < size;) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK_BYTES, size - offset), offset)
      if (bytesRead === 0) throw new Error(`image shrank while it was being hashed (short read at ${offset})`)
      hash.update(buffer.subarray(0, bytesRead))
      offset += bytesRead
    }
    parentPort!.postMessage({ kind: 'done', sha256: hash.digest() })
  } finally {
    await handle.close()
  }
}

main(workerData as { path: string, size: number }).catch(err => {
  parentPort!.postMessage({ kind: 'error', message: (err as Error).message })
})
