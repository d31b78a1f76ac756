// The Program: what every front end (assemblers, ELF reader, raw bytes, classic-BPF translation)
// produces and every back end (verifier, VM, disassembler, ELF writer) consumes.
// Plain data only, so it crosses the worker boundary unchanged.

import type { Diagnostic } from '../util/diag';
import { bytesToSlots, decodeSlots, slotsToBytes, type Insn, type Slot } from './insn';

/** Map types by their kernel names without the BPF_MAP_TYPE_ prefix, lower case (e.g. 'hash', 'percpu_array'). */
export type MapTypeName = string;

export interface MapDef {
  /** Name used in source text and in `cli run --json` output. */
  name: string;
  type: MapTypeName;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags: number;
  /** For array/hash of maps: the inner map's definition (template). */
  inner?: MapDef;
  /** Initial contents set before a run: hex key -> hex value. */
  initial?: { key: string; value: string }[];
  /** Where it was defined (line/col in source, byte offset in ELF). */
  loc?: { line?: number; col?: number; byteOffset?: number };
}

/** A source position for one instruction slot. */
export interface SrcPos {
  line: number;
  col: number;
}

export interface Program {
  /** Raw 8-byte instruction slots. ld_imm64 takes two. Map references: for ld_imm64 with src 1 (map fd)
   * or 2 (map value), imm is the index into `maps` (as the kernel's fd_array index). */
  slots: Slot[];
  maps: MapDef[];
  /** Label name -> slot index. */
  labels: Record<string, number>;
  /** Slot index -> source position (absent for bytes/ELF input without line info). */
  sourceMap?: (SrcPos | null)[];
  /** Function (subprogram) names by entry slot, from ELF symbols or labels that are call targets. */
  funcs?: Record<number, string>;
  license?: string;
  /** ELF section the program came from, if any. */
  section?: string;
  /** Program type suggested by the input (an ELF section name, a source directive). */
  progType?: string;
  /** Which front end produced it. */
  origin: 'llvm' | 'ubpf' | 'bytes' | 'elf' | 'cbpf';
}

export interface ProgramResult {
  program: Program | null;
  diagnostics: Diagnostic[];
}

export function programBytes(p: Program): Uint8Array {
  return slotsToBytes(p.slots);
}

export function programFromBytes(bytes: Uint8Array): Program {
  return { slots: bytesToSlots(bytes), maps: [], labels: {}, origin: 'bytes' };
}

/** Decoded instructions of a program, one entry per slot (null for ld_imm64 second halves and invalid slots). */
export function decodeProgram(p: Program): { insns: (Insn | null)[]; diagnostics: Diagnostic[] } {
  return decodeSlots(p.slots);
}
