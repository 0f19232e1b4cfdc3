import { describe, expect, it } from 'vitest';
import { validateExchangeRecord } from '../../../shared/exchange/validate-exchange-record.ts';
import { parseJsonl, recordsToJsonl } from '../../../shared/export-formats/jsonl-format.ts';
import { sampleRecords, websocketRecord } from '../../support/sample-records.ts';

describe('JSONL export and import', () => {
  const records = sampleRecords();

  it('writes one JSON record per line, each line ending in a newline', () => {
    const text = recordsToJsonl(records);
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    expect(lines).toHaveLength(records.length);
    expect(JSON.parse(lines[2] as string)).toEqual(records[2]);
  });

  it('round-trips: JSONL → import → JSONL is identical, and the records are deep-equal', () => {
    const text = recordsToJsonl(records);
    const imported = parseJsonl(text);
    expect(imported).toStrictEqual(records);
    expect(recordsToJsonl(imported)).toBe(text);
  });

  it('keeps what makes the records realistic: chunks, null status, truncation, header arrays', () => {
    const [stream, json, unreachable, aborted, truncated] = parseJsonl(recordsToJsonl(records));
    expect(stream?.chunks.length).toBeGreaterThan(5);
    expect(stream?.response?.headers['set-cookie']).toEqual(['[redacted]', '[redacted]']);
    expect(json?.response?.headers['set-cookie']).toEqual(['[redacted]']);
    expect(unreachable?.status).toBeNull();
    expect(unreachable?.response).toBeNull();
    expect(aborted?.state).toBe('aborted');
    expect(aborted?.usage).toBeNull();
    expect(truncated?.request.bodyTruncated).toBe(true);
    expect(truncated?.response?.bodyTruncated).toBe(true);
  });

  it('every sample record passes the validator', () => {
    for (const record of records) expect(validateExchangeRecord(record)).toBeNull();
  });

  it('tolerates blank lines, CRLF line ends and a byte order mark', () => {
    const text = `\uFEFF${recordsToJsonl(records.slice(0, 2)).replaceAll('\n', '\r\n')}\r\n\r\n`;
    expect(parseJsonl(text)).toStrictEqual(records.slice(0, 2));
    expect(parseJsonl('')).toEqual([]);
  });

  describe('bad input is refused whole, naming the line and the reason', () => {
    const lines = recordsToJsonl(records).slice(0, -1).split('\n');
    const withLine = (index: number, line: string) => {
      const copy = [...lines];
      copy[index] = line;
      return `${copy.join('\n')}\n`;
    };
    const edited = (index: number, edit: (record: Record<string, unknown>) => void) => {
      const record = JSON.parse(lines[index] as string) as Record<string, unknown>;
      edit(record);
      return withLine(index, JSON.stringify(record));
    };

    it('a line that is not JSON', () => {
      expect(() => parseJsonl(withLine(2, '{"id": "x", oops'))).toThrow(/^line 3: not JSON: /);
    });

    it('a missing field', () => {
      expect(() =>
        parseJsonl(
          edited(6 - 1, (r) => {
            delete r.id;
          }),
        ),
      ).toThrow('line 6: missing field `id`');
    });

    it('a nested field of the wrong type', () => {
      const text = edited(0, (r) => {
        (r.usage as Record<string, unknown>).inputTokens = '14';
      });
      expect(() => parseJsonl(text)).toThrow(
        'line 1: field `usage.inputTokens` must be a number, got the string "14"',
      );
    });

    it('a value outside a closed vocabulary', () => {
      expect(() => parseJsonl(edited(1, (r) => (r.state = 'finished')))).toThrow(
        /^line 2: field `state` must be one of `pending`, `streaming`/,
      );
      expect(() => parseJsonl(edited(3, (r) => (r.integrity = ['client-closed', 'bogus'])))).toThrow(
        /^line 4: field `integrity\[1\]` must be one of/,
      );
    });

    it('a header value that is neither a string nor a list of strings', () => {
      const text = edited(0, (r) => {
        ((r.request as Record<string, unknown>).headers as Record<string, unknown>)['content-length'] = 144;
      });
      expect(() => parseJsonl(text)).toThrow(
        'line 1: field `request.headers.content-length` must be a string or an array of strings, got the number 144',
      );
    });

    it('a line that is JSON but not a record, and a duplicate id', () => {
      expect(() => parseJsonl(withLine(4, '[1,2]'))).toThrow(
        'line 5: not an exchange record: expected an object, got an array',
      );
      expect(() => parseJsonl(withLine(4, lines[1] as string))).toThrow(
        `line 5: duplicate id \`${records[1]?.id}\` (also on line 2)`,
      );
    });

    it('a bad date', () => {
      expect(() => parseJsonl(edited(0, (r) => (r.startedAt = 'yesterday')))).toThrow(
        /^line 1: field `startedAt` must be an ISO 8601 date/,
      );
    });
  });
});

describe('JSONL of a WebSocket exchange', () => {
  it('round-trips its messages and close, and they are validated', () => {
    const record = websocketRecord();
    expect(record.websocket?.messages).toHaveLength(3);
    const text = recordsToJsonl([record]);
    expect(parseJsonl(text)).toStrictEqual([record]);
    const broken = JSON.parse(text);
    broken.websocket.messages[0].from = 'proxy';
    expect(validateExchangeRecord(broken)).toContain('websocket.messages[0].from');
  });
});
