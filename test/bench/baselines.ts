// The baselines ringcast is judged against, measured in the same run and on
// the same machine: each is a chain of separate Node processes on 127.0.0.1.
// The benchmark process itself only starts them and reads their reports.

import { fileURLToPath } from 'node:url'
import { spawnPeer, type PeerProcess } from './child-processes.js'

export interface Throughput {
  /** Short key for JSON. */
  id: 'tcpOneHop' | 'tcpRelay' | 'libp2pStream'
  /** What was measured, for the table. */
  path: string
  processes: string
  bytes: number
  seconds?: number
  /** 1 MB = 1e6 bytes. */
  mbPerSecond?: number
  /** Peak RSS of the receiving process: what a process holding only the transport costs. */
  sinkPeakRssBytes?: number
  error?: string
  /** MB/s of every repeat of this measurement (this one is their median). */
  runsMbPerSecond?: number[]
}

const TRANSPORT_PEER = fileURLToPath(new URL('./transport-peer.js', import.meta.url))
const TCP_PEER = fileURLToPath(new URL('./tcp-peer.js', import.meta.url))
/** Process start, libp2p start and dial. */
const READY_TIMEOUT_MS = 30_000

export async function measureTcpOneHop (bytes: number, timeoutMs: number): Promise<Throughput> {
  return await measure({ id: 'tcpOneHop', path: 'raw node:net, one hop', processes: 'source → sink', bytes }, timeoutMs, async start => {
    const sink = await start('tcp-sink', TCP_PEER, ['sink', String(bytes)])
    return ['tcp-source', TCP_PEER, ['source', String(sink.port), String(bytes)]]
  })
}

export async function measureTcpRelay (bytes: number, timeoutMs: number): Promise<Throughput> {
  return await measure({ id: 'tcpRelay', path: 'raw node:net relay', processes: 'source → relay → sink', bytes }, timeoutMs, async start => {
    const sink = await start('tcp-sink', TCP_PEER, ['sink', String(bytes)])
    const relay = await start('tcp-relay', TCP_PEER, ['relay', String(sink.port)])
    return ['tcp-source', TCP_PEER, ['source', String(relay.port), String(bytes)]]
  })
}

export async function measureLibp2pStream (bytes: number, timeoutMs: number): Promise<Throughput> {
  return await measure({ id: 'libp2pStream', path: 'bare libp2p noise+yamux stream (NetNode, Channel.send)', processes: 'source → sink', bytes }, timeoutMs, async start => {
    const sink = await start('libp2p-sink', TRANSPORT_PEER, ['sink'])
    const addrs = sink.addrs as string[]
    return ['libp2p-source', TRANSPORT_PEER, ['source', addrs[0]!, String(bytes)]]
  })
}

type StartPeer = (name: string, script: string, args: string[]) => Promise<Record<string, unknown>>

/**
 * Start the receiving side with `setup` (each peer reports ready before the
 * next starts; the first is the sink), then the source named by what `setup`
 * returns; the source reports bytes and seconds, the sink its peak RSS.
 * Every peer is stopped before returning.
 */
async function measure (
  what: Omit<Throughput, 'seconds' | 'mbPerSecond' | 'sinkPeakRssBytes' | 'error'>,
  timeoutMs: number,
  setup: (start: StartPeer) => Promise<[string, string, string[]]>
): Promise<Throughput> {
  const peers: PeerProcess[] = []
  const start: StartPeer = async (name, script, args) => {
    const peer = spawnPeer(name, script, args)
    peers.push(peer)
    return await peer.next(READY_TIMEOUT_MS)
  }
  try {
    const [name, script, args] = await setup(start)
    const source = spawnPeer(name, script, args)
    peers.push(source)
    const result = await source.next(READY_TIMEOUT_MS + timeoutMs)
    const seconds = result.seconds as number
    const sinkDone = await peers[0]!.next(READY_TIMEOUT_MS)
    return { ...what, seconds, mbPerSecond: what.bytes / 1e6 / seconds, sinkPeakRssBytes: sinkDone.peakRssBytes as number }
  } catch (err) {
    return { ...what, error: (err as Error).message }
  } finally {
    for (const peer of peers.reverse()) await peer.stop()
  }
}
