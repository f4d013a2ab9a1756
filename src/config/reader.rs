//! Reads a node tree into a [`ConfigSpec`], collecting every problem.

use std::collections::BTreeMap;
use std::time::Duration;

use super::checks::{
    FAIRNESS_MAX_HELP, LIMIT_HELP, MISSED_OFFERS_HELP, Problem, check_count, check_offers,
    check_priority,
};
use super::diagnostic::Diagnostic;
use super::duration;
use super::invitations;
use super::messages;
use super::node::{Kind, Node, SpanMap};
use super::outreach;
use super::spec::{
    ActionSpec, AssignmentSpec, BotSpec, ConfigSpec, ConversationsSpec, DefaultsSpec,
    EscalationSpec, FairnessSpec, OverflowSpec, QueueSpec, RelaxSpec, RuleSpec, StrategySpec,
    TriggerSpec,
};
use crate::calendar::CalendarSpec;
use crate::expr::{AttrType, did_you_mean};
use crate::model::{Attributes, Value};

#[derive(Default)]
pub(crate) struct Reader {
    pub(crate) diags: Vec<Diagnostic>,
    pub(crate) spans: SpanMap,
    pub(crate) origins: Origins,
    pub(super) item: Option<String>,
}

/// Where each read item sits in the document, so diagnostics name the right
/// `rules[i]` even when an item before it could not be read.
#[derive(Debug, Default)]
pub(crate) struct Origins {
    rules: Vec<usize>,
    queues: Vec<usize>,
    triggers: Vec<usize>,
    pub(super) invitations: Vec<usize>,
}

impl Origins {
    pub(crate) fn rule(&self, i: usize) -> usize {
        self.rules.get(i).copied().unwrap_or(i)
    }

    pub(crate) fn queue(&self, i: usize) -> usize {
        self.queues.get(i).copied().unwrap_or(i)
    }

    pub(crate) fn trigger(&self, i: usize) -> usize {
        self.triggers.get(i).copied().unwrap_or(i)
    }

    pub(crate) fn invitation(&self, i: usize) -> usize {
        self.invitations.get(i).copied().unwrap_or(i)
    }
}

type Entries = [(String, Node)];

impl Reader {
    pub(super) fn err(&mut self, path: &str, msg: impl Into<String>) -> &mut Diagnostic {
        let item = self.item.clone();
        self.diags
            .push(Diagnostic::error(path, msg).item(item.as_deref()));
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }

    pub(super) fn note(&mut self, path: &str, n: &Node) {
        if let Some(s) = n.span {
            self.spans.insert(path.to_owned(), s);
        }
    }

    pub(super) fn wrong(&mut self, path: &str, n: &Node, expected: &str) {
        let got = n.kind.describe();
        self.note(path, n);
        self.err(path, format!("expected {expected}, found {got}"));
    }

    /// A table's entries; unknown keys are reported with a suggestion.
    pub(super) fn table<'n>(
        &mut self,
        n: &'n Node,
        path: &str,
        keys: &[&str],
    ) -> Option<&'n Entries> {
        self.note(path, n);
        let Kind::Table(entries) = &n.kind else {
            self.wrong(path, n, "a table");
            return None;
        };
        for (k, v) in entries {
            if !keys.contains(&k.as_str()) && !keys.is_empty() {
                let p = join(path, k);
                self.note(&p, v);
                let help = did_you_mean(k, &mut keys.iter().map(|s| (*s).to_owned()))
                    .unwrap_or_else(|| format!("the keys here are: {}", keys.join(", ")));
                self.err(&p, format!("unknown key `{k}`")).help = Some(help);
            }
        }
        Some(entries)
    }

    pub(super) fn string(&mut self, n: &Node, path: &str) -> Option<String> {
        self.note(path, n);
        match &n.kind {
            Kind::Str(s) => Some(s.clone()),
            _ => {
                self.wrong(path, n, "text");
                None
            }
        }
    }

    pub(super) fn int(&mut self, n: &Node, path: &str) -> Option<i64> {
        self.note(path, n);
        match n.kind {
            Kind::Int(i) => Some(i),
            Kind::Float(f) if !f.is_finite() || f.fract() == 0.0 => {
                self.err(path, "this number is out of range");
                None
            }
            _ => {
                self.wrong(path, n, "an integer");
                None
            }
        }
    }

    fn number(&mut self, n: &Node, path: &str) -> Option<f64> {
        self.note(path, n);
        match n.kind {
            Kind::Int(i) => Some(i as f64),
            Kind::Float(f) if f.is_finite() => Some(f),
            Kind::Float(_) => {
                self.err(path, "expected a finite number");
                None
            }
            _ => {
                self.wrong(path, n, "a number");
                None
            }
        }
    }

    pub(super) fn boolean(&mut self, n: &Node, path: &str) -> Option<bool> {
        self.note(path, n);
        match n.kind {
            Kind::Bool(b) => Some(b),
            _ => {
                self.wrong(path, n, "true or false");
                None
            }
        }
    }

    pub(super) fn duration(&mut self, n: &Node, path: &str) -> Option<Duration> {
        let s = self.string(n, path)?;
        match duration::parse(&s) {
            Ok(d) => Some(d),
            Err(m) => {
                self.err(path, m);
                None
            }
        }
    }

    /// The value of a range check, or its problem reported at `path`.
    fn checked<T>(&mut self, path: &str, check: Result<T, Problem>) -> Option<T> {
        match check {
            Ok(v) => Some(v),
            Err((msg, help)) => {
                self.err(path, msg).help = help;
                None
            }
        }
    }

    /// A queue or rule priority.
    fn priority(&mut self, n: &Node, path: &str) -> Option<i32> {
        let p = self.int(n, path)?;
        self.checked(path, check_priority(p))?;
        i32::try_from(p).ok()
    }

    /// A count that must be at least 1. Zero fits the type and is reported
    /// when the configuration compiles, so the values beside it are still
    /// read and checked.
    pub(super) fn count(&mut self, n: &Node, path: &str, field: &str, help: &str) -> Option<u32> {
        let i = self.int(n, path)?;
        match u32::try_from(i) {
            Ok(n) => Some(n),
            Err(_) => self.checked(path, check_count(field, i, help)),
        }
    }

    pub(super) fn strings(&mut self, n: &Node, path: &str) -> Vec<String> {
        self.note(path, n);
        match &n.kind {
            Kind::Array(items) => items
                .iter()
                .enumerate()
                .filter_map(|(i, e)| self.string(e, &format!("{path}[{i}]")))
                .collect(),
            _ => {
                self.wrong(path, n, "a list of text");
                Vec::new()
            }
        }
    }

    fn value(&mut self, n: &Node, path: &str) -> Option<Value> {
        self.note(path, n);
        Some(match &n.kind {
            Kind::Str(s) => Value::Text(s.clone()),
            Kind::Int(i) => Value::Number(*i as f64),
            Kind::Float(f) if f.is_finite() => Value::Number(*f),
            Kind::Bool(b) => Value::Bool(*b),
            Kind::Array(items) => Value::List(
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, e)| self.value(e, &format!("{path}[{i}]")))
                    .collect(),
            ),
            _ => {
                self.wrong(path, n, "text, a number, a boolean or a list");
                return None;
            }
        })
    }

    pub(super) fn array<'n>(&mut self, n: &'n Node, path: &str) -> &'n [Node] {
        self.note(path, n);
        match &n.kind {
            Kind::Array(items) => items,
            _ => {
                self.wrong(path, n, "an array of tables");
                &[]
            }
        }
    }
}

pub(super) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

pub(super) fn get<'n>(entries: &'n Entries, key: &str) -> Option<&'n Node> {
    entries
        .iter()
        .find(|(k, n)| k == key && !matches!(n.kind, Kind::Null))
        .map(|(_, n)| n)
}

const TOP: [&str; 18] = [
    "rules",
    "queues",
    "calendars",
    "templates",
    "canned",
    "bots",
    "strategies",
    "escalation",
    "assignment",
    "defaults",
    "conversations",
    "contact_attributes",
    "agent_attributes",
    "notifications",
    "consent",
    "campaigns",
    "invitations",
    "visitors",
];

/// Reads the whole document.
pub(crate) fn read(root: &Node) -> (ConfigSpec, Reader) {
    let mut r = Reader::default();
    let mut spec = ConfigSpec::default();
    let Some(top) = r.table(root, "", &TOP) else {
        return (spec, r);
    };
    if let Some(n) = get(top, "rules") {
        for (i, item) in r.array(n, "rules").iter().enumerate() {
            if let Some(rule) = read_rule(&mut r, item, &format!("rules[{i}]")) {
                spec.rules.push(rule);
                r.origins.rules.push(i);
            }
        }
    }
    if let Some(n) = get(top, "queues") {
        for (i, item) in r.array(n, "queues").iter().enumerate() {
            if let Some(q) = read_queue(&mut r, item, &format!("queues[{i}]")) {
                spec.queues.push(q);
                r.origins.queues.push(i);
            }
        }
    }
    if let Some(n) = get(top, "calendars")
        && let Some(cals) = r.table(n, "calendars", &[])
    {
        for (name, c) in cals {
            let path = format!("calendars.{name}");
            r.item = Some(format!("calendar `{name}`"));
            if let Some(cal) = read_calendar(&mut r, c, &path) {
                spec.calendars.insert(name.clone(), cal);
            }
            r.item = None;
        }
    }
    if let Some(n) = get(top, "templates") {
        spec.templates = messages::read_templates(&mut r, n);
    }
    if let Some(n) = get(top, "canned") {
        spec.canned = messages::read_canned(&mut r, n);
    }
    if let Some(n) = get(top, "bots")
        && let Some(bots) = r.table(n, "bots", &[])
    {
        for (name, b) in bots {
            let path = format!("bots.{name}");
            if let Some(e) = r.table(b, &path, &["timeout"]) {
                let timeout =
                    get(e, "timeout").and_then(|t| r.duration(t, &join(&path, "timeout")));
                spec.bots.insert(name.clone(), BotSpec { timeout });
            }
        }
    }
    if let Some(n) = get(top, "strategies")
        && let Some(strategies) = r.table(n, "strategies", &[])
    {
        for (name, st) in strategies {
            let path = format!("strategies.{name}");
            if let Some(e) = r.table(st, &path, &[]) {
                // Every key is unknown: the declaration is the name alone.
                for (k, v) in e {
                    let p = join(&path, k);
                    r.note(&p, v);
                    r.err(&p, format!("unknown key `{k}`")).help = Some(
                        "[strategies.<name>] only declares the name; the host installs the ranking in code"
                            .into(),
                    );
                }
                spec.strategies
                    .insert(name.clone(), StrategySpec::default());
            }
        }
    }
    if let Some(n) = get(top, "escalation") {
        spec.escalation = read_escalation(&mut r, n);
    }
    if let Some(n) = get(top, "assignment") {
        spec.assignment = read_assignment(&mut r, n);
    }
    if let Some(n) = get(top, "conversations") {
        spec.conversations = read_conversations(&mut r, n);
    }
    if let Some(n) = get(top, "defaults")
        && let Some(e) = r.table(n, "defaults", &["bot", "queue", "timezone"])
    {
        spec.defaults = DefaultsSpec {
            bot: get(e, "bot").and_then(|v| r.string(v, "defaults.bot")),
            queue: get(e, "queue").and_then(|v| r.string(v, "defaults.queue")),
            timezone: get(e, "timezone").and_then(|v| r.string(v, "defaults.timezone")),
        };
    }
    if let Some(n) = get(top, "notifications") {
        spec.notifications = outreach::read_notifications(&mut r, n);
    }
    if let Some(n) = get(top, "consent") {
        spec.consent = outreach::read_consent(&mut r, n);
    }
    if let Some(n) = get(top, "campaigns") {
        spec.campaigns = outreach::read_campaigns(&mut r, n);
    }
    if let Some(n) = get(top, "invitations") {
        spec.invitations = invitations::read(&mut r, n);
    }
    if let Some(n) = get(top, "visitors") {
        spec.visitors = invitations::read_visitors(&mut r, n);
    }
    for (key, target) in [
        ("contact_attributes", &mut spec.contact_attributes),
        ("agent_attributes", &mut spec.agent_attributes),
    ] {
        if let Some(n) = get(top, key) {
            *target = read_types(&mut r, n, key);
        }
    }
    (spec, r)
}

fn read_types(r: &mut Reader, n: &Node, path: &str) -> BTreeMap<String, AttrType> {
    let mut out = BTreeMap::new();
    let Some(e) = r.table(n, path, &[]) else {
        return out;
    };
    for (name, t) in e {
        let p = join(path, name);
        let Some(s) = r.string(t, &p) else { continue };
        let ty = match s.as_str() {
            "text" => AttrType::Text,
            "number" => AttrType::Number,
            "bool" => AttrType::Bool,
            "list" => AttrType::List,
            other => {
                r.err(&p, format!("unknown attribute type `{other}`")).help =
                    Some("the types are text, number, bool and list".into());
                continue;
            }
        };
        out.insert(name.clone(), ty);
    }
    out
}

fn read_rule(r: &mut Reader, n: &Node, path: &str) -> Option<RuleSpec> {
    let e = r.table(n, path, &["id", "when", "then", "continue"])?;
    let id = match get(e, "id") {
        Some(v) => r.string(v, &join(path, "id"))?,
        None => {
            r.err(path, "this rule has no `id`").help =
                Some("give every rule a unique id = \"…\"".into());
            return None;
        }
    };
    r.item = Some(format!("rule `{id}`"));
    let when = match get(e, "when") {
        Some(v) => r
            .string(v, &join(path, "when"))
            .unwrap_or_else(|| "false".into()),
        None => "true".into(),
    };
    let continue_ = get(e, "continue")
        .and_then(|v| r.boolean(v, &join(path, "continue")))
        .unwrap_or(false);
    let then = match get(e, "then") {
        Some(v) => read_action(r, v, &join(path, "then")),
        None => {
            r.err(path, "this rule has no `then`").help = Some(
                "say what it does: then = { queue = \"…\" }, { bot = \"…\" }, { tags = […] }…"
                    .into(),
            );
            None
        }
    };
    r.item = None;
    Some(RuleSpec {
        id,
        when,
        then: then?,
        continue_,
    })
}

fn read_action(r: &mut Reader, n: &Node, path: &str) -> Option<ActionSpec> {
    let keys = [
        "bot", "queue", "drop", "priority", "tags", "reply", "opt_out", "set",
    ];
    let e = r.table(n, path, &keys)?;
    let mut a = ActionSpec {
        bot: get(e, "bot").and_then(|v| r.string(v, &join(path, "bot"))),
        ..ActionSpec::default()
    };
    a.queue = get(e, "queue").and_then(|v| r.string(v, &join(path, "queue")));
    a.drop = get(e, "drop")
        .and_then(|v| r.boolean(v, &join(path, "drop")))
        .unwrap_or(false);
    a.priority = get(e, "priority").and_then(|v| r.priority(v, &join(path, "priority")));
    a.tags = get(e, "tags")
        .map(|v| r.strings(v, &join(path, "tags")))
        .unwrap_or_default();
    a.reply = get(e, "reply").and_then(|v| r.string(v, &join(path, "reply")));
    a.opt_out = get(e, "opt_out")
        .and_then(|v| r.boolean(v, &join(path, "opt_out")))
        .unwrap_or(false);
    if let Some(v) = get(e, "set") {
        let p = join(path, "set");
        let mut set = Attributes::new();
        if let Some(kv) = r.table(v, &p, &[]) {
            for (k, val) in kv {
                if let Some(x) = r.value(val, &join(&p, k)) {
                    set.insert(k.clone(), x);
                }
            }
        }
        a.set = set;
    }
    Some(a)
}

fn read_queue(r: &mut Reader, n: &Node, path: &str) -> Option<QueueSpec> {
    let keys = [
        "id",
        "eligible",
        "strategy",
        "skill",
        "priority",
        "sla",
        "calendar",
        "relax",
        "overflow",
        "max_size",
        "offer_timeout",
        "reply_timeout",
        "aging",
        "offers",
        "wrap_up",
    ];
    let e = r.table(n, path, &keys)?;
    let id = match get(e, "id") {
        Some(v) => r.string(v, &join(path, "id"))?,
        None => {
            r.err(path, "this queue has no `id`");
            return None;
        }
    };
    r.item = Some(format!("queue `{id}`"));
    let mut q = QueueSpec::new(id);
    q.eligible = get(e, "eligible").and_then(|v| r.string(v, &join(path, "eligible")));
    q.strategy = get(e, "strategy").and_then(|v| r.string(v, &join(path, "strategy")));
    q.skill = get(e, "skill").and_then(|v| r.string(v, &join(path, "skill")));
    if let Some(p) = get(e, "priority").and_then(|v| r.priority(v, &join(path, "priority"))) {
        q.priority = p;
    }
    q.sla = get(e, "sla").and_then(|v| r.duration(v, &join(path, "sla")));
    q.calendar = get(e, "calendar").and_then(|v| r.string(v, &join(path, "calendar")));
    if let Some(v) = get(e, "relax") {
        let p = join(path, "relax");
        for (i, step) in r.array(v, &p).iter().enumerate() {
            let sp = format!("{p}[{i}]");
            let Some(se) = r.table(step, &sp, &["after", "eligible"]) else {
                continue;
            };
            let after = get(se, "after").and_then(|x| r.duration(x, &join(&sp, "after")));
            let elig = get(se, "eligible").and_then(|x| r.string(x, &join(&sp, "eligible")));
            match (after, elig) {
                (Some(after), Some(eligible)) => q.relax.push(RelaxSpec { after, eligible }),
                // A present but malformed value was reported when read.
                _ => {
                    if get(se, "after").is_none() {
                        r.err(&sp, "a relaxation step needs `after`");
                    }
                    if get(se, "eligible").is_none() {
                        r.err(&sp, "a relaxation step needs `eligible`");
                    }
                }
            }
        }
    }
    if let Some(v) = get(e, "overflow") {
        let p = join(path, "overflow");
        if let Some(oe) = r.table(v, &p, &["after", "to"]) {
            let after = get(oe, "after").and_then(|x| r.duration(x, &join(&p, "after")));
            let to = get(oe, "to").and_then(|x| r.string(x, &join(&p, "to")));
            match (after, to) {
                (Some(after), Some(to)) => q.overflow = Some(OverflowSpec { after, to }),
                _ => {
                    if get(oe, "after").is_none() || get(oe, "to").is_none() {
                        r.err(&p, "overflow needs `after` and `to`").help =
                            Some("overflow = { after = \"10m\", to = \"general\" }".into());
                    }
                }
            }
        }
    }
    if let Some(v) = get(e, "max_size") {
        let p = join(path, "max_size");
        match r.int(v, &p) {
            Some(i) if i > 0 => q.max_size = usize::try_from(i).ok(),
            Some(_) => {
                r.err(&p, "max_size must be at least 1");
            }
            None => {}
        }
    }
    q.offer_timeout =
        get(e, "offer_timeout").and_then(|v| r.duration(v, &join(path, "offer_timeout")));
    q.reply_timeout =
        get(e, "reply_timeout").and_then(|v| r.duration(v, &join(path, "reply_timeout")));
    q.aging = get(e, "aging").and_then(|v| r.duration(v, &join(path, "aging")));
    if let Some(v) = get(e, "offers") {
        let p = join(path, "offers");
        if let Some(i) = r.int(v, &p)
            && r.checked(&p, check_offers(i)).is_some()
        {
            q.offers = u32::try_from(i).ok();
        }
    }
    q.wrap_up = get(e, "wrap_up").and_then(|v| r.duration(v, &join(path, "wrap_up")));
    r.item = None;
    Some(q)
}

fn read_calendar(r: &mut Reader, n: &Node, path: &str) -> Option<CalendarSpec> {
    let e = r.table(n, path, &[])?;
    let mut c = CalendarSpec::default();
    match get(e, "timezone") {
        Some(v) => c.timezone = r.string(v, &join(path, "timezone"))?,
        None => {
            r.err(path, "this calendar has no `timezone`").help =
                Some("add an IANA name, such as timezone = \"Europe/Berlin\"".into());
            return None;
        }
    }
    for (k, v) in e {
        let p = join(path, k);
        match k.as_str() {
            "timezone" => {}
            "closed" => c.closed = r.strings(v, &p),
            _ => {
                if let Some(s) = r.string(v, &p) {
                    c.hours.insert(k.clone(), s);
                }
            }
        }
    }
    Some(c)
}

fn read_escalation(r: &mut Reader, n: &Node) -> EscalationSpec {
    let keys = [
        "queue",
        "phrases",
        "max_fallbacks",
        "min_confidence",
        "sentiment_below",
        "human_intents",
        "rules",
    ];
    let mut s = EscalationSpec::default();
    let Some(e) = r.table(n, "escalation", &keys) else {
        return s;
    };
    s.queue = get(e, "queue").and_then(|v| r.string(v, "escalation.queue"));
    s.phrases = get(e, "phrases")
        .map(|v| r.strings(v, "escalation.phrases"))
        .unwrap_or_default();
    if let Some(v) = get(e, "max_fallbacks") {
        match r.int(v, "escalation.max_fallbacks") {
            Some(i) if i >= 1 => match u32::try_from(i) {
                Ok(n) => s.max_fallbacks = Some(n),
                Err(_) => {
                    r.err(
                        "escalation.max_fallbacks",
                        format!("max_fallbacks {i} is out of range"),
                    );
                }
            },
            Some(_) => {
                r.err(
                    "escalation.max_fallbacks",
                    "max_fallbacks must be at least 1",
                );
            }
            None => {}
        }
    }
    s.min_confidence =
        get(e, "min_confidence").and_then(|v| r.number(v, "escalation.min_confidence"));
    s.sentiment_below =
        get(e, "sentiment_below").and_then(|v| r.number(v, "escalation.sentiment_below"));
    s.human_intents = get(e, "human_intents")
        .map(|v| r.strings(v, "escalation.human_intents"))
        .unwrap_or_default();
    if let Some(v) = get(e, "rules") {
        for (i, t) in r.array(v, "escalation.rules").iter().enumerate() {
            let p = format!("escalation.rules[{i}]");
            let Some(te) = r.table(t, &p, &["id", "when", "queue"]) else {
                continue;
            };
            let id = get(te, "id").and_then(|x| r.string(x, &join(&p, "id")));
            let when = get(te, "when").and_then(|x| r.string(x, &join(&p, "when")));
            let queue = get(te, "queue").and_then(|x| r.string(x, &join(&p, "queue")));
            match (id, when) {
                (Some(id), Some(when)) => {
                    s.rules.push(TriggerSpec { id, when, queue });
                    r.origins.triggers.push(i);
                }
                _ => {
                    r.err(&p, "an escalation rule needs `id` and `when`");
                }
            }
        }
    }
    s
}

fn read_conversations(r: &mut Reader, n: &Node) -> ConversationsSpec {
    let keys = [
        "across_channels",
        "max_text",
        "transcript_messages",
        "transcript_bytes",
        "inactivity_timeout",
        "reopen_window",
        "hold_timeout",
        "no_agent_timeout",
        "notice_interval",
        "sticky_agent",
        "contact_retention",
        "csat",
        "fallback_queue",
    ];
    let mut s = ConversationsSpec::default();
    let Some(e) = r.table(n, "conversations", &keys) else {
        return s;
    };
    let p = |k: &str| format!("conversations.{k}");
    s.across_channels = get(e, "across_channels").and_then(|v| r.boolean(v, &p("across_channels")));
    for (key, slot) in [
        ("max_text", &mut s.max_text),
        ("transcript_messages", &mut s.transcript_messages),
        ("transcript_bytes", &mut s.transcript_bytes),
    ] {
        *slot = get(e, key).and_then(|v| r.count(v, &p(key), key, LIMIT_HELP));
    }
    for (key, slot) in [
        ("inactivity_timeout", &mut s.inactivity_timeout),
        ("reopen_window", &mut s.reopen_window),
        ("hold_timeout", &mut s.hold_timeout),
        ("no_agent_timeout", &mut s.no_agent_timeout),
        ("notice_interval", &mut s.notice_interval),
        ("sticky_agent", &mut s.sticky_agent),
        ("contact_retention", &mut s.contact_retention),
    ] {
        *slot = get(e, key).and_then(|v| r.duration(v, &p(key)));
    }
    s.csat = get(e, "csat").and_then(|v| r.boolean(v, &p("csat")));
    s.fallback_queue = get(e, "fallback_queue").and_then(|v| r.string(v, &p("fallback_queue")));
    s
}

fn read_assignment(r: &mut Reader, n: &Node) -> AssignmentSpec {
    let keys = [
        "max_missed_offers",
        "wrap_up",
        "offline_grace",
        "preferred_wait",
        "fairness",
        "handle_time",
    ];
    let mut s = AssignmentSpec::default();
    let Some(e) = r.table(n, "assignment", &keys) else {
        return s;
    };
    s.max_missed_offers = get(e, "max_missed_offers").and_then(|v| {
        r.count(
            v,
            "assignment.max_missed_offers",
            "max_missed_offers",
            MISSED_OFFERS_HELP,
        )
    });
    s.wrap_up = get(e, "wrap_up").and_then(|v| r.duration(v, "assignment.wrap_up"));
    s.offline_grace =
        get(e, "offline_grace").and_then(|v| r.duration(v, "assignment.offline_grace"));
    s.preferred_wait =
        get(e, "preferred_wait").and_then(|v| r.duration(v, "assignment.preferred_wait"));
    if let Some(v) = get(e, "fairness") {
        let p = "assignment.fairness";
        if let Some(fe) = r.table(v, p, &["max", "per"]) {
            let max = get(fe, "max").and_then(|x| {
                r.count(
                    x,
                    "assignment.fairness.max",
                    "fairness.max",
                    FAIRNESS_MAX_HELP,
                )
            });
            let per = get(fe, "per").and_then(|x| r.duration(x, "assignment.fairness.per"));
            match (max, per) {
                (Some(max), Some(per)) => s.fairness = Some(FairnessSpec { max, per }),
                // A present but malformed value was reported when read.
                _ => {
                    if get(fe, "max").is_none() || get(fe, "per").is_none() {
                        r.err(p, "fairness needs `max` and `per`").help =
                            Some("fairness = { max = 20, per = \"1h\" }".into());
                    }
                }
            }
        }
    }
    s.handle_time = get(e, "handle_time").and_then(|v| r.duration(v, "assignment.handle_time"));
    s
}
