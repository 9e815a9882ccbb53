// The boot inventory (issue 13): which machines the coordinator boots, what
// each gets, and where each stands. A JSON file the admin writes and the
// coordinator keeps up to date:
//
//   { "nodes": [
//     { "name": "node01", "mac": "52:54:00:00:00:01", "target": "/dev/vda",
//       "image": "debian12", "address": "198.18.0.11", "subnet": "rack1",
//       "state": "clone", "fields": { "role": "compute" } } ] }
//
// A node's state (the boot script its MAC gets, ipxe.ts):
//
//   registered --(admit, or nodes set clone)--> clone --(joined)--> cloning
//   cloning --(copy verified, identity set)--> verified --(boots again)--> local
//   cloning --(copy failed, node gone, or it boots again)--> clone   (the next boot tries again)
//
// Only `verified` and `local` boot from the local disk, and nothing but a
// verified copy leads to them (or the admin, by hand: nodes set NAME local).
// This module is pure: parse, check, change; nodes-store.ts keeps the file.

import { RingcastError } from '../errors.js'

export const NODE_STATES = ['registered', 'clone', 'cloning', 'verified', 'local'] as const
export type NodeState = typeof NODE_STATES[number]

export interface BootNode {
  name: string
  /** Lower case, colon separated: 52:54:00:00:00:01. */
  mac: string
  /** Where the image goes on this machine (e.g. /dev/vda). */
  target?: string
  /** Which of the coordinator's images this node gets (serve --boot IMAGE=...). */
  image?: string
  address?: string
  subnet?: string
  state: NodeState
  /** Why its last copy failed, when it did. */
  lastError?: string
  /** When its state last changed, ISO 8601. */
  changedAt?: string
  /** The admin's own fields: given to the identity hook as RINGCAST_FIELD_<NAME>. */
  fields: Record<string, string>
}

export interface NodesDocument {
  nodes: BootNode[]
}

/** Most nodes in one file: far past a lab, and keeps a hostile file from costing memory. */
export const MAX_BOOT_NODES = 100_000

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/
const KNOWN_KEYS = new Set(['name', 'mac', 'target', 'image', 'address', 'subnet', 'state', 'lastError', 'changedAt', 'fields'])

/** `52-54-00-AA-bb-01`, `525400aabb01` or `52:54:00:aa:bb:01` as 52:54:00:aa:bb:01; undefined if it is no MAC. */
export function normalMac (text: string): string | undefined {
  const hex = text.trim().toLowerCase().replace(/[:-]/g, '')
  if (!/^[0-9a-f]{12}$/.test(hex)) return undefined
  if (/[:-]/.test(text) && !/^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i.test(text.trim())) return undefined
  return hex.match(/../g)!.join(':')
}

/** Parse and check a nodes file; every mistake is one sentence naming the node and the field. */
export function parseNodes (text: string, where: string): NodesDocument {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (err) {
    throw new RingcastError('USAGE', `${where} is not JSON: ${(err as Error).message}`)
  }
  const list = Array.isArray(doc) ? doc : (doc as { nodes?: unknown } | null)?.nodes
  if (!Array.isArray(list)) throw new RingcastError('USAGE', `${where} must hold {"nodes": [...]}`)
  if (list.length > MAX_BOOT_NODES) throw new RingcastError('USAGE', `${where} lists ${list.length} nodes (at most ${MAX_BOOT_NODES})`)
  const nodes = list.map((raw, i) => parseNode(raw, `${where}, node ${i + 1}`))
  const problem = duplicateProblem(nodes)
  if (problem !== undefined) throw new RingcastError('USAGE', `${where}: ${problem}`)
  return { nodes }
}

function parseNode (raw: unknown, where: string): BootNode {
  const bad = (why: string): never => { throw new RingcastError('USAGE', `${where}: ${why}`) }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad('must be an object')
  const o = raw as Record<string, unknown>
  for (const key of Object.keys(o)) if (!KNOWN_KEYS.has(key)) bad(`unknown field "${key}" (the admin's own go in "fields")`)
  const str = (key: string, required = false): string | undefined => {
    const v = o[key]
    if (v === undefined) return required ? bad(`"${key}" is missing`) : undefined
    if (typeof v !== 'string' || v.length > 4096) bad(`"${key}" must be a string`)
    return v as string
  }
  const name = str('name', true)!
  if (!NAME.test(name)) bad(`name ${JSON.stringify(name)} must be letters, digits, '.', '_' or '-' (at most 63)`)
  const mac = normalMac(str('mac', true)!)
  if (mac === undefined) bad(`mac ${JSON.stringify(o.mac)} is not a MAC address (e.g. 52:54:00:12:34:56)`)
  const state = str('state') ?? 'clone'
  if (!(NODE_STATES as readonly string[]).includes(state)) bad(`state "${state}" is not one of ${NODE_STATES.join(', ')}`)
  const target = str('target')
  if (target !== undefined && !target.startsWith('/')) bad(`target ${JSON.stringify(target)} must be an absolute path (e.g. /dev/vda)`)
  const fields: Record<string, string> = {}
  if (o.fields !== undefined) {
    if (typeof o.fields !== 'object' || o.fields === null || Array.isArray(o.fields)) bad('"fields" must be an object of strings')
    for (const [k, v] of Object.entries(o.fields as Record<string, unknown>)) {
      if (!FIELD_NAME.test(k)) bad(`field name "${k}" must be a letter, then letters, digits or '_'`)
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') bad(`field "${k}" must be a string`)
      fields[k] = String(v)
    }
  }
  return { name, mac: mac!, target, image: str('image'), address: str('address'), subnet: str('subnet'), state: state as NodeState, lastError: str('lastError'), changedAt: str('changedAt'), fields }
}

function duplicateProblem (nodes: readonly BootNode[]): string | undefined {
  const names = new Set<string>()
  const macs = new Set<string>()
  for (const n of nodes) {
    if (names.has(n.name)) return `two nodes are named ${n.name}`
    if (macs.has(n.mac)) return `two nodes have MAC ${n.mac}`
    names.add(n.name)
    macs.add(n.mac)
  }
  return undefined
}

export function formatNodes (doc: NodesDocument): string {
  const nodes = doc.nodes.map(n => {
    const out: Record<string, unknown> = { name: n.name, mac: n.mac }
    for (const key of ['target', 'image', 'address', 'subnet'] as const) if (n[key] !== undefined) out[key] = n[key]
    out.state = n.state
    if (n.lastError !== undefined) out.lastError = n.lastError
    if (n.changedAt !== undefined) out.changedAt = n.changedAt
    if (Object.keys(n.fields).length > 0) out.fields = n.fields
    return out
  })
  return `${JSON.stringify({ nodes }, null, 2)}\n`
}

/** What moves a node from one state to the next. */
export type NodeEvent =
  | { kind: 'admit' }
  | { kind: 'joined' }
  | { kind: 'verified' }
  | { kind: 'failed', reason: string }
  /** It PXE-booted (fetched its script). */
  | { kind: 'booted' }
  | { kind: 'set', state: 'clone' | 'local' }

/**
 * The node after `event`, or the same node when the event does not apply
 * in its state (a late Failed for a node already verified changes nothing:
 * a verified copy stays verified).
 */
export function nextState (node: BootNode, event: NodeEvent, now: Date): BootNode {
  const to = (state: NodeState, lastError = node.lastError): BootNode => ({ ...node, state, lastError, changedAt: now.toISOString() })
  switch (event.kind) {
    case 'admit': return node.state === 'registered' ? to('clone') : node
    case 'joined': return node.state === 'clone' ? to('cloning') : node
    case 'verified': return node.state === 'cloning' ? to('verified', undefined) : node
    case 'failed': return node.state === 'cloning' ? to('clone', event.reason) : node
    // Verified: it now boots its clone. Cloning: it was reset mid-run, which is lost; it is cloned afresh.
    case 'booted': return node.state === 'verified' ? to('local') : node.state === 'cloning' ? to('clone', 'it booted again while cloning') : node
    case 'set': return to(event.state, event.state === 'clone' ? node.lastError : undefined)
  }
}

/** Whether a node in `state` is told to boot from its local disk. */
export const bootsLocally = (state: NodeState): boolean => state === 'verified' || state === 'local'

/** A name for a MAC seen for the first time (admit any): stable, and a valid node name. */
export function nameForMac (mac: string): string {
  return `node-${mac.replace(/:/g, '')}`
}
