import { defineConfig } from 'vitest/config';

export default defineConfig({
  define: { __VITRINE_VERSION__: JSON.stringify('test'), __VITRINE_ENGINE_INTEGRITY__: '""', __VITRINE_WASM_SHA256__: 'null', __VITRINE_OWN_TFJS__: 'false' },
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
  },
});
