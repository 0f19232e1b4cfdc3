import { useMemo } from 'react';
import type { ExchangeSummary } from '../../../shared/exchange/exchange-record.ts';
import { countOf, formatClock, formatInt } from '../../format.ts';

const W = 640;
const H = 140;
const PAD_LEFT = 44;
const PAD_BOTTOM = 16;
const BUCKETS = 48;
const MAX_SERIES = 7;

interface Series {
  model: string;
  values: number[];
}

/** Tokens per time bucket per model (top models by tokens, the rest as "other"); unknown usage is left out. */
export function tokensOverTime(summaries: readonly ExchangeSummary[]): {
  series: Series[];
  start: number;
  end: number;
  max: number;
} {
  const points: { t: number; model: string; tokens: number }[] = [];
  for (const s of summaries) {
    if (s.usage === null) continue;
    const t = Date.parse(s.startedAt);
    if (Number.isFinite(t)) points.push({ t, model: s.model ?? '(none)', tokens: s.usage.totalTokens });
  }
  if (points.length === 0) return { series: [], start: 0, end: 0, max: 0 };
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  const totals = new Map<string, number>();
  for (const p of points) {
    start = Math.min(start, p.t);
    end = Math.max(end, p.t);
    totals.set(p.model, (totals.get(p.model) ?? 0) + p.tokens);
  }
  const top = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([m]) => m);
  const shown = new Set(top.slice(0, MAX_SERIES));
  const span = Math.max(end - start, 1);
  const byModel = new Map<string, number[]>();
  for (const p of points) {
    const model = shown.has(p.model) ? p.model : 'other';
    let values = byModel.get(model);
    if (!values) {
      values = new Array<number>(BUCKETS).fill(0);
      byModel.set(model, values);
    }
    const b = Math.min(BUCKETS - 1, Math.floor(((p.t - start) / span) * BUCKETS));
    values[b] = (values[b] ?? 0) + p.tokens;
  }
  const order = [...top.filter((m) => shown.has(m)), ...(byModel.has('other') ? ['other'] : [])];
  const series = order.map((model) => ({ model, values: byModel.get(model) ?? [] }));
  let max = 0;
  for (let b = 0; b < BUCKETS; b++) {
    let stack = 0;
    for (const s of series) stack += s.values[b] ?? 0;
    max = Math.max(max, stack);
  }
  return { series, start, end, max };
}

/** A stacked bar chart of tokens over the session's time, one colour per model. */
export function TokensChart({ summaries }: { summaries: readonly ExchangeSummary[] }) {
  const data = useMemo(() => tokensOverTime(summaries), [summaries]);
  if (data.series.length === 0) return <p className="muted">No token usage reported yet.</p>;
  const plotW = W - PAD_LEFT;
  const plotH = H - PAD_BOTTOM;
  const bw = plotW / BUCKETS;
  const y = (v: number) => (v / data.max) * (plotH - 4);
  const description = data.series
    .map(
      (s) =>
        `${s.model}: ${countOf(
          s.values.reduce((a, b) => a + b, 0),
          'token',
        )}`,
    )
    .join('; ');
  return (
    <figure className="tokens-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Tokens over time per model. ${description}`}>
        <text x={PAD_LEFT - 4} y={10} className="axis-label" textAnchor="end">
          {formatInt(data.max)}
        </text>
        <text x={PAD_LEFT - 4} y={plotH} className="axis-label" textAnchor="end">
          0
        </text>
        <line x1={PAD_LEFT} x2={W} y1={plotH + 0.5} y2={plotH + 0.5} className="axis" />
        {Array.from({ length: BUCKETS }, (_, b) => {
          let base = plotH;
          return data.series.map((s, si) => {
            const v = s.values[b] ?? 0;
            if (v === 0) return null;
            const h = Math.max(1, y(v));
            base -= h;
            return (
              <rect
                // biome-ignore lint/suspicious/noArrayIndexKey: a bucket's index is its time slot
                key={`${b}-${s.model}`}
                x={PAD_LEFT + b * bw + 0.5}
                y={base}
                width={Math.max(1, bw - 1)}
                height={h}
                className={`series series-${si}`}
              >
                <title>{`${s.model}: ${countOf(v, 'token')}`}</title>
              </rect>
            );
          });
        })}
        <text x={PAD_LEFT} y={H - 2} className="axis-label">
          {formatClock(new Date(data.start).toISOString())}
        </text>
        <text x={W} y={H - 2} className="axis-label" textAnchor="end">
          {formatClock(new Date(data.end).toISOString())}
        </text>
      </svg>
      <figcaption className="legend">
        {data.series.map((s, si) => (
          <span key={s.model} className="legend-item">
            <span className={`swatch series-${si}`} aria-hidden="true" />
            {s.model}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
