// readElf against objects compiled by clang-19 (scripts/record-clang-objects.sh) and the llvm-objdump-19
// text recorded next to each: same instruction bytes, relocations resolved the way libbpf resolves them,
// the right sections, program types, maps and license; plus fuzzing (random bytes, mutated objects).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSlots, slotsToBytes } from '../isa/insn';
import type { MapDef, Program } from '../isa/program';
import { parseObjdump, type DumpSection } from './objdump';
import { parseBtf, parseBtfExtLines } from './btf';
import { ByteReader } from './bytes';
import { readElf } from './read';
import { which } from '../testing/kernel';

const OBJ = path.resolve(__dirname, '../../testdata/obj');
const objects = readdirSync(OBJ).filter((f) => f.endsWith('.o')).sort();
const load = (name: string): Uint8Array => new Uint8Array(readFileSync(path.join(OBJ, name)));

type MapExp = Pick<MapDef, 'name' | 'type' | 'keySize' | 'valueSize' | 'maxEntries' | 'flags'> & { inner?: string };
interface Expect {
  programs: [section: string, name: string, progType: string][];
  maps: MapExp[];
  license: string;
  /** Warning codes readElf must report (and nothing else). */
  warnings?: string[];
}
const m = (name: string, type: string, keySize: number, valueSize: number, maxEntries: number, flags = 0, inner?: string): MapExp => ({
  name, type, keySize, valueSize, maxEntries, flags, ...(inner ? { inner } : {}),
});
// What the C sources in testdata/c declare.
const EXPECT: Record<string, Expect> = {
  'sockex1.o': { programs: [['socket', 'keep_headers', 'socket_filter']], maps: [m('proto_bytes', 'array', 4, 8, 256)], license: 'GPL' },
  'xdp_count.o': { programs: [['xdp', 'xdp_count_proto', 'xdp']], maps: [m('proto_count', 'hash', 4, 8, 64)], license: 'GPL' },
  'tc_mark.o': { programs: [['tc', 'tc_mark_tos', 'sched_cls']], maps: [], license: 'GPL' },
  'kprobe_count.o': { programs: [['kprobe/do_sys_openat2', 'count_openat', 'kprobe']], maps: [m('calls', 'hash', 4, 8, 1024)], license: 'GPL' },
  'tracepoint_exec.o': {
    programs: [['tracepoint/sched/sched_process_exec', 'on_exec', 'tracepoint']],
    maps: [m('execs', 'percpu_array', 4, 8, 1), m('.rodata', 'array', 4, 12, 1, 0x480)],
    license: 'GPL',
  },
  'cgroup_skb.o': { programs: [['cgroup_skb/egress', 'egress_limit', 'cgroup_skb']], maps: [m('egress_bytes', 'array', 4, 8, 2)], license: 'GPL' },
  'sockops.o': { programs: [['sockops', 'set_rwnd', 'sock_ops']], maps: [m('op_count', 'array', 4, 4, 32)], license: 'GPL' },
  'sk_skb.o': {
    programs: [['sk_skb/stream_parser', 'parse', 'sk_skb'], ['sk_skb/stream_verdict', 'verdict', 'sk_skb']],
    maps: [m('socks', 'sockmap', 4, 4, 8)],
    license: 'GPL',
  },
  'lwt.o': {
    programs: [['lwt_in', 'lwt_in_v4only', 'lwt_in'], ['lwt_out', 'lwt_out_count', 'lwt_out'], ['lwt_xmit', 'lwt_xmit_pass', 'lwt_xmit']],
    maps: [m('out_packets', 'array', 4, 8, 1)],
    license: 'GPL',
  },
  'subprogs.o': { programs: [['xdp', 'xdp_fold', 'xdp'], ['socket', 'sock_fold', 'socket_filter']], maps: [], license: 'Dual BSD/GPL' },
  'maps_btf.o': {
    programs: [['xdp', 'use_maps', 'xdp']],
    maps: [
      m('by_pair', 'hash', 16, 8, 128, 1), m('lru', 'lru_hash', 8, 16, 512), m('pcpu', 'percpu_hash', 4, 4, 16),
      m('outer', 'array_of_maps', 4, 4, 2, 0, 'array'), m('events', 'ringbuf', 0, 0, 4096), m('jumps', 'prog_array', 4, 4, 4),
      m('.rodata.cst16', 'array', 4, 16, 1, 0x480),
    ],
    license: 'GPL',
  },
  'legacy_maps.o': { programs: [['socket', 'legacy', 'socket_filter']], maps: [m('counters', 'array', 4, 8, 4), m('seen', 'hash', 4, 4, 100, 1)], license: 'GPL' },
  'core_task.o': { programs: [['kprobe/wake_up_new_task', 'new_task', 'kprobe']], maps: [], license: 'GPL', warnings: ['elf.core'] },
  'loop_callback.o': { programs: [['xdp', 'xdp_loop', 'xdp']], maps: [], license: 'GPL' },
  'global_data.o': {
    programs: [['xdp', 'global_vars', 'xdp']],
    maps: [m('.rodata', 'array', 4, 4, 1, 0x480), m('.data', 'array', 4, 8, 1, 0x400), m('.bss', 'array', 4, 8, 1, 0x400)],
    license: 'GPL',
  },
};

/** Global variables of global_data.c: the section libbpf makes a map of, and the offset in it. */
const GLOBALS: Record<string, readonly [string, number]> = { total: ['.data', 0], threshold: ['.rodata', 0], hits: ['.bss', 0] };

function slotBytes(p: Program, i: number): number[] {
  return [...slotsToBytes([p.slots[i]!])];
}

/** Name of the function of a dumped section that contains slot `idx`, and its start. */
function funcAt(sec: DumpSection, idx: number): { name: string; start: number } | undefined {
  let best: { name: string; start: number } | undefined;
  for (const f of sec.funcs) if (f.start <= idx && (!best || f.start > best.start)) best = f;
  return best;
}

/** The program's own name for slot `pc`: the function placed at or before it, and the offset into it. */
function placedAt(p: Program, pc: number): { name: string; off: number } {
  let base = -1;
  for (const k of Object.keys(p.funcs ?? {}).map(Number)) if (k <= pc && k > base) base = k;
  return { name: p.funcs![base]!, off: pc - base };
}

describe('readElf on clang-19 objects', () => {
  it('has an expectation for every recorded object', () => {
    expect(objects.length).toBeGreaterThanOrEqual(12);
    expect(objects.filter((o) => !EXPECT[o])).toEqual([]);
  });

  for (const obj of objects) {
    it(`${obj}: sections, names, program types, maps, license`, () => {
      const r = readElf(load(obj));
      const e = EXPECT[obj]!;
      expect(r.diagnostics.map((d) => `${d.severity}:${d.code}`)).toEqual((e.warnings ?? []).map((c) => `warning:${c}`));
      expect(r.programs.map((p) => [p.section, p.funcs![0], p.progType])).toEqual(e.programs);
      expect(r.license).toBe(e.license);
      expect(r.maps.map((x) => ({ name: x.name, type: x.type, keySize: x.keySize, valueSize: x.valueSize, maxEntries: x.maxEntries, flags: x.flags, ...(x.inner ? { inner: x.inner.type } : {}) }))).toEqual(e.maps);
      for (const p of r.programs) {
        expect(p.license).toBe(e.license);
        expect(decodeSlots(p.slots).diagnostics).toEqual([]);
      }
    });

    it(`${obj}: instructions match llvm-objdump-19 -d -r after relocation`, () => {
      const dump = parseObjdump(readFileSync(path.join(OBJ, obj.replace(/\.o$/, '.objdump')), 'utf8'));
      const text = dump.find((s) => s.name === '.text');
      const r = readElf(load(obj));
      let relocsChecked = 0;
      for (const p of r.programs) {
        for (const [baseStr, name] of Object.entries(p.funcs!)) {
          const base = Number(baseStr);
          const sec = base === 0 ? dump.find((s) => s.name === p.section)! : text!;
          const fn = sec.funcs.find((f) => f.name === name)!;
          expect(fn, `${name} in objdump`).toBeDefined();
          for (const ins of fn.insns) {
            const pc = base + ins.index - fn.start;
            const got = slotBytes(p, pc);
            const want = ins.bytes.slice(0, 8);
            const isCall = want[0] === 0x85 && want[1]! >> 4 === 1;
            if (ins.reloc?.type === 'R_BPF_64_64') {
              // ld_imm64 of a map (src 1, imm = map index) or of global data (src 2, imm = map index, imm2 = offset).
              const sym = ins.reloc.symbol;
              const data = GLOBALS[sym] ?? (sym.startsWith('.') && sym !== '.text' ? ([sym, 0] as const) : undefined);
              if (sym === '.text') {
                // A function address (bpf_loop callback): BPF_PSEUDO_FUNC, imm relative to the appended function.
                const tslot = new DataView(new Uint8Array(want).buffer).getInt32(4, true) / 8;
                const tf = funcAt(text!, tslot)!;
                expect(p.slots[pc]).toMatchObject({ opcode: 0x18, src: 4 });
                expect(placedAt(p, pc + 1 + p.slots[pc]!.imm)).toEqual({ name: tf.name, off: tslot - tf.start });
              } else if (data) {
                expect(p.slots[pc]).toMatchObject({ opcode: 0x18, src: 2, imm: p.maps.findIndex((x) => x.name === data[0]) });
                expect(p.slots[pc + 1]!.imm).toBe(data[1]);
              } else expect(p.slots[pc]).toMatchObject({ opcode: 0x18, src: 1, imm: p.maps.findIndex((x) => x.name === sym), off: 0 });
              expect(p.slots[pc]!.imm).toBeGreaterThanOrEqual(0);
              expect(got.slice(0, 1)).toEqual(want.slice(0, 1));
              relocsChecked++;
            } else if (isCall) {
              // bpf-to-bpf call: the target must be the function objdump names at that .text slot.
              const imm = new DataView(new Uint8Array(want).buffer).getInt32(4, true);
              const tslot = ins.reloc ? imm + 1 : ins.index + imm + 1; // section-symbol relocs are relative to .text start
              const tf = funcAt(text!, tslot)!;
              const placed = placedAt(p, pc + 1 + p.slots[pc]!.imm);
              expect(placed).toEqual({ name: tf.name, off: tslot - tf.start });
              relocsChecked++;
            } else {
              expect(got, `${obj} ${name} insn ${ins.index}: ${ins.text}`).toEqual(want);
              if (ins.bytes.length === 16) expect(slotBytes(p, pc + 1)).toEqual(ins.bytes.slice(8));
            }
          }
        }
      }
      const expected = dump.reduce((n, s) => n + s.funcs.reduce((k, f) => k + f.insns.filter((i) => i.reloc && s.name !== '.text').length, 0), 0);
      expect(relocsChecked).toBeGreaterThanOrEqual(expected);
    });
  }

  it('source lines: every .BTF.ext line record names the line of the C file it quotes, and sourceMap follows them', () => {
    let checked = 0;
    for (const obj of objects) {
      const bytes = load(obj);
      const text = readFileSync(path.resolve(__dirname, '../../testdata/c', obj.replace(/\.o$/, '.c')), 'utf8').split('\n');
      const r = new ByteReader(bytes);
      const shoff = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0x28, true));
      const sec = (name: string): { off: number; size: number } => {
        const n = new DataView(bytes.buffer, bytes.byteOffset).getUint16(0x3c, true);
        const strOff = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(shoff + 64 * new DataView(bytes.buffer, bytes.byteOffset).getUint16(0x3e, true) + 24, true));
        for (let i = 0; i < n; i++) {
          const h = shoff + 64 * i;
          if (r.cstr(strOff + r.u32(h), bytes.length, 'name') === name) return { off: r.u64n(h + 24), size: r.u64n(h + 32) };
        }
        throw new Error(`${obj}: no ${name}`);
      };
      const b = sec('.BTF');
      const e = sec('.BTF.ext');
      const lines = parseBtfExtLines(r, e.off, e.size, parseBtf(r, b.off, b.size));
      const all = new Set<string>();
      for (const recs of lines.values())
        for (const x of recs) {
          expect(text[x.line - 1]!.trim(), `${obj} line ${x.line}`).toBe(x.text.trim());
          all.add(`${x.line}:${x.col}`);
          checked++;
        }
      for (const p of readElf(bytes).programs) {
        expect(p.sourceMap, obj).toHaveLength(p.slots.length);
        for (const pos of p.sourceMap!) if (pos) expect(all.has(`${pos.line}:${pos.col}`), obj).toBe(true);
        expect(p.sourceMap![0], `${obj} first instruction`).not.toBeNull();
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('sockex1 keeps Ethernet + IPv4 + TCP/UDP headers: legacy packet loads, one map, atomic add', () => {
    const p = readElf(load('sockex1.o')).programs[0]!;
    const kinds = decodeSlots(p.slots).insns.filter((i) => i).map((i) => i!.kind);
    expect(kinds).toContain('ldpkt');
    expect(kinds).toContain('atomic');
    expect(p.slots.filter((s) => s.opcode === 0x18 && s.src === 1)).toHaveLength(1);
  });

  it('appends called sub-programs after the program and fixes call offsets (libbpf order)', () => {
    const r = readElf(load('subprogs.o'));
    const [xdp, sock] = r.programs;
    // Depth first, as libbpf appends them: `bpftool prog dump xlated` of this object on Linux 6.18 lists
    // xdp_fold, fold, mix, clamp.
    expect(Object.values(xdp!.funcs!)).toEqual(['xdp_fold', 'fold', 'mix', 'clamp']);
    expect(Object.values(sock!.funcs!)).toEqual(['sock_fold', 'mix', 'clamp']);
    for (const p of [xdp!, sock!])
      for (const [pc, s] of p.slots.entries())
        if (s.opcode === 0x85 && s.src === 1) expect(p.funcs![pc + 1 + s.imm]).toBeDefined();
  });
});

describe('readElf on objects linked by bpftool gen object (libbpf static linker)', () => {
  const bpftool = which('bpftool');
  it.skipIf(!bpftool)(`reads the same programs and maps as from the compiler's objects${bpftool ? '' : ' (skipped: bpftool is not installed)'}`, () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bpfplay-link-'));
    try {
      for (const obj of objects) {
        const out = path.join(dir, obj);
        execFileSync(bpftool!, ['gen', 'object', out, path.join(OBJ, obj)], { stdio: 'pipe' });
        const linked = readElf(new Uint8Array(readFileSync(out)));
        const direct = readElf(load(obj));
        expect(linked.diagnostics.map((d) => d.code), obj).toEqual(direct.diagnostics.map((d) => d.code));
        expect(linked.programs.map((p) => [p.section, p.funcs, p.slots]), obj).toEqual(direct.programs.map((p) => [p.section, p.funcs, p.slots]));
        expect(linked.maps.map((m) => ({ ...m, loc: undefined, inner: m.inner && { ...m.inner, loc: undefined } })), obj).toEqual(
          direct.maps.map((m) => ({ ...m, loc: undefined, inner: m.inner && { ...m.inner, loc: undefined } })),
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('readElf on bad input', () => {
  const real = objects.map(load);
  const check = (b: Uint8Array): void => {
    const r = readElf(b);
    expect(r.diagnostics.filter((d) => d.code === 'bug')).toEqual([]);
    if (r.programs.length === 0) expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
    for (const d of r.diagnostics) if (d.severity === 'error') expect(d.loc.byteOffset).toBeTypeOf('number');
  };

  it('names the problem with a byte offset', () => {
    const x = load('sockex1.o');
    const cases: [Uint8Array, RegExp, number][] = [
      [new Uint8Array(0), /not an ELF file/, 0],
      [new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]), /bad magic/, 0],
      [x.slice(0, 40), /truncated ELF header/, 40],
      [Object.assign(x.slice(), { 5: 2 }), /big-endian/, 5],
      [Object.assign(x.slice(), { 4: 1 }), /class 1/, 4],
      [Object.assign(x.slice(), { 18: 62 }), /not BPF/, 18],
      [x.slice(0, x.length - 100), /past the end/, Number(new DataView(x.buffer, x.byteOffset).getBigUint64(0x28, true))],
    ];
    for (const [b, re, off] of cases) {
      const r = readElf(b);
      expect(r.programs).toEqual([]);
      expect(r.diagnostics[0]!.message).toMatch(re);
      expect(r.diagnostics[0]!.loc.byteOffset).toBe(off);
    }
  });

  it('survives random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (b) => check(b)), { numRuns: 500 });
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 512 }), (b) => {
        b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
        b[18] = 247;
        b[19] = 0;
        b[16] = 1;
        b[17] = 0;
        check(b);
      }),
      { numRuns: 500 },
    );
  });

  it('survives mutations of real objects', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: real.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 }),
        fc.option(fc.nat()),
        (which, edits, cut) => {
          const b = real[which]!.slice();
          for (const [at, v] of edits) b[at % b.length] = v;
          check(cut === null ? b : b.slice(0, cut % b.length));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('refuses a .bss whose size no array map can have, without allocating it (found by fuzzing)', () => {
    const b = load('global_data.o').slice();
    const dv = new DataView(b.buffer);
    const shoff = Number(dv.getBigUint64(0x28, true));
    const shentsize = dv.getUint16(0x3a, true);
    const shnum = dv.getUint16(0x3c, true);
    let patched = 0;
    for (let i = 0; i < shnum; i++) {
      const h = shoff + i * shentsize;
      if (dv.getUint32(h + 4, true) === 8 /* SHT_NOBITS */) {
        dv.setBigUint64(h + 0x20, 0xfffffff0n, true);
        patched++;
      }
    }
    expect(patched).toBeGreaterThan(0);
    const r = readElf(b);
    expect(r.diagnostics.some((d) => d.code === 'elf.data' && /cannot be a BPF array map value/.test(d.message))).toBe(true);
  });

  it('survives mutations of headers, symbols and relocations specifically', () => {
    const x = load('subprogs.o');
    const shoff = Number(new DataView(x.buffer, x.byteOffset).getBigUint64(0x28, true));
    fc.assert(
      fc.property(fc.nat({ max: x.length - shoff - 1 }), fc.integer({ min: 0, max: 0xffffffff }), (at, v) => {
        const b = x.slice();
        new DataView(b.buffer).setUint32(Math.min(shoff + at, b.length - 4), v, true);
        check(b);
      }),
      { numRuns: 1000 },
    );
  });
});
