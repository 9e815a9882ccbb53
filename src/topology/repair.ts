// Repair: who feeds a node whose upstream is lost. Pure, shared by the
// coordinator's re-wiring and the simulator.
//
//   U --> dead --> N      becomes      U --> N
//
// N is spliced to the nearest live ancestor of the node it lost (Kascade's
// rule): that node already holds everything N lacks, in its replay buffer or
// on its disk. With no live ancestor left, the source feeds N itself.

/**
 * The new upstream for a node that lost `lost`: the first ancestor of `lost`
 * (following `upstreamOf`) that is not gone. `undefined` means the source.
 */
export function repairParent<T> (lost: T, upstreamOf: (node: T) => T | undefined, isGone: (node: T) => boolean): T | undefined {
  let candidate = upstreamOf(lost)
  const seen = new Set<T>([lost])
  while (candidate !== undefined && isGone(candidate)) {
    // A loop in the structure would be a bug elsewhere; never spin on it.
    if (seen.has(candidate)) return undefined
    seen.add(candidate)
    candidate = upstreamOf(candidate)
  }
  return candidate
}

/** What the repair rule needs to see of the current structure. */
export interface TreeView<T> {
  upstreamOf: (node: T) => T | undefined
  downstreamsOf: (node: T) => readonly T[]
  isGone: (node: T) => boolean
  /** Every node, in planned order (the order breaks ties). */
  nodes: readonly T[]
}

/**
 * New upstreams for every orphan of `lost` (its downstreams). The first takes
 * the lost node's place under its nearest live ancestor, so that ancestor's
 * fan-out does not grow: in a chain this is the splice. Each other orphan goes
 * under a live leaf outside every orphan's subtree, the shallowest first:
 * a leaf's uplink is idle, while piling orphans onto one parent would split
 * its uplink and, through the credits, slow the whole tree. With no such
 * leaf, the orphan goes to the ancestor as well. `undefined` is the source.
 */
export function repairOrphans<T> (lost: T, view: TreeView<T>): Map<T, T | undefined> {
  const orphans = view.downstreamsOf(lost).filter(o => !view.isGone(o))
  const out = new Map<T, T | undefined>()
  if (orphans.length === 0) return out
  const ancestor = repairParent(lost, view.upstreamOf, view.isGone)
  out.set(orphans[0]!, ancestor)
  if (orphans.length === 1) return out
  const orphanSet = new Set(orphans)
  const depth = new Map<T, number>()
  const depthOf = (node: T): number => {
    let d = depth.get(node)
    if (d !== undefined) return d
    const up = view.upstreamOf(node)
    d = up === undefined ? 1 : depthOf(up) + 1
    depth.set(node, d)
    return d
  }
  /** Whether `node` is `lost`, an orphan, or below one of them. */
  const inOrphanSubtrees = (node: T): boolean => {
    const seen = new Set<T>()
    for (let at: T | undefined = node; at !== undefined && !seen.has(at); at = view.upstreamOf(at)) {
      if (at === lost || orphanSet.has(at)) return true
      seen.add(at)
    }
    return false
  }
  const leaves = view.nodes
    .filter(n => !view.isGone(n) && view.downstreamsOf(n).every(d => view.isGone(d)) && !inOrphanSubtrees(n))
    .sort((a, b) => depthOf(a) - depthOf(b))
  let next = 0
  for (const orphan of orphans.slice(1)) out.set(orphan, next < leaves.length ? leaves[next++] : ancestor)
  return out
}
