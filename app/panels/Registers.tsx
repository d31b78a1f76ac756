// Registers: r0–r10 (or A, X, M[] for classic BPF) at the step shown, with changed values highlighted,
// a hex/decimal/signed toggle, and the verifier's abstract value beside the concrete one.
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

export function Registers() {
  const frame = useStore((s) => s.frame);
  const numFormat = useStore((s) => s.numFormat);
  const regs = frame?.regs ?? [];
  return (
    <Panel name="Registers" className="p-regs" tools={<NumFormatToggle />}>
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
