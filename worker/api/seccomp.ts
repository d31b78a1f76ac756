// Seccomp filters in the playground: the events file (a list of system calls), the struct
// seccomp_data each call becomes, and the verdict names (SECCOMP_RET_* as the results list shows them).
// It follows kernel/seccomp.c (populate_seccomp_data(), __seccomp_filter()'s action handling) and
// include/uapi/linux/seccomp.h / include/uapi/linux/audit.h for the constants. It does not run filters
// (worker/cbpf/interp.ts does) nor check them (worker/cbpf/check.ts, seccomp_check_filter()).
//
// The events file, in the same envelope as the other non-packet types (worker/events/format.ts):
//   {"version": 1, "type": "seccomp", "events": [
//     {"syscall": "openat", "arch": "x86_64", "args": [-100, "0x7ffd1000", 0], "ip": "0x401136"},
//     {"syscall": 1},                       // a number is the syscall number itself
//     {"syscall": "write", "nr": 4, "arch": "i386"}  // nr overrides the table (another ABI's number)
//   ]}
// - syscall: an x86-64 system call name from SYSCALLS_X86_64 below, or a number; nr, when given, wins.
// - arch: "x86_64" (default), "i386", "aarch64", "arm", "riscv64", "x32" or an AUDIT_ARCH_* number.
//   "x32" is AUDIT_ARCH_X86_64 with __X32_SYSCALL_BIT (0x40000000) set in nr, as the kernel reports it.
// - args: up to six numbers or strings (decimal, 0x hex, negative values as two's complement 64-bit).
// - ip: instruction_pointer (default 0x401000).
// - name: an optional label for the list.

import type { SeccompContext } from '../cbpf/interp';
import { AUDIT_ARCH_AARCH64, AUDIT_ARCH_X86_64, SECCOMP_RET, seccompDataBytes } from '../cbpf/interp';

/** x86-64 system call numbers (arch/x86/entry/syscalls/syscall_64.tbl) of common calls. */
export const SYSCALLS_X86_64: Readonly<Record<string, number>> = {
  read: 0, write: 1, open: 2, close: 3, stat: 4, fstat: 5, lstat: 6, poll: 7, lseek: 8, mmap: 9, mprotect: 10,
  munmap: 11, brk: 12, rt_sigaction: 13, rt_sigprocmask: 14, rt_sigreturn: 15, ioctl: 16, pread64: 17, pwrite64: 18,
  readv: 19, writev: 20, access: 21, pipe: 22, select: 23, sched_yield: 24, mremap: 25, madvise: 28, dup: 32,
  dup2: 33, nanosleep: 35, getpid: 39, sendfile: 40, socket: 41, connect: 42, accept: 43, sendto: 44, recvfrom: 45,
  sendmsg: 46, recvmsg: 47, shutdown: 48, bind: 49, listen: 50, getsockname: 51, getpeername: 52, socketpair: 53,
  setsockopt: 54, getsockopt: 55, clone: 56, fork: 57, vfork: 58, execve: 59, exit: 60, wait4: 61, kill: 62,
  uname: 63, fcntl: 72, flock: 73, fsync: 74, truncate: 76, ftruncate: 77, getcwd: 79, chdir: 80, fchdir: 81,
  rename: 82, mkdir: 83, rmdir: 84, creat: 85, link: 86, unlink: 87, symlink: 88, readlink: 89, chmod: 90,
  fchmod: 91, chown: 92, umask: 95, gettimeofday: 96, getrlimit: 97, getuid: 102, getgid: 104, setuid: 105,
  setgid: 106, geteuid: 107, getegid: 108, setpgid: 109, getppid: 110, setsid: 112, ptrace: 101, capget: 125,
  capset: 126, sigaltstack: 131, personality: 135, statfs: 137, fstatfs: 138, prctl: 157, arch_prctl: 158,
  chroot: 161, mount: 165, umount2: 166, reboot: 169, sethostname: 170, init_module: 175, delete_module: 176,
  gettid: 186, tkill: 200, time: 201, futex: 202, getdents64: 217, set_tid_address: 218, clock_gettime: 228,
  clock_nanosleep: 230, exit_group: 231, epoll_wait: 232, epoll_ctl: 233, tgkill: 234, openat: 257, mkdirat: 258,
  newfstatat: 262, unlinkat: 263, renameat: 264, readlinkat: 267, fchmodat: 268, faccessat: 269, pselect6: 270,
  ppoll: 271, unshare: 272, set_robust_list: 273, get_robust_list: 274, epoll_pwait: 281, accept4: 288,
  eventfd2: 290, epoll_create1: 291, dup3: 292, pipe2: 293, prlimit64: 302, setns: 308, getcpu: 309,
  process_vm_readv: 310, process_vm_writev: 311, kcmp: 312, finit_module: 313, seccomp: 317, getrandom: 318,
  memfd_create: 319, kexec_file_load: 320, bpf: 321, execveat: 322, userfaultfd: 323, membarrier: 324,
  copy_file_range: 326, statx: 332, rseq: 334, pidfd_open: 434, clone3: 435, close_range: 436, openat2: 437,
  pidfd_getfd: 438, faccessat2: 439, io_uring_setup: 425, io_uring_enter: 426, io_uring_register: 427,
};

const NAME_BY_NR = new Map<number, string>(Object.entries(SYSCALLS_X86_64).map(([n, v]) => [v, n]));

/** AUDIT_ARCH_* values (include/uapi/linux/audit.h). */
export const AUDIT_ARCH: Readonly<Record<string, number>> = {
  x86_64: AUDIT_ARCH_X86_64, x32: AUDIT_ARCH_X86_64, i386: 0x40000003, aarch64: AUDIT_ARCH_AARCH64, arm: 0x40000028,
  riscv64: 0xc00000f3,
};

/** __X32_SYSCALL_BIT: x32 system calls enter with this bit set in nr and arch AUDIT_ARCH_X86_64. */
export const X32_SYSCALL_BIT = 0x40000000;

export interface SeccompEvent {
  label: string;
  ctx: SeccompContext;
}

function archName(arch: number): string {
  for (const [n, v] of Object.entries(AUDIT_ARCH)) if (v === arch >>> 0 && n !== 'x32') return n;
  return `arch 0x${(arch >>> 0).toString(16)}`;
}

function parseWord(v: unknown): bigint | null {
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt.asUintN(64, BigInt(v));
  if (typeof v === 'string' && /^-?(0x[0-9a-f]+|[0-9]+)$/i.test(v.trim())) {
    const t = v.trim();
    const neg = t.startsWith('-');
    const b = BigInt(neg ? t.slice(1) : t);
    return BigInt.asUintN(64, neg ? -b : b);
  }
  return null;
}

function argText(a: bigint): string {
  const s = BigInt.asIntN(64, a);
  return s < 0n && s > -4096n ? String(s) : a < 4096n ? String(a) : `0x${a.toString(16)}`;
}

/** Parses a seccomp events file into system calls, or located error strings (event index and field). */
export function parseSeccompEvents(text: string): { events: SeccompEvent[]; errors: string[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { events: [], errors: [`events: not JSON: ${e instanceof Error ? e.message : String(e)}`] };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { events: [], errors: ['events: expected an object {"version": 1, "type": "seccomp", "events": [...]}'] };
  const o = doc as Record<string, unknown>;
  const errors: string[] = [];
  if (o.version !== 1) errors.push(`events: unsupported version ${JSON.stringify(o.version)} (expected 1)`);
  if (o.type !== 'seccomp') errors.push(`events: these events are for ${String(o.type)}, not seccomp`);
  if (!Array.isArray(o.events)) errors.push('events: "events" must be an array of system calls');
  if (errors.length) return { events: [], errors };
  const events: SeccompEvent[] = [];
  (o.events as unknown[]).forEach((raw, i) => {
    const where = `event ${i + 1}`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      errors.push(`${where}: expected an object like {"syscall": "openat", "args": [...]}`);
      return;
    }
    const e = raw as Record<string, unknown>;
    let arch = AUDIT_ARCH_X86_64;
    let x32 = false;
    if (e.arch !== undefined) {
      if (typeof e.arch === 'string' && e.arch in AUDIT_ARCH) {
        arch = AUDIT_ARCH[e.arch]!;
        x32 = e.arch === 'x32';
      } else if (typeof e.arch === 'number' && Number.isInteger(e.arch) && e.arch >= 0 && e.arch <= 0xffffffff) arch = e.arch;
      else {
        errors.push(`${where}: unknown arch ${JSON.stringify(e.arch)} (use ${Object.keys(AUDIT_ARCH).join(', ')} or an AUDIT_ARCH_* number)`);
        return;
      }
    }
    let nr: number | null = null;
    let name: string | null = null;
    if (typeof e.syscall === 'string') {
      const n = SYSCALLS_X86_64[e.syscall];
      if (n === undefined && e.nr === undefined) {
        errors.push(`${where}: unknown system call "${e.syscall}" (give its number in "nr" or as "syscall")`);
        return;
      }
      name = e.syscall;
      nr = n ?? null;
    } else if (typeof e.syscall === 'number' && Number.isInteger(e.syscall)) {
      nr = e.syscall;
      if (arch === AUDIT_ARCH_X86_64) name = NAME_BY_NR.get(nr) ?? null;
    } else if (e.syscall !== undefined) {
      errors.push(`${where}: "syscall" must be a name or a number`);
      return;
    }
    if (e.nr !== undefined) {
      if (typeof e.nr !== 'number' || !Number.isInteger(e.nr) || e.nr < -0x80000000 || e.nr > 0xffffffff) {
        errors.push(`${where}: "nr" must be an integer`);
        return;
      }
      nr = e.nr;
    }
    if (nr === null) {
      errors.push(`${where}: needs "syscall" (a name or number) or "nr"`);
      return;
    }
    if (x32) nr = (nr | X32_SYSCALL_BIT) >>> 0;
    const args: bigint[] = [0n, 0n, 0n, 0n, 0n, 0n];
    if (e.args !== undefined) {
      if (!Array.isArray(e.args) || e.args.length > 6) {
        errors.push(`${where}: "args" must be an array of at most 6 values`);
        return;
      }
      for (let k = 0; k < e.args.length; k++) {
        const w = parseWord(e.args[k]);
        if (w === null) {
          errors.push(`${where}: args[${k}] ${JSON.stringify(e.args[k])} is not an integer (number or "0x…" string)`);
          return;
        }
        args[k] = w;
      }
    }
    let ip = 0x401000n;
    if (e.ip !== undefined) {
      const w = parseWord(e.ip);
      if (w === null) {
        errors.push(`${where}: "ip" must be an integer (number or "0x…" string)`);
        return;
      }
      ip = w;
    }
    const used = Array.isArray(e.args) ? e.args.length : 0;
    const call = `${name ?? `syscall ${nr | 0}`}(${args.slice(0, used).map(argText).join(', ')})`;
    const label = typeof e.name === 'string' ? e.name : arch === AUDIT_ARCH_X86_64 && !x32 ? call : `${call} [${x32 ? 'x32' : archName(arch)}]`;
    events.push({ label, ctx: { kind: 'seccomp', nr: nr | 0, arch: arch >>> 0, instructionPointer: ip, args } });
  });
  return { events, errors };
}

/** The inverse of seccompDataBytes(): struct seccomp_data (host order, 64 bytes) as a context. */
export function seccompContextFromBytes(b: Uint8Array): SeccompContext {
  const buf = new Uint8Array(64);
  buf.set(b.subarray(0, 64));
  const dv = new DataView(buf.buffer);
  const args: bigint[] = [];
  for (let i = 0; i < 6; i++) args.push(dv.getBigUint64(16 + 8 * i, true));
  return { kind: 'seccomp', nr: dv.getInt32(0, true), arch: dv.getUint32(4, true), instructionPointer: dv.getBigUint64(8, true), args };
}

export { seccompDataBytes };

/** MAX_ERRNO: __seccomp_filter() caps SECCOMP_RET_ERRNO data at 4095. */
const MAX_ERRNO = 4095;

/** The verdict of a seccomp return value as the results list shows it: ALLOW, ERRNO(1), KILL_PROCESS,
 * TRAP(5), and the class used for colouring (ALLOW/LOG pass, ERRNO/TRAP/KILL stop the call). */
export function seccompVerdictView(ret: number): { name: string; cls: 'pass' | 'drop' | 'other' } {
  const action = (ret & 0xffff0000) >>> 0; // SECCOMP_RET_ACTION_FULL
  const data = ret & 0xffff; // SECCOMP_RET_DATA
  switch (action) {
    case SECCOMP_RET.ALLOW: return { name: 'ALLOW', cls: 'pass' };
    case SECCOMP_RET.LOG: return { name: 'LOG', cls: 'pass' };
    case SECCOMP_RET.ERRNO: return { name: `ERRNO(${Math.min(data, MAX_ERRNO)})`, cls: 'drop' };
    case SECCOMP_RET.TRAP: return { name: data ? `TRAP(${data})` : 'TRAP', cls: 'drop' };
    case SECCOMP_RET.TRACE: return { name: data ? `TRACE(${data})` : 'TRACE', cls: 'other' };
    case SECCOMP_RET.USER_NOTIF: return { name: 'USER_NOTIF', cls: 'other' };
    case SECCOMP_RET.KILL_THREAD: return { name: 'KILL_THREAD', cls: 'drop' };
    case SECCOMP_RET.KILL_PROCESS: return { name: 'KILL_PROCESS', cls: 'drop' };
    default: return { name: `KILL_PROCESS (unknown action 0x${action.toString(16)})`, cls: 'drop' };
  }
}

/** What each action does, for the step explanation at a return. */
export function seccompVerdictMeaning(ret: number): string {
  const v = seccompVerdictView(ret).name;
  if (v === 'ALLOW') return 'the system call runs';
  if (v === 'LOG') return 'the system call runs and is logged';
  if (v.startsWith('ERRNO')) return `the system call is not run; it returns -${Math.min(ret & 0xffff, MAX_ERRNO)}`;
  if (v.startsWith('TRAP')) return 'the system call is not run; the task gets SIGSYS';
  if (v.startsWith('TRACE')) return 'a ptrace tracer is notified (PTRACE_EVENT_SECCOMP); without one the call fails with ENOSYS';
  if (v === 'USER_NOTIF') return 'the supervisor listening on the notification fd decides';
  if (v === 'KILL_THREAD') return 'the thread is killed';
  return 'the whole process is killed (SIGSYS, core dump)';
}

/** The program-type description for the selector. */
export const SECCOMP_DESCRIPTION =
  'A classic BPF filter installed with prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER) or seccomp(SECCOMP_SET_MODE_FILTER). ' +
  'It runs on every system call of the task and sees struct seccomp_data: nr (0), arch (4), instruction_pointer (8), args[6] (16..63), ' +
  'read with 32-bit `ld [k]` in host byte order. Return value: SECCOMP_RET_KILL_PROCESS, KILL_THREAD, TRAP, ERRNO | errno, USER_NOTIF, TRACE, LOG or ALLOW ' +
  '(the action is the top 16 bits, the data the low 16). Classic BPF only; checked like seccomp_check_filter().';

export const SECCOMP_VERDICTS: { value: string; name: string }[] = Object.entries(SECCOMP_RET)
  .map(([name, v]) => ({ value: `0x${v.toString(16).padStart(8, '0')}`, name: `SECCOMP_RET_${name}` }));

/** The default system calls: with the example filter they give ALLOW, ERRNO(1) and KILL_PROCESS. */
export const DEFAULT_SECCOMP_EVENTS: unknown[] = [
  { syscall: 'read', args: [0, '0x7ffd1000', 4096] },
  { syscall: 'write', args: [1, '0x7ffd1000', 13] },
  { syscall: 'openat', args: [-100, '0x7ffd2000', 0] },
  { syscall: 'execve', args: ['0x7ffd3000', '0x7ffd3100', '0x7ffd3200'] },
  { syscall: 'write', nr: 4, arch: 'i386', args: [1, '0xffd01000', 13] },
  { syscall: 'exit_group', args: [0] },
];

/** struct seccomp_data as the context view's fields. */
export function seccompDataFields(b: Uint8Array): { name: string; offset: number; length: number; value: string }[] {
  const c = seccompContextFromBytes(b);
  const nrName = c.arch === AUDIT_ARCH_X86_64 ? NAME_BY_NR.get(c.nr & ~X32_SYSCALL_BIT) : undefined;
  const out = [
    { name: 'nr', offset: 0, length: 4, value: `${c.nr}${nrName ? ` (${nrName}${c.nr & X32_SYSCALL_BIT ? ', x32' : ''})` : ''}` },
    { name: 'arch', offset: 4, length: 4, value: `0x${c.arch.toString(16)} (${c.arch === AUDIT_ARCH_X86_64 ? 'AUDIT_ARCH_X86_64' : archName(c.arch)})` },
    { name: 'instruction_pointer', offset: 8, length: 8, value: `0x${c.instructionPointer.toString(16)}` },
  ];
  c.args.forEach((a, i) => out.push({ name: `args[${i}]`, offset: 16 + 8 * i, length: 8, value: `0x${a.toString(16)}${a < 0x10000n ? ` (${a})` : ''}` }));
  return out;
}

export function seccompEventsText(events: unknown[] = DEFAULT_SECCOMP_EVENTS): string {
  return JSON.stringify({ version: 1, type: 'seccomp', events }, null, 2);
}
