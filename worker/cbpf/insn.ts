// Classic BPF instructions (struct sock_filter: u16 code, u8 jt, u8 jf, u32 k): the one table of
// legal classic opcodes, decoding into a closed union and encoding back, and the ancillary-load
// offsets of include/uapi/linux/filter.h (SKF_AD_*, SKF_NET_OFF, SKF_LL_OFF).
//
// It does not check whole programs (worker/cbpf/check.ts follows bpf_check_classic()) nor run them
// (worker/cbpf/interp.ts). The opcode list is the kernel's: net/core/filter.c chk_code_allowed()'s
// codes[] plus BPF_RET|BPF_X, which bpf_asm can emit and libpcap's bpf_filter() runs but the kernel
// rejects (marked kernel: false).
//
//  code (16 bits, only the low 8 used):
//   load/store classes:  | mode (3) | size (2) | class (3) |
//   ALU/JMP classes:     | op (4)   | src (1)  | class (3) |
//   RET:                 | .. | rval (2: K=0x00, X=0x08, A=0x10) | class |
//   MISC:                | miscop (TAX=0x00, TXA=0x80) | class |

export const BPF_CLASS = { LD: 0x00, LDX: 0x01, ST: 0x02, STX: 0x03, ALU: 0x04, JMP: 0x05, RET: 0x06, MISC: 0x07 } as const;
export const BPF_SIZE = { W: 0x00, H: 0x08, B: 0x10 } as const;
export const BPF_MODE = { IMM: 0x00, ABS: 0x20, IND: 0x40, MEM: 0x60, LEN: 0x80, MSH: 0xa0 } as const;
export const BPF_ALUOP = {
  ADD: 0x00, SUB: 0x10, MUL: 0x20, DIV: 0x30, OR: 0x40, AND: 0x50, LSH: 0x60, RSH: 0x70, NEG: 0x80, MOD: 0x90, XOR: 0xa0,
} as const;
export const BPF_JMPOP = { JA: 0x00, JEQ: 0x10, JGT: 0x20, JGE: 0x30, JSET: 0x40 } as const;
export const BPF_SRC = { K: 0x00, X: 0x08 } as const;
export const BPF_RVAL = { K: 0x00, X: 0x08, A: 0x10 } as const;
export const BPF_MISCOP = { TAX: 0x00, TXA: 0x80 } as const;
/** Scratch memory words M[0..15] (BPF_MEMWORDS). */
export const BPF_MEMWORDS = 16;
/** Program length limit (BPF_MAXINSNS). */
export const BPF_MAXINSNS = 4096;

/** Ancillary data: loads at SKF_AD_OFF + n read attach-point metadata instead of packet bytes. */
export const SKF_AD_OFF = -0x1000;
export const SKF_NET_OFF = -0x100000;
export const SKF_LL_OFF = -0x200000;

export interface Ancillary {
  /** SKF_AD_<kernelName> */
  kernelName: string;
  /** offset n (the load's k is SKF_AD_OFF + n) */
  off: number;
  /** bpf_asm extension name (tools/bpf/bpf_exp.l), null when bpf_asm has none */
  asm: string | null;
  /** bpf_asm's other names for it */
  asmAliases: string[];
  /** libpcap's bpf_image() name: `ld [proto]` */
  pcap: string;
  doc: string;
}

export const ANCILLARY: readonly Ancillary[] = [
  { kernelName: 'PROTOCOL', off: 0, asm: 'proto', asmAliases: [], pcap: 'proto', doc: 'skb->protocol (network byte order value, e.g. 0x0800)' },
  { kernelName: 'PKTTYPE', off: 4, asm: 'type', asmAliases: [], pcap: 'type', doc: 'skb->pkt_type (PACKET_HOST=0, BROADCAST=1, MULTICAST=2, OTHERHOST=3, OUTGOING=4)' },
  { kernelName: 'IFINDEX', off: 8, asm: 'ifidx', asmAliases: [], pcap: 'ifidx', doc: 'skb->dev->ifindex' },
  { kernelName: 'NLATTR', off: 12, asm: 'nla', asmAliases: [], pcap: 'nla', doc: 'offset of netlink attribute of type X in the payload from offset A (0 if none)' },
  { kernelName: 'NLATTR_NEST', off: 16, asm: 'nlan', asmAliases: [], pcap: 'nlan', doc: 'nested netlink attribute lookup (__nla_find inside the attribute at A)' },
  { kernelName: 'MARK', off: 20, asm: 'mark', asmAliases: [], pcap: 'mark', doc: 'skb->mark' },
  { kernelName: 'QUEUE', off: 24, asm: 'queue', asmAliases: [], pcap: 'queue', doc: 'skb->queue_mapping' },
  { kernelName: 'HATYPE', off: 28, asm: 'hatype', asmAliases: [], pcap: 'hatype', doc: 'skb->dev->type (ARPHRD_*)' },
  { kernelName: 'RXHASH', off: 32, asm: 'rxhash', asmAliases: [], pcap: 'rxhash', doc: 'skb->hash' },
  { kernelName: 'CPU', off: 36, asm: 'cpu', asmAliases: [], pcap: 'cpu', doc: 'raw_smp_processor_id()' },
  { kernelName: 'ALU_XOR_X', off: 40, asm: null, asmAliases: [], pcap: 'xor_x', doc: 'A ^= X (an ALU operation in load form)' },
  { kernelName: 'VLAN_TAG', off: 44, asm: 'vlan_tci', asmAliases: [], pcap: 'vlan_tci', doc: 'skb_vlan_tag_get(skb): the accelerated VLAN TCI' },
  { kernelName: 'VLAN_TAG_PRESENT', off: 48, asm: 'vlan_avail', asmAliases: ['vlan_pr'], pcap: 'vlanp', doc: 'skb_vlan_tag_present(skb): 1 if an accelerated VLAN tag is present' },
  { kernelName: 'PAY_OFFSET', off: 52, asm: 'poff', asmAliases: [], pcap: 'poff', doc: 'payload offset after the flow-dissected transport header' },
  { kernelName: 'RANDOM', off: 56, asm: 'rand', asmAliases: [], pcap: 'random', doc: 'get_random_u32()' },
  { kernelName: 'VLAN_TPID', off: 60, asm: 'vlan_tpid', asmAliases: [], pcap: 'vlan_tpid', doc: 'skb->vlan_proto' },
];
/** SKF_AD_MAX: first offset past the last ancillary field. */
export const SKF_AD_MAX = 64;

export function ancillaryByK(k: number): Ancillary | undefined {
  const off = (k | 0) - SKF_AD_OFF;
  return ANCILLARY.find((a) => a.off === off);
}

export interface SockFilter {
  code: number; // u16
  jt: number; // u8
  jf: number; // u8
  k: number; // u32 (stored as unsigned)
}

export type CbpfKind = 'ld' | 'ldx' | 'st' | 'stx' | 'alu' | 'jmp' | 'ja' | 'ret' | 'tax' | 'txa';

/** One row per legal classic opcode. */
export interface CbpfRow {
  readonly code: number;
  readonly kind: CbpfKind;
  /** libpcap / bpf_asm mnemonic */
  readonly mnemonic: string;
  readonly mode?: keyof typeof BPF_MODE;
  readonly size?: 1 | 2 | 4;
  readonly aluOp?: Lowercase<keyof typeof BPF_ALUOP>;
  readonly jmpOp?: 'jeq' | 'jgt' | 'jge' | 'jset';
  /** ALU/JMP operand source, RET value source */
  readonly src?: 'k' | 'x' | 'a';
  /** accepted by the kernel's bpf_check_classic() */
  readonly kernel: boolean;
  readonly doc: string;
}

const rows: CbpfRow[] = [];
const sizeName = { 4: 'W', 2: 'H', 1: 'B' } as const;
for (const size of [4, 2, 1] as const) {
  const sz = BPF_SIZE[sizeName[size]];
  const mn = size === 4 ? 'ld' : size === 2 ? 'ldh' : 'ldb';
  rows.push({ code: BPF_CLASS.LD | sz | BPF_MODE.ABS, kind: 'ld', mnemonic: mn, mode: 'ABS', size, kernel: true, doc: `A = ${size * 8}-bit big-endian load from packet[k] (or ancillary data for k >= SKF_AD_OFF)` });
  rows.push({ code: BPF_CLASS.LD | sz | BPF_MODE.IND, kind: 'ld', mnemonic: mn, mode: 'IND', size, kernel: true, doc: `A = ${size * 8}-bit big-endian load from packet[X + k]` });
}
rows.push({ code: BPF_CLASS.LD | BPF_SIZE.W | BPF_MODE.LEN, kind: 'ld', mnemonic: 'ld', mode: 'LEN', size: 4, kernel: true, doc: 'A = packet length (skb->len)' });
rows.push({ code: BPF_CLASS.LD | BPF_MODE.IMM, kind: 'ld', mnemonic: 'ld', mode: 'IMM', size: 4, kernel: true, doc: 'A = k' });
rows.push({ code: BPF_CLASS.LD | BPF_MODE.MEM, kind: 'ld', mnemonic: 'ld', mode: 'MEM', size: 4, kernel: true, doc: 'A = M[k]' });
rows.push({ code: BPF_CLASS.LDX | BPF_MODE.IMM, kind: 'ldx', mnemonic: 'ldx', mode: 'IMM', size: 4, kernel: true, doc: 'X = k' });
rows.push({ code: BPF_CLASS.LDX | BPF_MODE.MEM, kind: 'ldx', mnemonic: 'ldx', mode: 'MEM', size: 4, kernel: true, doc: 'X = M[k]' });
rows.push({ code: BPF_CLASS.LDX | BPF_SIZE.W | BPF_MODE.LEN, kind: 'ldx', mnemonic: 'ldx', mode: 'LEN', size: 4, kernel: true, doc: 'X = packet length' });
rows.push({ code: BPF_CLASS.LDX | BPF_SIZE.B | BPF_MODE.MSH, kind: 'ldx', mnemonic: 'ldxb', mode: 'MSH', size: 1, kernel: true, doc: 'X = 4 * (packet[k] & 0xf): the IPv4 header length' });
rows.push({ code: BPF_CLASS.ST, kind: 'st', mnemonic: 'st', kernel: true, doc: 'M[k] = A' });
rows.push({ code: BPF_CLASS.STX, kind: 'stx', mnemonic: 'stx', kernel: true, doc: 'M[k] = X' });
for (const [name, op] of Object.entries(BPF_ALUOP) as [keyof typeof BPF_ALUOP, number][]) {
  const lower = name.toLowerCase() as Lowercase<keyof typeof BPF_ALUOP>;
  if (name === 'NEG') {
    rows.push({ code: BPF_CLASS.ALU | op, kind: 'alu', mnemonic: 'neg', aluOp: lower, kernel: true, doc: 'A = -A' });
    continue;
  }
  const sym = { add: '+', sub: '-', mul: '*', div: '/', or: '|', and: '&', lsh: '<<', rsh: '>>', mod: '%', xor: '^', neg: '' }[lower];
  rows.push({ code: BPF_CLASS.ALU | op | BPF_SRC.K, kind: 'alu', mnemonic: lower, aluOp: lower, src: 'k', kernel: true, doc: `A = A ${sym} k (unsigned 32-bit)` });
  rows.push({ code: BPF_CLASS.ALU | op | BPF_SRC.X, kind: 'alu', mnemonic: lower, aluOp: lower, src: 'x', kernel: true, doc: `A = A ${sym} X (unsigned 32-bit${lower === 'div' || lower === 'mod' ? '; X == 0 ends the filter returning 0' : ''})` });
}
rows.push({ code: BPF_CLASS.JMP | BPF_JMPOP.JA, kind: 'ja', mnemonic: 'ja', kernel: true, doc: 'pc += k (always forward)' });
for (const op of ['jeq', 'jgt', 'jge', 'jset'] as const) {
  const c = BPF_JMPOP[op.toUpperCase() as 'JEQ'];
  const test = { jeq: 'A == %', jgt: 'A > %', jge: 'A >= %', jset: 'A & %' }[op];
  rows.push({ code: BPF_CLASS.JMP | c | BPF_SRC.K, kind: 'jmp', mnemonic: op, jmpOp: op, src: 'k', kernel: true, doc: `pc += (${test.replace('%', 'k')}) ? jt : jf` });
  rows.push({ code: BPF_CLASS.JMP | c | BPF_SRC.X, kind: 'jmp', mnemonic: op, jmpOp: op, src: 'x', kernel: true, doc: `pc += (${test.replace('%', 'X')}) ? jt : jf` });
}
rows.push({ code: BPF_CLASS.RET | BPF_RVAL.K, kind: 'ret', mnemonic: 'ret', src: 'k', kernel: true, doc: 'return k' });
rows.push({ code: BPF_CLASS.RET | BPF_RVAL.A, kind: 'ret', mnemonic: 'ret', src: 'a', kernel: true, doc: 'return A' });
rows.push({ code: BPF_CLASS.RET | BPF_RVAL.X, kind: 'ret', mnemonic: 'ret', src: 'x', kernel: false, doc: 'return X (bpf_asm and libpcap accept it; the kernel rejects it)' });
rows.push({ code: BPF_CLASS.MISC | BPF_MISCOP.TAX, kind: 'tax', mnemonic: 'tax', kernel: true, doc: 'X = A' });
rows.push({ code: BPF_CLASS.MISC | BPF_MISCOP.TXA, kind: 'txa', mnemonic: 'txa', kernel: true, doc: 'A = X' });

/** THE classic opcode table. */
export const CBPF_ISA: readonly CbpfRow[] = rows;
const byCode = new Map<number, CbpfRow>(rows.map((r) => [r.code, r]));

export function cbpfRow(code: number): CbpfRow | undefined {
  return byCode.get(code);
}

/** A decoded instruction: the raw fields plus its table row. */
export interface CbpfInsn extends SockFilter {
  pc: number;
  row: CbpfRow;
}

export type CbpfDecode = { insn: CbpfInsn } | { error: string };

export function decodeCbpf(f: SockFilter, pc: number): CbpfDecode {
  const row = byCode.get(f.code);
  if (!row) return { error: `unknown classic opcode 0x${f.code.toString(16)}` };
  return { insn: { ...f, k: f.k >>> 0, pc, row } };
}

export function isCondJump(code: number): boolean {
  return (code & 0x07) === BPF_CLASS.JMP && (code & 0xf0) !== BPF_JMPOP.JA;
}

export const SOCK_FILTER_SIZE = 8;

/** Raw struct sock_filter bytes in host order (little-endian here, as on x86 and arm64). */
export function filtersToBytes(fs: readonly SockFilter[], littleEndian = true): Uint8Array {
  const out = new Uint8Array(fs.length * SOCK_FILTER_SIZE);
  const dv = new DataView(out.buffer);
  fs.forEach((f, i) => {
    const o = i * SOCK_FILTER_SIZE;
    dv.setUint16(o, f.code, littleEndian);
    dv.setUint8(o + 2, f.jt);
    dv.setUint8(o + 3, f.jf);
    dv.setUint32(o + 4, f.k >>> 0, littleEndian);
  });
  return out;
}

export function bytesToFilters(bytes: Uint8Array, littleEndian = true): SockFilter[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: SockFilter[] = [];
  for (let o = 0; o + SOCK_FILTER_SIZE <= bytes.length; o += SOCK_FILTER_SIZE)
    out.push({ code: dv.getUint16(o, littleEndian), jt: dv.getUint8(o + 2), jf: dv.getUint8(o + 3), k: dv.getUint32(o + 4, littleEndian) });
  return out;
}

/** Builds an instruction (the BPF_STMT / BPF_JUMP macros). */
export function stmt(code: number, k: number): SockFilter {
  return { code, jt: 0, jf: 0, k: k >>> 0 };
}
export function jump(code: number, k: number, jt: number, jf: number): SockFilter {
  return { code, jt, jf, k: k >>> 0 };
}
