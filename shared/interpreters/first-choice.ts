import { arr, isRecord, type JsonRecord } from '../wire/json-fields.ts';

/** Choice 0 of an OpenAI-style `choices` array (chat and legacy completions), or null. */
export function firstChoice(choices: unknown): JsonRecord | null {
  for (const choice of arr(choices)) {
    if (isRecord(choice) && (choice.index === undefined || choice.index === 0)) return choice;
  }
  return null;
}
