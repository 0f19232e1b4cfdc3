import type { AppCommand } from '../../../shared/contract/inspector-contract.ts';
import { messageOf, type StoreKit } from '../store-kit.ts';

/** The session list: listing, starting, deleting, and the desktop menu's commands about sessions. */
export function sessionActions({ api, get, set, actions, later }: StoreKit) {
  async function refreshSessions(): Promise<void> {
    try {
      set({ sessions: await api.sessions.list() });
    } catch (error) {
      actions.notify('error', `Could not list sessions: ${messageOf(error)}`);
    }
  }

  /** Refreshes the session list (its counts and sizes) soon, once for a burst of ended exchanges. */
  function refreshSessionsSoon(): void {
    later(500, () => void refreshSessions(), 'sessions');
  }

  async function createSession(): Promise<void> {
    try {
      await api.sessions.create();
      await Promise.all([actions.refreshStatus(), refreshSessions()]);
      await actions.loadSession(null);
    } catch (error) {
      actions.notify('error', `Could not start a new session: ${messageOf(error)}`);
    }
  }

  async function deleteSession(id: string): Promise<void> {
    try {
      await api.sessions.delete(id);
      if (get().viewSession === id) await actions.loadSession(null);
      await refreshSessions();
    } catch (error) {
      actions.notify('error', `Could not delete the session: ${messageOf(error)}`);
    }
  }

  /** Opens or closes the session switcher's list. */
  function setSessionsOpen(sessionsOpen: boolean): void {
    set({ sessionsOpen });
  }

  /** Does what the desktop menu asked: show the sessions list, or open a session (after an import). */
  async function handleCommand(command: AppCommand): Promise<void> {
    switch (command.type) {
      case 'sessions.open':
        set({ sessionsOpen: true });
        await refreshSessions();
        return;
      case 'sessions.show': {
        await refreshSessions();
        const session = get().sessions.find((s) => s.id === command.session);
        await actions.loadSession(session?.current ? null : command.session);
        return;
      }
    }
  }

  return {
    refreshSessions,
    refreshSessionsSoon,
    createSession,
    deleteSession,
    setSessionsOpen,
    handleCommand,
  };
}
