//! The clock, as a seam: functions read time from the [`Clock`] in their state, never from
//! `OffsetDateTime::now_utc()` inside a rule, so tests can stop it and move it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use time::OffsetDateTime;

/// Now, for every rule that depends on it. Cheap to clone; clones share one time source.
#[derive(Clone, Debug, Default)]
pub struct Clock(Source);

#[derive(Clone, Debug, Default)]
enum Source {
    #[default]
    System,
    Manual(Arc<Mutex<OffsetDateTime>>),
}

impl Clock {
    /// The wall clock (what every deployed function uses).
    pub fn system() -> Self {
        Self(Source::System)
    }

    /// A clock that stands still at `at` until a test moves it with [`Clock::advance`].
    pub fn manual(at: OffsetDateTime) -> Self {
        Self(Source::Manual(Arc::new(Mutex::new(at))))
    }

    pub fn now(&self) -> OffsetDateTime {
        match &self.0 {
            Source::System => OffsetDateTime::now_utc(),
            Source::Manual(at) => *at.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// Moves a manual clock forward; the wall clock cannot be moved (a no-op).
    pub fn advance(&self, by: Duration) {
        if let Source::Manual(at) = &self.0 {
            *at.lock().unwrap_or_else(|e| e.into_inner()) += by;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told_and_clones_share_it() {
        let start = OffsetDateTime::from_unix_timestamp(1_795_428_000).unwrap();
        let clock = Clock::manual(start);
        let seen_by_a_function = clock.clone();
        assert_eq!(seen_by_a_function.now(), start);
        clock.advance(Duration::from_secs(90));
        assert_eq!(
            seen_by_a_function.now() - start,
            time::Duration::seconds(90)
        );
    }

    #[test]
    fn the_system_clock_follows_the_wall() {
        let before = OffsetDateTime::now_utc();
        let clock = Clock::system();
        clock.advance(Duration::from_secs(3600));
        let now = clock.now();
        assert!(now >= before && now - before < time::Duration::seconds(60));
    }
}
