// The examples gallery: every example by section, each opening as #example/<id>.
import { useEffect, useRef } from 'react';
import { useStore } from '../store';

const SECTION_TITLES: Record<string, string> = {
  socket: 'Socket filters', basics: 'eBPF basics', verifier: 'Verifier lessons', progtypes: 'Program types',
  ubpf: 'Dialects', classic: 'Classic BPF', exercises: 'Exercises',
};

export function Gallery() {
  const open = useStore((s) => s.galleryOpen);
  const examples = useStore((s) => s.examples);
  const setOpen = useStore((s) => s.setGalleryOpen);
  const loadExample = useStore((s) => s.loadExample);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (open) ref.current?.querySelector('button')?.focus();
  }, [open]);
  if (!open) return null;
  const sections = [...new Set(examples.map((e) => e.section))];
  return (
    <div className="overlay" onClick={() => setOpen(false)}>
      <div className="gallery" role="dialog" aria-modal="true" aria-label="Examples" ref={ref} onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => { if (e.key === 'Escape') setOpen(false); }}>
        <header><h2>Examples</h2><button type="button" onClick={() => setOpen(false)} aria-label="Close examples">✕</button></header>
        <div className="gal-body">
          {sections.map((sec) => (
            <section key={sec} aria-label={SECTION_TITLES[sec] ?? sec}>
              <h3>{SECTION_TITLES[sec] ?? sec}</h3>
              <ul>
                {examples.filter((e) => e.section === sec).map((e) => (
                  <li key={e.id}>
                    <button type="button" className="ex" data-example={e.id} data-section={e.section} onClick={() => {
                      history.replaceState(null, '', `${location.pathname}${location.search}#example/${e.id}`);
                      void loadExample(e.id).then(() => history.replaceState(null, '', location.pathname + location.search));
                    }}>
                      <span className="ex-title">{e.title}</span>
                      <span className="ex-meta">{e.type} · {e.dialect}{e.task ? ' · exercise' : ''}</span>
                      <span className="ex-sum">{e.summary}</span>
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </div>
      </div>
    </div>
  );
}
