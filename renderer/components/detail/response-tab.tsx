import { useMemo, useState } from 'react';
import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import type { WireEvent } from '../../../shared/interpreters/llm-response.ts';
import { createWireDecoder } from '../../../shared/wire/create-wire-decoder.ts';
import { countOf, formatMs } from '../../format.ts';
import { BodyHoles, BodyView } from './body-view.tsx';
import { HeadersTable } from './headers-table.tsx';
import { MergedView } from './merged-view.tsx';
import { WebSocketMessages, webSocketHeading } from './websocket-messages.tsx';

interface TimedEvent {
  t: number;
  event: WireEvent;
}

/** Every decoded event of the stream with the arrival time of the chunk that completed it. */
export function wireEvents(record: ExchangeRecord): TimedEvent[] {
  if (record.chunks.length === 0) return [];
  const ct = record.response?.headers['content-type'];
  const decoder = createWireDecoder(record.api, (Array.isArray(ct) ? ct[0] : ct) ?? null);
  const encoder = new TextEncoder();
  const out: TimedEvent[] = [];
  for (const chunk of record.chunks) {
    for (const event of decoder.push(encoder.encode(chunk.data))) out.push({ t: chunk.t, event });
  }
  const lastT = record.chunks[record.chunks.length - 1]?.t ?? 0;
  for (const event of decoder.end()) out.push({ t: lastT, event });
  return out;
}

const PAGE = 500;

function RawWire({ record }: { record: ExchangeRecord }) {
  const events = useMemo(() => wireEvents(record), [record]);
  const [shown, setShown] = useState(PAGE);
  if (events.length === 0) {
    return record.response ? (
      <BodyView captured={record.response} label="Response body" name={`${record.id}-response`} />
    ) : (
      <p className="muted">No body.</p>
    );
  }
  return (
    <>
      {record.response && <BodyHoles captured={record.response} />}
      <table className="wire-table" aria-label="Stream events">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Arrived</th>
            <th scope="col">Event</th>
            <th scope="col">Data</th>
          </tr>
        </thead>
        <tbody>
          {events.slice(0, shown).map((e, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: events are positional
            <tr key={i}>
              <td className="num muted">{i + 1}</td>
              <td className="num">{formatMs(e.t)}</td>
              <td>{e.event.event ?? <span className="muted">message</span>}</td>
              <td className="wire-data">{e.event.data}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {events.length > shown && (
        <button type="button" className="tool-button" onClick={() => setShown((s) => s + PAGE * 4)}>
          Show more ({events.length - shown} more events)
        </button>
      )}
    </>
  );
}

/** The merged answer, then the raw wire: every event with its arrival time (or the JSON body). */
export function ResponseTab({ record }: { record: ExchangeRecord }) {
  return (
    <div className="response-tab">
      {record.merged && (
        <section aria-labelledby="res-merged">
          <h3 id="res-merged">Result</h3>
          <MergedView merged={record.merged} />
        </section>
      )}
      {record.streamError && (
        <p className="integrity-flag">
          Stream error {record.streamError.type}: {record.streamError.message}
        </p>
      )}
      {record.response ? (
        <>
          <section aria-labelledby="res-headers">
            <h3 id="res-headers">Status {record.status ?? '—'}</h3>
            <HeadersTable headers={record.response.headers} label="Response headers" />
          </section>
          {record.websocket && (
            <section aria-labelledby="res-websocket">
              <h3 id="res-websocket">{webSocketHeading(record.websocket)}</h3>
              <WebSocketMessages websocket={record.websocket} />
            </section>
          )}
          <section aria-labelledby="res-wire">
            <h3 id="res-wire">
              {record.chunks.length > 0 ? `Raw wire (${countOf(record.chunks.length, 'chunk')})` : 'Body'}
              {record.response.bodyTruncated && <span className="warn"> (truncated at capture)</span>}
            </h3>
            <RawWire record={record} />
          </section>
        </>
      ) : (
        <p className="muted">No response{record.error ? `: ${record.error.message}` : ''}.</p>
      )}
    </div>
  );
}
