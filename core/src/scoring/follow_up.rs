//! Which clock a follow-up due time counts from, on the server.
//!
//! The widget counts `follow_up_due` from the device's `created_at` (it has no other
//! clock). The collector, which also knows when the response arrived, corrects that
//! only where the device's time is certainly wrong; the widget never calls this.

use crate::time::parse_utc;

/// How far `created_at` may be later than the server's receive time and still be
/// believed: ordinary drift between a phone's clock and the server's, not a wrong clock.
pub const MAX_DEVICE_CLOCK_LEAD_SECONDS: i64 = 300;

/// The time a response's follow-up is due from: its `created_at`, unless that is more
/// than [`MAX_DEVICE_CLOCK_LEAD_SECONDS`] later than `received_at`, the server's own
/// time of receipt; then `received_at`.
///
/// Why only then: a response cannot have been written after it arrived, so a device
/// clock running ahead is certainly wrong, and counting from it would make the dealer's
/// follow-up call late by as much. A `created_at` earlier
/// than the receipt is kept however old: a kiosk on flaky Wi-Fi queues a response for
/// days, and the customer has been waiting since they answered, not since it arrived. A
/// few minutes ahead are tolerated so that, with an ordinarily set clock, the server's
/// card stays the very card the widget computed.
///
/// A `created_at` that does not parse gives `received_at`; a `received_at` that does
/// not parse gives `created_at` (nothing to correct it with).
pub fn follow_up_base<'a>(created_at: &'a str, received_at: &'a str) -> &'a str {
    let Some(received) = parse_utc(received_at) else {
        return created_at;
    };
    let Some(created) = parse_utc(created_at) else {
        return received_at;
    };
    let mut latest = received;
    latest.seconds = latest.seconds.saturating_add(MAX_DEVICE_CLOCK_LEAD_SECONDS);
    if created.cmp_instant(&latest).is_gt() {
        received_at
    } else {
        created_at
    }
}
