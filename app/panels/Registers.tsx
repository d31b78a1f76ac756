// Registers: r0–r10 (or A, X, M[] for classic BPF) at the step shown, with changed values highlighted,
// a hex/decimal/signed toggle, and the verifier's abstract value beside the concrete one. Above them, when
// it matters, which program the step is in, its tail-call depth (the kernel allows 33) and call depth.
import { Panel } from '../components/Panel';
import { fmtValue } from '../components/format';
import { useStore, type NumFormat } from '../store';

const FORMATS: { f: NumFormat; label: string; title: string }[] = [
  { f: 'hex', label: 'hex', title: 'Show values in hexadecimal' },
  { f: 'dec', label: 'dec', title: 'Show values as unsigned decimal' },
  { f: 'signed', label: 's64', title: 'Show values as signed 64-bit decimal' },
];

export function NumFormatToggle() {
  const numFormat = useStore((s) => s.numFormat);
  const setNumFormat = useStore((s) => s.setNumFormat);
  return (
    <div className="seg" role="group" aria-label="Number format">
      {FORMATS.map(({ f, label, title }) => (
        <button key={f} type="button" aria-pressed={numFormat === f} title={title} onClick={() => setNumFormat(f)}>{label}</button>
      ))}
    </div>
  );
}

function ProgramStatus() {
  const frame = useStore((s) => s.frame);
  const programs = useStore((s) => s.build?.programs);
  if (!frame) return null;
  const several = (programs?.length ?? 1) > 1;
  const tail = frame.tailCalls ?? 0;
  const depth = frame.callDepth ?? 0;
  if (!several && tail === 0 && depth === 0) return null;
  const p = programs?.[frame.prog ?? 0];
  return (
    <p className="progstatus" data-testid="prog-status" aria-live="polite">
      In program <strong>{frame.progName ?? p?.name ?? '?'}</strong>{p?.section ? ` (${p.section})` : ''}
      {' · '}{tail === 0 ? 'no tail call yet' : `tail call ${tail} of at most 33`}
      {' · '}{depth === 0 ? 'main function' : `bpf-to-bpf call depth ${depth}`}
    </p>
  );
}

export function Registers() {
  const frame = useStore((s) => s.frame);
  const numFormat = useStore((s) => s.numFormat);
  const regs = frame?.regs ?? [];
  return (
    <Panel name="Registers" className="p-regs" tools={<NumFormatToggle />}>
      <ProgramStatus />
      {regs.length === 0 ? (
        <p className="empty">Build the program and pick a packet to see registers.</p>
      ) : (
        <table className="regs">
          <tbody>
            {regs.map((r) => (
              <tr key={r.name} className={r.changed ? 'changed' : undefined} data-reg={r.name}>
                <th scope="row">{r.name}</th>
                <td className="val" data-testid={`reg-${r.name}`}>{fmtValue(r.value, numFormat)}</td>
                <td className="kind">{r.kind ?? ''}</td>
                <td className="abs" title={r.abstract ?? undefined}>{r.abstract ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
