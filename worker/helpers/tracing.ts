// Tracing helpers for kprobe, tracepoint and perf_event programs (kernel/trace/bpf_trace.c,
// kernel/bpf/helpers.c, mm/maccess.c): bpf_probe_read_kernel/user(_str) and the legacy bpf_probe_read(_str)
// read the memory an events file declares (the VM maps each blob as a readable region; any other address
// fails with -EFAULT and a zeroed destination, as copy_from_kernel_nofault does); bpf_get_current_pid_tgid,
// _uid_gid, _comm and _task report the task the event names (env.ctx.task, set by worker/events/run.ts;
// defaults pid/tgid 1000, uid/gid 0, comm "bpfplay"); bpf_get_current_task_btf gives the same task
// pointer (the verifier types it as a BTF task_struct; bpfplay maps no task memory, so reading through it
// fails like any other unmapped kernel address). bpf_perf_prog_read_value (perf_event programs) fills
// struct bpf_perf_event_value {counter, enabled, running} from the simulated event: the counter stands at
// the sample period (the sample fires when the counter reaches it), and the event has been enabled and
// running since the simulated boot (the virtual clock); a size other than 24 is -EINVAL with the buffer
// zeroed. bpf_perf_event_read (22) and bpf_perf_event_read_value (55) read the perf event user space
// stored at an index of a perf_event_array (BPF_F_CURRENT_CPU = the simulated CPU; other flag bits
// -EINVAL, past the end -E2BIG, no event there -ENOENT): bpfplay's events are software cpu-clock
// counters, so the counter is the virtual clock in ns and the event has been enabled and running as long.
// This file registers itself; worker/events/run.ts imports it.

import { PerfEventArrayMap } from '../maps/perf_event_array';
import { errno, registerHelper, type HelperEnv, type HelperResult } from './types';

const EFAULT = 14, EINVAL = 22;
/** Offset of sample_period in struct bpf_perf_event_data (after the 168-byte pt_regs). */
const PERF_SAMPLE_PERIOD_OFF = 168n;

export interface TaskInfo { pid: number; tgid: number; uid: number; gid: number; comm: string; task: bigint }
export const DEFAULT_TASK: TaskInfo = { pid: 1000, tgid: 1000, uid: 0, gid: 0, comm: 'bpfplay', task: 0xffff888007000000n };

function task(env: HelperEnv): TaskInfo {
  const c = env.ctx as { task?: Partial<TaskInfo> } | null;
  return { ...DEFAULT_TASK, ...(c && typeof c === 'object' && c.task ? c.task : {}) };
}

function write(env: HelperEnv, addr: bigint, b: Uint8Array): { fault: string } | null {
  if (!b.length) return null;
  const r = env.write(addr, b);
  return r === true ? null : { fault: r };
}

function probeRead(env: HelperEnv, dst: bigint, sizeArg: bigint, src: bigint): HelperResult {
  const size = Number(sizeArg & 0xffffffffn);
  const r = env.read(src, size);
  if (typeof r === 'string') return write(env, dst, new Uint8Array(size)) ?? errno(EFAULT);
  return write(env, dst, r) ?? 0n;
}

/** strncpy_from_*_nofault: at most size-1 bytes and a NUL; returns the length with the NUL. */
function probeReadStr(env: HelperEnv, dst: bigint, sizeArg: bigint, src: bigint): HelperResult {
  const size = Number(sizeArg & 0xffffffffn);
  if (size === 0) return 0n;
  const out: number[] = [];
  for (let i = 0; i < size - 1; i++) {
    const b = env.read(src + BigInt(i), 1);
    if (typeof b === 'string') {
      if (i === 0) return write(env, dst, new Uint8Array(size)) ?? errno(EFAULT);
      break; // the kernel stops at the fault, keeping what it copied
    }
    if (b[0] === 0) break;
    out.push(b[0]!);
  }
  out.push(0);
  return write(env, dst, Uint8Array.from(out)) ?? BigInt(out.length);
}

for (const [id, name] of [[4, 'probe_read'], [112, 'probe_read_user'], [113, 'probe_read_kernel']] as const)
  registerHelper({ id, name, call: (env, dst, size, src) => probeRead(env, dst, size, src) });
for (const [id, name] of [[45, 'probe_read_str'], [114, 'probe_read_user_str'], [115, 'probe_read_kernel_str']] as const)
  registerHelper({ id, name, call: (env, dst, size, src) => probeReadStr(env, dst, size, src) });

registerHelper({ id: 14, name: 'get_current_pid_tgid', call: (env) => (BigInt(task(env).tgid >>> 0) << 32n) | BigInt(task(env).pid >>> 0) });
registerHelper({ id: 15, name: 'get_current_uid_gid', call: (env) => (BigInt(task(env).gid >>> 0) << 32n) | BigInt(task(env).uid >>> 0) });
registerHelper({ id: 35, name: 'get_current_task', call: (env) => task(env).task });
registerHelper({
  id: 16, name: 'get_current_comm',
  call(env, buf, sizeArg): HelperResult {
    const size = Number(sizeArg & 0xffffffffn);
    const out = new Uint8Array(size);
    const comm = task(env).comm;
    for (let i = 0; i < Math.min(comm.length, 15, size - 1); i++) out[i] = comm.charCodeAt(i) & 0xff;
    return write(env, buf, out) ?? 0n;
  },
});

registerHelper({ id: 158, name: 'get_current_task_btf', call: (env) => task(env).task });

registerHelper({
  id: 56, name: 'perf_prog_read_value',
  call(env, _ctx, buf, sizeArg): HelperResult {
    const size = Number(sizeArg & 0xffffffffn);
    if (size !== 24) return write(env, buf, new Uint8Array(size)) ?? errno(EINVAL);
    const p = env.read(env.ctxAddr + PERF_SAMPLE_PERIOD_OFF, 8);
    if (typeof p === 'string') return write(env, buf, new Uint8Array(size)) ?? errno(EINVAL);
    const out = new Uint8Array(24);
    const dv = new DataView(out.buffer);
    dv.setBigUint64(0, new DataView(p.buffer, p.byteOffset, 8).getBigUint64(0, true), true);
    dv.setBigUint64(8, env.nowNs(), true);
    dv.setBigUint64(16, env.nowNs(), true);
    return write(env, buf, out) ?? 0n;
  },
});

const BPF_F_INDEX_MASK = 0xffffffffn;
const E2BIG = 7, ENOENT = 2;

/** get_map_perf_counter: the event at the index flags name, or a negative errno. */
function perfCounter(env: HelperEnv, mapPtr: bigint, flags: bigint): bigint | number | { fault: string } {
  const m = env.mapByAddr(mapPtr);
  if (!m) return { fault: `R1 = 0x${BigInt.asUintN(64, mapPtr).toString(16)} is not a map pointer` };
  if (!(m.impl instanceof PerfEventArrayMap)) return { fault: `map '${m.impl.def.name}' is a ${m.impl.def.type} map, not a perf_event_array` };
  if (flags & ~BPF_F_INDEX_MASK) return -EINVAL;
  let index = Number(flags & BPF_F_INDEX_MASK);
  if (index === 0xffffffff) index = env.cpu; // BPF_F_CURRENT_CPU
  if (index >= m.impl.def.maxEntries) return -E2BIG;
  if (!m.impl.hasReader(index)) return -ENOENT;
  return env.nowNs();
}

registerHelper({
  id: 22, name: 'perf_event_read',
  call(env, map, flags): HelperResult {
    const v = perfCounter(env, map, flags);
    if (typeof v === 'object') return v;
    return typeof v === 'number' ? errno(-v) : v;
  },
});

registerHelper({
  id: 55, name: 'perf_event_read_value',
  call(env, map, flags, buf, sizeArg): HelperResult {
    const size = Number(sizeArg & 0xffffffffn);
    const v = size === 24 ? perfCounter(env, map, flags) : -EINVAL;
    if (typeof v === 'object') return v;
    if (typeof v === 'number') return write(env, buf, new Uint8Array(size)) ?? errno(-v);
    const out = new Uint8Array(24);
    const dv = new DataView(out.buffer);
    dv.setBigUint64(0, v, true);
    dv.setBigUint64(8, v, true);
    dv.setBigUint64(16, v, true);
    return write(env, buf, out) ?? 0n;
  },
});
