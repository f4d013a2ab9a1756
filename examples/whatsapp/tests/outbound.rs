//! Outbound: each part mapped to the exact body Meta documents, and each
//! of Meta's limits refused with a typed error.

use super::*;
use serde_json::{Value, json};
use switchboard::{Attachment, AttachmentKind, Location, QuickReply, TemplateRef};

use crate::error::SendError;
use crate::outbound::request;

fn body(part: Outbound) -> Value {
    request(&send(part))
        .unwrap()
        .expect("a send makes a request")
}

fn refused(part: Outbound) -> SendError {
    request(&send(part)).unwrap_err()
}

/// The envelope Meta documents for every message, around `kind: object`.
fn envelope(kind: &str, object: Value) -> Value {
    let mut v = json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": TO,
        "type": kind,
    });
    v[kind] = object;
    v
}

fn text_with(text: &str, replies: &[(&str, &str)]) -> Outbound {
    Outbound::Text {
        text: text.into(),
        quick_replies: replies
            .iter()
            .map(|(title, payload)| QuickReply::new(*title, *payload))
            .collect(),
    }
}

fn attachment(kind: AttachmentKind, url: &str) -> Attachment {
    Attachment::new(kind, url)
}

fn media(a: Attachment) -> Outbound {
    Outbound::Attachment { attachment: a }
}

fn template(t: TemplateRef) -> Outbound {
    Outbound::Template { template: t }
}

#[test]
fn a_text_goes_out_as_a_text_message() {
    assert_eq!(
        body(Outbound::text("Your order shipped.")),
        json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": "16505551234",
            "type": "text",
            "text": { "body": "Your order shipped." }
        })
    );
}

#[test]
fn up_to_three_quick_replies_go_out_as_reply_buttons() {
    let part = text_with(
        "Did that answer your question?",
        &[("Yes", "yes"), ("No", "no"), ("Talk to a person", "human")],
    );
    assert_eq!(
        body(part),
        envelope(
            "interactive",
            json!({
                "type": "button",
                "body": { "text": "Did that answer your question?" },
                "action": { "buttons": [
                    { "type": "reply", "reply": { "id": "yes", "title": "Yes" } },
                    { "type": "reply", "reply": { "id": "no", "title": "No" } },
                    { "type": "reply", "reply": { "id": "human", "title": "Talk to a person" } }
                ]}
            })
        )
    );
    let one = body(text_with(
        "Shall I close this?",
        &[("Yes, close it", "close")],
    ));
    assert_eq!(
        one["interactive"]["action"]["buttons"],
        json!([{ "type": "reply", "reply": { "id": "close", "title": "Yes, close it" } }])
    );
}

#[test]
fn four_to_ten_quick_replies_go_out_as_a_list() {
    let part = text_with(
        "Pick a topic",
        &[
            ("Orders", "t:orders"),
            ("Returns", "t:returns"),
            ("Billing", "t:billing"),
            ("Something else entirely", "t:other"),
        ],
    );
    assert_eq!(
        body(part),
        envelope(
            "interactive",
            json!({
                "type": "list",
                "body": { "text": "Pick a topic" },
                "action": {
                    "button": "Choose",
                    "sections": [{ "rows": [
                        { "id": "t:orders", "title": "Orders" },
                        { "id": "t:returns", "title": "Returns" },
                        { "id": "t:billing", "title": "Billing" },
                        { "id": "t:other", "title": "Something else entirely" }
                    ]}]
                }
            })
        )
    );
    let ten: Vec<(String, String)> = (1..=10)
        .map(|n| (format!("Topic {n}"), format!("t{n}")))
        .collect();
    let ten: Vec<(&str, &str)> = ten.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let list = body(text_with("Pick one", &ten));
    let rows = list["interactive"]["action"]["sections"][0]["rows"]
        .as_array()
        .unwrap();
    assert_eq!(rows.len(), 10);
    assert_eq!(rows[9], json!({ "id": "t10", "title": "Topic 10" }));
}

#[test]
fn media_go_out_by_link_with_caption_and_file_name_where_meta_allows() {
    let image = attachment(AttachmentKind::Image, "https://cdn.example.com/label.png")
        .with_mime_type("image/png")
        .with_caption("Your return label");
    assert_eq!(
        body(media(image)),
        envelope(
            "image",
            json!({ "link": "https://cdn.example.com/label.png", "caption": "Your return label" })
        )
    );
    let video = attachment(AttachmentKind::Video, "http://cdn.example.com/how-to.mp4");
    assert_eq!(
        body(media(video)),
        envelope(
            "video",
            json!({ "link": "http://cdn.example.com/how-to.mp4" })
        )
    );
    let audio = attachment(AttachmentKind::Audio, "https://cdn.example.com/hello.ogg");
    assert_eq!(
        body(media(audio)),
        envelope(
            "audio",
            json!({ "link": "https://cdn.example.com/hello.ogg" })
        )
    );
    let pdf = attachment(
        AttachmentKind::File,
        "https://cdn.example.com/invoices/A-1042/invoice.pdf?sig=abc#page=2",
    )
    .with_caption("Invoice A-1042");
    assert_eq!(
        body(media(pdf)),
        envelope(
            "document",
            json!({
                "link": "https://cdn.example.com/invoices/A-1042/invoice.pdf?sig=abc#page=2",
                "caption": "Invoice A-1042",
                "filename": "invoice.pdf"
            })
        )
    );
    // A link without a file name at its end names no file.
    let bare = attachment(
        AttachmentKind::File,
        "https://cdn.example.com/download?id=7",
    );
    assert_eq!(
        body(media(bare)),
        envelope(
            "document",
            json!({ "link": "https://cdn.example.com/download?id=7" })
        )
    );
}

#[test]
fn a_cloud_api_media_id_goes_out_by_id() {
    let uploaded = attachment(AttachmentKind::File, "whatsapp-media:1013859600285441")
        .with_caption("Lucky Shrub Invoice");
    assert_eq!(
        body(media(uploaded)),
        envelope(
            "document",
            json!({ "id": "1013859600285441", "caption": "Lucky Shrub Invoice" })
        )
    );
}

#[test]
fn a_location_goes_out_as_a_map_pin_named_by_its_label() {
    let shop = Location::new(37.44216251868683, -122.16153582049394)
        .with_label("Philz Coffee\n101 Forest Ave, Palo Alto, CA 94301");
    assert_eq!(
        body(Outbound::Location { location: shop }),
        envelope(
            "location",
            json!({
                "latitude": "37.44216251868683",
                "longitude": "-122.16153582049394",
                "name": "Philz Coffee",
                "address": "101 Forest Ave, Palo Alto, CA 94301"
            })
        )
    );
    // A place a customer shared goes back whole.
    let shared = one_inbound(sample("whatsapp-location.json"))
        .location
        .unwrap();
    assert_eq!(
        body(Outbound::Location { location: shared }),
        envelope(
            "location",
            json!({
                "latitude": "37.4611978",
                "longitude": "-122.2164385",
                "name": "Facebook HQ",
                "address": "1 Hacker Way, Menlo Park, CA 94025, https://maps.google.com/?cid=2000000000000000000"
            })
        )
    );
    assert_eq!(
        body(Outbound::Location {
            location: Location::new(12.25089, 43.90539)
        }),
        envelope(
            "location",
            json!({ "latitude": "12.25089", "longitude": "43.90539" })
        )
    );
}

#[test]
fn a_template_goes_out_with_its_body_parameters_in_order() {
    let t = TemplateRef::new("order_update", "en_US").with_parameters(["A-1042", "shipped"]);
    assert_eq!(
        body(template(t)),
        envelope(
            "template",
            json!({
                "name": "order_update",
                "language": { "code": "en_US" },
                "components": [{ "type": "body", "parameters": [
                    { "type": "text", "text": "A-1042" },
                    { "type": "text", "text": "shipped" }
                ]}]
            })
        )
    );
    assert_eq!(
        body(template(TemplateRef::new("hello_world", "en_US"))),
        envelope(
            "template",
            json!({ "name": "hello_world", "language": { "code": "en_US" } })
        )
    );
}

#[test]
fn only_sends_become_requests() {
    let typing = Action::Typing {
        conversation: ConversationId::new("c1"),
        channel: ChannelKind::WhatsApp,
        to: Address::new(&ChannelKind::WhatsApp, TO).unwrap(),
    };
    assert_eq!(request(&typing), Ok(None));
    let closed = Action::Closed {
        conversation: ConversationId::new("c1"),
        reason: switchboard::handoff::Reason::Resolved,
    };
    assert_eq!(request(&closed), Ok(None));
    let sms = Action::Send {
        conversation: None,
        channel: ChannelKind::Sms,
        to: Address::new(&ChannelKind::Sms, "+14155550100").unwrap(),
        from: Party::System,
        part: Outbound::text("Reply STOP to opt out."),
    };
    assert_eq!(request(&sms), Err(SendError::NotWhatsApp(ChannelKind::Sms)));
}

// ----- outbound: Meta's limits ------------------------------------------------------

fn too_long(e: SendError) -> (String, usize, usize) {
    match e {
        SendError::TooLong { what, len, max, .. } => (what, len, max),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_text_over_4096_utf16_units_is_refused_not_cut() {
    assert!(request(&send(Outbound::text("x".repeat(4_096)))).is_ok());
    let e = refused(Outbound::text("x".repeat(4_097)));
    assert_eq!(too_long(e.clone()), ("text body".into(), 4_097, 4_096));
    assert!(e.to_string().starts_with(
        "text body is 4097 UTF-16 code units long; WhatsApp takes at most 4096 (it starts \"xxxxxxxxxxxxxxxxxxxxxxxx…\")"
    ), "{e}");
    // An emoji is two units: 2,048 fit, 2,049 do not.
    assert!(request(&send(Outbound::text("👍".repeat(2_048)))).is_ok());
    assert_eq!(
        too_long(refused(Outbound::text("👍".repeat(2_049)))),
        ("text body".into(), 4_098, 4_096)
    );
    assert_eq!(refused(Outbound::text(" \n ")), SendError::EmptyText);
}

#[test]
fn an_interactive_body_over_1024_is_refused() {
    let ok = "y".repeat(1_024);
    assert!(request(&send(text_with(&ok, &[("OK", "ok")]))).is_ok());
    let long = "y".repeat(1_025);
    assert_eq!(
        too_long(refused(text_with(&long, &[("OK", "ok")]))),
        ("interactive body".into(), 1_025, 1_024)
    );
    let rows = [("A", "a"), ("B", "b"), ("C", "c"), ("D", "d")];
    assert_eq!(
        too_long(refused(text_with(&long, &rows))),
        ("interactive body".into(), 1_025, 1_024)
    );
}

#[test]
fn button_titles_over_20_and_ids_over_256_are_refused() {
    let twenty = "Twenty characters ok";
    assert_eq!(twenty.chars().count(), 20);
    assert!(request(&send(text_with("Pick", &[(twenty, "a")]))).is_ok());
    let e = refused(text_with(
        "Pick",
        &[("Yes", "y"), ("Twenty-one characters", "n")],
    ));
    assert_eq!(too_long(e.clone()), ("button 2 title".into(), 21, 20));
    assert!(e.to_string().contains("\"Twenty-one characters\""), "{e}");
    assert!(request(&send(text_with("Pick", &[("Yes", &"i".repeat(256))]))).is_ok());
    assert_eq!(
        too_long(refused(text_with("Pick", &[("Yes", &"i".repeat(257))]))),
        ("button 1 id (the choice's payload)".into(), 257, 256)
    );
}

#[test]
fn list_rows_over_24_title_or_200_id_and_more_than_ten_are_refused() {
    let mut rows = vec![("A", "a"), ("B", "b"), ("C", "c")];
    let twenty_five = "Twenty-five characters ok";
    assert_eq!(twenty_five.chars().count(), 25);
    rows.push((twenty_five, "d"));
    assert_eq!(
        too_long(refused(text_with("Pick", &rows))),
        ("list row 4 title".into(), 25, 24)
    );
    rows[3] = ("D", "d");
    let long_id = "i".repeat(201);
    rows.push(("E", &long_id));
    assert_eq!(
        too_long(refused(text_with("Pick", &rows))),
        ("list row 5 id (the choice's payload)".into(), 201, 200)
    );
    let eleven: Vec<(String, String)> = (1..=11)
        .map(|n| (format!("T{n}"), format!("t{n}")))
        .collect();
    let eleven: Vec<(&str, &str)> = eleven
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert_eq!(
        refused(text_with("Pick", &eleven)),
        SendError::TooManyChoices { count: 11, max: 10 }
    );
}

#[test]
fn empty_or_repeated_choices_are_refused() {
    assert_eq!(
        refused(text_with("Pick", &[("Yes", "y"), (" ", "n")])),
        SendError::EmptyChoice {
            what: "the title of button 2".into()
        }
    );
    assert_eq!(
        refused(text_with(
            "Pick",
            &[("A", "a"), ("B", "b"), ("C", "c"), ("D", "")]
        )),
        SendError::EmptyChoice {
            what: "the id of list row 4".into()
        }
    );
    assert_eq!(
        refused(text_with("Pick", &[("Yes", "y"), ("Yes", "n")])),
        SendError::DuplicateChoice {
            field: "title",
            value: "Yes".into()
        }
    );
    assert_eq!(
        refused(text_with("Pick", &[("Yes", "y"), ("Sure", "y")])),
        SendError::DuplicateChoice {
            field: "id",
            value: "y".into()
        }
    );
}

#[test]
fn media_without_a_usable_link_or_with_a_caption_meta_cannot_carry_are_refused() {
    for url in [
        "ftp://cdn.example.com/a.png",
        "whatsapp-media:",
        "geo:1,2",
        "https://",
        "https://x.example/a b.png",
    ] {
        assert_eq!(
            refused(media(attachment(AttachmentKind::Image, url))),
            SendError::NotALink(url.into()),
            "{url}"
        );
    }
    let voice = attachment(AttachmentKind::Audio, "https://cdn.example.com/hello.ogg")
        .with_caption("Listen to this");
    let e = refused(media(voice));
    assert_eq!(
        e,
        SendError::CaptionNotAllowed {
            kind: "audio",
            caption: "Listen to this".into()
        }
    );
    let long = attachment(AttachmentKind::Video, "https://cdn.example.com/v.mp4")
        .with_caption("c".repeat(1_025));
    assert_eq!(
        too_long(refused(media(long))),
        ("video caption".into(), 1_025, 1_024)
    );
    let place = Attachment::location(52.52, 13.405, Some("Alexanderplatz"));
    assert_eq!(
        refused(media(place)),
        SendError::UnsupportedAttachment("location".into())
    );
}

#[test]
fn a_location_off_the_map_is_refused() {
    assert_eq!(
        refused(Outbound::Location {
            location: Location::new(91.0, 0.0)
        }),
        SendError::BadLocation {
            lat: 91.0,
            lon: 0.0
        }
    );
}

#[test]
fn template_parameters_whatsapp_refuses_are_caught_before_sending() {
    let t = |p: &str| TemplateRef::new("support_follow_up", "en_US").with_parameters(["ana", p]);
    for (p, found) in [
        ("Line one\nline two", "a line break"),
        ("Windows\r\nline", "a line break"),
        ("Col\tumn", "a tab"),
        ("Five     spaces", "more than four spaces in a row"),
    ] {
        let e = refused(template(t(p)));
        assert_eq!(
            e,
            SendError::TemplateParameter {
                template: "support_follow_up".into(),
                index: 2,
                found,
                start: p.escape_debug().to_string(),
            },
            "{p:?}"
        );
        assert!(
            e.to_string()
                .starts_with("parameter 2 of template `support_follow_up` contains "),
            "{e}"
        );
    }
    assert!(request(&send(template(t("Four    spaces are fine")))).is_ok());
    assert_eq!(
        refused(template(TemplateRef::new(" ", "en_US"))),
        SendError::TemplateField("name")
    );
    assert_eq!(
        refused(template(TemplateRef::new("hello_world", ""))),
        SendError::TemplateField("language")
    );
}
