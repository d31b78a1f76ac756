// Test support (used by *.test.ts only): seeded random classic programs that pass the kernel's
// checker (forward jumps, a ret last, M[] written before read on every path), and mutations of them
// that break exactly one bpf_check_classic() rule.
import { rng } from './testing-packets';
import { SKF_AD_OFF, SKF_LL_OFF, SKF_NET_OFF, type SockFilter } from './insn';

const ANC_DETERMINISTIC = [0, 4, 8, 12, 16, 20, 24, 28, 40, 44, 48, 60]; // proto type ifidx nla nlan mark queue hatype xor_x vlan_tci vlan_avail vlan_tpid

export function randomFilter(seed: number, opts: { ancillary?: number[] } = {}): SockFilter[] {
  const r = rng(seed);
  const pick = <T,>(a: readonly T[]): T => a[r() % a.length]!;
  const anc = opts.ancillary ?? ANC_DETERMINISTIC;
  const n = 3 + (r() % 28);
  const out: SockFilter[] = [];
  const f = (code: number, k = 0, jt = 0, jf = 0): void => void out.push({ code, jt, jf, k: k >>> 0 });
  // write M[0..3] first so every later read is initialised on every path
  const mems = r() % 3 === 0 ? 0 : 1 + (r() % 4);
  for (let m = 0; m < mems; m++) {
    f(0x20 | (r() % 2 ? 0x08 : 0x10), r() % 40);
    f(0x02, m);
  }
  const smallOff = (): number => (r() % 8 === 0 ? 60 + (r() % 2000) : r() % 60);
  const total = n + mems * 2; // including the final ret
  while (out.length < total - 1) {
    const pc = out.length;
    const remaining = total - 2 - pc; // the furthest forward offset that still lands inside the program
    const c = r() % 23;
    switch (c) {
      case 0: case 1: case 2:
        f(pick([0x20, 0x28, 0x30]), smallOff());
        break;
      case 3:
        f(pick([0x20, 0x28, 0x30]), pick([SKF_NET_OFF + (r() % 30), SKF_LL_OFF + (r() % 30)]));
        break;
      case 4:
        f(pick([0x40, 0x48, 0x50]), r() % 40);
        break;
      case 5:
        f(0xb1, pick([14, 18, r() % 40]));
        break;
      case 6:
        f(pick([0x80, 0x81]));
        break;
      case 7:
        f(pick([0x00, 0x01]), pick([0, 1, 14, 0x800, r(), r() % 100]));
        break;
      case 8:
        f(pick([0x20, 0x28, 0x30]), SKF_AD_OFF + pick(anc));
        break;
      case 9: case 10: {
        const op = pick([0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x90, 0xa0]);
        let k = pick([1, 2, 3, 4, 7, 8, 0xf, 0xff, 0x1fff, r()]);
        if (op === 0x60 || op === 0x70) k %= 32;
        if ((op === 0x30 || op === 0x90) && k === 0) k = 3;
        f(0x04 | op, k);
        break;
      }
      case 11:
        f(0x04 | 0x08 | pick([0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x90, 0xa0]));
        break;
      case 12:
        f(0x84);
        break;
      case 13:
        f(pick([0x07, 0x87]));
        break;
      case 14:
        if (mems) f(pick([0x60, 0x61]), r() % mems);
        else f(0x87);
        break;
      case 15:
        if (mems) f(pick([0x02, 0x03]), r() % mems);
        else f(0x07);
        break;
      case 16: case 17: case 18: case 19: {
        const op = pick([0x10, 0x20, 0x30, 0x40]);
        const x = r() % 4 === 0;
        const jt = r() % (Math.min(remaining, 255) + 1);
        const jf = r() % (Math.min(remaining, 255) + 1);
        f(0x05 | op | (x ? 0x08 : 0), x ? 0 : pick([0, 1, 6, 17, 0x800, 0x86dd, 0x45, r(), 0x80000000 + (r() % 100)]), jt, jf);
        break;
      }
      case 20:
        f(0x05, r() % (remaining + 1));
        break;
      case 21:
        f(0x06, pick([0, 1, 14, 40, 60, 0xffff, 0xffffffff, r() % 200]));
        break;
      default:
        f(0x16);
    }
  }
  f(r() % 3 === 0 ? 0x16 : 0x06, pick([0, 1, 20, 54, 100, 0x40000, 0xffffffff]));
  return out;
}

/** Breaks one checker rule (the returned name says which). */
export function breakFilter(fs: SockFilter[], seed: number): { prog: SockFilter[]; rule: string } {
  const r = rng(seed);
  const p = fs.map((x) => ({ ...x }));
  const i = r() % Math.max(1, p.length - 1);
  switch (r() % 8) {
    case 0: p[i] = { code: 0x34, jt: 0, jf: 0, k: 0 }; return { prog: p, rule: 'div #0' };
    case 1: p[i] = { code: 0x15, jt: 250, jf: 0, k: 1 }; return { prog: p, rule: 'jump past end' };
    case 2: p[i] = { code: 0x0e, jt: 0, jf: 0, k: 0 }; return { prog: p, rule: 'ret x' };
    case 3: p[i] = { code: 0x20, jt: 0, jf: 0, k: (SKF_AD_OFF + 64) >>> 0 }; return { prog: p, rule: 'bad ancillary' };
    case 4: p.splice(0, 0, { code: 0x60, jt: 0, jf: 0, k: 9 }); return { prog: p, rule: 'M[] read before write' };
    case 5: p[p.length - 1] = { code: 0x04, jt: 0, jf: 0, k: 1 }; return { prog: p, rule: 'no ret last' };
    case 6: p[i] = { code: 0x64, jt: 0, jf: 0, k: 32 }; return { prog: p, rule: 'lsh #32' };
    default: p[i] = { code: 0x02, jt: 0, jf: 0, k: 16 }; return { prog: p, rule: 'M[16]' };
  }
}

/** SECCOMP_RET_* values (with data) a random seccomp filter returns. */
const SECCOMP_RETS = [0x7fff0000, 0x7fff0000, 0x00050001, 0x0005000d, 0x00050fff, 0x0005ffff, 0x00050000, 0x00000000, 0x80000000, 0x00030002, 0x7ff00005, 0x7fc00000, 0x7ffc0000, 0x00010000];

/** A random seccomp filter: aligned 32-bit loads of struct seccomp_data (never the unpredictable
 * instruction_pointer at 8..15), no packet forms, no mod; returns from SECCOMP_RETS or A. */
export function randomSeccompFilter(seed: number): SockFilter[] {
  const r = rng(seed);
  const pick = <T,>(a: readonly T[]): T => a[r() % a.length]!;
  const n = 3 + (r() % 20);
  const out: SockFilter[] = [];
  const f = (code: number, k = 0, jt = 0, jf = 0): void => void out.push({ code, jt, jf, k: k >>> 0 });
  const mems = r() % 2;
  if (mems) {
    f(0x20, 0);
    f(0x02, 0);
  }
  const total = n + out.length;
  const fields = [0, 4, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60];
  while (out.length < total - 1) {
    const remaining = total - 2 - out.length;
    switch (r() % 12) {
      case 0: case 1: case 2:
        f(0x20, pick(fields));
        break;
      case 3:
        f(pick([0x80, 0x81]));
        break;
      case 4:
        f(pick([0x00, 0x01]), pick([0, 1, 39, 110, 0xfff, r()]));
        break;
      case 5: {
        const op = pick([0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0xa0]);
        let k = pick([1, 2, 3, 4, 7, 8, 0xf, 0xff, 0xfff, r()]);
        if (op === 0x60 || op === 0x70) k %= 32;
        if (op === 0x30 && k === 0) k = 3;
        f(0x04 | op, k);
        break;
      }
      case 6:
        f(0x04 | 0x08 | pick([0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0xa0]));
        break;
      case 7:
        f(pick([0x07, 0x87, 0x84]));
        break;
      case 8:
        if (mems) f(pick([0x60, 0x61, 0x02, 0x03]), 0);
        else f(0x87);
        break;
      case 9: case 10: {
        const op = pick([0x10, 0x20, 0x30, 0x40]);
        const x = r() % 4 === 0;
        f(0x05 | op | (x ? 0x08 : 0), x ? 0 : pick([39, 110, 102, 186, 0xc000003e, 0, 1, r()]), r() % (remaining + 1), r() % (remaining + 1));
        break;
      }
      default:
        f(0x06, pick(SECCOMP_RETS));
    }
  }
  f(r() % 4 === 0 ? 0x16 : 0x06, pick(SECCOMP_RETS));
  return out;
}
