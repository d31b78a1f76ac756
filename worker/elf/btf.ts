// A minimal BTF reader: parses the type section of a .BTF blob into records and answers the few questions
// the ELF reader needs about BTF-defined maps (resolve modifiers, size of a type, the `int (*name)[N]`
// encoding of __uint). It does not validate BTF the way the kernel's btf_check_all_metas()/btf_parse() do;
// layout follows include/uapi/linux/btf.h and Documentation/bpf/btf.rst.

import { ByteReader, FormatError } from './bytes';
import { BTF_KIND, BTF_MAGIC } from './format';

export interface BtfMember {
  name: string;
  type: number;
  offset: number;
}

export interface BtfType {
  id: number;
  kind: number;
  name: string;
  vlen: number;
  kindFlag: boolean;
  /** size for INT/STRUCT/UNION/ENUM/DATASEC/FLOAT, referenced type id for the others. */
  sizeOrType: number;
  /** ARRAY */
  array?: { type: number; indexType: number; nelems: number };
  /** STRUCT/UNION members; DATASEC var_secinfo as {name:'', type, offset} with sizes in secinfoSizes. */
  members?: BtfMember[];
  secinfoSizes?: number[];
  /** Byte offset of this type record in the file, for diagnostics. */
  fileOffset: number;
}

export interface Btf {
  types: (BtfType | undefined)[]; // index = type id; 0 is void
  /** The string at an offset of the BTF string section (throws FormatError when out of range). */
  str(off: number): string;
}

/** Parses a .BTF section found at `base` (file offset) with `size` bytes. Throws FormatError on bad layout. */
export function parseBtf(r: ByteReader, base: number, size: number): Btf {
  r.check(base, size, '.BTF section');
  const end = base + size;
  const magic = r.u16(base, 'BTF magic');
  if (magic !== BTF_MAGIC) {
    if (magic === 0x9feb) throw new FormatError('.BTF is big-endian; only little-endian BTF is supported', base);
    throw new FormatError(`.BTF has a bad magic 0x${magic.toString(16)} (expected 0xeb9f)`, base);
  }
  const hdrLen = r.u32(base + 4, 'BTF hdr_len');
  const typeOff = r.u32(base + 8, 'BTF type_off');
  const typeLen = r.u32(base + 12, 'BTF type_len');
  const strOff = r.u32(base + 16, 'BTF str_off');
  const strLen = r.u32(base + 20, 'BTF str_len');
  const tStart = base + hdrLen + typeOff;
  const tEnd = tStart + typeLen;
  const sStart = base + hdrLen + strOff;
  const sEnd = sStart + strLen;
  if (hdrLen < 24 || tEnd > end || sEnd > end) throw new FormatError('BTF header describes sections outside .BTF', base);
  const str = (off: number, at: number): string => {
    if (off === 0) return '';
    if (off >= strLen) throw new FormatError(`BTF name offset ${off} is outside the string section`, at);
    return r.cstr(sStart + off, sEnd, 'BTF string');
  };
  const types: (BtfType | undefined)[] = [undefined];
  let p = tStart;
  while (p < tEnd) {
    const at = p;
    const nameOff = r.u32(p, 'BTF type name_off');
    const info = r.u32(p + 4, 'BTF type info');
    const sizeOrType = r.u32(p + 8, 'BTF type size/type');
    p += 12;
    const kind = (info >>> 24) & 0x1f;
    const vlen = info & 0xffff;
    const t: BtfType = { id: types.length, kind, name: str(nameOff, at), vlen, kindFlag: info >>> 31 === 1, sizeOrType, fileOffset: at };
    switch (kind) {
      case BTF_KIND.INT:
      case BTF_KIND.VAR:
      case BTF_KIND.DECL_TAG:
        p += 4;
        break;
      case BTF_KIND.PTR:
      case BTF_KIND.FWD:
      case BTF_KIND.TYPEDEF:
      case BTF_KIND.VOLATILE:
      case BTF_KIND.CONST:
      case BTF_KIND.RESTRICT:
      case BTF_KIND.FUNC:
      case BTF_KIND.FLOAT:
      case BTF_KIND.TYPE_TAG:
        break;
      case BTF_KIND.ARRAY:
        t.array = { type: r.u32(p, 'BTF array'), indexType: r.u32(p + 4, 'BTF array'), nelems: r.u32(p + 8, 'BTF array') };
        p += 12;
        break;
      case BTF_KIND.STRUCT:
      case BTF_KIND.UNION: {
        t.members = [];
        for (let i = 0; i < vlen; i++, p += 12)
          t.members.push({ name: str(r.u32(p, 'BTF member'), p), type: r.u32(p + 4, 'BTF member'), offset: r.u32(p + 8, 'BTF member') });
        break;
      }
      case BTF_KIND.ENUM:
        p += 8 * vlen;
        break;
      case BTF_KIND.ENUM64:
        p += 12 * vlen;
        break;
      case BTF_KIND.FUNC_PROTO:
        p += 8 * vlen;
        break;
      case BTF_KIND.DATASEC: {
        t.members = [];
        t.secinfoSizes = [];
        for (let i = 0; i < vlen; i++, p += 12) {
          t.members.push({ name: '', type: r.u32(p, 'BTF var_secinfo'), offset: r.u32(p + 4, 'BTF var_secinfo') });
          t.secinfoSizes.push(r.u32(p + 8, 'BTF var_secinfo'));
        }
        break;
      }
      default:
        throw new FormatError(`BTF type ${t.id} has unknown kind ${kind}`, at);
    }
    if (p > tEnd) throw new FormatError(`BTF type ${t.id} runs past the type section`, at);
    types.push(t);
    if (types.length > 1_000_000) throw new FormatError('too many BTF types', at);
  }
  return { types, str: (off: number) => str(off, base) };
}

export interface LineInfo {
  /** Byte offset of the first instruction the record covers, in its section. */
  insnOff: number;
  file: string;
  /** The source line's text as BTF stores it. */
  text: string;
  line: number;
  col: number;
}

/**
 * The line_info of a .BTF.ext section (at file offset `base`, `size` bytes): per ELF section name, records
 * sorted by instruction offset. Throws FormatError on bad layout. Documentation/bpf/btf.rst, "BTF.ext".
 */
export function parseBtfExtLines(r: ByteReader, base: number, size: number, btf: Btf): Map<string, LineInfo[]> {
  r.check(base, size, '.BTF.ext section');
  const out = new Map<string, LineInfo[]>();
  if (r.u16(base) !== BTF_MAGIC) throw new FormatError('.BTF.ext has a bad magic', base);
  const hdrLen = r.u32(base + 4);
  if (hdrLen < 24) throw new FormatError(`.BTF.ext header length ${hdrLen} is too small`, base + 4);
  const off = r.u32(base + 16);
  const len = r.u32(base + 20);
  if (len === 0) return out;
  let p = base + hdrLen + off;
  const end = p + len;
  if (end > base + size) throw new FormatError('.BTF.ext line_info runs past the section', base + 16);
  const recSize = r.u32(p, 'line_info record size');
  if (recSize < 16) throw new FormatError(`.BTF.ext line_info record size ${recSize} is below 16`, p);
  p += 4;
  while (p < end) {
    const sec = btf.str(r.u32(p, 'line_info section'));
    const n = r.u32(p + 4, 'line_info count');
    p += 8;
    if (p + n * recSize > end) throw new FormatError(`.BTF.ext line_info for ${sec} runs past its section`, p);
    const recs: LineInfo[] = [];
    for (let i = 0; i < n; i++, p += recSize) {
      const lc = r.u32(p + 12);
      recs.push({ insnOff: r.u32(p), file: btf.str(r.u32(p + 4)), text: btf.str(r.u32(p + 8)), line: lc >>> 10, col: lc & 0x3ff });
    }
    recs.sort((a, b) => a.insnOff - b.insnOff);
    out.set(sec, recs);
  }
  return out;
}

export function btfType(btf: Btf, id: number): BtfType | undefined {
  return btf.types[id];
}

/** Follows typedef/volatile/const/restrict/type_tag to the underlying type (undefined for void or bad ids). */
export function resolveType(btf: Btf, id: number): BtfType | undefined {
  for (let depth = 0; depth < 64; depth++) {
    const t = btf.types[id];
    if (!t) return undefined;
    if (t.kind === BTF_KIND.TYPEDEF || t.kind === BTF_KIND.VOLATILE || t.kind === BTF_KIND.CONST || t.kind === BTF_KIND.RESTRICT || t.kind === BTF_KIND.TYPE_TAG) {
      id = t.sizeOrType;
      continue;
    }
    return t;
  }
  return undefined;
}

/** Size in bytes of a type, or undefined when it has none (void, func, fwd) or is malformed. */
export function typeSize(btf: Btf, id: number, depth = 0): number | undefined {
  if (depth > 64) return undefined;
  const t = resolveType(btf, id);
  if (!t) return undefined;
  switch (t.kind) {
    case BTF_KIND.INT:
    case BTF_KIND.STRUCT:
    case BTF_KIND.UNION:
    case BTF_KIND.ENUM:
    case BTF_KIND.ENUM64:
    case BTF_KIND.FLOAT:
    case BTF_KIND.DATASEC:
      return t.sizeOrType;
    case BTF_KIND.PTR:
      return 8;
    case BTF_KIND.ARRAY: {
      const e = typeSize(btf, t.array!.type, depth + 1);
      return e === undefined ? undefined : e * t.array!.nelems;
    }
    default:
      return undefined;
  }
}

/** The N of a `__uint(name, N)` member, encoded as `int (*name)[N]`; undefined if the shape differs. */
export function uintMember(btf: Btf, typeId: number): number | undefined {
  const p = resolveType(btf, typeId);
  if (!p || p.kind !== BTF_KIND.PTR) return undefined;
  const a = resolveType(btf, p.sizeOrType);
  if (!a || a.kind !== BTF_KIND.ARRAY) return undefined;
  return a.array!.nelems;
}

/** The pointee of a `__type(name, T)` member, encoded as `T *name`. */
export function pointee(btf: Btf, typeId: number): number | undefined {
  const p = resolveType(btf, typeId);
  if (!p || p.kind !== BTF_KIND.PTR) return undefined;
  return p.sizeOrType;
}
