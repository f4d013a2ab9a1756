//! The operations: what each is, the call it makes on an assigner, and the
//! Rust test that replays a sequence of them (the panic hook's reproducer).

use super::{
    AGENTS, CHANNEL_CODE, CHANNELS, CONFIG, LANGS, QUEUES, SKILLS, agent_id, config_b_text,
    configs, conv_id,
};
use std::fmt::Write as _;
use std::time::Duration;
use switchboard::assign::{AgentProfile, AssignError, Assigner, Capacity, Presence, Request};
use switchboard::{AgentId, Attributes, QueueId, Timestamp, Value};

/// One operation, with every choice resolved, as run and as logged.
#[derive(Clone, Debug)]
pub(crate) enum Op {
    Upsert(Upsert),
    Remove(usize),
    Presence(usize, Presence),
    Enqueue(Enqueue),
    Accept(usize, usize),
    Decline(usize, usize),
    Finish(usize),
    Replied(usize),
    Wrote(usize),
    /// Moves the host's clock to this time (no call).
    Advance(u64),
    Timeout,
    /// Restore the snapshot taken after the next call into a twin.
    Snapshot,
    /// Switch to configuration `to` (0 or 1), with a fallback queue.
    Reconfigure {
        to: usize,
        fallback: Option<usize>,
    },
    /// Restore the current snapshot edited: `(leaf, how)` pairs.
    Garbage(Vec<(u16, u8)>),
}

#[derive(Clone, Debug)]
pub(crate) struct Upsert {
    pub(crate) agent: usize,
    pub(crate) skills: Vec<(usize, u8)>,
    pub(crate) langs: Vec<usize>,
    /// `(channel, limit)`.
    pub(crate) limits: Vec<(usize, u32)>,
    /// Budget and `(channel, weight)`.
    pub(crate) budget: Option<(u32, Vec<(usize, u32)>)>,
}

impl Upsert {
    pub(crate) fn valid(&self) -> bool {
        !AGENTS[self.agent].is_empty() && self.skills.iter().all(|(_, l)| *l <= 10)
    }

    pub(crate) fn profile(&self) -> AgentProfile {
        let mut p = AgentProfile::new(AGENTS[self.agent]);
        for &(s, l) in &self.skills {
            p = p.with_skill(SKILLS[s], l);
        }
        p = p.with_languages(self.langs.iter().map(|&l| LANGS[l]));
        let mut cap = Capacity::new(self.limits.iter().map(|&(c, n)| (CHANNELS[c].clone(), n)));
        if let Some((b, w)) = &self.budget {
            cap = cap.with_budget(*b, w.iter().map(|&(c, n)| (CHANNELS[c].clone(), n)));
        }
        p.with_capacity(cap)
    }

    fn code(&self) -> String {
        let mut s = format!("AgentProfile::new({:?})", AGENTS[self.agent]);
        for &(k, l) in &self.skills {
            let _ = write!(s, ".with_skill({:?}, {l})", SKILLS[k]);
        }
        let langs: Vec<&str> = self.langs.iter().map(|&l| LANGS[l]).collect();
        if !langs.is_empty() {
            let _ = write!(s, ".with_languages({langs:?})");
        }
        let pairs = |v: &[(usize, u32)]| -> String {
            let items: Vec<String> = v
                .iter()
                .map(|&(c, n)| format!("({}, {n})", CHANNEL_CODE[c]))
                .collect();
            format!("[{}]", items.join(", "))
        };
        let mut cap = format!("Capacity::new({})", pairs(&self.limits));
        if let Some((b, w)) = &self.budget {
            let _ = write!(cap, ".with_budget({b}, {})", pairs(w));
        }
        let _ = write!(s, ".with_capacity({cap})");
        s
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Enqueue {
    pub(crate) conv: usize,
    pub(crate) queue: usize,
    pub(crate) channel: usize,
    pub(crate) lang: Option<usize>,
    pub(crate) priority: i32,
    pub(crate) vip: bool,
    pub(crate) urgent: bool,
    /// Agent and wait in milliseconds (`None`: the configured wait).
    pub(crate) preferred: Option<(usize, Option<u64>)>,
    pub(crate) waiting_since: Option<u64>,
    /// The only agent it may be offered to.
    pub(crate) for_agent: Option<usize>,
}

impl Enqueue {
    pub(crate) fn request(&self) -> Request {
        let mut r = Request::new(
            conv_id(self.conv),
            QUEUES[self.queue],
            CHANNELS[self.channel].clone(),
        )
        .with_priority(self.priority);
        if let Some(l) = self.lang {
            r = r.with_lang(LANGS[l]);
        }
        if self.vip {
            r = r.with_contact(Attributes::from([("tier".to_owned(), Value::from("vip"))]));
        }
        if self.urgent {
            r = r.with_tags(["urgent"]);
        }
        if let Some((a, wait)) = self.preferred {
            r = r.with_preferred(AgentId::new(AGENTS[a]), wait.map(Duration::from_millis));
        }
        if let Some(t) = self.waiting_since {
            r = r.waiting_since(Timestamp::from_millis(t));
        }
        if let Some(a) = self.for_agent {
            r = r.for_agent(AgentId::new(AGENTS[a]));
        }
        r
    }

    fn code(&self) -> String {
        let mut s = format!(
            "Request::new({:?}, {:?}, {}).with_priority({})",
            format!("c{}", self.conv),
            QUEUES[self.queue],
            CHANNEL_CODE[self.channel],
            self.priority
        );
        if let Some(l) = self.lang {
            let _ = write!(s, ".with_lang({:?})", LANGS[l]);
        }
        if self.vip {
            s.push_str(
                ".with_contact(Attributes::from([(\"tier\".to_owned(), Value::from(\"vip\"))]))",
            );
        }
        if self.urgent {
            s.push_str(".with_tags([\"urgent\"])");
        }
        if let Some((a, wait)) = self.preferred {
            let wait = match wait {
                Some(ms) => format!("Some(Duration::from_millis({ms}))"),
                None => "None".to_owned(),
            };
            let _ = write!(s, ".with_preferred(AgentId::new({:?}), {wait})", AGENTS[a]);
        }
        if let Some(t) = self.waiting_since {
            let _ = write!(s, ".waiting_since(Timestamp::from_millis({t}))");
        }
        if let Some(a) = self.for_agent {
            let _ = write!(s, ".for_agent(AgentId::new({:?}))", AGENTS[a]);
        }
        s
    }
}

/// Makes `op`'s call on `a` at `t` (nothing for the harness's own
/// operations).
pub(crate) fn call(a: &mut Assigner, op: &Op, t: Timestamp) -> Result<(), AssignError> {
    match op {
        Op::Upsert(u) => a.upsert_agent(t, u.profile()),
        Op::Remove(x) => a.remove_agent(t, &agent_id(*x)),
        Op::Presence(x, p) => a.set_presence(t, &agent_id(*x), *p),
        Op::Enqueue(e) => a.enqueue(t, e.request()).map(|_| ()),
        Op::Accept(x, c) => a.accept(t, &agent_id(*x), &conv_id(*c)),
        Op::Decline(x, c) => a.decline(t, &agent_id(*x), &conv_id(*c)),
        Op::Finish(c) => a.finish(t, &conv_id(*c)).map(|_| ()),
        Op::Replied(c) => a.agent_replied(t, &conv_id(*c)),
        Op::Wrote(c) => a.customer_wrote(t, &conv_id(*c)),
        Op::Timeout => {
            a.handle_timeout(t);
            Ok(())
        }
        Op::Reconfigure { to, fallback } => {
            let fallback = fallback.map(|q| QueueId::new(QUEUES[q]));
            a.reconfigure(t, configs()[*to].clone(), fallback.as_ref())
        }
        Op::Advance(_) | Op::Snapshot | Op::Garbage(_) => Ok(()),
    }
}

/// The operations as a Rust test. After a snapshot, the calls are made
/// on the original `a` and the restored `b` alike, and compared.
pub(crate) fn reproducer(start: u64, ops: &[Op], edited: &[String]) -> String {
    let mut s = String::from(
        "#[test]\n\
         #[allow(unused_imports, unused_variables, unused_mut)]\n\
         fn assign_ops_fuzz_case() {\n    \
             use std::sync::Arc;\n    \
             use std::time::Duration;\n    \
             use switchboard::assign::{AgentProfile, Assigner, AssignerSnapshot, Capacity, Presence, Request};\n    \
             use switchboard::config::Config;\n    \
             use switchboard::{AgentId, Attributes, ChannelKind, QueueId, Ticket, Timestamp, Value};\n\n",
    );
    let _ = writeln!(
        s,
        "    let configs = [{:?}, {:?}].map(|c| Arc::new(Config::from_toml_str(c).unwrap()));\n    \
         let mut t = Timestamp::from_millis({start});\n    \
         let mut a = Assigner::new(configs[0].clone(), t);\n    \
         let mut b: Option<Assigner> = None;",
        CONFIG,
        config_b_text()
    );
    let mut snapshot_next = false;
    let mut edits = edited.iter();
    for op in ops {
        let line = |x: &str| -> Option<String> {
            Some(match op {
                Op::Upsert(u) => format!("{x}.upsert_agent(t, {})", u.code()),
                Op::Remove(i) => format!("{x}.remove_agent(t, &AgentId::new({:?}))", AGENTS[*i]),
                Op::Presence(i, p) => format!(
                    "{x}.set_presence(t, &AgentId::new({:?}), Presence::{p:?})",
                    AGENTS[*i]
                ),
                Op::Enqueue(e) => format!("{x}.enqueue(t, {}).map(|_| ())", e.code()),
                Op::Accept(i, c) => format!(
                    "{x}.accept(t, &AgentId::new({:?}), &Ticket::new(\"c{c}\"))",
                    AGENTS[*i]
                ),
                Op::Decline(i, c) => format!(
                    "{x}.decline(t, &AgentId::new({:?}), &Ticket::new(\"c{c}\"))",
                    AGENTS[*i]
                ),
                Op::Finish(c) => {
                    format!("{x}.finish(t, &Ticket::new(\"c{c}\")).map(|_| ())")
                }
                Op::Replied(c) => format!("{x}.agent_replied(t, &Ticket::new(\"c{c}\"))"),
                Op::Wrote(c) => format!("{x}.customer_wrote(t, &Ticket::new(\"c{c}\"))"),
                Op::Timeout => {
                    format!("Ok::<(), switchboard::assign::AssignError>({x}.handle_timeout(t))")
                }
                Op::Reconfigure { to, fallback } => format!(
                    "{x}.reconfigure(t, configs[{to}].clone(), {}.as_ref())",
                    match fallback {
                        Some(q) => format!("Some(QueueId::new({:?}))", QUEUES[*q]),
                        None => "None::<QueueId>".to_owned(),
                    }
                ),
                Op::Advance(_) | Op::Snapshot | Op::Garbage(_) => return None,
            })
        };
        match op {
            Op::Advance(to) => {
                let _ = writeln!(s, "    t = Timestamp::from_millis({to});");
                continue;
            }
            Op::Snapshot => {
                snapshot_next = true;
                continue;
            }
            Op::Garbage(_) => {
                let text = edits.next().map_or("", String::as_str);
                let _ = writeln!(
                    s,
                    "    if let Ok(s) = serde_json::from_str::<AssignerSnapshot>({text:?}) {{\n        \
                     let _ = Assigner::restore(a.config().clone(), s);\n    }}"
                );
                continue;
            }
            _ => {}
        }
        let Some(call_a) = line("a") else { continue };
        let _ = writeln!(s, "    let r = {call_a};");
        if std::mem::take(&mut snapshot_next) {
            let _ = writeln!(
                s,
                "    let text = serde_json::to_string(&a.snapshot()).unwrap();\n    \
                 b = Some(Assigner::restore(a.config().clone(), serde_json::from_str(&text).unwrap()).unwrap());"
            );
        } else if let Some(call_b) = line("b") {
            let _ = writeln!(
                s,
                "    if let Some(b) = b.as_mut() {{\n        \
                 assert_eq!(format!(\"{{:?}}\", {call_b}), format!(\"{{r:?}}\"));\n    }}"
            );
        }
        let _ = writeln!(
            s,
            "    let events: Vec<_> = std::iter::from_fn(|| a.poll_event()).collect();\n    \
             a.check_invariants().unwrap();\n    \
             if let Some(b) = b.as_mut() {{\n        \
             assert_eq!(std::iter::from_fn(|| b.poll_event()).collect::<Vec<_>>(), events);\n        \
             assert_eq!(serde_json::to_string(&b.snapshot()).unwrap(), serde_json::to_string(&a.snapshot()).unwrap());\n    \
             }}"
        );
    }
    s.push('}');
    s
}
