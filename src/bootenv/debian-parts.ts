// Debian's own parts of the cloning environment: the kernel package (the
// one linux-image-amd64 depends on) and busybox-static, fetched with apt-get
// download into a cache directory and unpacked with dpkg-deb -x, which needs
// no root and installs nothing on the build host.

import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { RingcastError } from '../errors.js'

const run = promisify(execFile)

async function tool (command: string, args: string[], what: string, cwd?: string): Promise<string> {
  try {
    return (await run(command, args, { cwd, maxBuffer: 16 * 1024 * 1024 })).stdout
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string }
    if (e.code === 'ENOENT') throw new RingcastError('USAGE', `${what} needs ${command}, which is not installed (it comes with Debian's apt and dpkg)`)
    const last = (e.stderr ?? '').trim().split('\n').filter(l => !l.startsWith('W:')).slice(-2).join(' ')
    throw new RingcastError('USAGE', `${what} failed: ${command} ${args.join(' ')}: ${last !== '' ? last : e.message}`)
  }
}

/** The versioned kernel package a metapackage (linux-image-amd64) depends on, e.g. linux-image-6.1.0-57-amd64. */
export async function kernelPackageOf (metapackage: string): Promise<string> {
  const out = await tool('apt-cache', ['depends', '--no-recommends', '--no-suggests', metapackage], `finding the kernel of ${metapackage}`)
  const dep = /Depends:\s+(linux-image-\S+)/.exec(out)?.[1]
  if (dep === undefined) throw new RingcastError('USAGE', `${metapackage} depends on no linux-image package (is it a kernel metapackage, and has apt-get update run?)`)
  return dep.replace(/:amd64$/, '')
}

/** `pkg`'s .deb in `cacheDir`, downloaded unless a file of that package is already there. */
export async function debOf (pkg: string, cacheDir: string): Promise<string> {
  await mkdir(cacheDir, { recursive: true })
  const have = async (): Promise<string | undefined> => (await readdir(cacheDir)).find(f => f.startsWith(`${pkg}_`) && f.endsWith('.deb'))
  let file = await have()
  if (file === undefined) {
    await tool('apt-get', ['download', '-q', pkg], `downloading ${pkg}`, cacheDir)
    file = await have()
    if (file === undefined) throw new RingcastError('USAGE', `apt-get download ${pkg} left no .deb in ${cacheDir}`)
  }
  return join(cacheDir, file)
}

/** Unpack a .deb into `dir` (emptied first). */
export async function unpackDeb (deb: string, dir: string): Promise<void> {
  if (!existsSync(deb)) throw new RingcastError('USAGE', `${deb} does not exist`)
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  await tool('dpkg-deb', ['-x', deb, dir], `unpacking ${deb}`)
}
