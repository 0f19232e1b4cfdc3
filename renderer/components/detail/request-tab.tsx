import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import { BodyView } from './body-view.tsx';
import { HeadersTable } from './headers-table.tsx';

/** Request headers and the body as a JSON tree (the chat in it: the Conversation tab). */
export function RequestTab({ record }: { record: ExchangeRecord }) {
  return (
    <div className="request-tab">
      <section aria-labelledby="req-headers">
        <h3 id="req-headers">
          {record.method} {record.path}
        </h3>
        <HeadersTable headers={record.request.headers} label="Request headers" />
      </section>
      <section aria-labelledby="req-body">
        <h3 id="req-body">
          Body{record.request.bodyTruncated && <span className="warn"> (truncated at capture)</span>}
        </h3>
        <BodyView captured={record.request} label="Request body" name={`${record.id}-request`} />
      </section>
    </div>
  );
}
