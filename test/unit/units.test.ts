import { describe, expect, it } from 'vitest'
import { formatBytes, parseCount, parseDuration, parseSize } from '../../cli/units.js'
import { expectUsage } from '../support/expect-usage.js'

describe('parseSize', () => {
  it.each([
    ['1MiB', 1_048_576],
    ['512k', 524_288],
    ['4M', 4_194_304],
    ['1G', 1_073_741_824],
    ['65536', 65_536],
    ['1.5GiB', 1_610_612_736],
    ['10MB', 10_000_000],
    ['4KiB', 4096],
    ['1kb', 1000],
    ['2T', 2 * 1_099_511_627_776],
    ['7b', 7],
    [' 8 MiB ', 8_388_608]
  ])('%s = %d bytes', (text, bytes) => {
    expect(parseSize(text, '--block-size')).toBe(bytes)
  })

  it.each(['', 'abc', '-1', '1XB', 'MiB', '1.5.2M', '0x10', '1 2'])('rejects %j with a USAGE error naming the flag', text => {
    expectUsage(() => parseSize(text, '--block-size'), '--block-size')
  })

  it('rejects a size too large to be exact', () => {
    expectUsage(() => parseSize('99999999T', '--window'), '--window')
  })
})

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['250ms', 250],
    ['10', 10_000],
    ['1h', 3_600_000],
    ['2min', 120_000],
    ['1.5s', 1500]
  ])('%s = %d ms', (text, ms) => {
    expect(parseDuration(text, '--wait-timeout')).toBe(ms)
  })

  it.each(['', 'abc', '-5s', '5x', '5 days', 's'])('rejects %j with a USAGE error naming the flag', text => {
    expectUsage(() => parseDuration(text, '--wait-timeout'), '--wait-timeout')
  })
})

describe('parseCount', () => {
  it.each([['4', 4], ['1', 1], ['1000', 1000]])('%s = %d', (text, n) => {
    expect(parseCount(text, '--nodes')).toBe(n)
  })

  it.each(['0', '-2', 'x', '1.5', '', '3 nodes'])('rejects %j with a USAGE error naming the flag', text => {
    expectUsage(() => parseCount(text, '--nodes'), '--nodes')
  })
})

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [1_048_576, '1.0 MiB'],
    [5_368_709_120, '5.0 GiB'],
    [1_099_511_627_776, '1.0 TiB'],
    [2 ** 50, '1024.0 TiB']
  ])('%d -> %s', (n, text) => {
    expect(formatBytes(n)).toBe(text)
  })
})
