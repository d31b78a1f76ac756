// Output: what the program printed or emitted (trace_printk lines, ringbuf and perf events) up to the
// step shown, plus the run's status line. For sock_ops runs, the connection timeline: every callback of
// the simulated TCP connection with its time, whether the kernel called the program, the reply and what it
// changed, and the connection after it — so editing a reply shows its effect on the later callbacks.
import { Panel } from '../components/Panel';
import { useStore } from '../store';
import '../components/multiprog.css';

function ConnectionTimeline() {
  const verdicts = useStore((s) => s.verdicts);
  const cursor = useStore((s) => s.cursor.packet);
  const selectPacket = useStore((s) => s.selectPacket);
  const rows = verdicts.filter((v) => v.sockOps);
  if (!rows.length) return null;
  return (
    <div className="conntl">
      <h3>Connection timeline <span className="dim">(simulated TCP, HZ=1000)</span></h3>
      <table className="conn" aria-label="Connection timeline">
        <thead><tr><th>time</th><th>callback</th><th>reply / effect</th></tr></thead>
        <tbody>
          {rows.map((v) => {
            const o = v.sockOps!;
            return (
              <tr key={v.index} className={`${o.delivered ? '' : 'off'}${v.index === cursor ? ' cur' : ''}`} data-op={o.op}>
                <td className="t">{`${o.timeMs} ms`}</td>
                <td>
                  <button type="button" className="link" title="Step through this callback" onClick={() => void selectPacket(v.index)}>{o.op.replace(/^BPF_SOCK_OPS_/, '')}</button>
                  {o.delivered ? <span className="dim">{` → ${o.retval}`}</span> : null}
                </td>
                <td>
                  <div>{o.delivered ? o.effect : 'not called (its callback flag is off)'}</div>
                  {o.helperLog.length ? <div className="dim">{o.helperLog.join('; ')}</div> : null}
                  {o.connection ? <div className="c">{o.connection}</div> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

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
      <ConnectionTimeline />
    </Panel>
  );
}
