import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const web = fileURLToPath(new URL('.', import.meta.url));

/**
 * The dashboard build: `web/` in, static files in `web/dist`, which the control plane serves
 * at `/`. The Rules engine under `src/rules` is bundled so that the Expression Builder and
 * Preview parse and format exactly like the API; its one Node import (HMAC for
 * `is_timed_hmac_valid_v0`, evaluated only at the edge) is replaced by a stub.
 */
export default defineConfig({
  root: web,
  base: '/',
  plugins: [react()],
  resolve: {
    alias: { 'node:crypto': fileURLToPath(new URL('src/shims/node-crypto.ts', import.meta.url)) },
  },
  build: {
    outDir: fileURLToPath(new URL('dist', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { '/client/v4': process.env.PORTCULLIS_API_URL ?? 'http://127.0.0.1:8080' },
  },
});
