// Walks the one opcode table and proves that every row is handled by every part derived from it:
// both assemblers and the disassembler (text -> same bytes), the VM (executes it or stops with a
// clear fault, never an internal error) and the verifier (a verdict with the kernel's words, never an
// internal error). Each module has deeper tests of its own; this one catches a row someone forgot.
import { describe, expect, it } from 'vitest';
import { ISA, type IsaRow } from './opcodes';
import { decodeSlots, type Slot } from './insn';
import type { Program } from './program';
import { assembleLlvm } from '../asm/llvm/assemble';
import { assembleUbpf } from '../asm/ubpf/assemble';
import { formatInsnLlvm } from '../asm/disasm';
import { formatInsnUbpf } from '../asm/ubpf/format';
import { runRaw } from '../vm/raw';
import { verify } from '../verifier/index';

/** A slot of this row with plausible operands: registers 1 and 2, a small memory offset, imm 3. */
function sample(r: IsaRow): Slot[] {
  const s: Slot = {
    opcode: r.opcode,
    dst: r.dst === 'none' ? 0 : r.kind === 'st' || r.kind === 'stx' || (r.kind === 'atomic' && r.atomicOp !== 'load_acquire') ? 10 : 1,
    src: r.srcField === 'fixed' ? r.src! : r.srcField === 'reg' ? (r.kind === 'ldx' || r.atomicOp === 'load_acquire' ? 10 : 2) : 0,
    off: r.offField === 'fixed' ? r.off! : r.offField === 'zero' ? 0 : r.offField === 'jump' ? 0 : -8,
    imm: r.immField === 'fixed' ? r.imm! : r.immField === 'zero' ? 0 : r.immField === 'helper' ? 5 : r.immField === 'call' || r.immField === 'jump' ? 0 : 3,
  };
  if (r.kind === 'ldimm64') return [s, { opcode: 0, dst: 0, src: 0, off: 0, imm: 0 }];
  return [s];
}

/** exit-terminated program around the row's instruction with every register initialised. */
function program(r: IsaRow): Program {
  const init: Slot[] = [];
  for (const reg of [0, 1, 2, 3, 4, 5]) init.push({ opcode: 0xb7, dst: reg, src: 0, off: 0, imm: reg + 1 });
  init.push({ opcode: 0x7a, dst: 10, src: 0, off: -8, imm: 7 }); // *(u64 *)(r10 - 8) = 7
  const body = sample(r);
  const tail: Slot[] = [{ opcode: 0xb7, dst: 0, src: 0, off: 0, imm: 0 }, { opcode: 0x95, dst: 0, src: 0, off: 0, imm: 0 }];
  // bpf-to-bpf call / ld_imm64 of a function: point them at a tiny subprogram after the main exit.
  const slots = [...init, ...body, ...tail];
  if (r.id === 'call_local' || r.id === 'lddw_func') {
    const pc = init.length;
    slots[pc] = { ...slots[pc]!, imm: slots.length - pc - 1 };
    slots.push({ opcode: 0xb7, dst: 0, src: 0, off: 0, imm: 1 }, { opcode: 0x95, dst: 0, src: 0, off: 0, imm: 0 });
  }
  const maps = r.id.startsWith('lddw_map') ? [{ name: 'm', type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, flags: 0 }] : [];
  return { slots, maps, labels: {}, origin: 'bytes' };
}


describe('every ISA row is handled everywhere', () => {
  it.each(ISA.map((r) => [r.id, r] as const))('%s: LLVM text round trip', (_id, r) => {
    const p = program(r);
    const insn = decodeSlots(p.slots).insns[7]!;
    const text = formatInsnLlvm(insn, p);
    const mapDirective = p.maps.length ? '.map m array key=4 value=8 entries=1\n' : '';
    const asm = assembleLlvm(`${mapDirective}${text}\n`);
    expect(asm.diagnostics.filter((d) => d.severity === 'error'), text).toEqual([]);
    expect(asm.program!.slots.slice(0, r.kind === 'ldimm64' ? 2 : 1), text).toEqual(p.slots.slice(7, 7 + (r.kind === 'ldimm64' ? 2 : 1)));
  });
  it.each(ISA.filter((r) => r.ubpf !== null && r.id !== 'call_kfunc').map((r) => [r.id, r] as const))('%s: ubpf text round trip', (_id, r) => {
    const p = program(r);
    const insn = decodeSlots(p.slots).insns[7]!;
    const text = formatInsnUbpf(insn, p);
    const asm = assembleUbpf(`${p.maps.length ? '.map m array key=4 value=8 entries=1\n' : ''}${text}\n`);
    expect(asm.diagnostics.filter((d) => d.severity === 'error'), text).toEqual([]);
    expect(asm.program!.slots.slice(0, r.kind === 'ldimm64' ? 2 : 1), text).toEqual(p.slots.slice(7, 7 + (r.kind === 'ldimm64' ? 2 : 1)));
  });
  it.each(ISA.map((r) => [r.id, r] as const))('%s: the VM runs it or faults clearly', (_id, r) => {
    const res = runRaw(program(r), { mem: new Uint8Array(64), maxInsns: 10_000 });
    if (res.fault) expect(res.fault.message).not.toMatch(/internal|bug|not implemented|unsupported instruction/i);
    else expect(typeof res.r0).toBe('bigint');
  });
  it.each(ISA.map((r) => [r.id, r] as const))('%s: the verifier gives a verdict', (_id, r) => {
    const rep = verify(program(r), { progType: 'socket_filter', statesPerInsn: 0 });
    if (!rep.accepted) expect(rep.error!.message).not.toMatch(/internal error/i);
    expect(rep.processed).toBeGreaterThanOrEqual(0);
  });
});
