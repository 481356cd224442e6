// The UI is built into web/dist and served by voronka itself: index.html through "/" (with the
// CSRF token put in, src/http/session.c), the bundles as static files under /dist/assets/ with
// content hashes in their names (cached for a year, src/http/static.c).
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/dist/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // one small bundle: the whole app is a few hundred KB before gzip
    chunkSizeWarningLimit: 400,
    modulePreload: { polyfill: false },
  },
});
