// Program types: the table (table.ts), context layouts and access rules (ctx.ts), BPF_PROG_TEST_RUN
// semantics (testrun.ts), the attach-point view (attach.ts) and packet runs on the VM (run.ts).
// Importing this module also registers the packet helpers and the extra map types (via run.ts).
export * from './table';
export * from './ctx';
export * from './testrun';
export * from './attach';
export * from './run';
