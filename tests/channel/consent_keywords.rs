//! The acceptance cases of the SMS keyword reference (Twilio's documented
//! defaults; CTIA practice): single-word keywords only, case-insensitive.

use switchboard::channel::consent::{ConsentEvent, ConsentKeywords, ConsentRegistry, Keyword};
use switchboard::{Address, ChannelKind, Timestamp};

fn classify(text: &str) -> Option<Keyword> {
    ConsentKeywords::default().classify(text)
}

#[test]
fn reference_acceptance_cases() {
    let cases: &[(&str, Option<Keyword>)] = &[
        ("STOP", Some(Keyword::OptOut)),
        ("stop", Some(Keyword::OptOut)),
        ("StopAll", Some(Keyword::OptOut)),
        ("UNSUBSCRIBE", Some(Keyword::OptOut)),
        ("CANCEL", Some(Keyword::OptOut)),
        ("END", Some(Keyword::OptOut)),
        ("QUIT", Some(Keyword::OptOut)),
        ("REVOKE", Some(Keyword::OptOut)),
        ("OPTOUT", Some(Keyword::OptOut)),
        ("STOP PLEASE", None),
        ("PLEASE CANCEL", None),
        ("START", Some(Keyword::OptIn)),
        ("YES", Some(Keyword::OptIn)),
        ("UNSTOP", Some(Keyword::OptIn)),
        ("HELP", Some(Keyword::Help)),
        ("INFO", Some(Keyword::Help)),
        // Not in the default list; providers differ, so it is configurable.
        ("ARRET", None),
        // Decided here: surrounding white space and punctuation are ignored.
        (" STOP ", Some(Keyword::OptOut)),
        ("STOP.", Some(Keyword::OptOut)),
        // Chinese SMS unsubscribe replies.
        ("退订", Some(Keyword::OptOut)),
        ("TD", Some(Keyword::OptOut)),
    ];
    for (text, expected) in cases {
        assert_eq!(classify(text), *expected, "{text:?}");
    }
}

#[test]
fn arret_can_be_configured() {
    let kw = ConsentKeywords::default().with_opt_out(["ARRET"]);
    assert_eq!(kw.classify("Arret"), Some(Keyword::OptOut));
}

#[test]
fn stop_then_help_then_start_on_sms() {
    // Given a customer on SMS
    let mut consent = ConsentRegistry::default();
    let sms = ChannelKind::Sms;
    let customer = Address::new(&sms, "+447700900123").unwrap();
    let t = Timestamp::from_millis;

    // When they reply STOP, sending is refused
    assert_eq!(
        consent.on_inbound(&sms, &customer, "STOP", t(1)),
        Some(ConsentEvent::OptedOut { repeated: false })
    );
    assert!(consent.check_send(&sms, &customer).is_err());

    // When they ask for HELP while opted out, the host is told not to answer
    assert_eq!(
        consent.on_inbound(&sms, &customer, "help", t(2)),
        Some(ConsentEvent::Help { opted_out: true })
    );

    // When they reply START, sending is allowed again
    assert_eq!(
        consent.on_inbound(&sms, &customer, "Start", t(3)),
        Some(ConsentEvent::OptedIn)
    );
    assert!(consent.check_send(&sms, &customer).is_ok());
}
