// Shared pieces of the CLI commands: the Io abstraction (so tests run commands in-process), exit codes,
// diagnostics printing, and loading the FILE argument.

import { flag, type FlagSpec, type ParsedArgs } from './args';
import { loadProgram, type Loaded } from './input';
import { formatDiagnostic, type Diagnostic } from '../util/diag';

export interface Io {
  stdout(text: string): void;
  stdoutBytes(bytes: Uint8Array): void;
  stderr(text: string): void;
  readFile(path: string): Uint8Array | { error: string };
  writeFile(path: string, bytes: Uint8Array): { error: string } | null;
  readStdin(): Uint8Array;
}

export const EXIT_OK = 0;
export const EXIT_PROGRAM = 1;
export const EXIT_USAGE = 2;

export interface Command {
  summary: string;
  spec: FlagSpec;
  run(args: ParsedArgs, io: Io): number | Promise<number>;
}


/** Prints diagnostics as one line each (or as JSON) and returns the exit code they imply. */
export function reportDiagnostics(io: Io, diags: readonly Diagnostic[], json: boolean, code = EXIT_PROGRAM): number {
  const errors = diags.filter((d) => d.severity === 'error');
  if (json) {
    io.stdout(JSON.stringify({ error: errors.map((d) => ({ message: d.message, loc: d.loc })) }) + '\n');
  }
  for (const d of diags) io.stderr(`${d.severity === 'error' ? 'error' : d.severity}: ${formatDiagnostic(d)}\n`);
  return errors.length ? code : EXIT_OK;
}

export function usageError(io: Io, msg: string, json = false): number {
  if (json) io.stdout(JSON.stringify({ error: [{ message: msg, loc: {} }] }) + '\n');
  io.stderr(`usage error: ${msg}\n`);
  return EXIT_USAGE;
}

/** Reads FILE (or stdin for '-') and loads it as a program. */
export function loadFileArg(args: ParsedArgs, io: Io, opts: { classicBytes?: boolean } = {}): Loaded | { badUsage: string } {
  const name = args.positionals[0];
  if (name === undefined) return { badUsage: 'missing FILE' };
  if (args.positionals.length > 1) return { badUsage: `unexpected argument '${args.positionals[1]}'` };
  const syntax = flag(args, '--syntax');
  if (syntax !== undefined && syntax !== 'llvm' && syntax !== 'ubpf') return { badUsage: `--syntax must be llvm or ubpf, not '${syntax}'` };
  let bytes: Uint8Array;
  if (name === '-') bytes = io.readStdin();
  else {
    const r = io.readFile(name);
    if ('error' in r) return { badUsage: r.error };
    bytes = r;
  }
  return loadProgram(name, bytes, { syntax, section: flag(args, '--section'), classicBytes: opts.classicBytes });
}

const fileFlags = ['--syntax', '--section'] as const;

