// The plain node:net twin of a ringcast chain: each process does the work a
// ringcast node does per block (verify SHA-256, write in order, forward),
// with no encryption, muxer, credits or protocol beyond a small header.
//
//   node plain-relay-peer.js sink   --block B [--target FILE]        listen, report {port}
//   node plain-relay-peer.js relay  --block B --next PORT --target FILE
//   node plain-relay-peer.js source --block B --port PORT (--image FILE | --bytes N)
//
//   source ──[header|payload]...[END]──> relay ──same frames──> sink
//          <────────── ack (u64) ──────        <──── ack ─────
//
// Frames are in plain-relay-frames.ts. Per block a receiver hashes the
// payload and compares with the header, queues a positional write (writes
// complete in order, at most 8 MiB queued), and the relay forwards header
// and payload unchanged. Payloads are never copied: they stay the chunks
// the socket delivered.
//
// Receivers and the source report once, when the ack is through:
//   {done, bytes, seconds, cpuSeconds, userSeconds, systemSeconds, peakRssBytes}
// with CPU and seconds counted from the first byte (source: first send), so
// process start-up is not in them. Every peer exits when stdin closes.

import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { open, stat, type FileHandle } from 'node:fs/promises'
import { connect, createServer, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { exitWithParent, report } from './child-processes.js'
import { eachFrame, header, verify } from './plain-relay-frames.js'

const HOST = '127.0.0.1'
/** Same bound as ringcast's default credit window, so neither side may buffer more. */
const MAX_QUEUED_WRITE_BYTES = 8 * 1_048_576
/** Source buffers in use at once (queued in the socket or being read). */
const SOURCE_BUFFERS = 16

/** Positional writes, completed in order, with at most MAX_QUEUED_WRITE_BYTES queued. */
class OrderedWriter {
  private tail: Promise<void> = Promise.resolve()
  private readonly queued: Array<{ done: Promise<void>, bytes: number }> = []
  private queuedBytes = 0

  constructor (private readonly file: FileHandle | undefined) {}

  /** Queue a write and wait until the queue is within its bound again. */
  async write (offset: number, chunks: Buffer[], bytes: number): Promise<void> {
    const file = this.file
    if (file === undefined) return
    const done = this.tail.then(async () => { await writeAll(file, chunks, offset) })
    done.catch(() => {})
    this.tail = done
    this.queued.push({ done, bytes })
    this.queuedBytes += bytes
    while (this.queuedBytes > MAX_QUEUED_WRITE_BYTES) {
      const oldest = this.queued.shift()!
      await oldest.done
      this.queuedBytes -= oldest.bytes
    }
  }

  async flush (): Promise<void> {
    await this.tail
    this.queued.length = 0
    this.queuedBytes = 0
  }
}

async function writeAll (file: FileHandle, chunks: Buffer[], offset: number): Promise<void> {
  let rest = chunks
  let at = offset
  while (rest.length > 0) {
    let { bytesWritten } = await file.writev(rest, at)
    at += bytesWritten
    // A short write is rare for a regular file; carry on after what was written.
    const left: Buffer[] = []
    for (const c of rest) {
      if (bytesWritten >= c.byteLength) { bytesWritten -= c.byteLength; continue }
      left.push(bytesWritten > 0 ? c.subarray(bytesWritten) : c)
      bytesWritten = 0
    }
    rest = left
  }
}

/** Writes that return false wait for 'drain'. */
async function send (socket: Socket, buffers: Buffer[]): Promise<void> {
  socket.cork()
  let ok = true
  for (const b of buffers) ok = socket.write(b)
  socket.uncork()
  if (!ok) await once(socket, 'drain')
}

/** CPU and wall time from the first byte moved. */
class Meter {
  private cpu?: NodeJS.CpuUsage
  private startedAt = 0

  start (): void {
    if (this.cpu !== undefined) return
    this.cpu = process.cpuUsage()
    this.startedAt = performance.now()
  }

  done (bytes: number): Record<string, unknown> {
    const used = process.cpuUsage(this.cpu)
    return {
      done: true,
      bytes,
      seconds: (performance.now() - this.startedAt) / 1000,
      cpuSeconds: (used.user + used.system) / 1e6,
      userSeconds: used.user / 1e6,
      systemSeconds: used.system / 1e6,
      peakRssBytes: process.resourceUsage().maxRSS * 1024
    }
  }
}

async function listen (onConnection: (socket: Socket) => Promise<void>): Promise<void> {
  const server = createServer(socket => {
    socket.on('error', () => {})
    onConnection(socket).catch(fail)
  })
  server.listen(0, HOST)
  await once(server, 'listening')
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no TCP port')
  report({ ready: true, port: address.port })
}

/** The first `bytes` bytes the socket sends, as one u64. */
async function readAck (socket: Socket): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    let got = Buffer.alloc(0)
    socket.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d])
      if (got.byteLength >= 8) resolve(Number(got.readBigUInt64BE(0)))
    })
    socket.once('error', reject)
    socket.once('close', () => reject(new Error('connection closed before the ack')))
  })
}

const u64 = (n: number): Buffer => {
  const out = Buffer.alloc(8)
  out.writeBigUInt64BE(BigInt(n))
  return out
}

async function openTarget (path: string | undefined): Promise<FileHandle | undefined> {
  return path === undefined ? undefined : await open(path, 'w')
}

async function sink (blockBytes: number, targetPath: string | undefined): Promise<void> {
  await listen(async upstream => {
    const target = await openTarget(targetPath)
    const writer = new OrderedWriter(target)
    const meter = new Meter()
    upstream.once('data', () => meter.start())
    let received = 0
    await eachFrame(upstream, blockBytes, async frame => {
      if (frame.length === 0) return true
      verify(frame)
      await writer.write(frame.offset, frame.payload, frame.length)
      received += frame.length
      return false
    })
    await writer.flush()
    await target?.close()
    upstream.write(u64(received))
    report(meter.done(received))
  })
}

async function relay (blockBytes: number, nextPort: number, targetPath: string): Promise<void> {
  await listen(async upstream => {
    const downstream = connect(nextPort, HOST)
    downstream.on('error', fail)
    await once(downstream, 'connect')
    const downstreamAck = readAck(downstream)
    downstreamAck.catch(() => {})
    const target = await openTarget(targetPath)
    const writer = new OrderedWriter(target)
    const meter = new Meter()
    upstream.once('data', () => meter.start())
    let received = 0
    await eachFrame(upstream, blockBytes, async frame => {
      if (frame.length === 0) {
        // END goes on before our own writes settle, as in ringcast.
        await send(downstream, [frame.header])
        return true
      }
      verify(frame)
      const written = writer.write(frame.offset, frame.payload, frame.length)
      written.catch(() => {})
      await send(downstream, [frame.header, ...frame.payload])
      await written
      received += frame.length
      return false
    })
    const [acked] = await Promise.all([downstreamAck, writer.flush()])
    await target?.close()
    if (acked !== received) throw new Error(`downstream acknowledged ${acked} of ${received} bytes`)
    upstream.write(u64(received))
    report(meter.done(received))
  })
}

/** Reusable block buffers: one is free again once the socket has written it. */
class BufferPool {
  private readonly free: Buffer[] = []
  private created = 0
  private waiters: Array<(b: Buffer) => void> = []

  constructor (private readonly bytes: number) {}

  async acquire (): Promise<Buffer> {
    const b = this.free.pop()
    if (b !== undefined) return b
    if (this.created < SOURCE_BUFFERS) { this.created++; return Buffer.allocUnsafeSlow(this.bytes) }
    return await new Promise(resolve => this.waiters.push(resolve))
  }

  release (b: Buffer): void {
    const waiter = this.waiters.shift()
    if (waiter !== undefined) waiter(b)
    else this.free.push(b)
  }
}

/**
 * --image: read the image block by block and hash each, as ringcast's source
 * does. --bytes: send one random block over and over, hashed once, so the
 * source costs as little as possible.
 */
async function source (blockBytes: number, port: number, imagePath: string | undefined, bytes: number | undefined): Promise<void> {
  const socket = connect(port, HOST)
  socket.on('error', fail)
  await once(socket, 'connect')
  const acked = readAck(socket)
  acked.catch(() => {})
  const total = imagePath === undefined ? bytes! : (await stat(imagePath)).size
  const meter = new Meter()
  meter.start()
  if (imagePath !== undefined) {
    const image = await open(imagePath, 'r')
    const pool = new BufferPool(blockBytes)
    for (let offset = 0; offset < total; offset += blockBytes) {
      const length = Math.min(blockBytes, total - offset)
      const buffer = await pool.acquire()
      const payload = buffer.subarray(0, length)
      await readFully(image, payload, offset)
      const hash = createHash('sha256').update(payload).digest()
      socket.write(header(offset, length, hash))
      const ok = socket.write(payload, () => pool.release(buffer))
      if (!ok) await once(socket, 'drain')
    }
    await image.close()
  } else {
    const block = randomBytes(blockBytes)
    const fullHash = createHash('sha256').update(block).digest()
    for (let offset = 0; offset < total; offset += blockBytes) {
      const length = Math.min(blockBytes, total - offset)
      const payload = length === blockBytes ? block : block.subarray(0, length)
      const hash = length === blockBytes ? fullHash : createHash('sha256').update(payload).digest()
      await send(socket, [header(offset, length, hash), payload])
    }
  }
  socket.write(header(total, 0, Buffer.alloc(32)))
  const n = await acked
  if (n !== total) throw new Error(`sink acknowledged ${n} of ${total} bytes`)
  report(meter.done(total))
  socket.destroy()
}

async function readFully (file: FileHandle, into: Buffer, position: number): Promise<void> {
  for (let at = 0; at < into.byteLength;) {
    const { bytesRead } = await file.read(into, at, into.byteLength - at, position + at)
    if (bytesRead === 0) throw new Error(`image ended at ${position + at}`)
    at += bytesRead
  }
}

function fail (err: unknown): void {
  report({ error: (err as Error).message })
  process.exit(1)
}

const USAGE = 'usage: plain-relay-peer.js sink --block B [--target FILE] | relay --block B --next PORT --target FILE | source --block B --port PORT (--image FILE | --bytes N)'

async function main (): Promise<void> {
  exitWithParent()
  process.once('SIGTERM', () => process.exit(0))
  const { values, positionals } = parseArgs({
    options: {
      block: { type: 'string' },
      target: { type: 'string' },
      next: { type: 'string' },
      port: { type: 'string' },
      image: { type: 'string' },
      bytes: { type: 'string' }
    },
    allowPositionals: true
  })
  const number = (text: string | undefined): number | undefined => text === undefined ? undefined : Number(text)
  const block = number(values.block)
  const [mode] = positionals
  if (block === undefined || !(block > 0)) throw new Error(USAGE)
  if (mode === 'sink') return await sink(block, values.target)
  if (mode === 'relay' && values.next !== undefined && values.target !== undefined) return await relay(block, number(values.next)!, values.target)
  if (mode === 'source' && values.port !== undefined && (values.image !== undefined) !== (values.bytes !== undefined)) {
    await source(block, number(values.port)!, values.image, number(values.bytes))
    process.exit(0)
  }
  throw new Error(USAGE)
}

main().catch(fail)
