import { expect } from 'vitest'
import { RingcastError } from '../../src/errors.js'

/** `fn` throws a RingcastError with code USAGE whose message names `flag`. */
export function expectUsage (fn: () => unknown, flag: string): void {
  let thrown: unknown
  try {
    fn()
  } catch (err) {
    thrown = err
  }
  expect(thrown, 'expected a USAGE error').toBeInstanceOf(RingcastError)
  expect((thrown as RingcastError).code).toBe('USAGE')
  expect((thrown as RingcastError).message).toContain(flag)
}
