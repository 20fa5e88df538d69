//! Kiosk mode as pure state: the welcome screen, a survey per customer, the reset
//! after the thank-you, and the idle timeout with its countdown.
//!
//! Time comes in with every action (milliseconds), so the rules are tested natively;
//! the component only forwards clicks, keystrokes and a one-second tick.

/// How long things take on a kiosk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KioskTimes {
    /// With no touch or key for this long, the survey is abandoned and reset.
    pub idle_ms: u64,
    /// The last part of `idle_ms` during which a countdown is shown.
    pub warn_ms: u64,
    /// How long the thank-you stays before the welcome screen returns.
    pub thanks_ms: u64,
}

impl Default for KioskTimes {
    fn default() -> Self {
        Self {
            idle_ms: 90_000,
            warn_ms: 20_000,
            thanks_ms: 8_000,
        }
    }
}

/// What the kiosk shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Welcome,
    Survey,
    /// The thank-you of the survey just submitted, until `since + thanks_ms`.
    Thanks {
        since: u64,
    },
}

/// The kiosk's state. `generation` changes at every reset: the survey is rendered
/// with it as its key, so a new customer gets a brand-new component and nothing of
/// the previous one stays in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kiosk {
    pub screen: Screen,
    pub generation: u32,
    pub times: KioskTimes,
    last_activity: u64,
}

/// Everything that happens to a kiosk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KioskAction {
    Start {
        now: u64,
    },
    /// A touch, click or key anywhere in the widget.
    Activity {
        now: u64,
    },
    /// The survey was submitted.
    Finished {
        now: u64,
    },
    Tick {
        now: u64,
    },
    /// Staff asked for a reset.
    Reset,
}

impl Kiosk {
    pub fn new(times: KioskTimes) -> Self {
        Self {
            screen: Screen::Welcome,
            generation: 0,
            times,
            last_activity: 0,
        }
    }

    pub fn apply(&mut self, action: KioskAction) {
        match action {
            KioskAction::Start { now } if self.screen == Screen::Welcome => {
                self.screen = Screen::Survey;
                self.last_activity = now;
            }
            KioskAction::Activity { now } => self.last_activity = now,
            KioskAction::Finished { now } if self.screen == Screen::Survey => {
                self.screen = Screen::Thanks { since: now };
            }
            KioskAction::Tick { now } => {
                let expired = match self.screen {
                    Screen::Welcome => false,
                    Screen::Survey => now.saturating_sub(self.last_activity) >= self.times.idle_ms,
                    Screen::Thanks { since } => now.saturating_sub(since) >= self.times.thanks_ms,
                };
                if expired {
                    self.reset();
                }
            }
            KioskAction::Reset => self.reset(),
            _ => {}
        }
    }

    fn reset(&mut self) {
        self.screen = Screen::Welcome;
        self.generation = self.generation.wrapping_add(1);
    }

    /// Whole seconds left before an automatic reset, when a countdown should show:
    /// in the last `warn_ms` of idling, and all through the thank-you.
    pub fn countdown(&self, now: u64) -> Option<u64> {
        let left = match self.screen {
            Screen::Welcome => return None,
            Screen::Survey => {
                let idle = now.saturating_sub(self.last_activity);
                if idle + self.times.warn_ms < self.times.idle_ms {
                    return None;
                }
                self.times.idle_ms.saturating_sub(idle)
            }
            Screen::Thanks { since } => self
                .times
                .thanks_ms
                .saturating_sub(now.saturating_sub(since)),
        };
        Some(left.div_ceil(1000))
    }
}

/// Is `entered` the staff PIN? Both are compared whole; an empty PIN never opens.
pub fn pin_matches(configured: &str, entered: &str) -> bool {
    !configured.is_empty() && configured.as_bytes() == entered.trim().as_bytes()
}

impl yew::Reducible for Kiosk {
    type Action = KioskAction;

    fn reduce(self: std::rc::Rc<Self>, action: KioskAction) -> std::rc::Rc<Self> {
        let mut next = *self;
        next.apply(action);
        if next == *self {
            self
        } else {
            std::rc::Rc::new(next)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kiosk() -> Kiosk {
        Kiosk::new(KioskTimes {
            idle_ms: 60_000,
            warn_ms: 15_000,
            thanks_ms: 8_000,
        })
    }

    #[test]
    fn a_customer_starts_finishes_and_the_kiosk_resets_after_the_thank_you() {
        let mut k = kiosk();
        k.apply(KioskAction::Start { now: 1_000 });
        assert_eq!(k.screen, Screen::Survey);
        k.apply(KioskAction::Finished { now: 50_000 });
        assert_eq!(k.countdown(50_000), Some(8));
        k.apply(KioskAction::Tick { now: 57_999 });
        assert_eq!(k.countdown(57_999), Some(1));
        assert!(matches!(k.screen, Screen::Thanks { .. }));
        k.apply(KioskAction::Tick { now: 58_000 });
        assert_eq!(k.screen, Screen::Welcome);
        assert_eq!(
            k.generation, 1,
            "a new survey component for the next customer"
        );
    }

    #[test]
    fn idling_shows_a_countdown_then_resets_and_activity_postpones_it() {
        let mut k = kiosk();
        k.apply(KioskAction::Start { now: 0 });
        assert_eq!(k.countdown(44_999), None);
        assert_eq!(k.countdown(45_000), Some(15));
        k.apply(KioskAction::Activity { now: 50_000 });
        assert_eq!(k.countdown(50_000), None, "a touch hides the countdown");
        k.apply(KioskAction::Tick { now: 109_999 });
        assert_eq!(k.screen, Screen::Survey);
        k.apply(KioskAction::Tick { now: 110_000 });
        assert_eq!(k.screen, Screen::Welcome);
        assert_eq!(k.generation, 1);
    }

    #[test]
    fn the_welcome_screen_never_times_out_and_staff_can_reset() {
        let mut k = kiosk();
        k.apply(KioskAction::Tick { now: 10_000_000 });
        assert_eq!((k.screen, k.generation), (Screen::Welcome, 0));
        assert_eq!(k.countdown(10_000_000), None);
        k.apply(KioskAction::Start { now: 10_000_000 });
        k.apply(KioskAction::Reset);
        assert_eq!((k.screen, k.generation), (Screen::Welcome, 1));
        k.apply(KioskAction::Finished { now: 1 });
        assert_eq!(
            k.screen,
            Screen::Welcome,
            "finishing needs a running survey"
        );
    }

    #[test]
    fn pin() {
        assert!(pin_matches("2468", "2468"));
        assert!(pin_matches("2468", " 2468 "));
        assert!(!pin_matches("2468", "246"));
        assert!(!pin_matches("", ""));
    }
}
