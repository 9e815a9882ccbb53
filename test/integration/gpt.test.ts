// Whole disks (issue 12, item 5): a GPT disk image cloned onto a larger
// disk (a loop device) keeps its partition table, and gets its backup
// header and table moved to the disk's end with their CRCs fixed, so the
// disk passes `sgdisk -v` (Debian gdisk). The partitions' bytes are the
// image's.

import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { makeWorkdir, sha256Range, startSession, type Workdir } from '../support/session.js'
import { needs } from '../support/skip.js'

const MiB = 1_048_576
const IMAGE_BYTES = 64 * MiB
const sh = (cmd: string, ...args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

describe('whole disks with a GPT', needs('gpt'), () => {
  let w: Workdir
  const loops: string[] = []
  beforeAll(async () => { w = await makeWorkdir() })
  afterAll(async () => {
    for (const dev of loops) try { sh('losetup', '-d', dev) } catch {}
    await w?.remove()
  })

  it('a GPT image onto a larger disk: its backup is moved to the disk\'s end, sgdisk -v finds no problem, the partitions are the image\'s', async () => {
    const image = w.path('disk.img')
    await writeFile(image, randomBytes(IMAGE_BYTES))
    // Two partitions; the rest of the image random (partition contents).
    sh('sgdisk', '-Z', image)
    sh('sgdisk', '-n', '1:2048:+20M', '-t', '1:8300', '-n', '2:0:+40M', '-t', '2:8300', image)
    const before = sh('sgdisk', '-v', image)
    expect(before).toMatch(/No problems found/)
    expect(before).not.toMatch(/Warning|Caution|Problem:/)
    const part1 = sh('sgdisk', '-i', '1', image)
    const firstSector = Number(/First sector: (\d+)/.exec(part1)![1])
    const part1Bytes = 20 * MiB
    const imageSha = await sha256Range(image, firstSector * 512, part1Bytes)

    const backing = w.path('disk-backing.img')
    await writeFile(backing, '')
    sh('truncate', '-s', String(2 * IMAGE_BYTES), backing)
    const dev = sh('losetup', '--find', '--show', backing).trim()
    loops.push(dev)
    // Before: the image's table, written as is, would leave the disk's end bare.
    const session = await startSession(w, image, ['--nodes', '1', '--raw'])
    onTestFinished(() => session.kill())
    const node = session.startNode({ name: 'disk', target: dev })
    const { exit, report } = await session.finish()
    expect(exit, session.coordinator.stderr()).toBe(0)
    expect(report.nodes[0]!.status).toBe('OK')
    expect(await node.exited).toBe(0)
    expect(node.stderr()).toMatch(/GPT: moved the backup header and partition table from LBA 131071 to the end of \S+ \(LBA 262143\); both read back whole/)
    const verify = sh('sgdisk', '-v', dev)
    expect(verify, verify).toMatch(/No problems found/)
    expect(verify).not.toMatch(/Warning|Caution|Problem:/)
    // The partition table is the image's, and partition 1 holds the image's bytes.
    expect(sh('sgdisk', '-i', '1', dev)).toBe(part1)
    expect(await sha256Range(dev, firstSector * 512, part1Bytes)).toBe(imageSha)
  })
})
