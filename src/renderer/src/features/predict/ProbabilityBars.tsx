// Class probabilities as horizontal bars, highest first, coloured by class.
import { classSlot, useApp } from '../../app/app.store';
import { pct } from '../../app/format';

export function ProbabilityBars({ probabilities, limit = 10 }: { probabilities: Record<string, number>; limit?: number }) {
  const library = useApp((s) => s.library);
  const rows = Object.entries(probabilities)
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit);
  const slotOf = (name: string) => {
    const c = library?.classes.find((x) => x.name === name);
    return c ? classSlot(library, c.id) : 8;
  };
  return (
    <div className="probs">
      {rows.map(([name, p], i) => (
        <div key={name} className={`prob-row${i === 0 ? ' top' : ''}`}>
          <span>{name}</span>
          <div className="bar">
            <div style={{ width: `${Math.max(0, Math.min(1, p)) * 100}%`, background: `var(--class-${slotOf(name)})` }} />
          </div>
          <span className="v">{pct(p)}</span>
        </div>
      ))}
    </div>
  );
}
