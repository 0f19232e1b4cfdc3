import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { pickApi } from './api/pick-api.ts';
import { App } from './components/app.tsx';
import { InspectorProvider } from './store/inspector-context.tsx';
import './styles.css';
import { applyTheme, savedTheme } from './theme/theme.ts';

// Before the first paint, so a pinned theme never flashes the system's.
applyTheme(savedTheme(), false);

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <InspectorProvider api={pickApi()}>
      <App />
    </InspectorProvider>
  </StrictMode>,
);
