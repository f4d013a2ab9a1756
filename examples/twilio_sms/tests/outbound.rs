//! The outbound half: each part's request, field by field, and a typed
//! error for each limit and each part Twilio would refuse.

use serde_json::json;
use switchboard::channel::{Capabilities, Outbound, TextLimit, TextUnit};
use switchboard::engine::Action;
use switchboard::handoff::Party;
use switchboard::{
    Address, Attachment, AttachmentKind, ChannelKind, ConversationId, Location, QueueId,
    QuickReply, TemplateRef,
};

use crate::error::{SendError, SetupError};
use crate::outbound::{
    MAX_BODY, MAX_CONTENT_VARIABLES, MAX_MMS_BYTES, MAX_WHATSAPP_MEDIA_BYTES, MessageRequest,
    Sender, Twilio, capabilities,
};

const URL: &str =
    "https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json";
const CONTENT_SID: &str = "HXb5b62575e6e4ff6129ad7c8efe1f983e";

/// The adapter `main` runs.
fn twilio() -> Twilio {
    crate::twilio().unwrap()
}

/// The engine's `Send` of `part` to `to` on `channel`.
fn send(channel: ChannelKind, to: &str, part: Outbound) -> Action {
    Action::Send {
        conversation: Some(ConversationId::new("c1")),
        channel,
        to: Address::new_unchecked(to),
        from: Party::System,
        part,
    }
}

fn sms(part: Outbound) -> Action {
    send(ChannelKind::Sms, "+14155550100", part)
}

fn wa(part: Outbound) -> Action {
    send(ChannelKind::WhatsApp, "4915112345678", part)
}

/// The request for `action`, which must be one.
fn request(action: &Action) -> MessageRequest {
    match twilio().message(action) {
        Ok(Some(request)) => request,
        other => panic!("{action:?}: {other:?}"),
    }
}

/// The form of the request for `action`.
fn form(action: &Action) -> Vec<(&'static str, String)> {
    request(action).form
}

fn fields(pairs: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    pairs.iter().map(|(n, v)| (*n, (*v).to_owned())).collect()
}

fn error(action: &Action) -> SendError {
    match twilio().message(action) {
        Err(e) => e,
        other => panic!("{action:?}: {other:?}"),
    }
}

const SMS_HEAD: [(&str, &str); 2] = [("To", "+14155550100"), ("From", "+15005550006")];
const WA_HEAD: [(&str, &str); 2] = [
    ("To", "whatsapp:+4915112345678"),
    ("From", "whatsapp:+14155238886"),
];

fn with_head(
    head: [(&'static str, &str); 2],
    rest: &[(&'static str, &str)],
) -> Vec<(&'static str, String)> {
    fields(&[&head[..], rest].concat())
}

#[test]
fn a_text_on_sms_is_to_from_and_body() {
    assert_eq!(
        request(&sms(Outbound::text("Your order shipped."))),
        MessageRequest {
            url: URL.to_owned(),
            form: with_head(SMS_HEAD, &[("Body", "Your order shipped.")]),
        }
    );
}

#[test]
fn on_whatsapp_both_numbers_carry_the_whatsapp_prefix() {
    assert_eq!(
        form(&wa(Outbound::text("Hallo!"))),
        with_head(WA_HEAD, &[("Body", "Hallo!")])
    );
}

#[test]
fn a_messaging_service_sends_in_place_of_from() {
    let sid = "MG9752274e9e519418a7406176694466fa";
    let twilio = Twilio::new(
        "AC0123456789abcdef0123456789abcdef",
        Sender::messaging_service(sid).unwrap(),
    )
    .unwrap();
    for (action, to) in [
        (sms(Outbound::text("Hi")), "+14155550100"),
        (wa(Outbound::text("Hi")), "whatsapp:+4915112345678"),
    ] {
        let request = twilio.message(&action).unwrap().unwrap();
        assert_eq!(
            request.form,
            fields(&[("To", to), ("MessagingServiceSid", sid), ("Body", "Hi")])
        );
    }
}

#[test]
fn the_request_is_the_url_and_the_form_as_pairs() {
    let json = twilio()
        .request(&sms(Outbound::text("Was this helpful?\n\n1. Yes\n2. No")))
        .unwrap();
    assert_eq!(
        json,
        Some(json!({
            "url": URL,
            "form": [
                ["To", "+14155550100"],
                ["From", "+15005550006"],
                ["Body", "Was this helpful?\n\n1. Yes\n2. No"],
            ],
        }))
    );
    assert_eq!(
        request(&sms(Outbound::text("Was this helpful?\n\n1. Yes\n2. No"))).body(),
        "To=%2B14155550100&From=%2B15005550006&Body=Was+this+helpful%3F%0A%0A1.+Yes%0A2.+No"
    );
}

#[test]
fn actions_other_than_send_send_nothing() {
    let typing = Action::Typing {
        conversation: ConversationId::new("c1"),
        channel: ChannelKind::WhatsApp,
        to: Address::new_unchecked("4915112345678"),
    };
    let status = Action::QueueStatus {
        conversation: ConversationId::new("c1"),
        queue: QueueId::new("claims"),
        position: 1,
        estimated_wait: None,
        opens: None,
    };
    for action in [typing, status] {
        assert_eq!(twilio().message(&action).unwrap(), None, "{action:?}");
        assert_eq!(twilio().request(&action).unwrap(), None, "{action:?}");
    }
}

#[test]
fn an_attachment_is_its_media_url_with_its_caption_as_body() {
    let receipt = Attachment::new(AttachmentKind::Image, "https://x.example/receipt.png")
        .with_mime_type("image/png")
        .with_caption("Your receipt")
        .with_size(200_000);
    assert_eq!(
        form(&wa(Outbound::Attachment {
            attachment: receipt.clone()
        })),
        with_head(
            WA_HEAD,
            &[
                ("Body", "Your receipt"),
                ("MediaUrl", "https://x.example/receipt.png")
            ]
        )
    );
    // On SMS it is an MMS; without a caption there is no Body.
    let photo = Attachment::new(AttachmentKind::Image, "https://x.example/photo.jpg");
    assert_eq!(
        form(&sms(Outbound::Attachment { attachment: photo })),
        with_head(SMS_HEAD, &[("MediaUrl", "https://x.example/photo.jpg")])
    );
}

#[test]
fn a_whatsapp_location_is_a_persistent_action() {
    let store = Location::new(52.5208, 13.4094).with_label("Berlin store");
    assert_eq!(
        form(&wa(Outbound::Location { location: store })),
        with_head(
            WA_HEAD,
            &[
                ("Body", "Berlin store"),
                ("PersistentAction", "geo:52.5208,13.4094|Berlin store")
            ]
        )
    );
    // Without a label the coordinates are the body.
    let pin = Location::new(-33.8568, 151.2153);
    assert_eq!(
        form(&wa(Outbound::Location { location: pin })),
        with_head(
            WA_HEAD,
            &[
                ("Body", "-33.8568,151.2153"),
                ("PersistentAction", "geo:-33.8568,151.2153")
            ]
        )
    );
}

#[test]
fn a_template_is_its_content_sid_and_variables_in_order() {
    let t = TemplateRef::new(CONTENT_SID, "en").with_parameters(["Ana", "A-1042", "say \"hi\""]);
    assert_eq!(
        form(&wa(Outbound::Template { template: t })),
        with_head(
            WA_HEAD,
            &[
                ("ContentSid", CONTENT_SID),
                (
                    "ContentVariables",
                    r#"{"1":"Ana","2":"A-1042","3":"say \"hi\""}"#
                )
            ]
        )
    );
    // Without parameters there are no variables.
    let t = TemplateRef::new(CONTENT_SID, "de");
    assert_eq!(
        form(&sms(Outbound::Template { template: t })),
        with_head(SMS_HEAD, &[("ContentSid", CONTENT_SID)])
    );
    // The keys count 1, 2, … 11, not as strings sort.
    let t = TemplateRef::new(CONTENT_SID, "en").with_parameters((1..=11).map(|i| i.to_string()));
    let variables = request(&wa(Outbound::Template { template: t }))
        .get("ContentVariables")
        .map(str::to_owned);
    assert_eq!(
        variables.as_deref(),
        Some(
            r#"{"1":"1","2":"2","3":"3","4":"4","5":"5","6":"6","7":"7","8":"8","9":"9","10":"10","11":"11"}"#
        )
    );
}

#[test]
fn a_body_over_1600_is_refused_not_cut() {
    assert_eq!(MAX_BODY, 1_600);
    let fits = "x".repeat(MAX_BODY);
    assert_eq!(
        request(&wa(Outbound::text(fits.clone()))).get("Body"),
        Some(fits.as_str())
    );
    let e = error(&wa(Outbound::text("x".repeat(MAX_BODY + 1))));
    assert!(
        matches!(
            e,
            SendError::BodyTooLong {
                what: "the text",
                len: 1_601,
                max: 1_600
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "the text is 1601 UTF-16 code units long; Twilio takes at most 1600 (error 21617): \
         register `capabilities` with the engine so it splits texts within the limit, \
         or shorten it"
    );
    // An emoji counts two.
    assert!(
        twilio()
            .message(&wa(Outbound::text("👍".repeat(800))))
            .is_ok()
    );
    assert!(matches!(
        error(&wa(Outbound::text("👍".repeat(801)))),
        SendError::BodyTooLong { len: 1_602, .. }
    ));
    // A caption and a label are bodies too.
    let long = "c".repeat(MAX_BODY + 1);
    let a = Attachment::new(AttachmentKind::Image, "https://x.example/a.png").with_caption(&long);
    assert!(matches!(
        error(&wa(Outbound::Attachment { attachment: a })),
        SendError::BodyTooLong {
            what: "the attachment's caption",
            len: 1_601,
            ..
        }
    ));
    let l = Location::new(1.0, 2.0).with_label(&long);
    assert!(matches!(
        error(&wa(Outbound::Location { location: l })),
        SendError::BodyTooLong {
            what: "the location's label",
            len: 1_601,
            ..
        }
    ));
}

#[test]
fn media_over_twilios_size_limit_are_refused() {
    let image = |size| Outbound::Attachment {
        attachment: Attachment::new(AttachmentKind::Image, "https://x.example/big.jpg")
            .with_size(size),
    };
    assert!(twilio().message(&sms(image(MAX_MMS_BYTES))).is_ok());
    let e = error(&sms(image(MAX_MMS_BYTES + 1)));
    assert!(
        matches!(&e, SendError::MediaTooLarge { channel: ChannelKind::Sms, size, max }
            if *size == 5_242_881 && *max == 5_242_880),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "media of 5242881 bytes is over Twilio's 5242880-byte limit on sms; \
         send a link instead (give the engine the size and it does)"
    );
    assert!(
        twilio()
            .message(&wa(image(MAX_WHATSAPP_MEDIA_BYTES)))
            .is_ok()
    );
    assert!(matches!(
        error(&wa(image(MAX_WHATSAPP_MEDIA_BYTES + 1))),
        SendError::MediaTooLarge {
            channel: ChannelKind::WhatsApp,
            size: 16_777_217,
            max: 16_777_216
        }
    ));
}

#[test]
fn more_than_100_template_variables_are_refused() {
    let t = |n: usize| Outbound::Template {
        template: TemplateRef::new(CONTENT_SID, "en")
            .with_parameters((0..n).map(|i| i.to_string())),
    };
    assert!(twilio().message(&wa(t(MAX_CONTENT_VARIABLES))).is_ok());
    let e = error(&wa(t(MAX_CONTENT_VARIABLES + 1)));
    assert!(
        matches!(
            e,
            SendError::TooManyVariables {
                count: 101,
                max: 100
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "the template has 101 parameters; Twilio takes at most 100 ContentVariables a message"
    );
}

#[test]
fn a_template_name_must_be_a_content_sid() {
    for name in [
        "support_follow_up",
        "HX123",
        "HXb5b62575e6e4ff6129ad7c8efe1f983z",
    ] {
        let e = error(&wa(Outbound::Template {
            template: TemplateRef::new(name, "en_US"),
        }));
        assert!(
            matches!(&e, SendError::NotAContentSid { name: n } if n == name),
            "{e:?}"
        );
    }
    assert_eq!(
        error(&wa(Outbound::Template {
            template: TemplateRef::new("support_follow_up", "en_US"),
        }))
        .to_string(),
        "template `support_follow_up` is not a Twilio Content SID (HX and 32 hex digits): \
         under [templates.<purpose>], set `name` to the SID of the approved Content template"
    );
}

#[test]
fn native_buttons_are_refused_on_both_channels() {
    let buttons = || Outbound::Text {
        text: "Pick one".into(),
        quick_replies: vec![QuickReply::new("Yes", "yes"), QuickReply::new("No", "no")],
    };
    for (action, channel) in [
        (sms(buttons()), ChannelKind::Sms),
        (wa(buttons()), ChannelKind::WhatsApp),
    ] {
        let e = error(&action);
        assert!(
            matches!(&e, SendError::NativeQuickReplies { channel: c, count: 2 } if *c == channel),
            "{e:?}"
        );
    }
    assert_eq!(
        error(&sms(buttons())).to_string(),
        "2 native quick replies for sms: Twilio sends buttons only as a Content template, \
         so register `capabilities(sms)` with the engine and it sends them as a numbered list"
    );
}

#[test]
fn parts_twilio_cannot_take_are_typed_errors() {
    assert!(matches!(
        error(&sms(Outbound::text(" \n"))),
        SendError::EmptyText
    ));
    let store = || Location::new(52.52, 13.405).with_label("Berlin store");
    assert!(matches!(
        error(&sms(Outbound::Location { location: store() })),
        SendError::NoLocationMessage {
            channel: ChannelKind::Sms
        }
    ));
    assert!(matches!(
        error(&wa(Outbound::Location {
            location: Location::new(91.0, 0.0)
        })),
        SendError::InvalidLocation { lat, lon } if lat == 91.0 && lon == 0.0
    ));
    let place = Attachment::location(52.52, 13.405, Some("Berlin store"));
    assert!(matches!(
        error(&wa(Outbound::Attachment { attachment: place })),
        SendError::LocationAttachment { url } if url == "geo:52.52,13.405"
    ));
    let local = Attachment::new(AttachmentKind::File, "cat.jpg");
    assert!(matches!(
        error(&wa(Outbound::Attachment { attachment: local })),
        SendError::MediaUrl { url } if url == "cat.jpg"
    ));
}

#[test]
fn the_channel_sender_and_recipient_must_be_twilios() {
    let e = error(&send(
        ChannelKind::Messenger,
        "1254459154682919",
        Outbound::text("Hi"),
    ));
    assert!(matches!(
        e,
        SendError::NotTwilio {
            channel: ChannelKind::Messenger
        }
    ));
    // An SMS-only adapter has no WhatsApp sender.
    let sms_only = Twilio::new(
        "AC0123456789abcdef0123456789abcdef",
        Sender::numbers(Some("+15005550006"), None).unwrap(),
    )
    .unwrap();
    let e = sms_only.message(&wa(Outbound::text("Hi"))).unwrap_err();
    assert!(matches!(
        e,
        SendError::NoSender {
            channel: ChannelKind::WhatsApp
        }
    ));
    assert_eq!(
        e.to_string(),
        "no whatsapp sender: give `Sender::numbers` a whatsapp number, \
         or send through a Messaging Service"
    );
    // A WhatsApp id is not an SMS number.
    let e = error(&send(
        ChannelKind::Sms,
        "4915112345678",
        Outbound::text("Hi"),
    ));
    assert!(
        matches!(
            e,
            SendError::Recipient {
                channel: ChannelKind::Sms,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn the_adapters_settings_are_checked() {
    let numbers = || Sender::numbers(Some("+15005550006"), None).unwrap();
    assert!(matches!(
        Twilio::new("AC123", numbers()),
        Err(SetupError::BadSid {
            field: "AccountSid",
            prefix: "AC",
            ..
        })
    ));
    assert!(matches!(
        Sender::messaging_service("AC0123456789abcdef0123456789abcdef"),
        Err(SetupError::BadSid {
            field: "MessagingServiceSid",
            prefix: "MG",
            ..
        })
    ));
    assert!(matches!(
        Sender::numbers(None, None),
        Err(SetupError::NoSender)
    ));
    assert!(matches!(
        Sender::numbers(Some("0151 1234567"), None),
        Err(SetupError::Address { field: "sms", .. })
    ));
    assert_eq!(
        Sender::numbers(None, Some("whatsapp:+14155238886")).unwrap(),
        Sender::Numbers {
            sms: None,
            whatsapp: Some(Address::new_unchecked("14155238886")),
        }
    );
}

#[test]
fn the_capabilities_to_register_fit_twilio() {
    assert_eq!(capabilities(&ChannelKind::Sms), Capabilities::sms());
    let wa = capabilities(&ChannelKind::WhatsApp);
    assert_eq!(wa.quick_replies, None);
    assert_eq!(wa.text_limit, Some(TextLimit::new(1_600, TextUnit::Utf16)));
    // The rest is the WhatsApp preset's.
    assert_eq!(
        Capabilities {
            text_limit: Capabilities::whatsapp().text_limit,
            quick_replies: Capabilities::whatsapp().quick_replies,
            ..wa
        },
        Capabilities::whatsapp()
    );
    assert_eq!(
        capabilities(&ChannelKind::Messenger),
        Capabilities::messenger()
    );
}

#[test]
fn the_configured_template_name_is_the_content_sid() {
    // As the module docs configure it.
    let config = switchboard::Config::from_toml_str(&format!(
        "{}\n[templates.agent_reply]\n\
         en = {{ name = \"{CONTENT_SID}\", language = \"en\", parameters = [\"{{agent}}\", \"{{text}}\"] }}\n",
        crate::CONFIG
    ))
    .unwrap();
    let approved = config
        .approved_template("agent_reply", Some("en-GB"))
        .unwrap();
    // The engine fills the parameters; here, as it would for agent Ana.
    let template = TemplateRef::new(approved.name.clone(), approved.language.clone())
        .with_parameters(["Ana", "Your refund is on its way."]);
    assert_eq!(
        form(&wa(Outbound::Template { template })),
        with_head(
            WA_HEAD,
            &[
                ("ContentSid", CONTENT_SID),
                (
                    "ContentVariables",
                    r#"{"1":"Ana","2":"Your refund is on its way."}"#
                )
            ]
        )
    );
}
