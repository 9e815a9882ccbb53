// The libp2p node factory: tcp + noise + yamux, nothing else. This is the only
// module that constructs libp2p; everything above it sees Channels.

import './shim.js'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import type { Connection, PrivateKey, Stream } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p } from 'libp2p'
import { RingcastError } from '../errors.js'
import { channelFromStream, type Channel, type StreamLike } from './channel.js'
import { peerPublicKey } from './identity.js'
import { DataPlaneServer, dialDataPlane, type DataPlaneMode, type HopKey } from './data-plane.js'
import type { ChannelHandler, DataListener, DataListenOptions, HostPort, Network } from './network.js'

/**
 * Every peer must use the same yamux stream window: a mismatch kills the
 * connection (docs/runtime-facts.md, "Yamux windows must match on every
 * peer"). The window has to cover everything between the two streams, kernel
 * socket buffers included (here TCP autotunes the send buffer up to 4 MiB and
 * the receive buffer up to 32 MiB), plus the window update's trip back. On a
 * relay the updates queue behind the relay's own outgoing data: in the
 * namespace lab a 4 MiB window left the source's link idle 10-15 % of the
 * time, and a 2-node chain took 1.19x of S/B; 16 MiB makes it 1.09x
 * (docs/runtime-facts.md, "The yamux window has to cover the kernel's socket
 * buffers").
 * Memory stays bounded by ringcast's own credit window (a block stream's
 * reader cap) and by the 4 MiB cap on any other stream's unread bytes.
 */
const YAMUX_STREAM_WINDOW_BYTES = 16 * 1_048_576
/** How long one dial may take before we call the peer unreachable. */
const DIAL_TIMEOUT_MS = 10_000
/**
 * A block stream can sit idle while its upstream repairs or the tail waits;
 * the application has its own stall detection, so libp2p's inactivity reset
 * must not fire first.
 */
const STREAM_INACTIVITY_TIMEOUT_MS = 3_600_000
/** Longest a shutdown may wait for peers to acknowledge closing. */
const STOP_TIMEOUT_MS = 3_000

export interface NetNodeOptions {
  privateKey: PrivateKey
  /** Multiaddrs to listen on, e.g. /ip4/0.0.0.0/tcp/0. */
  listen: string[]
}

export class NetNode implements Network {
  private readonly listeners = new Set<DataPlaneServer>()

  private constructor (private readonly libp2p: Libp2p) {}

  static async start (options: NetNodeOptions): Promise<NetNode> {
    let libp2p: Libp2p
    try {
      libp2p = await createLibp2p({
        privateKey: options.privateKey,
        addresses: { listen: options.listen },
        transports: [tcp()],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux({
          streamOptions: {
            initialStreamWindowSize: YAMUX_STREAM_WINDOW_BYTES,
            maxStreamWindowSize: YAMUX_STREAM_WINDOW_BYTES
          }
        })],
        connectionManager: {
          // A coordinator talks to every node of a large session.
          maxConnections: 100_000,
          // Many nodes may boot behind one NAT or on one test host at once.
          inboundConnectionThreshold: 10_000,
          maxIncomingPendingConnections: 10_000,
          dialTimeout: DIAL_TIMEOUT_MS
        }
      })
    } catch (err) {
      throw new RingcastError('USAGE', `cannot listen on ${options.listen.join(', ')}: ${(err as Error).message}`, { cause: err })
    }
    return new NetNode(libp2p)
  }

  get peerId (): string {
    return this.libp2p.peerId.toString()
  }

  /** Addresses we listen on, each ending in /p2p/<our peer id>. */
  get addrs (): string[] {
    return this.libp2p.getMultiaddrs().map(ma => ma.toString())
  }

  /** TCP port of the first listen address (0 if none). */
  get listenPort (): number {
    for (const ma of this.libp2p.getMultiaddrs()) {
      const port = ma.getComponents().find(c => c.name === 'tcp')?.value
      if (port !== undefined) return Number(port)
    }
    return 0
  }

  async handle (protocol: string, handler: ChannelHandler): Promise<void> {
    await this.libp2p.handle(protocol, (stream: Stream, connection: Connection) => {
      tuneStream(stream)
      handler(channelFromStream(stream as unknown as StreamLike, connection.remotePeer.toString(), connection.remoteAddr.toString(), peerPublicKey(connection.remotePeer)))
    }, { maxInboundStreams: 4 })
  }

  /**
   * Open a stream on `protocol` to a peer. `addrs` may be given with or
   * without a trailing /p2p/<peer>; `peer` is appended where missing, so noise
   * authenticates that the other end holds that identity.
   */
  async dial (peer: string | undefined, addrs: string[], protocol: string, signal?: AbortSignal): Promise<Channel> {
    const targets = addrs.map(a => {
      const ma = multiaddr(a)
      const hasPeer = ma.getComponents().some(c => c.name === 'p2p')
      return hasPeer || peer === undefined ? ma : ma.encapsulate(`/p2p/${peer}`)
    })
    if (targets.length === 0) throw new RingcastError('UNREACHABLE', `no address to dial ${peer ?? 'peer'}`)
    // libp2p v3 was seen to keep the dial's signal attached to the stream it
    // returns: an AbortSignal.timeout() reset the stream mid-transfer when it
    // fired (docs/runtime-facts.md, trap 6). So the deadline is a timer we
    // clear once the stream is open.
    const deadline = new AbortController()
    const timer = setTimeout(() => deadline.abort(new RingcastError('UNREACHABLE', `dial timed out after ${DIAL_TIMEOUT_MS / 1000} s`)), DIAL_TIMEOUT_MS)
    const onAbort = (): void => deadline.abort(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
    let stream: Stream
    try {
      stream = await this.libp2p.dialProtocol(targets, protocol, { signal: deadline.signal })
    } finally {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    }
    tuneStream(stream)
    const connection = this.libp2p.getConnections().find(c => c.streams.includes(stream))
    return channelFromStream(stream as unknown as StreamLike,
      connection?.remotePeer.toString() ?? peer ?? '',
      connection?.remoteAddr.toString() ?? targets[0]!.toString(),
      connection === undefined ? undefined : peerPublicKey(connection.remotePeer))
  }

  async listenData (options: DataListenOptions): Promise<DataListener> {
    const server = await DataPlaneServer.listen(options)
    this.listeners.add(server)
    return server
  }

  async dialData (addrs: HostPort[], hop: HopKey, mode: DataPlaneMode): Promise<Channel> {
    return await dialDataPlane(addrs, hop, mode)
  }

  /**
   * Stop libp2p, but never wait more than STOP_TIMEOUT_MS: closing a
   * connection to a hung (SIGSTOPped, unplugged) peer waits for an answer
   * that never comes, and a finished session must still exit.
   */
  async stop (): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    await Promise.all([...this.listeners].map(async l => { await l.close().catch(() => {}) }))
    await Promise.race([
      this.libp2p.stop(),
      new Promise<void>(resolve => { timer = setTimeout(resolve, STOP_TIMEOUT_MS) })
    ])
    clearTimeout(timer)
  }
}

function tuneStream (stream: Stream): void {
  stream.inactivityTimeout = STREAM_INACTIVITY_TIMEOUT_MS
}
