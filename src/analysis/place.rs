//! Where a hazard's land lies: a region (by its index in the sorted regions) or outside
//! every region. Shared by `regions` (R5–R6, which finds it), `faces` and `ledger` (R11, which
//! books each year's land by it); here, in a module of its own, so that neither of the two
//! imports the other back (`tests/layers.rs`: no circle between files inside one layer).

/// Where a region figure goes: a region index, or outside every region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    /// `regions[i]`.
    Region(usize),
    /// Outside every region (`_outside`).
    Outside,
}
