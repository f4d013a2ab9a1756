//! The inbound half: every sample, every field, every malformed value.

use switchboard::engine::{Action, DeliveryStatus, Input};
use switchboard::{Address, Attachment, AttachmentKind, ChannelKind, Choice, Location, Timestamp};

use super::{NOW, PSID, engine, one_delivery, one_inbound, page, sample};
use crate::TEST_NOTIFICATION;
use crate::error::WebhookError;
use crate::inbound::parse;

/// Each message sample as an inbound: its id, text, choice, quoted
/// message and send time, exactly as the sample has them.
#[test]
fn each_message_sample_keeps_what_the_customer_sent() {
    let m = one_inbound(sample("messenger-message-text.json"));
    assert_eq!(m.channel, ChannelKind::Messenger);
    assert_eq!(m.from.as_str(), PSID);
    assert_eq!(m.text, "hello, world!");
    assert_eq!(
        m.id.as_deref(),
        Some("mid.1457764197618:41d102a3e1ae206a38")
    );
    assert_eq!(m.sent_at, Some(Timestamp::from_millis(1_457_764_197_627)));
    assert_eq!((m.choice, m.reply_to, m.location), (None, None, None));
    assert!(m.attachments.is_empty());

    let m = one_inbound(sample("messenger-message-quick-reply.json"));
    assert_eq!(m.text, "hello, world!");
    assert_eq!(
        m.id.as_deref(),
        Some("mid.1457764197618:41d102a3e1ae206a38")
    );
    assert_eq!(
        m.choice,
        Some(Choice::new("<DEVELOPER_DEFINED_PAYLOAD>").with_title("hello, world!"))
    );
    assert_eq!(m.sent_at, Some(Timestamp::from_millis(1_458_692_752_478)));
    assert_eq!(m.reply_to, None);

    let m = one_inbound(sample("messenger-message-reply-to.json"));
    assert_eq!(m.text, "hello, world!");
    assert_eq!(m.id.as_deref(), Some("m_1457764197618:41d102a3e1ae206a38"));
    assert_eq!(
        m.reply_to.as_deref(),
        Some("m_1fTq8oLumEyIp3Q2MR-aY7IfLZDamVrALniheU")
    );
    assert_eq!(m.sent_at, Some(Timestamp::from_millis(1_458_692_752_478)));
    assert_eq!(m.choice, None);

    let m = one_inbound(sample("messenger-message-attachment.json"));
    assert_eq!(m.text, "");
    assert_eq!(m.id.as_deref(), Some("mid.$cAAJdkrCd2ORnva8ErFhjGm0X_Q_c"));
    assert_eq!(
        m.attachments,
        [Attachment::new(
            AttachmentKind::Image,
            "https://example.com/attachment.jpg"
        )]
    );
    assert_eq!(m.sent_at, Some(Timestamp::from_millis(1_518_479_195_308)));
    assert_eq!((m.choice, m.reply_to, m.location), (None, None, None));
}

#[test]
fn attachments_keep_their_kind_and_url_and_a_place_is_the_location() {
    let m = one_inbound(&page(
        r#"{"sender": {"id": "1254459154682919"}, "message": {"mid": "m_2", "text": "look", "attachments": [
            {"type": "video", "payload": {"url": "https://example.com/v.mp4"}},
            {"type": "location", "title": "Home", "payload": {"coordinates": {"lat": 52.52, "long": 13.405}}},
            {"type": "fallback", "payload": {"url": "https://example.com/article"}},
            {"type": "location", "title": "Work", "payload": {"coordinates": {"lat": 48.1, "long": 11.6}}},
            {"type": "template", "payload": {"template_type": "product"}}]}}"#,
    ));
    assert_eq!(
        m.location,
        Some(Location::new(52.52, 13.405).with_label("Home"))
    );
    // The first place is not an attachment too; a second one is.
    assert_eq!(
        m.attachments,
        [
            Attachment::new(AttachmentKind::Video, "https://example.com/v.mp4"),
            Attachment::new(AttachmentKind::File, "https://example.com/article"),
            Attachment::location(48.1, 11.6, Some("Work")),
        ]
    );
    assert_eq!(m.sent_at, None);

    // A place without a title has no label.
    let m = one_inbound(&page(
        r#"{"sender": {"id": "1254459154682919"}, "message": {"mid": "m_3", "attachments": [
            {"type": "location", "payload": {"coordinates": {"lat": -33.9, "long": 151.2}}}]}}"#,
    ));
    assert_eq!(m.location, Some(Location::new(-33.9, 151.2)));
    assert!(m.attachments.is_empty());
}

/// The engine shows the shared place once: as the `location` attachment it
/// makes of `Inbound::location`, in the transcript the agent will read.
#[test]
fn a_shared_place_reaches_the_transcript_once() {
    let mut engine = engine();
    let body = page(
        r#"{"sender": {"id": "1254459154682919"}, "timestamp": 1458692752478, "message": {"mid": "m_4",
            "attachments": [{"type": "location", "title": "Home", "payload": {"coordinates": {"lat": 52.52, "long": 13.405}}}]}}"#,
    );
    for input in parse(body.as_bytes()).unwrap() {
        engine.handle(NOW, input).unwrap();
    }
    let Some(Action::AskBot(ask)) = engine.poll_action() else {
        panic!("the bot is not asked")
    };
    let conversation = engine.conversation(&ask.conversation).unwrap();
    let entry = conversation.transcript().entries().last().unwrap();
    assert_eq!(
        entry.attachments,
        [Attachment::location(52.52, 13.405, Some("Home"))]
    );
}

#[test]
fn a_postback_is_the_button_payload_titled_and_read_as_its_title() {
    let m = one_inbound(sample("messenger-postback.json"));
    assert_eq!(m.from.as_str(), PSID);
    assert_eq!(m.text, "TITLE-FOR-THE-CTA");
    assert_eq!(m.id.as_deref(), Some("m_MESSAGE-ID"));
    assert_eq!(
        m.choice,
        Some(Choice::new("USER-DEFINED-PAYLOAD").with_title("TITLE-FOR-THE-CTA"))
    );
    // Meta's example gives this number; read as documented (ms), as is.
    assert_eq!(m.sent_at, Some(Timestamp::from_millis(1_527_459_824)));

    let m = one_inbound(&page(
        r#"{"sender": {"id": "1254459154682919"}, "postback": {"payload": "GET_STARTED"}}"#,
    ));
    assert_eq!((m.text.as_str(), m.id), ("GET_STARTED", None));
    assert_eq!(m.choice, Some(Choice::new("GET_STARTED")));
}

/// A tap reaches the bot as the payload it was given, whatever its title.
#[test]
fn a_tap_reaches_the_bot_as_its_choice() {
    for (name, choice) in [
        (
            "messenger-message-quick-reply.json",
            Choice::new("<DEVELOPER_DEFINED_PAYLOAD>").with_title("hello, world!"),
        ),
        (
            "messenger-postback.json",
            Choice::new("USER-DEFINED-PAYLOAD").with_title("TITLE-FOR-THE-CTA"),
        ),
    ] {
        let mut engine = engine();
        for input in parse(sample(name).as_bytes()).unwrap() {
            engine.handle(NOW, input).unwrap();
        }
        match engine.poll_action() {
            Some(Action::AskBot(ask)) => assert_eq!(ask.choice, Some(choice), "{name}"),
            other => panic!("{name}: {other:?}"),
        }
    }
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
fn malformed_bodies_are_typed_errors() {
    let err = |body: &str| parse(body.as_bytes()).unwrap_err();
    let sender = r#""sender": {"id": "1254459154682919"}"#;

    assert!(matches!(err(""), WebhookError::Empty));
    assert!(matches!(err("\t\n"), WebhookError::Empty));
    assert!(matches!(err("object=page"), WebhookError::Json(_)));
    assert!(matches!(
        err("{\"object\": \"page\", "),
        WebhookError::Json(_)
    ));
    assert!(matches!(
        err(r#"{"entry": []}"#),
        WebhookError::NotWebhook("object")
    ));
    assert!(matches!(
        err(r#"{"object": "page"}"#),
        WebhookError::NotWebhook("entry")
    ));
    let e = err(r#"{"object": "instagram", "entry": []}"#);
    assert!(matches!(&e, WebhookError::WrongObject(o) if o == "instagram"));
    let whatsapp = include_str!("../../../tests/data/webhooks/whatsapp-text.json");
    assert!(matches!(err(whatsapp), WebhookError::WrongObject(_)));
    assert!(matches!(
        err(TEST_NOTIFICATION),
        WebhookError::TestNotification(f) if f == "messaging_postbacks"
    ));

    let e = err(&page(&format!(
        r#"{{{sender}, "message": {{"mid": "m_1", "text": "ok"}}}}, {{{sender}, "message": {{"text": "no mid"}}}}"#
    )));
    assert!(matches!(
        e,
        WebhookError::Missing {
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
        WebhookError::Missing {
            field: "sender.id",
            ..
        }
    ));
    assert!(matches!(
        err(&page(
            r#"{"sender": {"id": "<PSID>"}, "message": {"mid": "m_1", "text": "x"}}"#
        )),
        WebhookError::Address { .. }
    ));
    assert!(matches!(
        err(&page(&format!(r#"{{{sender}, "read": {{}}}}"#))),
        WebhookError::Missing {
            field: "read.watermark",
            ..
        }
    ));
    assert!(matches!(
        err(&page(&format!(
            r#"{{{sender}, "read": {{"watermark": "yesterday"}}}}"#
        ))),
        WebhookError::Json(_)
    ));
    assert!(matches!(
        err(&page(&format!(
            r#"{{{sender}, "message": {{"mid": "m_1", "attachments": [{{"type": "image", "payload": {{}}}}]}}}}"#
        ))),
        WebhookError::Missing {
            field: "payload.url",
            ..
        }
    ));
    assert!(matches!(
        err(&page(&format!(
            r#"{{{sender}, "message": {{"mid": "m_1", "attachments": [{{"type": "location",
                "payload": {{"coordinates": {{"lat": 100.0, "long": 13.4}}}}}}]}}}}"#
        ))),
        WebhookError::BadLocation { .. }
    ));
}

/// A malformed quick reply, quoted message, postback or id is refused
/// here, naming the field, rather than by the engine without a path.
#[test]
fn malformed_choices_quotes_and_ids_are_typed_errors() {
    let err = |event: &str| parse(page(event).as_bytes()).unwrap_err();
    let field_of = |e: WebhookError| match e {
        WebhookError::Missing { at, field } | WebhookError::Blank { at, field } => {
            assert_eq!(at, "entry[0].messaging[0]");
            field
        }
        other => panic!("{other}"),
    };
    let cases = [
        (
            r#""message": {"mid": "m_1", "text": "Yes", "quick_reply": {}}"#,
            "message.quick_reply.payload",
            false,
        ),
        (
            r#""message": {"mid": "m_1", "text": "Yes", "quick_reply": {"payload": " "}}"#,
            "message.quick_reply.payload",
            true,
        ),
        (
            r#""message": {"mid": "m_1", "text": "ok", "reply_to": {"is_self_reply": false}}"#,
            "message.reply_to.mid",
            false,
        ),
        (
            r#""message": {"mid": "m_1", "text": "ok", "reply_to": {"mid": ""}}"#,
            "message.reply_to.mid",
            true,
        ),
        (
            r#""message": {"mid": "", "text": "ok"}"#,
            "message.mid",
            true,
        ),
        (r#""postback": {"mid": "m_1"}"#, "postback.payload", false),
        (
            r#""postback": {"title": "Hi", "payload": ""}"#,
            "postback.payload",
            true,
        ),
        (
            r#""postback": {"mid": "", "payload": "GET_STARTED"}"#,
            "postback.mid",
            true,
        ),
        (
            r#""message": {"mid": "m_1", "attachments": [{"type": "file", "payload": {"url": ""}}]}"#,
            "payload.url",
            true,
        ),
    ];
    for (event, field, blank) in cases {
        let e = err(&format!(r#"{{"sender": {{"id": "{PSID}"}}, {event}}}"#));
        assert_eq!(matches!(e, WebhookError::Blank { .. }), blank, "{event}");
        if field == "payload.url" {
            assert_eq!(
                e.to_string(),
                "`entry[0].messaging[0].message.attachments[0].payload.url` is empty"
            );
            continue;
        }
        assert_eq!(field_of(e), field, "{event}");
    }
    let e = err(&format!(
        r#"{{"sender": {{"id": "{PSID}"}}, "message": {{"mid": "m_1", "text": "Yes", "quick_reply": {{}}}}}}"#
    ));
    assert_eq!(
        e.to_string(),
        "`entry[0].messaging[0]` has no `message.quick_reply.payload`"
    );
}

/// The event time must be whole milliseconds since the epoch; anything
/// else is an error naming the field and showing the value.
#[test]
fn a_bad_timestamp_is_a_typed_error_naming_the_field() {
    for value in [
        r#""1527459824""#,
        "-1",
        "1527459824.5",
        "18446744073709551615",
        "true",
    ] {
        let body = page(&format!(
            r#"{{"sender": {{"id": "{PSID}"}}, "message": {{"mid": "m_1", "text": "hi"}}}},
               {{"sender": {{"id": "{PSID}"}}, "timestamp": {value}, "postback": {{"payload": "GET_STARTED"}}}}"#
        ));
        let e = parse(body.as_bytes()).unwrap_err();
        let WebhookError::Timestamp { at, value: shown } = &e else {
            panic!("{value}: {e}")
        };
        assert_eq!(at, "entry[0].messaging[1]");
        assert_eq!(shown, value);
        assert_eq!(
            e.to_string(),
            format!(
                "`entry[0].messaging[1].timestamp` is `{value}`; Meta sends the time the \
                 customer sent the message as whole milliseconds since the epoch"
            )
        );
    }
    // The latest time the engine keeps is accepted; reads and deliveries,
    // which carry no send time, do not look at theirs.
    let max = Timestamp::MAX.as_millis();
    let m = one_inbound(&page(&format!(
        r#"{{"sender": {{"id": "{PSID}"}}, "timestamp": {max}, "message": {{"mid": "m_1", "text": "hi"}}}}"#
    )));
    assert_eq!(m.sent_at, Some(Timestamp::MAX));
    let d = one_delivery(&page(&format!(
        r#"{{"sender": {{"id": "{PSID}"}}, "timestamp": "soon", "read": {{"watermark": 1}}}}"#
    )));
    assert_eq!(d.status, DeliveryStatus::Read);
}
