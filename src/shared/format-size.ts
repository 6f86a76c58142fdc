/** 1234567 → "1.2 MB": a file's size as a person reads it (staff app, portal, mail). */
export function formatSize(size: number): string {
  if (size < 1000) return `${size} B`;
  const [value, unit] = size < 1e6 ? [size / 1e3, 'kB'] : [size / 1e6, 'MB'];
  return `${value.toFixed(value < 10 ? 1 : 0)} ${unit}`;
}
