// A path typed on the host's disk, with the native folder picker beside it where there is one (the desktop app;
// a web page cannot browse the host's disk). Placed inside the caller's row, before its own checks and submit.
import { hostKind } from '../api';

export function PathInput(props: {
  value: string;
  onChange: (value: string) => void;
  disabled: boolean;
  placeholder: string;
  onPick: () => void;
  pickLabel?: string;
  id?: string;
  ariaLabel?: string;
  testId: string;
}) {
  return (
    <>
      <input
        id={props.id}
        className="input"
        style={{ flex: 1, minWidth: 0 }}
        placeholder={props.placeholder}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        disabled={props.disabled}
        aria-label={props.ariaLabel}
        data-testid={props.testId}
      />
      {hostKind() === 'electron' && (
        <button className="btn" type="button" disabled={props.disabled} onClick={props.onPick}>
          {props.pickLabel ?? 'Choose…'}
        </button>
      )}
    </>
  );
}
