// The relay without libp2p: BlockSender -> in-memory channel -> BlockReceiver ->
// RelayPipeline -> a real file Target. Asserts identical bytes, the digest, and
// that in-flight data stays inside the credit window (CONVENTIONS.md, "Streams").

import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { ProtocolError, RingcastError } from '../../src/errors.js'
import type { ImageSource } from '../../src/image/image-file.js'
import type { Channel } from '../../src/net/channel.js'
import { BlockReceiver, receiveBufferLimit } from '../../src/relay/block-receiver.js'
import { BlockSender } from '../../src/relay/block-sender.js'
import { blockHash } from '../../src/relay/hash.js'
import { BlockReader, streamImage } from '../../src/relay/image-streamer.js'
import { RelayPipeline } from '../../src/relay/relay-pipeline.js'
import { inspectTarget, Target } from '../../src/storage/target.js'
import { ByteReader } from '../../src/wire/framing.js'
import { decodeAck, encodeAck, encodeBlockHeader, type Ack } from '../../src/wire/messages.js'
import { MAX_ACK_FRAME_BYTES } from '../../src/wire/protocol.js'

// ------------------------------------------------------------------ in-memory channel pair

/**
 *   a.send(x) ──copy──> b.reader        a.closeWrite() ends b.reader
 *   b.send(y) ──copy──> a.reader        abort(err) ends both readers with err
 */
function channelPair (aPeer = 'upstream', bPeer = 'downstream'): { a: Channel, b: Channel, abort: (err: Error) => void } {
  const readers = [new ByteReader(), new ByteReader()] as const
  const writeClosed = [false, false]
  let isClosed = false
  let resolveClosed!: () => void
  const closed = new Promise<void>(resolve => { resolveClosed = resolve })
  const close = (): void => {
    if (isClosed) return
    isClosed = true
    resolveClosed()
  }
  const abort = (err: Error): void => {
    if (isClosed) return
    readers[0].end(err)
    readers[1].end(err)
    close()
  }
  const end = (i: 0 | 1, remotePeer: string): Channel => {
    const other = readers[i === 0 ? 1 : 0]
    // What channelFromStream does: a peer that overflows the reader is cut off.
    readers[i].onOverflow = err => { abort(err) }
    return {
      remotePeer,
      remoteAddr: `/memory/${remotePeer}`,
      reader: readers[i],
      async send (bytes) {
        if (isClosed || writeClosed[i]!) throw new Error('channel is closed')
        other.push(bytes.slice())
      },
      async closeWrite () {
        if (writeClosed[i]!) return
        writeClosed[i] = true
        other.end()
        if (writeClosed[0]! && writeClosed[1]!) close()
      },
      abort,
      closed,
      get isClosed () { return isClosed }
    }
  }
  return { a: end(0, bPeer), b: end(1, aPeer), abort }
}

// ------------------------------------------------------------------ fixtures

const BLOCK = 65_536
const WINDOW = 4 * BLOCK

function memoryImage (bytes: Uint8Array): ImageSource {
  return {
    path: '/memory/image.img',
    name: 'image.img',
    size: bytes.byteLength,
    async read (offset, length) {
      expect(offset + length).toBeLessThanOrEqual(bytes.byteLength)
      return bytes.slice(offset, offset + length)
    },
    async close () {}
  }
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

async function tempDir (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ringcast-relay-'))
  onTestFinished(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}

/** A fresh target file, opened for an image of `imageSize` bytes; closed after the test. */
async function openTarget (dir: string, name: string, imageSize: number): Promise<{ path: string, target: Target }> {
  const path = join(dir, name)
  const info = await inspectTarget(path, { create: true })
  const target = await Target.open(info, imageSize)
  onTestFinished(async () => { await target.close() })
  return { path, target }
}

/** A pair that is aborted when the test ends, so no reader waits forever. */
function hop (aPeer?: string, bPeer?: string): ReturnType<typeof channelPair> {
  const pair = channelPair(aPeer, bPeer)
  onTestFinished(() => { pair.abort(new Error('test finished')) })
  return pair
}

/** Record the most bytes a reader ever held unread. */
function sampleBuffered (reader: ByteReader): { max: number } {
  const seen = { max: 0 }
  const push = reader.push.bind(reader)
  reader.push = chunk => {
    push(chunk)
    seen.max = Math.max(seen.max, reader.bufferedBytes)
  }
  return seen
}

/** Wrap sender.sendBlock to record unacknowledged bytes right after every send. */
function sampleInflight (sender: BlockSender): number[] {
  const samples: number[] = []
  const sendBlock = sender.sendBlock.bind(sender)
  sender.sendBlock = async (offset, payload, hash) => {
    await sendBlock(offset, payload, hash)
    samples.push(sender.sentThrough - sender.ackedThrough)
  }
  return samples
}

// ------------------------------------------------------------------ happy paths

describe('relay over an in-memory channel', () => {
  it.each([
    ['40 whole blocks', 40 * BLOCK],
    ['a short last block', 39 * BLOCK + 12_345],
    ['an image smaller than one block', 1000]
  ])('copies an image of %s byte for byte, inside the credit window', async (_name, imageSize) => {
    const image = randomBytes(imageSize)
    const sessionId = randomBytes(16)
    const dir = await tempDir()
    const { path, target } = await openTarget(dir, 'target.img', imageSize)

    const { a, b } = hop('source', 'node-a')
    const sender = new BlockSender(a, { sessionId, windowBytes: WINDOW })
    const inflight = sampleInflight(sender)
    const receiver = new BlockReceiver(b, { sessionId, imageSize, blockSize: BLOCK, windowBytes: WINDOW })
    const buffered = sampleBuffered(b.reader)
    const pipeline = new RelayPipeline(target, imageSize)

    const [startedAt, result] = await Promise.all([
      streamImage(new BlockReader(memoryImage(image), BLOCK, WINDOW), sender, imageSize, digestOf(image)),
      pipeline.run(only(receiver))
    ])

    await target.close()
    const written = await readFile(path)
    expect(written.byteLength).toBe(imageSize)
    expect(sha256(written)).toBe(sha256(image))
    expect(written.equals(image)).toBe(true)

    expect(hex(result.digest)).toBe(sha256(image))
    expect(hex(result.sourceDigest)).toBe(sha256(image))
    expect(startedAt).toBe(0)
    expect(pipeline.writtenThrough).toBe(imageSize)
    expect(pipeline.bytesReceived).toBe(imageSize)

    expect(pipeline.peakInflightBytes).toBeGreaterThan(0)
    expect(pipeline.peakInflightBytes).toBeLessThanOrEqual(WINDOW)
    expect(inflight).toHaveLength(Math.ceil(imageSize / BLOCK))
    expect(Math.max(...inflight)).toBeLessThanOrEqual(WINDOW)
    // The receive buffer never held more than an honest window's worth.
    expect(buffered.max).toBeGreaterThan(0)
    expect(buffered.max).toBeLessThanOrEqual(receiveBufferLimit(WINDOW, BLOCK))
    await sender.waitAcked(imageSize)
    expect(sender.failure).toBeUndefined()
  })

  it('relays through two chained nodes, and both copies are identical', async () => {
    const imageSize = 40 * BLOCK
    const image = randomBytes(imageSize)
    const sessionId = randomBytes(16)
    const dir = await tempDir()
    const targetA = await openTarget(dir, 'a.img', imageSize)
    const targetB = await openTarget(dir, 'b.img', imageSize)

    const sourceToA = hop('source', 'node-a')
    const aToB = hop('node-a', 'node-b')

    const sourceSender = new BlockSender(sourceToA.a, { sessionId, windowBytes: WINDOW })
    const sourceInflight = sampleInflight(sourceSender)
    const receiverA = new BlockReceiver(sourceToA.b, { sessionId, imageSize, blockSize: BLOCK, windowBytes: WINDOW })
    const senderA = new BlockSender(aToB.a, { sessionId, windowBytes: WINDOW })
    const forwardInflight = sampleInflight(senderA)
    const receiverB = new BlockReceiver(aToB.b, { sessionId, imageSize, blockSize: BLOCK, windowBytes: WINDOW })
    const pipelineA = new RelayPipeline(targetA.target, imageSize)
    const pipelineB = new RelayPipeline(targetB.target, imageSize)

    // Node A opens its downstream (the HELLO handshake) before it relays, as the agent does.
    const runB = pipelineB.run(only(receiverB))
    const forwarder = await pipelineA.attachDownstream(senderA)
    expect(forwarder.startedAt).toBe(0)
    const [, resultA, resultB] = await Promise.all([
      streamImage(new BlockReader(memoryImage(image), BLOCK, WINDOW), sourceSender, imageSize, digestOf(image)),
      pipelineA.run(only(receiverA)),
      runB
    ])
    await forwarder.complete()
    expect(forwarder.failure).toBeUndefined()
    // B was there from the start: everything went live, nothing from replay or disk.
    expect(forwarder.replayedBytes + forwarder.readBackBytes).toBe(0)
    for (const { path, target } of [targetA, targetB]) {
      await target.close()
      expect(sha256(await readFile(path))).toBe(sha256(image))
    }
    expect(hex(resultA.digest)).toBe(sha256(image))
    expect(hex(resultB.digest)).toBe(sha256(image))
    for (const p of [pipelineA, pipelineB]) expect(p.peakInflightBytes).toBeLessThanOrEqual(WINDOW)
    expect(Math.max(...sourceInflight, ...forwardInflight)).toBeLessThanOrEqual(WINDOW)
    await senderA.waitAcked(imageSize)
  })

  it('fans out: one node forwards every block to two downstreams (a tree), and all three copies are identical', async () => {
    const imageSize = 30 * BLOCK + 999
    const image = randomBytes(imageSize)
    const sessionId = randomBytes(16)
    const dir = await tempDir()
    const { target } = await openTarget(dir, 'a.img', imageSize)
    const sourceToA = hop('source', 'node-a')
    const pipelineA = new RelayPipeline(target, imageSize)
    const children = await Promise.all(['b', 'c'].map(async name => {
      const { path, target: t } = await openTarget(dir, `${name}.img`, imageSize)
      const link = hop('node-a', `node-${name}`)
      const pipeline = new RelayPipeline(t, imageSize)
      const run = pipeline.run(only(new BlockReceiver(link.b, { sessionId, imageSize, blockSize: BLOCK, windowBytes: WINDOW })))
      const sender = new BlockSender(link.a, { sessionId, windowBytes: WINDOW })
      const inflight = sampleInflight(sender)
      const forwarder = await pipelineA.attachDownstream(sender)
      return { path, target: t, run, forwarder, inflight }
    }))
    expect([...pipelineA.forwarders.keys()].sort()).toEqual(['node-b', 'node-c'])
    await Promise.all([
      streamImage(new BlockReader(memoryImage(image), BLOCK, WINDOW), new BlockSender(sourceToA.a, { sessionId, windowBytes: WINDOW }), imageSize, digestOf(image)),
      pipelineA.run(only(new BlockReceiver(sourceToA.b, { sessionId, imageSize, blockSize: BLOCK, windowBytes: WINDOW })))
    ])
    for (const c of children) {
      expect(hex((await c.run).digest)).toBe(sha256(image))
      await c.forwarder.complete()
      expect(c.forwarder.replayedBytes + c.forwarder.readBackBytes).toBe(0)
      expect(Math.max(...c.inflight)).toBeLessThanOrEqual(WINDOW)
      await c.target.close()
      expect(sha256(await readFile(c.path))).toBe(sha256(image))
    }
    // Dropping one downstream leaves the other in force.
    pipelineA.dropDownstream('node-b', 'moved elsewhere')
    expect([...pipelineA.forwarders.keys()]).toEqual(['node-c'])
  })

  it('a downstream that stops giving credit (hung) is demoted to the background: the node and its other downstream finish', async () => {
    const imageSize = 40 * BLOCK
    const image = randomBytes(imageSize)
    const sessionId = randomBytes(16)
    const dir = await tempDir()
    const { target } = await openTarget(dir, 'a.img', imageSize)
    const sourceToA = hop('source', 'node-a')
    const pipelineA = new RelayPipeline(target, imageSize, { replayBytes: 0, demoteAfterMs: 200 })
    const demoted: string[] = []
    pipelineA.onDownstreamDemoted = peer => demoted.push(peer)
    // B is healthy.
    const { path: pathB, target: targetB } = await openTarget(dir, 'b.img', imageSize)
    const aToB = hop('node-a', 'node-b')
    const runB = new RelayPipeline(targetB, imageSize).run(only(new BlockReceiver(aToB.b, { sessionId, imageSize, blockSize: BLOCK, windowBytes: WINDOW })))
    await pipelineA.attachDownstream(new BlockSender(aToB.a, { sessionId, windowBytes: WINDOW }))
    // C answers HELLO, then freezes: it never acks again.
    const aToC = hop('node-a', 'node-c')
    const hung = (async () => {
      await aToC.b.reader.readFrame(MAX_ACK_FRAME_BYTES)
      await aToC.b.send(encodeAck({ writtenThrough: 0 }))
    })()
    const toC = pipelineA.attachDownstream(new BlockSender(aToC.a, { sessionId, windowBytes: WINDOW }))
    await hung
    const forwarderC = await toC
    await Promise.all([
      streamImage(new BlockReader(memoryImage(image), BLOCK, WINDOW), new BlockSender(sourceToA.a, { sessionId, windowBytes: WINDOW }), imageSize, digestOf(image)),
      pipelineA.run(only(new BlockReceiver(sourceToA.b, { sessionId, imageSize, blockSize: BLOCK, windowBytes: WINDOW })))
    ])
    expect(hex((await runB).digest)).toBe(sha256(image))
    await targetB.close()
    expect(sha256(await readFile(pathB))).toBe(sha256(image))
    expect(demoted).toEqual(['node-c'])
    expect(forwarderC.demoted).toBe(true)
    // C got no more than one window before it froze.
    expect(forwarderC.sender.sentThrough).toBeLessThanOrEqual(WINDOW)
  })

  // Waiting for our own fsync before sending END added every node's final
  // fsync, one after another, to the time the tail of a chain finished.
  it('sends END downstream before its own final fsync, and reports only after that fsync', async () => {
    const imageSize = 12 * BLOCK
    const image = randomBytes(imageSize)
    const sessionId = randomBytes(16)
    const dir = await tempDir()
    const targetA = await openTarget(dir, 'a.img', imageSize)
    const fsync = Promise.withResolvers<void>()
    const finish = targetA.target.finish.bind(targetA.target)
    let finishCalled = false
    targetA.target.finish = async size => { finishCalled = true; await fsync.promise; await finish(size) }
    const targetB = await openTarget(dir, 'b.img', imageSize)
    const sourceToA = hop('source', 'node-a')
    const aToB = hop('node-a', 'node-b')
    const pipelineA = new RelayPipeline(targetA.target, imageSize)
    const pipelineB = new RelayPipeline(targetB.target, imageSize)
    const runB = pipelineB.run(only(new BlockReceiver(aToB.b, { sessionId, imageSize, blockSize: BLOCK, windowBytes: WINDOW })))
    const forwarder = await pipelineA.attachDownstream(new BlockSender(aToB.a, { sessionId, windowBytes: WINDOW }))
    let aDone = false
    const runA = pipelineA.run(only(new BlockReceiver(sourceToA.b, { sessionId, imageSize, blockSize: BLOCK, windowBytes: WINDOW })))
      .finally(() => { aDone = true })
    await streamImage(new BlockReader(memoryImage(image), BLOCK, WINDOW), new BlockSender(sourceToA.a, { sessionId, windowBytes: WINDOW }), imageSize, digestOf(image))

    // B verifies and A's forwarder completes while A's own fsync is still held.
    const resultB = await runB
    await forwarder.complete()
    expect(hex(resultB.digest)).toBe(sha256(image))
    expect(finishCalled).toBe(true)
    expect(aDone).toBe(false)
    fsync.resolve()
    expect(hex((await runA).digest)).toBe(sha256(image))
  })
})

// ------------------------------------------------------------------ hostile or broken upstreams

/** A hand-driven upstream: writes frames itself, so it can break every rule. */
async function handUpstream (opts: { imageSize: number, windowBytes?: number, blockSize?: number }): Promise<{
  sessionId: Uint8Array
  send: (bytes: Uint8Array) => void
  block: (offset: number, payload: Uint8Array, hash?: Uint8Array, sessionId?: Uint8Array) => void
  receiver: BlockReceiver
  pipeline: RelayPipeline
  path: string
  target: Target
  acks: () => Promise<Ack[]>
  run: () => Promise<unknown>
}> {
  const sessionId: Uint8Array = randomBytes(16)
  const dir = await tempDir()
  const { path, target } = await openTarget(dir, 'target.img', opts.imageSize)
  const { a, b } = hop('hostile', 'node')
  const send = (bytes: Uint8Array): void => { void a.send(bytes) }
  const block = (offset: number, payload: Uint8Array, hash?: Uint8Array, session = sessionId): void => {
    send(encodeBlockHeader({ kind: 'block', sessionId: session, offset, length: payload.byteLength, hash: hash ?? blockHash(payload) }))
    send(payload)
  }
  send(encodeBlockHeader({ kind: 'hello', sessionId, offset: 0, length: 0, hash: new Uint8Array() }))
  const receiver = new BlockReceiver(b, { sessionId, imageSize: opts.imageSize, blockSize: opts.blockSize ?? BLOCK, windowBytes: opts.windowBytes ?? WINDOW })
  const pipeline = new RelayPipeline(target, opts.imageSize)
  const lost: string[] = []
  pipeline.onUpstreamLost = reason => lost.push(reason)
  /** Run the pipeline with this upstream only (see `only`). */
  const run = async (): Promise<unknown> => await pipeline.run(only(receiver, lost))
  /** Every ack the node sent back, up to its closing the stream. */
  const acks = async (): Promise<Ack[]> => {
    const out: Ack[] = []
    try {
      for (let f = await a.reader.readFrame(MAX_ACK_FRAME_BYTES); f !== null; f = await a.reader.readFrame(MAX_ACK_FRAME_BYTES)) out.push(decodeAck(f))
    } catch {}
    return out
  }
  return { sessionId, send, block, receiver, pipeline, path, target, acks, run }
}

/** The image's SHA-256, as the coordinator's ImageDigest would give it. */
const digestOf = (image: Uint8Array) => async (): Promise<Uint8Array> => new Uint8Array(createHash('sha256').update(image).digest())

/**
 * An upstream source with exactly one upstream. A pipeline that loses it
 * asks for another; this one then throws a ProtocolError carrying the reason
 * the first was cut off, so tests can assert what the pipeline objected to.
 */
function only (receiver: BlockReceiver, lost: string[] = []): () => Promise<BlockReceiver> {
  let given = false
  return async () => {
    if (given) throw new ProtocolError(lost[0] ?? 'the only upstream was lost')
    given = true
    return receiver
  }
}

async function rejection (p: Promise<unknown>): Promise<RingcastError> {
  try {
    await p
  } catch (err) {
    expect(err).toBeInstanceOf(RingcastError)
    return err as RingcastError
  }
  throw new Error('expected the pipeline to fail, but it finished')
}

/** Give writes already queued before a failure time to land, then read the file. */
async function settledFile (path: string, target: Target): Promise<Buffer> {
  await new Promise(resolve => setTimeout(resolve, 100))
  await target.close()
  return await readFile(path)
}

describe('pipeline against a hostile upstream', () => {
  it('fails with INTEGRITY on a block whose hash does not match, and writes nothing from it on', async () => {
    const imageSize = 10 * BLOCK
    const image = randomBytes(imageSize)
    // Window of 8 blocks: the hostile upstream may send all 6 blocks at once legally.
    const up = await handUpstream({ imageSize, windowBytes: 8 * BLOCK })
    const corruptIndex = 3
    const corruptOffset = corruptIndex * BLOCK
    for (let i = 0; i < 6; i++) {
      const payload = image.subarray(i * BLOCK, (i + 1) * BLOCK)
      // Block 3 carries the hash of different bytes: a flipped bit in transit.
      const hash = i === corruptIndex ? blockHash(Buffer.concat([payload.subarray(1), Buffer.of(payload[0]! ^ 1)])) : undefined
      up.block(i * BLOCK, payload, hash)
    }

    const err = await rejection(up.run())
    expect(err.code).toBe('INTEGRITY')
    expect(err.message).toContain(`block at ${corruptOffset}`)
    expect(up.pipeline.writtenThrough).toBeLessThanOrEqual(corruptOffset)

    const file = await settledFile(up.path, up.target)
    // Blocks before the bad one may be written; nothing at or after it.
    expect(file.byteLength).toBeLessThanOrEqual(corruptOffset)
    expect(file.equals(image.subarray(0, file.byteLength))).toBe(true)

    // The upstream is told why, and never sees the bad block acknowledged.
    const acks = await up.acks()
    expect(acks.length).toBeGreaterThan(0)
    expect(Math.max(...acks.map(a => a.writtenThrough))).toBeLessThanOrEqual(corruptOffset)
    expect(acks.some(a => /verification/.test(a.error))).toBe(true)
  })

  it('fails with PROTOCOL when the upstream exceeds the credit window', async () => {
    const imageSize = 10 * BLOCK
    const up = await handUpstream({ imageSize, windowBytes: WINDOW })
    // Four blocks fill the window; the fifth header is one block too many.
    // (Sent without its payload, so the reader's buffer cap does not trip first.)
    for (let i = 0; i < 4; i++) up.block(i * BLOCK, randomBytes(BLOCK))
    up.send(encodeBlockHeader({ kind: 'block', sessionId: up.sessionId, offset: 4 * BLOCK, length: BLOCK, hash: randomBytes(32) }))

    const err = await rejection(up.run())
    expect(err.code).toBe('PROTOCOL')
    expect(err.message).toMatch(/credit window/)
    expect(up.pipeline.peakInflightBytes).toBeLessThanOrEqual(WINDOW)
  })

  it('fails with PROTOCOL when the upstream floods far past the window', async () => {
    const imageSize = 64 * BLOCK
    const up = await handUpstream({ imageSize, windowBytes: WINDOW })
    for (let i = 0; i < 64; i++) up.block(i * BLOCK, randomBytes(BLOCK))
    const err = await rejection(up.run())
    expect(err.code).toBe('PROTOCOL')
    expect(up.pipeline.peakInflightBytes).toBeLessThanOrEqual(WINDOW)
  })

  it.each([
    ['a block at the wrong offset', (up: Awaited<ReturnType<typeof handUpstream>>) => {
      up.block(0, randomBytes(BLOCK))
      up.block(2 * BLOCK, randomBytes(BLOCK)) // skips block 1
    }, /expected 65536/],
    ['a first block that does not start at 0', (up: Awaited<ReturnType<typeof handUpstream>>) => {
      up.block(BLOCK, randomBytes(BLOCK))
    }, /expected 0/],
    ['a block longer than the block size', (up: Awaited<ReturnType<typeof handUpstream>>) => {
      up.block(0, randomBytes(BLOCK + 1))
    }, /length 65537/],
    ['an empty block', (up: Awaited<ReturnType<typeof handUpstream>>) => {
      up.block(0, new Uint8Array(0))
    }, /length 0/],
    ['a block past the image end', (up: Awaited<ReturnType<typeof handUpstream>>) => {
      up.block(0, randomBytes(BLOCK))
      up.block(BLOCK, randomBytes(BLOCK)) // image is 1.5 blocks
    }, /past the image end/],
    ['a frame for another session', (up: Awaited<ReturnType<typeof handUpstream>>) => {
      up.block(0, randomBytes(BLOCK), undefined, randomBytes(16))
    }, /another session/],
    ['END before the whole image', (up: Awaited<ReturnType<typeof handUpstream>>) => {
      up.block(0, randomBytes(BLOCK))
      up.send(encodeBlockHeader({ kind: 'end', sessionId: up.sessionId, offset: BLOCK + BLOCK / 2, length: 0, hash: randomBytes(32) }))
    }, /END at/],
    ['a second HELLO', (up: Awaited<ReturnType<typeof handUpstream>>) => {
      up.send(encodeBlockHeader({ kind: 'hello', sessionId: up.sessionId, offset: 0, length: 0, hash: new Uint8Array() }))
    }, /unexpected hello/],
    ['a closed stream before END', (up: Awaited<ReturnType<typeof handUpstream>>) => {
      up.block(0, randomBytes(BLOCK))
      up.receiver.channel.reader.end() // the upstream half-closes early
    }, /closed the block stream/]
  ])('fails with PROTOCOL on %s', async (_name, misbehave, message) => {
    const imageSize = BLOCK + BLOCK / 2
    const up = await handUpstream({ imageSize })
    misbehave(up)
    const err = await rejection(up.run())
    expect(err.code).toBe('PROTOCOL')
    expect(err.message).toMatch(message)
  })

  it('fails HELLO for another session with PROTOCOL', async () => {
    const { b, a } = hop('hostile', 'node')
    const receiver = new BlockReceiver(b, { sessionId: randomBytes(16), imageSize: BLOCK, blockSize: BLOCK, windowBytes: WINDOW })
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
    const imageSize = 16 * BLOCK
    const image = randomBytes(imageSize)
    const sessionId = randomBytes(16)
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
    const pipeline = new RelayPipeline(failingTarget as never, imageSize)
    const receiver = new BlockReceiver(b, { sessionId, imageSize, blockSize: BLOCK, windowBytes: WINDOW })
    const sender = new BlockSender(a, { sessionId, windowBytes: WINDOW })
    const started = Date.now()
    const [feed, run] = await Promise.allSettled([
      streamImage(new BlockReader(memoryImage(image), BLOCK, WINDOW), sender, imageSize, digestOf(image)),
      pipeline.run(only(receiver))
    ])
    expect(run.status).toBe('rejected')
    expect((run as PromiseRejectedResult).reason.code).toBe('TARGET_WRITE_FAILED')
    expect(Date.now() - started).toBeLessThan(5_000)
    // The upstream was told why and stopped.
    expect(feed.status).toBe('rejected')
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
async function fedNode (dir: string, image: ImageSource, sessionId: Uint8Array, replayBytes: number): Promise<{ pipeline: RelayPipeline, run: Promise<unknown>, path: string }> {
  const imageSize = image.size
  const { path, target } = await openTarget(dir, 'a.img', imageSize)
  const { a, b } = hop('source', 'node-a')
  const bytes = await image.read(0, imageSize)
  const pipeline = new RelayPipeline(target, imageSize, { replayBytes })
  const run = Promise.all([
    streamImage(new BlockReader(image, BLOCK, WINDOW), new BlockSender(a, { sessionId, windowBytes: WINDOW }), imageSize, digestOf(bytes)),
    pipeline.run(only(new BlockReceiver(b, { sessionId, imageSize, blockSize: BLOCK, windowBytes: WINDOW })))
  ])
  return { pipeline, run, path }
}

/** Attach a fresh node B behind `up`, optionally resumed from B's first `resumeBlocks` blocks. */
async function attachNodeB (dir: string, up: RelayPipeline, image: Uint8Array, sessionId: Uint8Array, resumeBlocks = 0): Promise<{ forwarder: Awaited<ReturnType<RelayPipeline['attachDownstream']>>, pipeline: RelayPipeline, run: Promise<Awaited<ReturnType<RelayPipeline['run']>>>, path: string }> {
  const imageSize = image.byteLength
  const { path, target } = await openTarget(dir, 'b.img', imageSize)
  const pipeline = new RelayPipeline(target, imageSize, { replayBytes: 0 })
  if (resumeBlocks > 0) {
    const prefix = image.subarray(0, resumeBlocks * BLOCK)
    await target.write(0, [prefix])
    const blocks = Array.from({ length: resumeBlocks }, (_, i) => ({ offset: i * BLOCK, length: BLOCK, hash: blockHash(image.subarray(i * BLOCK, (i + 1) * BLOCK)) }))
    pipeline.resume({ blocks, wholeImageHash: createHash('sha256').update(prefix) })
  }
  const { a, b } = hop('node-a', 'node-b')
  const run = pipeline.run(only(new BlockReceiver(b, { sessionId, imageSize, blockSize: BLOCK, windowBytes: WINDOW })))
  const forwarder = await up.attachDownstream(new BlockSender(a, { sessionId, windowBytes: WINDOW }))
  return { forwarder, pipeline, run, path }
}

async function waitFor (cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise(resolve => setTimeout(resolve, 2))
}

describe('catching up a downstream that is behind (splice, late join, resume)', () => {
  it('a node spliced in mid-image gets the old blocks from the target, the recent ones from the replay buffer, then the live stream', async () => {
    const imageSize = 48 * BLOCK + 777
    const bytes = randomBytes(imageSize)
    const sessionId = randomBytes(16)
    const dir = await tempDir()
    const gated = gatedImage(bytes, 30 * BLOCK)
    const a = await fedNode(dir, gated.image, sessionId, 6 * BLOCK)
    // A has blocks 0..29 and waits for the source; B joins needing everything.
    await waitFor(() => a.pipeline.verifiedThrough === 30 * BLOCK)
    const b = await attachNodeB(dir, a.pipeline, bytes, sessionId)
    expect(b.forwarder.startedAt).toBe(0)
    await waitFor(() => b.pipeline.writtenThrough === 30 * BLOCK)
    gated.release()
    const [, resultB] = await Promise.all([a.run, b.run])
    await b.forwarder.complete()
    expect(hex(resultB.digest)).toBe(sha256(bytes))
    expect(sha256(await readFile(b.path))).toBe(sha256(bytes))
    // 24 blocks came off A's disk, the 6 newest from its memory, the rest live.
    expect(b.forwarder.readBackBytes).toBe(24 * BLOCK)
    expect(b.forwarder.replayedBytes).toBe(6 * BLOCK)
    expect(a.pipeline.replayHeldBytes).toBeLessThanOrEqual(6 * BLOCK)
  })

  it('a node that already has the whole image serves a late node everything, then END', async () => {
    const imageSize = 20 * BLOCK
    const bytes = randomBytes(imageSize)
    const sessionId = randomBytes(16)
    const dir = await tempDir()
    const a = await fedNode(dir, memoryImage(bytes), sessionId, 4 * BLOCK)
    await a.run
    const b = await attachNodeB(dir, a.pipeline, bytes, sessionId)
    const resultB = await b.run
    await b.forwarder.complete()
    expect(hex(resultB.digest)).toBe(sha256(bytes))
    expect(b.forwarder.readBackBytes + b.forwarder.replayedBytes).toBe(imageSize)
  })

  it('a resumed node is sent only what it lacks', async () => {
    const imageSize = 24 * BLOCK
    const bytes = randomBytes(imageSize)
    const sessionId = randomBytes(16)
    const dir = await tempDir()
    const a = await fedNode(dir, memoryImage(bytes), sessionId, 64 * BLOCK)
    await a.run
    const b = await attachNodeB(dir, a.pipeline, bytes, sessionId, 10)
    const resultB = await b.run
    expect(b.forwarder.startedAt).toBe(10 * BLOCK)
    expect(b.pipeline.bytesReceived).toBe(14 * BLOCK)
    expect(hex(resultB.digest)).toBe(sha256(bytes))
    expect(sha256(await readFile(b.path))).toBe(sha256(bytes))
  })

  it('a block that reads back from the target differently is never sent on', async () => {
    const imageSize = 16 * BLOCK
    const bytes = randomBytes(imageSize)
    const sessionId = randomBytes(16)
    const dir = await tempDir()
    const a = await fedNode(dir, memoryImage(bytes), sessionId, 0)
    await a.run
    // Something scribbles on A's copy of block 3 after it was written.
    const { open } = await import('node:fs/promises')
    const fh = await open(a.path, 'r+')
    await fh.write(Buffer.from('scribble'), 0, 8, 3 * BLOCK + 5)
    await fh.close()
    const b = await attachNodeB(dir, a.pipeline, bytes, sessionId)
    await expect(b.forwarder.complete()).rejects.toMatchObject({ code: 'INTEGRITY' })
    await expect(b.run).rejects.toThrow()
    expect(b.pipeline.writtenThrough).toBe(3 * BLOCK)
  })
})
