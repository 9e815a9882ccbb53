// A multi-host lab on one machine, made of network namespaces: hosts on
// switches (Linux bridges), subnets joined by a router, links shaped with tbf,
// and switches that can drop multicast, as the ones our users complain about.
//
//   subnet 0: 198.18.10.0/24                      subnet 1: 198.18.11.0/24
//   h0 (.10) --+                                      +-- h5 (.10)
//   h1 (.11) --+-- [sw0: br0] -- .1 [router] .1 -- [sw1: br0] --+-- h6 (.11)
//   ...        |   (nft: drop multicast)            (nft: ...)  |   ...
//
// - Subnets are /24 unless `prefixLength` says otherwise; they are cut one
//   after the other from 198.18.10.0, each on its own switch, the router
//   on the first address of each, hosts from the tenth. With prefixLength 25,
//   two subnets are the two halves of one /24, which a planner that assumes
//   /24 takes for one subnet:
//
//   subnet 0: 198.18.10.0/25                      subnet 1: 198.18.10.128/25
//   h0 (.10), h1 (.11) ... -- .1 [router] .129 -- h5 (.138), h6 (.139) ...
//
// - Only 198.18.0.0/15 is used, and nothing is connected to the machine's own
//   namespace: hosts have a route to 198.18.0.0/15 via their router and no
//   other, the router has no way out at all.
// - Every host link is shaped in both directions (tbf on the host's port and
//   on the switch's port towards it), so a host's link is a full-duplex
//   link of `rateMbit`. The kernel has no netem: no delay or loss is
//   emulated (docs/lab.md, "Facts the lab relies on").
// - Everything carries one prefix, rclab-<pid>-, and is deleted by destroy(),
//   on process exit, on SIGINT/SIGTERM, and by sweepLabs() for labs whose
//   process died without cleaning up.
//
// Needs root, iproute2 and, for dropMulticast, nftables.

import { execFileSync } from 'node:child_process'
import { processAlive } from '../../src/storage/pid-lock.js'

export interface LabOptions {
  /** Hosts on each subnet, e.g. [5, 4]; more than one subnet adds a router. */
  subnets: number[]
  /** Shape every host link to this many Mbit/s each way (undefined: unshaped). */
  rateMbit?: number
  /** The switches drop every multicast frame (nftables, bridge family). */
  dropMulticast?: boolean
  /** Prefix length of every subnet, 16-28 (default 24). */
  prefixLength?: number
}

export interface LabHost {
  /** h0, h1, ... in subnet order. */
  name: string
  /** Network namespace name. */
  ns: string
  subnet: number
  ip: string
  /** The host's subnet, e.g. "198.18.10.128/25". */
  network: string
  prefixLength: number
  /** Prefix for a command to run on this host: ['ip', 'netns', 'exec', ns]. */
  wrapper: string[]
}

export const LAB_PREFIX = 'rclab-'
/** Where subnets start, and the end of 198.18.0.0/15 they must stay inside. */
const FIRST_SUBNET = ipValue('198.18.10.0')
const LAB_END = ipValue('198.20.0.0')
/** Hosts start at the tenth address of their subnet; the router is the first. */
const FIRST_HOST = 10
const DEFAULT_PREFIX = 24

let labCount = 0
const liveLabs = new Set<Lab>()

export class Lab {
  readonly hosts: LabHost[] = []
  readonly namespaces: string[] = []
  readonly routerNs?: string
  private destroyed = false

  private constructor (readonly prefix: string, readonly options: LabOptions) {
    if (options.subnets.length > 1) this.routerNs = `${prefix}r`
  }

  /** Build the lab; on any failure, whatever was built is deleted again. */
  static create (options: LabOptions): Lab {
    if (options.subnets.length === 0 || options.subnets.some(n => !Number.isInteger(n) || n < 1 || n > 200)) {
      throw new Error(`Lab: every subnet needs 1-200 hosts (got ${JSON.stringify(options.subnets)})`)
    }
    if (options.subnets.length > 100) throw new Error('Lab: at most 100 subnets')
    const layout = subnetLayout(options)
    installCleanup()
    const lab = new Lab(`${LAB_PREFIX}${process.pid}-${labCount++}-`, options)
    liveLabs.add(lab)
    try {
      lab.build(layout)
    } catch (err) {
      lab.destroy()
      throw err
    }
    return lab
  }

  /** Hosts of one subnet. */
  subnet (s: number): LabHost[] {
    return this.hosts.filter(h => h.subnet === s)
  }

  /** Run a command on a host and return its stdout. */
  run (host: LabHost, command: string, args: string[], timeoutMs = 30_000): string {
    return execFileSync('ip', ['netns', 'exec', host.ns, command, ...args], { encoding: 'utf8', timeout: timeoutMs })
  }

  /** Delete every namespace (and with them their links, qdiscs and rules). Idempotent. */
  destroy (): void {
    if (this.destroyed) return
    this.destroyed = true
    liveLabs.delete(this)
    for (const ns of listNamespaces().filter(n => n.startsWith(this.prefix))) deleteNamespace(ns)
  }

  private build (layout: SubnetLayout): void {
    const { subnets } = this.options
    const { prefixLength } = layout
    subnets.forEach((count, s) => {
      const network = layout.networks[s]!
      const sw = this.addNamespace(`sw${s}`)
      ip('-n', sw, 'link', 'add', 'br0', 'type', 'bridge')
      ip('-n', sw, 'link', 'set', 'br0', 'up')
      if (this.options.dropMulticast === true) dropMulticast(sw)
      for (let i = 0; i < count; i++) {
        const name = `h${this.hosts.length}`
        const ns = this.addNamespace(name)
        const addr = ipText(network + FIRST_HOST + i)
        // One veth pair: eth0 in the host, p<i> on the switch.
        ip('link', 'add', 'eth0', 'netns', ns, 'type', 'veth', 'peer', 'name', `p${i}`, 'netns', sw)
        ip('-n', ns, 'addr', 'add', `${addr}/${prefixLength}`, 'brd', '+', 'dev', 'eth0')
        ip('-n', ns, 'link', 'set', 'lo', 'up')
        ip('-n', ns, 'link', 'set', 'eth0', 'up')
        ip('-n', sw, 'link', 'set', `p${i}`, 'master', 'br0', 'up')
        if (this.routerNs !== undefined) ip('-n', ns, 'route', 'add', '198.18.0.0/15', 'via', ipText(network + 1))
        // A real host's default route covers multicast and limited broadcast;
        // ours has none, so say where those go (they stay on the link). udpcast
        // needs these routes and the broadcast address (`brd +`) above
        // (docs/lab.md, "Facts the lab relies on").
        ip('-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', 'eth0')
        ip('-n', ns, 'route', 'add', '255.255.255.255/32', 'dev', 'eth0')
        if (this.options.rateMbit !== undefined) {
          shape(ns, 'eth0', this.options.rateMbit)
          shape(sw, `p${i}`, this.options.rateMbit)
        }
        this.hosts.push({ name, ns, subnet: s, ip: addr, network: `${ipText(network)}/${prefixLength}`, prefixLength, wrapper: ['ip', 'netns', 'exec', ns] })
      }
    })
    if (this.routerNs !== undefined) {
      const r = this.addNamespace('r')
      ip('-n', r, 'link', 'set', 'lo', 'up')
      subnets.forEach((_count, s) => {
        const sw = `${this.prefix}sw${s}`
        ip('link', 'add', `eth${s}`, 'netns', r, 'type', 'veth', 'peer', 'name', 'router', 'netns', sw)
        ip('-n', r, 'addr', 'add', `${ipText(layout.networks[s]! + 1)}/${prefixLength}`, 'brd', '+', 'dev', `eth${s}`)
        ip('-n', r, 'link', 'set', `eth${s}`, 'up')
        ip('-n', sw, 'link', 'set', 'router', 'master', 'br0', 'up')
      })
      execFileSync('ip', ['netns', 'exec', r, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1'])
    }
  }

  private addNamespace (suffix: string): string {
    const ns = `${this.prefix}${suffix}`
    ip('netns', 'add', ns)
    this.namespaces.push(ns)
    return ns
  }
}

interface SubnetLayout {
  prefixLength: number
  /** Each subnet's network address, as a 32-bit number. */
  networks: number[]
}

/**
 * Cut the subnets one after the other from 198.18.10.0 (the first aligned to
 * its size), and check that every host fits in its subnet and every subnet in
 * 198.18.0.0/15: a lab never touches an address outside it.
 */
function subnetLayout (options: LabOptions): SubnetLayout {
  const prefixLength = options.prefixLength ?? DEFAULT_PREFIX
  if (!Number.isInteger(prefixLength) || prefixLength < 16 || prefixLength > 28) {
    throw new Error(`Lab: prefixLength must be 16-28 (got ${prefixLength})`)
  }
  const size = 2 ** (32 - prefixLength)
  // Hosts from the tenth address up to the one before the broadcast address.
  const maxHosts = size - 1 - FIRST_HOST
  const crowded = options.subnets.findIndex(n => n > maxHosts)
  if (crowded >= 0) throw new Error(`Lab: a /${prefixLength} holds at most ${maxHosts} hosts (subnet ${crowded} has ${options.subnets[crowded]})`)
  const first = Math.ceil(FIRST_SUBNET / size) * size
  const networks = options.subnets.map((_n, s) => first + s * size)
  if (networks.at(-1)! + size > LAB_END) {
    throw new Error(`Lab: ${options.subnets.length} /${prefixLength} subnets do not fit in 198.18.0.0/15 from 198.18.10.0`)
  }
  return { prefixLength, networks }
}

function ipValue (ip: string): number {
  return ip.split('.').reduce((v, o) => v * 256 + Number(o), 0)
}

function ipText (value: number): string {
  return [24, 16, 8, 0].map(s => Math.floor(value / 2 ** s) % 256).join('.')
}

/** Delete the namespaces of labs whose process is gone (a crashed or killed run). */
export function sweepLabs (): string[] {
  const stale = listNamespaces().filter(ns => {
    const m = new RegExp(`^${LAB_PREFIX}(\\d+)-`).exec(ns)
    return m !== null && !processAlive(Number(m[1]))
  })
  for (const ns of stale) deleteNamespace(ns)
  return stale
}

/** Namespaces whose name starts with the lab prefix (any lab). */
export function labNamespaces (): string[] {
  return listNamespaces().filter(ns => ns.startsWith(LAB_PREFIX))
}

function ip (...args: string[]): void {
  try {
    execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] })
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim()
    throw new Error(`ip ${args.join(' ')}: ${stderr !== '' ? stderr : (err as Error).message}`)
  }
}

/**
 * tbf at `mbit`: the bucket holds 1/100 s of traffic (at least 64 KiB, so a
 * GSO super-packet fits), and at most 50 ms of queue builds up behind it.
 */
function shape (ns: string, dev: string, mbit: number): void {
  const burst = Math.max(65_536, Math.round(mbit * 1_000_000 / 8 / 100))
  execFileSync('tc', ['-n', ns, 'qdisc', 'add', 'dev', dev, 'root', 'tbf', 'rate', `${mbit}mbit`, 'burst', String(burst), 'latency', '50ms'])
}

function dropMulticast (ns: string): void {
  const rules = 'table bridge rclab {\n  chain forward {\n    type filter hook forward priority 0; policy accept;\n    meta pkttype multicast drop\n  }\n}\n'
  execFileSync('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], { input: rules })
}

function listNamespaces (): string[] {
  const out = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
  return out.split('\n').map(l => l.split(' ')[0]!).filter(n => n !== '')
}

function deleteNamespace (ns: string): void {
  try {
    execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' })
  } catch {
    // Already gone.
  }
}

let cleanupInstalled = false
function installCleanup (): void {
  if (cleanupInstalled) return
  cleanupInstalled = true
  const destroyAll = (): void => { for (const lab of [...liveLabs]) lab.destroy() }
  process.on('exit', destroyAll)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => { destroyAll(); process.kill(process.pid, signal) })
  }
}
