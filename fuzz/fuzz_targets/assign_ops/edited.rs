//! Restoring edited snapshots: the edits made to a snapshot's JSON, and
//! the round of calls an assigner restored from one is driven through.

use super::{CONVS, EDITED, Harness, QUEUES, configs, conv_id};
use std::time::Duration;
use switchboard::assign::{Assigner, AssignerSnapshot, ConversationStatus, Presence, Request};
use switchboard::{AgentId, ChannelKind, QueueId, Ticket, Timestamp};

impl Harness {
    /// Restores the current snapshot with `edits` made to its JSON: no
    /// panic, and an assigner it gives keeps its invariants through a
    /// round of calls.
    pub(crate) fn restore_edited(&self, edits: &[(u16, u8)]) {
        let mut v = serde_json::to_value(self.assigner.snapshot()).expect("a snapshot serializes");
        for &(at, how) in edits {
            edit(&mut v, at, how);
        }
        let text = v.to_string();
        EDITED.with(|e| e.borrow_mut().push(text.clone()));
        let Ok(snapshot) = serde_json::from_str::<AssignerSnapshot>(&text) else {
            return;
        };
        let Ok(mut g) = Assigner::restore(configs()[self.config].clone(), snapshot.clone()) else {
            return;
        };
        assert_eq!(
            g.snapshot(),
            snapshot,
            "an edited snapshot restored, but not as itself"
        );
        probe(&mut g, snapshot.now(), self.config);
    }
}

/// A step into a JSON document.
enum Seg {
    Key(String),
    At(usize),
}

/// Every node of `v` (arrays and objects too, but not the entries of
/// free lists, which would take most edits), depth first.
fn nodes(v: &serde_json::Value, path: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    let copy = |p: &[Seg]| -> Vec<Seg> {
        p.iter()
            .map(|s| match s {
                Seg::Key(k) => Seg::Key(k.clone()),
                Seg::At(i) => Seg::At(*i),
            })
            .collect()
    };
    out.push(copy(path));
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                path.push(Seg::Key(k.clone()));
                if k == "free" {
                    out.push(copy(path));
                } else {
                    nodes(x, path, out);
                }
                path.pop();
            }
        }
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                path.push(Seg::At(i));
                nodes(x, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Changes node `at` (of those [`nodes`] lists) of `v`, as `how` says.
fn edit(v: &mut serde_json::Value, at: u16, how: u8) {
    use serde_json::Value;
    let mut all = Vec::new();
    nodes(v, &mut Vec::new(), &mut all);
    let mut strings = Vec::new();
    for p in &all {
        if let Some(Value::String(s)) = get(v, p) {
            strings.push(s.clone());
        }
    }
    let Some(path) = all.get(usize::from(at) % all.len().max(1)) else {
        return;
    };
    let Some(node) = get_mut(v, path) else {
        return;
    };
    let k = usize::from(how);
    match node {
        Value::Number(n) => {
            let x = n.as_u64();
            *node = match k % 8 {
                0 => 0.into(),
                1 => x.map_or(0, |x| x.wrapping_add(1)).into(),
                2 => x.map_or(0, |x| x.saturating_sub(1)).into(),
                3 => 255.into(),
                4 => 256.into(),
                5 => u64::from(u32::MAX).into(),
                6 => u64::MAX.into(),
                _ => (-1).into(),
            }
        }
        Value::String(_) => {
            *node = match k % 3 {
                0 => "".into(),
                1 if !strings.is_empty() => strings[k % strings.len()].clone().into(),
                _ => "a0".into(),
            }
        }
        Value::Bool(b) => *b = !*b,
        Value::Null => *node = 0.into(),
        Value::Array(a) => match k % 4 {
            0 => {
                a.pop();
            }
            1 => {
                if let Some(x) = a.first().cloned() {
                    a.push(x);
                }
            }
            2 => a.clear(),
            _ => a.reverse(),
        },
        Value::Object(m) => {
            if let Some(key) = m.keys().nth(k % m.len().max(1)).cloned() {
                m.remove(&key);
            }
        }
    }
}

fn get<'a>(v: &'a serde_json::Value, path: &[Seg]) -> Option<&'a serde_json::Value> {
    path.iter().try_fold(v, |v, s| match s {
        Seg::Key(k) => v.get(k),
        Seg::At(i) => v.get(*i),
    })
}

fn get_mut<'a>(v: &'a mut serde_json::Value, path: &[Seg]) -> Option<&'a mut serde_json::Value> {
    path.iter().try_fold(v, |v, s| match s {
        Seg::Key(k) => v.get_mut(k),
        Seg::At(i) => v.get_mut(*i),
    })
}

/// Drives an assigner restored from an edited snapshot through a round
/// of calls from `t`, its own clock, checking its invariants after each.
/// Time moves on by at most a day a step, so that every timer still runs
/// at its own time.
fn probe(g: &mut Assigner, mut t: Timestamp, mut config: usize) {
    let ok = |g: &Assigner, what: &str| {
        if let Err(e) = g.check_invariants() {
            panic!("an edited snapshot restored, then after {what}: {e}");
        }
    };
    ok(g, "restore");
    let agents: Vec<AgentId> = g.agents().map(|v| v.id().clone()).collect();
    let mut convs: Vec<Ticket> = (0..CONVS).map(conv_id).collect();
    for a in &agents {
        convs.extend(g.tickets_of(a).into_iter().cloned());
    }
    for q in QUEUES {
        convs.extend(
            g.waiting(&QueueId::new(q))
                .unwrap_or_default()
                .into_iter()
                .cloned(),
        );
    }
    for round in 0..3 {
        while g.poll_event().is_some() {}
        for a in &agents {
            let _ = g.set_presence(t, a, Presence::Available);
            ok(g, "set_presence");
        }
        for c in &convs {
            match g.status(c, t) {
                Some(ConversationStatus::Offered { agents, .. }) => {
                    let _ = g.accept(t, &agents[0], c);
                }
                Some(ConversationStatus::Assigned { .. }) => {
                    let _ = g.customer_wrote(t, c);
                }
                _ => {}
            }
            ok(g, "accept or customer_wrote");
        }
        let id = Ticket::new(format!("probe{round}"));
        let _ = g.enqueue(t, Request::new(id.clone(), "general", ChannelKind::WebChat));
        convs.push(id);
        ok(g, "enqueue");
        t = g
            .poll_timeout()
            .filter(|x| *x <= t + Duration::from_secs(86_400))
            .map_or(t, |x| x.max(t));
        g.handle_timeout(t);
        ok(g, "handle_timeout");
        t = t + Duration::from_secs(600);
        g.handle_timeout(t);
        ok(g, "handle_timeout");
        config = 1 - config;
        let _ = g.reconfigure(t, configs()[config].clone(), Some(&QueueId::new("general")));
        ok(g, "reconfigure");
        let _ = g.snapshot();
        if let Some(a) = agents.get(round) {
            let _ = g.set_presence(t, a, Presence::Offline);
            ok(g, "set_presence offline");
        }
    }
    for c in &convs {
        let _ = g.finish(t, c);
        ok(g, "finish");
    }
    for a in &agents {
        let _ = g.remove_agent(t, a);
        ok(g, "remove_agent");
    }
}
