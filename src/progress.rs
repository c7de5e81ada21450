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

/// Runs `f` while a bar on stderr shows the stage's progress (see [`crate::progress`]),
/// updated every 40 ms by a second thread.
pub fn with_progress_bar<T>(name: &str, f: impl FnOnce() -> T) -> T {
    use std::sync::atomic::{AtomicBool, Ordering};
    let bar = indicatif::ProgressBar::new_spinner().with_message(format!("{name}…"));
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let finished = AtomicBool::new(false);
    let out = std::thread::scope(|scope| {
        scope.spawn(|| {
            let mut counted = false;
            while !finished.load(Ordering::Relaxed) {
                let (done, total) = snapshot();
                if total > 0 {
                    if !counted {
                        let style = indicatif::ProgressStyle::with_template(
                            "{msg} [{bar:30}] {pos}/{len} ({per_sec}, eta {eta})",
                        )
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
                        bar.set_style(style);
                        bar.set_length(total);
                        counted = true;
                    }
                    bar.set_position(done);
                }
                std::thread::sleep(std::time::Duration::from_millis(40));
            }
        });
        let out = f();
        finished.store(true, Ordering::Relaxed);
        out
    });
    bar.finish_and_clear();
    out
}
