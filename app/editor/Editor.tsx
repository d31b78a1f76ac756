// The source editor (lazily loaded): Monaco bound to the store's source, with assembler and verifier
// errors as markers, breakpoints in the glyph gutter (click, or F9 at the cursor line), and the
// instruction about to run highlighted while stepping.
import { useEffect, useRef } from 'react';
import { monaco, setupLanguages, setProgramNames, LANG } from './monaco';
import { setRevealer } from './bridge';
import { useStore } from '../store';
import { call } from '../engine/client';
import type { Dialect, DialectChoice } from '../../worker/api/types';

function langFor(built: Dialect | undefined, chosen: DialectChoice): string {
  const d = chosen === 'auto' ? built ?? 'llvm' : chosen;
  return LANG[d];
}

export default function Editor() {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let disposed = false;
    let editor: monaco.editor.IStandaloneCodeEditor | null = null;
    const subs: (() => void)[] = [];
    void call('loading editor docs', (e) => e.languageInfo()).then((info) => {
      if (disposed || !host.current) return;
      setupLanguages(info);
      setProgramNames(() => {
        const st = useStore.getState();
        const labels = (st.build?.insns ?? []).map((i) => /^([A-Za-z_.$][\w.$]*):/.exec(i.text)?.[1]).filter((x): x is string => !!x);
        return [...new Set([...(st.build?.maps ?? []).map((m) => m.name), ...labels])];
      });
      const s = useStore.getState();
      const model = monaco.editor.createModel(s.source, langFor(s.build?.dialect, s.dialect));
      editor = monaco.editor.create(host.current, {
        model, theme: s.theme === 'dark' ? 'bpf-dark' : 'bpf-light', automaticLayout: true, glyphMargin: true,
        minimap: { enabled: false }, fontSize: s.presentation ? 20 : 13.5, lineHeight: s.presentation ? 30 : 20,
        fontFamily: "'JetBrains Mono', 'Fira Code', 'DejaVu Sans Mono', ui-monospace, monospace",
        scrollBeyondLastLine: false, renderLineHighlight: 'line', ariaLabel: 'Program source', tabSize: 8,
        fixedOverflowWidgets: true, padding: { top: 8 }, editContext: false,
      });
      const ed = editor;
      let applying = false;
      ed.onDidChangeModelContent(() => {
        if (!applying) useStore.getState().setSource(ed.getValue());
      });
      const decos = ed.createDecorationsCollection();
      const paint = () => {
        const st = useStore.getState();
        const list: monaco.editor.IModelDeltaDecoration[] = [];
        for (const line of st.breakpoints)
          list.push({ range: new monaco.Range(line, 1, line, 1), options: { glyphMarginClassName: 'bp-glyph', glyphMarginHoverMessage: { value: 'Breakpoint (click or F9 to remove)' }, stickiness: 1 } });
        const f = st.frame;
        if (f && f.line !== null && !f.done)
          list.push({ range: new monaco.Range(f.line, 1, f.line, 1), options: { isWholeLine: true, className: 'cur-line', glyphMarginClassName: st.breakpoints.includes(f.line) ? 'bp-glyph cur-glyph' : 'cur-glyph', overviewRuler: { color: '#e5c07b', position: monaco.editor.OverviewRulerLane.Full } } });
        if (st.report?.error?.line)
          list.push({ range: new monaco.Range(st.report.error.line, 1, st.report.error.line, 1), options: { isWholeLine: true, className: 'err-line' } });
        for (const p of st.report?.programs ?? [])
          if (p.index > 0 && p.line) list.push({ range: new monaco.Range(p.line, 1, p.line, 1), options: { isWholeLine: true, className: 'err-line' } });
        decos.set(list);
      };
      const mark = () => {
        const st = useStore.getState();
        const m = ed.getModel();
        if (!m) return;
        const markers: monaco.editor.IMarkerData[] = [];
        for (const d of st.build?.diagnostics ?? []) {
          if (d.line === null) continue;
          const line = Math.min(d.line, m.getLineCount());
          const col = d.col ?? 1;
          markers.push({
            severity: d.severity === 'error' ? monaco.MarkerSeverity.Error : d.severity === 'warning' ? monaco.MarkerSeverity.Warning : monaco.MarkerSeverity.Info,
            message: d.message, startLineNumber: line, startColumn: col, endLineNumber: line,
            endColumn: d.endCol ?? m.getLineMaxColumn(line), source: 'assembler',
          });
        }
        const ve = st.report?.error;
        if (ve && ve.line !== null) {
          const line = Math.min(ve.line, m.getLineCount());
          markers.push({ severity: monaco.MarkerSeverity.Error, message: ve.message, startLineNumber: line, startColumn: m.getLineFirstNonWhitespaceColumn(line) || 1, endLineNumber: line, endColumn: m.getLineMaxColumn(line), source: 'verifier' });
        }
        // Several programs: the verifier's error in each of the others, named by program.
        for (const p of st.report?.programs ?? []) {
          if (p.index === 0 || !p.error || !p.line) continue;
          const line = Math.min(p.line, m.getLineCount());
          markers.push({ severity: monaco.MarkerSeverity.Error, message: `${p.name}: ${p.error}`, startLineNumber: line, startColumn: m.getLineFirstNonWhitespaceColumn(line) || 1, endLineNumber: line, endColumn: m.getLineMaxColumn(line), source: 'verifier' });
        }
        monaco.editor.setModelMarkers(m, 'bpfplay', markers);
      };
      ed.onMouseDown((e) => {
        if (e.target.type === monaco.editor.MouseTargetType.GUTTER_GLYPH_MARGIN || e.target.type === monaco.editor.MouseTargetType.GUTTER_LINE_NUMBERS) {
          const line = e.target.position?.lineNumber;
          if (line) useStore.getState().toggleBreakpoint(line);
        }
      });
      ed.addAction({
        id: 'bpfplay.toggleBreakpoint', label: 'Toggle breakpoint', keybindings: [monaco.KeyCode.F9],
        run: () => {
          const p = ed.getPosition();
          if (p) useStore.getState().toggleBreakpoint(p.lineNumber);
        },
      });
      setRevealer((line) => {
        ed.revealLineInCenter(line);
        ed.setPosition({ lineNumber: line, column: 1 });
        ed.focus();
      });
      paint();
      mark();
      subs.push(useStore.subscribe((st, prev) => {
        if (st.source !== prev.source && st.source !== ed.getValue()) {
          applying = true;
          ed.setValue(st.source);
          applying = false;
        }
        if (st.build !== prev.build || st.dialect !== prev.dialect) {
          const m = ed.getModel();
          const lang = langFor(st.build?.dialect, st.dialect);
          if (m && m.getLanguageId() !== lang) monaco.editor.setModelLanguage(m, lang);
        }
        if (st.build !== prev.build || st.report !== prev.report) mark();
        if (st.frame !== prev.frame || st.breakpoints !== prev.breakpoints || st.report !== prev.report) {
          paint();
          const f = st.frame;
          if (f && f.line !== null && f !== prev.frame) ed.revealLineInCenterIfOutsideViewport(f.line);
        }
        if (st.theme !== prev.theme) monaco.editor.setTheme(st.theme === 'dark' ? 'bpf-dark' : 'bpf-light');
        if (st.presentation !== prev.presentation) ed.updateOptions({ fontSize: st.presentation ? 20 : 13.5, lineHeight: st.presentation ? 30 : 20 });
      }));
      host.current.dataset.ready = 'true';
      performance.mark('bpfplay:editor-ready');
    });
    return () => {
      disposed = true;
      subs.forEach((u) => u());
      setRevealer(null);
      const m = editor?.getModel();
      editor?.dispose();
      m?.dispose();
    };
  }, []);
  return <div className="editor-host" ref={host} data-testid="editor" />;
}
