// The whole boot workflow with virtual machines, shared by the CI test
// (boot.test.ts) and npm run demo:boot (demo-boot.ts):
//
//   prepare: Debian's kernel and busybox-static (cached), the golden disk
//            (golden-image.ts), ringcast bootenv build (the real command)
//   session: a nodes file with the VMs in clone; ringcast serve GOLDEN
//            --boot-nodes on the lab's boot server; each VM starts with an
//            empty disk, PXE-boots, clones, gets its identity, reboots, is
//            told to boot locally, and prints what its cloned disk says.

import { execFile } from 'node:child_process'
import { mkdir, readFile, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CLI_PATH } from '../../cli/local-cluster.js'
import { buildGoldenImage, CLONE_LINE } from './golden-image.js'
import { DEB_CACHE, debianParts, type DebianParts } from './debian-cache.js'
import { type Vm, VmLab } from './vm-lab.js'

/** The golden disk's size: a partition of ext4 with a kernel and a small initramfs; about 20 MiB of it is used. */
export const GOLDEN_BYTES = 48 * 1_048_576

export interface Prepared {
  parts: DebianParts
  golden: string
  bootenvDir: string
}

/** Run the CLI to its end; its status and output. */
export async function cli (args: string[], wrapper: string[] = []): Promise<{ code: number, stdout: string, stderr: string }> {
  const [command, ...rest] = [...wrapper, process.execPath, CLI_PATH, ...args]
  return await new Promise(resolve => {
    execFile(command!, rest, { maxBuffer: 64 * 1_048_576, timeout: 10 * 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr })
    })
  })
}

export async function prepare (dir: string, log: (line: string) => void): Promise<Prepared> {
  await mkdir(dir, { recursive: true })
  const parts = await debianParts(join(dir, 'debian'))
  log(`kernel ${parts.kernelVersion} and busybox-static from ${DEB_CACHE}`)
  const golden = join(dir, 'golden.img')
  await buildGoldenImage(golden, GOLDEN_BYTES, parts)
  log(`golden image ${golden} (${GOLDEN_BYTES / 1_048_576} MiB, MBR + ext4 + extlinux)`)
  const bootenvDir = join(dir, 'bootenv')
  const built = await cli(['bootenv', 'build', '--out', bootenvDir, '--cache', DEB_CACHE])
  if (built.code !== 0) throw new Error(`ringcast bootenv build failed (${built.code}): ${built.stderr}`)
  log(built.stdout.trim())
  return { parts, golden, bootenvDir }
}

export interface VmSpec { name: string, mac: string }

export interface BootRun {
  lab: VmLab
  nodesFile: string
  serve: { exited: Promise<number | null>, /** Its log and stdout, as they came. */ output: () => string, /** Its stdout alone (the --json report). */ stdout: () => string, kill: () => void }
  vms: Vm[]
}

/**
 * Start serve --boot-nodes with `vms` in clone, then the VMs, each with an
 * empty disk of the golden image's size. The caller waits on what it needs and
 * calls lab.stop().
 */
export async function startBootRun (p: Prepared, dir: string, vms: VmSpec[], serveArgs: string[] = []): Promise<BootRun> {
  await mkdir(dir, { recursive: true })
  const nodesFile = join(dir, 'nodes.json')
  await writeFile(nodesFile, `${JSON.stringify({ nodes: vms.map(v => ({ name: v.name, mac: v.mac, target: '/dev/vda', state: 'clone', fields: { rack: 'r1' } })) }, null, 2)}\n`)
  const lab = VmLab.create()
  try {
    const serveChild = lab.spawnOn(lab.server, process.execPath, [CLI_PATH, 'serve', p.golden, '--json',
      '--boot-nodes', nodesFile, '--boot-interface', 'eth0', '--bootenv', p.bootenvDir,
      '--boot-cmdline', 'console=ttyS0,115200', '--key', join(dir, 'coordinator.key'), '--wait-timeout', '15m', ...serveArgs])
    let output = ''
    let stdout = ''
    serveChild.stdout!.on('data', (d: Buffer) => { output += d.toString(); stdout += d.toString() })
    serveChild.stderr!.on('data', (d: Buffer) => { output += d.toString() })
    const exited = new Promise<number | null>(resolve => serveChild.once('exit', code => resolve(code)))
    // The VMs PXE-boot only once the boot server answers.
    const deadline = Date.now() + 60_000
    while (!output.includes('boot: serving iPXE scripts')) {
      if (Date.now() > deadline || serveChild.exitCode !== null) throw new Error(`serve --boot-nodes did not start its boot service: ${output}`)
      await new Promise(resolve => setTimeout(resolve, 200))
    }
    const started: Vm[] = []
    for (const v of vms) {
      const disk = join(dir, `${v.name}.img`)
      await writeFile(disk, '')
      await truncate(disk, GOLDEN_BYTES)
      started.push(lab.startVm(v.name, v.mac, disk, join(dir, `${v.name}.console`)))
    }
    return { lab, nodesFile, serve: { exited, output: () => output, stdout: () => stdout, kill: () => serveChild.kill('SIGKILL') }, vms: started }
  } catch (err) {
    await lab.stop()
    throw err
  }
}

/** What the clone printed from its own disk after it booted. */
export async function cloneLine (vm: Vm, timeoutMs: number): Promise<{ hostname: string, machineId: string, sshHostKeys: number, sshKey: string }> {
  const m = await vm.waitFor(CLONE_LINE, timeoutMs)
  return { hostname: m[1]!, machineId: m[2]!, sshHostKeys: Number(m[3]), sshKey: m[4]! }
}

export async function nodeStates (nodesFile: string): Promise<Record<string, string>> {
  const doc = JSON.parse(await readFile(nodesFile, 'utf8')) as { nodes: Array<{ name: string, state: string }> }
  return Object.fromEntries(doc.nodes.map(n => [n.name, n.state]))
}
