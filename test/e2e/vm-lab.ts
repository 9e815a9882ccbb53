// A lab where virtual machines PXE-boot (issue 13, end to end):
//
//   [h0: the site's DHCP server]  dnsmasq, addresses 198.18.10.100-150, knows nothing of PXE
//   [h1: ringcast serve --boot-nodes]  proxy-DHCP + TFTP + HTTP (boot scripts, the cloning environment) + the session
//          |  all on sw0's bridge, with
//   [vm1, vm2, ...]  qemu (TCG: KVM hangs on these machines) on a tap each, virtio NIC with
//                    qemu's iPXE ROM, virtio disk; boot order network, then disk
//
// A VM's serial console is kept in memory (and in a file) and can be waited on.
// Everything is torn down by stop(): VMs killed, namespaces deleted.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { Lab, type LabHost } from '../lab/lab.js'

export const SITE_DHCP_RANGE = ['198.18.10.100', '198.18.10.150'] as const

export interface Vm {
  name: string
  mac: string
  process: ChildProcess
  /** Everything the serial console printed so far. */
  console: () => string
  /** Resolves with the first match of `pattern` on the console, or rejects after `timeoutMs` (or when the VM exits first). */
  waitFor: (pattern: RegExp, timeoutMs: number) => Promise<RegExpMatchArray>
  exited: Promise<number | null>
  kill: () => void
}

export class VmLab {
  private readonly vms: Vm[] = []
  private readonly children: ChildProcess[] = []
  private taps = 0

  private constructor (readonly lab: Lab, readonly site: LabHost, readonly server: LabHost) {}

  /** The lab, with the site's DHCP server running on h0. */
  static create (): VmLab {
    const lab = Lab.create({ subnets: [2] })
    const [site, server] = lab.hosts as [LabHost, LabHost]
    const vmLab = new VmLab(lab, site, server)
    const dhcp = spawn('ip', ['netns', 'exec', site.ns, 'dnsmasq', '--keep-in-foreground', '--no-resolv', '--no-hosts', '--port=0',
      '--interface=eth0', '--bind-interfaces', '--except-interface=lo', `--dhcp-range=${SITE_DHCP_RANGE.join(',')},255.255.255.0,10m`,
      '--dhcp-leasefile=/dev/null'], { stdio: 'ignore' })
    vmLab.children.push(dhcp)
    return vmLab
  }

  /** Start a VM with `disk` (raw) on a new tap port of the lab switch; `log` gets its console too. */
  startVm (name: string, mac: string, disk: string, logFile: string): Vm {
    const sw = `${this.lab.prefix}sw0`
    const tap = `tap${this.taps++}`
    run('ip', ['-n', sw, 'tuntap', 'add', 'dev', tap, 'mode', 'tap'])
    run('ip', ['-n', sw, 'link', 'set', tap, 'master', 'br0', 'up'])
    const qemu = spawn('ip', ['netns', 'exec', sw, 'qemu-system-x86_64',
      // -nographic: the serial port on stdio, and SeaBIOS mirrors the BIOS text
      // console there, so what iPXE says is seen too (boot.test.ts waits on it).
      '-accel', 'tcg', '-m', '1024', '-smp', '1', '-nographic',
      '-boot', 'order=nc',
      '-netdev', `tap,id=n0,ifname=${tap},script=no,downscript=no`,
      '-device', `virtio-net-pci,netdev=n0,mac=${mac}`,
      '-drive', `file=${disk},format=raw,if=virtio`], { stdio: ['ignore', 'pipe', 'pipe'] })
    this.children.push(qemu)
    let text = ''
    const waiters = new Set<() => void>()
    const log = createWriteStream(logFile)
    const onData = (chunk: Buffer): void => {
      log.write(chunk)
      text += chunk.toString('latin1')
      for (const w of waiters) w()
    }
    qemu.stdout.on('data', onData)
    qemu.stderr.on('data', onData)
    const exited = new Promise<number | null>(resolve => qemu.once('exit', code => { log.end(); resolve(code); for (const w of waiters) w() }))
    let gone = false
    void exited.then(() => { gone = true })
    const vm: Vm = {
      name,
      mac,
      process: qemu,
      console: () => text,
      exited,
      kill: () => { qemu.kill('SIGKILL') },
      waitFor: async (pattern, timeoutMs) => await new Promise((resolve, reject) => {
        const check = (): void => {
          const m = pattern.exec(text)
          if (m !== null) { done(); resolve(m); return }
          if (gone) { done(); reject(new Error(`${name} stopped before its console showed ${String(pattern)}; it said:\n${text.slice(-3000)}`)) }
        }
        const timer = setTimeout(() => { done(); reject(new Error(`${name}: no ${String(pattern)} on its console within ${timeoutMs / 1000} s; it said:\n${text.slice(-3000)}`)) }, timeoutMs)
        const done = (): void => { clearTimeout(timer); waiters.delete(check) }
        waiters.add(check)
        check()
      })
    }
    this.vms.push(vm)
    return vm
  }

  /** Start a process on a lab host (e.g. ringcast serve on the boot server). */
  spawnOn (host: LabHost, command: string, args: string[]): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', host.ns, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    this.children.push(child)
    return child
  }

  async stop (): Promise<void> {
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
    await Promise.all(this.children.map(async c => { if (c.exitCode === null && c.signalCode === null) await new Promise(resolve => c.once('exit', resolve)) }))
    this.lab.destroy()
  }
}

function run (command: string, args: string[]): void {
  execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] })
}
