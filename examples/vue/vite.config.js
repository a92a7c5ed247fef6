import { defineConfig } from 'vite';

// base './': the built app works from any folder it is served from.
export default defineConfig({ base: './' });
