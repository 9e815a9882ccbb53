// The in-memory network the session tests run on (test/support/memory-network.ts).

import { describe, expect, it } from 'vitest'
import { readControl, sendControl } from '../../src/net/control-stream.js'
import { CONTROL_PROTOCOL } from '../../src/wire/protocol.js'
import { FakeClock } from '../support/fake-clock.js'
import { MemoryNetwork, type MemoryChannel } from '../support/memory-network.js'

const PROTOCOL = '/test/1.0.0'

/** Nodes `node-a` and `node-b`, `b` handling PROTOCOL; `accepted` are b's channels as they come. */
function pair (options: { highWaterBytes?: number } = {}) {
  const clock = new FakeClock()
  const net = new MemoryNetwork(clock, options)
  const a = net.node('node-a')
  const b = net.node('node-b')
  const accepted: MemoryChannel[] = []
  void b.handle(PROTOCOL, c => accepted.push(c as MemoryChannel))
  return { clock, net, a, b, accepted }
}

describe('MemoryNetwork', () => {
  it('dials by peer id whatever the addresses, or by the /p2p/ id of the address', async () => {
    const { a, b, accepted } = pair()
    expect(b.addrs).toEqual(['/memory/node-b/p2p/node-b'])
    const byId = await a.dial('node-b', [], PROTOCOL)
    const byWrongAddr = await a.dial('node-b', ['/ip4/10.0.0.9/tcp/7373'], PROTOCOL)
    const byAddr = await a.dial(undefined, b.addrs, PROTOCOL)
    await Promise.resolve()
    expect(accepted).toHaveLength(3)
    expect([byId, byWrongAddr, byAddr].map(c => c.remotePeer)).toEqual(['node-b', 'node-b', 'node-b'])
    expect(accepted[0]!.remotePeer).toBe('node-a')
    expect(accepted[0]!.remoteAddr).toBe('/memory/node-a/p2p/node-a')
    await expect(a.dial('nobody', [], PROTOCOL)).rejects.toThrow(/no such peer/)
    await expect(a.dial('node-b', [], '/other/1.0.0')).rejects.toThrow(/protocol not supported/)
  })

  it('carries frames both ways; closeWrite ends the reader; both half-closes close the stream', async () => {
    const { a, accepted } = pair()
    const ours = await a.dial('node-b', [], PROTOCOL)
    await sendControl(ours, { refuse: { code: 'X', reason: 'hello' } })
    await Promise.resolve()
    const theirs = accepted[0]!
    const msg = await readControl(theirs)
    expect(msg?.kind).toBe('refuse')
    await ours.closeWrite()
    expect(await readControl(theirs)).toBeNull()
    expect(ours.isClosed).toBe(false)
    await theirs.closeWrite()
    await ours.closed
    await theirs.closed
    expect(ours.isClosed && theirs.isClosed).toBe(true)
    await expect(ours.send(new Uint8Array(1))).rejects.toThrow(/closed/)
  })

  it('copies what is sent: a sender reusing its (Buffer) buffer does not change what was delivered', async () => {
    const { a, accepted } = pair()
    const ours = await a.dial('node-b', [], PROTOCOL)
    await Promise.resolve()
    const pool = Buffer.alloc(8, 1)
    await ours.send(pool.subarray(0, 4))
    pool.fill(2)
    expect([...await accepted[0]!.reader.readExact(4)]).toEqual([1, 1, 1, 1])
  })

  it('send() waits while the peer holds more than the high-water mark unread, until it reads', async () => {
    const { a, accepted } = pair({ highWaterBytes: 1_000 })
    const ours = await a.dial('node-b', [], PROTOCOL)
    await Promise.resolve()
    await ours.send(new Uint8Array(1_000))
    let sent = false
    const blocked = ours.send(new Uint8Array(500)).then(() => { sent = true })
    for (let i = 0; i < 5; i++) await new Promise(setImmediate)
    expect(sent).toBe(false)
    await accepted[0]!.reader.readExact(1_200)
    await blocked
    expect(sent).toBe(true)
    expect(accepted[0]!.peakUnreadBytes).toBe(1_500)
  })

  it('freeze: nothing reaches or leaves the node and its clock stops; thaw delivers everything in order', async () => {
    const { clock, net, a, accepted } = pair()
    const ours = await a.dial('node-b', [], PROTOCOL)
    await Promise.resolve()
    const theirs = accepted[0]!
    const b = net.get('node-b')
    let beats = 0
    b.clock.every(500, () => { beats++ })
    net.freeze('node-b')
    await ours.send(Uint8Array.of(1, 2))
    await theirs.send(Uint8Array.of(9))
    ours.abort(new Error('gave up on node-b'))
    await clock.advance(5_000)
    expect(beats).toBe(0)
    expect(theirs.reader.bufferedBytes).toBe(0)
    expect(ours.reader.bufferedBytes).toBe(0)
    expect(theirs.isClosed).toBe(false)
    // A dial to a frozen node waits, and the dialler gives up after 10 s.
    const dial = a.dial('node-b', [], PROTOCOL)
    dial.catch(() => {})
    await clock.advance(10_000)
    await expect(dial).rejects.toThrow(/timed out/)
    net.thaw('node-b')
    // What it was sent before the reset arrives, then the reset.
    expect(theirs.reader.bufferedBytes).toBe(2)
    expect(theirs.isClosed).toBe(true)
    await expect(theirs.reader.readExact(2)).rejects.toThrow(/reset/)
    await clock.advance(100)
    expect(beats).toBe(1)
  })

  it('kill: its peers read the end of the stream, its own channels fail, dials are refused', async () => {
    const { net, a, b, accepted } = pair()
    void a.handle(CONTROL_PROTOCOL, () => {})
    const ours = await a.dial('node-b', [], PROTOCOL)
    await Promise.resolve()
    const theirs = accepted[0]!
    net.kill('node-b')
    expect(await readControl(ours)).toBeNull()
    await expect(readControl(theirs)).rejects.toThrow(/node-b was killed/)
    await expect(a.dial('node-b', [], PROTOCOL)).rejects.toThrow(/refused/)
    await expect(b.dial('node-a', [], CONTROL_PROTOCOL)).rejects.toThrow(/stopped/)
  })
})
