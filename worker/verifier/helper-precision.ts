// Which scalars a helper call relies on exactly, so that precision.ts marks them precise after the call's
// checks pass, in the order the kernel's check_helper_call reaches them (kernel/bpf/verifier.c):
// - check_mem_size_reg: the size argument of an ARG_CONST_SIZE[_OR_ZERO] pair;
// - check_func_arg ARG_CONST_ALLOC_SIZE_OR_ZERO: the constant size of bpf_ringbuf_reserve;
// - get_constant_map_key: a constant key spilled on the stack for an array map (the lookup's NULL
//   elision relies on it);
// - record_func_key: bpf_tail_call's constant index in r3.
// It decides nothing about the call's validity; check.ts does that.

import { helperProto } from '../helpers/protos';
import type { MapDef } from '../isa/program';
import { isConst } from './bounds';
import { MAX_BPF_STACK, STACK_SPILL, STACK_ZERO, cur, type VState } from './state';
import { isSpilledScalarReg } from './prune';

export interface PrecisionMark {
  /** A register of the current frame, or -1 for a stack slot. */
  regno: number;
  frame: number;
  spi: number;
}

/** The marks to make once the call's arguments passed their checks (computed before the registers are clobbered). */
export function helperPrecisionPlan(st: VState, id: number, maps: readonly MapDef[], progType?: string): PrecisionMark[] {
  const proto = helperProto(id, progType);
  if (!proto) return [];
  const regs = cur(st).regs;
  const out: PrecisionMark[] = [];
  let mapIdx = -1;
  proto.args.forEach((at, a) => {
    const regno = a + 1;
    const reg = regs[regno];
    if (!reg) return;
    switch (at) {
      case 'ARG_CONST_MAP_PTR':
        if (reg.type === 'CONST_PTR_TO_MAP') mapIdx = reg.mapIdx;
        break;
      case 'ARG_CONST_SIZE':
      case 'ARG_CONST_SIZE_OR_ZERO':
      case 'ARG_CONST_ALLOC_SIZE_OR_ZERO':
        if (reg.type === 'SCALAR_VALUE') out.push({ regno, frame: 0, spi: 0 });
        break;
      case 'ARG_PTR_TO_MAP_KEY': {
        const m = maps[mapIdx];
        if (!m || (m.type !== 'array' && m.type !== 'percpu_array')) break;
        if (reg.type !== 'PTR_TO_STACK' || !isConst(reg.s)) break;
        const frame = st.frames[reg.frameno];
        if (!frame) break;
        const stackOff = reg.off + Number(BigInt.asIntN(64, reg.s.varOff.value));
        if (stackOff < -MAX_BPF_STACK || stackOff >= 0) break;
        const slot = -stackOff - 1;
        const spi = slot >> 3;
        const j0 = slot & 7;
        // slot_type[j] of slot spi is the byte at fp - 1 - 8*spi - j.
        const typeAt = (j: number): number => frame.slots[MAX_BPF_STACK - 1 - spi * 8 - j]!;
        let zero = 0;
        for (let j = j0; j >= 0 && typeAt(j) === STACK_ZERO; j--) zero++;
        if (zero >= m.keySize) break;
        if (!isSpilledScalarReg(frame, spi)) break;
        let spill = 0;
        for (let j = j0; j >= 0 && typeAt(j) === STACK_SPILL; j--) spill++;
        if (spill !== m.keySize) break;
        if (!isConst(frame.spills[spi]!.s)) break;
        out.push({ regno: -1, frame: reg.frameno, spi });
        break;
      }
      default:
        break;
    }
  });
  if (id === 12) {
    const m = maps[regs[2]?.mapIdx ?? -1];
    const r3 = regs[3];
    if (m && r3 && r3.type === 'SCALAR_VALUE' && isConst(r3.s) && r3.s.umin < BigInt(m.maxEntries)) out.push({ regno: 3, frame: 0, spi: 0 });
  }
  return out;
}
