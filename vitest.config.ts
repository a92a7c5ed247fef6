import { defineConfig } from 'vitest/config';

export default defineConfig({
  define: { __VITRINE_VERSION__: JSON.stringify('test'), __VITRINE_ENGINE_INTEGRITY__: '""', __VITRINE_WASM_SHA256__: 'null' },
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
  },
});
