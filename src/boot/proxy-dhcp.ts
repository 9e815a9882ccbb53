// Proxy-DHCP and TFTP for PXE (issue 13, item 2): Debian's dnsmasq, in
// proxy mode, configured and supervised by ringcast (docs/boot.md says why
// dnsmasq and not a responder of our own).
//
// Proxy mode answers PXE clients' DHCP requests with boot information only:
// the site's DHCP server still hands out every address, and nothing of its
// configuration changes. dnsmasq is bound to the one interface the admin
// names, serves no DNS (port=0), reads no other configuration (only ours,
// rewritten at every start), and keeps its pid and lease files in our
// working directory.
//
//   a PXE ROM (no iPXE yet)  --proxy offer-->  TFTP undionly.kpxe (BIOS) / ipxe.efi (UEFI)
//   iPXE (option 175)        --proxy offer-->  http://<boot server>/boot.ipxe  (boot-http.ts)
//
// dnsmasq is restarted if it dies, with a growing pause; a start that fails
// at once (an address in use, an interface that does not exist) is one
// sentence from its own last line of output.

import { spawn, type ChildProcess } from 'node:child_process'
import { chmod, copyFile, mkdir, writeFile } from 'node:fs/promises'
import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { RingcastError } from '../errors.js'

/** Where Debian's ipxe package puts its loaders. */
export const IPXE_DIR = '/usr/lib/ipxe'
export const BIOS_LOADER = 'undionly.kpxe'
export const UEFI_LOADER = 'ipxe.efi'

export interface ProxyDhcpConfig {
  /** The interface to answer on, and only that one. */
  interface: string
  /** The network proxy-DHCP answers for, e.g. 198.18.0.0 (any address in it will do: dnsmasq takes the network). */
  network: string
  /** Its netmask, when the interface's own does not say (e.g. the site's DHCP relays from another subnet). */
  netmask?: string
  /** The chain script iPXE is sent to (boot-http.ts), e.g. http://198.18.0.1:8080/boot.ipxe. */
  bootUrl: string
  /** dnsmasq's configuration, pid file, leases and the TFTP root go here: a directory only we write and anyone may read (dnsmasq serves TFTP as nobody). */
  workDir: string
  /** Where the iPXE loaders are copied from (default: Debian's). */
  ipxeDir?: string
  /** Prefix for the dnsmasq command, e.g. ['ip', 'netns', 'exec', 'lab'] (tests). */
  wrapper?: string[]
  log: (line: string) => void
}

const QUOTE_FREE = /^[^\s",#]+$/

/** The dnsmasq configuration for `c` (pure: the tests read it). */
export function dnsmasqConfig (c: ProxyDhcpConfig): string {
  for (const [what, value] of [['interface', c.interface], ['network', c.network], ['boot URL', c.bootUrl], ['netmask', c.netmask ?? 'x']] as const) {
    if (!QUOTE_FREE.test(value)) throw new RingcastError('USAGE', `the proxy-DHCP ${what} ${JSON.stringify(value)} must be one word without quotes, commas or #`)
  }
  const tftpRoot = join(c.workDir, 'tftp')
  const lines = [
    '# Written by ringcast at every start; edits are lost.',
    'port=0',
    `interface=${c.interface}`,
    // Not loopback either (dnsmasq adds it by default), and bound as interfaces come and go.
    'except-interface=lo',
    'bind-dynamic',
    `dhcp-range=${c.network},proxy${c.netmask !== undefined ? `,${c.netmask}` : ''}`,
    'dhcp-no-override',
    'log-dhcp',
    // Boot at once from the offer: no multicast discovery, no menu wait.
    'dhcp-option=vendor:PXEClient,6,2b',
    'dhcp-match=set:ipxe,175',
    // A plain PXE ROM gets iPXE over TFTP; iPXE gets the chain script over HTTP.
    `pxe-service=tag:!ipxe,x86PC,"ringcast: loading iPXE",${BIOS_LOADER}`,
    `pxe-service=tag:!ipxe,X86-64_EFI,"ringcast: loading iPXE",${UEFI_LOADER}`,
    `pxe-service=tag:!ipxe,BC_EFI,"ringcast: loading iPXE",${UEFI_LOADER}`,
    `pxe-service=tag:ipxe,x86PC,"ringcast",${c.bootUrl}`,
    `pxe-service=tag:ipxe,X86-64_EFI,"ringcast",${c.bootUrl}`,
    `pxe-service=tag:ipxe,BC_EFI,"ringcast",${c.bootUrl}`,
    'enable-tftp',
    `tftp-root=${tftpRoot}`,
    `pid-file=${join(c.workDir, 'dnsmasq.pid')}`,
    `dhcp-leasefile=${join(c.workDir, 'dnsmasq.leases')}`,
    ''
  ]
  return lines.join('\n')
}

/** After a crash, wait this long before starting again (doubling, up to the last). */
const RESTART_PAUSES_MS = [1000, 2000, 5000, 10_000, 30_000]
/** A dnsmasq that lives this long started fine. */
const STARTED_AFTER_MS = 1500

export class ProxyDhcp {
  private child?: ChildProcess
  private stopping = false
  private restarts = 0
  private lastLine = ''
  /** However this process ends, dnsmasq ends with it (a SIGTERM on exit; 'exit' handlers must be synchronous). */
  private readonly onExit = (): void => { this.child?.kill('SIGTERM') }

  private constructor (private readonly config: ProxyDhcpConfig, private readonly confPath: string) {}

  /** Write the configuration and the loaders, start dnsmasq, and wait until it is up (or say why not). */
  static async start (config: ProxyDhcpConfig): Promise<ProxyDhcp> {
    const tftpRoot = join(config.workDir, 'tftp')
    await mkdir(tftpRoot, { recursive: true, mode: 0o755 })
    await chmod(config.workDir, 0o755)
    await chmod(tftpRoot, 0o755)
    const ipxeDir = config.ipxeDir ?? IPXE_DIR
    for (const loader of [BIOS_LOADER, UEFI_LOADER]) {
      await copyFile(join(ipxeDir, loader), join(tftpRoot, loader)).catch(err => {
        throw new RingcastError('USAGE', `cannot copy the iPXE loader ${join(ipxeDir, loader)} (install Debian's ipxe package): ${(err as Error).message}`, { cause: err })
      })
    }
    const confPath = join(config.workDir, 'dnsmasq.conf')
    await writeFile(confPath, dnsmasqConfig(config))
    const proxy = new ProxyDhcp(config, confPath)
    process.once('exit', proxy.onExit)
    try {
      await proxy.launch(true)
    } catch (err) {
      process.removeListener('exit', proxy.onExit)
      throw err
    }
    return proxy
  }

  async stop (): Promise<void> {
    this.stopping = true
    process.removeListener('exit', this.onExit)
    const child = this.child
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
    await exited
    clearTimeout(timer)
  }

  /** Start dnsmasq; with `first`, wait until it has lived STARTED_AFTER_MS, or throw its own reason. */
  private async launch (first: boolean): Promise<void> {
    const [cmd, ...args] = [...(this.config.wrapper ?? []), 'dnsmasq', '--keep-in-foreground', '--log-facility=-', `--conf-file=${this.confPath}`]
    const child = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    this.child = child
    let buffered = ''
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('utf8')
      const lines = buffered.split('\n')
      buffered = lines.pop()!
      for (const line of lines) {
        if (line.trim() === '') continue
        const text = line.replace(/^dnsmasq(-dhcp|-tftp)?(\[\d+\])?: /, '')
        // Its closing line says nothing the line before it does not.
        if (!/^FAILED to start up/.test(text)) this.lastLine = text
        this.config.log(`proxy-DHCP: ${text}`)
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    const exited = new Promise<string>(resolve => {
      child.once('error', err => resolve((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'dnsmasq is not installed (Debian package dnsmasq-base)' : err.message))
      child.once('exit', (code, signal) => resolve(this.lastLine !== '' ? this.lastLine : `dnsmasq exited with ${signal ?? `status ${String(code)}`}`))
    })
    // Restarted when it dies once up; a first start that fails is the caller's error.
    let up = !first
    void exited.then(why => {
      if (this.stopping || !up) return
      const pause = RESTART_PAUSES_MS[Math.min(this.restarts++, RESTART_PAUSES_MS.length - 1)]!
      this.config.log(`proxy-DHCP: dnsmasq stopped (${why}); starting it again in ${pause / 1000} s`)
      setTimeout(() => { if (!this.stopping) void this.launch(false) }, pause).unref()
    })
    if (!first) return
    const outcome = await Promise.race([exited.then(why => ({ why })), new Promise<undefined>(resolve => setTimeout(() => resolve(undefined), STARTED_AFTER_MS))])
    if (outcome !== undefined) throw new RingcastError('USAGE', `proxy-DHCP on ${this.config.interface} could not start: ${outcome.why}`)
    up = true
  }
}

/** The IPv4 address, netmask and network of interface `name` on this host: what proxy-DHCP answers for and the boot server listens on. */
export function interfaceIPv4 (name: string): { address: string, netmask: string, network: string } {
  const all = networkInterfaces()
  const addrs = all[name]
  if (addrs === undefined) throw new RingcastError('USAGE', `there is no network interface ${name} here (there are: ${Object.keys(all).join(', ')})`)
  const v4 = addrs.find(a => a.family === 'IPv4')
  if (v4 === undefined) throw new RingcastError('USAGE', `interface ${name} has no IPv4 address: PXE needs one to answer on`)
  const toInt = (ip: string): number => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0)
  const net = (toInt(v4.address) & toInt(v4.netmask)) >>> 0
  return { address: v4.address, netmask: v4.netmask, network: [24, 16, 8, 0].map(shift => (net >>> shift) & 255).join('.') }
}
