// The local interface a node's traffic to the coordinator leaves from: its
// address, its prefix length (so the coordinator can group nodes by their
// real subnet, not a guessed /24) and, where Linux says, its link speed.
//
//   coordinator IP --[UDP connect(): the kernel picks a route, no packet]--> local address
//   local address  --[os.networkInterfaces()]--> interface name, prefix length
//   interface name --[/sys/class/net/NAME/speed, Mbit/s]--> link speed
//
// Asking the kernel, rather than guessing from the interface list, gives the
// right answer on hosts with several interfaces, policy routes or a VPN. Every
// step can fail (no route, an address that is on no interface, no /sys); the
// answer is then undefined and the node simply reports nothing.

import { createSocket } from 'node:dgram'
import { readFile } from 'node:fs/promises'
import { isIP } from 'node:net'
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os'
import { join } from 'node:path'
import { ipOf, MAX_LINK_BITS_PER_SECOND, MIN_LINK_BITS_PER_SECOND } from '../topology/node-network.js'
import { subnetOf } from '../topology/subnet.js'

export interface LocalInterface {
  /** The local address, as os.networkInterfaces() gives it (no zone). */
  address: string
  /** Interface name, e.g. eth0. */
  interface: string
  prefixLength: number
  /** The address's subnet in src/topology/subnet.ts's form, e.g. "198.18.10.0/25". */
  subnet: string
  /** Loopback or similar: os.networkInterfaces() marks it internal. */
  internal: boolean
  /** Link speed from /sys/class/net/NAME/speed; absent when Linux does not say. */
  linkBitsPerSecond?: number
}

export interface InterfaceSources {
  /** Defaults to os.networkInterfaces. */
  networkInterfaces?: () => NodeJS.Dict<NetworkInterfaceInfo[]>
  /** Defaults to /sys/class/net. */
  sysClassNet?: string
}

/**
 * The interface the kernel would send to `remote` (an IP, or a multiaddr
 * starting /ip4/ or /ip6/) from. Undefined on any failure, and for a host name
 * (resolving it would send traffic). For a loopback remote it is the loopback
 * interface, e.g. { address: '127.0.0.1', interface: 'lo', prefixLength: 8,
 * subnet: '127.0.0.0/8', internal: true } with no link speed.
 */
export async function outboundInterface (remote: string, sources: InterfaceSources = {}): Promise<LocalInterface | undefined> {
  const ip = ipOf(remote)
  if (ip === undefined || isIP(ip) === 0) return undefined
  const local = await localAddressTowards(ip)
  if (local === undefined) return undefined
  return await localInterface(local, sources)
}

/**
 * What is known about one of this host's own addresses (the coordinator can
 * use it for its listen addresses, to key its own subnet the way its nodes
 * key theirs). Undefined when no interface holds the address.
 */
export async function localInterface (address: string, sources: InterfaceSources = {}): Promise<LocalInterface | undefined> {
  let found: ReturnType<typeof findInterface>
  let subnet: string
  try {
    // networkInterfaces() throws where the system refuses to list them (some sandboxes).
    found = findInterface(address, (sources.networkInterfaces ?? networkInterfaces)())
    if (found === undefined) return undefined
    subnet = subnetOf(ipOf(found.info.address)!, found.prefixLength)
  } catch {
    return undefined
  }
  const linkBitsPerSecond = found.info.internal ? undefined : await readLinkBitsPerSecond(found.name, sources.sysClassNet)
  return {
    address: ipOf(found.info.address)!,
    interface: found.name,
    prefixLength: found.prefixLength,
    subnet,
    internal: found.info.internal,
    ...(linkBitsPerSecond === undefined ? {} : { linkBitsPerSecond })
  }
}

/**
 * The local address the kernel picks to reach `ip`, without sending anything:
 * connect() on a UDP socket only chooses the route and the source address.
 */
export async function localAddressTowards (ip: string): Promise<string | undefined> {
  const family = isIP(ip)
  if (family === 0) return undefined
  const socket = createSocket(family === 6 ? 'udp6' : 'udp4')
  try {
    return await new Promise<string | undefined>(resolve => {
      socket.once('error', () => resolve(undefined))
      // Port 9 (discard): any port will do, nothing is sent. On failure
      // (no route) Node passes the error to this callback, not to 'error'.
      const connected = (err?: Error): void => {
        if (err !== undefined && err !== null) { resolve(undefined); return }
        try {
          resolve(ipOf(socket.address().address))
        } catch {
          resolve(undefined)
        }
      }
      socket.connect(9, ip, connected as () => void)
    })
  } catch {
    return undefined
  } finally {
    try { socket.close() } catch { /* already closed */ }
  }
}

/** The interface holding `address`, with its prefix length (from cidr, else the netmask). */
export function findInterface (address: string, interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): { name: string, info: NetworkInterfaceInfo, prefixLength: number } | undefined {
  const wanted = normalise(address)
  for (const [name, infos] of Object.entries(interfaces)) {
    for (const info of infos ?? []) {
      if (normalise(info.address) !== wanted) continue
      const prefixLength = prefixLengthOf(info)
      if (prefixLength !== undefined) return { name, info, prefixLength }
    }
  }
  return undefined
}

/** From `cidr` ("198.18.10.10/25"), or by counting the netmask's bits when cidr is null. */
export function prefixLengthOf (info: Pick<NetworkInterfaceInfo, 'cidr' | 'netmask' | 'family'>): number | undefined {
  const max = info.family === 'IPv6' ? 128 : 32
  const fromCidr = info.cidr === null ? undefined : Number(info.cidr.split('/')[1])
  if (fromCidr !== undefined && Number.isInteger(fromCidr) && fromCidr >= 0 && fromCidr <= max) return fromCidr
  return netmaskBits(info.netmask, max)
}

function netmaskBits (netmask: string, max: number): number | undefined {
  let bits: string
  if (max === 32) {
    const octets = netmask.split('.').map(Number)
    if (octets.length !== 4 || octets.some(o => !Number.isInteger(o) || o < 0 || o > 255)) return undefined
    bits = octets.map(o => o.toString(2).padStart(8, '0')).join('')
  } else {
    const halves = netmask.split('::')
    if (halves.length > 2) return undefined
    const groups = halves.map(h => h === '' ? [] : h.split(':'))
    const fill = 8 - groups.reduce((n, g) => n + g.length, 0)
    const all = halves.length === 2 ? [...groups[0]!, ...new Array<string>(Math.max(0, fill)).fill('0'), ...groups[1]!] : groups[0]!
    if (all.length !== 8 || all.some(g => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined
    bits = all.map(g => parseInt(g, 16).toString(2).padStart(16, '0')).join('')
  }
  // A netmask is ones then zeros; anything else is not a prefix.
  return /^1*0*$/.test(bits) ? bits.indexOf('0') === -1 ? max : bits.indexOf('0') : undefined
}

/**
 * Link speed in bits per second from `sysClassNet`/NAME/speed (Linux gives
 * Mbit/s). Undefined when the file is absent or unreadable (not Linux, no
 * /sys, a wireless or virtual device that does not say), or says -1 or 0
 * (link down or speed unknown), or something no link runs at.
 */
export async function readLinkBitsPerSecond (interfaceName: string, sysClassNet = '/sys/class/net'): Promise<number | undefined> {
  // A name from os.networkInterfaces() never holds these; refuse to walk the file system with one that does.
  if (interfaceName === '' || interfaceName === '.' || interfaceName === '..' || interfaceName.includes('/') || interfaceName.includes('\0')) return undefined
  let text: string
  try {
    text = await readFile(join(sysClassNet, interfaceName, 'speed'), 'utf8')
  } catch {
    return undefined
  }
  if (!/^\s*\d+\s*$/.test(text)) return undefined
  const bitsPerSecond = Number(text.trim()) * 1_000_000
  return bitsPerSecond >= MIN_LINK_BITS_PER_SECOND && bitsPerSecond <= MAX_LINK_BITS_PER_SECOND ? bitsPerSecond : undefined
}

/** Addresses compare in one spelling: subnetOf's /32 or /128 (IPv6 expanded, no zone, IPv4-mapped as IPv4). */
function normalise (address: string): string {
  const ip = ipOf(address) ?? address
  try {
    return subnetOf(ip, ip.includes(':') ? 128 : 32)
  } catch {
    return ip.toLowerCase()
  }
}
