import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('./src/web', import.meta.url));

/** The staff app: built into dist/web and served by the Fastify server under /app/. */
export default defineConfig({
  root,
  base: '/app/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    // The server-rendered pages keep their own scripts in src/web/static; they are not part of this build.
    copyPublicDir: false,
    sourcemap: false,
  },
  server: {
    // `npm run dev:web` next to `npm start`: the API stays on the real server.
    proxy: { '/api': `http://localhost:${process.env.PORT ?? 3000}` },
  },
});
