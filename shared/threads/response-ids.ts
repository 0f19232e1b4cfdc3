/** The `resp_…` ids a Responses API answer names: what links a turn to the next one's `previous_response_id`. */

const RESPONSE_ID = /"id"\s*:\s*"(resp_[A-Za-z0-9_-]+)"/g;

/** The `resp_…` ids a Responses API answer names (each stream event repeats its response's). */
export function responseIds(text: string): string[] {
  return [...new Set(Array.from(text.matchAll(RESPONSE_ID), (m) => m[1] ?? ''))].filter(Boolean);
}
