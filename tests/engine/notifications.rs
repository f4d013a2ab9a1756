//! Business-initiated messages: consent per channel and purpose, the
//! channel fallback, quiet hours across a daylight-saving change, caps,
//! typed refusals, and replies that continue the notification.

use std::time::Duration;

use switchboard::channel::Outbound;
use switchboard::engine::{Action, ContactUpsert, EventKind, Input, InputError};
use switchboard::handoff::{Party, State};
use switchboard::notify::{
    CapScope, ConsentChange, ConsentSource, ConsentStatus, ConsentUpdate, Notification,
    NotifyError, Purpose, Refusal, Requirement, SkipReason, SourceKind,
};
use switchboard::{Address, ChannelKind, ContactId, Origin, TemplateRef, Timestamp, Value};

use super::{World, mins};

const CONFIG: &str = r#"
[[queues]]
id = "support"

[[queues]]
id = "deliveries"

[[rules]]
id = "delivery-replies"
when = "conversation.origin == 'notification' and conversation.campaign == 'order_delayed'"
then = { queue = "deliveries" }

[[rules]]
id = "default"
when = "true"
then = { queue = "support" }

[notifications]
timezone = "America/New_York"
quiet_hours = "21:00-08:00"
caps.marketing = { max = 2, per = "7d" }

[consent.sms]
marketing = "double_opt_in"
confirm_request = "Reply YES for Acme offers. Reply STOP to cancel."
confirmed = "You're in. Reply STOP to cancel."

[campaigns.order_delayed]
purpose = "transactional"
text = "Order {order} is late; it now arrives {eta}."
template = { name = "order_delayed", language = "en", parameters = ["{order}", "{eta}"] }
max = 1
per = "1d"

[campaigns.spring_sale]
purpose = "marketing"
text = "Spring sale, {contact.name}: 20% off this week."
"#;

/// Monday 2026-11-23 17:00 UTC: noon in New York.
const NOON_NY: u64 = 1_795_453_200_000;
const PHONE: &str = "+14155550100";
const MAIL: &str = "ana@example.com";

fn world() -> World {
    let mut w = World::with(CONFIG);
    w.now = Timestamp::from_millis(NOON_NY);
    w
}

fn addr(channel: &ChannelKind, raw: &str) -> Address {
    Address::new(channel, raw).expect("valid address")
}

/// Contact `ana` with an address on each of `channels`.
fn ana(w: &mut World, channels: &[ChannelKind]) {
    let mut c = ContactUpsert::new("ana").attribute("name", Value::Text("Ana".into()));
    for ch in channels {
        let raw = if *ch == ChannelKind::Email {
            MAIL
        } else {
            PHONE
        };
        c = c.identity(ch.clone(), addr(ch, raw));
    }
    w.give(Input::Contact(c));
}

fn consent(w: &mut World, ch: ChannelKind, purpose: Option<Purpose>, change: ConsentChange) {
    let raw = if ch == ChannelKind::Email {
        MAIL
    } else {
        PHONE
    };
    let a = addr(&ch, raw);
    let form = ConsentSource::new(SourceKind::WebForm).with_detail("checkout");
    w.give(Input::Consent(ConsentUpdate::new(
        ch, a, purpose, change, form,
    )));
}

fn delayed(id: &str) -> Notification {
    Notification::to_contact("ana")
        .campaign("order_delayed")
        .value("order", "1042")
        .value("eta", "Tuesday")
        .id(id)
}

/// The parts sent, with their channel.
fn sends(w: &World) -> Vec<(ChannelKind, Outbound)> {
    w.actions
        .iter()
        .filter_map(|a| match a {
            Action::Send { channel, part, .. } => Some((channel.clone(), part.clone())),
            _ => None,
        })
        .collect()
}

fn refusals(w: &World) -> Vec<Refusal> {
    w.actions
        .iter()
        .filter_map(|a| match a {
            Action::NotificationRefused { reason, .. } => Some(reason.clone()),
            _ => None,
        })
        .collect()
}

fn sent_on(w: &World) -> Vec<ChannelKind> {
    w.events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::NotificationSent { channel, .. } => Some(channel.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn an_order_delay_goes_as_a_whatsapp_template_when_the_window_is_closed() {
    let mut w = world();
    ana(&mut w, &[ChannelKind::WhatsApp, ChannelKind::Sms]);
    consent(
        &mut w,
        ChannelKind::WhatsApp,
        Some(Purpose::Transactional),
        ConsentChange::OptIn,
    );
    w.clear().give(Input::Notify(delayed("n-1")));
    let parts = sends(&w);
    let [(ch, Outbound::Template { template })] = parts.as_slice() else {
        panic!("a template: {parts:?}");
    };
    assert_eq!(*ch, ChannelKind::WhatsApp);
    assert_eq!(template.name, "order_delayed");
    assert_eq!(template.parameters, ["1042", "Tuesday"]);
    assert_eq!(sent_on(&w), [ChannelKind::WhatsApp]);
}

#[test]
fn without_a_whatsapp_opt_in_it_falls_back_to_sms_and_says_why() {
    let mut w = world();
    ana(&mut w, &[ChannelKind::WhatsApp, ChannelKind::Sms]);
    w.clear().give(Input::Notify(delayed("n-1")));
    assert_eq!(
        sends(&w),
        [(
            ChannelKind::Sms,
            Outbound::text("Order 1042 is late; it now arrives Tuesday.")
        )]
    );
    let tried = w.events.iter().find_map(|e| match &e.kind {
        EventKind::NotificationSent { tried, .. } => Some(tried.clone()),
        _ => None,
    });
    let tried = tried.expect("sent");
    assert_eq!(tried.len(), 1);
    assert_eq!(
        (tried[0].channel.clone(), tried[0].why),
        (ChannelKind::WhatsApp, SkipReason::NoOptIn)
    );
}

#[test]
fn an_sms_stop_blocks_every_text_whatever_its_purpose() {
    let mut w = world();
    ana(&mut w, &[ChannelKind::Sms]);
    w.say(ChannelKind::Sms, PHONE, "STOP");
    w.clear().give(Input::Notify(delayed("n-1")));
    assert!(sends(&w).is_empty(), "{:?}", sends(&w));
    assert_eq!(
        refusals(&w),
        [Refusal::OptedOut {
            channel: ChannelKind::Sms
        }]
    );
    assert!(w.events.iter().any(|e| matches!(
        &e.kind,
        EventKind::NotificationRefused { notification: Some(n), reason: Refusal::OptedOut { .. }, .. } if n == "n-1"
    )));
    // START lifts it.
    w.say(ChannelKind::Sms, PHONE, "START");
    w.clear().give(Input::Notify(delayed("n-2")));
    assert_eq!(sent_on(&w), [ChannelKind::Sms]);
}

#[test]
fn sms_marketing_needs_a_confirmed_double_opt_in() {
    let mut w = world();
    ana(&mut w, &[ChannelKind::Sms]);
    let sale = || {
        Notification::to_contact("ana")
            .campaign("spring_sale")
            .id("m-1")
    };
    w.clear().give(Input::Notify(sale()));
    assert_eq!(
        refusals(&w),
        [Refusal::NoConsent {
            channel: ChannelKind::Sms,
            purpose: Purpose::Marketing,
            needs: Requirement::DoubleOptIn
        }]
    );
    // The web form's opt-in asks for confirmation and is not enough yet.
    w.clear();
    consent(
        &mut w,
        ChannelKind::Sms,
        Some(Purpose::Marketing),
        ConsentChange::OptIn,
    );
    assert_eq!(
        w.sent(),
        ["Reply YES for Acme offers. Reply STOP to cancel."]
    );
    w.clear().give(Input::Notify(sale()));
    assert!(matches!(refusals(&w)[..], [Refusal::NoConsent { .. }]));
    // YES confirms it; it reaches no conversation.
    w.clear().say(ChannelKind::Sms, PHONE, "yes");
    assert_eq!(w.sent(), ["You're in. Reply STOP to cancel."]);
    assert!(w.sb.is_empty());
    w.clear().give(Input::Notify(sale()));
    assert_eq!(w.sent(), ["Spring sale, Ana: 20% off this week."]);
}

#[test]
fn a_yes_after_the_confirmation_window_is_an_ordinary_message() {
    let mut w = world();
    ana(&mut w, &[ChannelKind::Sms]);
    consent(
        &mut w,
        ChannelKind::Sms,
        Some(Purpose::Marketing),
        ConsentChange::OptIn,
    );
    w.wait(Duration::from_secs(49 * 3600));
    w.clear().say(ChannelKind::Sms, PHONE, "yes");
    assert_eq!(w.sb.len(), 1, "YES went to a conversation");
    let history = w.sb.consent_history(&ContactId::new("ana"));
    assert_eq!(
        history.last().map(|e| e.status),
        Some(ConsentStatus::Pending)
    );
}

#[test]
fn an_email_unsubscribe_blocks_marketing_but_not_receipts() {
    let mut w = world();
    ana(&mut w, &[ChannelKind::Email]);
    consent(
        &mut w,
        ChannelKind::Email,
        Some(Purpose::Marketing),
        ConsentChange::OptOut,
    );
    w.clear().give(Input::Notify(
        Notification::to_contact("ana").campaign("spring_sale"),
    ));
    assert_eq!(
        refusals(&w),
        [Refusal::OptedOut {
            channel: ChannelKind::Email
        }]
    );
    w.clear().give(Input::Notify(delayed("n-1")));
    assert_eq!(sent_on(&w), [ChannelKind::Email]);
}

#[test]
fn quiet_hours_defer_to_the_morning_across_a_daylight_saving_change() {
    let mut w = world();
    // Sunday 2027-03-14 01:00 EST (06:00 UTC); clocks go forward at 02:00,
    // so 08:00 that morning is 12:00 UTC, not 13:00.
    w.now = Timestamp::from_millis(1_805_004_000_000);
    ana(&mut w, &[ChannelKind::Sms]);
    w.clear().give(Input::Notify(delayed("n-1")));
    assert!(sends(&w).is_empty());
    let morning = Timestamp::from_millis(1_805_025_600_000);
    assert!(w.events.iter().any(|e| matches!(
        e.kind,
        EventKind::NotificationDeferred { until, .. } if until == morning
    )));
    assert_eq!(w.sb.notifications_waiting(), 1);
    assert_eq!(w.sb.poll_timeout(), Some(morning));
    // A minute before, nothing; at 08:00 local, it goes.
    w.wait(Duration::from_millis(
        morning.as_millis() - w.now.as_millis() - 60_000,
    ));
    assert!(sends(&w).is_empty());
    w.wait(mins(1));
    assert_eq!(sent_on(&w), [ChannelKind::Sms]);
    assert_eq!(w.sb.notifications_waiting(), 0);
}

#[test]
fn the_contacts_own_time_zone_decides_quiet_hours() {
    let mut w = world();
    ana(&mut w, &[ChannelKind::Sms]);
    w.give(Input::Contact(
        ContactUpsert::new("ana").attribute("timezone", Value::Text("Asia/Tokyo".into())),
    ));
    // Noon in New York is 02:00 in Tokyo: quiet there until 08:00 JST (23:00 UTC).
    w.clear().give(Input::Notify(delayed("n-1")));
    assert!(sends(&w).is_empty());
    let until = w.events.iter().find_map(|e| match e.kind {
        EventKind::NotificationDeferred { until, .. } => Some(until),
        _ => None,
    });
    assert_eq!(until, Some(Timestamp::from_millis(1_795_474_800_000)));
}

#[test]
fn a_deferred_notification_is_refused_when_consent_is_withdrawn_meanwhile() {
    let mut w = world();
    ana(&mut w, &[ChannelKind::Sms]);
    w.now = Timestamp::from_millis(NOON_NY + 10 * 3_600_000); // 22:00 in New York
    w.clear().give(Input::Notify(delayed("n-1")));
    assert_eq!(w.sb.notifications_waiting(), 1);
    w.say(ChannelKind::Sms, PHONE, "STOP");
    w.clear().wait(Duration::from_secs(12 * 3600));
    assert!(sends(&w).is_empty());
    assert_eq!(
        refusals(&w),
        [Refusal::OptedOut {
            channel: ChannelKind::Sms
        }]
    );
    assert_eq!(w.sb.notifications_waiting(), 0);
}

#[test]
fn caps_hold_back_the_excess_with_a_typed_reason() {
    let mut w = world();
    ana(&mut w, &[ChannelKind::Sms]);
    w.give(Input::Notify(delayed("n-1")));
    w.clear().give(Input::Notify(delayed("n-2")));
    assert_eq!(
        refusals(&w),
        [Refusal::Capped {
            scope: CapScope::Campaign {
                campaign: "order_delayed".into()
            },
            max: 1,
            per: Duration::from_secs(86_400)
        }]
    );
    // A day later the campaign may write again.
    w.wait(Duration::from_secs(86_400));
    w.clear().give(Input::Notify(delayed("n-3")));
    assert_eq!(sent_on(&w), [ChannelKind::Sms]);
    // Marketing: at most two a week per contact.
    w.give(Input::Consent(ConsentUpdate::new(
        ChannelKind::Sms,
        addr(&ChannelKind::Sms, PHONE),
        Some(Purpose::Marketing),
        ConsentChange::OptIn,
        ConsentSource::new(SourceKind::Keyword),
    )));
    let sale = || Input::Notify(Notification::to_contact("ana").campaign("spring_sale"));
    w.clear().give(sale()).give(sale()).give(sale());
    assert_eq!(sent_on(&w).len(), 2);
    assert!(matches!(
        refusals(&w)[..],
        [Refusal::Capped {
            scope: CapScope::Purpose {
                purpose: Purpose::Marketing
            },
            max: 2,
            ..
        }]
    ));
}

#[test]
fn a_reply_continues_as_a_conversation_its_campaign_routes() {
    let mut w = world();
    ana(&mut w, &[ChannelKind::Sms]);
    w.give(Input::Notify(delayed("n-1")));
    w.wait(mins(30));
    w.clear()
        .say(ChannelKind::Sms, PHONE, "Can it come Monday instead?");
    let views: Vec<_> = w.sb.conversations().collect();
    let [view] = views.as_slice() else {
        panic!("one conversation")
    };
    assert_eq!(view.state(), State::Queued);
    assert_eq!(view.queue().map(|q| q.as_str()), Some("deliveries"));
    assert_eq!(
        view.origin(),
        &Origin::notification(Some("order_delayed".into()), Some("n-1".into()))
    );
    let first = view.transcript().entries().next().expect("transcript");
    assert_eq!(first.from, Party::System);
    assert_eq!(first.text, "Order 1042 is late; it now arrives Tuesday.");
    let second = view.transcript().entries().nth(1).expect("the reply");
    assert_eq!(second.text, "Can it come Monday instead?");
}

#[test]
fn a_reply_after_the_reply_window_is_the_customers_own() {
    let mut w = world();
    ana(&mut w, &[ChannelKind::Sms]);
    w.give(Input::Notify(delayed("n-1")));
    w.wait(Duration::from_secs(73 * 3600));
    w.clear().say(ChannelKind::Sms, PHONE, "Hello?");
    let view = w.sb.conversations().next().expect("a conversation");
    assert_eq!(view.origin(), &Origin::Customer);
    assert_eq!(view.queue().map(|q| q.as_str()), Some("support"));
}

#[test]
fn a_notification_to_an_open_conversation_joins_its_transcript() {
    let mut w = world();
    ana(&mut w, &[ChannelKind::Sms]);
    w.say(ChannelKind::Sms, PHONE, "Where is order 1042?");
    let c =
        w.sb.conversations()
            .next()
            .expect("a conversation")
            .id()
            .clone();
    w.clear().give(Input::Notify(delayed("n-1")));
    assert!(w.actions.iter().any(|a| matches!(
        a,
        Action::Send { conversation: Some(x), .. } if *x == c
    )));
    let view = w.sb.conversation(&c).unwrap();
    let last = view.transcript().entries().last().unwrap();
    assert_eq!(last.text, "Order 1042 is late; it now arrives Tuesday.");
}

#[test]
fn a_notification_to_an_address_uses_only_that_channel() {
    let mut w = world();
    let to = addr(&ChannelKind::WhatsApp, PHONE);
    let n = Notification::to_address(ChannelKind::WhatsApp, to)
        .purpose(Purpose::Transactional)
        .content("Your gate changed to B12.");
    w.clear().give(Input::Notify(n));
    assert_eq!(
        refusals(&w),
        [Refusal::NoConsent {
            channel: ChannelKind::WhatsApp,
            purpose: Purpose::Transactional,
            needs: Requirement::OptIn
        }]
    );
    // To web chat: no consent policy, so no channel reaches the visitor.
    let n = Notification::to_address(ChannelKind::WebChat, Address::new_unchecked("visitor-1"))
        .purpose(Purpose::Transactional)
        .content("Hello");
    w.clear().give(Input::Notify(n));
    assert_eq!(refusals(&w), [Refusal::NoReachableChannel]);
}

#[test]
fn bad_notifications_are_typed_errors_and_change_nothing() {
    let mut w = world();
    ana(&mut w, &[ChannelKind::Sms]);
    w.clear();
    let before = w.snapshot_json();
    let huge = "x".repeat(1 << 20);
    type Expect = fn(&InputError) -> bool;
    let cases: Vec<(Notification, Expect)> = vec![
        (
            Notification::to_contact("bob").campaign("order_delayed"),
            |e| matches!(e, InputError::UnknownContact(c) if c.as_str() == "bob"),
        ),
        (
            Notification::to_contact("ana").campaign("order_delayd"),
            |e| matches!(e, InputError::Notify(NotifyError::UnknownCampaign { help, .. }) if help.contains("order_delayed")),
        ),
        (
            Notification::to_contact("ana")
                .campaign("order_delayed")
                .value("order", "1"),
            |e| matches!(e, InputError::Notify(NotifyError::MissingValue { placeholder, .. }) if placeholder == "eta"),
        ),
        (Notification::to_contact("ana").content("hi"), |e| {
            matches!(e, InputError::Notify(NotifyError::NoPurpose))
        }),
        (delayed("x").purpose(Purpose::Marketing), |e| {
            matches!(e, InputError::Notify(NotifyError::PurposeConflict { .. }))
        }),
        (
            Notification::to_contact("ana").purpose(Purpose::Transactional),
            |e| matches!(e, InputError::Notify(NotifyError::NothingToSend)),
        ),
        (
            Notification::default()
                .purpose(Purpose::Transactional)
                .content("hi"),
            |e| matches!(e, InputError::Notify(NotifyError::NoRecipient)),
        ),
        (
            {
                let mut n = Notification::to_contact("ana")
                    .purpose(Purpose::Transactional)
                    .content("hi");
                n.channel = Some(ChannelKind::Sms);
                n.address = Some(addr(&ChannelKind::Sms, PHONE));
                n
            },
            |e| matches!(e, InputError::Notify(NotifyError::TwoRecipients)),
        ),
        (
            Notification::to_contact("ana")
                .purpose(Purpose::Transactional)
                .template(TemplateRef::new("", "en")),
            |e| matches!(e, InputError::EmptyId("template name")),
        ),
        (
            Notification::to_contact("ana")
                .purpose(Purpose::Transactional)
                .content(huge.as_str()),
            |e| matches!(e, InputError::TooLong { .. }),
        ),
    ];
    for (n, expected) in cases {
        let e = w.try_give(Input::Notify(n.clone())).expect_err("refused");
        assert!(expected(&e), "{n:?} gave {e:?}");
        assert!(!e.to_string().is_empty());
    }
    assert!(w.actions.is_empty() && w.events.is_empty());
    assert_eq!(w.snapshot_json(), before);
}

#[test]
fn consent_history_exports_every_change_with_its_source() {
    let mut w = world();
    ana(&mut w, &[ChannelKind::Sms, ChannelKind::Email]);
    consent(
        &mut w,
        ChannelKind::Email,
        Some(Purpose::Marketing),
        ConsentChange::OptIn,
    );
    w.wait(mins(1)).say(ChannelKind::Sms, PHONE, "stop");
    w.wait(mins(1)).say(ChannelKind::Sms, PHONE, "start");
    let history = w.sb.consent_history(&ContactId::new("ana"));
    let summary: Vec<(ChannelKind, Option<Purpose>, ConsentStatus, SourceKind)> = history
        .iter()
        .map(|e| (e.channel.clone(), e.purpose, e.status, e.source.kind))
        .collect();
    assert_eq!(
        summary,
        [
            (
                ChannelKind::Email,
                Some(Purpose::Marketing),
                ConsentStatus::OptedIn,
                SourceKind::WebForm
            ),
            (
                ChannelKind::Sms,
                None,
                ConsentStatus::OptedOut,
                SourceKind::Keyword
            ),
            (
                ChannelKind::Sms,
                None,
                ConsentStatus::OptedIn,
                SourceKind::Keyword
            ),
        ]
    );
    assert_eq!(history[1].source.detail.as_deref(), Some("stop"));
    let json = serde_json::to_string(&history).unwrap();
    assert!(json.contains(r#""status":"opted_out""#), "{json}");
    // The history outlives the snapshot round trip.
    let snap = w.sb.snapshot();
    let back = switchboard::Switchboard::restore(w.sb.config().clone(), snap).unwrap();
    assert_eq!(back.consent_history(&ContactId::new("ana")), history);
}

#[test]
fn a_campaign_on_a_channel_without_a_consent_policy_does_not_compile() {
    let bad = r#"
        [[queues]]
        id = "support"
        [campaigns.promo]
        purpose = "marketing"
        text = "Hi"
        channels = ["messenger"]
        [notifications]
        fallback = ["whatsapp", "web_chat"]
    "#;
    let err = switchboard::Config::from_toml_str(bad)
        .unwrap_err()
        .to_string();
    assert!(err.contains("`messenger` has no consent policy"), "{err}");
    assert!(err.contains("`web_chat` has no consent policy"), "{err}");
    assert!(err.contains("[consent.messenger]"), "{err}");
    let bad = "[campaigns.promo]\npurpose = \"spam\"\ntext = \"x\"\n[[queues]]\nid = \"q\"";
    let err = switchboard::Config::from_toml_str(bad)
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown purpose `spam`"), "{err}");
    // Every problem at once, each at its place, with what to write.
    let bad = r#"
        [[queues]]
        id = "q"
        [notifications]
        quiet_hour = "21:00-08:00"
        quiet_hours = "9pm-8am"
        timezone = "Mars/Olympus"
        caps.promotional = { max = 1, per = "1d" }
        caps.marketing = { max = 0, per = "1d" }
        [consent.sms]
        marketing = "double"
        [campaigns.late]
        purpose = "transactional"
        max = 1
    "#;
    let text = switchboard::Config::from_toml_str(bad)
        .unwrap_err()
        .to_string();
    for expected in [
        "unknown key `quiet_hour`",
        "did you mean `quiet_hours`?",
        "`9pm-8am` is not a time range; write it as HH:MM-HH:MM",
        "`Mars/Olympus` is not an IANA time zone",
        "unknown purpose `promotional`",
        "a cap of 0 allows nothing",
        "`double` is not a consent requirement",
        "use none, opt_in or double_opt_in",
        "campaign `late` has neither `text` nor `template`",
        "a campaign's cap needs both `max` and `per`",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert!(
        text.contains("--> 6:23 (notifications.quiet_hours)"),
        "located: {text}"
    );
}
