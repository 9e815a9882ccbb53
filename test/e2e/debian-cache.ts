// Debian's kernel and busybox-static packages for the virtual-machine tests,
// fetched once into a cache kept between runs (apt-get download, with an
// apt-get update first on a machine whose package lists are empty) and
// unpacked into a work directory.

import { execFileSync } from 'node:child_process'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { debOf, kernelPackageOf, unpackDeb } from '../../src/bootenv/debian-parts.js'

export const DEB_CACHE = '/var/cache/ringcast/debs'

export interface DebianParts {
  kernelDeb: string
  busyboxDeb: string
  /** The kernel package, unpacked. */
  kernelDir: string
  kernelVersion: string
  /** bin/busybox of busybox-static, unpacked. */
  busybox: string
}

async function withPackageLists<T> (get: () => Promise<T>): Promise<T> {
  try {
    return await get()
  } catch {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore' })
    return await get()
  }
}

export async function debianParts (workDir: string): Promise<DebianParts> {
  const kernelDeb = await withPackageLists(async () => await debOf(await kernelPackageOf('linux-image-amd64'), DEB_CACHE))
  const busyboxDeb = await withPackageLists(async () => await debOf('busybox-static', DEB_CACHE))
  const kernelDir = join(workDir, 'kernel')
  await unpackDeb(kernelDeb, kernelDir)
  const vmlinuz = (await readdir(join(kernelDir, 'boot'))).find(f => f.startsWith('vmlinuz-'))!
  const busyboxDir = join(workDir, 'busybox')
  await unpackDeb(busyboxDeb, busyboxDir)
  return { kernelDeb, busyboxDeb, kernelDir, kernelVersion: vmlinuz.slice('vmlinuz-'.length), busybox: join(busyboxDir, 'bin', 'busybox') }
}
