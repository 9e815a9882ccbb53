// serve --boot-nodes FILE: the coordinator boots its nodes (issue 13). The
// flags, checked together (a boot flag without --boot-nodes is a usage
// error, never ignored), the boot service started beside the session, and
// the wait after it for every verified node to boot its clone.

import type { Command } from 'commander'
import { BootService } from '../src/boot/boot-service.js'
import type { BootNode } from '../src/boot/nodes.js'
import { NodesStore } from '../src/boot/nodes-store.js'
import { interfaceIPv4 } from '../src/boot/proxy-dhcp.js'
import type { Coordinator, NodeOutcomes } from '../src/coordinator/coordinator.js'
import { RingcastError } from '../src/errors.js'
import type { NamedImage } from '../src/image/image-set.js'
import { parseDuration } from './units.js'

export const DEFAULT_BOOTENV_DIR = '/var/lib/ringcast/bootenv'
const BOOT_FLAGS = ['bootInterface', 'bootPort', 'bootenv', 'admit', 'bootTarget', 'bootCmdline', 'bootLinger', 'proxyDhcp'] as const

export interface BootOptions {
  nodesFile: string
  interface: string
  httpPort: number
  bootenvDir: string
  admit: 'known' | 'any'
  defaultTarget?: string
  cmdline: string[]
  lingerMs: number
  proxyDhcp: boolean
}

const flagName = (key: string): string => `--${key === 'proxyDhcp' ? 'no-proxy-dhcp' : key.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`)}`

/** serve's boot flags, or undefined without --boot-nodes. */
export function bootOptionsOf (o: Record<string, unknown>, command: Command): BootOptions | undefined {
  if (o.bootNodes === undefined) {
    const stray = BOOT_FLAGS.find(f => command.getOptionValueSource(f) === 'cli')
    if (stray !== undefined) throw new RingcastError('USAGE', `${flagName(stray)} needs --boot-nodes`)
    return undefined
  }
  if (o.bootInterface === undefined) throw new RingcastError('USAGE', '--boot-nodes needs --boot-interface: the interface the nodes PXE-boot on')
  const port = Number(o.bootPort)
  // 0: any free port (the boot line on stderr names it; for tests: a PXE setup needs a port it knows).
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new RingcastError('USAGE', `--boot-port must be a TCP port (got ${String(o.bootPort)})`)
  if (o.admit !== 'known' && o.admit !== 'any') throw new RingcastError('USAGE', `--admit must be known or any (got ${String(o.admit)})`)
  const target = o.bootTarget as string | undefined
  if (target !== undefined && !target.startsWith('/')) throw new RingcastError('USAGE', `--boot-target must be an absolute device path (got ${target})`)
  return {
    nodesFile: o.bootNodes as string,
    interface: o.bootInterface as string,
    httpPort: port,
    bootenvDir: o.bootenv as string,
    admit: o.admit,
    defaultTarget: target,
    cmdline: (o.bootCmdline as string[] | undefined) ?? [],
    lingerMs: parseDuration(o.bootLinger as string, '--boot-linger'),
    proxyDhcp: o.proxyDhcp !== false
  }
}

/**
 * One session of serve --boot-nodes: its name ('' when serve runs one; else
 * the NAME of its NAME=IMAGE, which the nodes of its group name as their
 * "image") and its images.
 */
export interface BootSession {
  name: string
  images: readonly NamedImage[]
}

/**
 * Which of `sessions` is the one for `node` (its index), or why none is.
 * One session: a node that names no image gets it; one that does gets the
 * session of one image of that name (serve NAME=IMAGE) or file name, as
 * before there were several. Several: only the session its image names;
 * a node that names none could be any, so it gets none.
 */
export function sessionFor (node: BootNode, sessions: readonly BootSession[]): { index: number } | { none: string } {
  const named = (s: BootSession): boolean => s.images.length === 1 && (node.image === (s.name !== '' ? s.name : s.images[0]!.name) || node.image === s.images[0]!.path.split('/').pop())
  if (sessions.length === 1) {
    if (node.image === undefined || named(sessions[0]!)) return { index: 0 }
    return { none: `no session serves image ${node.image}` }
  }
  const all = sessions.map(s => s.name).join(', ')
  if (node.image === undefined) return { none: `it names no image, and this coordinator serves several (${all}): set its "image" in the nodes file` }
  const index = sessions.findIndex(s => s.name === node.image)
  const byFile = index >= 0 ? index : sessions.findIndex(named)
  return byFile >= 0 ? { index: byFile } : { none: `no session serves image ${node.image} (this coordinator serves ${all})` }
}

/** How many nodes each session waits for when --nodes is not given: those of its group the nodes file has in clone; and the nodes in clone no session serves. */
export async function nodesToClone (options: BootOptions, sessions: readonly BootSession[]): Promise<{ counts: number[], unserved: Array<{ name: string, why: string }> }> {
  const { nodes } = await new NodesStore(options.nodesFile).read(options.admit === 'any')
  const counts = sessions.map(() => 0)
  const unserved: Array<{ name: string, why: string }> = []
  for (const n of nodes.filter(n => n.state === 'clone')) {
    const choice = sessionFor(n, sessions)
    if ('index' in choice) counts[choice.index]!++
    else unserved.push({ name: n.name, why: choice.none })
  }
  return { counts, unserved }
}

/** A session's hooks for booted nodes, bound to the boot service once it runs (nodes join only after), and to tokens issued for `session` alone. */
export function lateOutcomes (service: () => BootService | undefined, session: string): NodeOutcomes {
  return {
    validToken: (name, token) => service()?.validToken(name, token, session) ?? false,
    redeem: (name, token) => { service()?.redeem(name, token, session) },
    joined: name => service()?.joined(name),
    verified: name => service()?.verified(name),
    failed: (name, reason) => service()?.failed(name, reason),
    identityOf: async name => await service()?.identityOf(name)
  }
}

/** The one boot service for every session: each node is sent to its own session's coordinator. */
export async function startBoot (options: BootOptions, sessions: ReadonlyArray<BootSession & { coordinator: Coordinator }>, workDir: string, log: (line: string) => void): Promise<BootService> {
  return await BootService.start({
    nodesFile: options.nodesFile,
    interface: options.interface,
    httpPort: options.httpPort,
    bootenvDir: options.bootenvDir,
    admit: options.admit,
    defaultTarget: options.defaultTarget,
    cmdline: options.cmdline,
    workDir,
    proxyDhcp: options.proxyDhcp,
    coordinatorFor: node => {
      const choice = sessionFor(node, sessions)
      if ('none' in choice) return choice
      const s = sessions[choice.index]!
      // The coordinator as the booted nodes reach it: on the boot interface's address.
      const coordinator = coordinatorOn(s.coordinator.joinAddrs, options.interface)
      return coordinator === undefined ? { none: `session ${s.name} has no address to join` } : { session: s.name, coordinator }
    },
    log
  })
}

/** The join address on `iface`'s IPv4 address (the coordinator listens on every interface by default), else the best there is. */
function coordinatorOn (addrs: string[], iface: string): string | undefined {
  const { address } = interfaceIPv4(iface)
  return addrs.find(a => a.startsWith(`/ip4/${address}/`)) ?? addrs[0]
}

/** After the session(s): serve until every verified node (of every session: they share the nodes file) has booted its clone (it is then local), or `lingerMs` passes. */
export async function lingerUntilBooted (service: BootService, lingerMs: number, log: (line: string) => void): Promise<void> {
  await service.settled()
  const deadline = Date.now() + lingerMs
  let waiting = (await service.nodes()).filter(n => n.state === 'verified')
  if (waiting.length > 0) log(`boot: waiting up to ${Math.round(lingerMs / 1000)} s for ${waiting.map(n => n.name).join(', ')} to boot ${waiting.length > 1 ? 'their clones' : 'its clone'}`)
  while (waiting.length > 0 && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 1000))
    waiting = (await service.nodes()).filter(n => n.state === 'verified')
  }
  if (waiting.length > 0) log(`boot: ${waiting.map(n => n.name).join(', ')} did not boot again within ${Math.round(lingerMs / 1000)} s; ${waiting.length > 1 ? 'they boot' : 'it boots'} from ${waiting.length > 1 ? 'their' : 'its'} disk anyway (the nodes file says verified)`)
}
