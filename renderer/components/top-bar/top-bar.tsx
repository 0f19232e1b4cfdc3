import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useActions, useInspector } from '../../store/inspector-context.tsx';
import { ThemeToggle } from '../../theme/theme-toggle.tsx';
import { BaseUrl } from './base-url.tsx';
import { CaptureHealthNote } from './capture-health-note.tsx';
import { ImportExport } from './import-export.tsx';
import { ReplayControl } from './replay-control.tsx';
import { SessionSwitcher } from './session-switcher.tsx';
import { SettingsDialog } from './settings-dialog.tsx';
import { TelemetryNote } from './telemetry-note.tsx';

/** Proxy status and capture, the base_url, sessions, import/export, settings and the usage toggle. */
export function TopBar() {
  const { setCapturePaused, setPane } = useActions();
  const { status, statusError, pane } = useInspector(
    useShallow((s) => ({ status: s.status, statusError: s.statusError, pane: s.pane })),
  );
  const [settingsOpen, setSettingsOpen] = useState(false);
  return (
    <header className="top-bar">
      <span className="brand">
        <span className="brand-mark" aria-hidden="true">
          ◆
        </span>
        Tokentap
      </span>
      {status === null ? (
        <span className={statusError ? 'error-text' : 'muted'} role="status">
          {statusError ? `Cannot reach Tokentap: ${statusError}` : 'Connecting…'}
        </span>
      ) : (
        <>
          <span
            className={`proxy-status ${status.listening ? 'ok' : 'down'}`}
            role="status"
            title={
              status.error ??
              `Listening on ${status.proxyUrl ?? status.listenAddr}, forwarding to ${status.upstream}`
            }
          >
            <span className="dot" aria-hidden="true" />
            <span className="proxy-status-text">
              {status.listening ? (
                <>
                  Listening on{' '}
                  <code>{status.proxyUrl?.replace(/^https?:\/\//, '') ?? status.listenAddr}</code> →{' '}
                  <code>{status.upstream.replace(/^https?:\/\//, '')}</code>
                </>
              ) : (
                <>Not listening{status.error ? `: ${status.error}` : ''}</>
              )}
            </span>
          </span>
          <button
            type="button"
            className={`tool-button capture ${status.capturePaused ? 'paused' : 'recording'}`}
            aria-pressed={!status.capturePaused}
            title={
              status.capturePaused
                ? 'Capture paused: traffic still flows but is not recorded'
                : 'Recording: click to pause capture'
            }
            onClick={() => void setCapturePaused(!status.capturePaused)}
          >
            <span className="rec-dot" aria-hidden="true" />
            {status.capturePaused ? 'Capture paused' : 'Capturing'}
          </button>
          <CaptureHealthNote health={status.capture} />
          <TelemetryNote telemetry={status.telemetry} />
          <ReplayControl replay={status.replay ?? null} />
          <BaseUrl status={status} />
        </>
      )}
      <span className="spacer" />
      <SessionSwitcher />
      <ImportExport />
      <button
        type="button"
        className="tool-button"
        aria-pressed={pane === 'usage'}
        onClick={() => setPane(pane === 'usage' ? 'detail' : 'usage')}
      >
        Usage
      </button>
      <ThemeToggle />
      <button
        type="button"
        className="tool-button"
        onClick={() => setSettingsOpen(true)}
        disabled={status === null}
        aria-label="Proxy settings"
        title="Proxy settings"
      >
        ⚙
      </button>
      {settingsOpen && status && <SettingsDialog status={status} onClose={() => setSettingsOpen(false)} />}
    </header>
  );
}
