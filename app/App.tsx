// The app shell: header (examples, program type, dialect, debugger controls, share, theme,
// presentation), the editor with its disassembly, and the landmark panels. The editor is lazily
// loaded so the first paint needs only this small bundle.
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { useStore } from './store';
import { Controls, Timeline, useShortcuts, SHORTCUTS } from './components/Controls';
import { Gallery } from './components/Gallery';
import { Exercise } from './components/Exercise';
import { Registers } from './panels/Registers';
import { Stack } from './panels/Stack';
import { Maps } from './panels/Maps';
import { Packets } from './panels/Packets';
import { Verifier } from './panels/Verifier';
import { Output } from './panels/Output';
import { Disasm } from './panels/Disasm';
import { ProgramTabs } from './components/ProgramTabs';
import { AttachForm } from './events/AttachForm';
import type { DialectChoice } from '../worker/api/types';

const Editor = lazy(() => import('./editor/Editor'));

function ProgTypeBar() {
  const progTypes = useStore((s) => s.progTypes);
  const progType = useStore((s) => s.progType);
  const setProgType = useStore((s) => s.setProgType);
  const dialect = useStore((s) => s.dialect);
  const setDialect = useStore((s) => s.setDialect);
  const built = useStore((s) => s.build?.dialect);
  const info = progTypes.find((t) => t.name === progType);
  // Classic-only types (seccomp) are offered when the editor holds classic BPF.
  const classic = dialect === 'cbpf' || (dialect === 'auto' && built === 'cbpf');
  return (
    <div className="ptbar">
      <label>
        <span className="lbl">Program type</span>
        <select aria-label="Program type" value={progType} onChange={(e) => setProgType(e.target.value)}>
          {progTypes.filter((t) => !t.classicOnly || classic || t.name === progType).map((t) => (
            <option key={t.name} value={t.name}>{t.name}{t.classicOnly ? ' (classic)' : ''}</option>
          ))}
        </select>
      </label>
      <label>
        <span className="lbl">Dialect</span>
        <select aria-label="Dialect" value={dialect} onChange={(e) => setDialect(e.target.value as DialectChoice)}>
          <option value="auto">auto{dialect === 'auto' && built ? ` (${built})` : ''}</option>
          <option value="llvm">LLVM</option>
          <option value="ubpf">ubpf</option>
          <option value="cbpf">classic</option>
        </select>
      </label>
      {info ? (
        <details className="ptdesc">
          <summary aria-label="About this program type" title="About this program type">?</summary>
          <p><strong>{info.title}</strong><br />{info.description}
            {!info.packetBased && info.name !== 'seccomp' ? <><br /><span className="dim">Its events are edited with “Edit events…” in the Packets panel; the Context table there shows the selected event's context struct, with editable values.</span></> : null}
            {info.packetBased && info.name !== 'seccomp' ? <><br /><span className="dim">Where it is attached (direction, ifindex{info.name.startsWith('lwt_') ? ', the route' : ''}) is set in the bar above the source.</span></> : null}</p>
          {info.verdicts.length ? <p className="dim">Verdicts: {info.verdicts.map((v) => `${v.value} = ${v.name}`).join(', ')}</p> : null}
        </details>
      ) : null}
    </div>
  );
}

function FilterBox() {
  const compile = useStore((s) => s.compileFilter);
  const [expr, setExpr] = useState('tcp port 80');
  const [error, setError] = useState<string | null>(null);
  return (
    <form className="filterbox" onSubmit={async (e) => {
      e.preventDefault();
      setError(await compile(expr));
    }}>
      <label className="lbl" htmlFor="filter-expr">tcpdump filter</label>
      <input id="filter-expr" aria-label="Filter expression" value={expr} onChange={(e) => setExpr(e.target.value)} spellCheck={false} />
      <button type="submit" title="Compile the expression to classic BPF as tcpdump -d prints it">Compile</button>
      {error ? <span className="err">{error}</span> : null}
    </form>
  );
}

function ShareBox({ link, onClose }: { link: string; onClose: () => void }) {
  return (
    <div className="sharebox" role="dialog" aria-label="Share">
      <p>Link copied{link.length > 2000 ? ` (${Math.round(link.length / 1024)} KB)` : ''}. It holds the whole experiment.</p>
      <input aria-label="Share link" readOnly value={link} onFocus={(e) => e.currentTarget.select()} />
      <button type="button" onClick={onClose}>Close</button>
    </div>
  );
}

function Banner() {
  const message = useStore((s) => s.message);
  const clear = useStore((s) => s.clearMessage);
  if (!message) return null;
  return (
    <div className={`banner ${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'}>
      <span>{message.text}</span>
      <button type="button" onClick={clear} aria-label="Dismiss message">✕</button>
    </div>
  );
}

function Explain() {
  const frame = useStore((s) => s.frame);
  if (!frame) return null;
  return (
    <div className="explain" aria-live="polite">
      <span className="pcbadge">{frame.pc !== null ? `insn ${frame.pc}` : 'end'}</span>
      {frame.done ? (frame.fault ? `Fault: ${frame.fault}` : frame.retval === null ? frame.explain : `The program returned ${frame.retval}: ${frame.verdict}.`) : frame.explain}
    </div>
  );
}

export function App() {
  const theme = useStore((s) => s.theme);
  const setTheme = useStore((s) => s.setTheme);
  const presentation = useStore((s) => s.presentation);
  const setPresentation = useStore((s) => s.setPresentation);
  const embed = useStore((s) => s.embed);
  const setGalleryOpen = useStore((s) => s.setGalleryOpen);
  const example = useStore((s) => s.examples.find((e) => e.id === s.example) ?? null);
  const [share, setShare] = useState<string | null>(null);
  const [showDisasm, setShowDisasm] = useState(true);
  const [showBytes, setShowBytes] = useState(false);
  const [drag, setDrag] = useState(false);
  const isClassic = useStore((s) => s.dialect === 'cbpf' || (s.dialect === 'auto' && s.build?.dialect === 'cbpf'));
  // pcap-filter expressions compile to socket filters, not to seccomp filters.
  const classicOnlyType = useStore((s) => s.progTypes.find((t) => t.name === s.progType)?.classicOnly ?? false);
  const packetBased = useStore((s) => s.progTypes.find((t) => t.name === s.progType)?.packetBased ?? true);

  const onShare = useCallback(() => {
    const link = useStore.getState().shareLink();
    setShare(link);
    void navigator.clipboard?.writeText(link).catch(() => undefined);
  }, []);
  useShortcuts(onShare);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.style.colorScheme = theme;
  }, [theme]);
  useEffect(() => {
    document.documentElement.classList.toggle('presentation', presentation);
    document.documentElement.classList.toggle('embed', embed);
  }, [presentation, embed]);

  useEffect(() => {
    const over = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes('Files')) {
        e.preventDefault();
        setDrag(true);
      }
    };
    const leave = (e: DragEvent) => {
      if (e.relatedTarget === null) setDrag(false);
    };
    const drop = async (e: DragEvent) => {
      const f = e.dataTransfer?.files?.[0];
      if (!f) return;
      e.preventDefault();
      setDrag(false);
      await useStore.getState().importCapture(f.name, new Uint8Array(await f.arrayBuffer()));
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);

  return (
    <div className="app">
      <header className="top">
        <div className="brand">
          <span className="logo" aria-hidden>⬡</span>
          <h1>bpfplay</h1>
          {example ? <span className="extitle" title={example.summary}>{example.title}</span> : null}
        </div>
        {!embed ? <button type="button" onClick={() => setGalleryOpen(true)} title="Browse the examples">Examples</button> : null}
        {!embed ? <ProgTypeBar /> : null}
        <Controls />
        <div className="right">
          <button type="button" onClick={onShare} title={`Share: copy a link to this experiment (${SHORTCUTS.share.label})`}>Share</button>
          {!embed ? (
            <button type="button" aria-pressed={presentation} onClick={() => setPresentation(!presentation)} title="Presentation view: large type, high contrast">Present</button>
          ) : null}
          <button type="button" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`} title="Toggle light/dark theme">
            {theme === 'dark' ? '☀' : '☾'}
          </button>
        </div>
      </header>
      <Banner />
      {share ? <ShareBox link={share} onClose={() => setShare(null)} /> : null}
      <Exercise />
      <main className="grid">
        <section className="p-editor" aria-label="Program">
          <div className="ed-tabs">
            <span className="ed-title">Source</span>
            <ProgramTabs />
            {isClassic && !classicOnlyType ? <FilterBox /> : null}
            <label className="check"><input type="checkbox" checked={showDisasm} onChange={(e) => setShowDisasm(e.target.checked)} /> disassembly</label>
            {showDisasm ? <label className="check"><input type="checkbox" checked={showBytes} onChange={(e) => setShowBytes(e.target.checked)} /> bytes</label> : null}
          </div>
          {!isClassic && packetBased ? <div className="ed-tabs"><AttachForm /></div> : null}
          <div className={`ed-split${showDisasm ? ' with-disasm' : ''}`}>
            <Suspense fallback={<div className="editor-host loading">Loading editor…</div>}>
              <Editor />
            </Suspense>
            {showDisasm ? <Disasm bytes={showBytes} /> : null}
          </div>
          <Timeline />
          {presentation ? <Explain /> : null}
        </section>
        <Registers />
        <Stack />
        <Packets />
        <Maps />
        <Verifier />
        <Output />
      </main>
      <Gallery />
      {drag ? <div className="dropzone" aria-hidden>Drop a pcap or pcapng file to load its packets</div> : null}
    </div>
  );
}
