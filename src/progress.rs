//! How far the running stage is: a count of items done out of a total, for the progress
//! bar a person sees at a terminal (`pipeline`'s stage timer draws it).
//!
//! Stages that work through a known number of items (`release`: hazards; `regions`:
//! connected components) call [`start`] and then [`tick`] once per item, from any
//! thread; an atomic add each, nothing when nobody draws. Without a terminal nothing
//! reads the counts.

use std::sync::atomic::{AtomicU64, Ordering};

static TOTAL: AtomicU64 = AtomicU64::new(0);
static DONE: AtomicU64 = AtomicU64::new(0);

/// A stage begins working through `total` items.
pub fn start(total: usize) {
    DONE.store(0, Ordering::Relaxed);
    TOTAL.store(total as u64, Ordering::Relaxed);
}

/// One item is done.
pub fn tick() {
    DONE.fetch_add(1, Ordering::Relaxed);
}

/// `(done, total)`; total 0 when the stage counts nothing.
pub fn snapshot() -> (u64, u64) {
    (DONE.load(Ordering::Relaxed), TOTAL.load(Ordering::Relaxed))
}

/// The stage is over: nothing counts until the next [`start`].
pub fn reset() {
    TOTAL.store(0, Ordering::Relaxed);
    DONE.store(0, Ordering::Relaxed);
}
