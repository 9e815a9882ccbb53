// A GPT disk image written to a larger disk (issue 12, item 5): its backup
// header and partition table sit at the *image's* end, in the middle of the
// disk, and the primary header says the disk ends there. What `sgdisk -e`
// does, done here: the backup table and header are written at the disk's
// last sectors, the primary header's AlternateLBA and LastUsableLBA point
// there, both CRCs are recomputed, and the protective MBR's 0xEE partition
// is grown to cover the disk (UEFI spec 2.10, section 5.3).
//
// These bytes are not the source's: the node writes them only after the
// coordinator verified its copy of the image, and checks its own work by
// reading both headers back (docs/architecture.md, "Whole disks").

import { crc32 } from 'node:zlib'
import { RingcastError } from '../errors.js'

const SIGNATURE = Buffer.from('EFI PART')
/** The GPT header fields we read and write (byte offsets in the header sector). */
const H = { signature: 0, headerSize: 12, headerCrc: 16, myLba: 24, alternateLba: 32, firstUsable: 40, lastUsable: 48, entriesLba: 72, entryCount: 80, entrySize: 84, entriesCrc: 88 } as const
/** Headers are at least 92 bytes; a header size past the sector is not GPT. */
const MIN_HEADER_BYTES = 92

export interface Disk {
  read: (offset: number, length: number) => Promise<Uint8Array>
  write: (offset: number, chunks: readonly Uint8Array[]) => Promise<void>
}

export type GptOutcome =
  | { kind: 'moved', from: number, to: number }
  | { kind: 'none', why: string }

function headerCrcOf (header: Buffer, size: number): number {
  const copy = Buffer.from(header.subarray(0, size))
  copy.writeUInt32LE(0, H.headerCrc)
  return crc32(copy)
}

/** The GPT primary header of an image of `imageBytes`, or why there is none that we can move. */
async function primaryHeader (disk: Disk, imageBytes: number, sector: number): Promise<{ header: Buffer, size: number } | string> {
  const header = Buffer.from(await disk.read(sector, sector))
  if (!header.subarray(0, 8).equals(SIGNATURE)) return 'no GPT header at LBA 1'
  const size = header.readUInt32LE(H.headerSize)
  if (size < MIN_HEADER_BYTES || size > sector) return `a GPT header of ${size} bytes`
  if (headerCrcOf(header, size) !== header.readUInt32LE(H.headerCrc)) return 'the GPT header\'s CRC does not match'
  if (header.readBigUInt64LE(H.myLba) !== 1n) return 'the GPT header at LBA 1 says it is elsewhere'
  const imageLast = BigInt(imageBytes / sector - 1)
  if (header.readBigUInt64LE(H.alternateLba) !== imageLast) return `its backup header is not at the image's last sector (LBA ${imageLast})`
  return { header, size }
}

/**
 * Move the backup GPT of an `imageBytes` image on `disk` (of `diskBytes`,
 * `sector`-byte sectors) to the disk's end. Does nothing, and says why, when
 * there is nothing to move: the disk is not larger, the image has no GPT
 * whose backup sits at its end.
 */
export async function moveBackupGpt (disk: Disk, imageBytes: number, diskBytes: number, sector: number): Promise<GptOutcome> {
  if (imageBytes % sector !== 0) return { kind: 'none', why: `the image is not a whole number of ${sector}-byte sectors` }
  const diskSectors = Math.floor(diskBytes / sector)
  if (diskSectors <= imageBytes / sector) return { kind: 'none', why: 'the disk is no larger than the image' }
  const found = await primaryHeader(disk, imageBytes, sector)
  if (typeof found === 'string') return { kind: 'none', why: found }
  const { header, size } = found
  const entryCount = header.readUInt32LE(H.entryCount)
  const entrySize = header.readUInt32LE(H.entrySize)
  const entryBytes = entryCount * entrySize
  if (entrySize < 128 || entryBytes > 4 * 1_048_576) return { kind: 'none', why: `a GPT partition table of ${entryCount} entries of ${entrySize} bytes` }
  const entrySectors = Math.ceil(entryBytes / sector)
  const entries = Buffer.from(await disk.read(Number(header.readBigUInt64LE(H.entriesLba)) * sector, entrySectors * sector))
  if (crc32(entries.subarray(0, entryBytes)) !== header.readUInt32LE(H.entriesCrc)) return { kind: 'none', why: 'the GPT partition table\'s CRC does not match' }

  const from = imageBytes / sector - 1
  const last = BigInt(diskSectors - 1)
  const backupEntriesLba = last - BigInt(entrySectors)
  // The backup: table, then header, in the disk's last sectors.
  const backup = Buffer.from(header)
  backup.writeBigUInt64LE(last, H.myLba)
  backup.writeBigUInt64LE(1n, H.alternateLba)
  backup.writeBigUInt64LE(backupEntriesLba - 1n, H.lastUsable)
  backup.writeBigUInt64LE(backupEntriesLba, H.entriesLba)
  backup.writeUInt32LE(headerCrcOf(backup, size), H.headerCrc)
  const primary = Buffer.from(header)
  primary.writeBigUInt64LE(last, H.alternateLba)
  primary.writeBigUInt64LE(backupEntriesLba - 1n, H.lastUsable)
  primary.writeUInt32LE(headerCrcOf(primary, size), H.headerCrc)
  await disk.write(Number(backupEntriesLba) * sector, [entries])
  await disk.write(Number(last) * sector, [backup])
  await disk.write(sector, [primary])
  await growProtectiveMbr(disk, diskSectors)
  return { kind: 'moved', from, to: Number(last) }
}

/** The protective MBR's 0xEE entry covers LBA 1 to the disk's end (at most 0xFFFFFFFF sectors). */
async function growProtectiveMbr (disk: Disk, diskSectors: number): Promise<void> {
  const mbr = Buffer.from(await disk.read(0, 512))
  if (mbr.readUInt16LE(510) !== 0xaa55) return
  for (let i = 0; i < 4; i++) {
    const at = 446 + 16 * i
    if (mbr[at + 4] !== 0xee || mbr.readUInt32LE(at + 8) !== 1) continue
    mbr.writeUInt32LE(Math.min(diskSectors - 1, 0xffffffff), at + 12)
    await disk.write(0, [mbr])
    return
  }
}

/** Why the GPT on `disk` (after moveBackupGpt) is not whole: both headers and tables, their CRCs and cross-references. */
export async function gptProblem (disk: Disk, diskBytes: number, sector: number): Promise<string | undefined> {
  const last = BigInt(Math.floor(diskBytes / sector) - 1)
  for (const [lba, alternate] of [[1n, last], [last, 1n]] as const) {
    const header = Buffer.from(await disk.read(Number(lba) * sector, sector))
    const name = lba === 1n ? 'primary' : 'backup'
    if (!header.subarray(0, 8).equals(SIGNATURE)) return `no ${name} GPT header at LBA ${lba}`
    const size = header.readUInt32LE(H.headerSize)
    if (size < MIN_HEADER_BYTES || size > sector || headerCrcOf(header, size) !== header.readUInt32LE(H.headerCrc)) return `the ${name} GPT header's CRC does not match`
    if (header.readBigUInt64LE(H.myLba) !== lba || header.readBigUInt64LE(H.alternateLba) !== alternate) return `the ${name} GPT header points at the wrong places`
    const entryBytes = header.readUInt32LE(H.entryCount) * header.readUInt32LE(H.entrySize)
    const entries = await disk.read(Number(header.readBigUInt64LE(H.entriesLba)) * sector, entryBytes)
    if (crc32(entries) !== header.readUInt32LE(H.entriesCrc)) return `the ${name} GPT partition table's CRC does not match`
  }
  return undefined
}

/**
 * After a verified clone of an `imageBytes` image onto the larger block
 * device `info`: move a GPT's backup to the device's end, make it durable,
 * read both headers back. An image with no GPT is left as it is, silently;
 * one whose GPT cannot be moved is left as it is, with a line saying why.
 */
export async function fixGptOnLargerDisk (target: Disk & { sync: () => Promise<void> }, imageBytes: number, info: { path: string, size: number, sectorBytes?: number }, log: (line: string) => void): Promise<void> {
  const sector = info.sectorBytes ?? 512
  const outcome = await moveBackupGpt(target, imageBytes, info.size, sector)
  if (outcome.kind === 'none') {
    if (!outcome.why.startsWith('no GPT header')) log(`GPT left as it is on ${info.path}: ${outcome.why}`)
    return
  }
  await target.sync()
  const problem = await gptProblem(target, info.size, sector)
  if (problem !== undefined) throw new RingcastError('TARGET_WRITE_FAILED', `the GPT backup of ${info.path} was moved to the disk's end, but reading it back: ${problem}`)
  log(`GPT: moved the backup header and partition table from LBA ${outcome.from} to the end of ${info.path} (LBA ${outcome.to}); both read back whole`)
}
