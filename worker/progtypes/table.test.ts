// Pins the program-type table to the real thing: struct offsets and sizes to the installed UAPI headers
// (compiled with clang-19), and every context access verdict and allowed helper to the running kernel
// (bpf(BPF_PROG_LOAD) through kernel-probe/probe.c).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kernelOracle, which } from '../testing/kernel';
import { HELPER_NAMES } from '../helpers/ids.generated';
import { bpfSockLayout, ctxAccess, type CtxLayout } from './ctx';
import { PROG_TYPES, PROG_TYPE_NAMES, progTypeForSection, returnRange, verdictName, type ProgTypeName } from './table';

const cc = which('clang-19') ?? which('clang') ?? which('gcc');
const work = mkdtempSync(join(tmpdir(), 'bpfplay-progtypes-'));

function compileAndRun(src: string): string {
  const c = join(work, `t${Math.random().toString(36).slice(2)}.c`);
  writeFileSync(c, src);
  const exe = c.replace(/\.c$/, '');
  execFileSync(cc!, ['-o', exe, c]);
  return execFileSync(exe, { encoding: 'utf8' });
}

const STRUCTS: [string, CtxLayout][] = [
  ['struct __sk_buff', PROG_TYPES.sched_cls.ctx],
  ['struct xdp_md', PROG_TYPES.xdp.ctx],
  ['struct bpf_sock_ops', PROG_TYPES.sock_ops.ctx],
  ['struct bpf_sock', PROG_TYPES.cgroup_sock.ctx],
  ['struct pt_regs', PROG_TYPES.kprobe.ctx],
  ['struct bpf_perf_event_data', PROG_TYPES.perf_event.ctx],
];
/** Fields added after Linux 6.1 (the installed header): checked against the 6.18 header text instead. */
const AFTER_61 = new Set(['struct bpf_sock_ops.skb_hwtstamp']);

describe('context layouts match the UAPI headers', () => {
  it.skipIf(!cc)('offsets and sizes agree with offsetof/sizeof from /usr/include', () => {
    let src = '#include <stddef.h>\n#include <stdio.h>\n#include <linux/bpf.h>\n#include <linux/bpf_perf_event.h>\n#include <asm/ptrace.h>\nint main(void){\n';
    for (const [s, l] of STRUCTS) {
      src += `printf("${s}|%zu\\n", sizeof(${s}));\n`;
      for (const f of l.fields) {
        if (AFTER_61.has(`${s}.${f.name}`) || (f.name === 'dst_port' && s === 'struct bpf_sock')) continue;
        src += `printf("${s}.${f.name}|%zu|%zu\\n", offsetof(${s}, ${f.name}), sizeof(((${s}*)0)->${f.name}));\n`;
      }
    }
    src += 'printf("struct bpf_sock.dst_port|%zu|%zu\\n", offsetof(struct bpf_sock, dst_port), sizeof(((struct bpf_sock*)0)->dst_port));\nreturn 0;}\n';
    const got = new Map(compileAndRun(src).trim().split('\n').map((l) => { const [k, ...v] = l.split('|'); return [k, v.map(Number)] as const; }));
    for (const [s, l] of STRUCTS) {
      const size = got.get(s)![0];
      if (s === 'struct bpf_sock_ops') expect([216, 224]).toContain(size); // 6.1 header lacks skb_hwtstamp (+8)
      else expect(l.size, s).toBe(size);
      for (const f of l.fields) {
        if (AFTER_61.has(`${s}.${f.name}`)) continue;
        const g = got.get(`${s}.${f.name}`);
        expect([f.off, f.size], `${s}.${f.name}`).toEqual(g);
      }
    }
    const hw = PROG_TYPES.sock_ops.ctx.fields.find((f) => f.name === 'skb_hwtstamp')!;
    expect([hw.off, hw.size, PROG_TYPES.sock_ops.ctx.size]).toEqual([216, 8, 224]);
  });

  it('fields are sorted, non-overlapping and inside the struct', () => {
    for (const t of PROG_TYPE_NAMES) {
      const l = PROG_TYPES[t].ctx;
      for (let i = 1; i < l.fields.length; i++) expect(l.fields[i].off, `${t} ${l.fields[i].name}`).toBeGreaterThanOrEqual(l.fields[i - 1].off + l.fields[i - 1].size);
      for (const f of l.fields) expect(f.off + f.size).toBeLessThanOrEqual(l.size);
    }
  });
});

// ---- kernel probes ----
const oracle = kernelOracle();
let probeBin: string | null = null;
function probe(lines: string[]): string[] {
  if (!probeBin) {
    probeBin = join(work, 'probe');
    execFileSync(cc!, ['-O1', '-o', probeBin, join(__dirname, 'kernel-probe/probe.c')]);
  }
  const r = spawnSync(probeBin, { input: lines.join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 26 });
  return r.stdout.trim().split('\n');
}
function insn(code: number, dst: number, src: number, off: number, imm: number): Buffer {
  const b = Buffer.alloc(8);
  b[0] = code; b[1] = dst | (src << 4); b.writeInt16LE(off, 2); b.writeInt32LE(imm, 4);
  return b;
}
const SZ: Record<number, number> = { 1: 0x10, 2: 0x08, 4: 0x00, 8: 0x18 };
const EXIT0 = Buffer.concat([insn(0xb7, 0, 0, 0, 0), insn(0x95, 0, 0, 0, 0)]);

const ACCESS_CASES: { name: string; type: ProgTypeName; attach: number; layout: CtxLayout; offs: number[] }[] = [];
for (const t of PROG_TYPE_NAMES) {
  const l = PROG_TYPES[t].ctx;
  const attach = t === 'cgroup_sock' ? 2 : 0;
  const offs = l.openEnded ? [...Array(72).keys(), 2048, 8176, 8184, 8188, 8190, 8191, 8192, 8200] : [...Array(l.size + 8).keys()];
  ACCESS_CASES.push({ name: t, type: t, attach, layout: l, offs });
}
ACCESS_CASES.push({ name: 'cgroup_sock post_bind4', type: 'cgroup_sock', attach: 12, layout: bpfSockLayout('post_bind4'), offs: [...Array(88).keys()] });
ACCESS_CASES.push({ name: 'cgroup_sock post_bind6', type: 'cgroup_sock', attach: 13, layout: bpfSockLayout('post_bind6'), offs: [...Array(88).keys()] });

describe.skipIf(!oracle.ok || !cc)(`context access rules agree with the kernel verifier ${oracle.reason}`, () => {
  for (const c of ACCESS_CASES)
    it(`${c.name}: every (offset, size, read/write)`, () => {
      const reqs: string[] = [];
      const keys: string[] = [];
      for (const off of c.offs)
        for (const s of [1, 2, 4, 8]) {
          if (off % s) continue;
          const rd = Buffer.concat([insn(0x61 | SZ[s], 2, 1, off, 0), EXIT0]);
          const wr = Buffer.concat([insn(0xb7, 2, 0, 0, 0), insn(0x63 | SZ[s], 1, 2, off, 0), EXIT0]);
          reqs.push(`${PROG_TYPES[c.type].id} ${c.attach} 1 ${rd.toString('hex')}`, `${PROG_TYPES[c.type].id} ${c.attach} 1 ${wr.toString('hex')}`);
          keys.push(`r${s}@${off}`, `w${s}@${off}`);
        }
      const out = probe(reqs);
      const kernelOk = keys.filter((_, i) => out[i] === 'ok');
      const oursOk = keys.filter((k) => {
        const [, rw, s, off] = /^([rw])(\d)@(\d+)$/.exec(k)!;
        return ctxAccess(c.layout, Number(off), Number(s), rw === 'w').ok;
      });
      expect(oursOk).toEqual(kernelOk);
    });
});

describe.skipIf(!oracle.ok || !cc)(`socket pointee layouts agree with the kernel ${oracle.reason}`, () => {
  // tc: r2 = skb->sk (PTR_TO_SOCK_COMMON_OR_NULL); if r2 == 0 exit; [r2 = bpf_sk_fullsock(r2) (PTR_TO_SOCKET_OR_NULL); if 0 exit;] r0 = *(uN *)(r2 + off)
  for (const [name, full] of [['sock_common', false], ['pointer', true]] as const)
    it(name, () => {
      const layout = bpfSockLayout(name);
      const reqs: string[] = [];
      const keys: string[] = [];
      for (let off = 0; off < 88; off++)
        for (const s of [1, 2, 4, 8]) {
          if (off % s) continue;
          const body = full
            ? [insn(0x79, 1, 1, 168, 0), insn(0x15, 1, 0, 4, 0), insn(0x85, 0, 0, 0, 95), insn(0x15, 0, 0, 2, 0), insn(0xbf, 2, 0, 0, 0), insn(0x61 | SZ[s], 0, 2, off, 0), insn(0xb7, 0, 0, 0, 0)]
            : [insn(0x79, 2, 1, 168, 0), insn(0x15, 2, 0, 1, 0), insn(0x61 | SZ[s], 0, 2, off, 0), insn(0xb7, 0, 0, 0, 0)];
          reqs.push(`3 0 1 ${Buffer.concat([...body, insn(0x95, 0, 0, 0, 0)]).toString('hex')}`);
          keys.push(`r${s}@${off}`);
        }
      const out = probe(reqs);
      const kernelOk = keys.filter((_, i) => out[i] === 'ok');
      const oursOk = keys.filter((k) => {
        const [, s, off] = /^r(\d)@(\d+)$/.exec(k)!;
        return ctxAccess(layout, Number(off), Number(s), false).ok;
      });
      expect(oursOk).toEqual(kernelOk);
    });
});

describe.skipIf(!oracle.ok || !cc)(`helper lists and return ranges agree with the kernel ${oracle.reason}`, () => {
  it('a sample of helper calls: allowed where the table says, GPL where the table says', () => {
    const call = (id: number) => Buffer.concat([insn(0x85, 0, 0, 0, id), EXIT0]).toString('hex');
    const reqs: string[] = [];
    const keys: [ProgTypeName, number, number][] = [];
    for (const t of PROG_TYPE_NAMES)
      for (let id = 1; id < HELPER_NAMES.length; id += 1) {
        reqs.push(`${PROG_TYPES[t].id} 0 1 ${call(id)}`, `${PROG_TYPES[t].id} 0 0 ${call(id)}`);
        keys.push([t, id, 1], [t, id, 0]);
      }
    const out = probe(reqs);
    const denied = /unknown func|cannot use helper|not supported for program type|might sleep/;
    for (let i = 0; i < keys.length; i += 2) {
      const [t, id] = keys[i];
      expect(!denied.test(out[i]), `${t} ${HELPER_NAMES[id]} allowed`).toBe(PROG_TYPES[t].helpers.includes(id));
      if (!denied.test(out[i])) expect(/GPL-restricted/.test(out[i + 1]), `${t} ${HELPER_NAMES[id]} gpl`).toBe(PROG_TYPES[t].gplHelpers.includes(id));
    }
  });

  it('testRun says which types BPF_PROG_TEST_RUN supports', () => {
    const frame = Buffer.alloc(64);
    frame.writeUInt16BE(0x0800, 12);
    frame[14] = 0x45;
    const ret1 = Buffer.concat([insn(0xb7, 0, 0, 0, 1), insn(0x95, 0, 0, 0, 0)]).toString('hex');
    const out = probe(PROG_TYPE_NAMES.map((t) => `T ${PROG_TYPES[t].id} ${t === 'cgroup_sock' ? 2 : 0} ${ret1} ${frame.toString('hex')} -`));
    PROG_TYPE_NAMES.forEach((t, i) => {
      const [kind, code] = out[i].split(' ');
      expect(kind === 'run', `${t}: ${out[i]}`).toBe(PROG_TYPES[t].testRun);
      if (!PROG_TYPES[t].testRun) expect(code, t).toBe('524');
    });
  });

  it('return-value ranges', () => {
    const ret = (v: number) => Buffer.concat([insn(0xb7, 0, 0, 0, v), insn(0x95, 0, 0, 0, 0)]).toString('hex');
    const cases: [ProgTypeName, number][] = PROG_TYPE_NAMES.map((t) => [t, t === 'cgroup_sock' ? 2 : 0]);
    cases.push(['cgroup_skb', 1]);
    const vals = [-1, 0, 1, 2, 3, 4, 7, 128];
    const out = probe(cases.flatMap(([t, a]) => vals.map((v) => `${PROG_TYPES[t].id} ${a} 1 ${ret(v)}`)));
    cases.forEach(([t, a], ci) => {
      const r = returnRange(t, a);
      vals.forEach((v, vi) => {
        expect(out[ci * vals.length + vi] === 'ok', `${t}/${a} returns ${v}`).toBe(!r || (v >= r[0] && v <= r[1]));
      });
    });
  });
});

describe('verdict names', () => {
  it.each([
    ['xdp', 1, 'XDP_DROP'], ['xdp', 2, 'XDP_PASS'], ['xdp', 4, 'XDP_REDIRECT'], ['xdp', 9, 'illegal XDP action 9 (treated as XDP_ABORTED)'],
    ['sched_cls', 2, 'TC_ACT_SHOT'], ['sched_cls', -1, 'TC_ACT_UNSPEC'], ['sched_cls', 0xffffffff, 'TC_ACT_UNSPEC'], ['sched_act', 7, 'TC_ACT_REDIRECT'],
    ['socket_filter', 0, 'drop'], ['socket_filter', 54, 'keep 54 bytes'], ['socket_filter', -1, 'keep 4294967295 bytes'],
    ['lwt_xmit', 128, 'BPF_LWT_REROUTE'], ['lwt_in', 2, 'BPF_DROP'], ['sk_skb', 1, 'SK_PASS'], ['cgroup_skb', 3, 'allow + congestion notification'],
    ['cgroup_sock', 0, 'deny (EPERM)'],
  ] as [ProgTypeName, number, string][])('%s %d -> %s', (t, v, name) => expect(verdictName(t, v)).toBe(name));

  it('section names map to types', () => {
    expect(progTypeForSection('xdp')).toBe('xdp');
    expect(progTypeForSection('kprobe/do_sys_openat2')).toBe('kprobe');
    expect(progTypeForSection('tc')).toBe('sched_cls');
    expect(progTypeForSection('cgroup_skb/egress')).toBe('cgroup_skb');
    expect(progTypeForSection('sk_skb/stream_verdict')).toBe('sk_skb');
    expect(progTypeForSection('tracepoint/syscalls/sys_enter_openat')).toBe('tracepoint');
    expect(progTypeForSection('nonsense')).toBeUndefined();
  });
});

it('the probe source exists', () => expect(existsSync(join(__dirname, 'kernel-probe/probe.c'))).toBe(true));
