/**
 * Vitest setup file: the test file gets an empty OS temp dir of its own (TMPDIR, which `tmpdir()`
 * reads on every call and child processes inherit), and fails if it leaves a `tokentap-*` entry
 * behind in it: whatever a test makes in the temp dir it removes in its teardown, also when it
 * fails. Anything else (a browser's own scratch files) goes when the dir does.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

// Short, and right in the temp dir: a session's lock socket goes beside it only while the path
// fits a socket name (about 100 bytes), so a longer temp dir would move it to the fallback.
const own = mkdtempSync(join(tmpdir(), 'ttv-'));
// Open to every user like the temp dir itself (tests run children as `nobody`).
chmodSync(own, 0o1777);
process.env.TMPDIR = own;

afterAll(() => {
  const left = readdirSync(own).filter((name) => name.startsWith('tokentap-'));
  rmSync(own, { recursive: true, force: true });
  if (left.length > 0)
    throw new Error(
      `this test file left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in the temp dir (remove them in its teardown): ${left.join(', ')}`,
    );
});
