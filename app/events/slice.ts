// The events slice of the store: the catalogues the event editors offer (fetched once from the engine),
// the context-structure view of the selected event or packet (re-fetched after each run or selection), and the
// action that writes a context-field edit into the events file. The events text itself stays in the
// packets slice (`events`, `eventsText`, `setEvents`), so permalinks, drafts and `cli run --events` see
// one format. It does not parse numbers: the engine reports bad values with their location.
import type { CtxView, EventCatalogue } from '../../worker/api/types';
import { call } from '../engine/client';
import type { Store } from '../store';
import { applyCtxEdit, isObj, parseDoc, replaceEvent, serializeDoc } from './model';

export interface EventsSlice {
  catalogue: EventCatalogue | null;
  loadCatalogue(): Promise<void>;
  ctxView: CtxView | null;
  /** The last context-field edit, kept while the engine reports an error so the typed text stays visible. */
  ctxEdit: { field: string; text: string } | null;
  loadCtxView(): Promise<void>;
  editCtxField(field: string, text: string, isText: boolean): void;
  /** Moves the cursor to the first input that came from events-file event `event` (no engine call: the
   * rebuild that follows an Apply opens the cursor's input). */
  focusEvent(event: number): void;
}

let ctxSeq = 0;

export const createEventsSlice = (set: (p: Partial<Store>) => void, get: () => Store): EventsSlice => ({
  catalogue: null,
  ctxView: null,
  ctxEdit: null,
  async loadCatalogue() {
    if (get().catalogue) return;
    try {
      set({ catalogue: await call('listing the event catalogues', (e) => e.eventCatalogue()) });
    } catch {
      /* the forms show plain inputs until the engine answers */
    }
  },
  async loadCtxView() {
    const seq = ++ctxSeq;
    const s = get();
    const packetBased = s.progTypes.find((t) => t.name === s.progType)?.packetBased ?? true;
    const input = (packetBased ? s.packets ?? s.samples : s.eventList)[s.cursor.packet];
    if (!input) {
      set({ ctxView: null });
      return;
    }
    try {
      const v = await call('reading the context', (e) => e.ctxView(s.progType, packetBased ? null : s.eventsText, s.cursor.packet), 8000);
      if (seq === ctxSeq) set({ ctxView: v });
    } catch {
      if (seq === ctxSeq) set({ ctxView: null });
    }
  },
  focusEvent(event) {
    const s = get();
    const k = s.eventList.findIndex((x) => x.event === event);
    if (k >= 0 && k !== s.cursor.packet) set({ cursor: { packet: k, step: 0 } });
  },
  editCtxField(field, text, isText) {
    const s = get();
    const view = s.ctxView;
    const { doc } = parseDoc(s.eventsText);
    if (!doc || !view || view.event === null) return;
    const ev = doc.events[view.event];
    if (!isObj(ev)) return;
    const next = replaceEvent(doc, view.event, applyCtxEdit(doc.type, ev, field, text, isText, s.catalogue));
    set({ ctxEdit: { field, text } });
    // keep the selected event: setEvents resets the cursor to the first input
    const packet = s.cursor.packet;
    s.setEvents(serializeDoc(next));
    set({ cursor: { packet, step: 0 } });
  },
});
