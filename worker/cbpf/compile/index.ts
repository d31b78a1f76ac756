// compileFilter(): a pcap-filter expression -> classic BPF for Ethernet (DLT_EN10MB), aiming at the
// exact listing `tcpdump -d` prints (libpcap 1.10: gencode.c, then optimize.c, snaplen 262144).
// Errors are diagnostics with the column of the bad token (line 1).

import { err, type Diagnostic } from '../../util/diag';
import type { SockFilter } from '../insn';
import { Gen, newBlock } from './gencode';
import { linearize, optimize, OptError } from './optimize';
import { FilterError, parseFilter } from './parse';

export interface CompileOptions {
  /** default 262144 (tcpdump's default snaplen) */
  snaplen?: number;
  /** default true; false is `tcpdump -O` */
  optimize?: boolean;
}

export interface FilterResult {
  program: SockFilter[] | null;
  diagnostics: Diagnostic[];
}

export function compileFilter(expr: string, opts: CompileOptions = {}): FilterResult {
  const snaplen = opts.snaplen ?? 262144;
  try {
    const ast = parseFilter(expr);
    const gen = new Gen(snaplen);
    let root;
    if (!ast) root = newBlock(0x06, snaplen);
    else root = gen.finish(gen.genExpr(ast));
    if (opts.optimize !== false && !gen.noOptimize) {
      root = optimize(root);
      if (root.s.code === 0x06 && root.s.k === 0)
        return { program: null, diagnostics: [err('expression rejects all packets', { line: 1, col: 1, endCol: expr.length + 1 }, 'filter.rejects')] };
    }
    return { program: linearize(root), diagnostics: [] };
  } catch (e) {
    if (e instanceof FilterError) return { program: null, diagnostics: [err(e.message, { line: 1, col: e.col, endCol: e.endCol }, 'filter.syntax')] };
    if (e instanceof OptError) return { program: null, diagnostics: [err(e.message, { line: 1, col: 1 }, 'filter.optimize')] };
    const msg = e instanceof Error ? e.message : String(e);
    return { program: null, diagnostics: [err(`internal error (a bpfplay bug): ${msg}`, { line: 1, col: 1 }, 'bug')] };
  }
}
