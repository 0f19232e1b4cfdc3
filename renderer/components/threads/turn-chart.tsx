import type { ThreadTurn } from '../../../shared/threads/thread-types.ts';
import { formatInt } from '../../format.ts';
import { turnTokens } from './turn-tokens.ts';

const W = 640;
const H = 120;
const PAD_LEFT = 48;
const PAD_BOTTOM = 16;

const SERIES = [
  { key: 'cached', label: 'Cached input', className: 'tt-cached' },
  { key: 'uncached', label: 'Uncached input', className: 'tt-uncached' },
  { key: 'output', label: 'Output', className: 'tt-output' },
] as const;

/** Tokens per turn as stacked bars (cached input, uncached input, output); a click picks the turn. */
export function TurnChart({
  turns,
  selected,
  onSelect,
}: {
  turns: readonly ThreadTurn[];
  selected: number | null;
  onSelect: (turn: number) => void;
}) {
  const stacks = turns.map((t) => ({ turn: t.turn, tokens: turnTokens(t) }));
  const max = Math.max(
    1,
    ...stacks.map((s) => (s.tokens ? s.tokens.cached + s.tokens.uncached + s.tokens.output : 0)),
  );
  const plotW = W - PAD_LEFT;
  const plotH = H - PAD_BOTTOM;
  const slot = plotW / Math.max(stacks.length, 1);
  const bw = Math.max(2, Math.min(40, slot - 2));
  const sum = (key: (typeof SERIES)[number]['key']) =>
    stacks.reduce((total, s) => total + (s.tokens ? s.tokens[key] : 0), 0);
  const description = SERIES.map((s) => `${s.label}: ${formatInt(sum(s.key))} tokens`).join('; ');
  return (
    <figure className="turn-chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`Tokens per turn over ${stacks.length} turns. ${description}. The turns table below lists each turn.`}
      >
        <text x={PAD_LEFT - 4} y={10} className="tt-axis-label" textAnchor="end">
          {formatInt(max)}
        </text>
        <text x={PAD_LEFT - 4} y={plotH} className="tt-axis-label" textAnchor="end">
          0
        </text>
        <line x1={PAD_LEFT} x2={W} y1={plotH + 0.5} y2={plotH + 0.5} className="tt-axis" />
        {stacks.map((s, i) => {
          const x = PAD_LEFT + i * slot + (slot - bw) / 2;
          let base = plotH;
          return (
            // biome-ignore lint/a11y/noStaticElementInteractions: a bar is a mouse shortcut to its turn; the keyboard picks turns with the table's buttons
            <g
              key={s.turn}
              className={`tt-bar${s.turn === selected ? ' selected' : ''}`}
              onClick={() => onSelect(s.turn)}
            >
              <rect x={x - 1} y={0} width={bw + 2} height={plotH} className="tt-hit" />
              {s.tokens &&
                SERIES.map((series) => {
                  const v = (s.tokens as NonNullable<typeof s.tokens>)[series.key];
                  if (v === 0) return null;
                  const h = Math.max(1, (v / max) * (plotH - 4));
                  base -= h;
                  return (
                    <rect key={series.key} x={x} y={base} width={bw} height={h} className={series.className}>
                      <title>{`Turn ${s.turn}, ${series.label.toLowerCase()}: ${formatInt(v)} tokens`}</title>
                    </rect>
                  );
                })}
              {stacks.length <= 40 && (
                <text x={x + bw / 2} y={H - 3} className="tt-axis-label" textAnchor="middle">
                  {s.turn}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="tt-legend">
        {SERIES.map((s) => (
          <span key={s.key} className="tt-legend-item">
            <span className={`tt-swatch ${s.className}`} aria-hidden="true" />
            {s.label} ({formatInt(sum(s.key))})
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
