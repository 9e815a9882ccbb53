// Opening a block stream to a node, whichever way the session's blocks
// travel: a direct connection to its data-plane server (proving the hop's
// key), or a libp2p stream on /ringcast/blocks/1.0.0 (the old path).

import type { Clock } from '../clock.js'
import { RingcastError } from '../errors.js'
import { BLOCKS_PROTOCOL } from '../wire/protocol.js'
import type { DataPlaneKind } from '../wire/session-params.js'
import type { Channel } from './channel.js'
import type { Network } from './network.js'

export interface BlockStreamTarget {
  peerId: string
  /** libp2p multiaddrs. */
  dialAddrs: string[]
  /** Hosts and port of its data-plane server. */
  dataHosts: string[]
  dataPort: number
}

/**
 * Waits between attempts on the data plane. The node learns the hop's key
 * from its Plan, which the coordinator sends before it tells the upstream to
 * dial, but over another connection: a dial can overtake the Plan and be
 * refused as an unknown hop. These retries cover that race (about 2 s), as
 * a libp2p block stream waits for the Plan on the receiving side.
 */
const PLAN_RACE_RETRIES_MS = [100, 250, 500, 1000]
/**
 * An attempt that failed slower than this was not the race (a refusal comes
 * back in a round trip) but a host that does not answer: it is not tried
 * again, so a blackholed downstream is reported after one dial timeout, not
 * five (and the coordinator feeds it another way).
 */
const PLAN_RACE_REFUSAL_MS = 1_000

export async function dialBlocks (net: Network, kind: DataPlaneKind, to: BlockStreamTarget, hop: { id: string, key: Uint8Array }, clock: Clock): Promise<Channel> {
  if (kind === 'libp2p') return await net.dial(to.peerId, to.dialAddrs, BLOCKS_PROTOCOL)
  if (to.dataPort === 0) throw new RingcastError('UNREACHABLE', `node ${to.peerId.slice(-8)} has no data-plane port`)
  const addrs = to.dataHosts.map(host => ({ host, port: to.dataPort }))
  for (let attempt = 0; ; attempt++) {
    const startedAt = clock.now()
    try {
      return await net.dialData(addrs, { id: hop.id, key: hop.key, peer: to.peerId }, kind)
    } catch (err) {
      const wait = PLAN_RACE_RETRIES_MS[attempt]
      if (wait === undefined || clock.now() - startedAt > PLAN_RACE_REFUSAL_MS) throw err
      await clock.sleep(wait)
    }
  }
}
