import { type CallOptions, isAbortError } from '../../api/call-options.ts';
import type { Task } from '../inspector-state.ts';
import { messageOf, type StoreKit } from '../store-kit.ts';

/** What a task's work is given: a signal for Cancel and a callback for its progress. */
export type TaskOptions = Required<Pick<CallOptions, 'signal' | 'onProgress'>>;

/** Notices (messages in the notice area) and tasks (long operations with progress and Cancel). */
export function noticeActions({ get, set, later }: StoreKit) {
  const takeId = (): number => {
    const id = get().nextId;
    set({ nextId: id + 1 });
    return id;
  };

  /** Shows a message in the notice area; errors stay until dismissed, info fades. */
  function notify(kind: 'error' | 'info', text: string): void {
    const id = takeId();
    set({ notices: [...get().notices.slice(-4), { id, kind, text }] });
    if (kind === 'info') later(4000, () => dismissNotice(id));
  }

  function dismissNotice(id: number): void {
    set({ notices: get().notices.filter((n) => n.id !== id) });
  }

  /**
   * Runs a long operation with a visible progress entry and a Cancel button. Resolves with the
   * result, or undefined when cancelled; failures become an error notice.
   */
  async function runTask<T>(
    label: string,
    work: (options: TaskOptions) => Promise<T>,
  ): Promise<T | undefined> {
    const controller = new AbortController();
    const id = takeId();
    const task: Task = { id, label, progress: null, cancel: () => controller.abort() };
    set({ tasks: [...get().tasks, task] });
    let lastProgressAt = 0;
    const onProgress: TaskOptions['onProgress'] = (progress) => {
      // Progress can come per network chunk; a few updates per second are enough to read.
      const now = performance.now();
      if (now - lastProgressAt < 100 && progress.loaded !== progress.total) return;
      lastProgressAt = now;
      set({ tasks: get().tasks.map((t) => (t.id === id ? { ...t, progress } : t)) });
    };
    try {
      return await work({ signal: controller.signal, onProgress });
    } catch (error) {
      if (isAbortError(error) || controller.signal.aborted) {
        notify('info', `${label}: cancelled`);
        return undefined;
      }
      notify('error', `${label} failed: ${messageOf(error)}`);
      return undefined;
    } finally {
      set({ tasks: get().tasks.filter((t) => t.id !== id) });
    }
  }

  return { notify, dismissNotice, runTask };
}
