import { useMemo } from 'react';
import { formatMs } from '../../format.ts';
import { chunkGaps } from '../../playback/playback-timeline.ts';

const W = 600;
const H = 72;

interface GapChartProps {
  chunkTimes: readonly number[];
  durationMs: number;
  positionMs: number;
  onSeek?: (ms: number) => void;
}

/** Inter-chunk gaps over the stream's timeline; stalls in the warning colour, the playhead as a line. */
export function GapChart({ chunkTimes, durationMs, positionMs, onSeek }: GapChartProps) {
  const { bars, medianMs, stallMs } = useMemo(() => chunkGaps(chunkTimes), [chunkTimes]);
  const maxGap = Math.max(1, ...bars.map((b) => b.gapMs));
  // A square-root scale keeps the usual small gaps visible next to a long stall.
  const scale = (ms: number) => Math.sqrt(ms / maxGap) * (H - 4);
  const span = Math.max(durationMs, 1);
  const stalls = bars.filter((b) => b.stall).length;
  const x = (t: number) => (t / span) * W;
  const barWidth = Math.max(1, Math.min(6, (W / Math.max(bars.length, 1)) * 0.6));
  const summary = `Gaps between chunks: median ${formatMs(medianMs)}, longest ${formatMs(maxGap)}, ${stalls} stall${stalls === 1 ? '' : 's'} (gaps of ${formatMs(stallMs)} or more)`;
  return (
    <figure className="gap-chart">
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: a mouse shortcut; the scrubber is the keyboard way to seek */}
      <svg
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={summary}
        onClick={(event) => {
          if (!onSeek) return;
          const rect = event.currentTarget.getBoundingClientRect();
          if (rect.width > 0) onSeek(((event.clientX - rect.left) / rect.width) * span);
        }}
      >
        <line x1={0} x2={W} y1={H - 0.5} y2={H - 0.5} className="axis" />
        {stallMs < maxGap && (
          <line x1={0} x2={W} y1={H - scale(stallMs)} y2={H - scale(stallMs)} className="stall-line" />
        )}
        {bars.map((b, i) => {
          const h = Math.max(1, scale(b.gapMs));
          return (
            <rect
              // biome-ignore lint/suspicious/noArrayIndexKey: bars are positional
              key={i}
              x={x(b.t) - barWidth / 2}
              y={H - h}
              width={barWidth}
              height={h}
              className={b.stall ? 'bar stall' : 'bar'}
            >
              <title>{`${formatMs(b.gapMs)} gap before the chunk at ${formatMs(b.t)}${b.stall ? ' (stall)' : ''}`}</title>
            </rect>
          );
        })}
        <line x1={x(positionMs)} x2={x(positionMs)} y1={0} y2={H} className="playhead" />
      </svg>
      <figcaption className="muted">{summary}</figcaption>
    </figure>
  );
}
