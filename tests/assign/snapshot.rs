//! Snapshots: an exact copy of the assigner's state, through JSON and
//! back.

use std::sync::Arc;
use std::time::Duration;

use switchboard::assign::{
    AgentView, AssignEvent, Assigner, AssignerSnapshot, Capacity, Presence, RestoreError,
};
use switchboard::config::Config;
use switchboard::{Attributes, ChannelKind, QueueId, Timestamp, Value};

use crate::*;

const CONFIG: &str = r#"
[calendars.office]
timezone = "Europe/Berlin"
mon-fri = "09:00-17:00"

[assignment]
wrap_up = "15s"
offline_grace = "1m"
fairness = { max = 5, per = "1h" }
handle_time = "3m"

[[queues]]
id = "billing"
eligible = "agent.skills.billing >= 3 and agent.languages has conversation.lang"
relax = [{ after = "1m", eligible = "agent.skills.billing >= 1" }]
overflow = { after = "10m", to = "general" }
aging = "30s"
offers = 2
reply_timeout = "4m"

[[queues]]
id = "general"
strategy = "least_busy"
sla = "2m"

[[queues]]
id = "office"
calendar = "office"
strategy = "round_robin"
"#;

fn json(a: &Assigner) -> String {
    serde_json::to_string(&a.snapshot()).unwrap()
}

fn restore(config: &Arc<Config>, json: &str) -> Result<Assigner, RestoreError> {
    let snapshot: AssignerSnapshot = serde_json::from_str(json).unwrap();
    Assigner::restore(config.clone(), snapshot)
}

/// A world with something in every state: agents available, away and in
/// wrap-up, with attributes, budgets and missed offers; conversations
/// waiting (relaxed, preferred, directed, passed over), offered to two,
/// assigned with a reply due; a learned service rate; events not polled.
fn busy() -> World {
    let mut w = given(CONFIG);
    let mut attrs = Attributes::new();
    attrs.insert("score".into(), Value::Number(0.1 + 0.2));
    attrs.insert("team".into(), Value::from("emea"));
    let mut ana = profile("ana", 2)
        .with_skill("billing", 4)
        .with_languages(["es", "en"]);
    ana.attributes = attrs.clone();
    w.available(ana);
    w.available(
        profile("bo", 3)
            .with_skill("billing", 1)
            .with_languages(["de"])
            .with_capacity(
                Capacity::new([(ChannelKind::WebChat, 3), (ChannelKind::Email, 5)])
                    .with_budget(6, [(ChannelKind::WebChat, 2)]),
            ),
    );
    w.available(
        profile("cy", 1)
            .with_skill("billing", 3)
            .with_languages(["es"]),
    );
    w.enqueue(chat("c1", "billing").with_lang("es").with_contact(attrs));
    w.enqueue(chat("c2", "general"));
    // c1 goes to Ana and Cy at once (two offers); Ana takes it.
    let offers = w.offers();
    assert_eq!(offers, pairs(&[("c1", "ana"), ("c1", "cy"), ("c2", "bo")]));
    w.accept("ana", "c1");
    w.accept("bo", "c2");
    w.secs(20);
    w.a.customer_wrote(w.now, &conv("c1")).unwrap();
    w.enqueue(chat("c3", "billing").with_lang("es").with_priority(2));
    w.events();
    w.decline("cy", "c3");
    w.enqueue(
        chat("c4", "general")
            .with_tags(["refund"])
            .with_preferred(agent("dee"), Some(Duration::from_secs(45))),
    );
    w.enqueue(chat("c5", "office").with_lang("de"));
    w.presence("bo", Presence::Away);
    w.enqueue(chat("t1", "general").for_agent(agent("bo")));
    w.finish("c2");
    w.secs(70);
    w.enqueue(chat("c6", "billing").with_lang("zh"));
    // Nobody speaks Chinese: after a minute the wider step applies.
    w.secs(61);
    w
}

#[test]
fn a_snapshot_round_trips_through_json_byte_for_byte() {
    let w = busy();
    let snapshot = w.a.snapshot();
    let text = serde_json::to_string_pretty(&snapshot).unwrap();
    let back: AssignerSnapshot = serde_json::from_str(&text).unwrap();
    assert_eq!(back, snapshot);
    let restored = Assigner::restore(w.a.config().clone(), back).unwrap();
    assert_eq!(restored.snapshot(), snapshot);
    assert_eq!(
        serde_json::to_string_pretty(&restored.snapshot()).unwrap(),
        text
    );
    // The float attribute comes back to the bit, written as text.
    assert!(
        text.contains(r#""number": "0.30000000000000004""#),
        "{text}"
    );
    // Events not polled are part of it, and a relaxed step.
    assert!(text.contains(r#""type": "offered""#));
    assert!(text.contains(r#""step": 1"#), "{text}");
}

#[test]
fn a_restored_assigner_goes_on_exactly_as_the_original() {
    let mut w = busy();
    let mut b = restore(w.a.config(), &json(&w.a)).unwrap();
    let mut t = w.now;
    let mut both = |f: &dyn Fn(&mut Assigner, Timestamp) -> String, t: Timestamp| {
        let x = f(&mut w.a, t);
        let y = f(&mut b, t);
        assert_eq!(x, y);
        let ex: Vec<AssignEvent> = std::iter::from_fn(|| w.a.poll_event()).collect();
        let ey: Vec<AssignEvent> = std::iter::from_fn(|| b.poll_event()).collect();
        assert_eq!(ex, ey);
        assert_eq!(w.a.poll_timeout(), b.poll_timeout());
        for c in ["c1", "c3", "c4", "c5", "c6", "t1", "n1"] {
            assert_eq!(w.a.status(&conv(c), t), b.status(&conv(c), t));
        }
        b.check_invariants().unwrap();
        ex
    };
    both(&|_, _| String::new(), t);
    for step in 0..40u64 {
        t = t + Duration::from_secs(17 + step * 13);
        let events = both(
            &|a, t| {
                a.handle_timeout(t);
                String::new()
            },
            t,
        );
        // Accept whatever was offered, finish what was assigned a while.
        for e in events {
            if let AssignEvent::Offered { ticket, agent, .. } = e {
                let (c, ag) = (ticket.clone(), agent.clone());
                both(&move |a, t| format!("{:?}", a.accept(t, &ag, &c)), t);
            }
        }
        match step {
            3 => {
                both(
                    &|a, t| format!("{:?}", a.set_presence(t, &agent("bo"), Presence::Available)),
                    t,
                );
            }
            7 => {
                both(&|a, t| format!("{:?}", a.finish(t, &conv("c1"))), t);
            }
            9 => {
                both(
                    &|a, t| format!("{:?}", a.enqueue(t, chat("n1", "billing").with_lang("es"))),
                    t,
                );
            }
            12 => {
                both(&|a, t| format!("{:?}", a.remove_agent(t, &agent("cy"))), t);
            }
            _ => {}
        }
    }
    assert_eq!(json(&w.a), json(&b));
}

#[test]
fn a_snapshot_under_another_configuration_is_refused() {
    let w = busy();
    let text = json(&w.a);
    let other_ids = Arc::new(Config::from_toml_str("[[queues]]\nid = \"general\"").unwrap());
    let err = restore(&other_ids, &text).err().unwrap();
    assert!(matches!(err, RestoreError::QueueMismatch { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "the snapshot's queues are [billing, general, office] but the configuration's are [general]; restore with the configuration the snapshot was taken under, then switch with Assigner::reconfigure"
    );
    // The same queues, one setting changed.
    let changed =
        Arc::new(Config::from_toml_str(&CONFIG.replace("offers = 2", "offers = 3")).unwrap());
    let err = restore(&changed, &text).err().unwrap();
    assert!(matches!(err, RestoreError::ConfigMismatch { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("then switch with Assigner::reconfigure")
    );
    // Routing rules are not part of it.
    let with_rules = format!(
        "{CONFIG}\n[[rules]]\nid = \"all\"\nwhen = \"true\"\nthen = {{ queue = \"general\" }}\n"
    );
    let with_rules = Arc::new(Config::from_toml_str(&with_rules).unwrap());
    assert!(restore(&with_rules, &text).is_ok());
}

/// Edits the snapshot's JSON with `f` and restores it.
fn edited(w: &World, f: impl FnOnce(&mut serde_json::Value)) -> Result<Assigner, RestoreError> {
    let mut v: serde_json::Value = serde_json::to_value(w.a.snapshot()).unwrap();
    f(&mut v);
    let snapshot: AssignerSnapshot = serde_json::from_value(v).unwrap();
    Assigner::restore(w.a.config().clone(), snapshot)
}

fn record<'a>(v: &'a mut serde_json::Value, kind: &str, id: &str) -> &'a mut serde_json::Value {
    v[kind]["records"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["id"] == id || r["ticket"] == id)
        .unwrap()
}

fn malformed(r: Result<Assigner, RestoreError>) -> String {
    match r {
        Err(RestoreError::Malformed(m)) => m,
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("a malformed snapshot was restored"),
    }
}

#[test]
fn a_malformed_snapshot_is_refused_with_what_is_wrong() {
    let w = busy();
    assert!(edited(&w, |_| {}).is_ok());
    // An index out of range.
    let m = malformed(edited(&w, |v| {
        record(v, "agents", "ana")["held"][0] = 9999.into()
    }));
    assert_eq!(m, "agent ana holds no conversation 9999");
    let m = malformed(edited(&w, |v| {
        record(v, "conversations", "c3")["queue"] = 7.into()
    }));
    assert_eq!(m, "conversation c3: no queue 7");
    let m = malformed(edited(&w, |v| {
        record(v, "conversations", "c3")["channel"] = 999.into()
    }));
    assert!(m.contains("symbol out of range"), "{m}");
    let m = malformed(edited(&w, |v| {
        record(v, "conversations", "c3")["phase"] = serde_json::json!({"waiting": {"step": 5}})
    }));
    assert_eq!(m, "conversation c3: no step 5");
    // An id twice.
    let m = malformed(edited(&w, |v| {
        record(v, "agents", "cy")["id"] = "ana".into()
    }));
    assert_eq!(m, "agent ana listed twice");
    let m = malformed(edited(&w, |v| v["symbols"][9] = v["symbols"][8].clone()));
    assert!(m.contains("listed twice"), "{m}");
    // Slots that are both free and taken.
    let m = malformed(edited(&w, |v| v["agents"]["free"][0] = 0.into()));
    assert!(m.starts_with("agents: "), "{m}");
    // Inconsistent phases: assigned to an agent who does not hold it, or
    // waiting while an agent is ready for it.
    let m = malformed(edited(&w, |v| {
        record(v, "agents", "ana")["held"] = serde_json::json!([])
    }));
    assert!(m.contains("does not hold it"), "{m}");
    let m = malformed(edited(&w, |v| {
        let bo = record(v, "agents", "bo");
        bo["presence"] = "available".into();
    }));
    assert!(m.contains("ready"), "{m}");
    // Another format.
    let err = edited(&w, |v| v["version"] = 3.into()).err().unwrap();
    assert!(matches!(
        err,
        RestoreError::Version {
            found: 3,
            supported: 2
        }
    ));
    // Unknown fields are not ignored.
    let mut v = serde_json::to_value(w.a.snapshot()).unwrap();
    v["extra"] = 1.into();
    assert!(serde_json::from_value::<AssignerSnapshot>(v).is_err());
}

#[derive(Debug)]
struct FewestSkills;

impl switchboard::assign::Strategy for FewestSkills {
    fn name(&self) -> &str {
        "fewest_skills"
    }

    fn rank(&self, agent: &AgentView<'_>) -> u64 {
        ((agent.skills().count() as u64) << 40) | agent.idle_since().as_millis().min((1 << 40) - 1)
    }
}

/// The form of `snapshot` in format 1, from before tickets: the same
/// state, with conversations named by `id` in the records and by
/// `conversation` in the events.
pub(crate) fn format_1(mut v: serde_json::Value) -> serde_json::Value {
    v["version"] = 1.into();
    let rename = |o: &mut serde_json::Value, from: &str, to: &str| {
        let o = o.as_object_mut().unwrap();
        let x = o.remove(from).unwrap();
        o.insert(to.into(), x);
    };
    for r in v["conversations"]["records"].as_array_mut().unwrap() {
        rename(r, "ticket", "id");
    }
    for e in v["events"].as_array_mut().into_iter().flatten() {
        if e.get("ticket").is_some() {
            rename(e, "ticket", "conversation");
        }
    }
    v
}

#[test]
fn a_snapshot_from_before_tickets_is_refused_for_its_format() {
    let w = busy();
    let old = format_1(serde_json::to_value(w.a.snapshot()).unwrap());
    assert!(old["events"].as_array().is_some_and(|e| !e.is_empty()));
    // It still reads, as far as its format,
    let snapshot: AssignerSnapshot = serde_json::from_str(&old.to_string()).unwrap();
    // and restoring it says why it cannot be.
    let err = Assigner::restore(w.a.config().clone(), snapshot).unwrap_err();
    assert_eq!(
        err,
        RestoreError::Version {
            found: 1,
            supported: 2
        }
    );
    assert!(
        err.to_string().starts_with("snapshot format 1 is not"),
        "{err}"
    );
}

#[test]
fn a_host_strategy_installed_again_after_restore_ranks_as_before() {
    let mut w = given("[[queues]]\nid = \"support\"");
    w.a.set_strategy(w.now, &QueueId::new("support"), Arc::new(FewestSkills))
        .unwrap();
    w.available(profile("ana", 1).with_skill("a", 1).with_skill("b", 1));
    w.secs(1);
    w.available(profile("bo", 1).with_skill("a", 1));
    w.secs(1);
    w.available(profile("cy", 1));
    let snapshot = w.a.snapshot();
    let at = snapshot.now();
    // Without the host strategy, the built-in order (longest idle) rules.
    let mut plain = Assigner::restore(w.a.config().clone(), snapshot.clone()).unwrap();
    plain.enqueue(w.now, chat("c0", "support")).unwrap();
    assert!(
        matches!(plain.poll_event(), Some(AssignEvent::Offered { agent, .. }) if agent.as_str() == "ana")
    );
    let mut b = Assigner::restore(w.a.config().clone(), snapshot).unwrap();
    b.set_strategy(at, &QueueId::new("support"), Arc::new(FewestSkills))
        .unwrap();
    assert_eq!(b.poll_event(), None);
    for (i, expected) in ["cy", "bo", "ana"].iter().enumerate() {
        let c = format!("c{i}");
        w.a.enqueue(w.now, chat(&c, "support")).unwrap();
        b.enqueue(w.now, chat(&c, "support")).unwrap();
        let (x, y) = (w.a.poll_event(), b.poll_event());
        assert_eq!(x, y);
        assert!(
            matches!(&x, Some(AssignEvent::Offered { agent, .. }) if agent.as_str() == *expected),
            "{x:?}"
        );
    }
    assert_eq!(json(&w.a), json(&b));
}
