//! Proactive invitations under random page views, dismissals, messages,
//! agents coming and going, and time: no invitation is shown beyond its
//! caps, while the visitor has an open conversation, or with no agent
//! ready; and a snapshot anywhere replays to the same outputs.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use proptest::prelude::*;
use switchboard::assign::{AgentProfile, Capacity, Presence};
use switchboard::config::Config;
use switchboard::engine::{
    Action, Closer, EventKind, Inbound, Input, Output, Snapshot, Switchboard,
};
use switchboard::handoff::State;
use switchboard::invite::{InvitationId, Visit};
use switchboard::{Address, AgentId, ChannelKind, ConversationId, QueueId, Timestamp};

const CONFIG: &str = r#"
[[queues]]
id = "sales"

[[queues]]
id = "support"

[assignment]
max_missed_offers = 1000000

[conversations]
inactivity_timeout = "10m"
reopen_window = "20m"

[[invitations]]
id = "timed"
when = "visit.url contains '/pricing' and visit.time_on_page >= 20"
message = "Questions about our plans?"
queue = "sales"
cooldown = "1h"

[[invitations]]
id = "cart"
when = "visit.cart_value >= 100"
message = { text = "Need a hand?", quick_replies = [{ title = "Yes", payload = "yes" }] }
queue = "support"
max_per_visit = 2

[[invitations]]
id = "browsing"
when = "visit.pages >= 3 and visit.time_on_page > 4.5"
message = "Looking for something?"
queue = "sales"
cooldown = "10m"
max_wait = "1m"

[visitors]
visit_timeout = "5m"
accept_window = "3m"
"#;

/// `(id, cooldown, max_per_visit)` of each invitation above.
const CAPS: [(&str, Option<u64>, u32); 3] = [
    ("timed", Some(3600), 1),
    ("cart", None, 2),
    ("browsing", Some(600), 1),
];
const VISIT_TIMEOUT: Duration = Duration::from_secs(300);
const ACCEPT_WINDOW: Duration = Duration::from_secs(180);

/// Three web chat visitors, and one in the app, where no agent has room.
const VISITORS: [(&str, ChannelKind); 4] = [
    ("v1", ChannelKind::WebChat),
    ("v2", ChannelKind::WebChat),
    ("v3", ChannelKind::WebChat),
    ("app-1", ChannelKind::InApp),
];
const URLS: [&str; 3] = [
    "https://shop.example/pricing",
    "https://shop.example/cart",
    "https://shop.example/",
];
const AGENTS: [&str; 2] = ["ana", "bea"];

/// Monday 2026-11-23 10:00 UTC.
const T0: u64 = 1_795_428_000_000;

fn config() -> Config {
    Config::from_toml_str(CONFIG).expect("compiles")
}

#[derive(Clone, Debug)]
enum Op {
    Wait(u16),
    Input(Box<Input>),
}

fn visit() -> impl Strategy<Value = Input> {
    (
        0..4usize,
        0..3usize,
        prop_oneof![
            Just(None),
            Just(Some(5.0)),
            Just(Some(19.5)),
            Just(Some(25.0))
        ],
        1..5u32,
        prop_oneof![Just(None), Just(Some(1u32)), Just(Some(2))],
        prop_oneof![
            Just(None),
            Just(Some(50.0)),
            Just(Some(150.0)),
            Just(Some(-1.0))
        ],
    )
        .prop_map(|(v, u, top, pages, visits, cart)| {
            let (who, ch) = &VISITORS[v];
            let mut visit =
                Visit::new(ch.clone(), Address::new_unchecked(*who), URLS[u]).with_pages(pages);
            visit.time_on_page = top;
            visit.visits = visits;
            visit.cart_value = cart;
            Input::Visit(visit)
        })
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        6 => visit(),
        2 => (0..4usize, 0..3usize).prop_map(|(v, i)| {
            let (who, ch) = &VISITORS[v];
            Input::InvitationDismissed {
                channel: ch.clone(),
                visitor: Address::new_unchecked(*who),
                invitation: InvitationId::new(CAPS[i].0),
            }
        }),
        2 => (0..4usize, prop_oneof![Just("yes please"), Just("hello"), Just("thanks")]).prop_map(|(v, text)| {
            let (who, ch) = &VISITORS[v];
            Input::Inbound(Inbound::new(ch.clone(), Address::new_unchecked(*who), text))
        }),
        2 => (0..2usize, 0..3usize).prop_map(|(a, s)| Input::AgentStatus {
            agent: AgentId::new(AGENTS[a]),
            status: [Presence::Available, Presence::Away, Presence::Offline][s],
        }),
        1 => (1..7u8, any::<bool>()).prop_map(|(c, customer)| Input::Close {
            conversation: ConversationId::new(format!("c{c}")),
            by: if customer { Closer::Customer } else { Closer::System },
            agent: None,
        }),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => prop_oneof![Just(1u16), Just(7), Just(20), Just(61), Just(200), Just(400), Just(4000)].prop_map(Op::Wait),
        6 => input().prop_map(|i| Op::Input(Box::new(i))),
    ]
}

/// A fresh engine with both agents signed in, available, with room on
/// web chat only.
fn engine() -> Switchboard {
    let mut sb = Switchboard::new(config());
    let t = Timestamp::from_millis(T0);
    for a in AGENTS {
        let profile =
            AgentProfile::new(a).with_capacity(Capacity::new([(ChannelKind::WebChat, 50)]));
        sb.handle(t, Input::AgentUpsert(profile)).unwrap();
        sb.handle(
            t,
            Input::AgentStatus {
                agent: AgentId::new(a),
                status: Presence::Available,
            },
        )
        .unwrap();
    }
    while sb.poll_output().is_some() {}
    sb
}

/// What the checker knows of one visitor.
#[derive(Debug, Default)]
struct Seen {
    last_view: Option<Timestamp>,
    visit_number: Option<u32>,
    shown: u32,
    /// The invitation last shown, when, and whether it awaits an answer.
    last_shown: Option<(String, Timestamp, bool)>,
    /// Per invitation, when it may be shown again.
    blocked: BTreeMap<String, Timestamp>,
    open: BTreeSet<ConversationId>,
}

impl Seen {
    /// When the visit ends, as the engine keeps it.
    fn ends(&self) -> Option<Timestamp> {
        let viewed = self.last_view? + VISIT_TIMEOUT;
        Some(match &self.last_shown {
            Some((_, at, true)) => viewed.max(*at + ACCEPT_WINDOW),
            _ => viewed,
        })
    }
}

/// The model the outputs are checked against.
#[derive(Debug, Default)]
struct Checker {
    visitors: BTreeMap<String, Seen>,
    owner: BTreeMap<ConversationId, String>,
    /// Whether an agent was ready when the step began (readiness only
    /// changes with agents' inputs here, which show no invitation).
    ready: bool,
}

impl Checker {
    fn input(&mut self, t: Timestamp, input: &Input) {
        match input {
            Input::Visit(v) => {
                let s = self.visitors.entry(v.visitor.to_string()).or_default();
                let goes_on = s.ends().is_some_and(|e| t < e)
                    && !matches!((v.visits, s.visit_number), (Some(a), Some(b)) if a != b);
                if goes_on {
                    s.visit_number = v.visits.or(s.visit_number);
                } else {
                    s.visit_number = v.visits;
                    s.shown = 0;
                    s.last_shown = None;
                }
                s.last_view = Some(t);
            }
            Input::InvitationDismissed {
                visitor,
                invitation,
                ..
            } => {
                let s = self.visitors.entry(visitor.to_string()).or_default();
                if let Some((id, _, awaiting)) = &mut s.last_shown
                    && id == invitation.as_str()
                {
                    *awaiting = false;
                }
                let (_, cooldown, _) = CAPS.iter().find(|c| c.0 == invitation.as_str()).unwrap();
                if let Some(c) = cooldown {
                    let until = t + Duration::from_secs(*c);
                    let b = s.blocked.entry(invitation.to_string()).or_insert(until);
                    *b = (*b).max(until);
                }
            }
            Input::Inbound(m) => {
                if let Some((_, _, awaiting)) = self
                    .visitors
                    .get_mut(m.from.as_str())
                    .and_then(|s| s.last_shown.as_mut())
                {
                    *awaiting = false;
                }
            }
            _ => {}
        }
    }

    fn output(&mut self, o: &Output, writer: Option<&str>) {
        match o {
            Output::Action(line) => {
                let Action::Invite {
                    invitation,
                    channel,
                    to,
                    ..
                } = &line.action
                else {
                    return;
                };
                let at = line.at;
                assert_eq!(
                    channel,
                    &ChannelKind::WebChat,
                    "no agent has room in the app: {to}"
                );
                assert!(
                    self.ready,
                    "{invitation} shown to {to} at {at} with no agent ready"
                );
                let s = self.visitors.entry(to.to_string()).or_default();
                assert!(
                    s.ends().is_some_and(|e| at < e),
                    "{invitation} shown to {to} outside a visit"
                );
                assert!(
                    s.open.is_empty(),
                    "{invitation} shown to {to} during {:?}",
                    s.open
                );
                let (id, cooldown, max) =
                    *CAPS.iter().find(|c| c.0 == invitation.as_str()).unwrap();
                assert!(
                    s.shown < max,
                    "{id} shown to {to} after {} this visit",
                    s.shown
                );
                if let Some(until) = s.blocked.get(id) {
                    assert!(
                        at >= *until,
                        "{id} shown to {to} at {at}, cooling until {until}"
                    );
                }
                s.shown += 1;
                s.last_shown = Some((id.to_owned(), at, true));
                if let Some(c) = cooldown {
                    s.blocked.insert(id.to_owned(), at + Duration::from_secs(c));
                }
            }
            Output::Event(e) => {
                let Some(c) = &e.conversation else { return };
                match &e.kind {
                    EventKind::Started { .. } => {
                        let who = writer
                            .expect("only a message starts a conversation")
                            .to_owned();
                        self.owner.insert(c.clone(), who.clone());
                        self.visitors.entry(who).or_default().open.insert(c.clone());
                    }
                    EventKind::Transition { to, .. } => {
                        let Some(who) = self.owner.get(c) else { return };
                        let s = self.visitors.entry(who.clone()).or_default();
                        if *to == State::Closed {
                            s.open.remove(c);
                        } else {
                            s.open.insert(c.clone());
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
}

/// Runs `ops` from `sb` at `t`, returning every output as a line; with a
/// checker, checks the caps on the way.
fn run(
    sb: &mut Switchboard,
    mut t: Timestamp,
    ops: &[Op],
    mut check: Option<&mut Checker>,
) -> Vec<String> {
    let mut out = Vec::new();
    for op in ops {
        if let Some(c) = check.as_deref_mut() {
            let stats = sb.queue_stats(&QueueId::new("sales")).unwrap();
            c.ready = stats.ready > 0;
        }
        let mut writer = None;
        match op {
            Op::Wait(s) => {
                t = t + Duration::from_secs(u64::from(*s));
                sb.handle_timeout(t);
            }
            Op::Input(input) => {
                t = t + Duration::from_millis(250);
                if let Input::Inbound(m) = &**input {
                    writer = Some(m.from.to_string());
                }
                // Timers due first, on their own, so that the input's
                // outputs follow the model's view of the time.
                sb.handle_timeout(t);
                drain(sb, &mut out, check.as_deref_mut(), None);
                if let Some(c) = check.as_deref_mut() {
                    c.ready = sb.queue_stats(&QueueId::new("sales")).unwrap().ready > 0;
                }
                let before = check
                    .is_some()
                    .then(|| serde_json::to_string(&sb.snapshot()).unwrap());
                let r = sb.handle(t, (**input).clone());
                match (&r, before, check.as_deref_mut()) {
                    (Err(e), Some(before), _) => {
                        assert_eq!(
                            serde_json::to_string(&sb.snapshot()).unwrap(),
                            before,
                            "{input:?} ({e}) changed the state"
                        );
                        assert!(
                            sb.poll_output().is_none(),
                            "{input:?} was refused with outputs"
                        );
                    }
                    (Ok(()), _, Some(c)) => c.input(t, input),
                    _ => {}
                }
                out.push(format!("{r:?}"));
            }
        }
        drain(sb, &mut out, check.as_deref_mut(), writer.as_deref());
        if check.is_some() {
            sb.check_invariants()
                .unwrap_or_else(|e| panic!("after {op:?}: {e}"));
        }
    }
    out
}

fn drain(
    sb: &mut Switchboard,
    out: &mut Vec<String>,
    mut check: Option<&mut Checker>,
    writer: Option<&str>,
) {
    while let Some(o) = sb.poll_output() {
        if let Some(c) = check.as_deref_mut() {
            c.output(&o, writer);
        }
        out.push(serde_json::to_string(&o).unwrap());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn invitations_never_pass_their_caps_an_open_conversation_or_an_empty_queue(
        ops in proptest::collection::vec(op(), 1..120),
    ) {
        let mut sb = engine();
        let mut checker = Checker::default();
        run(&mut sb, Timestamp::from_millis(T0), &ops, Some(&mut checker));
    }

    #[test]
    fn a_snapshot_anywhere_replays_visits_to_the_same_outputs(
        ops in proptest::collection::vec(op(), 2..100),
        cut in any::<prop::sample::Index>(),
    ) {
        let cut = cut.index(ops.len());
        let t0 = Timestamp::from_millis(T0);
        let mut a = engine();
        run(&mut a, t0, &ops[..cut], None);
        let t = a.now();
        let json = serde_json::to_string(&a.snapshot()).unwrap();
        let tail_a = run(&mut a, t, &ops[cut..], None);
        let snap: Snapshot = serde_json::from_str(&json).unwrap();
        let mut b = Switchboard::restore(config(), snap).unwrap();
        let tail_b = run(&mut b, t, &ops[cut..], None);
        prop_assert_eq!(tail_a, tail_b);
        prop_assert_eq!(
            serde_json::to_string(&a.snapshot()).unwrap(),
            serde_json::to_string(&b.snapshot()).unwrap()
        );
    }
}

/// The model agrees with the engine on a hand-made run: shown, cooling
/// down, shown again.
#[test]
fn the_checker_follows_a_plain_run() {
    let mut sb = engine();
    let mut c = Checker::default();
    let pricing = |top: Option<f64>| {
        let mut v = Visit::new(ChannelKind::WebChat, Address::new_unchecked("v1"), URLS[0]);
        v.time_on_page = top;
        Op::Input(Box::new(Input::Visit(v)))
    };
    let ops = [
        pricing(None),
        Op::Wait(20),
        Op::Wait(4000),
        pricing(Some(25.0)),
    ];
    let out = run(&mut sb, Timestamp::from_millis(T0), &ops, Some(&mut c));
    let shown = out
        .iter()
        .filter(|l| l.contains("\"type\":\"invite\""))
        .count();
    assert_eq!(shown, 2, "{out:#?}");
}
