// serve --state: what is kept of a session, read back only if every field a
// restart relies on checks; a changed image, another block size or window
// is never re-adopted; one serve per state directory.

import { mkdtemp, rm, writeFile, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { isRingcastError } from '../../src/errors.js'
import type { Member } from '../../src/coordinator/member.js'
import { imagesChanged, memberOf, notConnected, paramsChanged, recordOf, stampImages, StateStore, stateProblem, type SessionState } from '../../src/coordinator/session-state.js'

async function tempDir (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ringcast-state-'))
  onTestFinished(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}

function member (over: Partial<Member> = {}): Member {
  return {
    peerId: 'peer-a', name: 'a', address: '/ip4/127.0.0.1/tcp/1', dialAddrs: ['/ip4/127.0.0.1/tcp/1'], dataHosts: ['127.0.0.1'], dataPort: 9,
    targetPath: '/dev/sdb', channel: notConnected('peer-a', ''), state: 'running', position: 0, writtenThrough: 1024, bytesReceived: 2048,
    resumedFrom: 0, joinedLate: false, restarts: 0, firstJoinedAt: 5, lastHeardAt: 6, upstreamPeer: 'source', downstreamPeers: ['peer-b'],
    depth: 1, background: false, unwrittenBytes: 0, ...over
  }
}

function state (members: Member[]): SessionState {
  return { format: 'ringcast-session 1', sessionId: 'ab'.repeat(16), imageSize: 1 << 20, blockSize: 65_536, windowBytes: 1 << 20, dataPlane: 'encrypted', token: 't', images: [], started: true, startedAt: 1, chainLength: 2, ended: false, members: members.map(recordOf) }
}

describe('session state (serve --state)', () => {
  it('a member survives the round trip through JSON: place, counters, outcome and digest', () => {
    const m = member({ state: 'done', verified: true, digest: new Uint8Array(32).fill(3), identity: { state: 'waiting', deadline: 99 } })
    const back = memberOf(JSON.parse(JSON.stringify(recordOf(m))), notConnected('peer-a', ''), 1234)
    expect(back.upstreamPeer).toBe('source')
    expect(back.downstreamPeers).toEqual(['peer-b'])
    expect(back.writtenThrough).toBe(1024)
    expect(back.verified).toBe(true)
    expect(Buffer.from(back.digest!)).toEqual(Buffer.alloc(32, 3))
    expect(back.identity).toEqual({ state: 'waiting', reason: undefined, deadline: 1234 })
    expect(back.channel.isClosed).toBe(true)
    expect(stateProblem(JSON.parse(JSON.stringify(state([m]))) as SessionState)).toBeUndefined()
  })

  it('a state with a field a restart relies on missing or wrong is not one', () => {
    const good = state([member()])
    const broken: Array<[string, unknown]> = [
      ['format', { ...good, format: 'other' }],
      ['session id', { ...good, sessionId: 'xyz' }],
      ['imageSize', { ...good, imageSize: -1 }],
      ['member state', { ...good, members: [{ ...good.members[0], state: 'dancing' }] }],
      ['topology', { ...good, members: [{ ...good.members[0], downstreamPeers: 'peer-b' }] }],
      ['counter', { ...good, members: [{ ...good.members[0], writtenThrough: 'lots' }] }]
    ]
    for (const [what, s] of broken) expect(stateProblem(s as SessionState), what).toBeDefined()
  })

  it('a changed image, block size, window or data plane is not the kept session', async () => {
    const dir = await tempDir()
    const path = join(dir, 'img')
    await writeFile(path, 'x'.repeat(100))
    const [before] = await stampImages([path])
    expect(imagesChanged([before!], [before!])).toBeUndefined()
    await writeFile(path, 'y'.repeat(101))
    const [after] = await stampImages([path])
    expect(imagesChanged([before!], [after!])).toMatch(/changed since the session began/)
    expect(imagesChanged([before!], [{ ...before!, path: '/other' }])).toMatch(/written for image/)
    const s = state([])
    expect(paramsChanged(s, { blockSize: 65_536, windowBytes: 1 << 20 }, 'encrypted')).toBeUndefined()
    expect(paramsChanged(s, { blockSize: 4096, windowBytes: 1 << 20 }, 'encrypted')).toMatch(/65536-byte blocks/)
    expect(paramsChanged(s, { blockSize: 65_536, windowBytes: 1 << 21 }, 'encrypted')).toMatch(/window/)
    expect(paramsChanged(s, { blockSize: 65_536, windowBytes: 1 << 20 }, 'libp2p')).toMatch(/data plane/)
    await expect(stampImages(['-'])).rejects.toThrow(/standard input/)
  })

  it('the store: 0600, written atomically, read back; a second serve on the same directory is refused; garbage is a usage error', async () => {
    const dir = await tempDir()
    const store = await StateStore.open(dir, () => {})
    expect(await store.load()).toBeUndefined()
    store.save(state([member()]))
    store.save(state([member(), member({ peerId: 'peer-b', name: 'b' })]))
    await store.flush()
    expect(((await stat(store.path)).mode & 0o777).toString(8)).toBe('600')
    expect((await store.load())?.members.map(m => m.name)).toEqual(['a', 'b'])
    const err = await StateStore.open(dir, () => {}).catch(e => e)
    expect(isRingcastError(err, 'USAGE') && /in use by another serve \(pid \d+\)/.test(String(err))).toBe(true)
    await store.close()
    await writeFile(join(dir, 'session.json'), '{"format": "ringcast-session 1"')
    const again = await StateStore.open(dir, () => {})
    onTestFinished(async () => { await again.close() })
    await expect(again.load()).rejects.toThrow(/is not a ringcast session state .*remove it or give another --state/)
  })
})
