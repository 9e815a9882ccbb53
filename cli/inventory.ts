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

import { RingcastError } from '../src/errors.js'
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
 * TCP carries 94 % at MTU 1500; a byte rate ("117MB/s") is taken as given.
 */
export function linkGoodput (text: string, flag: string): number {
  const bytes = parseLinkRate(text, flag)
  return /bit|bps/i.test(text) ? bytes * 0.94 : bytes
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

/** The network an address is in, as "a.b.c.d/p" (IPv4) or "x:x:x:x::/p" (IPv6). */
export function subnetOf (address: string, defaultPrefix: number | undefined, where: string): string {
  const [ip, prefixText] = address.split('/')
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip!)
  if (v4 !== null) {
    const octets = v4.slice(1).map(Number)
    if (octets.some(o => o > 255)) throw bad(where, `"${address}" is not an IPv4 address`)
    const prefix = prefixOf(prefixText, defaultPrefix ?? 24, 32, where)
    const value = octets.reduce((v, o) => v * 256 + o, 0)
    const size = 2 ** (32 - prefix)
    const net = Math.floor(value / size) * size
    return `${[24, 16, 8, 0].map(s => Math.floor(net / 2 ** s) % 256).join('.')}/${prefix}`
  }
  if (ip!.includes(':')) {
    const groups = expandIpv6(ip!, address, where)
    const prefix = prefixOf(prefixText, defaultPrefix ?? 64, 128, where)
    const bits = groups.map(g => g.toString(2).padStart(16, '0')).join('').slice(0, prefix).padEnd(128, '0')
    const net = Array.from({ length: 8 }, (_, i) => parseInt(bits.slice(i * 16, i * 16 + 16), 2).toString(16))
    return `${net.join(':')}/${prefix}`
  }
  throw bad(where, `"${address}" is not an IP address`)
}

function prefixOf (text: string | undefined, fallback: number, max: number, where: string): number {
  if (text === undefined) return fallback
  if (!/^\d+$/.test(text) || Number(text) > max) throw bad(where, `prefix /${text} is not 0-${max}`)
  return Number(text)
}

function expandIpv6 (ip: string, address: string, where: string): number[] {
  const halves = ip.split('::')
  if (halves.length > 2) throw bad(where, `"${address}" is not an IPv6 address`)
  const parse = (s: string): number[] => s === '' ? [] : s.split(':').map(g => {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) throw bad(where, `"${address}" is not an IPv6 address`)
    return parseInt(g, 16)
  })
  const head = parse(halves[0]!)
  const tail = halves.length === 2 ? parse(halves[1]!) : []
  const fill = 8 - head.length - tail.length
  if (fill < 0 || (halves.length === 1 && fill !== 0)) throw bad(where, `"${address}" is not an IPv6 address`)
  return [...head, ...new Array<number>(fill).fill(0), ...tail]
}
