// Classic BPF for the CLI: picks the parser for the detected text form (tcpdump -d/-dd/-ddd, bpf_asm)
// and runs classic filters as a socket filter attached to an AF_PACKET socket sees them (skb->data at
// the Ethernet header), which is how the kernel runs classic socket filters: BPF_PROG_TEST_RUN cannot
// run classic programs at all.

import { parseBpfAsm } from '../cbpf/bpfasm';
import { detectCbpf, parseTcpdumpD, parseTcpdumpDd, parseTcpdumpDdd, type CbpfParse } from '../cbpf/formats';
import type { SockFilter } from '../cbpf/insn';
import { err, type Diagnostic } from '../util/diag';

export interface ClassicProgram {
  filters: SockFilter[];
  form: 'tcpdump-d' | 'tcpdump-dd' | 'tcpdump-ddd' | 'bpf_asm' | 'bytes' | 'filter';
}

export function parseClassic(text: string): { classic: ClassicProgram | null; diagnostics: Diagnostic[] } {
  const form = detectCbpf(text);
  let r: CbpfParse;
  switch (form) {
    case 'tcpdump-d':
      r = parseTcpdumpD(text);
      break;
    case 'tcpdump-dd':
      r = parseTcpdumpDd(text);
      break;
    case 'tcpdump-ddd':
      r = parseTcpdumpDdd(text);
      break;
    case 'bpf_asm':
      r = parseBpfAsm(text);
      break;
    case false:
      return { classic: null, diagnostics: [err('not classic BPF text', { line: 1, col: 1 }, 'cbpf.form')] };
  }
  if (!r.filters || r.diagnostics.some((d) => d.severity === 'error')) return { classic: null, diagnostics: r.diagnostics };
  return { classic: { filters: r.filters, form }, diagnostics: r.diagnostics };
}
