// Maps: every map of the program as a key/value table at the step shown, with the entries the step
// changed highlighted; before a run the initial contents can be edited. A prog_array's value is a program
// index: the table names the program in each slot, a slot is set by choosing a program and emptied with ✕
// (the slots the section names filled stay unless the user changes them).
import { useState } from 'react';
import { Panel } from '../components/Panel';
import { useStore } from '../store';
import type { MapEntryView, MapView } from '../../worker/api/types';
import '../components/multiprog.css';

function spaced(hex: string): string {
  return hex.replace(/(..)(?=.)/g, '$1 ');
}

const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff].map((x) => x.toString(16).padStart(2, '0')).join('');

/** prog_array slots: choose a program for a slot, or empty one. Programs cannot change a prog_array, so
 * what the table shows is the initial contents: the base of the user's edits. */
function ProgArrayEdit({ m }: { m: MapView }) {
  const setMapEntries = useStore((s) => s.setMapEntries);
  const programs = useStore((s) => s.build?.programs ?? []);
  const [slot, setSlot] = useState('0');
  const [prog, setProg] = useState('0');
  const base = m.entries.map((e) => ({ key: e.key, value: e.value }));
  const n = Number(slot);
  const valid = Number.isInteger(n) && n >= 0 && n < m.maxEntries;
  return (
    <form className="kv-add" onSubmit={(ev) => {
      ev.preventDefault();
      if (!valid) return;
      setMapEntries(m.name, [...base.filter((e) => e.key !== le32(n)), { key: le32(n), value: le32(Number(prog)) }]);
    }}>
      <input aria-label={`Slot of ${m.name}`} type="number" min={0} max={m.maxEntries - 1} value={slot} onChange={(e) => setSlot(e.target.value)} />
      <select aria-label={`Program for the slot of ${m.name}`} value={prog} onChange={(e) => setProg(e.target.value)}>
        {programs.map((p) => <option key={p.index} value={p.index}>{`${p.index}: ${p.name}`}</option>)}
      </select>
      <button type="submit" disabled={!valid}>Set slot</button>
    </form>
  );
}

function MapTable({ m }: { m: MapView }) {
  const setMapEntries = useStore((s) => s.setMapEntries);
  const overrides = useStore((s) => s.mapOverrides[m.name]);
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const notes = m.type === 'prog_array' || m.entries.some((e) => e.note);
  const programs = useStore((s) => s.build?.programs?.length ?? 0);
  const add = () => {
    const k = key.replace(/\s/g, '').toLowerCase();
    const v = value.replace(/\s/g, '').toLowerCase();
    if (k.length !== m.keySize * 2 || v.length !== m.valueSize * 2 || !/^[0-9a-f]*$/.test(k + v)) return;
    const base: MapEntryView[] = (overrides ?? []).filter((e) => e.key !== k);
    setMapEntries(m.name, [...base, { key: k, value: v }]);
    setKey('');
    setValue('');
  };
  return (
    <div className="map">
      <h3>{m.name} <span className="dim">{m.type} · key {m.keySize} B · value {m.valueSize} B · max {m.maxEntries}</span></h3>
      <table className="kv">
        <thead><tr><th>key</th><th>value</th>{notes ? <th>{m.type === 'prog_array' ? 'program' : 'meaning'}</th> : null}</tr></thead>
        <tbody>
          {m.entries.length === 0 ? <tr><td colSpan={notes ? 3 : 2} className="empty">empty</td></tr> : m.entries.map((e) => (
            <tr key={e.key} className={m.changed.includes(e.key) ? 'changed' : undefined}>
              <td>{spaced(e.key)}</td><td>{spaced(e.value)}</td>{notes ? <td className="note">{e.note ?? ''}{m.type === 'prog_array' ? (
                <button type="button" className="link slotx" aria-label={`Empty slot ${e.key} of ${m.name}`} title="Empty this slot (a tail call to it fails)"
                  onClick={() => setMapEntries(m.name, m.entries.filter((x) => x.key !== e.key).map((x) => ({ key: x.key, value: x.value })))}>✕</button>
              ) : null}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
      {m.type === 'prog_array' && programs > 0 ? <ProgArrayEdit m={m} /> : <form className="kv-add" onSubmit={(ev) => { ev.preventDefault(); add(); }}>
        <input aria-label={`New key for ${m.name} (hex)`} placeholder={`key (${m.keySize} bytes hex)`} value={key} onChange={(e) => setKey(e.target.value)} />
        <input aria-label={`New value for ${m.name} (hex)`} placeholder={m.type === 'prog_array' ? 'program index (4 bytes hex, LE)' : `value (${m.valueSize} bytes hex)`} value={value} onChange={(e) => setValue(e.target.value)} />
        <button type="submit">Set initial</button>
      </form>}
    </div>
  );
}

export function Maps() {
  const frame = useStore((s) => s.frame);
  const build = useStore((s) => s.build);
  const maps = frame?.maps.length ? frame.maps : build?.maps ?? [];
  return (
    <Panel name="Maps" className="p-maps">
      {maps.length === 0 ? <p className="empty">This program defines no maps.</p> : maps.map((m) => <MapTable key={m.name} m={m} />)}
    </Panel>
  );
}
