// What a node says about its own network (the prefix length and link speed of
// the interface it reaches the coordinator from), turned into what the
// planners use: a subnet key and a link rate. Pure. The coordinator calls it on
// every Join, so a missing, absurd or hostile report falls back to what the
// coordinator would have assumed without one; it never throws.
//
//   observed 198.18.10.140 + reported /25  ->  "198.18.10.128/25"
//   observed 198.18.10.140 + nothing       ->  "198.18.10.0/24"   (as before)
//   observed 2001:db8::5   + nothing       ->  "2001:db8:0:0:0:0:0:0/64"

import { subnetOf } from './subnet.js'

/** Fastest link a report may claim: 10 Tbit/s, well above any NIC sold; beyond it the report is not believed. */
export const MAX_LINK_BITS_PER_SECOND = 10_000_000_000_000
/** Slowest: 1 Mbit/s; below it a report is a mistake (a /sys value read in the wrong unit), not a link. */
export const MIN_LINK_BITS_PER_SECOND = 1_000_000

/** Prefix assumed when a node reports none: what serve used before nodes reported. */
const DEFAULT_PREFIX = { 4: 24, 6: 64 } as const

/**
 * The subnet key of a node: the address the coordinator saw it connect from
 * (an IP, or a multiaddr starting /ip4/ or /ip6/), cut at the prefix length
 * the node reported for its interface. Same form as subnetOf, so it groups
 * with inventory subnets and the coordinator's own.
 *
 * A prefix that is not an integer in 1-32 (IPv4) or 1-128 (IPv6) counts as
 * not reported, and the /24 (/64) is used. 0 counts as not reported too:
 * proto3 sends an unset uint32 as 0, and no interface that routes to a
 * coordinator is a /0. Undefined only when the address is not an IP (e.g.
 * /dns4/..., /unix/...): the planners then treat the subnet as unknown.
 */
export function nodeSubnet (observedAddress: string, reportedPrefixLength?: number): string | undefined {
  const ip = ipOf(observedAddress)
  if (ip === undefined) return undefined
  const family = ip.includes(':') ? 6 : 4
  const max = family === 4 ? 32 : 128
  const p = reportedPrefixLength
  const prefix = typeof p === 'number' && Number.isInteger(p) && p >= 1 && p <= max ? p : DEFAULT_PREFIX[family]
  try {
    return subnetOf(ip, prefix)
  } catch {
    return undefined
  }
}

/**
 * A node's reported link speed as the rate model's bytes per second (TCP
 * goodput), or
 * undefined when none was reported (0, proto3's unset) or it is not a
 * believable link (outside 1 Mbit/s - 10 Tbit/s, not finite): the coordinator
 * then uses its --link-rate as for any node.
 */
export function nodeLinkBytesPerSecond (reportedBitsPerSecond?: number): number | undefined {
  const b = reportedBitsPerSecond
  if (typeof b !== 'number' || !Number.isFinite(b) || b < MIN_LINK_BITS_PER_SECOND || b > MAX_LINK_BITS_PER_SECOND) return undefined
  return b / 8 * TCP_GOODPUT_FRACTION
}

/**
 * What TCP carries of an Ethernet line rate at MTU 1500 (headers take ~6 %;
 * docs/lab.md, "Facts the lab relies on"): the same factor --link-rate's
 * bit rates get, so reported and declared rates compare.
 */
export const TCP_GOODPUT_FRACTION = 0.94

/**
 * The IP in an address as the network reports it: a bare IP, an IP with a
 * /prefix, or a multiaddr. An IPv4-mapped IPv6 address (::ffff:a.b.c.d, what a
 * dual-stack socket shows for an IPv4 peer) is the IPv4 address, and an IPv6
 * zone (%eth0) is dropped, so one host gives one key whichever way it came in.
 */
export function ipOf (address: string): string | undefined {
  const fromMultiaddr = /^\/ip[46]\/([^/]+)/.exec(address)?.[1]
  const ip = (fromMultiaddr ?? (address.startsWith('/') ? undefined : address.split('/')[0]))?.split('%')[0]
  if (ip === undefined || ip === '') return undefined
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip)?.[1]
  return mapped ?? ip
}
