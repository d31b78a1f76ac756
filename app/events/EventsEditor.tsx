// The events editor: the list of events a non-packet program runs on (select, add, duplicate, delete,
// reorder) and a form for the selected one (forms.tsx), or the whole events file as JSON ("Edit as JSON").
// Both views edit one draft of the events-file text; Apply hands it to the store (`setEvents`), which the
// engine parses: its located errors are shown here and the draft keeps exactly what was typed. Types
// without a form (seccomp) open in the JSON view.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useStore } from '../store';
import { FORMS } from './forms';
import {
  duplicateEvent, eventSummary, insertEvent, isFormType, isObj, moveEvent, newEvent, parseDoc, removeEvent, replaceEvent, serializeDoc, setIn,
  type EventObj, type EventsDoc, type Json,
} from './model';

export function EventsEditor({ onClose }: { onClose: () => void }) {
  const eventsText = useStore((s) => s.eventsText);
  const eventsError = useStore((s) => s.eventsError);
  const progType = useStore((s) => s.progType);
  const setEvents = useStore((s) => s.setEvents);
  const cat = useStore((s) => s.catalogue);
  const loadCatalogue = useStore((s) => s.loadCatalogue);
  const cursor = useStore((s) => s.cursor.packet);
  const inputs = useStore((s) => s.eventList);
  const hasForm = isFormType(progType);
  const [draft, setDraft] = useState(eventsText);
  const [dirty, setDirty] = useState(false);
  const [json, setJson] = useState(!hasForm);
  const [sel, setSel] = useState(0);
  const items = useRef<(HTMLButtonElement | null)[]>([]);
  const focusEvent = useStore((s) => s.focusEvent);
  /** The event being edited when Apply was pressed: once the engine's inputs arrive, the cursor goes to it. */
  const applied = useRef<number | null>(null);
  useEffect(() => void loadCatalogue(), [loadCatalogue]);
  // Follow the store (a context-view edit, an example, Defaults) while nothing here is pending; a change
  // made elsewhere while this draft is pending is flagged (Apply would replace it).
  // After Apply the store still holds the old text until the engine answers: that old text is ignored.
  const base = useRef(eventsText);
  const awaiting = useRef<string | null>(null);
  const [elsewhere, setElsewhere] = useState(false);
  useEffect(() => {
    if (awaiting.current !== null) {
      if (eventsText === awaiting.current) return;
      awaiting.current = null;
    }
    if (!dirty) {
      setDraft(eventsText);
      setElsewhere(false);
      base.current = eventsText;
    } else if (eventsText !== base.current) setElsewhere(true);
  }, [eventsText, dirty]);
  // After Apply, the run opens at the event being edited; selecting an input selects its event.
  useEffect(() => {
    if (applied.current === null) return;
    focusEvent(applied.current);
    applied.current = null;
  }, [inputs, focusEvent]);
  useEffect(() => {
    const ev = useStore.getState().eventList[cursor]?.event;
    if (ev !== undefined && applied.current === null) setSel(ev);
  }, [cursor]);
  const { doc, error } = useMemo(() => parseDoc(draft), [draft]);
  const edit = (d: EventsDoc) => {
    setDraft(serializeDoc(d));
    setDirty(true);
  };
  const apply = () => {
    applied.current = Math.min(sel, Math.max(0, (doc?.events.length ?? 1) - 1));
    awaiting.current = eventsText;
    base.current = draft;
    setEvents(draft);
    setDirty(false);
    setElsewhere(false);
  };
  const events = doc?.events ?? [];
  const i = Math.min(sel, Math.max(0, events.length - 1));
  const ev = events[i];
  const Form = FORMS[progType];
  const typeMismatch = doc && doc.type !== progType;
  // The list is keyboard-operable: Up/Down select, Alt+Up/Down move the selected event.
  const onListKey = (e: KeyboardEvent) => {
    if (!doc || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
    e.preventDefault();
    const d = e.key === 'ArrowUp' ? -1 : 1;
    const focused = items.current.findIndex((el) => el !== null && el === e.target);
    const from = focused >= 0 ? focused : i;
    const j = Math.max(0, Math.min(events.length - 1, from + d));
    if (j === from) return;
    if (e.altKey) edit(moveEvent(doc, from, d));
    setSel(j);
    requestAnimationFrame(() => items.current[j]?.focus());
  };

  return (
    <section className="evx" aria-label="Events editor" onKeyDown={(e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        apply();
      }
      if (e.key === 'Escape') onClose();
    }}>
      <div className="evx-bar">
        <strong>Events</strong>
        {hasForm ? (
          <button type="button" aria-pressed={json} onClick={() => setJson(!json)} title="Edit the whole events file as JSON (the format of cli run --events)">Edit as JSON</button>
        ) : null}
        <span className={`evx-state${elsewhere ? ' err' : ' dim'}`} role="status">
          {elsewhere ? 'the events also changed outside this editor: Apply replaces them with this draft' : dirty ? 'changed — Apply to run' : ''}
        </span>
        <button type="button" className="primary" onClick={apply} title="Run the program on these events (Ctrl+Enter)">Apply</button>
        <button type="button" onClick={() => { awaiting.current = eventsText; setDirty(false); setElsewhere(false); setEvents(null); }} title="The program type's default events">Defaults</button>
        <button type="button" onClick={onClose} title="Close the editor (Esc)">Close</button>
      </div>
      {eventsError && !dirty ? <p className="err evx-err" role="alert">{eventsError}</p> : null}
      {json || !hasForm ? (
        <textarea className="evx-json mono" aria-label="Events (JSON)" value={draft} rows={14} spellCheck={false} onChange={(e) => { setDraft(e.target.value); setDirty(true); }} />
      ) : !doc ? (
        <p className="err">{error}</p>
      ) : (
        <div className="evx-body">
          {typeMismatch ? <p className="err">These events are for {doc.type}: use Defaults for {progType} events.</p> : null}
          <div className="evx-list">
            <ol aria-label="Event list" onKeyDown={onListKey}>
              {events.map((e, k) => (
                <li key={k} className={k === i ? 'sel' : undefined}>
                  <button type="button" className="evx-item" aria-current={k === i || undefined} onClick={() => setSel(k)} ref={(el) => { items.current[k] = el; }}
                    title="Up/Down: select · Alt+Up/Down: move">
                    <span className="dim">{k + 1}</span> {eventSummary(progType, e)}
                  </button>
                  <span className="evx-ops">
                    <button type="button" aria-label={`Move event ${k + 1} up`} title="Move up" disabled={k === 0} onClick={() => { edit(moveEvent(doc, k, -1)); setSel(k - 1); }}>↑</button>
                    <button type="button" aria-label={`Move event ${k + 1} down`} title="Move down" disabled={k === events.length - 1} onClick={() => { edit(moveEvent(doc, k, 1)); setSel(k + 1); }}>↓</button>
                    <button type="button" aria-label={`Duplicate event ${k + 1}`} title="Duplicate" onClick={() => { edit(duplicateEvent(doc, k)); setSel(k + 1); }}>Dup</button>
                    <button type="button" aria-label={`Delete event ${k + 1}`} title="Delete" onClick={() => { edit(removeEvent(doc, k)); setSel(Math.max(0, k - 1)); }}>✕</button>
                  </span>
                </li>
              ))}
            </ol>
            <button type="button" onClick={() => { edit(insertEvent(doc, i + 1, newEvent(progType, cat))); setSel(events.length ? i + 1 : 0); }}>Add event</button>
          </div>
          {isObj(ev) && Form ? (
            <form className="evx-form" aria-label={`Event ${i + 1}`} onSubmit={(e) => { e.preventDefault(); apply(); }}>
              <Form ev={ev} doc={doc} cat={cat}
                set={(path: (string | number)[], v: Json | undefined) => edit(replaceEvent(doc, i, setIn(ev, path, v)))}
                put={(next: EventObj) => edit(replaceEvent(doc, i, next))}
                setDoc={edit}
                splice={(list: Json[]) => edit({ ...doc, events: [...doc.events.slice(0, i), ...list, ...doc.events.slice(i + 1)] })} />
              <button type="submit" hidden>Apply</button>
            </form>
          ) : events.length === 0 ? <p className="empty">No events: add one.</p> : <p className="err">Event {i + 1} is not an object: fix it in the JSON view.</p>}
        </div>
      )}
    </section>
  );
}
