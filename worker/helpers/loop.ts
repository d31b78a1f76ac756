// bpf_loop (helper 181): calls a BPF callback nr_loops times, as kernel/bpf/bpf_iter.c bpf_loop does:
// flags must be 0 (-EINVAL), nr_loops (u32) at most BPF_MAX_LOOPS = 8M (-E2BIG); the callback gets
// (index, callback_ctx) and a non-zero return stops the loop; the result is the number of iterations.
// The callback runs in the VM through env.callFunction (a new stack frame; its instructions count
// towards the budget).

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
