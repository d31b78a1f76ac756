// Reads relocatable little-endian BPF ELF objects (what `clang -target bpf -O2 -g -c` produces) into
// Programs, the way libbpf's bpf_object__open() does: one Program per function symbol of each executable
// section (`.text` holds only sub-programs), BTF-defined maps from `.maps` and legacy struct bpf_map_def
// maps from `maps`, global data (.data/.rodata/.bss) as single-element array maps, map relocations turned
// into ld_imm64 with BPF_PSEUDO_MAP_FD / BPF_PSEUDO_MAP_VALUE and imm = map index, and bpf-to-bpf calls
// resolved by appending the called sub-programs after the program (libbpf's bpf_object__reloc_code()),
// and Program.sourceMap (C line and column per instruction) from the .BTF.ext line_info clang -g writes.
// It does not apply CO-RE relocations (.BTF.ext field relocs), externs or kfuncs: those get diagnostics.
// Bad input never throws: every problem is a diagnostic located by byte offset.

import { readSlot, type Slot } from '../isa/insn';
import type { MapDef, Program, SrcPos } from '../isa/program';
import { progTypeForSection } from '../progtypes/table';
import { bugDiagnostic, err, warn, type Diagnostic } from '../util/diag';
import { parseBtf, parseBtfExtLines, pointee, resolveType, typeSize, uintMember, type Btf, type LineInfo } from './btf';
import { ByteReader, FormatError } from './bytes';
import {
  BPF_F_MMAPABLE, BPF_F_RDONLY_PROG, BTF_KIND, ELF, R_BPF, SHF, SHT, STB, STT, isGlobalDataSection, mapTypeName,
} from './format';

export interface ElfReadResult {
  programs: Program[];
  /** Every map of the object, in libbpf's order (legacy `maps`, `.maps`, then global data). */
  maps: MapDef[];
  license?: string;
  diagnostics: Diagnostic[];
}

interface Section {
  index: number;
  name: string;
  type: number;
  flags: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  entsize: number;
  headerOffset: number;
}

interface Sym {
  index: number;
  name: string;
  type: number;
  bind: number;
  shndx: number;
  value: number;
  size: number;
}

interface Reloc {
  type: number;
  sym: Sym;
  fileOffset: number;
}

interface CodeSection {
  sec: Section;
  slots: Slot[];
  relocs: Map<number, Reloc>;
  /** Function symbols in this section, sorted by start slot. */
  funcs: { name: string; start: number; end: number; sym: Sym }[];
}

const OPC_CALL = 0x85;
const OPC_LDDW = 0x18;

export function readElf(bytes: Uint8Array): ElfReadResult {
  const diagnostics: Diagnostic[] = [];
  try {
    return readElfInner(bytes, diagnostics);
  } catch (e) {
    if (e instanceof FormatError) diagnostics.push(err(e.message, { byteOffset: e.byteOffset }, 'elf.format'));
    else diagnostics.push(bugDiagnostic(e, { byteOffset: 0 }));
    return { programs: [], maps: [], diagnostics };
  }
}

function readElfInner(bytes: Uint8Array, diags: Diagnostic[]): ElfReadResult {
  const r = new ByteReader(bytes);
  const empty = (): ElfReadResult => ({ programs: [], maps: [], diagnostics: diags });
  const bad = (msg: string, byteOffset: number, code = 'elf.format'): ElfReadResult => {
    diags.push(err(msg, { byteOffset }, code));
    return empty();
  };
  if (bytes.length < 16 || ELF.MAGIC.some((b, i) => bytes[i] !== b))
    return bad(bytes.length < 4 ? `not an ELF file (only ${bytes.length} bytes)` : 'not an ELF file (bad magic; expected 7f 45 4c 46)', 0, 'elf.magic');
  if (bytes[4] !== ELF.CLASS64) return bad(`ELF class ${bytes[4]} is not supported: BPF objects are 64-bit (ELFCLASS64)`, 4, 'elf.class');
  if (bytes[5] === ELF.DATA_BE)
    return bad('big-endian BPF object (bpfeb): only little-endian objects (clang -target bpfel / bpf on x86) are supported', 5, 'elf.endian');
  if (bytes[5] !== ELF.DATA_LE) return bad(`unknown ELF data encoding ${bytes[5]}`, 5, 'elf.endian');
  if (bytes.length < ELF.EHDR_SIZE) return bad(`truncated ELF header: ${bytes.length} bytes, need ${ELF.EHDR_SIZE}`, bytes.length, 'elf.truncated');
  const eType = r.u16(16);
  const eMachine = r.u16(18);
  if (eMachine !== ELF.EM_BPF) return bad(`ELF machine ${eMachine} is not BPF (EM_BPF = 247)`, 18, 'elf.machine');
  if (eType !== ELF.ET_REL) return bad(`ELF type ${eType} is not a relocatable object (ET_REL); link-free .o files only`, 16, 'elf.type');
  const shoff = r.u64n(0x28, 'e_shoff');
  const shentsize = r.u16(0x3a, 'e_shentsize');
  let shnum = r.u16(0x3c, 'e_shnum');
  let shstrndx = r.u16(0x3e, 'e_shstrndx');
  if (shoff === 0) return bad('the object has no section header table (e_shoff = 0)', 0x28);
  if (shentsize !== ELF.SHDR_SIZE) return bad(`section header size ${shentsize} is not ${ELF.SHDR_SIZE}`, 0x3a);
  if (shoff >= bytes.length) return bad(`section header table offset ${shoff} is past the end of the file (${bytes.length} bytes)`, 0x28, 'elf.truncated');
  if (shnum === 0) shnum = r.u64n(shoff + 32, 'extended section count'); // sh_size of section 0
  if (shstrndx === ELF.SHN_XINDEX) shstrndx = r.u32(shoff + 44, 'extended shstrndx'); // sh_link of section 0
  if (shoff + shnum * ELF.SHDR_SIZE > bytes.length)
    return bad(`section header table (${shnum} entries at ${shoff}) runs past the end of the file (${bytes.length} bytes)`, shoff, 'elf.truncated');

  // Section headers.
  const secs: Section[] = [];
  for (let i = 0; i < shnum; i++) {
    const h = shoff + i * ELF.SHDR_SIZE;
    secs.push({
      index: i, name: '', type: r.u32(h + 4), flags: r.u64n(h + 8), offset: r.u64n(h + 24), size: r.u64n(h + 32),
      link: r.u32(h + 40), info: r.u32(h + 44), entsize: r.u64n(h + 56), headerOffset: h,
    });
  }
  const valid = (s: Section): boolean => s.type === SHT.NOBITS || s.type === SHT.NULL || s.offset + s.size <= bytes.length;
  for (const s of secs)
    if (!valid(s))
      diags.push(err(`section ${s.index} (offset ${s.offset}, size ${s.size}) runs past the end of the file (${bytes.length} bytes)`, { byteOffset: s.headerOffset }, 'elf.section'));
  const shstr = secs[shstrndx];
  if (!shstr || shstr.type !== SHT.STRTAB || !valid(shstr)) return bad(`section name table index ${shstrndx} is not a valid string table`, 0x3e);
  for (const s of secs) {
    const nameOff = r.u32(s.headerOffset, 'sh_name');
    try {
      s.name = nameOff === 0 ? '' : r.cstr(shstr.offset + nameOff, shstr.offset + shstr.size, 'section name');
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      diags.push(err(`section ${s.index}: bad name offset ${nameOff}`, { byteOffset: s.headerOffset }, 'elf.section'));
      s.name = `<section ${s.index}>`;
    }
  }
  const usable = (s: Section | undefined): s is Section => !!s && valid(s);

  // Symbols.
  const symtab = secs.find((s) => s.type === SHT.SYMTAB);
  const syms: Sym[] = [];
  if (!symtab) diags.push(warn('the object has no symbol table (.symtab): no program names, maps or relocations', { byteOffset: 0 }, 'elf.symtab'));
  else if (usable(symtab)) {
    const strtab = secs[symtab.link];
    if (!usable(strtab) || strtab.type !== SHT.STRTAB) diags.push(err(`.symtab links to section ${symtab.link}, which is not a string table`, { byteOffset: symtab.headerOffset }, 'elf.symtab'));
    else {
      const n = Math.floor(symtab.size / ELF.SYM_SIZE);
      for (let i = 0; i < n; i++) {
        const p = symtab.offset + i * ELF.SYM_SIZE;
        const nameOff = r.u32(p);
        const info = r.u8(p + 4);
        let name = '';
        try {
          name = nameOff === 0 ? '' : r.cstr(strtab.offset + nameOff, strtab.offset + strtab.size, 'symbol name');
        } catch (e) {
          if (!(e instanceof FormatError)) throw e;
          diags.push(err(`symbol ${i}: bad name offset ${nameOff}`, { byteOffset: p }, 'elf.symtab'));
        }
        syms.push({ index: i, name, type: info & 0xf, bind: info >> 4, shndx: r.u16(p + 6), value: r.u64n(p + 8), size: r.u64n(p + 16) });
      }
      // Section symbols have no name of their own: name them after their section, as tools print them.
      for (const s of syms) if (s.type === STT.SECTION && !s.name) s.name = secs[s.shndx]?.name ?? '';
    }
  }

  // License.
  let license: string | undefined;
  const licSec = secs.find((s) => s.name === 'license');
  if (usable(licSec) && licSec.type === SHT.PROGBITS) {
    let e = licSec.offset;
    while (e < licSec.offset + licSec.size && bytes[e] !== 0) e++;
    license = String.fromCharCode(...bytes.subarray(licSec.offset, Math.min(e, licSec.offset + 256)));
  }

  // Maps.
  const maps: MapDef[] = [];
  /** `${shndx}:${offset}` of a map definition -> map index; global data sections map to `${shndx}:*`. */
  const mapAt = new Map<string, number>();
  const legacy = secs.find((s) => s.name === 'maps');
  if (usable(legacy)) readLegacyMaps(r, legacy, syms, maps, mapAt, diags);
  const btfSec = secs.find((s) => s.name === '.BTF');
  let btf: Btf | undefined;
  if (usable(btfSec)) {
    try {
      btf = parseBtf(r, btfSec.offset, btfSec.size);
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      diags.push(err(`.BTF: ${e.message}`, { byteOffset: e.byteOffset }, 'elf.btf'));
    }
  }
  // CO-RE field relocations (.BTF.ext core_relo) are not applied: say so rather than run wrong offsets.
  const ext = secs.find((s) => s.name === '.BTF.ext');
  if (usable(ext) && ext.size >= 32 && r.u16(ext.offset) === 0xeb9f && r.u32(ext.offset + 4) >= 32 && r.u32(ext.offset + 28) > 0)
    diags.push(warn('.BTF.ext has CO-RE relocations, which bpfplay does not apply: field offsets stay as compiled', { byteOffset: ext.offset + 28 }, 'elf.core'));
  // Source lines (.BTF.ext line_info, what clang -g writes): Program.sourceMap per instruction.
  let lines = new Map<string, LineInfo[]>();
  if (usable(ext) && btf) {
    try {
      lines = parseBtfExtLines(r, ext.offset, ext.size, btf);
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      diags.push(warn(`.BTF.ext: ${e.message}; no source lines`, { byteOffset: e.byteOffset }, 'elf.btfext'));
    }
  }
  const mapsSec = secs.find((s) => s.name === '.maps');
  if (usable(mapsSec)) {
    if (!btf) diags.push(err('.maps needs BTF to describe its maps, but the object has no usable .BTF section', { byteOffset: mapsSec.headerOffset }, 'elf.maps'));
    else {
      readBtfMaps(btf, mapsSec, syms, maps, mapAt, diags);
      readMapInMapSlots(r, secs, mapsSec, syms, maps, mapAt, diags);
    }
  }
  for (const s of secs) {
    if (!isGlobalDataSection(s.name) || !usable(s) || s.size === 0) continue;
    // A .bss has no bytes in the file, so its size is unchecked: bound it (the kernel's array maps cap
    // value_size near KMALLOC_MAX_SIZE, 4 MiB on x86-64) before allocating anything.
    if (s.size > MAX_GLOBAL_DATA) {
      diags.push(err(`section ${s.name} is ${s.size} bytes; global data larger than ${MAX_GLOBAL_DATA} bytes cannot be a BPF array map value`, { byteOffset: s.headerOffset }, 'elf.data'));
      continue;
    }
    const data = s.type === SHT.NOBITS ? new Uint8Array(s.size) : bytes.subarray(s.offset, s.offset + s.size);
    mapAt.set(`${s.index}:*`, maps.length);
    maps.push({
      name: s.name, type: 'array', keySize: 4, valueSize: s.size, maxEntries: 1,
      flags: BPF_F_MMAPABLE | (s.name.startsWith('.rodata') ? BPF_F_RDONLY_PROG : 0),
      initial: [{ key: '00000000', value: hex(data) }],
      loc: { byteOffset: s.offset },
    });
  }

  // Code sections with their relocations.
  const code = new Map<number, CodeSection>();
  for (const s of secs) {
    if (s.type !== SHT.PROGBITS || (s.flags & SHF.EXECINSTR) === 0 || s.size === 0 || !usable(s)) continue;
    if (s.size % 8 !== 0)
      diags.push(err(`section ${s.name}: size ${s.size} is not a multiple of 8 (trailing bytes ignored)`, { byteOffset: s.offset + s.size - (s.size % 8) }, 'elf.section'));
    const slots: Slot[] = [];
    const sb = bytes.subarray(s.offset, s.offset + s.size);
    for (let i = 0; i < Math.floor(s.size / 8); i++) slots.push(readSlot(sb, i));
    const funcs = syms
      .filter((y) => y.shndx === s.index && y.type === STT.FUNC)
      .map((y) => ({ name: y.name, start: Math.floor(y.value / 8), end: y.size > 0 ? Math.floor((y.value + y.size) / 8) : -1, sym: y }))
      .filter((f) => {
        if (f.sym.value % 8 !== 0 || f.start >= slots.length) {
          diags.push(err(`function ${f.name} in ${s.name} starts at byte ${f.sym.value}, not at an instruction of the section`, { byteOffset: s.offset }, 'elf.symbol'));
          return false;
        }
        return true;
      })
      .sort((a, b) => a.start - b.start);
    funcs.forEach((f, i) => {
      if (f.end < 0 || f.end > slots.length) f.end = funcs[i + 1]?.start ?? slots.length;
    });
    code.set(s.index, { sec: s, slots, relocs: new Map(), funcs });
  }
  for (const rs of secs) {
    if (rs.type !== SHT.REL && rs.type !== SHT.RELA) continue;
    const target = code.get(rs.info);
    if (!target || !usable(rs)) continue;
    const ent = rs.type === SHT.REL ? ELF.REL_SIZE : ELF.RELA_SIZE;
    if (rs.type === SHT.RELA) diags.push(warn(`${rs.name}: RELA relocations; addends are ignored (clang emits REL for BPF)`, { byteOffset: rs.headerOffset }, 'elf.reloc'));
    for (let i = 0; i < Math.floor(rs.size / ent); i++) {
      const p = rs.offset + i * ent;
      const off = r.u64n(p);
      const info = r.u64(p + 8);
      const type = Number(info & 0xffffffffn);
      const symIdx = Number(info >> 32n);
      const sym = syms[symIdx];
      if (!sym) {
        diags.push(err(`${rs.name}: relocation ${i} names symbol ${symIdx}, which does not exist`, { byteOffset: p }, 'elf.reloc'));
        continue;
      }
      if (off % 8 !== 0 || off / 8 >= target.slots.length) {
        diags.push(err(`${rs.name}: relocation ${i} at offset ${off} is not at an instruction of ${target.sec.name}`, { byteOffset: p }, 'elf.reloc'));
        continue;
      }
      target.relocs.set(off / 8, { type, sym, fileOffset: p });
    }
  }

  // Programs: every function of every executable section except .text.
  const programs: Program[] = [];
  for (const cs of code.values()) {
    if (cs.sec.name === '.text') continue;
    const entries = cs.funcs.length ? cs.funcs : [{ name: cs.sec.name, start: 0, end: cs.slots.length, sym: undefined }];
    for (const f of entries) {
      if (f.sym && f.sym.bind === STB.LOCAL)
        diags.push(warn(`program ${f.name} in ${cs.sec.name} is static; libbpf refuses static programs outside .text`, { byteOffset: cs.sec.offset + f.start * 8 }, 'elf.program'));
      const p = linkProgram(cs, f, code, secs, maps, mapAt, diags, lines);
      p.license = license;
      p.section = cs.sec.name;
      // libbpf's SEC_DEF("kprobe+") etc.: the bare prefix ('kprobe', 'tracepoint') names the type too.
      const t = progTypeForSection(cs.sec.name) ?? progTypeForSection(`${cs.sec.name}/`);
      if (t) p.progType = t;
      else diags.push(warn(`section ${cs.sec.name}: no known program type for this section name`, { byteOffset: cs.sec.headerOffset }, 'elf.progtype'));
      programs.push(p);
    }
  }
  if (programs.length === 0 && !diags.some((d) => d.severity === 'error'))
    diags.push(err('the object has no program sections (executable sections other than .text)', { byteOffset: 0 }, 'elf.noprog'));
  return { programs, maps, license, diagnostics: diags };
}

/** KMALLOC_MAX_SIZE on x86-64 (4 MiB): the largest value an array map can have. */
const MAX_GLOBAL_DATA = 4 << 20;

function hex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

function readLegacyMaps(r: ByteReader, sec: Section, syms: Sym[], maps: MapDef[], mapAt: Map<string, number>, diags: Diagnostic[]): void {
  const defs = syms.filter((s) => s.shndx === sec.index && s.type !== STT.SECTION && s.name).sort((a, b) => a.value - b.value);
  if (defs.length === 0) return;
  const stride = Math.floor(sec.size / defs.length);
  if (stride < 16) {
    diags.push(err(`maps: ${defs.length} maps in ${sec.size} bytes is too small for struct bpf_map_def`, { byteOffset: sec.offset }, 'elf.maps'));
    return;
  }
  for (const d of defs) {
    const at = sec.offset + d.value;
    if (d.value + 16 > sec.size) {
      diags.push(err(`maps: ${d.name} at offset ${d.value} does not fit in the section`, { byteOffset: at }, 'elf.maps'));
      continue;
    }
    mapAt.set(`${sec.index}:${d.value}`, maps.length);
    maps.push({
      name: d.name, type: mapTypeName(r.u32(at)), keySize: r.u32(at + 4), valueSize: r.u32(at + 8), maxEntries: r.u32(at + 12),
      flags: stride >= 20 && d.value + 20 <= sec.size ? r.u32(at + 16) : 0, loc: { byteOffset: at },
    });
  }
}

function readBtfMaps(btf: Btf, sec: Section, syms: Sym[], maps: MapDef[], mapAt: Map<string, number>, diags: Diagnostic[]): void {
  const ds = btf.types.find((t) => t?.kind === BTF_KIND.DATASEC && t.name === '.maps');
  if (!ds) {
    diags.push(err('.maps has no DATASEC ".maps" in BTF', { byteOffset: sec.headerOffset }, 'elf.maps'));
    return;
  }
  const symByName = new Map(syms.filter((s) => s.shndx === sec.index).map((s) => [s.name, s]));
  ds.members!.forEach((vi) => {
    const v = btf.types[vi.type];
    if (!v || v.kind !== BTF_KIND.VAR) {
      diags.push(err(`.maps: DATASEC entry ${vi.type} is not a VAR`, { byteOffset: ds.fileOffset }, 'elf.maps'));
      return;
    }
    const sym = symByName.get(v.name);
    const offset = sym ? sym.value : vi.offset;
    const m = btfMapDef(btf, v.name, v.sizeOrType, diags, sec.offset + offset);
    if (!m) return;
    m.loc = { byteOffset: sec.offset + offset };
    mapAt.set(`${sec.index}:${offset}`, maps.length);
    maps.push(m);
  });
}

function btfMapDef(btf: Btf, name: string, typeId: number, diags: Diagnostic[], at: number, depth = 0): MapDef | undefined {
  const st = resolveType(btf, typeId);
  if (!st || st.kind !== BTF_KIND.STRUCT) {
    diags.push(err(`map ${name}: its BTF type is not a struct`, { byteOffset: at }, 'elf.maps'));
    return undefined;
  }
  const m: MapDef = { name, type: 'unspec', keySize: 0, valueSize: 0, maxEntries: 0, flags: 0 };
  let innerType: number | undefined;
  for (const mem of st.members!) {
    const bad = (): void => void diags.push(err(`map ${name}: member ${mem.name} has an unexpected BTF encoding`, { byteOffset: at }, 'elf.maps'));
    switch (mem.name) {
      case 'type':
      case 'max_entries':
      case 'map_flags':
      case 'key_size':
      case 'value_size': {
        const n = uintMember(btf, mem.type);
        if (n === undefined) {
          bad();
          break;
        }
        if (mem.name === 'type') m.type = mapTypeName(n);
        else if (mem.name === 'max_entries') m.maxEntries = n;
        else if (mem.name === 'map_flags') m.flags = n;
        else if (mem.name === 'key_size') m.keySize = n;
        else m.valueSize = n;
        break;
      }
      case 'key':
      case 'value': {
        const t = pointee(btf, mem.type);
        const size = t === undefined ? undefined : typeSize(btf, t);
        if (size === undefined) bad();
        else if (mem.name === 'key') m.keySize = size;
        else m.valueSize = size;
        break;
      }
      case 'values': {
        // __array(values, struct inner): an array of pointers to the inner map's definition.
        const a = resolveType(btf, mem.type);
        const p = a?.kind === BTF_KIND.ARRAY ? pointee(btf, a.array!.type) : undefined;
        if (p === undefined) bad();
        else {
          innerType = p;
          valuesOffset.set(m, Math.floor(mem.offset / 8));
        }
        break;
      }
      default:
        break; // pinning, numa_node, map_extra: not modelled
    }
  }
  if (innerType !== undefined && (m.type === 'array_of_maps' || m.type === 'hash_of_maps') && depth < 4) {
    const inner = btfMapDef(btf, `${name}.inner`, innerType, diags, at, depth + 1);
    if (inner) m.inner = inner;
    // The outer map's value is the inner map's fd (libbpf sets value_size = 4).
    if (m.valueSize === 0) m.valueSize = 4;
  }
  return m;
}

/** Byte offset of an outer map definition's `values` member (from its BTF struct), for readMapInMapSlots. */
const valuesOffset = new WeakMap<MapDef, number>();

/**
 * Map-in-map initial slots, as libbpf's bpf_object__collect_map_relos reads them: `.values = { [i] = &inner }`
 * in an array_of_maps (or a hash_of_maps with 4-byte keys) leaves an R_BPF_64_64 relocation in `.rel.maps`
 * at `values[i]` naming the inner map's symbol. Each becomes an initial entry of the outer map: key i (u32),
 * value the inner map's index in the object's map list (what bpfplay stores for an inner map).
 */
function readMapInMapSlots(r: ByteReader, secs: Section[], mapsSec: Section, syms: Sym[], maps: MapDef[], mapAt: Map<string, number>, diags: Diagnostic[]): void {
  const starts = [...mapAt.entries()]
    .filter(([k]) => k.startsWith(`${mapsSec.index}:`))
    .map(([k, i]) => ({ off: Number(k.split(':')[1]), index: i }))
    .sort((a, b) => a.off - b.off);
  const warnedProgArray = new Set<string>();
  for (const rs of secs) {
    if ((rs.type !== SHT.REL && rs.type !== SHT.RELA) || rs.info !== mapsSec.index || rs.offset + rs.size > r.length) continue;
    const ent = rs.type === SHT.REL ? ELF.REL_SIZE : ELF.RELA_SIZE;
    for (let i = 0; i < Math.floor(rs.size / ent); i++) {
      const p = rs.offset + i * ent;
      const off = r.u64n(p);
      const sym = syms[Number(r.u64(p + 8) >> 32n)];
      const bad = (msg: string): void => void diags.push(err(`${rs.name}: relocation ${i}: ${msg}`, { byteOffset: p }, 'elf.maps'));
      const outer = [...starts].reverse().find((x) => x.off <= off);
      const m = outer ? maps[outer.index] : undefined;
      const vo = m ? valuesOffset.get(m) : undefined;
      if (m?.type === 'prog_array') {
        // libbpf also fills prog_array slots from `.values = { [k] = &prog }`; bpfplay does not read them.
        if (!warnedProgArray.has(m.name)) diags.push(warn(`map ${m.name}: prog_array initial slots (.values) are not applied; set its entries as initial contents`, { byteOffset: p }, 'elf.maps'));
        warnedProgArray.add(m.name);
        continue;
      }
      if (!outer || !m || vo === undefined || (m.type !== 'array_of_maps' && m.type !== 'hash_of_maps')) {
        bad(`offset ${off} of .maps is not in the values of an array_of_maps or hash_of_maps`);
        continue;
      }
      const rel = off - outer.off - vo;
      if (rel < 0 || rel % 8 !== 0) {
        bad(`offset ${off} is not a values[] slot of map ${m.name}`);
        continue;
      }
      if (m.type === 'hash_of_maps' && m.keySize !== 4) {
        bad(`hash-of-maps ${m.name} should have key size 4 to be initialised`);
        continue;
      }
      const slot = rel / 8;
      if (slot >= m.maxEntries) {
        bad(`values[${slot}] of map ${m.name} is past its max_entries ${m.maxEntries}`);
        continue;
      }
      const inner = sym && sym.shndx === mapsSec.index ? mapAt.get(`${mapsSec.index}:${sym.value}`) : undefined;
      if (inner === undefined) {
        bad(`values[${slot}] of map ${m.name} names ${sym?.name ?? '?'}, which is not a map of .maps`);
        continue;
      }
      const le = (n: number): string => hex(Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff));
      m.initial = [...(m.initial ?? []).filter((e) => e.key !== le(slot)), { key: le(slot), value: le(inner) }];
    }
  }
}

/** Builds one program: its own function, then every sub-program it calls (transitively), libbpf-style. */
function linkProgram(
  cs: CodeSection,
  entry: { name: string; start: number; end: number },
  code: Map<number, CodeSection>,
  secs: Section[],
  maps: MapDef[],
  mapAt: Map<string, number>,
  diags: Diagnostic[],
  lines: Map<string, LineInfo[]>,
): Program {
  const out: Slot[] = [];
  const src: (SrcPos | null)[] = [];
  const funcs: Record<number, string> = {};
  const placed = new Map<string, number>(); // `${shndx}:${start}` -> base slot in out
  const place = (c: CodeSection, f: { name: string; start: number; end: number }): number => {
    const key = `${c.sec.index}:${f.start}`;
    const hit = placed.get(key);
    if (hit !== undefined) return hit;
    const base = out.length;
    placed.set(key, base);
    funcs[base] = f.name;
    const recs = lines.get(c.sec.name) ?? [];
    for (let i = f.start; i < f.end; i++) {
      out.push({ ...c.slots[i]! });
      // The record in force at this instruction: the last one at or before it, inside this function.
      let rec: LineInfo | undefined;
      for (const x of recs) if (x.insnOff <= i * 8 && x.insnOff >= f.start * 8) rec = x;
      src.push(rec ? { line: rec.line, col: rec.col } : null);
    }
    // Like libbpf's bpf_object__reloc_code(): a sub-program is relocated as soon as it is appended, so its
    // own callees follow it (depth first) before the caller's later calls are handled.
    relocate(c, f.start, f.end, base);
    return base;
  };
  const funcAt = (c: CodeSection, idx: number): { name: string; start: number; end: number } | undefined => {
    const f = c.funcs.find((x) => idx >= x.start && idx < x.end);
    if (f) return f;
    if (idx >= 0 && idx < c.slots.length && c.funcs.length === 0) return { name: c.sec.name, start: 0, end: c.slots.length };
    return undefined;
  };
  const locOf = (c: CodeSection, i: number, rel?: Reloc): { byteOffset: number } => ({ byteOffset: rel ? rel.fileOffset : c.sec.offset + i * 8 });
  function relocate(c: CodeSection, start: number, end: number, base: number): void {
    for (let i = start; i < end; i++) {
      const pc = base + (i - start);
      const s = out[pc]!;
      const rel = c.relocs.get(i);
      const isCall = s.opcode === OPC_CALL && s.src === 1;
      const isLd = s.opcode === OPC_LDDW;
      if (rel && !isCall && !isLd) {
        if (rel.type !== R_BPF.NONE)
          diags.push(err(`${c.sec.name}+${i * 8}: relocation type ${rel.type} against ${rel.sym.name} on an instruction that is neither ld_imm64 nor call`, locOf(c, i, rel), 'elf.reloc'));
        continue;
      }
      if (isCall) {
        let tc = c;
        let target = i + s.imm + 1;
        if (rel) {
          const ts = code.get(rel.sym.shndx);
          if (!ts || (rel.sym.type !== STT.FUNC && rel.sym.type !== STT.SECTION)) {
            diags.push(err(`call at ${c.sec.name}+${i * 8}: ${rel.sym.shndx === 0 ? 'extern function' : 'symbol'} ${rel.sym.name} is not a BPF function of this object (externs and kfuncs are not supported)`, locOf(c, i, rel), 'elf.reloc'));
            continue;
          }
          tc = ts;
          target = Math.floor(rel.sym.value / 8) + s.imm + 1;
        }
        const f = funcAt(tc, target);
        if (!f) {
          diags.push(err(`call at ${c.sec.name}+${i * 8}: target instruction ${target} of ${tc.sec.name} is not inside a function`, locOf(c, i, rel), 'elf.reloc'));
          continue;
        }
        const fb = place(tc, f);
        s.imm = fb + (target - f.start) - (pc + 1);
        continue;
      }
      if (isLd && rel) {
        const sym = rel.sym;
        const tsec = secs[sym.shndx];
        if (i + 1 >= end) {
          diags.push(err(`ld_imm64 at ${c.sec.name}+${i * 8} has no second slot`, locOf(c, i, rel), 'elf.reloc'));
          continue;
        }
        const next = out[pc + 1]!;
        if (sym.shndx === ELF.SHN_UNDEF || !tsec) {
          diags.push(err(`ld_imm64 at ${c.sec.name}+${i * 8} refers to extern ${sym.name}, which is not supported`, locOf(c, i, rel), 'elf.reloc'));
        } else if (tsec.name === '.maps' || tsec.name === 'maps') {
          const off = sym.value + (sym.type === STT.SECTION ? s.imm : 0);
          const mi = mapAt.get(`${sym.shndx}:${off}`);
          if (mi === undefined) diags.push(err(`ld_imm64 at ${c.sec.name}+${i * 8}: ${sym.name} is not a map definition this reader understood`, locOf(c, i, rel), 'elf.reloc'));
          else {
            s.src = 1;
            s.imm = mi;
            next.imm = 0;
          }
        } else if (mapAt.has(`${sym.shndx}:*`)) {
          s.src = 2;
          next.imm = s.imm + sym.value;
          s.imm = mapAt.get(`${sym.shndx}:*`)!;
        } else if (code.has(sym.shndx)) {
          // Address of a BPF function (callbacks for bpf_loop etc.): BPF_PSEUDO_FUNC with a relative imm.
          const tc = code.get(sym.shndx)!;
          const target = Math.floor((sym.value + s.imm) / 8);
          const f = funcAt(tc, target);
          if (!f) diags.push(err(`ld_imm64 at ${c.sec.name}+${i * 8}: function address ${sym.name} is not inside a function`, locOf(c, i, rel), 'elf.reloc'));
          else {
            const fb = place(tc, f);
            s.src = 4;
            s.imm = fb + (target - f.start) - (pc + 1);
            next.imm = 0;
          }
        } else {
          diags.push(err(`ld_imm64 at ${c.sec.name}+${i * 8} refers to ${sym.name} in section ${tsec.name}, which is neither a map nor global data`, locOf(c, i, rel), 'elf.reloc'));
        }
      }
    }
  }
  place(cs, entry);
  const p: Program = { slots: out, maps: maps.map((m) => ({ ...m })), labels: {}, funcs, origin: 'elf', section: cs.sec.name };
  if (src.some((x) => x)) p.sourceMap = src;
  return p;
}
