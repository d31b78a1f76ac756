// Small form controls shared by the event editors: a number field that keeps whatever was typed (and
// marks it when it is not a number the events format reads), a text field, a select of names, a
// register list and the memory-blob list. Every control has a visible label or an aria-label.
import { useId, type ReactNode } from 'react';
import { fieldText, isNumberText, numValue, type Json } from './model';

export function NumField(props: { label: string; sub?: string; value: Json | undefined; placeholder?: string; onChange: (v: Json | undefined) => void; aria?: string }) {
  const id = useId();
  const text = fieldText(props.value);
  const bad = text !== '' && !isNumberText(text);
  return (
    <label className="evf" htmlFor={id}>
      <span className="evf-l">{props.label}{props.sub ? <span className="dim"> {props.sub}</span> : null}</span>
      <input id={id} className="mono" value={text} placeholder={props.placeholder} spellCheck={false} aria-label={props.aria || props.label || undefined} aria-invalid={bad || undefined}
        aria-describedby={bad ? `${id}-e` : undefined} onChange={(e) => props.onChange(e.target.value === '' ? undefined : numValue(e.target.value))} />
      {bad ? <span id={`${id}-e`} className="evf-bad">not a number (decimal, 0x… hex, or negative)</span> : null}
    </label>
  );
}

export function TextField(props: { label: string; sub?: string; value: string; onChange: (v: string) => void; aria?: string; area?: boolean; placeholder?: string }) {
  const id = useId();
  return (
    <label className="evf" htmlFor={id}>
      <span className="evf-l">{props.label}{props.sub ? <span className="dim"> {props.sub}</span> : null}</span>
      {props.area ? (
        <textarea id={id} className="mono" rows={3} value={props.value} placeholder={props.placeholder} spellCheck={false} aria-label={props.aria || props.label || undefined} onChange={(e) => props.onChange(e.target.value)} />
      ) : (
        <input id={id} className="mono" value={props.value} placeholder={props.placeholder} spellCheck={false} aria-label={props.aria || props.label || undefined} onChange={(e) => props.onChange(e.target.value)} />
      )}
    </label>
  );
}

/** A select of named values; a stored value that is not one of the names is kept as an extra option. */
export function NameSelect(props: { label: string; aria?: string; value: Json | undefined; options: { name: string; value: number | string; title?: string }[]; onChange: (v: string) => void; fallback?: string }) {
  const id = useId();
  const cur = props.value === undefined ? props.fallback ?? '' : fieldText(props.value);
  const known = props.options.some((o) => o.name === cur);
  return (
    <label className="evf" htmlFor={id}>
      <span className="evf-l">{props.label}</span>
      <select id={id} aria-label={props.aria ?? props.label} value={cur} onChange={(e) => props.onChange(e.target.value)}>
        {!known ? <option value={cur}>{cur || '(not set)'}</option> : null}
        {props.options.map((o) => (
          <option key={o.name} value={o.name} title={o.title}>{o.name}{o.value !== o.name ? ` (${o.value})` : ''}</option>
        ))}
      </select>
    </label>
  );
}

export function Group(props: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <fieldset className="evg">
      <legend>{props.title}</legend>
      {props.actions ? <div className="evg-act">{props.actions}</div> : null}
      {props.children}
    </fieldset>
  );
}

/** Registers by name (kprobe "regs", perf_event "regs"): any pt_regs register, add and remove. */
export function RegList(props: { regs: Json | undefined; names: string[]; onChange: (regs: Json | undefined) => void; what: string }) {
  const regs = typeof props.regs === 'object' && props.regs !== null && !Array.isArray(props.regs) ? (props.regs as Record<string, Json>) : {};
  const entries = Object.entries(regs);
  const free = props.names.filter((n) => regs[n] === undefined);
  const put = (next: Record<string, Json>) => props.onChange(Object.keys(next).length ? next : undefined);
  return (
    <Group title={props.what} actions={free.length ? <button type="button" onClick={() => put({ ...regs, [free[0]!]: 0 })}>Add register</button> : null}>
      {entries.length === 0 ? <p className="dim evnote">None: the defaults of a kernel stack (rsp, rbp, cs, ss, eflags) and zero.</p> : null}
      {entries.map(([name, v]) => (
        <div className="evrow" key={name}>
          <select aria-label={`Register ${name}`} value={name} onChange={(e) => {
            const next: Record<string, Json> = {};
            for (const [k, x] of entries) next[k === name ? e.target.value : k] = x;
            put(next);
          }}>
            <option value={name}>{name}</option>
            {free.map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
          <NumField label="" aria={`Value of ${name}`} value={v} onChange={(x) => put({ ...regs, [name]: x ?? 0 })} />
          <button type="button" aria-label={`Remove register ${name}`} title="Remove" onClick={() => {
            const next = { ...regs };
            delete next[name];
            put(next);
          }}>✕</button>
        </div>
      ))}
    </Group>
  );
}

/** The file's memory blobs: kernel/user memory that pointer arguments refer to (text gets a NUL, or hex). */
export function MemoryList(props: { memory: Json[] | undefined; onChange: (m: Json[] | undefined) => void }) {
  const list = props.memory ?? [];
  const put = (m: Json[]) => props.onChange(m.length ? m : undefined);
  return (
    <Group title="Memory that pointers refer to" actions={<button type="button" onClick={() => put([...list, { addr: '0x7ffd1000', text: '' }])}>Add memory</button>}>
      {list.length === 0 ? <p className="dim evnote">None. Pointer arguments (e.g. a filename) can point at text or bytes given here, for bpf_probe_read_*.</p> : null}
      {list.length ? <p className="dim evnote">bpf_probe_read_* reads these (read-only, at their addresses), here and in <code>cli run --events</code>.</p> : null}
      {list.map((m, i) => {
        const o = (typeof m === 'object' && m !== null && !Array.isArray(m) ? m : {}) as Record<string, Json>;
        const hex = typeof o.hex === 'string';
        const set = (k: string, v: Json | undefined) => {
          const next = { ...o };
          if (v === undefined) delete next[k];
          else next[k] = v;
          put(list.map((x, j) => (j === i ? next : x)));
        };
        return (
          <div className="evrow evmem" key={i}>
            <NumField label="at" aria={`Memory ${i + 1} address`} value={o.addr} onChange={(v) => set('addr', v ?? '0')} />
            <select aria-label={`Memory ${i + 1} kind`} value={hex ? 'hex' : 'text'} onChange={(e) => {
              const content = fieldText(hex ? o.hex : o.text);
              const next = { ...o };
              delete next.hex;
              delete next.text;
              next[e.target.value] = content;
              put(list.map((x, j) => (j === i ? next : x)));
            }}>
              <option value="text">text</option>
              <option value="hex">hex</option>
            </select>
            <TextField label="" aria={`Memory ${i + 1} ${hex ? 'bytes (hex)' : 'text'}`} value={fieldText(hex ? o.hex : o.text)} onChange={(v) => set(hex ? 'hex' : 'text', v)} />
            <button type="button" aria-label={`Remove memory ${i + 1}`} title="Remove" onClick={() => put(list.filter((_, j) => j !== i))}>✕</button>
          </div>
        );
      })}
    </Group>
  );
}
