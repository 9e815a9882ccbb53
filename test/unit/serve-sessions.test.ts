// serve --boot-nodes with one session per image (issue 13, item 1): which
// session each node of the nodes file joins, where each session listens,
// which flags cannot apply to several, and what serve prints for them.

import { describe, expect, it } from 'vitest'
import { sessionFor, type BootSession } from '../../cli/boot-mode.js'
import { formatOutcomes, listenFor, sessionsOf } from '../../cli/serve-sessions.js'
import type { BootNode } from '../../src/boot/nodes.js'
import type { SessionReport } from '../../src/coordinator/report.js'
import type { BootOptions } from '../../cli/boot-mode.js'

const node = (image?: string): BootNode => ({ name: 'n1', mac: '52:54:00:00:00:01', state: 'clone', fields: {}, image })
const BOOT = { nodesFile: 'nodes.json' } as unknown as BootOptions
const images = [{ name: 'debian12', path: '/srv/deb.img' }, { name: 'rocky9', path: '/srv/rocky.img.zst' }]

describe('which session a boot node joins', () => {
  const two = sessionsOf(images, BOOT, { nodes: false, web: false })

  it('with several sessions: the one its image names (by NAME, or by file name); none for another image or no image, saying why', () => {
    expect(two.map(s => s.name)).toEqual(['debian12', 'rocky9'])
    expect(sessionFor(node('debian12'), two)).toEqual({ index: 0 })
    expect(sessionFor(node('rocky9'), two)).toEqual({ index: 1 })
    expect(sessionFor(node('rocky.img.zst'), two)).toEqual({ index: 1 })
    expect(sessionFor(node('ubuntu'), two)).toEqual({ none: 'no session serves image ubuntu (this coordinator serves debian12, rocky9)' })
    expect(sessionFor(node(), two)).toEqual({ none: 'it names no image, and this coordinator serves several (debian12, rocky9): set its "image" in the nodes file' })
  })

  it('with one session, as before there were several: any node without an image, or one naming that image', () => {
    const plain: BootSession[] = [{ name: '', images: [{ name: '', path: '/srv/golden.img' }] }]
    expect(sessionFor(node(), plain)).toEqual({ index: 0 })
    expect(sessionFor(node('golden.img'), plain)).toEqual({ index: 0 })
    expect(sessionFor(node('debian12'), plain)).toEqual({ none: 'no session serves image debian12' })
    const named: BootSession[] = [{ name: '', images: [images[0]!] }]
    expect(sessionFor(node('debian12'), named)).toEqual({ index: 0 })
    // Several images in ONE session (no --boot-nodes meaning): a node naming one of them has one target, so none fits.
    expect(sessionFor(node('debian12'), [{ name: '', images }])).toEqual({ none: 'no session serves image debian12' })
  })
})

describe('sessions of serve', () => {
  it('are one per image only with --boot-nodes and several images; each then sends its image as a plain one', () => {
    expect(sessionsOf(images, undefined, { nodes: true, web: true })).toEqual([{ name: '', images }])
    expect(sessionsOf([images[0]!], BOOT, { nodes: true, web: true })).toEqual([{ name: '', images: [images[0]] }])
    expect(sessionsOf(images, BOOT, { nodes: false, web: false })).toEqual([
      { name: 'debian12', images: [{ name: '', path: '/srv/deb.img' }] },
      { name: 'rocky9', images: [{ name: '', path: '/srv/rocky.img.zst' }] }
    ])
  })

  it('refuse --nodes and --web with several, in one sentence each', () => {
    expect(() => sessionsOf(images, BOOT, { nodes: true, web: false })).toThrow(/^--nodes cannot be given with several sessions .*each waits for the nodes of its own image in clone/)
    expect(() => sessionsOf(images, BOOT, { nodes: false, web: true })).toThrow(/^--web shows one session; with several/)
    // Two sessions cannot both read standard input (the first would take it all).
    expect(() => sessionsOf([{ name: 'a', path: '-' }, { name: 'b', path: '-' }], BOOT, { nodes: false, web: false })).toThrow(/^only one image can come from standard input/)
  })

  it('listen on the --listen ports + their index; port 0 stays any free port', () => {
    const listen = ['/ip4/0.0.0.0/tcp/7373', '/ip6/::/tcp/7373', '/ip4/127.0.0.1/tcp/0']
    expect(listenFor(listen, 0)).toEqual(listen)
    expect(listenFor(listen, 2)).toEqual(['/ip4/0.0.0.0/tcp/7375', '/ip6/::/tcp/7375', '/ip4/127.0.0.1/tcp/0'])
    expect(() => listenFor(['/ip4/0.0.0.0/tcp/65535'], 1)).toThrow(/session 2 would listen on TCP port 65536/)
  })

  it('print one report as always; several under their names, or as one JSON document', () => {
    const report = (ok: boolean): SessionReport => ({ ok, nodes: [] }) as unknown as SessionReport
    const one: BootSession[] = [{ name: '', images }]
    expect(JSON.parse(formatOutcomes(one, [{ report: report(true) }], true))).toEqual({ ok: true, nodes: [] })
    const two = sessionsOf(images, BOOT, { nodes: false, web: false })
    const doc = JSON.parse(formatOutcomes(two, [{ report: report(true) }, { error: Object.assign(new Error('no node joined within 5 s'), { code: 'NO_NODES', name: 'RingcastError' }) }], true)) as unknown
    expect(doc).toMatchObject({ sessions: [{ name: 'debian12', report: { ok: true } }, { name: 'rocky9', error: { message: 'no node joined within 5 s' } }] })
    expect(formatOutcomes(two, [{ error: new Error('image unreadable') }, { error: new Error('no node joined within 5 s') }], false))
      .toBe('session debian12:\nfailed: image unreadable\n\nsession rocky9:\nfailed: no node joined within 5 s\n')
  })
})
