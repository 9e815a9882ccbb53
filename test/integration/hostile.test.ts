// Invariant 6: a malformed, oversized or hostile message closes that stream
// with a reason; the process survives and the others go on. The hostile peer
// is a real libp2p node (noise-authenticated, just malicious) in this process.

import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Channel } from '../../src/net/channel.js'
import { readControl } from '../../src/net/control-stream.js'
import { dialDataPlane } from '../../src/net/data-plane.js'
import { ephemeralKey } from '../../src/net/identity.js'
import { NetNode } from '../../src/net/node.js'
import { encodeVarint, frame } from '../../src/wire/framing.js'
import { fromWireCode } from '../../src/wire/error-codes.js'
import { encodeControl } from '../../src/wire/messages.js'
import { BLOCKS_PROTOCOL, CONTROL_PROTOCOL } from '../../src/wire/protocol.js'
import { makeImage, makeWorkdir, sha256File, startSession, type Workdir } from '../support/session.js'

const MiB = 1_048_576

async function closedWithin (channel: Channel, ms: number): Promise<boolean> {
  return await Promise.race([channel.closed.then(() => true), new Promise<boolean>(resolve => setTimeout(() => resolve(false), ms))])
}

describe('hostile peers', () => {
  let w: Workdir
  let attacker: NetNode
  beforeAll(async () => {
    w = await makeWorkdir()
    attacker = await NetNode.start({ privateKey: await ephemeralKey(), listen: ['/ip4/127.0.0.1/tcp/0'] })
  })
  afterAll(async () => {
    await attacker.stop()
    await w.remove()
  })

  it('garbage, oversized frames and a wrong version on each protocol are cut off; the clone still verifies', async () => {
    const image = await makeImage(w, 16 * MiB)
    // Paced, so the session outlasts the node's wait for a Plan naming the stranger (PLAN_RACE_MS).
    const session = await startSession(w, image.path, ['--nodes', '2', '--max-rate', '4MB/s'])
    try {
      const coordinatorPeer = /\/p2p\/(\w+)$/.exec(session.joinAddr)![1]!
      const first = session.startNode({ name: 'n1', target: w.path('n1.img'), args: ['--create'] })
      const listening = await first.waitForLine(/listening on (\S+).*; block streams on tcp port (\d+)/)
      const n1Addr = listening[1]!
      const n1DataPort = Number(listening[2])
      const n1Peer = /\/p2p\/(\w+)$/.exec(n1Addr)![1]!

      // 1. A frame of random bytes on the control protocol. (Raw random bytes
      // start with a random length: one of 4-64 KiB is a legal announcement,
      // and the coordinator then rightly waits out its 15 s Join timeout, which
      // made this test flaky. Framing the garbage makes the decoder judge it.)
      const garbage = await attacker.dial(coordinatorPeer, [session.joinAddr], CONTROL_PROTOCOL)
      await garbage.send(frame(randomBytes(4096)))
      expect(await closedWithin(garbage, 10_000)).toBe(true)

      // 2. A length prefix announcing a 100 MB frame: refused before buffering it.
      const oversized = await attacker.dial(coordinatorPeer, [session.joinAddr], CONTROL_PROTOCOL)
      await oversized.send(encodeVarint(100_000_000))
      await oversized.send(randomBytes(1024))
      expect(await closedWithin(oversized, 10_000)).toBe(true)

      // 3. A well-formed Join from another protocol version gets a Refuse with the reason.
      const future = await attacker.dial(coordinatorPeer, [session.joinAddr], CONTROL_PROTOCOL)
      await future.send(encodeControl({ join: { protocolVersion: 99, name: 'future', token: session.token, targetSize: 1e12 } }))
      const reply = await readControl(future, 10_000)
      expect(reply?.kind).toBe('refuse')
      expect(reply?.kind === 'refuse' ? fromWireCode(reply.body.code, 'INTERNAL') : '').toBe('VERSION')

      // 4. Garbage on a node's libp2p block protocol: this session's blocks travel on the data plane.
      // The node may close the stream before the dial's protocol negotiation
      // completes; libp2p then rejects the dial (seen on Node 22 in CI:
      // "Cannot push data onto a stream that is closed"). Either way it is cut off.
      const blocks = await attacker.dial(n1Peer, [n1Addr], BLOCKS_PROTOCOL).catch(() => undefined)
      await blocks?.send(randomBytes(8192)).catch(() => {})

      // 5. The node's data-plane port: raw garbage, then a TLS and a plain
      // handshake for a hop it does not expect, with a key it never got.
      const raw = connect(n1DataPort, '127.0.0.1')
      raw.on('error', () => {})
      raw.write(randomBytes(8192))
      const rawClosed = await Promise.race([once(raw, 'close').then(() => true), new Promise<boolean>(resolve => setTimeout(() => resolve(false), 15_000))])
      expect(rawClosed).toBe(true)
      for (const mode of ['encrypted', 'integrity-only'] as const) {
        await expect(dialDataPlane([{ host: '127.0.0.1', port: n1DataPort }], { id: 'not-a-hop', key: randomBytes(32), peer: n1Peer }, mode, { timeoutMs: 15_000 }))
          .rejects.toMatchObject({ code: 'UNREACHABLE' })
      }

      // The session goes on: the second node joins and both verify.
      session.startNode({ name: 'n2', target: w.path('n2.img'), args: ['--create'] })
      if (blocks !== undefined) expect(await closedWithin(blocks, 30_000)).toBe(true)
      const { exit, report, nodeExits } = await session.finish()
      expect(exit).toBe(0)
      expect(nodeExits).toEqual([0, 0])
      expect(report.nodes.map(n => n.status)).toEqual(['OK', 'OK'])
      expect(report.nodes.map(n => n.name).sort()).toEqual(['n1', 'n2'])
      expect(await sha256File(w.path('n1.img'))).toBe(image.sha256)
      expect(await sha256File(w.path('n2.img'))).toBe(image.sha256)

      const log = session.coordinator.stderr()
      expect(log).toMatch(/closed control stream from .*malformed control message|closed control stream from .*exceeds the limit/)
      expect(log).toMatch(/frame of 100000000 bytes exceeds the limit/)
      expect(log).toMatch(/refused future .*protocol 99/)
      expect(first.stderr()).toMatch(/refused a libp2p block stream from .*travel on the data plane/)
    } finally {
      session.kill()
    }
  })
})
