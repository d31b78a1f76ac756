// Writes Programs as relocatable little-endian BPF ELF objects shaped like clang's output, so that libbpf
// (bpftool prog load / loadall) opens them the way it opens a compiled C program: each program is a
// global function in its section; sub-programs (bpf-to-bpf callees, Program.funcs other than entry 0) go to
// `.text` with R_BPF_64_32 call relocations; maps are BTF-defined in `.maps` with a minimal `.BTF`
// (libbpf 1.x dropped legacy `maps`); maps named .data/.rodata/.bss are written as global-data sections
// referenced by R_BPF_64_64 on ld_imm64 (libbpf's bpf_object__init_global_data_maps).
// Map-in-map initial contents (values = inner map indices) become `.values` slots: R_BPF_64_ABS64
// relocations in .rel.maps naming the inner maps, as clang writes `.values = { [k] = &inner }`.
// It does not write DWARF, line info (Program.sourceMap is dropped) or CO-RE relocations; .BTF.ext func_info
// only when a program takes a function address.

import { slotsToBytes, type Slot } from '../isa/insn';
import type { MapDef, Program } from '../isa/program';
import { PROG_TYPES, type ProgTypeName } from '../progtypes/table';
import { err, warn, type Diagnostic } from '../util/diag';
import { ByteWriter, StringTable } from './bytes';
import { BTF_HDR_SIZE, BTF_KIND, BTF_MAGIC, ELF, R_BPF, SHF, SHT, STB, STT, isGlobalDataSection, mapTypeId } from './format';

export interface WriteOptions {
  section?: string;
  license?: string;
  name?: string;
}

export interface ObjectEntry {
  program: Program;
  /** ELF section; default: program.section, else the first libbpf section name of program.progType, else 'socket'. */
  section?: string;
  /** Function (and kernel program) name; default: program.funcs[0], else 'prog'. */
  name?: string;
}

export interface WriteResult {
  bytes: Uint8Array;
  diagnostics: Diagnostic[];
}

/** One program as an object. Problems (a map libbpf cannot express, ...) are skipped; use writeElfObject to see them. */
export function writeElf(program: Program, opts: WriteOptions = {}): Uint8Array {
  return writeElfObject([{ program, section: opts.section, name: opts.name }], { license: opts.license }).bytes;
}

const OPC_CALL = 0x85;
const OPC_LDDW = 0x18;
const SHF_INFO_LINK = 0x40;

/** The default section name for a program type: its libbpf section prefix (e.g. 'kprobe/' -> 'kprobe'). */
export function defaultSection(progType: string | undefined): string {
  const t = progType ? PROG_TYPES[progType as ProgTypeName] : undefined;
  const s = t?.sections[0];
  return s ? s.replace(/\/$/, '') : 'socket';
}

function cIdent(s: string, fallback: string): string {
  const r = s.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(r) ? r : r ? `_${r}` : fallback;
}

interface Rel {
  offset: number; // byte offset in its section
  sym: number; // symbol index (resolved late: see SymRef)
  type: number;
}

type SymRef = { kind: 'section'; name: string } | { kind: 'map'; index: number };

/** Several programs in one object (maps merged by name; the kdiff harness batches programs this way). */
export function writeElfObject(entries: readonly ObjectEntry[], opts: { license?: string } = {}): WriteResult {
  const diags: Diagnostic[] = [];
  // Merge maps by name.
  const maps: MapDef[] = [];
  const mapIndex = new Map<string, number>();
  const mapOwner: number[] = [];
  const remaps = entries.map((e, ei) =>
    e.program.maps.map((m) => {
      const hit = mapIndex.get(m.name);
      if (hit !== undefined) {
        const o = maps[hit]!;
        if (o.type !== m.type || o.keySize !== m.keySize || o.valueSize !== m.valueSize || o.maxEntries !== m.maxEntries || o.flags !== m.flags)
          diags.push(err(`program ${ei}: map ${m.name} differs from another program's map of the same name`, { byteOffset: 0 }, 'elf.write'));
        return hit;
      }
      mapIndex.set(m.name, maps.length);
      maps.push(m);
      mapOwner.push(ei);
      return maps.length - 1;
    }),
  );
  const dataMaps = maps.map((m) => isGlobalDataSection(m.name));

  // Code: program sections and .text.
  const sections = new Map<string, { slots: Slot[]; rels: { offset: number; ref: SymRef; type: number }[]; funcs: { name: string; start: number; size: number }[] }>();
  const text: Slot[] = [];
  const textRels: { offset: number; ref: SymRef; type: number }[] = [];
  const textFuncs: { name: string; start: number; size: number }[] = [];
  const usedNames = new Set<string>();
  const uniq = (n: string): string => {
    let s = n;
    for (let i = 1; usedNames.has(s); i++) s = `${n}_${i}`;
    usedNames.add(s);
    return s;
  };
  let license = opts.license;

  entries.forEach((e, ei) => {
    const p = e.program;
    license ??= p.license;
    if (p.slots.length === 0) diags.push(err(`program ${ei} is empty: the kernel refuses programs without instructions`, { byteOffset: 0 }, 'elf.write'));
    const secName = e.section ?? p.section ?? defaultSection(p.progType);
    const name = uniq(cIdent(e.name ?? p.funcs?.[0] ?? 'prog', 'prog'));
    // Function boundaries: Program.funcs, plus any call target (a program from text may lack funcs).
    const starts = new Set<number>([0]);
    for (const k of Object.keys(p.funcs ?? {})) if (Number(k) > 0 && Number(k) < p.slots.length) starts.add(Number(k));
    p.slots.forEach((s, pc) => {
      const t = pc + 1 + s.imm;
      if (((s.opcode === OPC_CALL && s.src === 1) || (s.opcode === OPC_LDDW && s.src === 4)) && t > 0 && t < p.slots.length) starts.add(t);
    });
    const sorted = [...starts].sort((a, b) => a - b);
    const mainEnd = sorted[1] ?? p.slots.length;
    const sec = sections.get(secName) ?? { slots: [], rels: [], funcs: [] };
    sections.set(secName, sec);
    const mainBase = sec.slots.length;
    // Where each function of this program lands: main in its section, the others in .text.
    const where = new Map<number, { inText: boolean; base: number }>();
    where.set(0, { inText: false, base: mainBase });
    // Sub-programs keep their order and spacing, appended to .text after what is already there.
    for (let i = 1; i < sorted.length; i++) where.set(sorted[i]!, { inText: true, base: text.length + (sorted[i]! - sorted[1]!) });
    for (let i = 1; i < sorted.length; i++) {
      const st = sorted[i]!;
      const en = sorted[i + 1] ?? p.slots.length;
      textFuncs.push({ name: uniq(cIdent(`${p.funcs?.[st] ?? `sub_${st}`}`, 'sub')), start: where.get(st)!.base, size: en - st });
    }
    sec.funcs.push({ name, start: mainBase, size: mainEnd });
    const funcOf = (pc: number): number => {
      let f = 0;
      for (const st of sorted) if (st <= pc) f = st;
      return f;
    };
    const locate = (pc: number): { inText: boolean; idx: number } => {
      const f = funcOf(pc);
      const w = where.get(f)!;
      return { inText: w.inText, idx: w.base + (pc - f) };
    };
    for (let pc = 0; pc < p.slots.length; pc++) {
      const s: Slot = { ...p.slots[pc]! };
      const here = locate(pc);
      const rels = here.inText ? textRels : sec.rels;
      if (s.opcode === OPC_CALL && s.src === 1) {
        const target = pc + 1 + s.imm;
        const t = locate(target);
        if (target < 0 || target >= p.slots.length) diags.push(err(`program ${ei}: call at insn ${pc} targets insn ${target}, outside the program`, { insn: pc }, 'elf.write'));
        else if (!t.inText) diags.push(err(`program ${ei}: call at insn ${pc} targets the program's own entry function`, { insn: pc }, 'elf.write'));
        if (here.inText) s.imm = t.idx - (here.idx + 1);
        else {
          // Like clang for a static callee: relocation against the .text section symbol, imm = target - 1.
          s.imm = t.idx - 1;
          rels.push({ offset: here.idx * 8, ref: { kind: 'section', name: '.text' }, type: R_BPF.R64_32 });
        }
      } else if (s.opcode === OPC_LDDW && pc + 1 < p.slots.length) {
        const next: Slot = { ...p.slots[pc + 1]! };
        if (s.src === 1 || s.src === 2) {
          const mi = remaps[ei]![s.imm];
          if (mi === undefined) diags.push(err(`program ${ei}: ld_imm64 at insn ${pc} refers to map ${s.imm}, which does not exist`, { insn: pc }, 'elf.write'));
          else if (s.src === 1 && !dataMaps[mi]) {
            rels.push({ offset: here.idx * 8, ref: { kind: 'map', index: mi }, type: R_BPF.R64_64 });
            s.src = 0;
            s.imm = 0;
            next.imm = 0;
          } else if (s.src === 2 && dataMaps[mi]) {
            rels.push({ offset: here.idx * 8, ref: { kind: 'section', name: maps[mi]!.name }, type: R_BPF.R64_64 });
            s.src = 0;
            s.imm = next.imm;
            next.imm = 0;
          } else
            diags.push(err(`program ${ei}: ld_imm64 at insn ${pc}: ${s.src === 1 ? 'a global-data map cannot be referenced by fd' : `map ${maps[mi]!.name} is not global data (.data/.rodata/.bss), so libbpf cannot express a pointer to its value`}`, { insn: pc }, 'elf.write'));
        } else if (s.src === 4) {
          const t = locate(pc + 1 + s.imm);
          rels.push({ offset: here.idx * 8, ref: { kind: 'section', name: t.inText ? '.text' : secName }, type: R_BPF.R64_64 });
          s.src = 0;
          s.imm = t.idx * 8; // byte offset of the function in its section, as clang writes it
          next.imm = 0;
        } else if (s.src !== 0) diags.push(err(`program ${ei}: ld_imm64 at insn ${pc} with src ${s.src} cannot be written to an object libbpf loads`, { insn: pc }, 'elf.write'));
        put(here, s);
        put(locate(pc + 1), next);
        pc++;
        continue;
      }
      put(here, s);
    }
    function put(at: { inText: boolean; idx: number }, s: Slot): void {
      const arr = at.inText ? text : sec!.slots;
      while (arr.length <= at.idx) arr.push({ opcode: 0, dst: 0, src: 0, off: 0, imm: 0 });
      arr[at.idx] = s;
    }
  });

  // ---- Build the ELF. ----
  const strtab = new StringTable();
  type Sec = { name: string; type: number; flags: number; data: Uint8Array; size?: number; link?: number; info?: number; align: number; entsize?: number };
  const shdrs: Sec[] = [{ name: '', type: SHT.NULL, flags: 0, data: new Uint8Array(0), align: 0 }];
  const secIdx = new Map<string, number>();
  const addSec = (s: Sec): number => {
    shdrs.push(s);
    secIdx.set(s.name, shdrs.length - 1);
    return shdrs.length - 1;
  };
  addSec({ name: '.strtab', type: SHT.STRTAB, flags: 0, data: new Uint8Array(0), align: 1 });
  const relFor: { target: string; rels: { offset: number; ref: SymRef; type: number }[] }[] = [];
  if (text.length) {
    addSec({ name: '.text', type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.EXECINSTR, data: slotsToBytes(text), align: 8 });
    if (textRels.length) relFor.push({ target: '.text', rels: textRels });
  }
  for (const [name, s] of sections) {
    addSec({ name, type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.EXECINSTR, data: slotsToBytes(s.slots), align: 8 });
    if (s.rels.length) relFor.push({ target: name, rels: s.rels });
  }
  const licText = `${license ?? 'GPL'}\0`;
  const lic = Uint8Array.from(licText, (c) => c.charCodeAt(0) & 0xff);
  addSec({ name: 'license', type: SHT.PROGBITS, flags: SHF.WRITE | SHF.ALLOC, data: lic, align: 1 });
  const userMaps = maps.map((m, i) => ({ m, i })).filter((x) => !dataMaps[x.i]);
  const MAPDEF_SIZE = 40; // five `int (*)[N]` pointers (type, key_size, value_size, max_entries, map_flags)
  const mapOffset = new Map<number, number>();
  let mapsSize = 0;
  // Map-in-map initial slots (`.values = { [k] = &inner }`): the definition grows by one pointer per slot
  // and each set slot gets an R_BPF_64_ABS64 relocation in .rel.maps naming the inner map, as clang writes
  // them and libbpf's bpf_object__collect_map_relos reads them.
  const slotRels = new Map<number, { slot: number; inner: number }[]>();
  for (const { m, i } of userMaps) {
    if (!m.inner || !m.initial?.length) continue;
    const rels: { slot: number; inner: number }[] = [];
    for (const e of m.initial) {
      const k = /^[0-9a-f]{8}$/i.test(e.key) ? parseInt(e.key.match(/../g)!.reverse().join(''), 16) : NaN;
      const v = /^[0-9a-f]{8}$/i.test(e.value) ? parseInt(e.value.match(/../g)!.reverse().join(''), 16) : NaN;
      const inner = Number.isNaN(v) ? undefined : remaps[mapOwner[i]!]![v];
      if (Number.isNaN(k) || k >= m.maxEntries || inner === undefined || dataMaps[inner] || (m.type === 'hash_of_maps' && m.keySize !== 4))
        diags.push(warn(`map ${m.name}: initial entry ${e.key} -> ${e.value} cannot be written as a .values slot (libbpf initialises slots 0..max_entries-1 with maps of the object); left out`, { byteOffset: 0 }, 'elf.write'));
      else rels.push({ slot: k, inner });
    }
    if (rels.length) slotRels.set(i, rels);
  }
  const defSizeOf = (i: number): number => MAPDEF_SIZE + 8 * (slotRels.has(i) ? Math.max(...slotRels.get(i)!.map((r) => r.slot)) + 1 : 0);
  for (const { i } of userMaps) {
    mapOffset.set(i, mapsSize);
    mapsSize += defSizeOf(i); // one pointer more per initialised map-in-map slot
  }
  if (slotRels.size)
    relFor.push({ target: '.maps', rels: [...slotRels].flatMap(([i, rs]) => rs.map((r) => ({ offset: mapOffset.get(i)! + MAPDEF_SIZE + 8 * r.slot, ref: { kind: 'map' as const, index: r.inner }, type: R_BPF.R64_ABS64 }))) });
  if (userMaps.length) addSec({ name: '.maps', type: SHT.PROGBITS, flags: SHF.WRITE | SHF.ALLOC, data: new Uint8Array(mapsSize), align: 8 });
  maps.forEach((m, i) => {
    if (!dataMaps[i]) return;
    const init = m.initial?.[0]?.value ?? '';
    const data = new Uint8Array(m.valueSize);
    for (let k = 0; k < Math.min(data.length, init.length / 2); k++) data[k] = parseInt(init.slice(2 * k, 2 * k + 2), 16) || 0;
    if (m.name.startsWith('.bss.'))
      diags.push(warn(`map ${m.name}: libbpf 1.1 (Debian's bpftool) skips custom .bss.* sections, so it will not load this object; a zero-filled .data.* section behaves the same`, { byteOffset: 0 }, 'elf.write'));
    if (m.name.startsWith('.bss')) addSec({ name: m.name, type: SHT.NOBITS, flags: SHF.WRITE | SHF.ALLOC, data: new Uint8Array(0), size: m.valueSize, align: 8 });
    else addSec({ name: m.name, type: SHT.PROGBITS, flags: SHF.ALLOC | (m.name.startsWith('.rodata') ? 0 : SHF.WRITE), data, align: 8 });
  });
  // Programs that take a function's address (BPF_PSEUDO_FUNC: bpf_loop callbacks, timers …) must come with
  // BTF func_info, or the kernel refuses them ("missing btf func_info"): then every function gets a BTF
  // FUNC and a .BTF.ext func_info record, as clang -g writes them.
  const needFuncInfo = entries.some((e) => e.program.slots.some((x) => x.opcode === OPC_LDDW && x.src === 4));
  const funcInfo = needFuncInfo
    ? [...[...sections].map(([sec, v]) => ({ sec, funcs: v.funcs })), ...(textFuncs.length ? [{ sec: '.text', funcs: textFuncs }] : [])]
    : [];
  if (userMaps.length || needFuncInfo) {
    const { bytes, ext, diagnostics } = buildBtf(userMaps.map((x) => ({ m: x.m, offset: mapOffset.get(x.i)!, size: defSizeOf(x.i) })), MAPDEF_SIZE, funcInfo);
    diags.push(...diagnostics);
    addSec({ name: '.BTF', type: SHT.PROGBITS, flags: 0, data: bytes, align: 4 });
    if (ext) addSec({ name: '.BTF.ext', type: SHT.PROGBITS, flags: 0, data: ext, align: 4 });
  }

  // Symbols: locals (section symbols, sub-program functions) first, then globals.
  const syms: { name: string; info: number; shndx: number; value: number; size: number }[] = [{ name: '', info: 0, shndx: 0, value: 0, size: 0 }];
  const symIdx = new Map<string, number>();
  const sectionSym = (name: string): number => {
    const k = `section:${name}`;
    if (!symIdx.has(k)) {
      syms.push({ name: '', info: (STB.LOCAL << 4) | STT.SECTION, shndx: secIdx.get(name)!, value: 0, size: 0 });
      symIdx.set(k, syms.length - 1);
    }
    return symIdx.get(k)!;
  };
  if (text.length) sectionSym('.text');
  maps.forEach((m, i) => dataMaps[i] && sectionSym(m.name));
  for (const f of textFuncs) syms.push({ name: f.name, info: (STB.LOCAL << 4) | STT.FUNC, shndx: secIdx.get('.text')!, value: f.start * 8, size: f.size * 8 });
  for (const [name, s] of sections)
    for (const f of s.funcs) syms.push({ name: f.name, info: (STB.GLOBAL << 4) | STT.FUNC, shndx: secIdx.get(name)!, value: f.start * 8, size: f.size * 8 });
  syms.push({ name: '_license', info: (STB.GLOBAL << 4) | STT.OBJECT, shndx: secIdx.get('license')!, value: 0, size: lic.length });
  for (const { m, i } of userMaps) {
    symIdx.set(`map:${i}`, syms.length);
    syms.push({ name: cIdent(m.name, `map_${i}`), info: (STB.GLOBAL << 4) | STT.OBJECT, shndx: secIdx.get('.maps')!, value: mapOffset.get(i)!, size: defSizeOf(i) });
  }
  const resolve = (r: SymRef): number => (r.kind === 'section' ? sectionSym(r.name) : symIdx.get(`map:${r.index}`)!);
  // Relocation sections (resolve may add section symbols, which must stay local: resolve all first).
  const relData = relFor.map((rf) => {
    const rs: Rel[] = rf.rels.map((r) => ({ offset: r.offset, sym: resolve(r.ref), type: r.type }));
    return { target: rf.target, rs };
  });
  // Section symbols created late must come before the globals: rebuild order if needed.
  const order = syms.map((_, i) => i).sort((a, b) => {
    const la = (syms[a]!.info >> 4) === STB.LOCAL ? 0 : 1;
    const lb = (syms[b]!.info >> 4) === STB.LOCAL ? 0 : 1;
    return la - lb || a - b;
  });
  const newIndex = new Map(order.map((old, n) => [old, n]));
  const symtabIdx = shdrs.length + relData.length;
  for (const rd of relData) {
    const w = new ByteWriter();
    for (const r of rd.rs) {
      w.u64(r.offset);
      w.u64((BigInt(newIndex.get(r.sym)!) << 32n) | BigInt(r.type));
    }
    addSec({ name: `.rel${rd.target}`, type: SHT.REL, flags: SHF_INFO_LINK, data: w.result(), link: symtabIdx, info: secIdx.get(rd.target)!, align: 8, entsize: ELF.REL_SIZE });
  }
  const symw = new ByteWriter();
  let nLocal = 0;
  for (const old of order) {
    const s = syms[old]!;
    if (s.info >> 4 === STB.LOCAL) nLocal++;
    symw.u32(strtab.add(s.name));
    symw.u8(s.info);
    symw.u8(0);
    symw.u16(s.shndx);
    symw.u64(s.value);
    symw.u64(s.size);
  }
  addSec({ name: '.symtab', type: SHT.SYMTAB, flags: 0, data: symw.result(), link: 1, info: nLocal, align: 8, entsize: ELF.SYM_SIZE });
  // The one string table holds section names and symbol names (as clang's output does).
  const nameOffs = shdrs.map((s) => strtab.add(s.name));
  shdrs[1]!.data = strtab.bytes();

  const w = new ByteWriter();
  w.bytes(new Uint8Array(ELF.EHDR_SIZE));
  const offsets: number[] = [0];
  for (let i = 1; i < shdrs.length; i++) {
    const s = shdrs[i]!;
    w.align(Math.max(1, s.align));
    offsets.push(w.length);
    if (s.type !== SHT.NOBITS) w.bytes(s.data);
  }
  w.align(8);
  const shoff = w.length;
  shdrs.forEach((s, i) => {
    w.u32(nameOffs[i]!);
    w.u32(s.type);
    w.u64(s.flags);
    w.u64(0);
    w.u64(i === 0 ? 0 : offsets[i]!);
    w.u64(s.size ?? s.data.length);
    w.u32(s.link ?? 0);
    w.u32(s.info ?? 0);
    w.u64(s.align);
    w.u64(s.entsize ?? 0);
  });
  const out = w.result();
  const h = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, ELF.CLASS64, ELF.DATA_LE, 1], 0);
  h.setUint16(16, ELF.ET_REL, true);
  h.setUint16(18, ELF.EM_BPF, true);
  h.setUint32(20, 1, true);
  h.setBigUint64(0x28, BigInt(shoff), true);
  h.setUint16(0x34, ELF.EHDR_SIZE, true);
  h.setUint16(0x3a, ELF.SHDR_SIZE, true);
  h.setUint16(0x3c, shdrs.length, true);
  h.setUint16(0x3e, 1, true);
  return { bytes: out, diagnostics: diags };
}

/**
 * A .BTF blob describing `struct { __uint(type); __uint(key_size); ... } name SEC(".maps")` per map, and,
 * when `funcInfo` is not empty, a FUNC (static, `int f(void)`) per function plus the .BTF.ext func_info
 * that maps each function's first instruction in its section to it (Documentation/bpf/btf.rst).
 */
function buildBtf(
  maps: { m: MapDef; offset: number; size: number }[],
  defSize: number,
  funcInfo: { sec: string; funcs: { name: string; start: number }[] }[],
): { bytes: Uint8Array; ext: Uint8Array | null; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const strs = new StringTable();
  const types = new ByteWriter();
  let nextId = 1;
  const emit = (nameOff: number, kind: number, vlen: number, sizeOrType: number, extra: (w: ByteWriter) => void = () => {}): number => {
    types.u32(nameOff);
    types.u32(((kind & 0x1f) << 24) | (vlen & 0xffff));
    types.u32(sizeOrType);
    extra(types);
    return nextId++;
  };
  const intId = emit(strs.add('int'), BTF_KIND.INT, 0, 4, (w) => w.u32((1 << 24) | 32)); // signed, 32 bits
  const uintPtr = new Map<number, number>();
  const uintType = (n: number): number => {
    const hit = uintPtr.get(n);
    if (hit) return hit;
    const arr = emit(0, BTF_KIND.ARRAY, 0, 0, (w) => {
      w.u32(intId);
      w.u32(intId);
      w.u32(n);
    });
    const ptr = emit(0, BTF_KIND.PTR, 0, arr);
    uintPtr.set(n, ptr);
    return ptr;
  };
  const defStruct = (m: MapDef, depth: number): number => {
    const typeId = mapTypeId(m.type);
    if (typeId === undefined) diagnostics.push(err(`map ${m.name}: unknown map type ${m.type}`, { byteOffset: 0 }, 'elf.write'));
    const fields: [string, number][] = [
      ['type', uintType(typeId ?? 0)],
      ['key_size', uintType(m.keySize)],
      ['value_size', uintType(m.valueSize)],
      ['max_entries', uintType(m.maxEntries)],
      ['map_flags', uintType(m.flags)],
    ];
    if (m.inner && depth < 2) {
      const inner = defStruct(m.inner, depth + 1);
      const ip = emit(0, BTF_KIND.PTR, 0, inner);
      const arr = emit(0, BTF_KIND.ARRAY, 0, 0, (w) => {
        w.u32(ip);
        w.u32(intId);
        w.u32(0);
      });
      fields.push(['values', arr]);
    }
    const names = fields.map(([n]) => strs.add(n));
    return emit(0, BTF_KIND.STRUCT, fields.length, 8 * 5, (w) =>
      fields.forEach(([, t], i) => {
        w.u32(names[i]!);
        w.u32(t);
        w.u32(i * 64);
      }),
    );
  };
  const vars = maps.map(({ m, offset, size }) => {
    // `values` stays a zero-length array (libbpf insists); initialised slots make the variable larger, as clang does
    const st = defStruct(m, 0);
    const v = emit(strs.add(cIdent(m.name, 'map')), BTF_KIND.VAR, 0, st, (w) => w.u32(1)); // BTF_VAR_GLOBAL_ALLOCATED
    return { v, offset, size };
  });
  if (vars.length)
    emit(strs.add('.maps'), BTF_KIND.DATASEC, vars.length, vars.reduce((n, x) => n + x.size, 0), (w) =>
      vars.forEach(({ v, offset, size }) => {
        w.u32(v);
        w.u32(offset);
        w.u32(size);
      }),
    );
  let ext: Uint8Array | null = null;
  if (funcInfo.length) {
    const proto = emit(0, BTF_KIND.FUNC_PROTO, 0, intId);
    const info = new ByteWriter();
    info.u32(8); // record size: insn_off, type_id
    for (const { sec, funcs } of funcInfo) {
      info.u32(strs.add(sec));
      info.u32(funcs.length);
      for (const f of [...funcs].sort((a, b) => a.start - b.start)) {
        info.u32(f.start * 8);
        info.u32(emit(strs.add(f.name), BTF_KIND.FUNC, 0, proto)); // vlen 0: BTF_FUNC_STATIC
      }
    }
    const body = info.result();
    const e = new ByteWriter();
    e.u16(BTF_MAGIC);
    e.u8(1);
    e.u8(0);
    e.u32(32); // hdr_len
    e.u32(0); // func_info_off
    e.u32(body.length);
    e.u32(body.length); // line_info_off
    e.u32(0); // line_info_len
    e.u32(body.length); // core_relo_off
    e.u32(0); // core_relo_len
    e.bytes(body);
    ext = e.result();
  }
  const t = types.result();
  const s = strs.bytes();
  const w = new ByteWriter();
  w.u16(BTF_MAGIC);
  w.u8(1);
  w.u8(0);
  w.u32(BTF_HDR_SIZE);
  w.u32(0);
  w.u32(t.length);
  w.u32(t.length);
  w.u32(s.length);
  w.bytes(t);
  w.bytes(s);
  return { bytes: w.result(), ext, diagnostics };
}
