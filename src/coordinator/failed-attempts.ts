// Wrong tokens are answered slowly: each address that presents one waits
// longer for its refusal (250 ms, doubling per failure, at most 8 s), so a
// stranger guessing tokens gets a handful of tries a minute, while an
// operator's typo costs a quarter of a second. Forgotten after 10 minutes
// without a failure; at most MAX_ADDRESSES remembered (the oldest go first),
// so a flood of addresses costs bounded memory.

const FIRST_DELAY_MS = 250
const MAX_DELAY_MS = 8_000
const FORGET_AFTER_MS = 10 * 60_000
const MAX_ADDRESSES = 10_000

export class FailedAttempts {
  private readonly byAddress = new Map<string, { failures: number, lastAt: number }>()

  /** Record a wrong token from `address` at `now`; how long its refusal waits. */
  failed (address: string, now: number): number {
    const seen = this.byAddress.get(address)
    const failures = seen !== undefined && now - seen.lastAt < FORGET_AFTER_MS ? seen.failures + 1 : 1
    // Re-inserted: the Map's order is then the order of last failure, oldest first.
    this.byAddress.delete(address)
    this.byAddress.set(address, { failures, lastAt: now })
    while (this.byAddress.size > MAX_ADDRESSES) this.byAddress.delete(this.byAddress.keys().next().value!)
    return Math.min(FIRST_DELAY_MS * 2 ** (failures - 1), MAX_DELAY_MS)
  }

  get size (): number { return this.byAddress.size }
}
