// ringcast bootenv build: assemble the cloning environment (src/bootenv/build.ts)
// into the directory serve --bootenv serves.

import type { Command } from 'commander'
import { buildBootenv } from '../src/bootenv/build.js'
import { DEFAULT_BOOTENV_DIR } from './boot-mode.js'

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value]

export function addBootenvCommand (program: Command): void {
  const bootenv = program.command('bootenv')
    .description('the cloning environment PXE-booted nodes run (a kernel and an initramfs with the agent)')
  bootenv.command('build')
    .description('build vmlinuz and initrd.img from Debian\'s kernel and busybox-static packages, this Node binary and the agent bundled into one file')
    .option('-o, --out <dir>', 'where vmlinuz, initrd.img and bootenv.json go (serve --bootenv)', DEFAULT_BOOTENV_DIR)
    .option('--cache <dir>', 'where the downloaded Debian packages are kept', '/var/cache/ringcast/debs')
    .option('--kernel <package>', 'the kernel package (a metapackage such as linux-image-amd64, or a versioned one)', 'linux-image-amd64')
    .option('--kernel-deb <file>', 'a kernel .deb to use instead of downloading one')
    .option('--busybox-deb <file>', 'a busybox-static .deb to use instead of downloading one')
    .option('--module <name>', 'one more kernel module (a NIC or disk driver) to carry, with what it depends on (repeatable)', collect)
    .option('--node <path>', 'the Node binary the environment runs', process.execPath)
    .option('--debug', 'print stack traces')
    .action(async (o: Record<string, string | string[] | undefined>) => {
      const m = await buildBootenv({
        outDir: o.out as string,
        cacheDir: o.cache as string,
        kernelPackage: o.kernel as string,
        kernelDeb: o.kernelDeb as string | undefined,
        busyboxDeb: o.busyboxDeb as string | undefined,
        extraModules: (o.module as string[] | undefined) ?? [],
        nodeBinary: o.node as string,
        log: line => process.stderr.write(`${line}\n`)
      })
      const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`
      process.stdout.write(`${o.out as string}: vmlinuz (${m.kernelVersion}, ${mb(m.files.vmlinuz.bytes)}), initrd.img (${mb(m.files['initrd.img'].bytes)}: Node ${m.nodeVersion}, ringcast ${m.ringcastVersion}, ${m.modules.length} modules)\n`)
    })
}
