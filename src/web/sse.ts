// Server-Sent Events: the framing, and the set of connected clients with its
// bounds. Nothing queues without a bound:
//
//   snapshot ──> only to a client whose socket buffer is (nearly) empty:
//                a newer snapshot supersedes it, so a slow client gets fewer
//   event    ──> to every client (failures, log lines, the report); a client
//                whose buffer grows past maxBufferedBytes is not reading and
//                is dropped (its EventSource reconnects and starts afresh)

import type { ServerResponse } from 'node:http'

/** One SSE message: `event:` then one `data:` line per line of `data` (a line break inside a data line would end it). */
export function sseFrame (event: string, data: string): string {
  if (/[\r\n]/.test(event)) throw new Error('an SSE event name has no line breaks')
  return `event: ${event}\n${data.split(/\r\n|\r|\n/).map(line => `data: ${line}\n`).join('')}\n`
}

export interface SseLimits {
  maxClients: number
  maxBufferedBytes: number
  /** Below this many buffered bytes a client gets the next snapshot; above it, it skips one. */
  snapshotBelowBytes: number
}

export class SseClients {
  private readonly clients = new Set<ServerResponse>()
  /** Clients dropped for not reading. */
  dropped = 0

  constructor (private readonly limits: SseLimits, private readonly onDrop: (why: string) => void) {}

  get size (): number { return this.clients.size }
  get full (): boolean { return this.clients.size >= this.limits.maxClients }

  /** Start the stream on `res` and send it `first` (what a new client must know). */
  add (res: ServerResponse, first: string): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      // Behind a buffering proxy (nginx) the events would arrive in lumps.
      'X-Accel-Buffering': 'no'
    })
    this.clients.add(res)
    res.on('close', () => this.clients.delete(res))
    // The browser's reconnect delay after the stream drops.
    this.write(res, `retry: 2000\n\n${first}`)
  }

  /** A state that supersedes the previous one: skipped for a client still behind. */
  sendSnapshot (frame: string): void {
    for (const res of this.clients) if (res.writableLength < this.limits.snapshotBelowBytes) this.write(res, frame)
  }

  /** An event every client must get. */
  send (frame: string): void {
    for (const res of this.clients) this.write(res, frame)
  }

  /** End every stream, with `last` as its final message. */
  endAll (last: string): void {
    for (const res of this.clients) res.end(last)
    this.clients.clear()
  }

  private write (res: ServerResponse, frame: string): void {
    if (res.destroyed) { this.clients.delete(res); return }
    res.write(frame)
    if (res.writableLength > this.limits.maxBufferedBytes) {
      this.clients.delete(res)
      this.dropped++
      this.onDrop(`${res.writableLength} bytes waited for it`)
      res.destroy()
    }
  }
}
