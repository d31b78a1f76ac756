// Classic BPF for the CLI: a parsed classic program (worker/cbpf's public face does the parsing).
// Classic filters run as a socket filter attached to an AF_PACKET socket sees them (skb->data at the
// Ethernet header), which is how the kernel runs classic socket filters: BPF_PROG_TEST_RUN cannot run
// classic programs at all.

import { parseCbpf, type SockFilter } from '../cbpf/index';
import type { Diagnostic } from '../util/diag';

export interface ClassicProgram {
  filters: SockFilter[];
  form: string;
}

export function parseClassic(input: string | Uint8Array): { classic: ClassicProgram | null; diagnostics: Diagnostic[] } {
  const r = parseCbpf(input);
  if (!r.filters || r.diagnostics.some((d) => d.severity === 'error')) return { classic: null, diagnostics: r.diagnostics };
  return { classic: { filters: r.filters, form: r.form ?? 'bytes' }, diagnostics: r.diagnostics };
}
