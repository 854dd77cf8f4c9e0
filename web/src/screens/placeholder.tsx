import { Card } from '../ui/index.ts';

/** Stands in for a screen that is not built yet, so its navigation entry already works. */
export function Placeholder(props: { title: string; what: string }) {
  return (
    <div className="screen">
      <h1 className="screen-title">{props.title}</h1>
      <Card>
        <p className="muted">{props.what} will appear here.</p>
      </Card>
    </div>
  );
}
