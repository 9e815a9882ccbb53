// Command line of the clone benchmark.

import { parseArgs } from 'node:util'
import { parseSize } from '../../cli/units.js'

export interface BenchOptions {
  /** Image size for the chain runs and the baselines. */
  sizeBytes: number
  /** Image size of the memory run (one node). */
  bigBytes: number
  /** Chain lengths to clone to, in order. */
  chains: number[]
  quick: boolean
  jsonOut?: string
}

const GiB = 1_073_741_824
const MiB = 1_048_576
const DEFAULTS = { sizeBytes: GiB, bigBytes: 2 * GiB }
/** --quick: a smoke run that still crosses many yamux windows and credit windows. */
const QUICK = { sizeBytes: 256 * MiB, bigBytes: 512 * MiB }

export const USAGE = `usage: node dist/test/bench/clone-bench.js [options]

  --size SIZE       image size for the chain runs and the baselines (default 1GiB)
  --big SIZE        image size for the memory run, one node (default 2GiB)
  --chains LIST     chain lengths, comma-separated (default 1,2,4)
  --quick           smoke run: --size 256MiB --big 512MiB unless given
  --json-out PATH   also write the numbers as JSON to PATH
  -h, --help        this text
`

/** Returns undefined for --help. Throws with a readable message on bad input. */
export function parseBenchOptions (argv: string[]): BenchOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      size: { type: 'string' },
      big: { type: 'string' },
      chains: { type: 'string', default: '1,2,4' },
      quick: { type: 'boolean', default: false },
      'json-out': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false }
    },
    strict: true,
    allowPositionals: false
  })
  if (values.help === true) return undefined
  const base = values.quick === true ? QUICK : DEFAULTS
  const chains = values.chains!.split(',').map(s => s.trim())
  if (chains.some(c => !/^[1-9]\d*$/.test(c))) throw new Error(`--chains expects node counts such as 1,2,4 (got "${values.chains!}")`)
  return {
    sizeBytes: values.size === undefined ? base.sizeBytes : parseSize(values.size, '--size'),
    bigBytes: values.big === undefined ? base.bigBytes : parseSize(values.big, '--big'),
    chains: chains.map(Number),
    quick: values.quick === true,
    jsonOut: values['json-out']
  }
}
