// The disassembly / bytes view beside the source: each instruction with its index, bytes, text and
// source line; a breakpoint toggle per instruction; the instruction about to run highlighted.
import { useEffect, useRef } from 'react';
import { useStore } from '../store';

export function Disasm({ bytes }: { bytes: boolean }) {
  const build = useStore((s) => s.build);
  const pc = useStore((s) => s.frame?.pc ?? null);
  const breakpoints = useStore((s) => s.breakpoints);
  const toggleBreakpoint = useStore((s) => s.toggleBreakpoint);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (pc === null) return;
    ref.current?.querySelector(`[data-pc="${pc}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [pc]);
  const insns = build?.insns ?? [];
  return (
    <div className="disasm" ref={ref} aria-label="Disassembly">
      {insns.length === 0 ? <p className="empty">No instructions.</p> : (
        <table>
          <tbody>
            {insns.map((i) => {
              const bp = i.line !== null && breakpoints.includes(i.line);
              return (
                <tr key={i.index} data-pc={i.index} className={`${i.index === pc ? 'cur' : ''}${bp ? ' bp' : ''}`}>
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
            })}
          </tbody>
        </table>
      )}
      {build?.translated ? (
        <>
          <h3 className="subhead">Kernel translation to eBPF (bpf_convert_filter)</h3>
          <table>
            <tbody>
              {build.translated.map((i) => (
                <tr key={i.index}><td className="idx">{i.index}</td>{bytes ? <td className="bytes">{i.bytes}</td> : null}<td className="text" title={i.bytes}>{i.text}</td><td className="line">{i.line !== null ? `← ${i.line}` : ''}</td></tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </div>
  );
}
