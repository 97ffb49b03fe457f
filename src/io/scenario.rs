//! Reading scenario files (TOML) into [`crate::config::Scenario`]: `extends`, `include`,
//! paths relative to the file that writes them, defaults applied.
//!
//! The format itself — every key — is documented on the serde types of [`crate::config`].
//! Unknown keys are an error naming the key and the file.

use std::path::{Path, PathBuf};

use crate::config::*;
use crate::error::{Error, Result};
use crate::model::Level;

impl Scenario {
    /// Loads a scenario file, following `extends` and `include`.
    pub fn load(path: &Path) -> Result<Scenario> {
        let mut files = Vec::new();
        let merged = load_chain(path, &mut files, 0)?;
        resolve(path, merged, files)
    }
}

/// A scenario file with the files its sections came from.
struct Chain {
    file: ScenarioFile,
    rules: Vec<Sourced>,
    proposals: Vec<Sourced>,
}

const MAX_EXTENDS_DEPTH: usize = 16;

fn read_file(path: &Path) -> Result<ScenarioFile> {
    let max = crate::io::input::MAX_SCENARIO_BYTES;
    let text = crate::io::input::read_text_capped(path, max).map_err(|e| match e {
        crate::io::input::InputError::Io(e) => Error::io(path, e),
        e => scenario_err(path, e.message(max)),
    })?;
    toml::from_str::<ScenarioFile>(&text).map_err(|e| Error::Scenario {
        file: path.to_path_buf(),
        message: toml_message(&text, &e),
    })
}

/// A toml error as `line L, column C: message`.
fn toml_message(text: &str, e: &toml::de::Error) -> String {
    let msg = e.message().to_string();
    match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("line {line}, column {col}: {msg}")
        }
        None => msg,
    }
}

fn load_chain(path: &Path, files: &mut Vec<PathBuf>, depth: usize) -> Result<Chain> {
    if depth > MAX_EXTENDS_DEPTH || files.iter().any(|f| f == path) {
        return Err(Error::Scenario {
            file: path.to_path_buf(),
            message: "`extends` forms a cycle (or is nested more than 16 deep)".into(),
        });
    }
    files.push(path.to_path_buf());
    let mut file = read_file(path)?;
    let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
    relativise_paths(&mut file, &dir);
    let base = match file.extends.take() {
        Some(b) => Some(load_chain(&b, files, depth + 1)?),
        None => None,
    };
    let mut rules: Vec<Sourced> = Vec::new();
    for inc in std::mem::take(&mut file.include) {
        let same = |a: &Path| {
            a == inc || matches!((a.canonicalize(), inc.canonicalize()), (Ok(x), Ok(y)) if x == y)
        };
        if files.iter().any(|f| same(f)) {
            return Err(scenario_err(
                path,
                format!(
                    "`include`: {} is this scenario or one it extends, not a rule preset",
                    inc.display()
                ),
            ));
        }
        let preset = read_file(&inc)?;
        check_preset(&inc, &preset)?;
        files.push(inc.clone());
        rules.extend(preset.rules.into_iter().map(|table| Sourced {
            file: inc.clone(),
            table,
        }));
    }
    rules.extend(
        std::mem::take(&mut file.rules)
            .into_iter()
            .map(|table| Sourced {
                file: path.to_path_buf(),
                table,
            }),
    );
    let proposals = std::mem::take(&mut file.proposals)
        .into_iter()
        .map(|table| Sourced {
            file: path.to_path_buf(),
            table,
        })
        .collect();
    let own = Chain {
        file,
        rules,
        proposals,
    };
    Ok(match base {
        Some(b) => merge(b, own),
        None => own,
    })
}

/// A serialized value that sets nothing: an empty array, or a table of such.
fn unset(v: &toml::Value) -> bool {
    match v {
        toml::Value::Table(t) => t.values().all(unset),
        toml::Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// A rule preset holds only `[[rules]]`: anything else in it would be silently ignored.
fn check_preset(path: &Path, preset: &ScenarioFile) -> Result<()> {
    let value = toml::Value::try_from(preset).unwrap_or(toml::Value::Table(Default::default()));
    let extra: Vec<String> = value
        .as_table()
        .map(|t| {
            t.iter()
                .filter(|(k, v)| k.as_str() != "rules" && !unset(v))
                .map(|(k, _)| format!("`{k}`"))
                .collect()
        })
        .unwrap_or_default();
    if extra.is_empty() {
        Ok(())
    } else {
        Err(scenario_err(
            path,
            format!(
                "an `include`d rule preset is read for its `[[rules]]` only; it also sets {}, which would be ignored (use `extends` for a base scenario)",
                extra.join(", ")
            ),
        ))
    }
}

fn relativise_paths(file: &mut ScenarioFile, dir: &Path) {
    let join = |p: &mut PathBuf| *p = dir.join(&*p);
    if let Some(e) = file.extends.as_mut() {
        join(e)
    }
    file.include.iter_mut().for_each(join);
    if let Some(d) = file.outputs.dir.as_mut() {
        join(d)
    }
    let l = &mut file.layers;
    for spec in [
        &mut l.schools,
        &mut l.population,
        &mut l.counties,
        &mut l.townships,
        &mut l.candidates,
        &mut l.network,
        &mut l.matrix,
    ]
    .into_iter()
    .flatten()
    {
        join(&mut spec.path);
        for parts in spec.cohort_rasters.values_mut() {
            for part in parts {
                part.relativise(dir);
            }
        }
    }
    if let Some(p) = file.forecast.as_mut().and_then(|f| f.base_ages.as_mut()) {
        join(p);
    }
}

fn rule_id(t: &toml::Table) -> Option<&str> {
    t.get("id").and_then(|v| v.as_str())
}

/// Applies `top` over `base`: see the module docs.
fn merge(base: Chain, top: Chain) -> Chain {
    let (b, t) = (base.file, top.file);
    macro_rules! over {
        ($a:expr, $b:expr) => {
            $b.or($a)
        };
    }
    let mut levels = b.levels;
    for (level, lt) in t.levels {
        let lb = levels.remove(&level).unwrap_or_default();
        levels.insert(
            level,
            LevelFile {
                enabled: over!(lb.enabled, lt.enabled),
                radius_m: over!(lb.radius_m, lt.radius_m),
                radius_min: over!(lb.radius_min, lt.radius_min),
                class_size: over!(lb.class_size, lt.class_size),
                cohort_field: over!(lb.cohort_field, lt.cohort_field),
                enrolment_rate: over!(lb.enrolment_rate, lt.enrolment_rate),
                avoid_barriers: over!(lb.avoid_barriers, lt.avoid_barriers),
                settings: {
                    let mut m = lb.settings;
                    for (k, st) in lt.settings {
                        let sb = m.remove(&k).unwrap_or_default();
                        m.insert(
                            k,
                            SettingFile {
                                radius_m: over!(sb.radius_m, st.radius_m),
                                radius_min: over!(sb.radius_min, st.radius_min),
                                boarding_radius_m: over!(
                                    sb.boarding_radius_m,
                                    st.boarding_radius_m
                                ),
                            },
                        );
                    }
                    m
                },
                zones: over!(lb.zones, lt.zones),
            },
        );
    }
    let settings = match (b.settings, t.settings) {
        (Some(sb), Some(st)) => Some(SettingsFile {
            urban_township_kinds: over!(sb.urban_township_kinds, st.urban_township_kinds),
            urban_min_density_per_km2: over!(
                sb.urban_min_density_per_km2,
                st.urban_min_density_per_km2
            ),
            urban_areas: over!(sb.urban_areas, st.urban_areas),
        }),
        (sb, st) => st.or(sb),
    };
    let forecast = match (b.forecast, t.forecast) {
        (Some(fb), Some(ft)) => Some(merge_forecast(fb, ft)),
        (fb, ft) => ft.or(fb),
    };
    let mut population = b.population;
    population.cohort_shares.extend(t.population.cohort_shares);
    population.factors.extend(t.population.factors);
    let mut rules = base.rules;
    for r in top.rules {
        match rule_id(&r.table)
            .and_then(|id| rules.iter().position(|x| rule_id(&x.table) == Some(id)))
        {
            Some(i) => rules[i] = r,
            None => rules.push(r),
        }
    }
    let mut proposals = base.proposals;
    proposals.extend(top.proposals);
    let file = ScenarioFile {
        name: over!(b.name, t.name),
        title: over!(b.title, t.title),
        description: over!(b.description, t.description),
        language: over!(b.language, t.language),
        year: over!(b.year, t.year),
        extends: None,
        include: Vec::new(),
        layers: LayersFile {
            schools: over!(b.layers.schools, t.layers.schools),
            population: over!(b.layers.population, t.layers.population),
            counties: over!(b.layers.counties, t.layers.counties),
            townships: over!(b.layers.townships, t.layers.townships),
            candidates: over!(b.layers.candidates, t.layers.candidates),
            network: over!(b.layers.network, t.layers.network),
            matrix: over!(b.layers.matrix, t.layers.matrix),
        },
        distance: DistanceFile {
            mode: over!(b.distance.mode, t.distance.mode),
            unit: over!(b.distance.unit, t.distance.unit),
            walk_speed_kmh: over!(b.distance.walk_speed_kmh, t.distance.walk_speed_kmh),
            snap_max_m: over!(b.distance.snap_max_m, t.distance.snap_max_m),
            join_tolerance_m: over!(b.distance.join_tolerance_m, t.distance.join_tolerance_m),
        },
        population,
        levels,
        accessibility: AccessibilityFile {
            decay: over!(b.accessibility.decay, t.accessibility.decay),
            catchment_factor: over!(
                b.accessibility.catchment_factor,
                t.accessibility.catchment_factor
            ),
        },
        gaps: GapsFile {
            scattered_below: over!(b.gaps.scattered_below, t.gaps.scattered_below),
        },
        settings,
        forecast,
        rules: Vec::new(),
        proposals: Vec::new(),
        outputs: OutputsFile {
            dir: over!(b.outputs.dir, t.outputs.dir),
        },
    };
    Chain {
        file,
        rules,
        proposals,
    }
}

/// `[forecast]` of `top` over `base`: values replace, `births` replaces when given, county
/// overrides merge field by field.
fn merge_forecast(b: ForecastFile, t: ForecastFile) -> ForecastFile {
    let mut counties = b.counties;
    for (code, ct) in t.counties {
        let cb = counties.remove(&code).unwrap_or_default();
        counties.insert(
            code,
            ForecastCountyFile {
                infant_survival: ct.infant_survival.or(cb.infant_survival),
                child_survival: ct.child_survival.or(cb.child_survival),
                migration: ct.migration.or(cb.migration),
                urbanisation: ct.urbanisation.or(cb.urbanisation),
            },
        );
    }
    ForecastFile {
        base_year: t.base_year.or(b.base_year),
        base_ages: t.base_ages.or(b.base_ages),
        births: if t.births.is_empty() {
            b.births
        } else {
            t.births
        },
        births_after: t.births_after.or(b.births_after),
        anchor_age: t.anchor_age.or(b.anchor_age),
        infant_survival: t.infant_survival.or(b.infant_survival),
        child_survival: t.child_survival.or(b.child_survival),
        migration: t.migration.or(b.migration),
        urbanisation: t.urbanisation.or(b.urbanisation),
        counties,
    }
}

/// The per-setting standards of a level: `[levels.<level>.settings.<setting>]` over the
/// defaults (urban: the level's radius; rural: [`rural_default`] when the scenario classifies
/// settings, else the urban standard).
fn resolve_standards(
    path: &Path,
    c: &mut LevelConfig,
    lf: &LevelFile,
    unit: CostUnit,
    classified: bool,
) -> Result<()> {
    for (setting, sf) in &lf.settings {
        let key = |k: &str| format!("levels.{}.settings.{}.{k}", c.level.name(), setting.name());
        check_positive(path, &key("radius_m"), sf.radius_m, 200_000.0, "200 km")?;
        check_positive(path, &key("radius_min"), sf.radius_min, 1_440.0, "a day")?;
        check_positive(
            path,
            &key("boarding_radius_m"),
            sf.boarding_radius_m,
            200_000.0,
            "200 km",
        )?;
        let given = match unit {
            CostUnit::M => sf.radius_m,
            CostUnit::Min => sf.radius_min,
        };
        match setting {
            Setting::Urban => {
                if let Some(r) = given {
                    c.radius = r;
                }
                c.urban_boarding_m = sf.boarding_radius_m;
            }
            Setting::Rural => {
                let default = rural_default(c.level).filter(|_| classified);
                let radius = given
                    .or_else(|| {
                        default.map(|(m, min, _)| match unit {
                            CostUnit::M => m,
                            CostUnit::Min => min,
                        })
                    })
                    .unwrap_or(c.radius);
                c.rural = Some(SettingStandard {
                    radius,
                    boarding_radius_m: sf.boarding_radius_m.or(default.and_then(|d| d.2)),
                });
            }
        }
    }
    if classified && c.rural.is_none() {
        if let Some((m, min, boarding)) = rural_default(c.level) {
            c.rural = Some(SettingStandard {
                radius: match unit {
                    CostUnit::M => m,
                    CostUnit::Min => min,
                },
                boarding_radius_m: boarding,
            });
        }
    }
    Ok(())
}

fn scenario_err(path: &Path, message: String) -> Error {
    Error::Scenario {
        file: path.to_path_buf(),
        message,
    }
}

/// A value > 0 and at most `max`: beyond it a value describes no city (`why`).
fn check_positive(path: &Path, key: &str, v: Option<f64>, max: f64, why: &str) -> Result<()> {
    match v {
        Some(x) if !(x.is_finite() && x > 0.0 && x <= max) => Err(scenario_err(
            path,
            format!(
                "`{key}`: expected a finite number > 0 and at most {max} ({why}), found {}",
                crate::error::shown(x)
            ),
        )),
        _ => Ok(()),
    }
}

/// A scenario name becomes a folder name under `out/`: it must be a plain name.
fn check_name(path: &Path, name: &str) -> Result<()> {
    let bad = |why: &str| {
        Err(scenario_err(
            path,
            format!("`name`: expected a plain name for the output folder `out/<name>` (letters, digits, `-`, `_`, `.`), found {name:?}: {why}"),
        ))
    };
    if name.trim().is_empty() {
        return bad("it is empty");
    }
    if name != name.trim() {
        return bad("it starts or ends with a space");
    }
    if name == "." || name == ".." {
        return bad("it names a folder relative to another");
    }
    if name.contains(['/', '\\']) {
        return bad("it contains a path separator");
    }
    if let Some(c) = name
        .chars()
        .find(|c| c.is_control() || matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*'))
    {
        return bad(&format!("it contains the character {c:?}"));
    }
    if name.chars().count() > 100 {
        return bad("it is longer than 100 characters");
    }
    Ok(())
}

fn resolve(path: &Path, chain: Chain, files: Vec<PathBuf>) -> Result<Scenario> {
    let f = chain.file;
    let name = f.name.clone().unwrap_or_else(|| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".into())
    });
    check_name(path, &name)?;
    if f.layers.schools.is_none() || f.layers.population.is_none() {
        return Err(scenario_err(
            path,
            "`[layers.schools]` and `[layers.population]` are required (here or in the scenario it extends)".into(),
        ));
    }
    let d = &f.distance;
    check_positive(
        path,
        "distance.walk_speed_kmh",
        d.walk_speed_kmh,
        100.0,
        "faster than any walk",
    )?;
    check_positive(
        path,
        "distance.snap_max_m",
        d.snap_max_m,
        100_000.0,
        "100 km",
    )?;
    check_positive(
        path,
        "distance.join_tolerance_m",
        d.join_tolerance_m,
        1_000.0,
        "1 km",
    )?;
    let distance = DistanceConfig {
        mode: d.mode.unwrap_or_default(),
        unit: d.unit.unwrap_or_default(),
        walk_speed_kmh: d.walk_speed_kmh.unwrap_or(4.5),
        snap_max_m: d.snap_max_m.unwrap_or(1000.0),
        join_tolerance_m: d.join_tolerance_m.unwrap_or(1.0),
    };
    match distance.mode {
        DistanceMode::Network if f.layers.network.is_none() => {
            return Err(scenario_err(
                path,
                "`distance.mode = \"network\"` needs `[layers.network]`".into(),
            ))
        }
        DistanceMode::Matrix if f.layers.matrix.is_none() => {
            return Err(scenario_err(
                path,
                "`distance.mode = \"matrix\"` needs `[layers.matrix]`".into(),
            ))
        }
        _ => {}
    }
    let mut levels = Vec::new();
    for (level, lf) in &f.levels {
        if *level == Level::NineYear {
            return Err(scenario_err(
                path,
                "`[levels.nine_year]`: nine-year schools serve the primary and junior levels; configure those instead".into(),
            ));
        }
        if lf.enabled == Some(false) {
            continue;
        }
        let mut c = LevelConfig::defaults(*level);
        let key = |k: &str| format!("levels.{}.{k}", level.name());
        check_positive(path, &key("radius_m"), lf.radius_m, 200_000.0, "200 km")?;
        check_positive(path, &key("radius_min"), lf.radius_min, 1_440.0, "a day")?;
        check_positive(
            path,
            &key("class_size"),
            lf.class_size,
            500.0,
            "more than any class has",
        )?;
        check_positive(
            path,
            &key("enrolment_rate"),
            lf.enrolment_rate,
            10.0,
            "ten times the cohort",
        )?;
        c.radius = match distance.unit {
            CostUnit::M => lf.radius_m.unwrap_or(c.radius),
            CostUnit::Min => lf.radius_min.ok_or_else(|| {
                scenario_err(
                    path,
                    format!(
                        "`{}`: required when `distance.unit = \"min\"`",
                        key("radius_min")
                    ),
                )
            })?,
        };
        c.class_size = lf.class_size.unwrap_or(c.class_size);
        c.cohort_field = lf.cohort_field.clone().unwrap_or(c.cohort_field);
        c.enrolment_rate = lf.enrolment_rate.unwrap_or(c.enrolment_rate);
        c.avoid_barriers = lf.avoid_barriers.unwrap_or(c.avoid_barriers);
        c.zones = lf.zones.unwrap_or(false);
        resolve_standards(path, &mut c, lf, distance.unit, f.settings.is_some())?;
        levels.push(c);
    }
    if f.levels.is_empty() {
        // No `[levels]` at all: measure the four levels every plan speaks of.
        levels = [
            Level::Kindergarten,
            Level::Primary,
            Level::Junior,
            Level::Senior,
        ]
        .into_iter()
        .map(LevelConfig::defaults)
        .collect();
    }
    levels.sort_by_key(|c| c.level);
    for (field, factor) in &f.population.factors {
        if !(factor.is_finite() && (0.0..=1000.0).contains(factor)) {
            return Err(scenario_err(
                path,
                format!(
                    "`population.factors.{field}`: expected a finite number between 0 and 1000, found {}",
                    crate::error::shown(*factor)
                ),
            ));
        }
    }
    for (county, shares) in &f.population.cohort_shares {
        for (field, s) in shares {
            if !(s.is_finite() && (0.0..=1.0).contains(s)) {
                return Err(scenario_err(path, format!("`population.cohort_shares.{county}.{field}`: expected a share in [0, 1], found {s}")));
            }
        }
    }
    check_positive(
        path,
        "accessibility.catchment_factor",
        f.accessibility.catchment_factor,
        100.0,
        "a hundred radii",
    )?;
    if let Some(x) = f.gaps.scattered_below {
        if !(x.is_finite() && (0.0..=1.0e6).contains(&x)) {
            return Err(scenario_err(
                path,
                format!(
                    "`gaps.scattered_below`: expected a number of pupils in [0, 1000000], found {}",
                    crate::error::shown(x)
                ),
            ));
        }
    }
    let settings = match &f.settings {
        None => None,
        Some(sf) => {
            check_positive(
                path,
                "settings.urban_min_density_per_km2",
                sf.urban_min_density_per_km2,
                1.0e6,
                "a million residents per km²",
            )?;
            if let Some(k) = sf
                .urban_township_kinds
                .iter()
                .flatten()
                .find(|k| **k == crate::model::AreaKind::County)
            {
                return Err(scenario_err(
                    path,
                    format!("`settings.urban_township_kinds`: expected township kinds (street, town, township), found {}", k.name()),
                ));
            }
            Some(SettingsConfig {
                urban_township_kinds: sf.urban_township_kinds.clone().unwrap_or_default(),
                urban_min_density_per_km2: sf.urban_min_density_per_km2,
                urban_areas: sf.urban_areas.clone().unwrap_or_default(),
            })
        }
    };
    let forecast = match &f.forecast {
        None => None,
        Some(ff) => Some(crate::io::forecast::resolve(path, ff, f.year)?),
    };
    let out_dir = f
        .outputs
        .dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(&name));
    Ok(Scenario {
        path: path.to_path_buf(),
        title: f.title.clone().unwrap_or_else(|| name.clone()),
        name,
        description: f.description.unwrap_or_default(),
        language: f.language.unwrap_or_default(),
        year: f.year,
        layers: f.layers,
        distance,
        population: f.population,
        levels,
        accessibility: AccessibilityConfig {
            decay: f.accessibility.decay.unwrap_or_default(),
            catchment_factor: f.accessibility.catchment_factor.unwrap_or(2.0),
        },
        gaps: GapsConfig {
            scattered_below: f
                .gaps
                .scattered_below
                .unwrap_or(GapsConfig::default().scattered_below),
        },
        settings,
        forecast,
        rules: chain.rules,
        proposals: chain.proposals,
        out_dir,
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::datum::Datum;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, text).unwrap();
        p
    }

    const BASE: &str = r#"
name = "base"
language = "zh"
[layers.schools]
path = "schools.geojson"
[layers.population]
path = "pop.geojson"
datum = "gcj02"
[levels.primary]
radius_m = 500
class_size = 45
[[rules]]
id = "A"
kind = "min_count"
[[rules]]
id = "B"
kind = "min_share"
"#;

    #[test]
    fn extends_merges_field_by_field_and_replaces_rules_by_id() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "base/base.toml", BASE);
        let plan = write(
            dir.path(),
            "plan.toml",
            r#"
extends = "base/base.toml"
name = "plan"
[levels.primary]
radius_m = 800
[[rules]]
id = "B"
kind = "max_class_size"
[[rules]]
id = "C"
kind = "min_seats"
"#,
        );
        let s = Scenario::load(&plan).unwrap();
        assert_eq!(s.name, "plan");
        assert_eq!(s.language, Language::Zh, "inherited");
        let p = s.level(Level::Primary).unwrap();
        assert_eq!(
            (p.radius, p.class_size),
            (800.0, 45.0),
            "radius overridden, class size kept"
        );
        // Paths resolve relative to the file that wrote them.
        let pop = s.layers.population.as_ref().unwrap();
        assert_eq!(pop.path, dir.path().join("base").join("pop.geojson"));
        assert_eq!(pop.datum, Datum::Gcj02);
        let ids: Vec<(&str, &str)> = s
            .rules
            .iter()
            .map(|r| {
                (
                    r.table["id"].as_str().unwrap(),
                    r.table["kind"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            ids,
            vec![
                ("A", "min_count"),
                ("B", "max_class_size"),
                ("C", "min_seats")
            ]
        );
        assert_eq!(
            s.rules[1].file, plan,
            "the replacing rule names its own file"
        );
        assert_eq!(s.files.len(), 2);
    }

    #[test]
    fn unknown_key_names_key_line_and_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "s.toml",
            "[layers.schools]\npath = \"a\"\ndatums = \"gcj02\"\n",
        );
        let e = Scenario::load(&p).unwrap_err().to_string();
        assert!(
            e.contains("s.toml") && e.contains("datums") && e.contains("line 3"),
            "{e}"
        );
    }

    #[test]
    fn defaults_apply_without_levels_and_nine_year_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "s.toml",
            "[layers.schools]\npath = \"a\"\n[layers.population]\npath = \"b\"\n",
        );
        let s = Scenario::load(&p).unwrap();
        let radii: Vec<f64> = s.levels.iter().map(|l| l.radius).collect();
        assert_eq!(radii, vec![300.0, 500.0, 1000.0, 2000.0]);
        assert_eq!(s.out_dir, PathBuf::from("out").join("s"));
        let q = write(dir.path(), "q.toml", "[layers.schools]\npath = \"a\"\n[layers.population]\npath = \"b\"\n[levels.nine_year]\nradius_m = 1\n");
        assert!(Scenario::load(&q)
            .unwrap_err()
            .to_string()
            .contains("nine_year"));
    }

    #[test]
    fn minutes_need_radius_min_and_network_needs_a_layer() {
        let dir = tempfile::tempdir().unwrap();
        let base = "[layers.schools]\npath = \"a\"\n[layers.population]\npath = \"b\"\n";
        let p = write(
            dir.path(),
            "m.toml",
            &format!("{base}[distance]\nunit = \"min\"\n[levels.primary]\nradius_m = 500\n"),
        );
        assert!(Scenario::load(&p)
            .unwrap_err()
            .to_string()
            .contains("radius_min"));
        let n = write(
            dir.path(),
            "n.toml",
            &format!("{base}[distance]\nmode = \"network\"\n"),
        );
        assert!(Scenario::load(&n)
            .unwrap_err()
            .to_string()
            .contains("layers.network"));
        let z = write(
            dir.path(),
            "z.toml",
            &format!("{base}[levels.primary]\nradius_m = -5\n"),
        );
        assert!(Scenario::load(&z)
            .unwrap_err()
            .to_string()
            .contains("radius_m"));
    }

    #[test]
    fn name_must_be_a_plain_name() {
        let dir = tempfile::tempdir().unwrap();
        let base = "[layers.schools]\npath = \"a\"\n[layers.population]\npath = \"b\"\n";
        for (name, why) in [
            ("../../victim", "separator"),
            ("/tmp/victim", "separator"),
            ("a\\b", "separator"),
            ("", "empty"),
            ("  ", "empty"),
            ("..", "relative"),
            ("a\tb", "character"),
            ("c:x", "character"),
        ] {
            let p = write(dir.path(), "s.toml", &format!("name = {name:?}\n{base}"));
            let e = Scenario::load(&p).unwrap_err().to_string();
            assert!(e.contains("`name`") && e.contains(why), "{name:?}: {e}");
        }
        let p = write(
            dir.path(),
            "s.toml",
            &format!("name = \"抚顺-2025_v1.2\"\n{base}"),
        );
        assert_eq!(Scenario::load(&p).unwrap().name, "抚顺-2025_v1.2");
    }

    #[test]
    fn outputs_dir_is_relative_to_the_scenario_file() {
        let dir = tempfile::tempdir().unwrap();
        let base = "[layers.schools]\npath = \"a\"\n[layers.population]\npath = \"b\"\n";
        let p = write(
            dir.path(),
            "sub/s.toml",
            &format!("{base}[outputs]\ndir = \"results/run\"\n"),
        );
        let s = Scenario::load(&p).unwrap();
        assert_eq!(s.out_dir, dir.path().join("sub").join("results/run"));
    }
}
