// Slabs (src/net/slabs.ts) and socket reads into them (in-place-reads.ts):
// a slab is used again only once nothing holds it, reads land in slabs on
// every Node version we support, and a reader that keeps views for a while,
// as a relay does, gets every byte right while slabs go round the pool.

import { createHash, randomFillSync } from 'node:crypto'
import net from 'node:net'
import { describe, expect, it, onTestFinished } from 'vitest'
import { readInPlace, readsInPlace } from '../../src/net/in-place-reads.js'
import { SLAB_BYTES, SlabPool, slabs } from '../../src/net/slabs.js'
import { ByteReader } from '../../src/wire/framing.js'

describe('SlabPool', () => {
  it('gives a slab out again only once it is retired and every hold is released', () => {
    const pool = new SlabPool()
    const a = pool.take()
    const view = [a.subarray(10, 20), a.subarray(100, 200)]
    pool.hold(view)
    pool.retire(a)
    const b = pool.take()
    expect(b.buffer).not.toBe(a.buffer)
    pool.release(view)
    expect(pool.freeCount).toBe(1)
    expect(pool.take().buffer).toBe(a.buffer)
    expect(pool.reused).toBe(1)
  })

  it('skips a slab held again after it went back to the pool, and takes it once released', () => {
    const pool = new SlabPool()
    const a = pool.take()
    pool.retire(a)
    // A keeper took it in the same tick it came back (a forwarder fetching a replayed block).
    pool.hold([a.subarray(0, 8)])
    expect(pool.take().buffer).not.toBe(a.buffer)
    pool.release([a.subarray(0, 8)])
    expect(pool.take().buffer).toBe(a.buffer)
  })

  it('ignores chunks that are not slabs, and refuses a release with no hold', () => {
    const pool = new SlabPool()
    pool.hold([Buffer.alloc(8)])
    pool.release([Buffer.alloc(8)])
    const a = pool.take()
    expect(() => { pool.release([a]) }).toThrow(/more often than held/)
  })
})

/** A connected pair on 127.0.0.1; `server` is the accepted side, paused, as the data plane hands it on. */
async function socketPair (): Promise<{ client: net.Socket, server: net.Socket }> {
  const srv = net.createServer({ pauseOnConnect: true, allowHalfOpen: true })
  await new Promise<void>(resolve => srv.listen(0, '127.0.0.1', resolve))
  const accepted = new Promise<net.Socket>(resolve => srv.once('connection', resolve))
  const client = net.connect((srv.address() as net.AddressInfo).port, '127.0.0.1')
  const server = await accepted
  onTestFinished(() => { client.destroy(); server.destroy(); srv.close() })
  return { client, server }
}

describe('readInPlace', () => {
  it('is available on this Node version (20, 22 and 24 all have it; a silent fallback would cost ~1 CPU-s/GB)', () => {
    expect(readsInPlace()).toBe(true)
  })

  it('delivers 48 MiB in order into recycled slabs while the reader keeps up to 12 MiB of views held for a while', async () => {
    const { client, server } = await socketPair()
    const reader = new ByteReader()
    reader.maxBufferedBytes = 64 * SLAB_BYTES
    const before = { created: slabs.created, reused: slabs.reused }
    expect(readInPlace(server, reader)).toBe(true)
    server.on('end', () => { reader.end() })
    server.resume()

    const total = 48 * SLAB_BYTES
    const sent = createHash('sha256')
    void (async () => {
      for (let at = 0; at < total;) {
        const n = Math.min(total - at, 1 + Math.floor(Math.random() * 300_000))
        const chunk = randomFillSync(Buffer.alloc(n))
        sent.update(chunk)
        at += n
        if (!client.write(chunk)) await new Promise(resolve => client.once('drain', resolve))
      }
      client.end()
    })()

    // Keep each 1 MiB read held (as the write queue and replay buffer do)
    // until 12 MiB later, and check its bytes then: a slab given out again
    // too early would have been overwritten by then.
    const got = createHash('sha256')
    const kept: Array<{ chunks: Uint8Array[], digest: string }> = []
    const digestOf = (chunks: Uint8Array[]): string => { const h = createHash('sha256'); for (const c of chunks) h.update(c); return h.digest('hex') }
    for (let at = 0; at < total;) {
      const chunks = await reader.readChunks(Math.min(SLAB_BYTES, total - at))
      slabs.hold(chunks)
      for (const c of chunks) got.update(c)
      at += chunks.reduce((n, c) => n + c.byteLength, 0)
      kept.push({ chunks, digest: digestOf(chunks) })
      if (kept.length > 12) {
        const old = kept.shift()!
        expect(digestOf(old.chunks)).toBe(old.digest)
        slabs.release(old.chunks)
      }
      if (Math.random() < 0.1) await new Promise(resolve => setTimeout(resolve, 1))
    }
    for (const k of kept) { expect(digestOf(k.chunks)).toBe(k.digest); slabs.release(k.chunks) }
    expect(got.digest('hex')).toBe(sent.digest('hex'))
    expect(await reader.readFrame(8)).toBeNull()
    // Slabs went round: far fewer made than the 48 MiB read.
    expect(slabs.reused - before.reused).toBeGreaterThan(10)
    expect(slabs.created - before.created).toBeLessThan(30)
  })

  it('pushes what the socket buffered before the switch first', async () => {
    const { client, server } = await socketPair()
    client.write('hello ')
    // Let the stream buffer it the ordinary way first.
    await new Promise(resolve => server.once('readable', resolve))
    expect(server.readableLength).toBeGreaterThan(0)
    const reader = new ByteReader()
    expect(readInPlace(server, reader)).toBe(true)
    server.on('end', () => { reader.end() })
    server.resume()
    client.end('world')
    const out = await reader.readChunks(11)
    expect(Buffer.concat(out).toString()).toBe('hello world')
  })
})
