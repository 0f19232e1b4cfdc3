import { useEffect, useId, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import type { WebSocketCapture } from '../../../shared/exchange/websocket-record.ts';
import type { MergedResult } from '../../../shared/interpreters/merged-result.ts';
import { formatMs } from '../../format.ts';
import { useShortcut } from '../../keyboard/use-shortcut.ts';
import { usePlaybackClock } from '../../playback/playback-clock.ts';
import { buildTimeline, frameAt } from '../../playback/playback-timeline.ts';
import { useActions, useInspector, useInspectorStore } from '../../store/inspector-context.tsx';
import type { PlaybackSpeed } from '../../store/inspector-state.ts';
import { GapChart } from './gap-chart.tsx';
import { MergedView } from './merged-view.tsx';
import { WebSocketMessages } from './websocket-messages.tsx';

const SPEEDS: readonly PlaybackSpeed[] = [0.25, 0.5, 1, 2, 5, 10, 'instant'];
const EMPTY: MergedResult = { text: '', refusal: null, reasoning: null, toolCalls: [], finishReason: null };

/** A WebSocket as it stood at the playback's position: the messages so far, the close once it came. */
function playedSoFar(websocket: WebSocketCapture, index: number, positionMs: number): WebSocketCapture {
  const { close } = websocket;
  return {
    messages: websocket.messages.slice(0, index + 1),
    close: close !== null && close.t <= positionMs ? close : null,
  };
}

/** The stream rebuilt event by event at its recorded pace, with transport controls and the gap chart. */
export function PlaybackTab({ record }: { record: ExchangeRecord }) {
  const timeline = useMemo(() => buildTimeline(record), [record]);
  const playback = useInspector(useShallow((s) => s.playback));
  const store = useInspectorStore();
  const { setPlayback } = useActions();
  const clock = usePlaybackClock();
  const [seekEpoch, setSeekEpoch] = useState(0);
  const speedId = useId();
  const mine = playback.exchangeId === record.id;
  const positionMs = mine ? Math.min(playback.positionMs, timeline.durationMs) : 0;
  const playing = mine && playback.playing;
  const { speed } = playback;
  const { durationMs, frames } = timeline;

  // biome-ignore lint/correctness/useExhaustiveDependencies: a seek restarts the clock from the new position
  useEffect(() => {
    if (!playing) return;
    if (speed === 'instant') {
      setPlayback({ positionMs: durationMs, playing: false });
      return;
    }
    const startWall = clock.now();
    const startPos = Math.min(store.getState().playback.positionMs, durationMs);
    let cancel = () => {};
    const tick = () => {
      const pos = startPos + (clock.now() - startWall) * speed;
      if (pos >= durationMs) {
        setPlayback({ positionMs: durationMs, playing: false });
        return;
      }
      setPlayback({ positionMs: pos });
      cancel = clock.nextFrame(tick);
    };
    cancel = clock.nextFrame(tick);
    return () => cancel();
  }, [playing, speed, durationMs, seekEpoch, clock]);

  const atEnd = positionMs >= durationMs;
  const play = () => {
    if (playing) setPlayback({ playing: false });
    else setPlayback({ exchangeId: record.id, playing: true, positionMs: atEnd ? 0 : positionMs });
  };
  useShortcut(
    'playPause',
    () => {
      play();
      return undefined;
    },
    timeline.streamed,
  );

  if (!timeline.streamed) {
    return (
      <div className="playback-tab">
        <p className="muted">
          This response was not streamed
          {record.merged ? '; here is the whole result, as it arrived at once.' : '.'}
        </p>
        {record.merged && <MergedView merged={record.merged} />}
      </div>
    );
  }

  const index = frameAt(frames, positionMs);
  const merged = index >= 0 ? (frames[index]?.merged ?? EMPTY) : EMPTY;
  const seek = (ms: number) => {
    setPlayback({ exchangeId: record.id, positionMs: Math.max(0, Math.min(durationMs, ms)) });
    setSeekEpoch((e) => e + 1);
  };
  return (
    <div className="playback-tab">
      <div className="playback-controls" role="toolbar" aria-label="Replay controls">
        <button type="button" className="tool-button" onClick={play} aria-label={playing ? 'Pause' : 'Play'}>
          {playing ? '❚❚ Pause' : '▶ Play'}
        </button>
        <button
          type="button"
          className="tool-button"
          aria-label="Restart"
          onClick={() => {
            setPlayback({ exchangeId: record.id, positionMs: 0, playing: true });
            setSeekEpoch((e) => e + 1);
          }}
        >
          ⟲ Restart
        </button>
        <label htmlFor={speedId}>Speed</label>
        <select
          id={speedId}
          value={String(speed)}
          onChange={(event) => {
            const v = event.target.value;
            // Instant means "show me the end": no need to press Play as well.
            if (v === 'instant')
              setPlayback({
                speed: 'instant',
                exchangeId: record.id,
                positionMs: durationMs,
                playing: false,
              });
            else setPlayback({ speed: Number(v) });
          }}
        >
          {SPEEDS.map((s) => (
            <option key={String(s)} value={String(s)}>
              {s === 'instant' ? 'instant' : `${s}×`}
            </option>
          ))}
        </select>
        <input
          className="scrubber"
          type="range"
          min={0}
          max={Math.max(durationMs, 0)}
          step="any"
          value={positionMs}
          aria-label="Replay position"
          aria-valuetext={`${formatMs(positionMs)} of ${formatMs(durationMs)}`}
          onChange={(event) => seek(Number(event.target.value))}
        />
        <span className="playback-clock" aria-live="off">
          {formatMs(positionMs) || '0 ms'} / {formatMs(durationMs) || '0 ms'}
        </span>
        <span className="muted">
          {timeline.unit === 'websocket' ? 'message' : 'event'} {Math.max(0, index + 1)} of {frames.length}
          {timeline.pacing === 'even' ? ' · evenly paced (no chunk timings)' : ''}
        </span>
      </div>
      <GapChart
        chunkTimes={timeline.chunkTimes}
        durationMs={durationMs}
        positionMs={positionMs}
        onSeek={seek}
      />
      {(timeline.unit !== 'websocket' || timeline.final !== null) && (
        <section className="playback-output" aria-label="Replayed response">
          <MergedView merged={merged} cursor={!atEnd} />
        </section>
      )}
      {timeline.unit === 'websocket' && record.websocket && (
        <section aria-label="Replayed messages">
          <WebSocketMessages websocket={playedSoFar(record.websocket, index, positionMs)} />
        </section>
      )}
    </div>
  );
}
