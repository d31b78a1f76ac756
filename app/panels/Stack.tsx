// Stack: the 512-byte frame below r10, one row per 8-byte slot, showing never-written, written and
// spilled-pointer slots, with the slots the step shown changed highlighted.
import { Panel } from '../components/Panel';
import { hex2 } from '../components/format';
import { useStore } from '../store';

export function Stack() {
  const frame = useStore((s) => s.frame);
  const slots = frame?.stack ?? [];
  const used = slots.filter((s) => s.state !== 'invalid');
  return (
    <Panel name="Stack" className="p-stack" title={used.length ? `${used.length} slot${used.length > 1 ? 's' : ''} in use` : undefined}>
      {slots.length === 0 ? (
        <p className="empty">{frame ? 'Nothing on the stack at this step.' : 'No run yet.'}</p>
      ) : (
        <table className="stack">
          <thead>
            <tr><th>slot</th><th>bytes (low → high address)</th><th>state</th></tr>
          </thead>
          <tbody>
            {slots.map((s) => (
              <tr key={s.offset} className={`st-${s.state}${s.changed ? ' changed' : ''}`}>
                <th scope="row">r10{s.offset}</th>
                <td className="bytes">{s.bytes.map((b, i) => <span key={i} className={b === null ? 'nb' : undefined}>{b === null ? '··' : hex2(b)}</span>)}</td>
                <td className="state">{s.state === 'spill' ? `spill ${s.note ?? ''}` : s.state}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
