//! A tiny ring buffer with a fixed capacity.
use std::fmt;

pub struct Ring<T> {
    items: Vec<Option<T>>,
    head: usize,
    len: usize,
}

impl<T: Clone + fmt::Debug> Ring<T> {
    pub fn with_capacity(cap: usize) -> Self {
        assert!(cap > 0, "capacity must be positive");
        Ring { items: vec![None; cap], head: 0, len: 0 }
    }

    /// Pushes a value, overwriting the oldest one when full.
    pub fn push(&mut self, value: T) -> Option<T> {
        let cap = self.items.len();
        let slot = (self.head + self.len) % cap;
        let old = self.items[slot].replace(value);
        if self.len == cap { self.head = (self.head + 1) % cap; } else { self.len += 1; }
        old
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        (0..self.len).filter_map(move |i| self.items[(self.head + i) % self.items.len()].as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_around() {
        let mut r = Ring::with_capacity(3);
        for i in 0..5u32 { r.push(i); }
        assert_eq!(r.iter().copied().collect::<Vec<_>>(), vec![2, 3, 4]);
    }
}
