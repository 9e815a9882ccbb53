// Storage safety (issue 14, item 5): a target is written only where it was
// inspected, by one join at a time, a journal's temporary file is never
// opened through what is already there, one file under two names is one
// target, and a file target larger than its image is reported before
// anything is written.

import { spawnSync } from 'node:child_process'
import { link, mkdtemp, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { inspectTargets, oversizedFiles } from '../../src/agent/targets.js'
import { Journal } from '../../src/storage/journal.js'
import { inspectTarget, Target, TARGET_LOCK_SUFFIX } from '../../src/storage/target.js'

let dir: string
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'ringcast-safety-')) })
afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

describe('a target', () => {
  it('is not written when the file at its path was replaced after it was inspected', async () => {
    const path = join(dir, 'disk.img')
    await writeFile(path, Buffer.alloc(4096))
    const info = await inspectTarget(path, { create: false })
    await writeFile(join(dir, 'other.img'), Buffer.alloc(4096, 1))
    await rename(join(dir, 'other.img'), path)
    await expect(Target.open(info, 4096)).rejects.toMatchObject({ code: 'TARGET_NOT_WRITABLE', message: expect.stringMatching(/is not the file that was inspected/) })
  })

  it('is not written through a symlink planted at its path after it was inspected', async () => {
    const path = join(dir, 'disk.img')
    const victim = join(dir, 'victim')
    await writeFile(path, Buffer.alloc(4096))
    await writeFile(victim, 'keep me')
    const info = await inspectTarget(path, { create: false })
    await rm(path)
    await symlink(victim, path)
    await expect(Target.open(info, 4096)).rejects.toMatchObject({ code: 'TARGET_NOT_WRITABLE', message: expect.stringMatching(/became a symlink after it was inspected/) })
    expect(await readFile(victim, 'utf8')).toBe('keep me')
  })

  it('named through a symlink (as /dev/disk/by-id/… names a disk) is the file it resolved to, and is written there', async () => {
    const real = join(dir, 'disk.img')
    await writeFile(real, Buffer.alloc(4096))
    await symlink(real, join(dir, 'by-id'))
    const info = await inspectTarget(join(dir, 'by-id'), { create: false })
    expect(info.resolvedPath).toBe(real)
    const target = await Target.open(info, 4096)
    await target.close()
  })

  it('is written by one join at a time: a second is refused while the first holds it, a lock left by a dead process is taken over', async () => {
    const path = join(dir, 'disk.img')
    await writeFile(path, Buffer.alloc(4096))
    const first = await Target.open(await inspectTarget(path, { create: false }), 4096)
    await expect(Target.open(await inspectTarget(path, { create: false }), 4096))
      .rejects.toMatchObject({ code: 'TARGET_MOUNTED', message: expect.stringMatching(new RegExp(`another ringcast join \\(process ${process.pid}\\) is writing it`)) })
    await first.close()
    await expect(stat(`${path}${TARGET_LOCK_SUFFIX}`)).rejects.toThrow()
    // A join killed with its lock in place: the pid in it is gone.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout
    await writeFile(`${path}${TARGET_LOCK_SUFFIX}`, dead)
    const again = await Target.open(await inspectTarget(path, { create: false }), 4096)
    expect(await readFile(`${path}${TARGET_LOCK_SUFFIX}`, 'utf8')).toBe(String(process.pid))
    await again.close()
  })

  it('under two names (a hard link) is one target: refused for two images', async () => {
    const a = join(dir, 'a.img')
    await writeFile(a, Buffer.alloc(4096))
    await link(a, join(dir, 'b.img'))
    await expect(inspectTargets([{ name: 'boot', path: a }, { name: 'root', path: join(dir, 'b.img') }], false))
      .rejects.toThrow(/targets boot and root are the same file/)
  })

  it('larger than its image is reported, with how much is cut off', async () => {
    const path = join(dir, 'big.img')
    await writeFile(path, Buffer.alloc(8192))
    const [planned] = await inspectTargets([{ name: '', path }], false)
    expect(oversizedFiles([{ part: { name: '', offset: 0, size: 4096 } as never, planned: planned! }]))
      .toEqual([`target ${path} holds 8192 bytes, more than its image's 4096: the verified copy leaves it 4096 bytes long (the 4096 bytes past the image are cut off)`])
    expect(oversizedFiles([{ part: { name: '', offset: 0, size: 8192 } as never, planned: planned! }])).toEqual([])
  })
})

describe('a journal', () => {
  it('never writes through a symlink planted at its temporary file\'s name', async () => {
    const path = join(dir, 'disk.img.ringcast-journal')
    const victim = join(dir, 'victim')
    await writeFile(victim, 'keep me')
    await symlink(victim, `${path}.tmp`)
    const journal = await Journal.create(path, { sessionId: new Uint8Array(16).fill(7), imageSize: 4096, blockSize: 4096, targetPath: join(dir, 'disk.img') })
    await journal.close()
    expect(await readFile(victim, 'utf8')).toBe('keep me')
    expect((await stat(path)).mode & 0o777).toBe(0o600)
  })
})
