// Vite build of the Tandem web app (served by `tandem serve` at /) and the Vitest unit run,
// whose tests live in ../tests/client/unit (tests mirror the layout).
import { defineConfig } from 'vite'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))

export default defineConfig({
  root: here,
  base: '/',
  resolve: {
    // Tests outside this folder must get the very same yjs module, or instanceof checks break.
    alias: { yjs: here + 'node_modules/yjs/dist/yjs.mjs' }
  },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000, sourcemap: true },
  server: { fs: { allow: [here, here + '../tests/client'] } },
  test: {
    root: here,
    dir: here + '../tests/client/unit',
    include: ['**/*.test.js'],
    environment: 'node'
  }
})
