import { lifecycleOf } from './exchange-lifecycle.ts';
import type { ExchangeRecord, ExchangeSummary } from './exchange-record.ts';

/** The summary fields of a record, as a new object (what lists and the session index keep). */
export function summarise(record: ExchangeRecord): ExchangeSummary {
  return {
    id: record.id,
    seq: record.seq,
    startedAt: record.startedAt,
    method: record.method,
    path: record.path,
    api: record.api,
    model: record.model,
    tenant: record.tenant,
    stream: record.stream,
    status: record.status,
    usage: record.usage,
    costUsd: record.costUsd,
    timings: record.timings,
    ...lifecycleOf(record),
    // Absent rather than null when unset, so records of plain traffic keep their shape.
    ...(record.provider === undefined ? {} : { provider: record.provider }),
    ...(record.resentFrom === undefined ? {} : { resentFrom: record.resentFrom }),
    ...(record.replayOf === undefined ? {} : { replayOf: record.replayOf }),
    ...(record.thread === undefined ? {} : { thread: record.thread }),
  };
}
