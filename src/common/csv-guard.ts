// Formula-injection guard for every text cell of every CSV export (OWASP "CSV Injection"):
// a cell a spreadsheet could read as a formula gets a leading ' so it opens as text.
// Not only the first character counts: spreadsheets skip leading spaces and invisible
// characters (NBSP, BOM, ZWSP, bidi marks), treat ; and , as separators in some locales
// (";=1+1"), accept full-width and small forms of = + - @, and run DDE (`cmd|' /C calc'!A0`).
// The same rule is compiled to a JavaScript RegExp (safeText) and a PostgreSQL regex (the
// devices export writes its CSV in SQL), from the one list below, so the two cannot drift.

/** Characters a spreadsheet may skip before it looks for a formula sign: [from, to] code points. */
const SKIPPED: ReadonlyArray<readonly [number, number]> = [
  [0x01, 0x20], [0x22, 0x22], [0x2c, 0x2c], [0x3b, 0x3b], [0x7f, 0xa0], [0xad, 0xad], [0x34f, 0x34f], [0x61c, 0x61c],
  [0x115f, 0x1160], [0x1680, 0x1680], [0x17b4, 0x17b5], [0x180b, 0x180e], [0x2000, 0x200f], [0x2028, 0x202f],
  [0x205f, 0x206f], [0x3000, 0x3000], [0x3164, 0x3164], [0xfe00, 0xfe0f], [0xfeff, 0xfeff], [0xffa0, 0xffa0], [0xfff0, 0xfff8],
];
/** Formula signs: = + - @, their full-width and small forms, the minus sign. */
const SIGNS: readonly number[] = [0x3d, 0x2b, 0x2d, 0x40, 0xff1d, 0xff0b, 0xff0d, 0xff20, 0xfe66, 0xfe62, 0xfe63, 0xfe6b, 0x2212];
/** A cell starting with any C0 control (tab, CR, LF, VT, FF...) is guarded whatever follows. */
const LEADING_CONTROL: readonly [number, number] = [0x01, 0x1f];

const hex = (code: number) => code.toString(16).padStart(4, '0');
const cls = (ranges: ReadonlyArray<readonly [number, number]>) => ranges.map(([a, b]) => (a === b ? `\\u${hex(a)}` : `\\u${hex(a)}-\\u${hex(b)}`)).join('');
const SKIPPED_CLASS = cls(SKIPPED);
const SIGNS_CLASS = cls(SIGNS.map((c) => [c, c] as const));
const CONTROL_CLASS = cls([LEADING_CONTROL]);

// DDE: a program name, a pipe, and a topic ending in !  (cmd|' /C calc'!A0).
const DDE = String.raw`[A-Za-z0-9_]\|[^!]*!`;
/** The rule in regex syntax both engines read alike (\uXXXX escapes in bracket expressions). */
export const FORMULA_PATTERN_SOURCE = `^[${SKIPPED_CLASS}]*[${SIGNS_CLASS}]|^[${CONTROL_CLASS}]|${DDE}`;
export const FORMULA_PATTERN = new RegExp(FORMULA_PATTERN_SOURCE);

/** Text a spreadsheet could run, prefixed with ' ; anything else unchanged. */
export function safeText(value: string | null | undefined): string {
  const text = value ?? '';
  return FORMULA_PATTERN.test(text) ? `'${text}` : text;
}

/** safeText in SQL for a text expression (NULL stays NULL: an empty cell). */
export function safeTextSql(expr: string): string {
  return `CASE WHEN ${expr} ~ '${FORMULA_PATTERN_SOURCE.replace(/'/g, "''")}' THEN '''' || ${expr} ELSE ${expr} END`;
}
