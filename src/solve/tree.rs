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

impl<const MINIMISE: bool> Node<MINIMISE> {
    /// The two children of branching on `pick` below a node of `depth − 1`: `pick` closed
    /// (numbered first) and `pick` opened, both starting from the parent's `bound` and, when
    /// given, its best multipliers (kept as f32).
    pub fn children(
        bound: f64,
        depth: u32,
        seq: &mut u64,
        (open, closed): (Vec<u32>, Vec<u32>),
        pick: u32,
        multipliers: Option<&[f64]>,
    ) -> (Self, Self) {
        let multipliers: Vec<f32> =
            multipliers.map_or_else(Vec::new, |m| m.iter().map(|&x| x as f32).collect());
        let mut with = open.clone();
        with.push(pick);
        let mut without = closed.clone();
        without.push(pick);
        *seq += 2;
        let zero = Node {
            bound,
            depth,
            seq: *seq - 1,
            open,
            closed: without,
            multipliers: multipliers.clone(),
        };
        let one = Node {
            bound,
            depth,
            seq: *seq,
            open: with,
            closed,
            multipliers,
        };
        (zero, one)
    }
}

/// The candidate to branch on: the one the running average `ȳ` most nearly opens (largest
/// `ȳ_j` below 1; ties: the larger by `tie`, then the lower index) — its "open" child drops
/// the bound least often, its "closed" child most. `left` must not be empty.
pub(crate) fn most_nearly_open(
    left: &[u32],
    ybar: &[f64],
    tie: impl Fn(u32, u32) -> Ordering,
) -> u32 {
    let score = |j: u32| {
        let y = ybar[j as usize];
        if y < 0.999 {
            y
        } else {
            -1.0
        }
    };
    left.iter()
        .copied()
        .max_by(|&a, &b| {
            score(a)
                .total_cmp(&score(b))
                .then(tie(a, b))
                .then(b.cmp(&a))
        })
        .unwrap_or(left[0])
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

    #[test]
    fn children_close_then_open_the_pick_and_keep_the_multipliers() {
        let mut seq = 4;
        let (zero, one) =
            Node::<false>::children(7.0, 3, &mut seq, (vec![1], vec![2]), 5, Some(&[0.5, 2.0]));
        assert_eq!(seq, 6);
        assert_eq!(
            (zero.seq, &zero.open, &zero.closed),
            (5, &vec![1], &vec![2, 5])
        );
        assert_eq!(
            (one.seq, &one.open, &one.closed),
            (6, &vec![1, 5], &vec![2])
        );
        assert_eq!(one.multipliers, vec![0.5f32, 2.0]);
        assert_eq!((zero.bound, zero.depth), (7.0, 3));
        let (z, _) = Node::<true>::children(1.0, 1, &mut seq, (vec![], vec![]), 0, None);
        assert!(z.multipliers.is_empty());
    }

    #[test]
    fn the_pick_is_the_largest_fraction_below_one_then_the_tie_then_the_lower_index() {
        let ybar = [1.0, 0.4, 0.7, 0.7, 0.2];
        let none = |_: u32, _: u32| Ordering::Equal;
        assert_eq!(most_nearly_open(&[0, 1, 2, 3, 4], &ybar, none), 2);
        let prefer_3 = |a: u32, b: u32| (a == 3).cmp(&(b == 3));
        assert_eq!(most_nearly_open(&[0, 1, 2, 3, 4], &ybar, prefer_3), 3);
        // Already open in the average (ȳ ≥ 0.999) only when nothing else is left.
        assert_eq!(most_nearly_open(&[0, 4], &ybar, none), 4);
        assert_eq!(most_nearly_open(&[0], &ybar, none), 0);
    }
}
