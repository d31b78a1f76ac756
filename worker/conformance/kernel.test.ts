// Cross-checks the expected results of our own .data cases against the running kernel: each case that the
// kernel can run (no uBPF test helpers, nothing the verifier refuses by design) is assembled, written as
// an ELF object (worker/elf/write.ts), loaded with `bpftool prog load` and run once with
// BPF_PROG_TEST_RUN (`bpftool prog run`); the kernel's 32-bit return value must equal the low 32 bits of
// the case's `-- result`. Cases without input memory run as socket filters; cases with `-- mem` run as
// XDP programs on a packet holding the mem bytes, behind a prologue that points r1 at the packet data
// after one bounds check (so r1 means what the .data format says it means). Skips with the reason when
// bpf() is not available.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { assembleUbpf } from '../asm/ubpf/assemble';
import { writeElf } from '../elf/write';
import { bpftoolPath, kernelOracle } from '../testing/kernel';
import { parseDataFile } from './datafile';

const here = path.dirname(fileURLToPath(import.meta.url));
const casesDir = path.join(here, 'cases');

/** Cases the kernel cannot run, and why. */
const NOT_FOR_KERNEL: Readonly<Record<string, string>> = {
  'calls.data': 'uses the uBPF test helpers 0 and 3 and callx (opcode 0x8d), which the kernel does not have',
  'imm-div-zero-and-wide-shifts.data': 'the verifier refuses division by an immediate 0 and immediate shifts wider than the operand, by design',
};

const oracle = kernelOracle();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bpfplay-conf-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!oracle.ok)('our cases agree with the kernel (BPF_PROG_TEST_RUN)', () => {
  if (!oracle.ok) console.log(`skipping kernel cross-check: ${oracle.reason}`);
  const bpftool = bpftoolPath();
  const zeros = path.join(tmp, 'in.bin');
  writeFileSync(zeros, new Uint8Array(64));
  const files = readdirSync(casesDir).filter((f) => f.endsWith('.data')).sort();
  for (const f of files) {
    if (NOT_FOR_KERNEL[f]) {
      it.skip(`${f} — ${NOT_FOR_KERNEL[f]}`, () => {});
      continue;
    }
    it(f, () => {
      const df = parseDataFile(readFileSync(path.join(casesDir, f), 'utf8'), { flavour: 'ubpf', file: f });
      expect(df.asm).not.toBeNull();
      expect(df.result).not.toBeNull();
      let text = df.asm!.text;
      let section = 'socket';
      let dataIn = zeros;
      if (df.mem) {
        // XDP: r1 = data, bounds-checked once for the whole input; r2 and r3 are scratch in the prologue.
        const n = df.mem.length;
        text = `ldxw %r2, [%r1+4]\nldxw %r1, [%r1+0]\nmov %r3, %r1\nadd %r3, ${n}\njle %r3, %r2, +2\nmov %r0, 0xbad\nexit\n${text}`;
        section = 'xdp';
        dataIn = path.join(tmp, f.replace(/\.data$/, '.bin'));
        writeFileSync(dataIn, df.mem);
      }
      const p = assembleUbpf(text).program!;
      expect(p).not.toBeNull();
      const obj = path.join(tmp, f.replace(/\.data$/, '.o'));
      writeFileSync(obj, writeElf({ ...p, license: 'GPL' }, { section, license: 'GPL' }));
      const pin = `/sys/fs/bpf/bpfplay_conf_${process.pid}_${f.replace(/\W/g, '_')}`;
      rmSync(pin, { force: true });
      try {
        execFileSync(bpftool, ['prog', 'load', obj, pin], { stdio: 'pipe' });
        const out = execFileSync(bpftool, ['prog', 'run', 'pinned', pin, 'data_in', dataIn, 'repeat', '1'], { stdio: 'pipe' }).toString();
        const m = /Return value: (\d+)/.exec(out);
        expect(m, out).not.toBeNull();
        expect(Number(m![1])).toBe(Number(df.result! & 0xffffffffn));
      } finally {
        rmSync(pin, { force: true });
      }
    });
  }
});
