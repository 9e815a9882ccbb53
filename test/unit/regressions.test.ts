import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ByteReader } from '../../src/wire/framing.js'
import { encodeAck, encodeBlockHeader, printable } from '../../src/wire/messages.js'
import { BlockReceiver } from '../../src/relay/block-receiver.js'
import { BlockSender } from '../../src/relay/block-sender.js'
import { HashIndex } from '../../src/relay/hash-index.js'
import type { Channel } from '../../src/net/channel.js'
import { signImage } from '../support/signed-image.js'

describe('regressions', () => {
  it('a peer-supplied name cannot split a log line (newlines and escapes become ?)', () => {
    expect(printable('evil\nringcast: all 100 nodes verified\u001b[2J')).toBe('evil?ringcast: all 100 nodes verified?[2J')
    expect(printable('x'.repeat(500), 64)).toHaveLength(65)
  })

  it('an ack that arrives before send() resolves is accepted (sentThrough advances before sending)', async () => {
    const params = { sessionId: new Uint8Array(16), imageSize: 8192, blockSize: 4096, windowBytes: 8192 }
    const { batches } = signImage(new Uint8Array(8192), params)
    const reader = new ByteReader()
    let pushedAck = false
    const channel: Channel = {
      remotePeer: 'peer',
      remoteAddr: '/ip4/127.0.0.1/tcp/1',
      reader,
      // A downstream so fast that its ack for the payload lands inside send().
      async send (bytes) {
        if (bytes.byteLength === 4096 && !pushedAck) { pushedAck = true; reader.push(encodeAck({ writtenThrough: 4096 })) }
        await new Promise(resolve => setTimeout(resolve, 5))
      },
      async closeWrite () {},
      abort () {},
      closed: new Promise(() => {}),
      isClosed: false
    }
    const sender = new BlockSender(channel, { ...params, batches })
    reader.push(encodeAck({ writtenThrough: 0, hashesFrom: 0 })) // the downstream's answer to HELLO: start at 0, send every batch
    await sender.start()
    await sender.sendBlock(0, new Uint8Array(4096))
    await sender.waitAcked(4096)
    expect(sender.failure).toBeUndefined()
    expect(sender.ackedThrough).toBe(4096)
    expect(sender.batchesSent).toBe(1)
  })

  // Regression: a batch "copied" with Buffer#slice was a view that pinned the
  // whole received chunk (see relay-memory-bound.test.ts).
  it('a hash batch that arrived in a Buffer chunk is kept as its own copy, not a view that pins the chunk', async () => {
    const params = { sessionId: randomBytes(16), imageSize: 8192, blockSize: 4096, windowBytes: 8192 }
    const signed = signImage(randomBytes(8192), params)
    const reader = new ByteReader()
    const channel = { remotePeer: 'up', remoteAddr: '/memory/up', reader, async send () {}, async closeWrite () {}, abort () {}, closed: new Promise<void>(() => {}), isClosed: false }
    const hashes = new HashIndex(params)
    const receiver = new BlockReceiver(channel, { ...params, verifier: signed.verifier, hashes })
    const batch = signed.batchList[0]!
    // HELLO and the batch in one 64 KiB Buffer, as a stream delivers them.
    const chunk = Buffer.alloc(65_536)
    let at = 0
    for (const frame of [
      encodeBlockHeader({ kind: 'hello', sessionId: params.sessionId, offset: 0, length: 0, hash: new Uint8Array() }),
      encodeBlockHeader({ kind: 'hashes', sessionId: params.sessionId, offset: 0, length: 0, hash: new Uint8Array(), firstBlock: 0, hashes: batch.hashes, contents: batch.contents, signature: batch.signature })
    ]) at += Buffer.from(frame).copy(chunk, at)
    reader.push(chunk.subarray(0, at))
    await receiver.hello(0)
    expect((await receiver.next()).kind).toBe('hashes')
    const kept = await hashes.batch(0)
    expect(kept.hashes.buffer.byteLength).toBe(kept.hashes.byteLength)
    expect(kept.signature.buffer.byteLength).toBe(kept.signature.byteLength)
  })
})

// docs/runtime-facts.md, "V8's young generation on Node 22 and 24".
describe('node flags', () => {
  it('the CLI shebang and the flags local processes start with agree (a node over 200 MB RSS on Node 24 without them)', async () => {
    const { readFile } = await import('node:fs/promises')
    const { NODE_FLAGS } = await import('../../cli/local-cluster.js')
    const shebang = (await readFile(new URL('../../cli/ringcast.ts', import.meta.url), 'utf8')).split('\n')[0]!
    expect(shebang).toBe(`#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`)
  })
})

describe('--min-nodes and --allow-failures', () => {
  it('validates both flags', async () => {
    const { DEFAULTS, validateConfig } = await import('../../src/coordinator/config.js')
    const base = { ...DEFAULTS, images: [{ name: '', path: '/x' }], keyPath: '/k', token: '', nodes: 4 }
    expect(() => validateConfig({ ...base, minNodes: 0 })).toThrow(/--min-nodes must be at least 1/)
    expect(() => validateConfig({ ...base, minNodes: 5 })).toThrow(/--min-nodes \(5\) cannot exceed --nodes \(4\)/)
    expect(() => validateConfig({ ...base, allowFailures: -1 })).toThrow(/--allow-failures must be 0 or more/)
    expect(() => validateConfig({ ...base, minNodes: 4, allowFailures: 3 })).not.toThrow()
  })

  it('a report is ok with up to --allow-failures failed nodes, never with none verified', async () => {
    const { buildReport } = await import('../../src/coordinator/report.js')
    const member = (name: string, state: 'done' | 'failed'): never => ({
      peerId: name, name, address: '/ip4/198.18.0.1/tcp/1', dialAddrs: [], targetPath: '/t', channel: {} as never,
      state, position: 0, writtenThrough: 10, bytesReceived: 10, lastHeardAt: 0, upstreamPeer: '', downstreamPeers: [], depth: 1,
      verified: state === 'done', reason: state === 'failed' ? 'killed' : undefined
    }) as never
    const args = { image: 'i', imageBytes: 10, sha256: new Uint8Array(32), blockBytes: 4096, startedAt: 0, endedAt: 1000 }
    expect(buildReport({ ...args, members: [member('a', 'done'), member('b', 'failed')] }).ok).toBe(false)
    expect(buildReport({ ...args, members: [member('a', 'done'), member('b', 'failed')], allowFailures: 1 }).ok).toBe(true)
    expect(buildReport({ ...args, members: [member('b', 'failed')], allowFailures: 1 }).ok).toBe(false)
  })
})
