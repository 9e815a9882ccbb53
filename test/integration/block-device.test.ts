// Real block devices (loop devices, root only — CI runs as root): a mounted
// device is refused (invariant 5), and so is the file behind it, while an
// unmounted one receives the image.

import { execFileSync } from 'node:child_process'
import { open } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeImage, makeTarget, makeWorkdir, startSession, type Workdir } from '../support/session.js'
import { needs } from '../support/skip.js'

const MiB = 1_048_576
const sh = (cmd: string, ...args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8' }).trim()

async function sha256Prefix (path: string, bytes: number): Promise<string> {
  const handle = await open(path, 'r')
  try {
    const buf = Buffer.alloc(bytes)
    await handle.read(buf, 0, bytes, 0)
    return createHash('sha256').update(buf).digest('hex')
  } finally {
    await handle.close()
  }
}

describe('block device targets', needs('blockDevice'), () => {
  let w: Workdir
  const loops: string[] = []
  let mountpoint: string | undefined
  beforeAll(async () => {
    w = await makeWorkdir()
  })
  afterAll(async () => {
    if (mountpoint !== undefined) try { sh('umount', mountpoint) } catch {}
    for (const dev of loops) try { sh('losetup', '-d', dev) } catch {}
    await w?.remove()
  })

  it('refuses a mounted device and clones onto an unmounted one', async () => {
    const image = await makeImage(w, 8 * MiB)
    const free = sh('losetup', '-f', '--show', await makeTarget(w, 'free.backing', 16 * MiB))
    loops.push(free)
    const busyBacking = await makeTarget(w, 'busy.backing', 16 * MiB)
    const busy = sh('losetup', '-f', '--show', busyBacking)
    loops.push(busy)
    sh('mkfs.ext4', '-q', busy)
    mountpoint = w.path('mnt')
    sh('mkdir', mountpoint)
    sh('mount', busy, mountpoint)

    const session = await startSession(w, image.path, ['--nodes', '1'])
    try {
      const refused = session.startNode({ name: 'mounted', target: busy })
      expect(await refused.exited).toBe(3)
      expect(refused.stderr()).toMatch(new RegExp(`refusing to write ${busy}: .* is mounted at ${mountpoint}`))
      // The file behind the mounted loop device, by its own name and by a hard link.
      const link = w.path('busy.link')
      sh('ln', busyBacking, link)
      for (const [name, target] of [['backing', busyBacking], ['link', link]] as const) {
        const behind = session.startNode({ name, target })
        expect(await behind.exited).toBe(3)
        expect(behind.stderr()).toMatch(new RegExp(`refusing to write ${target}: it backs ${busy}, and ${busy} \\(or a partition of it\\) is mounted at ${mountpoint}`))
      }
      session.startNode({ name: 'disk', target: free })
      const { exit, report } = await session.finish()
      expect(exit).toBe(0)
      expect(report.nodes.map(n => n.status)).toEqual(['OK'])
      expect(await sha256Prefix(free, 8 * MiB)).toBe(image.sha256)
      // The mounted file system is intact.
      sh('umount', mountpoint)
      mountpoint = undefined
      expect(() => sh('fsck.ext4', '-n', busy)).not.toThrow()
    } finally {
      session.kill()
    }
  })
})
