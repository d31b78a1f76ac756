// Output: what the program printed or emitted (trace_printk lines, ringbuf and perf events) up to the
// step shown, plus the run's status line. For sock_ops runs, the connection timeline: every callback of
// the simulated TCP connection with its time, whether the kernel called the program, the reply and what it
// changed, and the connection after it — so editing a reply shows its effect on the later callbacks.
import { Fragment } from 'react';
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
      <h3>Connection timeline <span className="dim">(simulated TCP, HZ=250)</span></h3>
      <table className="conn" aria-label="Connection timeline">
        <thead><tr><th>time</th><th>callback</th><th>reply / effect</th></tr></thead>
        <tbody>
          {rows.map((v) => {
            const o = v.sockOps!;
            const cls = `${o.delivered ? '' : 'off'}${v.index === cursor ? ' cur' : ''}`;
            return (
              <Fragment key={v.index}>
                <tr className={cls} data-op={o.op}>
                  <td className="t">{`${o.timeMs} ms`}</td>
                  <td>
                    <button type="button" className="link" title="Step through this callback" onClick={() => void selectPacket(v.index)}>{o.op.replace(/^BPF_SOCK_OPS_/, '')}</button>
                    {o.delivered ? <span className="dim">{` → ${o.retval}`}</span> : null}
                  </td>
                  <td>
                    {o.delivered ? o.effect : 'not called (flag off)'}
                    {o.helperLog.length ? <div className="dim">{o.helperLog.join('; ')}</div> : null}
                  </td>
                </tr>
                {o.connection ? <tr className={`${cls} after`}><td colSpan={3} className="c">{o.connection}</td></tr> : null}
              </Fragment>
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
  const timeline = useStore((s) => s.verdicts.some((v) => v.sockOps));
  return (
    <Panel name="Output" className="p-output">
      {runError ? <p className="err" role="alert">{runError}</p> : null}
      {frame?.fault ? <p className="err">Fault: {frame.fault}</p> : null}
      {lines.length === 0 ? timeline ? null : <p className="empty">No output (bpf_trace_printk, ring buffer and perf events appear here).</p> : (
        <pre className="out">{lines.join('\n')}</pre>
      )}
      <ConnectionTimeline />
    </Panel>
  );
}
