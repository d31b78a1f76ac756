// Consistency of the helper prototype table: every helper some program type allows has a prototype;
// names match the kernel's ids; argument lists are well formed (at most five, a size argument follows a
// memory argument, map keys and values follow a map); flags decode as the kernel spells them; gpl_only
// agrees with what the running kernel reported per program type (helpers.generated.ts); acquire
// functions return a nullable pointer and have a releasing helper; docs are real sentences.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { HELPER_NAMES } from './ids.generated';
import { CHANGES_PKT_DATA_IDS, HELPER_PROTOS, helperProto, helperSignature, parseArg, parseRet, releasedBy } from './protos';
import { HELPERS_BY_TYPE } from '../progtypes/helpers.generated';

const protos = [...HELPER_PROTOS.values()];
const allowedAnywhere = new Set(Object.values(HELPERS_BY_TYPE).flatMap((t) => t.allowed));

describe('helper prototypes', () => {
  it('describes every helper a program type allows, under its kernel name', () => {
    for (const id of allowedAnywhere) expect(HELPER_PROTOS.has(id), `helper #${id} ${HELPER_NAMES[id]}`).toBe(true);
    for (const p of protos) expect(p.name).toBe(HELPER_NAMES[p.id]);
    expect(HELPER_PROTOS.size).toBe(HELPER_NAMES.length - 1);
    expect(HELPER_PROTOS.get(1)!.name).toBe('map_lookup_elem');
  });

  it('has well-formed argument lists', () => {
    for (const p of protos) {
      expect(p.args.length, p.name).toBeLessThanOrEqual(5);
      expect(p.argSpecs.length, p.name).toBe(p.args.length);
      p.argSpecs.forEach((a, k) => {
        if (a.base === 'ARG_CONST_SIZE' || a.base === 'ARG_CONST_SIZE_OR_ZERO') {
          // check_arg_pair_ok: a size follows a memory argument that has no fixed size of its own
          const prev = p.argSpecs[k - 1];
          expect(prev?.base, `${p.name} arg ${k + 1}`).toBe('ARG_PTR_TO_MEM');
          expect(prev?.fixedSize, `${p.name} arg ${k}`).toBe(0);
        }
        if (a.base === 'ARG_PTR_TO_MEM' && !a.fixedSize) {
          const next = p.argSpecs[k + 1];
          expect(['ARG_CONST_SIZE', 'ARG_CONST_SIZE_OR_ZERO'], `${p.name} arg ${k + 2} sizes arg ${k + 1}`).toContain(next?.base);
        }
        if (a.fixedSize) expect(a.base, p.name).toBe('ARG_PTR_TO_MEM');
        if (a.base === 'ARG_PTR_TO_MAP_KEY' || a.base === 'ARG_PTR_TO_MAP_VALUE') expect(p.argSpecs.slice(0, k).map((x) => x.base), p.name).toContain('ARG_CONST_MAP_PTR');
        // check_raw_mode_ok / MEM_UNINIT only on memory the helper writes
        if (a.uninit && a.base !== 'ARG_PTR_TO_DYNPTR') expect(a.write, `${p.name} arg ${k + 1}`).toBe(true);
        expect(a.rdonly && a.write, `${p.name} arg ${k + 1}`).toBe(false);
      });
      // at most one released argument (check_func_proto: check_refcount_ok)
      expect(p.argSpecs.filter((a) => a.release).length, p.name).toBeLessThanOrEqual(1);
      if (p.mapArg) expect(p.argSpecs[p.mapArg.arg]?.base, p.name).toBe('ARG_CONST_MAP_PTR');
      expect(p.doc.length, p.name).toBeGreaterThan(20);
      expect(p.doc, p.name).toMatch(/^[A-Z].*[.)]$/);
    }
  });

  it('decodes the kernel spellings', () => {
    expect(parseArg('ARG_PTR_TO_UNINIT_MEM')).toMatchObject({ base: 'ARG_PTR_TO_MEM', uninit: true, write: true, rdonly: false });
    expect(parseArg('ARG_PTR_TO_MEM | PTR_MAYBE_NULL | MEM_RDONLY')).toMatchObject({ base: 'ARG_PTR_TO_MEM', maybeNull: true, rdonly: true });
    expect(parseArg('ARG_PTR_TO_FIXED_SIZE_MEM | MEM_UNINIT | MEM_WRITE | MEM_ALIGNED', 8)).toMatchObject({ fixedSize: 8, aligned: true, uninit: true });
    expect(parseArg('ARG_PTR_TO_DYNPTR | DYNPTR_TYPE_RINGBUF | OBJ_RELEASE')).toMatchObject({ base: 'ARG_PTR_TO_DYNPTR', dynptr: 'ringbuf', release: true });
    expect(parseRet('RET_PTR_TO_RINGBUF_MEM_OR_NULL')).toMatchObject({ base: 'RET_PTR_TO_MEM', maybeNull: true, ringbuf: true });
    expect(parseRet('RET_PTR_TO_BTF_ID_TRUSTED')).toMatchObject({ base: 'RET_PTR_TO_BTF_ID', trusted: true, maybeNull: false });
    expect(helperSignature(HELPER_PROTOS.get(131)!)).toBe('RET_PTR_TO_RINGBUF_MEM_OR_NULL bpf_ringbuf_reserve(ARG_CONST_MAP_PTR, ARG_CONST_ALLOC_SIZE_OR_ZERO, ARG_ANYTHING)');
  });

  it('has gpl_only as the running kernel reported it for every program type', () => {
    for (const [type, h] of Object.entries(HELPERS_BY_TYPE)) {
      for (const id of h.allowed) expect(helperProto(id, type)!.gplOnly, `${type} ${HELPER_NAMES[id]}`).toBe(h.gplOnly.includes(id));
    }
  });

  it('pairs acquire functions with releasing helpers', () => {
    for (const p of protos) {
      if (!p.acquire) continue;
      expect(p.retSpec.maybeNull, p.name).toBe(true);
      if (p.id !== 194) expect(releasedBy(p.id).length, p.name).toBeGreaterThan(0);
      for (const r of releasedBy(p.id)) expect(HELPER_PROTOS.get(r)!.argSpecs.some((a) => a.release), HELPER_NAMES[r]).toBe(true);
    }
  });

  it('marks the helpers that move packet data, all of which take the context first', () => {
    for (const id of CHANGES_PKT_DATA_IDS) expect(HELPER_PROTOS.get(id)!.argSpecs[0]?.base, HELPER_NAMES[id]).toBe('ARG_PTR_TO_CTX');
    expect(HELPER_PROTOS.get(44)!.changesPktData).toBe(true);
    expect(HELPER_PROTOS.get(26)!.changesPktData).toBe(false);
  });

  it('uses per-program-type prototypes where the kernel does', () => {
    expect(helperProto(17, 'sched_cls')!.args).toEqual(['ARG_PTR_TO_CTX']);
    expect(helperProto(17, 'kprobe')!.args).toEqual([]);
    expect(helperProto(107, 'cgroup_sock')!.argSpecs[1]!.base).toBe('ARG_PTR_TO_CTX');
    expect(helperProto(107, 'cgroup_skb')!.argSpecs[1]!.base).toBe('ARG_PTR_TO_BTF_ID_SOCK_COMMON');
  });

  const uapi = '/usr/include/linux/bpf.h';
  it.skipIf(!existsSync(uapi))('takes as many arguments as the C signatures in the UAPI header', () => {
    // " * long bpf_skb_load_bytes(const void *skb, u32 offset, void *to, u32 len)" in the helper docs of bpf.h
    const text = readFileSync(uapi, 'utf8');
    const sigs = new Map<string, number>();
    for (const m of text.matchAll(/^ \* [a-z][\w *]*?\bbpf_([a-z0-9_]+)\((.*)\)$/gm)) sigs.set(m[1]!, ['void', ''].includes(m[2]!.trim()) ? 0 : m[2]!.split(',').length);
    // The header has no doc entry for cgroup_local_storage_get/delete (ids 210, 211); trace_printk's
    // prototype declares only fmt and fmt_size (the values are read from R3-R5 by the helper itself);
    // get_cgroup_classid takes the skb only in the tc/lwt variant.
    const undocumented = new Set(['cgroup_local_storage_get', 'cgroup_local_storage_delete']);
    const exceptions: Record<string, number> = { trace_printk: 3, get_cgroup_classid: 1 };
    let checked = 0;
    for (const p of protos) {
      if (undocumented.has(p.name)) continue;
      const n = sigs.get(p.name);
      expect(n, p.name).toBeDefined();
      expect(exceptions[p.name] ?? p.args.length, p.name).toBe(n);
      checked++;
    }
    expect(checked).toBe(209);
  });
});
