// ringcast bootenv build: the cloning environment a PXE-booted node runs
// (issue 13). A kernel and an initramfs from Debian's own parts:
//
//   vmlinuz      linux-image-amd64's kernel, as Debian ships it
//   initrd.img   gzip'd newc cpio (newc.ts):
//                  /init                     init-script.ts
//                  /bin/busybox              busybox-static (sh, ip, udhcpc, insmod, reboot, ...)
//                  /lib/modules/VERSION/...  NIC and disk drivers and what they need (kernel-modules.ts)
//                  /usr/bin/node + its libs  the Node binary this build runs on (or --node)
//                  /sbin/debugfs, /usr/bin/ssh-keygen + their libs  for the built-in identity step (docs/identity.md)
//                  /opt/ringcast/ringcast.mjs  the agent, bundled into one file by esbuild
//   bootenv.json what went in: versions, modules, sizes, sha256
//
// Each output is written beside its final name and renamed into place, so a
// boot server serving the directory never hands out half a file.

import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream, existsSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, readdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createGzip } from 'node:zlib'
import { errorMessage, RingcastError } from '../errors.js'
import { debOf, kernelPackageOf, unpackDeb } from './debian-parts.js'
import { BOOTENV_PATHS, initScript, UDHCPC_SCRIPT } from './init-script.js'
import { DEFAULT_MODULES, selectModules } from './kernel-modules.js'
import { writeNewc, type NewcEntry } from './newc.js'

const run = promisify(execFile)

export interface BootenvBuildConfig {
  /** Where vmlinuz, initrd.img and bootenv.json go (made if missing). */
  outDir: string
  /** Where downloaded .debs are kept between builds. */
  cacheDir: string
  /** A kernel metapackage (linux-image-amd64) or a versioned kernel package. */
  kernelPackage: string
  /** A kernel .deb to use instead of downloading one. */
  kernelDeb?: string
  /** A busybox-static .deb to use instead of downloading one. */
  busyboxDeb?: string
  /** Modules beyond DEFAULT_MODULES. */
  extraModules: string[]
  /** The Node binary the environment runs (default: this one). */
  nodeBinary: string
  log: (line: string) => void
}

export interface BootenvManifest {
  kernelPackage: string
  kernelVersion: string
  nodeVersion: string
  ringcastVersion: string
  modules: string[]
  files: Record<'vmlinuz' | 'initrd.img', { bytes: number, sha256: string }>
  builtAt: string
}

/** The CLI the agent is bundled from: dist/cli/ringcast.js, whether this runs from dist/ or (in tests) from src/. */
const CLI_ENTRY = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../cli/ringcast.js' : '../../dist/cli/ringcast.js', import.meta.url))
/** zstd's WASM, read at run time from beside the bundle (@bokuweb/zstd-wasm reads ./zstd.wasm from its own directory). */
const ZSTD_WASM = 'zstd.wasm'

export async function buildBootenv (c: BootenvBuildConfig): Promise<BootenvManifest> {
  if (!existsSync(c.nodeBinary)) throw new RingcastError('USAGE', `--node ${c.nodeBinary} does not exist`)
  const work = await mkdtemp(join(tmpdir(), 'ringcast-bootenv-'))
  try {
    const kernelDir = join(work, 'kernel')
    const kernelPackage = c.kernelDeb !== undefined ? c.kernelDeb : /^linux-image-\d/.test(c.kernelPackage) ? c.kernelPackage : await kernelPackageOf(c.kernelPackage)
    c.log(`bootenv: kernel from ${kernelPackage}`)
    await unpackDeb(c.kernelDeb ?? await debOf(kernelPackage, c.cacheDir), kernelDir)
    const vmlinuz = (await readdir(join(kernelDir, 'boot')).catch(() => [])).find(f => f.startsWith('vmlinuz-'))
    if (vmlinuz === undefined) throw new RingcastError('USAGE', `${kernelPackage} holds no boot/vmlinuz-*: it is not a kernel package`)
    const kernelVersion = vmlinuz.slice('vmlinuz-'.length)
    const modulesDir = join(kernelDir, 'lib', 'modules', kernelVersion)
    const modules = await selectModules(modulesDir, [...DEFAULT_MODULES, ...c.extraModules])
    c.log(`bootenv: kernel ${kernelVersion}, ${modules.ordered.length} modules (${modules.builtIn.length} of those asked for are built in)`)

    const busyboxDir = join(work, 'busybox')
    await unpackDeb(c.busyboxDeb ?? await debOf('busybox-static', c.cacheDir), busyboxDir)
    const busybox = join(busyboxDir, 'bin', 'busybox')
    if (!existsSync(busybox)) throw new RingcastError('USAGE', 'the busybox-static package holds no bin/busybox')

    const agentDir = join(work, 'agent')
    await bundleAgent(join(agentDir, 'ringcast.mjs'))
    await copyFile(join(dirname(fileURLToPath(import.meta.resolve('@bokuweb/zstd-wasm'))), ZSTD_WASM), join(agentDir, ZSTD_WASM))
    const nodeVersion = (await run(c.nodeBinary, ['--version'])).stdout.trim()
    c.log(`bootenv: agent bundled (${((await stat(join(agentDir, 'ringcast.mjs'))).size / 1e6).toFixed(1)} MB), Node ${nodeVersion}`)

    const files = new Map<string, NewcEntry>()
    const add = (e: NewcEntry): void => { files.set(e.path, e) }
    const addFile = async (path: string, from: string, mode: number): Promise<void> => {
      add({ kind: 'file', path, from, mode, size: (await stat(from)).size })
    }
    add({ kind: 'file', path: '/init', mode: 0o755, data: Buffer.from(initScript(kernelVersion)), size: Buffer.byteLength(initScript(kernelVersion)) })
    add({ kind: 'file', path: BOOTENV_PATHS.udhcpcScript, mode: 0o755, data: Buffer.from(UDHCPC_SCRIPT), size: Buffer.byteLength(UDHCPC_SCRIPT) })
    const moduleList = Buffer.from(`${modules.ordered.join('\n')}\n`)
    add({ kind: 'file', path: BOOTENV_PATHS.modules, mode: 0o644, data: moduleList, size: moduleList.length })
    await addFile('/bin/busybox', busybox, 0o755)
    for (const m of modules.ordered) await addFile(`/lib/modules/${kernelVersion}/${m}`, join(modulesDir, m), 0o644)
    await addFile(BOOTENV_PATHS.node, c.nodeBinary, 0o755)
    await addFile(BOOTENV_PATHS.agent, join(agentDir, 'ringcast.mjs'), 0o644)
    await addFile(join(dirname(BOOTENV_PATHS.agent), ZSTD_WASM), join(agentDir, ZSTD_WASM), 0o644)
    const debugfs = onPath('debugfs')
    if (debugfs === undefined) throw new RingcastError('USAGE', 'bootenv build needs debugfs (Debian e2fsprogs) for the identity step')
    await addFile('/sbin/debugfs', debugfs, 0o755)
    // Debian's sshd does not start without host keys and its service makes none: the identity step makes them anew with ssh-keygen.
    const keygen = onPath('ssh-keygen')
    if (keygen !== undefined) await addFile('/usr/bin/ssh-keygen', keygen, 0o755)
    else c.log('bootenv: warning: no ssh-keygen here (Debian openssh-client): clones get their SSH host keys removed, not made anew, and their sshd starts only once ssh-keygen -A has run on them')
    for (const binary of [c.nodeBinary, debugfs, ...(keygen !== undefined ? [keygen] : [])]) {
      for (const lib of await sharedLibraries(binary)) await addFile(lib.path, lib.file, 0o755)
    }
    // ssh-keygen looks its user up (getpwuid) and stops without one; glibc reads /etc/passwd with no NSS configuration.
    for (const [path, text] of [['/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n'], ['/etc/group', 'root:x:0:\n']] as const) {
      add({ kind: 'file', path, mode: 0o644, data: Buffer.from(text), size: Buffer.byteLength(text) })
    }
    add({ kind: 'dir', path: '/root', mode: 0o700 })
    add({ kind: 'char', path: '/dev/console', mode: 0o600, major: 5, minor: 1 })
    add({ kind: 'char', path: '/dev/null', mode: 0o666, major: 1, minor: 3 })

    await mkdir(c.outDir, { recursive: true })
    const initrd = join(c.outDir, 'initrd.img')
    const gzip = createGzip({ level: 6 })
    // A write that fails (a full disk, an unwritable directory) rejects `written` at once; the archive stops with it.
    const written = pipeline(gzip, createWriteStream(`${initrd}.part`))
    await Promise.all([written, writeNewc(withParents([...files.values()]), gzip).then(() => { gzip.end() }, (err: unknown) => { gzip.destroy(err as Error); throw err })])
    await copyFile(join(kernelDir, 'boot', vmlinuz), join(c.outDir, 'vmlinuz.part'))
    const manifest: BootenvManifest = {
      kernelPackage: kernelPackage.split('/').pop()!,
      kernelVersion,
      nodeVersion,
      ringcastVersion: JSON.parse(await readFile(fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../../package.json' : '../../package.json', import.meta.url)), 'utf8')).version,
      modules: modules.ordered.map(m => m.split('/').pop()!),
      files: { vmlinuz: await describe(join(c.outDir, 'vmlinuz.part')), 'initrd.img': await describe(`${initrd}.part`) },
      builtAt: new Date().toISOString()
    }
    // Each file is replaced whole; the pair is not replaced at once (a node fetching between the two renames gets a mismatched pair): rebuild while no node boots.
    await writeFile(join(c.outDir, 'bootenv.json.part'), `${JSON.stringify(manifest, null, 2)}\n`)
    await rename(`${initrd}.part`, initrd)
    await rename(join(c.outDir, 'vmlinuz.part'), join(c.outDir, 'vmlinuz'))
    await rename(join(c.outDir, 'bootenv.json.part'), join(c.outDir, 'bootenv.json'))
    return manifest
  } catch (err) {
    await rm(join(c.outDir, 'vmlinuz.part'), { force: true })
    await rm(join(c.outDir, 'initrd.img.part'), { force: true })
    await rm(join(c.outDir, 'bootenv.json.part'), { force: true })
    throw err
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/** The agent and everything it imports, as one ESM file (esbuild). */
async function bundleAgent (outfile: string): Promise<void> {
  if (!existsSync(CLI_ENTRY)) throw new RingcastError('USAGE', `${CLI_ENTRY} is missing: run npm run build first`)
  const { build } = await import('esbuild')
  try {
    await build({
      entryPoints: [CLI_ENTRY],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      minify: true,
      legalComments: 'none',
      logLevel: 'silent',
      // CommonJS packages inside an ES module still ask for require and __dirname (zstd-wasm finds its .wasm by it).
      banner: { js: "import{createRequire as __rcReq}from'node:module';import{fileURLToPath as __rcPath}from'node:url';import{dirname as __rcDir}from'node:path';const require=__rcReq(import.meta.url);const __filename=__rcPath(import.meta.url);const __dirname=__rcDir(__filename);" }
    })
  } catch (err) {
    throw new RingcastError('INTERNAL', `bundling the agent failed: ${errorMessage(err)}`, { cause: err })
  }
}

/** Every directory the entries sit in, before them, once. */
function withParents (entries: NewcEntry[]): NewcEntry[] {
  const dirs = new Set<string>()
  for (const e of entries) {
    for (let d = dirname(e.path); d !== '/' && d !== '.'; d = dirname(d)) dirs.add(d)
  }
  return [...[...dirs].sort().map(path => ({ kind: 'dir' as const, path })), ...entries]
}

/** The shared libraries `binary` loads, as ldd names them (the paths its loader looks at), each with the file behind it. */
async function sharedLibraries (binary: string): Promise<Array<{ path: string, file: string }>> {
  const { stdout } = await run('ldd', [binary]).catch(err => { throw new RingcastError('USAGE', `ldd ${binary} failed: ${errorMessage(err)}`) })
  const libs: Array<{ path: string, file: string }> = []
  for (const line of stdout.split('\n')) {
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line)
    if (m === null) continue
    libs.push({ path: m[1]!, file: await realpath(m[1]!) })
  }
  if (libs.length === 0 && !stdout.includes('statically linked')) throw new RingcastError('USAGE', `ldd ${binary} named no libraries: ${stdout.trim()}`)
  return libs
}

function onPath (command: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin']
  return dirs.map(d => join(d, command)).find(p => existsSync(p))
}

async function describe (file: string): Promise<{ bytes: number, sha256: string }> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return { bytes: (await stat(file)).size, sha256: hash.digest('hex') }
}
