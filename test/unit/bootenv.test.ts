// The cloning environment's pure parts (src/bootenv/): the newc writer, its
// archive parsed back field by field, and module dependency order from
// .modinfo.

import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { modinfoDepends, moduleName, selectModules } from '../../src/bootenv/kernel-modules.js'
import { writeNewc } from '../../src/bootenv/newc.js'

async function archive (entries: Parameters<typeof writeNewc>[0]): Promise<Buffer> {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (c: Buffer) => chunks.push(c))
  await writeNewc(entries, out)
  out.end()
  return Buffer.concat(chunks)
}

describe('newc', () => {
  it('writes headers, names and data padded to 4 bytes, device entries and the trailer', async () => {
    const bytes = await archive([
      { kind: 'dir', path: '/etc' },
      { kind: 'file', path: '/etc/x', mode: 0o644, size: 5, data: Buffer.from('hello') },
      { kind: 'symlink', path: '/bin/sh', target: 'busybox' },
      { kind: 'char', path: '/dev/console', mode: 0o600, major: 5, minor: 1 }
    ])
    const entries: Array<{ name: string, mode: number, size: number, rdev: [number, number], data: string }> = []
    let at = 0
    for (;;) {
      const h = bytes.subarray(at, at + 110).toString('latin1')
      expect(h.slice(0, 6)).toBe('070701')
      const field = (i: number): number => parseInt(h.slice(6 + i * 8, 14 + i * 8), 16)
      const nameSize = field(11)
      const name = bytes.subarray(at + 110, at + 110 + nameSize - 1).toString()
      const dataAt = Math.ceil((at + 110 + nameSize) / 4) * 4
      const size = field(6)
      entries.push({ name, mode: field(1), size, rdev: [field(9), field(10)], data: bytes.subarray(dataAt, dataAt + size).toString() })
      at = Math.ceil((dataAt + size) / 4) * 4
      if (name === 'TRAILER!!!') break
    }
    expect(at).toBe(bytes.length)
    expect(entries.map(e => [e.name, e.mode.toString(8), e.data])).toEqual([
      ['etc', '40755', ''], ['etc/x', '100644', 'hello'], ['bin/sh', '120777', 'busybox'], ['dev/console', '20600', ''], ['TRAILER!!!', '0', '']
    ])
    expect(entries[3]!.rdev).toEqual([5, 1])
  })

  it('refuses a file of 4 GiB or more (newc has 8 hex digits) and a file whose size changed', async () => {
    await expect(archive([{ kind: 'file', path: 'big', mode: 0o644, size: 2 ** 32, data: Buffer.alloc(0) }])).rejects.toThrow(/does not fit a newc header field/)
    await expect(archive([{ kind: 'file', path: 'x', mode: 0o644, size: 9, data: Buffer.from('short') }])).rejects.toThrow(/changed size/)
  })

  it('stops at once, rather than waiting for a drain that never comes, when its output is destroyed', async () => {
    const out = new Writable({ highWaterMark: 1, write (_c, _e, cb) { setTimeout(cb, 10) } })
    out.on('error', () => {})
    const writing = writeNewc([{ kind: 'file', path: 'x', mode: 0o644, size: 1 << 20, data: Buffer.alloc(1 << 20) }, { kind: 'dir', path: 'y' }], out)
    out.destroy(new Error('disk full'))
    await expect(writing).rejects.toThrow(/disk full|closed/)
  })
})

describe('kernel modules', () => {
  const ko = (depends: string): Buffer => Buffer.concat([Buffer.from('\x7fELF....'), Buffer.from(`\0license=GPL\0depends=${depends}\0vermagic=6.1\0`)])

  it('reads depends= from .modinfo and names modules as modprobe does', () => {
    expect(modinfoDepends(ko('virtio,virtio_ring'))).toEqual(['virtio', 'virtio_ring'])
    expect(modinfoDepends(ko(''))).toEqual([])
    expect(moduleName('kernel/drivers/net/mdio-devres.ko')).toBe('mdio_devres')
  })

  it('orders each module after what it needs, once; a built-in is skipped; an unknown one is refused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ringcast-modules-'))
    try {
      await mkdir(join(dir, 'kernel', 'net'), { recursive: true })
      await writeFile(join(dir, 'kernel', 'net', 'virtio_net.ko'), ko('virtio,net_failover,virtio_ring'))
      await writeFile(join(dir, 'kernel', 'net', 'net_failover.ko'), ko('failover'))
      await writeFile(join(dir, 'kernel', 'net', 'failover.ko'), ko(''))
      await writeFile(join(dir, 'kernel', 'net', 'virtio.ko'), ko('virtio_ring'))
      await writeFile(join(dir, 'kernel', 'net', 'virtio_ring.ko'), ko(''))
      await writeFile(join(dir, 'modules.builtin'), 'kernel/drivers/block/loop.ko\n')
      const picked = await selectModules(dir, ['virtio_net', 'loop', 'virtio'])
      expect(picked.ordered).toEqual(['kernel/net/virtio_ring.ko', 'kernel/net/virtio.ko', 'kernel/net/failover.ko', 'kernel/net/net_failover.ko', 'kernel/net/virtio_net.ko'])
      expect(picked.builtIn).toEqual(['loop'])
      await expect(selectModules(dir, ['e1000x'])).rejects.toThrow(/the kernel has no module e1000x/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
