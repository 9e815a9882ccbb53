// Skip a test or a suite that cannot run here, and say why: the reason rides
// in the task's meta, skip-reporter.ts prints it above vitest's summary, and
// the summary counts the skip. A skipped suite runs none of its hooks, so a
// beforeAll that builds a lab never runs where the lab cannot be built.
//
//   it('mounts a tmpfs', needs('diskFull'), async () => { ... })
//   describe('the lab', needs('lab'), () => { ... })

import { describe, type TestOptions } from 'vitest'
import { unmetReason, type NeedsName } from './requirements.js'

declare module 'vitest' {
  interface TaskMeta {
    /** Why the test or suite is skipped (skip-reporter.ts prints it). */
    skipReason?: string
  }
}

/** Test options that skip, with the reason, where `name`'s needs are unmet. */
export function needs (name: NeedsName): TestOptions {
  const reason = unmetReason(name)
  return reason === undefined ? {} : { skip: true, meta: { skipReason: reason } }
}

/** `describe`, with every suite it makes skipped, with the reason, where `name`'s needs are unmet. */
export function describeNeeding (name: NeedsName): (title: string, factory: () => void) => void {
  const options = needs(name)
  return (title, factory) => { describe(title, options, factory) }
}
