/**
 * CSV as RFC 4180 writes it (CRLF, quotes doubled), made safe to open in a spreadsheet: a text cell
 * starting with = + - @ (or tab / carriage return) would run as a formula, so it gets a leading
 * single quote (OWASP's CSV injection advice). Numbers we produce ourselves are left alone.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export const csvLine = (cells: (string | number | null)[]) => `${cells.map(csvCell).join(',')}\r\n`;

/** Excel reads a file without a byte order mark as the local code page and mangles accents. */
export const CSV_BOM = '\uFEFF';

/** Formats instants as "2024-03-05 23:30:00", the wall-clock time in the given IANA zone. */
export function localTimeFormatter(timeZone: string): (date: Date) => string {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  return (date) => {
    const parts = format.formatToParts(date);
    const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
    return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
  };
}
