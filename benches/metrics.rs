//! Benchmarks for the KPI aggregator ([`Metrics`]): events aggregated per
//! second, against a naive approach that keeps every event and computes
//! the figures again from scratch.
//!
//! The events are a synthetic week of contact-centre traffic
//! (`examples/support/traffic.rs`, seed 1, 2,000 conversations a day:
//! about 204,000 events), generated once before any timing. The
//! aggregator counts in Europe/Berlin with the shop's 30 s wrap-up.
//! Throughput is in events: criterion's `elem/s` is events per second.
//!
//! * `aggregate/incremental`: [`Metrics::observe`] over the week, one
//!   event at a time; no report. This is the figure the 5 million events
//!   per second target is about.
//! * `aggregate/incremental_report`: the same, then one
//!   [`Metrics::report`]: the cost of having the figures in hand.
//! * `aggregate/naive_recompute`: keeps every event (a clone pushed onto a
//!   `Vec`, as a store of the raw log would), then computes the core
//!   figures once, written as the obvious code: group the events by
//!   conversation in a `HashMap<ConversationId, Vec<&Event>>`, walk each
//!   conversation's events for its first wait (answered, abandoned or
//!   otherwise ended), first response, handle time and resolution, and
//!   derive conversations, messages by author, ASA (mean and median),
//!   service level, abandonment, first response (mean and median), mean
//!   handle time and resolution time (mean and median). It computes a
//!   fraction of what [`Metrics`] does (no slices per queue, agent,
//!   channel, tag or interval, no FCR, CSAT, occupancy…), so it flatters
//!   the naive side; grouping borrows the events rather than cloning them
//!   a second time, which flatters it too. Before timing, its figures are
//!   checked equal to the aggregator's totals.
//! * `aggregate/naive_rebuild`: keeps every event the same way, then runs
//!   a fresh [`Metrics`] over all of them and takes its report: the same
//!   code recomputing from scratch.
//!
//! * `report/first_day`, `report/week`: one [`Metrics::report`] of the
//!   aggregate of the first day and of the week: the cost of a
//!   dashboard refresh, which grows with the intervals and slices.
//!
//! For one pass over a finished log the naive versions cost about what
//! the incremental one does (they do the same work once, plus storing the
//! events): the ratio there shows what storing the log costs, and that the
//! incremental aggregator pays nothing for being incremental. The
//! difference is in live use and in memory:
//!
//! * `dashboard/*`: a live dashboard over the week's first day (Monday,
//!   the busiest: about 39,000 events), refreshed every 1,000 events and
//!   after the last. `incremental` observes each event and takes a full
//!   [`Metrics::report`] at every refresh; `incremental_live` takes the
//!   live statistics ([`Metrics::live`]: who waits, today's service level
//!   per queue, agents) instead; `naive_recompute` pushes each event onto
//!   the log and runs the hand-written recomputation over the whole log
//!   at every refresh; `naive_rebuild` does the same with a fresh
//!   [`Metrics`] over the whole log and its report. One day, because the
//!   naive versions are quadratic: each refresh walks every event so far,
//!   so over the week (205 refreshes of on average 100,000 events) one
//!   iteration takes seconds.
//! * `dashboard_week/*`: the incremental dashboards and the naive
//!   recomputation over the whole week (the naive rebuild would take
//!   seconds an iteration). A full report walks every interval and slice
//!   of the period, so its cost grows with the period too: refreshing a
//!   full report every 1,000 events is quadratic in the period as well,
//!   with another constant (the tables rather than the events); the live
//!   statistics cost what is open and today's intervals, whatever the
//!   period.
//!
//! Read a ratio as naive time ÷ incremental time for the same group and
//! run: above 1, the incremental approach is that many times faster.
//! `naive_recompute` computes a fraction of the figures, so its ratio
//! understates the difference; `naive_rebuild` computes the same ones.
//! Memory is the other half of the comparison: the naive log holds every
//! event (`size_of::<Event>()`, 176 bytes, each, plus its strings), while
//! the aggregator holds the open conversations, the contacts in the
//! first-contact-resolution window, the per-interval and per-slice
//! tables and the durations their distributions keep
//! (`tests/metrics_memory.rs` measures it).
//!
//! Run with `cargo bench --bench metrics`; a short run is
//! `cargo bench --bench metrics -- --warm-up-time 1 --measurement-time 3`.

#[path = "../examples/support/traffic.rs"]
mod traffic;

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use switchboard::engine::{Event, EventKind};
use switchboard::handoff::{Party, Reason, State};
use switchboard::metrics::{Metrics, Report, Settings};
use switchboard::{ConversationId, QueueId, Timestamp};

/// Events between two refreshes of the dashboard.
const REFRESH: usize = 1_000;

fn settings() -> Settings {
    Settings::new()
        .with_time_zone("Europe/Berlin")
        .expect("a known zone")
        .with_wrap_up_from(&traffic::config())
}

/// The aggregator over `events`.
fn aggregate(settings: &Settings, events: &[Event]) -> Metrics {
    let mut m = Metrics::new(settings.clone());
    for e in events {
        m.observe(e).expect("events in time order");
    }
    m
}

/// The figures the naive recomputation finds.
#[derive(Debug, Default, PartialEq)]
struct Naive {
    conversations: u64,
    /// Customer, bot, agent, system.
    messages: [u64; 4],
    queued: u64,
    answered: u64,
    abandoned: u64,
    short_abandons: u64,
    unanswered: u64,
    asa_s: Option<f64>,
    asa_median_s: Option<f64>,
    service_level: Option<f64>,
    abandonment: Option<f64>,
    first_response_s: Option<f64>,
    first_response_median_s: Option<f64>,
    handle_time_s: Option<f64>,
    resolution_s: Option<f64>,
    resolution_median_s: Option<f64>,
}

fn party(p: &Party) -> usize {
    match p {
        Party::Customer => 0,
        Party::Bot { .. } => 1,
        Party::Agent { .. } => 2,
        _ => 3,
    }
}

fn ms(from: Timestamp, to: Timestamp) -> u64 {
    to.as_millis().saturating_sub(from.as_millis())
}

fn mean_s(v: &[u64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<u64>() as f64 / v.len() as f64 / 1000.0)
}

/// The median, interpolated between the middle values (sorts `v`).
fn median_s(v: &mut [u64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let n = v.len();
    let m = if n % 2 == 1 {
        v[n / 2] as f64
    } else {
        (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0
    };
    Some(m / 1000.0)
}

fn pct(n: u64, d: u64) -> Option<f64> {
    (d > 0).then(|| n as f64 * 100.0 / d as f64)
}

/// How a first wait ended.
enum End {
    Answered(Timestamp),
    Abandoned(Timestamp),
    Other,
}

/// The core figures from scratch, from every event so far: the obvious
/// code, with the aggregator's definitions (module docs of
/// `switchboard::metrics`).
fn recompute(events: &[Event], s: &Settings) -> Naive {
    let sl = s.service_level_threshold().as_millis() as u64;
    let short = s.short_abandon().map(|d| d.as_millis() as u64);
    let now = events.last().map_or(Timestamp::EPOCH, |e| e.at);
    let mut out = Naive::default();
    let mut by_conversation: HashMap<&ConversationId, Vec<&Event>> = HashMap::new();
    for e in events {
        if let EventKind::Message { from, .. } = &e.kind {
            out.messages[party(from)] += 1;
        }
        if let Some(c) = &e.conversation {
            by_conversation.entry(c).or_default().push(e);
        }
    }
    let (mut asa, mut frt, mut handle, mut resolution) = (vec![], vec![], vec![], vec![]);
    let mut within = 0;
    for events in by_conversation.values() {
        let Some(start) = events
            .iter()
            .find(|e| matches!(e.kind, EventKind::Started { .. }))
            .map(|e| e.at)
        else {
            continue;
        };
        out.conversations += 1;
        let mut queue: Option<&QueueId> = None;
        let mut state = None;
        let mut last_close = None;
        let mut wait: Option<(Timestamp, Option<End>)> = None;
        let mut first_response = None;
        // (agent, queue, from, to)
        let mut segments: Vec<(
            &switchboard::AgentId,
            Option<&QueueId>,
            Timestamp,
            Option<Timestamp>,
        )> = vec![];
        for e in events {
            if e.queue.is_some() {
                queue = e.queue.as_ref();
            }
            match &e.kind {
                EventKind::Message {
                    from: Party::Agent { .. },
                    ..
                } if first_response.is_none() => {
                    if let Some((since, _)) = wait {
                        first_response = Some(ms(since, e.at));
                    }
                }
                EventKind::Transition { from, to, reason } => {
                    state = Some(*to);
                    let holder = segments.last().filter(|s| s.3.is_none()).map(|s| s.0);
                    if *from == Some(State::WithAgent)
                        && (*to != State::WithAgent || holder != e.agent.as_ref())
                        && let Some(s) = segments.last_mut()
                        && s.3.is_none()
                    {
                        s.3 = Some(e.at);
                    }
                    if to.is_waiting() && wait.is_none() {
                        wait = Some((e.at, None));
                    }
                    if let Some((_, end @ None)) = &mut wait {
                        if *to == State::WithAgent && e.agent.is_some() {
                            *end = Some(End::Answered(e.at));
                        } else if *to == State::Closed && *reason == Reason::Abandoned {
                            *end = Some(End::Abandoned(e.at));
                        } else if !to.is_waiting() {
                            *end = Some(End::Other);
                        }
                    }
                    let holder = segments.last().filter(|s| s.3.is_none()).map(|s| s.0);
                    if *to == State::WithAgent
                        && let Some(agent) = &e.agent
                        && holder != Some(agent)
                    {
                        segments.push((agent, queue, e.at, None));
                    }
                    if *to == State::Closed {
                        last_close = Some(e.at);
                    }
                }
                _ => {}
            }
        }
        if let Some((since, end)) = wait {
            out.queued += 1;
            match end {
                Some(End::Answered(at)) => {
                    out.answered += 1;
                    within += u64::from(ms(since, at) <= sl);
                    asa.push(ms(since, at));
                }
                Some(End::Abandoned(at)) => {
                    out.abandoned += 1;
                    if short.is_some_and(|sh| ms(since, at) < sh) {
                        out.short_abandons += 1;
                    }
                }
                Some(End::Other) => out.unanswered += 1,
                None => {}
            }
        }
        frt.extend(first_response);
        for (_, q, from, to) in segments {
            handle.push(match to {
                Some(to) => ms(from, to) + s.wrap_up(q).as_millis() as u64,
                None => ms(from, now),
            });
        }
        if state == Some(State::Closed)
            && let Some(closed) = last_close
        {
            resolution.push(ms(start, closed));
        }
    }
    let counted_abandons = out.abandoned - out.short_abandons;
    out.asa_s = mean_s(&asa);
    out.asa_median_s = median_s(&mut asa);
    out.service_level = pct(within, out.answered + counted_abandons);
    out.abandonment = pct(counted_abandons, out.queued - out.short_abandons);
    out.first_response_s = mean_s(&frt);
    out.first_response_median_s = median_s(&mut frt);
    out.handle_time_s = mean_s(&handle);
    out.resolution_s = mean_s(&resolution);
    out.resolution_median_s = median_s(&mut resolution);
    out
}

/// The aggregator's totals in the naive figures' terms.
fn as_naive(r: &Report) -> Naive {
    let t = &r.summary.totals;
    Naive {
        conversations: t.conversations,
        messages: [
            t.messages.customer,
            t.messages.bot,
            t.messages.agent,
            t.messages.system,
        ],
        queued: t.queued,
        answered: t.answered,
        abandoned: t.abandonment.count + t.abandonment.short,
        short_abandons: t.abandonment.short,
        unanswered: t.unanswered,
        asa_s: t.asa_s,
        asa_median_s: t.answer_wait_s.median,
        service_level: t.service_level.percent,
        abandonment: t.abandonment.percent,
        first_response_s: t.first_response_s.mean,
        first_response_median_s: t.first_response_s.median,
        handle_time_s: t.handle_time_s.mean,
        resolution_s: t.resolution_time_s.mean,
        resolution_median_s: t.resolution_time_s.median,
    }
}

/// The naive figures equal the aggregator's, but for rounding in the
/// last bits of the means and for the medians, which the aggregator reads
/// from a histogram (within 1/128) past 4,096 values.
fn assert_same(naive: &Naive, r: &Report, what: &str) {
    let inc = as_naive(r);
    let close = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * a.abs().max(1.0),
        (a, b) => a == b,
    };
    let near = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= a.abs() / 128.0,
        (a, b) => a == b,
    };
    let same = naive.conversations == inc.conversations
        && naive.messages == inc.messages
        && (
            naive.queued,
            naive.answered,
            naive.abandoned,
            naive.short_abandons,
        ) == (inc.queued, inc.answered, inc.abandoned, inc.short_abandons)
        && naive.unanswered == inc.unanswered
        && close(naive.asa_s, inc.asa_s)
        && near(naive.asa_median_s, inc.asa_median_s)
        && close(naive.service_level, inc.service_level)
        && close(naive.abandonment, inc.abandonment)
        && close(naive.first_response_s, inc.first_response_s)
        && near(naive.first_response_median_s, inc.first_response_median_s)
        && close(naive.handle_time_s, inc.handle_time_s)
        && close(naive.resolution_s, inc.resolution_s)
        && near(naive.resolution_median_s, inc.resolution_median_s);
    assert!(
        same,
        "{what}: the naive figures differ\nnaive:       {naive:?}\nincremental: {inc:?}"
    );
}

/// The live dashboard over `events`: a full report every `REFRESH`
/// events and after the last.
fn dashboard_report(s: &Settings, events: &[Event]) -> (Metrics, Vec<u64>) {
    let mut m = Metrics::new(s.clone());
    let mut seen = Vec::with_capacity(events.len().div_ceil(REFRESH));
    for (i, e) in events.iter().enumerate() {
        m.observe(e).expect("in order");
        if (i + 1) % REFRESH == 0 || i + 1 == events.len() {
            seen.push(m.report().summary.totals.conversations);
        }
    }
    (m, seen)
}

/// The same with the live statistics ([`Metrics::live`]) at each refresh.
fn dashboard_live(s: &Settings, events: &[Event]) -> (Metrics, Vec<usize>) {
    let mut m = Metrics::new(s.clone());
    let mut seen = Vec::with_capacity(events.len().div_ceil(REFRESH));
    for (i, e) in events.iter().enumerate() {
        m.observe(e).expect("in order");
        if (i + 1) % REFRESH == 0 || i + 1 == events.len() {
            seen.push(m.live(e.at).queues.len());
        }
    }
    (m, seen)
}

/// The naive dashboard over `events`: every event kept, the core figures
/// recomputed from all of them every `REFRESH` events and after the last.
fn dashboard_naive(s: &Settings, events: &[Event]) -> (Vec<Event>, Vec<u64>) {
    let mut log = Vec::new();
    let mut seen = Vec::with_capacity(events.len().div_ceil(REFRESH));
    for (i, e) in events.iter().enumerate() {
        log.push(e.clone());
        if (i + 1) % REFRESH == 0 || i + 1 == events.len() {
            seen.push(recompute(&log, s).conversations);
        }
    }
    (log, seen)
}

fn bench(c: &mut Criterion) {
    let s = settings();
    let week = traffic::generate(&traffic::Traffic::default());
    let day_end = traffic::MONDAY.as_millis() + 86_400_000;
    let day: Vec<Event> = week
        .iter()
        .take_while(|e| e.at.as_millis() < day_end)
        .cloned()
        .collect();
    let whole = aggregate(&s, &week);
    let report = whole.report();
    assert_same(&recompute(&week, &s), &report, "week");
    let (open, agents, contacts) = whole.open();
    println!(
        "week: {} events, {} conversations; at the end {open} open conversations, \
         {agents} agents, {contacts} contacts followed; first day: {} events; \
         an event is {} bytes before its strings",
        week.len(),
        report.summary.totals.conversations,
        day.len(),
        size_of::<Event>(),
    );

    let mut g = c.benchmark_group("aggregate");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Elements(week.len() as u64));
    g.bench_function("incremental", |b| {
        b.iter_with_large_drop(|| aggregate(&s, black_box(&week)))
    });
    g.bench_function("incremental_report", |b| {
        b.iter_with_large_drop(|| {
            let m = aggregate(&s, black_box(&week));
            m.report()
        })
    });
    g.bench_function("naive_recompute", |b| {
        b.iter_with_large_drop(|| {
            let mut log = Vec::new();
            for e in black_box(&week) {
                log.push(e.clone());
            }
            let figures = recompute(&log, &s);
            (log, figures)
        })
    });
    g.bench_function("naive_rebuild", |b| {
        b.iter_with_large_drop(|| {
            let mut log = Vec::new();
            for e in black_box(&week) {
                log.push(e.clone());
            }
            let report = aggregate(&s, &log).report();
            (log, report)
        })
    });
    g.finish();

    // One report of an aggregate: what a dashboard refresh costs.
    let mut g = c.benchmark_group("report");
    g.sample_size(20).measurement_time(Duration::from_secs(3));
    let first = aggregate(&s, &day);
    g.bench_function("first_day", |b| b.iter(|| black_box(&first).report()));
    g.bench_function("week", |b| b.iter(|| black_box(&whole).report()));
    g.finish();

    // The dashboard: a refresh every REFRESH events and at the end.
    let refreshes = |events: &[Event]| events.len().div_ceil(REFRESH);
    {
        let m = aggregate(&s, &day);
        assert_same(&recompute(&day, &s), &m.report(), "first day");
    }
    let mut g = c.benchmark_group("dashboard");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Elements(day.len() as u64));
    g.bench_function("incremental", |b| {
        b.iter_with_large_drop(|| dashboard_report(&s, black_box(&day)))
    });
    g.bench_function("incremental_live", |b| {
        b.iter_with_large_drop(|| dashboard_live(&s, black_box(&day)))
    });
    g.bench_function("naive_recompute", |b| {
        b.iter_with_large_drop(|| dashboard_naive(&s, black_box(&day)))
    });
    g.bench_function("naive_rebuild", |b| {
        b.iter_with_large_drop(|| {
            let mut log = Vec::new();
            let mut reports = Vec::with_capacity(refreshes(&day));
            for (i, e) in black_box(&day).iter().enumerate() {
                log.push(e.clone());
                if (i + 1) % REFRESH == 0 || i + 1 == day.len() {
                    let m = aggregate(&s, &log);
                    reports.push(m.report().summary.totals.conversations);
                }
            }
            (log, reports)
        })
    });
    g.finish();

    let mut g = c.benchmark_group("dashboard_week");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Elements(week.len() as u64));
    g.bench_function("incremental", |b| {
        b.iter_with_large_drop(|| dashboard_report(&s, black_box(&week)))
    });
    g.bench_function("incremental_live", |b| {
        b.iter_with_large_drop(|| dashboard_live(&s, black_box(&week)))
    });
    g.bench_function("naive_recompute", |b| {
        b.iter_with_large_drop(|| dashboard_naive(&s, black_box(&week)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
