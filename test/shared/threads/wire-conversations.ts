import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const wireDir = join(import.meta.dirname, '..', '..', 'fixtures', 'wire');

/** A recorded agent conversation: its consecutive request bodies and the response bodies that answered them. */
export function recordedTurns(
  name: string,
): { request: Record<string, unknown>; response: Record<string, unknown> }[] {
  const lines = readFileSync(join(wireDir, name), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { dir: string; data: Record<string, unknown> });
  const turns: { request: Record<string, unknown>; response: Record<string, unknown> }[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const request = lines[i];
    const response = lines[i + 1];
    if (request?.dir !== 'client' || response?.dir !== 'server')
      throw new Error(`${name}: line ${i} is not a request/response pair`);
    turns.push({ request: request.data, response: response.data });
  }
  return turns;
}
