//! Position and estimated wait.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use switchboard::Timestamp;
use switchboard::assign::{AssignEvent, ConversationStatus};

use crate::rng::Rng;
use crate::*;

#[test]
fn before_any_history_the_estimate_is_handle_time_over_staff() {
    let mut w = given(
        r#"
        [assignment]
        handle_time = "4m"
        [[queues]]
        id = "support"
        "#,
    );
    // Two agents, both busy.
    w.available(profile("ana", 1));
    w.available(profile("bo", 1));
    w.enqueue(chat("a", "support"));
    w.enqueue(chat("b", "support"));
    w.offers_accepted();
    w.enqueue(chat("c1", "support"));
    match w.enqueue(chat("c2", "support")) {
        ConversationStatus::Waiting {
            position, estimate, ..
        } => {
            assert_eq!(position, 2);
            // 2nd in line, 4 min each, 2 agents: 4 minutes.
            assert_eq!(estimate, Some(Duration::from_secs(240)));
        }
        s => panic!("{s:?}"),
    }
}

#[test]
fn with_history_the_estimate_follows_the_observed_service_rate() {
    let mut w = given("[[queues]]\nid = \"support\"");
    w.available(profile("ana", 1));
    w.enqueue(chat("busy", "support"));
    w.offers_accepted();
    for i in 0..10 {
        w.enqueue(chat(&format!("c{i}"), "support"));
    }
    // One conversation leaves the queue every 90 s.
    let mut current = "busy".to_string();
    for _ in 0..5 {
        w.secs(90);
        w.finish(&current);
        let (c, _) = w.offers_accepted()[0].clone();
        current = c;
    }
    assert_eq!(w.position("c9"), Some(5));
    match w.status("c9").unwrap() {
        ConversationStatus::Waiting { estimate, .. } => {
            assert_eq!(estimate, Some(Duration::from_secs(5 * 90)));
        }
        s => panic!("{s:?}"),
    }
}

/// Simulates M/M/c traffic (Poisson arrivals, exponential handle times,
/// `agents` agents taking one chat each, every offer accepted at once) and
/// returns `(estimate at arrival, actual wait)` in seconds for every
/// conversation that had to wait, after a warm-up.
fn simulate(
    agents: usize,
    occupancy: f64,
    aht: f64,
    arrivals: usize,
    seed: u64,
) -> Vec<(f64, f64)> {
    let mut w = given("[[queues]]\nid = \"support\"");
    for i in 0..agents {
        w.available(profile(&format!("a{i}"), 1));
    }
    let mut rng = Rng(seed);
    let rate = occupancy * agents as f64 / aht;
    let start = w.now;
    let ms = |s: f64| Timestamp::from_millis(start.as_millis() + (s * 1000.0) as u64);
    let mut next_arrival = rng.exp(1.0 / rate);
    let mut ends: BTreeMap<u64, String> = BTreeMap::new(); // ms -> ticket
    let mut arrived: HashMap<String, (f64, Option<f64>)> = HashMap::new();
    let mut out = Vec::new();
    let mut n = 0;
    while n < arrivals {
        let next_end = ends.first_key_value().map(|(t, _)| *t);
        let arrival_ms = ms(next_arrival).as_millis();
        if next_end.is_some_and(|e| e <= arrival_ms) {
            let (t, c) = ends.pop_first().unwrap();
            w.now = Timestamp::from_millis(t);
            w.a.finish(w.now, &conv(&c)).unwrap();
        } else {
            w.now = ms(next_arrival);
            let id = format!("c{n}");
            n += 1;
            let est = match w.a.enqueue(w.now, chat(&id, "support")).unwrap() {
                ConversationStatus::Waiting { estimate, .. } => estimate.map(|d| d.as_secs_f64()),
                _ => None,
            };
            arrived.insert(
                id,
                ((w.now.as_millis() - start.as_millis()) as f64 / 1000.0, est),
            );
            next_arrival += rng.exp(1.0 / rate);
        }
        while let Some(e) = w.a.poll_event() {
            if let AssignEvent::Offered { ticket, agent, .. } = e {
                w.a.accept(w.now, &agent, &ticket).unwrap();
                let t = w.now.as_millis() + (rng.exp(aht) * 1000.0) as u64 + 1;
                ends.insert(t, ticket.to_string());
                let (at, est) = arrived[ticket.as_str()];
                let waited = (w.now.as_millis() - start.as_millis()) as f64 / 1000.0 - at;
                let idx: usize = ticket.as_str()[1..].parse().unwrap();
                if let Some(est) = est
                    && idx > arrivals / 10
                {
                    out.push((est, waited));
                }
            }
        }
    }
    w.check();
    out
}

#[test]
fn estimates_track_actual_waits_on_simulated_traffic() {
    // 8 agents at 90 % occupancy, 3-minute chats, 6,000 conversations.
    let pairs = simulate(8, 0.9, 180.0, 6_000, 7);
    assert!(pairs.len() > 1_000, "only {} waited", pairs.len());
    let n = pairs.len() as f64;
    let mean_est = pairs.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_act = pairs.iter().map(|p| p.1).sum::<f64>() / n;
    let mae = pairs.iter().map(|p| (p.0 - p.1).abs()).sum::<f64>() / n;
    eprintln!(
        "{} waited; mean estimate {mean_est:.1} s, mean actual {mean_act:.1} s, mean abs error {mae:.1} s",
        pairs.len()
    );
    // Unbiased within 15 % on average,
    assert!(
        (mean_est - mean_act).abs() / mean_act < 0.15,
        "estimate {mean_est:.1} s vs actual {mean_act:.1} s"
    );
    // and individually closer than a no-information guess (the mean wait).
    let naive = pairs.iter().map(|p| (mean_act - p.1).abs()).sum::<f64>() / n;
    assert!(
        mae < naive,
        "mean abs error {mae:.1} s vs {naive:.1} s for the mean"
    );
}
