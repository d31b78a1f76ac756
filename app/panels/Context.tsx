// The context-structure view: for the selected event (or, folded and read-only, packet), the struct the program
// gets in r1 (pt_regs, a tracepoint record, bpf_perf_event_data, bpf_sock_ops, bpf_sock, __sk_buff) as a
// table — field, offset, size, C type, the value, the value after the program ran (writes highlighted) and
// whether the program may read / write it (the type's is_valid_access rules, worker/progtypes/ctx.ts).
// Values are editable: an edit goes into the event (kprobe args/regs, tracepoint fields, sock_ops socket
// fields…, else the event's "ctx" override map) through the store, and the engine re-runs.
import { useEffect, useState } from 'react';
import { useStore } from '../store';
import type { CtxFieldView } from '../../worker/api/types';

function signedText(f: CtxFieldView, v: string): string {
  if (f.kind !== 'int' || !v.startsWith('0x')) return '';
  const n = BigInt(v);
  const bits = BigInt(Math.min(f.size, 8) * 8);
  const s = n >= 1n << (bits - 1n) ? n - (1n << bits) : n;
  return s.toString();
}

function Cell({ f, editable }: { f: CtxFieldView; editable: boolean }) {
  const ctxEdit = useStore((s) => s.ctxEdit);
  const eventsError = useStore((s) => s.eventsError);
  const editField = useStore((s) => s.editCtxField);
  // After an edit the engine reports an error for, the typed text stays in the cell.
  const pending = ctxEdit && ctxEdit.field === f.name && eventsError ? ctxEdit.text : null;
  const shown = pending ?? f.value;
  const [text, setText] = useState(shown);
  useEffect(() => setText(shown), [shown]);
  const dec = signedText(f, f.value);
  if (!editable || f.kind === 'pointer') return <span className="mono" title={dec ? `${dec} (signed)` : undefined}>{f.value}</span>;
  const commit = () => {
    if (text !== shown) editField(f.name, text, f.kind === 'text');
  };
  return (
    <input className={`mono ctx-in${f.size >= 8 ? ' w8' : ''}`} aria-label={`ctx ${f.name}`} value={text} spellCheck={false} aria-invalid={pending !== null || undefined}
      title={dec ? `${dec} as a signed value; type decimal, 0x… hex or a negative number, then Enter` : 'Enter to apply'}
      onChange={(e) => setText(e.target.value)} onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          commit();
        }
        if (e.key === 'Escape') setText(shown);
      }} />
  );
}

/** The context table. For packet types (`collapsible`) it is read-only, folded, and fetched only when opened. */
export function ContextView({ collapsible = false }: { collapsible?: boolean }) {
  const view = useStore((s) => s.ctxView);
  const load = useStore((s) => s.loadCtxView);
  const progType = useStore((s) => s.progType);
  const eventsText = useStore((s) => s.eventsText);
  const packet = useStore((s) => s.cursor.packet);
  const verdicts = useStore((s) => s.verdicts);
  const eventList = useStore((s) => s.eventList);
  const packets = useStore((s) => s.packets);
  const [open, setOpen] = useState(false);
  const active = !collapsible || open;
  useEffect(() => {
    if (active) void load();
  }, [load, active, progType, eventsText, packet, verdicts, eventList, packets]);
  if (collapsible) {
    return (
      <details className="ctxdetails" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>Context{open && view ? `: struct ${view.struct}` : ''} <span className="dim">(what the program gets in r1 for this packet)</span></summary>
        {open && view ? <ContextTable /> : null}
      </details>
    );
  }
  if (!view) return null;
  return <ContextTable />;
}

function ContextTable() {
  const view = useStore((s) => s.ctxView)!;
  const [all, setAll] = useState(false);
  const written = view.fields.filter((f) => f.after !== null && f.after !== f.value);
  // pt_regs-sized structs are long: show the fields that matter unless asked for all
  const rows = all || view.fields.length <= 24 ? view.fields : view.fields.filter((f) => f.value !== '0x0' || f.write || f.kind === 'pointer' || f.note !== undefined || (f.after !== null && f.after !== f.value));
  return (
    <section className="ctxview" aria-label="Context">
      <div className="ctx-head">
        <strong className="mono">struct {view.struct}</strong>
        <span className="dim">{view.size} bytes · {view.event !== null ? `event ${view.event + 1}` : 'read-only (the packet comes from the list)'}</span>
        {view.ran ? <span className="dim">{written.length ? `the program wrote ${written.map((f) => f.name).join(', ')}` : 'the program wrote nothing'}</span> : null}
        {view.fault ? <span className="err">{view.fault}</span> : null}
        {rows.length < view.fields.length || all ? (
          <button type="button" className="link" aria-pressed={all} onClick={() => setAll(!all)}>{all ? 'hide zero fields' : `show all ${view.fields.length} fields`}</button>
        ) : null}
      </div>
      {!view.editable && view.event !== null ? <p className="dim ctx-note">These values come from a sock_ops scenario, which builds each callback's context as it runs: list callbacks instead of the scenario to edit them.</p> : null}
      <table className="ctxtab" aria-label={`struct ${view.struct} fields`}>
        <thead>
          <tr><th scope="col">field</th><th scope="col">off</th><th scope="col">size</th><th scope="col">C type</th><th scope="col">value</th><th scope="col">after run</th><th scope="col" title="r: the program may read it; w: it may write it">access</th></tr>
        </thead>
        <tbody>
          {rows.map((f) => {
            const changed = f.after !== null && f.after !== f.value;
            return (
              <tr key={f.name} className={changed ? 'written' : undefined} title={f.doc || undefined}>
                <th scope="row" className="mono">{f.name}</th>
                <td className="num">{f.offset}</td>
                <td className="num">{f.size}</td>
                <td className="mono dim">{f.ctype}{f.kind === 'pointer' ? <span className="ctx-ptr" title="a pointer once loaded"> ptr</span> : null}</td>
                <td>
                  <span className="ctx-val">
                    <Cell f={f} editable={view.editable && f.name !== 'common_type'} />
                    {f.note ? <span className="ctx-note-v dim">{f.note}</span> : null}
                  </span>
                </td>
                <td className="mono">{f.after === null ? '' : changed ? <mark aria-label={`written: ${f.after}`}>{f.after}</mark> : <span className="dim" title={`unchanged: ${f.after}`} aria-label="unchanged">=</span>}</td>
                <td className="acc">
                  <span className={f.read ? 'on' : 'off'} aria-label={f.read ? 'readable' : 'not readable'}>r</span>
                  <span className={f.write ? 'on w' : 'off'} aria-label={f.write ? 'writable' : 'not writable'}>w</span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
