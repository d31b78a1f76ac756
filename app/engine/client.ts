// The app's handle on the engine worker: a module Worker running worker/entry.ts, wrapped with comlink.
// Every call goes through `call()`, which arms a watchdog: if the worker does not answer in time (a
// runaway program, a hang), the worker is terminated and a fresh one started; listeners (the store)
// then replay their inputs so nothing the user typed is lost. It holds no application state itself.
import { proxy, wrap, type Remote } from 'comlink';
import type { EngineApi } from '../../worker/api/engine';

export type Engine = Remote<EngineApi>;

export class WatchdogError extends Error {
  constructor(public readonly ms: number, what: string) {
    super(`${what} did not finish within ${(ms / 1000).toFixed(1)} s; the engine was restarted`);
    this.name = 'WatchdogError';
  }
}

let worker: Worker | null = null;
let api: Engine | null = null;
let generation = 0;
const restartListeners = new Set<() => void>();

function start(): Engine {
  worker = new Worker(new URL('../../worker/entry.ts', import.meta.url), { type: 'module', name: 'bpfplay-engine' });
  api = wrap<EngineApi>(worker);
  generation++;
  return api;
}

export function engine(): Engine {
  return api ?? start();
}

/** Terminates the worker at once (hard cancel) and starts a new one; listeners replay their inputs. */
export function restartEngine(): void {
  worker?.terminate();
  worker = null;
  api = null;
  start();
  for (const l of restartListeners) l();
}

export function onEngineRestart(l: () => void): () => void {
  restartListeners.add(l);
  return () => restartListeners.delete(l);
}

export function engineGeneration(): number {
  return generation;
}

/** Default time one engine call may take before the watchdog restarts the worker. */
export const DEFAULT_WATCHDOG_MS = 4000;

/** Runs one engine call under the watchdog. */
export async function call<T>(what: string, fn: (e: Engine) => Promise<T>, ms = DEFAULT_WATCHDOG_MS): Promise<T> {
  const e = engine();
  const gen = generation;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watchdog = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      if (gen === generation) restartEngine();
      reject(new WatchdogError(ms, what));
    }, ms);
  });
  try {
    return await Promise.race([fn(e), watchdog]);
  } finally {
    clearTimeout(timer);
  }
}

export { proxy };
