import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// Two projects: fast tests that need nothing but Node, and the integration suite that
// runs the plugins against a real Cassandra node started once by the global setup.
export default defineConfig({
  define: { PACKAGE_VERSION: JSON.stringify(version) },
  test: {
    // .ci/run asks for a JSON report to print one `N passed, N failed` line for the whole run.
    reporters: process.env['VITEST_JSON_REPORT']
      ? ['default', ['json', { outputFile: process.env['VITEST_JSON_REPORT'] }]]
      : ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/plugin/**/*.test.ts', 'test/faults/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
