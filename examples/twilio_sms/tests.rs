//! The adapter's tests, by half: [`inbound`] reads every sample and every
//! field, [`outbound`] maps every part and refuses what Twilio would, and
//! [`engine`] goes round through the engine.

mod engine;
mod inbound;
mod outbound;
#[path = "../support/testing.rs"]
mod testing;

use testing::{one, one_delivery, one_inbound, sample};

/// A WhatsApp message as Twilio posts it, with `extra` fields.
fn whatsapp(extra: &str) -> String {
    format!(
        "MessageSid=SM1&From=whatsapp%3A%2B4915112345678&To=whatsapp%3A%2B14155238886\
         &NumMedia=0{extra}"
    )
}
