// Where a session token comes from: --token (seen by anyone who can run ps),
// --token-file FILE (its first line), or RINGCAST_TOKEN in the environment.
// At most one of them; a token file that cannot be read, or holds nothing, is
// one sentence and a usage error.

import { readFile } from 'node:fs/promises'
import { RingcastError } from '../src/errors.js'

/** A token file is a secret of a few bytes: a larger file is the wrong file. */
const MAX_TOKEN_FILE_BYTES = 4096

/** The token from the flags or the environment, or undefined when none is given. */
export async function tokenFrom (o: { token?: unknown, tokenFile?: unknown }, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const given = [o.token !== undefined && '--token', o.tokenFile !== undefined && '--token-file', env.RINGCAST_TOKEN !== undefined && env.RINGCAST_TOKEN !== '' && 'RINGCAST_TOKEN'].filter((x): x is string => x !== false)
  if (given.length > 1) throw new RingcastError('USAGE', `give the session token one way, not ${given.join(' and ')}`)
  if (o.token !== undefined) return checked(String(o.token), '--token')
  if (o.tokenFile !== undefined) {
    const path = String(o.tokenFile)
    let text: Buffer
    try {
      text = await readFile(path)
    } catch (err) {
      throw new RingcastError('USAGE', `cannot read --token-file ${path}: ${(err as Error).message}`, { cause: err })
    }
    if (text.length > MAX_TOKEN_FILE_BYTES) throw new RingcastError('USAGE', `--token-file ${path} is ${text.length} bytes: a token file holds one line`)
    return checked(text.toString('utf8').split('\n')[0]!.replace(/\r$/, '').trim(), `--token-file ${path}`)
  }
  if (env.RINGCAST_TOKEN !== undefined && env.RINGCAST_TOKEN !== '') return checked(env.RINGCAST_TOKEN, 'RINGCAST_TOKEN')
  return undefined
}

function checked (token: string, from: string): string {
  if (token === '') throw new RingcastError('USAGE', `${from} holds no token`)
  if (/[\s\0]/.test(token)) throw new RingcastError('USAGE', `${from}: a token has no spaces or control characters`)
  return token
}
