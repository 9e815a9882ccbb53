// Boot services for real (issue 13, item 2): dnsmasq's proxy-DHCP and TFTP,
// configured and supervised by ringcast, in a namespace lab, fetched by real
// clients: curl gets the iPXE loader over TFTP with block-size negotiation
// (and a raw probe sees the server's OACK), busybox udhcpc's PXE discover
// gets the proxy offer naming the loader. Nothing is bound outside the lab
// host's own interface, and the lab has no way out.

import { execFile, execFileSync } from 'node:child_process'
import { chmod, readFile, writeFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ProxyDhcp, dnsmasqConfig } from '../../src/boot/proxy-dhcp.js'
import { Lab, type LabHost } from '../lab/lab.js'
import { makeWorkdir, type Workdir } from '../support/session.js'
import { needs } from '../support/skip.js'

/** A TFTP read request with options, sent from inside the client's namespace; prints the first reply as hex. */
const TFTP_PROBE = `
const dgram = require('node:dgram')
const [host, file, blksize] = process.argv.slice(2)
const s = dgram.createSocket('udp4')
const z = Buffer.from([0])
const rrq = Buffer.concat([Buffer.from([0, 1]), Buffer.from(file), z, Buffer.from('octet'), z, Buffer.from('blksize'), z, Buffer.from(blksize), z, Buffer.from('tsize'), z, Buffer.from('0'), z])
s.on('message', m => { console.log(m.toString('hex')); s.close() })
setTimeout(() => { console.log('timeout'); process.exit(1) }, 5000).unref()
s.send(rrq, 69, host)
`

/** Run a command to its end without blocking the event loop; its exit status and all it printed. */
async function run (command: string[]): Promise<{ code: number, output: string }> {
  return await new Promise(resolve => {
    execFile(command[0]!, command.slice(1), { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, output: `${stdout}${stderr}` })
    })
  })
}

describe('proxy-DHCP and TFTP (dnsmasq) in a namespace lab', needs('bootServices'), () => {
  let lab: Lab
  let w: Workdir
  let server: LabHost
  let client: LabHost
  let proxy: ProxyDhcp
  const logs: string[] = []
  beforeAll(async () => {
    w = await makeWorkdir()
    // dnsmasq serves TFTP as nobody: its directory must be reachable (mkdtemp makes 0700).
    await chmod(w.dir, 0o755)
    lab = Lab.create({ subnets: [2] })
    ;[server, client] = lab.hosts as [LabHost, LabHost]
    proxy = await ProxyDhcp.start({
      interface: 'eth0',
      network: server.network.split('/')[0]!,
      bootUrl: `http://${server.ip}:8080/boot.ipxe`,
      workDir: w.path('boot'),
      wrapper: server.wrapper,
      log: line => logs.push(line)
    })
  }, 60_000)
  afterAll(async () => {
    await proxy?.stop()
    lab?.destroy()
    await w?.remove()
  })

  it('serves the iPXE loader over TFTP to curl, with the block size it asks for', async () => {
    const out = w.path('undionly.kpxe')
    lab.run(client, 'curl', ['-sS', '--tftp-blksize', '1428', '-o', out, `tftp://${server.ip}/undionly.kpxe`])
    expect((await readFile(out)).equals(await readFile('/usr/lib/ipxe/undionly.kpxe'))).toBe(true)
    // What curl negotiated, seen raw: an OACK (opcode 6) granting blksize 1428 and saying the size.
    const probe = w.path('probe.cjs')
    await writeFile(probe, TFTP_PROBE)
    const reply = Buffer.from(lab.run(client, process.execPath, [probe, server.ip, 'ipxe.efi', '1428']).trim(), 'hex')
    expect(reply.readUInt16BE(0)).toBe(6)
    const options = reply.subarray(2).toString('latin1').split('\0')
    expect(options.slice(options.indexOf('blksize'), options.indexOf('blksize') + 2)).toEqual(['blksize', '1428'])
    expect(Number(options[options.indexOf('tsize') + 1])).toBe((await readFile('/usr/lib/ipxe/ipxe.efi')).byteLength)
    // A file outside the TFTP root is not served.
    expect(() => lab.run(client, 'curl', ['-sS', '-o', w.path('x'), `tftp://${server.ip}/../dnsmasq.conf`])).toThrow()
  })

  it('answers a PXE client\'s DHCP discover with a proxy offer naming the loader, and nothing else', async () => {
    // busybox udhcpc as a PXE client (vendor class PXEClient, asks for the boot file); the proxy offer carries no address, so it never binds.
    // Run without blocking the event loop: dnsmasq's log reaches us meanwhile.
    const udhcpc = await run([...client.wrapper, 'busybox', 'udhcpc', '-i', 'eth0', '-V', 'PXEClient:Arch:00000:UNDI:002001',
      // What a BIOS PXE ROM sends besides: client architecture 0 (option 93), UNDI 2.1 (94), its UUID (97).
      '-x', '0x5d:0000', '-x', '0x5e:010201', '-x', `0x61:00${'ab'.repeat(16)}`, '-n', '-q', '-t', '2', '-T', '1', '-s', '/bin/true'])
    // The offer came from the proxy and carries no address (the site's DHCP server hands those out), so udhcpc never binds.
    expect(udhcpc.output).toMatch(new RegExp(`select for 0\\.0\\.0\\.0, server ${server.ip.replace(/\./g, '\\.')}`))
    expect(udhcpc.code).not.toBe(0)
    const clientMac = lab.run(client, 'cat', ['/sys/class/net/eth0/address']).trim()
    const log = (): string => logs.join('\n')
    for (let i = 0; i < 50 && !/option: 43 vendor-encap/.test(log()); i++) await new Promise(resolve => setTimeout(resolve, 100))
    expect(log()).toMatch(new RegExp(`PXE\\(eth0\\) ${clientMac} proxy`))
    // The PXE boot menu and boot server go in option 43; no address, router or DNS server is offered.
    expect(log()).toMatch(/sent size: +\d+ option: 43 vendor-encap/)
    expect(log()).not.toMatch(/option: +(1|3|6) /)
  })

  it('is bound to the lab host\'s interface only, and its configuration reads no other', async () => {
    const sockets = lab.run(server, 'ss', ['-ulpn']).split('\n').filter(l => l.includes('dnsmasq'))
    expect(sockets.length).toBeGreaterThan(0)
    // DHCP (67, 4011) on eth0 only; TFTP (69, and its transfer ports) on eth0's addresses only: never loopback.
    for (const line of sockets) expect(line).toMatch(/(0\.0\.0\.0%eth0:(67|4011)|198\.18\.10\.10:\d+|\[fe80::[0-9a-f:]+\]%eth0:\d+) /)
    const config = dnsmasqConfig({ interface: 'eth0', network: '198.18.10.0', bootUrl: 'http://198.18.10.10:8080/boot.ipxe', workDir: '/w', log: () => {} })
    expect(config).toMatch(/^port=0$/m)
    expect(config).toMatch(/^bind-dynamic$/m)
    expect(config).toMatch(/^except-interface=lo$/m)
    expect(config).toMatch(/^dhcp-range=198\.18\.10\.0,proxy$/m)
    expect(() => dnsmasqConfig({ interface: 'eth0', network: '198.18.10.0', bootUrl: 'http://x/"a', workDir: '/w', log: () => {} })).toThrow(/must be one word/)
    // The lab has no route out of 198.18.0.0/15.
    expect(execFileSync('ip', ['netns', 'exec', client.ns, 'ip', 'route'], { encoding: 'utf8' })).not.toMatch(/default/)
  })

  it('is started again when it dies', async () => {
    const pid = Number(await readFile(w.path('boot/dnsmasq.pid'), 'utf8'))
    process.kill(pid, 'SIGKILL')
    for (let i = 0; i < 50 && !logs.some(l => /dnsmasq stopped .*; starting it again in 1 s/.test(l)); i++) await new Promise(resolve => setTimeout(resolve, 100))
    expect(logs.some(l => /dnsmasq stopped .*; starting it again in 1 s/.test(l))).toBe(true)
    let fetched = false
    for (let i = 0; i < 40 && !fetched; i++) {
      await new Promise(resolve => setTimeout(resolve, 250))
      fetched = (await run([...client.wrapper, 'curl', '-sS', '-o', w.path('again.kpxe'), `tftp://${server.ip}/undionly.kpxe`])).code === 0
    }
    expect(fetched).toBe(true)
  })
})
