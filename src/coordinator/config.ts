// Coordinator configuration: defaults + one validator. Units are in the names.

import { RingcastError } from '../errors.js'
import { imagesProblem, type NamedImage } from '../image/image-set.js'
import type { Topology } from '../topology/plan.js'
import { REWIRE_DEFAULTS, type RewirePolicy } from '../topology/rewire.js'
import { MAX_BLOCK_BYTES, MIN_BLOCK_BYTES } from '../wire/protocol.js'
import { MAX_COMPRESSION_LEVEL } from '../relay/compression.js'
import { DATA_PLANE_KINDS, MAX_WINDOW_BYTES, type DataPlaneKind } from '../wire/session-params.js'

/** What the operator's inventory says of a node (serve --inventory), by node name. */
export interface NodeFacts {
  subnet?: string
  /** Link rate each way, bytes per second. */
  link?: number
  /** Disk write rate, bytes per second. */
  disk?: number
}

export interface CoordinatorConfig {
  /** The image to clone, or several by name (serve NAME=IMAGE ...), sent one after another in one session. */
  images: NamedImage[]
  /** Start as soon as this many nodes have joined. */
  nodes: number
  /** Start with whoever joined once this passes, if at least minNodes did. */
  waitTimeoutMs: number
  /** Fewest nodes to start with when the wait times out. */
  minNodes: number
  /** The session still succeeds (exit 0) with up to this many failed nodes. */
  allowFailures: number
  listen: string[]
  blockSizeBytes: number
  /** Per-hop credit window. */
  windowBytes: number
  /** Identity key file (created 0600 if missing). */
  keyPath: string
  /** Session token nodes must present; generated when empty. */
  token: string
  /** A running node whose heartbeats have been missing this long is failed (hung, frozen or unplugged). */
  stallTimeoutMs: number
  /** Most bytes per second the source sends, over all its feeds (0: no cap). */
  maxRateBytesPerSecond: number
  /** Who feeds whom: chain, tree:K, chains:M, or auto (chosen from the declared rates). */
  topology: Topology
  /** Declared rates `auto` plans with, bytes per second: a node's link, the source's uplink. */
  linkRateBytesPerSecond: number
  sourceRateBytesPerSecond: number
  /**
   * A node whose disk keeps three quarters of the credit window waiting for
   * this long is a straggler: it is moved out of the way and served in the
   * background (0: never).
   */
  stragglerAfterMs: number
  /** Subnets and rates by node name; a node not listed is planned by the address it connects from. */
  inventory?: ReadonlyMap<string, NodeFacts>
  /** How block streams travel: encrypted (TLS 1.3 per hop), integrity-only (plain TCP) or libp2p. */
  dataPlane: DataPlaneKind
  /** Send every block, all-zero and unused ones too (serve --raw). */
  raw: boolean
  /** Where standard input and compressed images are spooled (default: the system's temporary directory). */
  spoolDir?: string
  /** zstd level for blocks on the wire (serve --compress; 0: none). */
  compressionLevel: number
  /** serve --state DIR: the session is kept there, and a coordinator started again with it re-adopts the session (session-state.ts). */
  stateDir?: string
}

export const DEFAULTS: Omit<CoordinatorConfig, 'images' | 'keyPath' | 'token'> = {
  nodes: Number.POSITIVE_INFINITY,
  // Long enough for a rack to PXE-boot; --nodes usually ends the wait earlier.
  waitTimeoutMs: 300_000,
  // One node is a session; a lab that needs a quorum says so.
  minNodes: 1,
  // Any failed node fails the session unless the operator accepts some.
  allowFailures: 0,
  listen: ['/ip4/0.0.0.0/tcp/7373'],
  // 1 MiB: per-block overhead (header, hash dispatch, ack) is < 0.1 %.
  blockSizeBytes: 1_048_576,
  // 8 MiB: covers the bandwidth-delay product of 10 GbE up to ~6 ms RTT (LAN
  // scale), and keeps a relaying node under 200 MB RSS; 16 MiB cost 10-20 MB
  // more per node for no speed gain on loopback (README, numbers).
  windowBytes: 8_388_608,
  stallTimeoutMs: REWIRE_DEFAULTS.stallTimeoutMs,
  maxRateBytesPerSecond: 0,
  // Dolly's finding: on a switched network of equal links the chain is best.
  topology: { kind: 'chain' },
  // 1 GbE goodput; only `auto` uses these.
  linkRateBytesPerSecond: 117_500_000,
  sourceRateBytesPerSecond: 117_500_000,
  stragglerAfterMs: REWIRE_DEFAULTS.stragglerAfterMs,
  // Encrypted by default (invariant 7); integrity-only is for trusted fabrics, by choice.
  dataPlane: 'encrypted',
  // Used blocks only (and no all-zero block) unless asked otherwise.
  raw: false,
  // Off: on fast links compression costs more CPU than it saves time; the operator turns it on.
  compressionLevel: 0
}

/** The re-wire policy this configuration asks for: the shared defaults with the operator's timeouts. */
export function rewirePolicyOf (c: CoordinatorConfig): RewirePolicy {
  return { ...REWIRE_DEFAULTS, stallTimeoutMs: c.stallTimeoutMs, stragglerAfterMs: c.stragglerAfterMs }
}

export function validateConfig (c: CoordinatorConfig): CoordinatorConfig {
  const fail = (msg: string): never => { throw new RingcastError('USAGE', msg) }
  const images = imagesProblem(c.images)
  if (images !== undefined) fail(images)
  if (!(c.nodes >= 1)) fail(`--nodes must be at least 1 (got ${c.nodes})`)
  if (!Number.isFinite(c.waitTimeoutMs) || c.waitTimeoutMs < 0) fail('--wait-timeout must be a non-negative duration')
  if (!Number.isInteger(c.minNodes) || c.minNodes < 1) fail(`--min-nodes must be at least 1 (got ${c.minNodes})`)
  if (c.minNodes > c.nodes) fail(`--min-nodes (${c.minNodes}) cannot exceed --nodes (${c.nodes})`)
  if (!Number.isInteger(c.allowFailures) || c.allowFailures < 0) fail(`--allow-failures must be 0 or more (got ${c.allowFailures})`)
  if (!Number.isInteger(c.blockSizeBytes) || c.blockSizeBytes < MIN_BLOCK_BYTES || c.blockSizeBytes > MAX_BLOCK_BYTES) {
    fail(`--block-size must be between ${MIN_BLOCK_BYTES} and ${MAX_BLOCK_BYTES} bytes (got ${c.blockSizeBytes})`)
  }
  if (!Number.isInteger(c.windowBytes) || c.windowBytes < c.blockSizeBytes || c.windowBytes > MAX_WINDOW_BYTES) {
    fail(`--window must be at least one block (${c.blockSizeBytes}) and at most 2 GiB (got ${c.windowBytes})`)
  }
  if (c.listen.length === 0) fail('--listen needs at least one multiaddr')
  if (c.token !== '' && c.token.length < 8) fail('--token must be at least 8 characters')
  if (!(c.stallTimeoutMs >= 100)) fail('--stall-timeout must be at least 100 ms')
  if (!(c.maxRateBytesPerSecond >= 0) || (c.maxRateBytesPerSecond > 0 && c.maxRateBytesPerSecond < 65_536)) {
    fail(`--max-rate must be at least 64KiB per second, or 0 for no cap (got ${c.maxRateBytesPerSecond})`)
  }
  if (!(c.linkRateBytesPerSecond > 0) || !(c.sourceRateBytesPerSecond > 0)) fail('--link-rate and --source-rate must be above 0')
  if (!(c.stragglerAfterMs >= 0)) fail('--straggler-after must be a duration (0: never move stragglers)')
  if (!Number.isInteger(c.compressionLevel) || c.compressionLevel < 0 || c.compressionLevel > MAX_COMPRESSION_LEVEL) fail(`--compress takes a zstd level from 1 to ${MAX_COMPRESSION_LEVEL} (got ${c.compressionLevel})`)
  if (!DATA_PLANE_KINDS.includes(c.dataPlane)) fail(`--data-plane must be one of ${DATA_PLANE_KINDS.join(', ')} (got ${String(c.dataPlane)})`)
  return c
}
