// What the coordinator and the agent need of the network: an identity,
// addresses, protocol handlers and dials that yield Channels. NetNode
// (libp2p) is the real one; tests plug in an in-memory network
// (test/support/memory-network.ts), so whole sessions run without sockets.

import type { Channel } from './channel.js'
import type { DataPlaneMode, HopKey } from './data-plane.js'

export type ChannelHandler = (channel: Channel) => void

export interface HostPort { host: string, port: number }

/** Where a node takes the direct block streams of its upstreams (src/net/data-plane.ts). */
export interface DataListenOptions {
  host?: string
  port?: number
  /** The key expected for hop `id` right now (the plan in force names it), or undefined to refuse it. */
  keyFor: (id: string) => HopKey | undefined
  /** An authenticated hop; the Channel's remotePeer is the HopKey's peer. */
  onChannel: (channel: Channel, hop: HopKey) => void
  log?: (line: string) => void
}

export interface DataListener {
  readonly port: number
  /** The session's mode; nothing is accepted until it is set. */
  mode: DataPlaneMode | undefined
  close: () => Promise<void>
}

export interface Network {
  /** Our peer id (string form). */
  readonly peerId: string
  /** Addresses we listen on, each ending in /p2p/<our peer id>. */
  readonly addrs: string[]
  /** TCP port of the first listen address (0 if none). */
  readonly listenPort: number
  handle: (protocol: string, handler: ChannelHandler) => Promise<void>
  /** Open a stream on `protocol` to `peer` (authenticated as that peer when given). */
  dial: (peer: string | undefined, addrs: string[], protocol: string) => Promise<Channel>
  /** Listen for direct block streams (the data plane). */
  listenData: (options: DataListenOptions) => Promise<DataListener>
  /** Open a direct block stream to one of `addrs`, proving `hop`'s key. */
  dialData: (addrs: HostPort[], hop: HopKey, mode: DataPlaneMode) => Promise<Channel>
  stop: () => Promise<void>
}
