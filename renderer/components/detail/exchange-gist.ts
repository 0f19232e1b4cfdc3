import type { MergedResult } from '../../../shared/interpreters/merged-result.ts';
import { readChat } from '../conversation/read-chat.ts';

/** The merged answer as plain text: refusal, text, then one line per tool call; null when there is nothing. */
export function answerText(merged: MergedResult | null): string | null {
  if (merged === null) return null;
  const lines: string[] = [];
  if (merged.refusal !== null) lines.push(`Refused: ${merged.refusal}`);
  if (merged.text !== '') lines.push(merged.text);
  for (const call of merged.toolCalls) lines.push(`→ ${call.name || '(unnamed)'}(${call.arguments})`);
  return lines.length > 0 ? lines.join('\n') : null;
}

/** The text of the last user message in a request body (any API `readChat` knows); null when there is none. */
export function lastUserText(body: string): string | null {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  const turns = readChat(json)?.messages ?? [];
  for (let i = turns.length - 1; i >= 0; i--) {
    const turn = turns[i];
    if (turn?.role !== 'user') continue;
    const text = turn.parts
      .map((part) => (part.kind === 'text' || part.kind === 'tool-result' ? part.text : ''))
      .filter((t) => t !== '')
      .join('\n');
    if (text !== '') return text;
  }
  return null;
}

export interface Excerpt {
  /** The start of the text: its first lines, cut at a character budget too (one huge line). */
  head: string;
  /** Whether the text goes on beyond `head`. */
  more: boolean;
  lines: number;
}

/** The first `maxLines` lines of `text`, at most `maxChars` characters. */
export function excerptOf(text: string, maxLines = 4, maxChars = 400): Excerpt {
  const all = text.split('\n');
  let head = all.slice(0, maxLines).join('\n');
  if (head.length > maxChars) head = `${head.slice(0, maxChars).trimEnd()}…`;
  return { head, more: head !== text, lines: all.length };
}
