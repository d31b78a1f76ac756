// Test support (used by *.test.ts only): a seeded generator of Ethernet frames — VLAN, ARP, IPv4
// with options and fragments, IPv6 with extension headers, TCP/UDP/ICMP/SCTP — whose addresses,
// ports and protocol numbers are biased to the constants of a given filter, so filters that should
// agree are exercised on both sides of every comparison.

export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** Constants that appear in a program (k values) to bias the packets towards. */
export function constantsOf(ks: number[]): number[] {
  const out = new Set<number>();
  for (const k of ks) {
    out.add(k >>> 0);
    out.add((k + 1) >>> 0);
    out.add((k - 1) >>> 0);
  }
  return [...out];
}

export function genPackets(count: number, seed: number, consts: number[]): Uint8Array[] {
  const r = rng(seed);
  const pick = <T,>(a: readonly T[]): T => a[r() % a.length]!;
  const c16 = consts.filter((c) => c <= 0xffff);
  const c8 = consts.filter((c) => c <= 0xff);
  const u8 = (): number => (r() % 3 === 0 && c8.length ? pick(c8) : r() & 0xff);
  const u16 = (): number => (r() % 4 !== 0 && c16.length ? pick(c16) : r() % 4 === 0 ? r() % 1024 : r() & 0xffff);
  const u32 = (): number => (r() % 2 === 0 && consts.length ? pick(consts) : r() % 3 === 0 ? ((10 << 24) | (r() & 0xffffff)) >>> 0 : r() >>> 0);
  const out: Uint8Array[] = [];
  for (let n = 0; n < count; n++) {
    const b: number[] = [];
    const push16 = (v: number): void => void b.push((v >> 8) & 0xff, v & 0xff);
    const push32 = (v: number): void => void b.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
    const mac = (): void => {
      const kind = r() % 5;
      for (let i = 0; i < 6; i++) b.push(kind === 0 ? 0xff : kind === 1 ? [0x00, 0x11, 0x22, 0x33, 0x44, 0x55][i]! : kind === 2 ? (i === 0 ? 0x01 : r() & 0xff) : r() & 0xfe);
    };
    mac();
    mac();
    let vlans = r() % 6 === 0 ? 1 + (r() % 2) : 0;
    while (vlans-- > 0) {
      push16(pick([0x8100, 0x88a8, 0x9100]));
      push16(r() % 2 ? u16() & 0xfff : r() & 0xffff);
    }
    const l3 = r() % 10;
    const transport = (proto: number): void => {
      if (proto === 6) {
        push16(u16());
        push16(u16());
        push32(r());
        push32(r());
        b.push(pick([0x50, 0x60, 0x80, 0xf0]), u8());
        push16(r() & 0xffff);
        push16(0);
        push16(0);
      } else if (proto === 17 || proto === 132) {
        push16(u16());
        push16(u16());
        push16(8 + (r() % 100));
        push16(0);
      } else if (proto === 1 || proto === 58) {
        b.push(pick([0, 3, 8, 11, 128, 129, 135, u8()]), u8());
        push16(0);
      }
      const extra = r() % 24;
      for (let i = 0; i < extra; i++) b.push(u8());
    };
    if (l3 < 5) {
      push16(0x0800);
      const ihl = r() % 4 === 0 ? 5 + (r() % 3) : 5;
      const proto = pick([6, 6, 6, 17, 17, 17, 1, 2, 132, 47, 50, 51, 103, 112, u8()]);
      b.push(0x40 | ihl, u8());
      push16(u16());
      push16(r() & 0xffff);
      push16(r() % 4 === 0 ? r() & 0xffff : r() % 3 === 0 ? 0x4000 : 0);
      b.push(u8(), proto);
      push16(0);
      push32(u32());
      push32(u32());
      for (let i = 5; i < ihl; i++) push32(r());
      transport(proto);
    } else if (l3 < 8) {
      push16(0x86dd);
      push32(0x60000000);
      push16(r() % 200);
      const frag = r() % 4 === 0;
      const proto = pick([6, 6, 17, 17, 58, 132, 0, 43, 60, 51, u8()]);
      b.push(frag ? 44 : proto, u8());
      for (let i = 0; i < 2; i++) {
        if (r() % 3 === 0) {
          push32(0xfe800000);
          push32(0);
          push32(0);
          push32(r() % 2 ? 1 : r());
        } else {
          push32(r() % 2 ? 0x20010db8 : u32());
          push32(r() % 3 ? 0 : r());
          push32(r() % 3 ? 0 : r());
          push32(r() % 2 ? 1 : u32());
        }
      }
      if (frag) {
        b.push(proto, 0);
        push16(r() & 0xffff);
        push32(r());
      }
      let next = proto;
      // real extension header chains: hop-by-hop (0), routing (43), destination options (60), AH (51)
      while (next === 0 || next === 43 || next === 60 || (next === 51 && r() % 2 === 0)) {
        const inner = pick([6, 17, 58, 60, 43, 51, 59]);
        const words = r() % 2;
        b.push(inner, next === 51 ? 1 + words * 2 : words);
        for (let i = 2; i < (next === 51 ? (3 + words * 2) * 4 : 8 * (words + 1)); i++) b.push(r() & 0xff);
        next = inner === next ? 6 : inner;
      }
      transport(next);
    } else if (l3 === 8) {
      push16(pick([0x0806, 0x8035]));
      push16(1);
      push16(0x0800);
      b.push(6, 4);
      push16(pick([1, 2, 3, 4]));
      for (let i = 0; i < 6; i++) b.push(r() & 0xff);
      push32(u32());
      for (let i = 0; i < 6; i++) b.push(r() & 0xff);
      push32(u32());
    } else {
      push16(pick([0x8847, 0x8864, 0x8863, u16(), r() % 1500]));
      const extra = r() % 60;
      for (let i = 0; i < extra; i++) b.push(u8());
    }
    // random truncation sometimes (short packets, out-of-bounds loads)
    let len = b.length;
    if (r() % 12 === 0) len = r() % (len + 1);
    out.push(Uint8Array.from(b.slice(0, len)));
  }
  return out;
}
