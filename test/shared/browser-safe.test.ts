import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// shared/ also runs in the renderer, so neither it nor what it imports may need Node built-ins.
// Its own imports are the linter's to check (biome.json: noRestrictedImports on shared/**, which
// reads import statements, not text that merely looks like one); what it imports from npm is here.
describe('shared/ runs in a browser', () => {
  it('the price catalogue module imports nothing', () => {
    const entry = createRequire(import.meta.url)
      .resolve('@pydantic/genai-prices')
      .replace(/index\.cjs$/, 'index.js');
    const source = readFileSync(entry, 'utf8');
    expect(source).not.toMatch(/\bfrom\s*['"]|\bimport\s*\(|\brequire\(/);
  });
});
