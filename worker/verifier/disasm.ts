// One instruction in the kernel verifier log's format (kernel/bpf/disasm.c print_bpf_insn), e.g.
// `(61) r2 = *(u32 *)(r1 +76)`, `(2d) if r4 > r3 goto pc+2`, `(85) call bpf_map_lookup_elem#1`.
// This is not llvm-objdump's syntax (worker/asm prints that); it exists so our log reads like the kernel's.

import type { Insn } from '../isa/insn';
import { HELPER_NAMES } from '../helpers/ids.generated';

const ALU: Record<string, string> = {
  add: '+=', sub: '-=', mul: '*=', div: '/=', or: '|=', and: '&=', lsh: '<<=', rsh: '>>=', mod: '%=', xor: '^=', mov: '=',
  arsh: 's>>=', sdiv: 's/=', smod: 's%=',
};
const JMP: Record<string, string> = {
  jeq: '==', jgt: '>', jge: '>=', jset: '&', jne: '!=', jsgt: 's>', jsge: 's>=', jlt: '<', jle: '<=', jslt: 's<', jsle: 's<=',
};
const SZ: Record<number, string> = { 1: 'u8', 2: 'u16', 4: 'u32', 8: 'u64' };
const SSZ: Record<number, string> = { 1: 's8', 2: 's16', 4: 's32', 8: 's64' };

function hex(n: number): string {
  return '0x' + (n >>> 0).toString(16);
}
function off(o: number): string {
  return o < 0 ? `${o}` : `+${o}`;
}

export function helperFuncName(id: number): string {
  const n = HELPER_NAMES[id];
  return n ? `bpf_${n}` : 'unknown';
}

export function insnStr(i: Insn): string {
  const code = `(${i.row.opcode.toString(16).padStart(2, '0')})`;
  return `${code} ${body(i)}`;
}

function body(i: Insn): string {
  switch (i.kind) {
    case 'alu': {
      const r = i.is64 ? 'r' : 'w';
      if (i.op === 'neg') return `${r}${i.dst} = -${r}${i.dst}`;
      const op: string = i.op;
      if (op === 'movsx') return `${r}${i.dst} = (s${i.off})${r}${i.src}`;
      if (op === 'addr_space_cast') return `r${i.dst} = addr_space_cast(r${i.src}, ${i.imm >>> 16}, ${i.imm & 0xffff})`;
      const s = i.srcX ? `${r}${i.src}` : `${i.imm}`;
      return `${r}${i.dst} ${ALU[op] ?? op} ${s}`;
    }
    case 'endian':
      return `r${i.dst} = ${i.op === 'le' ? 'le' : i.op === 'be' ? 'be' : 'bswap'}${i.bits} r${i.dst}`;
    case 'jmp': {
      const r = i.is64 ? 'r' : 'w';
      const s = i.srcX ? `${r}${i.src}` : hex(i.imm);
      return `if ${r}${i.dst} ${JMP[i.cond] ?? i.cond} ${s} goto pc${off(i.off)}`;
    }
    case 'ja':
      return i.long ? `gotol pc${off(i.delta)}` : `goto pc${off(i.delta)}`;
    case 'may_goto':
      return `may_goto pc${off(i.off)}`;
    case 'call':
      if (i.callKind === 'local') return `call pc${off(i.imm)}`;
      if (i.callKind === 'kfunc') return `call kernel-function`;
      return `call ${helperFuncName(i.imm)}#${i.imm}`;
    case 'callx':
      return `call r${i.dst}`;
    case 'exit':
      return 'exit';
    case 'ldimm64':
      if (i.pseudo === 1) return `r${i.dst} = map[id:${i.imm}]`;
      if (i.pseudo === 2) return `r${i.dst} = map[id:${i.imm}][0]+${i.imm2}`;
      return `r${i.dst} = 0x${i.value.toString(16)}`;
    case 'ldx':
      return `r${i.dst} = *(${i.sx ? SSZ[i.size] : SZ[i.size]} *)(r${i.src} ${off(i.off)})`;
    case 'st':
      return `*(${SZ[i.size]} *)(r${i.dst} ${off(i.off)}) = ${i.imm}`;
    case 'stx':
      return `*(${SZ[i.size]} *)(r${i.dst} ${off(i.off)}) = r${i.src}`;
    case 'atomic': {
      const t = SZ[i.size];
      const op = i.op as string;
      const base = op.replace('fetch_', '');
      const sym: Record<string, string> = { add: '+=', or: '|=', and: '&=', xor: '^=' };
      if (op === 'xchg') return `r${i.src} = atomic${i.size === 8 ? '64' : ''}_xchg((${t} *)(r${i.dst} ${off(i.off)}), r${i.src})`;
      if (op === 'cmpxchg') return `r0 = atomic${i.size === 8 ? '64' : ''}_cmpxchg((${t} *)(r${i.dst} ${off(i.off)}), r0, r${i.src})`;
      if (op.startsWith('fetch_')) return `r${i.src} = atomic${i.size === 8 ? '64' : ''}_fetch_${base}((${t} *)(r${i.dst} ${off(i.off)}), r${i.src})`;
      if (op === 'load_acquire') return `r${i.dst} = load_acquire((${t} *)(r${i.src} ${off(i.off)}))`;
      if (op === 'store_release') return `store_release((${t} *)(r${i.dst} ${off(i.off)}), r${i.src})`;
      return `lock *(${t} *)(r${i.dst} ${off(i.off)}) ${sym[base] ?? base} r${i.src}`;
    }
    case 'ldpkt':
      return i.mode === 'abs' ? `r0 = *(${SZ[i.size]} *)skb[${i.imm}]` : `r0 = *(${SZ[i.size]} *)skb[r${i.src} + ${i.imm}]`;
  }
}
