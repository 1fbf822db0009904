// The portal is static files: `npm run build -w web` writes web/dist, which a gateway serves
// (`portal_dir`) or any static server can. Relative asset paths, so it works under any prefix.
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2048
  }
});
