//! Which area a point lies in: a box index over area bounding boxes, then an exact
//! point-in-polygon test. A point on a shared border belongs to the area listed first, so the
//! answer is deterministic.

use geo::{BoundingRect, Coord, Intersects, MultiPolygon, Point};

use crate::spatial::index::BoxIndex;

/// Locates points in a set of polygons (in local metres).
pub struct AreaLocator<'a> {
    shapes: Vec<&'a MultiPolygon<f64>>,
    boxes: BoxIndex,
}

impl<'a> AreaLocator<'a> {
    /// Indexes `shapes` (their position in the iterator is the index returned).
    pub fn new(shapes: impl IntoIterator<Item = &'a MultiPolygon<f64>>) -> Self {
        let shapes: Vec<_> = shapes.into_iter().collect();
        let boxes = BoxIndex::new(shapes.iter().enumerate().filter_map(|(i, s)| {
            let r = s.bounding_rect()?;
            Some(([r.min().x, r.min().y], [r.max().x, r.max().y], i))
        }));
        AreaLocator { shapes, boxes }
    }

    /// Index of the first area containing `p` (border inclusive), if any.
    pub fn locate(&self, p: Coord<f64>) -> Option<usize> {
        let pt = Point::from(p);
        self.boxes
            .at_point([p.x, p.y])
            .into_iter()
            .find(|&i| self.shapes[i].intersects(&pt))
    }

    /// Indices of areas whose bounding box meets `other`'s, for pairwise checks.
    pub fn candidates_near(&self, other: &MultiPolygon<f64>) -> Vec<usize> {
        let Some(r) = other.bounding_rect() else {
            return Vec::new();
        };
        self.boxes
            .meeting([r.min().x, r.min().y], [r.max().x, r.max().y], 0.0)
    }

    /// Number of areas.
    pub fn len(&self) -> usize {
        self.shapes.len()
    }

    /// True when there are no areas.
    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn border_point_goes_to_first_area() {
        let a = MultiPolygon(vec![
            polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)],
        ]);
        let b = MultiPolygon(vec![
            polygon![(x: 1.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 1.0), (x: 1.0, y: 1.0)],
        ]);
        let loc = AreaLocator::new([&a, &b]);
        assert_eq!(loc.locate(Coord { x: 1.0, y: 0.5 }), Some(0));
        assert_eq!(loc.locate(Coord { x: 1.5, y: 0.5 }), Some(1));
        assert_eq!(loc.locate(Coord { x: 3.0, y: 0.5 }), None);
        assert_eq!(loc.candidates_near(&b), vec![0, 1]);
    }
}
