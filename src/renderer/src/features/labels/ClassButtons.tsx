// The row of class buttons under an image being decided (Review, Suspects): one per class, the first nine with
// the digit key that does the same.
export function ClassButtons(props: {
  classes: ReadonlyArray<{ id: number; name: string }>;
  onPick: (index: number) => void;
  /** each button's data-testid is this followed by the class name */
  testIdPrefix?: string;
}) {
  return (
    <div className="row wrap">
      {props.classes.map((c, i) => (
        <button key={c.id} className="btn sm ghost" onClick={() => props.onPick(i)} data-testid={props.testIdPrefix ? `${props.testIdPrefix}${c.name}` : undefined}>
          {c.name} {i < 9 && <span className="kbd">{i + 1}</span>}
        </button>
      ))}
    </div>
  );
}
