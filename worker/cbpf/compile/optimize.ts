// libpcap's optimizer and linearizer (optimize.c, libpcap 1.10), re-expressed: levels, dominators,
// edge dominators, use/def sets, value numbering with constant folding (opt_stmt, fold_op), the
// peephole rules (opt_peep), dead stores, jump threading over dominating edges (opt_j/fold_edge),
// or_pullup/and_pullup, the two opt_loop phases, intern_blocks and opt_root; then icode_to_fcode's
// depth-first layout with long-jump insertion. The block order of every walk matches libpcap's, so
// the same expression gives the same instruction listing.

import { newBlock, NOP, type Block, type Edge, type Stmt } from './gencode';
import type { SockFilter } from '../insn';

const A_ATOM = 16;
const X_ATOM = 17;
const AX_ATOM = 18;
const N_ATOMS = 18;
const cls = (c: number): number => c & 7;
const LD = 0, LDX = 1, ST = 2, STX = 3, ALU = 4, JMP = 5, RET = 6, MISC = 7;
const mode = (c: number): number => c & 0xe0;
const IMM = 0, ABS = 0x20, IND = 0x40, MEM = 0x60, LEN = 0x80, MSH = 0xa0;
const op = (c: number): number => c & 0xf0;
const srcX = (c: number): boolean => (c & 0x08) !== 0;
const ADD = 0, SUB = 0x10, MUL = 0x20, DIV = 0x30, OR = 0x40, AND = 0x50, LSH = 0x60, RSH = 0x70, NEG = 0x80, MOD = 0x90, XOR = 0xa0;
const JEQ = 0x10, JGT = 0x20, JGE = 0x30, JSET = 0x40;
const TAX = 0, TXA = 0x80;
const JT = (b: Block): Block | null => b.et.succ;
const JF = (b: Block): Block | null => b.ef.succ;
const u32 = (x: number): number => x >>> 0;

export class OptError extends Error {}

function atomuse(s: Stmt): number {
  const c = s.code;
  if (c === NOP) return -1;
  switch (cls(c)) {
    case RET: return (c & 0x18) === 0x10 ? A_ATOM : (c & 0x18) === 0x08 ? X_ATOM : -1;
    case LD: case LDX: return mode(c) === IND ? X_ATOM : mode(c) === MEM ? s.k : -1;
    case ST: return A_ATOM;
    case STX: return X_ATOM;
    case JMP: case ALU: return srcX(c) ? AX_ATOM : A_ATOM;
    case MISC: return (c & 0xf8) === TXA ? X_ATOM : A_ATOM;
  }
  return -1;
}
function atomdef(s: Stmt): number {
  if (s.code === NOP) return -1;
  switch (cls(s.code)) {
    case LD: case ALU: return A_ATOM;
    case LDX: return X_ATOM;
    case ST: case STX: return s.k;
    case MISC: return (s.code & 0xf8) === TAX ? X_ATOM : A_ATOM;
  }
  return -1;
}
const has = (set: number, a: number): boolean => ((set >>> a) & 1) === 1;
const bit = (a: number): number => 1 << a;

class Opt {
  blocks: Block[] = [];
  edges: Edge[] = [];
  levels: (Block | null)[] = [];
  nodewords = 0;
  edgewords = 0;
  done = false;
  nbm = false; // non_branch_movement_performed
  curval = 0;
  vmap: { isConst: boolean; c: number }[] = [];
  vtable = new Map<string, number>();
  markGen = 1;

  constructor(public root: Block) {
    this.unMarkAll();
    this.number(root);
    const n = this.blocks.length;
    this.edgewords = Math.floor((2 * n) / 32) + 1;
    this.nodewords = Math.floor(n / 32) + 1;
    this.blocks.forEach((b, i) => {
      b.dom = new Uint32Array(this.nodewords);
      b.closure = new Uint32Array(this.nodewords);
      b.et.edom = new Uint32Array(this.edgewords);
      b.ef.edom = new Uint32Array(this.edgewords);
      b.et.id = i;
      b.ef.id = n + i;
      this.edges[i] = b.et;
      this.edges[n + i] = b.ef;
      b.et.pred = b;
      b.ef.pred = b;
    });
  }
  unMarkAll(): void {
    this.markGen++;
  }
  isMarked(b: Block): boolean {
    return b.mark === this.markGen;
  }
  mark(b: Block): void {
    b.mark = this.markGen;
  }
  number(p: Block | null): void {
    if (!p || this.isMarked(p)) return;
    this.mark(p);
    p.id = this.blocks.length;
    this.blocks.push(p);
    this.number(JT(p));
    this.number(JF(p));
  }

  findLevels(): void {
    this.levels = new Array<Block | null>(this.blocks.length).fill(null);
    this.unMarkAll();
    const r = (b: Block): void => {
      if (this.isMarked(b)) return;
      this.mark(b);
      b.link = null;
      let level: number;
      if (JT(b)) {
        r(JT(b)!);
        r(JF(b)!);
        level = Math.max(JT(b)!.level, JF(b)!.level) + 1;
      } else level = 0;
      b.level = level;
      b.link = this.levels[level]!;
      this.levels[level] = b;
    };
    r(this.root);
  }
  *levelBlocks(from: number, to: number, step: number): Generator<Block> {
    for (let l = from; step < 0 ? l >= to : l <= to; l += step) for (let b = this.levels[l] ?? null; b; b = b.link) yield b;
  }
  findDom(): void {
    for (const b of this.blocks) b.dom.fill(0xffffffff);
    this.root.dom.fill(0);
    for (const b of this.levelBlocks(this.root.level, 0, -1)) {
      b.dom[b.id >> 5] = b.dom[b.id >> 5]! | (1 << (b.id & 31));
      if (!JT(b)) continue;
      for (let i = 0; i < this.nodewords; i++) {
        JT(b)!.dom[i]! &= b.dom[i]!;
        JF(b)!.dom[i]! &= b.dom[i]!;
      }
    }
  }
  propedom(ep: Edge): void {
    ep.edom[ep.id >> 5] = ep.edom[ep.id >> 5]! | (1 << (ep.id & 31));
    if (ep.succ) {
      for (let i = 0; i < this.edgewords; i++) {
        ep.succ.et.edom[i]! &= ep.edom[i]!;
        ep.succ.ef.edom[i]! &= ep.edom[i]!;
      }
    }
  }
  findEdom(): void {
    for (const e of this.edges) e.edom.fill(0xffffffff);
    this.root.et.edom.fill(0);
    this.root.ef.edom.fill(0);
    for (const b of this.levelBlocks(this.root.level, 0, -1)) {
      this.propedom(b.et);
      this.propedom(b.ef);
    }
  }
  findClosure(): void {
    for (const b of this.blocks) b.closure.fill(0);
    for (const b of this.levelBlocks(this.root.level, 0, -1)) {
      b.closure[b.id >> 5] = b.closure[b.id >> 5]! | (1 << (b.id & 31));
      if (!JT(b)) continue;
      for (let i = 0; i < this.nodewords; i++) {
        JT(b)!.closure[i]! |= b.closure[i]!;
        JF(b)!.closure[i]! |= b.closure[i]!;
      }
    }
  }
  computeLocalUd(b: Block): void {
    let def = 0, use = 0, killed = 0;
    const useAtom = (atom: number): void => {
      if (atom < 0) return;
      if (atom === AX_ATOM) {
        if (!has(def, X_ATOM)) use |= bit(X_ATOM);
        if (!has(def, A_ATOM)) use |= bit(A_ATOM);
      } else if (atom < N_ATOMS) {
        if (!has(def, atom)) use |= bit(atom);
      }
    };
    for (const s of b.stmts) {
      if (s.code === NOP) continue;
      useAtom(atomuse(s));
      const d = atomdef(s);
      if (d >= 0) {
        if (!has(use, d)) killed |= bit(d);
        def |= bit(d);
      }
    }
    if (cls(b.s.code) === JMP) useAtom(atomuse(b.s));
    b.def = def;
    b.kill = killed;
    b.inUse = use;
  }
  findUd(): void {
    const maxlevel = this.root.level;
    for (const p of this.levelBlocks(maxlevel, 0, -1)) {
      this.computeLocalUd(p);
      p.outUse = 0;
    }
    for (const p of this.levelBlocks(1, maxlevel, 1)) {
      p.outUse |= JT(p)!.inUse | JF(p)!.inUse;
      p.inUse |= p.outUse & ~p.kill;
    }
  }

  // ---- value numbering ----
  initVal(): void {
    this.curval = 0;
    this.vmap = [{ isConst: false, c: 0 }];
    this.vtable.clear();
  }
  F(code: number, v0: number, v1: number): number {
    const key = `${code},${u32(v0)},${u32(v1)}`;
    const found = this.vtable.get(key);
    if (found !== undefined) return found;
    const val = ++this.curval;
    this.vmap[val] = mode(code) === IMM && (cls(code) === LD || cls(code) === LDX) ? { isConst: true, c: u32(v0) } : { isConst: false, c: 0 };
    this.vtable.set(key, val);
    return val;
  }
  K(i: number): number {
    return this.F(LD | IMM, u32(i), 0);
  }
  isConst(v: number): boolean {
    return this.vmap[v]?.isConst ?? false;
  }
  cval(v: number): number {
    return this.vmap[v]!.c;
  }
  changed(): void {
    this.nbm = true;
    this.done = false;
  }
  vstore(s: Stmt, val: number[], idx: number, newval: number, alter: boolean): void {
    if (alter && newval !== 0 && val[idx] === newval) s.code = NOP;
    else val[idx] = newval;
  }
  foldOp(s: Stmt, v0: number, v1: number): void {
    let a = this.cval(v0);
    const b = this.cval(v1);
    switch (op(s.code)) {
      case ADD: a = u32(a + b); break;
      case SUB: a = u32(a - b); break;
      case MUL: a = u32(Math.imul(a, b)); break;
      case DIV: if (b === 0) throw new OptError('division by zero'); a = u32(Math.floor(a / b)); break;
      case MOD: if (b === 0) throw new OptError('modulus by zero'); a = u32(a % b); break;
      case AND: a = u32(a & b); break;
      case OR: a = u32(a | b); break;
      case XOR: a = u32(a ^ b); break;
      case LSH: a = b < 32 ? u32(a << b) : 0; break;
      case RSH: a = b < 32 ? a >>> b : 0; break;
    }
    s.k = a;
    s.code = LD | IMM;
    this.changed();
  }
  optStmt(s: Stmt, val: number[], alter: boolean): void {
    const c = s.code;
    if (c === NOP) return;
    if (cls(c) === LD && mode(c) === ABS) {
      this.vstore(s, val, A_ATOM, this.F(c, s.k, 0), alter);
    } else if (cls(c) === LD && mode(c) === IND) {
      let v = val[X_ATOM]!;
      if (alter && this.isConst(v)) {
        s.code = LD | ABS | (c & 0x18);
        s.k = u32(s.k + this.cval(v));
        v = this.F(s.code, s.k, 0);
        this.changed();
      } else v = this.F(c, s.k, v);
      this.vstore(s, val, A_ATOM, v, alter);
    } else if (c === (LD | LEN)) {
      this.vstore(s, val, A_ATOM, this.F(c, 0, 0), alter);
    } else if (c === (LD | IMM)) {
      this.vstore(s, val, A_ATOM, this.K(s.k), alter);
    } else if (c === (LDX | IMM)) {
      this.vstore(s, val, X_ATOM, this.K(s.k), alter);
    } else if (c === (LDX | MSH | 0x10)) {
      this.vstore(s, val, X_ATOM, this.F(c, s.k, 0), alter);
    } else if (c === (ALU | NEG)) {
      if (alter && this.isConst(val[A_ATOM]!)) {
        s.code = LD | IMM;
        s.k = u32(-this.cval(val[A_ATOM]!));
        val[A_ATOM] = this.K(s.k);
      } else val[A_ATOM] = this.F(c, val[A_ATOM]!, 0);
    } else if (cls(c) === ALU && !srcX(c)) {
      const o = op(c);
      if (alter) {
        if (s.k === 0) {
          if (o === ADD || o === LSH || o === RSH || o === OR || o === XOR) {
            s.code = NOP;
            return;
          }
          if (o === MUL || o === AND) {
            s.code = LD | IMM;
            val[A_ATOM] = this.K(s.k);
            return;
          }
          if (o === DIV) throw new OptError('division by zero');
          if (o === MOD) throw new OptError('modulus by zero');
        }
        if (this.isConst(val[A_ATOM]!)) {
          this.foldOp(s, val[A_ATOM]!, this.K(s.k));
          val[A_ATOM] = this.K(s.k);
          return;
        }
      }
      val[A_ATOM] = this.F(c, val[A_ATOM]!, this.K(s.k));
    } else if (cls(c) === ALU && srcX(c)) {
      const o = op(c);
      if (alter && this.isConst(val[X_ATOM]!)) {
        if (this.isConst(val[A_ATOM]!)) {
          this.foldOp(s, val[A_ATOM]!, val[X_ATOM]!);
          val[A_ATOM] = this.K(s.k);
        } else {
          s.code = ALU | o;
          s.k = this.cval(val[X_ATOM]!);
          if ((o === LSH || o === RSH) && s.k > 31) throw new OptError('shift by more than 31 bits');
          this.changed();
          val[A_ATOM] = this.F(s.code, val[A_ATOM]!, this.K(s.k));
        }
        return;
      }
      if (alter && this.isConst(val[A_ATOM]!) && this.cval(val[A_ATOM]!) === 0) {
        if (o === ADD || o === OR || o === XOR) {
          s.code = MISC | TXA;
          this.vstore(s, val, A_ATOM, val[X_ATOM]!, alter);
          return;
        } else if (o === MUL || o === DIV || o === MOD || o === AND || o === LSH || o === RSH) {
          s.code = LD | IMM;
          s.k = 0;
          this.vstore(s, val, A_ATOM, this.K(s.k), alter);
          return;
        } else if (o === NEG) {
          s.code = NOP;
          return;
        }
      }
      val[A_ATOM] = this.F(c, val[A_ATOM]!, val[X_ATOM]!);
    } else if (c === (MISC | TXA)) {
      this.vstore(s, val, A_ATOM, val[X_ATOM]!, alter);
    } else if (c === (LD | MEM)) {
      const v = val[s.k]!;
      if (alter && this.isConst(v)) {
        s.code = LD | IMM;
        s.k = this.cval(v);
        this.changed();
      }
      this.vstore(s, val, A_ATOM, v, alter);
    } else if (c === (MISC | TAX)) {
      this.vstore(s, val, X_ATOM, val[A_ATOM]!, alter);
    } else if (c === (LDX | MEM)) {
      const v = val[s.k]!;
      if (alter && this.isConst(v)) {
        s.code = LDX | IMM;
        s.k = this.cval(v);
        this.changed();
      }
      this.vstore(s, val, X_ATOM, v, alter);
    } else if (c === ST) {
      this.vstore(s, val, s.k, val[A_ATOM]!, alter);
    } else if (c === STX) {
      this.vstore(s, val, s.k, val[X_ATOM]!, alter);
    }
  }

  optPeep(b: Block): void {
    const ss = b.stmts;
    if (ss.length === 0) return;
    const thisOp = (i: number): number => {
      while (i < ss.length && ss[i]!.code === NOP) i++;
      return i < ss.length ? i : -1;
    };
    let last = 0;
    let si = 0;
    for (;;) {
      const s = thisOp(si);
      if (s < 0) break;
      const next = thisOp(s + 1);
      if (next < 0) break;
      last = next;
      const S = ss[s]!, N = ss[next]!;
      if (S.code === ST && N.code === (LDX | MEM) && S.k === N.k) {
        this.changed();
        N.code = MISC | TAX;
      }
      if (S.code === (LD | IMM) && N.code === (MISC | TAX)) {
        S.code = LDX | IMM;
        N.code = MISC | TXA;
        this.changed();
      }
      if (S.code === (LD | IMM) && !has(b.outUse, X_ATOM)) {
        const add = N.code !== (LDX | MSH | 0x10) ? next : thisOp(next + 1);
        if (add >= 0 && ss[add]!.code === (ALU | ADD | 0x08)) {
          const tax = thisOp(add + 1);
          if (tax >= 0 && ss[tax]!.code === (MISC | TAX)) {
            const ild = thisOp(tax + 1);
            if (ild >= 0 && cls(ss[ild]!.code) === LD && mode(ss[ild]!.code) === IND) {
              ss[ild]!.k = u32(ss[ild]!.k + S.k);
              S.code = NOP;
              ss[add]!.code = NOP;
              ss[tax]!.code = NOP;
              this.changed();
            }
          }
        }
      }
      si = next;
    }
    const L = ss[last]!;
    if (b.s.code === (JMP | JEQ) && !has(b.outUse, A_ATOM)) {
      if (L.code === (ALU | SUB | 0x08)) {
        const val = b.val[X_ATOM]!;
        if (this.isConst(val)) {
          b.s.k = u32(b.s.k + this.cval(val));
          L.code = NOP;
          this.changed();
        } else if (b.s.k === 0) {
          L.code = NOP;
          b.s.code = JMP | JEQ | 0x08;
          this.changed();
        }
      } else if (L.code === (ALU | SUB)) {
        L.code = NOP;
        b.s.k = u32(b.s.k + L.k);
        this.changed();
      } else if (L.code === (ALU | AND) && b.s.k === 0) {
        b.s.k = L.k;
        b.s.code = JMP | JSET;
        L.code = NOP;
        this.changed();
        const t = b.et.succ;
        b.et.succ = b.ef.succ;
        b.ef.succ = t;
      }
    }
    this.peepTail(b);
  }
  /** The end of opt_peep: jset #0/#~0, X constant, A constant. */
  peepTail(b: Block): void {
    if (b.s.code === (JMP | JSET)) {
      if (b.s.k === 0) b.et.succ = b.ef.succ;
      if (b.s.k === 0xffffffff) b.ef.succ = b.et.succ;
    }
    let val = b.val[X_ATOM]!;
    if (this.isConst(val) && srcX(b.s.code)) {
      b.s.code &= ~0x08;
      b.s.k = this.cval(val);
    }
    val = b.val[A_ATOM]!;
    if (this.isConst(val) && !srcX(b.s.code)) {
      let v = this.cval(val);
      switch (op(b.s.code)) {
        case JEQ: v = v === b.s.k ? 1 : 0; break;
        case JGT: v = v > b.s.k ? 1 : 0; break;
        case JGE: v = v >= b.s.k ? 1 : 0; break;
        case JSET: v = u32(v & b.s.k); break;
        default: throw new OptError('internal: bad jump in opt_peep');
      }
      if (JF(b) !== JT(b)) this.changed();
      if (v) b.ef.succ = b.et.succ;
      else b.et.succ = b.ef.succ;
    }
  }

  deadstmt(s: Stmt, last: (Stmt | null)[]): void {
    const u = atomuse(s);
    if (u >= 0) {
      if (u === AX_ATOM) {
        last[X_ATOM] = null;
        last[A_ATOM] = null;
      } else last[u] = null;
    }
    const d = atomdef(s);
    if (d >= 0) {
      if (last[d]) {
        this.changed();
        last[d]!.code = NOP;
      }
      last[d] = s;
    }
  }
  optDeadstores(b: Block): void {
    const last: (Stmt | null)[] = new Array<Stmt | null>(N_ATOMS).fill(null);
    for (const s of b.stmts) this.deadstmt(s, last);
    this.deadstmt(b.s, last);
    for (let atom = 0; atom < N_ATOMS; atom++)
      if (last[atom] && !has(b.outUse, atom)) {
        last[atom]!.code = NOP;
        this.changed();
      }
  }
  optBlk(b: Block, doStmts: boolean): void {
    let p = b.inEdges;
    if (!p) b.val = new Array<number>(N_ATOMS).fill(0);
    else {
      b.val = p.pred.val.slice();
      while ((p = p.next)) for (let i = 0; i < N_ATOMS; i++) if (b.val[i] !== p.pred.val[i]) b.val[i] = 0;
    }
    const aval = b.val[A_ATOM]!;
    const xval = b.val[X_ATOM]!;
    for (const s of b.stmts) this.optStmt(s, b.val, doStmts);
    if (doStmts && ((b.outUse === 0 && aval !== 0 && b.val[A_ATOM] === aval && xval !== 0 && b.val[X_ATOM] === xval) || cls(b.s.code) === RET)) {
      if (b.stmts.length !== 0) {
        b.stmts = [];
        this.changed();
      }
    } else {
      if (b.stmts.length) this.optPeep(b); // opt_peep() returns at once for a block without statements
      this.optDeadstores(b);
    }
    b.oval = srcX(b.s.code) ? b.val[X_ATOM]! : this.K(b.s.k);
    b.et.code = b.s.code;
    b.ef.code = -b.s.code;
  }
  useConflict(b: Block, succ: Block): boolean {
    const use = succ.outUse;
    if (use === 0) return false;
    for (let atom = 0; atom < N_ATOMS; atom++) if (has(use, atom) && b.val[atom] !== succ.val[atom]) return true;
    return false;
  }
  foldEdge(child: Block, ep: Edge): Block | null {
    let code = ep.code;
    let sense: boolean;
    if (code < 0) {
      code = -code;
      sense = false;
    } else sense = true;
    if (child.s.code !== code) return null;
    const aval0 = child.val[A_ATOM], oval0 = child.oval;
    const aval1 = ep.pred.val[A_ATOM], oval1 = ep.pred.oval;
    if (aval0 !== aval1) return null;
    if (oval0 === oval1) return sense ? JT(child) : JF(child);
    if (sense && code === (JMP | JEQ)) return JF(child);
    return null;
  }
  optJ(ep: Edge): void {
    if (!JT(ep.succ!)) return;
    if (JT(ep.succ!) === JF(ep.succ!)) {
      if (!this.useConflict(ep.pred, JT(ep.succ!)!)) {
        this.changed();
        ep.succ = JT(ep.succ!);
      }
    }
    top: for (;;) {
      for (let i = 0; i < this.edgewords; i++) {
        let x = ep.edom[i]!;
        while (x !== 0) {
          const k0 = 31 - Math.clz32(x & -x);
          x &= ~(1 << k0);
          const k = k0 + i * 32;
          const target = this.foldEdge(ep.succ!, this.edges[k]!);
          if (target && !this.useConflict(ep.pred, target)) {
            this.done = false;
            ep.succ = target;
            if (JT(target)) continue top;
            return;
          }
        }
      }
      return;
    }
  }
  domHas(b: Block, id: number): boolean {
    return ((b.dom[id >> 5]! >>> (id & 31)) & 1) === 1;
  }
  pullup(b: Block, orCase: boolean): void {
    // or_pullup follows jf chains with equal jt; and_pullup the mirror image.
    const same = (x: Block): Block | null => (orCase ? JT(x) : JF(x));
    const along = orCase ? 'ef' : 'et';
    let ep = b.inEdges;
    if (!ep) return;
    const val = ep.pred.val[A_ATOM];
    for (ep = ep.next; ep; ep = ep.next) if (val !== ep.pred.val[A_ATOM]) return;
    const first = b.inEdges!.pred;
    // diffp: a reference (block, which edge)
    let diffOwner: Block = first;
    let diffEdge: 'et' | 'ef' = JT(first) === b ? 'et' : 'ef';
    let atTop = true;
    for (;;) {
      const d = diffOwner[diffEdge].succ;
      if (!d) return;
      if (same(d) !== same(b)) return;
      if (!this.domHas(d, b.id)) return;
      if (d.val[A_ATOM] !== val) break;
      diffOwner = d;
      diffEdge = along;
      atTop = false;
    }
    let sameOwner: Block = diffOwner[diffEdge].succ!;
    for (;;) {
      const sp = sameOwner[along].succ;
      if (!sp) return;
      if (same(sp) !== same(b)) return;
      if (!this.domHas(sp, b.id)) return;
      if (sp.val[A_ATOM] === val) break;
      sameOwner = sp;
    }
    const pull = sameOwner[along].succ!;
    sameOwner[along].succ = pull[along].succ;
    pull[along].succ = diffOwner[diffEdge].succ;
    if (atTop) {
      for (let e = b.inEdges; e; e = e.next) {
        if (JT(e.pred) === b) e.pred.et.succ = pull;
        else e.pred.ef.succ = pull;
      }
    } else diffOwner[diffEdge].succ = pull;
    this.done = false;
  }
  findInedges(): void {
    for (const b of this.blocks) b.inEdges = null;
    for (const b of this.levelBlocks(this.root.level, 1, -1)) {
      b.et.next = JT(b)!.inEdges;
      JT(b)!.inEdges = b.et;
      b.ef.next = JF(b)!.inEdges;
      JF(b)!.inEdges = b.ef;
    }
  }
  optBlks(doStmts: boolean): void {
    this.initVal();
    const maxlevel = this.root.level;
    this.findInedges();
    for (const p of this.levelBlocks(maxlevel, 0, -1)) this.optBlk(p, doStmts);
    if (doStmts) return;
    for (const p of this.levelBlocks(1, maxlevel, 1)) {
      this.optJ(p.et);
      this.optJ(p.ef);
    }
    this.findInedges();
    for (const p of this.levelBlocks(1, maxlevel, 1)) {
      this.pullup(p, true);
      this.pullup(p, false);
    }
  }
  optLoop(doStmts: boolean): void {
    let loopCount = 0;
    for (;;) {
      this.done = true;
      this.nbm = false;
      this.findLevels();
      this.findDom();
      this.findClosure();
      this.findUd();
      this.findEdom();
      this.optBlks(doStmts);
      if (this.done) break;
      if (this.nbm) loopCount = 0;
      else if (++loopCount >= 100) {
        this.done = true;
        break;
      }
    }
  }
  internBlocks(): void {
    const eqSlist = (x: Stmt[], y: Stmt[]): boolean => {
      const a = x.filter((s) => s.code !== NOP);
      const b = y.filter((s) => s.code !== NOP);
      return a.length === b.length && a.every((s, i) => s.code === b[i]!.code && s.k === b[i]!.k);
    };
    const eqBlk = (b0: Block, b1: Block): boolean =>
      b0.s.code === b1.s.code && b0.s.k === b1.s.k && b0.et.succ === b1.et.succ && b0.ef.succ === b1.ef.succ && eqSlist(b0.stmts, b1.stmts);
    const n = this.blocks.length;
    for (;;) {
      let done1 = true;
      for (const b of this.blocks) b.link = null;
      this.unMarkAll();
      const mk = (p: Block): void => {
        if (this.isMarked(p)) return;
        this.mark(p);
        if (cls(p.s.code) !== RET) {
          mk(JT(p)!);
          mk(JF(p)!);
        }
      };
      mk(this.root);
      for (let i = n - 1; i !== 0; ) {
        --i;
        const bi = this.blocks[i]!;
        if (!this.isMarked(bi)) continue;
        for (let j = i + 1; j < n; j++) {
          const bj = this.blocks[j]!;
          if (!this.isMarked(bj)) continue;
          if (eqBlk(bi, bj)) {
            bi.link = bj.link ? bj.link : bj;
            break;
          }
        }
      }
      for (const p of this.blocks) {
        if (!JT(p)) continue;
        if (JT(p)!.link) {
          done1 = false;
          p.et.succ = JT(p)!.link;
        }
        if (JF(p)!.link) {
          done1 = false;
          p.ef.succ = JF(p)!.link;
        }
      }
      if (done1) break;
    }
  }
}

/** bpf_optimize(): returns the new root. */
export function optimize(root: Block): Block {
  const o = new Opt(root);
  o.optLoop(false);
  o.optLoop(true);
  o.internBlocks();
  // opt_root
  let b = o.root;
  const s = b.stmts;
  b.stmts = [];
  while (cls(b.s.code) === JMP && JT(b) === JF(b)) b = JT(b)!;
  b.stmts = [...s, ...b.stmts];
  if (cls(b.s.code) === RET) b.stmts = [];
  return b;
}

/** icode_to_fcode(): depth-first layout (JF subtree first, so JT code lands nearer), long jumps via ja. */
export function linearize(root: Block): SockFilter[] {
  let gen = 0;
  const marks = new Map<Block, number>();
  const isMarked = (b: Block): boolean => marks.get(b) === gen;
  const mark = (b: Block): void => void marks.set(b, gen);
  const slen = (b: Block): number => b.stmts.filter((s) => s.code !== NOP).length;
  const countStmts = (p: Block | null): number => {
    if (!p || isMarked(p)) return 0;
    mark(p);
    const n = countStmts(JT(p)) + countStmts(JF(p));
    return slen(p) + n + 1 + p.longjt + p.longjf;
  };
  for (;;) {
    gen++;
    const n = countStmts(root);
    const fp: SockFilter[] = Array.from({ length: n }, () => ({ code: 0, jt: 0, jf: 0, k: 0 }));
    let ftail = n;
    gen++;
    const conv = (p: Block | null): boolean => {
      if (!p || isMarked(p)) return true;
      mark(p);
      if (!conv(JF(p))) return false;
      if (!conv(JT(p))) return false;
      const sl = slen(p);
      ftail -= sl + 1 + p.longjt + p.longjf;
      let dst = ftail;
      p.offset = dst;
      const live = p.stmts.filter((s) => s.code !== NOP);
      live.forEach((s, off) => {
        const ins = { code: s.code, jt: 0, jf: 0, k: u32(s.k) };
        // block-local conditional jumps (protochain); libpcap leaves the one at slen - 2 unfilled
        if (cls(s.code) === JMP && s.code !== JMP && off !== sl - 2) {
          const t = s.jt ? live.indexOf(s.jt) : -1;
          const f = s.jf ? live.indexOf(s.jf) : -1;
          if (t < 0 || f < 0) throw new OptError(`no destination found for block-local relative jump: off=${off}`);
          if (t - off - 1 >= 256 || f - off - 1 >= 256) throw new OptError(`out-of-range jump for block-local relative jump: off=${off}`);
          ins.jt = t - off - 1;
          ins.jf = f - off - 1;
        }
        fp[dst] = ins;
        dst++;
      });
      const d = fp[dst]!;
      d.code = p.s.code;
      d.k = u32(p.s.k);
      if (JT(p)) {
        let extra = 0;
        let off = JT(p)!.offset - (p.offset + sl) - 1;
        if (off >= 256) {
          if (p.longjt === 0) {
            p.longjt++;
            return false;
          }
          d.jt = extra;
          extra++;
          fp[dst + extra] = { code: JMP, jt: 0, jf: 0, k: u32(off - extra) };
        } else d.jt = off;
        off = JF(p)!.offset - (p.offset + sl) - 1;
        if (off >= 256) {
          if (p.longjf === 0) {
            p.longjf++;
            return false;
          }
          d.jf = extra;
          extra++;
          fp[dst + extra] = { code: JMP, jt: 0, jf: 0, k: u32(off - extra) };
        } else d.jf = off;
      }
      return true;
    };
    if (conv(root)) return fp;
  }
}

export { newBlock };
