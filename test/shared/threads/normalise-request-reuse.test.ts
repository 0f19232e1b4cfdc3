import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiKind } from '../../../shared/interpreters/api-kind.ts';
import { type NormalisedRequest, normaliseRequest } from '../../../shared/threads/normalise-request.ts';
import { canonicalJson, hashText } from '../../../shared/threads/stable-hash.ts';
import { recordedTurns } from './wire-conversations.ts';

/** Real agent conversations: each turn's request body as the client sent it. */
function conversations(): { name: string; api: ApiKind; bodies: string[] }[] {
  const codex = readFileSync(
    join(
      import.meta.dirname,
      '..',
      '..',
      'fixtures',
      'wire',
      'openai-responses-ws-codex-warmup-then-turn.frames.ndjson',
    ),
    'utf8',
  )
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { dir: string; text: string })
    .filter((f) => f.dir === 'c2u' && f.text.includes('"response.create"'))
    .map((f) => f.text);
  const anthropic = (name: string): { name: string; api: ApiKind; bodies: string[] } => ({
    name,
    api: 'anthropic.messages',
    bodies: recordedTurns(name).map((t) => JSON.stringify(t.request)),
  });
  return [
    anthropic('anthropic-messages-agent-tool-loop-3-turns.reserialized.jsonl'),
    anthropic('anthropic-messages-cache-breakpoint-moves-2-turns.reserialized.jsonl'),
    { name: 'Codex over the Responses WebSocket', api: 'openai.responses', bodies: codex },
  ];
}

/** The value at a block's path in the body (`messages[3].content[1]`, `system`, `tools[0]` …). */
function valueAt(body: unknown, path: string): unknown {
  let value = body;
  for (const [, key, index] of path.matchAll(/([A-Za-z_]+)|\[(\d+)\]/g))
    value = (value as Record<string, unknown>)[key ?? Number(index)];
  return value;
}

/** The JSON of every value in `value`, itself included. */
function valuesOf(value: unknown): string[] {
  const out = [JSON.stringify(value)];
  if (value !== null && typeof value === 'object')
    for (const v of Object.values(value)) out.push(...valuesOf(v));
  return out;
}

/** Every block of a normalised request. */
function blocksOf(request: NormalisedRequest): NormalisedRequest['system'] {
  return [...request.system, ...request.tools, ...request.messages.flatMap((m) => m.blocks)];
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('re-sent blocks are not serialised and hashed again', () => {
  it('gives, turn after turn of real agent conversations, the records a fresh analysis gives', async () => {
    for (const { name, api, bodies } of conversations()) {
      for (const [turn, text] of bodies.entries()) {
        // A fresh module: nothing seen before, every block worked out from its value.
        vi.resetModules();
        const fresh = await import('../../../shared/threads/normalise-request.ts');
        const expected = fresh.normaliseRequest(api, JSON.parse(text), {}, null);
        // This module has seen the earlier turns (and the other conversations) already.
        const request = normaliseRequest(api, JSON.parse(text), {}, null);
        expect(JSON.stringify(request), `${name} turn ${turn}`).toBe(JSON.stringify(expected));
        expect(request).toEqual(expected);
        // (Codex's warm-up has no input: not a conversation.)
        if (request === null) continue;
        // And each block is what the definition says: the hash of its value's canonical JSON.
        const body = JSON.parse(text) as unknown;
        for (const block of blocksOf(request)) {
          const json = canonicalJson(valueAt(body, block.path));
          expect(block.json, `${name} turn ${turn} ${block.path}`).toBe(json);
          expect(block.hash).toBe(hashText(json));
        }
      }
    }
  });

  it('serialises only the blocks a turn adds, not the history it re-sends', async () => {
    // A fresh module, so the blocks each turn adds are new to it.
    vi.resetModules();
    const { normaliseRequest } = await import('../../../shared/threads/normalise-request.ts');
    let resentInAll = 0;
    for (const { name, api, bodies } of conversations()) {
      for (let turn = 0; turn < bodies.length; turn++) {
        // Every value an earlier turn sent, as JSON (a block's value the same as one of these is re-sent).
        const seen = new Set(bodies.slice(0, turn).flatMap((earlier) => valuesOf(JSON.parse(earlier))));
        const body = JSON.parse(bodies[turn] as string) as unknown;
        const stringify = vi.spyOn(JSON, 'stringify');
        const request = normaliseRequest(api, body, {}, null);
        const serialised = new Set(stringify.mock.calls.map((call) => call[0]));
        stringify.mockRestore();
        // (Codex's warm-up has no input: not a conversation, though its blocks were worked out.)
        if (request === null) continue;
        // Short blocks are worked out again (a look-up would cost as much); long ones must not be.
        const large = blocksOf(request).filter((b) => b.json.length >= 1024);
        const resent = large.filter((b) => seen.has(JSON.stringify(valueAt(body, b.path))));
        const added = large.filter((b) => !seen.has(JSON.stringify(valueAt(body, b.path))));
        resentInAll += resent.length;
        for (const block of resent)
          expect(serialised.has(valueAt(body, block.path)), `${name} turn ${turn} ${block.path}`).toBe(false);
        for (const block of added) expect(serialised.has(valueAt(body, block.path))).toBe(true);
      }
    }
    expect(resentInAll, 'long blocks re-sent by a later turn').toBeGreaterThan(3);
  });
});
