// The app store: zustand, built from typed slices (source, build, verify, run, packets, maps, ui).
// It keeps the user's inputs and cursors; everything else (builds, verdicts, frames) comes from the
// engine worker through slice actions and is recomputed from the inputs when needed — so a worker
// restart (watchdog) replays the inputs and nothing is lost. Components never call the engine.
import { create } from 'zustand';
import type { AttachView, PacketForm, BuildResult, DialectChoice, ExampleMeta, MapEntryView, PacketDetail, PacketInput, PacketVerdict, ProgTypeView, RunProgress, StepFrame, VerifierReport, Capabilities } from '../../worker/api/types';
import { call, onEngineRestart, proxy, WatchdogError } from '../engine/client';
import { defaultExperiment, DEFAULT_EXAMPLE_ID, diffFromDefaults, type Experiment } from '../permalink/experiment';
import { encodePermalink } from '../permalink/codec';
import { saveDraft } from '../permalink/drafts';
import { createEventsSlice, type EventsSlice } from '../events/slice';
import { attachFor } from '../events/model';
import { createProgramsSlice, followPrograms, type ProgramsSlice } from '../components/programs-slice';

export type NumFormat = 'hex' | 'dec' | 'signed';
export type Theme = 'dark' | 'light';

export interface SourceSlice {
  source: string;
  dialect: DialectChoice;
  progType: string;
  breakpoints: number[];
  example: string | null;
  setSource(s: string): void;
  setDialect(d: DialectChoice): void;
  setProgType(t: string): void;
  toggleBreakpoint(line: number): void;
  loadExample(id: string): Promise<boolean>;
  compileFilter(expr: string): Promise<string | null>;
}

export interface BuildSlice {
  build: BuildResult | null;
  building: boolean;
  rebuild(): Promise<void>;
}

export interface VerifySlice {
  report: VerifierReport | null;
  unpriv: boolean;
  setUnpriv(u: boolean): void;
}

export interface RunSlice {
  verdicts: PacketVerdict[];
  progress: RunProgress | null;
  runError: string | null;
  frame: StepFrame | null;
  cursor: { packet: number; step: number };
  playing: boolean;
  /** Steps per second for animated runs; 0 = instant. */
  speed: number;
  maxInsns: number;
  stepTo(step: number): Promise<void>;
  stepBy(delta: number): Promise<void>;
  reset(): Promise<void>;
  runToBreakpoint(): Promise<void>;
  play(): void;
  stop(): void;
  cancelRun(): void;
  selectPacket(i: number): Promise<void>;
  setSpeed(s: number): void;
  setMaxInsns(n: number): void;
}

export interface PacketsSlice {
  /** null = the default sample traffic. */
  packets: PacketInput[] | null;
  /** The events file for non-packet program types; null = the type's default events. */
  events: string | null;
  /** The events as inputs (materialised by the engine) and the text they came from. */
  eventList: PacketInput[];
  eventsText: string;
  eventsError: string | null;
  setEvents(text: string | null): void;
  /** Summaries of unnamed inputs (captures), fetched for the rows the list shows. */
  summaries: Record<number, string>;
  fetchSummaries(from: number, count: number): Promise<void>;
  samples: PacketInput[];
  detail: PacketDetail | null;
  setPackets(p: PacketInput[] | null): void;
  /** Where a packet program is attached (direction, ifindex, LWT route); {} = the type's default. */
  attach: AttachView;
  setAttach(a: AttachView): void;
  importCapture(name: string, bytes: Uint8Array): Promise<void>;
  addBuiltPacket(form: PacketForm): Promise<string | null>;
  addPastedPacket(text: string): Promise<string | null>;
  exportCapture(): Promise<Uint8Array | null>;
}

export interface MapsSlice {
  mapOverrides: Record<string, MapEntryView[]>;
  setMapEntries(name: string, entries: MapEntryView[]): void;
}

export interface UiSlice {
  theme: Theme;
  numFormat: NumFormat;
  presentation: boolean;
  embed: boolean;
  galleryOpen: boolean;
  message: { kind: 'error' | 'info'; text: string } | null;
  examples: ExampleMeta[];
  progTypes: ProgTypeView[];
  caps: Capabilities | null;
  ready: boolean;
  setTheme(t: Theme): void;
  setNumFormat(f: NumFormat): void;
  setPresentation(p: boolean): void;
  setGalleryOpen(o: boolean): void;
  showMessage(kind: 'error' | 'info', text: string): void;
  clearMessage(): void;
  init(initial: Partial<Experiment>, message: { kind: 'error' | 'info'; text: string } | null, embed: boolean): Promise<void>;
  experiment(): Experiment;
  shareLink(): string;
}

export type Store = SourceSlice & BuildSlice & VerifySlice & RunSlice & PacketsSlice & MapsSlice & UiSlice & EventsSlice & ProgramsSlice;
type Set = (partial: Partial<Store> | ((s: Store) => Partial<Store>)) => void;
type Get = () => Store;

/** Sequence numbers so a stale engine answer never overwrites a newer one. */
let buildSeq = 0;
let frameSeq = 0;
/** The step a frame fetch is under way for: relative moves (F10 pressed twice quickly) count from it, not from
 * the frame still shown, so no key press is lost. */
let pendingStep: number | null = null;
let runCancel = { cancelled: false };
let playTimer: ReturnType<typeof setTimeout> | null = null;
let rebuildTimer: ReturnType<typeof setTimeout> | null = null;
let seedSource = '';
/** Set when the watchdog killed a run: the replay after the restart builds and verifies but does not
 * run again until an input changes (or the same runaway would be killed forever). */
let halted = false;

const RUN_CHUNK = 2500;

/** Frames of the current debug session fetched ahead (the next step), so a Step shows at once. */
let sessionGen = 0;
const frameCache = new Map<number, StepFrame>();
let prefetching = false;

function newSession(): void {
  sessionGen++;
  frameCache.clear();
}

/** Fetches the frame after the one shown, in the background, one request at a time. */
function prefetchNext(get: Get): void {
  const f = get().frame;
  if (!f || prefetching || f.step >= f.total) return;
  const target = f.step + 1;
  if (frameCache.has(target)) return;
  const gen = sessionGen;
  prefetching = true;
  void call('prefetching a step', (e) => e.frame(target))
    .then((frame) => {
      if (gen === sessionGen && frame) frameCache.set(target, frame);
    })
    .catch(() => undefined)
    .finally(() => {
      prefetching = false;
    });
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Whether the program type runs on packets (else on events: kprobe hits, tracepoint records, …). */
export function isPacketType(s: Pick<Store, 'progType' | 'progTypes'>): boolean {
  return s.progTypes.find((t) => t.name === s.progType)?.packetBased ?? true;
}

/** The inputs the program runs on: packets (the user's or the samples) or the type's events. */
export function selectInputs(s: Store): PacketInput[] {
  return isPacketType(s) ? s.packets ?? s.samples : s.eventList;
}

function currentPackets(s: Store): PacketInput[] {
  const list = selectInputs(s);
  // every packet reaches the program at the one attach point the user set
  const meta = attachFor(s.progType, s.attach);
  return isPacketType(s) && Object.keys(meta).length ? list.map((p) => ({ ...p, meta })) : list;
}

function scheduleRebuild(get: Get, ms = 250, inputsChanged = true): void {
  if (inputsChanged) halted = false;
  if (rebuildTimer) clearTimeout(rebuildTimer);
  rebuildTimer = setTimeout(() => {
    rebuildTimer = null;
    void get().rebuild();
  }, ms);
}

const createSourceSlice = (set: Set, get: Get): SourceSlice => ({
  source: '',
  dialect: 'auto',
  progType: 'socket_filter',
  breakpoints: [],
  example: DEFAULT_EXAMPLE_ID,
  setSource(source) {
    if (source === get().source) return;
    set({ source });
    scheduleRebuild(get);
  },
  setDialect(dialect) {
    set({ dialect });
    scheduleRebuild(get, 0);
  },
  setProgType(progType) {
    // Seccomp filters exist only as classic BPF: picking the type picks the dialect too.
    const classicOnly = get().progTypes.find((t) => t.name === progType)?.classicOnly ?? false;
    set({ progType, events: null, cursor: { packet: 0, step: 0 }, ...(classicOnly ? { dialect: 'cbpf' as const } : {}) });
    scheduleRebuild(get, 0);
  },
  toggleBreakpoint(line) {
    const b = get().breakpoints;
    set({ breakpoints: b.includes(line) ? b.filter((x) => x !== line) : [...b, line].sort((x, y) => x - y) });
  },
  async compileFilter(expr) {
    const r = await call('compiling the filter', (e) => e.compileFilter(expr));
    if (!r.listing) return r.diagnostics.map((d) => `${d.col !== null ? `col ${d.col}: ` : ''}${d.message}`).join('; ') || 'cannot compile';
    const header = `# tcpdump -d '${expr.replace(/'/g, "'\\''")}'\n`;
    set({ source: header + r.listing, dialect: 'cbpf', cursor: { packet: get().cursor.packet, step: 0 } });
    await get().rebuild();
    return null;
  },
  async loadExample(id) {
    const ex = await call('opening an example', (e) => e.example(id));
    if (!ex) {
      get().showMessage('error', `There is no example called “${id}”.`);
      return false;
    }
    get().stop();
    set({
      source: ex.source, dialect: ex.meta.dialect, progType: ex.meta.type, example: id, breakpoints: [],
      cursor: { packet: 0, step: 0 }, packets: null, events: null, mapOverrides: {}, attach: {}, galleryOpen: false,
    });
    await get().rebuild();
    return true;
  },
});

const createBuildSlice = (set: Set, get: Get): BuildSlice => ({
  build: null,
  building: false,
  async rebuild() {
    const seq = ++buildSeq;
    newSession();
    runCancel.cancelled = true;
    const s = get();
    set({ building: true, runError: null });
    try {
      const build = await call('building the program', (e) =>
        e.build({ source: s.source, dialect: s.dialect, progType: s.progType }));
      if (seq !== buildSeq) return;
      set({ build, building: false });
      if (!build.ok) {
        set({ report: null, verdicts: [], frame: null, progress: null });
        return;
      }
      if (!isPacketType(get())) {
        const ev = await call('reading the events', (e) => e.eventInputs(get().progType, get().events));
        if (seq !== buildSeq) return;
        set({ eventList: ev.inputs, eventsText: ev.text, eventsError: ev.error });
      }
      const st = get();
      await call('setting the inputs', (e) => e.setInputs({ packets: currentPackets(st), maps: st.mapOverrides, maxInsns: st.maxInsns }));
      if (seq !== buildSeq) return;
      const report = await call('verifying the program', (e) => e.verify({ unpriv: get().unpriv }), 15000);
      if (seq !== buildSeq) return;
      set({ report });
      if (halted) {
        set({ verdicts: [], frame: null, progress: null });
        return;
      }
      await runAll(set, get, seq);
      if (seq !== buildSeq) return;
      const { packet, step } = get().cursor;
      await openPacket(set, get, packet, step);
    } catch (e) {
      if (seq !== buildSeq) return;
      set({ building: false, runError: errText(e), progress: null });
      if (e instanceof WatchdogError) {
        halted = true;
        set({ runError: `Stopped by the watchdog: ${e.message}. Lower the instruction budget or fix the loop, then edit to run again.` });
        get().showMessage('error', `The program ran too long: ${e.message}. Your program and inputs are kept.`);
      }
    }
  },
});

async function runAll(set: Set, get: Get, seq: number): Promise<void> {
  const token = { cancelled: false };
  runCancel = token;
  const total = currentPackets(get()).length;
  const verdicts: PacketVerdict[] = [];
  set({ progress: { done: 0, total }, verdicts: [] });
  for (let from = 0; from < total; from += RUN_CHUNK) {
    if (token.cancelled || seq !== buildSeq) {
      set({ progress: null });
      return;
    }
    const onProgress = proxy((done: number) => set({ progress: { done: from + done, total } }));
    const chunk = await call('running the packets', (e) => e.runPackets(from, RUN_CHUNK, onProgress));
    verdicts.push(...chunk);
    set({ verdicts: verdicts.slice(), progress: { done: Math.min(total, from + RUN_CHUNK), total } });
  }
  set({ progress: null });
}

async function openPacket(set: Set, get: Get, packet: number, step: number): Promise<void> {
  const n = currentPackets(get()).length;
  if (n === 0) {
    set({ frame: null, detail: null });
    return;
  }
  const p = Math.max(0, Math.min(packet, n - 1));
  const seq = ++frameSeq;
  pendingStep = null; // a relative step now counts from the packet opened
  newSession();
  const info = await call('recording the run', (e) => e.debugOpen(p), 8000);
  if (seq !== frameSeq) return;
  set({ runError: info.error, marks: info.marks ?? [] });
  const detail = await call('decoding the packet', (e) => e.packetDetail(p));
  if (seq !== frameSeq) return;
  const target = Math.max(info.firstStep, Math.min(step, info.total));
  const frame = await call('fetching a step', (e) => e.frame(target));
  if (seq !== frameSeq) return;
  set({ detail, frame, cursor: { packet: p, step: frame?.step ?? 0 } });
  prefetchNext(get);
}

const createVerifySlice = (set: Set, get: Get): VerifySlice => ({
  report: null,
  unpriv: false,
  setUnpriv(unpriv) {
    set({ unpriv });
    scheduleRebuild(get, 0);
  },
});

const createRunSlice = (set: Set, get: Get): RunSlice => ({
  verdicts: [],
  progress: null,
  runError: null,
  frame: null,
  cursor: { packet: 0, step: 0 },
  playing: false,
  speed: 8,
  maxInsns: 1_000_000,
  async stepTo(step) {
    const f = get().frame;
    if (!f) return;
    const target = Math.max(f.firstStep, Math.min(step, f.total));
    const seq = ++frameSeq;
    const cached = frameCache.get(target);
    if (cached) {
      pendingStep = null;
      frameCache.clear();
      set({ frame: cached, cursor: { packet: cached.packet, step: cached.step } });
      prefetchNext(get);
      return;
    }
    pendingStep = target;
    try {
      const frame = await call('fetching a step', (e) => e.frame(target));
      if (seq !== frameSeq) return;
      pendingStep = null;
      if (!frame) return;
      frameCache.clear();
      set({ frame, cursor: { packet: frame.packet, step: frame.step } });
      prefetchNext(get);
    } catch (e) {
      if (seq === frameSeq) pendingStep = null;
      set({ runError: errText(e) });
    }
  },
  async stepBy(delta) {
    const f = get().frame;
    if (f) await get().stepTo((pendingStep ?? f.step) + delta);
  },
  async reset() {
    get().stop();
    await get().stepTo(0);
  },
  async runToBreakpoint() {
    const s = get();
    const f = s.frame;
    if (!f) return;
    const target = await call('searching for a breakpoint', (e) => e.findBreakpoint(f.step, s.breakpoints));
    await get().stepTo(target ?? f.total);
  },
  play() {
    const s = get();
    if (!s.frame) return;
    if (s.speed === 0) {
      void s.runToBreakpoint();
      return;
    }
    set({ playing: true });
    const tick = async () => {
      const st = get();
      const f = st.frame;
      if (!st.playing || !f) return;
      if (f.step >= f.total) {
        set({ playing: false });
        return;
      }
      await st.stepBy(1);
      const nf = get().frame;
      if (nf && nf.line !== null && get().breakpoints.includes(nf.line) && nf.step !== f.step) {
        set({ playing: false });
        return;
      }
      playTimer = setTimeout(() => requestAnimationFrame(() => void tick()), 1000 / get().speed);
    };
    void tick();
  },
  stop() {
    if (playTimer) clearTimeout(playTimer);
    playTimer = null;
    set({ playing: false });
  },
  cancelRun() {
    runCancel.cancelled = true;
    set({ progress: null });
  },
  async selectPacket(i) {
    get().stop();
    try {
      await openPacket(set, get, i, 0);
    } catch (e) {
      set({ runError: errText(e) });
    }
  },
  setSpeed(speed) {
    set({ speed });
  },
  setMaxInsns(maxInsns) {
    set({ maxInsns });
    scheduleRebuild(get, 0);
  },
});

const createPacketsSlice = (set: Set, get: Get): PacketsSlice => ({
  packets: null,
  events: null,
  eventList: [],
  eventsText: '',
  eventsError: null,
  summaries: {},
  async fetchSummaries(from, count) {
    const have = get().summaries;
    let need = false;
    for (let i = from; i < from + count; i++) if (have[i] === undefined) need = true;
    if (!need) return;
    const inputs = selectInputs(get());
    try {
      const list = await call('describing packets', (e) => e.packetSummaries(from, count));
      if (selectInputs(get()) !== inputs) return;
      const next = { ...get().summaries };
      list.forEach((t, k) => { next[from + k] = t; });
      set({ summaries: next });
    } catch {
      /* the list shows indices until the engine answers */
    }
  },
  setEvents(events) {
    set({ events, cursor: { packet: 0, step: 0 } });
    scheduleRebuild(get, 0);
  },
  samples: [],
  detail: null,
  setPackets(packets) {
    set({ packets, summaries: {}, cursor: { packet: 0, step: 0 } });
    scheduleRebuild(get, 0);
  },
  attach: {},
  setAttach(attach) {
    set({ attach });
    scheduleRebuild(get);
  },
  async addPastedPacket(text) {
    const r = await call('reading pasted bytes', (e) => e.parsePacketHex(text));
    if (!r.packet) return r.error;
    const list = selectInputs(get());
    set({ packets: [...list, r.packet], summaries: {}, cursor: { packet: list.length, step: 0 } });
    scheduleRebuild(get, 0);
    return null;
  },
  async addBuiltPacket(form) {
    const r = await call('building a packet', (e) => e.buildPacket(form));
    if (!r.packet) return r.error;
    const list = selectInputs(get());
    set({ packets: [...list, r.packet], summaries: {}, cursor: { packet: list.length, step: 0 } });
    scheduleRebuild(get, 0);
    return null;
  },
  async importCapture(name, bytes) {
    const r = await call('reading the capture', (e) => e.readCapture(bytes), 15000);
    if (r.error) {
      get().showMessage('error', `${name}: ${r.error}`);
      return;
    }
    get().showMessage('info', `Opened ${name}: ${r.packets.length} packet${r.packets.length === 1 ? '' : 's'}.`);
    get().setPackets(r.packets);
  },
  async exportCapture() {
    const s = get();
    return call('writing the capture', (e) => e.writeCapture(currentPackets(s)), 15000);
  },
});

const createMapsSlice = (set: Set, get: Get): MapsSlice => ({
  mapOverrides: {},
  setMapEntries(name, entries) {
    set({ mapOverrides: { ...get().mapOverrides, [name]: entries } });
    scheduleRebuild(get, 0);
  },
});

const createUiSlice = (set: Set, get: Get): UiSlice => ({
  theme: 'dark',
  numFormat: 'hex',
  presentation: false,
  embed: false,
  galleryOpen: false,
  message: null,
  examples: [],
  progTypes: [],
  caps: null,
  ready: false,
  setTheme(theme) {
    set({ theme });
    try {
      localStorage.setItem('bpfplay:theme', theme);
    } catch {
      /* storage unavailable: the theme still applies for this visit */
    }
  },
  setNumFormat(numFormat) {
    set({ numFormat });
  },
  setPresentation(presentation) {
    set({ presentation });
  },
  setGalleryOpen(galleryOpen) {
    set({ galleryOpen });
  },
  showMessage(kind, text) {
    set({ message: { kind, text } });
  },
  clearMessage() {
    set({ message: null });
  },
  async init(initial, message, embed) {
    const [examples, progTypes, caps, samples, seed] = await Promise.all([
      call('listing examples', (e) => e.examples()),
      call('listing program types', (e) => e.progTypes()),
      call('probing the engine', (e) => e.capabilities()),
      call('loading sample traffic', (e) => e.samplePackets()),
      call('loading the seed example', (e) => e.example(DEFAULT_EXAMPLE_ID)),
    ]);
    seedSource = seed?.source ?? '';
    const d = defaultExperiment(seedSource);
    const exp = { ...d, ...initial };
    set({
      examples, progTypes, caps, samples, embed, message,
      source: exp.source, dialect: exp.dialect, progType: exp.progType, packets: exp.packets, events: exp.events, mapOverrides: exp.maps,
      breakpoints: exp.breakpoints, cursor: exp.cursor, example: exp.example, unpriv: exp.unpriv, attach: exp.attach, ready: true,
    });
    await get().rebuild();
  },
  experiment() {
    const s = get();
    return {
      source: s.source, dialect: s.dialect, progType: s.progType, packets: s.packets, events: s.events, maps: s.mapOverrides,
      breakpoints: s.breakpoints, cursor: s.cursor, example: s.example, unpriv: s.unpriv, attach: s.attach,
    };
  },
  shareLink() {
    const fields = diffFromDefaults(get().experiment(), defaultExperiment(seedSource));
    return `${location.origin}${location.pathname}${location.search}${encodePermalink(fields)}`;
  },
});

export const useStore = create<Store>()((set, get) => ({
  ...createSourceSlice(set, get),
  ...createBuildSlice(set, get),
  ...createVerifySlice(set, get),
  ...createRunSlice(set, get),
  ...createPacketsSlice(set, get),
  ...createMapsSlice(set, get),
  ...createUiSlice(set, get),
  ...createEventsSlice(set, get),
  ...createProgramsSlice(set, get),
}));

// Several programs: the switcher follows the step shown into the program a tail call reached.
useStore.subscribe((s, prev) => followPrograms(s, prev, useStore.setState));

// A restarted worker has lost its session: replay the inputs.
onEngineRestart(() => {
  if (useStore.getState().ready) scheduleRebuild(useStore.getState, 50, false);
});

// Autosave the inputs (debounced) whenever they change.
let saveTimer: ReturnType<typeof setTimeout> | null = null;
useStore.subscribe((s, prev) => {
  if (!s.ready || s.embed) return;
  if (s.source === prev.source && s.dialect === prev.dialect && s.progType === prev.progType && s.packets === prev.packets && s.events === prev.events &&
    s.mapOverrides === prev.mapOverrides && s.breakpoints === prev.breakpoints && s.cursor === prev.cursor && s.unpriv === prev.unpriv && s.attach === prev.attach) return;
  if (saveTimer) clearTimeout(saveTimer);
  saveTimer = setTimeout(() => {
    const exp = useStore.getState().experiment();
    // Very large captures stay out of the draft (localStorage holds a few MB); the program and the rest are kept.
    const big = (exp.packets?.reduce((n, p) => n + p.hex.length, 0) ?? 0) > 1_000_000;
    const err = saveDraft(big ? { ...exp, packets: null } : exp);
    if (err) useStore.getState().showMessage('error', err);
  }, 300);
});
