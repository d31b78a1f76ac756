// Verifier: the verdict, the first error with a jump to its line, the log in the kernel's format and
// the abstract state the verifier saw at each instruction. Assembler errors show here too. With several
// programs, every program's verdict, and the full report of the one the program switcher shows.
import { memo, useState } from 'react';
import { Panel } from '../components/Panel';
import type { VerifierStateView } from '../../worker/api/types';
import { useStore } from '../store';
import { revealLine } from '../editor/bridge';
import { selectViewReport } from '../components/programs-slice';

function ProgramVerdicts() {
  const list = useStore((s) => s.report?.programs);
  const view = useStore((s) => s.viewProgram);
  const showProgram = useStore((s) => s.showProgram);
  if (!list || list.length < 2) return null;
  return (
    <ul className="progverdicts" aria-label="Program verdicts">
      {list.map((p) => (
        <li key={p.index}>
          <span className={p.accepted ? 'ok' : 'err'}>{p.accepted ? '✓' : '✗'}</span>
          <button type="button" className="link" aria-current={view === p.index} onClick={() => void showProgram(p.index)}>{p.name}</button>
          <span className="dim">{p.accepted ? `accepted, ${p.processed} insns processed` : p.error}</span>
        </li>
      ))}
    </ul>
  );
}

const StatesTable = memo(function StatesTable({ states, frameLine }: { states: VerifierStateView[]; frameLine: number | null }) {
  return (
    <table>
      <tbody>
        {states.map((s, i) => (
          <tr key={i} className={frameLine !== null && s.line === frameLine ? 'cur' : undefined}><th>{s.insn}</th><td>{s.text}</td></tr>
        ))}
      </tbody>
    </table>
  );
});

export function Verifier() {
  const [statesOpen, setStatesOpen] = useState(false);
  const build = useStore((s) => s.build);
  const report = useStore(selectViewReport);
  const caps = useStore((s) => s.caps);
  const unpriv = useStore((s) => s.unpriv);
  const seccomp = useStore((s) => s.progType === 'seccomp');
  const setUnpriv = useStore((s) => s.setUnpriv);
  const errors = build?.diagnostics.filter((d) => d.severity === 'error') ?? [];
  const frameLine = useStore((s) => s.frame?.line ?? null);
  const tools = (
    <label className="check" title="Verify as an unprivileged user (stricter rules)">
      <input type="checkbox" checked={unpriv} onChange={(e) => setUnpriv(e.target.checked)} /> unprivileged
    </label>
  );
  return (
    <Panel name="Verifier" className="p-verifier" tools={tools}>
      {build && !build.ok ? (
        <div className="verdict rejected" role="status">
          <strong>Does not assemble</strong>
          <ul className="diags">
            {errors.map((d, i) => (
              <li key={i}>
                {d.line !== null ? <button type="button" className="link" onClick={() => revealLine(d.line!)}>line {d.line}{d.col !== null ? `:${d.col}` : ''}</button> : null}{' '}
                <span className="msg">{d.message}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : build?.dialect === 'cbpf' && build.ok ? (
        <div className="verdict accepted" role="status">
          <strong>Accepted</strong> <span className="dim">{seccomp
            ? 'by the classic checker (bpf_check_classic) and seccomp_check_filter: forward jumps in range, a return last, M[] written before read, only aligned 32-bit loads of struct seccomp_data'
            : 'by the classic checker (bpf_check_classic): forward jumps in range, a return last, M[] written before read'}</span>
        </div>
      ) : report ? (
        <>
          <ProgramVerdicts />
          <div className={`verdict ${report.accepted ? 'accepted' : 'rejected'}`} role="status">
            <strong>{report.accepted ? 'Accepted' : 'Rejected'}</strong> <span className="dim">processed {report.processed} insns</span>
            {report.error ? (
              <div className="verr">
                <button type="button" className="link" onClick={() => report.error?.line && revealLine(report.error.line)}>
                  insn {report.error.insn}{report.error.line ? ` (line ${report.error.line})` : ''}
                </button>{' '}
                <code className="msg">{report.error.message}</code>
              </div>
            ) : null}
          </div>
          {!report.accepted ? (
            <p className="vnote dim">The kernel would refuse to load this program. bpfplay still runs it, with every memory access checked, so you can watch what would go wrong.</p>
          ) : null}
          {!report.accepted && report.errorPath.length ? (
            <p className="vpath"><span className="dim">Path to the error:</span> {report.errorPath.slice(-40).join(' → ')}</p>
          ) : null}
          {report.paths.length ? (
            <details className="vpaths">
              <summary>{report.paths.length} path{report.paths.length > 1 ? 's' : ''} explored · {report.paths.filter((x) => x.how === 'pruned').length} pruned</summary>
              <ol>
                {report.paths.slice(0, 200).map((x, i) => (
                  <li key={i} className={`how-${x.how}`}>{x.from < 0 ? 'entry' : `branch at ${x.from}`}: insns {x.start}…{x.end} — {x.how === 'pruned' ? 'pruned (a state already proven safe)' : x.how === 'dead' ? 'dead branch' : x.how}</li>
                ))}
              </ol>
            </details>
          ) : null}
          <details className="vlog" open={!report.accepted}>
            <summary>Log (kernel format)</summary>
            <pre>{report.log}</pre>
          </details>
          {report.states.length ? (
            <details className="vstates" onToggle={(e) => setStatesOpen(e.currentTarget.open)}>
              <summary>Abstract state per instruction</summary>
              {statesOpen ? <StatesTable states={report.states} frameLine={frameLine} /> : null}
            </details>
          ) : null}
        </>
      ) : (
        <p className="empty">{caps && !caps.verify ? 'The verifier is not part of this build yet.' : build?.dialect === 'cbpf' ? 'Classic BPF is checked by bpf_check_classic (errors appear above as assembler errors).' : 'Not verified yet.'}</p>
      )}
    </Panel>
  );
}
