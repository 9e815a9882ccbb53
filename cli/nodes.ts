// `ringcast nodes`: the boot inventory as it stands (src/boot/nodes.ts), and
// the one change an admin makes by hand: a node back to clone (install it
// again at its next boot) or to local (leave its disk alone).

import { NodesStore } from '../src/boot/nodes-store.js'
import { nextState, type BootNode } from '../src/boot/nodes.js'
import { RingcastError } from '../src/errors.js'

/** One row per node: what it is, what it gets, where it stands. */
export function formatNodesTable (nodes: readonly BootNode[]): string {
  if (nodes.length === 0) return 'no nodes'
  const head = ['name', 'mac', 'state', 'image', 'target', 'changed', 'last error']
  const rows = nodes.map(n => [n.name, n.mac, n.state, n.image ?? '-', n.target ?? '-', n.changedAt ?? '-', n.lastError ?? ''])
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map(r => r[i]!.length)))
  const line = (cells: string[]): string => cells.map((c, i) => i === cells.length - 1 ? c : c.padEnd(widths[i]!)).join('  ').trimEnd()
  return [line(head), ...rows.map(line)].join('\n')
}

export async function listNodes (file: string, json: boolean): Promise<string> {
  const { nodes } = await new NodesStore(file).read()
  return json ? JSON.stringify({ nodes }, null, 2) : formatNodesTable(nodes)
}

/** nodes set NAME clone|local: the node's new row. */
export async function setNode (file: string, name: string, state: string): Promise<BootNode> {
  if (state !== 'clone' && state !== 'local') throw new RingcastError('USAGE', `a node can be set to clone or local, not ${JSON.stringify(state)}`)
  const store = new NodesStore(file)
  return await store.update(doc => {
    const i = doc.nodes.findIndex(n => n.name === name)
    if (i < 0) throw new RingcastError('USAGE', `there is no node ${name} in ${file} (there are: ${doc.nodes.map(n => n.name).join(', ') || 'none'})`)
    const nodes = doc.nodes.slice()
    nodes[i] = nextState(nodes[i]!, { kind: 'set', state }, new Date())
    return { doc: { nodes }, result: nodes[i]! }
  })
}
