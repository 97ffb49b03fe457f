//! Population rasters: GeoTIFF (WorldPop `ppp_*`, GHS-POP in WGS 84, any national grid) and
//! ESRI ASCII grids. Each pixel with people becomes a demand cell.
//!
//! - **Cells.** A pixel whose `pop_total` (band `band`, default 1) is above zero, or whose
//!   cohort rasters are, becomes a cell with `id = "r<row>c<col>"` (row and column in the
//!   whole raster, counted from the top-left, so the same pixel has the same id whatever
//!   window is read), `pop_total` and one value per `cohort_rasters` field; its outline is the
//!   polygon of its four corners converted to WGS 84. Nodata, NaN and zero pixels are skipped;
//!   negative values are one error naming the first pixel.
//! - **Compact.** [`read_cells`] keeps a cell as its row, column and people
//!   ([`RasterCells`]: 16 bytes, + 8 per cohort field); the outline is computed again, by the
//!   same arithmetic, whenever it is needed ([`RasterCells::polygon`]). The layer loader makes
//!   demand cells from them one by one; [`RasterCells::feature`] gives the feature (polygon
//!   and properties) a vector layer of the same cells would have, which is what
//!   `read_records` returns and what the loader's checks see.
//! - **Cohorts.** `cohort_rasters.pop_6_11 = ["f_5.tif", "m_5.tif", { path = "f_10.tif",
//!   factor = 0.4 }, …]` sums WorldPop age/sex rasters (5-year bands) into the level's ages;
//!   they must share the population raster's grid. Without them, `[population.cohort_shares]`
//!   applies as for any cell with only `pop_total`.
//! - **Window.** When the scenario has counties (or townships), only the pixel window covering
//!   their extent is read, in rows of storage blocks, and a pixel is kept only when its centre lies
//!   inside an area (a scanline test in pixel space): a 40,000 × 40,000 country raster costs
//!   the city's window, and memory grows with the populated pixels kept, not the file.
//! - **CRS.** The GeoTIFF's EPSG code (projected or geographic key), else the WKT GDAL stores
//!   in a citation key for systems without GeoTIFF codes (`ESRI PE String = …`: GHS-POP's World
//!   Mollweide, ESRI:54009), else a user-defined transverse Mercator from its GeoKeys; for ASCII
//!   grids the `.prj` beside it; `crs = …` on the layer overrides either.
//!
//! GeoTIFF files are parsed (IFDs, tags, GeoKeys) by `geotiff-reader`; their tiles or strips
//! are decoded by `blocks.rs` (every block of a window in parallel; DEFLATE by `fdeflate`; none,
//! LZW, PackBits by `tiff-reader`; predictors 2 and 3; 8–64-bit integer and float samples,
//! chunky or planar), and by `geotiff-reader`'s window reads for anything else (bit-packed
//! samples, JPEG, colour images).

use std::path::Path;

mod blocks;

use geo::{Coord, Geometry, LineString, Polygon};
use geotiff_reader::GeoTiffFile;
use serde_json::{Map as JsonMap, Value};

use self::blocks::BlockLayout;
use super::{file_error, number_value, AreaMask, Format, RawFeature};
use crate::config::LayerSpec;
use crate::geodesy::crs::Crs;
use crate::geodesy::datum::Datum;
use crate::io::features::FileProblems;

/// Affine pixel → map transform: x = a + col·b + row·c, y = d + col·e + row·f.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Affine([f64; 6]);

impl Affine {
    fn apply(&self, col: f64, row: f64) -> (f64, f64) {
        let [a, b, c, d, e, f] = self.0;
        (a + col * b + row * c, d + col * e + row * f)
    }
    fn invert(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        let [a, b, c, d, e, f] = self.0;
        let det = b * f - c * e;
        if det == 0.0 || !det.is_finite() {
            return None;
        }
        let (dx, dy) = (x - a, y - d);
        Some(((f * dx - c * dy) / det, (-e * dx + b * dy) / det))
    }
}

/// One band of one raster file, read by blocks of rows.
enum Source {
    Tiff {
        file: Box<GeoTiffFile>,
        band: usize,
        format: u16,
        bits: u16,
        /// The band's blocks, when decoded here (else through `geotiff-reader`).
        blocks: Option<BlockLayout>,
    },
    Asc {
        values: Vec<f32>,
    },
}

/// An opened raster band with its grid.
struct Band {
    source: Source,
    width: usize,
    height: usize,
    affine: Affine,
    nodata: Option<f64>,
    crs: Option<Crs>,
}

impl Band {
    /// What a sparse block (no data written) reads as: nodata, else 0 (as in GDAL).
    fn fill(&self) -> f64 {
        self.nodata.unwrap_or(0.0)
    }

    /// Rows per read: whole rows of storage blocks, at least 256 rows when blocks are small.
    fn chunk_rows(&self) -> usize {
        match &self.source {
            Source::Tiff {
                blocks: Some(b), ..
            } => b.block_h * (256 / b.block_h).max(1),
            _ => 256,
        }
    }

    /// Values of rows `r0..r0+n`, columns `c0..c0+w`, row-major.
    fn rows(&self, r0: usize, n: usize, c0: usize, w: usize) -> Result<Vec<f64>, String> {
        match &self.source {
            Source::Asc { values } => {
                let mut out = Vec::with_capacity(n * w);
                for r in r0..r0 + n {
                    let row = &values[r * self.width..(r + 1) * self.width];
                    out.extend(row[c0..c0 + w].iter().map(|&v| v as f64));
                }
                Ok(out)
            }
            Source::Tiff {
                blocks: Some(b),
                file,
                ..
            } => b.window(file.tiff(), (r0, n, c0, w), self.fill()),
            Source::Tiff {
                file,
                band,
                format,
                bits,
                blocks: None,
            } => {
                let bytes = file
                    .tiff()
                    .read_band_window_bytes(file.base_ifd_index(), *band, r0, c0, n, w)
                    .map_err(|e| e.to_string())?;
                decode_samples(&bytes, *format, *bits)
            }
        }
    }
}

fn decode_samples(b: &[u8], format: u16, bits: u16) -> Result<Vec<f64>, String> {
    macro_rules! conv {
        ($t:ty, $n:expr) => {
            b.chunks_exact($n)
                .map(|c| <$t>::from_ne_bytes(c.try_into().expect("chunk size")) as f64)
                .collect()
        };
    }
    Ok(match (format, bits) {
        (1, 8) => b.iter().map(|&v| v as f64).collect(),
        (2, 8) => b.iter().map(|&v| v as i8 as f64).collect(),
        (1, 16) => conv!(u16, 2),
        (2, 16) => conv!(i16, 2),
        (1, 32) => conv!(u32, 4),
        (2, 32) => conv!(i32, 4),
        (3, 32) => conv!(f32, 4),
        (1, 64) => conv!(u64, 8),
        (2, 64) => conv!(i64, 8),
        (3, 64) => conv!(f64, 8),
        _ => {
            return Err(format!(
                "8–64-bit integer or float samples, found sample format {format} with {bits} bits"
            ))
        }
    })
}

fn open_band(path: &Path, format: Format, band_1: u32) -> Result<Band, String> {
    match format {
        Format::Asc => open_asc(path),
        _ => open_tiff(path, band_1),
    }
}

fn open_tiff(path: &Path, band_1: u32) -> Result<Band, String> {
    let file = GeoTiffFile::open(path).map_err(|e| format!("a readable GeoTIFF: {e}"))?;
    let width = file.width() as usize;
    let height = file.height() as usize;
    let t = file
        .transform()
        .ok_or("a georeferenced GeoTIFF (tie point and pixel scale, or a transformation)")?;
    let (x0, y0) = t.pixel_to_geo(0.0, 0.0);
    let (x1, y1) = t.pixel_to_geo(1.0, 0.0);
    let (x2, y2) = t.pixel_to_geo(0.0, 1.0);
    let affine = Affine([x0, x1 - x0, x2 - x0, y0, y1 - y0, y2 - y0]);
    let bands = file.band_count().max(1);
    if band_1 == 0 || band_1 > bands {
        return Err(format!("a band in 1–{bands}, found band {band_1}"));
    }
    let ifd = file
        .tiff()
        .ifd(file.base_ifd_index())
        .map_err(|e| e.to_string())?;
    let bits = ifd
        .bits_per_sample()
        .map_err(|e| e.to_string())?
        .first()
        .copied()
        .unwrap_or(8);
    let format = ifd
        .sample_format()
        .map_err(|e| e.to_string())?
        .first()
        .copied()
        .unwrap_or(1);
    let nodata = file.nodata().and_then(|s| s.trim().parse::<f64>().ok());
    let crs = tiff_crs(&file)?;
    let blocks = BlockLayout::of(ifd, file.tiff().byte_order(), (band_1 - 1) as usize);
    Ok(Band {
        source: Source::Tiff {
            band: (band_1 - 1) as usize,
            format,
            bits,
            blocks,
            file: Box::new(file),
        },
        width,
        height,
        affine,
        nodata,
        crs,
    })
}

/// The CRS of a GeoTIFF: EPSG code, else a user-defined transverse Mercator from its keys.
fn tiff_crs(file: &GeoTiffFile) -> Result<Option<Crs>, String> {
    use geotiff_reader::geokeys as k;
    let keys = file.geokeys();
    let model = keys.get_short(k::GT_MODEL_TYPE).unwrap_or(0);
    let projected = keys.get_short(k::PROJECTED_CRS_TYPE);
    let geographic = keys.get_short(k::GEODETIC_CRS_TYPE);
    if let Some(code) = projected.filter(|c| *c != 32767 && *c != 0) {
        return Crs::from_epsg(code as u32).map(Some);
    }
    // GDAL writes a system without GeoTIFF codes (GHS-POP's World Mollweide, ESRI:54009) as
    // user-defined keys with its WKT in a citation: "…|ESRI PE String = PROJCS[…]|".
    for key in [k::PROJ_CITATION, k::GT_CITATION] {
        if let Some(wkt) = keys.get_ascii(key).and_then(esri_pe_string) {
            return Crs::from_wkt(wkt).map(Some);
        }
    }
    if model == 2 {
        return match geographic {
            Some(c) if c != 32767 => Crs::from_epsg(c as u32).map(Some),
            _ => Ok(Some(Crs::geographic(Datum::Wgs84))),
        };
    }
    if model == 1 {
        let d = |id: u16| keys.get_double(id).and_then(|v| v.first().copied());
        // ProjCoordTransGeoKey 3075: 1 = transverse Mercator.
        if keys.get_short(k::PROJ_COORD_TRANS) != Some(1) {
            return Err(
                "a GeoTIFF CRS with an EPSG code or a user-defined transverse Mercator".into(),
            );
        }
        let lon0 = d(3080).or_else(|| d(3088)).unwrap_or(0.0);
        let lat0 = d(3081).or_else(|| d(3089)).unwrap_or(0.0);
        let x0 = d(3082).unwrap_or(0.0);
        let y0 = d(3083).unwrap_or(0.0);
        let kk = d(3092).unwrap_or(1.0);
        let (a, rf) = match (d(2057), d(2059)) {
            (Some(a), Some(rf)) => (a, rf),
            _ if geographic == Some(4490) => (6378137.0, 298.257222101),
            _ => (6378137.0, 298.257223563),
        };
        let def = format!(
            "+proj=tmerc +lat_0={lat0} +lon_0={lon0} +k={kk} +x_0={x0} +y_0={y0} +a={a} +rf={rf} +units=m +no_defs"
        );
        return Crs::from_proj_string(&def).map(Some);
    }
    Ok(None)
}

/// The WKT of an `ESRI PE String = …` citation (up to the next `|`).
fn esri_pe_string(citation: &str) -> Option<&str> {
    let (_, rest) = citation.split_once("ESRI PE String = ")?;
    let wkt = rest.split('|').next()?.trim_end_matches('\0').trim();
    (!wkt.is_empty()).then_some(wkt)
}

fn open_asc(path: &Path) -> Result<Band, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("a readable ASCII grid: {e}"))?;
    let mut header = std::collections::BTreeMap::new();
    let mut body_start = 0;
    for line in text.lines() {
        let mut parts = line.split_whitespace();
        let (Some(k), Some(v), None) = (parts.next(), parts.next(), parts.next()) else {
            break;
        };
        if k.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
            header.insert(k.to_ascii_lowercase(), v.to_string());
            body_start += line.len() + 1;
        } else {
            break;
        }
    }
    let num = |k: &str| -> Result<f64, String> {
        header
            .get(k)
            .and_then(|v| v.parse::<f64>().ok())
            .ok_or_else(|| format!("an ASCII grid header with `{k}`"))
    };
    let ncols = num("ncols")? as usize;
    let nrows = num("nrows")? as usize;
    let cell = num("cellsize")?;
    if ncols == 0
        || nrows == 0
        || cell.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater)
        || ncols.saturating_mul(nrows) > 400_000_000
    {
        return Err(format!(
            "a grid of positive size, found {ncols} × {nrows}, cell {cell}"
        ));
    }
    let (x0, y0) = match (num("xllcorner"), num("yllcorner")) {
        (Ok(x), Ok(y)) => (x, y),
        _ => (
            num("xllcenter")? - cell / 2.0,
            num("yllcenter")? - cell / 2.0,
        ),
    };
    let nodata = header.get("nodata_value").and_then(|v| v.parse().ok());
    let mut values = Vec::with_capacity(ncols * nrows);
    for (i, tok) in text[body_start.min(text.len())..]
        .split_whitespace()
        .enumerate()
    {
        let v: f32 = tok
            .parse()
            .map_err(|_| format!("numbers in the grid, found {tok:?} at value {i}"))?;
        values.push(v);
    }
    if values.len() != ncols * nrows {
        return Err(format!(
            "{} values ({ncols} × {nrows}), found {}",
            ncols * nrows,
            values.len()
        ));
    }
    let prj = path.with_extension("prj");
    let crs = match std::fs::read_to_string(&prj) {
        Ok(w) => Some(Crs::from_wkt(&w)?),
        Err(_) => None,
    };
    Ok(Band {
        source: Source::Asc { values },
        width: ncols,
        height: nrows,
        affine: Affine([x0, cell, 0.0, y0 + nrows as f64 * cell, 0.0, -cell]),
        nodata,
        crs,
    })
}

/// The CRS a GeoTIFF declares.
pub fn declared_crs(path: &Path) -> Option<Crs> {
    let f = GeoTiffFile::open(path).ok()?;
    tiff_crs(&f).ok()?
}

/// One populated pixel kept: where it is in the raster and its people.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PixelCell {
    /// Row in the whole raster, from the top.
    pub row: u32,
    /// Column in the whole raster, from the left.
    pub col: u32,
    /// `pop_total`, rounded to 1e-6; NaN where the population band is nodata (the cell has
    /// people only in its cohort rasters).
    pub pop_total: f64,
}

/// The populated pixels of a raster layer, compactly: 16 bytes per pixel plus 8 per cohort
/// raster field, where a feature with a polygon and a property map took about 1 kB. A
/// pixel's outline is computed again when it is needed ([`RasterCells::polygon`]), by the
/// same arithmetic as when it was read, so every figure made from it is the same.
#[derive(Debug, Clone)]
pub struct RasterCells {
    affine: Affine,
    crs: Crs,
    /// The `cohort_rasters` fields, in the scenario's (sorted) order.
    pub fields: Vec<String>,
    /// The cells, in raster order (rows from the top, then columns).
    pub cells: Vec<PixelCell>,
    /// Cohort people, `fields.len()` per cell in cell order (rounded to 1e-6).
    values: Vec<f64>,
}

impl RasterCells {
    /// Number of cells.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// True when no pixel was kept.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The CRS the raster was read in.
    pub fn crs(&self) -> &Crs {
        &self.crs
    }

    /// Drops every cell (the loader does so when the layer lies elsewhere than the others).
    pub fn clear(&mut self) {
        self.cells.clear();
        self.values.clear();
    }

    /// The id of cell `i`: `r<row>c<col>`.
    pub fn id(&self, i: usize) -> String {
        let c = &self.cells[i];
        format!("r{}c{}", c.row, c.col)
    }

    /// `pop_total` of cell `i` (`None` where the population band is nodata).
    pub fn pop_total(&self, i: usize) -> Option<f64> {
        Some(self.cells[i].pop_total).filter(|v| !v.is_nan())
    }

    /// People of cohort field `k` (of [`RasterCells::fields`]) in cell `i`.
    pub fn cohort(&self, i: usize, k: usize) -> Option<f64> {
        Some(self.values[i * self.fields.len() + k]).filter(|v| !v.is_nan())
    }

    /// The outline of cell `i` in WGS 84 (its four corners converted, counter-clockwise for a
    /// north-up raster); `None` when a corner cannot be converted (such pixels are not kept).
    pub fn polygon(&self, i: usize) -> Option<Polygon<f64>> {
        let c = &self.cells[i];
        pixel_polygon(&self.affine, &self.crs, c.col as usize, c.row as usize)
    }

    /// Cell `i` as the feature a vector layer would give: `id`, `pop_total`, the cohort
    /// fields, and its polygon (feature index `i`).
    pub fn feature(&self, i: usize) -> RawFeature {
        let mut props = JsonMap::new();
        props.insert("id".into(), Value::String(self.id(i)));
        props.insert(
            "pop_total".into(),
            self.pop_total(i)
                .and_then(number_value)
                .unwrap_or(Value::Null),
        );
        for (k, field) in self.fields.iter().enumerate() {
            props.insert(
                field.clone(),
                self.cohort(i, k)
                    .and_then(number_value)
                    .unwrap_or(Value::Null),
            );
        }
        RawFeature {
            index: i,
            props,
            geometry: self.polygon(i).map(Geometry::Polygon),
        }
    }
}

/// What [`scan`] found in a whole band.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScanTotals {
    /// Pixels across and down.
    pub width: usize,
    /// Rows.
    pub height: usize,
    /// Pixels holding a value (not nodata, not NaN).
    pub valued: u64,
    /// Pixels with people (value above zero): the cells a read without areas would make.
    pub populated: u64,
    /// Sum of the values (people).
    pub sum: f64,
}

/// Decodes every pixel of one band (a GeoTIFF's blocks in parallel, by the same decoder as
/// [`read_cells`]) and totals it — the work `gdalinfo -stats` does; the read benchmark
/// (`examples/read_bench.rs`) times it against GDAL.
pub fn scan(path: &Path, format: Format, band: u32) -> Result<ScanTotals, String> {
    let b = open_band(path, format, band)?;
    let mut t = ScanTotals {
        width: b.width,
        height: b.height,
        valued: 0,
        populated: 0,
        sum: 0.0,
    };
    // `is_value` for finite values: not the nodata value (a NaN nodata equals nothing).
    let nodata = b.nodata.unwrap_or(f64::NAN);
    // Four lanes (summed in a fixed order: the result does not depend on threads).
    let add = |t: &mut ScanTotals, vs: &[f64]| {
        let (mut valued, mut populated, mut sum) = ([0u64; 4], [0u64; 4], [0.0f64; 4]);
        let mut lane = |k: usize, v: f64| {
            let ok = v.is_finite() && v != nodata;
            let people = ok && v > 0.0;
            valued[k] += ok as u64;
            populated[k] += people as u64;
            sum[k] += if people { v } else { 0.0 };
        };
        let lanes = vs.chunks_exact(4);
        let rest = lanes.remainder();
        for c in lanes {
            for (k, &v) in c.iter().enumerate() {
                lane(k, v);
            }
        }
        for &v in rest {
            lane(0, v);
        }
        t.valued += valued.iter().sum::<u64>();
        t.populated += populated.iter().sum::<u64>();
        t.sum += (sum[0] + sum[1]) + (sum[2] + sum[3]);
    };
    if let Source::Tiff {
        blocks: Some(blocks),
        file,
        ..
    } = &b.source
    {
        // Every block decoded and totalled in parallel, the totals added in block order.
        let zero = ScanTotals {
            valued: 0,
            populated: 0,
            sum: 0.0,
            ..t
        };
        return blocks.fold(file.tiff(), b.fill(), zero, add, |t, p| {
            t.valued += p.valued;
            t.populated += p.populated;
            t.sum += p.sum;
        });
    }
    let mut r = 0;
    while r < b.height {
        let n = b.chunk_rows().min(b.height - r);
        add(&mut t, &b.rows(r, n, 0, b.width)?);
        r += n;
    }
    Ok(t)
}

/// Reads a population raster into [`RasterCells`]: one compact entry per populated pixel
/// kept (see the module docs), no polygon or property map per pixel.
pub fn read_cells(
    spec: &LayerSpec,
    format: Format,
    scenario_crs: Option<&Crs>,
    mask: Option<&AreaMask>,
    fp: &mut FileProblems,
) -> Option<RasterCells> {
    let main = match open_band(&spec.path, format, spec.band.unwrap_or(1)) {
        Ok(b) => b,
        Err(e) => {
            file_error(fp, "file", e, "a file that is not");
            return None;
        }
    };
    let crs = match (scenario_crs, &main.crs) {
        (Some(c), _) => c.clone(),
        (None, Some(c)) => c.clone(),
        (None, None) => Crs::geographic(spec.datum),
    };
    let crs = if spec.datum != Datum::Wgs84 && crs.datum() == Some(Datum::Wgs84) {
        Crs::geographic(spec.datum)
    } else {
        crs
    };
    // Cohort rasters on the same grid.
    let mut cohorts: Vec<(String, Vec<(Band, f64)>)> = Vec::new();
    for (field, parts) in &spec.cohort_rasters {
        let mut bands = Vec::new();
        for part in parts {
            let f = Format::from_path(part.path()).unwrap_or(Format::Geotiff);
            match open_band(part.path(), f, part.band()) {
                Ok(b)
                    if b.width == main.width
                        && b.height == main.height
                        && same_grid(&b.affine, &main.affine) =>
                {
                    bands.push((b, part.factor()))
                }
                Ok(b) => {
                    file_error(
                        fp,
                        &format!("cohort_rasters.{field}"),
                        format!(
                            "the grid of {} ({} × {})",
                            spec.path.display(),
                            main.width,
                            main.height
                        ),
                        format!(
                            "{} with {} × {} pixels or another origin / pixel size",
                            part.path().display(),
                            b.width,
                            b.height
                        ),
                    );
                }
                Err(e) => file_error(
                    fp,
                    &format!("cohort_rasters.{field}"),
                    e,
                    format!("{}", part.path().display()),
                ),
            }
        }
        cohorts.push((field.clone(), bands));
    }
    if fp.has_errors() {
        return None;
    }
    // Check the raster's extent against its CRS.
    let corners = [(0.0, 0.0), (main.width as f64, main.height as f64)];
    let pts: Vec<Coord<f64>> = corners
        .iter()
        .map(|&(c, r)| {
            let (x, y) = main.affine.apply(c, r);
            Coord { x, y }
        })
        .collect();
    if let Some(ext) = super::extent_of(pts.into_iter()) {
        if let Err(e) = crs.check_extent(ext) {
            let (expected, found) = super::split_expected(&e);
            file_error(fp, "geometry", expected, found);
            return None;
        }
    }
    let (row0, row1, col0, col1, inside) = match mask.filter(|m| m.extent.is_some()) {
        Some(m) => window(&main, &crs, m).unwrap_or_default(),
        None => (0, main.height, 0, main.width, Vec::new()),
    };
    let masked = !inside.is_empty() || mask.is_some_and(|m| m.extent.is_some());
    let chunk = main.chunk_rows();
    if main.width > u32::MAX as usize || main.height > u32::MAX as usize {
        file_error(
            fp,
            "file",
            "a raster of at most 2³² pixels across and down",
            format!("{} × {}", main.width, main.height),
        );
        return None;
    }
    let mut out = RasterCells {
        affine: main.affine,
        crs: crs.clone(),
        fields: cohorts.iter().map(|(f, _)| f.clone()).collect(),
        cells: Vec::new(),
        values: Vec::new(),
    };
    let mut negative: Option<(usize, usize, f64)> = None;
    let mut negative_count = 0usize;
    let w = col1.saturating_sub(col0);
    let mut r = row0;
    while r < row1 {
        // Chunks end on the storage blocks' rows, so no block is decoded twice.
        let n = ((r / chunk + 1) * chunk).min(row1) - r;
        let total = match main.rows(r, n, col0, w) {
            Ok(v) => v,
            Err(e) => {
                file_error(
                    fp,
                    "file",
                    "readable pixels",
                    format!("rows {r}–{}: {e}", r + n),
                );
                return None;
            }
        };
        let mut cohort_vals = Vec::new();
        for (_, bands) in &cohorts {
            let mut sum = vec![0.0; n * w];
            for (b, factor) in bands {
                match b.rows(r, n, col0, w) {
                    Ok(v) => {
                        for (s, x) in sum.iter_mut().zip(v) {
                            if is_value(x, b.nodata) {
                                *s += x * factor;
                            }
                        }
                    }
                    Err(e) => {
                        file_error(fp, "cohort_rasters", "readable pixels", e);
                        return None;
                    }
                }
            }
            cohort_vals.push(sum);
        }
        for i in 0..n {
            let row = r + i;
            let intervals = if masked { inside.get(row - row0) } else { None };
            for j in 0..w {
                let col = col0 + j;
                if masked {
                    let c = col as f64 + 0.5;
                    if !intervals.is_some_and(|iv| iv.iter().any(|&(a, b)| c >= a && c < b)) {
                        continue;
                    }
                }
                let k = i * w + j;
                let t = total[k];
                let t = is_value(t, main.nodata).then_some(t);
                let cs: Vec<f64> = cohort_vals.iter().map(|v| v[k]).collect();
                let any_cohort = cs.iter().any(|&v| v > 0.0);
                if let Some(v) = t
                    .filter(|v| *v < 0.0)
                    .or(cs.iter().copied().find(|v| *v < 0.0))
                {
                    negative_count += 1;
                    negative.get_or_insert((row, col, v));
                    continue;
                }
                if !(t.is_some_and(|v| v > 0.0) || any_cohort) {
                    continue;
                }
                // A pixel whose corners cannot be converted to lon/lat is left out.
                if pixel_polygon(&main.affine, &crs, col, row).is_none() {
                    continue;
                }
                out.cells.push(PixelCell {
                    row: row as u32,
                    col: col as u32,
                    pop_total: t.and_then(people).unwrap_or(f64::NAN),
                });
                out.values
                    .extend(cs.iter().map(|&v| people(v).unwrap_or(f64::NAN)));
            }
        }
        r += n;
    }
    out.cells.shrink_to_fit();
    out.values.shrink_to_fit();
    if let Some((row, col, v)) = negative {
        file_error(
            fp,
            "pop_total",
            "people per pixel ≥ 0 (or the nodata value)",
            format!("{negative_count} negative pixel(s), the first {v} at row {row}, column {col}"),
        );
    }
    Some(out)
}

fn is_value(v: f64, nodata: Option<f64>) -> bool {
    v.is_finite() && nodata.is_none_or(|n| v != n && !(n.is_nan() && v.is_nan()))
}

/// People rounded to 1e-6 (float rasters carry fractional people), as the JSON number of
/// [`number_value`] reads back: whole numbers within ±2⁵³ through an integer (so `-0` is 0).
fn people(v: f64) -> Option<f64> {
    let r = (v * 1e6).round() / 1e6;
    if !r.is_finite() {
        return None;
    }
    Some(if r.fract() == 0.0 && r.abs() < 9.007_199_254_740_992e15 {
        r as i64 as f64
    } else {
        r
    })
}

fn same_grid(a: &Affine, b: &Affine) -> bool {
    let tol = 1e-6 * a.0[1].abs().max(a.0[5].abs()).max(1e-12);
    a.0.iter()
        .zip(b.0.iter())
        .all(|(x, y)| (x - y).abs() <= tol.max(1e-9))
}

/// A pixel's outline in WGS 84.
fn pixel_polygon(a: &Affine, crs: &Crs, col: usize, row: usize) -> Option<Polygon<f64>> {
    let (c, r) = (col as f64, row as f64);
    let mut ring = Vec::with_capacity(5);
    // Counter-clockwise for a north-up raster: bottom-left, bottom-right, top-right, top-left.
    for (dc, dr) in [(0.0, 1.0), (1.0, 1.0), (1.0, 0.0), (0.0, 0.0), (0.0, 1.0)] {
        let (x, y) = a.apply(c + dc, r + dr);
        let (lon, lat) = crs.to_wgs84(x, y)?;
        ring.push(Coord { x: lon, y: lat });
    }
    Some(Polygon::new(LineString(ring), vec![]))
}

type Window = (usize, usize, usize, usize, Vec<Vec<(f64, f64)>>);

/// The pixel window of the mask and, per row of it, the column intervals inside the areas.
fn window(band: &Band, crs: &Crs, mask: &AreaMask) -> Option<Window> {
    // Mask polygons in pixel space.
    let to_px = |c: &Coord<f64>| -> Option<(f64, f64)> {
        let (x, y) = crs.from_wgs84(c.x, c.y)?;
        band.affine.invert(x, y)
    };
    let mut rings: Vec<Vec<(f64, f64)>> = Vec::new();
    for mp in &mask.polygons {
        for p in &mp.0 {
            for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                let pts: Option<Vec<(f64, f64)>> = ring.0.iter().map(to_px).collect();
                rings.push(pts?);
            }
        }
    }
    let (mut cmin, mut rmin, mut cmax, mut rmax) = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    for &(c, r) in rings.iter().flatten() {
        cmin = cmin.min(c);
        cmax = cmax.max(c);
        rmin = rmin.min(r);
        rmax = rmax.max(r);
    }
    if !(cmin.is_finite() && rmin.is_finite()) {
        return None;
    }
    let clamp = |v: f64, hi: usize| -> usize { v.max(0.0).min(hi as f64) as usize };
    let (r0, r1) = (
        clamp(rmin.floor(), band.height),
        clamp(rmax.ceil() + 1.0, band.height),
    );
    let (c0, c1) = (
        clamp(cmin.floor(), band.width),
        clamp(cmax.ceil() + 1.0, band.width),
    );
    // Even-odd scanline at each row centre.
    let mut crossings: Vec<Vec<f64>> = vec![Vec::new(); r1.saturating_sub(r0)];
    for ring in &rings {
        for e in ring.windows(2) {
            let ((xa, ya), (xb, yb)) = (e[0], e[1]);
            if ya == yb {
                continue;
            }
            let (lo, hi) = (ya.min(yb), ya.max(yb));
            let first = (lo - 0.5).ceil().max(r0 as f64) as usize;
            let last = ((hi - 0.5).ceil() as isize).min(r1 as isize);
            let mut row = first;
            while (row as isize) < last {
                let y = row as f64 + 0.5;
                if y >= lo && y < hi {
                    let x = xa + (y - ya) * (xb - xa) / (yb - ya);
                    crossings[row - r0].push(x);
                }
                row += 1;
            }
        }
    }
    let inside = crossings
        .into_iter()
        .map(|mut xs| {
            xs.sort_by(f64::total_cmp);
            xs.chunks_exact(2).map(|p| (p[0], p[1])).collect()
        })
        .collect();
    Some((r0, r1, c0, c1, inside))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esri_pe_citations() {
        let c = "World_Mollweide|WGS 84|ESRI PE String = PROJCS[\"World_Mollweide\",GEOGCS[\"GCS_WGS_1984\"]]|\0";
        assert_eq!(
            esri_pe_string(c),
            Some("PROJCS[\"World_Mollweide\",GEOGCS[\"GCS_WGS_1984\"]]")
        );
        assert_eq!(esri_pe_string("WGS 84 / UTM zone 51N|"), None);
    }

    #[test]
    fn affine_inverts() {
        let a = Affine([100.0, 2.0, 0.0, 500.0, 0.0, -2.0]);
        let (x, y) = a.apply(3.0, 4.0);
        let (c, r) = a.invert(x, y).unwrap();
        assert!((c - 3.0).abs() < 1e-12 && (r - 4.0).abs() < 1e-12);
    }

    #[test]
    fn samples_decode_by_type() {
        let b: Vec<u8> = [1.5f32, -2.0]
            .iter()
            .flat_map(|v| v.to_ne_bytes())
            .collect();
        assert_eq!(decode_samples(&b, 3, 32).unwrap(), vec![1.5, -2.0]);
        assert!(decode_samples(&b, 3, 24).is_err());
        assert!(is_value(3.0, Some(-99999.0)) && !is_value(-99999.0, Some(-99999.0)));
        assert!(!is_value(f64::NAN, None));
    }
}
