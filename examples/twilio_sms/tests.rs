//! The adapter's tests, by half: [`inbound`] reads every sample and every
//! field, [`outbound`] maps every part and refuses what Twilio would, and
//! [`engine`] goes round through the engine.

mod engine;
mod inbound;
mod outbound;

use switchboard::engine::Input;

use crate::{SAMPLES, parse};

fn sample(name: &str) -> &'static str {
    SAMPLES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, body)| *body)
        .unwrap_or_else(|| panic!("no sample {name}"))
}

fn one(body: &str) -> Input {
    match parse(body.as_bytes()).unwrap().as_slice() {
        [input] => input.clone(),
        other => panic!("{body}: {other:?}"),
    }
}

/// A WhatsApp message as Twilio posts it, with `extra` fields.
fn whatsapp(extra: &str) -> String {
    format!(
        "MessageSid=SM1&From=whatsapp%3A%2B4915112345678&To=whatsapp%3A%2B14155238886\
         &NumMedia=0{extra}"
    )
}
