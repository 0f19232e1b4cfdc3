/** The longest delay `setTimeout` takes (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Resolves once `performance.now()` has reached `target`, or returns null when it already has (so
 * a replay at full speed never yields to a timer). Timers fire on a whole-millisecond clock, up to
 * a millisecond early or late, so it sleeps to about a millisecond before the target and then
 * checks on every turn of the event loop: never early, rarely more than a fraction of a ms late.
 */
export function waitUntil(target: number): Promise<void> | null {
  if (performance.now() >= target) return null;
  return new Promise((resolve) => {
    const check = () => {
      const left = target - performance.now();
      if (left <= 0) resolve();
      // Clamped: past 2^31-1 ms Node fires at once (a recording's absurd offset would spin).
      else if (left > 1.5) setTimeout(check, Math.min(left - 1, MAX_TIMER_MS));
      else setImmediate(check);
    };
    check();
  });
}
