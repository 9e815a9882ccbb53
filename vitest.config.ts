import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The virtual-machine tests run once per CI run, not per Node version (vitest.e2e.config.ts).
    exclude: ['test/e2e/**', '**/node_modules/**'],
    // libp2p 3 needs Promise.withResolvers, which Node 20 lacks.
    setupFiles: ['./src/net/shim.ts'],
    // Integration tests start several real processes; on a 2-core machine
    // running files in parallel only makes them slower and flakier.
    fileParallelism: false,
    // The default summary counts skips; skip-reporter lists each with its reason.
    reporters: ['./test/support/skip-reporter.ts', 'default'],
    testTimeout: 120_000,
    hookTimeout: 60_000
  }
})
