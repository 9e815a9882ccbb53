// The golden image the virtual-machine tests clone: a disk that boots by
// itself, built here from Debian's own parts, small enough to clone in
// seconds under TCG:
//
//   MBR (syslinux mbr.bin) | partition 1 at 1 MiB, ext4, bootable:
//     /boot/vmlinuz          the kernel of the cloning environment's package
//     /boot/initrd.img       busybox + virtio and ext4 drivers + an init that
//                            mounts /dev/vda1 read-only and prints one line,
//                            then powers off
//     /boot/syslinux/        extlinux, booting that kernel
//     /etc/hostname, /etc/machine-id, /etc/ssh/ssh_host_*   what the identity step changes
//
// On the serial console, the clone says:
//   ringcast-clone: hostname=<its /etc/hostname> machine-id=<its /etc/machine-id> ssh-host-keys=N ssh-key=<sha256 prefix>
// Needs root (a loop device, a mount), extlinux and syslinux-common.

import { execFileSync } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import { selectModules } from '../../src/bootenv/kernel-modules.js'
import { writeNewc, type NewcEntry } from '../../src/bootenv/newc.js'
import type { DebianParts } from './debian-cache.js'

export const GOLDEN_HOSTNAME = 'golden'
export const GOLDEN_MACHINE_ID = '0123456789abcdef0123456789abcdef'
/** hostname, machine-id, how many /etc/ssh/ssh_host_* files, and the first 16 hex digits of the Ed25519 host key's sha256 (or none). */
// To the line's end: the console arrives in chunks, and a match on half a line once read a hash cut short.
export const CLONE_LINE = /ringcast-clone: hostname=(\S*) machine-id=(\S*) ssh-host-keys=(\d+) ssh-key=(\S+)\r?\n/
export const GOLDEN_SSH_KEY = 'not a real key\n'
const PARTITION_START_BYTES = 1_048_576
const SYSLINUX_MBR = '/usr/lib/syslinux/mbr/mbr.bin'

const sh = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

const GOLDEN_INIT = (kernel: string): string => `#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t devtmpfs devtmpfs /dev
# No kernel message in the middle of the line below.
echo 0 > /proc/sys/kernel/printk
for m in $(cat /modules); do insmod /lib/modules/${kernel}/$m 2>/dev/null; done
for i in $(seq 1 20); do [ -b /dev/vda1 ] && break; sleep 1; done
mkdir -p /mnt
mount -t ext4 -o ro /dev/vda1 /mnt || echo "ringcast-clone: cannot mount /dev/vda1"
keys=$(ls /mnt/etc/ssh/ 2>/dev/null | grep -c ssh_host_)
key=$(sha256sum /mnt/etc/ssh/ssh_host_ed25519_key 2>/dev/null | cut -c1-16)
echo "ringcast-clone: hostname=$(cat /mnt/etc/hostname) machine-id=$(cat /mnt/etc/machine-id) ssh-host-keys=$keys ssh-key=\${key:-none}"
umount /mnt
poweroff -f
`

/** One MBR partition entry (LBA only; CHS set to "use LBA"). */
function mbrEntry (bootable: boolean, type: number, startLba: number, sectors: number): Buffer {
  const e = Buffer.alloc(16)
  e[0] = bootable ? 0x80 : 0
  e.set([0xfe, 0xff, 0xff], 1)
  e[4] = type
  e.set([0xfe, 0xff, 0xff], 5)
  e.writeUInt32LE(startLba, 8)
  e.writeUInt32LE(sectors, 12)
  return e
}

/** Build the golden disk at `path`, `bytes` long (sparse). */
export async function buildGoldenImage (path: string, bytes: number, parts: DebianParts): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'ringcast-golden-'))
  let loop: string | undefined
  let mounted: string | undefined
  try {
    const { kernelDir, kernelVersion, busybox } = parts
    const modulesDir = join(kernelDir, 'lib', 'modules', kernelVersion)
    const modules = await selectModules(modulesDir, ['virtio_pci', 'virtio_blk', 'crc32c_generic', 'ext4'])
    const entries: NewcEntry[] = ['bin', 'dev', 'proc', 'mnt', 'lib', 'lib/modules', `lib/modules/${kernelVersion}`].map(p => ({ kind: 'dir', path: p }))
    const dirs = new Set<string>()
    for (const m of modules.ordered) {
      const segs = m.split('/').slice(0, -1)
      for (let i = 1; i <= segs.length; i++) dirs.add(segs.slice(0, i).join('/'))
    }
    for (const d of [...dirs].sort()) entries.push({ kind: 'dir', path: `lib/modules/${kernelVersion}/${d}` })
    const file = (p: string, data: Buffer | string, mode = 0o644): NewcEntry => { const b = Buffer.from(data); return { kind: 'file', path: p, mode, data: b, size: b.length } }
    entries.push(file('init', GOLDEN_INIT(kernelVersion), 0o755), file('modules', `${modules.ordered.join('\n')}\n`))
    entries.push(file('bin/busybox', await readFile(busybox), 0o755))
    for (const m of modules.ordered) entries.push(file(`lib/modules/${kernelVersion}/${m}`, await readFile(join(modulesDir, m))))
    entries.push({ kind: 'char', path: 'dev/console', mode: 0o600, major: 5, minor: 1 })

    const root = join(work, 'root')
    for (const d of ['boot/syslinux', 'etc/ssh']) await mkdir(join(root, d), { recursive: true })
    const gzip = createGzip()
    const done = pipeline(gzip, createWriteStream(join(root, 'boot', 'initrd.img')))
    await writeNewc(entries, gzip)
    gzip.end()
    await done
    await writeFile(join(root, 'boot', 'vmlinuz'), await readFile(join(kernelDir, 'boot', `vmlinuz-${kernelVersion}`)))
    await writeFile(join(root, 'boot', 'syslinux', 'syslinux.cfg'), 'DEFAULT clone\nTIMEOUT 0\nLABEL clone\n  KERNEL /boot/vmlinuz\n  INITRD /boot/initrd.img\n  APPEND console=ttyS0,115200 quiet loglevel=1\n')
    await writeFile(join(root, 'etc', 'hostname'), `${GOLDEN_HOSTNAME}\n`)
    await writeFile(join(root, 'etc', 'machine-id'), `${GOLDEN_MACHINE_ID}\n`)
    await writeFile(join(root, 'etc', 'ssh', 'ssh_host_ed25519_key'), GOLDEN_SSH_KEY, { mode: 0o600 })
    await writeFile(join(root, 'etc', 'ssh', 'ssh_host_ed25519_key.pub'), 'not a real key\n')

    // The disk: a partition table first, then the file system made in place on the partition's loop device.
    await rm(path, { force: true })
    const disk = await open(path, 'w')
    const sectors = bytes / 512
    const table = Buffer.concat([mbrEntry(true, 0x83, PARTITION_START_BYTES / 512, sectors - PARTITION_START_BYTES / 512), Buffer.alloc(48), Buffer.from([0x55, 0xaa])])
    await disk.write(table, 0, table.length, 446)
    await disk.truncate(bytes)
    await disk.close()
    loop = sh('losetup', ['--find', '--show', '--partscan', path]).trim()
    const partition = `${loop}p1`
    // Some kernels scan no partition tables (this machine's does not): partx adds them by hand.
    if (!await exists(partition)) sh('partx', ['-a', loop])
    for (let i = 0; i < 50 && !await exists(partition); i++) await new Promise(resolve => setTimeout(resolve, 100))
    // syslinux 6.04 failed to load /boot/vmlinuz ("I/O error") from an ext4 made with
    // mkfs.ext4 -d and the default features; with these off it boots (measured here).
    sh('mkfs.ext4', ['-q', '-F', '-L', 'golden', '-O', '^64bit,^metadata_csum,^extent,^huge_file,^flex_bg,^dir_nlink,^extra_isize', '-d', root, partition])
    mounted = join(work, 'mnt')
    await mkdir(mounted)
    sh('mount', [partition, mounted])
    sh('extlinux', ['--install', join(mounted, 'boot', 'syslinux')])
    sh('umount', [mounted])
    mounted = undefined
    sh('losetup', ['-d', loop])
    loop = undefined
    const mbr = (await readFile(SYSLINUX_MBR)).subarray(0, 440)
    const fd = await open(path, 'r+')
    await fd.write(mbr, 0, mbr.length, 0)
    await fd.close()
  } finally {
    if (mounted !== undefined) try { sh('umount', [mounted]) } catch {}
    if (loop !== undefined) try { sh('losetup', ['-d', loop]) } catch {}
    await rm(work, { recursive: true, force: true })
  }
}

async function exists (p: string): Promise<boolean> {
  return await open(p, 'r').then(async f => { await f.close(); return true }, () => false)
}
