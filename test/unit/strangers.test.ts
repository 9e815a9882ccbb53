// What a stranger gets (issue 14, item 4, first part): wrong tokens are
// refused more slowly per address, and a token can come from a file or the
// environment instead of argv (where ps shows it).

import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tokenFrom } from '../../cli/token.js'
import { FailedAttempts } from '../../src/coordinator/failed-attempts.js'

describe('wrong tokens', () => {
  it('wait longer for their refusal with each failure from one address, up to 8 s, and are forgotten after 10 quiet minutes', () => {
    const f = new FailedAttempts()
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(i => f.failed('198.18.0.9', i))).toEqual([250, 500, 1000, 2000, 4000, 8000, 8000, 8000])
    expect(f.failed('198.18.0.10', 9)).toBe(250)
    expect(f.failed('198.18.0.9', 9 + 10 * 60_000)).toBe(250)
  })

  it('remember a bounded number of addresses', () => {
    const f = new FailedAttempts()
    for (let i = 0; i < 20_000; i++) f.failed(`a${i}`, 0)
    expect(f.size).toBe(10_000)
  })
})

describe('a session token', () => {
  let dir: string
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'ringcast-token-')) })
  afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

  it('comes from --token, the first line of --token-file, or RINGCAST_TOKEN, one way only', async () => {
    const file = join(dir, 'token')
    await writeFile(file, 'abc123secret\nignored\n')
    expect(await tokenFrom({ token: 'tok-1' }, {})).toBe('tok-1')
    expect(await tokenFrom({ tokenFile: file }, {})).toBe('abc123secret')
    expect(await tokenFrom({}, { RINGCAST_TOKEN: 'from-env' })).toBe('from-env')
    expect(await tokenFrom({}, {})).toBeUndefined()
    await expect(tokenFrom({ token: 'a', tokenFile: file }, {})).rejects.toThrow(/^give the session token one way, not --token and --token-file$/)
    await expect(tokenFrom({ tokenFile: file }, { RINGCAST_TOKEN: 'x' })).rejects.toThrow(/not --token-file and RINGCAST_TOKEN/)
  })

  it('from a file that is missing, empty or far too large is one sentence', async () => {
    await expect(tokenFrom({ tokenFile: join(dir, 'none') }, {})).rejects.toMatchObject({ code: 'USAGE', message: expect.stringMatching(/^cannot read --token-file .*none: /) })
    await writeFile(join(dir, 'empty'), '\n')
    await expect(tokenFrom({ tokenFile: join(dir, 'empty') }, {})).rejects.toThrow(/holds no token/)
    await writeFile(join(dir, 'big'), 'x'.repeat(5000))
    await expect(tokenFrom({ tokenFile: join(dir, 'big') }, {})).rejects.toThrow(/a token file holds one line/)
    await expect(tokenFrom({ token: 'has space' }, {})).rejects.toThrow(/no spaces or control characters/)
  })
})
