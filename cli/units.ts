// Parsing of sizes and durations given on the command line.

import { RingcastError } from '../src/errors.js'

const SIZE_UNITS: Record<string, number> = {
  '': 1, b: 1,
  k: 1024, kib: 1024, kb: 1000,
  m: 1_048_576, mib: 1_048_576, mb: 1_000_000,
  g: 1_073_741_824, gib: 1_073_741_824, gb: 1_000_000_000,
  t: 1_099_511_627_776, tib: 1_099_511_627_776, tb: 1_000_000_000_000
}

/** "4MiB", "512k", "1G", "65536" -> bytes. */
export function parseSize (text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text)
  const unit = m === null ? undefined : SIZE_UNITS[m[2]!.toLowerCase()]
  if (m === null || unit === undefined) throw new RingcastError('USAGE', `${flag} expects a size such as 1MiB, 512k or 65536 (got "${text}")`)
  const bytes = Math.round(Number(m[1]) * unit)
  if (!Number.isSafeInteger(bytes)) throw new RingcastError('USAGE', `${flag} is too large (got "${text}")`)
  return bytes
}

/** "100MB/s", "1GiB/s", "50M" -> bytes per second; "0" means no cap. */
export function parseRate (text: string, flag: string): number {
  const m = /^(.*?)(?:\/s)?\s*$/i.exec(text)!
  try {
    return parseSize(m[1]!, flag)
  } catch {
    throw new RingcastError('USAGE', `${flag} expects a rate such as 100MB/s, 1GiB/s or 0 for no cap (got "${text}")`)
  }
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, '': 1000, m: 60_000, min: 60_000, h: 3_600_000 }

/** "30s", "5m", "250ms", "10" (seconds) -> milliseconds. */
export function parseDuration (text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text)
  const unit = m === null ? undefined : DURATION_UNITS[m[2]!.toLowerCase()]
  if (m === null || unit === undefined) throw new RingcastError('USAGE', `${flag} expects a duration such as 30s, 5m or 250ms (got "${text}")`)
  return Math.round(Number(m[1]) * unit)
}

export function parseCount (text: string, flag: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new RingcastError('USAGE', `${flag} expects a whole number of at least 1 (got "${text}")`)
  return Number(text)
}

export function parseNonNegative (text: string, flag: string): number {
  if (!/^\d+$/.test(text.trim())) throw new RingcastError('USAGE', `${flag} expects a whole number of 0 or more (got "${text}")`)
  return Number(text)
}

export function formatBytes (n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let i = 0
  let v = n
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++ }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`
}
