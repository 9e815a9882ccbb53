// The iPXE scripts the boot HTTP server hands out (boot-http.ts). A PXE ROM
// (or qemu's built-in iPXE) is sent by proxy-DHCP to the chain script, which
// asks for the script of the booting interface's MAC: a node in `clone`
// gets the cloning environment (kernel + initramfs, its parameters on the
// kernel command line, docs/boot.md), every other node is told to boot from
// its local disk (`exit`: the firmware goes on to the next boot device).
// Nothing here reads files or sockets.

import { RingcastError } from '../errors.js'

/** What goes on the kernel command line must be one word with no quoting: iPXE and the kernel both split on spaces. */
const CMDLINE_WORD = /^[A-Za-z0-9._:/@=+,-]+$/

export interface CloneBoot {
  /** The boot HTTP server, e.g. http://198.18.0.1:8080 (no trailing slash). */
  baseUrl: string
  name: string
  mac: string
  /** The coordinator's multiaddr, with /p2p/<peer id>. */
  coordinator: string
  /** This node's single-use token (tokens.ts). */
  token: string
  /** The device the image goes to, e.g. /dev/vda. */
  target: string
  image?: string
  /** More kernel parameters (e.g. console=ttyS0,115200). */
  cmdline: string[]
}

function word (what: string, value: string): string {
  if (!CMDLINE_WORD.test(value)) throw new RingcastError('USAGE', `${what} ${JSON.stringify(value)} cannot go on a kernel command line (letters, digits and ._:/@=+,- only)`)
  return value
}

/** Served at /boot.ipxe: fetch the script for the MAC this machine booted from. */
export function chainScript (baseUrl: string): string {
  return [
    '#!ipxe',
    `chain ${baseUrl}/node/\${netX/mac:hexhyp}.ipxe || goto failed`,
    // A node script that ends in exit (boot locally) returns here: end too, without the failure's words.
    'exit',
    ':failed',
    'echo ringcast: the boot server did not answer; booting from the local disk',
    'exit',
    ''
  ].join('\n')
}

/** The cloning environment, with everything `ringcast join` needs on the kernel command line. */
export function cloneScript (b: CloneBoot): string {
  const params = [
    `ringcast.coordinator=${word('the coordinator address', b.coordinator)}`,
    `ringcast.token=${word('the token', b.token)}`,
    `ringcast.target=${word(`node ${b.name}'s target`, b.target)}`,
    `ringcast.name=${word('the node name', b.name)}`,
    // The NIC it booted from: the environment's init brings up that one (src/bootenv/init-script.ts).
    `ringcast.mac=${word('the MAC', b.mac)}`,
    ...b.cmdline.map(p => word('kernel parameter', p))
  ]
  return [
    '#!ipxe',
    `echo ringcast: ${b.name} (${b.mac}) boots the cloning environment${b.image !== undefined ? ` for image ${word('the image name', b.image)}` : ''} onto ${b.target}`,
    `kernel ${b.baseUrl}/bootenv/vmlinuz initrd=initrd.img ${params.join(' ')} || goto failed`,
    `initrd ${b.baseUrl}/bootenv/initrd.img || goto failed`,
    'boot || goto failed',
    ':failed',
    'echo ringcast: could not load the cloning environment; booting from the local disk',
    'exit',
    ''
  ].join('\n')
}

/** Boot from the local disk, saying why on the console. */
export function localScript (why: string): string {
  return ['#!ipxe', `echo ringcast: ${why.replace(/[\r\n$]/g, ' ')}`, 'exit', ''].join('\n')
}
