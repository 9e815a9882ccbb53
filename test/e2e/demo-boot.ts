// npm run demo:boot: the boot workflow end to end, with two virtual machines
// (boot-scenario.ts). Builds the golden image and the cloning environment,
// starts a lab with the site's DHCP server and ringcast serve --boot-nodes,
// PXE-boots two bare VMs that clone, get their identity, flip to local and
// boot their clones; prints what each clone says and ringcast nodes; cleans
// up everything. Needs root (namespaces, taps, loop devices).

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cli, cloneLine, prepare, startBootRun } from './boot-scenario.js'

const say = (line: string): void => { process.stdout.write(`demo:boot: ${line}\n`) }

async function main (): Promise<number> {
  if (process.getuid?.() !== 0) {
    process.stderr.write('demo:boot: needs root (it builds network namespaces, tap interfaces and a loop device)\n')
    return 1
  }
  const dir = await mkdtemp(join(tmpdir(), 'ringcast-demo-boot-'))
  const started = Date.now()
  const seconds = (): string => `${Math.round((Date.now() - started) / 1000)} s`
  try {
    const p = await prepare(join(dir, 'prepared'), say)
    const vms = [{ name: 'node01', mac: '52:54:00:de:00:01' }, { name: 'node02', mac: '52:54:00:de:00:02' }]
    say(`starting the lab: the site's DHCP server, ringcast serve --boot-nodes, and ${vms.length} bare VMs (qemu, TCG) that PXE-boot`)
    const run = await startBootRun(p, join(dir, 'run'), vms)
    try {
      const lines = await Promise.all(run.vms.map(async vm => {
        const clone = await cloneLine(vm, 20 * 60_000)
        say(`${vm.name} booted its clone (${seconds()}): hostname=${clone.hostname} machine-id=${clone.machineId} ssh-host-keys=${clone.sshHostKeys} ssh-key=${clone.sshKey}`)
        return clone
      }))
      const code = await run.serve.exited
      say(`serve exited with status ${code ?? 'none'}`)
      const listed = await cli(['nodes', '-f', run.nodesFile])
      process.stdout.write(listed.stdout)
      const distinct = new Set(lines.map(l => l.hostname)).size === lines.length && new Set(lines.map(l => l.machineId)).size === lines.length
      const allLocal = /local/.test(listed.stdout) && !/clone|cloning|verified/.test(listed.stdout.split('\n').slice(1).join('\n'))
      if (code !== 0 || !distinct || !allLocal) {
        say(`FAILED: ${code !== 0 ? `serve exited with ${code}; ` : ''}${distinct ? '' : 'hostnames or machine-ids are not all different; '}${allLocal ? '' : 'not every node is local'}`)
        process.stderr.write(run.serve.output().slice(-4000))
        return 1
      }
      say(`done in ${seconds()}: ${vms.length} VMs cloned, each with its own hostname and machine-id, all local`)
      return 0
    } finally {
      await run.lab.stop()
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

process.exitCode = await main().catch(err => { process.stderr.write(`demo:boot: ${(err as Error).stack ?? String(err)}\n`); return 1 })
