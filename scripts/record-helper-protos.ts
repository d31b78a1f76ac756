// Kernel-differential probes of helper prototypes: for every (program type, allowed helper) pair, small
// programs that call the helper with its argument registers uninitialised, all zero, all the context
// pointer, well typed, and under a non-GPL licence; for callbacks, bodies that return a bad value, read
// their arguments or call helpers. For each helper (in up to two program types) one argument of the
// wrong kind: NULL, a scalar, the context (also at an offset), a stack pointer, a zero / variable /
// unbounded / negative / too large size, uninitialised stack, an out-of-stack key, a packet range too
// short, a map value, every map type for a map argument; and the call's effects: caller-saved registers,
// the result without and with a NULL check, leaked and twice-released references, packet pointers after
// a packet-moving helper, dynptrs never made / of the other kind / unaligned / made twice.
// `helperProbes()` is the corpus (also read by worker/verifier/protos-kdiff.test.ts); run as a script it
// loads every probe into the running kernel with `bpftool prog load` (the route of
// scripts/record-verifier-goldens.ts, whose log parser it reuses) and writes
// testdata/verifier/kernel-protos.jsonl (verdict, failing instruction, last log message).
// Needs root and bpftool; re-runnable: `npx tsx scripts/record-helper-protos.ts [id-substring]` (a
// substring records only matching probes, into partial-protos-<substring>.jsonl).
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HELPER_NAMES } from '../worker/helpers/ids.generated';
import { helperProto, type ArgSpec, type HelperProto } from '../worker/helpers/protos';
import { HELPERS_BY_TYPE } from '../worker/progtypes/helpers.generated';
import { kernelOracle } from '../worker/testing/kernel';
import { writeElf } from '../worker/elf/write';
import { assemble } from '../worker/asm/index';
import { ensureBpffs, loadObject, pinPath, unpin } from './kdiff-bpftool';
import { parseKernelLog } from './record-verifier-goldens';

export interface HelperProbe {
  id: string;
  type: string;
  helper: number;
  kind: string;
  license: string;
  source: string;
}

/** Map definitions a probe may use, by map type (sizes the kernel accepts for that type). */
const MAP_DEFS: Record<string, string> = {
  hash: 'hash key=4 value=16 entries=16',
  array: 'array key=4 value=16 entries=4',
  prog_array: 'prog_array key=4 value=4 entries=4',
  perf_event_array: 'perf_event_array key=4 value=4 entries=4',
  stack_trace: 'stack_trace key=4 value=64 entries=16',
  cgroup_array: 'cgroup_array key=4 value=4 entries=4',
  devmap: 'devmap key=4 value=4 entries=4',
  devmap_hash: 'devmap_hash key=4 value=4 entries=4',
  cpumap: 'cpumap key=4 value=4 entries=4',
  xskmap: 'xskmap key=4 value=4 entries=4',
  sockmap: 'sockmap key=4 value=4 entries=4',
  sockhash: 'sockhash key=4 value=4 entries=4',
  queue: 'queue key=0 value=16 entries=16',
  stack: 'stack key=0 value=16 entries=16',
  bloom_filter: 'bloom_filter key=0 value=16 entries=16',
  ringbuf: 'ringbuf key=0 value=0 entries=4096',
  user_ringbuf: 'user_ringbuf key=0 value=0 entries=4096',
  cgroup_storage: 'cgroup_storage key=8 value=16 entries=0',
  percpu_cgroup_storage: 'percpu_cgroup_storage key=8 value=16 entries=0',
  percpu_array: 'percpu_array key=4 value=16 entries=4',
  percpu_hash: 'percpu_hash key=4 value=16 entries=4',
  lru_percpu_hash: 'lru_percpu_hash key=4 value=16 entries=4',
};

/** Map types libbpf cannot create from bpfplay's ELF (they need BTF key/value types): no probe uses them. */
const UNCREATABLE = new Set(['sk_storage', 'task_storage', 'cgrp_storage', 'inode_storage']);

const isPtrArg = (a: ArgSpec): boolean => a.base !== 'ARG_ANYTHING' && !a.base.startsWith('ARG_CONST_SIZE') && a.base !== 'ARG_CONST_ALLOC_SIZE_OR_ZERO';
const isSizeArg = (a: ArgSpec): boolean => a.base === 'ARG_CONST_SIZE' || a.base === 'ARG_CONST_SIZE_OR_ZERO';
const isMemArg = (a: ArgSpec): boolean => a.base === 'ARG_PTR_TO_MEM';

interface Builder {
  maps: Map<string, string>;
  pre: string[];
  post: string[];
  /** Instructions right after the call, before post. */
  mid: string[];
  needCb: boolean;
  /** Body of the callback `cb` (for ARG_PTR_TO_FUNC arguments). */
  cb: string[];
  needStr: boolean;
  /** Registers holding what pre set up. */
  ok: boolean;
}

function useMap(b: Builder, type: string): string {
  const name = `m_${type}`;
  b.maps.set(name, `.map ${name} ${MAP_DEFS[type] ?? MAP_DEFS.hash!.replace('hash', type)}`);
  return name;
}

/** The map type a helper's map argument gets in a well-typed probe. */
function mapTypeFor(p: HelperProto): string {
  if (p.mapArg) return p.mapArg.types[0]!;
  if (p.id === 164) return 'array';
  return 'hash';
}

/** A socket in r7 (sk_lookup_tcp + null check), released at the end. */
function socketInR7(b: Builder, type: string): boolean {
  if (!allowed(type, 84) || !allowed(type, 86)) {
    // Without socket lookups: the context's own socket (__sk_buff->sk, bpf_sock_ops->sk), NULL-checked.
    const off = type === 'sock_ops' ? 184 : ['socket_filter', 'lwt_in', 'lwt_out', 'lwt_xmit'].includes(type) ? 168 : -1;
    if (off < 0) return false;
    b.pre.push(`  r7 = *(u64 *)(r6 + ${off})`, '  if r7 == 0 goto out');
    return true;
  }
  b.pre.push(
    '  r2 = 0', '  *(u64 *)(r10 - 200) = r2', '  *(u64 *)(r10 - 192) = r2', '  *(u64 *)(r10 - 184) = r2', '  *(u64 *)(r10 - 176) = r2', '  *(u64 *)(r10 - 168) = r2',
    '  r1 = r6', '  r2 = r10', '  r2 += -200', '  r3 = 12', '  r4 = -1', '  r5 = 0', '  call 84', '  if r0 == 0 goto out', '  r7 = r0',
  );
  b.post.push('  r1 = r7', '  call 86');
  return true;
}

function allowed(type: string, helper: number): boolean {
  return HELPERS_BY_TYPE[type]?.allowed.includes(helper) ?? false;
}
function gplFor(type: string, helper: number): boolean {
  return HELPERS_BY_TYPE[type]?.gplOnly.includes(helper) ?? false;
}

/** Register values (text after `rN = `, or a full instruction list) for a well-typed call; null when bpfplay's ELF cannot express one. */
function goodArgs(p: HelperProto, type: string, b: Builder): string[] | null {
  const out: string[] = [];
  let mapName = '';
  const specs = p.argSpecs;
  for (let k = 0; k < specs.length; k++) {
    const a = specs[k]!;
    const next = specs[k + 1];
    switch (a.base) {
      case 'ARG_ANYTHING':
        out.push('0');
        break;
      case 'ARG_CONST_MAP_PTR': {
        const t = p.id === 169 ? 'array' : mapTypeFor(p);
        if (UNCREATABLE.has(t)) return null;
        mapName = useMap(b, t);
        out.push(`${mapName} ll`);
        break;
      }
      case 'ARG_PTR_TO_MAP_KEY':
        out.push('fp-8');
        break;
      case 'ARG_PTR_TO_MAP_VALUE':
        if (a.maybeNull) out.push('0');
        else out.push('fp-72');
        break;
      case 'ARG_PTR_TO_MEM':
        if (p.id === 197) {
          // bpf_dynptr_from_mem wants map value memory.
          const arr = useMap(b, 'array');
          b.pre.push('  *(u32 *)(r10 - 4) = 0', '  r2 = r10', '  r2 += -4', `  r1 = ${arr} ll`, '  call 1', '  if r0 == 0 goto out', '  r8 = r0');
          out.push('r8');
        } else if (a.fixedSize) out.push('fp-72');
        else if (next && isSizeArg(next)) out.push(out.includes('fp-72') ? 'fp-136' : 'fp-72');
        else out.push('fp-72');
        break;
      case 'ARG_CONST_SIZE':
      case 'ARG_CONST_SIZE_OR_ZERO':
        out.push(p.id === 84 || p.id === 85 || p.id === 99 ? '12' : '8');
        break;
      case 'ARG_CONST_ALLOC_SIZE_OR_ZERO':
        out.push('8');
        break;
      case 'ARG_PTR_TO_CTX':
        out.push('r6');
        break;
      case 'ARG_PTR_TO_SOCK_COMMON':
      case 'ARG_PTR_TO_BTF_ID_SOCK_COMMON':
      case 'ARG_PTR_TO_SOCKET':
        if (a.release) {
          if (!socketInR7(b, type)) return null;
          b.post.length = 0; // this call releases it
          out.push('r7');
        } else {
          if (!b.pre.some((l) => /^  r7 = (r0|\*)/.test(l)) && !socketInR7(b, type)) return null;
          out.push('r7');
        }
        break;
      case 'ARG_PTR_TO_RINGBUF_MEM': {
        if (!allowed(type, 131)) return null;
        const rb = useMap(b, 'ringbuf');
        b.pre.push(`  r1 = ${rb} ll`, '  r2 = 8', '  r3 = 0', '  call 131', '  if r0 == 0 goto out', '  r7 = r0');
        out.push('r7');
        break;
      }
      case 'ARG_PTR_TO_FUNC':
        b.needCb = true;
        out.push('cb ll');
        break;
      case 'ARG_PTR_TO_STACK':
        out.push(a.maybeNull ? '0' : 'fp-72');
        break;
      case 'ARG_PTR_TO_CONST_STR':
        b.needStr = true;
        out.push('fmt ll');
        break;
      case 'ARG_PTR_TO_DYNPTR':
        if (a.uninit) out.push('fp-160');
        else if (a.dynptr === 'ringbuf' && a.release) {
          if (!allowed(type, 198)) return null;
          const rb = useMap(b, 'ringbuf');
          b.pre.push(`  r1 = ${rb} ll`, '  r2 = 8', '  r3 = 0', '  r4 = r10', '  r4 += -160', '  call 198');
          out.push('fp-160');
        } else {
          if (!allowed(type, 197)) return null;
          const arr = useMap(b, 'array');
          b.pre.push('  *(u32 *)(r10 - 4) = 0', '  r2 = r10', '  r2 += -4', `  r1 = ${arr} ll`, '  call 1', '  if r0 == 0 goto out', '  r1 = r0', '  r2 = 16', '  r3 = 0', '  r4 = r10', '  r4 += -160', '  call 197');
          out.push('fp-160');
        }
        break;
      case 'ARG_PTR_TO_BTF_ID':
        if (a.btf === 'task_struct' && allowed(type, 158)) {
          b.pre.push('  call 158', '  r7 = r0');
          out.push('r7');
        } else return null;
        break;
      default:
        // timers, spin locks, kptrs and per-CPU variables need BTF-described map values or ksyms.
        return null;
    }
  }
  if (p.id === 198) b.post.push('  r1 = r10', '  r1 += -160', '  r2 = 0', '  call 200');
  if (p.acquire && p.id !== 198) {
    if (p.id === 131) b.post.unshift('  if r0 == 0 goto out', '  r1 = r0', '  r2 = 0', '  call 133');
    else if (p.id === 84 || p.id === 85 || p.id === 99) b.post.unshift('  if r0 == 0 goto out', '  r1 = r0', '  call 86');
    else return null;
  }
  return out;
}

function setReg(r: number, v: string): string[] {
  const m = /^fp(-\d+)$/.exec(v);
  if (m) return [`  r${r} = r10`, `  r${r} += ${m[1]}`];
  return [`  r${r} = ${v}`];
}

/** Stack bytes the well-typed probes point at, initialised to zero (fp-8 key, fp-72 and fp-136 buffers). */
const INIT_STACK = [-8, ...Array.from({ length: 8 }, (_, k) => -72 + 8 * k), ...Array.from({ length: 8 }, (_, k) => -136 + 8 * k)].map((o) => `  *(u64 *)(r10 ${o}) = r0`);

function assembleProbe(b: Builder, regs: string[], helper: number, withInit: boolean): string {
  const lines: string[] = [...b.maps.values()];
  lines.push('  r6 = r1');
  if (withInit) lines.push('  r0 = 0', ...INIT_STACK);
  lines.push(...b.pre);
  // Arguments that come from registers set by pre (r7, r8, r9) are copied last so loads of r1.. don't clobber them.
  regs.forEach((v, k) => lines.push(...setReg(k + 1, v)));
  lines.push(`  call ${helper}`, ...b.mid, ...b.post, 'out:', '  r0 = 0', '  exit');
  if (b.needCb) lines.push('cb:', ...b.cb);
  if (b.needStr) lines.push('  .section .rodata', 'fmt:', '  .asciz "%d"');
  return lines.join('\n') + '\n';
}

function newBuilder(): Builder {
  return { maps: new Map(), pre: [], post: [], mid: [], needCb: false, cb: ['  r0 = 0', '  exit'], needStr: false, ok: true };
}

export function helperProbes(): HelperProbe[] {
  const out: HelperProbe[] = [];
  const seenExtra = new Map<number, number>();
  for (const type of Object.keys(HELPERS_BY_TYPE)) {
    for (const h of HELPERS_BY_TYPE[type]!.allowed) {
      const p = helperProto(h, type);
      if (!p) continue;
      const lic = 'GPL';
      const push = (kind: string, source: string, license = lic): void => {
        out.push({ id: `hp-${type}-${HELPER_NAMES[h]}-${kind}`, type, helper: h, kind, license, source });
      };
      // 1. Nothing set: R1 is the context, R2-R5 are uninitialised.
      push('noargs', `  call ${h}\n  r0 = 0\n  exit\n`);
      // 2. Every argument register a scalar zero.
      push('zeros', `  r1 = 0\n  r2 = 0\n  r3 = 0\n  r4 = 0\n  r5 = 0\n  call ${h}\n  r0 = 0\n  exit\n`);
      // 3. Every argument register the context pointer.
      push('ctxall', `  r2 = r1\n  r3 = r1\n  r4 = r1\n  r5 = r1\n  call ${h}\n  r0 = 0\n  exit\n`);
      // 4. Well typed.
      const b = newBuilder();
      const regs = goodArgs(p, type, b);
      if (regs) {
        push('good', assembleProbe(b, regs, h, true));
        if (gplFor(type, h) || (seenExtra.get(h) ?? 0) === 0) push('mit', assembleProbe(b, regs, h, true), 'MIT');
      }
      // 5. Callbacks: a bad return value, a read through the second callback argument, an uninitialised register.
      if (p.argSpecs.some((a) => a.base === 'ARG_PTR_TO_FUNC')) {
        for (const [kind, body] of [['cbhelper', ['  call 7', '  r0 &= 1', '  exit']], ['cbret', ['  r0 = 2', '  exit']], ['cbread', ['  r0 = *(u64 *)(r2 + 0)', '  r0 = 0', '  exit']], ['cbuninit', ['  r0 = r5', '  r0 = 0', '  exit']], ['cbctx', ['  r0 = *(u64 *)(r3 + 0)', '  r0 = 0', '  exit']]] as const) {
          const bb = newBuilder();
          const rr = goodArgs(p, type, bb);
          if (!rr) continue;
          bb.cb = [...body];
          push(kind, assembleProbe(bb, rr, h, true));
        }
      }
      // 6. One argument of the wrong kind, in up to two program types per helper.
      const n = seenExtra.get(h) ?? 0;
      // check_map_func_compatibility, both directions: the map argument given every map type once.
      const mapK = p.argSpecs.findIndex((a) => a.base === 'ARG_CONST_MAP_PTR');
      if (n === 0 && mapK >= 0) {
        for (const mt of Object.keys(MAP_DEFS)) {
          const bb = newBuilder();
          const rr = goodArgs(p, type, bb);
          if (!rr) break;
          bb.maps.delete(`m_${mapTypeFor(p)}`);
          rr[mapK] = `${useMap(bb, mt)} ll`;
          push(`mt-${mt}`, assembleProbe(bb, rr, h, true));
        }
      }
      // Lookups whose result needs no NULL check: an array map with a constant key in range.
      if (n === 0 && (h === 1 || h === 195)) {
        for (const [kind, mt, key] of [['constkey', 'array', 0], ['constkeyoob', 'array', 9], ['constkeypcpu', 'percpu_array', 1], ['constkeyhash', 'hash', 0]] as const) {
          const bb = newBuilder();
          const rr = goodArgs(p, type, bb);
          if (!rr) break;
          bb.maps.clear();
          rr[0] = `${useMap(bb, mt)} ll`;
          bb.pre.push(`  r0 = ${key}`, '  *(u32 *)(r10 - 8) = r0');
          bb.mid.push('  r1 = *(u64 *)(r0 + 8)');
          push(kind, assembleProbe(bb, rr, h, true));
        }
      }
      if (n >= 2) continue;
      seenExtra.set(h, n + 1);
      const specs = p.argSpecs;
      const mutate = (kind: string, f: (regs: string[], b: Builder) => boolean): void => {
        const bb = newBuilder();
        const rr = goodArgs(p, type, bb);
        if (!rr) return;
        if (!f(rr, bb)) return;
        push(kind, assembleProbe(bb, rr, h, !kind.startsWith('uninit')));
      };
      // The call's effects: caller-saved registers, the result before and after a NULL check,
      // references that must be released, packet pointers a packet-moving helper invalidates.
      mutate('clobber', (_rr, bb) => (bb.mid.push('  r0 = r1'), true));
      const rs = p.retSpec;
      if (rs.base !== 'RET_INTEGER' && rs.base !== 'RET_VOID') {
        if (rs.maybeNull) mutate('nonull', (_rr, bb) => (bb.mid.push('  r1 = *(u8 *)(r0 + 0)'), true));
        mutate('deref', (_rr, bb) => (bb.mid.push('  if r0 == 0 goto skip', '  r1 = *(u32 *)(r0 + 0)', 'skip:'), true));
      }
      if (p.acquire || h === 198) mutate('leak', (_rr, bb) => ((bb.post.length = 0), true));
      // Releasing the same reference twice.
      if (p.argSpecs.some((a) => a.release))
        mutate('twice', (rr, bb) => {
          bb.mid.push(...rr.flatMap((v, k) => setReg(k + 1, v)), `  call ${h}`);
          bb.post.length = 0;
          return true;
        });
      // Flags and other plain arguments set to 1 (the verifier checks a few, e.g. get_local_storage's flags).
      if (specs.some((a) => a.base === 'ARG_ANYTHING')) mutate('anything1', (rr) => (specs.forEach((a, k) => a.base === 'ARG_ANYTHING' && (rr[k] = '1')), true));
      if (p.changesPktData) {
        mutate('pktinval', (_rr, bb) => {
          const off = type === 'xdp' ? [0, 4] : type === 'sched_cls' || type === 'sched_act' || type === 'lwt_xmit' || type === 'sk_skb' ? [76, 80] : null;
          if (!off) return false;
          bb.pre.unshift(`  r8 = *(u32 *)(r6 + ${off[0]})`, `  r9 = *(u32 *)(r6 + ${off[1]})`, '  r0 = r8', '  r0 += 8', '  if r0 > r9 goto out');
          bb.mid.push('  r0 = *(u8 *)(r8 + 0)');
          return true;
        });
      }
      specs.forEach((a, k) => {
        if (a.base === 'ARG_PTR_TO_CTX') mutate(`ctxoff${k + 1}`, (rr, bb) => (bb.pre.push('  r8 = r6', '  r8 += 8'), (rr[k] = 'r8'), true));
        if (a.base === 'ARG_PTR_TO_MAP_KEY') mutate(`keyoob${k + 1}`, (rr) => ((rr[k] = 'fp-2'), true));
        if (a.base === 'ARG_PTR_TO_DYNPTR') {
          // A dynptr that was never made, one of the other kind, one at an unaligned slot, one made twice.
          if (!a.uninit) mutate(`dynnone${k + 1}`, (_rr, bb) => ((bb.pre = bb.pre.filter((l) => !/call 19[78]/.test(l))), true));
          if (!a.uninit && a.dynptr === 'ringbuf' && allowed(type, 197))
            mutate(`dynkind${k + 1}`, (_rr, bb) => {
              const arr = useMap(bb, 'array');
              bb.pre = ['  *(u32 *)(r10 - 4) = 0', '  r2 = r10', '  r2 += -4', `  r1 = ${arr} ll`, '  call 1', '  if r0 == 0 goto out', '  r1 = r0', '  r2 = 16', '  r3 = 0', '  r4 = r10', '  r4 += -160', '  call 197'];
              return true;
            });
          if (!a.uninit && !a.dynptr && allowed(type, 198))
            mutate(`dynrb${k + 1}`, (_rr, bb) => {
              const rb = useMap(bb, 'ringbuf');
              bb.pre = [`  r1 = ${rb} ll`, '  r2 = 8', '  r3 = 0', '  r4 = r10', '  r4 += -160', '  call 198'];
              bb.post.push('  r1 = r10', '  r1 += -160', '  r2 = 0', '  call 200');
              return true;
            });
          mutate(`dynoff${k + 1}`, (rr) => ((rr[k] = 'fp-156'), true));
          if (a.uninit) mutate(`dyntwice${k + 1}`, (rr, bb) => {
            if (p.id !== 197) return false;
            bb.pre.push('  r1 = r8', '  r2 = 16', '  r3 = 0', '  r4 = r10', '  r4 += -160', '  call 197');
            return true;
          });
        }
        if (a.base === 'ARG_CONST_ALLOC_SIZE_OR_ZERO')
          mutate(`allocvar${k + 1}`, (rr, bb) => (bb.pre.unshift('  call 7', '  r9 = r0', '  r9 &= 63'), (rr[k] = 'r9'), true));
        if (isPtrArg(a)) {
          if (!a.maybeNull) mutate(`null${k + 1}`, (rr) => ((rr[k] = '0'), true));
          mutate(`scalar${k + 1}`, (rr) => ((rr[k] = '1'), true));
          if (a.base !== 'ARG_PTR_TO_CTX') mutate(`ctx${k + 1}`, (rr) => ((rr[k] = 'r6'), true));
          if (a.base !== 'ARG_PTR_TO_STACK' && !isMemArg(a) && a.base !== 'ARG_PTR_TO_MAP_KEY' && a.base !== 'ARG_PTR_TO_MAP_VALUE' && a.base !== 'ARG_PTR_TO_DYNPTR')
            mutate(`fp${k + 1}`, (rr) => ((rr[k] = 'fp-72'), true));
          if (a.base === 'ARG_CONST_MAP_PTR') {
            const other = mapTypeFor(p) === 'hash' ? 'ringbuf' : 'hash';
            mutate(`map${k + 1}`, (rr, bb) => {
              bb.maps.clear();
              rr[k] = `${useMap(bb, other)} ll`;
              return true;
            });
          }
          if (isMemArg(a) || a.base === 'ARG_PTR_TO_MAP_KEY' || a.base === 'ARG_PTR_TO_MAP_VALUE') {
            mutate(`uninit${k + 1}`, (rr) => (rr[k] === 'fp-72' || rr[k] === 'fp-8' || rr[k] === 'fp-136' ? ((rr[k] = 'fp-256'), true) : false));
            mutate(`pkt${k + 1}`, (rr, bb) => {
              const off = type === 'xdp' ? [0, 4] : type === 'sched_cls' || type === 'sched_act' || type === 'lwt_in' || type === 'cgroup_skb' || type === 'sk_skb' ? [76, 80] : null;
              if (!off) return false;
              bb.pre.push(`  r8 = *(u32 *)(r6 + ${off[0]})`, `  r9 = *(u32 *)(r6 + ${off[1]})`, '  r0 = r8', '  r0 += 64', '  if r0 > r9 goto out');
              rr[k] = 'r8';
              return true;
            });
            mutate(`pktshort${k + 1}`, (rr, bb) => {
              const off = type === 'xdp' ? [0, 4] : type === 'sched_cls' || type === 'sched_act' || type === 'lwt_in' || type === 'cgroup_skb' || type === 'sk_skb' ? [76, 80] : null;
              if (!off) return false;
              bb.pre.push(`  r8 = *(u32 *)(r6 + ${off[0]})`, `  r9 = *(u32 *)(r6 + ${off[1]})`, '  r0 = r8', '  r0 += 4', '  if r0 > r9 goto out');
              rr[k] = 'r8';
              return true;
            });
            mutate(`mapval${k + 1}`, (rr, bb) => {
              const arr = useMap(bb, 'array');
              bb.pre.push('  *(u32 *)(r10 - 4) = 0', '  r2 = r10', '  r2 += -4', `  r1 = ${arr} ll`, '  call 1', '  if r0 == 0 goto out', '  r8 = r0');
              rr[k] = 'r8';
              if (specs[k + 1] && isSizeArg(specs[k + 1]!)) rr[k + 1] = '32';
              return true;
            });
          }
        }
        if (isSizeArg(a)) {
          mutate(`size0_${k + 1}`, (rr) => ((rr[k] = '0'), true));
          mutate(`sizebig${k + 1}`, (rr) => ((rr[k] = '100'), true));
          mutate(`sizevar${k + 1}`, (rr, bb) => {
            bb.pre.unshift('  call 7', '  r9 = r0', '  r9 &= 63');
            rr[k] = 'r9';
            return true;
          });
          mutate(`sizehuge${k + 1}`, (rr, bb) => {
            bb.pre.unshift('  call 7', '  r9 = r0', '  r9 >>= 1');
            rr[k] = 'r9';
            return true;
          });
          mutate(`sizeneg${k + 1}`, (rr, bb) => {
            bb.pre.unshift('  call 7', '  r9 = r0');
            rr[k] = 'r9';
            return true;
          });
        }
      });
    }
  }
  return out;
}

export interface ProtoVerdict {
  id: string;
  type: string;
  accepted: boolean;
  insn: number;
  message: string;
  block: string[];
  processed: number;
  loaderError?: string;
  truncated?: string;
  kernel: string;
}

/** Loads one probe into the running kernel (bpftool prog load) and returns its verdict. Needs root, bpffs and bpftool. */
export function loadProbe(p: HelperProbe, release = os.release()): ProtoVerdict {
  const r = assemble(p.source, { syntax: 'llvm' });
  if (!r.program || r.diagnostics.some((d) => d.severity === 'error'))
    return { id: p.id, type: p.type, accepted: false, insn: -1, message: '', block: [], processed: 0, loaderError: `assembler: ${r.diagnostics.map((d) => d.message).join('; ')}`, kernel: release };
  r.program.progType = p.type;
  const obj = writeElf(r.program, { license: p.license });
  const pin = pinPath('hp');
  const res = loadObject(obj, pin);
  unpin(pin);
  // Some kernel messages lack their newline ("expected prog array map for tail call"): split them off the summary.
  const log = res.log.replace(/([^\n])(processed \d+ insns)/g, '$1\n$2');
  const m = /-- BEGIN PROG LOAD LOG --\n([\s\S]*?)(?:-- END PROG LOAD LOG --|$)/.exec(log);
  if (res.ok) return { id: p.id, type: p.type, accepted: true, insn: -1, message: '', block: [], processed: 0, kernel: release };
  if (m) {
    const rec: ProtoVerdict = { id: p.id, type: p.type, accepted: false, ...parseKernelLog(m[1]!), kernel: release };
    if (!/^processed \d+ insns/m.test(m[1]!)) return { ...rec, insn: -1, message: '', block: [], truncated: /BPF program load failed: ([^\n]*)/.exec(res.log)?.[1] ?? '' };
    return rec;
  }
  const err = res.log.split('\n').filter((l) => /libbpf:|Error:/.test(l)).slice(-3).join(' | ');
  return { id: p.id, type: p.type, accepted: false, insn: -1, message: '', block: [], processed: 0, loaderError: err || 'load failed without a verifier log', kernel: release };
}

function main(): void {
  const o = kernelOracle();
  if (!o.ok) {
    console.error(`kernel oracle unavailable: ${o.reason}`);
    process.exit(1);
  }
  const e = ensureBpffs();
  if (e) throw new Error(e);
  const release = os.release();
  const only = process.argv[2];
  const probes = helperProbes().filter((p) => !only || p.id.includes(only));
  const out: string[] = [];
  let n = 0;
  for (const p of probes) {
    out.push(JSON.stringify(loadProbe(p, release)));
    if (++n % 500 === 0) console.error(`${n}/${probes.length}`);
  }
  const file = path.resolve(import.meta.dirname, '../testdata/verifier', only ? `partial-protos-${only}.jsonl` : 'kernel-protos.jsonl');
  writeFileSync(file, out.join('\n') + '\n');
  console.error(`wrote ${out.length} verdicts to ${file}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) main();
