// serve --web ADDR:PORT: the live view of the session (src/web/live-view.ts).
// The flag is checked before anything starts; the server listens before the
// join line is printed (a port in use stops serve before the session
// starts), gets every log line and the report, and closes when serve stops.

import { isIP } from 'node:net'
import type { Coordinator } from '../src/coordinator/coordinator.js'
import type { SessionReport } from '../src/coordinator/report.js'
import { RingcastError } from '../src/errors.js'
import { LiveView } from '../src/web/live-view.js'

/** Where --web with only a port listens: this machine alone. */
const DEFAULT_WEB_HOST = '127.0.0.1'

/** --web's value: PORT, ADDRESS:PORT or [IPv6]:PORT, the address an IP literal or localhost. */
export function parseWebAddress (value: string): { host: string, port: number } {
  const m = /^(?:(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+)):)?(\d{1,5})$/.exec(value)
  const host = m === null ? undefined : m[1] ?? (m[2] === 'localhost' ? '127.0.0.1' : m[2]) ?? DEFAULT_WEB_HOST
  const port = m === null ? NaN : Number(m[3])
  if (host === undefined || isIP(host) === 0 || (m![1] !== undefined && isIP(host) !== 6) || !(port <= 65_535)) {
    throw new RingcastError('USAGE', `--web must be PORT or ADDRESS:PORT, e.g. 8090 or 127.0.0.1:8090 (got ${value})`)
  }
  return { host, port }
}

export interface WebMode {
  log: (line: string) => void
  /** Start serving the view of `coordinator`'s session; prints the URL on stderr. */
  listen: (coordinator: Coordinator) => Promise<void>
  report: (report: SessionReport) => void
  close: () => Promise<void>
}

/** serve's --web, or undefined without it; a bad value is a usage error now, before anything starts. */
export function webModeOf (value: string | undefined, log: (line: string) => void): WebMode | undefined {
  if (value === undefined) return undefined
  const address = parseWebAddress(value)
  let view: LiveView | undefined
  return {
    log: line => view?.log(line),
    async listen (coordinator) {
      view = await LiveView.start(address, { snapshot: () => coordinator.snapshot(), log })
      process.stderr.write(`live view: ${view.url}\n`)
    },
    report: report => view?.report(report),
    close: async () => { await view?.close() }
  }
}
