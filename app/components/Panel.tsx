// A named landmark panel (role=region with an accessible name) with a header and scrolling body.
import type { ReactNode } from 'react';

export function Panel(props: { name: string; className?: string; tools?: ReactNode; children: ReactNode; title?: string }) {
  const id = `panel-${props.name.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section className={`panel ${props.className ?? ''}`} aria-labelledby={id}>
      <header className="panel-head">
        <h2 id={id}>{props.name}</h2>
        {props.title ? <span className="panel-sub">{props.title}</span> : null}
        <div className="panel-tools">{props.tools}</div>
      </header>
      <div className="panel-body">{props.children}</div>
    </section>
  );
}
