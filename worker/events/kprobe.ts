// kprobe / kretprobe / perf_event contexts: a catalogue of common kernel functions with their arguments
// (prototypes from the running kernel's BTF, kernel.generated.ts) and builders for the x86-64 struct
// pt_regs a kprobe program receives (arch/x86/include/uapi/asm/ptrace.h) and the
// struct bpf_perf_event_data of perf_event programs (include/uapi/linux/bpf_perf_event.h). The x86-64
// calling convention puts arguments 1-6 in rdi, rsi, rdx, rcx, r8, r9 and the return value in rax
// (the PT_REGS_PARM1..6 / PT_REGS_RC macros of libbpf's bpf_tracing.h). Kernel memory that pointer
// arguments refer to is given as memory blobs (for bpf_probe_read_kernel/user). It does not run programs.

import { PT_REGS, PT_REGS_NAMES, type PtRegName } from '../progtypes/ctx';
import { KPROBE_PROTOS, type BtfArg } from './kernel.generated';

export const ARG_REGS: readonly PtRegName[] = ['rdi', 'rsi', 'rdx', 'rcx', 'r8', 'r9'];

export interface KprobeFunction {
  name: string;
  description: string;
  ret: string;
  args: BtfArg[];
  /** Example argument values (numbers or kernel/user addresses) for a default hit. */
  example: (number | bigint)[];
  /** Example return value for a kretprobe hit. */
  exampleRet: number | bigint;
}

const DESC: Record<string, [string, (number | bigint)[], number | bigint]> = {
  do_sys_openat2: ['Common path of open(2)/openat(2)/openat2(2): directory fd, user path, open_how.', [-100, 0x7ffd1000n, 0xffff888004001000n], 3],
  vfs_read: ['Reads from an open file: file, user buffer, byte count, position pointer.', [0xffff888004100000n, 0x7ffd2000n, 4096, 0xffffc90000013e00n], 512],
  vfs_write: ['Writes to an open file: file, user buffer, byte count, position pointer.', [0xffff888004100000n, 0x7ffd2000n, 13, 0xffffc90000013e00n], 13],
  tcp_v4_connect: ['Starts an active IPv4 TCP connection: socket, sockaddr, its length.', [0xffff888005000000n, 0xffffc90000013d00n, 16], 0],
  tcp_v6_connect: ['Starts an active IPv6 TCP connection: socket, sockaddr, its length.', [0xffff888005000000n, 0xffffc90000013d00n, 28], 0],
  tcp_retransmit_skb: ['Retransmits one TCP segment: socket, the skb, number of segments.', [0xffff888005000000n, 0xffff888006000000n, 1], 0],
  tcp_sendmsg: ['TCP send path for send(2)/write(2) on a socket: socket, msghdr, size.', [0xffff888005000000n, 0xffffc90000013c00n, 1448], 1448],
  tcp_recvmsg: ['TCP receive path: socket, msghdr, len, flags.', [0xffff888005000000n, 0xffffc90000013c00n, 65536, 0], 1200],
  tcp_close: ['Closes a TCP socket: socket, linger timeout.', [0xffff888005000000n, 0], 0],
  inet_csk_accept: ['accept(2) on a listening socket: socket, accept args.', [0xffff888005100000n, 0xffffc90000013a00n], 0xffff888005200000n],
  udp_sendmsg: ['UDP send path: socket, msghdr, length.', [0xffff888005300000n, 0xffffc90000013c00n, 64], 64],
  ip_rcv: ['IPv4 receive entry point: skb, device, packet type, original device.', [0xffff888006000000n, 0xffff888003000000n, 0xffffffff82e4f0a0n, 0xffff888003000000n], 0],
  sk_skb_reason_drop: ['Frees a dropped skb with a drop reason: socket, skb, reason.', [0, 0xffff888006000000n, 2], 0],
  do_exit: ['A task exits: the exit code.', [0], 0],
  wake_up_new_task: ['A newly forked task is made runnable: the task.', [0xffff888007000000n], 0],
  security_file_open: ['LSM hook when a file is opened: the file.', [0xffff888004100000n], 0],
  vfs_unlink: ['Removes a directory entry: idmap, directory inode, dentry, delegated inode.', [0xffffffff82a0c000n, 0xffff888008000000n, 0xffff888008100000n, 0], 0],
  __x64_sys_execve: ['execve(2) syscall wrapper: the syscall pt_regs (arguments are inside it).', [0xffffc90000013f58n], 0],
  do_nanosleep: ['Sleeps for nanosleep(2)/clock_nanosleep(2): the hrtimer sleeper and mode.', [0xffffc90000013e80n, 1], 0],
  finish_task_switch: ['Completes a context switch on the new task: the previous task.', [0xffff888007100000n], 0xffff888009000000n],
};

export const KPROBE_CATALOGUE: readonly KprobeFunction[] = Object.entries(KPROBE_PROTOS).map(([name, p]) => {
  const d = DESC[name] ?? ['', [], 0];
  return { name, description: d[0], ret: p.ret, args: p.args, example: d[1], exampleRet: d[2] };
});

/** Deterministic fake kernel text address for a function (the probed rip), stable across runs. */
export function functionAddress(name: string): bigint {
  let h = 2166136261;
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return 0xffffffff81000000n + BigInt((h & 0x00fffff0) >>> 0);
}

export interface KprobeHit {
  function?: string;
  /** Argument values in order (up to 6 go in registers). */
  args?: (number | bigint)[];
  /** kretprobe: the return value (rax). */
  ret?: number | bigint;
  kretprobe?: boolean;
  /** Any register by name, overriding the defaults. */
  regs?: Partial<Record<PtRegName, number | bigint>>;
}

/** Builds the 168-byte pt_regs. At a kprobe rip is the function address and the arguments are in registers;
 * at a kretprobe rax holds the return value and rip the return address in the caller. */
export function buildPtRegs(hit: KprobeHit): Uint8Array {
  const out = new Uint8Array(PT_REGS.size);
  const dv = new DataView(out.buffer);
  const set = (r: PtRegName, v: number | bigint) => dv.setBigUint64(PT_REGS_NAMES.indexOf(r) * 8, BigInt.asUintN(64, BigInt(v)), true);
  const fn = hit.function ?? 'unknown';
  set('rsp', 0xffffc90000013f00n);
  set('rbp', 0xffffc90000013f40n);
  set('cs', 0x10);
  set('ss', 0x18);
  set('eflags', 0x246);
  set('orig_rax', -1);
  if (hit.kretprobe) {
    set('rip', functionAddress(`${fn}:caller`));
    set('rax', hit.ret ?? 0);
  } else set('rip', functionAddress(fn));
  (hit.args ?? []).slice(0, 6).forEach((v, i) => set(ARG_REGS[i], v));
  for (const [r, v] of Object.entries(hit.regs ?? {})) if (v !== undefined) set(r as PtRegName, v);
  return out;
}

export interface PerfSample { regs?: KprobeHit; samplePeriod?: number | bigint; addr?: number | bigint }

/** struct bpf_perf_event_data: pt_regs at the sample, sample_period, addr (184 bytes). */
export function buildPerfEventData(s: PerfSample): Uint8Array {
  const out = new Uint8Array(184);
  out.set(buildPtRegs(s.regs ?? { function: 'cpu_idle' }), 0);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(168, BigInt.asUintN(64, BigInt(s.samplePeriod ?? 100000)), true);
  dv.setBigUint64(176, BigInt.asUintN(64, BigInt(s.addr ?? 0)), true);
  return out;
}
