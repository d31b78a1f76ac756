// Classic -> extended BPF, following the kernel's bpf_convert_filter() (net/core/filter.c):
// register mapping A -> r0, X -> r7, scratch TMP -> r2, CTX -> r6 (ARG1 r1 on entry); the prologue
// zeroing A and X and `r6 = r1` (the kernel's `w0 ^= w0; w7 ^= w7` becomes `w0 = 0; w7 = 0`, which the
// verifier accepts); M[k] on the stack at r10 - (4k + 4); `ret #k` -> `w0 = k; exit`;
// conditional jumps with the kernel's three shapes (jf == 0: one Jxx; jt == 0: the inverted JNE/JLE/JLT;
// otherwise Jxx + JA), negative immediates through `w2 = k`; div/mod by X guarded by
// `w7 = w7; if r7 != 0 goto +2; w0 ^= w0; exit`; ldxb 4*([k]&0xf) as the kernel's 7-instruction sequence.
//
// Where the kernel's output cannot be a loadable program, bpfplay says so and uses the UAPI form:
// - LD_ABS/LD_IND: the kernel inlines loads through skb->data / headlen cached in r8/r9 and internal
//   calls (bpf_skb_load_helper_*); we keep them as eBPF LD_ABS/LD_IND instructions (same semantics:
//   big-endian, out-of-packet -> return 0), which the verifier accepts for socket filters with ctx in r6.
// - ancillary loads read struct __sk_buff fields (protocol, pkt_type, ifindex, mark, queue_mapping,
//   hash, vlan_*) instead of internal struct sk_buff offsets; cpu and rand call the UAPI helpers
//   bpf_get_smp_processor_id / bpf_get_prandom_u32. hatype, poff, nla and nlan have no UAPI form:
//   they are reported as errors.
// - ALU with a constant source: the kernel leaves src_reg = X in the raw instruction; we write 0
//   (the eBPF encoding's reserved field), which runs the same.
// - unreachable classic instructions (which the classic checker allows) are not translated, because
//   the eBPF verifier rejects unreachable code; each gets a warning and an empty range in the map.
// Also returns a line-to-line map: classic pc -> the eBPF slots it became.

import { err, type Diagnostic } from '../util/diag';
import type { Slot } from '../isa/insn';
import type { Program } from '../isa/program';
import { ancillaryByK, cbpfRow, SKF_AD_OFF, type SockFilter } from './insn';

export interface ConvertResult {
  program: Program | null;
  /** classic pc -> [first eBPF slot, last eBPF slot]; last < first when it became nothing */
  map: [number, number][];
  /** eBPF slots of the prologue */
  prologue: number;
  diagnostics: Diagnostic[];
}

const R0 = 0, R1 = 1, R2 = 2, R6 = 6, R7 = 7, R10 = 10;
const A = R0, X = R7, TMP = R2, CTX = R6;
// eBPF opcodes
const ALU = 0x04, JMP = 0x05, ALU64 = 0x07, LDX = 0x01, STX = 0x03;
const BPF_X = 0x08, MOV = 0xb0, XOR = 0xa0, AND = 0x50, LSH = 0x60, JA = 0x00, JNE = 0x50, JLE = 0xb0, JLT = 0xa0, CALL = 0x80, EXIT = 0x90, END = 0xd0;
const MEM = 0x60, W = 0x00, H = 0x08, B = 0x10;
/** struct __sk_buff offsets (include/uapi/linux/bpf.h) */
const SKB = { len: 0, pkt_type: 4, mark: 8, queue_mapping: 12, protocol: 16, vlan_present: 20, vlan_tci: 24, vlan_proto: 28, ifindex: 40, hash: 68 };
const HELPER = { get_prandom_u32: 7, get_smp_processor_id: 8 };

const slot = (opcode: number, dst: number, src: number, off: number, imm: number): Slot => ({ opcode, dst, src, off, imm: imm | 0 });
const mov32Imm = (dst: number, imm: number): Slot => slot(ALU | MOV, dst, 0, 0, imm);
const mov64Reg = (dst: number, src: number): Slot => slot(ALU64 | MOV | BPF_X, dst, src, 0, 0);
const mov32Reg = (dst: number, src: number): Slot => slot(ALU | MOV | BPF_X, dst, src, 0, 0);
const alu32Reg = (op: number, dst: number, src: number): Slot => slot(ALU | op | BPF_X, dst, src, 0, 0);
const alu32Imm = (op: number, dst: number, imm: number): Slot => slot(ALU | op, dst, 0, 0, imm);
const ldxMem = (size: number, dst: number, src: number, off: number): Slot => slot(LDX | MEM | size, dst, src, off, 0);
const stxMem = (size: number, dst: number, src: number, off: number): Slot => slot(STX | MEM | size, dst, src, off, 0);
const exit = (): Slot => slot(JMP | EXIT, 0, 0, 0, 0);
const call = (id: number): Slot => slot(JMP | CALL, 0, 0, 0, id);
const be16 = (dst: number): Slot => slot(ALU | END | 0x08, dst, 0, 0, 16);

/** A jump whose offset is resolved once every classic instruction's position is known. */
interface Pending {
  at: number; // eBPF slot index
  target: number; // classic pc
}

export function convertClassic(fs: readonly SockFilter[], opts: { sourceLines?: number[] } = {}): ConvertResult {
  const diagnostics: Diagnostic[] = [];
  const out: Slot[] = [];
  const map: [number, number][] = [];
  const pend: Pending[] = [];
  const at = (pc: number, msg: string): void => void diagnostics.push(err(msg, { insn: pc }, 'cbpf.convert'));
  // prologue
  // The kernel zeroes A and X with `w0 ^= w0; w7 ^= w7` (it never runs the verifier on converted
  // programs); the eBPF verifier rejects reading uninitialised r0/r7, so bpfplay writes `w0 = 0; w7 = 0`.
  out.push(mov32Imm(A, 0), mov32Imm(X, 0), mov64Reg(CTX, R1));
  const prologue = out.length;
  const addrs: number[] = [];
  const reach = reachable(fs);
  for (let i = 0; i < fs.length; i++) {
    const fp = fs[i]!;
    addrs[i] = out.length;
    const start = out.length;
    if (!reach[i]) {
      diagnostics.push({ severity: 'warning', message: `insn ${i} is unreachable: not translated (the eBPF verifier rejects unreachable instructions)`, loc: { insn: i }, code: 'cbpf.unreachable' });
      map.push([start, start - 1]);
      continue;
    }
    const row = cbpfRow(fp.code);
    const k = fp.k >>> 0;
    if (!row || !row.kernel) {
      at(i, `insn ${i}: opcode 0x${fp.code.toString(16)} is not converted by the kernel (bpf_convert_filter rejects it)`);
      map.push([start, start]);
      continue;
    }
    const jumpTo = (target: number): void => {
      if (target >= fs.length || target < 0) at(i, `insn ${i}: jump target ${target} is outside the program`);
      pend.push({ at: out.length - 1, target });
    };
    switch (row.kind) {
      case 'alu':
        if (row.aluOp === 'neg') out.push(slot(ALU | 0x80, A, 0, 0, 0));
        else if (row.src === 'x') {
          if (row.aluOp === 'div' || row.aluOp === 'mod') out.push(mov32Reg(X, X), slot(JMP | JNE, X, 0, 2, 0), alu32Reg(XOR, A, A), exit());
          out.push(slot(fp.code, A, X, 0, 0));
        } else out.push(slot(fp.code, A, 0, 0, k));
        break;
      case 'ld':
        if (row.mode === 'ABS' && (k | 0) >= SKF_AD_OFF && (k | 0) < 0) {
          const anc = ancillaryByK(k);
          if (!anc) {
            at(i, `insn ${i}: unknown ancillary offset ${(k | 0) - SKF_AD_OFF}`);
            break;
          }
          switch (anc.kernelName) {
            case 'PROTOCOL': out.push(ldxMem(W, A, CTX, SKB.protocol), be16(A)); break;
            case 'PKTTYPE': out.push(ldxMem(W, A, CTX, SKB.pkt_type)); break;
            case 'IFINDEX': out.push(ldxMem(W, A, CTX, SKB.ifindex), slot(JMP | JNE, A, 0, 1, 0), exit()); break;
            case 'MARK': out.push(ldxMem(W, A, CTX, SKB.mark)); break;
            case 'QUEUE': out.push(ldxMem(W, A, CTX, SKB.queue_mapping)); break;
            case 'RXHASH': out.push(ldxMem(W, A, CTX, SKB.hash)); break;
            case 'VLAN_TAG': out.push(ldxMem(W, A, CTX, SKB.vlan_tci)); break;
            case 'VLAN_TAG_PRESENT': out.push(ldxMem(W, A, CTX, SKB.vlan_present)); break;
            case 'VLAN_TPID': out.push(ldxMem(W, A, CTX, SKB.vlan_proto), be16(A)); break;
            case 'ALU_XOR_X': out.push(alu32Reg(XOR, A, X)); break;
            case 'CPU': out.push(call(HELPER.get_smp_processor_id)); break;
            case 'RANDOM': out.push(call(HELPER.get_prandom_u32)); break;
            default:
              at(i, `insn ${i}: ${row.mnemonic} [SKF_AD_${anc.kernelName}] has no struct __sk_buff field or UAPI helper: the kernel calls an internal function here, which a loadable eBPF program cannot`);
          }
        } else if (row.mode === 'ABS') out.push(slot(fp.code, 0, 0, 0, k));
        else if (row.mode === 'IND') out.push(slot(fp.code, 0, X, 0, k));
        else if (row.mode === 'LEN') out.push(ldxMem(W, A, CTX, SKB.len));
        else if (row.mode === 'IMM') out.push(mov32Imm(A, k));
        else out.push(ldxMem(W, A, R10, -(k * 4 + 4)));
        break;
      case 'ldx':
        if (row.mode === 'LEN') out.push(ldxMem(W, X, CTX, SKB.len));
        else if (row.mode === 'IMM') out.push(mov32Imm(X, k));
        else if (row.mode === 'MEM') out.push(ldxMem(W, X, R10, -(k * 4 + 4)));
        else {
          // ldxb 4*([k]&0xf): X = A; A = [k]; A &= 0xf; A <<= 2; tmp = X; X = A; A = tmp
          out.push(mov64Reg(X, A), slot(0x30, 0, 0, 0, k), alu32Imm(AND, A, 0xf), alu32Imm(LSH, A, 2), mov64Reg(TMP, X), mov64Reg(X, A), mov64Reg(A, TMP));
        }
        break;
      case 'st':
      case 'stx':
        out.push(stxMem(W, R10, row.kind === 'st' ? A : X, -(k * 4 + 4)));
        break;
      case 'tax':
        out.push(mov64Reg(X, A));
        break;
      case 'txa':
        out.push(mov64Reg(A, X));
        break;
      case 'ret':
        if (row.src === 'k') out.push(mov32Imm(R0, k));
        out.push(exit());
        break;
      case 'ja':
        out.push(slot(JMP | JA, 0, 0, 0, 0));
        jumpTo(i + 1 + (k | 0));
        break;
      case 'jmp': {
        const op = fp.code & 0xf0;
        let src: number;
        let srcBit: number;
        let imm = 0;
        if (row.src === 'k' && (k | 0) < 0) {
          out.push(mov32Imm(TMP, k));
          src = TMP;
          srcBit = BPF_X;
        } else if (row.src === 'k') {
          src = 0;
          srcBit = 0;
          imm = k;
        } else {
          src = X;
          srcBit = BPF_X;
        }
        if (fp.jf === 0) {
          out.push(slot(JMP | op | srcBit, A, src, 0, imm));
          jumpTo(i + 1 + fp.jt);
        } else if (fp.jt === 0 && op !== 0x40) {
          const inv = op === 0x10 ? JNE : op === 0x20 ? JLE : JLT;
          out.push(slot(JMP | inv | srcBit, A, src, 0, imm));
          jumpTo(i + 1 + fp.jf);
        } else {
          out.push(slot(JMP | op | srcBit, A, src, 0, imm));
          jumpTo(i + 1 + fp.jt);
          out.push(slot(JMP | JA, 0, 0, 0, 0));
          jumpTo(i + 1 + fp.jf);
        }
        break;
      }
    }
    map.push([start, out.length - 1]);
  }
  for (const p of pend) {
    if (p.target < 0 || p.target >= fs.length) continue;
    const off = addrs[p.target]! - p.at - 1;
    if (off < -32768 || off > 32767) {
      at(map.findIndex(([a, b]) => p.at >= a && p.at <= b), 'jump offset does not fit in 16 bits');
      continue;
    }
    out[p.at] = { ...out[p.at]!, off };
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { program: null, map, prologue, diagnostics };
  const sourceMap = out.map((_, s) => {
    const pc = map.findIndex(([a, b]) => s >= a && s <= b);
    if (pc < 0) return null;
    return { line: opts.sourceLines?.[pc] ?? pc + 1, col: 1 };
  });
  const program: Program = { slots: out, maps: [], labels: {}, sourceMap, origin: 'cbpf', progType: 'socket_filter', license: 'GPL' };
  return { program, map, prologue, diagnostics };
}

/** Classic instructions reachable from pc 0 (jumps only go forward). */
export function reachable(fs: readonly SockFilter[]): boolean[] {
  const r = new Array<boolean>(fs.length).fill(false);
  if (fs.length) r[0] = true;
  for (let i = 0; i < fs.length; i++) {
    if (!r[i]) continue;
    const f = fs[i]!;
    const row = cbpfRow(f.code);
    const mark = (t: number): void => {
      if (t >= 0 && t < fs.length) r[t] = true;
    };
    if (!row) continue;
    if (row.kind === 'ret') continue;
    if (row.kind === 'ja') mark(i + 1 + (f.k | 0));
    else if (row.kind === 'jmp') {
      mark(i + 1 + f.jt);
      mark(i + 1 + f.jf);
    } else mark(i + 1);
  }
  return r;
}
