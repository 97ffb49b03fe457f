//! What a school needs, measured: seats short in its catchment and large classes (大班额), and
//! what an expansion or a new school would relieve.
//!
//! - **Seats short** at school `j` of a level: the pupils of its natural catchment (the cells
//!   whose nearest open school of the level it is) that its seats cannot hold. With attendance
//!   zones ([`crate::zones`]) this is measured on the zone assignment: the pupils of those cells
//!   zoned to another school for lack of seats at `j`, plus the pupils zoned to `j` above its
//!   seats (a county's seat shortfall); without zones, `max(0, natural − seats)`.
//! - **Large classes**: recorded classes (`class_sizes`) of [`LARGE_CLASS`] pupils or more (the
//!   national 大班额 definition; a request may set another limit).
//! - **Levelling** ([`level_classes`]): a school given `a` more classes spreads its recorded
//!   pupils over them — the largest classes hand pupils to the new ones until no class is above
//!   the least level `L` the new classes can absorb (`Σ max(0, s − L) ≤ a·L`): the smallest
//!   possible largest class when pupils only leave existing classes.
//! - **Pupils leaving** ([`remove_pupils`]): a school losing `m` recorded pupils to a new school
//!   loses them from every class in proportion to its size (largest remainder), as a zone change
//!   takes pupils of every grade.

use crate::coverage::LevelCoverage;
use crate::model::School;

/// Pupils from which a class is large (大班额): 56, 国务院关于统筹推进县域内城乡义务教育一体化改革
/// 发展的若干意见 (国发〔2016〕40号).
pub const LARGE_CLASS: u32 = 56;

/// Seats short at school `j` for the level of `lc` (see the module docs), pupils ≥ 0; `None`
/// when its seats are unknown.
pub fn seats_short(lc: &LevelCoverage, j: usize) -> Option<f64> {
    let seats = lc.school_seats.get(j).copied().flatten()?;
    Some(match &lc.zones {
        Some(z) => {
            let mut displaced = 0.0;
            for (c, near) in lc.nearest.iter().enumerate() {
                if *near != Some(j) || lc.demand[c] <= 0.0 {
                    continue;
                }
                let here: f64 = z.flows[c]
                    .iter()
                    .filter(|(s, _)| *s == j)
                    .map(|x| x.1)
                    .sum();
                displaced += (lc.demand[c] - here).max(0.0);
            }
            displaced + z.over_seats.get(j).copied().unwrap_or(0.0)
        }
        None => (lc.nearest_demand[j] - seats).max(0.0),
    })
}

/// Classes of `from` pupils or more.
pub fn large_classes(sizes: &[u32], from: u32) -> u32 {
    sizes.iter().filter(|&&c| c >= from).count() as u32
}

/// The recorded large classes of a school (0 when it records no class sizes).
pub fn school_large_classes(s: &School, from: u32) -> u32 {
    s.class_sizes
        .as_deref()
        .map_or(0, |c| large_classes(c, from))
}

/// `sizes` with `added` new classes, levelled (see the module docs). The result has
/// `sizes.len() + added` classes, the same pupils, the existing classes first.
pub fn level_classes(sizes: &[u32], added: u32) -> Vec<u32> {
    if added == 0 {
        return sizes.to_vec();
    }
    let total: u64 = sizes.iter().map(|&s| s as u64).sum();
    let a = added as u64;
    // Least level L with Σ max(0, s − L) ≤ a·L (L = max always qualifies).
    let excess = |l: u64| -> u64 { sizes.iter().map(|&s| (s as u64).saturating_sub(l)).sum() };
    let (mut lo, mut hi) = (0u64, sizes.iter().copied().max().unwrap_or(0) as u64);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if excess(mid) <= a * mid {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    let l = lo;
    let mut out: Vec<u32> = sizes.iter().map(|&s| (s as u64).min(l) as u32).collect();
    let moved = excess(l);
    debug_assert_eq!(moved + out.iter().map(|&s| s as u64).sum::<u64>(), total);
    let (base, extra) = (moved / a, moved % a);
    out.extend((0..a).map(|k| (base + u64::from(k < extra)) as u32));
    out
}

/// `sizes` after `m` pupils leave, in proportion to each class (largest remainder; ties to the
/// larger class, then the earlier one). At most every pupil leaves.
pub fn remove_pupils(sizes: &[u32], m: u64) -> Vec<u32> {
    let total: u64 = sizes.iter().map(|&s| s as u64).sum();
    if m == 0 || total == 0 {
        return sizes.to_vec();
    }
    let m = m.min(total);
    let share: Vec<f64> = sizes
        .iter()
        .map(|&s| m as f64 * s as f64 / total as f64)
        .collect();
    let mut take: Vec<u64> = share.iter().map(|x| x.floor() as u64).collect();
    let mut left = m - take.iter().sum::<u64>();
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (share[a] - share[a].floor(), share[b] - share[b].floor());
        rb.total_cmp(&ra)
            .then(sizes[b].cmp(&sizes[a]))
            .then(a.cmp(&b))
    });
    for &k in order.iter().cycle() {
        if left == 0 {
            break;
        }
        if take[k] < sizes[k] as u64 {
            take[k] += 1;
            left -= 1;
        }
    }
    sizes
        .iter()
        .zip(&take)
        .map(|(&s, &t)| (s as u64 - t) as u32)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levelling_spreads_the_largest_classes_over_the_new_ones() {
        // 3 × 60 = 180 pupils and 2 new classes: level 36 (3 × 24 = 72 ≤ 2 × 36).
        let l = level_classes(&[60, 60, 60], 2);
        assert_eq!(l.iter().sum::<u32>(), 180);
        assert_eq!(l.len(), 5);
        assert_eq!(*l.iter().max().unwrap(), 36);
        // Small classes keep their pupils.
        let l = level_classes(&[30, 58, 57], 1);
        assert_eq!(l[0], 30);
        assert_eq!(l.iter().sum::<u32>(), 145);
        assert!(l.iter().all(|&c| c < 56), "{l:?}");
        assert_eq!(level_classes(&[40, 41], 0), vec![40, 41]);
        assert_eq!(level_classes(&[], 2), vec![0, 0]);
    }

    #[test]
    fn levelling_reaches_the_least_possible_largest_class() {
        // Brute force over small cases: no distribution moving pupils only out of existing
        // classes has a smaller largest class.
        for sizes in [
            vec![50u32, 61, 57],
            vec![70],
            vec![45, 45, 66, 20],
            vec![5, 3],
        ] {
            for a in 1..4u32 {
                let got = *level_classes(&sizes, a).iter().max().unwrap();
                let total: u32 = sizes.iter().sum();
                let best = (0..=*sizes.iter().max().unwrap())
                    .find(|&l| {
                        let excess: u32 = sizes.iter().map(|&s| s.saturating_sub(l)).sum();
                        excess <= a * l
                    })
                    .unwrap();
                assert_eq!(got, best, "{sizes:?} + {a}");
                assert!(got as u64 * (sizes.len() as u64 + a as u64) >= total as u64);
            }
        }
    }

    #[test]
    fn pupils_leave_every_class_in_proportion() {
        let r = remove_pupils(&[60, 40, 20], 12);
        assert_eq!(r, vec![54, 36, 18]);
        let r = remove_pupils(&[57, 57, 10], 5);
        assert_eq!(r.iter().sum::<u32>(), 119);
        assert!(r[0] <= 55 && r[1] <= 55, "{r:?}");
        assert_eq!(remove_pupils(&[3, 2], 99), vec![0, 0]);
        assert_eq!(remove_pupils(&[], 4), Vec::<u32>::new());
        assert_eq!(remove_pupils(&[7], 0), vec![7]);
    }

    #[test]
    fn large_classes_count_from_the_limit_inclusive() {
        assert_eq!(large_classes(&[55, 56, 66, 45], LARGE_CLASS), 2);
        assert_eq!(large_classes(&[], LARGE_CLASS), 0);
    }
}
