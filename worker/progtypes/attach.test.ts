import { describe, expect, it } from 'vitest';
import { buildSample } from '../packets/samples';
import { prepareAttachView } from './attach';

const rd32 = (b: Uint8Array, o: number) => new DataView(b.buffer, b.byteOffset).getUint32(o, true);

describe('attach-point view', () => {
  const tcp = buildSample('tcp-handshake')!.frames[0];
  const vlan = buildSample('vlan')!.frames[0];
  const view = (s: NonNullable<ReturnType<typeof prepareAttachView>['setup']>) => s.packet.buf.subarray(s.packet.data, s.packet.dataEnd);

  it('socket filter: AF_PACKET sees L2, an inet socket sees L3', () => {
    expect(view(prepareAttachView('socket_filter', tcp, { socket: 'packet' }).setup!)).toEqual(tcp);
    expect(view(prepareAttachView('socket_filter', tcp, { socket: 'inet' }).setup!)).toEqual(tcp.subarray(14));
    expect(rd32(prepareAttachView('socket_filter', tcp, { socket: 'packet' }).setup!.ctx, 0)).toBe(tcp.length);
  });
  it('cgroup_skb and lwt see L3, also when the frame is given from L3', () => {
    for (const t of ['cgroup_skb', 'lwt_in', 'lwt_out', 'lwt_xmit'] as const) {
      expect(view(prepareAttachView(t, tcp).setup!)).toEqual(tcp.subarray(14));
      expect(view(prepareAttachView(t, tcp.subarray(14), { frameStartsAt: 'l3' }).setup!)).toEqual(tcp.subarray(14));
    }
  });
  it('tc ingress offloads the VLAN tag into metadata; egress keeps it', () => {
    const i = prepareAttachView('sched_cls', vlan, { direction: 'ingress' }).setup!;
    expect(rd32(i.ctx, 20)).toBe(1);
    expect(rd32(i.ctx, 24) & 0xfff).toBe(100);
    expect(rd32(i.ctx, 24) >> 13).toBe(5);
    expect(view(i).length).toBe(vlan.length - 4);
    expect([view(i)[12], view(i)[13]]).toEqual([0x08, 0x00]);
    const e = prepareAttachView('sched_cls', vlan, { direction: 'egress' }).setup!;
    expect(rd32(e.ctx, 20)).toBe(0);
    expect(view(e)).toEqual(vlan);
    expect(rd32(e.ctx, 4)).toBe(4); // PACKET_OUTGOING
  });
  it('metadata the user sets shows up in __sk_buff', () => {
    const s = prepareAttachView('sched_cls', tcp, { ifindex: 7, mark: 0xabc, hash: 0x1234, priority: 3 }).setup!;
    expect([rd32(s.ctx, 40), rd32(s.ctx, 8), rd32(s.ctx, 68), rd32(s.ctx, 32), rd32(s.ctx, 4)]).toEqual([7, 0xabc, 0x1234, 3, 0]);
  });
  it('xdp: L2 with 256 bytes of headroom and the ingress device', () => {
    const s = prepareAttachView('xdp', tcp, { ifindex: 3, rxQueueIndex: 2 }).setup!;
    expect(s.packet.data).toBe(256);
    expect(view(s)).toEqual(tcp);
    expect([rd32(s.ctx, 12), rd32(s.ctx, 16)]).toEqual([3, 2]);
  });
  it('short frames are diagnosed', () => {
    expect(prepareAttachView('sched_cls', new Uint8Array(5)).diagnostics[0].code).toBe('attach.short');
  });
});
