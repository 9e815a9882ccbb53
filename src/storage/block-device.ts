// Linux block-device facts from /sys and /proc: size, mounts, swap, holders.
// A target that is mounted, used as swap or held by dm/LVM/md is never
// written, nor a file that backs a loop device in such use.

import { readdir, readFile, stat } from 'node:fs/promises'

/** glibc's gnu_dev_major/minor for a dev_t as Node reports it. */
export function devMajorMinor (rdev: number): { major: number, minor: number } {
  const big = BigInt(rdev)
  const major = Number(((big >> 8n) & 0xfffn) | ((big >> 32n) & ~0xfffn))
  const minor = Number((big & 0xffn) | ((big >> 12n) & ~0xffn))
  return { major, minor }
}

const sysDir = (rdev: number): string => {
  const { major, minor } = devMajorMinor(rdev)
  return `/sys/dev/block/${major}:${minor}`
}

/** Size in bytes of a block device (stat reports 0 for devices). */
export async function blockDeviceSize (rdev: number): Promise<number> {
  const sectors = Number((await readFile(`${sysDir(rdev)}/size`, 'utf8')).trim())
  return sectors * 512
}

/** The device's logical sector size (what a partition table's LBAs count in). */
export async function blockDeviceSectorBytes (rdev: number): Promise<number> {
  const bytes = Number((await readFile(`${sysDir(rdev)}/queue/logical_block_size`, 'utf8').catch(() => '512')).trim())
  return Number.isInteger(bytes) && bytes >= 512 ? bytes : 512
}

/**
 * Why the device must not be written, or undefined when it is free: mounted
 * (itself or a partition), active swap, or held by another device (LVM, md, dm).
 */
export async function blockDeviceInUse (rdev: number, path: string): Promise<string | undefined> {
  const { major, minor } = devMajorMinor(rdev)
  const ids = new Set([`${major}:${minor}`])
  const names = new Set<string>()
  const dir = sysDir(rdev)
  const partitions: string[] = []
  try {
    for (const entry of await readdir(dir)) {
      const dev = await readFile(`${dir}/${entry}/dev`, 'utf8').catch(() => undefined)
      if (dev !== undefined && await readFile(`${dir}/${entry}/partition`, 'utf8').catch(() => undefined) !== undefined) {
        ids.add(dev.trim())
        partitions.push(entry)
      }
    }
  } catch { /* no /sys entry: judge by mountinfo alone */ }
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '')
  for (const line of mountinfo.split('\n')) {
    const fields = line.split(' ')
    if (fields.length > 4 && ids.has(fields[2]!)) {
      return `${path} (or a partition of it) is mounted at ${unescapeMount(fields[4]!)}`
    }
  }
  for (const p of [path, ...partitions.map(p => `/dev/${p}`)]) names.add(p)
  const swaps = await readFile('/proc/swaps', 'utf8').catch(() => '')
  for (const line of swaps.split('\n').slice(1)) {
    const dev = line.split(/\s+/)[0]
    if (dev !== undefined && dev !== '' && names.has(dev)) return `${dev} is in use as swap`
  }
  for (const d of [dir, ...partitions.map(p => `${dir}/${p}`)]) {
    const holders = await readdir(`${d}/holders`).catch(() => [])
    if (holders.length > 0) return `${path} is held by ${holders.join(', ')} (LVM, RAID or device-mapper)`
  }
  return undefined
}

/**
 * Why a regular file must not be written because it backs a loop device that
 * is in use (mounted, swap, held), or undefined. Writing under a mounted
 * file system corrupts it as surely as writing the device. The file is
 * matched by device and inode, so another name for it (a hard link, a
 * relative path) is caught too.
 */
export async function fileBacksLoopInUse (file: { dev: number, ino: number }, path: string): Promise<string | undefined> {
  const devices = await readdir('/sys/block').catch(() => [] as string[])
  for (const loop of devices.filter(d => /^loop\d+$/.test(d))) {
    const backing = await readFile(`/sys/block/${loop}/loop/backing_file`, 'utf8').catch(() => undefined)
    if (backing === undefined) continue
    const backingStat = await stat(backing.trim().replace(/ \(deleted\)$/, '')).catch(() => undefined)
    if (backingStat === undefined || backingStat.dev !== file.dev || backingStat.ino !== file.ino) continue
    const device = await stat(`/dev/${loop}`).catch(() => undefined)
    if (device === undefined || !device.isBlockDevice()) continue
    const inUse = await blockDeviceInUse(device.rdev, `/dev/${loop}`)
    if (inUse !== undefined) return `it backs /dev/${loop}, and ${inUse}`
  }
  return undefined
}

function unescapeMount (s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)))
}
