// serve --max-rate: caps the bytes per second the source sends, over all its
// feeds together, so a clone can share a network with production traffic
// (udpcast's --max-bitrate). A GCRA token bucket: each request moves a
// "theoretical arrival time" forward by its cost; a request waits until that
// time is within `burstMs` of now. Requests are served in the order made.

export class RateLimiter {
  private tat = 0

  constructor (
    readonly bytesPerSecond: number,
    private readonly burstMs = 50,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = async ms => { await new Promise(resolve => setTimeout(resolve, ms)) }
  ) {
    if (!(bytesPerSecond > 0)) throw new RangeError(`RateLimiter: ${bytesPerSecond} bytes/s is not a rate`)
  }

  /** Resolves when `bytes` may be sent. */
  async take (bytes: number): Promise<void> {
    const now = this.now()
    this.tat = Math.max(this.tat, now) + bytes * 1000 / this.bytesPerSecond
    const wait = this.tat - now - this.burstMs
    if (wait > 0) await this.sleep(wait)
  }
}
