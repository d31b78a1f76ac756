// Diagnostics: errors are values. Every stage of the engine returns these instead of throwing.
// A location names whatever the input has: a line and column in source text, an instruction
// index in a program, or a byte offset in a binary file.

export interface Loc {
  line?: number; // 1-based
  col?: number; // 1-based
  endCol?: number; // 1-based, exclusive
  insn?: number; // instruction slot index
  byteOffset?: number;
  file?: string;
}

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  severity: Severity;
  message: string;
  loc: Loc;
  /** Short machine-readable category, e.g. 'asm.expected', 'decode.reserved'. */
  code?: string;
}

export function err(message: string, loc: Loc, code?: string): Diagnostic {
  return { severity: 'error', message, loc, code };
}

export function warn(message: string, loc: Loc, code?: string): Diagnostic {
  return { severity: 'warning', message, loc, code };
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

/** "3:14: message" / "insn 5: message" / "byte 0x40: message" */
export function formatDiagnostic(d: Diagnostic): string {
  const l = d.loc;
  let where = '';
  if (l.line !== undefined) where = l.col !== undefined ? `${l.line}:${l.col}` : `${l.line}`;
  else if (l.insn !== undefined) where = `insn ${l.insn}`;
  else if (l.byteOffset !== undefined) where = `byte ${l.byteOffset}`;
  if (l.file) where = where ? `${l.file}:${where}` : l.file;
  return where ? `${where}: ${d.message}` : d.message;
}

/** Turns an internal invariant break into a visible diagnostic instead of an exception. */
export function bugDiagnostic(e: unknown, loc: Loc = {}): Diagnostic {
  const msg = e instanceof Error ? e.message : String(e);
  return { severity: 'error', message: `internal error (a bpfplay bug): ${msg}`, loc, code: 'bug' };
}

export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}
