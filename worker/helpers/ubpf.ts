// uBPF's test helpers (ids 0-5), the 'ubpf' helper set: what bpf_conformance and uBPF's .data tests call.
// They are not kernel helpers (the kernel's ids 1-5 mean map_lookup_elem .. ktime_get_ns). Semantics as
// uBPF's vm/test.c and ubpf_plugin/test_helpers.h define them (see ../shared/conformance/ubpf/README.md):
// 0 gather_bytes, 1 memfrob, 2 no_op, 3 sqrti, 4 strcmp_ext, 5 unwind (a 0 result stops the program, r0 = 0).

import { registerHelper, type HelperDef } from './types';

const helpers: HelperDef[] = [
  {
    id: 0, name: 'gather_bytes',
    call: (_env, a, b, c, d, e) => ((a & 0xffn) << 32n) | ((b & 0xffn) << 24n) | ((c & 0xffn) << 16n) | ((d & 0xffn) << 8n) | (e & 0xffn),
  },
  {
    id: 1, name: 'memfrob',
    call: (env, ptr, len) => {
      if (len > 0x100000n) return { fault: `length ${len} is too large` };
      const b = env.read(ptr, Number(len));
      if (typeof b === 'string') return { fault: b };
      for (let i = 0; i < b.length; i++) b[i]! ^= 42;
      const w = env.write(ptr, b);
      return w === true ? ptr : { fault: w };
    },
  },
  { id: 2, name: 'no_op', call: () => 0n },
  { id: 3, name: 'sqrti', call: (_env, x) => BigInt(Math.trunc(Math.sqrt(Number(x)))) },
  {
    id: 4, name: 'strcmp_ext',
    call: (env, a, b) => {
      const sa = env.readCString(a, 4096);
      if (typeof sa === 'string') return { fault: sa };
      const sb = env.readCString(b, 4096);
      if (typeof sb === 'string') return { fault: sb };
      const n = Math.min(sa.bytes.length, sb.bytes.length);
      for (let i = 0; i < n; i++) if (sa.bytes[i] !== sb.bytes[i]) return BigInt.asUintN(64, BigInt(sa.bytes[i]! - sb.bytes[i]!));
      return BigInt.asUintN(64, BigInt((sa.bytes[n] ?? 0) - (sb.bytes[n] ?? 0)));
    },
  },
  { id: 5, name: 'unwind', call: (_env, x) => (x === 0n ? { exit: 0n } : x) },
];

for (const h of helpers) registerHelper(h, 'ubpf');
