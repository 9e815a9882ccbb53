// The raw node:net baselines: what loopback TCP between separate Node
// processes gives with no encryption, no muxer and no protocol.
//
//   node tcp-peer.js sink BYTES               listen, report {port}; at BYTES: ack, report {received, peakRssBytes}
//   node tcp-peer.js relay NEXT_PORT          listen; forward each connection to NEXT_PORT
//   node tcp-peer.js source PORT BYTES        send BYTES; report {bytes, seconds} at the ack
//
//   source ──data──> [relay ──data──>] sink
//          <──ack───  relay <──ack───
//
// The relay forwards both ways with stream.pipe, which honours backpressure,
// so it is the plain-socket twin of a ringcast middle node.

import { once } from 'node:events'
import { randomBytes } from 'node:crypto'
import { connect, createServer, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { exitWithParent, report } from './child-processes.js'

const HOST = '127.0.0.1'
/** Same write size as the libp2p baseline and ringcast's default block. */
const CHUNK_BYTES = 1_048_576

async function listen (onConnection: (socket: Socket) => void): Promise<void> {
  const server = createServer(onConnection)
  server.listen(0, HOST)
  await once(server, 'listening')
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no TCP port')
  process.once('SIGTERM', () => process.exit(0))
  report({ ready: true, port: address.port })
}

async function sink (total: number): Promise<void> {
  await listen(socket => {
    let received = 0
    let acked = false
    socket.on('error', err => report({ error: `sink: ${err.message}` }))
    socket.on('data', (d: Buffer) => {
      received += d.byteLength
      if (!acked && received >= total) {
        acked = true
        socket.write(u64(received))
        report({ received, peakRssBytes: process.resourceUsage().maxRSS * 1024 })
      }
    })
  })
}

async function relay (nextPort: number): Promise<void> {
  await listen(upstream => {
    const downstream = connect(nextPort, HOST)
    const fail = (err: Error): void => {
      report({ error: `relay: ${err.message}` })
      upstream.destroy()
      downstream.destroy()
    }
    upstream.on('error', fail)
    downstream.on('error', fail)
    upstream.pipe(downstream)
    downstream.pipe(upstream)
  })
}

async function source (port: number, total: number): Promise<void> {
  const socket = connect(port, HOST)
  await once(socket, 'connect')
  let ack = Buffer.alloc(0)
  const acked = new Promise<number>((resolve, reject) => {
    socket.on('data', (d: Buffer) => {
      ack = Buffer.concat([ack, d])
      if (ack.byteLength >= 8) resolve(readU64(ack))
    })
    socket.once('error', reject)
    socket.once('close', () => reject(new Error('connection closed before the ack')))
  })
  acked.catch(() => {})
  const chunk = randomBytes(CHUNK_BYTES)
  const started = performance.now()
  for (let sent = 0; sent < total; sent += CHUNK_BYTES) {
    if (!socket.write(total - sent >= CHUNK_BYTES ? chunk : chunk.subarray(0, total - sent))) await once(socket, 'drain')
  }
  const n = await acked
  const seconds = (performance.now() - started) / 1000
  if (n !== total) throw new Error(`sink acknowledged ${n} of ${total} bytes`)
  report({ bytes: total, seconds })
  socket.destroy()
}

const u64 = (n: number): Buffer => {
  const out = Buffer.alloc(8)
  out.writeBigUInt64BE(BigInt(n))
  return out
}

const readU64 = (b: Buffer): number => Number(b.readBigUInt64BE(0))

async function main (): Promise<void> {
  exitWithParent()
  const [mode, ...args] = process.argv.slice(2)
  if (mode === 'sink' && args.length === 1) return await sink(Number(args[0]))
  if (mode === 'relay' && args.length === 1) return await relay(Number(args[0]))
  if (mode === 'source' && args.length === 2) {
    await source(Number(args[0]), Number(args[1]))
    process.exit(0)
  }
  throw new Error('usage: tcp-peer.js sink BYTES | relay NEXT_PORT | source PORT BYTES')
}

main().catch(err => {
  report({ error: (err as Error).message })
  process.exit(1)
})
