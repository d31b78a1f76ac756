// The core kernel helpers: map lookup/update/delete (kernel/bpf/helpers.c bpf_map_*_elem, with the map
// type's own errors), ktime_get_ns (the VM's virtual clock), get_prandom_u32 (the VM's seeded PRNG),
// get_smp_processor_id (the simulated CPU) and tail_call (the prog_array jump of
// kernel/bpf/core.c JMP_TAIL_CALL). Each reads its arguments through the helper environment, so a bad
// pointer stops the run with a located fault rather than reading anything else.

import { ProgArrayMap } from '../maps/prog_array';
import { errno, registerHelper, U64, type HelperEnv, type HelperMap } from './types';
import { EINVAL } from '../maps/types';

function mapArg(env: HelperEnv, r1: bigint): HelperMap | string {
  return env.mapByAddr(r1) ?? `R1 = 0x${U64(r1).toString(16)} is not a map pointer`;
}

registerHelper({
  id: 1, name: 'map_lookup_elem',
  call(env, r1, r2) {
    const m = mapArg(env, r1);
    if (typeof m === 'string') return { fault: m };
    const key = env.read(r2, m.impl.def.keySize);
    if (typeof key === 'string') return { fault: `key: ${key}` };
    if (m.impl.lookupMap) {
      const inner = m.impl.lookupMap(key);
      return inner === null ? 0n : env.mapPtrAddr(inner);
    }
    const v = m.impl.lookup(key, env.cpu);
    if (!v || !m.impl.valuesAccessible) return 0n;
    return env.mapValueAddr(m.index, v.slot);
  },
});

registerHelper({
  id: 2, name: 'map_update_elem',
  call(env, r1, r2, r3, r4) {
    const m = mapArg(env, r1);
    if (typeof m === 'string') return { fault: m };
    const key = env.read(r2, m.impl.def.keySize);
    if (typeof key === 'string') return { fault: `key: ${key}` };
    const value = env.read(r3, m.impl.def.valueSize);
    if (typeof value === 'string') return { fault: `value: ${value}` };
    if (r4 > 0xffffffffn) return errno(EINVAL);
    env.mapWillChange(m.index, key);
    return U64(BigInt(m.impl.update(key, value, Number(r4), env.cpu)));
  },
});

registerHelper({
  id: 3, name: 'map_delete_elem',
  call(env, r1, r2) {
    const m = mapArg(env, r1);
    if (typeof m === 'string') return { fault: m };
    const key = env.read(r2, m.impl.def.keySize);
    if (typeof key === 'string') return { fault: `key: ${key}` };
    env.mapWillChange(m.index, key);
    return U64(BigInt(m.impl.delete(key, env.cpu)));
  },
});

registerHelper({ id: 5, name: 'ktime_get_ns', call: (env) => env.nowNs() });
registerHelper({ id: 7, name: 'get_prandom_u32', call: (env) => BigInt(env.prandomU32()) });
registerHelper({ id: 8, name: 'get_smp_processor_id', call: (env) => BigInt(env.cpu) });

registerHelper({
  id: 12, name: 'tail_call',
  call(env, _ctx, r2, r3) {
    const m = mapArg(env, r2);
    if (typeof m === 'string') return { fault: m };
    if (!(m.impl instanceof ProgArrayMap)) return { fault: `map '${m.impl.def.name}' is a ${m.impl.def.type} map, not a prog_array` };
    const index = Number(r3 & 0xffffffffn);
    if (index >= m.impl.def.maxEntries) return { tailCall: -2 };
    const p = m.impl.prog(index);
    return { tailCall: p === null || p >= env.programCount ? -1 : p };
  },
});
