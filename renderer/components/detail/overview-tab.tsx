import { type ReactNode, useState } from 'react';
import { REPLAY_MISS } from '../../../shared/contract/tokentap-headers.ts';
import { isLive } from '../../../shared/exchange/exchange-lifecycle.ts';
import type { ExchangeRecord, ExchangeSummary } from '../../../shared/exchange/exchange-record.ts';
import {
  apiLabel,
  countOf,
  failureWords,
  formatBytes,
  formatClock,
  formatCost,
  formatInt,
  formatMs,
  statusLabel,
} from '../../format.ts';
import { useActions, useInspector } from '../../store/inspector-context.tsx';
import { useSummary } from '../../store/use-rows.ts';
import { answerText, lastUserText } from './exchange-gist.ts';
import { endWords, integrityWords } from './integrity-words.ts';
import { TextExcerpt } from './text-excerpt.tsx';

/**
 * A link to another exchange (the original of a resend, the recording that answered a replay):
 * `#seq` when it is in the list shown, else its id; selecting it looks in `session` too.
 */
function ExchangeLink({ id, session, label }: { id: string; session: string | null; label: string }) {
  const { selectLinked } = useActions();
  const seq = useSummary(id)?.seq ?? null;
  const [missing, setMissing] = useState(false);
  const text = seq === null ? id : `#${seq}`;
  return (
    <>
      <button
        type="button"
        className="link-button"
        aria-label={`${label} ${text}: select it`}
        title={`Select exchange ${id}`}
        onClick={() => {
          void selectLinked(id, session).then((found) => setMissing(!found));
        }}
      >
        {text}
      </button>
      {missing && <span className="muted"> (not in this session)</span>}
    </>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>{children}</td>
    </tr>
  );
}

const unknown = <span className="unknown">unknown</span>;
const none = <span className="muted">—</span>;

/** What was asked (the last user message) and what came back (the merged answer), by their first lines. */
function ExchangeGist({ record, live }: { record: ExchangeRecord | null; live: boolean }) {
  const waiting = <p className="muted">{live ? '…' : 'Loading details…'}</p>;
  const asked = record === null ? null : lastUserText(record.request.body);
  const answer = record === null ? null : answerText(record.merged);
  return (
    <div className="overview-columns overview-gist">
      <section aria-labelledby="ov-asked">
        <h3 id="ov-asked">Last user message</h3>
        {record === null ? (
          waiting
        ) : asked === null ? (
          <p className="muted">none in the request</p>
        ) : (
          <TextExcerpt text={asked} />
        )}
      </section>
      <section aria-labelledby="ov-answer">
        <h3 id="ov-answer">Answer</h3>
        {record === null ? (
          waiting
        ) : answer === null ? (
          <p className="muted">{record.merged === null ? 'no model answer in the response' : '(no text)'}</p>
        ) : (
          <TextExcerpt text={answer} />
        )}
      </section>
    </div>
  );
}

/** Timings, usage, cost, who and what, and how the response ended, in plain words. */
export function OverviewTab({
  summary,
  record,
}: {
  summary: ExchangeSummary;
  record: ExchangeRecord | null;
}) {
  const { timings, usage } = summary;
  const live = isLive(summary);
  const ended = record === null ? null : endWords(record);
  const failed = failureWords(summary);
  // While the replay runs, the recordings that answered are in its source session.
  const replaySource = useInspector((s) => s.status?.replay?.source ?? null);
  const ms = (v: number | null) => (v === null ? (live ? '…' : none) : formatMs(v));
  // A count not known yet reads '…' while the exchange runs, then "unknown" (never 0).
  const pending = live ? '…' : unknown;
  const tokens = (pick: (u: NonNullable<typeof usage>) => number | null) => {
    if (!usage) return pending;
    const value = pick(usage);
    return value === null ? unknown : formatInt(value);
  };
  return (
    <div className="overview">
      <section aria-labelledby="ov-integrity">
        <h3 id="ov-integrity">Integrity</h3>
        {record === null ? (
          <p className="muted">{live ? 'Still running…' : 'Loading details…'}</p>
        ) : record.integrity.length === 0 && ended === null ? (
          <p className="integrity-ok">No problems: the response ended normally.</p>
        ) : (
          <ul className="integrity-list">
            {record.integrity.map((flag) => (
              <li key={flag} className={`integrity-flag flag-${flag}`}>
                {integrityWords(flag, record)}
              </li>
            ))}
            {ended !== null && <li className="integrity-flag">{ended}</li>}
          </ul>
        )}
      </section>
      <ExchangeGist record={record} live={live} />
      <div className="overview-columns">
        <section aria-labelledby="ov-timings">
          <h3 id="ov-timings">Timings</h3>
          <table className="kv-table">
            <tbody>
              <Row label="Started">{formatClock(summary.startedAt)}</Row>
              <Row label="Response headers">{ms(timings.headersMs)}</Row>
              <Row label="First token">{ms(timings.firstTokenMs)}</Row>
              <Row label="Total">{ms(timings.totalMs)}</Row>
              <Row label="Output tokens/s">
                {timings.outputTokensPerSecond === null ? none : timings.outputTokensPerSecond.toFixed(1)}
              </Row>
              {record?.gaps && (
                <Row label="Chunk gaps">
                  median {formatMs(record.gaps.medianMs)}, p95 {formatMs(record.gaps.p95Ms)}, max{' '}
                  {formatMs(record.gaps.maxMs)} ({countOf(record.gaps.count, 'gap')})
                </Row>
              )}
            </tbody>
          </table>
        </section>
        <section aria-labelledby="ov-usage">
          <h3 id="ov-usage">Usage and cost</h3>
          <table className="kv-table">
            <tbody>
              <Row label="Input tokens">{tokens((u) => u.inputTokens)}</Row>
              <Row label="Cached input">{tokens((u) => u.cachedTokens)}</Row>
              <Row label="Output tokens">{tokens((u) => u.outputTokens)}</Row>
              <Row label="Reasoning">{tokens((u) => u.reasoningTokens)}</Row>
              <Row label="Total tokens">{tokens((u) => u.totalTokens)}</Row>
              <Row label="Cost">{summary.costUsd === null ? pending : formatCost(summary.costUsd)}</Row>
            </tbody>
          </table>
        </section>
        <section aria-labelledby="ov-who">
          <h3 id="ov-who">Request</h3>
          <table className="kv-table">
            <tbody>
              <Row label="Model">{summary.model ?? none}</Row>
              <Row label="API">
                {apiLabel(summary.api)} <span className="muted">({summary.api})</span>
              </Row>
              <Row label="Tenant">{summary.tenant ?? none}</Row>
              {record?.organization && <Row label="Organization">{record.organization}</Row>}
              {record?.project && <Row label="Project">{record.project}</Row>}
              <Row label="Status">{statusLabel(summary)}</Row>
              {summary.resentFrom !== undefined && (
                <Row label="Resent from">
                  <ExchangeLink id={summary.resentFrom} session={null} label="Resent from" />
                </Row>
              )}
              {summary.replayOf !== undefined && (
                <Row label="Replay of">
                  {summary.replayOf === REPLAY_MISS ? (
                    <span className="warn">no recording matched this request</span>
                  ) : (
                    <ExchangeLink id={summary.replayOf} session={replaySource} label="Replay of" />
                  )}
                </Row>
              )}
              <Row label="Streamed">{summary.stream ? 'yes' : 'no'}</Row>
              {record && (
                <Row label="Bodies">
                  request {formatBytes(record.request.bodyBytes)}
                  {record.request.bodyTruncated ? ' (truncated)' : ''}, response{' '}
                  {record.response ? formatBytes(record.response.bodyBytes) : '—'}
                  {record.response?.bodyTruncated ? ' (truncated)' : ''}
                </Row>
              )}
              {failed !== null && <Row label="Error">{failed}</Row>}
            </tbody>
          </table>
        </section>
      </div>
    </div>
  );
}
