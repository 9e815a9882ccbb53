// The node's control link: when the coordinator ends a node's part, a write
// that fails on the closed stream reports the coordinator's reason (CI saw
// "Cannot write to a stream that is closed" from a node told it restarted).

import { describe, expect, it } from 'vitest'
import { ControlLink, SEND_FAILURE_GRACE_MS } from '../../src/agent/control-link.js'
import { isRingcastError } from '../../src/errors.js'
import type { Channel } from '../../src/net/channel.js'
import { closeWithReason, readControl, sendControl } from '../../src/net/control-stream.js'
import { CONTROL_PROTOCOL, PROTOCOL_VERSION } from '../../src/wire/protocol.js'
import { FakeClock } from '../support/fake-clock.js'
import { MemoryNetwork } from '../support/memory-network.js'

const JOIN = {
  protocolVersion: PROTOCOL_VERSION, name: 'n1', token: '', targetPath: '/dev/null', targetSize: 1 << 20, targetGrowable: false,
  listenPort: 0, listenAddrs: [], prefixLength: 0, linkBitsPerSecond: 0, dataPort: 0
}

/** A node joined to a fake coordinator that answers with a Welcome; `coordinator` is its end of the stream. */
async function joined () {
  const clock = new FakeClock()
  const net = new MemoryNetwork(clock)
  const coord = net.node('coord')
  const node = net.node('node')
  const accepted = Promise.withResolvers<Channel>()
  await coord.handle(CONTROL_PROTOCOL, channel => {
    void (async () => {
      await readControl(channel)
      await sendControl(channel, { welcome: { sessionId: new Uint8Array(16), imageName: 'img', imageSize: 1 << 20, blockSize: 65_536, windowBytes: 1 << 20, dataPlane: 0 } })
      accepted.resolve(channel)
    })()
  })
  const link = await ControlLink.connect(node, coord.addrs[0]!, 1_000, node.clock, () => {})
  await link.join(JOIN)
  return { clock, net, link, coordinator: await accepted.promise }
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
})
