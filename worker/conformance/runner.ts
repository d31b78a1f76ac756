// Runs one parsed `.data` test (datafile.ts) the way bpf_conformance's runner and uBPF's test_vm.py do:
// assemble `asm` (or take `raw`; when both exist the assembly must give exactly the raw slots), apply
// the load-time checks (validate.ts), run the program with r1 = a copy of `mem`, r2 = its length and
// the uBPF test helpers, and compare the full 64-bit r0 with `result`, or the failure with `error` /
// `error pattern`. uBPF's error texts are its own choice, so they are compared by category and
// instruction index, not by wording (see UBPF_LOAD_ERRORS). The same runner runs bpfplay's own cases
// in worker/conformance/cases/.
//
// It reads no files (the caller parses them) and has no VM of its own: execution goes through the
// `Executor` it is given (worker/vm/raw.ts's runRaw). Given null, it checks only the assembler and the
// loader, and tests that need execution come back as 'skip' with that reason.

import { slotToU64, type Slot } from '../isa/insn';
import type { Program } from '../isa/program';
import type { Diagnostic } from '../util/diag';
import { assembleUbpf } from '../asm/ubpf/assemble';
import type { runRaw } from '../vm/raw';
import { parseDataFile, type DataFile, type ParseOptions } from './datafile';
import { UBPF_PROFILE, validateLoad, type LoadError, type LoadErrorKind, type LoadProfile } from './validate';

/** The VM entry the runner uses: worker/vm/raw.ts's runRaw (passed in, so the runner stays VM-agnostic). */
export type Executor = typeof runRaw;

export interface Outcome {
  status: 'pass' | 'fail' | 'skip';
  reason: string;
  /** Error-level assembler diagnostics, when assembly failed. */
  asmErrors?: Diagnostic[];
  /** The first load-time error, when the program was rejected. */
  loadError?: LoadError;
  r0?: bigint;
  fault?: { insn: number; message: string };
  /** Instructions executed. */
  insns?: number;
  /** The program that was (or would have been) run. */
  program?: Program;
}

export interface RunOptions {
  exec: Executor | null;
  profile?: LoadProfile;
  /** Instruction budget per run (default 1,000,000). */
  maxInsns?: number;
}

const hex64 = (v: bigint): string => '0x' + BigInt.asUintN(64, v).toString(16);

/**
 * uBPF's load-error texts (after "Failed to load code: ", vm/ubpf_vm.c and ubpf_loader.c) -> the
 * category our validator reports; the number captured is the instruction index, when the text has one.
 */
export const UBPF_LOAD_ERRORS: readonly { re: RegExp; kind: LoadErrorKind | 'already_loaded' }[] = [
  { re: /^unknown opcode 0x[0-9a-fA-F]+ at PC (\d+)$/, kind: 'unknown_opcode' },
  { re: /^invalid destination register at PC (\d+)$/, kind: 'invalid_dst_reg' },
  { re: /^invalid source register at PC (\d+)$/, kind: 'invalid_src_reg' },
  { re: /^invalid endian immediate at PC (\d+)$/, kind: 'invalid_endian_imm' },
  { re: /^incomplete lddw at PC (\d+)$/, kind: 'incomplete_lddw' },
  { re: /^invalid lddw second half at PC (\d+)$/, kind: 'invalid_lddw_second_half' },
  { re: /^invalid source register for LDDW at PC (\d+)$/, kind: 'invalid_lddw_src' },
  { re: /^jump out of bounds at PC (\d+)$/, kind: 'jump_out_of_bounds' },
  { re: /^jump to middle of lddw at PC (\d+)$/, kind: 'jump_into_lddw' },
  { re: /^infinite loop at PC (\d+)$/, kind: 'infinite_loop' },
  { re: /^call to nonexistent function -?\d+ at PC (\d+)$/, kind: 'nonexistent_helper' },
  { re: /^sub-program does not end with EXIT or unconditional jump at PC (\d+)$/, kind: 'subprog_bad_end' },
  { re: /^too many instructions \(max \d+\)$/, kind: 'too_many_insns' },
  { re: /^code has already been loaded into this VM/, kind: 'already_loaded' },
];

/** Category and instruction index of a uBPF load-error text, or null when it is not one. */
export function classifyUbpfLoadError(text: string): { kind: LoadErrorKind | 'already_loaded'; pc: number | null } | null {
  const m0 = /^Failed to load code:\s*(.*)$/s.exec(text.trim());
  if (!m0) return null;
  const t = m0[1]!;
  for (const e of UBPF_LOAD_ERRORS) {
    const m = e.re.exec(t);
    if (m) return { kind: e.kind, pc: m[1] !== undefined ? Number(m[1]) : null };
  }
  return null;
}

/** uBPF runtime faults ("uBPF error: out of bounds memory store at PC 0, addr .*, size 1") -> what they say. */
export function classifyUbpfRuntimeError(pattern: string): { pc: number | null; access: 'store' | 'load' | null; size: number | null } | null {
  if (!/^uBPF error:/.test(pattern.trim())) return null;
  const pc = /at PC (\d+)/.exec(pattern);
  const access = /\bstore\b/.test(pattern) ? 'store' : /\bload\b/.test(pattern) ? 'load' : null;
  const size = /size (\d+)/.exec(pattern);
  return { pc: pc ? Number(pc[1]) : null, access, size: size ? Number(size[1]) : null };
}

/** Does our fault (worker/vm's message: "invalid write of 1 bytes at ...") match a uBPF fault's category? */
function sameFault(want: NonNullable<ReturnType<typeof classifyUbpfRuntimeError>>, fault: { insn: number; message: string }): boolean {
  if (want.pc !== null && want.pc !== fault.insn) return false;
  if (want.access === 'store' && !/\b(write|store)\b/.test(fault.message)) return false;
  if (want.access === 'load' && !/\b(read|load)\b/.test(fault.message)) return false;
  if (want.size !== null && !new RegExp(`\\bof ${want.size} bytes?\\b`).test(fault.message)) return false;
  return true;
}

function searchPattern(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern).test(text);
  } catch {
    return false;
  }
}

function slotsEqual(a: readonly Slot[], b: readonly Slot[]): number {
  const n = Math.max(a.length, b.length);
  for (let k = 0; k < n; k++) {
    const x = a[k];
    const y = b[k];
    if (!x || !y || slotToU64(x) !== slotToU64(y)) return k;
  }
  return -1;
}

/** Parses and runs one .data text: the entry point for a CLI or UI that runs .data files. Never throws. */
export function runDataText(text: string, opts: ParseOptions & RunOptions): { file: DataFile; outcome: Outcome } {
  const file = parseDataFile(text, opts);
  return { file, outcome: runDataFile(file, opts) };
}

/** Runs one test file. Never throws. */
export function runDataFile(df: DataFile, opts: RunOptions): Outcome {
  try {
    return runInner(df, opts);
  } catch (e) {
    return { status: 'fail', reason: `internal error (a bpfplay bug): ${e instanceof Error ? e.message : String(e)}` };
  }
}

function runInner(df: DataFile, opts: RunOptions): Outcome {
  const profile = opts.profile ?? UBPF_PROFILE;
  const bad = df.diagnostics.filter((d) => d.severity === 'error');
  if (bad.length) return { status: 'fail', reason: `malformed data file: ${bad.map((d) => `line ${d.loc.line}: ${d.message}`).join('; ')}` };
  if (df.flavour === 'bpf_conformance' && df.unknownHeaders.length) {
    return { status: 'skip', reason: `unknown section header "${df.unknownHeaders[0]}" (bpf_conformance skips such files)` };
  }
  const encodeOnly = df.flavour === 'ubpf' && df.asm !== null && df.raw !== null && df.result === null && df.error === null && df.errorPattern === null;
  if (!encodeOnly && df.result === null && df.error === null && df.errorPattern === null) {
    return { status: 'skip', reason: 'the file has neither a result nor an error' };
  }

  // 1. The program: asm and/or raw.
  let program: Program | null = null;
  if (df.asm !== null) {
    const a = assembleUbpf(df.asm.text);
    const errs = a.diagnostics.filter((d) => d.severity === 'error').map((d) => ({
      ...d, loc: { ...d.loc, file: df.asm!.file, line: d.loc.line === undefined ? undefined : d.loc.line + df.asm!.firstLine - 1 },
    }));
    if (errs.length || !a.program) {
      const first = errs[0]?.message ?? 'assembly failed';
      if (df.error !== null) {
        if (df.error === '' || df.error === first) return { status: 'pass', reason: `assembler error as expected: ${first}`, asmErrors: errs };
        return { status: 'fail', reason: `assembler said "${first}", expected "${df.error}"`, asmErrors: errs };
      }
      return { status: 'fail', reason: `assembly failed: line ${errs[0]?.loc.line}: ${first}`, asmErrors: errs };
    }
    program = a.program;
  }
  if (df.raw !== null) {
    if (program !== null) {
      const k = slotsEqual(program.slots, df.raw.slots);
      if (k >= 0) {
        const got = program.slots[k] ? hex64(slotToU64(program.slots[k]!)) : 'nothing';
        const want = df.raw.slots[k] ? hex64(slotToU64(df.raw.slots[k]!)) : 'nothing';
        return { status: 'fail', reason: `asm does not assemble to raw: slot ${k} is ${got}, raw says ${want}`, program };
      }
    }
    program = { slots: df.raw.slots, maps: [], labels: {}, origin: 'bytes' };
  }
  if (program === null || program.slots.length === 0) return { status: 'skip', reason: 'Test file has no BPF instructions' };
  if (encodeOnly) return { status: 'pass', reason: `asm assembles to the ${program.slots.length} raw slots`, program };

  // 2. Load-time checks (twice for `-- unload`: load, unload, load again).
  const loads = df.unload ? 2 : 1;
  for (let k = 0; k < loads; k++) {
    const errors = validateLoad(program.slots, program.maps.length, profile);
    if (errors.length === 0) continue;
    const first = errors[0]!;
    const base = { loadError: first, program };
    if (df.error !== null) {
      if (df.error === '') return { ...base, status: 'pass', reason: `rejected at load as expected: ${first.message}` };
      const want = classifyUbpfLoadError(df.error);
      if (want && want.kind === first.kind && (want.pc === null || want.pc === first.pc)) {
        return { ...base, status: 'pass', reason: `rejected at load (${first.kind} at insn ${first.pc}: ${first.message}), as uBPF's "${df.error}"` };
      }
      if (df.error === first.message) return { ...base, status: 'pass', reason: `rejected at load as expected: ${first.message}` };
      return { ...base, status: 'fail', reason: `rejected at load with ${first.kind} at insn ${first.pc} (${first.message}), expected "${df.error}"` };
    }
    return { ...base, status: 'fail', reason: `rejected at load: ${first.kind} at insn ${first.pc}: ${first.message}` };
  }

  // 3. Execution.
  if (!opts.exec) return { status: 'skip', reason: 'execution needs the VM (worker/vm/raw.ts); assembly and load checks passed', program };
  const res = opts.exec(program, { mem: df.mem ?? undefined, helperSet: 'ubpf', maxInsns: opts.maxInsns ?? 1_000_000 });
  const ran = { r0: res.r0, insns: res.insns, program, ...(res.fault ? { fault: res.fault } : {}) };
  if (res.fault) {
    if (df.errorPattern !== null) {
      const want = classifyUbpfRuntimeError(df.errorPattern);
      if (want && sameFault(want, res.fault)) {
        return { ...ran, status: 'pass', reason: `faulted at insn ${res.fault.insn} (${res.fault.message}), as uBPF's "${df.errorPattern}"` };
      }
      // Not one of uBPF's texts: a regular expression over our own fault message (as re.search does).
      if (!want && searchPattern(df.errorPattern, `${res.fault.message} at insn ${res.fault.insn}`)) {
        return { ...ran, status: 'pass', reason: `faulted at insn ${res.fault.insn} (${res.fault.message}), matching "${df.errorPattern}"` };
      }
      return { ...ran, status: 'fail', reason: `faulted at insn ${res.fault.insn} (${res.fault.message}), expected "${df.errorPattern}"` };
    }
    if (df.error === '') return { ...ran, status: 'pass', reason: `failed at run time as expected: ${res.fault.message}` };
    return { ...ran, status: 'fail', reason: `fault at insn ${res.fault.insn}: ${res.fault.message}` };
  }
  if (df.errorPattern !== null) {
    return { ...ran, status: 'fail', reason: `expected a run-time error matching "${df.errorPattern}", but the program returned r0 = ${hex64(res.r0)}` };
  }
  if (df.result !== null) {
    if (BigInt.asUintN(64, res.r0) === df.result) return { ...ran, status: 'pass', reason: `r0 = ${hex64(res.r0)}` };
    return { ...ran, status: 'fail', reason: `r0 = ${hex64(res.r0)}, expected ${hex64(df.result)}` };
  }
  return { ...ran, status: 'fail', reason: `expected error "${df.error}", but the program ran and returned r0 = ${hex64(res.r0)}` };
}

// ---- corpus bookkeeping ------------------------------------------------------------------------

/**
 * Files of the external corpora that are not run, keyed by path relative to ../shared/conformance,
 * each with the reason. The conformance test prints this table.
 */
export const EXCLUDED: Readonly<Record<string, string>> = {
  'ubpf/errors/err-unknown-opcode.data':
    'uBPF-specific: this uBPF snapshot rejects opcode 0x06 as unknown, but 0x06 is BPF_JMP32 | BPF_JA ("gotol", RFC 9669 '
    + 'section 4.3, cpu v4), which Linux 6.18 and llvm -mcpu=v4 accept; 0x06 with imm 0 is `gotol +0`, a valid instruction, '
    + 'and bpf_conformance\'s own ja32.data runs it. (Unknown opcodes are rejected: see validate.test.ts.)',
  'ubpf/reload.data':
    'uBPF API semantics: a second ubpf_load_code() on the same VM object must fail with "code has already been loaded". '
    + 'bpfplay has no persistent VM handle that code is loaded into (every run loads the program afresh), so there is no such state to test.',
};

/** What a bpf_conformance negative/ file must produce (upstream tools/tests.cmake, see the corpus README). */
export type NegativeExpectation =
  | { kind: 'skip'; why: string }
  | { kind: 'mismatch'; why: string; r0?: bigint }
  | { kind: 'asm-error'; why: string; message: string | RegExp }
  | { kind: 'rejected'; why: string; loadError: LoadErrorKind };

export function negativeExpectation(name: string): NegativeExpectation | null {
  if (name === 'unused-mov64_reg-offset.data') {
    return {
      kind: 'rejected', loadError: 'unsupported',
      why: 'MOV64 X with offset 1 was an unused-field test when written; since Linux 6.9 it is addr_space_cast (BPF arena), which a raw run does not support, so it is rejected as unsupported',
    };
  }
  if (name.startsWith('unused-')) return { kind: 'rejected', loadError: 'reserved_field', why: 'an instruction has a non-zero unused field; the runtime must reject it' };
  return NEGATIVE[name] ?? null;
}

const NEGATIVE: Readonly<Record<string, NegativeExpectation>> = {
  'empty.data': { kind: 'skip', why: 'no sections at all: "Test file has no BPF instructions"' },
  'invalid_unknown_directive.data': { kind: 'skip', why: 'an unknown section header makes the runner skip the file' },
  'empty_instructions.data': { kind: 'skip', why: 'a result but no program: "Test file has no BPF instructions"' },
  'error.data': { kind: 'mismatch', why: 'the program runs (reading r10 is allowed), so the expected error "Invalid" is not produced: the runner must report the mismatch' },
  'incorrect_return_value_high_bits.data': { kind: 'mismatch', r0: 0x8877665544332211n, why: 'the correct r0 is 0x8877665544332211; the file says 0x8977665544332211, so the runner must report the mismatch' },
  'invalid_register.data': { kind: 'asm-error', message: 'Invalid register: %r50', why: 'assembler error' },
  'invalid_offset.data': { kind: 'asm-error', message: 'Failed to decode register and offset: %r1', why: 'assembler error' },
  'invalid_offset_range.data': { kind: 'asm-error', message: /^Offset out of 16-bit range: \+?0x10000$/, why: 'assembler error' },
  'invalid_imm32_hex_range.data': { kind: 'asm-error', message: 'Immediate out of 32-bit range: 0x100000000', why: 'assembler error' },
  'invalid_imm32_dec_range.data': { kind: 'asm-error', message: 'Immediate out of 32-bit range: 2147483648', why: 'assembler error' },
  'invalid_operand_count.data': { kind: 'asm-error', message: 'Invalid number of operands for mnemonic: lddw', why: 'assembler error' },
  'invalid_label.data': { kind: 'asm-error', message: 'Invalid label: NOT_A_LABEL', why: 'assembler error' },
  'invalid_mnemonic.data': { kind: 'asm-error', message: 'Invalid mnemonic: ldxq', why: 'assembler error' },
  'invalid_lock.data': { kind: 'asm-error', message: 'Invalid number of operands for lock', why: 'assembler error' },
  'invalid_lock2.data': { kind: 'asm-error', message: 'Invalid number of operands for lock', why: 'assembler error' },
};

/** Checks a negative file's outcome against its expectation; returns null when it holds, else why not. */
export function checkNegative(exp: NegativeExpectation, o: Outcome): string | null {
  switch (exp.kind) {
    case 'skip':
      return o.status === 'skip' ? null : `expected the runner to skip the file, got ${o.status}: ${o.reason}`;
    case 'mismatch':
      if (o.status !== 'fail') return `expected the runner to report a failure, got ${o.status}: ${o.reason}`;
      if (o.asmErrors || o.loadError) return `expected a run whose result mismatches, got: ${o.reason}`;
      if (exp.r0 !== undefined && o.r0 !== undefined && BigInt.asUintN(64, o.r0) !== exp.r0) return `expected r0 = ${hex64(exp.r0)}, got ${hex64(o.r0)}`;
      return null;
    case 'asm-error': {
      const m = o.asmErrors?.[0]?.message;
      if (m === undefined) return `expected the assembler error "${String(exp.message)}", got ${o.status}: ${o.reason}`;
      const ok = typeof exp.message === 'string' ? m === exp.message : exp.message.test(m);
      return ok ? null : `expected the assembler error "${String(exp.message)}", got "${m}"`;
    }
    case 'rejected':
      if (!o.loadError) return `expected a load-time rejection, got ${o.status}: ${o.reason}`;
      return o.loadError.kind === exp.loadError ? null : `expected a ${exp.loadError} rejection, got ${o.loadError.kind}: ${o.loadError.message}`;
  }
}
