// Boot: reads the URL (permalink, #example/<id>, ?embed=1, ?present=1) and the saved draft, starts the
// store, and renders the app. A permalink wins over the draft; a bad permalink shows a message and
// keeps the draft.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { useStore } from './store';
import { decodePermalink } from './permalink/codec';
import { loadDraft } from './permalink/drafts';
import type { Experiment } from './permalink/experiment';
import './styles.css';

function boot(): void {
  const params = new URLSearchParams(location.search);
  const embed = params.get('embed') === '1';
  let theme = params.get('theme');
  if (theme !== 'light' && theme !== 'dark') {
    try {
      theme = localStorage.getItem('bpfplay:theme');
    } catch {
      theme = null;
    }
  }
  if (theme !== 'light' && theme !== 'dark') theme = matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
  useStore.setState({ theme: theme as 'light' | 'dark', presentation: params.get('present') === '1', embed });

  let initial: Partial<Experiment> = {};
  let message: { kind: 'error' | 'info'; text: string } | null = null;
  let exampleId: string | null = null;
  const link = decodePermalink(location.hash);
  const draft = embed ? ({ kind: 'none' } as const) : loadDraft();
  const fromDraft = (): void => {
    if (draft.kind === 'draft') initial = draft.exp;
    else if (draft.kind === 'reset') message = { kind: 'info', text: `Started fresh: ${draft.reason}.` };
  };
  switch (link.kind) {
    case 'experiment':
      initial = link.exp;
      if (link.problems.length) message = { kind: 'error', text: `Parts of this link were damaged and were ignored: ${link.problems.join(', ')}.` };
      break;
    case 'example':
      exampleId = link.id;
      break;
    case 'error':
      fromDraft();
      message = { kind: 'error', text: `${link.message} Your local draft was kept.` };
      break;
    case 'none':
      fromDraft();
      break;
  }
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
  void useStore.getState().init(initial, message, embed).then(async () => {
    if (exampleId) await useStore.getState().loadExample(exampleId);
    if (link.kind !== 'none') history.replaceState(null, '', location.pathname + location.search);
  });
}

boot();
