// What ringcast is compared against, as flow-level formulas over the same
// nodes and rates. Each is the best its method can do (no protocol overhead),
// so ringcast is measured against the peers at their most favourable.

import type { SimConfig, SimNode } from './engine.js'

/**
 * Star: the source sends N whole copies at once over its uplink, shared
 * fairly; each copy is also bounded by its node's link and disk. Max-min fair
 * share, computed by water-filling: slow nodes take what they can, the rest
 * split what is left. A copy finishes at S / its rate; the last one ends it.
 */
export function starSeconds (nodes: readonly SimNode[], c: SimConfig): number {
  const caps = nodes.filter(alive).map(nodeRate).sort((a, b) => a - b)
  let left = c.sourceUplink
  let remaining = caps.length
  let slowest = Infinity
  for (const cap of caps) {
    const share = left / remaining
    const r = Math.min(cap, share)
    slowest = Math.min(slowest, r)
    left -= r
    remaining--
  }
  return caps.length === 0 ? NaN : c.imageBytes / slowest + c.hopLatency
}

/**
 * Ideal multicast (udpcast, Frisbee at best): every byte sent once, received
 * by all at the pace of the slowest receiver, where multicast is allowed at
 * all. No retransmission, no loss.
 */
export function multicastSeconds (nodes: readonly SimNode[], c: SimConfig): number {
  const live = nodes.filter(alive)
  if (live.length === 0) return NaN
  const r = Math.min(c.sourceUplink, ...live.map(nodeRate))
  return c.imageBytes / r + c.hopLatency
}

/**
 * A BitTorrent-like swarm at its best: the Kumar–Ross lower bound for
 * distributing a file of size S from a server of upload u_s to N peers of
 * upload u_i and download d_i:
 *
 *   T >= max( S / u_s,  S / min d_i,  N·S / (u_s + Σ u_i) )
 *
 * Disk write rates bound each peer's download as well.
 */
export function swarmSeconds (nodes: readonly SimNode[], c: SimConfig): number {
  const live = nodes.filter(alive)
  if (live.length === 0) return NaN
  const upload = c.sourceUplink + live.reduce((s, x) => s + x.link, 0)
  return Math.max(c.imageBytes / c.sourceUplink, c.imageBytes / Math.min(...live.map(nodeRate)), live.length * c.imageBytes / upload)
}

const nodeRate = (x: SimNode): number => Math.min(x.link, x.disk)
const alive = (x: SimNode): boolean => x.crashAt === undefined && x.hangAt === undefined
