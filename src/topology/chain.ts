// The chain planner (Dolly+'s virtual ring, opened at the source), in the
// one-downstream shape the coordinator uses today:
//
//   source --> n0 --> n1 --> ... --> n(k-1)
//
// Pure: node ids in (already in the order wanted), one hop per node out.

import { plan, SOURCE } from './plan.js'

export { SOURCE }

export interface Hop {
  node: string
  /** A node id, or SOURCE for the head. */
  upstream: string
  /** The next node, or undefined for the tail. */
  downstream?: string
  position: number
}

export function planChain (nodes: readonly string[]): Hop[] {
  if (new Set(nodes).size !== nodes.length) throw new Error('planChain: node ids must be unique')
  return plan(nodes.map(id => ({ id })), { kind: 'chain' }).hops
    .map(h => ({ node: h.node, upstream: h.upstream, downstream: h.downstreams[0], position: h.position }))
}
