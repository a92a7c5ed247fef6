import { defineConfig } from 'vitest/config';

export default defineConfig({
  define: { __VITRINE_VERSION__: JSON.stringify('test') },
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
  },
});
