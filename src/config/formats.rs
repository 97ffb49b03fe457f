//! What a layer file is: its format and, for population rasters, the rasters summed into a
//! cohort. Plain data of the scenario; the readers are in `io::formats`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::LayerSpec;

/// A layer's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// GeoJSON FeatureCollection (`.geojson`, `.json`).
    #[serde(alias = "json")]
    Geojson,
    /// OGC GeoPackage (`.gpkg`), read by a built-in read-only SQLite reader.
    #[serde(alias = "geopackage")]
    Gpkg,
    /// ESRI Shapefile (`.shp` with `.dbf`, `.prj`, `.cpg`).
    #[serde(alias = "shp")]
    Shapefile,
    /// Comma-separated point table (`.csv`, `.txt`).
    Csv,
    /// Excel workbook point table (`.xlsx`, `.xls`, `.ods`).
    #[serde(alias = "xls")]
    Xlsx,
    /// GeoTIFF population raster (`.tif`, `.tiff`).
    #[serde(alias = "tif", alias = "tiff")]
    Geotiff,
    /// ESRI ASCII grid population raster (`.asc`).
    #[serde(alias = "ascii_grid")]
    Asc,
    /// OpenStreetMap PBF roads (`.osm.pbf`).
    #[serde(alias = "pbf", alias = "osm")]
    OsmPbf,
}

impl Format {
    /// The format of a layer: `format = …`, else from the file name.
    pub fn of(spec: &LayerSpec) -> Option<Format> {
        spec.format.or_else(|| Format::from_path(&spec.path))
    }

    /// The format a file name suggests.
    pub fn from_path(path: &Path) -> Option<Format> {
        let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
        let ext = name.rsplit('.').next().unwrap_or("");
        Some(match ext {
            "geojson" | "json" => Format::Geojson,
            "gpkg" => Format::Gpkg,
            "shp" => Format::Shapefile,
            "csv" | "txt" => Format::Csv,
            "xlsx" | "xls" | "xlsm" | "ods" => Format::Xlsx,
            "tif" | "tiff" => Format::Geotiff,
            "asc" => Format::Asc,
            "pbf" => Format::OsmPbf,
            _ => return None,
        })
    }

    /// Name shown by `validate`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Geojson => "GeoJSON",
            Format::Gpkg => "GeoPackage",
            Format::Shapefile => "Shapefile",
            Format::Csv => "CSV",
            Format::Xlsx => "XLSX",
            Format::Geotiff => "GeoTIFF",
            Format::Asc => "ASCII grid",
            Format::OsmPbf => "OSM PBF",
        }
    }

    /// True for population rasters.
    pub fn is_raster(self) -> bool {
        matches!(self, Format::Geotiff | Format::Asc)
    }
}

/// One raster summed into a cohort field: a path, or `{ path, factor, band }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RasterPart {
    /// Just the path (factor 1, band 1).
    Path(PathBuf),
    /// A path with a factor (share of the raster's people in the cohort) and a band.
    Weighted {
        /// Raster file, relative to the scenario file.
        path: PathBuf,
        /// Multiplier, default 1 (e.g. 0.4 takes ages 10–11 out of a 10–14 raster).
        #[serde(default = "one")]
        factor: f64,
        /// Band, 1-based (default 1).
        #[serde(default)]
        band: Option<u32>,
    },
}

fn one() -> f64 {
    1.0
}

impl RasterPart {
    /// The raster's path.
    pub fn path(&self) -> &Path {
        match self {
            RasterPart::Path(p) | RasterPart::Weighted { path: p, .. } => p,
        }
    }

    /// The factor (1 unless given).
    pub fn factor(&self) -> f64 {
        match self {
            RasterPart::Path(_) => 1.0,
            RasterPart::Weighted { factor, .. } => *factor,
        }
    }

    /// The band, 1-based.
    pub fn band(&self) -> u32 {
        match self {
            RasterPart::Weighted { band: Some(b), .. } => *b,
            _ => 1,
        }
    }

    /// Makes the path relative to `dir` (the scenario file's folder).
    pub fn relativise(&mut self, dir: &Path) {
        match self {
            RasterPart::Path(p) | RasterPart::Weighted { path: p, .. } => *p = dir.join(&*p),
        }
    }
}
