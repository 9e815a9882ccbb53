// The subnet an IP address is in, as the planners' grouping key. Pure; used
// for inventory addresses (cli/inventory.ts) and for the addresses nodes
// connect from (the coordinator), so both give the same key for one subnet.

import { TopologyError } from './plan.js'

/**
 * "a.b.c.d/p" for IPv4, "x:x:x:x:x:x:x:x/p" (no "::") for IPv6. The prefix is
 * the one written after the address, else `defaultPrefix`, else /24 or /64.
 */
export function subnetOf (address: string, defaultPrefix?: number): string {
  const [ip, prefixText] = address.split('/')
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip!)
  if (v4 !== null) {
    const octets = v4.slice(1).map(Number)
    if (octets.some(o => o > 255)) throw new TopologyError(`"${address}" is not an IPv4 address`)
    const prefix = prefixOf(prefixText, defaultPrefix ?? 24, 32)
    const value = octets.reduce((v, o) => v * 256 + o, 0)
    const size = 2 ** (32 - prefix)
    const net = Math.floor(value / size) * size
    return `${[24, 16, 8, 0].map(s => Math.floor(net / 2 ** s) % 256).join('.')}/${prefix}`
  }
  if (ip!.includes(':')) {
    const groups = expandIpv6(ip!, address)
    const prefix = prefixOf(prefixText, defaultPrefix ?? 64, 128)
    const bits = groups.map(g => g.toString(2).padStart(16, '0')).join('').slice(0, prefix).padEnd(128, '0')
    const net = Array.from({ length: 8 }, (_, i) => parseInt(bits.slice(i * 16, i * 16 + 16), 2).toString(16))
    return `${net.join(':')}/${prefix}`
  }
  throw new TopologyError(`"${address}" is not an IP address`)
}

function prefixOf (text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback
  if (!/^\d+$/.test(text) || Number(text) > max) throw new TopologyError(`prefix /${text} is not 0-${max}`)
  return Number(text)
}

function expandIpv6 (ip: string, address: string): number[] {
  const invalid = (): TopologyError => new TopologyError(`"${address}" is not an IPv6 address`)
  const halves = ip.split('::')
  if (halves.length > 2) throw invalid()
  const parse = (s: string): number[] => s === '' ? [] : s.split(':').map(g => {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) throw invalid()
    return parseInt(g, 16)
  })
  const head = parse(halves[0]!)
  const tail = halves.length === 2 ? parse(halves[1]!) : []
  const fill = 8 - head.length - tail.length
  if (fill < 0 || (halves.length === 1 && fill !== 0)) throw invalid()
  return [...head, ...new Array<number>(fill).fill(0), ...tail]
}
