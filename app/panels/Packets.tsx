// Packets: the input list with each packet's verdict, return value, kept length and instructions
// executed (virtualised, so 10,000 packets stay fast); the selected packet as a decoded tree plus a
// hex dump in which the bytes the current instruction reads or writes are highlighted; pcap/pcapng
// open (button or drag-and-drop onto the page), export, hex paste, progress and cancel. For the
// non-packet program types the list holds events: the events editor (app/events) and the context
// view of the selected event (Context.tsx) replace the packet tools.
import { memo, useEffect, useMemo, useRef, useState, type UIEvent } from 'react';
import { Panel } from '../components/Panel';
import { hex2 } from '../components/format';
import { isPacketType, selectInputs, useStore } from '../store';
import { BudgetSelect } from '../components/Controls';
import type { ByteRange, PacketDetail, PacketForm, PacketLayer } from '../../worker/api/types';
import { EventsEditor } from '../events/EventsEditor';
import { ContextView } from './Context';

const ROW_H = 24;

function PacketList() {
  const packets = useStore(selectInputs);
  const verdicts = useStore((s) => s.verdicts);
  const selected = useStore((s) => s.cursor.packet);
  const selectPacket = useStore((s) => s.selectPacket);
  const [scroll, setScroll] = useState(0);
  const height = 168;
  const scroller = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const top = selected * ROW_H;
    const el = scroller.current;
    if (el && (top < el.scrollTop || top + ROW_H > el.scrollTop + height)) el.scrollTop = Math.max(0, top - height / 2);
  }, [selected]);
  const first = Math.max(0, Math.floor(scroll / ROW_H) - 4);
  const last = Math.min(packets.length, first + Math.ceil(height / ROW_H) + 8);
  const summaries = useStore((s) => s.summaries);
  const fetchSummaries = useStore((s) => s.fetchSummaries);
  const verdictsReady = verdicts.length === packets.length;
  useEffect(() => {
    if (last > first && verdictsReady && packets.slice(first, last).some((p) => !p.name)) void fetchSummaries(first, last - first);
  }, [first, last, packets, verdictsReady, fetchSummaries]);
  const rows = [];
  for (let i = first; i < last; i++) {
    const p = packets[i]!;
    const name = p.name || summaries[i] || `packet ${i + 1}`;
    const v = verdicts[i];
    rows.push(
      <div role="row" key={i} aria-selected={i === selected} className={`prow${i === selected ? ' sel' : ''}`} style={{ top: i * ROW_H }}
        onClick={() => void selectPacket(i)} data-testid={`packet-${i}`}>
        <span role="cell" className="c-idx">{i + 1}</span>
        <span role="cell" className="c-name" title={name}>{name}</span>
        <span role="cell" className="c-len">{p.hex.length / 2}</span>
        <span role="cell" className={`c-verdict v-${v?.verdictClass ?? 'none'}`}>{v ? v.verdict : '…'}</span>
        <span role="cell" className="c-ret">{v?.retval ?? ''}</span>
        <span role="cell" className="c-insns">{v ? v.insns : ''}</span>
      </div>,
    );
  }
  const onScroll = (e: UIEvent<HTMLDivElement>) => setScroll(e.currentTarget.scrollTop);
  return (
    <div className="plist" role="table" aria-label="Packet verdicts" aria-rowcount={packets.length}>
      <div role="row" className="prow phead">
        <span role="columnheader" className="c-idx">#</span>
        <span role="columnheader" className="c-name">{useStore.getState().progTypes.find((t) => t.name === useStore.getState().progType)?.packetBased === false ? 'event' : 'packet'}</span>
        <span role="columnheader" className="c-len">len</span>
        <span role="columnheader" className="c-verdict">verdict</span>
        <span role="columnheader" className="c-ret">ret</span>
        <span role="columnheader" className="c-insns">insns</span>
      </div>
      <div className="pscroll" ref={scroller} style={{ height }} onScroll={onScroll} tabIndex={0} aria-label="Packet list"
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') { e.preventDefault(); void selectPacket(Math.min(packets.length - 1, selected + 1)); }
          if (e.key === 'ArrowUp') { e.preventDefault(); void selectPacket(Math.max(0, selected - 1)); }
        }}>
        <div style={{ height: packets.length * ROW_H, position: 'relative' }}>{rows}</div>
      </div>
    </div>
  );
}

function inRanges(i: number, ranges: ByteRange[]): 'read' | 'write' | null {
  for (const r of ranges) if (i >= r.start && i < r.start + r.len) return r.kind;
  return null;
}

function layerAt(i: number, layers: PacketLayer[]): number {
  for (let k = layers.length - 1; k >= 0; k--) {
    const l = layers[k]!;
    if (i >= l.offset && i < l.offset + l.length) return k;
  }
  return -1;
}

const HexRow = memo(function HexRow({ offset, cells }: { offset: number; cells: string }) {
  // cells: one entry per byte, "hh|classes", joined by ';' — a cheap key so unchanged rows skip rendering.
  return (
    <div className="hrow">
      <span className="hoff">{offset.toString(16).padStart(4, '0')}</span>
      {cells.split(';').map((c, k) => {
        const [h, cls] = c.split('|');
        return <span key={k} className={`hb ${cls}`} title={`offset ${offset + k}`}>{h}</span>;
      })}
    </div>
  );
});

function HexDump({ bytes, original, access, layers, hover }: { bytes: Uint8Array; original: Uint8Array; access: ByteRange[]; layers: PacketLayer[]; hover: [number, number] | null }) {
  const rows = [];
  for (let o = 0; o < bytes.length; o += 16) {
    const cells: string[] = [];
    for (let i = o; i < Math.min(o + 16, bytes.length); i++) {
      const a = inRanges(i, access);
      const li = layerAt(i, layers);
      const diff = original[i] !== bytes[i];
      const hv = hover && i >= hover[0] && i < hover[0] + hover[1];
      cells.push(`${hex2(bytes[i]!)}|l${li % 6}${a ? ` acc-${a}` : ''}${diff ? ' diff' : ''}${hv ? ' hv' : ''}`);
    }
    rows.push(<HexRow key={o} offset={o} cells={cells.join(';')} />);
  }
  return <div className="hexdump" aria-label="Packet bytes">{rows}</div>;
}

const PacketTree = memo(function PacketTree({ detail, setHover }: { detail: PacketDetail; setHover: (h: [number, number] | null) => void }) {
  return (
    <div className="ptree" aria-label="Decoded packet">
      <div className="psum">{detail.summary}</div>
      {detail.layers.map((l, k) => (
        <details key={k} open className={`layer l${k % 6}`}>
          <summary onMouseEnter={() => setHover([l.offset, l.length])} onMouseLeave={() => setHover(null)}>{l.name} <span className="dim">[{l.offset}, +{l.length}]</span></summary>
          <ul>
            {l.fields.map((f, j) => (
              <li key={j} onMouseEnter={() => setHover([f.offset, f.length])} onMouseLeave={() => setHover(null)}>
                <span className="fname">{f.name}</span> <span className="fval">{f.value}</span> <span className="dim">@{f.offset}</span>
              </li>
            ))}
          </ul>
        </details>
      ))}
    </div>
  );
});

function PacketDetailView() {
  const detail = useStore((s) => s.detail);
  const frame = useStore((s) => s.frame);
  const [hover, setHover] = useState<[number, number] | null>(null);
  if (!detail) return <p className="empty">Select a packet.</p>;
  const mine = frame?.packet === detail.index;
  const bytes = mine && frame.packetBytes && frame.packetBytes.length === detail.bytes.length ? frame.packetBytes : detail.bytes;
  return (
    <div className="pdetail">
      <HexDump bytes={bytes} original={detail.bytes} access={mine ? frame.access : []} layers={detail.layers} hover={hover} />
      <PacketTree detail={detail} setHover={setHover} />
    </div>
  );
}

function PasteHex() {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const addPastedPacket = useStore((s) => s.addPastedPacket);
  if (!open) return <button type="button" onClick={() => setOpen(true)} title="Add a packet from hex bytes (plain hex, C arrays, tcpdump -xx or hexdump -C output)">Hex…</button>;
  return (
    <form className="paste" aria-label="Paste packet bytes" onSubmit={async (e) => {
      e.preventDefault();
      const err = await addPastedPacket(text);
      setError(err);
      if (!err) { setOpen(false); setText(''); }
    }}>
      <textarea aria-label="Packet bytes in hex" value={text} onChange={(e) => setText(e.target.value)} placeholder="ff ff ff ff ff ff 00 11 22 … or a tcpdump -xx dump" rows={4} spellCheck={false} />
      {error ? <span className="err">{error}</span> : null}
      <div className="row"><button type="submit">Add packet</button><button type="button" onClick={() => setOpen(false)}>Cancel</button></div>
    </form>
  );
}

function Builder() {
  const add = useStore((s) => s.addBuiltPacket);
  const [open, setOpen] = useState(false);
  const [f, setF] = useState<PacketForm>({ ip: 4, l4: 'udp', src: '192.0.2.10', dst: '198.51.100.20', sport: 53000, dport: 53, flags: 'S', payload: '' });
  const [error, setError] = useState<string | null>(null);
  if (!open) return <button type="button" onClick={() => setOpen(true)} title="Build a packet from fields">Build…</button>;
  const num = (v: string) => Math.max(0, Math.min(65535, Number(v) || 0));
  return (
    <form className="paste builder" aria-label="Packet builder" onSubmit={async (e) => {
      e.preventDefault();
      const err = await add(f);
      setError(err);
      if (!err) setOpen(false);
    }}>
      <div className="row">
        <label>IP <select aria-label="IP version" value={f.ip} onChange={(e) => setF({ ...f, ip: Number(e.target.value) as 4 | 6, src: e.target.value === '6' ? '2001:db8::a' : '192.0.2.10', dst: e.target.value === '6' ? '2001:db8::b' : '198.51.100.20' })}><option value={4}>IPv4</option><option value={6}>IPv6</option></select></label>
        <label>L4 <select aria-label="Transport" value={f.l4} onChange={(e) => setF({ ...f, l4: e.target.value as PacketForm['l4'] })}><option value="tcp">TCP</option><option value="udp">UDP</option><option value="icmp">ICMP echo</option></select></label>
        {f.l4 === 'tcp' ? <label>flags <input aria-label="TCP flags" value={f.flags} onChange={(e) => setF({ ...f, flags: e.target.value })} size={4} /></label> : null}
      </div>
      <div className="row">
        <input aria-label="Source address" value={f.src} onChange={(e) => setF({ ...f, src: e.target.value })} />
        <input aria-label="Destination address" value={f.dst} onChange={(e) => setF({ ...f, dst: e.target.value })} />
      </div>
      {f.l4 !== 'icmp' ? (
        <div className="row">
          <input aria-label="Source port" type="number" value={f.sport} onChange={(e) => setF({ ...f, sport: num(e.target.value) })} />
          <input aria-label="Destination port" type="number" value={f.dport} onChange={(e) => setF({ ...f, dport: num(e.target.value) })} />
        </div>
      ) : null}
      <input aria-label="Payload text" placeholder="payload (text)" value={f.payload} onChange={(e) => setF({ ...f, payload: e.target.value })} />
      {error ? <span className="err">{error}</span> : null}
      <div className="row"><button type="submit">Add packet</button><button type="button" onClick={() => setOpen(false)}>Cancel</button></div>
    </form>
  );
}

export function Packets() {
  const progress = useStore((s) => s.progress);
  const cancelRun = useStore((s) => s.cancelRun);
  const importCapture = useStore((s) => s.importCapture);
  const exportCapture = useStore((s) => s.exportCapture);
  const packetsSet = useStore((s) => s.packets);
  const setPackets = useStore((s) => s.setPackets);
  const verdicts = useStore((s) => s.verdicts);
  const packetBased = useStore(isPacketType);
  const eventsError = useStore((s) => s.eventsError);
  const fileRef = useRef<HTMLInputElement>(null);
  const progType = useStore((s) => s.progType);
  const [editing, setEditing] = useState(false);
  const counts = useMemo(() => {
    // 'other' (not routed through an LWT program, a verdict that neither passes nor drops) is its own count.
    let keep = 0, drop = 0, fault = 0, other = 0;
    for (const v of verdicts) {
      if (v.verdictClass === 'drop') drop++;
      else if (v.verdictClass === 'fault') fault++;
      else if (v.verdictClass === 'other') other++;
      else keep++;
    }
    return { keep, drop, fault, other };
  }, [verdicts]);
  const tools = !packetBased ? (
    <>
      <button type="button" onClick={() => setEditing(true)} aria-expanded={editing} title="Edit the events this program runs on: a form per event, or the events file as JSON">Edit events…</button>
      <BudgetSelect />
    </>
  ) : (
    <>
      <input ref={fileRef} type="file" accept=".pcap,.pcapng,.cap" hidden aria-label="Open capture file"
        onChange={async (e) => {
          const f = e.target.files?.[0];
          if (f) await importCapture(f.name, new Uint8Array(await f.arrayBuffer()));
          e.target.value = '';
        }} />
      <button type="button" onClick={() => fileRef.current?.click()} title="Open a pcap or pcapng file (or drop one on the page)">Open pcap…</button>
      <button type="button" title="Save the packets as a pcap file" onClick={async () => {
        const bytes = await exportCapture();
        if (!bytes) return;
        const url = URL.createObjectURL(new Blob([bytes.slice().buffer], { type: 'application/vnd.tcpdump.pcap' }));
        const a = document.createElement('a');
        a.href = url; a.download = 'bpfplay.pcap'; a.click();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
      }}>Export</button>
      <Builder />
      <PasteHex />
      <BudgetSelect />
      {packetsSet ? <button type="button" onClick={() => setPackets(null)} title="Go back to the sample traffic">Samples</button> : null}
    </>
  );
  return (
    <Panel name="Packets" className="p-packets" tools={tools}
      title={verdicts.length ? (packetBased ? `${counts.keep} kept · ${counts.drop} dropped` + (counts.other ? ` · ${counts.other} other` : '') : `${verdicts.length} events run`) + (counts.fault ? ` · ${counts.fault} faulted` : '') : undefined}>
      {progress ? (
        <div className="progress" role="status">
          <progress max={progress.total} value={progress.done} aria-label="Run progress" /> {progress.done}/{progress.total}
          <button type="button" onClick={cancelRun}>Cancel</button>
        </div>
      ) : null}
      {!packetBased && editing ? <EventsEditor key={progType} onClose={() => setEditing(false)} /> : null}
      {!packetBased && eventsError && !editing ? <p className="err" role="alert">{eventsError}</p> : null}
      <PacketList />
      {progType !== 'seccomp' ? <ContextView key={packetBased ? 'packet' : 'event'} collapsible={packetBased} /> : null}
      <PacketDetailView />
    </Panel>
  );
}
