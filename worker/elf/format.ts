// Constants of the ELF64 relocatable format as BPF objects use it (System V gABI; EM_BPF, R_BPF_* from
// LLVM's BPF backend and the kernel's Documentation/bpf/llvm_reloc.rst), the BTF type encoding
// (include/uapi/linux/btf.h, Documentation/bpf/btf.rst) and the kernel's map type enum
// (enum bpf_map_type, include/uapi/linux/bpf.h, Linux 6.18). Shared by the reader and the writer.
// It holds no logic beyond name lookups.

export const ELF = {
  MAGIC: [0x7f, 0x45, 0x4c, 0x46] as const,
  CLASS64: 2,
  DATA_LE: 1,
  DATA_BE: 2,
  ET_REL: 1,
  EM_BPF: 247,
  EHDR_SIZE: 64,
  SHDR_SIZE: 64,
  SYM_SIZE: 24,
  REL_SIZE: 16,
  RELA_SIZE: 24,
  SHN_UNDEF: 0,
  SHN_LORESERVE: 0xff00,
  SHN_ABS: 0xfff1,
  SHN_COMMON: 0xfff2,
  SHN_XINDEX: 0xffff,
} as const;

export const SHT = { NULL: 0, PROGBITS: 1, SYMTAB: 2, STRTAB: 3, RELA: 4, NOBITS: 8, REL: 9 } as const;
export const SHF = { WRITE: 0x1, ALLOC: 0x2, EXECINSTR: 0x4 } as const;
export const STT = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3, FILE: 4 } as const;
export const STB = { LOCAL: 0, GLOBAL: 1, WEAK: 2 } as const;

/** BPF relocation types (llvm/include/llvm/BinaryFormat/ELFRelocs/BPF.def). */
export const R_BPF = { NONE: 0, R64_64: 1, R64_ABS64: 2, R64_ABS32: 3, R64_NODYLD32: 4, R64_32: 10 } as const;

/** BTF kinds (BTF_KIND_*). */
export const BTF_KIND = {
  UNKN: 0, INT: 1, PTR: 2, ARRAY: 3, STRUCT: 4, UNION: 5, ENUM: 6, FWD: 7, TYPEDEF: 8, VOLATILE: 9,
  CONST: 10, RESTRICT: 11, FUNC: 12, FUNC_PROTO: 13, VAR: 14, DATASEC: 15, FLOAT: 16, DECL_TAG: 17,
  TYPE_TAG: 18, ENUM64: 19,
} as const;
export const BTF_MAGIC = 0xeb9f;
export const BTF_HDR_SIZE = 24;

/** enum bpf_map_type, index = value, names without the BPF_MAP_TYPE_ prefix in lower case. */
export const MAP_TYPE_NAMES: readonly string[] = [
  'unspec', 'hash', 'array', 'prog_array', 'perf_event_array', 'percpu_hash', 'percpu_array', 'stack_trace',
  'cgroup_array', 'lru_hash', 'lru_percpu_hash', 'lpm_trie', 'array_of_maps', 'hash_of_maps', 'devmap',
  'sockmap', 'cpumap', 'xskmap', 'sockhash', 'cgroup_storage', 'reuseport_sockarray', 'percpu_cgroup_storage',
  'queue', 'stack', 'sk_storage', 'devmap_hash', 'struct_ops', 'ringbuf', 'inode_storage', 'task_storage',
  'bloom_filter', 'user_ringbuf', 'cgrp_storage', 'arena',
];

export function mapTypeName(id: number): string {
  return MAP_TYPE_NAMES[id] ?? `unknown_${id}`;
}

/** The enum value of a map type name, or undefined (accepts 'unknown_N' back). */
export function mapTypeId(name: string): number | undefined {
  const i = MAP_TYPE_NAMES.indexOf(name);
  if (i >= 0) return i;
  const m = /^unknown_(\d+)$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** Global-data sections that libbpf turns into single-entry array maps (BPF_PSEUDO_MAP_VALUE references). */
export function isGlobalDataSection(name: string): boolean {
  return /^\.(data|rodata|bss)(\..*)?$/.test(name);
}

/** map_flags libbpf gives a global-data map: BPF_F_MMAPABLE, plus BPF_F_RDONLY_PROG for .rodata. */
export const BPF_F_MMAPABLE = 0x400;
export const BPF_F_RDONLY_PROG = 0x80;
