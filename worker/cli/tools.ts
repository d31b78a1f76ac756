// `cli disasm` and `cli elf`: text out of a program, and a relocatable object that libbpf loads.

import { flag } from './args';
import { EXIT_OK, EXIT_PROGRAM, EXIT_USAGE, loadFileArg, reportDiagnostics, usageError, type Command } from './common';
import { disassembleText } from '../asm/disasm';
import { formatDump } from '../cbpf/formats';
import { formatBpfAsm } from '../cbpf/bpfasm';
import { writeElfObject } from '../elf/write';
import { PROG_TYPE_NAMES } from '../progtypes/table';

export const disasmCmd: Command = {
  summary: 'print the program as text',
  spec: { value: ['--syntax', '--section'], bool: ['--json', '--classic-bytes'] },
  run(args, io) {
    const json = args.bools.has('--json');
    // --syntax selects the output dialect here; the input's dialect is detected.
    const outSyntax = flag(args, '--syntax');
    if (outSyntax !== undefined && outSyntax !== 'llvm' && outSyntax !== 'ubpf' && outSyntax !== 'bpf_asm' && outSyntax !== 'tcpdump')
      return usageError(io, `--syntax must be llvm or ubpf (or bpf_asm/tcpdump for classic BPF), not '${outSyntax}'`, json);
    args.flags.delete('--syntax');
    const l = loadFileArg(args, io, { classicBytes: args.bools.has('--classic-bytes') });
    if ('badUsage' in l) return usageError(io, l.badUsage, json);
    if (l.kind === 'error') return reportDiagnostics(io, l.diagnostics, json, l.usage ? EXIT_USAGE : EXIT_PROGRAM);
    let text: string;
    if (l.kind === 'cbpf') {
      text = outSyntax === 'bpf_asm' ? formatBpfAsm(l.classic.filters).text : formatDump(l.classic.filters, '-d');
    } else {
      if (outSyntax === 'bpf_asm' || outSyntax === 'tcpdump') return usageError(io, `${outSyntax} output is for classic BPF`, json);
      text = disassembleText(l.program, { syntax: outSyntax === 'ubpf' ? 'ubpf' : 'llvm' });
    }
    if (json) io.stdout(JSON.stringify({ text }) + '\n');
    else io.stdout(text);
    return EXIT_OK;
  },
};

export const elfCmd: Command = {
  summary: 'write an ELF object that bpftool prog load accepts',
  spec: { value: ['--syntax', '--section', '--type', '--out', '--license', '--name'], bool: ['--json'], alias: { '-o': '--out' } },
  run(args, io) {
    const json = args.bools.has('--json');
    const out = flag(args, '--out');
    if (out === undefined) return usageError(io, 'elf needs -o OUT.o', json);
    const type = flag(args, '--type');
    if (type !== undefined && !(PROG_TYPE_NAMES as readonly string[]).includes(type))
      return usageError(io, `unknown program type '${type}' (one of: ${PROG_TYPE_NAMES.join(', ')})`, json);
    const l = loadFileArg(args, io);
    if ('badUsage' in l) return usageError(io, l.badUsage, json);
    if (l.kind === 'error') return reportDiagnostics(io, l.diagnostics, json, l.usage ? EXIT_USAGE : EXIT_PROGRAM);
    if (l.kind === 'cbpf') return usageError(io, 'elf takes eBPF; classic BPF is attached with SO_ATTACH_FILTER, not loaded from ELF', json);
    const program = type !== undefined ? { ...l.program, progType: type, section: undefined } : l.program;
    const r = writeElfObject([{ program, name: flag(args, '--name') }], { license: flag(args, '--license') ?? program.license ?? 'GPL' });
    if (r.diagnostics.some((d) => d.severity === 'error')) return reportDiagnostics(io, r.diagnostics, json);
    reportDiagnostics(io, r.diagnostics, false);
    const e = io.writeFile(out, r.bytes);
    if (e) return usageError(io, e.error, json);
    if (json) io.stdout(JSON.stringify({ written: out, bytes: r.bytes.length }) + '\n');
    return EXIT_OK;
  },
};
