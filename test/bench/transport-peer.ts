// One end of the bare libp2p baseline: a separate process running the same
// NetNode factory ringcast uses (tcp + noise + yamux, same stream window),
// with no ringcast protocol on top.
//
//   node transport-peer.js sink                 listen; report {addrs}, then {received, peakRssBytes}
//   node transport-peer.js source ADDR BYTES    dial ADDR, send, report {bytes, seconds}
//
//   source                                       sink
//     | u64 total ------------------------------> |
//     | 1 MiB, 1 MiB, ... (Channel.send) --------> | readExact + discard
//     | <------------------------------ u64 total | ack once all arrived
//
// The clock runs from the first send to the ack, so it covers every byte
// reaching the other process (docs/runtime-facts.md, trap 4: close proves nothing).
import '../../src/net/shim.js'
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type { Channel } from '../../src/net/channel.js'
import { ephemeralKey } from '../../src/net/identity.js'
import { NetNode } from '../../src/net/node.js'
import { exitWithParent, report } from './child-processes.js'

const PROTOCOL = '/ringcast-bench/discard/1.0.0'
/** Same size as ringcast's default block, so both send in the same units. */
const CHUNK_BYTES = 1_048_576
/**
 * The bare stream has no credits: only the yamux window bounds what arrives
 * ahead of the reader, and the channel hands bytes to the reader as they
 * arrive. Room for a few windows' worth, far under any overflow we would hit.
 */
const RECEIVE_BUFFER_BYTES = 64 * 1_048_576
const LISTEN = ['/ip4/127.0.0.1/tcp/0']

async function sink (): Promise<void> {
  const node = await NetNode.start({ privateKey: await ephemeralKey(), listen: LISTEN })
  process.once('SIGTERM', () => { void node.stop().finally(() => process.exit(0)) })
  await node.handle(PROTOCOL, channel => { void discard(channel) })
  report({ ready: true, addrs: node.addrs })
}

async function discard (channel: Channel): Promise<void> {
  channel.reader.maxBufferedBytes = RECEIVE_BUFFER_BYTES
  try {
    const total = readU64(await channel.reader.readExact(8))
    let received = 0
    while (received < total) {
      const n = Math.min(CHUNK_BYTES, total - received)
      await channel.reader.readExact(n)
      received += n
    }
    await channel.send(u64(received))
    report({ received, peakRssBytes: process.resourceUsage().maxRSS * 1024 })
  } catch (err) {
    report({ error: `sink: ${(err as Error).message}` })
    channel.abort(err as Error)
  }
}

async function source (addr: string, total: number): Promise<void> {
  const node = await NetNode.start({ privateKey: await ephemeralKey(), listen: LISTEN })
  const channel = await node.dial(undefined, [addr], PROTOCOL)
  const chunk = randomBytes(CHUNK_BYTES)
  const started = performance.now()
  await channel.send(u64(total))
  for (let sent = 0; sent < total; sent += CHUNK_BYTES) {
    await channel.send(total - sent >= CHUNK_BYTES ? chunk : chunk.subarray(0, total - sent))
  }
  const acked = readU64(await channel.reader.readExact(8))
  const seconds = (performance.now() - started) / 1000
  if (acked !== total) throw new Error(`sink acknowledged ${acked} of ${total} bytes`)
  report({ bytes: total, seconds })
  await channel.closeWrite().catch(() => {})
  await node.stop().catch(() => {})
}

const u64 = (n: number): Uint8Array => {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, BigInt(n))
  return out
}

const readU64 = (b: Uint8Array): number => Number(new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0))

async function main (): Promise<void> {
  exitWithParent()
  const [mode, ...args] = process.argv.slice(2)
  if (mode === 'sink') return await sink()
  if (mode === 'source' && args.length === 2) {
    await source(args[0]!, Number(args[1]))
    process.exit(0)
  }
  throw new Error('usage: transport-peer.js sink | source ADDR BYTES')
}

main().catch(err => {
  report({ error: (err as Error).message })
  process.exit(1)
})
