import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const sharedDir = fileURLToPath(new URL('../../shared/', import.meta.url));

// shared/ also runs in the renderer, so neither it nor what it imports may need Node built-ins.
describe('shared/ runs in a browser', () => {
  for (const name of readdirSync(sharedDir).filter((n) => n.endsWith('.ts'))) {
    it(`${name} imports no node: module`, () => {
      const source = readFileSync(sharedDir + name, 'utf8');
      expect(source).not.toMatch(/from\s+['"]node:|require\(/);
    });
  }

  it('the price catalogue module imports nothing', () => {
    const entry = createRequire(import.meta.url)
      .resolve('@pydantic/genai-prices')
      .replace(/index\.cjs$/, 'index.js');
    const source = readFileSync(entry, 'utf8');
    expect(source).not.toMatch(/\bfrom\s*['"]|\bimport\s*\(|\brequire\(/);
  });
});
