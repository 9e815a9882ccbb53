// npm run sim -- NAME [NAME ...] | all | --list   [--out DIR]
//
// Runs committed scenarios (simulations/scenarios.ts), prints a summary and
// writes NAME.csv (and NAME.svg where there is a chart) to the output
// directory, simulations/results/ by default.

import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { SCENARIOS } from './scenarios.js'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string' }, list: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' } }
})

const list = (): string => SCENARIOS.map(s => `  ${s.name.padEnd(12)} ${s.description}`).join('\n')
if (values.list === true || positionals.length === 0) {
  process.stdout.write(`usage: npm run sim -- NAME [NAME ...] | all   [--out DIR]\n\nscenarios:\n${list()}\n`)
  process.exit(positionals.length === 0 && values.list !== true ? 2 : 0)
}
const chosen = positionals.includes('all') ? SCENARIOS : positionals.map(name => {
  const s = SCENARIOS.find(x => x.name === name)
  if (s === undefined) {
    process.stderr.write(`sim: no scenario "${name}"; the scenarios are:\n${list()}\n`)
    process.exit(2)
  }
  return s
})
// Results live in the source tree (simulations/results), also when run from dist/.
const here = fileURLToPath(new URL('.', import.meta.url))
const out = values.out ?? join(here.includes('/dist/') ? here.replace('/dist/', '/') : here, 'results')
await mkdir(out, { recursive: true })
for (const s of chosen) {
  const started = performance.now()
  const result = s.run(line => { if (values.quiet !== true) process.stderr.write(`[sim] ${line}\n`) })
  await writeFile(join(out, `${s.name}.csv`), result.csv)
  for (const c of result.charts) await writeFile(join(out, c.file), c.svg)
  process.stdout.write(`## ${s.name}: ${s.description} (${((performance.now() - started) / 1000).toFixed(1)} s)\n${result.summary.join('\n')}\n\n`)
}
