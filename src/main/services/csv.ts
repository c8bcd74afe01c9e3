// The one writer of CSV cells. Cells are quoted per RFC 4180 (a comma, quote, CR or LF, or edge spaces); a text
// cell a spreadsheet would run as a formula — one starting with =, +, -, @, TAB or CR, the OWASP list — gets a
// leading single quote, the convention spreadsheets themselves use to mark a cell as text. Class and file names
// are user data: `=HYPERLINK("http://…","open me")` as a class must stay a label, never become a live link.

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: numbers as they are, text neutralized and quoted when needed, null as an empty cell. */
export function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = typeof v === 'number' ? String(v) : FORMULA_START.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One record (without its line break). */
export function csvRow(cells: ReadonlyArray<string | number | null>): string {
  return cells.map(csvCell).join(',');
}
