// The debugger controls: Run, Step back, Step, Run to breakpoint, Reset, previous/next packet, the
// animation speed; each with its keyboard shortcut in the tooltip (shortcuts work everywhere, the
// editor included, via the window-level handler in useShortcuts). The timeline marks where the run
// tail-called into another program or entered / left a bpf-to-bpf function; a mark jumps there.
import { useEffect } from 'react';
import { selectInputs, useStore } from '../store';
import './multiprog.css';

const ICONS: Record<string, string> = {
  run: 'M7 5l12 7-12 7z',
  stop: 'M7 7h10v10H7z',
  back: 'M9 14L4 9l5-5M4 9h10a6 6 0 010 12h-3',
  step: 'M15 14l5-5-5-5M20 9H10a6 6 0 000 12h3',
  toBreak: 'M5 5l8 7-8 7zM17 5v14',
  reset: 'M19 5l-8 7 8 7zM7 5v14',
  up: 'M6 15l6-6 6 6',
  down: 'M6 9l6 6 6-6',
};

function Icon({ name }: { name: keyof typeof ICONS }) {
  const filled = name === 'run' || name === 'stop';
  return <svg className={`ico${filled ? ' fill' : ''}`} viewBox="0 0 24 24" aria-hidden="true"><path d={ICONS[name]} /></svg>;
}

export const SHORTCUTS = {
  run: { key: 'F5', label: 'F5' },
  stop: { key: 'Escape', label: 'Esc' },
  step: { key: 'F10', label: 'F10' },
  back: { key: 'F10', shift: true, label: 'Shift+F10' },
  toBreak: { key: 'F8', label: 'F8' },
  reset: { key: 'F5', shift: true, label: 'Shift+F5' },
  nextPacket: { key: 'F7', label: 'F7' },
  prevPacket: { key: 'F7', shift: true, label: 'Shift+F7' },
  share: { key: 's', alt: true, label: 'Alt+S' },
} as const;

export function useShortcuts(onShare: () => void): void {
  useEffect(() => {
    const h = (e: KeyboardEvent) => {
      const s = useStore.getState();
      const k = e.key;
      let handled = true;
      if (k === 'F5' && e.shiftKey) void s.reset();
      else if (k === 'F5') (s.playing ? s.stop() : s.play());
      else if (k === 'F10' && e.shiftKey) void s.stepBy(-1);
      else if (k === 'F10') void s.stepBy(1);
      else if (k === 'F8') void s.runToBreakpoint();
      else if (k === 'F7' && e.shiftKey) void s.selectPacket(Math.max(0, s.cursor.packet - 1));
      else if (k === 'F7') void s.selectPacket(s.cursor.packet + 1);
      else if (e.altKey && (k === 's' || k === 'S')) onShare();
      else if (k === 'Escape' && s.playing) s.stop();
      else handled = false;
      if (handled) e.preventDefault();
    };
    window.addEventListener('keydown', h, true);
    return () => window.removeEventListener('keydown', h, true);
  }, [onShare]);
}

const SPEEDS = [
  { v: 2, label: '2/s' },
  { v: 8, label: '8/s' },
  { v: 30, label: '30/s' },
  { v: 0, label: 'instant' },
];

const BUDGETS = [
  { v: 100_000, label: '100k insns' },
  { v: 1_000_000, label: '1M insns' },
  { v: 10_000_000, label: '10M insns' },
  { v: 1e15, label: 'no limit' },
];

export function BudgetSelect() {
  const maxInsns = useStore((s) => s.maxInsns);
  const setMaxInsns = useStore((s) => s.setMaxInsns);
  return (
    <select aria-label="Instruction budget" title="Instructions one packet may execute before the run is stopped (the watchdog still stops a hung engine)"
      value={maxInsns} onChange={(e) => setMaxInsns(Number(e.target.value))}>
      {BUDGETS.map((b) => <option key={b.v} value={b.v}>{b.label}</option>)}
    </select>
  );
}

export function Controls() {
  const frame = useStore((s) => s.frame);
  const playing = useStore((s) => s.playing);
  const speed = useStore((s) => s.speed);
  const packetCount = useStore((s) => selectInputs(s).length);
  const cursor = useStore((s) => s.cursor);
  const a = useStore.getState();
  const can = frame !== null;
  return (
    <div className="controls" role="toolbar" aria-label="Debugger">
      {playing ? (
        <button type="button" className="primary" onClick={() => a.stop()} title={`Stop (${SHORTCUTS.stop.label})`}><Icon name="stop" /> Stop</button>
      ) : (
        <button type="button" className="primary" disabled={!can} onClick={() => a.play()} title={`Run: animate to the next breakpoint or the end (${SHORTCUTS.run.label})`}>
          <Icon name="run" /> Run
        </button>
      )}
      <button type="button" disabled={!can || frame.step <= frame.firstStep} onClick={() => void a.stepBy(-1)} title={`Step back (${SHORTCUTS.back.label})`} aria-label="Step back"><Icon name="back" /> Back</button>
      <button type="button" disabled={!can || frame.step >= frame.total} onClick={() => void a.stepBy(1)} title={`Step (${SHORTCUTS.step.label})`} aria-label="Step"><Icon name="step" /> Step</button>
      <button type="button" disabled={!can} onClick={() => void a.runToBreakpoint()} title={`Run to breakpoint (${SHORTCUTS.toBreak.label})`} aria-label="Run to breakpoint"><Icon name="toBreak" /></button>
      <button type="button" disabled={!can} onClick={() => void a.reset()} title={`Reset to the first step (${SHORTCUTS.reset.label})`} aria-label="Reset"><Icon name="reset" /></button>
      <span className="sep" />
      <button type="button" disabled={cursor.packet <= 0} onClick={() => void a.selectPacket(cursor.packet - 1)} title={`Previous packet (${SHORTCUTS.prevPacket.label})`} aria-label="Previous packet"><Icon name="up" /></button>
      <span className="pktpos" aria-live="polite" title="Packet shown">pkt {packetCount ? `${cursor.packet + 1}/${packetCount}` : '0/0'}</span>
      <button type="button" disabled={cursor.packet >= packetCount - 1} onClick={() => void a.selectPacket(cursor.packet + 1)} title={`Next packet (${SHORTCUTS.nextPacket.label})`} aria-label="Next packet"><Icon name="down" /></button>
      <label className="speed" title="Animation speed for Run">
        <span className="vh">Speed</span>
        <select aria-label="Speed" value={speed} onChange={(e) => a.setSpeed(Number(e.target.value))}>
          {SPEEDS.map((s) => <option key={s.v} value={s.v}>{s.label}</option>)}
        </select>
      </label>
    </div>
  );
}

export function Timeline() {
  const frame = useStore((s) => s.frame);
  const stepTo = useStore((s) => s.stepTo);
  const marks = useStore((s) => s.marks);
  if (!frame) return <div className="timeline empty">No run to step through.</div>;
  const span = Math.max(1, frame.total - frame.firstStep);
  const shown = marks.filter((m) => m.step >= frame.firstStep && m.step <= frame.total).slice(0, 200);
  return (
    <div className="timeline">
      <div className="tl-track">
        <input type="range" aria-label="Timeline" min={frame.firstStep} max={frame.total} value={frame.step}
          onChange={(e) => void stepTo(Number(e.target.value))} />
        {shown.map((m) => (
          <button key={`${m.step}-${m.kind}`} type="button" className={`tl-mark ${m.kind}`} style={{ left: `${((m.step - frame.firstStep) / span) * 100}%` }}
            aria-label={`Step ${m.step}: ${m.label}`} title={`Step ${m.step}: ${m.label}`} data-kind={m.kind} onClick={() => void stepTo(m.step)} />
        ))}
      </div>
      <span className="tl-pos" data-testid="step-pos">step {frame.step}/{frame.total}</span>
      <span className="tl-explain" aria-live="polite">{frame.done ? (frame.fault ? `Fault: ${frame.fault}` : frame.retval === null ? frame.explain : `Returned ${frame.retval} — ${frame.verdict}`) : frame.step === frame.total && frame.recordLimit ? `Recording stopped after ${frame.recordLimit.toLocaleString('en')} steps (the packet list shows the full run's verdict).` : frame.explain}</span>
    </div>
  );
}
