// Markdown tables and number cells for the benchmarks that print one.
// (bench-report.ts has its own, private copy; this one is shared by the
// relay and RSS benchmarks.)

export type Align = 'l' | 'r'

/** A padded markdown table: readable as text and as rendered markdown. */
export function table (head: string[], align: Align[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, 3, ...rows.map(row => (row[i] ?? '').length)))
  const cell = (text: string, i: number): string => align[i] === 'r' ? text.padStart(widths[i]!) : text.padEnd(widths[i]!)
  const rule = widths.map((w, i) => align[i] === 'r' ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))
  return [head.map(cell), rule, ...rows.map(row => head.map((_, i) => cell(row[i] ?? '', i)))].map(cells => `| ${cells.join(' | ')} |`).join('\n')
}

export const num = (v: number | undefined, digits: number): string => v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits)

export const MB = 1e6

/** Bytes as MB (10^6), no decimals. */
export const mb = (bytes: number | undefined): string => num(bytes === undefined ? undefined : bytes / MB, 0)
