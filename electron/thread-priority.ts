import { readlinkSync } from 'node:fs';
import { constants, setPriority } from 'node:os';

/**
 * Lowers the calling worker thread's priority, so on a busy machine the forwarding thread wins
 * the CPU whenever it has bytes to move. Linux keeps a nice value per thread, and
 * /proc/thread-self names this thread's id; elsewhere the thread keeps normal priority.
 */
export function yieldToForwarding(): void {
  if (process.platform !== 'linux') return;
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    setPriority(threadId, constants.priority.PRIORITY_BELOW_NORMAL);
  } catch {
    // Not allowed or not there: the thread just competes on equal terms.
  }
}
