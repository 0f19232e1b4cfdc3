import type { MergedResult, ToolCall } from './merged-result.ts';

/** A fresh, empty merged result for an interpreter to fill. */
export function emptyMerged(): MergedResult {
  return { text: '', refusal: null, reasoning: null, toolCalls: [], finishReason: null };
}

/** A copy safe to hand out while the interpreter keeps appending to the original. */
export function copyMerged(merged: MergedResult): MergedResult {
  return { ...merged, toolCalls: merged.toolCalls.map((call): ToolCall => ({ ...call })) };
}

/** Appends a delta to an optional text, so that "never seen" stays null. */
export function appendText(current: string | null, delta: string): string {
  return current === null ? delta : current + delta;
}
