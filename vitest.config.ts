import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['worker/**/*.test.ts', 'app/**/*.test.ts', 'scripts/**/*.test.ts'],
    setupFiles: ['worker/testing/fc-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
