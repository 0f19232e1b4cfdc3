#!/usr/bin/env node
// The `tokentap` command. Tokentap's sources are TypeScript that Node 24 runs directly; on an
// older Node (the machine's own), re-run with the Node 24 that the project installs.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'electron', 'cli.ts');
const [major] = process.versions.node.split('.').map(Number);

if (major >= 24) {
  const { main } = await import(cli);
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exitCode = code;
} else {
  const node24 = join(root, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(node24)) {
    console.error('tokentap needs Node.js 24 or newer: run `npm ci` in the Tokentap folder first.');
    process.exit(1);
  }
  const result = spawnSync(node24, [cli, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
