// The two baselines of the relay benchmark, each a chain of plain-relay-peer
// processes on 127.0.0.1 (see that file for the frames):
//
//   plain relay   source ──> relay ──> sink     source reads and hashes the
//                                               image; relay and sink verify,
//                                               write their target, relay forwards
//   raw one hop   source ──> sink               source sends one random block
//                                               over and over; sink verifies only
//
// Every peer's CPU is counted from its first byte to the ack, so start-up is
// not in it; MB/s is the source's: first send until the ack.

import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sha256File } from '../../cli/demo.js'
import { spawnPeer, type PeerMessage, type PeerProcess } from './child-processes.js'

export interface PeerCost {
  seconds: number
  cpuSeconds: number
  userSeconds: number
  systemSeconds: number
  /** cpuSeconds per 10^9 bytes moved. */
  cpuSecondsPerGB: number
  peakRssBytes: number
}

export interface BaselineRun {
  bytes: number
  blockBytes: number
  seconds?: number
  mbPerSecond?: number
  source?: PeerCost
  relay?: PeerCost
  sink?: PeerCost
  /** Targets written (plain relay: 2) whose sha256 equals the image's. */
  sha256Matches: number
  mismatches: number
  error?: string
}

const PEER = fileURLToPath(new URL('./plain-relay-peer.js', import.meta.url))
/** Process start and listen. */
const READY_TIMEOUT_MS = 30_000

export interface PlainRelayOptions {
  dir: string
  image: string
  imageSha256: string
  imageBytes: number
  blockBytes: number
  timeoutMs: number
}

export async function measurePlainRelay (o: PlainRelayOptions): Promise<BaselineRun> {
  const run: BaselineRun = { bytes: o.imageBytes, blockBytes: o.blockBytes, sha256Matches: 0, mismatches: 0 }
  const targets = ['relay', 'sink'].map(n => join(o.dir, `plain-${process.pid}-${n}.img`))
  const peers: PeerProcess[] = []
  const block = ['--block', String(o.blockBytes)]
  try {
    const sink = start(peers, 'plain sink', ['sink', ...block, '--target', targets[1]!])
    const sinkPort = (await sink.next(READY_TIMEOUT_MS)).port as number
    const relay = start(peers, 'plain relay', ['relay', ...block, '--next', String(sinkPort), '--target', targets[0]!])
    const relayPort = (await relay.next(READY_TIMEOUT_MS)).port as number
    const source = start(peers, 'plain source', ['source', ...block, '--port', String(relayPort), '--image', o.image])
    fill(run, await source.next(READY_TIMEOUT_MS + o.timeoutMs), 'source')
    fill(run, await relay.next(READY_TIMEOUT_MS), 'relay')
    fill(run, await sink.next(READY_TIMEOUT_MS), 'sink')
  } catch (err) {
    run.error = (err as Error).message
  } finally {
    for (const peer of peers.reverse()) await peer.stop()
  }
  try {
    for (const target of targets) {
      if (await sha256File(target).catch(() => 'missing') === o.imageSha256) run.sha256Matches++
      else run.mismatches++
    }
  } finally {
    await Promise.all(targets.map(async t => await rm(t, { force: true })))
  }
  return run
}

export async function measureRawOneHop (bytes: number, blockBytes: number, timeoutMs: number): Promise<BaselineRun> {
  const run: BaselineRun = { bytes, blockBytes, sha256Matches: 0, mismatches: 0 }
  const peers: PeerProcess[] = []
  const block = ['--block', String(blockBytes)]
  try {
    const sink = start(peers, 'raw sink', ['sink', ...block])
    const port = (await sink.next(READY_TIMEOUT_MS)).port as number
    const source = start(peers, 'raw source', ['source', ...block, '--port', String(port), '--bytes', String(bytes)])
    fill(run, await source.next(READY_TIMEOUT_MS + timeoutMs), 'source')
    fill(run, await sink.next(READY_TIMEOUT_MS), 'sink')
  } catch (err) {
    run.error = (err as Error).message
  } finally {
    for (const peer of peers.reverse()) await peer.stop()
  }
  return run
}

function start (peers: PeerProcess[], name: string, args: string[]): PeerProcess {
  const peer = spawnPeer(name, PEER, args)
  peers.push(peer)
  return peer
}

function fill (run: BaselineRun, message: PeerMessage, role: 'source' | 'relay' | 'sink'): void {
  const seconds = message.seconds as number
  const cpuSeconds = message.cpuSeconds as number
  run[role] = {
    seconds,
    cpuSeconds,
    userSeconds: message.userSeconds as number,
    systemSeconds: message.systemSeconds as number,
    cpuSecondsPerGB: cpuSeconds / (run.bytes / 1e9),
    peakRssBytes: message.peakRssBytes as number
  }
  if (role === 'source') {
    run.seconds = seconds
    run.mbPerSecond = run.bytes / 1e6 / seconds
  }
}
