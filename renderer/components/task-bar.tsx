import { useShallow } from 'zustand/react/shallow';
import { formatBytes } from '../format.ts';
import { useActions, useInspector } from '../store/inspector-context.tsx';

/** Long operations with their progress and a Cancel button, and the notices. */
export function TaskBar() {
  const { dismissNotice } = useActions();
  const { tasks, notices } = useInspector(useShallow((s) => ({ tasks: s.tasks, notices: s.notices })));
  if (tasks.length === 0 && notices.length === 0) return null;
  return (
    <div className="task-bar">
      {tasks.map((task) => {
        const p = task.progress;
        const fraction = p?.total ? Math.min(1, p.loaded / p.total) : null;
        return (
          <div key={task.id} className="task" role="status" aria-live="polite">
            <span>{task.label}…</span>
            {fraction === null ? (
              <progress aria-label={task.label} />
            ) : (
              <progress aria-label={task.label} max={1} value={fraction} />
            )}
            {p && (
              <span className="muted">
                {formatBytes(p.loaded)}
                {p.total ? ` of ${formatBytes(p.total)}` : ''}
              </span>
            )}
            <button type="button" className="tool-button" onClick={task.cancel}>
              Cancel
            </button>
          </div>
        );
      })}
      {notices.map((notice) => (
        <div
          key={notice.id}
          className={`notice notice-${notice.kind}`}
          role={notice.kind === 'error' ? 'alert' : 'status'}
        >
          <span>{notice.text}</span>
          <button
            type="button"
            className="icon-button"
            aria-label="Dismiss"
            onClick={() => dismissNotice(notice.id)}
          >
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
