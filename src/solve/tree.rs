//! What the two Lagrangian branch-and-bound trees (maximal covering in `maxcover`, set cover in
//! `setcover`) share: the subgradient settings of a node and the open node itself, ordered
//! best-first. Each tree keeps its own relaxation; only the bookkeeping lives here.

use std::cmp::Ordering;

/// Subgradient settings of one node.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    /// First level gap `δ` as a share of `L − incumbent`.
    pub first_level: f64,
    /// Iterations without a better bound before `δ` is halved.
    pub patience: u32,
    /// Halvings of `δ` after which the node stops.
    pub halvings: u32,
    /// Hard cap on iterations.
    pub max_iterations: u32,
}

/// Settings for the nodes below the root: a short warm-started re-optimisation.
pub(crate) const NODE: Settings = Settings {
    first_level: 0.25,
    patience: 8,
    halvings: 6,
    max_iterations: 150,
};

/// An open node: candidates forced open / closed, its parent's bound and multipliers (f32 to
/// keep open nodes small). `MINIMISE` orders it for a minimisation (smallest bound first).
pub(crate) struct Node<const MINIMISE: bool> {
    pub bound: f64,
    pub depth: u32,
    pub seq: u64,
    pub open: Vec<u32>,
    pub closed: Vec<u32>,
    pub multipliers: Vec<f32>,
}

impl<const MINIMISE: bool> PartialEq for Node<MINIMISE> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl<const MINIMISE: bool> Eq for Node<MINIMISE> {}
impl<const MINIMISE: bool> PartialOrd for Node<MINIMISE> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<const MINIMISE: bool> Ord for Node<MINIMISE> {
    /// Best-first in a max-heap: the most promising bound, then deeper, then newer.
    fn cmp(&self, other: &Self) -> Ordering {
        let by_bound = self.bound.total_cmp(&other.bound);
        if MINIMISE {
            by_bound.reverse()
        } else {
            by_bound
        }
        .then(self.depth.cmp(&other.depth))
        .then(self.seq.cmp(&other.seq))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BinaryHeap;

    fn node<const M: bool>(bound: f64, depth: u32, seq: u64) -> Node<M> {
        Node {
            bound,
            depth,
            seq,
            open: Vec::new(),
            closed: Vec::new(),
            multipliers: Vec::new(),
        }
    }

    #[test]
    fn heaps_pop_the_best_bound_then_the_deepest_then_the_newest() {
        let mut max: BinaryHeap<Node<false>> = [
            node(5.0, 0, 0),
            node(9.0, 1, 1),
            node(9.0, 2, 2),
            node(9.0, 2, 3),
        ]
        .into();
        let order: Vec<u64> = std::iter::from_fn(|| max.pop().map(|n| n.seq)).collect();
        assert_eq!(order, vec![3, 2, 1, 0]);
        let mut min: BinaryHeap<Node<true>> =
            [node(5.0, 0, 0), node(9.0, 1, 1), node(5.0, 3, 2)].into();
        let order: Vec<u64> = std::iter::from_fn(|| min.pop().map(|n| n.seq)).collect();
        assert_eq!(order, vec![2, 0, 1]);
    }
}
