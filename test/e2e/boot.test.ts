// Issue 13 end to end, with real PXE clients: qemu (TCG) VMs with iPXE ROMs
// on a namespace-lab switch, the site's DHCP server in its own namespace,
// ringcast serve --boot-nodes beside it (vm-lab.ts, boot-scenario.ts).
// Runs once per CI run (vitest.e2e.config.ts), not once per Node version.

import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI_PATH } from '../../cli/local-cluster.js'
import { GOLDEN_MACHINE_ID, GOLDEN_SSH_KEY } from './golden-image.js'
import { cli, cloneLine, GOLDEN_BYTES, nodeStates, prepare, startBootRun, type Prepared } from './boot-scenario.js'
import { makeWorkdir, type Workdir } from '../support/session.js'
import { needs } from '../support/skip.js'

describe('PXE boot to a verified clone to local boot, with virtual machines', needs('vm'), () => {
  let w: Workdir
  let p: Prepared
  beforeAll(async () => {
    w = await makeWorkdir()
    p = await prepare(w.path('prepared'), () => {})
  }, 10 * 60_000)
  afterAll(async () => { await w?.remove() })

  it('boots a bare VM into the cloning environment, clones, sets its identity, flips it to local, and it boots its clone', async () => {
    const run = await startBootRun(p, w.path('one'), [{ name: 'vm1', mac: '52:54:00:52:43:01' }])
    try {
      const [vm] = run.vms
      // Its first boot: the cloning environment, which joins with its own token.
      await vm!.waitFor(/ringcast: vm1 \(52:54:00:52:43:01\) boots the cloning environment/, 5 * 60_000)
      await vm!.waitFor(/ringcast-bootenv: vm1: verified; booting the clone/, 10 * 60_000)
      // Its second boot: told to boot locally, and the clone speaks from its own disk.
      await vm!.waitFor(/ringcast: vm1 boots from its local disk/, 5 * 60_000)
      expect(run.serve.output()).toMatch(/boot: vm1 \(52:54:00:52:43:01, from [\d.]+\) boots from its local disk \(local\)/)
      const clone = await cloneLine(vm!, 5 * 60_000)
      expect(clone.hostname).toBe('vm1')
      expect(clone.machineId).toMatch(/^[0-9a-f]{32}$/)
      expect(clone.machineId).not.toBe(GOLDEN_MACHINE_ID)
      // The golden Ed25519 host key is gone, and a new pair is in its place (ssh-keygen, in the cloning environment).
      expect(clone.sshHostKeys).toBe(2)
      expect(clone.sshKey).toMatch(/^[0-9a-f]{16}$/)
      expect(clone.sshKey).not.toBe(createHash('sha256').update(GOLDEN_SSH_KEY).digest('hex').slice(0, 16))
      // serve waited for it to boot the clone, then ended with the report.
      expect(await run.serve.exited).toBe(0)
      const report = JSON.parse(run.serve.stdout()) as { ok: boolean, nodes: Array<{ name: string, status: string, identity?: { set: boolean } }> }
      expect(report.ok).toBe(true)
      expect(report.nodes.map(n => [n.name, n.status, n.identity?.set])).toEqual([['vm1', 'OK', true]])
      expect(await nodeStates(run.nodesFile)).toEqual({ vm1: 'local' })
      const listed = await cli(['nodes', '-f', run.nodesFile, '--json'])
      expect(JSON.parse(listed.stdout).nodes.map((n: { state: string }) => n.state)).toEqual(['local'])
    } finally {
      await run.lab.stop()
    }
  }, 25 * 60_000)

  it('keeps a VM killed in the middle of its copy in clone, and its next boot clones again', async () => {
    // A slow feed, so the kill lands mid-copy; a short stall timeout, so the coordinator notices soon.
    const run = await startBootRun(p, w.path('killed'), [{ name: 'vm2', mac: '52:54:00:52:43:02' }], ['--max-rate', '1MB/s', '--stall-timeout', '10s', '--boot-linger', '1s'])
    try {
      const [vm] = run.vms
      await vm!.waitFor(/ringcast-bootenv: vm2 joins/, 8 * 60_000)
      const deadline = Date.now() + 5 * 60_000
      // Admitted with its token (the nodes file says cloning), and the copy under way for a few seconds.
      while (!/boot: vm2 is cloning/.test(run.serve.output()) || !/starting: 1 node/.test(run.serve.output())) {
        if (Date.now() > deadline) throw new Error(`vm2 was not admitted and started: ${run.serve.output().slice(-3000)}`)
        await new Promise(resolve => setTimeout(resolve, 500))
      }
      await new Promise(resolve => setTimeout(resolve, 5_000))
      expect(await nodeStates(run.nodesFile)).toEqual({ vm2: 'cloning' })
      vm!.kill()
      await vm!.exited
      // The session fails it, says so, and ends.
      expect(await run.serve.exited).not.toBe(0)
      // ... in the middle of its copy (the report's bytes: what it had written and verified).
      const report = JSON.parse(run.serve.stdout()) as { nodes: Array<{ name: string, status: string, bytes: number }> }
      expect(report.nodes.map(n => [n.name, n.status])).toEqual([['vm2', 'FAILED']])
      expect(report.nodes[0]!.bytes).toBeGreaterThan(0)
      expect(report.nodes[0]!.bytes).toBeLessThan(GOLDEN_BYTES)
      expect(await nodeStates(run.nodesFile)).toEqual({ vm2: 'clone' })
      // The next serve hands its MAC the cloning environment again.
      const again = run.lab.spawnOn(run.lab.server, process.execPath, [CLI_PATH, 'serve', p.golden,
        '--boot-nodes', run.nodesFile, '--boot-interface', 'eth0', '--bootenv', p.bootenvDir, '--no-proxy-dhcp', '--key', w.path('k2.key'), '--wait-timeout', '5m'])
      let out = ''
      again.stderr!.on('data', (d: Buffer) => { out += d.toString() })
      again.stdout!.on('data', (d: Buffer) => { out += d.toString() })
      const startBy = Date.now() + 60_000
      while (!out.includes('boot: serving iPXE scripts')) {
        if (again.exitCode !== null || Date.now() > startBy) throw new Error(`the second serve did not start its boot service (exit ${again.exitCode}): ${out}`)
        await new Promise(resolve => setTimeout(resolve, 200))
      }
      const script = execFileSync('ip', ['netns', 'exec', run.lab.site.ns, 'curl', '-sS', `http://${run.lab.server.ip}:8080/node/52-54-00-52-43-02.ipxe`], { encoding: 'utf8' })
      expect(script).toMatch(/boots the cloning environment/)
      expect(script).toMatch(/^kernel .*ringcast\.name=vm2/m)
    } finally {
      await run.lab.stop()
    }
  }, 25 * 60_000)
})
