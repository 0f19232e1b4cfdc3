import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';

/** How to read a light recording's full record back (from its session file). */
const loaders = new WeakMap<ExchangeRecord, () => Promise<ExchangeRecord>>();

/**
 * A recording as replay holds it while waiting for a request: what matching needs (method, path,
 * request body, status, ids) without the response body, chunks and analysis, which are read back
 * from disk when it answers. A replayed session then costs its request bodies, not its size.
 */
export function lightRecording(record: ExchangeRecord, load: () => Promise<ExchangeRecord>): ExchangeRecord {
  const light: ExchangeRecord = {
    ...record,
    response: record.response && { ...record.response, body: '' },
    chunks: [],
    gaps: null,
    merged: null,
  };
  loaders.set(light, load);
  return light;
}

/** The full record of a recording: itself when it is held whole, else read back. */
export function fullRecording(record: ExchangeRecord): Promise<ExchangeRecord> | ExchangeRecord {
  const load = loaders.get(record);
  return load ? load() : record;
}
