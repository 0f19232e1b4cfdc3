import { defineConfig } from 'vitest/config';

// The project runs on Node 24 (a devDependency; every `npm run …` uses it). A bare
// `node_modules/.bin/vitest` takes whatever Node is on PATH and fails in confusing ways on older
// ones, so say so in one line instead.
const nodeMajor = Number(process.versions.node.split('.')[0]);
if (nodeMajor < 24) {
  console.error(
    `tokentap: the tests need Node 24, this is Node ${process.versions.node}: run them with \`npm test\` (or \`npm exec -- vitest …\`), which use the project's Node 24.`,
  );
  process.exit(1);
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Each test file runs with a temp dir of its own and fails if it leaves a `tokentap-*` entry there.
    // Node's wasm TypeScript stripper stays loaded in each fork's main thread (see the file).
    setupFiles: ['test/support/own-temp-dir.ts', 'test/support/keep-type-stripper.ts'],
  },
});
