// Per-node, single-use join tokens for booted nodes (issue 13, item 3). The
// boot script a MAC gets carries a fresh token for that node alone
// (ipxe.ts); the coordinator admits a Join that presents it under that
// node's name once, and never again: a token read off one machine's
// console, or replayed by another, is worth nothing. A node that boots again
// gets a new script and a new token (the old one is void).
//
// A token is also bound to the session it was issued for (serve --boot-nodes
// with one session per image, cli/serve-sessions.ts): shown to another
// session's coordinator it is refused, and not spent. Checking and spending
// are two steps, so a Join refused after the token check (the session is
// full, the target too small) leaves the token as it was:
//
//   coordinator: valid(name, token, session)?  -- no  --> BAD_TOKEN, token kept
//                every other admission check   -- no  --> refused, token kept
//                admitted --> redeem(name, token, session): spent

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** 128 bits, hex: no guessing, and one word on a kernel command line. */
const TOKEN_BYTES = 16

const digest = (token: string): Buffer => createHash('sha256').update(token).digest()

export class NodeTokens {
  /** Only hashes are kept, by node name, with the session each was issued for. */
  private readonly issued = new Map<string, { digest: Buffer, session: string }>()

  /** A fresh token for `name` in `session` ('' when serve runs one); any earlier one of that node stops working. */
  issue (name: string, session = ''): string {
    const token = randomBytes(TOKEN_BYTES).toString('hex')
    this.issued.set(name, { digest: digest(token), session })
    return token
  }

  /** Whether `token` is `name`'s current one, for `session`; nothing is spent. */
  valid (name: string, token: string, session = ''): boolean {
    const want = this.issued.get(name)
    return want !== undefined && want.session === session && timingSafeEqual(want.digest, digest(token))
  }

  /** Whether `token` is `name`'s current one for `session`; true once, then it is spent. */
  redeem (name: string, token: string, session = ''): boolean {
    if (!this.valid(name, token, session)) return false
    this.issued.delete(name)
    return true
  }

  /** Whether `name` holds an unspent token (for the web view and tests). */
  pending (name: string): boolean {
    return this.issued.has(name)
  }
}
