import type { FoundSecret } from '../exchange/capture-events.ts';
import type { ExchangeRecord } from '../exchange/exchange-record.ts';
import { redactHeaders } from './redact-headers.ts';
import { redactQuery } from './redact-query.ts';
import { SecretScrubber } from './redact-scrubber.ts';

/**
 * A record from outside (an imported JSONL or HAR file, written by another tool or an older
 * Tokentap) held to the same rules as live capture: secret headers and query values redacted,
 * and those values scrubbed from everything else in it (bodies, chunks, merged answer, errors).
 */
export function redactRecord(record: ExchangeRecord): ExchangeRecord {
  const secrets: FoundSecret[] = [];
  const redacted: ExchangeRecord = {
    ...record,
    path: redactQuery(record.path, secrets),
    request: { ...record.request, headers: redactHeaders(record.request.headers, secrets) },
    response: record.response && {
      ...record.response,
      headers: redactHeaders(record.response.headers, secrets),
    },
  };
  const scrubber = SecretScrubber.of(secrets);
  return scrubber.empty ? redacted : scrubber.value(redacted);
}
