/**
 * What fills a request's input: tokens per part (system, tool definitions, messages, tool
 * results, images) and the largest single items. The counts are an estimate by a tokenizer
 * (injected: the worker loads gpt-tokenizer lazily), each block counted once per content hash,
 * then scaled so the parts sum to the input tokens the provider reported.
 */
import type { BlockTextStore } from './block-text-store.ts';
import type { NormalisedRequest, RequestBlock } from './normalise-request.ts';
import { preview } from './text-preview.ts';
import { CONTEXT_PARTS, type ContextBreakdown, type ContextItem, type ContextPart } from './thread-types.ts';

/** Counts the tokens of a text. */
export interface TokenCounter {
  readonly name: string;
  count(text: string): number;
}

/** Before the tokenizer has loaded: about four characters a token. */
export const CHARS_PER_TOKEN: TokenCounter = { name: 'chars/4', count: (text) => Math.ceil(text.length / 4) };

/** A rough per-image estimate (a 1024×1024 image is 765 tokens at OpenAI, about 1,400 at Anthropic). */
const IMAGE_TOKENS = 1000;
/** Texts longer than this are estimated by length: tokenizing megabytes of base64 tells nothing more. */
const MAX_TOKENIZED_CHARS = 200_000;

function estimate(block: RequestBlock, counter: TokenCounter, store: BlockTextStore): number {
  if (block.part === 'images') return IMAGE_TOKENS;
  const stored = store.put(block.hash, block.text);
  if (stored.tokens !== null) return stored.tokens;
  const tokens =
    block.text.length > MAX_TOKENIZED_CHARS ? CHARS_PER_TOKEN.count(block.text) : counter.count(block.text);
  // Counts made before the tokenizer loaded are not kept, so they are redone with it.
  if (counter !== CHARS_PER_TOKEN) stored.tokens = tokens;
  return tokens;
}

/** The breakdown of a request's input, scaled to `reportedInput` tokens when the provider reported them. */
export function contextBreakdown(
  request: NormalisedRequest,
  reportedInput: number | null,
  counter: TokenCounter,
  store: BlockTextStore,
): ContextBreakdown {
  const raw = Object.fromEntries(CONTEXT_PARTS.map((p) => [p, 0])) as Record<ContextPart, number>;
  const items: { block: RequestBlock; tokens: number }[] = [];
  const all = [...request.system, ...request.tools, ...request.messages.flatMap((m) => m.blocks)];
  for (const block of all) {
    const tokens = estimate(block, counter, store);
    raw[block.part] += tokens;
    items.push({ block, tokens });
  }
  const sum = CONTEXT_PARTS.reduce((s, p) => s + raw[p], 0);
  const scale = reportedInput !== null && sum > 0 ? reportedInput / sum : 1;
  const parts = scaledParts(raw, scale, reportedInput !== null && sum > 0 ? reportedInput : null);
  // Only the items shown get a preview: a turn's cost must not grow with the history it re-sends.
  const largest = items
    .sort((a, b) => b.tokens - a.tokens)
    .slice(0, 5)
    .map(
      ({ block, tokens }): ContextItem => ({
        at: block.path,
        part: block.part,
        tokens: Math.round(tokens * scale),
        chars: block.text.length,
        preview: preview(block.text, 120),
      }),
    );
  return {
    estimate: true,
    tokenizer: counter.name,
    scaledTo: reportedInput !== null && sum > 0 ? reportedInput : null,
    parts,
    largest,
  };
}

/** Parts scaled and rounded so they add up to `total` exactly (the rounding remainder goes to the largest part). */
function scaledParts(
  raw: Record<ContextPart, number>,
  scale: number,
  total: number | null,
): Record<ContextPart, number> {
  const parts = Object.fromEntries(CONTEXT_PARTS.map((p) => [p, Math.round(raw[p] * scale)])) as Record<
    ContextPart,
    number
  >;
  if (total === null) return parts;
  const largest = CONTEXT_PARTS.reduce((a, b) => (parts[b] > parts[a] ? b : a));
  parts[largest] += total - CONTEXT_PARTS.reduce((s, p) => s + parts[p], 0);
  return parts;
}
