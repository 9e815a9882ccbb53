// The node inventory: which machines take part, where they are, and (when
// known) how fast their links and disks are. One node per line:
//
//   # name    address[/prefix]   [subnet=KEY] [link=RATE] [disk=RATE]
//   node01    198.18.10.11       disk=200MB/s
//   node02    198.18.10.12/24    link=10Gbit       (bit rates count as 94 % TCP goodput)
//   node03    -                  subnet=rack3
//
// or a JSON array of {name, address?, subnet?, link?, disk?} (rates as the
// same strings, or numbers in bytes per second). A node's subnet is given
// explicitly, or is its address's network (the /prefix on the line, else
// --prefix, 24 by default for IPv4 and 64 for IPv6).

import { readFile } from 'node:fs/promises'
import { RingcastError } from '../src/errors.js'
import { TopologyError } from '../src/topology/plan.js'
import { subnetOf as topologySubnetOf } from '../src/topology/subnet.js'
import { parseRate } from './units.js'

export interface InventoryNode {
  name: string
  address?: string
  subnet?: string
  /** Bytes per second, each direction. */
  link?: number
  /** Bytes per second. */
  disk?: number
}

const bad = (where: string, why: string): RingcastError => new RingcastError('USAGE', `${where}: ${why}`)

/** "1Gbit", "100Mbit/s", "10gbps" as bits; anything else as parseRate's bytes ("125MB/s"). Returns bytes per second. */
export function parseLinkRate (text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:bit(?:\/s)?|bps)\s*$/i.exec(text)
  if (m !== null) {
    const scale = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12 }[m[2]!.toLowerCase()]!
    return Number(m[1]) * scale / 8
  }
  return parseRate(text, flag)
}

/**
 * A link rate as TCP goodput: a bit rate ("1Gbit") is a line rate, of which
 * TCP carries 94 % at MTU 1500 (docs/lab.md, "Facts the lab relies on"); a
 * byte rate ("117MB/s") is taken as given.
 */
export function linkGoodput (text: string, flag: string): number {
  const bytes = parseLinkRate(text, flag)
  return /bit|bps/i.test(text) ? bytes * 0.94 : bytes
}

/** Read and parse an inventory file; an unreadable file is a usage error. */
export async function readInventory (path: string, defaultPrefix?: number): Promise<InventoryNode[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new RingcastError('USAGE', `cannot read inventory ${path}: ${(err as Error).message}`, { cause: err })
  }
  return parseInventory(text, defaultPrefix, path)
}

export function parseInventory (text: string, defaultPrefix?: number, source = 'inventory'): InventoryNode[] {
  const nodes = text.trimStart().startsWith('[') ? fromJson(text, source, defaultPrefix) : fromLines(text, source, defaultPrefix)
  const seen = new Set<string>()
  for (const n of nodes) {
    if (seen.has(n.name)) throw bad(source, `node ${n.name} is listed twice`)
    seen.add(n.name)
  }
  if (nodes.length === 0) throw bad(source, 'lists no nodes')
  return nodes
}

/** The subnet from the address, unless given. */
function withSubnet (node: InventoryNode, defaultPrefix: number | undefined, where: string): InventoryNode {
  if (node.subnet === undefined && node.address !== undefined) node.subnet = subnetOf(node.address, defaultPrefix, where)
  return node
}

function fromLines (text: string, source: string, defaultPrefix: number | undefined): InventoryNode[] {
  const nodes: InventoryNode[] = []
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim()
    if (line === '') return
    const where = `${source} line ${i + 1}`
    const [name, address, ...rest] = line.split(/\s+/)
    const node: InventoryNode = { name: checkName(name!, where) }
    if (address !== undefined && address !== '-') {
      if (address.includes('=')) throw bad(where, `expected an address (or -) after the name, got "${address}"`)
      node.address = address
    }
    for (const field of rest) {
      const eq = field.indexOf('=')
      if (eq < 1) throw bad(where, `expected key=value, got "${field}"`)
      setField(node, field.slice(0, eq), field.slice(eq + 1), where)
    }
    nodes.push(withSubnet(node, defaultPrefix, where))
  })
  return nodes
}

function fromJson (text: string, source: string, defaultPrefix: number | undefined): InventoryNode[] {
  let items: unknown
  try {
    items = JSON.parse(text)
  } catch (err) {
    throw bad(source, `is not valid JSON: ${(err as Error).message}`)
  }
  if (!Array.isArray(items)) throw bad(source, 'must be a JSON array of nodes')
  return items.map((item: unknown, i) => {
    const where = `${source} entry ${i + 1}`
    if (typeof item !== 'object' || item === null) throw bad(where, 'must be an object with at least a name')
    const o = item as Record<string, unknown>
    const node: InventoryNode = { name: checkName(o.name, where) }
    for (const [k, v] of Object.entries(o)) {
      if (k === 'name') continue
      if (typeof v !== 'string' && typeof v !== 'number') throw bad(where, `${k} must be a string or a number`)
      setField(node, k, String(v), where)
    }
    return withSubnet(node, defaultPrefix, where)
  })
}

function checkName (name: unknown, where: string): string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(name)) {
    throw bad(where, `a node name is 1-63 letters, digits, '.', '_' or '-' (got ${JSON.stringify(name)})`)
  }
  if (name === 'source') throw bad(where, '"source" is reserved for the coordinator')
  return name
}

function setField (node: InventoryNode, key: string, value: string, where: string): void {
  switch (key) {
    case 'address': node.address = value; break
    case 'subnet': node.subnet = value; break
    case 'link': node.link = positive(/^\d+(\.\d+)?$/.test(value) ? Number(value) : linkGoodput(value, `${where} link`), `${where} link`); break
    case 'disk': node.disk = positive(/^\d+(\.\d+)?$/.test(value) ? Number(value) : parseRate(value, `${where} disk`), `${where} disk`); break
    default: throw bad(where, `unknown field "${key}" (address, subnet, link, disk)`)
  }
}

function positive (n: number, what: string): number {
  if (!(n > 0) || !Number.isFinite(n)) throw new RingcastError('USAGE', `${what} must be a rate above 0`)
  return n
}

/** The network an address is in (src/topology/subnet.ts), with `where` in a bad address's sentence. */
export function subnetOf (address: string, defaultPrefix: number | undefined, where: string): string {
  try {
    return topologySubnetOf(address, defaultPrefix)
  } catch (err) {
    if (err instanceof TopologyError) throw bad(where, err.message)
    throw err
  }
}
