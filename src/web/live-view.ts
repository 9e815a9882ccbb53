// The live view of a session (serve --web ADDR:PORT): a small HTTP server
// beside the coordinator, on the one address it is told.
//
//   GET /            the page (page.ts): topology, nodes, failures, report
//   GET /events      Server-Sent Events: hello (everything so far), then
//                    snapshot (about twice a second), failure, log, report, end
//   GET /state.json  the latest snapshot, the failures and the report
//
// Only GET and HEAD; no request body; at most maxClients event streams;
// a client that does not read is dropped (sse.ts). It polls the
// coordinator's snapshot() on the injected clock, works out rates and
// failures from successive snapshots (session-view.ts), and stays up until
// close(), after the report too.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { systemClock, type Cancel, type Clock } from '../clock.js'
import type { SessionSnapshot } from '../coordinator/snapshot.js'
import type { SessionReport } from '../coordinator/report.js'
import { RingcastError, errorMessage } from '../errors.js'
import { PAGE_CSP, PAGE_HTML } from './page.js'
import { SessionView, type LiveSnapshot } from './session-view.js'
import { SseClients, sseFrame } from './sse.js'

export interface LiveViewConfig {
  /** An IP address to listen on (127.0.0.1 unless told otherwise). */
  host: string
  /** 0: any free port (url says which). */
  port: number
  /** How often the coordinator's snapshot is read and sent: twice a second, as the CLI's progress bar. */
  pollMs?: number
  /** Event streams at once: a handful of operators' browsers, with room to spare. */
  maxClients?: number
  /** A client with this much unsent is not reading (a few snapshots of a large session). */
  maxBufferedBytes?: number
  /** A client with more than this unsent skips a snapshot (the next one supersedes it). */
  snapshotBelowBytes?: number
  /** Rates are averaged over this long. */
  rateWindowMs?: number
  /** Log lines kept for a client that connects later. */
  maxLogLines?: number
  /** Failures kept for a client that connects later. */
  maxFailures?: number
  /** A comment line this often keeps idle proxies and dead sockets honest. */
  keepaliveMs?: number
}

const DEFAULTS: Required<Omit<LiveViewConfig, 'host' | 'port'>> = {
  pollMs: 500,
  maxClients: 32,
  maxBufferedBytes: 1_048_576,
  snapshotBelowBytes: 65_536,
  rateWindowMs: 2_000,
  maxLogLines: 200,
  maxFailures: 1_000,
  keepaliveMs: 15_000
}

/** A log line longer than this is cut (lines carry names and reasons the nodes sent). */
const MAX_LOG_LINE_CHARS = 2_000
/** Plain connections (page, state.json) beside the event streams. */
const SPARE_CONNECTIONS = 16

export interface LiveViewParts {
  snapshot: () => SessionSnapshot
  clock?: Clock
  /** Where the view says what it did (a dropped client). */
  log?: (line: string) => void
}

interface LogEntry { line: string, elapsedMs: number }

export class LiveView {
  private readonly config: Required<LiveViewConfig>
  private readonly view: SessionView
  private readonly clients: SseClients
  private readonly logs: LogEntry[] = []
  private latest: LiveSnapshot
  private finalReport?: SessionReport
  private readonly stops: Cancel[] = []
  private closed = false
  private url_ = ''

  private constructor (config: LiveViewConfig, private readonly parts: Required<LiveViewParts>, private readonly server: Server) {
    this.config = validateLiveViewConfig(config)
    this.view = new SessionView({ rateWindowMs: this.config.rateWindowMs, maxFailures: this.config.maxFailures })
    this.clients = new SseClients(this.config, why => parts.log(`web: dropped a client that was not reading (${why})`))
    this.latest = this.view.update(parts.snapshot(), parts.clock.now()).view
  }

  /** Listen on `config.host:port`; a port in use or an address this machine lacks is a USAGE error in one sentence. */
  static async start (config: LiveViewConfig, parts: LiveViewParts): Promise<LiveView> {
    const server = createServer()
    const live = new LiveView(config, { clock: systemClock, log: () => {}, ...parts }, server)
    server.maxConnections = live.config.maxClients + SPARE_CONNECTIONS
    await new Promise<void>((resolve, reject) => {
      server.once('error', err => reject(listenError(err, config)))
      server.listen(config.port, config.host, () => resolve())
    })
    server.on('error', err => live.parts.log(`web: ${errorMessage(err)}`))
    server.on('request', (req, res) => live.handle(req, res))
    const { address, port } = server.address() as AddressInfo
    live.url_ = `http://${address.includes(':') ? `[${address}]` : address}:${port}/`
    live.stops.push(live.parts.clock.every(live.config.pollMs, () => live.poll()))
    live.stops.push(live.parts.clock.every(live.config.keepaliveMs, () => live.clients.send(': keepalive\n\n')))
    return live
  }

  /** Where the page is, e.g. http://127.0.0.1:8090/. */
  get url (): string { return this.url_ }
  get clientCount (): number { return this.clients.size }

  /** A log line of the session, for the page's log. */
  log (line: string): void {
    if (this.closed) return
    const entry = { line: line.length > MAX_LOG_LINE_CHARS ? `${line.slice(0, MAX_LOG_LINE_CHARS)}…` : line, elapsedMs: this.latest.elapsedMs }
    this.logs.push(entry)
    if (this.logs.length > this.config.maxLogLines) this.logs.shift()
    this.clients.send(sseFrame('log', JSON.stringify(entry)))
  }

  /** The session's report (what serve --json prints): the last snapshot first, so the page's table agrees with it. */
  report (report: SessionReport): void {
    if (this.closed) return
    this.poll()
    this.finalReport = report
    this.clients.send(sseFrame('report', JSON.stringify(report)))
  }

  /** Tell every client the session's server stops, and stop. */
  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const stop of this.stops) stop()
    this.clients.endAll(sseFrame('end', '{}'))
    await new Promise<void>(resolve => {
      this.server.close(() => resolve())
      // Ended streams flush, then close; a socket still open a moment later is cut.
      this.server.closeIdleConnections()
      setTimeout(() => this.server.closeAllConnections(), 200).unref()
    })
  }

  /** Read the coordinator's snapshot; send it and any new failure. */
  poll (): void {
    if (this.closed) return
    const { view, failures } = this.view.update(this.parts.snapshot(), this.parts.clock.now())
    this.latest = view
    for (const f of failures) {
      this.clients.send(sseFrame('failure', JSON.stringify(f)))
    }
    this.clients.sendSnapshot(sseFrame('snapshot', JSON.stringify(view)))
  }

  private state (): object {
    return { snapshot: this.latest, failures: this.view.failures, logs: this.logs, report: this.finalReport ?? null }
  }

  private handle (req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'only GET and HEAD\n', { Allow: 'GET, HEAD' })
    // Nothing here takes a body: a request that brings one is refused before it is read.
    if (Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined) return reply(res, 413, 'no request body is accepted\n', { Connection: 'close' })
    const path = new URL(req.url ?? '/', 'http://x').pathname
    switch (path) {
      case '/':
        return reply(res, 200, PAGE_HTML, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': PAGE_CSP })
      case '/state.json':
        return reply(res, 200, `${JSON.stringify(this.state())}\n`, { 'Content-Type': 'application/json; charset=utf-8' })
      case '/events':
        if (req.method === 'HEAD') return reply(res, 200, '', { 'Content-Type': 'text/event-stream; charset=utf-8' })
        if (this.closed) return reply(res, 503, 'the session\'s server is stopping\n')
        if (this.clients.full) return reply(res, 503, `at most ${this.config.maxClients} event streams at once\n`, { 'Retry-After': '10' })
        this.clients.add(res, sseFrame('hello', JSON.stringify(this.state())))
        return
      default:
        return reply(res, 404, 'not found\n')
    }
  }
}

export function validateLiveViewConfig (config: LiveViewConfig): Required<LiveViewConfig> {
  const c = { ...DEFAULTS, ...config }
  if (!Number.isInteger(c.port) || c.port < 0 || c.port > 65_535) throw new RingcastError('USAGE', `the web view's port must be 0 to 65535 (got ${c.port})`)
  for (const key of ['pollMs', 'maxClients', 'maxBufferedBytes', 'snapshotBelowBytes', 'rateWindowMs', 'maxLogLines', 'maxFailures', 'keepaliveMs'] as const) {
    if (!Number.isSafeInteger(c[key]) || c[key] <= 0) throw new RingcastError('USAGE', `the web view's ${key} must be a positive integer (got ${c[key]})`)
  }
  return c
}

function reply (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    ...headers
  })
  res.end(body)
}

function listenError (err: Error & { code?: string }, config: LiveViewConfig): RingcastError {
  const where = `--web ${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`
  const why = err.code === 'EADDRINUSE'
    ? 'that port is in use; pick another port or stop the program that listens there'
    : err.code === 'EADDRNOTAVAIL'
      ? 'this machine has no such address'
      : err.code === 'EACCES'
        ? 'not allowed to listen there (ports below 1024 need root)'
        : `cannot listen there (${errorMessage(err)})`
  return new RingcastError('USAGE', `${where}: ${why}`, { cause: err })
}
