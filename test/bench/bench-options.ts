// Command line of the clone benchmark.

import { parseArgs } from 'node:util'
import { existsSync } from 'node:fs'
import { parseSize } from '../../cli/units.js'

function parseRepeat (text: string | undefined, quick: boolean): number {
  if (text === undefined) return quick ? 1 : 3
  if (!/^[1-9]\d*$/.test(text)) throw new Error(`--repeat expects a whole number of at least 1 (got "${text}")`)
  return Number(text)
}

export interface BenchOptions {
  /** Image size for the chain runs and the baselines. */
  sizeBytes: number
  /** Image size of the memory run (one node). */
  bigBytes: number
  /** Chain lengths to clone to, in order. */
  chains: number[]
  quick: boolean
  /** Runs per measurement; tables show the median run and the range. */
  repeat: number
  /** Directory on tmpfs for the extra one-node run (none: skip it). */
  tmpfsDir?: string
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
  --quick           smoke run: --size 256MiB --big 512MiB --repeat 1 unless given
  --repeat N        runs per measurement; the median run is shown (default 3)
  --tmpfs DIR       also clone to one node whose target is in DIR (default
                    /dev/shm if it exists; 'none' to skip)
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
      repeat: { type: 'string' },
      tmpfs: { type: 'string' },
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
    repeat: parseRepeat(values.repeat, values.quick === true),
    tmpfsDir: values.tmpfs === 'none' ? undefined : values.tmpfs ?? (existsSync('/dev/shm') ? '/dev/shm' : undefined),
    jsonOut: values['json-out']
  }
}
