// The source image's digests, computed once by a worker thread that starts
// when `serve` opens the image: every block's SHA-256 and what it holds, and
// the whole image's SHA-256 (none when some blocks are FREE: they are not
// read).
// Feeds can start anywhere in the image (a node re-fed after its upstream
// died starts mid-way), so neither can come from any one feed; this pass
// also overlaps the wait for nodes, and runs well ahead of any feed.

import type { ImageSegment } from './image-file.js'
import { Worker } from 'node:worker_threads'
import { RingcastError } from '../errors.js'

/** The compiled worker, whether this module runs from dist/ or from source (vitest). */
const WORKER_URL = new URL(import.meta.url.includes('/dist/') ? './digest-worker.js' : '../../dist/src/image/digest-worker.js', import.meta.url)

type WorkerMessage =
  | { kind: 'batch', index: number, hashes: Uint8Array, contents: Uint8Array }
  | { kind: 'done', sha256: Uint8Array | null, segments: Array<Uint8Array | null> }
  | { kind: 'error', message: string }

export interface ImageDigestOptions {
  /** Where the image's bytes come from (image-file.ts); zeros between them. */
  segments: readonly ImageSegment[]
  size: number
  blockSize: number
  /** Blocks per batch of hashes handed to `onBatch`. */
  batchBlocks: number
  /** Mark all-zero blocks ZERO (else every block read is DATA). */
  skipZeros: boolean
  /** Byte ranges the image's file system does not use (sorted, disjoint): blocks wholly inside are FREE. */
  free: Array<[number, number]>
  /** Each batch of block hashes (32 bytes a block) and contents (a byte a block), in order. */
  onBatch: (index: number, hashes: Uint8Array, contents: Uint8Array) => void
  now?: () => number
}

export class ImageDigest {
  private readonly result = Promise.withResolvers<Uint8Array | undefined>()
  private readonly worker: Worker
  /** With several segments, each one's SHA-256 once the pass is done (undefined where it had FREE blocks). */
  segmentSha256: Array<Uint8Array | undefined> = []
  /** Milliseconds the pass took, once done. */
  elapsedMs?: number

  constructor (options: ImageDigestOptions) {
    const now = options.now ?? Date.now
    const started = now()
    this.result.promise.catch(() => {})
    const { segments, size, blockSize, batchBlocks, skipZeros, free } = options
    this.worker = new Worker(WORKER_URL, { workerData: { segments, size, blockSize, batchBlocks, skipZeros, free } })
    this.worker.unref()
    this.worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'batch') {
        options.onBatch(m.index, new Uint8Array(m.hashes), new Uint8Array(m.contents))
      } else if (m.kind === 'done') {
        this.elapsedMs = now() - started
        this.segmentSha256 = m.segments.map(h => h === null ? undefined : new Uint8Array(h))
        this.result.resolve(m.sha256 === null ? undefined : new Uint8Array(m.sha256))
      } else {
        this.result.reject(new RingcastError('IMAGE_UNREADABLE', `hashing the image failed: ${m.message}`))
      }
    })
    this.worker.on('error', err => this.result.reject(new RingcastError('IMAGE_UNREADABLE', `hashing the image failed: ${err.message}`, { cause: err })))
  }

  /** The whole image's SHA-256 once the pass is done; undefined when some blocks were FREE (not read). */
  async digest (): Promise<Uint8Array | undefined> {
    return await this.result.promise
  }

  async stop (): Promise<void> {
    await this.worker.terminate()
  }
}
