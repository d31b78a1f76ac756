// bpf_loop (helper 181) and bpf_for_each_map_elem (helper 164): BPF callbacks run through
// env.callFunction (a new stack frame; their instructions count towards the budget).
// bpf_loop calls a BPF callback nr_loops times, as kernel/bpf/bpf_iter.c bpf_loop does:
// flags must be 0 (-EINVAL), nr_loops (u32) at most BPF_MAX_LOOPS = 8M (-E2BIG); the callback gets
// (index, callback_ctx) and a non-zero return stops the loop; the result is the number of iterations.
// bpf_for_each_map_elem(map, cb, ctx, flags) calls cb(map, &key, &value, ctx) for every element, in
// get_next_key order (arrays: every index; kernel/bpf/arraymap.c bpf_for_each_array_elem, hashtab.c
// bpf_for_each_hash_elem), stopping when cb returns non-zero; flags must be 0; the result is the number of
// elements visited. The key pointer is the map's read-only key area; per-CPU maps pass this CPU's value.

import { E2BIG, EINVAL } from '../maps/types';
import { errno, registerHelper } from './types';

const BPF_MAX_LOOPS = 8 * 1024 * 1024;

registerHelper({
  id: 181, name: 'loop',
  call(env, nrLoops, fn, cbCtx, flags) {
    if (flags !== 0n) return errno(EINVAL);
    const n = Number(nrLoops & 0xffffffffn);
    if (n > BPF_MAX_LOOPS) return errno(E2BIG);
    for (let i = 0; i < n; i++) {
      const r = env.callFunction(fn, [BigInt(i), cbCtx, 0n, 0n, 0n]);
      if (typeof r === 'string') return { fault: `callback: ${r}` };
      if (r !== 0n) return BigInt(i + 1);
    }
    return BigInt(n);
  },
});

registerHelper({
  id: 164, name: 'for_each_map_elem',
  call(env, mapPtr, fn, cbCtx, flags) {
    const m = env.mapByAddr(mapPtr);
    if (!m) return { fault: `R1 = 0x${BigInt.asUintN(64, mapPtr).toString(16)} is not a map pointer` };
    if (flags !== 0n) return errno(EINVAL);
    if (!m.impl.valuesAccessible) return errno(EINVAL); // no map_for_each_callback for this map type
    let n = 0;
    for (let key = m.impl.getNextKey(null); key; key = m.impl.getNextKey(key)) {
      // bpf_for_each_hash_elem reads elements directly: no LRU reference bit is set (peek, not lookup)
      const v = m.impl.peek ? m.impl.peek(key, env.cpu) : m.impl.lookup(key, env.cpu);
      if (!v) continue;
      n++;
      const r = env.callFunction(fn, [mapPtr, env.mapKeyAddr(m.index, key), env.mapValueAddr(m.index, v.slot), cbCtx, 0n]);
      if (typeof r === 'string') return { fault: `callback: ${r}` };
      if (r !== 0n) break;
    }
    return BigInt(n);
  },
});
