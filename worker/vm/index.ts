// The interpreter (VM) of bpfplay: executes eBPF exactly as RFC 9669 and Linux 6.18's interpreter
// (kernel/bpf/core.c ___bpf_prog_run, plus the verifier's run-time fix-ups) do, over typed,
// bounds-checked memory regions, with step records, back-step and seek. It does not verify programs
// (worker/verifier), build contexts or packets (worker/progtypes, worker/packets) nor parse text.
//
// API
// ---
// `createVm(env) -> { vm, diagnostics }` builds a stepping VM. `env: VmEnv`:
//   program            the Program to run (ld_imm64 map references index `maps`)
//   programs?          programs a tail call may reach (index 0 = program); prog_array values index it
//   regions?           RegionSpec[]: ctx, packet, packet_meta, mem... { name, kind, base, bytes,
//                      readable?, writable?, ptrFields? }. Bytes are used in place, so after a run they hold
//                      data_out / ctx_out. Use the bases in memory.ts (CTX_BASE, PACKET_BASE, MEM_BASE).
//                      A ctx field { off, size, target: 'packet' | 'packet_end' | 'packet_meta' | ... }
//                      loads as that address, as the kernel's ctx rewriting does.
//   ctxRegion?         the region whose address is r1 (default 'ctx' if present)
//   initialRegs?       r1..r9 overrides; r10 is always the frame pointer
//   helperSet?         'kernel' (default) or 'ubpf'; helpers? replaces the set (tests)
//   maps?              MapImpl instances (default: created from program.maps with createMap)
//   budget?            instruction budget (default 1,000,000); running past it is a fault
//   seed?, startTimeNs?, cpu?, ctx?   PRNG seed, virtual clock start, CPU id, program-type context for helpers
//   ldAbsRegion?       region LD_ABS/LD_IND read from (default 'packet')
//   skbHeaders?        { network, mac } offsets from that region's start for LD_ABS's SKF_NET_OFF /
//                      SKF_LL_OFF negative offsets (default network 0, mac unset); bytes in front of the
//                      region are readable when its Uint8Array is a view into the skb's whole buffer
//   historyBytes?      bound of the back-step history (default 64 MiB). The history keeps per step only
//                      what undoing needs (changed registers, overwritten bytes, scalars), packed in
//                      typed arrays (history.ts): about 60-100 bytes per ALU step, so the default holds
//                      roughly 700k-1M steps. The oldest 4,096-step chunk is dropped first and
//                      `vm.historyInfo()` says from which step records exist (`cut`). Back-step and seek
//                      still work past the cut (replay from checkpoints), only slower.
//   checkpointEvery?   steps between checkpoints (default 1,024; longer when a checkpoint is large, e.g.
//                      big maps; at most 512 kept and within historyBytes, thinned evenly)
//
// `vm.step(): StepRecord` is the primitive: pc before/after, registers read and written (bigint
// before/after), memory writes (region, offset, before/after bytes), memory reads (region, offset,
// size), map changes (key, before/after
// value), the helper call (id, name, args, r0), outputs produced, call depth, and `done` (exit with r0,
// or a fault { insn, message } naming the instruction, address, size and region).
// `vm.back(): boolean` undoes one step exactly (registers, memory, frames, PRNG, outputs, helpers' run
// state; steps that called a helper are undone by replaying from the last checkpoint); false at step 0.
// The StepRecord of a step is not kept: to show it again, seek to the step before and step().
// `vm.seek(n)` goes to the state after n steps. `vm.run(max?)` steps to the end. `vm.state()`,
// `vm.result()`, `vm.memory`, `vm.maps`, `vm.historyInfo()`.
// A helper that calls back into the program (bpf_loop) runs the callback inside its one step.
//
// `runFast(env): RunResult` runs to the end without records, through JavaScript generated per program
// (compile.ts; registers in local variables, a switch over basic blocks); it shares its instruction
// templates and its machine (machine.ts) with step(), so both agree exactly.
// RunResult = { r0: bigint, retval: number (low 32 bits, unsigned), insns, fault, outputs, maps, runState }.
//
// `createRunner(env) -> { runner, diagnostics }` builds the machine once; `runner.run()` runs it again from
// insn 0 (memory, maps, PRNG and clock carry over, as BPF_PROG_TEST_RUN's repeat does): for `--repeat`.
//
// `runRaw(program, { mem, helperSet, maxInsns })` (raw.ts) is the conformance runners' entry point.
//
// Helpers reach the VM only through HelperEnv (worker/helpers/types.ts): memory by address, maps by
// pointer, the PRNG and clock, outputs, callbacks (callFunction), region moves (remapRegion) and
// their own checkpointed run state (runState).
// Where `new Function` is forbidden (a CSP without 'unsafe-eval'), the same machine runs the plain
// interpreter of interp.ts instead (slower; tests run both and compare them).
//
// Faults never throw out of this API; internal errors become faults or "bug" diagnostics.

export { createVm, createRunner, runFast, Vm, type Runner, type VmEnv, type StepRecord, type RunResult, type VmState, type RegChange } from './vm';
export { runRaw, type RawResult } from './raw';
export {
  Memory, CTX_BASE, PACKET_BASE, STACK_TOP, MAP_PTR_BASE, MAP_VALUE_BASE, RINGBUF_BASE, MEM_BASE, CODE_BASE,
  MAX_BPF_STACK, MAX_CALL_FRAMES, type RegionSpec, type RegionKind, type PtrField, type MemWrite, type MemRead,
} from './memory';
export { MAX_TAIL_CALL_CNT, BPF_MAX_LOOPS, DEFAULT_BUDGET, SKF_NET_OFF, SKF_LL_OFF, type Done, type HelperCall, type MapChange } from './machine';
export { mapPtrAddr, mapValueBase, codeAddr } from './compile';
