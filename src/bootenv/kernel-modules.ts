// Which kernel modules go into the cloning environment, and in which order
// init loads them. Debian's linux-image package ships no modules.dep (its
// postinst runs depmod), so dependencies are read from each module's own
// .modinfo section: modpost records there, as "depends=a,b", every module
// whose symbols it uses. The environment's init then insmods in the order
// given here, each module after everything it depends on (busybox's insmod
// resolves nothing by itself).

import { readdir, readFile } from 'node:fs/promises'
import { basename, join, relative } from 'node:path'
import { RingcastError } from '../errors.js'

/**
 * The drivers the environment carries by default: the NICs and disk
 * controllers of common servers, PCs and virtual machines. Others are added
 * with `bootenv build --module NAME`. (Some NICs, e.g. bnx2x or ice, need
 * firmware files as well; those are not carried.)
 */
export const DEFAULT_MODULES = [
  // network
  'virtio_net', 'e1000', 'e1000e', 'igb', 'igc', 'ixgbe', 'i40e', 'r8169', 'tg3', 'bnxt_en', 'vmxnet3', 'mlx4_en',
  // disks
  'virtio_pci', 'virtio_blk', 'virtio_scsi', 'sd_mod', 'ahci', 'ata_piix', 'nvme', 'vmw_pvscsi', 'megaraid_sas', 'mpt3sas', 'loop'
] as const

/** A module's name as modprobe and "depends=" spell it: its file name without .ko, '-' as '_'. */
export const moduleName = (file: string): string => basename(file).replace(/\.ko(\.(xz|zst|gz))?$/, '').replace(/-/g, '_')

/** The "depends=" list of a module file's .modinfo strings (empty when it depends on nothing). */
export function modinfoDepends (ko: Buffer): string[] {
  const key = Buffer.from('\0depends=')
  const at = ko.indexOf(key)
  if (at < 0) return []
  const start = at + key.length
  const end = ko.indexOf(0, start)
  const list = ko.subarray(start, end < 0 ? ko.length : end).toString('latin1')
  return list === '' ? [] : list.split(',')
}

async function moduleFiles (dir: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...await moduleFiles(path))
    else if (entry.name.endsWith('.ko')) out.push(path)
  }
  return out
}

export interface ModuleSelection {
  /** Paths relative to the modules directory (lib/modules/VERSION), in load order. */
  ordered: string[]
  /** The names asked for that the kernel has built in (nothing to load). */
  builtIn: string[]
}

/**
 * `wanted` and everything they depend on, in load order, from an unpacked
 * lib/modules/VERSION directory. A name that is neither a module nor built in
 * is refused: a typo must not give an environment without its NIC driver.
 */
export async function selectModules (modulesDir: string, wanted: readonly string[]): Promise<ModuleSelection> {
  const byName = new Map<string, string>()
  for (const file of await moduleFiles(join(modulesDir, 'kernel'))) byName.set(moduleName(file), file)
  if (byName.size === 0) throw new RingcastError('USAGE', `${modulesDir} holds no kernel modules (.ko); compressed modules are not supported`)
  const builtInText = await readFile(join(modulesDir, 'modules.builtin'), 'utf8').catch(() => '')
  const builtInSet = new Set(builtInText.split('\n').filter(l => l !== '').map(moduleName))
  const ordered: string[] = []
  const builtIn: string[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = async (name: string, chain: string[]): Promise<void> => {
    if (state.get(name) === 'done') return
    if (state.get(name) === 'visiting') throw new RingcastError('USAGE', `kernel modules depend on each other in a circle: ${[...chain, name].join(' -> ')}`)
    const file = byName.get(name)
    if (file === undefined) {
      if (builtInSet.has(name)) { builtIn.push(name); state.set(name, 'done'); return }
      throw new RingcastError('USAGE', chain.length === 0 ? `the kernel has no module ${name}` : `${chain.at(-1)!} depends on ${name}, which the kernel does not have`)
    }
    state.set(name, 'visiting')
    for (const dep of modinfoDepends(await readFile(file))) await visit(moduleName(dep), [...chain, name])
    state.set(name, 'done')
    ordered.push(relative(modulesDir, file))
  }
  for (const name of wanted) await visit(moduleName(name), [])
  return { ordered, builtIn }
}
