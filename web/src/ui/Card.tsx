import type { ReactNode } from 'react';

/** A titled white panel, the dashboard's main building block. */
export function Card(props: {
  title?: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  headingLevel?: 2 | 3;
}) {
  const Heading = props.headingLevel === 3 ? 'h3' : 'h2';
  return (
    <section className={`card${props.className ? ` ${props.className}` : ''}`}>
      {props.title || props.actions ? (
        <header className="card-header">
          <div>
            {props.title ? <Heading className="card-title">{props.title}</Heading> : null}
            {props.description ? <p className="card-description">{props.description}</p> : null}
          </div>
          {props.actions ? <div className="card-actions">{props.actions}</div> : null}
        </header>
      ) : null}
      <div className="card-body">{props.children}</div>
    </section>
  );
}
