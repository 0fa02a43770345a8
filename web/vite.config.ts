import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';

const apiTarget = process.env.SAT_API_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [vue()],
  resolve: {
    // The SPA shares the pure Frame protocol code with the server.
    alias: {
      '@frame': fileURLToPath(new URL('../server/frame', import.meta.url)),
      '@server': fileURLToPath(new URL('../server', import.meta.url)),
    },
  },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    port: 5173,
    proxy: { '/api': apiTarget, '/emulator': apiTarget, '/docs': apiTarget },
  },
});
