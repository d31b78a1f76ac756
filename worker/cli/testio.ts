// Test-only: an in-memory Io for driving runCli() in-process.
import { readFileSync } from 'node:fs';
import type { Io } from './common';

export interface CapturedIo extends Io {
  out: string;
  err: string;
  outBytes: Uint8Array[];
  files: Map<string, Uint8Array>;
}

export function memoryIo(files: Record<string, string | Uint8Array> = {}, stdin: string | Uint8Array = ''): CapturedIo {
  const enc = new TextEncoder();
  const io: CapturedIo = {
    out: '',
    err: '',
    outBytes: [],
    files: new Map(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? enc.encode(v) : v])),
    stdout(t) {
      io.out += t;
    },
    stdoutBytes(b) {
      io.outBytes.push(b);
    },
    stderr(t) {
      io.err += t;
    },
    readFile(path) {
      const f = io.files.get(path);
      if (f) return f;
      try {
        return new Uint8Array(readFileSync(path));
      } catch {
        return { error: `cannot read ${path}: ENOENT` };
      }
    },
    writeFile(path, bytes) {
      io.files.set(path, bytes);
      return null;
    },
    readStdin: () => (typeof stdin === 'string' ? enc.encode(stdin) : stdin),
  };
  return io;
}
