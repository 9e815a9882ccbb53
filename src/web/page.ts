// The live view's one page: HTML, CSS and script inline, nothing fetched
// but /events from the same server. Every string from the server (node
// names, addresses and reasons come from the network) is put in the page as
// a text node or an attribute value, never parsed as HTML; the CSP admits
// only this script and this style (by hash), so even a slip would run
// nothing.

import { createHash } from 'node:crypto'

const STYLE = `
:root { --ok: #1a7f37; --bad: #cf222e; --run: #0969da; --wait: #6e7781; --line: #d0d7de; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; background: #fff; }
header { display: flex; gap: 12px; align-items: baseline; padding: 10px 18px; background: #24292f; color: #fff; }
header h1 { font-size: 17px; margin: 0; font-weight: 600; }
header .grow { flex: 1; }
main { padding: 14px 18px; display: grid; gap: 14px; grid-template-columns: 1fr 1fr; }
section { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; min-width: 0; overflow-x: auto; }
section.wide { grid-column: 1 / -1; }
h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: #57606a; margin: 0 0 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: middle; white-space: nowrap; }
td.note { white-space: normal; color: #57606a; min-width: 220px; max-width: 420px; overflow-wrap: anywhere; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px; color: #fff; background: var(--wait); }
.state-running, .state-proving, .state-identity { background: var(--run); }
.state-verified { background: var(--ok); }
.state-failed, .state-mismatch { background: var(--bad); }
.phase { padding: 1px 8px; border-radius: 10px; background: #57606a; font-size: 12px; }
.phase.running { background: var(--run); } .phase.finished { background: var(--ok); } .phase.failed { background: var(--bad); }
.bar { display: inline-block; width: 140px; height: 10px; background: #eaeef2; border-radius: 5px; overflow: hidden; vertical-align: middle; }
.bar.big { width: 100%; height: 14px; display: block; margin: 6px 0; }
.fill { height: 100%; width: 0; background: var(--run); transition: width .4s; }
tr[data-state=verified] .fill { background: var(--ok); } tr[data-state=failed] .fill, tr[data-state=mismatch] .fill { background: var(--bad); }
ul.tree, ul.tree ul { list-style: none; margin: 0; padding-left: 14px; }
ul.tree { padding-left: 0; }
ul.tree li { margin: 3px 0; white-space: nowrap; }
ul.tree ul li::before { content: "└─ "; color: #8c959f; }
.tn { font-weight: 600; }
.gone { text-decoration: line-through; color: #8c959f; }
.muted { color: #57606a; }
#failures li { color: var(--bad); margin: 3px 0; overflow-wrap: anywhere; }
#failures li.new { animation: flash 2s; }
@keyframes flash { from { background: #ffebe9; } to { background: transparent; } }
#log { max-height: 180px; overflow: auto; background: var(--soft); padding: 6px 8px; margin: 0; font: 12px/1.4 ui-monospace, monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
#report-summary { font-weight: 600; }
.ok { color: var(--ok); } .bad { color: var(--bad); }
`

const SCRIPT = `
'use strict'
const $ = id => document.getElementById(id)
// Every string becomes a text node (append never parses HTML); attributes are set as values.
function el (tag, attrs, ...kids) {
  const e = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) e.setAttribute(k, String(v))
  for (const k of kids) if (k !== undefined && k !== null) e.append(k instanceof Node ? k : String(k))
  return e
}
const MB = 1e6
const word = s => String(s).replace(/[^a-z]/g, '')
function bytes (n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let i = 0; let v = n
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++ }
  return (i === 0 ? String(v) : v.toFixed(1)) + ' ' + units[i]
}
const rate = bps => (bps / MB).toFixed(1)
const pct = (done, total) => total > 0 ? Math.min(100, 100 * done / total) : 0
const seconds = ms => (ms / 1000).toFixed(1) + ' s'
function shortAddr (a) {
  const m = /^\\/ip[46]\\/([^/]+)\\/tcp\\/(\\d+)/.exec(String(a))
  return m === null ? String(a) : m[1] + ':' + m[2]
}
function bar (percent, big) {
  const fill = el('div', { class: 'fill' })
  fill.style.width = percent.toFixed(1) + '%'
  return el('div', { class: big ? 'bar big' : 'bar' }, fill)
}
const badge = state => el('span', { class: 'badge state-' + word(state) }, state)

let snapshot = null
let report = null
let ended = false

function byPosition (a, b) {
  const pa = a.position < 0 ? Infinity : a.position
  const pb = b.position < 0 ? Infinity : b.position
  return pa - pb || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
}

function renderTopology (nodes) {
  const known = new Set(nodes.map(n => n.peerId))
  const children = new Map()
  for (const n of [...nodes].sort(byPosition)) {
    const up = n.upstream !== undefined && known.has(n.upstream) ? n.upstream : ''
    if (!children.has(up)) children.set(up, [])
    children.get(up).push(n)
  }
  const seen = new Set()
  const item = n => {
    seen.add(n.peerId)
    const gone = n.state === 'failed' || n.state === 'mismatch'
    const li = el('li', { 'data-peer': n.peerId }, el('span', { class: gone ? 'tn gone' : 'tn' }, n.name), ' ', badge(n.state),
      ' ', el('span', { class: 'muted' }, pct(n.bytes, snapshot.imageBytes).toFixed(0) + '%' + (n.background ? ' · background' : '')))
    const kids = (children.get(n.peerId) || []).filter(k => !seen.has(k.peerId))
    if (kids.length > 0) li.append(el('ul', {}, ...kids.map(item)))
    return li
  }
  const top = el('ul', {}, ...(children.get('') || []).map(item))
  // A loop in what the server sent (it should never hold one) still shows every node.
  for (const n of nodes) if (!seen.has(n.peerId)) top.append(item(n))
  $('topology').replaceChildren(el('ul', { class: 'tree' }, el('li', {}, el('span', { class: 'tn' }, 'source'), el('span', { class: 'muted' }, ' (this coordinator)'), top)))
}

function renderNodes (nodes) {
  const rows = [...nodes].sort(byPosition).map(n => el('tr', { 'data-peer': n.peerId, 'data-state': n.state, 'data-bytes': n.bytes },
    el('td', { class: 'num' }, n.position < 0 ? '' : n.position),
    el('td', { class: 'tn' }, n.name),
    el('td', {}, shortAddr(n.address)),
    el('td', {}, n.upstreamName !== undefined ? n.upstreamName : n.position < 0 ? '' : 'source'),
    el('td', {}, badge(n.state)),
    el('td', {}, bar(pct(n.bytes, snapshot.imageBytes)), ' ', el('span', { class: 'pct' }, pct(n.bytes, snapshot.imageBytes).toFixed(1) + '%')),
    el('td', { class: 'num rate' }, n.state === 'running' ? rate(n.bytesPerSecond) : ''),
    el('td', { class: 'note' }, n.reason !== undefined ? n.reason : n.identity === 'set' ? 'identity set' : n.identity === 'waiting' ? 'setting its identity' : n.background ? 'straggler: served in the background' : n.restarts > 0 ? 'restarted ' + n.restarts + 'x, resumed at ' + bytes(n.resumedFrom) : n.joinedLate ? 'joined late' : '')))
  $('node-rows').replaceChildren(...rows)
  if (rows.length === 0) $('node-rows').append(el('tr', {}, el('td', { colspan: 8, class: 'muted' }, 'no node has joined yet')))
}

function renderOverall () {
  const o = snapshot.overall
  const phase = report !== null ? (report.ok ? 'finished' : 'failed') : snapshot.phase
  const p = $('phase')
  p.textContent = report !== null ? (report.ok ? 'finished' : 'finished, not ok') : snapshot.phase
  p.className = 'phase ' + word(phase)
  p.setAttribute('data-phase', phase)
  const expected = snapshot.expectedNodes !== undefined ? ' of ' + snapshot.expectedNodes : ''
  const done = report !== null ? 100 : pct(o.bytesWritten, o.bytesWanted)
  $('overall-bar').replaceChildren(bar(done, true))
  $('overall-text').textContent = o.nodes + expected + ' node(s): ' + o.verified + ' verified, ' + o.running + ' running, ' +
    o.failed + ' failed' + (o.waiting > 0 ? ', ' + o.waiting + ' waiting' : '') + ' · ' + done.toFixed(1) + '% of ' +
    bytes(snapshot.imageBytes) + ' per node · ' + rate(o.bytesPerSecond) + ' MB/s written in all · ' +
    seconds(report !== null ? report.seconds * 1000 : snapshot.elapsedMs)
}

function render () {
  if (snapshot === null) return
  renderOverall()
  renderTopology(snapshot.nodes)
  renderNodes(snapshot.nodes)
}

function addFailure (f, fresh) {
  const list = $('failures')
  $('no-failures').hidden = true
  const li = el('li', { class: fresh ? 'new' : '', 'data-peer': f.peerId },
    el('span', { class: 'muted' }, '[' + seconds(f.elapsedMs) + '] '), el('span', { class: 'tn' }, f.name),
    ' ' + (f.state === 'mismatch' ? 'did not verify' : 'failed') + (f.code ? ' (' + f.code + ')' : '') + ' at ' + bytes(f.bytes) + ': ', f.reason)
  list.append(li)
}

const MAX_LOG_LINES = 200
function addLog (line) {
  const log = $('log')
  log.append(el('div', {}, line))
  while (log.childNodes.length > MAX_LOG_LINES) log.firstChild.remove()
  log.scrollTop = log.scrollHeight
}

function showReport (r) {
  report = r
  $('report').hidden = false
  const summary = $('report-summary')
  summary.className = r.ok ? 'ok' : 'bad'
  summary.textContent = r.verified + ' of ' + r.nodes.length + ' node(s) verified in ' + r.seconds.toFixed(1) + ' s' +
    (r.failed === 0 ? '' : ' — ' + r.failed + ' did not' + (r.ok ? ' (accepted: --allow-failures ' + r.allowedFailures + ')' : ''))
  $('report-digest').textContent = 'image ' + r.image + ': ' + bytes(r.imageBytes) + ', ' + (r.digestKind === 'sha256' ? 'sha256 ' : r.digestKind + ' digest ') + r.sha256
  $('report-rows').replaceChildren(...[...r.nodes].sort(byPosition).map(n => el('tr', { 'data-status': n.status },
    el('td', { class: 'num' }, n.position),
    el('td', { class: 'tn' }, n.name),
    el('td', {}, el('span', { class: 'badge state-' + (n.status === 'OK' ? 'verified' : 'failed') }, n.outcome)),
    el('td', { class: 'num' }, bytes(n.bytes)),
    el('td', { class: 'num' }, n.mbPerSecond.toFixed(1)),
    el('td', { class: 'num' }, n.seconds.toFixed(1)),
    el('td', { class: 'note' }, n.reason !== undefined ? n.reason : n.readBack ? 'verified, proven, read back whole' : 'verified and proven'))))
  render()
}

function connection (text) { $('conn').textContent = text }

const events = new EventSource('events')
events.addEventListener('hello', e => {
  const h = JSON.parse(e.data)
  snapshot = h.snapshot
  report = null
  $('failures').replaceChildren()
  $('no-failures').hidden = h.failures.length > 0
  for (const f of h.failures) addFailure(f, false)
  $('log').replaceChildren()
  for (const l of h.logs) addLog(l.line)
  if (h.report) showReport(h.report)
  render()
  connection('live')
})
events.addEventListener('snapshot', e => { snapshot = JSON.parse(e.data); render() })
events.addEventListener('failure', e => addFailure(JSON.parse(e.data), true))
events.addEventListener('log', e => addLog(JSON.parse(e.data).line))
events.addEventListener('report', e => showReport(JSON.parse(e.data)))
events.addEventListener('end', () => { ended = true; events.close(); connection('serve has stopped: this is the last state') })
events.onerror = () => { if (!ended) connection(events.readyState === EventSource.CLOSED ? 'disconnected' : 'reconnecting…') }
`

const BODY = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ringcast — live session</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<header><h1>ringcast</h1><span id="phase" class="phase" data-phase="connecting">connecting</span><span class="grow"></span><span id="conn">connecting…</span></header>
<main>
<section class="wide"><h2>Session</h2><div id="overall-bar"></div><div id="overall-text" class="muted">waiting for the first snapshot</div></section>
<section class="wide"><h2>Nodes</h2><table><thead><tr><th class="num">#</th><th>node</th><th>address</th><th>fed by</th><th>state</th><th>progress</th><th class="num">MB/s</th><th>note</th></tr></thead><tbody id="node-rows"></tbody></table></section>
<section><h2>Topology</h2><div id="topology"></div></section>
<section><h2>Failures</h2><p id="no-failures" class="muted">none so far</p><ol id="failures"></ol></section>
<section class="wide" id="report" hidden><h2>Final report</h2><p id="report-summary"></p><p id="report-digest" class="muted"></p><table><thead><tr><th class="num">#</th><th>node</th><th>result</th><th class="num">bytes</th><th class="num">MB/s</th><th class="num">seconds</th><th>note</th></tr></thead><tbody id="report-rows"></tbody></table></section>
<section class="wide"><h2>Log</h2><pre id="log"></pre></section>
</main>
<noscript>This page needs JavaScript; the same data is at state.json.</noscript>
<script>${SCRIPT}</script>
</body>
</html>
`

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`

/** The page, as served. */
export const PAGE_HTML = BODY

/** Only this page's own script and style run; it may talk only to its own server. */
export const PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')
