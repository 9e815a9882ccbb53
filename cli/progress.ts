// Progress on stderr when it is a terminal (cli-progress: bytes, MB/s, ETA);
// plain log lines otherwise, so logs and CI output stay readable.

import cliProgress from 'cli-progress'
import { formatBytes } from './units.js'

export interface ProgressView {
  update: (done: number, total: number) => void
  log: (line: string) => void
  stop: () => void
}

export function createProgressView (label: string, options: { quiet: boolean }): ProgressView {
  const write = (line: string): void => { if (!options.quiet) process.stderr.write(`${label}: ${line}\n`) }
  if (options.quiet || process.stderr.isTTY !== true) {
    return { update: () => {}, log: write, stop: () => {} }
  }
  const multi = new cliProgress.MultiBar({
    stream: process.stderr,
    format: `${label} [{bar}] {percentage}% | {doneText} of {totalText} | {rate} MB/s | ETA {eta_formatted}`,
    hideCursor: true,
    clearOnComplete: false,
    etaBuffer: 20,
    fps: 5
  }, cliProgress.Presets.shades_classic)
  let bar: cliProgress.SingleBar | undefined
  let startedAt = 0
  return {
    update (done, total) {
      if (bar === undefined) { bar = multi.create(total, 0); startedAt = Date.now() }
      const seconds = (Date.now() - startedAt) / 1000
      bar.update(done, {
        doneText: formatBytes(done),
        totalText: formatBytes(total),
        rate: seconds > 0 ? (done / 1e6 / seconds).toFixed(1) : '0.0'
      })
    },
    log (line) { multi.log(`${label}: ${line}\n`) },
    stop () { multi.stop() }
  }
}
