import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { countOf, formatBytes, formatDateTime } from '../../format.ts';
import { useActions, useInspector } from '../../store/inspector-context.tsx';
import { Popover } from '../popover.tsx';

/** The current or viewed session, and a list to open, start or delete sessions. */
export function SessionSwitcher() {
  const { createSession, deleteSession, loadSession, setSessionsOpen } = useActions();
  const { sessions, viewSession, status, open } = useInspector(
    useShallow((s) => ({
      sessions: s.sessions,
      viewSession: s.viewSession,
      status: s.status,
      open: s.sessionsOpen,
    })),
  );
  const [confirming, setConfirming] = useState<string | null>(null);
  const viewed = viewSession === null ? status?.session : sessions.find((s) => s.id === viewSession);
  const name = viewed?.name ?? '…';
  return (
    <Popover
      label={
        <>
          <span className="muted">Session</span> <span className="session-button-name">{name}</span>
          {viewSession !== null && <span className="badge">read-only</span>} ▾
        </>
      }
      ariaLabel={`Session ${name}${viewSession !== null ? ' read-only' : ''}: switch sessions`}
      open={open}
      onOpenChange={setSessionsOpen}
    >
      {(close) => (
        <div className="sessions">
          <div className="sessions-head">
            <button
              type="button"
              className="tool-button primary"
              onClick={() => {
                close();
                void createSession();
              }}
            >
              New session
            </button>
            <span className="muted">Live capture goes to the current session.</span>
          </div>
          <ul className="session-list" aria-label="Sessions">
            {sessions.map((session) => {
              const shown = viewSession === null ? session.current : session.id === viewSession;
              return (
                <li key={session.id} className={shown ? 'shown' : ''}>
                  <button
                    type="button"
                    className="session-open"
                    aria-current={shown ? 'true' : undefined}
                    onClick={() => {
                      close();
                      void loadSession(session.current ? null : session.id);
                    }}
                  >
                    <span className="session-name">{session.name}</span>
                    {session.current && <span className="badge live">current</span>}
                    {session.liveElsewhere && (
                      <span
                        className="badge live"
                        title={`Another Tokentap (pid ${session.liveElsewhere.pid}) is capturing into it: read-only here`}
                      >
                        live elsewhere
                      </span>
                    )}
                    <span className="muted">
                      {formatDateTime(session.createdAt)} · {countOf(session.exchanges, 'exchange')} ·{' '}
                      {formatBytes(session.bytes)}
                    </span>
                  </button>
                  {!session.current &&
                    !session.liveElsewhere &&
                    (confirming === session.id ? (
                      <span className="confirm">
                        Delete?
                        <button
                          type="button"
                          className="tool-button danger"
                          onClick={() => {
                            setConfirming(null);
                            void deleteSession(session.id);
                          }}
                        >
                          Delete
                        </button>
                        <button type="button" className="tool-button" onClick={() => setConfirming(null)}>
                          Keep
                        </button>
                      </span>
                    ) : (
                      <button
                        type="button"
                        className="icon-button"
                        aria-label={`Delete session ${session.name}`}
                        onClick={() => setConfirming(session.id)}
                      >
                        🗑
                      </button>
                    ))}
                </li>
              );
            })}
            {sessions.length === 0 && <li className="muted">No sessions.</li>}
          </ul>
        </div>
      )}
    </Popover>
  );
}
