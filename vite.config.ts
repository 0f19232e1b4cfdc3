import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/** The dev server injects inline scripts (React refresh) that the page's strict CSP would block. */
function relaxCspInDev(): Plugin {
  return {
    name: 'tokentap-relax-csp-in-dev',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace(/<meta\s+http-equiv="Content-Security-Policy"[^>]*>/s, ''),
  };
}

export default defineConfig({
  root: 'renderer',
  // Relative asset URLs: the same build loads from file:// in Electron and from the headless server.
  base: './',
  plugins: [react(), relaxCspInDev()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // No inline data: URLs for assets, so the CSP's img-src and font-src stay 'self'.
    assetsInlineLimit: 0,
    target: 'chrome130',
  },
});
