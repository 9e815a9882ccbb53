// A FIFO between one producer and one consumer. It has no bound of its own:
// callers bound it with credits (a relay's queue never holds more than its
// upstream's credit window).

export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = []
  private wake?: () => void
  private ended = false
  private failure?: Error

  push (item: T): void {
    this.items.push(item)
    this.wake?.()
  }

  end (): void {
    this.ended = true
    this.wake?.()
  }

  fail (err: Error): void {
    this.failure ??= err
    this.wake?.()
  }

  get length (): number {
    return this.items.length
  }

  async * [Symbol.asyncIterator] (): AsyncIterator<T> {
    while (true) {
      if (this.failure !== undefined) throw this.failure
      const item = this.items.shift()
      if (item !== undefined) { yield item; continue }
      if (this.ended) return
      await new Promise<void>(resolve => { this.wake = resolve })
      this.wake = undefined
    }
  }
}
