// BTF-defined maps (`struct { __uint(type, BPF_MAP_TYPE_HASH); __type(key, u32); ... } m SEC(".maps")`)
// in `clang-19 -target bpf -g -S` output: the assembler collects the bytes of the `.BTF` section from its
// data directives, and this module reads the `.maps` DATASEC from them the way libbpf's
// bpf_object__init_user_btf_maps() does: `__uint(name, N)` is `int (*name)[N]`, `__type(name, T)` is
// `T *name`. It reads type, max_entries, map_flags, key/value (or key_size/value_size) and the inner map
// of map-in-map types; pinning, numa_node and map_extra are not modelled. The BTF parsing itself is
// worker/elf/btf.ts. It never throws: problems come back as messages.

import { ByteReader, FormatError } from '../../elf/bytes';
import { parseBtf, pointee, resolveType, typeSize, uintMember, type Btf } from '../../elf/btf';
import { BTF_KIND, mapTypeName } from '../../elf/format';
import type { MapDef } from '../../isa/program';

export interface BtfMapsResult {
  /** Maps by variable name, in DATASEC order. */
  maps: MapDef[];
  problems: string[];
}

/** Reads the map definitions of the `.maps` DATASEC from the bytes of a .BTF section. */
export function btfMaps(btfBytes: Uint8Array): BtfMapsResult {
  const problems: string[] = [];
  let btf: Btf;
  try {
    btf = parseBtf(new ByteReader(btfBytes), 0, btfBytes.length);
  } catch (e) {
    if (e instanceof FormatError) return { maps: [], problems: [`.BTF: ${e.message}`] };
    throw e;
  }
  const ds = btf.types.find((t) => t?.kind === BTF_KIND.DATASEC && t.name === '.maps');
  if (!ds) return { maps: [], problems: ['.BTF has no DATASEC ".maps"'] };
  const maps: MapDef[] = [];
  for (const vi of ds.members ?? []) {
    const v = btf.types[vi.type];
    if (!v || v.kind !== BTF_KIND.VAR) {
      problems.push(`.maps: DATASEC entry ${vi.type} is not a VAR`);
      continue;
    }
    const m = mapDef(btf, v.name, v.sizeOrType, problems, 0);
    if (m) maps.push(m);
  }
  return { maps, problems };
}

function mapDef(btf: Btf, name: string, typeId: number, problems: string[], depth: number): MapDef | null {
  const st = resolveType(btf, typeId);
  if (!st || st.kind !== BTF_KIND.STRUCT) {
    problems.push(`map ${name}: its BTF type is not a struct`);
    return null;
  }
  const m: MapDef = { name, type: 'unspec', keySize: 0, valueSize: 0, maxEntries: 0, flags: 0 };
  let inner: number | undefined;
  for (const mem of st.members ?? []) {
    const bad = (): void => void problems.push(`map ${name}: member ${mem.name} has an unexpected BTF encoding`);
    if (['type', 'max_entries', 'map_flags', 'key_size', 'value_size'].includes(mem.name)) {
      const n = uintMember(btf, mem.type);
      if (n === undefined) bad();
      else if (mem.name === 'type') m.type = mapTypeName(n);
      else if (mem.name === 'max_entries') m.maxEntries = n;
      else if (mem.name === 'map_flags') m.flags = n;
      else if (mem.name === 'key_size') m.keySize = n;
      else m.valueSize = n;
    } else if (mem.name === 'key' || mem.name === 'value') {
      const t = pointee(btf, mem.type);
      const size = t === undefined ? undefined : typeSize(btf, t);
      if (size === undefined) bad();
      else if (mem.name === 'key') m.keySize = size;
      else m.valueSize = size;
    } else if (mem.name === 'values') {
      const a = resolveType(btf, mem.type);
      const p = a?.kind === BTF_KIND.ARRAY ? pointee(btf, a.array!.type) : undefined;
      if (p === undefined) bad();
      else inner = p;
    }
  }
  if (inner !== undefined && (m.type === 'array_of_maps' || m.type === 'hash_of_maps') && depth < 4) {
    const im = mapDef(btf, `${name}.inner`, inner, problems, depth + 1);
    if (im) m.inner = im;
    if (m.valueSize === 0) m.valueSize = 4; // the outer map holds inner map fds
  }
  return m;
}
