/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// The app is served from `/` by `tandem dev` (web/dist) and in AWS by CloudFront; the API is
// the same origin under /v1, so there is no proxy config for production. `npm run dev` proxies
// /v1 and /dev to a running `tandem dev` (TANDEM_URL, default http://127.0.0.1:4780).
const api = process.env.TANDEM_URL ?? 'http://127.0.0.1:4780';

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    target: 'es2022',
    manifest: true, // scripts/size.mjs reads it to tell the initial load from lazy chunks
    sourcemap: false,
    reportCompressedSize: false, // scripts/size.mjs prints the gzip table instead
  },
  server: { proxy: { '/v1': api, '/dev': api } },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
