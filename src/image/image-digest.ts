// The source image's SHA-256, computed once by a worker thread that starts
// when `serve` opens the image. Feeds can start anywhere in the image (a node
// re-fed after its upstream died starts mid-way), so the whole-image digest
// cannot come from any one feed; this pass also overlaps the wait for nodes.

import { Worker } from 'node:worker_threads'
import { RingcastError } from '../errors.js'

/** The compiled worker, whether this module runs from dist/ or from source (vitest). */
const WORKER_URL = new URL(import.meta.url.includes('/dist/') ? './digest-worker.js' : '../../dist/src/image/digest-worker.js', import.meta.url)

export class ImageDigest {
  private readonly result = Promise.withResolvers<Uint8Array>()
  private readonly worker: Worker
  /** Milliseconds the pass took, once done. */
  elapsedMs?: number

  constructor (path: string, size: number, now: () => number = Date.now) {
    const started = now()
    this.result.promise.catch(() => {})
    this.worker = new Worker(WORKER_URL, { workerData: { path, size } })
    this.worker.unref()
    this.worker.on('message', (m: { kind: 'done', sha256: Uint8Array } | { kind: 'error', message: string }) => {
      if (m.kind === 'done') {
        this.elapsedMs = now() - started
        this.result.resolve(new Uint8Array(m.sha256))
      } else {
        this.result.reject(new RingcastError('IMAGE_UNREADABLE', `hashing the image failed: ${m.message}`))
      }
    })
    this.worker.on('error', err => this.result.reject(new RingcastError('IMAGE_UNREADABLE', `hashing the image failed: ${err.message}`, { cause: err })))
  }

  async digest (): Promise<Uint8Array> {
    return await this.result.promise
  }

  async stop (): Promise<void> {
    await this.worker.terminate()
  }
}
