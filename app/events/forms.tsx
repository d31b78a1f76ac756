// One form per program type for the selected event of an events file (worker/events/format.ts):
// kprobe/kretprobe (a catalogue function with its BTF prototype, arguments by name with the register each
// goes in, the return value, extra registers, memory blobs), tracepoint (a catalogue tracepoint, one input
// per tracefs format field), perf_event (sample period, addr, registers), sock_ops (a life-cycle scenario or
// one callback with its socket), cgroup_sock (socket() family/type/protocol by name, mark/priority/device)
// and sk_skb (the simulated sockets and each message as text or hex). Forms only rewrite the JSON.
import type { EventCatalogue } from '../../worker/api/types';
import { Group, MemoryList, NameSelect, NumField, RegList, TextField } from './fields';
import { fieldText, isObj, numValue, setIn, traceFieldOk, traceFieldText, traceFieldValue, type EventObj, type EventsDoc, type Json } from './model';

export interface FormProps {
  ev: EventObj;
  doc: EventsDoc;
  cat: EventCatalogue | null;
  /** Sets a path inside the selected event (undefined deletes it). */
  set: (path: (string | number)[], v: Json | undefined) => void;
  /** Replaces the selected event. */
  put: (ev: EventObj) => void;
  /** Replaces the whole document (file-level lists: memory, sockets). */
  setDoc: (doc: EventsDoc) => void;
  /** Replaces the selected event by a list of events. */
  splice: (events: Json[]) => void;
}

const arr = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : []);

function withMemory(doc: EventsDoc, m: Json[] | undefined): EventsDoc {
  const next = { ...doc };
  if (m) next.memory = m;
  else delete next.memory;
  return next;
}

export function KprobeForm({ ev, doc, cat, set, put, setDoc }: FormProps) {
  const fns = cat?.kprobe ?? [];
  const fn = fns.find((f) => f.name === ev.function);
  const argRegs = cat?.argRegs ?? ['rdi', 'rsi', 'rdx', 'rcx', 'r8', 'r9'];
  const args = Array.isArray(ev.args) ? ev.args : (fn?.example ?? []).map(numValue);
  const nargs = Math.max(args.length, fn?.args.length ?? 0);
  const kret = ev.kretprobe === true;
  return (
    <>
      <NameSelect label="Kernel function" value={ev.function} options={fns.map((f) => ({ name: f.name, value: f.name, title: f.description }))}
        onChange={(name) => {
          const f = fns.find((x) => x.name === name);
          put({ ...ev, function: name, args: (f?.example ?? []).map(numValue), ...(kret ? { ret: numValue(f?.exampleRet ?? '0') } : {}) });
        }} />
      {fn ? (
        <p className="evproto">
          <code>{fn.ret} {fn.name}({fn.args.map((a) => `${a.type}${a.type.endsWith('*') ? '' : ' '}${a.name}`).join(', ')})</code>
          <span className="dim"> {fn.description}</span>
        </p>
      ) : null}
      <label className="check evcheck">
        <input type="checkbox" checked={kret} onChange={(e) => put(e.target.checked ? { ...ev, kretprobe: true, ret: ev.ret ?? numValue(fn?.exampleRet ?? '0') } : setIn(setIn(ev, ['kretprobe'], undefined), ['ret'], undefined))} />
        kretprobe (the program runs when the function returns; rax holds the return value)
      </label>
      <Group title="Arguments">
        {nargs === 0 ? <p className="dim evnote">This function takes no arguments.</p> : null}
        {Array.from({ length: Math.min(nargs, 6) }, (_, k) => {
          const a = fn?.args[k];
          return (
            <NumField key={k} label={a?.name ?? `arg${k + 1}`} sub={`${a ? a.type : 'u64'} · ${argRegs[k]}`} aria={`Argument ${a?.name ?? k + 1} (${argRegs[k]})`}
              value={args[k]} placeholder="0" onChange={(v) => put({ ...ev, args: setIn(args, [k], v ?? 0) })} />
          );
        })}
      </Group>
      {kret ? <NumField label="Return value" sub={`${fn?.ret ?? 'long'} · rax`} aria="Return value (rax)" value={ev.ret} placeholder="0" onChange={(v) => set(['ret'], v)} /> : null}
      <RegList what="Other registers" regs={ev.regs} names={cat?.ptRegs ?? []} onChange={(r) => set(['regs'], r)} />
      <MemoryList memory={doc.memory} onChange={(m) => setDoc(withMemory(doc, m))} />
    </>
  );
}

export function TracepointForm({ ev, doc, cat, set, put, setDoc }: FormProps) {
  const tps = cat?.tracepoints ?? [];
  const tp = tps.find((t) => t.id === ev.tracepoint);
  const fields = isObj(ev.fields) ? ev.fields : {};
  return (
    <>
      <NameSelect label="Tracepoint" value={ev.tracepoint} options={tps.map((t) => ({ name: t.id, value: t.id, title: t.description }))}
        onChange={(id) => put({ ...ev, tracepoint: id, fields: {} })} />
      {tp ? <p className="evproto dim">{tp.description}</p> : null}
      <NumField label="pid" sub="common_pid" aria="Process id (common_pid)" value={ev.pid} placeholder="1000" onChange={(v) => set(['pid'], v)} />
      {tp ? (
        <table className="evtp" aria-label={`Fields of ${tp.id}`}>
          <thead><tr><th scope="col">field</th><th scope="col">C type</th><th scope="col">offset</th><th scope="col">size</th><th scope="col">value</th></tr></thead>
          <tbody>
            {tp.fields.filter((f) => !f.common).map((f) => {
              const text = f.dataLoc || (f.arrayLen !== null && f.ctype === 'char');
              const shown = traceFieldText(fields[f.name]);
              const bad = !traceFieldOk(shown, text);
              return (
                <tr key={f.name}>
                  <th scope="row" className="mono">{f.name}</th>
                  <td className="mono dim">{f.dataLoc ? `__data_loc ${f.ctype}` : f.arrayLen !== null ? `${f.ctype}[${f.arrayLen}]` : f.ctype}</td>
                  <td className="num">{f.offset}</td>
                  <td className="num">{f.size}</td>
                  <td>
                    <input className="mono" aria-label={`Field ${f.name}`} value={shown} spellCheck={false} aria-invalid={bad || undefined}
                      placeholder={text ? '(text, or hex:…)' : f.arrayLen !== null ? Array(Math.min(f.arrayLen, 4)).fill('0').join(', ') + (f.arrayLen > 4 ? ', …' : '') : '0'}
                      title={text ? 'Text (a NUL ends it), or hex:… for raw bytes' : f.arrayLen !== null ? `${f.arrayLen} values separated by commas, or hex:… for raw bytes` : 'A number: decimal, 0x… hex or negative'}
                      onChange={(e) => set(['fields', f.name], traceFieldValue(e.target.value, text))} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : <p className="err">Unknown tracepoint: pick one from the list.</p>}
      <MemoryList memory={doc.memory} onChange={(m) => setDoc(withMemory(doc, m))} />
    </>
  );
}

export function PerfForm({ ev, cat, set }: FormProps) {
  return (
    <>
      <NumField label="sample_period" aria="Sample period" value={ev.samplePeriod} placeholder="100000" onChange={(v) => set(['samplePeriod'], v)} />
      <NumField label="addr" sub="PERF_SAMPLE_ADDR" aria="Sample address" value={ev.addr} placeholder="0" onChange={(v) => set(['addr'], v)} />
      <RegList what="Registers at the sample (regs)" regs={ev.regs} names={cat?.ptRegs ?? []} onChange={(r) => set(['regs'], r)} />
    </>
  );
}

const SOCKET_FIELDS: { key: string; label: string; num: boolean }[] = [
  { key: 'localAddr', label: 'local address', num: false },
  { key: 'localPort', label: 'local port', num: true },
  { key: 'remoteAddr', label: 'remote address', num: false },
  { key: 'remotePort', label: 'remote port', num: true },
];

function SocketFields({ sock, onChange, cat, tcp, name }: { sock: Json | undefined; onChange: (s: Json | undefined) => void; cat: EventCatalogue | null; tcp: boolean; name: string }) {
  const s = isObj(sock) ? sock : {};
  const put = (k: string, v: Json | undefined) => {
    const next = setIn(s, [k], v);
    onChange(Object.keys(next).length ? next : undefined);
  };
  const d = cat?.socketDefaults ?? {};
  return (
    <Group title={name}>
      <NameSelect label="family" aria={`${name} family`} value={s.family} fallback={String(d.family ?? 'inet')} options={[{ name: 'inet', value: 'inet', title: 'AF_INET' }, { name: 'inet6', value: 'inet6', title: 'AF_INET6' }]} onChange={(v) => put('family', v)} />
      {SOCKET_FIELDS.map((f) =>
        f.num ? (
          <NumField key={f.key} label={f.label} aria={`${name} ${f.label}`} value={s[f.key]} placeholder={String(d[f.key] ?? '')} onChange={(v) => put(f.key, v)} />
        ) : (
          <TextField key={f.key} label={f.label} aria={`${name} ${f.label}`} value={fieldText(s[f.key])} placeholder={String(d[f.key] ?? '')} onChange={(v) => put(f.key, v === '' ? undefined : v)} />
        ),
      )}
      {tcp ? (
        <>
          <NameSelect label="TCP state" value={s.state} fallback="CLOSE" options={(cat?.tcpStates ?? []).slice(1).map((n, i) => ({ name: n, value: i + 1 }))} onChange={(v) => put('state', v)} />
          <NumField label="snd_cwnd" aria={`${name} snd_cwnd`} value={s.sndCwnd} placeholder={String(d.sndCwnd ?? '')} onChange={(v) => put('sndCwnd', v)} />
          <NumField label="srtt_us" aria={`${name} srtt_us`} value={s.srttUs} placeholder={String(d.srttUs ?? '')} onChange={(v) => put('srttUs', v)} />
          <NumField label="cb flags" sub="bpf_sock_ops_cb_flags" aria={`${name} callback flags`} value={s.cbFlags} placeholder="0" onChange={(v) => put('cbFlags', v)} />
        </>
      ) : null}
    </Group>
  );
}

export function SockOpsForm({ ev, cat, set, put, splice }: FormProps) {
  const scenario = ev.scenario !== undefined;
  const sc = cat?.scenarios.find((x) => x.id === ev.scenario);
  const args = arr(ev.args);
  return (
    <>
      <NameSelect label="Event" value={scenario ? 'scenario' : 'callback'} options={[{ name: 'scenario', value: 'scenario', title: 'a whole TCP life cycle' }, { name: 'callback', value: 'callback', title: 'one bpf_sock_ops callback' }]}
        onChange={(k) => put(k === 'scenario' ? { scenario: cat?.scenarios[0]?.id ?? 'active-connect' } : { op: 'BPF_SOCK_OPS_TCP_CONNECT_CB', args: [0, 0, 0, 0], socket: { state: 'CLOSE' } })} />
      {scenario ? (
        <>
          <NameSelect label="Scenario" value={ev.scenario} options={(cat?.scenarios ?? []).map((x) => ({ name: x.id, value: x.id, title: x.title }))} onChange={(id) => put({ scenario: id })} />
          {sc ? (
            <>
              <p className="evproto dim">{sc.title} ({sc.role} side). The callbacks, in the order the kernel makes them:</p>
              <ol className="evops mono">{sc.ops.map((o, i) => <li key={i}>{o}</li>)}</ol>
              <p className="dim evnote">
                To change one callback (its args or socket fields), list the callbacks instead of the scenario. Listed callbacks run one by one,
                each on its own socket: the connection no longer carries the program's replies and callback flags from one to the next.
              </p>
              <button type="button" onClick={() => splice(sc.callbacks.map((c) => ({ op: c.op, args: c.args, socket: c.socket })))}>List these callbacks</button>
            </>
          ) : null}
        </>
      ) : (
        <>
          <NameSelect label="Operation" value={ev.op} options={(cat?.sockOps ?? []).map((o) => ({ name: o.name, value: o.value }))} onChange={(v) => set(['op'], v)} />
          <Group title="args (args[0] is also the reply the program writes)">
            {[0, 1, 2, 3].map((k) => (
              <NumField key={k} label={`args[${k}]`} aria={`args[${k}]`} value={args[k]} placeholder="0" onChange={(v) => set(['args', k], v ?? 0)} />
            ))}
          </Group>
          <SocketFields name="Socket" sock={ev.socket} cat={cat} tcp onChange={(s) => set(['socket'], s)} />
        </>
      )}
    </>
  );
}

export function CgroupSockForm({ ev, cat, set }: FormProps) {
  return (
    <>
      <NameSelect label="Family" value={ev.family} fallback="AF_INET" options={cat?.families ?? []} onChange={(v) => set(['family'], v)} />
      <NameSelect label="Socket type" value={ev.type} fallback="SOCK_STREAM" options={cat?.sockTypes ?? []} onChange={(v) => set(['type'], v)} />
      <NameSelect label="Protocol" value={ev.protocol} fallback="IPPROTO_IP" options={cat?.protocols ?? []} onChange={(v) => set(['protocol'], v)} />
      <Group title="What the socket already has (the program may change these)">
        <NumField label="mark" sub="SO_MARK" aria="Socket mark" value={ev.mark} placeholder="0" onChange={(v) => set(['mark'], v)} />
        <NumField label="priority" sub="SO_PRIORITY" aria="Socket priority" value={ev.priority} placeholder="0" onChange={(v) => set(['priority'], v)} />
        <NumField label="bound_dev_if" sub="SO_BINDTODEVICE" aria="Bound device index" value={ev.boundDevIf} placeholder="0" onChange={(v) => set(['boundDevIf'], v)} />
      </Group>
    </>
  );
}

export function SkSkbForm({ ev, doc, cat, set, put, setDoc }: FormProps) {
  const sockets = arr(doc.sockets);
  const n = Math.max(1, sockets.length);
  const hex = typeof ev.hex === 'string';
  return (
    <>
      <NameSelect label="Socket" value={fieldText(ev.socket ?? 0)} options={Array.from({ length: n }, (_, i) => ({ name: String(i), value: i }))} onChange={(v) => set(['socket'], Number(v))} />
      <NameSelect label="Message as" value={hex ? 'hex' : 'text'} options={[{ name: 'text', value: 'text' }, { name: 'hex', value: 'hex' }]}
        onChange={(k) => {
          const content = fieldText(hex ? ev.hex : ev.text);
          const next = setIn(setIn(ev, ['hex'], undefined), ['text'], undefined);
          put({ ...next, [k]: content });
        }} />
      <TextField area label={hex ? 'Message bytes (hex)' : 'Message text'} value={fieldText(hex ? ev.hex : ev.text)} onChange={(v) => set([hex ? 'hex' : 'text'], v)} />
      <Group title="Sockets in the sockmap" actions={<button type="button" onClick={() => setDoc({ ...doc, sockets: [...(sockets.length ? sockets : [{}]), { localPort: 8080 + sockets.length }] })}>Add socket</button>}>
        {(sockets.length ? sockets : [{}]).map((s, i) => (
          <div key={i} className="evsock">
            <SocketFields name={`Socket ${i}`} sock={s} cat={cat} tcp={false} onChange={(x) => setDoc({ ...doc, sockets: (sockets.length ? sockets : [{}]).map((y, j) => (j === i ? x ?? {} : y)) })} />
            {sockets.length > 1 ? <button type="button" aria-label={`Remove socket ${i}`} onClick={() => setDoc({ ...doc, sockets: sockets.filter((_, j) => j !== i) })}>Remove socket {i}</button> : null}
          </div>
        ))}
      </Group>
    </>
  );
}

export const FORMS: Record<string, (p: FormProps) => React.JSX.Element> = {
  kprobe: KprobeForm, tracepoint: TracepointForm, perf_event: PerfForm, sock_ops: SockOpsForm, cgroup_sock: CgroupSockForm, sk_skb: SkSkbForm,
};
