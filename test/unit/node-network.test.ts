// Subnets from the node, not /24 (issue 10, item 5): what a node reads about
// the interface it reaches the coordinator from, and how the coordinator turns
// that report into a subnet key and a link rate, whatever the node sends.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import type { NetworkInterfaceInfo } from 'node:os'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { findInterface, localInterface, outboundInterface, prefixLengthOf, readLinkBitsPerSecond } from '../../src/net/outbound-interface.js'
import { ipOf, nodeLinkBytesPerSecond, nodeSubnet } from '../../src/topology/node-network.js'
import { plan, subnetCrossings, type PlanNode } from '../../src/topology/plan.js'
import { subnetOf } from '../../src/topology/subnet.js'

describe('nodeSubnet (the coordinator keys a node by its address and reported prefix)', () => {
  it('cuts the observed address at the reported prefix', () => {
    expect(nodeSubnet('198.18.10.140', 25)).toBe('198.18.10.128/25')
    expect(nodeSubnet('198.18.10.20', 25)).toBe('198.18.10.0/25')
    expect(nodeSubnet('/ip4/198.18.10.140/tcp/7000/p2p/12D3KooWx', 25)).toBe('198.18.10.128/25')
    expect(nodeSubnet('10.1.2.3', 8)).toBe('10.0.0.0/8')
    expect(nodeSubnet('10.1.2.3', 32)).toBe('10.1.2.3/32')
    expect(nodeSubnet('/ip6/2001:db8:0:1::5/tcp/1', 48)).toBe('2001:db8:0:0:0:0:0:0/48')
    expect(nodeSubnet('2001:db8:0:1::5', 128)).toBe('2001:db8:0:1:0:0:0:5/128')
  })

  it('gives the same key as an inventory line and as the coordinator\'s own interface', () => {
    expect(nodeSubnet('198.18.10.140', 25)).toBe(subnetOf('198.18.10.129/25'))
    expect(nodeSubnet('2001:db8::5', 64)).toBe(subnetOf('2001:db8::1'))
  })

  it('falls back to the /24 (/64) when the node reported nothing', () => {
    expect(nodeSubnet('198.18.10.140')).toBe('198.18.10.0/24')
    expect(nodeSubnet('/ip6/2001:db8:0:1::5/tcp/1')).toBe('2001:db8:0:1:0:0:0:0/64')
  })

  it.each([0, -1, 33, 1.5, Number.NaN, Infinity, -Infinity, 2 ** 32, 2 ** 53, Number.MAX_VALUE])('a hostile IPv4 prefix %s is ignored: /24', p => {
    expect(nodeSubnet('198.18.10.140', p)).toBe('198.18.10.0/24')
  })

  it.each([0, 129, 200, -64, 64.5])('a hostile IPv6 prefix %s is ignored: /64', p => {
    expect(nodeSubnet('2001:db8:0:1::5', p)).toBe('2001:db8:0:1:0:0:0:0/64')
  })

  it('a prefix that is not a number at all (a caller bypassing the types) is ignored', () => {
    for (const p of ['25', null, {}, [25], 25n] as unknown as number[]) expect(nodeSubnet('198.18.10.140', p)).toBe('198.18.10.0/24')
  })

  it('an IPv4-mapped IPv6 address is the IPv4 address; an IPv6 zone is dropped', () => {
    expect(nodeSubnet('::ffff:198.18.10.140', 25)).toBe('198.18.10.128/25')
    expect(nodeSubnet('/ip6/::ffff:198.18.10.140/tcp/1', 25)).toBe('198.18.10.128/25')
    expect(nodeSubnet('fe80::1%eth0', 64)).toBe('fe80:0:0:0:0:0:0:0/64')
  })

  it('an address that is no IP has no subnet (the planners treat it as unknown)', () => {
    for (const a of ['/dns4/example.org/tcp/1', '/unix/tmp/x', 'example.org', '', '999.1.1.1', '1.2.3', ':::::::::']) {
      expect(nodeSubnet(a, 25), a).toBeUndefined()
    }
  })

  it('ipOf takes the IP out of every form an address comes in', () => {
    expect(ipOf('/ip4/1.2.3.4/tcp/5')).toBe('1.2.3.4')
    expect(ipOf('1.2.3.4/25')).toBe('1.2.3.4')
    expect(ipOf('/ip6/::1/tcp/5')).toBe('::1')
    expect(ipOf('/dns4/x/tcp/1')).toBeUndefined()
  })
})

describe('planning from reported prefixes (what test/integration/lab-subnets.test.ts runs for real)', () => {
  // Two /25 halves of 198.18.10.0/24; the coordinator on the first; nodes
  // join alternating, the far half first.
  const joined = ['198.18.10.138', '198.18.10.11', '198.18.10.139', '198.18.10.12', '198.18.10.140', '198.18.10.13']
  const keyed = (prefix: number | undefined): PlanNode[] => joined.map(ip => ({ id: ip, subnet: nodeSubnet(`/ip4/${ip}/tcp/7000`, prefix) }))
  /** Plan with the keys the coordinator would have; count crossings of the real /25s. */
  const crossings = (prefix: number | undefined, sourcePrefix: number | undefined): number => {
    const p = plan(keyed(prefix), { kind: 'chain' }, nodeSubnet('198.18.10.10', sourcePrefix))
    return subnetCrossings(p, keyed(25), nodeSubnet('198.18.10.10', 25))
  }

  it('the chain crosses the router once when nodes and coordinator are keyed by their /25', () => {
    expect(crossings(25, 25)).toBe(1)
  })

  it('keyed by a /24 guess, it crosses on every hop (the bug); with only the nodes keyed right, twice', () => {
    expect(crossings(undefined, undefined)).toBe(6)
    expect(crossings(25, undefined)).toBe(2)
  })
})

describe('nodeLinkBytesPerSecond (a reported link speed, as the rate model uses it)', () => {
  it('turns bits into bytes per second of TCP goodput (94 %, as --link-rate does)', () => {
    expect(nodeLinkBytesPerSecond(10_000_000_000)).toBeCloseTo(1_175_000_000)
    expect(nodeLinkBytesPerSecond(100_000_000)).toBeCloseTo(11_750_000)
  })

  it.each([undefined, 0, -1, 999_999, 1e14, Infinity, Number.NaN, '1000000000' as unknown as number])('does not believe %s', b => {
    expect(nodeLinkBytesPerSecond(b)).toBeUndefined()
  })
})

describe('readLinkBitsPerSecond (/sys/class/net/IF/speed, from a fake /sys)', () => {
  async function fakeSys (speeds: Record<string, string | null>): Promise<string> {
    const root = await mkdtemp(join(tmpdir(), 'ringcast-sys-'))
    onTestFinished(async () => await rm(root, { recursive: true, force: true }))
    for (const [name, speed] of Object.entries(speeds)) {
      await mkdir(join(root, name))
      // null: a `speed` that cannot be read as a file (as Linux's EINVAL for lo).
      if (speed === null) await mkdir(join(root, name, 'speed'))
      else await writeFile(join(root, name, 'speed'), speed)
    }
    return root
  }

  it('reads Mbit/s and gives bits per second', async () => {
    const sys = await fakeSys({ eth0: '10000\n', eth1: '100\n', eth2: '400000\n' })
    expect(await readLinkBitsPerSecond('eth0', sys)).toBe(10_000_000_000)
    expect(await readLinkBitsPerSecond('eth1', sys)).toBe(100_000_000)
    expect(await readLinkBitsPerSecond('eth2', sys)).toBe(400_000_000_000)
  })

  it('says nothing when Linux does not know: absent, unreadable, -1, 0, garbage, absurd', async () => {
    const sys = await fakeSys({ down: '-1\n', zero: '0\n', lo: null, junk: 'fast\n', empty: '', huge: '4294967295\n', frac: '2.5\n', nodir: '1000\n' })
    await rm(join(sys, 'nodir', 'speed'))
    for (const name of ['down', 'zero', 'lo', 'junk', 'empty', 'huge', 'frac', 'nodir', 'missing']) {
      expect(await readLinkBitsPerSecond(name, sys), name).toBeUndefined()
    }
    expect(await readLinkBitsPerSecond('eth0', join(sys, 'no-such-sys'))).toBeUndefined()
  })

  it('never leaves the /sys directory for a strange interface name', async () => {
    const sys = await fakeSys({ inner: '1000\n' })
    await writeFile(join(sys, 'speed'), '1000\n')
    for (const name of ['..', '.', '', '../inner', 'inner/..', 'a\0b']) {
      expect(await readLinkBitsPerSecond(name, join(sys, 'inner')), JSON.stringify(name)).toBeUndefined()
    }
  })
})

const v4 = (address: string, cidr: string | null, netmask = '255.255.255.0', internal = false): NetworkInterfaceInfo =>
  ({ address, netmask, family: 'IPv4', mac: '00:00:00:00:00:00', internal, cidr })
const v6 = (address: string, cidr: string | null, netmask: string): NetworkInterfaceInfo =>
  ({ address, netmask, family: 'IPv6', mac: '00:00:00:00:00:00', internal: false, cidr, scopeid: 0 })

describe('finding a local address among the interfaces', () => {
  const table = {
    lo: [v4('127.0.0.1', '127.0.0.1/8', '255.0.0.0', true)],
    eth0: [v4('198.18.10.140', '198.18.10.140/25', '255.255.255.128'), v6('2001:db8:0:1::5', '2001:db8:0:1::5/64', 'ffff:ffff:ffff:ffff::')],
    eth1: [v4('10.9.8.7', null, '255.255.240.0'), v6('2001:db8:0:2::5', null, 'ffff:ffff:ffff:ff00::')]
  }

  it('names the interface and its prefix, from cidr or else the netmask', () => {
    expect(findInterface('198.18.10.140', table)).toMatchObject({ name: 'eth0', prefixLength: 25 })
    expect(findInterface('10.9.8.7', table)).toMatchObject({ name: 'eth1', prefixLength: 20 })
    expect(findInterface('2001:db8:0:2::5', table)).toMatchObject({ name: 'eth1', prefixLength: 56 })
    // Another spelling of the same IPv6 address, and IPv4-mapped.
    expect(findInterface('2001:DB8:0:1:0:0:0:5', table)).toMatchObject({ name: 'eth0', prefixLength: 64 })
    expect(findInterface('::ffff:198.18.10.140', table)).toMatchObject({ name: 'eth0', prefixLength: 25 })
    expect(findInterface('198.18.10.141', table)).toBeUndefined()
  })

  it('a netmask that is not ones then zeros is no prefix', () => {
    expect(prefixLengthOf({ cidr: null, netmask: '255.0.255.0', family: 'IPv4' })).toBeUndefined()
    expect(prefixLengthOf({ cidr: null, netmask: '255.255.255.255', family: 'IPv4' })).toBe(32)
    expect(prefixLengthOf({ cidr: null, netmask: '0.0.0.0', family: 'IPv4' })).toBe(0)
    expect(prefixLengthOf({ cidr: null, netmask: 'ffff:0:ffff::', family: 'IPv6' })).toBeUndefined()
    expect(prefixLengthOf({ cidr: null, netmask: 'nonsense', family: 'IPv4' })).toBeUndefined()
  })

  it('localInterface puts it together with the subnet key and the link speed', async () => {
    const sys = await mkdtemp(join(tmpdir(), 'ringcast-sys-'))
    onTestFinished(async () => await rm(sys, { recursive: true, force: true }))
    await mkdir(join(sys, 'eth0'))
    await writeFile(join(sys, 'eth0', 'speed'), '25000\n')
    const sources = { networkInterfaces: () => table, sysClassNet: sys }
    expect(await localInterface('198.18.10.140', sources)).toEqual({
      address: '198.18.10.140', interface: 'eth0', prefixLength: 25, subnet: '198.18.10.128/25', internal: false, linkBitsPerSecond: 25_000_000_000
    })
    expect(await localInterface('10.9.8.7', sources)).toEqual({ address: '10.9.8.7', interface: 'eth1', prefixLength: 20, subnet: '10.9.0.0/20', internal: false })
    expect(await localInterface('198.18.10.141', sources)).toBeUndefined()
  })
})

describe('outboundInterface (the kernel picks the route, nothing is sent)', () => {
  it('on loopback: the lo interface, its /8, no link speed', async () => {
    const lo = await outboundInterface('127.0.0.1')
    expect(lo).toEqual({ address: '127.0.0.1', interface: 'lo', prefixLength: 8, subnet: '127.0.0.0/8', internal: true })
    expect(await outboundInterface('/ip4/127.0.0.1/tcp/7373/p2p/12D3KooWx')).toEqual(lo)
  })

  it('undefined for a host name (resolving it would send traffic) and for an address on no interface', async () => {
    expect(await outboundInterface('localhost')).toBeUndefined()
    expect(await outboundInterface('/dns4/localhost/tcp/1')).toBeUndefined()
    expect(await outboundInterface('127.0.0.1', { networkInterfaces: () => ({}) })).toBeUndefined()
    expect(await outboundInterface('127.0.0.1', { networkInterfaces: () => { throw new Error('uv_interface_addresses') } })).toBeUndefined()
  })
})
