//! `[notifications]`, `[consent.<channel>]` and `[campaigns.<id>]`: how
//! the business writes first — the channels it tries in order, quiet
//! hours, frequency caps, the consent each purpose needs on each channel,
//! and the campaigns notifications belong to.
//!
//! ```toml
//! [notifications]
//! fallback = ["whatsapp", "sms", "email"]   # the order channels are tried in
//! quiet_hours = "21:00-08:00"               # in the contact's time zone
//! timezone = "America/New_York"             # for contacts without a `timezone` attribute
//! reply_window = "72h"                      # a reply within it continues the notification
//! confirm_within = "48h"                    # how long a double opt-in waits for YES
//! caps.marketing = { max = 2, per = "7d" }  # per contact
//!
//! [consent.sms]
//! marketing = "double_opt_in"
//! confirm_request = "Reply YES to get offers from Acme by text. Msg & data rates may apply. Reply STOP to cancel."
//! confirmed = "You're subscribed to Acme offers. Reply STOP to cancel."
//!
//! [campaigns.order_delayed]
//! purpose = "transactional"
//! text = "Your order {order} is delayed; it now arrives {eta}."
//! template = { name = "order_delayed", language = "en", parameters = ["{order}", "{eta}"] }
//! max = 1
//! per = "1d"
//! ```

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use super::diags::Diags;
use super::duration::{opt_str, serde_str};
use super::messages::read_one_approved;
use super::node::Node;
use super::reader::{Reader, get, join};
use super::spec::{ApprovedTemplate, ConfigSpec};
use crate::handoff::placeholders;
use crate::model::ChannelKind;
use crate::notify::caps::Cap;
use crate::notify::quiet::QuietHours;
use crate::notify::{ConsentPolicy, PURPOSES, Purpose, Requirement};

/// How long a reply to a notification continues it, by default: 72 hours.
pub const DEFAULT_REPLY_WINDOW: Duration = Duration::from_secs(72 * 3600);
/// How long a double opt-in waits for its confirmation, by default: 48
/// hours.
pub const DEFAULT_CONFIRM_WITHIN: Duration = Duration::from_secs(48 * 3600);
/// The confirmation request of a double opt-in, by default.
pub const DEFAULT_CONFIRM_REQUEST: &str =
    "Reply YES to confirm you want these messages. Reply STOP to opt out.";
/// The answer to a confirmed double opt-in, by default.
pub const DEFAULT_CONFIRMED: &str = "Thanks, you're subscribed. Reply STOP to opt out.";

/// `[notifications]`: how business-initiated messages go out.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct NotificationsSpec {
    /// The channels tried, in order, after the contact's
    /// `preferred_channel`; `["whatsapp", "sms", "email"]` when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<Vec<String>>,
    /// `HH:MM-HH:MM` in the contact's time zone: a notification due then
    /// waits until it ends. None by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quiet_hours: Option<String>,
    /// The time zone of contacts without a `timezone` attribute;
    /// `[defaults] timezone`, else UTC, when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// How long a customer's reply continues a notification
    /// ([`DEFAULT_REPLY_WINDOW`], 72 hours).
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub reply_window: Option<Duration>,
    /// How long a double opt-in waits for YES ([`DEFAULT_CONFIRM_WITHIN`],
    /// 48 hours).
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub confirm_within: Option<Duration>,
    /// Caps per contact by purpose name. None by default.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub caps: BTreeMap<String, CapSpec>,
}

/// A frequency cap: at most `max` messages per `per`, per contact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CapSpec {
    /// The most messages.
    pub max: u32,
    /// The sliding window.
    #[serde(with = "serde_str")]
    pub per: Duration,
}

impl CapSpec {
    /// At most `max` per `per`.
    pub fn new(max: u32, per: Duration) -> CapSpec {
        CapSpec { max, per }
    }
}

/// `[consent.<channel>]`: what each purpose needs on a channel (see
/// [`ConsentPolicy`] for the presets) and the texts of a double opt-in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ConsentSpec {
    /// `none`, `opt_in` or `double_opt_in`; the preset when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transactional: Option<String>,
    /// `none`, `opt_in` or `double_opt_in`; the preset when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marketing: Option<String>,
    /// The confirmation request a double opt-in sends
    /// ([`DEFAULT_CONFIRM_REQUEST`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm_request: Option<String>,
    /// The answer once confirmed ([`DEFAULT_CONFIRMED`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed: Option<String>,
}

/// `[campaigns.<id>]`: a kind of notification — its purpose, its text, the
/// approved template for closed reply windows, the channels it may use and
/// its cap per contact.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CampaignSpec {
    /// `transactional` or `marketing`.
    pub purpose: String,
    /// The text, with `{placeholders}` the notification's `values` fill
    /// (and `{contact.<attribute>}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The approved template for channels whose reply window is closed;
    /// its parameters use the same placeholders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<ApprovedTemplate>,
    /// The channels it may use, in `[notifications] fallback` order; all of
    /// them when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<String>,
    /// At most this many per contact per `per`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
    /// The cap's window.
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub per: Option<Duration>,
}

/// A channel's compiled consent policy and its double opt-in texts.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ChannelConsent {
    pub(crate) policy: ConsentPolicy,
    pub(crate) confirm_request: String,
    pub(crate) confirmed: String,
}

/// A compiled campaign.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Campaign {
    pub(crate) purpose: Purpose,
    pub(crate) text: Option<String>,
    pub(crate) template: Option<ApprovedTemplate>,
    /// Empty: every channel.
    pub(crate) channels: Vec<ChannelKind>,
    pub(crate) cap: Option<Cap>,
}

/// `[notifications]`, `[consent]` and `[campaigns]` with every default
/// applied: what the engine uses.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct NotifySettings {
    pub(crate) fallback: Vec<ChannelKind>,
    pub(crate) quiet: Option<QuietHours>,
    pub(crate) timezone: TimeZone,
    pub(crate) reply_window: Duration,
    pub(crate) confirm_within: Duration,
    pub(crate) caps: BTreeMap<Purpose, Cap>,
    pub(crate) consent: BTreeMap<ChannelKind, ChannelConsent>,
    pub(crate) campaigns: BTreeMap<String, Campaign>,
}

impl NotifySettings {
    /// The consent settings of `channel`, when a business may write first
    /// on it.
    pub(crate) fn consent(&self, channel: &ChannelKind) -> Option<&ChannelConsent> {
        self.consent.get(channel)
    }

    /// The longest cap window: how long the sent log must remember.
    pub(crate) fn longest_cap(&self) -> Duration {
        self.caps
            .values()
            .chain(self.campaigns.values().filter_map(|c| c.cap.as_ref()))
            .map(|c| c.per)
            .max()
            .unwrap_or(Duration::ZERO)
    }
}

// ----- reading --------------------------------------------------------------

/// Reads `[notifications]`.
pub(super) fn read_notifications(r: &mut Reader, n: &Node) -> NotificationsSpec {
    let keys = [
        "fallback",
        "quiet_hours",
        "timezone",
        "reply_window",
        "confirm_within",
        "caps",
    ];
    let mut s = NotificationsSpec::default();
    let Some(e) = r.table(n, "notifications", &keys) else {
        return s;
    };
    let p = |k: &str| format!("notifications.{k}");
    s.fallback = get(e, "fallback").map(|v| r.strings(v, &p("fallback")));
    s.quiet_hours = get(e, "quiet_hours").and_then(|v| r.string(v, &p("quiet_hours")));
    s.timezone = get(e, "timezone").and_then(|v| r.string(v, &p("timezone")));
    s.reply_window = get(e, "reply_window").and_then(|v| r.duration(v, &p("reply_window")));
    s.confirm_within = get(e, "confirm_within").and_then(|v| r.duration(v, &p("confirm_within")));
    if let Some(caps) = get(e, "caps").and_then(|v| r.table(v, "notifications.caps", &[])) {
        for (purpose, c) in caps {
            if let Some(cap) = read_cap(r, c, &join("notifications.caps", purpose)) {
                s.caps.insert(purpose.clone(), cap);
            }
        }
    }
    s
}

fn read_cap(r: &mut Reader, n: &Node, path: &str) -> Option<CapSpec> {
    let e = r.table(n, path, &["max", "per"])?;
    let max = get(e, "max").and_then(|v| r.count(v, &join(path, "max"), "max", CAP_HELP));
    let per = get(e, "per").and_then(|v| r.duration(v, &join(path, "per")));
    if get(e, "max").is_none() || get(e, "per").is_none() {
        r.note(path, n);
        r.err(path, "a cap needs `max` and `per`").help = Some(CAP_FORM.into());
    }
    Some(CapSpec::new(max?, per?))
}

const CAP_HELP: &str = "a cap allows at least 1 message; leave the cap out for none";
const CAP_FORM: &str = "write it as { max = 2, per = \"7d\" }";

/// Reads `[consent]`.
pub(super) fn read_consent(r: &mut Reader, n: &Node) -> BTreeMap<String, ConsentSpec> {
    let mut out = BTreeMap::new();
    let Some(channels) = r.table(n, "consent", &[]) else {
        return out;
    };
    let keys = ["transactional", "marketing", "confirm_request", "confirmed"];
    for (channel, c) in channels {
        let path = join("consent", channel);
        let Some(e) = r.table(c, &path, &keys) else {
            continue;
        };
        let mut field = |k: &str| get(e, k).and_then(|v| r.string(v, &join(&path, k)));
        let spec = ConsentSpec {
            transactional: field("transactional"),
            marketing: field("marketing"),
            confirm_request: field("confirm_request"),
            confirmed: field("confirmed"),
        };
        out.insert(channel.clone(), spec);
    }
    out
}

/// Reads `[campaigns]`.
pub(super) fn read_campaigns(r: &mut Reader, n: &Node) -> BTreeMap<String, CampaignSpec> {
    let mut out = BTreeMap::new();
    let Some(campaigns) = r.table(n, "campaigns", &[]) else {
        return out;
    };
    let keys = ["purpose", "text", "template", "channels", "max", "per"];
    for (id, c) in campaigns {
        let path = join("campaigns", id);
        r.item = Some(format!("campaign `{id}`"));
        if let Some(e) = r.table(c, &path, &keys) {
            let purpose = get(e, "purpose").and_then(|v| r.string(v, &join(&path, "purpose")));
            if purpose.is_none() && get(e, "purpose").is_none() {
                r.note(&path, c);
                r.err(&path, "a campaign needs a `purpose`").help =
                    Some("purpose = \"transactional\" or purpose = \"marketing\"".into());
            }
            let spec = CampaignSpec {
                purpose: purpose.unwrap_or_default(),
                text: get(e, "text").and_then(|v| r.string(v, &join(&path, "text"))),
                template: get(e, "template")
                    .and_then(|v| read_one_approved(r, v, &join(&path, "template"))),
                channels: get(e, "channels")
                    .map(|v| r.strings(v, &join(&path, "channels")))
                    .unwrap_or_default(),
                max: get(e, "max").and_then(|v| r.count(v, &join(&path, "max"), "max", CAP_HELP)),
                per: get(e, "per").and_then(|v| r.duration(v, &join(&path, "per"))),
            };
            out.insert(id.clone(), spec);
        }
        r.item = None;
    }
    out
}

// ----- checking and resolving -----------------------------------------------

/// Checks the three sections and resolves them, reporting each problem.
pub(super) fn compile(spec: &ConfigSpec, d: &mut Diags) -> NotifySettings {
    let n = &spec.notifications;
    let consent = consent_policies(spec, d);
    let channel = |s: &str, path: String, d: &mut Diags| -> Option<ChannelKind> {
        match s.parse::<ChannelKind>() {
            Ok(k) if consent.contains_key(&k) => Some(k),
            Ok(k) => {
                d.error(
                    path,
                    None,
                    format!("`{k}` has no consent policy, so a business cannot write first on it"),
                    Some(format!(
                        "declare one, e.g. [consent.{k}] transactional = \"opt_in\"; \
                         sms, whatsapp and email have one built in"
                    )),
                );
                None
            }
            Err(e) => {
                d.error(path, None, e.to_string(), None);
                None
            }
        }
    };
    let fallback = match &n.fallback {
        None => ["whatsapp", "sms", "email"]
            .iter()
            .filter_map(|s| s.parse().ok())
            .collect(),
        Some(list) => list
            .iter()
            .enumerate()
            .filter_map(|(i, s)| channel(s, format!("notifications.fallback[{i}]"), d))
            .collect(),
    };
    let quiet = n
        .quiet_hours
        .as_deref()
        .and_then(|q| match QuietHours::parse(q) {
            Ok(q) => Some(q),
            Err(m) => {
                d.error("notifications.quiet_hours".into(), None, m, None);
                None
            }
        });
    let tz_name = n.timezone.as_deref().or(spec.defaults.timezone.as_deref());
    let timezone = match tz_name.map(TimeZone::get) {
        None => TimeZone::UTC,
        Some(Ok(tz)) => tz,
        Some(Err(_)) => {
            d.error(
                "notifications.timezone".into(),
                None,
                format!("`{}` is not an IANA time zone", tz_name.unwrap_or_default()),
                Some("use a name such as America/New_York or Europe/Berlin".into()),
            );
            TimeZone::UTC
        }
    };
    let mut caps = BTreeMap::new();
    for (name, c) in &n.caps {
        let path = format!("notifications.caps.{name}");
        match name.parse::<Purpose>() {
            Ok(p) => {
                if let Some(cap) = cap(c.max, c.per, &path, d) {
                    caps.insert(p, cap);
                }
            }
            Err(m) => d.error(path, None, m, None),
        }
    }
    let mut campaigns = BTreeMap::new();
    for (id, c) in &spec.campaigns {
        let path = format!("campaigns.{id}");
        let item = format!("campaign `{id}`");
        let item = Some(item.as_str());
        if id.trim().is_empty() {
            d.error(path.clone(), item, "a campaign's id is empty".into(), None);
        }
        let purpose = match c.purpose.parse::<Purpose>() {
            Ok(p) => Some(p),
            Err(m) if !c.purpose.is_empty() => {
                d.error(format!("{path}.purpose"), item, m, None);
                None
            }
            Err(_) => None,
        };
        if c.text.is_none() && c.template.is_none() {
            d.error(
                path.clone(),
                item,
                format!("campaign `{id}` has neither `text` nor `template`"),
                Some("give the text sent where no template is needed, the approved template for closed reply windows, or both".into()),
            );
        }
        let texts = c.text.iter().map(|t| (format!("{path}.text"), t));
        let params = c.template.iter().flat_map(|t| {
            t.parameters
                .iter()
                .enumerate()
                .map(|(i, p)| (format!("{path}.template.parameters[{i}]"), p))
        });
        for (p, t) in texts.chain(params) {
            if let Err(m) = placeholders(t) {
                d.error(p, item, m, None);
            }
        }
        let channels: Vec<ChannelKind> = c
            .channels
            .iter()
            .enumerate()
            .filter_map(|(i, s)| channel(s, format!("{path}.channels[{i}]"), d))
            .collect();
        let cap = match (c.max, c.per) {
            (None, None) => None,
            (Some(max), Some(per)) => cap(max, per, &path, d),
            _ => {
                d.error(
                    path.clone(),
                    item,
                    "a campaign's cap needs both `max` and `per`".into(),
                    Some("max = 1 and per = \"1d\": at most one a day per contact".into()),
                );
                None
            }
        };
        if let Some(purpose) = purpose {
            campaigns.insert(
                id.clone(),
                Campaign {
                    purpose,
                    text: c.text.clone(),
                    template: c.template.clone(),
                    channels,
                    cap,
                },
            );
        }
    }
    NotifySettings {
        fallback,
        quiet,
        timezone,
        reply_window: n.reply_window.unwrap_or(DEFAULT_REPLY_WINDOW),
        confirm_within: n.confirm_within.unwrap_or(DEFAULT_CONFIRM_WITHIN),
        caps,
        consent,
        campaigns,
    }
}

fn cap(max: u32, per: Duration, path: &str, d: &mut Diags) -> Option<Cap> {
    if max == 0 {
        d.error(
            format!("{path}.max"),
            None,
            "a cap of 0 allows nothing".into(),
            Some(CAP_HELP.into()),
        );
        return None;
    }
    if per.is_zero() {
        d.error(
            format!("{path}.per"),
            None,
            "a cap's window is empty".into(),
            Some(CAP_FORM.into()),
        );
        return None;
    }
    Some(Cap { max, per })
}

/// The presets, overridden by `[consent.<channel>]`.
fn consent_policies(spec: &ConfigSpec, d: &mut Diags) -> BTreeMap<ChannelKind, ChannelConsent> {
    let mut out: BTreeMap<ChannelKind, ChannelConsent> = ChannelKind::BUILT_IN
        .iter()
        .filter_map(|k| {
            let policy = ConsentPolicy::preset(k)?;
            Some((
                k.clone(),
                ChannelConsent {
                    policy,
                    confirm_request: DEFAULT_CONFIRM_REQUEST.into(),
                    confirmed: DEFAULT_CONFIRMED.into(),
                },
            ))
        })
        .collect();
    for (name, c) in &spec.consent {
        let path = format!("consent.{name}");
        let kind = match name.parse::<ChannelKind>() {
            Ok(k) => k,
            Err(e) => {
                d.error(path, None, e.to_string(), None);
                continue;
            }
        };
        let base = ConsentPolicy::preset(&kind)
            .unwrap_or(ConsentPolicy::new(Requirement::OptIn, Requirement::OptIn));
        let mut policy = base;
        for purpose in PURPOSES {
            let given = match purpose {
                Purpose::Transactional => &c.transactional,
                Purpose::Marketing => &c.marketing,
            };
            let Some(given) = given else { continue };
            match Requirement::parse(given) {
                Some(req) => match purpose {
                    Purpose::Transactional => policy.transactional = req,
                    Purpose::Marketing => policy.marketing = req,
                },
                None => d.error(
                    format!("{path}.{purpose}"),
                    None,
                    format!("`{given}` is not a consent requirement"),
                    Some("use none, opt_in or double_opt_in".into()),
                ),
            }
        }
        let text = |t: &Option<String>, key: &str, default: &str, d: &mut Diags| match t {
            Some(t) if t.trim().is_empty() => {
                d.error(
                    format!("{path}.{key}"),
                    None,
                    format!("`{key}` is empty"),
                    None,
                );
                default.to_owned()
            }
            Some(t) => t.clone(),
            None => default.to_owned(),
        };
        let confirm_request = text(
            &c.confirm_request,
            "confirm_request",
            DEFAULT_CONFIRM_REQUEST,
            d,
        );
        let confirmed = text(&c.confirmed, "confirmed", DEFAULT_CONFIRMED, d);
        out.insert(
            kind,
            ChannelConsent {
                policy,
                confirm_request,
                confirmed,
            },
        );
    }
    out
}
