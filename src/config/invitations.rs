//! `[[invitations]]` and `[visitors]`: proactive invitations as written,
//! read from the document, checked and compiled into
//! [`Invitation`]s; their problems become diagnostics here. What the
//! engine does with them is in [`invite`](crate::invite).

use std::collections::HashMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::compile::Declared;
use super::diags::Diags;
use super::duration::opt_str;
use super::node::{Kind, Node};
use super::reader::{Reader, get, join};
use super::settings::DEFAULT_MAX_TEXT;
use super::spec::ConfigSpec;
use crate::channel::{Capabilities, WindowState, render};
use crate::expr::{Condition, Context, Schema};
use crate::invite::{DEFAULT_MAX_PER_VISIT, Invitation, InvitationId, Invitations};
use crate::model::{ChannelKind, Content, QueueId};

/// How long a visitor's session lasts after their last page view when
/// `[visitors] visit_timeout` is not set.
pub const DEFAULT_VISIT_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// How long after an invitation a message from the visitor accepts it
/// when `[visitors] accept_window` is not set.
pub const DEFAULT_ACCEPT_WINDOW: Duration = Duration::from_secs(30 * 60);

/// One `[[invitations]]` entry as written; see [`invite`](crate::invite)
/// for what each field does.
///
/// ```toml
/// [[invitations]]
/// id = "pricing-help"
/// when = "visit.url contains '/pricing' and visit.time_on_page >= 30"
/// message = "Questions about our plans? We're here."
/// queue = "sales"
/// cooldown = "7d"
/// max_wait = "2m"
/// ```
///
/// ```
/// use switchboard::config::{Config, ConfigSpec, InvitationSpec, QueueSpec};
///
/// let mut spec = ConfigSpec::default();
/// spec.queues.push(QueueSpec::new("sales"));
/// spec.invitations.push(InvitationSpec::new("cart", "visit.cart_value >= 200", "Need a hand?", "sales"));
/// let config = Config::from_spec(spec)?;
/// assert_eq!(config.invitations()[0].message.text, "Need a hand?");
/// # Ok::<(), switchboard::config::ConfigError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct InvitationSpec {
    /// Unique id.
    pub id: String,
    /// The condition, in the invitation context; `"true"` when omitted.
    #[serde(default = "always")]
    pub when: String,
    /// What the visitor is shown: a text, or a [`Content`].
    #[serde(deserialize_with = "crate::model::text_or_content::deserialize")]
    pub message: Content,
    /// The queue that answers.
    pub queue: String,
    /// At most once per visitor in this time.
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub cooldown: Option<Duration>,
    /// Shown only while fewer invitations than this were shown in the
    /// visit; [`DEFAULT_MAX_PER_VISIT`] (1) when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_per_visit: Option<u32>,
    /// Shown only while the queue's estimated wait is at most this.
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub max_wait: Option<Duration>,
}

fn always() -> String {
    "true".into()
}

impl InvitationSpec {
    /// An invitation with an id, a condition, a message and a queue, and
    /// no caps of its own.
    pub fn new(
        id: impl Into<String>,
        when: impl Into<String>,
        message: impl Into<Content>,
        queue: impl Into<String>,
    ) -> InvitationSpec {
        InvitationSpec {
            id: id.into(),
            when: when.into(),
            message: message.into(),
            queue: queue.into(),
            cooldown: None,
            max_per_visit: None,
            max_wait: None,
        }
    }
}

/// `[visitors]`: how long a visitor's session and an invitation's offer
/// last. Both are optional.
///
/// ```toml
/// [visitors]
/// visit_timeout = "30m"   # a visitor silent this long starts a new visit
/// accept_window = "30m"   # a message this soon after an invitation accepts it
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct VisitorsSpec {
    /// A visitor's session is forgotten this long after their last page
    /// view; [`DEFAULT_VISIT_TIMEOUT`] when omitted, at least 1 s.
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub visit_timeout: Option<Duration>,
    /// A message this soon after an invitation was shown accepts it;
    /// [`DEFAULT_ACCEPT_WINDOW`] when omitted.
    #[serde(default, with = "opt_str", skip_serializing_if = "Option::is_none")]
    pub accept_window: Option<Duration>,
}

impl VisitorsSpec {
    /// Whether nothing is set.
    pub fn is_empty(&self) -> bool {
        self == &VisitorsSpec::default()
    }
}

/// `[visitors]` with every default applied. Get it from
/// [`Config::visitor_settings`](super::Config::visitor_settings).
///
/// ```
/// use std::time::Duration;
/// use switchboard::config::{Config, DEFAULT_VISIT_TIMEOUT};
///
/// let config = Config::from_toml_str("[visitors]\naccept_window = \"10m\"")?;
/// let v = config.visitor_settings();
/// assert_eq!((v.visit_timeout, v.accept_window), (DEFAULT_VISIT_TIMEOUT, Duration::from_secs(600)));
/// # Ok::<(), switchboard::config::ConfigError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct VisitorSettings {
    /// A visitor's session is forgotten this long after their last view.
    pub visit_timeout: Duration,
    /// A message this soon after an invitation was shown accepts it.
    pub accept_window: Duration,
}

impl VisitorSettings {
    pub(super) fn resolve(v: &VisitorsSpec) -> Self {
        VisitorSettings {
            visit_timeout: v.visit_timeout.unwrap_or(DEFAULT_VISIT_TIMEOUT),
            accept_window: v.accept_window.unwrap_or(DEFAULT_ACCEPT_WINDOW),
        }
    }
}

const KEYS: [&str; 7] = [
    "id",
    "when",
    "message",
    "queue",
    "cooldown",
    "max_per_visit",
    "max_wait",
];

const MESSAGE_HELP: &str = "write a text, or a table such as { text = \"Need a hand?\", quick_replies = [{ title = \"Chat with us\", payload = \"chat\" }] }";

/// Reads `[[invitations]]`.
pub(super) fn read(r: &mut Reader, n: &Node) -> Vec<InvitationSpec> {
    if let Kind::Table(entries) = &n.kind {
        r.note("invitations", n);
        let settings = entries
            .iter()
            .any(|(k, _)| ["visit_timeout", "accept_window"].contains(&k.as_str()));
        r.err(
            "invitations",
            "`invitations` is the list of invitations, not a table",
        )
        .help = Some(if settings {
            "put visit_timeout and accept_window under [visitors], and write each invitation as [[invitations]]".into()
        } else {
            "write each invitation as [[invitations]] (in JSON, \"invitations\": [{…}])".into()
        });
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, item) in r.array(n, "invitations").iter().enumerate() {
        if let Some(inv) = read_one(r, item, &format!("invitations[{i}]")) {
            out.push(inv);
            r.origins.invitations.push(i);
        }
    }
    out
}

fn read_one(r: &mut Reader, n: &Node, path: &str) -> Option<InvitationSpec> {
    let e = r.table(n, path, &KEYS)?;
    let id = match get(e, "id") {
        Some(v) => r.string(v, &join(path, "id"))?,
        None => {
            r.err(path, "this invitation has no `id`").help =
                Some("give every invitation a unique id = \"…\"; tags and rules name it".into());
            return None;
        }
    };
    r.item = Some(format!("invitation `{id}`"));
    let when = match get(e, "when") {
        Some(v) => r
            .string(v, &join(path, "when"))
            .unwrap_or_else(|| "false".into()),
        None => always(),
    };
    // A message that does not read was reported; a stand-in lets the
    // rest of the invitation be checked (the configuration fails anyway).
    let message = match get(e, "message") {
        Some(v) => message(r, v, &join(path, "message")),
        None => {
            r.err(path, "this invitation has no `message`").help = Some(MESSAGE_HELP.into());
            None
        }
    }
    .unwrap_or_else(|| Content::text("…"));
    let queue = match get(e, "queue") {
        Some(v) => r.string(v, &join(path, "queue")),
        None => {
            r.err(path, "this invitation has no `queue`").help = Some(
                "name the queue whose agents answer a visitor who accepts, such as queue = \"sales\""
                    .into(),
            );
            None
        }
    };
    let cooldown = get(e, "cooldown").and_then(|v| r.duration(v, &join(path, "cooldown")));
    let max_wait = get(e, "max_wait").and_then(|v| r.duration(v, &join(path, "max_wait")));
    let max_per_visit = get(e, "max_per_visit").and_then(|v| {
        let p = join(path, "max_per_visit");
        let n = r.int(v, &p)?;
        match u32::try_from(n) {
            Ok(n) => Some(n),
            Err(_) => {
                r.err(&p, format!("max_per_visit {n} is out of range")).help =
                    Some("it is how many invitations a visit may show, such as 1".into());
                None
            }
        }
    });
    r.item = None;
    Some(InvitationSpec {
        id,
        when,
        message,
        queue: queue?,
        cooldown,
        max_per_visit,
        max_wait,
    })
}

/// A message: a text, or a table read as [`Content`].
fn message(r: &mut Reader, n: &Node, path: &str) -> Option<Content> {
    r.note(path, n);
    match &n.kind {
        Kind::Str(s) => Some(Content::text(s.clone())),
        Kind::Table(_) => match serde_json::from_value::<Content>(json(n)) {
            Ok(c) => Some(c),
            Err(e) => {
                r.err(path, format!("this message does not read: {e}")).help =
                    Some(MESSAGE_HELP.into());
                None
            }
        },
        _ => {
            r.wrong(path, n, "a text or a table");
            None
        }
    }
}

/// A node as JSON, for reading a serde type out of the document.
fn json(n: &Node) -> serde_json::Value {
    use serde_json::Value as J;
    match &n.kind {
        Kind::Null => J::Null,
        Kind::Str(s) => J::String(s.clone()),
        Kind::Int(i) => J::from(*i),
        Kind::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        Kind::Bool(b) => J::Bool(*b),
        Kind::Array(items) => J::Array(items.iter().map(json).collect()),
        Kind::Table(entries) => {
            J::Object(entries.iter().map(|(k, v)| (k.clone(), json(v))).collect())
        }
    }
}

/// Reads `[visitors]`.
pub(super) fn read_visitors(r: &mut Reader, n: &Node) -> VisitorsSpec {
    let mut s = VisitorsSpec::default();
    let Some(e) = r.table(n, "visitors", &["visit_timeout", "accept_window"]) else {
        return s;
    };
    s.visit_timeout = get(e, "visit_timeout").and_then(|v| r.duration(v, "visitors.visit_timeout"));
    s.accept_window = get(e, "accept_window").and_then(|v| r.duration(v, "visitors.accept_window"));
    s
}

/// Checks and compiles the invitations and `[visitors]`, reporting their
/// problems to `d`.
pub(super) fn compile(
    spec: &ConfigSpec,
    schema: &Schema,
    declared: &Declared<'_>,
    origins: &super::reader::Origins,
    d: &mut Diags,
) -> Invitations {
    if spec
        .visitors
        .visit_timeout
        .is_some_and(|t| t < Duration::from_secs(1))
    {
        d.error(
            "visitors.visit_timeout".into(),
            None,
            "visit_timeout must be at least 1s".into(),
            Some(
                "it is how long a visitor's session lasts after their last page view, such as 30m"
                    .into(),
            ),
        );
    }
    let max_text = spec.conversations.max_text.unwrap_or(DEFAULT_MAX_TEXT);
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut out = Vec::new();
    for (i, inv) in spec.invitations.iter().enumerate() {
        let path = format!("invitations[{}]", origins.invitation(i));
        let item = format!("invitation `{}`", inv.id);
        let item = Some(item.as_str());
        if inv.id.trim().is_empty() {
            d.error(
                format!("{path}.id"),
                item,
                "an invitation id cannot be empty".into(),
                Some("actions, events, the tag invitation:<id> and conversation.campaign name it, such as id = \"pricing-help\"".into()),
            );
        } else if let Some(first) = seen.insert(inv.id.as_str(), i) {
            d.error(
                format!("{path}.id"),
                item,
                format!("duplicate invitation id `{}`", inv.id),
                Some(format!(
                    "invitations[{}] has the same id; the tag and conversation.campaign name an invitation by its id",
                    origins.invitation(first)
                )),
            );
        }
        let when = match Condition::compile(&inv.when, schema, Context::Invitation) {
            Ok(c) => Some(c),
            Err(errs) => {
                d.expr(format!("{path}.when"), item, &inv.when, errs);
                None
            }
        };
        if !declared.queues.contains(&inv.queue.as_str()) {
            d.reference(
                format!("{path}.queue"),
                item,
                "queue",
                &inv.queue,
                &declared.queues,
            );
        }
        if let Some((msg, help)) = message_problem(&inv.message, max_text) {
            d.error(format!("{path}.message"), item, msg, Some(help));
        }
        if inv.max_per_visit == Some(0) {
            d.error(
                format!("{path}.max_per_visit"),
                item,
                "max_per_visit must be at least 1".into(),
                Some("it is how many invitations (of any id) a visit may have shown for this one to show; remove the invitation to never show it".into()),
            );
        }
        if let Some(when) = when {
            out.push(Invitation::new(
                InvitationId::new(inv.id.clone()),
                when,
                inv.message.clone(),
                QueueId::new(inv.queue.clone()),
                inv.cooldown,
                inv.max_per_visit.unwrap_or(DEFAULT_MAX_PER_VISIT),
                inv.max_wait,
            ));
        }
    }
    Invitations::new(out)
}

/// What is wrong with an invitation's message, if anything: empty, over
/// `max_text`, a choice without a title or payload, or something web chat
/// and in-app widgets cannot show.
fn message_problem(c: &Content, max_text: u32) -> Option<(String, String)> {
    if c.is_empty() {
        return Some(("the message is empty".into(), MESSAGE_HELP.into()));
    }
    let len = c.text.len()
        + c.quick_replies
            .iter()
            .map(|q| q.title.len() + q.payload.len())
            .sum::<usize>()
        + c.attachments
            .iter()
            .map(|a| a.url.len() + a.caption.as_ref().map_or(0, String::len))
            .sum::<usize>()
        + c.link
            .as_ref()
            .map_or(0, |l| l.url.len() + l.title.as_ref().map_or(0, String::len));
    if len > max_text as usize {
        return Some((
            format!("the message is {len} bytes; the limit is {max_text}"),
            "shorten it, or raise [conversations] max_text".into(),
        ));
    }
    if c.quick_replies
        .iter()
        .any(|q| q.title.trim().is_empty() || q.payload.trim().is_empty())
    {
        return Some((
            "a quick reply has an empty title or payload".into(),
            "give each choice a title the visitor sees and a payload the host receives".into(),
        ));
    }
    for channel in [ChannelKind::WebChat, ChannelKind::InApp] {
        if let Err(e) = render(c, &Capabilities::for_kind(&channel), WindowState::Open) {
            return Some((
                format!("the message cannot be shown on {channel}: {e}"),
                "invitations are shown in web chat and in-app widgets; give it text".into(),
            ));
        }
    }
    None
}
