// A node's memory does not grow with the image (CONVENTIONS.md: "the bound is
// asserted in a test, not assumed"). Before protocol 4 the hash index kept,
// per block, a view into the chunk the block's header arrived in, which
// pinned every received buffer: 1.1 GB of RSS for 1 GiB in 64 KiB blocks.
// Now it is meant to keep the source's signed batches as owned copies, 32 B
// per block and 64 B per batch; everything else a node holds is bounded by
// its window and its replay buffer. (The copies are not yet owned: see the
// known bug below.)
//
// The smallest block size makes the most blocks and batches for the bytes:
// 64 MiB in 4 KiB blocks is 16 384 blocks in 64 batches.

import { createHash } from 'node:crypto'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import type { RelayPipeline } from '../../src/relay/relay-pipeline.js'
import type { Target } from '../../src/storage/target.js'
import { MIN_BLOCK_BYTES } from '../../src/wire/protocol.js'
import { STREAM_CHUNK_BYTES, feed, hex, hop, newSession, only, pipelineOf, receiverOf, relaySender, sha256, sourceSender } from './relay-fixtures.js'

const MiB = 1_048_576
const IMAGE_BYTES = 64 * MiB
const BLOCKS = IMAGE_BYTES / MIN_BLOCK_BYTES
const BATCHES = 64
const WINDOW_BYTES = MiB
const REPLAY_BYTES = MiB

/** A target that keeps nothing: it checks writes come in order and hashes them. */
function hashingTarget (): { target: Target, sha256: () => string, writtenBytes: () => number } {
  const hash = createHash('sha256')
  let through = 0
  const target = {
    async write (offset: number, chunks: readonly Uint8Array[]) {
      if (offset !== through) throw new Error(`write at ${offset}, expected ${through}`)
      for (const c of chunks) { hash.update(c); through += c.byteLength }
    },
    async read () { throw new Error('nothing to read back: every block went live') },
    async finish () {},
    async close () {}
  }
  return { target: target as unknown as Target, sha256: () => hash.digest('hex'), writtenBytes: () => through }
}

/** A full collection, so what is still referenced is all that is counted. */
function collectGarbage (): void {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  gc()
  gc()
}

/** Batches the node holds whose bytes are a view into a larger buffer (a received chunk), not their own. */
async function viewsIntoChunks (pipeline: RelayPipeline): Promise<number> {
  let views = 0
  for (let i = 0; i < pipeline.hashes.held; i++) {
    const { hashes, signature } = await pipeline.hashes.batch(i)
    if (hashes.buffer.byteLength !== hashes.byteLength || signature.buffer.byteLength !== signature.byteLength) views++
  }
  return views
}

interface Relayed {
  nodes: [RelayPipeline, RelayPipeline]
  /** arrayBuffers after the run less before it, both after a full collection, with both nodes still referenced. */
  grownBytes: number
}

/**
 *   source ──> node-a ──> node-b      64 MiB in 4 KiB blocks, coalescing hops
 *
 * Checks both copies are the image, and returns the nodes (still referenced).
 */
async function relayLongImage (): Promise<Relayed> {
  const s = newSession(IMAGE_BYTES, { blockSize: MIN_BLOCK_BYTES, windowBytes: WINDOW_BYTES })
  const expected = sha256(s.image)
  // A payload shares its chunk with the frames around it, as on a real
  // stream, so anything that keeps a view into a frame keeps the chunk.
  const sourceToA = hop('source', 'node-a', { coalesce: true })
  const aToB = hop('node-a', 'node-b', { coalesce: true })
  const diskA = hashingTarget()
  const diskB = hashingTarget()
  const a = pipelineOf(diskA.target, s, { replayBytes: REPLAY_BYTES })
  const b = pipelineOf(diskB.target, s, { replayBytes: REPLAY_BYTES })

  collectGarbage()
  const before = process.memoryUsage().arrayBuffers

  const runB = b.run(only(receiverOf(aToB.b, b, s)))
  const forwarder = await a.attachDownstream(relaySender(aToB.a, a, s))
  const [, resultA, resultB] = await Promise.all([
    feed(s, sourceSender(sourceToA.a, s)),
    a.run(only(receiverOf(sourceToA.b, a, s))),
    runB
  ])
  await forwarder.complete()
  for (const [result, disk] of [[resultA, diskA], [resultB, diskB]] as const) {
    expect(hex(result.sourceDigest)).toBe(expected)
    expect(disk.writtenBytes()).toBe(IMAGE_BYTES)
    expect(disk.sha256()).toBe(expected)
  }
  // Everything went live: the replay buffer and the target were never read.
  expect(forwarder.replayedBytes + forwarder.readBackBytes).toBe(0)

  collectGarbage()
  return { nodes: [a, b], grownBytes: process.memoryUsage().arrayBuffers - before }
}

describe('memory of a relay over a long image in the smallest blocks', () => {
  // One run serves both tests: the second looks at what the first left.
  let relayed: Relayed | undefined

  it(`relays ${IMAGE_BYTES / MiB} MiB in ${MIN_BLOCK_BYTES}-byte blocks through a chain: each node's index is 33 B per block and 64 B per batch, the rest bounded by window and replay buffer`, async () => {
    relayed = await relayLongImage()
    for (const node of relayed.nodes) {
      expect(node.hashes.held).toBe(BATCHES)
      expect(node.hashes.heldBytes).toBe(BLOCKS * 33 + BATCHES * 64)
      expect(node.hashes.heldBytes / BLOCKS).toBeLessThan(33.5)
      expect(node.peakInflightBytes).toBeLessThanOrEqual(WINDOW_BYTES)
      expect(node.replayHeldBytes).toBeLessThanOrEqual(REPLAY_BYTES)
    }
  })

  // Regression: the "owned copies" of batches were made with .slice(), and
  // Buffer#slice is a view, so every batch pinned the ~64 KiB chunk its frame
  // arrived in (9.9 MiB grown here instead of 3.0 MiB).
  it('holds no received chunk: every batch is an owned copy, and after the run the nodes keep only their index and replay buffers', async () => {
    const { nodes, grownBytes } = relayed!
    for (const node of nodes) expect(await viewsIntoChunks(node)).toBe(0)
    // What each node may still hold: its index, its replay buffer, and the
    // one chunk at either end of that buffer; plus 2 MiB of slack.
    const allowed = nodes.reduce((n, node) => n + node.hashes.heldBytes + REPLAY_BYTES + 2 * STREAM_CHUNK_BYTES, 0) + 2 * MiB
    expect(grownBytes).toBeLessThan(allowed)
  })
})
