//! The inbound half: each sample and each documented field, exactly, and
//! a typed error for each malformed value.

use switchboard::engine::{DeliveryStatus, Inbound, Input};
use switchboard::{Address, Attachment, AttachmentKind, Attributes, ChannelKind, Choice, Location};

use super::{one_delivery, one_inbound, sample, whatsapp};
use crate::error::WebhookError;
use crate::{SAMPLES, parse};

/// A message from `from` on `channel` with `text` and SID `sid`, nothing
/// else: what each expectation below starts from, so that a field the
/// adapter fills and the test does not expect fails the comparison.
fn message(channel: ChannelKind, from: &str, text: &str, sid: &str) -> Inbound {
    Inbound::new(channel, Address::new_unchecked(from), text).with_id(sid)
}

fn image(url: &str) -> Attachment {
    Attachment::new(AttachmentKind::Image, url).with_mime_type("image/jpeg")
}

#[test]
fn an_sms_carries_sender_text_and_sid_and_nothing_else() {
    assert_eq!(
        one_inbound(sample("twilio-sms-inbound.txt")),
        message(
            ChannelKind::Sms,
            "+14133881111",
            "Msg",
            "SMe287d7109a5a925f182f0e07fe5b223b"
        )
    );
    assert_eq!(
        one_inbound(sample("twilio-sms-inbound-2.txt")),
        message(
            ChannelKind::Sms,
            "+19253920364",
            "twilio-go testing!", // `+` and %21 decoded
            "SM1521fa559fb923c1ed64f56cd1bed8ef"
        )
    );
}

#[test]
fn mms_media_become_attachments_of_their_content_type() {
    assert_eq!(
        one_inbound(sample("twilio-mms-inbound.txt")),
        message(
            ChannelKind::Sms,
            "+17208884444",
            "Test",
            "MM0ab821fa95eeecea1eadd2f9d2414997"
        )
        .with_attachment(image(
            "https://api.twilio.com/2010-04-01/Accounts/AC51065da8ef8171360073ba0023137ba3\
             /Messages/MM0ab821fa95eeecea1eadd2f9d2414997/Media/MEcf6f27737f63106f76c895195ade7a29"
        ))
    );

    // Without MediaContentType the kind is unknown: a file, with no type.
    assert_eq!(
        one_inbound(sample("twilio-mms-inbound-2-media.txt")),
        message(
            ChannelKind::Sms,
            "+14133881111",
            "Msg",
            "SMe287d7109a5a925f182f0e07fe5b223b"
        )
        .with_attachment(Attachment::new(AttachmentKind::File, "cat.jpg"))
        .with_attachment(Attachment::new(AttachmentKind::File, "dog.jpg"))
    );
}

#[test]
fn a_whatsapp_prefixed_sender_is_on_the_whatsapp_channel() {
    assert_eq!(
        one_inbound(sample("twilio-whatsapp-inbound-image.txt")),
        message(
            ChannelKind::WhatsApp,
            "31612345678",
            "",
            "MM21151abfaadc1fb79b782f8460862a52"
        )
        .with_attachment(image(
            "https://api.twilio.com/2010-04-01/Accounts/AC1a03647d811fab342c0ad608e382fab2\
             /Messages/MM21151abfaadc1fb79b782f8460862a52/Media/ME5f0afa2336bd0f73ca553fb5a2e3150bc"
        ))
    );
}

#[test]
fn no_sample_carries_a_place_a_button_a_quote_or_a_send_time() {
    for (name, body) in SAMPLES {
        for input in parse(body.as_bytes()).unwrap() {
            if let Input::Inbound(m) = input {
                assert_eq!(
                    (m.location, m.choice, m.reply_to, m.sent_at),
                    (None, None, None, None),
                    "{name}"
                );
            }
        }
    }
}

#[test]
fn a_whatsapp_location_is_the_place_and_not_also_an_attachment() {
    let m = one_inbound(&whatsapp(
        "&Body=&ProfileName=Ana&Latitude=52.52&Longitude=13.405&Label=Alexanderplatz",
    ));
    let mut ana = Attributes::new();
    ana.insert("name".into(), "Ana".into());
    assert_eq!(
        m,
        message(ChannelKind::WhatsApp, "4915112345678", "", "SM1")
            .with_location(Location::new(52.52, 13.405).with_label("Alexanderplatz"))
            .with_contact(ana)
    );

    // Address alone names the place; both are kept, the name first.
    let m = one_inbound(&whatsapp(
        "&Latitude=-33.8568&Longitude=151.2153&Address=Bennelong+Point%2C+Sydney",
    ));
    assert_eq!(
        m.location,
        Some(Location::new(-33.8568, 151.2153).with_label("Bennelong Point, Sydney"))
    );
    let m = one_inbound(&whatsapp(
        "&Latitude=-33.8568&Longitude=151.2153&Label=Opera+House&Address=Bennelong+Point",
    ));
    assert_eq!(
        m.location.and_then(|l| l.label).as_deref(),
        Some("Opera House, Bennelong Point")
    );
    // Coordinates alone are a place without a name; empty names are none.
    let m = one_inbound(&whatsapp("&Latitude=0&Longitude=0&Label=&Address="));
    assert_eq!(m.location, Some(Location::new(0.0, 0.0)));
}

#[test]
fn a_tapped_whatsapp_button_is_the_choice() {
    let m = one_inbound(&whatsapp(
        "&Body=Talk+to+a+person&ButtonText=Talk+to+a+person&ButtonPayload=human",
    ));
    assert_eq!(
        m,
        message(
            ChannelKind::WhatsApp,
            "4915112345678",
            "Talk to a person",
            "SM1"
        )
        .with_choice(Choice::new("human").with_title("Talk to a person"))
    );
    // A payload without text is a choice without a title; text without a
    // payload, or an empty payload, is no choice (the Body says it).
    let m = one_inbound(&whatsapp("&Body=Yes&ButtonPayload=yes"));
    assert_eq!(m.choice, Some(Choice::new("yes")));
    let m = one_inbound(&whatsapp("&Body=Yes&ButtonText=Yes"));
    assert_eq!(m.choice, None);
    let m = one_inbound(&whatsapp("&Body=Yes&ButtonText=Yes&ButtonPayload="));
    assert_eq!(m.choice, None);
}

#[test]
fn on_sms_the_adapter_leaves_the_choice_to_the_engine() {
    // Twilio sends no button on SMS; should a payload field turn up, it is
    // not read: the engine maps an SMS answer to its numbered list.
    let m = one_inbound(
        "MessageSid=SM2&From=%2B14155550100&Body=2&ButtonText=Talk+to+a+person&ButtonPayload=human",
    );
    assert_eq!(m, message(ChannelKind::Sms, "+14155550100", "2", "SM2"));
}

#[test]
fn a_quoted_reply_names_the_message_it_quotes() {
    let m = one_inbound(&whatsapp(
        "&Body=This+one&OriginalRepliedMessageSender=whatsapp%3A%2B14155238886\
         &OriginalRepliedMessageSid=SM5cc44eecf7dab0d48d4529d0fa4af44d",
    ));
    assert_eq!(
        m,
        message(ChannelKind::WhatsApp, "4915112345678", "This one", "SM1")
            .replying_to("SM5cc44eecf7dab0d48d4529d0fa4af44d")
    );
    let m = one_inbound(&whatsapp("&Body=hi&OriginalRepliedMessageSid="));
    assert_eq!(m.reply_to, None);
}

#[test]
fn status_callbacks_become_delivery_reports() {
    let d = one_delivery(sample("twilio-status-callback-delivered.txt"));
    assert_eq!(d.channel, ChannelKind::Sms);
    assert_eq!(d.status, DeliveryStatus::Delivered);
    assert_eq!(
        d.message_id.as_deref(),
        Some("SMe287d7109a5a925f182f0e07fe5b223b")
    );
    assert_eq!((d.to, d.error), (None, None));

    let d = one_delivery(
        "SmsSid=SM9&SmsStatus=undelivered&MessageStatus=undelivered&To=%2B14155550100\
         &From=%2B14155550199&MessageSid=SM9&ErrorCode=30003&AccountSid=AC1&ApiVersion=2010-04-01",
    );
    assert_eq!(d.status, DeliveryStatus::Failed);
    assert_eq!(d.to.as_ref().map(Address::as_str), Some("+14155550100"));
    assert_eq!(
        d.error.as_deref(),
        Some("undelivered: Twilio error 30003 (see https://www.twilio.com/docs/api/errors/30003)")
    );

    let d = one_delivery(
        "MessageSid=SM8&MessageStatus=read&To=whatsapp%3A%2B4915112345678&From=whatsapp%3A%2B14155238886",
    );
    assert_eq!(
        (d.channel, d.status),
        (ChannelKind::WhatsApp, DeliveryStatus::Read)
    );
    assert_eq!(d.to.as_ref().map(Address::as_str), Some("4915112345678"));

    let d = one_delivery("MessageSid=SM7&MessageStatus=failed&To=%2B14155550100");
    assert_eq!(d.error.as_deref(), Some("failed"));
    let d = one_delivery(
        "MessageSid=SM7&MessageStatus=failed&To=%2B14155550100&ErrorCode=21610\
         &ErrorMessage=Attempt+to+send+to+unsubscribed+recipient",
    );
    assert_eq!(
        d.error.as_deref(),
        Some("failed: Twilio error 21610 (Attempt to send to unsubscribed recipient)")
    );
    let d = one_delivery("MessageSid=SM7&MessageStatus=delivered&ErrorCode=");
    assert_eq!(d.error, None);

    for quiet in ["queued", "sending", "accepted", "canceled", "received"] {
        let body = format!("MessageSid=SM6&MessageStatus={quiet}&To=%2B14155550100");
        assert!(parse(body.as_bytes()).unwrap().is_empty(), "{quiet}");
    }
}

#[test]
fn malformed_bodies_are_typed_errors() {
    let err = |body: &str| parse(body.as_bytes()).unwrap_err();
    assert!(matches!(err(""), WebhookError::Empty));
    assert!(matches!(err("\n"), WebhookError::Empty));
    assert!(matches!(
        err(r#"{"MessageSid": "SM1", "From": "+14155550100"}"#),
        WebhookError::NotTwilio
    ));
    assert!(matches!(
        err("From=%2B14155550100&Body=hi"),
        WebhookError::NotTwilio
    ));
    assert!(matches!(
        err("MessageSid=&From=%2B14155550100"),
        WebhookError::NotTwilio
    ));
    assert!(matches!(
        err("MessageSid=SM1&Body=hi"),
        WebhookError::Missing("From")
    ));

    let e = err("MessageSid=SM1&From=%2B14155550100&Body=hi&NumMedia=two");
    assert!(
        matches!(&e, WebhookError::BadNumber { field: "NumMedia", value, .. } if value == "two")
    );
    assert_eq!(
        e.to_string(),
        "`NumMedia` is `two`, expected a whole number"
    );
    assert!(matches!(
        err("MessageSid=SM1&From=%2B14155550100&NumMedia=-1"),
        WebhookError::BadNumber { .. }
    ));

    let e = err("MessageSid=SM1&From=%2B14155550100&NumMedia=2&MediaUrl0=https%3A%2F%2Fx.test%2Fa");
    assert!(
        matches!(&e, WebhookError::MissingMedia { num_media: 2, field } if field == "MediaUrl1")
    );
    assert_eq!(e.to_string(), "NumMedia says 2 but MediaUrl1 is missing");

    assert!(matches!(
        err("MessageSid=SM1&From=0151%201234567&Body=hi"),
        WebhookError::Address { field: "From", .. }
    ));
    assert!(matches!(
        err("MessageSid=SM1&From=messenger%3A1234567&Body=hi"),
        WebhookError::Address { field: "From", .. }
    ));
    assert!(matches!(
        err("MessageSid=SM1&MessageStatus=delivered&To=nobody"),
        WebhookError::Address { field: "To", .. }
    ));
    assert!(matches!(
        err("MessageSid=SM1&From=%2B14155550100&Latitude=north&Longitude=13.4"),
        WebhookError::BadNumber {
            field: "Latitude",
            ..
        }
    ));
    assert!(matches!(
        err("MessageSid=SM1&From=%2B14155550100&Latitude=52.5"),
        WebhookError::Missing("Longitude")
    ));
    assert!(matches!(
        err("MessageSid=SM1&From=%2B14155550100&Latitude=91&Longitude=13.4"),
        WebhookError::BadLocation { .. }
    ));
    assert!(matches!(
        err("MessageSid=SM1&From=%2B14155550100&Latitude=NaN&Longitude=13.4"),
        WebhookError::BadLocation { .. }
    ));
    assert!(matches!(
        err("MessageSid=SM1&From=%2B14155550100&Longitude=13.4"),
        WebhookError::Missing("Latitude")
    ));
    let e = err(&whatsapp("&Label=Alexanderplatz"));
    assert!(matches!(
        e,
        WebhookError::PlaceWithoutCoordinates { field: "Label" }
    ));
    assert_eq!(
        e.to_string(),
        "`Label` names a place but `Latitude` and `Longitude` are missing; \
         Twilio sends all of them for a shared location"
    );
    assert!(matches!(
        err(&whatsapp("&Address=Alexanderplatz+1")),
        WebhookError::PlaceWithoutCoordinates { field: "Address" }
    ));
    let e = err(&whatsapp("&Latitude=52.5&Longitude=181"));
    assert!(matches!(e, WebhookError::BadLocation { lat, lon } if lat == 52.5 && lon == 181.0));
    assert_eq!(
        e.to_string(),
        "latitude 52.5, longitude 181 is not a place on Earth"
    );
}

proptest::proptest! {
    #[test]
    fn arbitrary_fields_never_panic(
        num_media in "[0-9]{0,3}|-?[0-9]{1,12}",
        urls in proptest::collection::vec("[a-z:/.%0-9]{0,12}", 0..4),
        status in "(sent|delivered|read|failed|undelivered|queued|[a-z]{0,6})?",
        from in "(whatsapp:)?\\+?[0-9 ]{0,16}",
    ) {
        let mut body = format!("MessageSid=SM1&NumMedia={num_media}&From={from}");
        if !status.is_empty() {
            body.push_str(&format!("&MessageStatus={status}&To={from}"));
        }
        for (i, url) in urls.iter().enumerate() {
            body.push_str(&format!("&MediaUrl{i}={url}"));
        }
        let _ = parse(body.as_bytes());
    }
}
