// The bpfplay CLI: the engine's headless face (see README.md beside this file for the contract).
// runCli() takes its arguments and an Io, so tests drive it in-process; main.ts binds it to the
// process. Exit codes: 0 success, 1 program error, 2 usage error.

import { flag, parseArgs } from './args';
import { EXIT_OK, EXIT_USAGE, EXIT_PROGRAM, loadFileArg, reportDiagnostics, usageError, type Command, type Io } from './common';
import { compileFilter } from '../cbpf/compile/index';
import { formatDump, type DumpFlag } from '../cbpf/formats';
import { programBytes } from '../isa/program';
import { runCmd } from './run';
import { disasmCmd, elfCmd } from './tools';
import { verifyCmd } from './verify';

const USAGE = `usage: npm run --silent cli -- <command> [options]

commands:
  asm FILE [-o OUT]                  assemble to raw 8-byte instruction slots
  disasm FILE [--syntax llvm|ubpf]   print the program as text
  run FILE --type TYPE [--data HEX | --pcap FILE | --events FILE] [--ctx HEX]
           [--repeat N] [--max-insns N] [--json]
                                     run with BPF_PROG_TEST_RUN semantics, once per packet
  verify FILE --type TYPE [--unpriv] [--log-level 0|1|2] [--json]
                                     the verifier's verdict (exit 0 accepted, 1 rejected)
  elf FILE [--type TYPE] -o OUT.o    write an ELF object that bpftool prog load accepts
  filter [-d|-dd|-ddd] 'EXPR'        compile a pcap-filter expression like tcpdump -d

FILE: .s/.asm text (dialect detected or --syntax), classic BPF text, .bin slots, .o ELF (--section NAME), - for stdin.
`;

const fileFlags = ['--syntax', '--section'] as const;

const asmCmd: Command = {
  summary: 'assemble to raw instruction slots',
  spec: { value: [...fileFlags, '--out'], bool: ['--json'], alias: { '-o': '--out' } },
  run(args, io) {
    const json = args.bools.has('--json');
    const l = loadFileArg(args, io);
    if ('badUsage' in l) return usageError(io, l.badUsage, json);
    if (l.kind === 'error') return reportDiagnostics(io, l.diagnostics, json, l.usage ? EXIT_USAGE : EXIT_PROGRAM);
    if (l.kind === 'cbpf') return usageError(io, 'asm takes eBPF; this is classic BPF (see the filter command)', json);
    reportDiagnostics(io, l.diagnostics, false);
    const bytes = programBytes(l.program);
    const out = flag(args, '--out');
    if (out !== undefined) {
      const e = io.writeFile(out, bytes);
      if (e) return usageError(io, e.error, json);
    } else io.stdoutBytes(bytes);
    return EXIT_OK;
  },
};

const filterCmd: Command = {
  summary: 'compile a pcap-filter expression to classic BPF',
  spec: { value: [], bool: ['-d', '-dd', '-ddd', '--json'] },
  run(args, io) {
    const json = args.bools.has('--json');
    const flags = (['-d', '-dd', '-ddd'] as const).filter((f) => args.bools.has(f));
    if (flags.length > 1) return usageError(io, 'give at most one of -d, -dd, -ddd', json);
    const fmt: DumpFlag = flags[0] ?? '-d';
    const expr = args.positionals.join(' ');
    const r = compileFilter(expr);
    if (!r.program) return reportDiagnostics(io, r.diagnostics, json);
    if (json) io.stdout(JSON.stringify({ listing: formatDump(r.program, fmt) }) + '\n');
    else io.stdout(formatDump(r.program, fmt));
    return EXIT_OK;
  },
};

export const COMMANDS: Record<string, Command> = { asm: asmCmd, disasm: disasmCmd, run: runCmd, verify: verifyCmd, elf: elfCmd, filter: filterCmd };

export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(USAGE);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    io.stderr(`usage error: unknown command '${name}'\n${USAGE}`);
    return EXIT_USAGE;
  }
  // 'filter' takes -d/-dd/-ddd as flags and its expression may contain words starting with '-'? No:
  // pcap-filter words never start with '-', so the common parser serves every command.
  const parsed = parseArgs(rest, cmd.spec);
  if (!parsed.ok) return usageError(io, parsed.error, rest.includes('--json'));
  try {
    return await cmd.run(parsed.args, io);
  } catch (e) {
    io.stderr(`internal error (a bpfplay bug): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT_PROGRAM;
  }
}
