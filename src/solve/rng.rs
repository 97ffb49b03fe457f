//! The solvers' generator: the project's splitmix64 ([`crate::rng::SplitMix`]), seeded.

pub(crate) use crate::rng::SplitMix as Rng;
