// Output: what the program printed or emitted (trace_printk lines, ringbuf and perf records) up to the
// step shown, plus the run's status line.
import { Panel } from '../components/Panel';
import { useStore } from '../store';

export function Output() {
  const frame = useStore((s) => s.frame);
  const runError = useStore((s) => s.runError);
  const lines = frame?.output ?? [];
  return (
    <Panel name="Output" className="p-output">
      {runError ? <p className="err" role="alert">{runError}</p> : null}
      {frame?.fault ? <p className="err">Fault: {frame.fault}</p> : null}
      {lines.length === 0 ? <p className="empty">No output (bpf_trace_printk, ring buffer and perf events appear here).</p> : (
        <pre className="out">{lines.join('\n')}</pre>
      )}
    </Panel>
  );
}
