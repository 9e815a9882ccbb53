// What the coordinator and the agent need of the network: an identity,
// addresses, protocol handlers and dials that yield Channels. NetNode
// (libp2p) is the real one; tests plug in an in-memory network
// (test/support/memory-network.ts), so whole sessions run without sockets.

import type { Channel } from './channel.js'

export type ChannelHandler = (channel: Channel) => void

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
  stop: () => Promise<void>
}
