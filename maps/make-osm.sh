#!/usr/bin/env bash
# Regenerates the OpenStreetMap fixtures: OSM XML written here (plain text, below), turned into
# `.osm.pbf` by osmium-tool (the independent PBF writer, libosmium; Debian package
# `osmium-tool`). Run from the repository root: `bash maps/make-osm.sh` (needs python3 and
# osmium). See maps/demo/README.md and tests/data/osm/README.md.
#
# 1. maps/demo/formats/network.osm(.pbf): the demo's road grid (maps/demo/network.geojson)
#    tagged as OSM would tag it. Its nodes are the GeoJSON vertices; streets are ways spanning
#    several blocks; speeds come from the `highway` defaults and `maxspeed`; the railway through
#    the west district is a `railway=rail` way meeting the south–north streets at
#    `railway=level_crossing` nodes (not at x = -1500 m, where it is a bridge); the one-way
#    block is its own way with `oneway=yes`. Read by schoolplan it gives the same network as the
#    GeoJSON (tests/io_osm.rs).
# 2. tests/data/osm/tags.osm(.pbf): a hand-written handful of ways with the tags the reader
#    interprets (kept as written; only converted here).
set -euo pipefail
D=maps/demo
python3 - $D/network.geojson $D/formats/network.osm <<'PY'
import json, sys
src, out = sys.argv[1], sys.argv[2]
edges = json.load(open(src, encoding="utf-8"))["features"]
# The generator writes 9 west-east streets of 12 blocks (j = 0..8, i = 0..11), then 13
# south-north streets of 8 blocks (i = 0..12, j = 0..7); grid step 500 m from (-3000, -2000).
assert len(edges) == 9 * 12 + 13 * 8
we = {(i, j): edges[j * 12 + i] for j in range(9) for i in range(12)}
sn = {(i, j): edges[108 + i * 8 + j] for i in range(13) for j in range(8)}
nodes = {}  # "lon,lat" text -> (id, lon, lat, tags)
def node(lon, lat, tags=()):
    key = "%.7f,%.7f" % (lon, lat)
    if key not in nodes:
        nodes[key] = (len(nodes) + 1001, lon, lat, tuple(tags))
    return nodes[key][0]
ways = []
def way(refs, tags):
    ways.append((len(ways) + 2001, refs, tags))
def kind(x_m, speed):
    # Residential streets (30 km/h) in the west district, tertiary (40) in the east, the
    # arterial at y = +500 m a primary road signed 50 km/h (its default would be 60).
    if speed == 50:
        return [("highway", "primary"), ("maxspeed", "50"), ("name", "Demo Avenue")]
    return [("highway", "residential" if x_m < 0 else "tertiary")]
# West-east streets: runs of blocks with the same tags.
for j in range(9):
    run, run_tags = [], None
    for i in range(12):
        e = we[(i, j)]
        (a, b) = e["geometry"]["coordinates"]
        tags = kind(-3000 + 500 * i, e["properties"]["speed_kmh"])
        if e["properties"].get("oneway"):
            tags = tags + [("oneway", "yes")]
        if tags != run_tags and run:
            way(run, run_tags)
            run = []
        if not run:
            run = [node(*a)]
        run.append(node(*b))
        run_tags = tags
    way(run, run_tags)
# South-north streets; a level crossing halfway along the block that crosses the railway
# (y = +250 m) in the west district, except the underpass at x = -1500 m.
crossings, bridge = [], None
for i in range(13):
    x = -3000 + 500 * i
    run, run_tags = [], None
    for j in range(8):
        e = sn[(i, j)]
        (a, b) = e["geometry"]["coordinates"]
        tags = kind(x, e["properties"]["speed_kmh"])
        if tags != run_tags and run:
            way(run, run_tags)
            run = []
        if not run:
            run = [node(*a)]
        if j == 4 and x < 0:
            mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
            assert bool(e["properties"].get("barrier")) == (x != -1500)
            if x != -1500:
                n = node(*mid, tags=[("railway", "level_crossing")])
                run.append(n)
                crossings.append(n)
            else:
                bridge = mid
        run.append(node(*b))
        run_tags = tags
    way(run, run_tags)
# The railway: through the level crossings, and a node of its own on the bridge over the
# x = -1500 m street (no node shared with the street: no crossing there).
rail = crossings[:3] + [node(*bridge)] + crossings[3:]
way(rail, [("railway", "rail"), ("name", "Demo Railway")])
with open(out, "w", encoding="utf-8", newline="\n") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    f.write('<osm version="0.6" generator="maps/make-osm.sh (demo road grid)">\n')
    for (nid, lon, lat, tags) in sorted(nodes.values()):
        f.write('  <node id="%d" version="1" lat="%.7f" lon="%.7f"' % (nid, lat, lon))
        if tags:
            f.write('>\n')
            for k, v in tags:
                f.write('    <tag k="%s" v="%s"/>\n' % (k, v))
            f.write('  </node>\n')
        else:
            f.write('/>\n')
    for (wid, refs, tags) in ways:
        f.write('  <way id="%d" version="1">\n' % wid)
        for r in refs:
            f.write('    <nd ref="%d"/>\n' % r)
        for k, v in tags:
            f.write('    <tag k="%s" v="%s"/>\n' % (k, v))
        f.write('  </way>\n')
    f.write('</osm>\n')
PY
osmium cat --no-progress -O $D/formats/network.osm -o $D/formats/network.osm.pbf
osmium cat --no-progress -O tests/data/osm/tags.osm -o tests/data/osm/tags.osm.pbf
osmium fileinfo -e $D/formats/network.osm.pbf | grep -E "Number of (nodes|ways)"
osmium fileinfo -e tests/data/osm/tags.osm.pbf | grep -E "Number of (nodes|ways)"
