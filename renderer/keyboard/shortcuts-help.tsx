import { Modal } from '../components/modal.tsx';
import { SHORTCUTS } from './shortcuts.ts';

/** The `?` dialog: every shortcut and what it does, from the one list the handlers use. */
export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose}>
      <table className="shortcuts-table">
        <tbody>
          {Object.entries(SHORTCUTS).map(([name, shortcut]) => (
            <tr key={name}>
              <th scope="row" className="shortcut-key">
                <kbd>{shortcut.label}</kbd>
              </th>
              <td className="shortcut-does">{shortcut.does}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="form-footer">
        <button type="button" className="tool-button primary" onClick={onClose}>
          Close
        </button>
      </div>
    </Modal>
  );
}
