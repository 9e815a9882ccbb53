// The chain planner (Dolly+'s virtual ring, opened at the source):
//
//   source --> n0 --> n1 --> ... --> n(k-1)
//
// Pure: node ids in, one hop description per node out.

/** The upstream of the head. */
export const SOURCE = 'source'

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
  return nodes.map((node, position) => ({
    node,
    upstream: position === 0 ? SOURCE : nodes[position - 1]!,
    downstream: nodes[position + 1],
    position
  }))
}
