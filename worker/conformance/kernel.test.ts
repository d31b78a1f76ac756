// Cross-checks expected results against the running kernel: the programs of our own .data cases and of
// the bpf_conformance and uBPF corpora are assembled, written as ELF objects (worker/elf/write.ts), loaded
// with `bpftool prog load` and run once with BPF_PROG_TEST_RUN (`bpftool prog run`). The kernel returns
// only 32 bits, so each program runs twice inside a wrapper that calls it as a bpf-to-bpf subprogram and
// returns either r0 or r0 >> 32; both halves must equal the file's `-- result`.
// Programs without input memory run as socket filters with r1 = r2 = 0; programs with `-- mem` run as XDP
// programs on a packet holding the mem bytes, behind a prologue that bounds-checks the packet once and
// sets r1 = its start and r2 = its length, which is what the .data format says r1 and r2 are.
// Files the kernel cannot run are listed with the reason; for those the test checks that the kernel
// indeed refuses them. Corpus programs that the verifier refuses for other reasons (dead code, pointer
// arithmetic it forbids, loops it cannot bound) are skipped at run time with the verifier's message; our
// own cases must load. Skips with the reason when bpf() is not available.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { assembleUbpf } from '../asm/ubpf/assemble';
import { decodeSlots } from '../isa/insn';
import { writeElf } from '../elf/write';
import { bpftoolPath, kernelOracle } from '../testing/kernel';
import { parseDataFile, type DataFile, type Flavour } from './datafile';
import { UBPF_PROFILE, validateLoad } from './validate';

const here = path.dirname(fileURLToPath(import.meta.url));
const corpusRoot = path.resolve(here, '../../../shared/conformance');

/** Files the kernel cannot run (path relative to the corpus folder or to cases/), and why. */
function notForKernel(rel: string, df: DataFile, usesHelpers: boolean): string | null {
  const fixed: Record<string, string> = {
    'cases/calls.data': 'uses the uBPF test helpers 0 and 3 and callx (opcode 0x8d), which the kernel does not have',
    'cases/imm-div-zero-and-wide-shifts.data': 'the verifier refuses division by an immediate 0 and immediate shifts wider than the operand ("div by zero", "invalid shift")',
    'cases/call-depth-ok.data': 'the verifier refuses recursive bpf-to-bpf calls',
    'bpf_conformance/callx.data': 'callx (opcode 0x8d) is not accepted by the kernel ("unknown opcode 8d")',
    'ubpf/mul-loop-memory-iterations.data': 'its loop count comes from the input, so the verifier cannot bound the loop and gives up only after 1M processed instructions (tens of seconds)',
  };
  if (fixed[rel]) return fixed[rel];
  if (rel.startsWith('bpf_conformance/negative/')) return 'negative tests are about the runner (conformance.test.ts checks them)';
  if (/^bpf_conformance\/(l|r|ar)sh(32|64)-imm-(high|neg)\.data$/.test(rel)) return 'an immediate shift amount outside 0..width-1: the verifier refuses it ("invalid shift")';
  if (/^ubpf\/(div|mod)(64)?-by-zero-imm\.data$/.test(rel)) return 'division by an immediate 0: the verifier refuses it ("div by zero")';
  if (usesHelpers) return 'calls the uBPF test helpers (ids 0-5 mean something else in the kernel)';
  if (df.result === null || df.error !== null || df.errorPattern !== null || df.reload) return 'not an execute-and-compare test';
  return null;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.data') ? [path.join(dir, e.name)] : []))
    .sort();
}

const EXIT = '.raw 0x0000000000000095'; // an exit that does not become the implicit `exit` label

/** The program wrapped so that the kernel returns the low (high = false) or high 32 bits of its r0. */
function wrapped(df: DataFile, high: boolean): { text: string; section: string } {
  const tail = `call local __orig\n${high ? 'rsh %r0, 32\n' : ''}${EXIT}\n__orig:\n${df.asm!.text}\n`;
  if (!df.mem) return { text: `mov %r1, 0\nmov %r2, 0\n${tail}`, section: 'socket' };
  const n = df.mem.length;
  return {
    text: `ldxw %r2, [%r1+4]\nldxw %r1, [%r1+0]\nmov %r3, %r1\nadd %r3, ${n}\njle %r3, %r2, +2\nmov %r0, 0xbad\n${EXIT}\nmov %r2, ${n}\n${tail}`,
    section: 'xdp',
  };
}

const oracle = kernelOracle();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bpfplay-conf-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const bpftool = bpftoolPath();
let seq = 0;

/** Loads and runs one program; the kernel's return value, or the verifier's refusal. */
function kernelRun(text: string, section: string, mem: Uint8Array | null): { retval: number } | { rejected: string } {
  const p = assembleUbpf(text).program;
  if (!p) throw new Error(`does not assemble:\n${text}`);
  const id = `${process.pid}_${seq++}`;
  const obj = path.join(tmp, `${id}.o`);
  writeFileSync(obj, writeElf({ ...p, license: 'GPL' }, { section, license: 'GPL' }));
  const input = path.join(tmp, `${id}.bin`);
  const data = new Uint8Array(Math.max(64, mem?.length ?? 0));
  if (mem) data.set(mem);
  writeFileSync(input, mem ? data.slice(0, Math.max(14, mem.length)) : data);
  const pin = `/sys/fs/bpf/bpfplay_conf_${id}`;
  try {
    try {
      execFileSync(bpftool, ['prog', 'load', obj, pin], { stdio: 'pipe' });
    } catch (e) {
      const err = (e as { stderr?: Buffer }).stderr?.toString() ?? String(e);
      const lines = err.split('\n').filter((l) => l && !/^(libbpf|Error|Warning|If it used|-- )|processed \d+ insns/.test(l));
      return { rejected: lines.slice(-1)[0] ?? 'rejected' };
    }
    const out = execFileSync(bpftool, ['prog', 'run', 'pinned', pin, 'data_in', input, 'repeat', '1'], { stdio: 'pipe' }).toString();
    const m = /Return value: (\d+)/.exec(out);
    if (!m) throw new Error(`no return value in: ${out}`);
    return { retval: Number(m[1]) };
  } finally {
    rmSync(pin, { force: true });
  }
}

function corpus(title: string, dir: string, relBase: string, flavour: Flavour): void {
  describe.skipIf(!oracle.ok || !existsSync(dir))(title, () => {
    if (!oracle.ok) console.log(`skipping kernel cross-check: ${oracle.reason}`);
    if (!oracle.ok || !existsSync(dir)) return;
    for (const f of walk(dir)) {
      const rel = `${relBase}/${path.relative(dir, f)}`;
      const df = parseDataFile(readFileSync(f, 'utf8'), {
        flavour, file: rel,
        readInclude: (n) => (existsSync(path.resolve(path.dirname(f), n)) ? readFileSync(path.resolve(path.dirname(f), n), 'utf8') : null),
      });
      if (!df.asm) continue; // raw-only files (encodings and load errors) are not about execution
      const prog = assembleUbpf(df.asm.text).program;
      if (!prog) continue;
      const usesHelpers = decodeSlots(prog.slots).insns.some((i) => i !== null && (i.kind === 'callx' || (i.kind === 'call' && i.callKind === 'helper')));
      const why = notForKernel(rel, df, usesHelpers);
      if (why !== null) {
        if (/verifier refuses|not accepted by the kernel/.test(why)) {
          it(`${rel} is refused by the kernel (${why})`, () => {
            const w = wrapped(df, false);
            expect(kernelRun(w.text, w.section, df.mem)).toHaveProperty('rejected');
          });
        } else it.skip(`${rel} — ${why}`, () => {});
        continue;
      }
      it(rel, (ctx) => {
        const halves = [false, true].map((high) => {
          const w = wrapped(df, high);
          const r = kernelRun(w.text, w.section, df.mem);
          if ('rejected' in r) {
            // Our own cases are written to pass the verifier; the corpora's programs need not be.
            if (relBase === 'cases') throw new Error(`the kernel refused it: ${r.rejected}`);
            console.log(`${rel}: not cross-checked, the verifier refuses it: ${r.rejected}`);
            return ctx.skip(`the verifier refuses it: ${r.rejected}`);
          }
          return BigInt(r.retval >>> 0);
        });
        expect('0x' + ((halves[1]! << 32n) | halves[0]!).toString(16)).toBe('0x' + df.result!.toString(16));
      });
    }
  });
}

corpus('our cases agree with the kernel (BPF_PROG_TEST_RUN)', path.join(here, 'cases'), 'cases', 'ubpf');
corpus('bpf_conformance expectations agree with the kernel', path.join(corpusRoot, 'bpf_conformance'), 'bpf_conformance', 'bpf_conformance');
corpus('uBPF expectations agree with the kernel', path.join(corpusRoot, 'ubpf'), 'ubpf', 'ubpf');

// The load-time validator (validate.ts) and the kernel agree in one direction: what the validator rejects
// for a structural reason, the kernel rejects too. (Helper ids and legacy packet loads are profile
// choices of the uBPF runtime, not structure, so they are not part of this check.)
describe.skipIf(!oracle.ok)('structural rejections agree with the kernel', () => {
  const programs: [string, string][] = [
    ['mov %r10, 1\nexit', 'invalid_dst_reg'],
    ['mov %r0, %r11\nexit', 'invalid_src_reg'],
    ['.raw 0x00000030000001dc\nexit', 'invalid_endian_imm'],
    ['.raw 0x0000000000000018 0x0000000000000095', 'incomplete_lddw'],
    ['.raw 0x0000000000000018 0x0000000000000100\nexit', 'invalid_lddw_second_half'],
    ['ja +1\nlddw %r0, 1\nexit', 'jump_into_lddw'],
    ['mov %r0, 0\nja -1\nexit', 'infinite_loop'],
    ['mov %r0, 0\njeq %r0, 0, +5\nexit', 'jump_out_of_bounds'],
    ['mov %r1, 1\ncall local f\nexit\nf:\nmov %r0, 0\nja -4', 'jump_out_of_bounds'],
    ['mov %r0, 0\ncall local f\nf:\nexit', 'subprog_bad_end'],
    ['mov %r0, 0\nadd %r0, 1', 'subprog_bad_end'],
    ['.raw 0x00000000000000ff\nexit', 'unknown_opcode'],
    ['mov %r0, 0\n.raw 0x0000000000010007\nexit', 'reserved_field'],
    ['mov %r0, 0\n.raw 0x0000000100000095', 'reserved_field'],
  ];
  it.each(programs)('%s (%s)', (text, kind) => {
    const p = assembleUbpf(text).program!;
    const errors = validateLoad(p.slots, p.maps.length, UBPF_PROFILE);
    expect(errors[0]?.kind).toBe(kind);
    expect(kernelRun(text, 'socket', null)).toHaveProperty('rejected');
  });
  it('a structurally valid program is accepted by both (the check above can see an accept)', () => {
    const text = 'mov %r0, 7\nexit';
    const p = assembleUbpf(text).program!;
    expect(validateLoad(p.slots, 0, UBPF_PROFILE)).toEqual([]);
    expect(kernelRun(text, 'socket', null)).toEqual({ retval: 7 });
  });
});
