//! Sorting a table by one column: numbers high-to-low or low-to-high, rows without a
//! value always last (a missing CSI is not a low CSI), ties kept in their order.
//! Pure, so the console's sortable tables are tested natively.

use std::cmp::Ordering;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ascending,
    Descending,
}

impl Direction {
    /// `aria-sort`'s value for a sorted column.
    pub fn aria(self) -> &'static str {
        match self {
            Direction::Ascending => "ascending",
            Direction::Descending => "descending",
        }
    }

    pub fn flipped(self) -> Direction {
        match self {
            Direction::Ascending => Direction::Descending,
            Direction::Descending => Direction::Ascending,
        }
    }
}

/// The order of `keys` (indices into it), sorted by value in `direction`, `None` last.
pub fn order(keys: &[Option<f64>], direction: Direction) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..keys.len()).collect();
    idx.sort_by(|&a, &b| match (keys[a], keys[b]) {
        (Some(x), Some(y)) => {
            let o = x.partial_cmp(&y).unwrap_or(Ordering::Equal);
            match direction {
                Direction::Ascending => o,
                Direction::Descending => o.reverse(),
            }
        }
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    });
    idx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_values_sort_last_either_way_and_ties_keep_their_order() {
        let keys = [Some(2.0), None, Some(3.0), Some(2.0), None];
        assert_eq!(order(&keys, Direction::Descending), vec![2, 0, 3, 1, 4]);
        assert_eq!(order(&keys, Direction::Ascending), vec![0, 3, 2, 1, 4]);
        assert_eq!(Direction::Ascending.flipped(), Direction::Descending);
        assert_eq!(Direction::Descending.aria(), "descending");
    }
}
