//! What the webhook adapter examples' tests share: reading their vendor
//! samples (`crate::SAMPLES`) through their parser (`crate::inbound::parse`),
//! and the tests that hold for each adapter: an engine for its
//! `crate::CONFIG` accepts every sample, and no body, however broken, makes
//! the parser panic.

use switchboard::Timestamp;
use switchboard::config::Config;
use switchboard::engine::{Delivery, Inbound, Input, Switchboard};

use crate::inbound::parse;
use crate::{CONFIG, SAMPLES};

/// The sample file `name`.
pub(super) fn sample(name: &str) -> &'static str {
    SAMPLES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, body)| *body)
        .unwrap_or_else(|| panic!("no sample {name}"))
}

/// The one input `body` carries.
pub(super) fn one(body: &str) -> Input {
    match parse(body.as_bytes()).unwrap().as_slice() {
        [input] => input.clone(),
        other => panic!("{body}: {other:?}"),
    }
}

/// The one inbound `body` carries.
pub(super) fn one_inbound(body: &str) -> Inbound {
    match one(body) {
        Input::Inbound(m) => m,
        other => panic!("{other:?}"),
    }
}

/// The one delivery report `body` carries.
pub(super) fn one_delivery(body: &str) -> Delivery {
    match one(body) {
        Input::Delivery(d) => d,
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_engine_accepts_every_sample() {
    let mut engine = Switchboard::new(Config::from_toml_str(CONFIG).unwrap());
    let now = Timestamp::from_millis(1_795_428_000_000);
    let mut count = 0;
    for (name, body) in SAMPLES {
        for input in parse(body.as_bytes()).unwrap() {
            engine
                .handle(now, input)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            count += 1;
        }
    }
    assert_eq!(count, SAMPLES.len());
    assert!(engine.poll_action().is_some());
}

#[test]
fn truncated_samples_never_panic() {
    for (_, body) in SAMPLES {
        for end in 0..body.len() {
            let _ = parse(&body.as_bytes()[..end]);
        }
    }
}

proptest::proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(body in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
        let _ = parse(&body);
    }

    #[test]
    fn corrupted_samples_never_panic(
        which in 0..SAMPLES.len(),
        at in proptest::num::usize::ANY,
        byte in proptest::num::u8::ANY,
    ) {
        let mut body = SAMPLES[which].1.as_bytes().to_vec();
        let at = at % body.len();
        body[at] = byte;
        let _ = parse(&body);
    }
}
