import { type JsonRecord, str } from './json-fields.ts';
import type { InterpretedResponse } from './llm-response.ts';

/** An in-band error object (`{"type","code","message"}`, any of them missing) as the stream error an interpreter reports. */
export function streamErrorOf(error: JsonRecord | null): NonNullable<InterpretedResponse['streamError']> {
  return { type: str(error?.type) ?? str(error?.code) ?? 'error', message: str(error?.message) ?? '' };
}
