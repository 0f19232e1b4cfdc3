/**
 * The one rule that decides which header and query parameter names carry secrets. A fixed list
 * always misses the next vendor's header (`x-goog-api-key`, `ocp-apim-subscription-key`,
 * `helicone-auth`, `cf-aig-authorization` …), so a name is secret when it looks like one, unless
 * it is one of the look-alikes providers send that only count or name things.
 */

/** Stems that make a name secret wherever they appear in it (`x-amz-security-token`, `apikey`). */
const SECRET_STEM =
  /api_?key|access_?key|private_?key|secret|passw|passphrase|pwd|token|auth(?!or(?!i[sz]))|signature|credential|cookie|session|jwt|bearer|assertion|csrf|xsrf/;

/** Words that make a name secret only as a whole word (`x-goog-api-key`, `sig`, but not `keyword`). */
const SECRET_WORDS: ReadonlySet<string> = new Set(['key', 'sig', 'pass']);

/**
 * Parts of names that contain a stem but count or describe tokens rather than being one:
 * `max_tokens`, `x-ratelimit-remaining-tokens`, `x-amzn-bedrock-input-token-count`, `tokenizer`,
 * and Tokentap's own `x-tokentap-*` headers.
 */
const NOT_A_SECRET_PART = /tokentap|tokens|tokeniz\w*|token_?counts?|token_?type/g;

/** Rate-limit headers of every provider (`x-ratelimit-*`, `anthropic-ratelimit-*`, `ratelimit-*`): counts. */
const RATE_LIMIT = /rate_?limit/;

/** Names that look secret and are not: challenges, client-chosen ids, pagination cursors, spend. */
const LOOK_ALIKES: readonly RegExp[] = [
  /^(www|proxy)_authenticate$/,
  /^(x_)?idempotency_key$/,
  /^sec_websocket_key$/,
  /^cf_aig_cache_key$/,
  /^helicone_session_(id|name|path)$/,
  /^azureml_model_session$/,
  /^x_litellm_key_(spend|max_budget|remaining_\w+)$/,
  /^(next_|page_|continuation_|sync_|cursor_|start_)?page_?token$/,
  /^(next|continuation|sync|cursor)_?token$/,
];

/**
 * Whether a header or query parameter name (any case; `-`, `_`, `.` and camelCase all separate
 * words) names a secret.
 */
export function isSecretName(name: string): boolean {
  const normal = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[-.\s]+/g, '_');
  if (RATE_LIMIT.test(normal)) return false;
  for (const lookAlike of LOOK_ALIKES) if (lookAlike.test(normal)) return false;
  if (SECRET_STEM.test(normal.replace(NOT_A_SECRET_PART, '_'))) return true;
  for (const word of normal.split('_')) if (SECRET_WORDS.has(word)) return true;
  return false;
}
