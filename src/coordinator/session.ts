// What the coordinator knows of one session: its members, whether it has
// started or is ending, and the parameters every node received in Welcome.

import { randomBytes } from 'node:crypto'
import type { DataPlaneKind, SessionParams } from '../wire/session-params.js'
import { isSettled, type Member } from './member.js'

export class Session {
  /** Every admitted node, by peer id, including failed and finished ones. */
  readonly members = new Map<string, Member>()
  /** The plan went out: a Join now is a late joiner or a restart. */
  started = false
  /** Every member finished: the report is being built; joins are refused. */
  ending = false
  /** Positions handed out so far (a late joiner gets the next one). */
  chainLength = 0

  constructor (
    readonly params: SessionParams,
    /** The coordinator's own peer id: a member whose upstream is this is fed from the image. */
    readonly sourcePeer: string,
    /** How block streams travel in this session. */
    readonly dataPlane: DataPlaneKind = 'encrypted'
  ) {}

  /**
   * The key of the hop into `m` from its upstream in force: both ends get it
   * over their noise-authenticated control streams (the source keeps its
   * own), and the data plane admits only a stream that proves it. A new
   * upstream gets a new key, so a node that was moved away cannot open the
   * hop again.
   */
  hopInto (m: Member): { id: string, key: Uint8Array, upstream: string } {
    if (m.hop?.upstream !== m.upstreamPeer) m.hop = { id: randomBytes(12).toString('hex'), key: randomBytes(32), upstream: m.upstreamPeer }
    return m.hop
  }

  get (peerId: string): Member | undefined {
    return this.members.get(peerId)
  }

  get all (): Member[] {
    return [...this.members.values()]
  }

  /** Every member finished, and none still owes its IdentityDone. */
  get everyoneFinished (): boolean {
    return this.all.every(isSettled)
  }

  /** Whether `m` is fed by the source (not by another node). */
  fedBySource (m: Member): boolean {
    return m.upstreamPeer === this.sourcePeer
  }
}
