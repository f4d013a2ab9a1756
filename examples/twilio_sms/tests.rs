//! The adapter's tests: every sample, every field, every error.

use switchboard::config::Config;
use switchboard::engine::{Delivery, DeliveryStatus, Inbound, Input, Switchboard};
use switchboard::{Address, AttachmentKind, ChannelKind, Timestamp};

use crate::error::TwilioError;
use crate::{CONFIG, SAMPLES, parse};

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

fn one_inbound(body: &str) -> Inbound {
    match one(body) {
        Input::Inbound(m) => m,
        other => panic!("{other:?}"),
    }
}

fn one_delivery(body: &str) -> Delivery {
    match one(body) {
        Input::Delivery(d) => d,
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_sms_carries_sender_text_and_sid() {
    let m = one_inbound(sample("twilio-sms-inbound.txt"));
    assert_eq!(m.channel, ChannelKind::Sms);
    assert_eq!(m.from.as_str(), "+14133881111");
    assert_eq!(m.text, "Msg");
    assert_eq!(m.id.as_deref(), Some("SMe287d7109a5a925f182f0e07fe5b223b"));
    assert!(m.attachments.is_empty() && m.contact.is_empty());

    let m = one_inbound(sample("twilio-sms-inbound-2.txt"));
    assert_eq!(m.from.as_str(), "+19253920364");
    assert_eq!(m.text, "twilio-go testing!", "`+` and %21 decoded");
}

#[test]
fn mms_media_become_attachments_of_their_content_type() {
    let m = one_inbound(sample("twilio-mms-inbound.txt"));
    assert_eq!(
        (m.channel.clone(), m.text.as_str()),
        (ChannelKind::Sms, "Test")
    );
    let [a] = m.attachments.as_slice() else {
        panic!("{:?}", m.attachments)
    };
    assert_eq!(a.kind, AttachmentKind::Image);
    assert_eq!(a.mime_type.as_deref(), Some("image/jpeg"));
    assert_eq!(
        a.url,
        "https://api.twilio.com/2010-04-01/Accounts/AC51065da8ef8171360073ba0023137ba3\
         /Messages/MM0ab821fa95eeecea1eadd2f9d2414997/Media/MEcf6f27737f63106f76c895195ade7a29"
    );

    // Without MediaContentType the kind is unknown: a file.
    let m = one_inbound(sample("twilio-mms-inbound-2-media.txt"));
    let urls: Vec<_> = m.attachments.iter().map(|a| a.url.as_str()).collect();
    assert_eq!(urls, ["cat.jpg", "dog.jpg"]);
    assert!(m.attachments.iter().all(|a| a.kind == AttachmentKind::File));
}

#[test]
fn a_whatsapp_prefixed_sender_is_on_the_whatsapp_channel() {
    let m = one_inbound(sample("twilio-whatsapp-inbound-image.txt"));
    assert_eq!(m.channel, ChannelKind::WhatsApp);
    assert_eq!(m.from.as_str(), "31612345678");
    assert_eq!(m.text, "");
    assert_eq!(m.id.as_deref(), Some("MM21151abfaadc1fb79b782f8460862a52"));
    assert_eq!(m.attachments[0].kind, AttachmentKind::Image);
    assert!(
        m.attachments[0]
            .url
            .ends_with("/Media/ME5f0afa2336bd0f73ca553fb5a2e3150bc")
    );
}

#[test]
fn a_whatsapp_location_and_profile_name_are_kept() {
    let m = one_inbound(
        "MessageSid=SM1&From=whatsapp%3A%2B4915112345678&To=whatsapp%3A%2B14155238886&Body=\
         &NumMedia=0&ProfileName=Ana&Latitude=52.52&Longitude=13.405&Label=Alexanderplatz",
    );
    assert_eq!(m.contact.get("name"), Some(&"Ana".into()));
    let a = &m.attachments[0];
    assert_eq!(a.kind, AttachmentKind::Location);
    assert_eq!(a.url, "geo:52.52,13.405");
    assert_eq!(a.caption.as_deref(), Some("Alexanderplatz"));
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
    assert!(matches!(err(""), TwilioError::Empty));
    assert!(matches!(err("\n"), TwilioError::Empty));
    assert!(matches!(
        err(r#"{"MessageSid": "SM1", "From": "+14155550100"}"#),
        TwilioError::NotTwilio
    ));
    assert!(matches!(
        err("From=%2B14155550100&Body=hi"),
        TwilioError::NotTwilio
    ));
    assert!(matches!(
        err("MessageSid=&From=%2B14155550100"),
        TwilioError::NotTwilio
    ));
    assert!(matches!(
        err("MessageSid=SM1&Body=hi"),
        TwilioError::Missing("From")
    ));

    let e = err("MessageSid=SM1&From=%2B14155550100&Body=hi&NumMedia=two");
    assert!(
        matches!(&e, TwilioError::BadNumber { field: "NumMedia", value, .. } if value == "two")
    );
    assert_eq!(
        e.to_string(),
        "`NumMedia` is `two`, expected a whole number"
    );
    assert!(matches!(
        err("MessageSid=SM1&From=%2B14155550100&NumMedia=-1"),
        TwilioError::BadNumber { .. }
    ));

    let e = err("MessageSid=SM1&From=%2B14155550100&NumMedia=2&MediaUrl0=https%3A%2F%2Fx.test%2Fa");
    assert!(
        matches!(&e, TwilioError::MissingMedia { num_media: 2, field } if field == "MediaUrl1")
    );
    assert_eq!(e.to_string(), "NumMedia says 2 but MediaUrl1 is missing");

    assert!(matches!(
        err("MessageSid=SM1&From=0151%201234567&Body=hi"),
        TwilioError::Address { field: "From", .. }
    ));
    assert!(matches!(
        err("MessageSid=SM1&From=messenger%3A1234567&Body=hi"),
        TwilioError::Address { field: "From", .. }
    ));
    assert!(matches!(
        err("MessageSid=SM1&MessageStatus=delivered&To=nobody"),
        TwilioError::Address { field: "To", .. }
    ));
    assert!(matches!(
        err("MessageSid=SM1&From=%2B14155550100&Latitude=north&Longitude=13.4"),
        TwilioError::BadNumber {
            field: "Latitude",
            ..
        }
    ));
    assert!(matches!(
        err("MessageSid=SM1&From=%2B14155550100&Latitude=52.5"),
        TwilioError::Missing("Longitude")
    ));
    assert!(matches!(
        err("MessageSid=SM1&From=%2B14155550100&Latitude=91&Longitude=13.4"),
        TwilioError::BadLocation { .. }
    ));
    assert!(matches!(
        err("MessageSid=SM1&From=%2B14155550100&Latitude=NaN&Longitude=13.4"),
        TwilioError::BadLocation { .. }
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
