//! Live statistics against the engine's own view of its queues.

use std::time::Duration;

use switchboard::assign::{AgentProfile, Capacity, Presence};
use switchboard::engine::{Inbound, Input, Output, Switchboard};
use switchboard::metrics::{Metrics, Settings};
use switchboard::{Address, AgentId, ChannelKind, Config, QueueId, Timestamp};

const CONFIG: &str = r#"
[[queues]]
id = "support"

[[rules]]
id = "all"
when = "true"
then = { queue = "support" }
"#;

#[test]
fn live_waits_agree_with_the_engines_queue() {
    let t0 = Timestamp::from_millis(super::MONDAY + 9 * 3_600_000);
    let mut sb = Switchboard::new(Config::from_toml_str(CONFIG).unwrap());
    let mut m = Metrics::new(Settings::new());
    let drain = |sb: &mut Switchboard, m: &mut Metrics| {
        while let Some(o) = sb.poll_output() {
            if let Output::Event(e) = o {
                m.observe(&e).unwrap();
            }
        }
    };
    let ana = AgentProfile::new("ana").with_capacity(Capacity::new([(ChannelKind::Sms, 1)]));
    sb.handle(t0, Input::AgentUpsert(ana)).unwrap();
    sb.handle(
        t0,
        Input::AgentStatus {
            agent: AgentId::new("ana"),
            status: Presence::Available,
        },
    )
    .unwrap();
    // Three customers write a minute apart; ana (capacity one) takes the first.
    for i in 0..3u64 {
        let at = t0 + Duration::from_secs(60 * i);
        let from = Address::new(&ChannelKind::Sms, &format!("+1415555010{i}")).unwrap();
        sb.handle(
            at,
            Input::Inbound(Inbound::new(ChannelKind::Sms, from, "hello")),
        )
        .unwrap();
        drain(&mut sb, &mut m);
    }
    let c1 = sb.conversations_of(&AgentId::new("ana"));
    assert!(c1.is_empty(), "offered, not yet accepted");
    let now = t0 + Duration::from_secs(300);
    let live = m.live(now).with_engine(&sb);
    let q = &live.queues["support"];
    let stats = sb.queue_stats(&QueueId::new("support")).unwrap();
    // Offered or in line, all three wait, as the engine counts them.
    assert_eq!(q.waiting, 3);
    assert_eq!(q.waiting as usize, stats.waiting);
    // The longest has waited since t0, as the engine says.
    assert_eq!(q.longest_wait_s, Some(300.0));
    assert_eq!(stats.oldest_since, Some(t0));
    // ana let the offers lapse and the engine set her away: nobody is
    // eligible and available now, as the engine says.
    assert_eq!(
        (q.eligible_agents, q.ready_agents),
        (Some(stats.staffed), Some(stats.ready))
    );
    assert_eq!(q.eligible_agents, Some(0));
    assert_eq!(q.open, Some(true));
    assert_eq!((q.queued_today, q.answered_today), (3, 0));
    let a = &live.agents["ana"];
    assert_eq!(a.presence, Some(Presence::Away));
    assert!(a.available_s > 0.0 && a.away_s > 0.0);
    assert_eq!(a.available_s + a.away_s, 300.0);
}
