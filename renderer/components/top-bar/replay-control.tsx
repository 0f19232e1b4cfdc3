import { type FormEvent, useEffect, useId, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ReplayFault, ReplayStatus, SessionInfo } from '../../../shared/contract/inspector-contract.ts';
import { isEnded } from '../../../shared/exchange/exchange-lifecycle.ts';
import { countOf, formatInt } from '../../format.ts';
import { useActions, useInspector } from '../../store/inspector-context.tsx';
import { type Rows, useRows } from '../../store/use-rows.ts';
import { FormFooter } from '../form-footer.tsx';
import { Popover } from '../popover.tsx';

/** The speeds offered: 0 sends everything as fast as possible. */
export const REPLAY_SPEEDS = [0, 0.5, 1, 2, 4] as const;

/** A speed in words: `as fast as possible`, `1×`. */
export function speedLabel(speed: number): string {
  return speed === 0 ? 'as fast as possible' : `${speed}×`;
}

/** A fault as the command line writes it (`cut-after=5`), for the banner. */
export function faultLabel(fault: ReplayFault): string {
  switch (fault.kind) {
    case 'cut-after':
      return `cut after ${countOf(fault.events, 'event')}`;
    case 'delay-first-byte':
      return `first byte after ${fault.ms} ms`;
    case 'rate-limit':
      return `429, retry after ${fault.retryAfterSeconds} s`;
    case 'drop-usage':
      return 'usage dropped';
    case 'error-mid-stream':
      return 'error mid-stream';
  }
}

/** The replayed session's name when it is a known session, else the source as given (a file name). */
export function sourceName(source: string, sessions: readonly SessionInfo[]): string {
  return sessions.find((s) => s.id === source)?.name ?? source;
}

/**
 * How many exchanges the live session holds now (those ended, which a replay of it would use), from
 * the list while it shows the live session; null while it shows a past one or is loading (the
 * session list's count stands in). The session info alone is a snapshot from when it was read.
 */
export function liveSessionCount(
  rows: Rows,
  viewSession: string | null,
  listLoading: boolean,
): number | null {
  if (viewSession !== null || listLoading) return null;
  let ended = 0;
  for (const summary of rows.all()) {
    if (isEnded(summary)) ended++;
  }
  return ended;
}

interface FaultForm {
  dropUsage: boolean;
  cutAfter: boolean;
  cutEvents: string;
  delay: boolean;
  delayMs: string;
  rateLimit: boolean;
  retryAfter: string;
  errorMidStream: boolean;
}

const NO_FAULTS: FaultForm = {
  dropUsage: false,
  cutAfter: false,
  cutEvents: '5',
  delay: false,
  delayMs: '1000',
  rateLimit: false,
  retryAfter: '1',
  errorMidStream: false,
};

/** The chosen faults, or the first problem with a number in words. */
function faultsFrom(form: FaultForm): ReplayFault[] | string {
  const faults: ReplayFault[] = [];
  const whole = (text: string, what: string): number | string => {
    const n = Number(text);
    return text.trim() !== '' && Number.isInteger(n) && n >= 0 ? n : `${what} must be a whole number ≥ 0`;
  };
  if (form.dropUsage) faults.push({ kind: 'drop-usage' });
  if (form.cutAfter) {
    const events = whole(form.cutEvents, 'Cut after: the number of events');
    if (typeof events === 'string') return events;
    faults.push({ kind: 'cut-after', events });
  }
  if (form.delay) {
    const ms = whole(form.delayMs, 'Delay first byte: the milliseconds');
    if (typeof ms === 'string') return ms;
    faults.push({ kind: 'delay-first-byte', ms });
  }
  if (form.rateLimit) {
    const retryAfterSeconds = whole(form.retryAfter, 'Rate limit: retry-after');
    if (typeof retryAfterSeconds === 'string') return retryAfterSeconds;
    faults.push({ kind: 'rate-limit', retryAfterSeconds });
  }
  if (form.errorMidStream) faults.push({ kind: 'error-mid-stream' });
  return faults;
}

function ReplayForm({ close }: { close: () => void }) {
  const { refreshSessions, startReplayMode } = useActions();
  const id = useId();
  const { sessions, current, viewSession, listLoading } = useInspector(
    useShallow((s) => ({
      sessions: s.sessions,
      current: s.sessions.find((info) => info.current) ?? s.status?.session ?? null,
      viewSession: s.viewSession,
      listLoading: s.listLoading,
    })),
  );
  const rows = useRows();
  const liveCount = useMemo(
    () => liveSessionCount(rows, viewSession, listLoading),
    [rows, viewSession, listLoading],
  );
  // '' is the current session (as it is when the replay starts).
  const [session, setSession] = useState('');
  const [speed, setSpeed] = useState(1);
  const [fallthrough, setFallthrough] = useState(false);
  const [faults, setFaults] = useState<FaultForm>(NO_FAULTS);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const patch = (change: Partial<FaultForm>) => setFaults((f) => ({ ...f, ...change }));
  // Sessions come and go (imports, the command line): offer the ones there are now.
  useEffect(() => {
    void refreshSessions();
  }, [refreshSessions]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const chosen = faultsFrom(faults);
    if (typeof chosen === 'string') {
      setError(chosen);
      return;
    }
    setStarting(true);
    const problem = await startReplayMode({
      session: session === '' ? null : session,
      speed,
      fallthrough,
      faults: chosen,
    });
    setStarting(false);
    if (problem === null) close();
    else setError(problem);
  };

  const others = sessions.filter((s) => !s.current);
  return (
    <form className="replay-form" onSubmit={(event) => void submit(event)}>
      <p className="help">
        The proxy answers from a recording instead of the upstream: same method, path and request body (JSON
        key order and whitespace ignored), at the recorded pace.
      </p>
      <label htmlFor={`${id}-session`}>Recording</label>
      <select id={`${id}-session`} value={session} onChange={(e) => setSession(e.target.value)}>
        <option value="">
          Current session
          {current ? ` (${current.name}, ${countOf(liveCount ?? current.exchanges, 'exchange')})` : ''}
        </option>
        {others.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name} ({countOf(s.exchanges, 'exchange')})
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-speed`}>Speed</label>
      <select id={`${id}-speed`} value={speed} onChange={(e) => setSpeed(Number(e.target.value))}>
        {REPLAY_SPEEDS.map((s) => (
          <option key={s} value={s}>
            {s === 0 ? 'As fast as possible' : `${s}× the recorded pace`}
          </option>
        ))}
      </select>
      <label className="check">
        <input type="checkbox" checked={fallthrough} onChange={(e) => setFallthrough(e.target.checked)} />
        Fall through: send requests no recording matches to the upstream (else they get a 404)
      </label>
      <fieldset className="replay-faults">
        <legend>Faults, to test how the client copes</legend>
        <label className="check">
          <input
            type="checkbox"
            checked={faults.dropUsage}
            onChange={(e) => patch({ dropUsage: e.target.checked })}
          />
          Drop the usage
        </label>
        <FaultWithAmount
          id={`${id}-cut`}
          label="Cut the connection after"
          checked={faults.cutAfter}
          onCheck={(checked) => patch({ cutAfter: checked })}
          amountLabel="Events before the cut"
          amount={faults.cutEvents}
          onAmount={(value) => patch({ cutEvents: value })}
          unit="events"
        />
        <FaultWithAmount
          id={`${id}-delay`}
          label="Delay the first byte by"
          checked={faults.delay}
          onCheck={(checked) => patch({ delay: checked })}
          amountLabel="Milliseconds before the first byte"
          amount={faults.delayMs}
          onAmount={(value) => patch({ delayMs: value })}
          unit="ms"
        />
        <FaultWithAmount
          id={`${id}-rate`}
          label="Rate limit: 429 with retry-after"
          checked={faults.rateLimit}
          onCheck={(checked) => patch({ rateLimit: checked })}
          amountLabel="Retry-after seconds"
          amount={faults.retryAfter}
          onAmount={(value) => patch({ retryAfter: value })}
          unit="s"
        />
        <label className="check">
          <input
            type="checkbox"
            checked={faults.errorMidStream}
            onChange={(e) => patch({ errorMidStream: e.target.checked })}
          />
          Send an error event mid-stream
        </label>
      </fieldset>
      <FormFooter error={error} busy={starting} label="Start replay" busyLabel="Starting…" onCancel={close} />
    </form>
  );
}

/** A fault that takes a number: its checkbox, its label, and the number (editable once checked). */
function FaultWithAmount(props: {
  id: string;
  label: string;
  checked: boolean;
  onCheck(checked: boolean): void;
  amountLabel: string;
  amount: string;
  onAmount(value: string): void;
  unit: string;
}) {
  return (
    <div className="check">
      <input
        id={props.id}
        type="checkbox"
        checked={props.checked}
        onChange={(e) => props.onCheck(e.target.checked)}
      />
      <label htmlFor={props.id}>{props.label}</label>
      <input
        type="number"
        min={0}
        step={1}
        className="num-input"
        aria-label={props.amountLabel}
        value={props.amount}
        disabled={!props.checked}
        onChange={(e) => props.onAmount(e.target.value)}
      />
      {props.unit}
    </div>
  );
}

/** Next to the capture toggle: start a replay (a form in a popover), or stop the one running. */
export function ReplayControl({ replay }: { replay: ReplayStatus | null }) {
  const { stopReplayMode } = useActions();
  if (replay) {
    return (
      <button
        type="button"
        className="tool-button replay-on"
        aria-pressed="true"
        title="Replaying: the proxy answers from a recording. Click to forward to the upstream again."
        onClick={() => void stopReplayMode()}
      >
        <span className="replay-dot" aria-hidden="true" />
        Stop replay
      </button>
    );
  }
  return (
    <Popover
      label="Replay ▾"
      ariaLabel="Replay"
      title="Answer clients from a recorded session instead of the upstream"
    >
      {(close) => <ReplayForm close={close} />}
    </Popover>
  );
}

/** While replay mode is on: what is replayed, and how many requests it served or missed. */
export function ReplayBanner() {
  const { stopReplayMode } = useActions();
  const { replay, sessions } = useInspector(
    useShallow((s) => ({ replay: s.status?.replay ?? null, sessions: s.sessions })),
  );
  if (!replay) return null;
  const details = [
    speedLabel(replay.speed),
    ...(replay.fallthrough ? ['misses go to the upstream'] : []),
    ...replay.faults.map(faultLabel),
  ];
  return (
    <div className="replay-banner" role="status" aria-label="Replay mode">
      <span className="replay-dot" aria-hidden="true" />
      <span>
        <strong>Replaying {sourceName(replay.source, sessions)}</strong> ·{' '}
        {countOf(replay.recordings, 'recording')} · served {formatInt(replay.served)} · missed{' '}
        {formatInt(replay.misses)}
      </span>
      <span className="muted">({details.join(', ')})</span>
      <span className="spacer" />
      <button type="button" className="tool-button" onClick={() => void stopReplayMode()}>
        Stop replay
      </button>
    </div>
  );
}
