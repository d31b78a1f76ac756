// The attach form for packet program types: where the program is attached, which every packet then
// reaches it through (the events file's per-packet "meta", worker/events/format.ts, applied to all packets
// and kept in permalinks and drafts as `attach`). tc and cgroup_skb: ingress or egress; every packet type:
// the device's ifindex; LWT: the route (`ip route add <prefix> encap bpf in|out|xmit … dev …`) — a packet
// whose destination is outside the prefix is "not routed through this program" (the engine says so instead
// of a verdict). "Events file" saves the packets with this attach point for `cli run --events`.
// It does not validate the prefix itself: the engine reports a bad one in the verdicts.
import { useEffect, useState } from 'react';
import type { AttachView } from '../../worker/api/types';
import { selectInputs, useStore } from '../store';
import { BOTH_WAYS_TYPES, packetsAsEventsFile } from './model';

const LWT_HOOK: Record<string, string> = { lwt_in: 'in', lwt_out: 'out', lwt_xmit: 'xmit' };

/** `attach` without the keys set to undefined (so a default attach point stays `{}`). */
function clean(a: AttachView): AttachView {
  const out: AttachView = {};
  if (a.direction) out.direction = a.direction;
  if (a.ifindex !== undefined) out.ifindex = a.ifindex;
  if (a.route) out.route = a.route;
  return out;
}

export function AttachForm() {
  const progType = useStore((s) => s.progType);
  const attach = useStore((s) => s.attach);
  const setAttach = useStore((s) => s.setAttach);
  const [route, setRoute] = useState(attach.route ?? '');
  const [ifindex, setIfindex] = useState(attach.ifindex !== undefined ? String(attach.ifindex) : '');
  useEffect(() => setRoute(attach.route ?? ''), [attach.route]);
  useEffect(() => setIfindex(attach.ifindex !== undefined ? String(attach.ifindex) : ''), [attach.ifindex]);
  const hook = LWT_HOOK[progType];
  const put = (p: Partial<AttachView>) => setAttach(clean({ ...attach, ...p }));
  const ifOk = ifindex === '' || (/^\d{1,10}$/.test(ifindex) && Number(ifindex) > 0 && Number(ifindex) < 2 ** 31);
  return (
    <div className="attach-form" role="group" aria-label="Attach point" style={{ display: 'flex', alignItems: 'center', gap: 6, flexWrap: 'wrap' }}>
      <span className="dim">attached</span>
      {BOTH_WAYS_TYPES.includes(progType) ? (
        <select aria-label="Attach direction" value={attach.direction ?? 'ingress'} onChange={(e) => put({ direction: e.target.value === 'egress' ? 'egress' : undefined })}
          title={progType === 'cgroup_skb' ? 'cgroup_skb/ingress sees packets a socket of the cgroup receives, egress those it sends' : 'tc ingress (clsact) sees received frames, egress frames being sent'}>
          <option value="ingress">ingress</option>
          <option value="egress">egress</option>
        </select>
      ) : null}
      <label className="dim">ifindex{' '}
        <input aria-label="Attach ifindex" aria-invalid={!ifOk} size={4} inputMode="numeric" placeholder="2" value={ifindex}
          title="The device's interface index (skb->ifindex); 2 when not set"
          onChange={(e) => {
            const t = e.target.value.trim();
            setIfindex(t);
            if (t === '') put({ ifindex: undefined });
            else if (/^\d{1,10}$/.test(t) && Number(t) > 0 && Number(t) < 2 ** 31) put({ ifindex: Number(t) });
          }} />
      </label>
      {hook ? (
        <>
          <label className="dim">route{' '}
            <input aria-label="Route prefix" size={16} placeholder="every destination" value={route} spellCheck={false}
              title="Destination prefix of the route the program is attached to (e.g. 198.51.100.0/24); packets to other destinations do not reach it"
              onChange={(e) => {
                setRoute(e.target.value);
                put({ route: e.target.value.trim() || undefined });
              }} />
          </label>
          <code className="dim" data-testid="route-command" title="The route this program is attached to, as iproute2 writes it">ip route add {route.trim() || 'default'} encap bpf {hook} obj prog.o dev eth0</code>
        </>
      ) : null}
      <button type="button" title="Save these packets with this attach point as an events file, for `cli run --events`" onClick={() => {
        const s = useStore.getState();
        const text = packetsAsEventsFile(s.progType, selectInputs(s), s.attach);
        const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
        const a = document.createElement('a');
        a.href = url; a.download = `bpfplay-${s.progType}-events.json`; a.click();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
      }}>Events file</button>
    </div>
  );
}
