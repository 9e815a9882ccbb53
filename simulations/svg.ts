// A small SVG line chart writer for the scenario results (no dependencies:
// the plots are committed next to the CSVs and shown in the README).

export interface Series {
  name: string
  points: Array<[number, number]>
}

export interface ChartOptions {
  title: string
  xLabel: string
  yLabel: string
  logX?: boolean
  logY?: boolean
  width?: number
  height?: number
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#17becf', '#bcbd22']

export function lineChart (series: readonly Series[], o: ChartOptions): string {
  const W = o.width ?? 780
  const H = o.height ?? 420
  const m = { left: 70, right: 240, top: 40, bottom: 50 }
  const pts = series.flatMap(s => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
  const fx = o.logX === true ? Math.log10 : (v: number) => v
  const fy = o.logY === true ? Math.log10 : (v: number) => v
  const xs = pts.map(p => fx(p[0]))
  const ys = pts.map(p => fy(p[1]))
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)]
  let [y0, y1] = [o.logY === true ? Math.min(...ys) : Math.min(0, ...ys), Math.max(...ys)]
  if (x0 === x1) { x0 -= 1; x1 += 1 }
  if (y0 === y1) { y0 -= 1; y1 += 1 }
  y1 += (y1 - y0) * 0.05
  const px = (v: number): number => m.left + (fx(v) - x0) / (x1 - x0) * (W - m.left - m.right)
  const py = (v: number): number => H - m.bottom - (fy(v) - y0) / (y1 - y0) * (H - m.top - m.bottom)
  const out: string[] = []
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`)
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`)
  out.push(`<text x="${W / 2 - m.right / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${esc(o.title)}</text>`)
  // Axes and ticks.
  const axisY = H - m.bottom
  out.push(`<line x1="${m.left}" y1="${axisY}" x2="${W - m.right}" y2="${axisY}" stroke="black"/>`)
  out.push(`<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${axisY}" stroke="black"/>`)
  for (const t of ticks(x0, x1, o.logX === true)) {
    const x = px(t)
    out.push(`<line x1="${x}" y1="${axisY}" x2="${x}" y2="${axisY + 5}" stroke="black"/><text x="${x}" y="${axisY + 18}" text-anchor="middle">${fmt(t)}</text>`)
  }
  for (const t of ticks(y0, y1, o.logY === true)) {
    const y = py(t)
    out.push(`<line x1="${m.left - 5}" y1="${y}" x2="${W - m.right}" y2="${y}" stroke="#ddd"/><text x="${m.left - 8}" y="${y + 4}" text-anchor="end">${fmt(t)}</text>`)
  }
  out.push(`<text x="${(m.left + W - m.right) / 2}" y="${H - 12}" text-anchor="middle">${esc(o.xLabel)}</text>`)
  out.push(`<text transform="translate(16 ${(m.top + axisY) / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`)
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!
    const good = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
    if (good.length > 0) {
      out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${good.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`)
      for (const [x, y] of good) out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${color}"/>`)
    }
    const ly = m.top + 10 + i * 18
    out.push(`<line x1="${W - m.right + 15}" y1="${ly}" x2="${W - m.right + 35}" y2="${ly}" stroke="${color}" stroke-width="2"/><text x="${W - m.right + 40}" y="${ly + 4}">${esc(s.name)}</text>`)
  })
  out.push('</svg>')
  return out.join('\n') + '\n'
}

function ticks (lo: number, hi: number, log: boolean): number[] {
  if (log) {
    const out: number[] = []
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
      for (const m of [1, 2, 5]) {
        const v = m * 10 ** e
        if (Math.log10(v) >= lo - 1e-9 && Math.log10(v) <= hi + 1e-9) out.push(v)
      }
    }
    return out
  }
  const step = niceStep((hi - lo) / 6)
  const out: number[] = []
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(Number(v.toPrecision(12)))
  return out
}

function niceStep (raw: number): number {
  const e = 10 ** Math.floor(Math.log10(raw))
  const f = raw / e
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * e
}

const fmt = (v: number): string => Math.abs(v) >= 1000 ? `${Number((v / 1000).toPrecision(3))}k` : String(Number(v.toPrecision(3)))
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
