//! The adapter's tests: every sample, every malformed value.

use switchboard::engine::{Delivery, DeliveryStatus, Inbound, Input};
use switchboard::{Address, AttachmentKind, ChannelKind};

use crate::error::MessengerError;
use crate::inbound::parse;
use crate::{CONFIG, SAMPLES, TEST_NOTIFICATION};
use switchboard::Timestamp;
use switchboard::config::Config;
use switchboard::engine::Switchboard;

const PSID: &str = "1254459154682919";

fn sample(name: &str) -> &'static str {
    SAMPLES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, body)| *body)
        .unwrap_or_else(|| panic!("no sample {name}"))
}

fn one_inbound(body: &str) -> Inbound {
    match parse(body.as_bytes()).unwrap().as_slice() {
        [Input::Inbound(m)] => m.clone(),
        other => panic!("{other:?}"),
    }
}

fn one_delivery(body: &str) -> Delivery {
    match parse(body.as_bytes()).unwrap().as_slice() {
        [Input::Delivery(d)] => d.clone(),
        other => panic!("{other:?}"),
    }
}

/// A page webhook with the given messaging events.
fn page(events: &str) -> String {
    format!(
        r#"{{"object": "page", "entry": [{{"id": "682498302938465", "time": 1, "messaging": [{events}]}}]}}"#
    )
}

#[test]
fn text_messages_carry_sender_text_and_mid() {
    for (name, mid) in [
        (
            "messenger-message-text.json",
            "mid.1457764197618:41d102a3e1ae206a38",
        ),
        (
            "messenger-message-quick-reply.json",
            "mid.1457764197618:41d102a3e1ae206a38",
        ),
        (
            "messenger-message-reply-to.json",
            "m_1457764197618:41d102a3e1ae206a38",
        ),
    ] {
        let m = one_inbound(sample(name));
        assert_eq!(m.channel, ChannelKind::Messenger, "{name}");
        assert_eq!(m.from.as_str(), PSID, "{name}");
        assert_eq!(m.text, "hello, world!", "{name}");
        assert_eq!(m.id.as_deref(), Some(mid), "{name}");
        assert!(m.attachments.is_empty(), "{name}");
    }
}

#[test]
fn attachments_keep_their_kind_and_url() {
    let m = one_inbound(sample("messenger-message-attachment.json"));
    assert_eq!(m.text, "");
    assert_eq!(m.id.as_deref(), Some("mid.$cAAJdkrCd2ORnva8ErFhjGm0X_Q_c"));
    let [a] = m.attachments.as_slice() else {
        panic!("{:?}", m.attachments)
    };
    assert_eq!(a.kind, AttachmentKind::Image);
    assert_eq!(a.url, "https://example.com/attachment.jpg");

    let m = one_inbound(&page(
        r#"{"sender": {"id": "1254459154682919"}, "message": {"mid": "m_2", "text": "look", "attachments": [
            {"type": "video", "payload": {"url": "https://example.com/v.mp4"}},
            {"type": "location", "title": "Home", "payload": {"coordinates": {"lat": 52.52, "long": 13.405}}},
            {"type": "fallback", "payload": {"url": "https://example.com/article"}},
            {"type": "template", "payload": {"template_type": "product"}}]}}"#,
    ));
    let kinds: Vec<_> = m
        .attachments
        .iter()
        .map(|a| (a.kind, a.url.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (AttachmentKind::Video, "https://example.com/v.mp4"),
            (AttachmentKind::Location, "geo:52.52,13.405"),
            (AttachmentKind::File, "https://example.com/article"),
        ]
    );
    assert_eq!(m.attachments[1].caption.as_deref(), Some("Home"));
}

#[test]
fn a_postback_reads_as_the_button_title() {
    let m = one_inbound(sample("messenger-postback.json"));
    assert_eq!(m.from.as_str(), PSID);
    assert_eq!(m.text, "TITLE-FOR-THE-CTA");
    assert_eq!(m.id.as_deref(), Some("m_MESSAGE-ID"));

    let m = one_inbound(&page(
        r#"{"sender": {"id": "1254459154682919"}, "postback": {"payload": "GET_STARTED"}}"#,
    ));
    assert_eq!((m.text.as_str(), m.id), ("GET_STARTED", None));
}

#[test]
fn a_read_is_a_read_report_to_the_reader_without_a_message_id() {
    let d = one_delivery(sample("messenger-read.json"));
    assert_eq!(d.channel, ChannelKind::Messenger);
    assert_eq!(d.status, DeliveryStatus::Read);
    assert_eq!(d.message_id, None);
    assert_eq!(d.to.as_ref().map(Address::as_str), Some(PSID));
}

#[test]
fn a_delivery_is_a_report_per_mid() {
    for name in ["messenger-delivery.json", "messenger-delivery-hackage.json"] {
        let d = one_delivery(sample(name));
        assert_eq!(d.status, DeliveryStatus::Delivered, "{name}");
        assert_eq!(
            d.message_id.as_deref(),
            Some("mid.1458668856218:ed81099e15d3f4f233"),
            "{name}"
        );
        assert_eq!(d.to.as_ref().map(Address::as_str), Some(PSID), "{name}");
    }
    let inputs = parse(
        page(
            r#"{"sender": {"id": "1254459154682919"}, "delivery": {"mids": ["m_1", "m_2"], "watermark": 5}},
               {"sender": {"id": "1254459154682919"}, "delivery": {"watermark": 6}}"#,
        )
        .as_bytes(),
    )
    .unwrap();
    let ids: Vec<_> = inputs
        .iter()
        .map(|i| match i {
            Input::Delivery(d) => d.message_id.as_deref(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(ids, [Some("m_1"), Some("m_2"), None]);
}

#[test]
fn echoes_and_other_events_are_skipped_and_entries_kept_in_order() {
    let body = r#"{"object": "page", "entry": [
        {"id": "682498302938465", "time": 1, "messaging": [
            {"sender": {"id": "682498302938465"}, "recipient": {"id": "1254459154682919"},
             "message": {"mid": "m_echo", "text": "Hi, Ana here.", "is_echo": true, "app_id": 1517776481860111}},
            {"sender": {"id": "1254459154682919"}, "message": {"mid": "m_1", "text": "one"}},
            {"sender": {"id": "1254459154682919"}, "optin": {"ref": "x"}}]},
        {"id": "682498302938465", "time": 2, "standby": [
            {"sender": {"id": "1254459154682919"}, "message": {"mid": "m_s", "text": "standby"}}]},
        {"id": "682498302938465", "time": 3, "messaging": [
            {"sender": {"id": "1254459154682920"}, "message": {"mid": "m_2", "text": "two"}}]}]}"#;
    let texts: Vec<_> = parse(body.as_bytes())
        .unwrap()
        .into_iter()
        .map(|i| match i {
            Input::Inbound(m) => m.text,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(texts, ["one", "two"]);
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
fn malformed_bodies_are_typed_errors() {
    let err = |body: &str| parse(body.as_bytes()).unwrap_err();
    let sender = r#""sender": {"id": "1254459154682919"}"#;

    assert!(matches!(err(""), MessengerError::Empty));
    assert!(matches!(err("\t\n"), MessengerError::Empty));
    assert!(matches!(err("object=page"), MessengerError::Json(_)));
    assert!(matches!(
        err("{\"object\": \"page\", "),
        MessengerError::Json(_)
    ));
    assert!(matches!(
        err(r#"{"entry": []}"#),
        MessengerError::NotWebhook("object")
    ));
    assert!(matches!(
        err(r#"{"object": "page"}"#),
        MessengerError::NotWebhook("entry")
    ));
    let e = err(r#"{"object": "instagram", "entry": []}"#);
    assert!(matches!(&e, MessengerError::WrongObject(o) if o == "instagram"));
    let whatsapp = include_str!("../../tests/data/webhooks/whatsapp-text.json");
    assert!(matches!(err(whatsapp), MessengerError::WrongObject(_)));
    assert!(matches!(
        err(TEST_NOTIFICATION),
        MessengerError::TestNotification(f) if f == "messaging_postbacks"
    ));

    let e = err(&page(&format!(
        r#"{{{sender}, "message": {{"mid": "m_1", "text": "ok"}}}}, {{{sender}, "message": {{"text": "no mid"}}}}"#
    )));
    assert!(matches!(
        e,
        MessengerError::Missing {
            field: "message.mid",
            ..
        }
    ));
    assert_eq!(
        e.to_string(),
        "`entry[0].messaging[1]` has no `message.mid`"
    );
    assert!(matches!(
        err(&page(
            r#"{"sender": {"user_ref": "USER-REF-ID"}, "postback": {"title": "Hi"}}"#
        )),
        MessengerError::Missing {
            field: "sender.id",
            ..
        }
    ));
    assert!(matches!(
        err(&page(
            r#"{"sender": {"id": "<PSID>"}, "message": {"mid": "m_1", "text": "x"}}"#
        )),
        MessengerError::Address { .. }
    ));
    assert!(matches!(
        err(&page(&format!(r#"{{{sender}, "read": {{}}}}"#))),
        MessengerError::Missing {
            field: "read.watermark",
            ..
        }
    ));
    assert!(matches!(
        err(&page(&format!(
            r#"{{{sender}, "read": {{"watermark": "yesterday"}}}}"#
        ))),
        MessengerError::Json(_)
    ));
    assert!(matches!(
        err(&page(&format!(
            r#"{{{sender}, "message": {{"mid": "m_1", "attachments": [{{"type": "image", "payload": {{}}}}]}}}}"#
        ))),
        MessengerError::Missing {
            field: "payload.url",
            ..
        }
    ));
    assert!(matches!(
        err(&page(&format!(
            r#"{{{sender}, "message": {{"mid": "m_1", "attachments": [{{"type": "location",
                "payload": {{"coordinates": {{"lat": 100.0, "long": 13.4}}}}}}]}}}}"#
        ))),
        MessengerError::BadLocation { .. }
    ));
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
