// Preloaded into a ringcast process by the benchmarks, to learn what that
// process cost without changing ringcast: at exit, its CPU time and peak RSS
// go to the file named by RINGCAST_CPU_REPORT. Without the variable it does
// nothing, so importing this module for its types is harmless.
//
//   RINGCAST_CPU_REPORT=/tmp/node-2.json \
//     node --import /abs/dist/test/bench/cpu-report.js dist/cli/ringcast.js join ...
//
// Synchronous, because an 'exit' handler cannot wait for a promise. ringcast
// leaves through process.exit(), also on SIGINT/SIGTERM, so 'exit' fires; a
// process killed with SIGKILL writes nothing, and the benchmark says so.

import { writeFileSync } from 'node:fs'

export const CPU_REPORT_ENV = 'RINGCAST_CPU_REPORT'

/** What the file holds: one JSON object. */
export interface CpuReport {
  pid: number
  /** process.cpuUsage() at exit, microseconds since the process started. */
  cpu: { user: number, system: number }
  /** Peak resident set size, bytes (getrusage maxRSS). */
  rss: number
}

const reportPath = process.env[CPU_REPORT_ENV]
if (reportPath !== undefined && reportPath !== '') {
  // A child this process might start must not overwrite our file.
  delete process.env[CPU_REPORT_ENV]
  process.on('exit', () => {
    const report: CpuReport = { pid: process.pid, cpu: process.cpuUsage(), rss: process.resourceUsage().maxRSS * 1024 }
    try {
      writeFileSync(reportPath, JSON.stringify(report))
    } catch {
      // Nothing to tell at exit; the benchmark reports the missing file.
    }
  })
}
