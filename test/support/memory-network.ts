// An in-memory Network for whole sessions without sockets: every node gets a
// made-up peer id, an address `/memory/<id>/p2p/<id>` and its own view of a
// shared FakeClock; dials are by peer id (whatever addresses come with them:
// the coordinator's dialCandidates keeps only /ip4, /ip6 and /dns ones, so a
// plan names a memory node with no address at all) and yield channel pairs.
//
//   node A                      in transit                    node B
//   a.send(x) ──copy──> [ B's inbox: data, end, reset ] ──> b.reader
//   a.reader <── [ A's inbox ] <──copy── b.send(y)
//
// An inbox is delivered at once unless either end's node is frozen. send()
// resolves once what the peer has not yet read (in its inbox and its
// reader) is below `highWaterBytes`, as channelFromStream's does on the real
// write buffer; by default that is the real high-water mark, larger than
// any credit window a test uses, so it is the credit window that paces a
// chain, as on a real network. Peak unread bytes per direction are recorded,
// so a test can assert that bound.
//
// Test controls:
//   kill(id)    a crash: the kernel closes the node's connections. Its peers
//               read a clean end of stream (libp2p's onTransportClosed on a
//               TCP FIN: the coordinator then says "lost contact"); the
//               node's own channels fail at once, so its code unwinds; dials
//               to and from it are refused from now on.
//   freeze(id)  a SIGSTOP. Nothing is delivered to or from the node's
//               channels (it reads nothing; what it sent stays in transit)
//               and its clock view is paused, so it sends no heartbeat and no
//               timeout of its own fires. A dial to or from it waits (and the
//               dialer, if running, gives up after DIAL_TIMEOUT_MS, as
//               NetNode does). File I/O already in flight still lands, as the
//               kernel would finish it; whatever the node's code does about
//               it only queues bytes, which go out at thaw.
//   thaw(id)    a SIGCONT: the inboxes flow again and its overdue timers
//               fire once, late, in order.

import { generateKeyPairSync } from 'node:crypto'
import type { Channel } from '../../src/net/channel.js'
import { WRITE_HIGH_WATER_BYTES } from '../../src/net/channel.js'
import type { DataPlaneMode, HopKey } from '../../src/net/data-plane.js'
import type { ChannelHandler, DataListener, DataListenOptions, HostPort, Network } from '../../src/net/network.js'
import { sameBytes } from '../../src/relay/hash.js'
import { ByteReader } from '../../src/wire/framing.js'
import type { ClockView, FakeClock } from './fake-clock.js'

/** The pseudo-protocol memory data-plane streams are opened on. */
export const MEMORY_DATA_PROTOCOL = '/memory/data-plane'

/** As NetNode's: how long a dial may take before the peer is called unreachable. */
const DIAL_TIMEOUT_MS = 10_000

type InboxEvent =
  | { kind: 'data', bytes: Uint8Array }
  /** The peer half-closed (closeWrite). */
  | { kind: 'end' }
  /** The peer aborted: a yamux RST. */
  | { kind: 'reset' }
  /** The peer's process died: the connection closed under the stream. */
  | { kind: 'closed' }

export interface MemoryNetworkOptions {
  /** send() waits while the peer holds more than this unread (default: the real Channel's high-water mark). */
  highWaterBytes?: number
  /** Told of every stream opened, half-closed and closed (for debugging a test). */
  trace?: (line: string) => void
}

export class MemoryNetwork {
  private readonly nodes = new Map<string, MemoryNode>()
  readonly highWaterBytes: number
  readonly trace?: (line: string) => void

  constructor (readonly clock: FakeClock, options: MemoryNetworkOptions = {}) {
    this.highWaterBytes = options.highWaterBytes ?? WRITE_HIGH_WATER_BYTES
    this.trace = options.trace
  }

  /** A node with peer id `id`, its Network and its clock view. */
  node (id: string): MemoryNode {
    if (this.nodes.has(id)) throw new Error(`memory network: node ${id} exists already`)
    if (!/^[A-Za-z0-9._-]+$/.test(id)) throw new Error(`memory network: ${id} is not a usable peer id`)
    const node = new MemoryNode(this, id, this.clock.view())
    this.nodes.set(id, node)
    return node
  }

  get (id: string): MemoryNode {
    const node = this.nodes.get(id)
    if (node === undefined) throw new Error(`memory network: no node ${id}`)
    return node
  }

  /** Crash `id` (see the header). */
  kill (id: string): void {
    const node = this.get(id)
    node.dead = true
    // A dead process runs no code; ours still does, and must unwind rather
    // than wait on timers forever (whatever it sends goes nowhere now).
    node.frozen = false
    node.clock.resume()
    for (const c of [...node.channels]) c.closeConnection(new Error(`${id} was killed`))
    // What it sent while frozen goes out before the end, as the kernel sends a dead process's buffers.
    for (const c of this.opened) if (c.remote === node) c.flush()
    node.wakeWaiters()
  }

  /** SIGSTOP `id` (see the header). */
  freeze (id: string): void {
    const node = this.get(id)
    if (node.dead) return
    node.frozen = true
    node.clock.pause()
  }

  /** SIGCONT `id`. */
  thaw (id: string): void {
    const node = this.get(id)
    node.frozen = false
    node.clock.resume()
    // Its ends and their peers, closed ones too: what it sent before an end
    // closed may still be in transit.
    for (const c of this.opened) if (c.owner === node || c.remote === node) c.flush()
    node.wakeWaiters()
  }

  /** Every channel end ever opened, for assertions (peak unread bytes). */
  readonly opened: MemoryChannel[] = []

  /** @internal */
  async connect (from: MemoryNode, peer: string, protocol: string, admit?: () => ChannelHandler): Promise<MemoryChannel> {
    const to = this.nodes.get(peer)
    const refuse = (why: string): never => { throw new Error(`memory dial from ${from.peerId} to ${peer} (${protocol}): ${why}`) }
    // A dial is never answered in the same tick, on any transport.
    await Promise.resolve()
    if (from.stopped || from.dead) refuse('the dialling node is stopped')
    if (to === undefined) refuse('no such peer')
    await waitWhileFrozen(from, to!)
    if (to!.dead || to!.stopped) refuse('connection refused')
    if (from.stopped || from.dead) refuse('the dialling node is stopped')
    let handler = to!.handlers.get(protocol)
    if (handler === undefined) refuse('protocol not supported')
    // A handshake that refuses the dial (the data plane's key check) throws here.
    if (admit !== undefined) handler = admit()
    const ours = new MemoryChannel(this, from, to!, protocol)
    const theirs = new MemoryChannel(this, to!, from, protocol)
    ours.label = theirs.label = `${protocol} #${this.opened.length / 2} ${from.peerId} => ${to!.peerId}`
    this.trace?.(`${ours.label} opened`)
    ours.peer = theirs
    theirs.peer = ours
    this.opened.push(ours, theirs)
    queueMicrotask(() => { handler!(theirs) })
    return ours
  }
}

/** Wait until neither end is frozen; the dialler, unless frozen itself, gives up after DIAL_TIMEOUT_MS of its own clock. */
async function waitWhileFrozen (from: MemoryNode, to: MemoryNode): Promise<void> {
  if (!from.frozen && !to.frozen) return
  let timedOut = false
  const cancel = from.clock.after(DIAL_TIMEOUT_MS, () => {
    timedOut = true
    from.wakeWaiters()
    to.wakeWaiters()
  })
  try {
    while ((from.frozen || to.frozen) && !to.dead && !from.dead) {
      if (timedOut) throw new Error(`memory dial from ${from.peerId} to ${to.peerId}: dial timed out after ${DIAL_TIMEOUT_MS / 1000} s`)
      await new Promise<void>(resolve => { from.waiters.push(resolve); to.waiters.push(resolve) })
    }
  } finally {
    cancel()
  }
}

export class MemoryNode implements Network {
  readonly addrs: string[]
  readonly listenPort = 0
  readonly handlers = new Map<string, ChannelHandler>()
  readonly channels = new Set<MemoryChannel>()
  /** Dials waiting for this node to thaw. */
  waiters: Array<() => void> = []
  frozen = false
  dead = false
  stopped = false

  /** A real Ed25519 identity, as a libp2p node has: the seed signs, peers see the public key. */
  readonly seed: Uint8Array
  readonly publicKey: Uint8Array

  constructor (private readonly network: MemoryNetwork, readonly peerId: string, readonly clock: ClockView) {
    this.addrs = [`/memory/${peerId}/p2p/${peerId}`]
    const { privateKey, publicKey } = generateKeyPairSync('ed25519')
    this.seed = new Uint8Array((privateKey.export({ format: 'der', type: 'pkcs8' })).subarray(-32))
    this.publicKey = new Uint8Array((publicKey.export({ format: 'der', type: 'spki' })).subarray(-32))
  }

  async handle (protocol: string, handler: ChannelHandler): Promise<void> {
    this.handlers.set(protocol, handler)
  }

  async dial (peer: string | undefined, addrs: string[], protocol: string): Promise<Channel> {
    const id = peer ?? addrs.map(a => /\/p2p\/([^/]+)$/.exec(a)?.[1]).find(p => p !== undefined)
    if (id === undefined) throw new Error(`memory dial: no peer id in ${addrs.join(', ') || 'no addresses'}`)
    return await this.network.connect(this, id, protocol)
  }

  /** Like libp2p's stop: close every connection; its peers read the end of each stream. */
  /**
   * The data plane in memory: a dial proves the hop's key as the real one
   * does (wrong key, unknown hop, a mode not set: refused), then yields a
   * channel pair like any other protocol. Addresses are ignored; the hop's
   * peer is dialled.
   */
  async listenData (options: DataListenOptions): Promise<DataListener> {
    const listener = { port: 1, mode: undefined as DataPlaneMode | undefined, options, close: async () => { this.handlers.delete(MEMORY_DATA_PROTOCOL) } }
    this.dataListener = listener
    this.handlers.set(MEMORY_DATA_PROTOCOL, () => { throw new Error('memory data plane: a stream must come through dialData') })
    return listener
  }

  async dialData (_addrs: HostPort[], hop: HopKey, mode: DataPlaneMode): Promise<Channel> {
    return await this.network.connect(this, hop.peer, MEMORY_DATA_PROTOCOL, () => {
      const listener = this.network.get(hop.peer).dataListener
      const theirs = listener?.options.keyFor(hop.id)
      if (listener === undefined || listener.mode !== mode || theirs === undefined || !sameBytes(theirs.key, hop.key)) {
        throw new Error(`memory data plane: ${hop.peer} refused hop ${hop.id} (${listener?.mode !== mode ? `mode ${String(listener?.mode)}, not ${mode}` : 'wrong or unknown key'})`)
      }
      return channel => listener.options.onChannel(channel, theirs)
    })
  }

  /** This node's data-plane listener, once listenData ran. */
  dataListener?: { port: number, mode: DataPlaneMode | undefined, options: DataListenOptions }

  async stop (): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    this.handlers.clear()
    for (const c of [...this.channels]) c.closeConnection()
  }

  wakeWaiters (): void {
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w()
  }
}

/** A ByteReader that says when its owner has read from it (send() waits on that). */
class MeteredReader extends ByteReader {
  onConsumed?: () => void

  override async readChunks (n: number): Promise<Uint8Array[]> {
    const chunks = await super.readChunks(n)
    this.onConsumed?.()
    return chunks
  }
}

/** One end of an in-memory stream, owned by `owner`, talking to `remote`. */
export class MemoryChannel implements Channel {
  readonly remotePeer: string
  readonly remotePublicKey: Uint8Array
  readonly remoteAddr: string
  readonly reader = new MeteredReader()
  peer!: MemoryChannel
  /** Most bytes this end ever held unread (inbox and reader). */
  peakUnreadBytes = 0
  /** `<protocol> #<n> <dialler> => <listener>`, for traces. */
  label = ''
  private inbox: InboxEvent[] = []
  private inboxBytes = 0
  private writeClosed = false
  private remoteWriteClosed = false
  private closedFlag = false
  private readonly done = Promise.withResolvers<void>()
  private senders: Array<() => void> = []
  readonly closed: Promise<void>

  constructor (private readonly network: MemoryNetwork, readonly owner: MemoryNode, readonly remote: MemoryNode, readonly protocol: string) {
    this.remotePeer = remote.peerId
    this.remotePublicKey = remote.publicKey
    this.remoteAddr = remote.addrs[0]!
    this.closed = this.done.promise
    owner.channels.add(this)
    // What channelFromStream does: a peer that overflows the reader is cut off.
    this.reader.onOverflow = err => { this.abort(err) }
    this.reader.onConsumed = () => { this.peer.wakeSenders() }
  }

  get isClosed (): boolean {
    return this.closedFlag
  }

  /** Bytes sent to this end that it has not read yet. */
  get unreadBytes (): number {
    return this.inboxBytes + this.reader.bufferedBytes
  }

  async send (bytes: Uint8Array): Promise<void> {
    if (this.closedFlag || this.writeClosed) throw new Error(`stream to ${this.remotePeer} is closed`)
    // Copy: a sender may reuse its buffer once send() resolves (the source's
    // block pool does), and a real transport has copied it by then. Not
    // bytes.slice(): on a Buffer that is a view, and the source's pooled
    // buffers then change under the receiver's feet.
    this.peer.receive({ kind: 'data', bytes: new Uint8Array(bytes) })
    while (this.peer.unreadBytes > this.network.highWaterBytes) {
      if (this.closedFlag) throw new Error(`stream to ${this.remotePeer} closed while waiting to send`)
      await new Promise<void>(resolve => this.senders.push(resolve))
    }
  }

  async closeWrite (): Promise<void> {
    if (this.closedFlag || this.writeClosed) return
    this.network.trace?.(`${this.label} write-closed by ${this.owner.peerId}`)
    this.writeClosed = true
    this.peer.receive({ kind: 'end' })
    this.closeIfBothEnded()
  }

  abort (reason: Error): void {
    if (this.closedFlag) return
    this.close(reason)
    this.peer.receive({ kind: 'reset' })
  }

  /**
   * The connection under this stream closes (our node died, or stopped its
   * network): we are closed now (failing with `err`, if given), and the peer
   * reads the end of the stream, as libp2p reports a TCP FIN.
   */
  closeConnection (err?: Error): void {
    if (this.closedFlag) return
    this.close(err)
    this.peer.receive({ kind: 'closed' })
  }

  /** Deliver what is in transit to us, unless either end is frozen. */
  flush (): void {
    if (this.owner.frozen || this.remote.frozen) return
    while (this.inbox.length > 0) {
      const event = this.inbox.shift()!
      if (event.kind === 'data') {
        this.inboxBytes -= event.bytes.byteLength
        if (!this.closedFlag) this.reader.push(event.bytes)
      } else if (event.kind === 'end') {
        this.remoteWriteClosed = true
        this.reader.end()
        this.closeIfBothEnded()
      } else if (event.kind === 'reset') {
        this.close(new Error('The stream has been reset'))
      } else {
        this.close()
      }
    }
  }

  private receive (event: InboxEvent): void {
    if (this.closedFlag) return
    this.inbox.push(event)
    if (event.kind === 'data') this.inboxBytes += event.bytes.byteLength
    this.peakUnreadBytes = Math.max(this.peakUnreadBytes, this.unreadBytes)
    this.flush()
    this.peakUnreadBytes = Math.max(this.peakUnreadBytes, this.unreadBytes)
  }

  private closeIfBothEnded (): void {
    if (this.writeClosed && this.remoteWriteClosed) this.close()
  }

  /** Closed for good: reads end (with `err`, if any), waiting sends fail. */
  private close (err?: Error): void {
    if (this.closedFlag) return
    this.network.trace?.(`${this.label} closed at ${this.owner.peerId}: ${err?.message ?? 'clean'}`)
    this.closedFlag = true
    this.inbox = []
    this.inboxBytes = 0
    this.reader.end(err)
    this.owner.channels.delete(this)
    this.done.resolve()
    this.wakeSenders()
    this.peer?.wakeSenders()
  }

  private wakeSenders (): void {
    const senders = this.senders
    this.senders = []
    for (const s of senders) s()
  }
}
