// Lists every skipped test with its reason, just above vitest's summary
// (which counts them). The reason is the note of ctx.skip(note), or the
// skipReason that skip.ts puts in a test's or a suite's meta, or the failure of
// its suite's beforeAll. A skip without any is listed too, as "no reason
// given", so none goes by silently (unless a -t filter is set: then the
// filter is the reason, and one line counts those).

import { relative } from 'node:path'
import type { Reporter, TestCase, TestModule, Vitest } from 'vitest/node'

function reasonOf (test: TestCase): string | undefined {
  const result = test.result()
  if (result.state === 'skipped' && result.note !== undefined) return result.note
  for (let task: TestCase | TestCase['parent'] = test; task.type !== 'module'; task = task.parent) {
    const reason = task.meta().skipReason
    if (reason !== undefined) return reason
    // A hook of the suite failed (a failed test fails its suite too, but skips nothing).
    if (task.type === 'suite' && task.errors().length > 0) return `not run: a hook of "${task.name}" failed (above)`
  }
  return undefined
}

export default class SkipReporter implements Reporter {
  private vitest?: Vitest

  onInit (vitest: Vitest): void {
    this.vitest = vitest
  }

  onTestRunEnd (testModules: ReadonlyArray<TestModule>): void {
    const filtered = this.vitest?.config.testNamePattern !== undefined
    let unlisted = 0
    const lines = testModules.flatMap(module => [...module.children.allTests('skipped')].flatMap(test => {
      const reason = reasonOf(test)
      if (reason === undefined && filtered) { unlisted++; return [] }
      return [`  ${relative(module.project.config.root, module.moduleId)} > ${test.fullName}: ${reason ?? 'no reason given'}`]
    }))
    if (unlisted > 0) lines.push(`  and ${unlisted} test(s) left out by the -t filter`)
    if (lines.length > 0) this.vitest?.logger.log(`\n Skipped:\n${lines.join('\n')}`)
  }
}
