// The live view's server (src/web/live-view.ts) over real HTTP on
// 127.0.0.1:0, fed made-up snapshots on a fake clock: SSE framing, what a
// client gets and when, its bounds (client limit, a client that does not
// read), 404/405/413, the snapshot JSON; and --web's parsing.

import { request, type IncomingMessage } from 'node:http'
import { connect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { parseWebAddress } from '../../cli/web-mode.js'
import type { SessionReport } from '../../src/coordinator/report.js'
import type { MemberSnapshot, SessionSnapshot } from '../../src/coordinator/snapshot.js'
import { LiveView, type LiveViewConfig } from '../../src/web/live-view.js'
import { SessionView } from '../../src/web/session-view.js'
import { sseFrame } from '../../src/web/sse.js'
import { expectUsage } from '../support/expect-usage.js'
import { FakeClock } from '../support/fake-clock.js'

const MiB = 1_048_576

const member = (over: Partial<MemberSnapshot>): MemberSnapshot => ({
  peerId: 'p1', name: 'n1', address: '/ip4/127.0.0.1/tcp/1', target: '/tmp/t', state: 'running', downstreams: [],
  position: 0, depth: 1, background: false, bytes: 0, restarts: 0, resumedFrom: 0, joinedLate: false, ...over
})

function session (members: MemberSnapshot[], phase: SessionSnapshot['phase'] = 'running'): SessionSnapshot {
  return { phase, imageBytes: 64 * MiB, blockBytes: MiB, expectedNodes: members.length, elapsedMs: 0, members }
}

let views: LiveView[] = []
afterEach(async () => {
  await Promise.all(views.map(async v => { await v.close() }))
  views = []
})

async function start (snapshot: () => SessionSnapshot, config: Partial<LiveViewConfig> = {}, clock = new FakeClock(), log?: (l: string) => void): Promise<{ view: LiveView, clock: FakeClock }> {
  const view = await LiveView.start({ host: '127.0.0.1', port: 0, ...config }, { snapshot, clock, log })
  views.push(view)
  return { view, clock }
}

interface Reply { status: number, headers: IncomingMessage['headers'], body: string }

async function fetchText (url: string, options: { method?: string, body?: string } = {}): Promise<Reply> {
  return await new Promise((resolve, reject) => {
    const headers = options.body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(options.body)) }
    const req = request(url, { method: options.method ?? 'GET', headers }, res => {
      let body = ''
      res.setEncoding('utf8').on('data', (d: string) => { body += d }).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

/** An event stream, parsed as it arrives. */
interface Stream { status: number, events: Array<{ event: string, data: string }>, raw: () => string, ended: Promise<void>, close: () => void }

async function openEvents (url: string): Promise<Stream> {
  return await new Promise((resolve, reject) => {
    const req = request(`${url}events`, res => {
      let raw = ''
      const events: Stream['events'] = []
      let pending = ''
      const ended = new Promise<void>(resolve => res.on('end', resolve).on('close', resolve))
      res.setEncoding('utf8').on('data', (d: string) => {
        raw += d
        pending += d
        let end: number
        while ((end = pending.indexOf('\n\n')) >= 0) {
          const block = pending.slice(0, end)
          pending = pending.slice(end + 2)
          const lines = block.split('\n')
          const event = lines.find(l => l.startsWith('event: '))?.slice(7)
          if (event !== undefined) events.push({ event, data: lines.filter(l => l.startsWith('data: ')).map(l => l.slice(6)).join('\n') })
        }
      })
      resolve({ status: res.statusCode!, events, raw: () => raw, ended, close: () => req.destroy() })
    })
    req.on('error', reject)
    req.end()
  })
}

async function until (condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise(resolve => setTimeout(resolve, 5))
  if (!condition()) throw new Error(`timed out waiting for ${what}`)
}

describe('SSE framing', () => {
  it('is an event line, one data line per line of data, and a blank line', () => {
    expect(sseFrame('log', '{"a":1}')).toBe('event: log\ndata: {"a":1}\n\n')
    expect(sseFrame('log', 'a\nb\r\nc')).toBe('event: log\ndata: a\ndata: b\ndata: c\n\n')
    expect(() => sseFrame('a\nb', 'x')).toThrow(/no line breaks/)
  })
})

describe('the live view server', () => {
  it('serves the page with its CSP, state.json, and 404, 405 and 413 for anything else', async () => {
    const { view } = await start(() => session([member({ name: 'n1', bytes: 3 * MiB })]))
    const page = await fetchText(view.url)
    expect(page.status).toBe(200)
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.headers['content-security-policy']).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-/)
    expect(page.body).toMatch(/^<!doctype html>/)
    expect(page.body).not.toMatch(/src="http|href="http/)
    const head = await fetchText(view.url, { method: 'HEAD' })
    expect([head.status, head.body]).toEqual([200, ''])

    const state = await fetchText(`${view.url}state.json`)
    expect(state.headers['content-type']).toBe('application/json; charset=utf-8')
    const json = JSON.parse(state.body) as { snapshot: { nodes: Array<{ name: string, bytes: number }>, overall: { nodes: number } }, failures: unknown[], logs: unknown[], report: unknown }
    expect(json.snapshot.nodes.map(n => [n.name, n.bytes])).toEqual([['n1', 3 * MiB]])
    expect(json.snapshot.overall.nodes).toBe(1)
    expect([json.failures, json.logs, json.report]).toEqual([[], [], null])

    expect((await fetchText(`${view.url}nope`)).status).toBe(404)
    const post = await fetchText(view.url, { method: 'POST' })
    expect([post.status, post.headers.allow]).toEqual([405, 'GET, HEAD'])
    expect((await fetchText(`${view.url}state.json`, { body: 'x'.repeat(100) })).status).toBe(413)
  })

  it('streams hello, then snapshots on the clock, each failure once, log lines, the report and end', async () => {
    let members = [member({ peerId: 'p1', name: 'n1' }), member({ peerId: 'p2', name: 'n2', upstream: 'p1', position: 1, depth: 2 })]
    const { view, clock } = await start(() => session(members))
    const stream = await openEvents(view.url)
    expect(stream.status).toBe(200)
    await until(() => stream.events.length >= 1, 'hello')
    expect(stream.raw()).toMatch(/^retry: 2000\n\nevent: hello\n/)
    expect(stream.events[0]!.event).toBe('hello')

    // Twice a second: a snapshot, with the rate from the bytes between them.
    members = members.map(m => ({ ...m, bytes: 8 * MiB }))
    await clock.advance(500)
    members = members.map(m => ({ ...m, bytes: 16 * MiB }))
    await clock.advance(500)
    await until(() => stream.events.filter(e => e.event === 'snapshot').length >= 2, 'two snapshots')
    const last = JSON.parse(stream.events.at(-1)!.data) as { nodes: Array<{ name: string, bytesPerSecond: number, upstreamName?: string }> }
    expect(last.nodes.map(n => [n.name, n.upstreamName, n.bytesPerSecond])).toEqual([['n1', undefined, 16 * MiB], ['n2', 'n1', 16 * MiB]])

    // n2 fails: one failure event, however many snapshots show it failed.
    members = [members[0]!, { ...members[1]!, state: 'failed', code: 'PEER_GONE', reason: 'lost contact with the node at 16777216 bytes' }]
    await clock.advance(500)
    await clock.advance(500)
    view.log('n2 failed: lost contact')
    view.report({ verified: 1, nodes: [] } as unknown as SessionReport)
    await until(() => stream.events.some(e => e.event === 'report'), 'the report')
    const failures = stream.events.filter(e => e.event === 'failure').map(e => JSON.parse(e.data) as { name: string, code: string, bytes: number })
    expect(failures).toEqual([expect.objectContaining({ name: 'n2', code: 'PEER_GONE', bytes: 16 * MiB })])
    expect(stream.events.filter(e => e.event === 'log').map(e => (JSON.parse(e.data) as { line: string }).line)).toEqual(['n2 failed: lost contact'])

    // A client that connects now gets it all in its hello.
    const late = JSON.parse((await fetchText(`${view.url}state.json`)).body) as { failures: unknown[], logs: unknown[], report: unknown }
    expect([late.failures.length, late.logs.length, late.report]).toEqual([1, 1, { verified: 1, nodes: [] }])

    await view.close()
    await stream.ended
    expect(stream.events.at(-1)!.event).toBe('end')
  })

  it('takes at most maxClients event streams, then 503', async () => {
    const { view } = await start(() => session([]), { maxClients: 2 })
    const a = await openEvents(view.url)
    const b = await openEvents(view.url)
    const c = await fetchText(`${view.url}events`)
    expect([a.status, b.status, c.status]).toEqual([200, 200, 503])
    expect(c.body).toBe('at most 2 event streams at once\n')
    expect(view.clientCount).toBe(2)
    a.close()
    await until(() => view.clientCount === 1, 'the closed stream to go')
    const d = await openEvents(view.url)
    expect(d.status).toBe(200)
    b.close()
    d.close()
  })

  it('drops a client that does not read once maxBufferedBytes wait for it', async () => {
    const logged: string[] = []
    const { view } = await start(() => session([]), { maxBufferedBytes: 65_536 }, new FakeClock(), l => logged.push(l))
    const { port } = new URL(view.url)
    const socket = connect(Number(port), '127.0.0.1')
    socket.write('GET /events HTTP/1.1\r\nHost: x\r\n\r\n')
    await until(() => view.clientCount === 1, 'the stream')
    socket.pause() // reads nothing more: the kernel's buffers fill, then the server's
    const line = 'x'.repeat(1_900)
    for (let i = 0; i < 40_000 && view.clientCount > 0; i++) {
      view.log(line)
      if (i % 200 === 0) await new Promise(resolve => setImmediate(resolve))
    }
    expect(view.clientCount).toBe(0)
    expect(logged).toEqual([expect.stringMatching(/^web: dropped a client that was not reading \(\d+ bytes waited for it\)$/)])
    socket.destroy()
  })

  it('says in one sentence that a port is in use', async () => {
    const { view } = await start(() => session([]))
    const port = Number(new URL(view.url).port)
    const err = await LiveView.start({ host: '127.0.0.1', port }, { snapshot: () => session([]) }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'USAGE', message: `--web 127.0.0.1:${port}: that port is in use; pick another port or stop the program that listens there` })
  })
})

describe('what the view makes of successive snapshots', () => {
  it('rates over the window, a restart starts over, a failure is announced once per run', () => {
    const v = new SessionView({ rateWindowMs: 2_000, maxFailures: 2 })
    const at = (ms: number, bytes: number, over: Partial<MemberSnapshot> = {}): number =>
      v.update(session([member({ bytes, ...over })]), ms).view.nodes[0]!.bytesPerSecond
    expect(at(0, 0)).toBe(0)
    expect(at(500, MiB)).toBe(2 * MiB)
    expect(at(1_000, 3 * MiB)).toBe(3 * MiB)
    // Past the window, the oldest samples go: 2 s from 4 MiB to 12 MiB.
    at(2_000, 4 * MiB)
    expect(at(4_000, 12 * MiB)).toBe(4 * MiB)
    // Restarted (fewer bytes than before): no negative rate, a fresh start.
    expect(at(4_500, MiB, { restarts: 1 })).toBe(0)
    expect(v.update(session([member({ bytes: MiB, state: 'failed', reason: 'gone', restarts: 1 })]), 5_000).failures).toHaveLength(1)
    expect(v.update(session([member({ bytes: MiB, state: 'failed', reason: 'gone', restarts: 1 })]), 5_500).failures).toHaveLength(0)
    expect(at(6_000, 2 * MiB, { state: 'verified' })).toBe(0)
    // Failed again after another restart: announced again; only the newest maxFailures are kept.
    v.update(session([member({ state: 'failed', restarts: 2 })]), 6_500)
    v.update(session([member({ state: 'mismatch', restarts: 3 })]), 7_000)
    expect(v.failures.map(f => f.state)).toEqual(['failed', 'mismatch'])
  })

  it('counts the session as a whole: failed nodes owe nothing', () => {
    const v = new SessionView({ rateWindowMs: 2_000, maxFailures: 10 })
    const { overall } = v.update(session([member({ peerId: 'a', bytes: 64 * MiB, state: 'verified' }), member({ peerId: 'b', bytes: 16 * MiB }), member({ peerId: 'c', bytes: 8 * MiB, state: 'failed' }), member({ peerId: 'd', state: 'waiting' })]), 0).view
    expect(overall).toEqual({ nodes: 4, waiting: 1, running: 1, verified: 1, failed: 1, bytesWritten: 80 * MiB, bytesWanted: 3 * 64 * MiB, bytesPerSecond: 0 })
  })
})

describe('serve --web', () => {
  it('takes PORT (on 127.0.0.1), ADDRESS:PORT and [IPv6]:PORT', () => {
    expect(parseWebAddress('8090')).toEqual({ host: '127.0.0.1', port: 8090 })
    expect(parseWebAddress('0.0.0.0:80')).toEqual({ host: '0.0.0.0', port: 80 })
    expect(parseWebAddress('localhost:0')).toEqual({ host: '127.0.0.1', port: 0 })
    expect(parseWebAddress('[::1]:8090')).toEqual({ host: '::1', port: 8090 })
  })

  it.each(['', 'web', 'example.org:80', '127.0.0.1:65536', '127.0.0.1:', ':80', '::1:80', '[127.0.0.1]:80', '127.0.0.1:80x'])('refuses %j in one sentence', value => {
    expectUsage(() => parseWebAddress(value), `--web must be PORT or ADDRESS:PORT, e.g. 8090 or 127.0.0.1:8090 (got ${value})`)
  })
})
