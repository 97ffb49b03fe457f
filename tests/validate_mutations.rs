//! "Never a panic, whatever the input": the demo layers with random byte-level damage
//! (deleted, flipped or inserted bytes, truncation), loaded in-process. Every load must return
//! a map or an error listing problems — never panic. Seeded, so a failure reproduces.

use std::path::Path;

use schoolplan::rng::SplitMix;

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/maps/demo");

fn mutate(bytes: &[u8], rng: &mut SplitMix) -> Vec<u8> {
    let mut b = bytes.to_vec();
    for _ in 0..1 + rng.below(4) {
        if b.is_empty() {
            break;
        }
        let i = rng.below(b.len());
        match rng.below(4) {
            0 => {
                b.remove(i);
            }
            1 => b[i] = b"0123456789-.eE,[]{}\":nul "[rng.below(25)],
            2 => b.insert(i, b"-9e999,[]{}\"\\"[rng.below(13)]),
            _ => b.truncate(i),
        }
    }
    b
}

#[test]
fn damaged_layers_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(DEMO).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    let layers = [
        "schools.geojson",
        "townships.geojson",
        "counties.geojson",
        "candidates.geojson",
    ];
    let originals: Vec<Vec<u8>> = layers
        .iter()
        .map(|l| std::fs::read(Path::new(DEMO).join(l)).unwrap())
        .collect();
    let mut rng = SplitMix::seeded(2026);
    let (mut ok, mut failed) = (0, 0);
    for round in 0..160 {
        let k = round % layers.len();
        let target = dir.path().join(layers[k]);
        std::fs::write(&target, mutate(&originals[k], &mut rng)).unwrap();
        let scenario = dir.path().join("demo.toml");
        let result =
            std::panic::catch_unwind(|| schoolplan::io::layers::load(&scenario).map(|_| ()));
        match result {
            Ok(Ok(())) => ok += 1,
            Ok(Err(e)) => {
                assert!(!e.to_string().is_empty());
                failed += 1
            }
            Err(_) => panic!("round {round}: loading a damaged {} panicked", layers[k]),
        }
        std::fs::write(&target, &originals[k]).unwrap();
    }
    // Most damage is caught; some (inside a name string) is harmless.
    assert!(failed > ok, "{failed} rejected, {ok} accepted");
}
