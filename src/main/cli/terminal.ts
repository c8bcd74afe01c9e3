// What the CLI prints is made of data — class names, file names, paths, error messages quoting them — and data may
// hold terminal controls: an ESC sequence in a file name can clear the screen or retitle the window, a CR can
// overwrite the line it is on, a bidi override can make text read backwards. Every line printed for people
// passes through forTerminal; --json output through forJson, which keeps it valid JSON with the same values.

/**
 * C0 controls but TAB and LF (lines may hold several lines of a table), DEL, C1 controls (U+0080–U+009F:
 * 8-bit CSI and friends), and the invisible bidi controls (ALM, LRM, RLM, embeddings, overrides, isolates).
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with each unsafe character shown as a visible escape: ESC → `\x1b`, BEL → `\x07`, RLO → `\u202e`. */
export function forTerminal(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * A line of JSON text with the characters JSON.stringify leaves raw (DEL, C1, bidi controls; C0 ones it already
 * escapes) written as \uXXXX escapes: the same JSON value, nothing a terminal acts on. They can only stand inside
 * strings in JSON.stringify's output, where such an escape means the very same character.
 */
export function forJson(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
