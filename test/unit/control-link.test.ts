// The node's control link: when the coordinator ends a node's part, a write
// that fails on the closed stream reports the coordinator's reason (CI saw
// "Cannot write to a stream that is closed" from a node told it restarted).
// A coordinator that vanishes without a Refuse is redialled (protocol 8):
// the node rejoins, says where it stands, and delivers a Done it had sent.

import { describe, expect, it } from 'vitest'
import { ControlLink, SEND_FAILURE_GRACE_MS } from '../../src/agent/control-link.js'
import { isRingcastError } from '../../src/errors.js'
import type { Channel } from '../../src/net/channel.js'
import type { Control, ControlInput, Join } from '../../src/wire/messages.js'
import { closeWithReason, readControl, sendControl } from '../../src/net/control-stream.js'
import { CONTROL_PROTOCOL, PROTOCOL_VERSION } from '../../src/wire/protocol.js'
import { FakeClock } from '../support/fake-clock.js'
import { MemoryNetwork } from '../support/memory-network.js'

const JOIN = {
  protocolVersion: PROTOCOL_VERSION, name: 'n1', token: '', targetPath: '/dev/null', targetSize: 1 << 20, targetGrowable: false,
  listenPort: 0, listenAddrs: [], prefixLength: 0, linkBitsPerSecond: 0, dataPort: 0
}

const SESSION = new Uint8Array(16).fill(7)
const welcome = (sessionId = SESSION): ControlInput => ({ welcome: { sessionId, imageName: 'img', imageSize: 1 << 20, blockSize: 65_536, windowBytes: 1 << 20, dataPlane: 0 } })

/**
 * A node joined to a fake coordinator that answers every Join with a
 * Welcome (of `sessionFor()`'s session); `coordinator` is its end of the
 * first stream, `joins` every Join it read, `after` what followed each.
 */
async function joined (sessionFor: () => Uint8Array = () => SESSION) {
  const clock = new FakeClock()
  const net = new MemoryNetwork(clock)
  const coord = net.node('coord')
  const node = net.node('node')
  const streams: Array<{ channel: Channel, join: Join, next: Promise<Control | null> }> = []
  const arrived: Array<() => void> = []
  const accepted = Promise.withResolvers<Channel>()
  await coord.handle(CONTROL_PROTOCOL, channel => {
    void (async () => {
      const first = await readControl(channel)
      await sendControl(channel, welcome(sessionFor()))
      streams.push({ channel, join: (first as { body: Join }).body, next: readControl(channel).catch(() => null) })
      for (const w of arrived.splice(0)) w()
      accepted.resolve(channel)
    })()
  })
  const lines: string[] = []
  const link = await ControlLink.connect(node, coord.addrs[0]!, 1_000, node.clock, line => lines.push(line))
  await link.join(JOIN)
  /** Advance the clock until the fake coordinator has taken `n` streams. */
  const streamsTaken = async (n: number): Promise<void> => {
    for (let i = 0; i < 200 && streams.length < n; i++) await clock.advance(100)
  }
  return { clock, net, link, coordinator: await accepted.promise, streams, streamsTaken, lines }
}

async function failureOf (promise: Promise<unknown>): Promise<unknown> {
  return await promise.then(() => { throw new Error('expected a failure') }, err => err)
}

describe('ControlLink', () => {
  it('a send on the stream the coordinator closed after its Refuse fails with the Refuse, not with "closed"', async () => {
    const { link, coordinator } = await joined()
    await closeWithReason(coordinator, 'RESTARTED', 'this node was declared failed: the node restarted and joined again')
    const err = await failureOf(link.send({ progress: { writtenThrough: 0, bytesReceived: 0, resumedFrom: 0 } }))
    expect(isRingcastError(err, 'RESTARTED'), String(err)).toBe(true)
    expect(String(err)).toMatch(/restarted and joined again/)
    expect(link.sessionOver).toBe(true)
  })

  it('a send that fails with no word from the coordinator waits the grace, then says it cannot reach the coordinator', async () => {
    const { clock, link } = await joined()
    // Our writing end is shut but the coordinator's is open and silent.
    await link.channel.closeWrite()
    let settled = false
    const failed = failureOf(link.send({ progress: { writtenThrough: 0, bytesReceived: 0, resumedFrom: 0 } })).finally(() => { settled = true })
    await clock.advance(SEND_FAILURE_GRACE_MS - 1)
    expect(settled).toBe(false)
    await clock.advance(1)
    const err = await failed
    expect(isRingcastError(err, 'COORDINATOR_GONE'), String(err)).toBe(true)
    expect(String(err)).toMatch(/cannot send to the coordinator/)
    expect(link.sessionOver).toBe(false)
  })

  it('a coordinator that vanishes is redialled: the Rejoin says where the node stands, and a Done it had sent goes again', async () => {
    const { link, coordinator, streams, streamsTaken, lines } = await joined()
    link.reconnectTimeoutMs = 60_000
    link.standing = () => ({ writtenThrough: 4096, bytesReceived: 8192, resumedFrom: 0 })
    const done = { done: { sha256: new Uint8Array(32), bytesWritten: 1 << 20, elapsedMs: 1, peakRssBytes: 1, peakInflightBytes: 1, bytesReceived: 8192, resumedFrom: 0, readBack: false } }
    await link.send(done)
    // No Refuse: the coordinator is simply gone (killed).
    coordinator.abort(new Error('killed'))
    await streamsTaken(2)
    expect(streams).toHaveLength(2)
    const rejoin = streams[1]!.join.rejoin!
    expect(Buffer.from(rejoin.sessionId!)).toEqual(Buffer.from(SESSION))
    expect(rejoin.writtenThrough).toBe(4096)
    expect(rejoin.bytesReceived).toBe(8192)
    expect(rejoin.doneSent).toBe(true)
    expect((await streams[1]!.next)?.kind).toBe('done')
    expect(link.connected).toBe(true)
    expect(link.sessionOver).toBe(false)
    expect(lines.join('\n')).toMatch(/lost the coordinator .*redialled for up to 60 s[\s\S]*the coordinator is back/)
  })

  it('a coordinator that does not come back within reconnectTimeoutMs ends the session with COORDINATOR_GONE, saying the journal is kept', async () => {
    const { clock, net, link, coordinator } = await joined()
    link.reconnectTimeoutMs = 10_000
    net.kill('coord')
    coordinator.abort(new Error('killed'))
    let over: unknown
    void link.hungUp().then(why => { over = why })
    for (let i = 0; i < 150 && over === undefined; i++) await clock.advance(100)
    expect(isRingcastError(over, 'COORDINATOR_GONE'), String(over)).toBe(true)
    expect(String(over)).toMatch(/did not come back within 10 s.*its journal is kept/)
    await expect(link.awaitVerdict()).rejects.toThrow(/did not come back/)
  })

  it('a coordinator that comes back with another session ends the node\'s part (COORDINATOR_GONE), never adopting it', async () => {
    let session = SESSION
    const { link, coordinator, streamsTaken } = await joined(() => session)
    link.reconnectTimeoutMs = 60_000
    session = new Uint8Array(16).fill(9)
    coordinator.abort(new Error('killed'))
    await streamsTaken(2)
    const over = await link.hungUp()
    expect(isRingcastError(over, 'COORDINATOR_GONE')).toBe(true)
    expect(over.message).toMatch(/came back with another session/)
  })
})
