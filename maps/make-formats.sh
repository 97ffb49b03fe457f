#!/usr/bin/env bash
# Regenerates the new-format copies of shipped layers with GDAL (the independent writer) and,
# for the GCJ-02 table, the published forward formula (Python, below). Run from the repository
# root: `bash maps/make-formats.sh` (needs gdal-bin and python3). See maps/*/README.md.
set -euo pipefail
D=maps/demo; F=maps/fushun
TM="+proj=tmerc +lat_0=41.85 +lon_0=123.9 +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
rm -f $D/formats/* $F/formats/*

# Demo: townships as a GeoPackage in CGCS2000 / 3-degree Gauss-Kruger CM 123E (EPSG:4550).
ogr2ogr -f GPKG -t_srs EPSG:4550 $D/formats/townships.gpkg $D/townships.geojson -nln townships
# Demo: counties as a Shapefile in CGCS2000 lon/lat (EPSG:4490).
ogr2ogr -f "ESRI Shapefile" -t_srs EPSG:4490 $D/formats/counties.shp $D/counties.geojson
# Demo: population as GeoTIFFs of the same 200 m cells (the generator's local transverse
# Mercator), Float32, tiled, DEFLATE; one raster per field.
ogr2ogr -t_srs "$TM" "$tmp/pop.gpkg" $D/population.geojson -nln pop
for f in pop_total pop_3_5 pop_6_11 pop_12_14 pop_15_17; do
  gdal_rasterize -q -a $f -a_nodata -1 -init -1 -te -3000 -2000 3000 2000 -tr 200 200 -ot Float32 \
    -co COMPRESS=DEFLATE -co TILED=YES -co BLOCKXSIZE=16 -co BLOCKYSIZE=16 "$tmp/pop.gpkg" $D/formats/$f.tif
done
# Demo: schools as a CSV of GCJ-02 coordinates (as picked on Amap) with Chinese column names.
ogr2ogr -f CSV -lco GEOMETRY=AS_XY "$tmp/schools.csv" $D/schools.geojson
python3 - "$tmp/schools.csv" $D/formats/schools_gcj02.csv <<'PY'
import csv, math, sys
def fwd(lon, lat):
    a, ee = 6378245.0, 0.00669342162296594323
    x, y = lon - 105.0, lat - 35.0
    dlat = -100.0 + 2.0*x + 3.0*y + 0.2*y*y + 0.1*x*y + 0.2*math.sqrt(abs(x))
    dlat += (20.0*math.sin(6.0*x*math.pi) + 20.0*math.sin(2.0*x*math.pi))*2.0/3.0
    dlat += (20.0*math.sin(y*math.pi) + 40.0*math.sin(y/3.0*math.pi))*2.0/3.0
    dlat += (160.0*math.sin(y/12.0*math.pi) + 320*math.sin(y*math.pi/30.0))*2.0/3.0
    dlon = 300.0 + x + 2.0*y + 0.1*x*x + 0.1*x*y + 0.1*math.sqrt(abs(x))
    dlon += (20.0*math.sin(6.0*x*math.pi) + 20.0*math.sin(2.0*x*math.pi))*2.0/3.0
    dlon += (20.0*math.sin(x*math.pi) + 40.0*math.sin(x/3.0*math.pi))*2.0/3.0
    dlon += (150.0*math.sin(x/12.0*math.pi) + 300.0*math.sin(x/30.0*math.pi))*2.0/3.0
    rad = lat/180.0*math.pi; magic = 1 - ee*math.sin(rad)**2; s = math.sqrt(magic)
    dlat = (dlat*180.0)/((a*(1-ee))/(magic*s)*math.pi); dlon = (dlon*180.0)/(a/s*math.cos(rad)*math.pi)
    return lon + dlon, lat + dlat
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
rows[0][0], rows[0][1] = "经度", "纬度"
for r in rows[1:]:
    lon, lat = fwd(float(r[0]), float(r[1])); r[0], r[1] = "%.9f" % lon, "%.9f" % lat
csv.writer(open(sys.argv[2], "w", newline="", encoding="utf-8"), lineterminator="\n").writerows(rows)
PY

# Fushun: townships as a GBK-encoded Shapefile in EPSG:4550 (what a bureau's GIS exports).
ogr2ogr -f "ESRI Shapefile" -t_srs EPSG:4550 -lco ENCODING=CP936 $F/formats/townships_gbk.shp $F/townships.geojson
# Fushun: the school list as an Excel workbook with lon / lat columns (WGS 84).
ogr2ogr -f XLSX $F/formats/schools.xlsx $F/schools.geojson -nln schools \
  -dialect SQLite -sql "SELECT *, ST_X(geometry) AS lon, ST_Y(geometry) AS lat FROM schools"
ls -la $D/formats $F/formats
