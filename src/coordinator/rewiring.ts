// Carries out the re-wire policy (src/topology/rewire.ts) on the session's
// members: updates who feeds whom, sends the plans that changed (a node's
// own before its new upstream's, so it accepts the stream the upstream
// opens), and starts source feeds where the policy names the source.

import { errorMessage } from '../errors.js'
import { sendControl } from '../net/control-stream.js'
import { type RewireEffect, type SessionView } from '../topology/rewire.js'
import { isFinished, type Member } from './member.js'
import type { Session } from './session.js'

export interface RewireActions {
  log: (line: string) => void
  /** Stream the image into `m` (it is fed by the source now). */
  feed: (m: Member) => Promise<void>
  /** A plan could not be sent: the node is gone. */
  fail: (m: Member, code: 'PEER_GONE', reason: string) => void
}

/** What update() changed: the moved nodes (with their new upstream; none: the source) and the other members whose plans changed. */
export interface Rewired {
  moves: Array<{ node: Member, upstream?: Member }>
  changed: Set<Member>
}

export class Rewiring {
  constructor (private readonly session: Session, private readonly actions: RewireActions) {}

  /** The session as the policy sees it. */
  view (): SessionView<string> {
    const s = this.session
    return {
      upstreamOf: id => {
        const m = s.get(id)
        return m === undefined || m.upstreamPeer === s.sourcePeer || m.upstreamPeer === '' ? undefined : m.upstreamPeer
      },
      // Finished downstreams need nothing more: a node feeding only those is a leaf.
      downstreamsOf: id => (s.get(id)?.downstreamPeers ?? []).filter(p => s.get(p)?.state === 'running'),
      isGone: id => s.get(id)?.state !== 'running',
      isBackground: id => s.get(id)?.background === true,
      progress: id => s.get(id)?.writtenThrough ?? 0,
      nodes: s.all.sort((a, b) => a.position - b.position).map(m => m.peerId)
    }
  }

  /**
   * Carry out `effects` (fail effects are the caller's): update the
   * structure now, then send the plans that changed and start the source
   * feeds. Each move is logged after `why`, unless it is undefined (the
   * caller said it already).
   */
  apply (effects: ReadonlyArray<RewireEffect<string>>, why: string | undefined): void {
    void this.announce(this.update(effects, why))
  }

  /**
   * The structural half of apply(), synchronous, so that the next decision
   * (another join in the same tick, a failure) sees it: who feeds whom, the
   * depths, and the source feeds that end. Returns what announce() sends.
   */
  update (effects: ReadonlyArray<RewireEffect<string>>, why: string | undefined): Rewired {
    const s = this.session
    const rewired: Rewired = { moves: [], changed: new Set() }
    for (const e of effects) {
      const node = s.get(e.node)
      if (node === undefined || e.kind === 'fail') continue
      const old = s.get(node.upstreamPeer)
      if (old !== undefined) {
        old.downstreamPeers = old.downstreamPeers.filter(p => p !== node.peerId)
        rewired.changed.add(old)
      }
      // Out of the structure: it feeds no one any more either (live orphans
      // are re-attached by the effects that follow; finished ones need nothing).
      if (e.kind === 'unlink') { node.downstreamPeers = []; continue }
      let upstream = e.upstream === undefined ? undefined : s.get(e.upstream)
      // Never under a node that is no longer running: the source feeds it instead.
      if (upstream !== undefined && upstream.state !== 'running') upstream = undefined
      const wasFedBySource = s.fedBySource(node)
      node.background = e.background
      node.upstreamPeer = upstream?.peerId ?? s.sourcePeer
      node.depth = upstream === undefined ? 1 : upstream.depth + 1
      if (upstream !== undefined) {
        upstream.downstreamPeers.push(node.peerId)
        // Fed by the source until now: that stream ends here, on purpose.
        if (wasFedBySource) {
          const feed = node.feed
          node.feed = undefined
          feed?.close(`${node.name} is served by ${upstream.name} from now on`)
        }
      }
      if (why !== undefined) this.actions.log(`${why}: ${upstream === undefined ? `feeding ${node.name} from the source` : e.background ? `${upstream.name} serves straggler ${node.name} in the background` : `${upstream.name} now feeds ${node.name}`}`)
      rewired.moves.push({ node, upstream })
    }
    return rewired
  }

  /**
   * Send the plans update() changed: every moved node's own first (so it
   * accepts the stream its new upstream opens), then, once those are out,
   * the upstreams' and the others', and the source feeds. Nodes that are no
   * longer running get none.
   */
  async announce ({ moves, changed }: Rewired): Promise<void> {
    const moved = new Set(moves.map(m => m.node))
    await Promise.all(moves.map(async ({ node }) => { await this.sendPlan(node) }))
    const others = new Set<Member>([...moves.flatMap(m => m.upstream === undefined ? [] : [m.upstream]), ...changed])
    await Promise.all([
      ...[...others].filter(m => !moved.has(m) && m.state === 'running').map(async m => { await this.sendPlan(m) }),
      ...moves.filter(m => m.upstream === undefined && m.node.state === 'running').map(async ({ node }) => { await this.actions.feed(node) })
    ])
  }

  async sendPlan (m: Member): Promise<void> {
    if (isFinished(m)) return
    const s = this.session
    const up = s.hopInto(m)
    await sendControl(m.channel, {
      plan: {
        upstreamPeer: m.upstreamPeer,
        upstreamHopId: up.id,
        upstreamHopKey: up.key,
        downstreams: m.downstreamPeers.flatMap(peer => {
          const d = s.get(peer)
          if (d === undefined) return []
          const hop = s.hopInto(d)
          return [{ peer, addrs: d.dialAddrs, background: d.background, hopId: hop.id, hopKey: hop.key, dataHosts: d.dataHosts, dataPort: d.dataPort }]
        }),
        position: m.position,
        chainLength: s.chainLength,
        depth: m.depth
      }
    }).catch(err => this.actions.fail(m, 'PEER_GONE', `could not send it a plan: ${errorMessage(err)}`))
  }
}
