// The shape of one example program: a file worker/examples/<section>/<id>.s whose first line is a JSON
// header. scripts/gen-examples-index.mjs turns the files into index.generated.ts. Data only.

/** What an exercise checks: per sample packet name, the verdict class the program must give. */
export type ExpectedVerdict = 'keep' | 'drop' | 'pass';

export interface ExampleFile {
  id: string;
  section: string;
  title: string;
  /** Program type name as the kernel's without prefix, e.g. 'socket_filter'. */
  type: string;
  dialect?: 'llvm' | 'ubpf' | 'cbpf';
  summary?: string;
  /** An exercise's task, shown above the editor with pass/fail checks. */
  task?: string;
  /** Per sample-packet name: the expected verdict class. */
  expect?: Record<string, ExpectedVerdict>;
  /** Which packets to load: 'sample' (the default traffic set). */
  packets?: string;
  source: string;
}
