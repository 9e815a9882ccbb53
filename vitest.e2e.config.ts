// The virtual-machine tests (test/e2e): slow (qemu under TCG), so npm test
// runs them once after the rest, and .ci/run only on its first Node version.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    setupFiles: ['./src/net/shim.ts'],
    fileParallelism: false,
    reporters: ['./test/support/skip-reporter.ts', 'default'],
    testTimeout: 25 * 60_000,
    hookTimeout: 10 * 60_000
  }
})
