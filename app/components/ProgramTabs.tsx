// The program switcher: when the source defines several programs (one per section; tail calls through a
// prog_array move between them), a tab per program with its verifier verdict. The disassembly and the
// Verifier panel show the selected program; stepping into a tail call selects the program it reached.
import { useStore } from '../store';
import { revealLine } from '../editor/bridge';
import './multiprog.css';

export function ProgramTabs() {
  const programs = useStore((s) => s.build?.programs);
  const verdicts = useStore((s) => s.report?.programs);
  const view = useStore((s) => s.viewProgram);
  const stepIn = useStore((s) => s.frame?.prog ?? null);
  const showProgram = useStore((s) => s.showProgram);
  if (!programs || programs.length < 2) return null;
  return (
    <div className="progtabs" role="tablist" aria-label="Programs" onKeyDown={(e) => {
      // Arrow keys move between the tabs (the ARIA tabs pattern); the chosen tab takes the focus.
      const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
      if (!d) return;
      e.preventDefault();
      const k = (view + d + programs.length) % programs.length;
      void showProgram(k);
      (e.currentTarget.querySelector(`[data-program="${k}"]`) as HTMLElement | null)?.focus();
    }}>
      {programs.map((p) => {
        const v = verdicts?.[p.index];
        const verdict = v ? (v.accepted ? 'accepted' : `rejected: ${v.error ?? ''}`) : 'not verified';
        return (
          <button key={p.index} type="button" role="tab" aria-selected={view === p.index} data-program={p.index} tabIndex={view === p.index ? 0 : -1}
            className={`progtab${view === p.index ? ' on' : ''}${stepIn === p.index ? ' stepping' : ''}`}
            title={`Program ${p.index}${p.section ? `, section ${p.section}` : ''}: ${verdict}${stepIn === p.index ? ' — the step shown is in this program' : ''}`}
            onClick={() => {
              void showProgram(p.index);
              // Show where the program starts in the source, unless the step shown is in it.
              const line = p.insns[0]?.line;
              if (line && stepIn !== p.index) revealLine(line);
            }}>
            <span className={`pv ${v ? (v.accepted ? 'ok' : 'bad') : ''}`} aria-hidden>{v ? (v.accepted ? '✓' : '✗') : '·'}</span>
            {p.name}
            <span className="vh">{` — ${verdict}`}</span>
          </button>
        );
      })}
    </div>
  );
}
