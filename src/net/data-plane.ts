// The data plane: one direct TCP connection per hop for the bulk blocks.
// libp2p (tcp + noise + yamux) keeps identity and the control plane; over
// that noise-authenticated control plane the coordinator hands both ends of
// a hop a fresh 32-byte key, and the hop's two nodes prove it to each other
// here (docs/data-plane.md).
//
// How this works
//
//   dialer (upstream or downstream, whoever the plan says)     DataPlaneServer, one port
//   dialDataPlane(addrs, hop, mode) ── TCP ──► first byte ─┬─ 0x16 ─► TLS 1.3, PSK = hop key
//                                                          ├─ 'R'  ─► plain handshake below
//                                                          └─ else ─► close
//
// The server runs only the mode it is set to (`server.mode`, set once the
// node learns the session's mode); a client in the other mode is closed.
// Either way the result is a Channel whose remotePeer is the peer the
// coordinator named for the hop.
//
// encrypted: TLS 1.3 with an external PSK (identity = hop id), cipher
// TLS_AES_128_GCM_SHA256 (PSKs from Node's callback are tied to SHA-256),
// (EC)DHE on top (OpenSSL offers psk_dhe_ke), no certificates. The client
// refuses a handshake that did not use the PSK: its checkServerIdentity
// accepts anything, so a certificate it trusted would otherwise stand in for
// the key (see dialTls).
//
// integrity-only: plain TCP after a mutual challenge-response, for sessions
// whose blocks the source signs anyway; it keeps strangers off a hop and
// costs nothing per byte. Layout (lengths in bytes):
//
//   client → server   "RCDP1" (5) | n (1, 1..64) | id (n, ASCII 0x21-0x7e) | cn (32)
//   server → client   sn (32) | HMAC-SHA256(key, "ringcast-dp server" ‖ id ‖ cn ‖ sn) (32)
//   client → server   HMAC-SHA256(key, "ringcast-dp client" ‖ id ‖ cn ‖ sn) (32)
//   then raw bytes both ways
//
// cn and sn are fresh random nonces, so no answer can be replayed; the two
// labels differ, so neither side's proof can be reflected back as the other's.
//
// Strangers: everything they can cause (wrong key, unknown id, garbage, a
// stall, half a handshake, a flood) ends in that socket's destruction within
// handshakeTimeoutMs, with at most maxHandshakes sockets and
// HANDSHAKE_BUFFER_BYTES each in flight, and a log line; never an exception.

import { createHmac, randomBytes, timingSafeEqual, constants as cryptoConstants } from 'node:crypto'
import net, { type AddressInfo, type Socket } from 'node:net'
import tls, { type TLSSocket } from 'node:tls'
import { systemClock, type Cancel, type Clock } from '../clock.js'
import { ProtocolError, RingcastError, errorMessage } from '../errors.js'
import { ByteReader } from '../wire/framing.js'
import type { Channel } from './channel.js'
import { channelFromSocket } from './socket-channel.js'

export type DataPlaneMode = 'encrypted' | 'integrity-only'
export const DATA_PLANE_MODES: readonly DataPlaneMode[] = ['encrypted', 'integrity-only']

export interface HopKey {
  /** The hop's id, 1..64 printable ASCII characters (0x21-0x7e); the TLS PSK identity. */
  id: string
  /** 32 random bytes from the coordinator, known only to the hop's two ends. */
  key: Uint8Array
  /** The peer id the coordinator says holds the key: the Channel's remotePeer. */
  peer: string
}

export interface DataPlaneServerOptions {
  /** Default '0.0.0.0'. */
  host?: string
  /** Default 0 (any free port; read server.port). */
  port?: number
  /** The mode to accept; unset refuses every connection until server.mode is set. */
  mode?: DataPlaneMode
  /** The key expected for hop `id` right now, or undefined to refuse it. */
  keyFor: (id: string) => HopKey | undefined
  /** An authenticated hop: the Channel's remotePeer is the HopKey's peer. */
  onChannel: (channel: Channel, hop: HopKey) => void
  /** Longest a connection may take to authenticate. */
  handshakeTimeoutMs?: number
  /** Most connections authenticating at once; more are closed on arrival. */
  maxHandshakes?: number
  clock?: Clock
  log?: (line: string) => void
}

export interface DialOptions {
  /** Longest one address may take, connect and handshake together. */
  timeoutMs?: number
  clock?: Clock
}

type ServerConfig = Required<Omit<DataPlaneServerOptions, 'mode'>> & { mode?: DataPlaneMode }

const DEFAULTS = {
  host: '0.0.0.0',
  port: 0,
  /** A LAN handshake takes milliseconds; 10 s covers a loaded node and bounds a stalled stranger. */
  handshakeTimeoutMs: 10_000,
  /** A node opens a few hops at a time (its downstreams, a repair); 16 leaves room and caps a flood. */
  maxHandshakes: 16
} as const

/** Longest one address may take, connect and handshake together (as libp2p dials, src/net/node.ts). */
export const DIAL_TIMEOUT_MS = 10_000
/**
 * What a socket may hold unread while it authenticates: a handshake is 134
 * bytes at most, a ClientHello a few hundred; one more socket read (64 KiB)
 * of early data behind it is legitimate. 16 of them stay under 4 MiB.
 */
export const HANDSHAKE_BUFFER_BYTES = 131_072

const TLS_HANDSHAKE_RECORD = 0x16
const PLAIN_MAGIC = Buffer.from('RCDP1', 'ascii')
const SERVER_LABEL = Buffer.from('ringcast-dp server', 'ascii')
const CLIENT_LABEL = Buffer.from('ringcast-dp client', 'ascii')
const NONCE_BYTES = 32
const MAC_BYTES = 32
const KEY_BYTES = 32
const HOP_ID = /^[\x21-\x7e]{1,64}$/
const CLOSED_DURING_HANDSHAKE = 'the connection closed during the handshake'

const TLS_OPTIONS = {
  ciphers: 'TLS_AES_128_GCM_SHA256',
  minVersion: 'TLSv1.3',
  maxVersion: 'TLSv1.3',
  // No tickets: a resumed session would skip the pskCallback, and with it the
  // check that the hop is still wanted. (The server keeps no session cache.)
  secureOptions: cryptoConstants.SSL_OP_NO_TICKET,
  // Trust no certificate at all; only the PSK authenticates.
  ca: []
} satisfies tls.SecureContextOptions
let secureContext: tls.SecureContext | undefined
const tlsContext = (): tls.SecureContext => (secureContext ??= tls.createSecureContext(TLS_OPTIONS))

export class DataPlaneServer {
  private modeNow: DataPlaneMode | undefined
  private readonly handshakes = new Set<Socket>()
  private readonly channels = new Set<Channel>()
  private evictedAtCap = 0
  private closing?: Promise<void>

  private constructor (private readonly listener: net.Server, private readonly config: ServerConfig, readonly port: number) {
    this.modeNow = config.mode
  }

  static async listen (options: DataPlaneServerOptions): Promise<DataPlaneServer> {
    const config = validateServerOptions(options)
    const listener = net.createServer({ allowHalfOpen: true, noDelay: true })
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => reject(new RingcastError('USAGE', `cannot listen for block streams on ${config.host}:${config.port}: ${err.message}`, { cause: err }))
      listener.once('error', onError)
      listener.listen(config.port, config.host, () => { listener.off('error', onError); resolve() })
    })
    const server = new DataPlaneServer(listener, config, (listener.address() as AddressInfo).port)
    // accept() failures (EMFILE) arrive here; they cost one connection, not the server.
    listener.on('error', err => config.log(`data plane: ${err.message}`))
    listener.on('connection', socket => { server.accept(socket) })
    return server
  }

  get mode (): DataPlaneMode | undefined { return this.modeNow }
  set mode (mode: DataPlaneMode | undefined) {
    if (mode !== undefined && !DATA_PLANE_MODES.includes(mode)) throw new RingcastError('INTERNAL', `unknown data-plane mode ${String(mode)}`)
    this.modeNow = mode
  }

  /** Connections still authenticating. */
  get pendingHandshakes (): number { return this.handshakes.size }

  /** Stop listening, close every connection this server accepted (channels too), resolve once all are gone. */
  async close (): Promise<void> {
    this.closing ??= new Promise<void>(resolve => {
      this.listener.close(() => resolve())
      for (const socket of this.handshakes) socket.destroy()
      for (const channel of this.channels) channel.abort(new RingcastError('PEER_GONE', 'the data-plane server is closing'))
    })
    await this.closing
  }

  private accept (socket: Socket): void {
    // Errors are read where they matter (the handshake, the channel); this one
    // only keeps a stranger's reset from being an uncaught 'error'.
    socket.on('error', () => {})
    const from = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`
    if (this.closing !== undefined) { socket.destroy(); return }
    if (this.handshakes.size >= this.config.maxHandshakes) {
      // Evict the oldest, not the newcomer: a real handshake takes about a
      // millisecond, so strangers that hold every slot idle lose them to
      // whoever comes next, and an upstream is never locked out (found in
      // review: 16 idle sockets renewed every 10 s kept every hop out).
      const oldest = this.handshakes.values().next().value as Socket
      this.handshakes.delete(oldest)
      oldest.destroy()
      if (this.evictedAtCap++ === 0) this.config.log(`data plane: ${this.config.maxHandshakes} connections are authenticating; closing the oldest for each new one`)
    } else if (this.evictedAtCap > 0) {
      this.config.log(`data plane: closed ${this.evictedAtCap} stalled handshakes while at the cap`)
      this.evictedAtCap = 0
    }
    this.handshakes.add(socket)
    void this.authenticate(socket, from)
  }

  private async authenticate (socket: Socket, from: string): Promise<void> {
    let timedOut = false
    const cancel = this.config.clock.after(this.config.handshakeTimeoutMs, () => { timedOut = true; socket.destroy() })
    const hs = handshakeReader(socket)
    let accepted: { socket: Socket | TLSSocket, hop: HopKey, head?: Uint8Array } | undefined
    try {
      const first = (await hs.reader.readExact(1))[0]!
      const mode = this.modeNow
      if (first === TLS_HANDSHAKE_RECORD && mode === 'encrypted') {
        const rest = await hs.detach()
        accepted = await acceptTls(socket, Buffer.concat(rest === undefined ? [Buffer.of(first)] : [Buffer.of(first), rest]), id => this.lookup(id))
      } else if (first === PLAIN_MAGIC[0] && mode === 'integrity-only') {
        const hop = await acceptPlain(socket, hs.reader, id => this.lookup(id))
        accepted = { socket, hop, head: await hs.detach() }
      } else {
        const asked = first === TLS_HANDSHAKE_RECORD ? 'encrypted' : first === PLAIN_MAGIC[0] ? 'integrity-only' : undefined
        throw new ProtocolError(asked === undefined ? `not a data-plane handshake (first byte 0x${first.toString(16).padStart(2, '0')})` : `asked for ${asked} while the server runs ${mode ?? 'no mode yet'}`)
      }
    } catch (err) {
      this.config.log(`data plane: refused ${from}: ${timedOut ? `no handshake within ${this.config.handshakeTimeoutMs} ms` : errorMessage(err)}`)
      socket.destroy()
      return
    } finally {
      cancel()
      this.handshakes.delete(socket)
    }
    this.open(accepted, socket)
  }

  private open (accepted: { socket: Socket | TLSSocket, hop: HopKey, head?: Uint8Array }, tcp: Socket): void {
    const { hop } = accepted
    const channel = channelFromSocket(accepted.socket, hop.peer, multiaddrOf(tcp), { tcp, head: accepted.head, log: this.config.log })
    if (this.closing !== undefined) { channel.abort(new RingcastError('PEER_GONE', 'the data-plane server is closing')); return }
    this.channels.add(channel)
    void channel.closed.then(() => this.channels.delete(channel))
    try {
      this.config.onChannel(channel, hop)
    } catch (err) {
      channel.abort(new RingcastError('INTERNAL', `the block-stream handler failed: ${errorMessage(err)}`, { cause: err }))
    }
  }

  /** The key for a hop a stranger names: undefined unless the id is well-formed and the owner wants it now. */
  private lookup (id: string): HopKey | undefined {
    if (!HOP_ID.test(id)) return undefined
    const hop = this.config.keyFor(id)
    if (hop === undefined) return undefined
    if (hop.id !== id || !(hop.key instanceof Uint8Array) || hop.key.byteLength !== KEY_BYTES) throw new RingcastError('INTERNAL', `keyFor(${id}) returned a malformed hop key`)
    return hop
  }
}

/**
 * Open an authenticated Channel for `hop`, trying `addrs` in order. Rejects
 * with UNREACHABLE, naming every address and why it failed, after the last.
 */
export async function dialDataPlane (addrs: Array<{ host: string, port: number }>, hop: HopKey, mode: DataPlaneMode, options: DialOptions = {}): Promise<Channel> {
  checkHopKey(hop)
  if (!DATA_PLANE_MODES.includes(mode)) throw new RingcastError('INTERNAL', `unknown data-plane mode ${String(mode)}`)
  const timeoutMs = options.timeoutMs ?? DIAL_TIMEOUT_MS
  const clock = options.clock ?? systemClock
  const failures: string[] = []
  for (const addr of addrs) {
    try {
      return await dialAddress(addr, hop, mode, timeoutMs, clock)
    } catch (err) {
      failures.push(`${addr.host}:${addr.port} ${errorMessage(err)}`)
    }
  }
  const tried = failures.length === 0 ? 'it has no address' : failures.join('; ')
  throw new RingcastError('UNREACHABLE', `could not open the ${mode} block stream for hop ${hop.id} to ${hop.peer}: ${tried}`)
}

async function dialAddress (addr: { host: string, port: number }, hop: HopKey, mode: DataPlaneMode, timeoutMs: number, clock: Clock): Promise<Channel> {
  const tcp = net.connect({ host: addr.host, port: addr.port, allowHalfOpen: true, noDelay: true })
  tcp.on('error', () => {}) // read by settle() and the channel
  let timedOut = false
  const cancel: Cancel = clock.after(timeoutMs, () => { timedOut = true; tcp.destroy() })
  try {
    await settle(tcp, 'connect')
    if (mode === 'encrypted') {
      const socket = await dialTls(tcp, hop)
      return channelFromSocket(socket, hop.peer, multiaddrOf(tcp), { tcp })
    }
    const hs = handshakeReader(tcp)
    await dialPlain(tcp, hs.reader, hop)
    return channelFromSocket(tcp, hop.peer, multiaddrOf(tcp), { head: await hs.detach() })
  } catch (err) {
    tcp.destroy()
    throw new RingcastError('UNREACHABLE', timedOut ? `did not answer within ${timeoutMs} ms` : describeFailure(err), { cause: err })
  } finally {
    cancel()
  }
}

async function dialTls (tcp: Socket, hop: HopKey): Promise<TLSSocket> {
  const socket = tls.connect({
    socket: tcp,
    secureContext: tlsContext(),
    pskCallback: () => ({ psk: hop.key, identity: hop.id }),
    // There is no certificate to check; the PSK check is below.
    checkServerIdentity: () => undefined
  })
  socket.on('error', () => {}) // read by settle() and the channel
  await settle(socket, 'secureConnect')
  // Node reports a TLS 1.3 PSK handshake as a resumed session without a
  // peer certificate. Anything else means the PSK was not what authenticated
  // the server: refuse it, whatever the CA store says.
  if (!socket.isSessionReused() || Object.keys(socket.getPeerCertificate()).length > 0) {
    socket.destroy()
    throw new ProtocolError('the server did not authenticate with the hop key')
  }
  return socket
}

async function dialPlain (tcp: Socket, reader: ByteReader, hop: HopKey): Promise<void> {
  const id = Buffer.from(hop.id, 'ascii')
  const cn = randomBytes(NONCE_BYTES)
  tcp.write(Buffer.concat([PLAIN_MAGIC, Buffer.of(id.byteLength), id, cn]))
  const answer = await reader.readExact(NONCE_BYTES + MAC_BYTES).catch((err: unknown) => {
    throw err instanceof ProtocolError ? new ProtocolError(CLOSED_DURING_HANDSHAKE, { cause: err }) : err
  })
  const sn = answer.subarray(0, NONCE_BYTES)
  if (!timingSafeEqual(answer.subarray(NONCE_BYTES), mac(hop.key, SERVER_LABEL, id, cn, sn))) {
    throw new ProtocolError('the server does not hold this hop\'s key')
  }
  tcp.write(mac(hop.key, CLIENT_LABEL, id, cn, sn))
}

async function acceptPlain (socket: Socket, reader: ByteReader, lookup: (id: string) => HopKey | undefined): Promise<HopKey> {
  // The caller took the first byte of the magic to tell the modes apart.
  const hello = await reader.readExact(PLAIN_MAGIC.byteLength)
  if (!PLAIN_MAGIC.subarray(1).equals(hello.subarray(0, PLAIN_MAGIC.byteLength - 1))) throw new ProtocolError('not a data-plane handshake (bad magic)')
  const idLength = hello[PLAIN_MAGIC.byteLength - 1]!
  if (idLength < 1 || idLength > 64) throw new ProtocolError(`a hop id of ${idLength} bytes (1..64 allowed)`)
  const id = Buffer.from(await reader.readExact(idLength))
  const cn = await reader.readExact(NONCE_BYTES)
  const hop = lookup(id.toString('latin1'))
  if (hop === undefined) throw new ProtocolError(`unknown hop ${printableId(id)}`)
  const sn = randomBytes(NONCE_BYTES)
  socket.write(Buffer.concat([sn, mac(hop.key, SERVER_LABEL, id, cn, sn)]))
  const proof = await reader.readExact(MAC_BYTES)
  if (!timingSafeEqual(proof, mac(hop.key, CLIENT_LABEL, id, cn, sn))) throw new ProtocolError(`wrong key for hop ${hop.id}`)
  return hop
}

async function acceptTls (socket: Socket, hello: Uint8Array, lookup: (id: string) => HopKey | undefined): Promise<{ socket: TLSSocket, hop: HopKey }> {
  // TLSSocket takes what is buffered in the socket as its first input (Node's
  // initRead), so the bytes we sniffed go back first.
  socket.unshift(hello)
  // The identity whose key the handshake used: OpenSSL asks for identities in
  // turn (and again after a HelloRetryRequest) and uses the last one we answer.
  let hop: HopKey | undefined
  let unknown: string | undefined
  const tlsSocket = new tls.TLSSocket(socket, {
    isServer: true,
    secureContext: tlsContext(),
    requestCert: false,
    pskCallback: (_socket: TLSSocket, identity: string) => {
      const found = lookup(identity)
      if (found === undefined) { unknown = identity; return null }
      hop = found
      return found.key
    }
  } as tls.TLSSocketOptions)
  tlsSocket.on('error', () => {}) // read by settle() and the channel
  try {
    await settle(tlsSocket, 'secure')
  } catch (err) {
    tlsSocket.destroy()
    if (hop === undefined && unknown !== undefined) throw new ProtocolError(`unknown hop ${printableId(Buffer.from(unknown))}`)
    const code = (err as { code?: unknown }).code
    if (hop !== undefined && code === 'ERR_SSL_BINDER_DOES_NOT_VERIFY') throw new ProtocolError(`wrong key for hop ${hop.id}`)
    if (typeof code === 'string' && code.startsWith('ERR_SSL_')) throw new ProtocolError(`TLS handshake failed (${code})`, { cause: err })
    throw err
  }
  if (hop === undefined) {
    tlsSocket.destroy()
    throw new ProtocolError('a TLS handshake that used no hop key')
  }
  return { socket: tlsSocket, hop }
}

/**
 * A bounded ByteReader on a socket in its handshake. detach() stops feeding
 * it, leaves the socket paused, and returns the bytes it holds unread.
 */
function handshakeReader (socket: Socket): { reader: ByteReader, detach: () => Promise<Uint8Array | undefined> } {
  const reader = new ByteReader()
  reader.maxBufferedBytes = HANDSHAKE_BUFFER_BYTES
  reader.onOverflow = () => socket.destroy()
  const onData = (chunk: Buffer): void => reader.push(chunk)
  const onEnd = (): void => reader.end()
  const onError = (err: Error): void => reader.end(err)
  socket.on('data', onData)
  socket.on('end', onEnd)
  socket.on('close', onEnd)
  socket.on('error', onError)
  return {
    reader,
    async detach () {
      socket.pause()
      socket.off('data', onData)
      socket.off('end', onEnd)
      socket.off('close', onEnd)
      socket.off('error', onError)
      return reader.bufferedBytes > 0 ? await reader.readExact(reader.bufferedBytes) : undefined
    }
  }
}

/** Resolves at `event`; rejects at 'error' or at 'close' first. */
async function settle (socket: Socket, event: 'connect' | 'secureConnect' | 'secure'): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const done = (): void => {
      socket.off(event, onEvent)
      socket.off('error', onError)
      socket.off('close', onClose)
    }
    const onEvent = (): void => { done(); resolve() }
    const onError = (err: Error): void => { done(); reject(err) }
    const onClose = (): void => { done(); reject(new ProtocolError(CLOSED_DURING_HANDSHAKE)) }
    socket.once(event, onEvent)
    socket.once('error', onError)
    socket.once('close', onClose)
  })
}

/** One phrase for why one address failed. */
function describeFailure (err: unknown): string {
  const code = (err as { code?: unknown }).code
  switch (code) {
    case 'ECONNREFUSED': return 'refused the connection (nothing listens there)'
    case 'ECONNRESET': return 'reset the connection during the handshake (it does not accept this hop, this key or this mode now)'
    case 'EHOSTUNREACH': case 'ENETUNREACH': return 'is unreachable from here'
    case 'ERR_SSL_SSLV3_ALERT_ILLEGAL_PARAMETER': case 'ERR_SSL_SSLV3_ALERT_DECRYPT_ERROR': case 'ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR': return 'holds another key for this hop'
    case 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE': return 'does not know this hop'
    default:
      if (err instanceof ProtocolError && err.message === CLOSED_DURING_HANDSHAKE) return 'closed the connection during the handshake (it does not accept this hop, this key or this mode now)'
      if (typeof code === 'string' && code.startsWith('ERR_SSL_')) return `failed the TLS handshake (${code})`
      return errorMessage(err)
  }
}

function mac (key: Uint8Array, label: Buffer, id: Uint8Array, cn: Uint8Array, sn: Uint8Array): Buffer {
  return createHmac('sha256', key).update(label).update(id).update(cn).update(sn).digest()
}

function printableId (id: Uint8Array): string {
  return JSON.stringify(Buffer.from(id).toString('latin1').slice(0, 64))
}

function multiaddrOf (socket: Socket): string {
  const host = socket.remoteAddress ?? '0.0.0.0'
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host)
  if (mapped !== null) return `/ip4/${mapped[1]!}/tcp/${socket.remotePort ?? 0}`
  return `/${net.isIPv6(host) ? 'ip6' : 'ip4'}/${host}/tcp/${socket.remotePort ?? 0}`
}

function checkHopKey (hop: HopKey): void {
  if (typeof hop.id !== 'string' || !HOP_ID.test(hop.id)) throw new RingcastError('INTERNAL', `hop id ${JSON.stringify(hop.id)} is not 1..64 printable ASCII characters`)
  if (!(hop.key instanceof Uint8Array) || hop.key.byteLength !== KEY_BYTES) throw new RingcastError('INTERNAL', `the key for hop ${hop.id} is not ${KEY_BYTES} bytes`)
}

function validateServerOptions (o: DataPlaneServerOptions): ServerConfig {
  const c = {
    host: o.host ?? DEFAULTS.host,
    port: o.port ?? DEFAULTS.port,
    mode: o.mode,
    keyFor: o.keyFor,
    onChannel: o.onChannel,
    handshakeTimeoutMs: o.handshakeTimeoutMs ?? DEFAULTS.handshakeTimeoutMs,
    maxHandshakes: o.maxHandshakes ?? DEFAULTS.maxHandshakes,
    clock: o.clock ?? systemClock,
    log: o.log ?? (() => {})
  }
  if (!Number.isInteger(c.port) || c.port < 0 || c.port > 65_535) throw new RingcastError('USAGE', `data-plane port ${c.port} is not 0..65535`)
  if (c.mode !== undefined && !DATA_PLANE_MODES.includes(c.mode)) throw new RingcastError('USAGE', `unknown data-plane mode ${String(c.mode)}`)
  if (!(c.handshakeTimeoutMs > 0)) throw new RingcastError('USAGE', `handshake timeout ${c.handshakeTimeoutMs} ms is not positive`)
  if (!Number.isInteger(c.maxHandshakes) || c.maxHandshakes < 1) throw new RingcastError('USAGE', `handshake cap ${c.maxHandshakes} is not a positive integer`)
  if (typeof c.keyFor !== 'function' || typeof c.onChannel !== 'function') throw new RingcastError('INTERNAL', 'keyFor and onChannel are required')
  return c
}
