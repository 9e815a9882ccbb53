// The boot HTTP server (issue 13, item 2): iPXE scripts per MAC and the
// cloning environment's files, on the one address the admin names.
//
//   GET /boot.ipxe              the chain script proxy-DHCP points iPXE at
//   GET /node/<mac>.ipxe        this MAC's script, by its state (nodes.ts):
//                                 clone       the cloning environment, with a fresh single-use token
//                                 verified    boot from the local disk (the node is then `local`)
//                                 otherwise   boot from the local disk, saying why
//   GET /bootenv/vmlinuz        the cloning environment's kernel and initramfs
//   GET /bootenv/initrd.img
//
// A MAC not in the nodes file is registered; with `--admit any` it is
// admitted at once (state clone), with `known` it boots locally until the
// admin says otherwise (ringcast nodes set NAME clone). A node that boots
// while `cloning` has lost its run (it rebooted or was reset): it is cloned
// again from a new script.

import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { RingcastError, errorMessage } from '../errors.js'
import { chainScript, cloneScript, localScript } from './ipxe.js'
import type { NodeTokens } from './node-tokens.js'
import { nameForMac, nextState, normalMac, type BootNode, type NodesDocument } from './nodes.js'
import type { NodesStore } from './nodes-store.js'

export type AdmitPolicy = 'known' | 'any'

/** Where a node to be cloned is sent: its session (tokens are bound to it) and that session's coordinator, or why no session serves it. */
export type SessionChoice = { session: string, coordinator: string } | { none: string }

export interface BootHttpConfig {
  host: string
  port: number
  store: NodesStore
  admit: AdmitPolicy
  tokens: NodeTokens
  /** Holds vmlinuz and initrd.img (ringcast bootenv build). */
  bootenvDir: string
  /** Where a node without a target of its own writes its image. */
  defaultTarget?: string
  /** The session a node of this image joins, or why none serves it (cli/boot-mode.ts, sessionFor). */
  coordinatorFor: (node: BootNode) => SessionChoice
  /** More kernel parameters for the cloning environment (e.g. console=ttyS0,115200). */
  cmdline: string[]
  log: (line: string) => void
  now?: () => Date
}

const BOOTENV_FILES = new Set(['vmlinuz', 'initrd.img'])

export class BootHttp {
  private constructor (private readonly config: BootHttpConfig, private readonly server: Server, readonly url: string) {}

  static async start (config: BootHttpConfig): Promise<BootHttp> {
    const server = createServer()
    await new Promise<void>((resolve, reject) => {
      server.once('error', err => reject(new RingcastError('USAGE', `the boot HTTP server cannot listen on ${config.host}:${config.port}: ${errorMessage(err)}`, { cause: err })))
      server.listen(config.port, config.host, () => resolve())
    })
    const { address, port } = server.address() as AddressInfo
    const host = address.includes(':') ? `[${address}]` : address
    const boot = new BootHttp(config, server, `http://${host}:${port}`)
    server.on('request', (req, res) => { void boot.handle(req, res) })
    return boot
  }

  async close (): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>(resolve => this.server.close(() => resolve()))
  }

  private async handle (req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'only GET and HEAD\n')
      const path = new URL(req.url ?? '/', 'http://x').pathname
      if (path === '/boot.ipxe') return send(res, 200, chainScript(this.url))
      const node = /^\/node\/([0-9A-Fa-f:-]{12,17})\.ipxe$/.exec(path)
      if (node !== null) return send(res, 200, await this.scriptFor(node[1]!, req.socket.remoteAddress ?? '?'))
      const file = /^\/bootenv\/([a-z.]+)$/.exec(path)
      if (file !== null && BOOTENV_FILES.has(file[1]!)) return await this.sendFile(req, res, join(this.config.bootenvDir, file[1]!))
      send(res, 404, 'not found\n')
    } catch (err) {
      this.config.log(`boot server: ${req.method ?? '?'} ${req.url ?? '?'} failed: ${errorMessage(err)}`)
      if (!res.headersSent) send(res, 500, `${errorMessage(err)}\n`)
      else res.destroy()
    }
  }

  /** The script for `macText`, after the state change its request makes (registering, or booting locally). */
  private async scriptFor (macText: string, from: string): Promise<string> {
    const mac = normalMac(macText)
    if (mac === undefined) return localScript(`${macText} is not a MAC address`)
    const { log, now = () => new Date() } = this.config
    const node = await this.config.store.update(doc => this.onBoot(doc, mac, now()), true)
    const name = `${node.name} (${mac}, from ${from})`
    switch (node.state) {
      case 'registered':
        log(`boot: ${name} is not in the nodes file: registered, and told to boot from its local disk (--admit known; ringcast nodes set ${node.name} clone to install it)`)
        return localScript(`${node.name} is registered but not admitted; booting from the local disk`)
      case 'verified':
      case 'local':
        log(`boot: ${name} boots from its local disk (${node.state})`)
        return localScript(`${node.name} boots from its local disk`)
      case 'clone':
      case 'cloning': {
        const choice = this.config.coordinatorFor(node)
        const target = node.target ?? this.config.defaultTarget
        if ('none' in choice || target === undefined) {
          const why = 'none' in choice ? choice.none : 'it has no target device (set "target" in the nodes file, or --boot-target)'
          log(`boot: ${name} is to be cloned, but ${why}; it boots from its local disk`)
          return localScript(`${node.name} is to be cloned, but ${why}`)
        }
        const token = this.config.tokens.issue(node.name, choice.session)
        const script = cloneScript({ baseUrl: this.url, name: node.name, mac, coordinator: choice.coordinator, token, target, image: node.image, cmdline: this.config.cmdline })
        log(`boot: ${name} gets the cloning environment${node.image !== undefined ? ` for image ${node.image}` : ''}${choice.session !== '' ? ` (session ${choice.session})` : ''}, onto ${target}`)
        return script
      }
    }
  }

  /** The node `mac` names after it booted: registered (and admitted, by policy) if new; local once a verified node boots. */
  private onBoot (doc: NodesDocument, mac: string, now: Date): { doc: NodesDocument, result: BootNode } {
    const i = doc.nodes.findIndex(n => n.mac === mac)
    if (i < 0) {
      let node: BootNode = { name: nameForMac(mac), mac, state: 'registered', changedAt: now.toISOString(), fields: {} }
      if (this.config.admit === 'any') node = nextState(node, { kind: 'admit' }, now)
      return { doc: { nodes: [...doc.nodes, node] }, result: node }
    }
    const before = doc.nodes[i]!
    const after = nextState(before, { kind: 'booted' }, now)
    if (after === before) return { doc, result: before }
    const nodes = doc.nodes.slice()
    nodes[i] = after
    return { doc: { nodes }, result: after }
  }

  private async sendFile (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const st = await stat(path).catch(() => undefined)
    if (st?.isFile() !== true) return send(res, 404, `${path} is not built (ringcast bootenv build)\n`)
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': st.size })
    if (req.method === 'HEAD') { res.end(); return }
    const stream = createReadStream(path)
    stream.on('error', () => res.destroy())
    stream.pipe(res)
  }
}

function send (res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}
