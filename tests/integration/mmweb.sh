#!/bin/sh
# SPDX-License-Identifier: MIT
# mmweb.sh - mmweb, the machine live in a browser: the page, the event
# stream with 50 clients, bad queries, mmd restarting under it, and a real
# browser (Debian's headless chromium through chromium-driver) that waits
# for live data, checks the DOM against mmctl meminfo and buddyinfo,
# clicks a frame a process maps and follows it to the page walk, and
# saves screenshots in build/ (mmweb-overview.png, mmweb-zoom.png,
# mmweb-walk.png, mmweb-pageblocks.png, mmweb-timeline.png); colours the
# map by migrate type and checks each zone's pageblocks against
# pagetypeinfo and a hovered pageblock against the core's map; runs a
# workload that reclaims and checks the timeline's rates; then
# config/x86_64-numa.yaml's two nodes: each labelled apart on the map,
# its meminfo and its zones' buddyinfo as mmctl's, a click in node 1
# says node 1 (build/mmweb-numa.png). Bounded: every wait has a limit; the whole runs in
# well under a minute. Skips the browser part only if chromium cannot
# run, and says why.
#   needs: MMD (the daemon), build/test/mmweb-bin, mmctl, mmc, mmc-example,
#   mmc_test
. tests/lib/daemon.sh
T=$(dirname "$MMD")
WEB=$T/mmweb-bin
command -v curl >/dev/null || { fail "curl is missing"; exit 1; }
port=$((20000 + $$ % 20000))
url=http://127.0.0.1:$port
M() { "$T/mmctl" --socket "$tmp/m.sock" "$@"; }

start_mmd m || exit 1
"$WEB" --socket "$tmp/m.sock" --listen "127.0.0.1:$port" --www mmweb/www \
	--bindir "$T" --interval 200 2>"$tmp/web.log" &
web=$!
pids="$pids $web"
for _ in $(seq 50); do
	curl -sf -o /dev/null "$url/" && break
	sleep 0.1
done

# ---- the page and the stream
curl -sf "$url/" | grep -q '<canvas id="map"' && pass "the page is served" ||
	fail "the page is served"
curl -sf "$url/mmweb.js" | grep -q "EventSource('/events')" &&
	pass "its script is served" || fail "its script is served"
curl -s -m 2 "$url/events" >"$tmp/ev" 2>/dev/null
grep -q '^data: {"seq":[0-9]*,"status":{"connected":true' "$tmp/ev" &&
	grep -q '"frames":{"start":0,"nr":1310720,"per_cell":320,"cells":"' "$tmp/ev" &&
	pass "the stream sends the machine, its map in 4096 cells of 320 frames" ||
	fail "the stream sends the machine: $(head -c 300 "$tmp/ev")"

# ---- bad queries: HTTP errors with why; mmweb and mmd carry on
code() { curl -s -o "$tmp/body" -w '%{http_code}' "$@"; }
for q in "frames?start=0&nr=10&cells=0:400" "frames?start=x&nr=1&cells=1:400" \
	"frames?start=99999999&nr=1&cells=1:400" "frames?start=0&nr=0&cells=1:400" \
	"page?pfn=-1:400" "page?pfn=99999999:400" "walk?pid=999&addr=0x1000:404" \
	"proc?pid=99999999999:400" "nothing:404"; do
	c=$(code "$url/api/${q%:*}")
	[ "$c" = "${q##*:}" ] && grep -q '"error":"' "$tmp/body" &&
		pass "/api/${q%:*}: HTTP $c with why" ||
		fail "/api/${q%:*}: HTTP $c, not ${q##*:}: $(cat "$tmp/body")"
done
c=$(code -X POST -H "Origin: http://evil.example" "$url/api/scenario?name=demo")
[ "$c" = 403 ] && pass "another site's page may not start a scenario" ||
	fail "a cross-site scenario: HTTP $c"
c=$(code -X POST "$url/api/scenario?name=nothing")
[ "$c" = 400 ] && pass "an unknown scenario: 400" || fail "unknown scenario: $c"

# ---- 50 event-stream clients at once, each fed; a stalled one harms none
# Nothing here is judged by time: each stream stays open 8 s (ample for
# three updates even on a loaded host), the count of open streams is the
# most seen while they are all open, and mmd's answer during the stall
# is waited for, not timed.
i=0
clients=""
while [ $i -lt 50 ]; do
	curl -s -m 8 "$url/events" >"$tmp/c$i" 2>/dev/null &
	clients="$clients $!"
	i=$((i + 1))
done
# A browser that never reads: its stream stalls, alone.
python3 -c "import socket,time; s=socket.create_connection(('127.0.0.1',$port)); s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024); s.send(b'GET /events HTTP/1.1\r\nHost: x\r\n\r\n'); time.sleep(30)" &
stall=$!
# Something to watch: a process comes, holds a while, goes.
"$T/mmc-example" -s "$tmp/m.sock" -c churn -p 8 -a 2 -w 1 >/dev/null 2>&1 &
churn=$!
streams=0
n=0
while [ "$streams" -lt 50 ] && [ $n -lt 50 ]; do
	sleep 0.1
	s=$(curl -s "$url/api/stats" | sed -n 's/.*"streams":\([0-9]*\).*/\1/p')
	[ "${s:-0}" -gt "$streams" ] && streams=$s
	n=$((n + 1))
done
for p in $clients $churn; do wait "$p"; done
ok=0
i=0
while [ $i -lt 50 ]; do
	[ "$(grep -c '^event: update' "$tmp/c$i")" -ge 3 ] && ok=$((ok + 1))
	i=$((i + 1))
done
[ "$ok" = 50 ] && [ "${streams:-0}" -ge 50 ] &&
	pass "50 streams at once ($streams open), each fed the machine as it changed (3 updates or more)" ||
	fail "50 streams: $ok fed, $streams open"
kill -0 "$stall" 2>/dev/null && timeout 60 "$T/mmctl" --socket "$tmp/m.sock" meminfo >/dev/null &&
	pass "mmd answers while a browser stalls" ||
	fail "mmd did not answer while a browser stalls"
kill "$stall" 2>/dev/null
wait "$stall" 2>/dev/null
bytes=$(curl -s "$url/api/stats" | sed -n 's/.*"last_event_bytes":\([0-9]*\).*/\1/p')
echo "# bytes of the last update sent: $bytes"

# ---- mmd restarts: mmweb says so, then reconnects by itself
kill -TERM "$mmd_pid"
wait "$mmd_pid"
forget "$mmd_pid"
sleep 0.6
curl -s -m 1 "$url/events" | grep -q '"status":{"connected":false' &&
	pass "mmd gone: the stream says so" || fail "mmd gone: not said"
c=$(code "$url/api/page?pfn=1")
[ "$c" = 503 ] && pass "mmd gone: a query is 503" || fail "mmd gone: $c"
start_mmd m || exit 1
# mmd accepts once its socket is there (it binds after booting); from
# then the stream must say connected within about a second: one stream
# read as it comes, the moment of its first "connected":true taken.
t0=$(date +%s%N)
curl -sN -m 3 "$url/events" |
	{ grep -q '"status":{"connected":true' && date +%s%N >"$tmp/t1"; }
ms=99999
[ -s "$tmp/t1" ] && ms=$((($(cat "$tmp/t1") - t0) / 1000000))
[ "$ms" -le 1000 ] && pass "mmd back: the stream says connected in $ms ms" ||
	fail "mmd back: the stream took $ms ms to say connected (1000 allowed)"
c=$(code "$url/api/page?pfn=1")
[ "$c" = 200 ] && pass "mmd back: a query is answered" || fail "mmd back: $c"

# ---- the scenario panel starts the demo's programs
c=$(code -X POST "$url/api/scenario?name=demo")
sleep 1
n=$(M ps | awk '$NF == "editor" || $NF == "compiler" || $NF == "player"' | wc -l)
[ "$c" = 200 ] && [ "$n" -ge 3 ] && pass "the demo scenario runs ($n processes)" ||
	fail "the demo scenario: HTTP $c, $n processes"
c=$(code -X POST "$url/api/scenario?name=workload")
[ "$c" = 409 ] && pass "one scenario at a time: 409" || fail "two scenarios: $c"
code -X POST "$url/api/scenario?name=stop" >/dev/null
for _ in $(seq 50); do
	curl -s -m 1 "$url/events" | grep -q '"scenario":{"running":null' && break
	sleep 0.2
done
curl -s -m 1 "$url/events" | grep -q '"scenario":{"running":null' &&
	pass "stop ends the scenario" || fail "stop did not end it"

# ---- a real browser
if ! sh mk/browser.sh >"$tmp/browser.log" 2>&1; then
	skip "browser: chromium cannot be installed ($(tail -1 "$tmp/browser.log"))"
	kill -TERM "$web"; wait "$web"; exit $failed
fi
dport=$((port + 1))
chromedriver --port=$dport >"$tmp/driver.log" 2>&1 &
drv=$!
pids="$pids $drv"
for _ in $(seq 50); do
	curl -sf -o /dev/null "http://127.0.0.1:$dport/status" && break
	sleep 0.1
done
W=http://127.0.0.1:$dport
wd() { # METHOD PATH [JSON]
	curl -s -m 30 -X "$1" -H 'Content-Type: application/json' \
		${3:+-d "$3"} "$W$2"
}
caps='{"capabilities":{"alwaysMatch":{"goog:chromeOptions":{"binary":"/usr/bin/chromium","args":["--headless=new","--no-sandbox","--disable-gpu","--disable-dev-shm-usage","--window-size=1300,1900"]}}}}'
sid=$(wd POST /session "$caps" | jq -r '.value.sessionId // empty')
if [ -z "$sid" ]; then
	skip "browser: chromium does not run here ($(wd POST /session "$caps" | jq -r '.value.message' | head -1))"
	kill -TERM "$web"; wait "$web"; exit $failed
fi
S=/session/$sid
js() { # SCRIPT: its value as JSON
	wd POST "$S/execute/sync" "$(jq -n --arg s "$1" '{script:$s,args:[]}')" | jq -c .value
}
shot() {
	wd GET "$S/screenshot" | jq -r .value | base64 -d >"build/$1"
	[ -s "build/$1" ] && pass "screenshot build/$1" || fail "screenshot $1"
}
# A process that maps and writes anonymous memory, and its first page.
"$T/mmc-example" -s "$tmp/m.sock" -c holder -a 4 -w 40 >"$tmp/holder" 2>&1 &
holder=$!
pids="$pids $holder"
wait_for "$tmp/holder" '^holding' "$holder"
hpid=$(M ps | awk '$NF == "holder" { print $1 }')
haddr=$(M maps "$hpid" | awk '$2 == "rw-p" && $6 == "" { print $1; exit }' | cut -d- -f1)
hpfn=$(M pagewalk "$hpid" "0x$haddr" | sed -n 's/^Frame:\tpfn \(0x[0-9a-f]*\).*/\1/p')
hpfn=$((hpfn))

wd POST "$S/url" "{\"url\":\"$url/\"}" >/dev/null
for _ in $(seq 100); do
	[ "$(js 'return document.body.dataset.seq ? 1 : 0')" = 1 ] &&
		[ "$(js 'return document.querySelectorAll("#slab tbody tr").length')" != 0 ] && break
	sleep 0.1
done
# Let the machine settle (the stream's rounds), then compare at once.
sleep 1
M meminfo >"$tmp/meminfo"
M buddyinfo >"$tmp/buddy"
sleep 0.6
want=$(awk '$1 == "MemTotal:" { print $2 " kB" }' "$tmp/meminfo")
got=$(js 'return document.getElementById("meminfo-MemTotal").textContent' | tr -d '"')
[ "$got" = "$want" ] && pass "browser: MemTotal $got as mmctl meminfo" ||
	fail "browser: MemTotal '$got', mmctl '$want'"
want=$(awk '$1 == "SwapFree:" { print $2 " kB" }' "$tmp/meminfo")
got=$(js 'return document.getElementById("meminfo-SwapFree").textContent' | tr -d '"')
[ "$got" = "$want" ] && pass "browser: SwapFree $got as mmctl meminfo" ||
	fail "browser: SwapFree '$got', mmctl '$want'"
for z in DMA DMA32; do
	want=$(awk -v z="$z" '$4 == z { $1=$2=$3=$4=""; print }' "$tmp/buddy" | xargs)
	got=$(js "return [...document.querySelectorAll('[data-zone=\"$z\"] td[data-order]')].map(e => e.textContent).join(' ')" | tr -d '"')
	[ "$got" = "$want" ] && pass "browser: buddyinfo $z ($got) as mmctl" ||
		fail "browser: buddyinfo $z '$got', mmctl '$want'"
done
got=$(js 'return document.getElementById("map").dataset.cells')
[ "$got" = '"4096"' ] && pass "browser: the overview map has 4096 cells" ||
	fail "browser: overview cells $got"
shot mmweb-overview.png

# Zoom with the keyboard, then to the holder's page; click its cell.
wd POST "$S/element/$(wd POST "$S/element" '{"using":"css selector","value":"#zoom-in"}' | jq -r '.value[]')/click" '{}' >/dev/null
sleep 0.5
got=$(js 'return +document.getElementById("map").dataset.nr')
[ "$got" = 163840 ] && pass "browser: zoom in shows an eighth of RAM" ||
	fail "browser: zoomed to $got frames"
start=$((hpfn - hpfn % 64 - 128))
js "S.view = {start: $start, nr: 256}; S.cursor = 0; refreshMap(); return 1" >/dev/null
sleep 0.7
i=$((hpfn - start))
xy=$(js "const c = document.getElementById('map'), r = c.getBoundingClientRect(), s = S.map.size * r.width / c.width; return [Math.round(r.left + ($i % 64 + 0.5) * s), Math.round(r.top + (Math.floor($i / 64) + 0.5) * s), S.map.perCell]")
x=$(echo "$xy" | jq '.[0]')
y=$(echo "$xy" | jq '.[1]')
[ "$(echo "$xy" | jq '.[2]')" = 1 ] && pass "browser: zoomed to single frames" ||
	fail "browser: zoom $xy"
wd POST "$S/actions" "{\"actions\":[{\"type\":\"pointer\",\"id\":\"m\",\"actions\":[{\"type\":\"pointerMove\",\"x\":$x,\"y\":$y,\"origin\":\"viewport\"},{\"type\":\"pointerDown\",\"button\":0},{\"type\":\"pointerUp\",\"button\":0}]}]}" >/dev/null
for _ in $(seq 30); do
	[ "$(js 'return document.getElementById("page-details").dataset.pfn || ""')" != '""' ] && break
	sleep 0.1
done
got=$(js 'return +document.getElementById("page-details").dataset.pfn')
[ "$got" = "$hpfn" ] && pass "browser: a click on the map shows frame $hpfn" ||
	fail "browser: clicked frame $got, not $hpfn"
dump=$(js 'return document.getElementById("dump-page").textContent')
want=$(M dump-page "$hpfn" | head -1 | sed 's/^page:[0-9a-f]* //')
echo "$dump" | grep -qF "$want" && echo "$dump" | grep -q 'anon flags' &&
	pass "browser: its dump_page line is mmctl's" ||
	fail "browser: dump '$dump', mmctl '$want'"
got=$(js 'return document.getElementById("owners").textContent')
echo "$got" | grep -q "anon pid $hpid addr 0x$haddr: walk" &&
	pass "browser: the frame is followed to pid $hpid at 0x$haddr" ||
	fail "browser: owners $got"
shot mmweb-zoom.png
wd POST "$S/element/$(wd POST "$S/element" '{"using":"css selector","value":"#owners button"}' | jq -r '.value[]')/click" '{}' >/dev/null
for _ in $(seq 30); do
	[ "$(js 'return document.querySelectorAll("#walk-table tr[data-level]").length')" = 4 ] && break
	sleep 0.1
done
got=$(js 'return document.querySelector("#walk-table tr[data-level=PTE]").textContent')
echo "$got" | grep -q 'P present, RW writable, US user' &&
	pass "browser: the walk's four levels, the PTE's bits decoded" ||
	fail "browser: walk $got"
js 'document.getElementById("walk").scrollIntoView(); return 1' >/dev/null
shot mmweb-walk.png

# ---- pageblocks by migrate type: the whole map, each zone's count as
# /proc/pagetypeinfo's, and one pageblock's type as the core's
click() { wd POST "$S/element/$(wd POST "$S/element" "{\"using\":\"css selector\",\"value\":\"$1\"}" | jq -r '.value[]')/click" '{}' >/dev/null; }
click '#zoom-all'
click '#by-type'
for _ in $(seq 30); do
	[ "$(js 'return document.getElementById("map").dataset.kind')" = '"pageblocks"' ] && break
	sleep 0.1
done
got=$(js 'const c = document.getElementById("map"); return [c.dataset.kind, document.getElementById("by-type").getAttribute("aria-pressed"), document.getElementById("legend").textContent]')
echo "$got" | grep -q '^\["pageblocks","true",".*Unmovable.*Movable.*Reclaimable.*HighAtomic' &&
	pass "browser: the toggle colours the map by migrate type, with its legend" ||
	fail "browser: by type: $got"
M pagetypeinfo >"$tmp/pti"
for z in DMA DMA32 Normal; do
	want=$(awk -v z="$z" '/^Number of blocks/ { on = 1 } on && $4 == z { $1=$2=$3=$4=""; print }' "$tmp/pti" | xargs)
	got=$(js "return [...document.querySelectorAll('#pageblocks tr[data-zone=\"$z\"] td')].map(e => e.textContent).join(' ')" | tr -d '"')
	[ -n "$want" ] && [ "$got" = "$want" ] &&
		pass "browser: $z's pageblocks by type ($got) as pagetypeinfo" ||
		fail "browser: $z's pageblocks '$got', pagetypeinfo '$want'"
done
js 'document.getElementById("map-panel").scrollIntoView(); return 1' >/dev/null
shot mmweb-pageblocks.png
# The first Unmovable pageblock, zoomed to; the pointer over it.
pb=$(js 'return S.status.pageblock')
first=$(js "const c = hex2bytes(S.pageblocks.cells); const i = c.findIndex(b => (b & 15) === 0); return i < 0 ? -1 : S.pageblocks.start + i * S.pageblocks.per_cell")
if [ "$first" -ge 0 ] 2>/dev/null; then
	js "S.view = {start: $first, nr: $((pb * 4))}; S.cursor = 0; refreshMap(); return 1" >/dev/null
	sleep 0.7
	xy=$(js "const c = document.getElementById('map'), r = c.getBoundingClientRect(), s = S.map.size * r.width / c.width; return [Math.round(r.left + 0.5 * s), Math.round(r.top + 0.5 * s)]")
	wd POST "$S/actions" "{\"actions\":[{\"type\":\"pointer\",\"id\":\"m\",\"actions\":[{\"type\":\"pointerMove\",\"x\":$(echo "$xy" | jq '.[0]'),\"y\":$(echo "$xy" | jq '.[1]'),\"origin\":\"viewport\"}]}]}" >/dev/null
	sleep 0.2
	got=$(js 'const h = document.getElementById("map-hover"); return h.dataset.type + " " + h.dataset.pageblock + " " + h.textContent')
	core=$(curl -s "$url/api/frames?start=$first&nr=$pb&cells=1&pageblocks=1" | od -An -tu1 | xargs)
	echo "$got" | grep -q "^\"Unmovable $first pfn $first[ -].*pageblock $first-$((first + pb - 1)): Unmovable\"" &&
		[ "$core" = 16 ] &&
		pass "browser: hover shows pageblock $first Unmovable, as the core's map ($core)" ||
		fail "browser: hover '$got', core $core"
else
	fail "browser: no Unmovable pageblock in the map"
fi
js 'S.view = null; S.byType = false; refreshMap(); return 1' >/dev/null

# ---- the reclaim timeline: a workload that fills RAM to -ENOMEM wakes
# kswapd and stalls in direct reclaim; both rates show
"$T/mmc_test" "$tmp/m.sock" ops kswapd >"$tmp/kswapd" 2>&1 ||
	fail "the reclaiming workload: $(tail -3 "$tmp/kswapd")"
for _ in $(seq 30); do
	[ "$(js 'return +document.querySelector("#timeline-table tr[data-series=allocstall] .peak").textContent > 0 ? 1 : 0')" = 1 ] && break
	sleep 0.1
done
got=$(js 'return ["pageoutrun", "allocstall"].map(n => +document.querySelector(`#timeline-table tr[data-series=${n}] .peak`).textContent)')
echo "$got" | jq -e 'all(. > 0)' >/dev/null &&
	pass "browser: the timeline shows kswapd runs and direct reclaim stalls per second ($got)" ||
	fail "browser: timeline peaks $got"
js 'document.getElementById("zones-panel").scrollIntoView(); return 1' >/dev/null
shot mmweb-timeline.png

# ---- a NUMA machine: config/x86_64-numa.yaml (its memmap written on
# first use, as x86_64-1t.yaml's), each node a labelled part of the map
cp config/x86_64-numa.yaml "$tmp/two.yaml"
start_mmd two --config "$tmp/two.yaml" || exit 1
two_pid=$mmd_pid
M2() { "$T/mmctl" --socket "$tmp/two.sock" "$@"; }
port2=$((port + 2))
url2=http://127.0.0.1:$port2
"$WEB" --socket "$tmp/two.sock" --listen "127.0.0.1:$port2" --www mmweb/www \
	--bindir "$T" --interval 200 2>"$tmp/web2.log" &
web2=$!
pids="$pids $web2"
for _ in $(seq 50); do
	curl -sf -o /dev/null "$url2/" && break
	sleep 0.1
done
curl -s -m 2 "$url2/events" >"$tmp/ev2" 2>/dev/null
grep -q '"nodes":\[{"node":0,"start":0,"nr":8650752,"per_cell":4160,"cells":2080},{"node":1,"start":8650752,"nr":8388608,"per_cell":4159,"cells":2017}\]' "$tmp/ev2" &&
	pass "numa: the stream's map, each node's cells apart (2080 + 2017)" ||
	fail "numa: the stream's map: $(grep -o '"nodes":[^]]*]' "$tmp/ev2" | head -1)"
grep -q '^data: .*"nodes":\[{"node":0,"mem_total":[0-9]*,"mem_free"' "$tmp/ev2" &&
	pass "numa: the stream sends each node's meminfo" ||
	fail "numa: no node meminfo in the stream"
wd POST "$S/url" "{\"url\":\"$url2/\"}" >/dev/null
for _ in $(seq 100); do
	[ "$(js 'return document.querySelectorAll("#map-nodes li").length + document.querySelectorAll("#zones .zone").length')" = 6 ] &&
		[ "$(js 'return document.getElementById("map").dataset.nodes')" = '"0 1"' ] && break
	sleep 0.1
done
sleep 1
for n in 0 1; do M2 node-meminfo $n >"$tmp/node$n"; done
M2 buddyinfo >"$tmp/buddy2"
sleep 0.6
for n in 0 1; do
	want=$(awk '$3 == "MemTotal:" || $3 == "MemFree:" || $3 == "MemUsed:" { printf "%s%s kB", (k++ ? " " : ""), $4 }' "$tmp/node$n")
	got=$(js "return ['MemTotal', 'MemFree', 'MemUsed'].map(k => document.getElementById('node$n-' + k).textContent).join(' ')" | tr -d '"')
	[ "$got" = "$want" ] && pass "browser: node $n's MemTotal, MemFree, MemUsed ($got) as node-meminfo $n" ||
		fail "browser: node $n '$got', node-meminfo '$want'"
done
got=$(js 'return [...document.querySelectorAll("#map-nodes li")].map(e => e.textContent.split(",")[0]).join("|")' | tr -d '"')
[ "$got" = "Node 0: pfn 0-8650751|Node 1: pfn 8650752-17039359" ] &&
	pass "browser: each node labelled with its span ($got)" || fail "browser: node labels '$got'"
while read -r _ node _ zone counts; do
	node=${node%,}
	counts=$(echo $counts | xargs)
	got=$(js "const d = document.querySelector('#zones [data-node=\"$node\"][data-zone=\"$zone\"]'); return d ? d.querySelector('h3').textContent.split(':')[0] + ': ' + [...d.querySelectorAll('td[data-order]')].map(e => e.textContent).join(' ') : ''" | tr -d '"')
	[ "$got" = "Node $node, zone $zone: $counts" ] &&
		pass "browser: Node $node, zone $zone's panel, its buddyinfo ($counts) as mmctl's" ||
		fail "browser: Node $node, zone $zone: '$got', buddyinfo '$counts'"
done <"$tmp/buddy2"
got=$(js 'return [...document.querySelectorAll("#pageblocks tr[data-node]")].map(e => e.firstChild.textContent).join("|")' | tr -d '"')
[ "$got" = "Node 0, zone DMA|Node 0, zone DMA32|Node 0, zone Normal|Node 1, zone Normal" ] &&
	pass "browser: pageblocks by node and zone" || fail "browser: pageblocks rows '$got'"
js 'document.getElementById("map-panel").scrollIntoView(); return 1' >/dev/null
shot mmweb-numa.png
# Zoomed across the nodes' border: two sections, 128 frames each; the
# pointer on the 131st cell is pfn 8650754, node 1's third frame.
border=8650752
js "S.view = {start: $((border - 128)), nr: 256}; S.cursor = 0; refreshMap(); return 1" >/dev/null
for _ in $(seq 30); do
	[ "$(js 'return document.getElementById("map").dataset.nodes + " " + S.map.cells.length')" = '"0 1 256"' ] && break
	sleep 0.1
done
got=$(js 'return S.map.sections.map(q => `${q.node}:${q.start}+${q.count}x${q.perCell}`).join(" ")' | tr -d '"')
[ "$got" = "0:$((border - 128))+128x1 1:$border+128x1" ] &&
	pass "browser: the zoomed map splits at the border ($got)" || fail "browser: zoomed sections '$got'"
xy=$(js "const c = document.getElementById('map'), r = c.getBoundingClientRect(), k = r.width / c.width, [x, y] = cellXY(130); return [Math.round(r.left + (x + S.map.size / 2) * k), Math.round(r.top + (y + S.map.size / 2) * k)]")
wd POST "$S/actions" "{\"actions\":[{\"type\":\"pointer\",\"id\":\"m\",\"actions\":[{\"type\":\"pointerMove\",\"x\":$(echo "$xy" | jq '.[0]'),\"y\":$(echo "$xy" | jq '.[1]'),\"origin\":\"viewport\"},{\"type\":\"pointerDown\",\"button\":0},{\"type\":\"pointerUp\",\"button\":0}]}]}" >/dev/null
for _ in $(seq 30); do
	[ "$(js 'return document.getElementById("page-details").dataset.pfn || ""')" = "\"$((border + 2))\"" ] && break
	sleep 0.1
done
got=$(js 'const d = document.getElementById("page-details"); return [d.dataset.pfn, d.dataset.node, document.getElementById("page-node").textContent, document.getElementById("map-hover").textContent].join("|")' | tr -d '"')
echo "$got" | grep -q "^$((border + 2))|1|Node 1, zone Normal|pfn $((border + 2)) (0x[0-9a-f]*): .* (node 1)$" &&
	pass "browser: a click in node 1's part shows frame $((border + 2)) on node 1, zone Normal" ||
	fail "browser: clicked '$got'"
dump=$(js 'return document.getElementById("dump-page").textContent' | jq -r .)
want=$(M2 dump-page $((border + 2)) | sed -n 2p)
echo "$dump" | grep -qxF "$want" && echo "$want" | grep -q '|node=1|zone=2)$\|(node=1|zone=2)$' &&
	pass "browser: its dump_page flags say node=1, as mmctl's ($want)" ||
	fail "browser: dump '$dump', mmctl '$want'"
bytes=$(curl -s "$url2/api/stats" | sed -n 's/.*"last_event_bytes":\([0-9]*\).*/\1/p')
echo "# numa: bytes of the last update sent: $bytes"
js 'S.view = null; refreshMap(); return 1' >/dev/null
kill -TERM "$web2"
wait "$web2"
forget "$web2"
stop_mmd two "$two_pid"
wd DELETE "$S" >/dev/null

kill -TERM "$web"
wait "$web"
status=$?
forget "$web"
[ "$status" = 0 ] && pass "mmweb stops on SIGTERM, exit 0" ||
	fail "mmweb exit $status: $(tail -5 "$tmp/web.log")"
exit $failed
