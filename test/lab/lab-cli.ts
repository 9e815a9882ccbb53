// Build a lab by hand, print its hosts, keep it until Ctrl-C (then delete it).
//
//   npm run lab -- --subnets 5,4 --rate 100 --drop-multicast
//   npm run lab -- --subnets 3,3 --prefix 25     (two /25 halves of one /24)
//   ip netns exec <host namespace> <command>      (in another shell)

import { parseArgs } from 'node:util'
import { Lab, sweepLabs } from './lab.js'

const { values } = parseArgs({
  options: {
    subnets: { type: 'string', default: '3' },
    rate: { type: 'string' },
    'drop-multicast': { type: 'boolean' },
    prefix: { type: 'string' },
    help: { type: 'boolean' }
  }
})
if (values.help === true) {
  process.stdout.write('usage: npm run lab -- [--subnets 5,4 (hosts per subnet)] [--rate MBIT] [--drop-multicast] [--prefix BITS (default 24)]\n')
  process.exit(0)
}
const subnets = values.subnets.split(',').map(Number)
const rateMbit = values.rate === undefined ? undefined : Number(values.rate)
if (rateMbit !== undefined && !(rateMbit > 0)) throw new Error(`--rate expects Mbit/s, e.g. 100 (got ${values.rate})`)
const swept = sweepLabs()
if (swept.length > 0) process.stderr.write(`deleted ${swept.length} namespace(s) left by dead labs\n`)
const prefixLength = values.prefix === undefined ? undefined : Number(values.prefix)
const lab = Lab.create({ subnets, rateMbit, dropMulticast: values['drop-multicast'] === true, prefixLength })
process.stdout.write(`${lab.hosts.map(h => `${h.name}  subnet ${h.subnet} ${h.network.padEnd(18)}  ${h.ip.padEnd(14)}  ip netns exec ${h.ns} …`).join('\n')}\n`)
if (lab.routerNs !== undefined) process.stdout.write(`router  ${lab.routerNs}\n`)
process.stdout.write('the lab lives until Ctrl-C\n')
process.stdin.resume()
process.on('SIGINT', () => { lab.destroy(); process.exit(0) })
