//! Issue 10: a randomised mutation test over every layer kind (schools, population, counties,
//! townships, candidates, network, cost matrix), the scenario and the rule preset, for a
//! bounded number of seeds. Each round damages one to three files (hostile values, coordinates
//! and geometry types, deleted or duplicated features, hostile scenario keys, byte damage) and
//! runs the whole analysis — straight, network with a proposal request, matrix — in-process,
//! writing the outputs: it must never panic, and what runs must give coverage in [0, 1].
//! `cargo run --release --example fuzz_inputs` runs the same rounds for as long as wanted.

use schoolplan::rng::SplitMix;
use schoolplan_testkit::mutate;

#[test]
fn mutated_inputs_never_panic_nor_give_nonsense() {
    let ws = mutate::Workspace::new(std::path::Path::new(env!("CARGO_MANIFEST_DIR")));
    // The unmutated inputs run in every mode.
    assert_eq!(ws.analyse(), Ok((3, 0)));
    let rounds: u64 = std::env::var("SCHOOLPLAN_FUZZ_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(120);
    let (mut ran, mut refused) = (0, 0);
    for seed in 0..rounds {
        let mut rng = SplitMix::seeded(seed);
        let log = ws.mutate(&mut rng);
        match ws.analyse() {
            Ok((r, f)) => {
                ran += r;
                refused += f;
            }
            Err(e) => panic!(
                "seed {seed}: {e}\nmutations: {log:#?}\nreproduce: cargo run --example fuzz_inputs -- --seed {seed} --rounds 1"
            ),
        }
        ws.restore();
    }
    // Both outcomes occur: most damage is refused, some is harmless.
    assert!(ran > 0 && refused > 0, "{ran} ran, {refused} refused");
}
