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
      downstreamsOf: id => s.get(id)?.downstreamPeers ?? [],
      isGone: id => s.get(id)?.state !== 'running',
      isBackground: id => s.get(id)?.background === true,
      progress: id => s.get(id)?.writtenThrough ?? 0,
      nodes: s.all.sort((a, b) => a.position - b.position).map(m => m.peerId)
    }
  }

  /**
   * Carry out `effects` (fail effects are the caller's): update the
   * structure, then send every plan that changed, except to nodes that are
   * no longer running, and start the source feeds. Each move is logged
   * after `why`, unless it is undefined (the caller said it already).
   */
  apply (effects: ReadonlyArray<RewireEffect<string>>, why: string | undefined): void {
    const s = this.session
    const changed = new Set<Member>()
    const moves: Array<{ node: Member, upstream?: Member }> = []
    for (const e of effects) {
      const node = s.get(e.node)
      if (node === undefined) continue
      if (e.kind === 'fail') continue
      const old = s.get(node.upstreamPeer)
      if (old !== undefined) {
        old.downstreamPeers = old.downstreamPeers.filter(p => p !== node.peerId)
        changed.add(old)
      }
      if (e.kind === 'unlink') continue
      const upstream = e.upstream === undefined ? undefined : s.get(e.upstream)
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
      moves.push({ node, upstream })
    }
    const sent = new Set<Member>()
    for (const { node, upstream } of moves) {
      sent.add(node)
      if (upstream === undefined) { void this.sendPlan(node).then(async () => { await this.actions.feed(node) }); continue }
      sent.add(upstream)
      void this.sendPlan(node).then(async () => { await this.sendPlan(upstream) })
    }
    for (const m of changed) if (!sent.has(m) && m.state === 'running') void this.sendPlan(m)
  }

  async sendPlan (m: Member): Promise<void> {
    if (isFinished(m)) return
    const s = this.session
    await sendControl(m.channel, {
      plan: {
        upstreamPeer: m.upstreamPeer,
        downstreams: m.downstreamPeers.map(peer => ({ peer, addrs: s.get(peer)?.dialAddrs ?? [], background: s.get(peer)?.background === true })),
        position: m.position,
        chainLength: s.chainLength,
        depth: m.depth
      }
    }).catch(err => this.actions.fail(m, 'PEER_GONE', `could not send it a plan: ${errorMessage(err)}`))
  }
}
