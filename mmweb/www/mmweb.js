// SPDX-License-Identifier: MIT
// mmweb.js - mmweb's page: reads the event stream and draws the machine.
// Owns: showing the reports mmweb forwards as mmd's data (mm.proto's
// messages as JSON, mmctl --json's shape), the map and its zoom (on a
// NUMA machine each node its own labelled section of the map), the
// panels. Must never: parse a report's text (mmd sends its values), load
// anything from the network but mmweb itself, or ask mmweb more than
// once per update and node for a zoomed map.
'use strict';

// Okabe-Ito, a palette colour-blind viewers tell apart; free memory in
// shades of one hue, darker for larger blocks.
const STATES = [
  ['hole', '#ffffff'], ['reserved', '#000000'], ['mmz', '#CC79A7'],
  ['free', '#009E73'], ['per-cpu', '#56B4E9'], ['slab', '#E69F00'],
  ['page tables', '#0072B2'], ['user', '#D55E00'], ['kernel', '#999999'],
];
// The migrate types (enum migratetype), in the same palette; a cell
// byte's low four bits by pageblock, 15 for holes, 0x10: a pageblock
// begins in the cell.
const MIGRATE = [
  ['Unmovable', '#D55E00'], ['Movable', '#009E73'], ['Reclaimable', '#E69F00'],
  ['HighAtomic', '#CC79A7'], ['CMA', '#56B4E9'], ['Isolate', '#000000'],
];
const PB_HOLE = 15, PB_START = 0x10;
// The reclaim and compaction timeline: vmstat counters as rates (a
// series' name, its counters summed, its colour, its id in the DOM).
const SERIES = [
  ['kswapd runs', ['pageoutrun'], '#0072B2', 'pageoutrun'],
  ['kswapd scans', ['pgscan_kswapd'], '#56B4E9', 'pgscan_kswapd'],
  ['direct reclaim stalls', ['allocstall_dma', 'allocstall_dma32', 'allocstall_normal', 'allocstall_movable'], '#D55E00', 'allocstall'],
  ['direct scans', ['pgscan_direct'], '#E69F00', 'pgscan_direct'],
  ['pages reclaimed', ['pgsteal_kswapd', 'pgsteal_direct'], '#009E73', 'pgsteal'],
  ['compaction stalls', ['compact_stall'], '#CC79A7', 'compact_stall'],
  ['compaction successes', ['compact_success'], '#F0E442', 'compact_success'],
  ['kcompactd wakes', ['compact_daemon_wake'], '#000000', 'compact_daemon_wake'],
];
const COLS = 64;
const MAP_CELLS = 4096;
// A node's label above its section of the map, in canvas pixels.
const NODE_LABEL = 16;
const $ = (id) => document.getElementById(id);
const S = { status: null, frames: null, view: null, cursor: 0, prev: {},
  history: {}, slabHist: {}, slabSort: ['active', -1], pid: null,
  lastSeq: -1, bytes: 0, events: 0, t0: Date.now(), byType: false,
  pageblocks: null, timeline: SERIES.map(() => []), peak: SERIES.map(() => 0) };

function freeColour(order) {
  const l = 75 - Math.min(order, 10) * 5;  // order 0 light, 10 dark
  return `hsl(164, 100%, ${l}%)`;
}
function cellColour(b) {
  const st = b & 15;
  if (st === 3) return freeColour(b >> 4);
  return (STATES[st] || STATES[8])[1];
}
function cellName(b) {
  const st = b & 15;
  const n = (STATES[st] || ['?'])[0];
  return st === 3 ? `free (largest block order ${b >> 4})` : n;
}
function typeColour(b) {
  const t = b & 15;
  return t === PB_HOLE ? '#ffffff' : (MIGRATE[t] || ['', '#999999'])[1];
}
function typeName(b) {
  const t = b & 15;
  return t === PB_HOLE ? 'hole' : (MIGRATE[t] || ['?'])[0];
}
function hex2bytes(h) {
  const a = new Uint8Array(h.length / 2);
  for (let i = 0; i < a.length; i++) a[i] = parseInt(h.substr(2 * i, 2), 16);
  return a;
}
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const k in attrs || {}) {
    if (k === 'text') e.textContent = attrs[k]; else e.setAttribute(k, attrs[k]);
  }
  for (const k of kids) e.append(k);
  return e;
}

// ---- reports (mmd's data: each field by its mm.proto name)
// /proc/meminfo's names, to label Meminfo's fields as the file does:
// each field is its name in snake_case (MemTotal mem_total).
const MEMINFO_NAMES = ('MemTotal MemFree MemAvailable Buffers Cached SwapCached Active Inactive ' +
  'Active(anon) Inactive(anon) Active(file) Inactive(file) Unevictable Mlocked SwapTotal SwapFree ' +
  'Dirty Writeback AnonPages Mapped Shmem KReclaimable Slab SReclaimable SUnreclaim KernelStack ' +
  'PageTables SecPageTables NFS_Unstable Bounce WritebackTmp CommitLimit Committed_AS VmallocTotal ' +
  'VmallocUsed VmallocChunk Percpu HardwareCorrupted AnonHugePages ShmemHugePages ShmemPmdMapped ' +
  'FileHugePages FilePmdMapped MmzTotal MmzFree HugePages_Total HugePages_Free HugePages_Rsvd ' +
  'HugePages_Surp Hugepagesize Hugetlb DirectMap4k DirectMap2M DirectMap1G').split(' ');
function snake(key) {
  return key.replace(/\((\w+)\)/g, '_$1').replace(/([a-z])(?=[A-Z])/g, '$1_')
    .replace(/([A-Z])(?=[A-Z][a-z])/g, '$1_').toLowerCase();
}
const MEMINFO_LABEL = Object.fromEntries(MEMINFO_NAMES.map((n) => [snake(n), n]));
// A 64-bit value of the data: a number, or past 2^53 a decimal string.
const big = (v) => BigInt(v);
const hex = (v, w) => big(v).toString(16).padStart(w || 0, '0');
function meminfoEntries(m) {
  return Object.entries(m).filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => [MEMINFO_LABEL[k] || k, v]);
}
// A zone's key and label: "Normal", or on a NUMA machine node and zone
// ("Node 1, zone Normal", as Linux prints them).
const numa = () => !!(S.status && S.status.nr_nodes > 1);
const zoneKey = (node, zone) => `${node}:${zone}`;
const zoneLabel = (node, zone) => (numa() ? `Node ${node}, zone ${zone}` : zone);
function zonesOf(zoneinfo) {
  const z = {};
  for (const q of zoneinfo) z[zoneKey(q.node, q.zone)] = q.pages;
  return z;
}
function slabRows(s) {
  return s.caches.map((c) => ({ name: c.name, active: c.active_objs, total: c.num_objs,
    size: c.objsize, slabs: c.num_slabs }));
}

// ---- the map
// The NUMA nodes and their spans, from the zones (status.zones); none
// on a machine of one node, whose map is one run of cells.
function nodeSpans() {
  const st = S.status;
  if (!st || !(st.nr_nodes > 1)) return [];
  const spans = [];
  for (const z of st.zones) {
    const n = spans.find((q) => q.node === z.node);
    if (!n) spans.push({ node: z.node, start: z.start, end: z.start + z.pages });
    else { n.start = Math.min(n.start, z.start); n.end = Math.max(n.end, z.start + z.pages); }
  }
  return spans.sort((a, b) => a.node - b.node);
}
// A map's sections: each node's part of [start, start + nr), its cells
// of perCell frames from cell `first` on (one section, no node, on a
// machine of one node).
function sections(start, nr, perCell, counts) {
  const spans = nodeSpans().filter((q) => q.end > start && q.start < start + nr);
  if (!spans.length) return [{ node: null, start, nr, perCell, first: 0, count: counts ? counts[0] : Math.ceil(nr / perCell) }];
  let first = 0;
  return spans.map((q, k) => {
    const a = Math.max(q.start, start), b = Math.min(q.end, start + nr);
    const per = counts ? Math.ceil((b - a) / counts[k]) : perCell;
    const count = counts ? counts[k] : Math.ceil((b - a) / per);
    const sec = { node: q.node, start: a, nr: b - a, perCell: per, first, count };
    first += count;
    return sec;
  });
}
// Where each section's first row is drawn (its label above it); the
// map's height.
function layoutSections(secs, size) {
  let y = 0;
  for (const sec of secs) {
    if (sec.node !== null) y += NODE_LABEL;
    sec.y = y;
    y += Math.max(1, Math.ceil(sec.count / COLS)) * size;
  }
  return y;
}
function sectionOf(i) {
  const secs = S.map.sections;
  for (const sec of secs) if (i >= sec.first && i < sec.first + sec.count) return sec;
  return secs[secs.length - 1];
}
// Cell i's top-left corner on the canvas.
function cellXY(i) {
  const sec = sectionOf(i), j = i - sec.first, size = S.map.size;
  return [(j % COLS) * size, sec.y + Math.floor(j / COLS) * size];
}
function mapRange() {
  const st = S.status;
  return S.view || { start: 0, nr: st ? st.max_pfn : 0 };
}
function drawMap(cells, perCell, start, nr, kind, secs) {
  const c = $('map');
  const size = Math.max(4, Math.min(12, Math.floor(768 / COLS)));
  secs = secs || sections(start, nr, perCell, [cells.length]);
  c.width = COLS * size; c.height = layoutSections(secs, size);
  const g = c.getContext('2d');
  g.clearRect(0, 0, c.width, c.height);
  const byType = kind === 'pageblocks';
  const pb = S.status ? S.status.pageblock : 0;
  S.map = { cells, perCell, start, nr, size, kind, sections: secs };
  for (const sec of secs) {
    if (sec.node === null) continue;
    g.fillStyle = '#000000'; g.font = `bold ${NODE_LABEL - 4}px sans-serif`; g.textBaseline = 'top';
    g.fillText(`Node ${sec.node}: pfn ${sec.start}-${sec.start + sec.nr - 1}`, 2, sec.y - NODE_LABEL + 2);
    g.fillRect(0, sec.y - NODE_LABEL, c.width, 1);
  }
  for (let i = 0; i < cells.length; i++) {
    const [x, y] = cellXY(i);
    g.fillStyle = byType ? typeColour(cells[i]) : cellColour(cells[i]);
    g.fillRect(x, y, size - (size > 5 ? 1 : 0), size - (size > 5 ? 1 : 0));
    // Outline: a pageblock of four cells or more starts with a bar.
    if (byType && perCell * 4 <= pb && (cells[i] & PB_START) && (cells[i] & 15) !== PB_HOLE) {
      g.fillStyle = '#000000';
      g.fillRect(x, y, Math.max(2, size / 4), size);
    }
  }
  const cur = Math.min(S.cursor, cells.length - 1);
  const [cx, cy] = cellXY(Math.max(0, cur));
  g.strokeStyle = '#F0E442'; g.lineWidth = 2;
  g.strokeRect(cx + 1, cy + 1, size - 2, size - 2);
  c.dataset.start = start; c.dataset.nr = nr; c.dataset.perCell = perCell;
  c.dataset.kind = kind || 'frames';
  c.dataset.cells = cells.length;
  c.dataset.nodes = secs.filter((q) => q.node !== null).map((q) => q.node).join(' ');
  $('map-range').textContent = `pfn ${start} to ${start + nr - 1}: ` +
    `${cells.length} cells of ${perCell} frame${perCell > 1 ? 's' : ''}` +
    (c.dataset.nodes ? `, node${secs.length > 1 ? 's' : ''} ${c.dataset.nodes}` : '');
}
let zoomBusy = false;
async function refreshMap() {
  if (!S.status || !S.status.connected) return;
  if (!S.view && !S.byType) {
    if (S.frames) {
      const f = S.frames, nodes = f.nodes || [];
      let first = 0;
      // Each node's cells as mmweb sent them (a node's own per_cell).
      const secs = nodes.length ? nodes.map((q) => {
        const sec = { node: q.node, start: q.start, nr: q.nr, perCell: q.per_cell, first, count: q.cells };
        first += q.cells;
        return sec;
      }) : null;
      drawMap(hex2bytes(f.cells), f.per_cell, 0, f.nr, 'frames', secs);
    }
    return;
  }
  if (zoomBusy) return;
  zoomBusy = true;
  try {
    // By migrate type, the same cells by pageblock (one query a node
    // either way: no cell straddles two nodes).
    const v = S.view || { start: 0, nr: S.status.max_pfn };
    const cells = Math.min(v.nr, MAP_CELLS);
    const per = Math.ceil(v.nr / cells);
    const kind = S.byType ? 'pageblocks' : 'frames';
    const secs = sections(v.start, v.nr, per);
    const parts = await Promise.all(secs.map(async (sec) => {
      const n = sec.node === null ? cells : Math.ceil(sec.nr / per);
      const r = await fetch(`/api/frames?start=${sec.start}&nr=${sec.nr}&cells=${n}${S.byType ? '&pageblocks=1' : ''}`);
      if (!r.ok) return null;
      return { bytes: new Uint8Array(await r.arrayBuffer()), per: +r.headers.get('X-Per-Cell') };
    }));
    if (parts.some((p) => !p)) return;
    const all = new Uint8Array(parts.reduce((a, p) => a + p.bytes.length, 0));
    let at = 0;
    parts.forEach((p, k) => {
      all.set(p.bytes, at);
      Object.assign(secs[k], { first: at, count: p.bytes.length, perCell: p.per });
      at += p.bytes.length;
    });
    drawMap(all, parts[0].per, v.start, v.nr, kind, secs);
  } finally { zoomBusy = false; }
}
function cellPfn(i) {
  const sec = sectionOf(i);
  return sec.start + (i - sec.first) * sec.perCell;
}
// The zone a pfn lies in (status.zones), or none.
function zoneOf(pfn) {
  return ((S.status && S.status.zones) || []).find((z) => pfn >= z.start && pfn < z.start + z.pages);
}
function zoom(factor) {
  if (!S.map || !S.status) return;
  const max = S.status.max_pfn;
  const centre = cellPfn(S.cursor);
  const r = mapRange();
  let nr = Math.max(64, Math.min(max, Math.round(r.nr / factor)));
  let start = Math.max(0, Math.min(max - nr, centre - Math.floor(nr / 2)));
  S.view = nr >= max ? null : { start, nr };
  S.cursor = Math.floor((centre - start) / Math.ceil(nr / Math.min(nr, MAP_CELLS)));
  refreshMap();
}
function hover(i) {
  if (!S.map || i < 0 || i >= S.map.cells.length) return;
  const pfn = cellPfn(i), sec = sectionOf(i);
  const last = Math.min(pfn + sec.perCell, sec.start + sec.nr) - 1;
  const b = S.map.cells[i];
  let what = cellName(b);
  if (S.map.kind === 'pageblocks') {
    const pb = S.status.pageblock;
    const first = pfn - (pfn % pb);
    what = S.map.perCell <= pb
      ? `pageblock ${first}-${first + pb - 1}: ${typeName(b)}`
      : `${Math.ceil(S.map.perCell / pb)} pageblocks, mostly ${typeName(b)}`;
    $('map-hover').dataset.pageblock = first;
  }
  $('map-hover').dataset.type = S.map.kind === 'pageblocks' ? typeName(b) : '';
  $('map-hover').dataset.node = sec.node === null ? '' : sec.node;
  $('map-hover').textContent = (sec.perCell > 1 ? `pfn ${pfn}-${last}: ` : `pfn ${pfn} (0x${pfn.toString(16)}): `) +
    what + (sec.node === null ? '' : ` (node ${sec.node})`);
}
// dump_page's lines, printed from DumpPage as mm/debug.c prints them.
function dumpText(d) {
  const f = d.flags;
  let t = `page:${hex(d.page, 16)} refcount:${d.refcount} mapcount:${d.mapcount} ` +
    `mapping:${hex(d.mapping, 16)} index:0x${hex(d.index)} pfn:0x${hex(d.pfn)}\n`;
  if (d.page_type) t += `page_type: 0x${hex(d.page_type_value)}(${d.page_type})\n`;
  t += `${d.anon ? 'anon ' : ''}flags: 0x${hex(f.value)}(${f.names.concat([`node=${f.node}`, `zone=${f.zone}`]).join('|')})\n`;
  if (d.compound) t += `head: pfn 0x${hex(d.head_pfn)} order:${d.order}\n`;
  if (d.page_owner) t += `page_owner: ${d.page_owner}` +
    (d.record.call ? `, order ${d.record.order} by pid ${d.record.pid} (${d.record.comm}) in ${d.record.call}` : '') + '\n';
  return t;
}
// A holder of a frame (PageHolder) as page-owners' line.
function ownerText(h) {
  switch (h.kind) {
    case 'anon': case 'shmem': return `${h.kind} pid ${h.pid} addr 0x${hex(h.addr)}`;
    case 'slab': return `slab cache ${h.name} objects ${h.first_object}-${h.last_object} of ${h.objects} inuse ${h.inuse} slab pfn 0x${hex(h.head_pfn)}`;
    case 'vmalloc': return `vmalloc 0x${hex(h.start, 16)} pages=${h.nr_pages} page ${h.index} ${h.name} pid ${h.pid}`;
    case 'mmz': return `mmz ${h.name} 0x${hex(h.phys)} size ${h.size} pid ${h.pid}`;
    case 'mmz_free': return 'mmz free';
    case 'file': return `file ino ${h.ino} index ${h.index}`;
    case 'pagetable': return h.pgd ? `pagetable pid ${h.pid} pgd` : 'pagetable';
    case 'kernel': return `kernel pid ${h.pid}`;
    default: return h.kind;
  }
}
async function details(i) {
  const pfn = cellPfn(i);
  const d = $('page-details');
  const r = await fetch(`/api/page?pfn=${pfn}`);
  const j = await r.json();
  d.replaceChildren();
  if (!r.ok) { d.append(el('p', { text: j.error })); return; }
  d.dataset.pfn = j.pfn;
  // The page's own node and zone, from its flags (page_to_nid).
  const node = j.dump.flags.node, z = zoneOf(j.pfn);
  d.dataset.node = node;
  d.append(el('h3', { text: `Frame ${j.pfn} (0x${j.pfn.toString(16)})` }),
    el('p', { id: 'page-node', 'data-node': node, text: `Node ${node}, zone ${z ? z.name : j.dump.flags.zone}` }),
    el('pre', { id: 'dump-page', text: dumpText(j.dump) }),
    el('p', { text: `kpageflags ${j.kpageflags}, kpagecount ${j.kpagecount}` }));
  const o = j.owners;
  if (o.state === 'free' || o.state === 'per-cpu') {
    d.append(el('p', { id: 'owners', text: `Free (${o.state}), in a block of order ${o.order}.` }));
  } else if (o.owners.length) {
    const ul = el('ul', { id: 'owners' });
    for (const h of o.owners) {
      // A user page's mapping can be walked.
      if (h.kind !== 'anon' && h.kind !== 'shmem') { ul.append(el('li', { text: ownerText(h) })); continue; }
      const b = el('button', { type: 'button', text: `${ownerText(h)}: walk` });
      b.onclick = () => { selectProc(h.pid); $('walk-addr').value = '0x' + hex(h.addr); walk(); };
      ul.append(el('li', {}, b));
    }
    d.append(el('p', { text: 'Held by:' }), ul);
  }
}
function mapIndex(ev) {
  const c = $('map'), rect = c.getBoundingClientRect();
  const x = (ev.clientX - rect.left) * c.width / rect.width;
  const y = (ev.clientY - rect.top) * c.height / rect.height;
  const size = S.map.size;
  for (const sec of S.map.sections) {
    const rows = Math.ceil(sec.count / COLS);
    if (y < sec.y || y >= sec.y + rows * size) continue;
    const j = Math.floor((y - sec.y) / size) * COLS + Math.floor(x / size);
    return j < sec.count ? sec.first + j : -1;
  }
  return -1;
}
function setupMap() {
  const c = $('map');
  c.addEventListener('mousemove', (ev) => S.map && hover(mapIndex(ev)));
  c.addEventListener('click', (ev) => {
    if (!S.map || mapIndex(ev) < 0) return;
    S.cursor = mapIndex(ev); hover(S.cursor); details(S.cursor); drawMapAgain();
  });
  c.addEventListener('keydown', (ev) => {
    if (!S.map) return;
    const n = S.map.cells.length;
    const moves = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -COLS, ArrowDown: COLS };
    if (moves[ev.key] !== undefined) S.cursor = Math.max(0, Math.min(n - 1, S.cursor + moves[ev.key]));
    else if (ev.key === 'Enter' || ev.key === ' ') details(S.cursor);
    else if (ev.key === '+' || ev.key === '=') zoom(8);
    else if (ev.key === '-') zoom(1 / 8);
    else if (ev.key === '0') { S.view = null; refreshMap(); }
    else return;
    ev.preventDefault(); hover(S.cursor); drawMapAgain();
  });
  $('zoom-in').onclick = () => zoom(8);
  $('zoom-out').onclick = () => zoom(1 / 8);
  $('zoom-all').onclick = () => { S.view = null; refreshMap(); };
  $('by-type').onclick = () => {
    S.byType = !S.byType;
    $('by-type').setAttribute('aria-pressed', S.byType);
    legend(); refreshMap();
  };
  legend();
}
function legend() {
  const ul = $('legend');
  ul.replaceChildren();
  ul.dataset.kind = S.byType ? 'pageblocks' : 'frames';
  if (S.byType) {
    for (const [name, colour] of MIGRATE) ul.append(el('li', {}, el('span', { style: `background:${colour}` }), name));
    ul.append(el('li', {}, el('span', { style: 'background:#fff' }), 'hole'),
      el('li', {}, el('span', { style: 'background:#000;width:.3em' }), 'a pageblock begins'));
    return;
  }
  for (const [name, colour] of STATES) {
    if (name === 'free') {
      for (const o of [0, 5, 10]) ul.append(el('li', {}, el('span', { style: `background:${freeColour(o)}` }), `free, order ${o}`));
    } else ul.append(el('li', {}, el('span', { style: `background:${colour}` }), name));
  }
}
function drawMapAgain() { if (S.map) drawMap(S.map.cells, S.map.perCell, S.map.start, S.map.nr, S.map.kind, S.map.sections); }
// Pageblocks of each zone by migrate type, counted from the pageblocks'
// map (a cell a pageblock up to 4096 of them: then exactly what
// /proc/pagetypeinfo's "Number of blocks type" rows count).
function showPageblocks(p) {
  const zones = (S.status && S.status.zones) || [];
  const count = zones.map(() => MIGRATE.map(() => 0));
  const cells = hex2bytes(p.cells);
  for (let i = 0; i < cells.length; i++) {
    const pfn = p.start + i * p.per_cell;
    const t = cells[i] & 15;
    const z = zones.findIndex((q) => pfn >= q.start && pfn < q.start + q.pages);
    if (t === PB_HOLE || z < 0) continue;
    const len = Math.min(p.per_cell, p.start + p.nr - pfn);
    count[z][t] += Math.ceil(len / p.pageblock);
  }
  const t = $('pageblocks');
  t.replaceChildren(el('caption', { text: `Pageblocks of ${p.pageblock} pages by migrate type` +
    (p.per_cell > p.pageblock ? ` (cells of ${p.per_cell / p.pageblock}, by the type most have)` : '') }));
  t.append(el('tr', {}, el('th', { scope: 'col', text: 'zone' }),
    ...MIGRATE.map(([n]) => el('th', { scope: 'col', text: n }))));
  zones.forEach((z, i) => t.append(el('tr', { 'data-zone': z.name, 'data-node': z.node }, el('th', { scope: 'row', text: zoneLabel(z.node, z.name) }),
    ...MIGRATE.map(([n], mt) => el('td', { 'data-type': n, text: count[i][mt] })))));
}

// ---- panels
function kv(dl, entries, prefix) {
  dl.replaceChildren();
  for (const [k, v] of entries) dl.append(el('dt', { text: k }), el('dd', { id: `${prefix}-${k}`, text: v }));
}
function showMeminfo(m) {
  kv($('meminfo'), meminfoEntries(m).map(([k, v]) => [k, `${v} kB`]), 'meminfo');
}
function spark(values, w, h, lines) {
  const c = el('canvas', { width: w, height: h, 'aria-hidden': 'true' });
  const g = c.getContext('2d');
  const max = Math.max(1, ...values, ...(lines || []).map((l) => l[0]));
  const y = (v) => h - 1 - (v / max) * (h - 2);
  for (const [v, colour] of lines || []) {
    g.strokeStyle = colour; g.setLineDash([4, 3]); g.beginPath();
    g.moveTo(0, y(v)); g.lineTo(w, y(v)); g.stroke();
  }
  g.setLineDash([]); g.strokeStyle = '#009E73'; g.lineWidth = 2; g.beginPath();
  values.forEach((v, i) => { const x = (i / Math.max(1, values.length - 1)) * w; i ? g.lineTo(x, y(v)) : g.moveTo(x, y(v)); });
  g.stroke();
  return c;
}
function showZones(buddy, zi) {
  const box = $('zones');
  box.replaceChildren();
  for (const z of buddy) {
    const key = zoneKey(z.node, z.zone), label = zoneLabel(z.node, z.zone);
    const w = zi[key] || {};
    const h = S.history[key] = (S.history[key] || []).concat([w.free || 0]).slice(-240);
    const div = el('div', { class: 'zone', 'data-zone': z.zone, 'data-node': z.node });
    div.append(el('h3', { text: `${label}: ${w.free} pages free (min ${w.min}, low ${w.low}, high ${w.high})` }),
      spark(h, 480, 60, [[w.min, '#D55E00'], [w.low, '#E69F00'], [w.high, '#0072B2']]));
    const t = el('table', { class: 'buddy' });
    t.append(el('caption', { class: 'sr', text: `${label}: free blocks of each order` }));
    const max = Math.max(1, ...z.free);
    z.free.forEach((n, o) => {
      const bar = el('span', { class: 'bar', style: `width:${Math.round((n / max) * 200)}px` });
      t.append(el('tr', {}, el('th', { scope: 'row', text: `order ${o}` }),
        el('td', { 'data-order': o, text: n }), el('td', {}, bar)));
    });
    div.append(t);
    box.append(div);
  }
}
function rate(name, now, dt) {
  const p = S.prev.vmstat ? S.prev.vmstat[name] || 0 : now[name] || 0;
  return dt > 0 ? (((now[name] || 0) - p) / dt).toFixed(1) : '0';
}
// Reclaim and compaction over time: each series' rate per second, on a
// log scale (scans run to thousands, stalls to a few), the same 240
// updates as the free-pages charts.
function showTimeline(v, dt) {
  SERIES.forEach(([, names], k) => {
    const sum = (m) => names.reduce((a, n) => a + ((m && m[n]) || 0), 0);
    const r = dt > 0 && S.prev.vmstat ? Math.max(0, (sum(v) - sum(S.prev.vmstat)) / dt) : 0;
    S.timeline[k] = S.timeline[k].concat([r]).slice(-240);
    S.peak[k] = Math.max(S.peak[k], r);
  });
  const c = $('timeline'), g = c.getContext('2d');
  const w = c.width, h = c.height;
  const top = Math.log10(1 + Math.max(10, ...S.peak));
  g.clearRect(0, 0, w, h);
  g.strokeStyle = '#ccc'; g.setLineDash([2, 3]);
  for (let d = 1; d <= top; d++) {
    const y = h - 1 - (d / top) * (h - 2);
    g.beginPath(); g.moveTo(0, y); g.lineTo(w, y); g.stroke();
  }
  g.setLineDash([]); g.lineWidth = 2;
  SERIES.forEach(([, , colour], k) => {
    const vals = S.timeline[k];
    g.strokeStyle = colour; g.beginPath();
    vals.forEach((r, i) => {
      const x = ((240 - vals.length + i) / 239) * w;
      const y = h - 1 - (Math.log10(1 + r) / top) * (h - 2);
      i ? g.lineTo(x, y) : g.moveTo(x, y);
    });
    g.stroke();
  });
  const t = $('timeline-table');
  t.replaceChildren(el('caption', { class: 'sr', text: 'Reclaim and compaction: rates now and at their peak' }),
    el('tr', {}, el('th', { scope: 'col', text: 'per second' }), el('th', { scope: 'col', text: 'now' }),
      el('th', { scope: 'col', text: 'peak' })));
  SERIES.forEach(([name, , colour, id], k) => t.append(el('tr', { 'data-series': id },
    el('th', { scope: 'row' }, el('span', { class: 'swatch', style: `background:${colour}` }), name),
    el('td', { class: 'now', text: S.timeline[k][S.timeline[k].length - 1].toFixed(1) }),
    el('td', { class: 'peak', text: S.peak[k].toFixed(1) }))));
}
function showReclaim(v, dt) {
  const names = ['pgscan_kswapd', 'pgsteal_kswapd', 'pgscan_direct', 'pgsteal_direct',
    'allocstall_normal', 'pageoutrun', 'pswpin', 'pswpout', 'compact_stall', 'compact_success', 'oom_kill'];
  kv($('reclaim'), names.filter((n) => v[n] !== undefined).map((n) => [n, `${rate(n, v, dt)} (total ${v[n]})`]), 'vmstat');
}
function showSlab(caches) {
  const tb = $('slab').tBodies[0];
  const [key, dir] = S.slabSort;
  caches.sort((a, b) => (a[key] < b[key] ? -dir : a[key] > b[key] ? dir : 0));
  tb.replaceChildren();
  for (const c of caches) {
    const h = S.slabHist[c.name] = (S.slabHist[c.name] || []).concat([c.active]).slice(-240);
    tb.append(el('tr', { 'data-cache': c.name }, el('td', { text: c.name }), el('td', { text: c.active }),
      el('td', { text: c.total }), el('td', { text: c.size }), el('td', { text: c.slabs }),
      el('td', {}, spark(h, 120, 18))));
  }
}
function showProcs(ps, dt) {
  const tb = $('procs').tBodies[0];
  const prev = S.prev.ps || {};
  tb.replaceChildren();
  const now = {};
  for (const p of ps) {
    now[p.pid] = p;
    const q = prev[p.pid];
    const fps = q && dt > 0 ? ((p.minflt + p.majflt - q.minflt - q.majflt) / dt).toFixed(0) : '0';
    const b = el('button', { type: 'button', text: S.pid === p.pid ? 'Selected' : 'Select', 'aria-pressed': S.pid === p.pid });
    b.onclick = () => selectProc(p.pid);
    tb.append(el('tr', { 'data-pid': p.pid }, el('td', { text: p.pid }), el('td', { text: p.command }),
      el('td', { text: p.rss }), el('td', { text: p.swap }), el('td', { text: fps }),
      el('td', { text: p.kpages }), el('td', {}, b)));
  }
  S.prev.ps = now;
}
async function selectProc(pid) {
  S.pid = pid;
  const r = await fetch(`/api/proc?pid=${pid}`);
  const j = await r.json();
  const d = $('proc-detail');
  d.replaceChildren();
  if (!r.ok) { d.append(el('p', { text: j.error })); return; }
  const st = j.status;
  d.append(el('h3', { text: `pid ${pid} (${st.name}): RSS ${st.vm_rss} kB, swap ${st.vm_swap} kB, page tables ${st.vm_pte} kB` }));
  const w = 8; // /proc/PID/maps' %08lx
  const vmas = j.maps.vmas.map((v) => ({ a: big(v.start), b: big(v.end), perms: v.perms, name: v.name,
    range: `${hex(v.start, w)}-${hex(v.end, w)}`, line: `${hex(v.start, w)}-${hex(v.end, w)} ${v.perms} ` +
      `${hex(v.offset, 8)} ${v.dev} ${v.inode} ${v.name}`.trimEnd() }));
  // Each VMA's width follows the log of its size: the gaps between them
  // (terabytes) are left out.
  const bar = el('div', { class: 'vmas', role: 'list', 'aria-label': 'the address space, VMA by VMA' });
  const palette = { 'rw-p': '#D55E00', 'r--p': '#56B4E9', 'r-xp': '#0072B2', '---p': '#999999' };
  for (const v of vmas) {
    const pages = Number((v.b - v.a) >> 12n);
    const seg = el('div', { role: 'listitem', tabindex: 0, title: `${v.range} ${v.perms} ${v.name} (${pages} pages)`,
      'aria-label': `${v.range} ${v.perms} ${v.name}`, style: `flex:${Math.log2(pages + 1) + 1};background:${palette[v.perms] || '#E69F00'}` });
    seg.onclick = () => { $('walk-addr').value = '0x' + v.a.toString(16); walk(); };
    bar.append(seg);
  }
  d.append(bar, el('pre', { text: vmas.map((v) => v.line).join('\n') }));
  if (!$('walk-addr').value && vmas.length) $('walk-addr').value = '0x' + vmas[0].a.toString(16);
}
const PTE_BITS = [[0, 'P present'], [1, 'RW writable'], [2, 'US user'], [3, 'PWT'], [4, 'PCD'],
  [5, 'A accessed'], [6, 'D dirty'], [7, 'PS/PAT'], [8, 'G global'], [63, 'NX no-execute']];
function decode(entry) {
  const v = BigInt(entry);
  return PTE_BITS.filter(([b]) => (v >> BigInt(b)) & 1n).map(([, n]) => n).join(', ') || 'not present';
}
async function walk(ev) {
  if (ev) ev.preventDefault();
  const w = $('walk');
  if (S.pid === null) { w.textContent = 'Select a process first.'; return; }
  const r = await fetch(`/api/walk?pid=${S.pid}&addr=${encodeURIComponent($('walk-addr').value)}`);
  const j = await r.json();
  w.replaceChildren();
  if (!r.ok) { w.append(el('p', { text: j.error })); return; }
  const t = el('table', { class: 'walk', id: 'walk-table' });
  t.append(el('caption', { text: `pid ${j.pid}, address ${j.addr}, level by level` }),
    el('tr', {}, el('th', { scope: 'col', text: 'level' }), el('th', { scope: 'col', text: 'index' }),
      el('th', { scope: 'col', text: 'table pfn' }), el('th', { scope: 'col', text: 'entry' }), el('th', { scope: 'col', text: 'bits' })));
  for (const l of j.walk.levels) {
    const entry = '0x' + hex(l.entry);
    t.append(el('tr', { 'data-level': l.name }, el('td', { text: l.name }), el('td', { text: l.index }),
      el('td', { text: '0x' + hex(l.table_pfn) }), el('td', { text: entry }), el('td', { text: decode(entry) })));
  }
  const wk = j.walk;
  const end = wk.stop === 'frame' ? `frame: pfn 0x${hex(wk.pfn)}, phys 0x${hex(wk.phys)}, ${wk.page_size / 1024} kB page` +
      (wk.page_flag_names.length ? ` (${wk.page_flag_names.join(', ')})` : '')
    : wk.stop === 'swap' ? `swapped out: type ${wk.swap_type}, offset ${wk.swap_offset}`
      : wk.stop === 'prot_none' ? `PROT_NONE: pfn 0x${hex(wk.pfn)}` : 'not present';
  w.append(t, el('pre', { text: `the walk ends: ${end}` }));
}
// The kernel log's records newer than the last one shown.
function showEvents(records) {
  const ol = $('events');
  for (const r of records) {
    if (r.seq <= S.lastSeq) continue;
    const l = `[${r.seq}] ${r.message}`;
    ol.prepend(el('li', { class: /oom|Out of memory|Killed process|allocation failure/i.test(l) ? 'oom' : '', text: l }));
    S.lastSeq = r.seq;
  }
  while (ol.children.length > 200) ol.lastChild.remove();
}
// Each node's summary (nodeN/meminfo's data) under the map: its span,
// MemTotal, MemFree and MemUsed, as mmctl node-meminfo N prints them.
function showNodes(nodes) {
  const ul = $('map-nodes');
  const spans = nodeSpans();
  ul.replaceChildren();
  ul.hidden = !nodes.length;
  for (const n of nodes) {
    const q = spans.find((p) => p.node === n.node) || { start: 0, end: 0 };
    ul.append(el('li', { 'data-node': n.node }, el('strong', { text: `Node ${n.node}` }),
      `: pfn ${q.start}-${q.end - 1}, MemTotal `, el('span', { id: `node${n.node}-MemTotal`, text: `${n.mem_total} kB` }),
      ', MemFree ', el('span', { id: `node${n.node}-MemFree`, text: `${n.mem_free} kB` }),
      ', MemUsed ', el('span', { id: `node${n.node}-MemUsed`, text: `${n.mem_used} kB` })));
  }
}
function showScenario(s) {
  $('scenario').textContent = s.running ? `running: ${s.running} (${s.processes} processes)` : `idle (${s.runs} run so far)`;
}

// ---- the stream
function update(d, bytes) {
  const now = Date.now();
  const dt = S.prev.t ? (now - S.prev.t) / 1000 : 0;
  S.bytes += bytes; S.events++;
  if (d.status) {
    S.status = d.status;
    $('conn').textContent = d.status.connected
      ? `live: ${d.status.machine} (${d.status.arch}), ${d.status.max_pfn} frames of ${d.status.page_size} bytes`
      : `mmd is away (${d.status.socket}); reconnecting...`;
    document.body.dataset.connected = d.status.connected;
  }
  if (d.meminfo) showMeminfo(d.meminfo);
  if (d.buddyinfo || d.zoneinfo) {
    S.buddy = d.buddyinfo || S.buddy;
    S.zi = d.zoneinfo ? zonesOf(d.zoneinfo) : S.zi;
    if (S.buddy && S.zi) showZones(S.buddy, S.zi);
  }
  if (d.vmstat) {
    // Rates over the time since the last vmstat that came, not the last update.
    const v = d.vmstat;
    const vdt = S.prev.vt ? (now - S.prev.vt) / 1000 : 0;
    showReclaim(v, vdt); showTimeline(v, vdt);
    S.prev.vmstat = v; S.prev.vt = now;
  }
  if (d.slabinfo) showSlab(slabRows(d.slabinfo));
  if (d.ps) showProcs(d.ps, dt);
  if (d.dmesg !== undefined) showEvents(d.dmesg);
  if (d.scenario) showScenario(d.scenario);
  if (d.frames) S.frames = d.frames;
  if (d.pageblocks) { S.pageblocks = d.pageblocks; showPageblocks(d.pageblocks); }
  if (d.nodes) showNodes(d.nodes);
  if (d.frames || S.view) refreshMap();
  S.prev.t = now;
  document.body.dataset.seq = d.seq;
  $('rate').textContent = `update ${d.seq}: ${bytes} bytes (average ${Math.round(S.bytes / S.events)})`;
}
function connect() {
  const es = new EventSource('/events');
  es.addEventListener('update', (ev) => update(JSON.parse(ev.data), ev.data.length));
  es.onerror = () => { $('conn').textContent = 'mmweb is away; reconnecting...'; };
}
window.addEventListener('DOMContentLoaded', () => {
  setupMap();
  $('walk-form').addEventListener('submit', walk);
  for (const b of document.querySelectorAll('[data-sort]')) {
    b.onclick = () => {
      const k = b.dataset.sort;
      S.slabSort = [k, S.slabSort[0] === k ? -S.slabSort[1] : (k === 'name' ? 1 : -1)];
    };
  }
  for (const b of document.querySelectorAll('[data-scenario]')) {
    b.onclick = async () => {
      const r = await fetch(`/api/scenario?name=${b.dataset.scenario}`, { method: 'POST' });
      if (!r.ok) $('scenario').textContent = (await r.json()).error;
    };
  }
  connect();
});
