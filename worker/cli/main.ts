// Node entry of the CLI: binds runCli to the process (argv, stdio, files) and sets the exit code.
import { readFileSync, writeFileSync } from 'node:fs';
import { runCli } from './cli';
import type { Io } from './common';

const io: Io = {
  stdout: (t) => process.stdout.write(t),
  stdoutBytes: (b) => process.stdout.write(b),
  stderr: (t) => process.stderr.write(t),
  readFile(path) {
    try {
      return new Uint8Array(readFileSync(path));
    } catch (e) {
      return { error: `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
    }
  },
  writeFile(path, bytes) {
    try {
      writeFileSync(path, bytes);
      return null;
    } catch (e) {
      return { error: `cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
    }
  },
  readStdin() {
    try {
      return new Uint8Array(readFileSync(0));
    } catch {
      return new Uint8Array(0);
    }
  },
};

const code = await runCli(process.argv.slice(2), io);
process.exitCode = code;
