// The disassembly / bytes view beside the source: each instruction with its index, bytes, text and
// source line; a breakpoint toggle per instruction; the instruction about to run highlighted. With several
// programs it shows the one the program switcher selected (which follows the step into tail calls).
// Rows are memoised so a step re-renders only the two rows whose highlight changed.
import { memo, useEffect, useRef, useState } from 'react';
import { useStore } from '../store';
import type { InsnView } from '../../worker/api/types';

const Row = memo(function Row({ i, cur, bp, bytes }: { i: InsnView; cur: boolean; bp: boolean; bytes: boolean }) {
  const toggleBreakpoint = useStore.getState().toggleBreakpoint;
  return (
    <tr data-pc={i.index} className={`${cur ? 'cur' : ''}${bp ? ' bp' : ''}`}>
      <td className="bpcell">
        {i.line !== null ? (
          <button type="button" className={`bpdot${bp ? ' on' : ''}`} aria-pressed={bp}
            aria-label={`Breakpoint at line ${i.line}`} title={`Toggle breakpoint at line ${i.line} (F9 in the editor)`}
            onClick={() => toggleBreakpoint(i.line!)} />
        ) : null}
      </td>
      <td className="idx">{i.index}</td>
      {bytes ? <td className="bytes">{i.bytes}</td> : null}
      <td className="text" title={i.bytes}>{i.text}</td>
      <td className="line">{i.line !== null ? `:${i.line}` : ''}</td>
    </tr>
  );
});

const Translated = memo(function Translated({ insns, bytes }: { insns: InsnView[]; bytes: boolean }) {
  return (
    <>
      <h3 className="subhead">Kernel translation to eBPF (bpf_convert_filter)</h3>
      <table>
        <tbody>
          {insns.map((i) => (
            <tr key={i.index}><td className="idx">{i.index}</td>{bytes ? <td className="bytes">{i.bytes}</td> : null}<td className="text" title={i.bytes}>{i.text}</td><td className="line">{i.line !== null ? `← ${i.line}` : ''}</td></tr>
          ))}
        </tbody>
      </table>
    </>
  );
});

const ROW_H = 20;

export function Disasm({ bytes }: { bytes: boolean }) {
  const build = useStore((s) => s.build);
  const view = useStore((s) => s.viewProgram);
  // The current instruction is highlighted only in the program the step is in.
  const pc = useStore((s) => ((s.frame?.prog ?? 0) === s.viewProgram ? s.frame?.pc ?? null : null));
  const breakpoints = useStore((s) => s.breakpoints);
  const ref = useRef<HTMLDivElement>(null);
  const [scroll, setScroll] = useState(0);
  const [height, setHeight] = useState(600);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  // Follow the current instruction without reading layout (rows have a fixed height).
  useEffect(() => {
    const box = ref.current;
    if (pc === null || !box) return;
    const top = pc * ROW_H;
    if (top < scroll || top + ROW_H > scroll + height) box.scrollTop = Math.max(0, top - height / 2);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pc]);
  const insns = build?.programs?.[view]?.insns ?? build?.insns ?? [];
  const bps = new Set(breakpoints);
  const first = Math.max(0, Math.floor(scroll / ROW_H) - 10);
  const last = Math.min(insns.length, Math.ceil((scroll + height) / ROW_H) + 10);
  return (
    <div className="disasm" ref={ref} aria-label="Disassembly" data-program={view} onScroll={(e) => setScroll(e.currentTarget.scrollTop)}>
      {insns.length === 0 ? <p className="empty">No instructions.</p> : (
        <div style={{ height: insns.length * ROW_H, position: 'relative' }}>
          <table style={{ position: 'absolute', top: first * ROW_H, left: 0, right: 0 }}>
            <tbody>
              {insns.slice(first, last).map((i) => <Row key={i.index} i={i} cur={i.index === pc} bp={i.line !== null && bps.has(i.line)} bytes={bytes} />)}
            </tbody>
          </table>
        </div>
      )}
      {build?.translated ? <Translated insns={build.translated} bytes={bytes} /> : null}
    </div>
  );
}
