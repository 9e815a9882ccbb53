// The identity step's rules (issue 13, item 4): what a Verdict may carry
// for a clone's identity, and the environment a hook gets from it. A hostile
// coordinator must not get a variable, a shell word or a NUL into a hook's
// environment, nor a bad host name into /etc/hostname.

import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { BootService } from '../../src/boot/boot-service.js'
import { hostsWith, newMachineId } from '../../src/identity/builtin-ext.js'
import { hookEnv, type HookContext } from '../../src/identity/hook-env.js'
import { runIdentityStep } from '../../src/identity/identity-step.js'
import { fieldsOf, fieldsProblem, hostnameProblem, identityProblem, MAX_FIELD_VALUE_BYTES, MAX_IDENTITY_FIELDS } from '../../src/wire/identity.js'

const f = (name: string, value = 'v'): { name: string, value: string } => ({ name, value })

describe('host names a clone may be given', () => {
  it.each(['node-a', 'n1', 'web01.lab.example', 'A-1', 'x'.repeat(63)])('takes %s', name => {
    expect(hostnameProblem(name)).toBeUndefined()
  })
  it.each([
    ['', /no host name/],
    ['node_1', /not a valid host name/],
    ['-node', /not a valid host name/],
    ['node-', /not a valid host name/],
    ['a..b', /not a valid host name/],
    ['node a', /not a valid host name/],
    ['node;reboot', /not a valid host name/],
    ['x'.repeat(64), /not a valid host name/],
    [`${'a'.repeat(40)}.${'b'.repeat(30)}`, /longer than 64 bytes/],
    ['nöde', /not a valid host name/]
  ])('refuses %j', (name, why) => {
    expect(hostnameProblem(name)).toMatch(why)
  })
})

describe('inventory fields a hook may be given', () => {
  it('takes names that are a letter, then letters, digits or _, with bounded values', () => {
    expect(fieldsProblem([f('role', 'compute'), f('Rack_2', ''), f('ip6', 'fd00::1'), f('motd', 'line one\nline two; $(not run)')])).toBeUndefined()
    expect(fieldsProblem([f('a'.repeat(63))])).toBeUndefined()
    expect(fieldsProblem([f('big', 'x'.repeat(MAX_FIELD_VALUE_BYTES))])).toBeUndefined()
  })
  it.each([
    [[f('1role')], /field name "1role"/],
    [[f('_x')], /field name "_x"/],
    [[f('a-b')], /field name "a-b"/],
    [[f('PATH=x')], /field name/],
    [[f('a b')], /field name/],
    [[f('')], /field name ""/],
    [[f('a'.repeat(64))], /field name/],
    [[f('__proto__')], /field name/],
    [[f('Role'), f('ROLE')], /"Role" and "ROLE" would both be RINGCAST_FIELD_ROLE/],
    [[f('x', 'a\0b')], /NUL/],
    [[f('x', 'é'.repeat(MAX_FIELD_VALUE_BYTES / 2 + 1))], /holds 4098 bytes/],
    [Array.from({ length: MAX_IDENTITY_FIELDS + 1 }, (_, i) => f(`f${i}`)), /65 inventory fields/],
    [Array.from({ length: 5 }, (_, i) => f(`f${i}`, 'x'.repeat(4000))), /20000 bytes in all/]
  ])('refuses %#', (fields, why) => {
    expect(fieldsProblem(fields)).toMatch(why)
  })
  it('holds the host name first, then the fields', () => {
    expect(identityProblem('bad_name', [f('1x')])).toMatch(/host name/)
    expect(identityProblem('good', [f('1x')])).toMatch(/field name/)
  })
  it('takes a nodes file\'s fields in a stable order', () => {
    expect(fieldsOf({ zone: 'b', role: 'compute' })).toEqual([f('role', 'compute'), f('zone', 'b')])
  })
})

describe('a hook\'s environment', () => {
  const context = (over: Partial<HookContext> = {}): HookContext => ({
    nodeName: 'node-a',
    identity: { hostname: 'node-a', fields: [f('role', 'compute'), f('Rack', 'r2')] },
    targets: [{ name: '', path: '/dev/vda' }],
    imageSha256: 'ab'.repeat(32),
    ...over
  })

  it('names the node, its host name, target, digest and each field, upper-cased', () => {
    const env = hookEnv(context(), { PATH: '/usr/bin:/bin', HOME: '/root' })
    expect(env).toEqual({
      PATH: '/usr/bin:/bin',
      HOME: '/root',
      RINGCAST_NODE_NAME: 'node-a',
      RINGCAST_HOSTNAME: 'node-a',
      RINGCAST_TARGET: '/dev/vda',
      RINGCAST_IMAGE_SHA256: 'ab'.repeat(32),
      RINGCAST_FIELD_ROLE: 'compute',
      RINGCAST_FIELD_RACK: 'r2'
    })
  })

  it('inherits no RINGCAST_ variable of the agent\'s own environment (a stale one cannot pose as ours)', () => {
    const env = hookEnv(context(), { PATH: '/bin', RINGCAST_FIELD_ADMIN: 'yes', RINGCAST_TARGET: '/dev/sda' })
    expect(env.RINGCAST_FIELD_ADMIN).toBeUndefined()
    expect(env.RINGCAST_TARGET).toBe('/dev/vda')
  })

  it('gives each image of a session of several its own target variable', () => {
    const env = hookEnv(context({ targets: [{ name: 'boot', path: '/dev/vda1' }, { name: 'root.fs', path: '/dev/vda2' }] }), {})
    expect(env.RINGCAST_TARGET).toBeUndefined()
    expect(env.RINGCAST_TARGET_BOOT).toBe('/dev/vda1')
    expect(env.RINGCAST_TARGET_ROOT_FS).toBe('/dev/vda2')
    expect(env.RINGCAST_IMAGES).toBe('boot root.fs')
    expect(() => hookEnv(context({ targets: [{ name: 'a.b', path: '/x' }, { name: 'a-b', path: '/y' }] }), {})).toThrow(/would both be RINGCAST_TARGET_A_B/)
  })

  it('runs no hook at all for an identity that breaks the rules, and fails the step in one sentence', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ringcast-identity-'))
    onTestFinished(async () => { await rm(dir, { recursive: true, force: true }) })
    const ran = join(dir, 'ran')
    const hook = join(dir, 'hook.sh')
    await writeFile(hook, `#!/bin/sh\ntouch ${ran}\n`, { mode: 0o755 })
    for (const identity of [{ hostname: 'node-a', fields: [f('X=1 ; rm', 'v')] }, { hostname: 'node-a', fields: [f('ok', 'a\0b')] }, { hostname: '$(reboot)', fields: [] }]) {
      await expect(runIdentityStep({ hooks: [hook], context: context({ identity }), fsTargets: [], log: () => {} }))
        .rejects.toMatchObject({ code: 'IDENTITY_FAILED', message: expect.stringMatching(/^the coordinator's identity for this node cannot be used: /) })
    }
    expect(existsSync(ran)).toBe(false)
  })
})

describe('the built-in step\'s pieces', () => {
  it('makes machine ids of 32 lower-case hex digits, as systemd does (UUID version 4), fresh every time', () => {
    const ids = Array.from({ length: 50 }, newMachineId)
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/)
    expect(new Set(ids).size).toBe(50)
  })
  it('names the new host on the 127.0.1.1 line of /etc/hosts, and leaves a file without one alone', () => {
    expect(hostsWith('127.0.0.1\tlocalhost\n127.0.1.1\tgolden.lab golden\n::1 localhost\n', 'node-a')).toBe('127.0.0.1\tlocalhost\n127.0.1.1\tnode-a\n::1 localhost\n')
    expect(hostsWith('127.0.0.1 localhost\n# 127.0.1.1 golden\n127.0.1.10 other\n', 'node-a')).toBeUndefined()
  })
})

describe('the boot service gives a node its inventory fields', () => {
  it('from the nodes file as it is when asked; nothing for a node it does not list', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ringcast-identity-'))
    onTestFinished(async () => { await rm(dir, { recursive: true, force: true }) })
    const nodesFile = join(dir, 'nodes.json')
    await writeFile(nodesFile, JSON.stringify({ nodes: [{ name: 'node-a', mac: '52:54:00:00:00:01', fields: { role: 'compute', rack: 7 } }, { name: 'node-b', mac: '52:54:00:00:00:02' }] }))
    const service = await BootService.start({
      nodesFile, interface: 'lo', host: '127.0.0.1', httpPort: 0, bootenvDir: dir, admit: 'known', cmdline: [], workDir: dir, proxyDhcp: false,
      coordinatorFor: () => ({ none: 'no session here' }), log: () => {}
    })
    onTestFinished(async () => { await service.stop() })
    expect(await service.identityOf('node-a')).toEqual({ role: 'compute', rack: '7' })
    expect(await service.identityOf('node-b')).toEqual({})
    expect(await service.identityOf('node-c')).toBeUndefined()
    // The admin edits the file mid-session: the next node's verdict carries the new fields.
    await writeFile(nodesFile, JSON.stringify({ nodes: [{ name: 'node-a', mac: '52:54:00:00:00:01', fields: { role: 'storage' } }] }))
    expect(await service.identityOf('node-a')).toEqual({ role: 'storage' })
  })
})
