//! A Twilio Programmable Messaging adapter, inbound half: the webhook's
//! form fields to [`Input`]s.
//!
//! # What Twilio sends
//!
//! Twilio posts `application/x-www-form-urlencoded` fields, one message per
//! request, to two URLs the host configures:
//!
//! * the number's **messaging webhook**, for each message a customer sends:
//!   `MessageSid`, `From`, `To`, `Body`, `NumMedia` and, for each picture
//!   or file, `MediaUrl0`, `MediaContentType0`, `MediaUrl1`, … (SMS, MMS
//!   and WhatsApp through Twilio alike; WhatsApp addresses are written
//!   `whatsapp:+31612345678`, and WhatsApp adds `ProfileName` and, for a
//!   shared location, `Latitude`, `Longitude`, `Address`, `Label`);
//! * the **status callback** of each message sent, on every change of its
//!   status: `MessageSid`, `MessageStatus`, `To` and, when it failed,
//!   `ErrorCode`.
//!
//! [`parse`] tells them apart by `MessageStatus` and returns:
//!
//! | the request | the input |
//! |---|---|
//! | a message | [`Inbound`] on [`ChannelKind::Sms`], or [`ChannelKind::WhatsApp`] when `From` starts with `whatsapp:`; `Body` is the text, `MessageSid` the id, each `MediaUrlN` an attachment whose kind comes from `MediaContentTypeN` (a file when Twilio gives none), `ProfileName` the contact attribute `name` |
//! | a status callback `sent`, `delivered`, `read` | [`Delivery`] with that status, `MessageSid` and the recipient `To` |
//! | `failed`, `undelivered` | [`Delivery`] failed, with the status and `ErrorCode` as its error |
//! | `accepted`, `queued`, `sending`, `scheduled`, `canceled`, `received`, … | nothing: the message has not gone out, or the callback is about an incoming one |
//!
//! `MessageSid` is the message's [`Inbound::id`], so a request Twilio
//! retries is recognised by the engine and ignored. The legacy aliases
//! `SmsMessageSid` and `SmsSid` are read when `MessageSid` is absent. A
//! field given twice counts the first time.
//!
//! Media URLs point at Twilio's API; by default they can be fetched
//! without credentials, unless the account enforces HTTP authentication
//! for media, in which case the host fetches them with its account SID and
//! auth token and stores its own copy.
//!
//! # Wiring it into a web server
//!
//! In axum, for instance, with one route for messages and one for status
//! callbacks (both parse with the same function):
//!
//! ```text
//! async fn twilio(State(app): State<App>, uri: OriginalUri, headers: HeaderMap, body: Bytes) -> Response {
//!     if !app.twilio_signature_ok(&uri, &headers, &body) {      // X-Twilio-Signature, see below
//!         return StatusCode::FORBIDDEN.into_response();
//!     }
//!     match parse(&body) {
//!         Ok(inputs) => for input in inputs { app.engine.send(input).await },   // to Driver::handle
//!         Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
//!     }
//!     ([(CONTENT_TYPE, "text/xml")], "<Response/>").into_response()
//! }
//! ```
//!
//! Answer the messaging webhook with an empty TwiML `<Response/>`: the
//! engine's replies go out through Twilio's REST API (the `send` of your
//! [`Channel`](switchboard::channel::Channel)), not as TwiML. Twilio logs
//! an error answer (error 11200) in its debugger, where the message of a
//! [`TwilioError`] says what was wrong.
//!
//! # What the host must check that this example does not
//!
//! The signature. Twilio signs each request with `X-Twilio-Signature`: the
//! base64 HMAC-SHA1, under the account's auth token, of the full URL Twilio
//! called (scheme, host, path and query, as configured in Twilio, not as
//! rewritten by a proxy) followed by every POST field's name and value,
//! sorted by name. Compute it and compare in constant time; reject the
//! request when it differs. Without this anyone who knows the URL can
//! write to your customers' conversations or forge delivery reports.
//!
//! Run it with `cargo run --example twilio_sms`: it parses the samples in
//! `tests/data/webhooks/` and feeds them to an engine, printing each input
//! and the actions it leads to as JSON lines. `cargo test --example
//! twilio_sms` runs its tests.

#[path = "support/samples.rs"]
mod samples;

use std::borrow::Cow;
use std::collections::HashMap;

use switchboard::engine::{Delivery, DeliveryStatus, Inbound, Input};
use switchboard::{
    Address, AddressError, Attachment, AttachmentKind, Attributes, ChannelKind, Location,
};

// ----- the request, as Twilio documents it ----------------------------------

/// A request's form fields by name. Twilio's media fields are numbered
/// (`MediaUrl0`, `MediaUrl1`, …), so a map by name mirrors the request
/// better than a fixed struct would.
#[derive(Debug)]
struct Form<'a>(HashMap<Cow<'a, str>, Cow<'a, str>>);

impl<'a> Form<'a> {
    fn new(body: &'a [u8]) -> Form<'a> {
        let mut fields = HashMap::new();
        for (name, value) in form_urlencoded::parse(body) {
            fields.entry(name).or_insert(value);
        }
        Form(fields)
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|v| v.as_ref())
    }

    /// The message's SID, under its current name or a legacy alias.
    fn message_sid(&self) -> Option<&str> {
        ["MessageSid", "SmsMessageSid", "SmsSid"]
            .into_iter()
            .find_map(|name| self.get(name))
            .filter(|sid| !sid.is_empty())
    }
}

// ----- errors ----------------------------------------------------------------

/// Why a Twilio webhook body could not be read.
#[derive(Debug, thiserror::Error)]
enum TwilioError {
    /// Nothing was posted.
    #[error("the webhook body is empty; Twilio posts form fields (was the body read twice?)")]
    Empty,
    /// The body has no message SID: not a Twilio messaging request.
    #[error(
        "not a Twilio messaging webhook: no `MessageSid` \
         (Twilio posts form fields such as MessageSid=SM…&From=…&Body=…)"
    )]
    NotTwilio,
    /// A field the request must have is missing.
    #[error("`{0}` is missing")]
    Missing(&'static str),
    /// A numeric field does not hold a number.
    #[error("`{field}` is `{value}`, expected {expected}")]
    BadNumber {
        field: &'static str,
        value: String,
        expected: &'static str,
    },
    /// `NumMedia` announces more media than the request lists.
    #[error("NumMedia says {num_media} but {field} is missing")]
    MissingMedia { num_media: u32, field: String },
    /// `From` or `To` is not an address of the channel.
    #[error("`{field}`: {source}")]
    Address {
        field: &'static str,
        source: AddressError,
    },
    /// A shared location's coordinates are out of range.
    #[error("latitude {lat}, longitude {lon} is not a place on Earth")]
    BadLocation { lat: f64, lon: f64 },
}

// ----- the request → inputs ---------------------------------------------------

/// Parses one webhook body into the inputs it carries: one message or one
/// delivery report, or none for a status that reports nothing.
fn parse(body: &[u8]) -> Result<Vec<Input>, TwilioError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(TwilioError::Empty);
    }
    let form = Form::new(body);
    let sid = form.message_sid().ok_or(TwilioError::NotTwilio)?;
    let input = match form.get("MessageStatus") {
        Some(status) => delivery(&form, sid, status)?.map(Input::Delivery),
        None => Some(Input::Inbound(inbound(&form, sid)?)),
    };
    Ok(input.into_iter().collect())
}

/// The channel of a Twilio address: `whatsapp:+…` or a phone number.
fn channel_of(address: &str) -> ChannelKind {
    if address.starts_with("whatsapp:") {
        ChannelKind::WhatsApp
    } else {
        ChannelKind::Sms
    }
}

fn address(field: &'static str, raw: &str) -> Result<Address, TwilioError> {
    Address::new(&channel_of(raw), raw).map_err(|source| TwilioError::Address { field, source })
}

fn number<T: std::str::FromStr>(
    form: &Form<'_>,
    field: &'static str,
    expected: &'static str,
) -> Result<Option<T>, TwilioError> {
    form.get(field)
        .map(|value| {
            value.trim().parse().map_err(|_| TwilioError::BadNumber {
                field,
                value: value.to_owned(),
                expected,
            })
        })
        .transpose()
}

/// A customer's message.
fn inbound(form: &Form<'_>, sid: &str) -> Result<Inbound, TwilioError> {
    let from = form.get("From").ok_or(TwilioError::Missing("From"))?;
    let channel = channel_of(from);
    let text = form.get("Body").unwrap_or_default();
    let mut m = Inbound::new(channel, address("From", from)?, text).with_id(sid);

    let num_media: u32 = number(form, "NumMedia", "a whole number")?.unwrap_or(0);
    for i in 0..num_media {
        let field = format!("MediaUrl{i}");
        let url = form
            .get(&field)
            .ok_or(TwilioError::MissingMedia { num_media, field })?;
        let mime = form.get(&format!("MediaContentType{i}"));
        let kind = match mime.and_then(|m| m.split_once('/')).map(|(top, _)| top) {
            Some("image") => AttachmentKind::Image,
            Some("audio") => AttachmentKind::Audio,
            Some("video") => AttachmentKind::Video,
            _ => AttachmentKind::File,
        };
        let mut attachment = Attachment::new(kind, url);
        if let Some(mime) = mime {
            attachment = attachment.with_mime_type(mime);
        }
        m = m.with_attachment(attachment);
    }

    let lat = number::<f64>(form, "Latitude", "a latitude in degrees")?;
    let lon = number::<f64>(form, "Longitude", "a longitude in degrees")?;
    match (lat, lon) {
        (None, None) => {}
        (Some(_), None) => return Err(TwilioError::Missing("Longitude")),
        (None, Some(_)) => return Err(TwilioError::Missing("Latitude")),
        (Some(lat), Some(lon)) => {
            if !Location::new(lat, lon).is_valid() {
                return Err(TwilioError::BadLocation { lat, lon });
            }
            let label = form.get("Label").or(form.get("Address"));
            m = m.with_attachment(Attachment::location(lat, lon, label));
        }
    }

    if let Some(name) = form.get("ProfileName").filter(|n| !n.is_empty()) {
        let mut attributes = Attributes::new();
        attributes.insert("name".into(), name.into());
        m = m.with_contact(attributes);
    }
    Ok(m)
}

/// A status callback, or `None` for a status that reports nothing.
fn delivery(form: &Form<'_>, sid: &str, status: &str) -> Result<Option<Delivery>, TwilioError> {
    let kind = match status {
        "sent" => DeliveryStatus::Sent,
        "delivered" => DeliveryStatus::Delivered,
        "read" => DeliveryStatus::Read,
        "failed" | "undelivered" => DeliveryStatus::Failed,
        _ => return Ok(None),
    };
    let to = form.get("To").filter(|to| !to.is_empty());
    let channel = to.or(form.get("From")).map_or(ChannelKind::Sms, channel_of);
    let mut d = Delivery::new(channel, sid, kind);
    if let Some(to) = to {
        d = d.to(address("To", to)?);
    }
    if kind == DeliveryStatus::Failed {
        d = d.error(match form.get("ErrorCode").filter(|c| !c.is_empty()) {
            None => status.to_owned(),
            Some(code) => {
                let why = form
                    .get("ErrorMessage")
                    .filter(|m| !m.is_empty())
                    .map_or_else(
                        || format!("see https://www.twilio.com/docs/api/errors/{code}"),
                        str::to_owned,
                    );
                format!("{status}: Twilio error {code} ({why})")
            }
        });
    }
    Ok(Some(d))
}

// ----- the samples through an engine ------------------------------------------

/// Vendor samples (see `tests/data/webhooks/SOURCES.md`).
const SAMPLES: &[(&str, &str)] = &[
    (
        "twilio-sms-inbound.txt",
        include_str!("../tests/data/webhooks/twilio-sms-inbound.txt"),
    ),
    (
        "twilio-sms-inbound-2.txt",
        include_str!("../tests/data/webhooks/twilio-sms-inbound-2.txt"),
    ),
    (
        "twilio-mms-inbound.txt",
        include_str!("../tests/data/webhooks/twilio-mms-inbound.txt"),
    ),
    (
        "twilio-mms-inbound-2-media.txt",
        include_str!("../tests/data/webhooks/twilio-mms-inbound-2-media.txt"),
    ),
    (
        "twilio-whatsapp-inbound-image.txt",
        include_str!("../tests/data/webhooks/twilio-whatsapp-inbound-image.txt"),
    ),
    (
        "twilio-status-callback-delivered.txt",
        include_str!("../tests/data/webhooks/twilio-status-callback-delivered.txt"),
    ),
];

/// Pictures go to the claims team; everything else to a bot first (which
/// this example never answers: the point is what reaches it).
const CONFIG: &str = r#"
[defaults]
bot = "faq"

[bots.faq]
timeout = "1m"

[[queues]]
id = "claims"

[[rules]]
id = "pictures"
when = "attachments has 'image'"
then = { queue = "claims" }
"#;

/// Parses each sample and feeds its inputs to an engine, printing the
/// inputs, the actions and the retries the engine ignored as JSON lines.
///
/// Two of the samples come from one test suite that reuses a message SID:
/// the engine takes the second for Twilio's retry of the first.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    samples::run(CONFIG, SAMPLES.iter().copied(), parse, |_| {
        Ok::<_, std::convert::Infallible>(None)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard::Timestamp;
    use switchboard::config::Config;
    use switchboard::engine::Switchboard;

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
            Some(
                "undelivered: Twilio error 30003 (see https://www.twilio.com/docs/api/errors/30003)"
            )
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

        let e =
            err("MessageSid=SM1&From=%2B14155550100&NumMedia=2&MediaUrl0=https%3A%2F%2Fx.test%2Fa");
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
}
