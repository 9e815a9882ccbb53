// serve --boot-nodes: everything the coordinator runs to boot its nodes
// (issue 13), and what the session tells it about them. The nodes file
// (nodes-store.ts) is the one record: a node's boot script follows its state,
// and its state follows what the session says of its copy:
//
//   its boot script fetched      clone/cloning -> clone (a fresh token), verified -> local
//   admitted with its token      clone -> cloning
//   its copy verified            cloning -> verified   (its next boot is from its disk;
//                                                       with join --identity only once its identity is set)
//   failed, or not verified      cloning -> clone      (its next boot clones again)

import { BootHttp, type AdmitPolicy, type SessionChoice } from './boot-http.js'
import { NodeTokens } from './node-tokens.js'
import type { BootNode, NodeEvent } from './nodes.js'
import { NodesStore } from './nodes-store.js'
import { interfaceIPv4, ProxyDhcp } from './proxy-dhcp.js'
import { errorMessage } from '../errors.js'

export interface BootServiceConfig {
  nodesFile: string
  /** The interface proxy-DHCP answers on; the boot HTTP server listens on its address. */
  interface: string
  httpPort: number
  /** vmlinuz and initrd.img (ringcast bootenv build). */
  bootenvDir: string
  admit: AdmitPolicy
  defaultTarget?: string
  cmdline: string[]
  /** dnsmasq's working directory. */
  workDir: string
  /** Without proxy-DHCP (the site's DHCP server already points PXE clients at us, or a test). */
  proxyDhcp: boolean
  /** The session (and its coordinator's address) a node of this image joins, or why none serves it. */
  coordinatorFor: (node: BootNode) => SessionChoice
  log: (line: string) => void
  /** For tests: the address to serve on instead of the interface's. */
  host?: string
}

export class BootService {
  private constructor (readonly tokens: NodeTokens, readonly store: NodesStore, readonly http: BootHttp, private readonly proxy: ProxyDhcp | undefined, private readonly log: (line: string) => void) {}

  static async start (c: BootServiceConfig): Promise<BootService> {
    const store = new NodesStore(c.nodesFile)
    // A bad file is refused before anything listens.
    await store.read(c.admit === 'any')
    const ip = c.host === undefined ? interfaceIPv4(c.interface) : undefined
    const host = c.host ?? ip!.address
    const tokens = new NodeTokens()
    const http = await BootHttp.start({
      host,
      port: c.httpPort,
      store,
      admit: c.admit,
      tokens,
      bootenvDir: c.bootenvDir,
      defaultTarget: c.defaultTarget,
      coordinatorFor: c.coordinatorFor,
      cmdline: c.cmdline,
      log: c.log
    })
    let proxy: ProxyDhcp | undefined
    try {
      if (c.proxyDhcp) {
        proxy = await ProxyDhcp.start({ interface: c.interface, network: ip?.network ?? host, netmask: ip?.netmask, bootUrl: `${http.url}/boot.ipxe`, workDir: c.workDir, log: c.log })
      }
    } catch (err) {
      await http.close()
      throw err
    }
    const service = new BootService(tokens, store, http, proxy, c.log)
    c.log(`boot: serving iPXE scripts and the cloning environment on ${http.url}${proxy !== undefined ? `, proxy-DHCP and TFTP on ${c.interface}` : ' (no proxy-DHCP)'}; nodes file ${c.nodesFile}`)
    return service
  }

  /** Whether a Join's token is `name`'s own single-use one for `session` (not spent: node-tokens.ts). */
  validToken (name: string, token: string, session: string): boolean {
    return this.tokens.valid(name, token, session)
  }

  /** Spend `name`'s token for `session`: its Join was admitted. */
  redeem (name: string, token: string, session: string): boolean {
    return this.tokens.redeem(name, token, session)
  }

  /** The admin's own fields of node `name` in the nodes file as it is now (for its identity hooks); undefined when it is not listed. */
  async identityOf (name: string): Promise<Record<string, string> | undefined> {
    const node = (await this.store.read(true)).nodes.find(n => n.name === name)
    return node === undefined ? undefined : { ...node.fields }
  }

  joined (name: string): void { this.record(name, { kind: 'joined' }) }
  verified (name: string): void { this.record(name, { kind: 'verified' }) }
  failed (name: string, reason: string): void { this.record(name, { kind: 'failed', reason }) }

  /** The nodes as they stand (for the end of a session: who still has to boot its clone). */
  async nodes (): Promise<BootNode[]> {
    return (await this.store.read(true)).nodes
  }

  async stop (): Promise<void> {
    await this.proxy?.stop()
    await this.http.close()
  }

  private pending: Promise<void> = Promise.resolve()

  /** State changes are written in the order they happen; a failing write is said, and the session goes on. */
  private record (name: string, event: NodeEvent): void {
    this.pending = this.pending.then(async () => {
      const node = await this.store.apply(name, event)
      if (node !== undefined) this.log(`boot: ${name} is ${node.state}${event.kind === 'failed' ? ` (${event.reason})` : ''}`)
    }).catch(err => this.log(`boot: could not record ${event.kind} for ${name} in the nodes file: ${errorMessage(err)}`))
  }

  /** Every state change asked for so far is written. */
  async settled (): Promise<void> {
    await this.pending
  }
}
