/**
 * The session writer puts the summary's JSON (made in the analysis worker) into the index line as
 * it is: the line must be the one serialising the entry whole gives, for any summary text.
 */
import { describe, expect, it } from 'vitest';
import { finishExchange } from '../../../electron/capture/finished-exchange.ts';
import { indexLine } from '../../../electron/sessions/session-index.ts';
import { jsonRecord } from '../../support/sample-records.ts';

describe('index line', () => {
  it('is the entry serialised whole, for a summary with quotes, escapes and text past Latin-1', () => {
    const record = jsonRecord();
    record.path = '/v1/chat/completions?q="quoted"\\back\u2028line';
    record.model = 'gpt-4o \u{1F600} \u00e9\t';
    const { summary, summaryJson } = finishExchange(record);
    expect(summaryJson).toBe(JSON.stringify(summary));
    const line = indexLine(1234, 5678, summaryJson);
    expect(line).toBe(`${JSON.stringify({ o: 1234, n: 5678, s: summary })}\n`);
    expect(JSON.parse(line)).toEqual({ o: 1234, n: 5678, s: summary });
  });
});
