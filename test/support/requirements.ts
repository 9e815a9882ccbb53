// What the tests need from the machine, in one place: the Debian tools they
// start for real, the package each comes in, and which tests need root.
// The preflight (preflight.ts, run by `npm test`) installs what is missing;
// skip.ts skips, with the reason, the tests whose needs are still unmet.
// Tools that ship in Essential packages (coreutils: stat, mkdir) are not listed.

import { accessSync, constants, existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'

/** Each tool a test starts (or, as an absolute path, a file it reads), and the Debian package it comes in. */
export const PACKAGE_OF = {
  ip: 'iproute2',
  tc: 'iproute2',
  nft: 'nftables',
  ping: 'iputils-ping',
  sysctl: 'procps',
  losetup: 'mount',
  mount: 'mount',
  umount: 'mount',
  'mkfs.ext4': 'e2fsprogs',
  'fsck.ext4': 'e2fsprogs',
  dumpe2fs: 'e2fsprogs',
  debugfs: 'e2fsprogs',
  'ssh-keygen': 'openssh-client',
  zstd: 'zstd',
  sgdisk: 'gdisk',
  cpio: 'cpio',
  xz: 'xz-utils',
  setpriv: 'util-linux',
  blkdiscard: 'util-linux',
  unshare: 'util-linux',
  dnsmasq: 'dnsmasq-base',
  curl: 'curl',
  busybox: 'busybox-static',
  ss: 'iproute2',
  'qemu-system-x86_64': 'qemu-system-x86',
  extlinux: 'extlinux',
  partx: 'util-linux',
  'dpkg-deb': 'dpkg',
  'apt-get': 'apt',
  '/usr/lib/syslinux/mbr/mbr.bin': 'syslinux-common',
  // qemu's iPXE ROM for its virtio NIC: what a VM PXE-boots with.
  '/usr/lib/ipxe/qemu/efi-virtio.rom': 'ipxe-qemu',
  // Files, not commands: where Debian's ipxe package puts its loaders.
  '/usr/lib/ipxe/undionly.kpxe': 'ipxe',
  '/usr/lib/ipxe/ipxe.efi': 'ipxe',
  // The browser the web-view test drives (playwright-core brings none of its own).
  '/usr/bin/chromium': 'chromium'
} as const

export type Tool = keyof typeof PACKAGE_OF

export interface Needs {
  /** The tests, as a sentence names them. */
  tests: string
  /** Why they need root (none: they do not). */
  root?: string
  tools: Tool[]
}

/** Tests that need root or tools, by where they are in test/integration/. */
export const NEEDS = {
  // lab.test.ts, and test/lab/lab.ts under it
  lab: { tests: 'the namespace-lab tests', root: 'they build network namespaces', tools: ['ip', 'tc', 'nft', 'ping', 'sysctl'] },
  // block-device.test.ts
  blockDevice: { tests: 'the block-device test', root: 'it makes loop devices', tools: ['losetup', 'mkfs.ext4', 'fsck.ext4', 'mount', 'umount', 'blkdiscard'] },
  // failover.test.ts, the disk that fills up
  diskFull: { tests: 'the disk-full test', root: 'it mounts a tmpfs', tools: ['mount', 'umount'] },
  // bad-input.test.ts, the target nobody may not write (test/support/as-nobody.ts)
  asNobody: { tests: 'the unwritable-target test', root: 'it runs the CLI as nobody', tools: ['unshare', 'mount', 'setpriv'] },
  // used-blocks.test.ts: ext4 images made with mkfs.ext4 -d, checked with e2fsck and debugfs
  extImage: { tests: 'the used-blocks tests', tools: ['mkfs.ext4', 'fsck.ext4', 'dumpe2fs', 'debugfs', 'sgdisk'] },
  // sources.test.ts: compressed images made with the real tools
  compressors: { tests: 'the compressed-source tests', tools: ['zstd', 'xz'] },
  // archive.test.ts: tar and cpio archives made with the real tools
  archives: { tests: 'the archive-target tests', tools: ['zstd', 'cpio'] },
  // identity.test.ts: a disk image with an ext4 partition (mkfs.ext4 -E offset), given its identity by debugfs, checked with e2fsck
  identity: { tests: 'the identity-step tests', tools: ['mkfs.ext4', 'fsck.ext4', 'debugfs', 'ssh-keygen'] },
  // gpt.test.ts: a GPT disk image onto a larger loop device, checked with sgdisk -v
  gpt: { tests: 'the whole-disk GPT test', root: 'it makes loop devices', tools: ['losetup', 'sgdisk'] },
  // boot-services.test.ts: dnsmasq's proxy-DHCP and TFTP in a namespace lab, fetched by curl and busybox udhcpc
  bootServices: { tests: 'the boot-service tests', root: 'they build network namespaces', tools: ['ip', 'ss', 'dnsmasq', 'curl', 'busybox', '/usr/lib/ipxe/undionly.kpxe', '/usr/lib/ipxe/ipxe.efi'] },
  // test/e2e/boot.test.ts and npm run demo:boot: VMs that PXE-boot in a namespace lab, a golden disk made with a loop device
  vm: { tests: 'the virtual-machine boot tests', root: 'they build namespaces, tap interfaces and loop devices', tools: ['ip', 'dnsmasq', 'curl', 'qemu-system-x86_64', '/usr/lib/ipxe/qemu/efi-virtio.rom', 'extlinux', '/usr/lib/syslinux/mbr/mbr.bin', 'partx', 'losetup', 'mount', 'umount', 'mkfs.ext4', 'debugfs', 'ssh-keygen', 'dpkg-deb', 'apt-get'] },
  // web-view.test.ts: serve --web watched in Debian's headless chromium
  browser: { tests: 'the web-view browser test', tools: ['/usr/bin/chromium'] }
} satisfies Record<string, Needs>

export type NeedsName = keyof typeof NEEDS

export const isRoot = (): boolean => process.getuid?.() === 0

function executableIn (dir: string, command: string): boolean {
  try {
    accessSync(join(dir, command), constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** Is `command` an executable on PATH (where the tests' execFile and spawn look)? */
export function onPath (command: string): boolean {
  if (command.startsWith('/')) return existsSync(command)
  return (process.env.PATH ?? '').split(delimiter).some(dir => dir !== '' && executableIn(dir, command))
}

/** Where Debian puts `command`, if it is installed but not on PATH (root's PATH after `su` without `-` lacks /usr/sbin). */
export function offPath (command: string): string | undefined {
  return ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].find(dir => executableIn(dir, command))
}

export function missingTools (tools: readonly Tool[] = Object.keys(PACKAGE_OF) as Tool[]): Tool[] {
  return [...new Set(tools)].filter(t => !onPath(t))
}

export function packagesFor (tools: readonly Tool[]): string[] {
  return [...new Set(tools.map(t => PACKAGE_OF[t]))].sort()
}

/** Why these tests cannot run here, in a few words; undefined when they can. */
export function unmetReason (name: NeedsName): string | undefined {
  const needs: Needs = NEEDS[name]
  if (needs.root !== undefined && !isRoot()) return `needs root: ${needs.root}`
  const missing = missingTools(needs.tools)
  if (missing.length === 0) return undefined
  return `needs ${missing.join(', ')} on PATH (Debian packages: ${packagesFor(missing).join(' ')})`
}
