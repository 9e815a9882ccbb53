// Post-clone identity (issue 13, item 4): after a node's copy is verified
// and before it counts as done (and, booted, before it flips to its disk),
// join --identity gives the clone its own identity. Real processes: serve,
// join, debugfs, the hooks; the targets are checked with debugfs and e2fsck.
//
//   disk.img: MBR, partition 1 from 1 MiB = ext4 with /etc/hostname golden,
//             /etc/machine-id, /etc/ssh/ssh_host_ed25519_key{,.pub}, /etc/hosts
//             with "127.0.1.1 golden", a copy of the id in /var/lib/dbus

import { execFileSync } from 'node:child_process'
import { chmod, mkdir, open, readFile, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { EXIT } from '../../cli/exit-codes.js'
import { runHook } from '../../src/identity/hook-runner.js'
import { makeImage, makeTarget, makeWorkdir, sha256File, startSession, type Workdir } from '../support/session.js'
import { needs } from '../support/skip.js'

const MiB = 1_048_576
const DISK_BYTES = 24 * MiB
const PART_OFFSET = MiB
const GOLDEN_ID = '0123456789abcdef0123456789abcdef'
const sh = (cmd: string, ...args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
/** A file on the ext4 partition of a disk image, as debugfs reads it. */
const catOn = (disk: string, path: string): string => sh('debugfs', '-R', `cat ${path}`, `${disk}?offset=${PART_OFFSET}`)
const lsOn = (disk: string, path: string): string => sh('debugfs', '-R', `ls ${path}`, `${disk}?offset=${PART_OFFSET}`)

/** An MBR with one Linux partition from PART_OFFSET to the end, and an ext4 file system in it made from `tree`. */
async function makeDisk (path: string, tree: string): Promise<void> {
  const handle = await open(path, 'w')
  try {
    await handle.truncate(DISK_BYTES)
    const mbr = Buffer.alloc(512)
    mbr[446 + 4] = 0x83
    mbr.writeUInt32LE(PART_OFFSET / 512, 446 + 8)
    mbr.writeUInt32LE((DISK_BYTES - PART_OFFSET) / 512, 446 + 12)
    mbr.writeUInt16LE(0xaa55, 510)
    await handle.write(mbr, 0, 512, 0)
  } finally {
    await handle.close()
  }
  sh('mkfs.ext4', '-q', '-F', '-b', '4096', '-d', tree, '-E', `offset=${PART_OFFSET}`, path, `${(DISK_BYTES - PART_OFFSET) / 1024}k`)
}

async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    }).on('error', reject)
  })
}

describe('post-clone identity', needs('identity'), () => {
  let w: Workdir
  let disk: string
  let diskSha: string
  beforeAll(async () => {
    w = await makeWorkdir()
    const tree = w.path('tree')
    await mkdir(join(tree, 'etc/ssh'), { recursive: true })
    await mkdir(join(tree, 'var/lib/dbus'), { recursive: true })
    await writeFile(join(tree, 'etc/hostname'), 'golden\n')
    await writeFile(join(tree, 'etc/machine-id'), `${GOLDEN_ID}\n`)
    await writeFile(join(tree, 'var/lib/dbus/machine-id'), `${GOLDEN_ID}\n`)
    await writeFile(join(tree, 'etc/hosts'), '127.0.0.1\tlocalhost\n127.0.1.1\tgolden\n::1\tlocalhost ip6-localhost\n')
    await writeFile(join(tree, 'etc/ssh/ssh_host_ed25519_key'), 'PRIVATE KEY OF THE GOLDEN IMAGE\n', { mode: 0o600 })
    await writeFile(join(tree, 'etc/ssh/ssh_host_ed25519_key.pub'), 'ssh-ed25519 AAAA golden\n')
    await writeFile(join(tree, 'etc/ssh/sshd_config'), 'PermitRootLogin no\n')
    disk = w.path('disk.img')
    await makeDisk(disk, tree)
    diskSha = await sha256File(disk)
  })
  afterAll(async () => { await w?.remove() })

  it('--identity builtin: each clone gets its node name as host name, its own fresh machine id and SSH host key; the source is untouched', async () => {
    const session = await startSession(w, disk, ['--nodes', '2', '--block-size', '256KiB'])
    onTestFinished(() => session.kill())
    const names = ['node-a', 'node-b']
    const targets = await Promise.all(names.map(async n => await makeTarget(w, `${n}.img`, DISK_BYTES)))
    names.forEach((name, i) => session.startNode({ name, target: targets[i]!, args: ['--identity', 'builtin'] }))
    const { exit, report, nodeExits } = await session.finish()
    expect(exit, session.coordinator.stderr()).toBe(0)
    expect(nodeExits, session.nodes.map(n => n.stderr()).join('\n')).toEqual([0, 0])
    for (const name of names) expect(report.nodes.find(n => n.name === name)).toMatchObject({ status: 'OK', identity: { set: true } })
    expect(report.identityFailed).toBe(0)

    const ids: string[] = []
    const keys: string[] = []
    for (const [i, name] of names.entries()) {
      const t = targets[i]!
      expect(catOn(t, '/etc/hostname')).toBe(`${name}\n`)
      const id = catOn(t, '/etc/machine-id')
      expect(id).toMatch(/^[0-9a-f]{32}\n$/)
      expect(id).not.toBe(`${GOLDEN_ID}\n`)
      ids.push(id)
      // The golden key is gone; a new one of its type is there (Debian's sshd starts only with one), owned by root, 0600.
      const key = catOn(t, '/etc/ssh/ssh_host_ed25519_key')
      expect(key).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/)
      expect(key).not.toMatch(/GOLDEN/)
      keys.push(key)
      expect(catOn(t, '/etc/ssh/ssh_host_ed25519_key.pub')).toMatch(new RegExp(`^ssh-ed25519 AAAA\\S+ root@${name}\n$`))
      expect(sh('debugfs', '-R', 'stat /etc/ssh/ssh_host_ed25519_key', `${t}?offset=${PART_OFFSET}`)).toMatch(/Mode:\s+0600[\s\S]*User:\s+0\s+Group:\s+0/)
      expect(lsOn(t, '/etc/ssh').match(/ssh_host_\S+/g)?.sort()).toEqual(['ssh_host_ed25519_key', 'ssh_host_ed25519_key.pub'])
      expect(lsOn(t, '/etc/ssh')).toMatch(/sshd_config/)
      expect(catOn(t, '/etc/ssh/sshd_config')).toBe('PermitRootLogin no\n')
      expect(catOn(t, '/etc/hosts')).toBe(`127.0.0.1\tlocalhost\n127.0.1.1\t${name}\n::1\tlocalhost ip6-localhost\n`)
      expect(lsOn(t, '/var/lib/dbus')).not.toMatch(/machine-id/)
      const stat = sh('debugfs', '-R', 'stat /etc/hostname', `${t}?offset=${PART_OFFSET}`)
      expect(stat).toMatch(/Type: regular\s+Mode:\s+0644/)
      expect(stat).toMatch(/User:\s+0\s+Group:\s+0/)
      // The file system is consistent after the edits (e2fsck exits 0 only then).
      sh('e2fsck', '-fn', `${t}?offset=${PART_OFFSET}`)
      // Outside the partition nothing moved: the partition table is the source's.
      expect((await readFile(t)).subarray(0, PART_OFFSET).equals((await readFile(disk)).subarray(0, PART_OFFSET))).toBe(true)
    }
    expect(ids[0]).not.toBe(ids[1])
    expect(keys[0]).not.toBe(keys[1])
    expect(await sha256File(disk)).toBe(diskSha)
    expect(catOn(disk, '/etc/hostname')).toBe('golden\n')
    for (const n of session.nodes) expect(n.stderr()).toMatch(/identity: built-in on .*partition 1 \(from byte 1048576\): hostname node-., machine-id [0-9a-f]{32}, 2 SSH host key file\(s\) removed, new ed25519 host keys/)
  })

  it('a hook of the site\'s own gets the node\'s inventory fields (serve --boot-nodes); a failing one exits IDENTITY_FAILED (7) and its node stays in clone, its copy kept', async () => {
    const image = await makeImage(w, 3 * MiB + 5)
    const out = w.path('hook-out')
    await mkdir(out)
    const hook = w.path('hook.sh')
    // Runs over the verified copy: it checks the target's sha256 itself.
    await writeFile(hook, [
      '#!/bin/sh',
      `env | grep '^RINGCAST_' | sort > ${out}/"$RINGCAST_NODE_NAME".env`,
      `sha256sum "$RINGCAST_TARGET" | cut -d' ' -f1 > ${out}/"$RINGCAST_NODE_NAME".sha256`,
      'echo "setting up $RINGCAST_HOSTNAME"',
      'if [ "$RINGCAST_NODE_NAME" = node-b ]; then echo "no key for rack $RINGCAST_FIELD_RACK" >&2; exit 3; fi',
      ''
    ].join('\n'))
    await chmod(hook, 0o755)
    const nodesFile = w.path('nodes.json')
    await writeFile(nodesFile, JSON.stringify({
      nodes: [
        { name: 'node-a', mac: '52:54:00:00:00:0a', fields: { role: 'compute', rack: '7', motd: 'two words; $(not run)' } },
        { name: 'node-b', mac: '52:54:00:00:00:0b', fields: { rack: '9' } }
      ]
    }))
    const session = await startSession(w, image.path, ['--nodes', '2', '--block-size', '256KiB', '--boot-nodes', nodesFile, '--boot-interface', 'lo',
      '--no-proxy-dhcp', '--boot-port', String(await freePort()), '--bootenv', w.dir, '--boot-linger', '0s'])
    onTestFinished(() => session.kill())
    const targets = { 'node-a': w.path('hook-a.img'), 'node-b': w.path('hook-b.img') }
    for (const [name, target] of Object.entries(targets)) session.startNode({ name, target, args: ['--create', '--identity', hook] })
    const { exit, report, nodeExits } = await session.finish()
    expect(nodeExits, session.nodes.map(n => n.stderr()).join('\n')).toEqual([EXIT.OK, EXIT.IDENTITY_FAILED])
    // A node whose identity was not set does not make the session ok.
    expect(exit, session.coordinator.stderr()).toBe(EXIT.CLONE_FAILED)
    expect(report.nodes.find(n => n.name === 'node-a')).toMatchObject({ status: 'OK', identity: { set: true } })
    const b = report.nodes.find(n => n.name === 'node-b')!
    expect(b.status).toBe('OK')
    expect(b.identity?.set).toBe(false)
    expect(b.identity?.reason).toMatch(new RegExp(`identity hook ${hook} exited with status 3; its last output: "setting up node-b" / "no key for rack 9"`))
    expect(session.nodes[1]!.stderr()).toMatch(/ringcast: this copy is verified \(it stays on the target\), but its identity step failed: identity hook .* exited with status 3/)

    // What node-a's hook was given, and what it found on its target.
    expect((await readFile(join(out, 'node-a.env'), 'utf8')).split('\n').filter(l => l !== '')).toEqual([
      'RINGCAST_FIELD_MOTD=two words; $(not run)',
      'RINGCAST_FIELD_RACK=7',
      'RINGCAST_FIELD_ROLE=compute',
      'RINGCAST_HOSTNAME=node-a',
      `RINGCAST_IMAGE_SHA256=${image.sha256}`,
      'RINGCAST_NODE_NAME=node-a',
      `RINGCAST_TARGET=${targets['node-a']}`
    ])
    expect((await readFile(join(out, 'node-a.sha256'), 'utf8')).trim()).toBe(image.sha256)
    // The copy stays: node-b's target is the image.
    expect(await sha256File(targets['node-b'])).toBe(image.sha256)

    // The boot inventory: node-a flips to its disk, node-b stays in clone with the reason.
    const nodes = (JSON.parse(await readFile(nodesFile, 'utf8')) as { nodes: Array<{ name: string, state: string, lastError?: string }> }).nodes
    expect(nodes.find(n => n.name === 'node-a')).toMatchObject({ state: 'verified' })
    expect(nodes.find(n => n.name === 'node-b')).toMatchObject({ state: 'clone', lastError: expect.stringMatching(/its identity step failed: identity hook .* exited with status 3/) })
  })

  it('--identity builtin on an image with no ext root: one sentence, exit 7, the copy kept; a node without --identity in the same session is done as before', async () => {
    const image = await makeImage(w, 2 * MiB)
    const session = await startSession(w, image.path, ['--nodes', '2', '--block-size', '256KiB', '--allow-failures', '1'])
    onTestFinished(() => session.kill())
    const with_ = w.path('raw-a.img')
    const without = w.path('raw-b.img')
    session.startNode({ name: 'raw-a', target: with_, args: ['--create', '--identity', 'builtin'] })
    session.startNode({ name: 'raw-b', target: without, args: ['--create'] })
    const { exit, report, nodeExits } = await session.finish()
    expect(nodeExits).toEqual([EXIT.IDENTITY_FAILED, EXIT.OK])
    expect(exit, session.coordinator.stderr()).toBe(EXIT.OK)
    expect(session.nodes[0]!.stderr()).toMatch(/no ext2\/3\/4 root file system with \/etc was found to give the clone its identity \(.*raw-a\.img: neither an ext2\/3\/4 file system nor a disk with a partition table\)/)
    expect(report.nodes.find(n => n.name === 'raw-a')?.identity).toMatchObject({ set: false, reason: expect.stringMatching(/no ext2\/3\/4 root/) })
    expect(report.nodes.find(n => n.name === 'raw-b')?.identity).toBeUndefined()
    for (const t of [with_, without]) expect(await sha256File(t)).toBe(image.sha256)
  })

  it('join --identity with a path that is not an executable is a usage error before anything starts', async () => {
    const notExec = w.path('not-exec.sh')
    await writeFile(notExec, '#!/bin/sh\n')
    const session = await startSession(w, disk, ['--nodes', '1', '--wait-timeout', '5s'])
    onTestFinished(() => session.kill())
    for (const [hook, why] of [[notExec, /not executable/], [w.path('missing.sh'), /no such file/], [w.dir, /not a regular file/]] as const) {
      const node = session.startNode({ name: 'bad', target: w.path('bad.img'), args: ['--create', '--identity', hook] })
      expect(await node.exited).toBe(EXIT.USAGE)
      expect(node.stderr()).toMatch(why)
    }
  })
})

describe('an identity hook as a process', () => {
  let w: Workdir
  beforeAll(async () => { w = await makeWorkdir() })
  afterAll(async () => { await w?.remove() })
  /** The process whose pid `pidFile` holds is gone, or a zombie waiting for whoever inherited it to reap it: no longer running. */
  const stoppedRunning = async (pidFile: string): Promise<boolean> => {
    const child = Number((await readFile(pidFile, 'utf8')).trim())
    await new Promise(resolve => setTimeout(resolve, 100))
    const state = await readFile(`/proc/${child}/stat`, 'utf8').then(st => st.slice(st.lastIndexOf(')') + 2, st.lastIndexOf(')') + 3), () => 'gone')
    return ['gone', 'Z', 'X'].includes(state)
  }
  const script = async (name: string, body: string): Promise<string> => {
    const path = w.path(name)
    await writeFile(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 })
    return path
  }

  it('is killed at its deadline, with what it left running, and says so', async () => {
    const pidFile = w.path('child.pid')
    const hook = await script('slow.sh', `sleep 30 & echo $! > ${pidFile}; echo started; wait`)
    const started = Date.now()
    await expect(runHook(hook, { PATH: process.env.PATH ?? '/usr/bin:/bin' }, 1_000, () => {})).rejects.toMatchObject({ code: 'IDENTITY_FAILED', message: expect.stringMatching(/did not finish within 1 s and was killed; its last output: "started"/) })
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(await stoppedRunning(pidFile)).toBe(true)
  })

  it('quotes only the last lines of a failing hook, and runs it without a shell (its arguments are none, its words stay words)', async () => {
    const hook = await script('chatty.sh', 'for i in 1 2 3 4 5 6 7 8; do echo "line $i"; done; echo "args: $#"; echo "$RINGCAST_FIELD_X"; exit 4')
    const lines: string[] = []
    const err = await runHook(hook, { PATH: '/usr/bin:/bin', RINGCAST_FIELD_X: '$(touch /tmp/ringcast-pwned); `id`' }, 10_000, l => lines.push(l)).catch(e => e as Error)
    expect(err.message).toBe(`identity hook ${hook} exited with status 4; its last output: "line 6" / "line 7" / "line 8" / "args: 0" / "$(touch /tmp/ringcast-pwned); \`id\`"`)
    expect(lines).toHaveLength(10)
  })

  it('kills what a successful hook left running (cmd &), so nothing edits the target after the step', async () => {
    const pidFile = w.path('leftover.pid')
    const hook = await script('leaves.sh', `sleep 30 > /dev/null 2>&1 & echo $! > ${pidFile}; exit 0`)
    await expect(runHook(hook, { PATH: process.env.PATH ?? '/usr/bin:/bin' }, 10_000, () => {})).resolves.toBeUndefined()
    expect(await stoppedRunning(pidFile)).toBe(true)
  })

  it('resolves for a hook that exits 0', async () => {
    const hook = await script('fine.sh', 'echo ok')
    await expect(runHook(hook, {}, 10_000, () => {})).resolves.toBeUndefined()
  })
})
