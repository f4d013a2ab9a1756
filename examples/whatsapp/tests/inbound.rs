//! Inbound: each sample's fields, what the engine makes of them, and
//! typed errors for malformed bodies.

use super::*;
use switchboard::config::Config;
use switchboard::engine::DeliveryStatus;
use switchboard::{Attachment, AttachmentKind, Choice, Location};

use crate::CONFIG;
use crate::error::WhatsAppError;

fn err(body: &str) -> WhatsAppError {
    parse(body.as_bytes()).unwrap_err()
}

fn at(secs: u64) -> Option<Timestamp> {
    Some(Timestamp::from_millis(secs * 1000))
}

#[test]
fn a_text_message_carries_sender_text_id_time_and_profile_name() {
    let m = one_inbound(sample("whatsapp-text.json"));
    assert_eq!(m.channel, ChannelKind::WhatsApp);
    assert_eq!(m.from.as_str(), "16505551234");
    assert_eq!(m.text, "Does it come in another color?");
    assert_eq!(
        m.id.as_deref(),
        Some("wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=")
    );
    assert_eq!(m.sent_at, at(1_749_416_383));
    assert_eq!(m.contact.get("name"), Some(&"Sheena Nelson".into()));
    assert!(m.attachments.is_empty());
    assert_eq!((&m.choice, &m.location, &m.reply_to), (&None, &None, &None));

    let m = one_inbound(sample("whatsapp-text-pywa.json"));
    assert_eq!(
        (m.from.as_str(), m.text.as_str(), m.id.as_deref()),
        ("972987654321", "Body Text", Some("wamid.xyzxyz"))
    );
    assert_eq!(m.sent_at, at(1_697_043_223));
    assert_eq!(m.contact.get("name"), Some(&"Test Name".into()));
    assert_eq!((&m.choice, &m.location, &m.reply_to), (&None, &None, &None));
}

#[test]
fn an_image_becomes_an_attachment_holding_the_media_id() {
    let m = one_inbound(sample("whatsapp-image.json"));
    assert_eq!(m.text, "");
    assert_eq!(m.id.as_deref(), Some("wamid.xyzxyz"));
    assert_eq!(m.sent_at, at(1_697_043_379));
    assert_eq!(
        m.attachments,
        [
            Attachment::new(AttachmentKind::Image, "whatsapp-media:65463453")
                .with_mime_type("image/jpeg")
        ]
    );
    assert_eq!((&m.choice, &m.location, &m.reply_to), (&None, &None, &None));
}

#[test]
fn a_caption_is_the_text_and_a_file_name_the_attachment_caption() {
    let m = one_inbound(&wrap(
        r#"{"from": "4915112345678", "id": "wamid.D", "type": "document",
            "document": {"id": "991", "mime_type": "application/pdf", "filename": "invoice.pdf", "caption": "wrong amount"}}"#,
    ));
    assert_eq!(m.text, "wrong amount");
    assert_eq!(
        m.attachments,
        [Attachment::new(AttachmentKind::File, "whatsapp-media:991")
            .with_mime_type("application/pdf")
            .with_caption("invoice.pdf")]
    );
    assert!(m.contact.is_empty(), "no contacts[] entry, no name");
    assert_eq!(m.sent_at, None, "no timestamp, none kept");
}

#[test]
fn a_picked_place_keeps_coordinates_name_address_and_link() {
    let m = one_inbound(sample("whatsapp-location.json"));
    assert_eq!(
        m.location,
        Some(Location::new(37.4611978, -122.2164385).with_label(
            "Facebook HQ\n1 Hacker Way, Menlo Park, CA 94025\nhttps://maps.google.com/?cid=2000000000000000000"
        ))
    );
    // The engine adds the `location` attachment itself.
    assert!(m.attachments.is_empty());
    assert_eq!(m.text, "");
    assert_eq!(m.sent_at, at(1_697_044_557));
    // `context` holds only `forwarded: true`: nothing is answered.
    assert_eq!(m.reply_to, None);
    assert_eq!(m.choice, None);
}

#[test]
fn a_current_location_has_coordinates_only() {
    let m = one_inbound(sample("whatsapp-location-current.json"));
    assert_eq!(m.location, Some(Location::new(12.25089, 43.90539)));
    assert!(m.attachments.is_empty());
    assert_eq!(m.sent_at, at(1_697_044_557));
    assert_eq!(m.reply_to, None);
}

#[test]
fn a_button_reply_keeps_its_id_as_the_choice_and_answers_the_message_it_was_on() {
    let m = one_inbound(sample("whatsapp-interactive-button-reply.json"));
    assert_eq!(
        m.choice,
        Some(Choice::new("callback_data").with_title("title"))
    );
    assert_eq!(m.text, "title");
    assert_eq!(m.reply_to.as_deref(), Some("wamid.xyzxyz"));
    assert_eq!(m.id.as_deref(), Some("wamid.xyzxyz"));
    assert_eq!(m.from.as_str(), "972987654321");
    assert_eq!(m.sent_at, at(1_698_266_730));
    assert_eq!(m.contact.get("name"), Some(&"Test Name".into()));
}

#[test]
fn a_template_quick_reply_keeps_its_payload_as_the_choice() {
    let m = one_inbound(sample("whatsapp-template-quick-reply-button.json"));
    assert_eq!(
        m.choice,
        Some(Choice::new("callback_data").with_title("title"))
    );
    assert_eq!(m.text, "title");
    assert_eq!(m.id.as_deref(), Some("wamid.xsidjw"));
    assert_eq!(m.reply_to.as_deref(), Some("wamid.xyzxyz=="));
    assert_eq!(m.sent_at, at(1_698_269_027));
}

#[test]
fn a_list_reply_keeps_the_row_id_as_the_choice() {
    let m = one_inbound(&wrap(
        r#"{"from": "4915112345678", "id": "wamid.L", "timestamp": "1700000000", "type": "interactive",
            "context": {"from": "15550783881", "id": "wamid.menu"},
            "interactive": {"type": "list_reply", "list_reply": {"id": "topic:returns", "title": "Returns", "description": "Send something back"}}}"#,
    ));
    assert_eq!(
        m.choice,
        Some(Choice::new("topic:returns").with_title("Returns"))
    );
    assert_eq!(m.text, "Returns");
    assert_eq!(m.reply_to.as_deref(), Some("wamid.menu"));
    assert_eq!(m.sent_at, at(1_700_000_000));
}

#[test]
fn statuses_become_delivery_reports() {
    for (name, status) in [
        ("whatsapp-status-sent.json", DeliveryStatus::Sent),
        ("whatsapp-status-delivered.json", DeliveryStatus::Delivered),
        ("whatsapp-status-read.json", DeliveryStatus::Read),
        ("whatsapp-status-failed.json", DeliveryStatus::Failed),
    ] {
        let d = one_delivery(sample(name));
        assert_eq!(d.channel, ChannelKind::WhatsApp, "{name}");
        assert_eq!(d.status, status, "{name}");
        assert_eq!(d.message_id.as_deref(), Some("wamid.xyzxyz"), "{name}");
        assert_eq!(d.to.as_ref().map(Address::as_str), Some("972987654321"));
        assert_eq!(
            d.error.is_some(),
            status == DeliveryStatus::Failed,
            "{name}"
        );
    }
    assert_eq!(
        one_delivery(sample("whatsapp-status-failed.json"))
            .error
            .as_deref(),
        Some(
            "130472 User's number is part of an experiment: Failed to send message \
             because this user's phone number is part of an experiment"
        )
    );
}

#[test]
fn every_entry_change_message_and_status_is_returned_in_order() {
    let body = r#"{"object": "whatsapp_business_account", "entry": [
        {"changes": [{"field": "messages", "value": {
            "messages": [{"from": "4915112345678", "id": "w1", "type": "text", "text": {"body": "one"}},
                         {"from": "4915112345678", "id": "w2", "type": "reaction", "reaction": {"emoji": "👍"}},
                         {"from": "4915112345678", "id": "w3", "type": "text", "text": {"body": "two"}}],
            "statuses": [{"id": "w0", "status": "delivered", "recipient_id": "4915112345678"},
                         {"id": "w0", "status": "deleted"}]}},
                     {"field": "message_template_status_update", "value": {"event": "APPROVED"}}]},
        {"changes": [{"field": "messages", "value": {
            "messages": [{"from": "4915112345679", "id": "w4", "type": "text", "text": {"body": "three"}}]}}]}]}"#;
    let inputs = parse(body.as_bytes()).unwrap();
    let seen: Vec<String> = inputs
        .iter()
        .map(|i| match i {
            Input::Inbound(m) => m.text.clone(),
            Input::Delivery(d) => format!("{:?}", d.status),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(seen, ["one", "two", "Delivered", "three"]);
}

// ----- through the engine ----------------------------------------------------

#[test]
fn a_tapped_button_reaches_the_bot_as_its_payload() {
    let mut sb = Switchboard::new(Config::from_toml_str(CONFIG).unwrap());
    let inputs = parse(sample("whatsapp-interactive-button-reply.json").as_bytes()).unwrap();
    let [input] = <[Input; 1]>::try_from(inputs).unwrap();
    let acts = actions(&mut sb, NOW, input);
    let ask = ask_bot(&acts);
    assert_eq!(
        ask.choice,
        Some(Choice::new("callback_data").with_title("title"))
    );
    assert_eq!(ask.text, "title");
}

#[test]
fn a_shared_place_reaches_the_transcript_once_as_a_geo_attachment() {
    let mut sb = Switchboard::new(Config::from_toml_str(CONFIG).unwrap());
    let inputs = parse(sample("whatsapp-location.json").as_bytes()).unwrap();
    let [input] = <[Input; 1]>::try_from(inputs).unwrap();
    let acts = actions(&mut sb, NOW, input);
    let conversation = ask_bot(&acts).conversation.clone();
    let view = sb.conversation(&conversation).unwrap();
    let entry = view.transcript().entries().next().unwrap();
    assert_eq!(entry.attachments.len(), 1, "{:?}", entry.attachments);
    assert_eq!(entry.attachments[0].kind, AttachmentKind::Location);
    assert_eq!(entry.attachments[0].url, "geo:37.4611978,-122.2164385");
    assert_eq!(
        entry.attachments[0].caption.as_deref(),
        Some(
            "Facebook HQ\n1 Hacker Way, Menlo Park, CA 94025\nhttps://maps.google.com/?cid=2000000000000000000"
        )
    );
}

// ----- malformed bodies ------------------------------------------------------
#[test]
fn malformed_bodies_are_typed_errors() {
    assert!(matches!(err(""), WhatsAppError::Empty));
    assert!(matches!(err(" \r\n"), WhatsAppError::Empty));
    assert!(matches!(err("hub.challenge=1"), WhatsAppError::Json(_)));
    assert!(matches!(err("[1, 2]"), WhatsAppError::Json(_)));
    assert!(matches!(
        err(r#"{"entry": []}"#),
        WhatsAppError::NotWebhook("object")
    ));
    assert!(matches!(
        err(r#"{"object": "whatsapp_business_account"}"#),
        WhatsAppError::NotWebhook("entry")
    ));
    let messenger = include_str!("../../../tests/data/webhooks/messenger-message-text.json");
    assert!(matches!(err(messenger), WhatsAppError::WrongObject(o) if o == "page"));

    let e = err(&wrap(
        r#"{"from": "4915112345678", "id": "w1", "type": "text", "text": {"body": "ok"}},
           {"id": "w2", "type": "text", "text": {"body": "who?"}}"#,
    ));
    assert!(matches!(e, WhatsAppError::Missing { field: "from", .. }));
    assert_eq!(
        e.to_string(),
        "`entry[0].changes[0].value.messages[1]` has no `from`"
    );
    let missing = |message: &str| match err(&wrap(message)) {
        WhatsAppError::Missing { field, .. } => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        missing(r#"{"from": "4915112345678", "id": "w1", "type": "text"}"#),
        "text.body"
    );
    assert_eq!(
        missing(r#"{"from": "4915112345678", "type": "text", "text": {"body": "x"}}"#),
        "id"
    );
    assert_eq!(
        missing(
            r#"{"from": "4915112345678", "id": "w1", "type": "image", "image": {"mime_type": "image/png"}}"#
        ),
        "image.id"
    );
    assert!(matches!(
        err(&wrap(
            r#"{"from": "4915112345678", "id": "w1", "type": "location", "location": {"latitude": 95.5, "longitude": 10}}"#
        )),
        WhatsAppError::BadLocation { lat, .. } if lat == 95.5
    ));
    assert_eq!(
        missing(
            r#"{"from": "4915112345678", "id": "w1", "type": "location", "location": {"latitude": 52.5}}"#
        ),
        "location.longitude"
    );
    assert!(matches!(
        err(&wrap(
            r#"{"from": "4915112345678", "id": "w1", "type": "location", "location": {"latitude": "52.5", "longitude": 13.4}}"#
        )),
        WhatsAppError::Json(_)
    ));
    let e = err(&wrap(
        r#"{"from": "+49 (151) oops", "id": "w1", "type": "text", "text": {"body": "x"}}"#,
    ));
    assert!(matches!(&e, WhatsAppError::Address { at, .. } if at.ends_with("messages[0].from")));
    let status = r#"{"object": "whatsapp_business_account", "entry": [{"changes": [{"value":
        {"statuses": [{"id": "w1", "recipient_id": "4915112345678"}]}}]}]}"#;
    assert!(matches!(
        err(status),
        WhatsAppError::Missing {
            field: "status",
            ..
        }
    ));
}

#[test]
fn a_choice_without_its_id_or_title_is_a_typed_error() {
    let missing = |message: &str| match err(&wrap(message)) {
        WhatsAppError::Missing { field, .. } => field,
        other => panic!("{other:?}"),
    };
    let blank = |message: &str| match err(&wrap(message)) {
        WhatsAppError::Blank { field, .. } => field,
        other => panic!("{other:?}"),
    };
    let m = r#"{"from": "4915112345678", "id": "w1", "type": "interactive", "interactive": "#;
    assert_eq!(
        missing(&format!(
            r#"{m}{{"type": "button_reply", "button_reply": {{"title": "Yes"}}}}}}"#
        )),
        "interactive.button_reply.id"
    );
    assert_eq!(
        missing(&format!(
            r#"{m}{{"type": "button_reply", "button_reply": {{"id": "yes"}}}}}}"#
        )),
        "interactive.button_reply.title"
    );
    assert_eq!(
        missing(&format!(r#"{m}{{"type": "list_reply"}}}}"#)),
        "interactive.list_reply.id"
    );
    assert_eq!(
        blank(&format!(
            r#"{m}{{"type": "list_reply", "list_reply": {{"id": "", "title": "Returns"}}}}}}"#
        )),
        "interactive.list_reply.id"
    );
    let b = r#"{"from": "4915112345678", "id": "w1", "type": "button", "button": "#;
    assert_eq!(
        missing(&format!(r#"{b}{{"text": "Stop promotions"}}}}"#)),
        "button.payload"
    );
    assert_eq!(
        missing(&format!(r#"{b}{{"payload": "stop"}}}}"#)),
        "button.text"
    );
    assert_eq!(
        blank(&format!(
            r#"{b}{{"payload": "", "text": "Stop promotions"}}}}"#
        )),
        "button.payload"
    );
    assert_eq!(
        blank(
            r#"{"from": "4915112345678", "id": "w1", "type": "text", "text": {"body": "x"}, "context": {"id": ""}}"#
        ),
        "context.id"
    );
    let e = err(&wrap(
        r#"{"from": "4915112345678", "id": "", "type": "text", "text": {"body": "x"}}"#,
    ));
    assert_eq!(
        e.to_string(),
        "`entry[0].changes[0].value.messages[0].id` is empty"
    );
}

#[test]
fn a_bad_timestamp_is_a_typed_error_naming_the_field() {
    for bad in [
        r#""""#,
        r#""soon""#,
        r#""-1697043379""#,
        r#""1697043379.5""#,
        r#"" 1697043379""#,
        r#""99999999999999999999""#,
        r#""18446744073709551""#,
        "1697043379",
        "{}",
    ] {
        let e = err(&wrap(&format!(
            r#"{{"from": "4915112345678", "id": "w1", "timestamp": {bad}, "type": "text", "text": {{"body": "x"}}}}"#
        )));
        match &e {
            WhatsAppError::BadTimestamp { field, value, .. } => {
                assert_eq!((*field, value.as_str()), ("timestamp", bad));
            }
            other => panic!("{bad}: {other:?}"),
        }
        assert!(
            e.to_string()
                .starts_with("`entry[0].changes[0].value.messages[0].timestamp` is "),
            "{e}"
        );
    }
    // The largest time the engine's clock reaches, to the second, reads.
    let last = Timestamp::MAX.as_millis() / 1000;
    let m = one_inbound(&wrap(&format!(
        r#"{{"from": "4915112345678", "id": "w1", "timestamp": "{last}", "type": "text", "text": {{"body": "x"}}}}"#
    )));
    assert_eq!(m.sent_at, at(last));
}

#[test]
fn one_bad_message_spoils_the_whole_body() {
    let body = wrap(
        r#"{"from": "4915112345678", "id": "w1", "timestamp": "1700000000", "type": "text", "text": {"body": "fine"}},
           {"from": "4915112345678", "id": "w2", "timestamp": "later", "type": "text", "text": {"body": "not fine"}}"#,
    );
    assert!(matches!(
        err(&body),
        WhatsAppError::BadTimestamp { at, .. } if at.ends_with("messages[1]")
    ));
}
