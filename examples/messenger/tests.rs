//! The adapter's tests: the inbound half against every sample and every
//! malformed value ([`inbound`]), the outbound half against Meta's
//! documented request shapes and every limit ([`outbound`]), and both
//! through an engine.

mod inbound;
mod outbound;
#[path = "../support/testing.rs"]
mod testing;

use switchboard::Timestamp;
use switchboard::config::Config;
use switchboard::engine::Switchboard;

use crate::CONFIG;
use testing::{one_delivery, one_inbound, sample};

/// The page-scoped id of the samples' customer.
const PSID: &str = "1254459154682919";

/// The engine's clock in the tests.
const NOW: Timestamp = Timestamp::from_millis(1_795_428_000_000);

/// An engine with the example's configuration.
fn engine() -> Switchboard {
    Switchboard::new(Config::from_toml_str(CONFIG).unwrap())
}

/// A page webhook with the given messaging events.
fn page(events: &str) -> String {
    format!(
        r#"{{"object": "page", "entry": [{{"id": "682498302938465", "time": 1, "messaging": [{events}]}}]}}"#
    )
}

/// The menu scene `main` plays goes as its docs tell: the quick reply
/// offered is tapped and the bot is asked with it (it checks this itself).
#[test]
fn the_menu_scene_plays_through() {
    if let Err(e) = crate::menu::run() {
        panic!("{e}");
    }
}
