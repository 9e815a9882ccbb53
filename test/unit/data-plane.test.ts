// The data plane on real sockets (127.0.0.1:0): both modes carry framed data
// both ways, push 256 MiB past the socket buffers with bounded memory, and
// refuse every stranger (wrong key, unknown hop, other mode, garbage, a stall,
// a flood) while the server keeps serving (CONVENTIONS.md, "Tests").

import { createHash, randomBytes, randomFillSync } from 'node:crypto'
import net, { type Socket } from 'node:net'
import tls from 'node:tls'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { RingcastError, isRingcastError } from '../../src/errors.js'
import type { Channel } from '../../src/net/channel.js'
import { DataPlaneServer, dialDataPlane, type DataPlaneMode, type DataPlaneServerOptions, type HopKey } from '../../src/net/data-plane.js'
import { READ_AHEAD_BYTES } from '../../src/net/socket-channel.js'
import { frame } from '../../src/wire/framing.js'

const MODES: DataPlaneMode[] = ['encrypted', 'integrity-only']
const MiB = 1_048_576

// ------------------------------------------------------------------ helpers

function hopKey (id = 'hop-1', peer = '12D3KooWPeerA'): HopKey {
  return { id, key: randomBytes(32), peer }
}

interface TestServer {
  server: DataPlaneServer
  addr: { host: string, port: number }
  /** The next authenticated channel, in order of arrival. */
  nextChannel: () => Promise<{ channel: Channel, hop: HopKey }>
  accepted: number
  logs: string[]
}

async function startServer (hops: HopKey[], mode: DataPlaneMode | undefined, options: Partial<DataPlaneServerOptions> = {}): Promise<TestServer> {
  const queue: Array<{ channel: Channel, hop: HopKey }> = []
  const waiters: Array<(v: { channel: Channel, hop: HopKey }) => void> = []
  const logs: string[] = []
  const t: TestServer = {
    server: undefined as unknown as DataPlaneServer,
    addr: { host: '127.0.0.1', port: 0 },
    accepted: 0,
    logs,
    nextChannel: async () => await new Promise(resolve => {
      const ready = queue.shift()
      if (ready !== undefined) resolve(ready)
      else waiters.push(resolve)
    })
  }
  t.server = await DataPlaneServer.listen({
    host: '127.0.0.1',
    mode,
    keyFor: id => hops.find(h => h.id === id),
    onChannel: (channel, hop) => {
      t.accepted++
      onTestFinished(() => channel.abort(new Error('test over')))
      const waiter = waiters.shift()
      if (waiter !== undefined) waiter({ channel, hop })
      else queue.push({ channel, hop })
    },
    log: line => logs.push(line),
    ...options
  })
  onTestFinished(async () => await t.server.close())
  t.addr.port = t.server.port
  return t
}

async function dial (t: TestServer, hop: HopKey, mode: DataPlaneMode, timeoutMs = 5_000): Promise<Channel> {
  const channel = await dialDataPlane([t.addr], hop, mode, { timeoutMs })
  onTestFinished(() => channel.abort(new Error('test over')))
  return channel
}

/** A raw TCP socket to the server, closed after the test. */
async function rawSocket (port: number): Promise<Socket & { closedAt: Promise<number> }> {
  const socket = net.connect({ host: '127.0.0.1', port }) as Socket & { closedAt: Promise<number> }
  socket.on('error', () => {})
  socket.closedAt = new Promise(resolve => socket.once('close', () => resolve(performance.now())))
  onTestFinished(() => { socket.destroy() })
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject) })
  return socket
}

/** Resolves with what happened first: the socket closed, or `ms` passed. */
async function closedWithin (socket: Socket & { closedAt: Promise<number> }, ms: number): Promise<boolean> {
  return await Promise.race([socket.closedAt.then(() => true), new Promise<boolean>(resolve => setTimeout(() => resolve(false), ms))])
}

async function expectWorking (t: TestServer, hop: HopKey, mode: DataPlaneMode): Promise<void> {
  const client = await dial(t, hop, mode)
  const { channel } = await t.nextChannel()
  await client.send(frame(Buffer.from('still serving')))
  expect(Buffer.from((await channel.reader.readFrame(100))!).toString()).toBe('still serving')
}

async function expectRefused (dialing: Promise<Channel>, ...phrases: RegExp[]): Promise<RingcastError> {
  const err = await dialing.then(() => { throw new Error('the dial succeeded') }, (e: unknown) => e)
  expect(isRingcastError(err, 'UNREACHABLE'), String(err)).toBe(true)
  for (const phrase of phrases) expect((err as Error).message).toMatch(phrase)
  return err as RingcastError
}

// ------------------------------------------------------------------ both modes

describe.each(MODES)('the %s data plane', mode => {
  it('carries framed data both ways, and remotePeer is the peer the hop key names', async () => {
    const hop = hopKey('session-7/a->b', '12D3KooWDownstream')
    const t = await startServer([hop], mode)
    const client = await dial(t, { ...hop, peer: '12D3KooWUpstream' }, mode)
    const { channel: server, hop: seen } = await t.nextChannel()
    expect(seen.id).toBe(hop.id)
    expect(server.remotePeer).toBe('12D3KooWDownstream')
    expect(client.remotePeer).toBe('12D3KooWUpstream')
    expect(server.remoteAddr).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+$/)
    expect(client.remoteAddr).toBe(`/ip4/127.0.0.1/tcp/${t.addr.port}`)

    const messages = [Buffer.from('hello'), randomBytes(70_000), Buffer.alloc(0), randomBytes(3)]
    for (const m of messages) await client.send(frame(m))
    for (const m of messages) expect(Buffer.from((await server.reader.readFrame(MiB))!)).toEqual(m)
    await server.send(frame(Buffer.from('ack 1')))
    await server.send(frame(Buffer.from('ack 2')))
    expect(Buffer.from((await client.reader.readFrame(100))!).toString()).toBe('ack 1')
    expect(Buffer.from((await client.reader.readFrame(100))!).toString()).toBe('ack 2')
  })

  it('pushes 256 MiB far past the socket buffers to a slow reader: send() waits, memory stays bounded, every byte arrives in order', async () => {
    const hop = hopKey()
    const t = await startServer([hop], mode)
    const client = await dial(t, hop, mode)
    const { channel: server } = await t.nextChannel()
    const total = 256 * MiB
    const sendBytes = MiB
    let sent = 0
    let received = 0
    let maxInFlight = 0
    let maxReaderBuffered = 0
    let sendsThatWaited = 0

    const receiving = (async () => {
      const hash = createHash('sha256')
      let reads = 0
      while (received < total) {
        for (const chunk of await server.reader.readChunks(Math.min(MiB, total - received))) {
          hash.update(chunk)
          received += chunk.byteLength
        }
        // Slow: a 3 ms nap every 2 MiB, so the sender runs into backpressure.
        if (++reads % 2 === 0) await new Promise(resolve => setTimeout(resolve, 3))
      }
      return hash.digest('hex')
    })()
    receiving.catch(() => {}) // awaited below; a send that fails first must not leave it unhandled

    const hash = createHash('sha256')
    while (sent < total) {
      const bytes = randomFillSync(Buffer.allocUnsafe(sendBytes))
      hash.update(bytes)
      let turned = false
      setImmediate(() => { turned = true })
      await client.send(bytes)
      if (turned) sendsThatWaited++
      sent += bytes.byteLength
      maxInFlight = Math.max(maxInFlight, sent - received)
      maxReaderBuffered = Math.max(maxReaderBuffered, server.reader.bufferedBytes)
    }
    expect(await receiving).toBe(hash.digest('hex'))
    expect(received).toBe(total)
    // Backpressure held: sends waited for the socket, and what was in flight
    // never grew past our 2 MiB write mark + the kernel's buffers on loopback
    // (4 MiB send, up to 32 MiB receive here) + the reader's share.
    expect(sendsThatWaited).toBeGreaterThan(0)
    expect(maxInFlight).toBeLessThan(48 * MiB)
    // The reader takes 1 MiB reads: while one waits it holds less than that,
    // and between reads the socket pauses at READ_AHEAD_BYTES; the slack is
    // what a socket read or two adds before the pause takes hold.
    expect(maxReaderBuffered).toBeLessThanOrEqual(READ_AHEAD_BYTES + 256 * 1024)
    console.log(`${mode}: max in flight ${(maxInFlight / MiB).toFixed(1)} MiB, reader held at most ${(maxReaderBuffered / MiB).toFixed(2)} MiB, ${sendsThatWaited} of ${total / sendBytes} sends waited`)
  })

  it('refuses a wrong key on both ends, and the server keeps serving', async () => {
    const hop = hopKey()
    const t = await startServer([hop], mode)
    const err = await expectRefused(dialDataPlane([t.addr], { ...hop, key: randomBytes(32) }, mode, { timeoutMs: 5_000 }), /hop-1/, /127\.0\.0\.1:\d+/)
    expect(err.message).toMatch(mode === 'encrypted' ? /holds another key/ : /does not hold this hop's key/)
    await vi.waitFor(() => expect(t.logs.join('\n')).toMatch(mode === 'encrypted' ? /wrong key for hop hop-1/ : /refused/))
    expect(t.accepted).toBe(0)
    await expectWorking(t, hop, mode)
  })

  it('refuses an unknown hop id', async () => {
    const t = await startServer([hopKey('hop-1')], mode)
    await expectRefused(dialDataPlane([t.addr], hopKey('hop-2'), mode, { timeoutMs: 5_000 }), /hop-2/)
    await vi.waitFor(() => expect(t.logs.join('\n')).toMatch(/unknown hop "hop-2"/))
    expect(t.accepted).toBe(0)
  })

  it('refuses a client in a mode the server is not set to, and none before a mode is set', async () => {
    const hop = hopKey()
    const other: DataPlaneMode = mode === 'encrypted' ? 'integrity-only' : 'encrypted'
    const t = await startServer([hop], undefined)
    await expectRefused(dialDataPlane([t.addr], hop, mode, { timeoutMs: 5_000 }), /closed the connection during the handshake|reset the connection/)
    t.server.mode = other
    await expectRefused(dialDataPlane([t.addr], hop, mode, { timeoutMs: 5_000 }))
    await vi.waitFor(() => expect(t.logs.join('\n')).toMatch(new RegExp(`asked for ${mode} while the server runs ${other}`)))
    expect(t.accepted).toBe(0)
    t.server.mode = mode
    await expectWorking(t, hop, mode)
  })

  it('closes half a handshake that stalls once the handshake timeout passes', async () => {
    const hop = hopKey()
    const t = await startServer([hop], mode, { handshakeTimeoutMs: 300 })
    const socket = await rawSocket(t.addr.port)
    const start = performance.now()
    // Half a ClientHello / half our hello, then nothing.
    socket.write(mode === 'encrypted' ? Buffer.from([0x16, 0x03, 0x01, 0x01, 0x00, 0x01]) : Buffer.from('RCDP1\x05hop-'))
    const closedAt = await socket.closedAt
    expect(closedAt - start).toBeGreaterThanOrEqual(250)
    expect(closedAt - start).toBeLessThan(3_000)
    await vi.waitFor(() => expect(t.logs.join('\n')).toMatch(/no handshake within 300 ms/))
    expect(t.server.pendingHandshakes).toBe(0)
    await expectWorking(t, hop, mode)
  })

  it('closeWrite() ends the peer\'s reader after everything sent, and the peer can still answer', async () => {
    const hop = hopKey()
    const t = await startServer([hop], mode)
    const client = await dial(t, hop, mode)
    const { channel: server } = await t.nextChannel()
    await client.send(frame(Buffer.from('last words')))
    await client.closeWrite()
    expect(Buffer.from((await server.reader.readFrame(100))!).toString()).toBe('last words')
    expect(await server.reader.readFrame(100)).toBeNull()
    expect(server.isClosed).toBe(false)
    await server.send(frame(Buffer.from('the final ack')))
    expect(Buffer.from((await client.reader.readFrame(100))!).toString()).toBe('the final ack')
    await server.closeWrite()
    expect(await client.reader.readFrame(100)).toBeNull()
    await Promise.all([client.closed, server.closed])
    expect(client.isClosed && server.isClosed).toBe(true)
  })

  it('abort() is seen by the peer: its reads fail, sends reject with PEER_GONE, and closed resolves', async () => {
    const hop = hopKey()
    const t = await startServer([hop], mode)
    const client = await dial(t, hop, mode)
    const { channel: server } = await t.nextChannel()
    // Mid-stream, as in use. Right after a TLS handshake the server is still
    // writing its session ticket, and an RST that meets that write is lost:
    // the server's next read sees a clean end (docs/data-plane.md).
    await server.send(frame(Buffer.from('block 0')))
    await client.reader.readFrame(100)
    const pendingRead = server.reader.readFrame(100)
    const localRead = client.reader.readFrame(100)
    client.abort(new Error('the coordinator named a new upstream'))
    await expect(localRead).rejects.toThrow(/new upstream/)
    await expect(pendingRead).rejects.toSatisfy((err: unknown) => isRingcastError(err, 'PEER_GONE'))
    await server.closed
    await client.closed
    expect(server.isClosed && client.isClosed).toBe(true)
    await expect(server.send(Buffer.from('x'))).rejects.toSatisfy((err: unknown) => isRingcastError(err, 'PEER_GONE'))
  })
})

// ------------------------------------------------------------------ strangers and dialing

describe('the data plane against strangers, dead addresses and misuse', () => {
  it('closes garbage at once, whatever mode it runs, and keeps serving', async () => {
    const hop = hopKey()
    for (const mode of MODES) {
      const t = await startServer([hop], mode)
      const junk = [
        Buffer.from('GET / HTTP/1.1\r\n\r\n'),
        Buffer.from('RCDP9\x05hop-1'), // our first byte, then no magic
        Buffer.concat([Buffer.from('RCDP1\x00'), randomBytes(40)]), // an empty id
        Buffer.concat([Buffer.from('RCDP1\xff'), randomBytes(300)]), // an id too long
        Buffer.concat([Buffer.from([0x16]), randomBytes(2_000)]), // a TLS record byte, then noise
        randomBytes(100_000)
      ]
      for (const bytes of junk) {
        const socket = await rawSocket(t.addr.port)
        socket.write(bytes)
        // Refusals that need no timer happen at once; 'R' noise in encrypted mode
        // and TLS noise in integrity-only mode are refused on their first byte.
        expect(await closedWithin(socket, 2_000), `${mode}: ${bytes.subarray(0, 8).toString('hex')}`).toBe(true)
      }
      expect(t.accepted).toBe(0)
      await expectWorking(t, hop, mode)
    }
  })

  it('in integrity-only mode, a client whose proof is wrong is refused by the server', async () => {
    const hop = hopKey()
    const t = await startServer([hop], 'integrity-only')
    const socket = await rawSocket(t.addr.port)
    const answer = new Promise<Buffer>(resolve => socket.once('data', resolve))
    socket.write(Buffer.concat([Buffer.from('RCDP1\x05hop-1'), randomBytes(32)]))
    expect((await answer).byteLength).toBe(64)
    socket.write(randomBytes(32)) // a proof made without the key
    expect(await closedWithin(socket, 2_000)).toBe(true)
    await vi.waitFor(() => expect(t.logs.join('\n')).toMatch(/wrong key for hop hop-1/))
    expect(t.accepted).toBe(0)
  })

  it('in integrity-only mode, a client refuses a server whose proof is wrong', async () => {
    const fake = net.createServer(socket => {
      socket.on('error', () => {})
      socket.once('data', () => socket.write(randomBytes(64)))
    })
    onTestFinished(() => { fake.close() })
    await new Promise<void>(resolve => fake.listen(0, '127.0.0.1', resolve))
    const port = (fake.address() as net.AddressInfo).port
    await expectRefused(dialDataPlane([{ host: '127.0.0.1', port }], hopKey(), 'integrity-only', { timeoutMs: 5_000 }), /does not hold this hop's key/)
  })

  it('in encrypted mode, a client refuses a server that shows a certificate instead of the hop key', async () => {
    const fake = tls.createServer({ key: STRANGER_KEY, cert: STRANGER_CERT, minVersion: 'TLSv1.3' }, socket => { socket.on('error', () => {}); socket.end('hello from a stranger') })
    fake.on('tlsClientError', () => {})
    onTestFinished(() => { fake.close() })
    await new Promise<void>(resolve => fake.listen(0, '127.0.0.1', resolve))
    const port = (fake.address() as net.AddressInfo).port
    await expectRefused(dialDataPlane([{ host: '127.0.0.1', port }], hopKey(), 'encrypted', { timeoutMs: 5_000 }), /127\.0\.0\.1/)
  })

  it('lets at most maxHandshakes sockets authenticate at once; each newcomer evicts the oldest, so strangers holding every slot never lock a hop out', async () => {
    const hop = hopKey()
    const t = await startServer([hop], 'integrity-only', { maxHandshakes: 4, handshakeTimeoutMs: 30_000 })
    const sockets = []
    for (let i = 0; i < 10; i++) sockets.push(await rawSocket(t.addr.port))
    await vi.waitFor(() => expect(t.server.pendingHandshakes).toBe(4))
    const closed = await Promise.all(sockets.map(async s => await closedWithin(s, 500)))
    // The six oldest were evicted, the four newest hold the slots.
    expect(closed).toEqual([true, true, true, true, true, true, false, false, false, false])
    expect(t.logs.join('\n')).toMatch(/4 connections are authenticating; closing the oldest for each new one/)
    // While strangers hold every slot, a good client still gets through.
    await expectWorking(t, hop, 'integrity-only')
    expect(t.server.pendingHandshakes).toBeLessThanOrEqual(4)
    for (const s of sockets) s.destroy()
    await vi.waitFor(() => expect(t.server.pendingHandshakes).toBe(0))
  })

  it('a dial to a closed port rejects with UNREACHABLE in one sentence naming the address', async () => {
    const port = await closedPort()
    const err = await expectRefused(dialDataPlane([{ host: '127.0.0.1', port }], hopKey('hop-9', '12D3KooWGone'), 'encrypted'))
    expect(err.message).toBe(`could not open the encrypted block stream for hop hop-9 to 12D3KooWGone: 127.0.0.1:${port} refused the connection (nothing listens there)`)
  })

  it('dialDataPlane tries the next address when the first fails', async () => {
    const hop = hopKey()
    const t = await startServer([hop], 'encrypted')
    const client = await dialDataPlane([{ host: '127.0.0.1', port: await closedPort() }, t.addr], hop, 'encrypted', { timeoutMs: 5_000 })
    onTestFinished(() => client.abort(new Error('test over')))
    const { channel } = await t.nextChannel()
    await client.send(frame(Buffer.from('second address')))
    expect(Buffer.from((await channel.reader.readFrame(100))!).toString()).toBe('second address')
  })

  it('a dial to a server that never answers gives up after its timeout', async () => {
    const silent = net.createServer(socket => { socket.on('error', () => {}) })
    onTestFinished(() => { silent.close() })
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve))
    const port = (silent.address() as net.AddressInfo).port
    for (const mode of MODES) {
      await expectRefused(dialDataPlane([{ host: '127.0.0.1', port }], hopKey(), mode, { timeoutMs: 200 }), /did not answer within 200 ms/)
    }
    silent.close()
  })

  it('a port already in use is a USAGE error naming it', async () => {
    const t = await startServer([], 'encrypted')
    await expect(DataPlaneServer.listen({ host: '127.0.0.1', port: t.addr.port, keyFor: () => undefined, onChannel: () => {} }))
      .rejects.toSatisfy((err: unknown) => isRingcastError(err, 'USAGE') && (err as Error).message.includes(`127.0.0.1:${t.addr.port}`))
  })

  it('rejects a malformed hop key before dialing', async () => {
    await expect(dialDataPlane([], { ...hopKey(), key: randomBytes(16) }, 'encrypted')).rejects.toThrow(/not 32 bytes/)
    await expect(dialDataPlane([], { ...hopKey(), id: 'has space' }, 'encrypted')).rejects.toThrow(/printable ASCII/)
    await expectRefused(dialDataPlane([], hopKey(), 'encrypted'), /it has no address/)
  })
})

async function closedPort (): Promise<number> {
  const probe = net.createServer()
  await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve))
  const port = (probe.address() as net.AddressInfo).port
  await new Promise(resolve => probe.close(resolve))
  return port
}

// A self-signed P-256 certificate: a stranger's TLS server that has no hop key.
const STRANGER_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgIkluMdzXh3He3AS+
v6pY/tpmcs0Ns/fVmmj90+fYu5ahRANCAAQww/nUPsTrbePljaKtcA3+mbF3/MQn
9C7U/MIyq2PJaCk2gl/2B8IljmIn0/RY6vb5g8wnduMhkxr+p4m1VWF/
-----END PRIVATE KEY-----
`
const STRANGER_CERT = `-----BEGIN CERTIFICATE-----
MIIBfTCCASOgAwIBAgIUP8hxvwVL4fxJ7TuU1Zg7hMH5hsQwCgYIKoZIzj0EAwIw
EzERMA8GA1UEAwwIc3RyYW5nZXIwIBcNMjYxMjAxMjM0NjIyWhgPMjEyNjExMDcy
MzQ2MjJaMBMxETAPBgNVBAMMCHN0cmFuZ2VyMFkwEwYHKoZIzj0CAQYIKoZIzj0D
AQcDQgAEMMP51D7E623j5Y2irXAN/pmxd/zEJ/Qu1PzCMqtjyWgpNoJf9gfCJY5i
J9P0WOr2+YPMJ3bjIZMa/qeJtVVhf6NTMFEwHQYDVR0OBBYEFLo4KunuwDGtRV4b
SUVjrOXVZX7MMB8GA1UdIwQYMBaAFLo4KunuwDGtRV4bSUVjrOXVZX7MMA8GA1Ud
EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIhAI2ElkUPr7IGVcZOM1fqqvP0
FnWmMU0hi6DyI6GWcDoKAiB1to3F7Er5+IEbdgeNwXl7BYg/PChQlWP8ZMeEXw7J
Zw==
-----END CERTIFICATE-----
`
