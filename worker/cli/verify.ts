// `cli verify`: the verifier's verdict on a program for a program type (worker/verifier), with the
// kernel-format log. Exit 0 accepted, 1 rejected (or the program did not assemble), 2 usage error.

import { flag } from './args';
import { EXIT_OK, EXIT_PROGRAM, EXIT_USAGE, loadFileArg, reportDiagnostics, usageError, type Command } from './common';
import { PROG_TYPE_NAMES } from '../progtypes/table';
import { reportJson, verify } from '../verifier/index';

export const verifyCmd: Command = {
  summary: "the verifier's verdict",
  spec: { value: ['--syntax', '--section', '--type', '--log-level', '--max-processed'], bool: ['--json', '--unpriv'] },
  run(args, io) {
    const json = args.bools.has('--json');
    const type = flag(args, '--type');
    if (type === undefined) return usageError(io, 'verify needs --type TYPE', json);
    if (!(PROG_TYPE_NAMES as readonly string[]).includes(type)) return usageError(io, `unknown program type '${type}' (one of: ${PROG_TYPE_NAMES.join(', ')})`, json);
    const ll = flag(args, '--log-level') ?? '1';
    if (ll !== '0' && ll !== '1' && ll !== '2') return usageError(io, `--log-level must be 0, 1 or 2, not '${ll}'`, json);
    const l = loadFileArg(args, io);
    if ('badUsage' in l) return usageError(io, l.badUsage, json);
    if (l.kind === 'error') return reportDiagnostics(io, l.diagnostics, json, l.usage ? EXIT_USAGE : EXIT_PROGRAM);
    if (l.kind === 'cbpf') return usageError(io, 'verify takes eBPF; classic BPF is checked by bpf_check_classic (cli run checks it)', json);
    const r = verify(l.program, { progType: type, unpriv: args.bools.has('--unpriv'), logLevel: Number(ll) as 0 | 1 | 2, statesPerInsn: 0, clock: () => performance.now() * 1000 });
    if (json) io.stdout(JSON.stringify(reportJson(r)) + '\n');
    else {
      if (r.log) io.stdout(r.log.endsWith('\n') ? r.log : r.log + '\n');
      if (r.accepted) io.stdout(`accepted: processed ${r.processed} insns\n`);
      else io.stderr(`rejected at insn ${r.error?.insn}: ${r.error?.message}\n`);
    }
    return r.accepted ? EXIT_OK : EXIT_PROGRAM;
  },
};
