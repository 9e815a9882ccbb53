// Per-node, single-use join tokens for booted nodes (issue 13, item 3). The
// boot script a MAC gets carries a fresh token for that node alone
// (ipxe.ts); the coordinator admits a Join that presents it under that
// node's name once, and never again: a token read off one machine's
// console, or replayed by another, is worth nothing. A node that boots again
// gets a new script and a new token (the old one is void).

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** 128 bits, hex: no guessing, and one word on a kernel command line. */
const TOKEN_BYTES = 16

const digest = (token: string): Buffer => createHash('sha256').update(token).digest()

export class NodeTokens {
  /** Only hashes are kept, by node name. */
  private readonly issued = new Map<string, Buffer>()

  /** A fresh token for `name`; any earlier one of that node stops working. */
  issue (name: string): string {
    const token = randomBytes(TOKEN_BYTES).toString('hex')
    this.issued.set(name, digest(token))
    return token
  }

  /** Whether `token` is `name`'s current one; true once, then it is spent. */
  redeem (name: string, token: string): boolean {
    const want = this.issued.get(name)
    if (want === undefined || !timingSafeEqual(want, digest(token))) return false
    this.issued.delete(name)
    return true
  }

  /** Whether `name` holds an unspent token (for the web view and tests). */
  pending (name: string): boolean {
    return this.issued.has(name)
  }
}
