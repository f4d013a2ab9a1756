//! Random sequences of notifications, consent changes, keywords and time,
//! checked against an independent model of the consent rules: nothing is
//! ever sent without the consent its purpose and channel need, nothing is
//! sent in the contact's quiet hours, no cap is exceeded, and every
//! notification ends sent or refused — none is lost while it waits. A
//! snapshot anywhere replays to the same outputs.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use jiff::tz::TimeZone;
use proptest::prelude::*;
use switchboard::config::Config;
use switchboard::engine::{ContactUpsert, Event, EventKind, Inbound, Input, Snapshot, Switchboard};
use switchboard::notify::{
    ConsentChange, ConsentSource, ConsentUpdate, Notification, Purpose, SourceKind,
};
use switchboard::{Address, ChannelKind, ContactId, Timestamp, Value};

const CONFIG: &str = r#"
[[queues]]
id = "support"

[notifications]
timezone = "America/New_York"
quiet_hours = "21:00-08:00"
caps.marketing = { max = 2, per = "7d" }

[consent.sms]
marketing = "double_opt_in"

[campaigns.order]
purpose = "transactional"
text = "Order {order} is late."
template = { name = "order_late", language = "en", parameters = ["{order}"] }
max = 1
per = "1d"

[campaigns.sale]
purpose = "marketing"
text = "Sale this week."
"#;

/// Three contacts, each with a phone on SMS and WhatsApp and an e-mail,
/// in three time zones (the first in the configured default).
const CONTACTS: [(&str, &str, Option<&str>); 3] = [
    ("k0", "+14155550100", None),
    ("k1", "+14155550101", Some("Asia/Tokyo")),
    ("k2", "+14155550102", Some("Europe/Berlin")),
];
const CHANNELS: [ChannelKind; 3] = [ChannelKind::Sms, ChannelKind::WhatsApp, ChannelKind::Email];
const TEXTS: [&str; 4] = ["STOP", "START", "YES", "hello"];
const CONFIRM_WITHIN: Duration = Duration::from_secs(48 * 3600);

fn address(k: usize, ch: &ChannelKind) -> Address {
    let raw = if *ch == ChannelKind::Email {
        format!("k{k}@example.com")
    } else {
        CONTACTS[k].1.to_owned()
    };
    Address::new(ch, &raw).expect("valid")
}

#[derive(Clone, Debug)]
enum Op {
    Wait(u64),
    Notify {
        k: usize,
        sale: bool,
    },
    Consent {
        k: usize,
        ch: usize,
        purpose: Option<bool>,
        opt_in: bool,
        keyword: bool,
    },
    Say {
        k: usize,
        ch: usize,
        text: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => prop_oneof![Just(60u64), Just(3_600), Just(5 * 3_600), Just(13 * 3_600), Just(2 * 86_400)]
            .prop_map(Op::Wait),
        3 => (0..3usize, any::<bool>()).prop_map(|(k, sale)| Op::Notify { k, sale }),
        3 => (0..3usize, 0..3usize, prop::option::of(any::<bool>()), any::<bool>(), any::<bool>())
            .prop_map(|(k, ch, purpose, opt_in, keyword)| Op::Consent { k, ch, purpose, opt_in, keyword }),
        2 => (0..3usize, 0..2usize, 0..4usize).prop_map(|(k, ch, text)| Op::Say { k, ch, text }),
    ]
}

fn input(op: &Op, n: usize) -> Option<Input> {
    Some(match op {
        Op::Wait(_) => return None,
        Op::Notify { k, sale } => {
            let to = Notification::to_contact(CONTACTS[*k].0).id(format!("n{n}"));
            Input::Notify(if *sale {
                to.campaign("sale")
            } else {
                to.campaign("order").value("order", format!("{n}"))
            })
        }
        Op::Consent {
            k,
            ch,
            purpose,
            opt_in,
            keyword,
        } => {
            let ch = CHANNELS[*ch].clone();
            let purpose = purpose.map(|m| {
                if m {
                    Purpose::Marketing
                } else {
                    Purpose::Transactional
                }
            });
            let change = if *opt_in {
                ConsentChange::OptIn
            } else {
                ConsentChange::OptOut
            };
            let kind = if *keyword {
                SourceKind::Keyword
            } else {
                SourceKind::WebForm
            };
            Input::Consent(ConsentUpdate::new(
                ch.clone(),
                address(*k, &ch),
                purpose,
                change,
                ConsentSource::new(kind),
            ))
        }
        Op::Say { k, ch, text } => {
            let ch = CHANNELS[*ch].clone();
            Input::Inbound(Inbound::new(ch.clone(), address(*k, &ch), TEXTS[*text]))
        }
    })
}

fn t0() -> Timestamp {
    Timestamp::from_millis(crate::MONDAY_10)
}

fn engine() -> Switchboard {
    let mut sb = Switchboard::new(Config::from_toml_str(CONFIG).expect("compiles"));
    for (k, (id, _, tz)) in CONTACTS.iter().enumerate() {
        let mut c = ContactUpsert::new(*id);
        for ch in &CHANNELS {
            c = c.identity(ch.clone(), address(k, ch));
        }
        if let Some(tz) = tz {
            c = c.attribute("timezone", Value::Text((*tz).into()));
        }
        sb.handle(t0(), Input::Contact(c)).expect("contact");
    }
    sb
}

/// What happened, in order: each input given (at its time) and each event.
enum Step {
    Input(Timestamp, Box<Input>),
    Event(Event),
}

/// Runs `ops` from `t`, returning the outputs as lines and the steps.
/// Timers due by an input's time run before it, so an input's events are
/// its own.
fn run(
    sb: &mut Switchboard,
    mut t: Timestamp,
    ops: &[Op],
    first: usize,
) -> (Vec<String>, Vec<Step>) {
    let mut lines = Vec::new();
    let mut steps = Vec::new();
    let drain = |sb: &mut Switchboard, lines: &mut Vec<String>, steps: &mut Vec<Step>| {
        while let Some(a) = sb.poll_action_line() {
            lines.push(serde_json::to_string(&a).unwrap());
        }
        while let Some(e) = sb.poll_event() {
            lines.push(serde_json::to_string(&e).unwrap());
            steps.push(Step::Event(e));
        }
    };
    for (i, op) in ops.iter().enumerate() {
        match input(op, first + i) {
            None => {
                if let Op::Wait(s) = op {
                    t = t + Duration::from_secs(*s);
                }
                sb.handle_timeout(t);
            }
            Some(inp) => {
                t = t + Duration::from_secs(1);
                sb.handle_timeout(t);
                drain(sb, &mut lines, &mut steps);
                steps.push(Step::Input(t, Box::new(inp.clone())));
                let r = sb.handle(t, inp);
                lines.push(format!("{r:?}"));
            }
        }
        drain(sb, &mut lines, &mut steps);
    }
    (lines, steps)
}

/// The consent rules, written again from the documentation.
#[derive(Default)]
struct Model {
    stopped: BTreeSet<(ChannelKind, Address)>,
    purposes: BTreeMap<(ChannelKind, Address, Purpose), (&'static str, Timestamp)>,
}

impl Model {
    fn needs_opt_in(ch: &ChannelKind, p: Purpose) -> bool {
        matches!(
            (ch, p),
            (ChannelKind::Sms, Purpose::Marketing) | (ChannelKind::WhatsApp, _)
        )
    }

    fn double(ch: &ChannelKind, p: Purpose) -> bool {
        *ch == ChannelKind::Sms && p == Purpose::Marketing
    }

    fn allows(&self, ch: &ChannelKind, a: &Address, p: Purpose) -> bool {
        if self.stopped.contains(&(ch.clone(), a.clone())) {
            return false;
        }
        match self.purposes.get(&(ch.clone(), a.clone(), p)).map(|s| s.0) {
            Some("out") => false,
            Some("in") => true,
            _ => !Self::needs_opt_in(ch, p),
        }
    }

    fn apply(&mut self, at: Timestamp, input: &Input) {
        match input {
            Input::Consent(u) => {
                let key = (u.channel.clone(), u.address.clone());
                match (u.change, u.purpose) {
                    (ConsentChange::OptOut, None) => {
                        self.stopped.insert(key);
                    }
                    (ConsentChange::OptIn, None) => {
                        self.stopped.remove(&key);
                    }
                    (ConsentChange::OptOut, Some(p)) => {
                        self.purposes.insert((key.0, key.1, p), ("out", at));
                    }
                    (ConsentChange::OptIn, Some(p)) => {
                        let pending =
                            Self::double(&key.0, p) && u.source.kind != SourceKind::Keyword;
                        self.purposes.insert(
                            (key.0, key.1, p),
                            (if pending { "pending" } else { "in" }, at),
                        );
                    }
                    _ => {}
                }
            }
            Input::Inbound(m) => {
                let key = (m.channel.clone(), m.from.clone());
                let word = m.text.as_str();
                let pending: Vec<Purpose> = [Purpose::Transactional, Purpose::Marketing]
                    .into_iter()
                    .filter(|p| {
                        self.purposes
                            .get(&(key.0.clone(), key.1.clone(), *p))
                            .is_some_and(|s| {
                                s.0 == "pending" && s.1 >= at.saturating_sub(CONFIRM_WITHIN)
                            })
                    })
                    .collect();
                // Any opt-in keyword from the address confirms (START as well as YES).
                if matches!(word, "YES" | "START") && !pending.is_empty() {
                    for p in pending {
                        self.purposes
                            .insert((key.0.clone(), key.1.clone(), p), ("in", at));
                    }
                    self.stopped.remove(&key);
                } else if m.channel == ChannelKind::Sms {
                    match word {
                        "STOP" => {
                            self.stopped.insert(key);
                        }
                        "START" | "YES" => {
                            self.stopped.remove(&key);
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

fn local_quiet(at: Timestamp, tz: Option<&str>) -> bool {
    let tz = TimeZone::get(tz.unwrap_or("America/New_York")).unwrap();
    let z = jiff::Timestamp::from_millisecond(at.as_millis() as i64)
        .unwrap()
        .to_zoned(tz);
    let minutes = i32::from(z.hour()) * 60 + i32::from(z.minute());
    !(8 * 60..21 * 60).contains(&minutes)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn consent_quiet_hours_and_caps_always_hold_and_nothing_is_lost(
        ops in proptest::collection::vec(op(), 1..80),
    ) {
        let mut sb = engine();
        while sb.poll_output().is_some() {}
        let mut all = ops.clone();
        all.push(Op::Wait(3 * 86_400));
        let (_, steps) = run(&mut sb, t0(), &all, 0);
        let mut model = Model::default();
        let mut sent: Vec<(Timestamp, usize, Purpose, Option<String>)> = Vec::new();
        let mut ended = BTreeMap::new();
        for step in &steps {
            let e = match step {
                Step::Input(at, input) => {
                    model.apply(*at, input);
                    continue;
                }
                Step::Event(e) => e,
            };
            match &e.kind {
                EventKind::NotificationSent { notification, contact, campaign, purpose, channel, .. } => {
                    let k = CONTACTS.iter().position(|c| Some(c.0) == contact.as_ref().map(ContactId::as_str)).unwrap();
                    let a = address(k, channel);
                    prop_assert!(model.allows(channel, &a, *purpose),
                        "{notification:?} went on {channel} to {a} without consent for {purpose}");
                    prop_assert!(!local_quiet(e.at, CONTACTS[k].2),
                        "{notification:?} went in quiet hours at {}", e.at);
                    sent.push((e.at, k, *purpose, campaign.clone()));
                    let week = e.at.saturating_sub(Duration::from_secs(7 * 86_400));
                    let day = e.at.saturating_sub(Duration::from_secs(86_400));
                    let marketing = sent.iter().filter(|s| s.1 == k && s.2 == Purpose::Marketing && s.0 > week).count();
                    let orders = sent.iter().filter(|s| s.1 == k && s.3.as_deref() == Some("order") && s.0 > day).count();
                    prop_assert!(marketing <= 2, "{marketing} marketing messages in a week");
                    prop_assert!(orders <= 1, "{orders} order messages in a day");
                    prop_assert!(ended.insert(notification.clone(), "sent").is_none());
                }
                EventKind::NotificationRefused { notification, .. } => {
                    prop_assert!(ended.insert(notification.clone(), "refused").is_none());
                }
                _ => {}
            }
        }
        let notified = all.iter().enumerate().filter(|(_, o)| matches!(o, Op::Notify { .. })).count();
        prop_assert_eq!(ended.len(), notified, "every notification ends sent or refused");
        prop_assert_eq!(sb.notifications_waiting(), 0);
        sb.check_invariants().map_err(TestCaseError::fail)?;
    }

    #[test]
    fn a_snapshot_anywhere_replays_notifications_the_same(
        ops in proptest::collection::vec(op(), 2..60),
        cut in any::<prop::sample::Index>(),
    ) {
        let cut = cut.index(ops.len());
        let mut a = engine();
        run(&mut a, t0(), &ops[..cut], 0);
        let t = a.now();
        let json = serde_json::to_string(&a.snapshot()).unwrap();
        let (tail_a, _) = run(&mut a, t, &ops[cut..], cut);
        let snap: Snapshot = serde_json::from_str(&json).unwrap();
        let mut b = Switchboard::restore(a.config().clone(), snap).unwrap();
        let (tail_b, _) = run(&mut b, t, &ops[cut..], cut);
        prop_assert_eq!(tail_a, tail_b);
        prop_assert_eq!(
            serde_json::to_string(&a.snapshot()).unwrap(),
            serde_json::to_string(&b.snapshot()).unwrap()
        );
    }
}
