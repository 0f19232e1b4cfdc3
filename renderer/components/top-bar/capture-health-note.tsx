import type { CaptureHealth } from '../../../shared/contract/inspector-contract.ts';

/** Says when captured exchanges do not reach the disk (a full disk, an unwritable data folder), and why. */
export function CaptureHealthNote({ health }: { health: CaptureHealth | undefined }) {
  if (!health || health.state === 'ok') return null;
  const text =
    health.state === 'off'
      ? `Capture off: ${health.error ?? 'no session could be opened'}. Traffic still flows; nothing is recorded.`
      : `Capture failing: ${health.error ?? 'writes fail'}. Retrying; ${health.waiting} waiting, ${health.lost} lost. Traffic still flows.`;
  const short = `${health.state === 'off' ? 'Capture off' : 'Capture failing'}: ${health.error ?? 'unknown error'}`;
  return (
    <span className="proxy-status down capture-health" role="alert" title={text}>
      <span className="dot" aria-hidden="true" />
      <span className="proxy-status-text">{short}</span>
    </span>
  );
}
