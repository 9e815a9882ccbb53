// The relay without libp2p: BlockSender -> in-memory channel -> BlockReceiver ->
// RelayPipeline -> a real file Target, in a session whose source signed every
// block's hash (test/support/signed-image.ts). Asserts identical bytes, the
// source's digest, and that in-flight data stays inside the credit window
// (CONVENTIONS.md, "Streams"). Upstreams that lie about the data are in
// upstream-lies.test.ts; the memory bound of a long image in
// relay-memory-bound.test.ts.

import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { RingcastError, UpstreamLieError } from '../../src/errors.js'
import type { ImageSource } from '../../src/image/image-file.js'
import { BlockReceiver, receiveBufferLimit } from '../../src/relay/block-receiver.js'
import { blockHash } from '../../src/relay/hash.js'
import type { RelayPipeline } from '../../src/relay/relay-pipeline.js'
import { batchCount } from '../../src/relay/source-signature.js'
import { encodeAck, encodeBlockHeader } from '../../src/wire/messages.js'
import { MAX_ACK_FRAME_BYTES } from '../../src/wire/protocol.js'
import {
  BLOCK, WINDOW, feed, handUpstream, hex, hop, memoryImage, newSession, only, openTarget, pipelineOf, receiverOf,
  rejection, relaySender, sampleBuffered, sampleInflight, settledFile, sha256, sourceSender, tempDir, waitFor, type Session
} from './relay-fixtures.js'

// ------------------------------------------------------------------ happy paths

describe('relay over an in-memory channel', () => {
  it.each([
    ['40 whole blocks', 40 * BLOCK, BLOCK],
    ['a short last block', 39 * BLOCK + 12_345, BLOCK],
    ['an image smaller than one block', 1000, BLOCK],
    ['4 KiB blocks over three hash batches, the last one short and its last block too', 700 * 4096 + 5, 4096]
  ])('copies an image of %s byte for byte, inside the credit window', async (_name, imageSize, blockSize) => {
    const window = 4 * blockSize
    const s = newSession(imageSize, { blockSize, windowBytes: window })
    const dir = await tempDir()
    const { path, target } = await openTarget(dir, 'target.img', imageSize)

    const { a, b } = hop('source', 'node-a')
    const sender = sourceSender(a, s)
    const inflight = sampleInflight(sender)
    const pipeline = pipelineOf(target, s)
    const receiver = receiverOf(b, pipeline, s)
    const buffered = sampleBuffered(b.reader)

    const [startedAt, result] = await Promise.all([feed(s, sender), pipeline.run(only(receiver))])

    await target.close()
    const written = await readFile(path)
    expect(written.byteLength).toBe(imageSize)
    expect(sha256(written)).toBe(sha256(s.image))
    expect(written.equals(s.image)).toBe(true)

    expect(hex(result.sourceDigest)).toBe(sha256(s.image))
    expect(pipeline.end).toEqual(s.signed.end)
    expect(pipeline.hashes.complete).toBe(true)
    expect(pipeline.hashes.held).toBe(batchCount(s.params))
    expect(startedAt).toBe(0)
    expect(pipeline.writtenThrough).toBe(imageSize)
    expect(pipeline.bytesReceived).toBe(imageSize)

    expect(pipeline.peakInflightBytes).toBeGreaterThan(0)
    expect(pipeline.peakInflightBytes).toBeLessThanOrEqual(window)
    expect(inflight).toHaveLength(Math.ceil(imageSize / blockSize))
    expect(Math.max(...inflight)).toBeLessThanOrEqual(window)
    // The receive buffer never held more than an honest window's worth (and its batches).
    expect(buffered.max).toBeGreaterThan(0)
    expect(buffered.max).toBeLessThanOrEqual(receiveBufferLimit(window, blockSize))
    await sender.waitAcked(imageSize)
    expect(sender.failure).toBeUndefined()
    expect(sender.batchesSent).toBe(batchCount(s.params))
  })

  it('relays through two chained nodes, and both copies are identical', async () => {
    const s = newSession(40 * BLOCK)
    const { imageSize } = s.params
    const dir = await tempDir()
    const targetA = await openTarget(dir, 'a.img', imageSize)
    const targetB = await openTarget(dir, 'b.img', imageSize)

    const sourceToA = hop('source', 'node-a')
    const aToB = hop('node-a', 'node-b')

    const pipelineA = pipelineOf(targetA.target, s)
    const pipelineB = pipelineOf(targetB.target, s)
    const sourceFeed = sourceSender(sourceToA.a, s)
    const sourceInflight = sampleInflight(sourceFeed)
    const senderA = relaySender(aToB.a, pipelineA, s)
    const forwardInflight = sampleInflight(senderA)

    // Node A opens its downstream (the HELLO handshake) before it relays, as the agent does.
    const runB = pipelineB.run(only(receiverOf(aToB.b, pipelineB, s)))
    const forwarder = await pipelineA.attachDownstream(senderA)
    expect(forwarder.startedAt).toBe(0)
    const [, resultA, resultB] = await Promise.all([
      feed(s, sourceFeed),
      pipelineA.run(only(receiverOf(sourceToA.b, pipelineA, s))),
      runB
    ])
    await forwarder.complete()
    expect(forwarder.failure).toBeUndefined()
    // B was there from the start: everything went live, nothing from replay or disk.
    expect(forwarder.replayedBytes + forwarder.readBackBytes).toBe(0)
    for (const { path, target } of [targetA, targetB]) {
      await target.close()
      expect(sha256(await readFile(path))).toBe(sha256(s.image))
    }
    expect(hex(resultA.sourceDigest)).toBe(sha256(s.image))
    expect(hex(resultB.sourceDigest)).toBe(sha256(s.image))
    // B checked A's forwarded batch against the source's key, not A's.
    expect(pipelineB.hashes.complete).toBe(true)
    for (const p of [pipelineA, pipelineB]) expect(p.peakInflightBytes).toBeLessThanOrEqual(WINDOW)
    expect(Math.max(...sourceInflight, ...forwardInflight)).toBeLessThanOrEqual(WINDOW)
    await senderA.waitAcked(imageSize)
  })

  it('fans out: one node forwards every block to two downstreams (a tree), and all three copies are identical', async () => {
    const s = newSession(30 * BLOCK + 999)
    const { imageSize } = s.params
    const dir = await tempDir()
    const { target } = await openTarget(dir, 'a.img', imageSize)
    const sourceToA = hop('source', 'node-a')
    const pipelineA = pipelineOf(target, s)
    const children = await Promise.all(['b', 'c'].map(async name => {
      const { path, target: t } = await openTarget(dir, `${name}.img`, imageSize)
      const link = hop('node-a', `node-${name}`)
      const pipeline = pipelineOf(t, s)
      const run = pipeline.run(only(receiverOf(link.b, pipeline, s)))
      const sender = relaySender(link.a, pipelineA, s)
      const inflight = sampleInflight(sender)
      const forwarder = await pipelineA.attachDownstream(sender)
      return { path, target: t, run, forwarder, inflight }
    }))
    expect([...pipelineA.forwarders.keys()].sort()).toEqual(['node-b', 'node-c'])
    await Promise.all([
      feed(s, sourceSender(sourceToA.a, s)),
      pipelineA.run(only(receiverOf(sourceToA.b, pipelineA, s)))
    ])
    for (const c of children) {
      expect(hex((await c.run).sourceDigest)).toBe(sha256(s.image))
      await c.forwarder.complete()
      expect(c.forwarder.replayedBytes + c.forwarder.readBackBytes).toBe(0)
      expect(Math.max(...c.inflight)).toBeLessThanOrEqual(WINDOW)
      await c.target.close()
      expect(sha256(await readFile(c.path))).toBe(sha256(s.image))
    }
    // Dropping one downstream leaves the other in force.
    pipelineA.dropDownstream('node-b', 'moved elsewhere')
    expect([...pipelineA.forwarders.keys()]).toEqual(['node-c'])
  })

  it('a downstream that stops giving credit (hung) is demoted to the background: the node and its other downstream finish', async () => {
    const s = newSession(40 * BLOCK)
    const { imageSize } = s.params
    const dir = await tempDir()
    const { target } = await openTarget(dir, 'a.img', imageSize)
    const sourceToA = hop('source', 'node-a')
    const pipelineA = pipelineOf(target, s, { replayBytes: 0, demoteAfterMs: 200 })
    const demoted: string[] = []
    pipelineA.onDownstreamDemoted = peer => demoted.push(peer)
    // B is healthy.
    const { path: pathB, target: targetB } = await openTarget(dir, 'b.img', imageSize)
    const aToB = hop('node-a', 'node-b')
    const pipelineB = pipelineOf(targetB, s)
    const runB = pipelineB.run(only(receiverOf(aToB.b, pipelineB, s)))
    await pipelineA.attachDownstream(relaySender(aToB.a, pipelineA, s))
    // C answers HELLO, then freezes: it never acks again.
    const aToC = hop('node-a', 'node-c')
    const hung = (async () => {
      await aToC.b.reader.readFrame(MAX_ACK_FRAME_BYTES)
      await aToC.b.send(encodeAck({ writtenThrough: 0, hashesFrom: 0 }))
    })()
    const toC = pipelineA.attachDownstream(relaySender(aToC.a, pipelineA, s))
    await hung
    const forwarderC = await toC
    await Promise.all([
      feed(s, sourceSender(sourceToA.a, s)),
      pipelineA.run(only(receiverOf(sourceToA.b, pipelineA, s)))
    ])
    expect(hex((await runB).sourceDigest)).toBe(sha256(s.image))
    await targetB.close()
    expect(sha256(await readFile(pathB))).toBe(sha256(s.image))
    expect(demoted).toEqual(['node-c'])
    expect(forwarderC.demoted).toBe(true)
    // C got no more than one window before it froze.
    expect(forwarderC.sender.sentThrough).toBeLessThanOrEqual(WINDOW)
  })

  // Waiting for our own fsync before sending END added every node's final
  // fsync, one after another, to the time the tail of a chain finished.
  it('sends END downstream before its own final fsync, and reports only after that fsync', async () => {
    const s = newSession(12 * BLOCK)
    const { imageSize } = s.params
    const dir = await tempDir()
    const targetA = await openTarget(dir, 'a.img', imageSize)
    const fsync = Promise.withResolvers<void>()
    const finish = targetA.target.finish.bind(targetA.target)
    let finishCalled = false
    targetA.target.finish = async size => { finishCalled = true; await fsync.promise; await finish(size) }
    const targetB = await openTarget(dir, 'b.img', imageSize)
    const sourceToA = hop('source', 'node-a')
    const aToB = hop('node-a', 'node-b')
    const pipelineA = pipelineOf(targetA.target, s)
    const pipelineB = pipelineOf(targetB.target, s)
    const runB = pipelineB.run(only(receiverOf(aToB.b, pipelineB, s)))
    const forwarder = await pipelineA.attachDownstream(relaySender(aToB.a, pipelineA, s))
    let aDone = false
    const runA = pipelineA.run(only(receiverOf(sourceToA.b, pipelineA, s)))
      .finally(() => { aDone = true })
    await feed(s, sourceSender(sourceToA.a, s))

    // B verifies and A's forwarder completes while A's own fsync is still held.
    const resultB = await runB
    await forwarder.complete()
    expect(hex(resultB.sourceDigest)).toBe(sha256(s.image))
    expect(finishCalled).toBe(true)
    expect(aDone).toBe(false)
    fsync.resolve()
    expect(hex((await runA).sourceDigest)).toBe(sha256(s.image))
  })
})

// ------------------------------------------------------------------ broken upstreams (the wire format)

describe('pipeline against an upstream that breaks the wire format', () => {
  it('fails with PROTOCOL when the upstream exceeds the credit window', async () => {
    const up = await handUpstream({ imageSize: 10 * BLOCK, windowBytes: WINDOW })
    // Four blocks fill the window; the fifth header is one block too many.
    // (Sent without its payload, so the reader's buffer cap does not trip first.)
    up.batch(0)
    up.blocks(0, 4)
    up.send(encodeBlockHeader({ kind: 'block', sessionId: up.params.sessionId, offset: 4 * BLOCK, length: BLOCK, hash: new Uint8Array() }))

    const err = await rejection(up.run())
    expect(err.code).toBe('PROTOCOL')
    expect(err.message).toMatch(/credit window/)
    expect(up.pipeline.peakInflightBytes).toBeLessThanOrEqual(WINDOW)
  })

  it('fails with PROTOCOL when the upstream floods far past the window', async () => {
    const up = await handUpstream({ imageSize: 64 * BLOCK, windowBytes: WINDOW })
    up.batch(0)
    up.blocks(0, 64)
    const err = await rejection(up.run())
    expect(err.code).toBe('PROTOCOL')
    expect(up.pipeline.peakInflightBytes).toBeLessThanOrEqual(WINDOW)
    expect(up.pipeline.writtenThrough).toBe(0)
  })

  type Up = Awaited<ReturnType<typeof handUpstream>>
  it.each([
    ['a block at the wrong offset', (up: Up) => {
      up.block(0)
      up.block(2 * BLOCK) // skips block 1
    }, /block at 131072, expected 65536/],
    ['a first block that does not start at 0', (up: Up) => {
      up.block(BLOCK)
    }, /expected 0/],
    ['a block longer than the block size', (up: Up) => {
      up.block(0, randomBytes(BLOCK + 1))
    }, /65537 bytes, expected 65536/],
    ['an empty block', (up: Up) => {
      up.block(0, new Uint8Array(0))
    }, /is 0 bytes, expected 65536/],
    ['a block past the image end', (up: Up) => {
      up.block(0)
      up.block(BLOCK, randomBytes(BLOCK)) // image is 1.5 blocks
    }, /block at 65536 is 65536 bytes, expected 32768/],
    ['a frame for another session', (up: Up) => {
      up.block(0, undefined, randomBytes(16))
    }, /another session/],
    ['a second HELLO', (up: Up) => {
      up.send(encodeBlockHeader({ kind: 'hello', sessionId: up.params.sessionId, offset: 0, length: 0, hash: new Uint8Array() }))
    }, /unexpected hello/],
    ['a closed stream before END', (up: Up) => {
      up.block(0)
      up.receiver.channel.reader.end() // the upstream half-closes early
    }, /closed the block stream/]
  ])('fails with PROTOCOL on %s (after a good hash batch)', async (_name, misbehave, message) => {
    const up = await handUpstream({ imageSize: BLOCK + BLOCK / 2 })
    up.batch(0)
    misbehave(up)
    const err = await rejection(up.run())
    expect(err.code).toBe('PROTOCOL')
    expect(err).not.toBeInstanceOf(UpstreamLieError)
    expect(err.message).toMatch(message)
    // Breaking the format is not lying about the data: the coordinator is not told of a liar.
    expect(up.lied).toEqual([])
  })

  // Regression: an empty BLOCK at the image end passed the shape checks and
  // was taken for a lie (HashIndex.hashOf gave a 0-byte view past the end).
  it('fails with PROTOCOL on an empty block after the last one (at the image end)', async () => {
    const up = await handUpstream({ imageSize: 2 * BLOCK })
    up.batch(0)
    up.blocks(0, 2)
    up.block(2 * BLOCK, new Uint8Array(0))
    const err = await rejection(up.run())
    expect(err.code).toBe('PROTOCOL')
    expect(up.lied).toEqual([])
  })

  it('fails HELLO for another session with PROTOCOL', async () => {
    const s = newSession(BLOCK)
    const { a, b } = hop('hostile', 'node')
    const dir = await tempDir()
    const pipeline = pipelineOf((await openTarget(dir, 't.img', BLOCK)).target, s)
    const receiver = new BlockReceiver(b, { ...s.params, verifier: s.signed.verifier, hashes: pipeline.hashes })
    await a.send(encodeBlockHeader({ kind: 'hello', sessionId: randomBytes(16), offset: 0, length: 0, hash: new Uint8Array() }))
    const err = await rejection(receiver.hello(0))
    expect(err.code).toBe('PROTOCOL')
  })
})

describe('pipeline and a failing disk', () => {
  // Regression: CI hung when a disk filled up. Writes lag behind reading, so
  // the loop had taken every block the upstream had credit for and waited in
  // next() forever, still heartbeating, while the failed write was never seen.
  it('a write that fails after every credited block was read ends the run with the write error, at once', async () => {
    const s = newSession(16 * BLOCK)
    const { a, b } = hop('source', 'node')
    let writes = 0
    const failingTarget = {
      async write () {
        writes++
        if (writes === 3) {
          await new Promise(resolve => setTimeout(resolve, 50))
          throw new RingcastError('TARGET_WRITE_FAILED', 'write of 65536 bytes at 131072 on target /t failed: no space left on the device')
        }
      },
      async finish () {},
      async close () {}
    }
    const pipeline = pipelineOf(failingTarget as never, s)
    const started = Date.now()
    const [source, run] = await Promise.allSettled([
      feed(s, sourceSender(a, s)),
      pipeline.run(only(receiverOf(b, pipeline, s)))
    ])
    expect(run.status).toBe('rejected')
    expect((run as PromiseRejectedResult).reason.code).toBe('TARGET_WRITE_FAILED')
    expect(Date.now() - started).toBeLessThan(5_000)
    // The upstream was told why and stopped.
    expect(source.status).toBe('rejected')
    expect(pipeline.writtenThrough).toBe(2 * BLOCK)
  })
})

// ------------------------------------------------------------------ a downstream that is behind

/** An image whose blocks from `gateAt` on are held back until release() (the source pauses there). */
function gatedImage (bytes: Uint8Array, gateAt: number): { image: ImageSource, release: () => void } {
  const gate = Promise.withResolvers<void>()
  const inner = memoryImage(bytes)
  return {
    image: { ...inner, async read (offset, length) { if (offset >= gateAt) await gate.promise; return await inner.read(offset, length) } },
    release: () => gate.resolve()
  }
}

/** A node (pipeline on a file target) fed by the source, with a replay buffer of `replayBytes`. */
async function fedNode (dir: string, s: Session, replayBytes: number, image: ImageSource = memoryImage(s.image)): Promise<{ pipeline: RelayPipeline, run: Promise<unknown>, path: string }> {
  const { path, target } = await openTarget(dir, 'a.img', s.params.imageSize)
  const { a, b } = hop('source', 'node-a')
  const pipeline = pipelineOf(target, s, { replayBytes })
  const run = Promise.all([
    feed(s, sourceSender(a, s), image),
    pipeline.run(only(receiverOf(b, pipeline, s)))
  ])
  return { pipeline, run, path }
}

/** The journal a node would have kept of its first `blocks` blocks. */
function journalOf (s: Session, blocks: number): Array<{ offset: number, length: number, hash: Uint8Array }> {
  return Array.from({ length: blocks }, (_, i) => ({ offset: i * BLOCK, length: BLOCK, hash: blockHash(s.image.subarray(i * BLOCK, (i + 1) * BLOCK)) }))
}

/** Attach a fresh node B behind `up`, optionally resumed from B's journal of its first blocks. */
async function attachNodeB (dir: string, up: RelayPipeline, s: Session, journal: ReturnType<typeof journalOf> = []): Promise<{ forwarder: Awaited<ReturnType<RelayPipeline['attachDownstream']>>, pipeline: RelayPipeline, run: ReturnType<RelayPipeline['run']>, path: string }> {
  const { path, target } = await openTarget(dir, 'b.img', s.params.imageSize)
  const pipeline = pipelineOf(target, s, { replayBytes: 0 })
  if (journal.length > 0) {
    await target.write(0, [s.image.subarray(0, journal.length * BLOCK)])
    pipeline.resume({ blocks: journal })
  }
  const { a, b } = hop('node-a', 'node-b')
  const run = pipeline.run(only(receiverOf(b, pipeline, s)))
  run.catch(() => {})
  const forwarder = await up.attachDownstream(relaySender(a, up, s))
  return { forwarder, pipeline, run, path }
}

describe('catching up a downstream that is behind (splice, late join, resume)', () => {
  it('a node spliced in mid-image gets the old blocks from the target, the recent ones from the replay buffer, then the live stream', async () => {
    const s = newSession(48 * BLOCK + 777)
    const dir = await tempDir()
    const gated = gatedImage(s.image, 30 * BLOCK)
    const a = await fedNode(dir, s, 6 * BLOCK, gated.image)
    // A has blocks 0..29 and waits for the source; B joins needing everything.
    await waitFor(() => a.pipeline.verifiedThrough === 30 * BLOCK)
    const b = await attachNodeB(dir, a.pipeline, s)
    expect(b.forwarder.startedAt).toBe(0)
    await waitFor(() => b.pipeline.writtenThrough === 30 * BLOCK)
    gated.release()
    const [, resultB] = await Promise.all([a.run, b.run])
    await b.forwarder.complete()
    expect(hex(resultB.sourceDigest)).toBe(sha256(s.image))
    expect(sha256(await readFile(b.path))).toBe(sha256(s.image))
    // 24 blocks came off A's disk, the 6 newest from its memory, the rest live.
    expect(b.forwarder.readBackBytes).toBe(24 * BLOCK)
    expect(b.forwarder.replayedBytes).toBe(6 * BLOCK)
    expect(a.pipeline.replayHeldBytes).toBeLessThanOrEqual(6 * BLOCK)
  })

  it('a node that already has the whole image serves a late node everything, then END', async () => {
    const s = newSession(20 * BLOCK)
    const dir = await tempDir()
    const a = await fedNode(dir, s, 4 * BLOCK)
    await a.run
    const b = await attachNodeB(dir, a.pipeline, s)
    const resultB = await b.run
    await b.forwarder.complete()
    expect(hex(resultB.sourceDigest)).toBe(sha256(s.image))
    expect(b.forwarder.readBackBytes + b.forwarder.replayedBytes).toBe(s.params.imageSize)
    expect(sha256(await readFile(b.path))).toBe(sha256(s.image))
  })

  it('a resumed node is sent only what it lacks', async () => {
    const s = newSession(24 * BLOCK)
    const dir = await tempDir()
    const a = await fedNode(dir, s, 64 * BLOCK)
    await a.run
    const b = await attachNodeB(dir, a.pipeline, s, journalOf(s, 10))
    const resultB = await b.run
    expect(b.forwarder.startedAt).toBe(10 * BLOCK)
    expect(b.pipeline.bytesReceived).toBe(14 * BLOCK)
    expect(b.pipeline.resumedFrom).toBe(10 * BLOCK)
    expect(hex(resultB.sourceDigest)).toBe(sha256(s.image))
    expect(sha256(await readFile(b.path))).toBe(sha256(s.image))
  })

  it('a resumed node whose journal hash of a block differs from the source\'s signed hash fails with INTEGRITY when the batch arrives', async () => {
    const s = newSession(24 * BLOCK)
    const dir = await tempDir()
    // The journal (and the target) hold another image's block 4: a journal left over from another session.
    const journal = journalOf(s, 10)
    journal[4] = { ...journal[4]!, hash: blockHash(randomBytes(BLOCK)) }
    const { path, target } = await openTarget(dir, 'b.img', s.params.imageSize)
    await target.write(0, [s.image.subarray(0, 10 * BLOCK)])
    const pipeline = pipelineOf(target, s)
    pipeline.resume({ blocks: journal })
    const { a, b } = hop('source', 'node-b')
    const [source, run] = await Promise.allSettled([feed(s, sourceSender(a, s)), pipeline.run(only(receiverOf(b, pipeline, s)))])
    expect(run.status).toBe('rejected')
    const err = (run as PromiseRejectedResult).reason as RingcastError
    expect(err.code).toBe('INTEGRITY')
    expect(err.message).toContain(`block at ${4 * BLOCK} this node resumed with does not match what the source signed for it`)
    // Nothing was received past the journal, let alone written, and the source was told.
    expect(pipeline.bytesReceived).toBe(0)
    expect(pipeline.writtenThrough).toBe(10 * BLOCK)
    expect(pipeline.end).toBeUndefined()
    expect(source.status).toBe('rejected')
    expect((await settledFile(path)).byteLength).toBe(10 * BLOCK)
  })

  it('a block that reads back from the target differently is never sent on', async () => {
    const s = newSession(16 * BLOCK)
    const dir = await tempDir()
    const a = await fedNode(dir, s, 0)
    await a.run
    // Something scribbles on A's copy of block 3 after it was written.
    const { open } = await import('node:fs/promises')
    const fh = await open(a.path, 'r+')
    await fh.write(Buffer.from('scribble'), 0, 8, 3 * BLOCK + 5)
    await fh.close()
    const b = await attachNodeB(dir, a.pipeline, s)
    await expect(b.forwarder.complete()).rejects.toMatchObject({ code: 'INTEGRITY' })
    await expect(b.run).rejects.toThrow()
    expect(b.pipeline.writtenThrough).toBe(3 * BLOCK)
  })
})
