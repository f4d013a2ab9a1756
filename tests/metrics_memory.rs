//! Heap held by the KPI aggregator (`switchboard::metrics::Metrics`) over a
//! week of traffic: what it grows with.
//!
//! An instrumented global allocator (`stats_alloc`) tracks the bytes live
//! on the heap (the sizes asked for, without the allocator's own
//! overhead). The traffic is the synthetic week of
//! `examples/support/traffic.rs` (seed 1, 2,000 conversations a day,
//! Monday to Sunday: about 204,000 events), generated before measuring;
//! the aggregator counts it in Europe/Berlin, 30-minute intervals. One
//! pass over the week reads the aggregator's live heap at every local
//! midnight and at the end, so the first checkpoint is one day of traffic
//! and the last is seven at the same daily rate.
//!
//! The aggregator keeps, besides a few fixed tables:
//!
//! * each **open conversation** (from its `started` to its `purged`
//!   event, which follows the 2-hour reopen window);
//! * each **contact** with a close waiting for its first-contact-resolution
//!   window (7 days by default), and the contacts that started within a
//!   window of the aggregate's first event (kept for merging it behind an
//!   earlier aggregate);
//! * per **interval**: its tally and one per queue, holding the durations
//!   of the conversations that started (or waited, or were handled) in it;
//! * per **slice** (the totals, each queue, agent, channel and tag): one
//!   tally, whose distributions keep at most 4,096 values each before
//!   turning into a bounded histogram.
//!
//! None of these is counted in events; the budget asserted at every
//! checkpoint is a sum over them (derived below). The first pass uses the
//! default 7-day window, so over this week the contacts (the largest
//! part) still grow day by day; the second a 1-day window, where they
//! stop growing once a window is behind and the bytes per event fall
//! faster.
//!
//! Measured: after the first day (39,048 events) 1,747,808 bytes, 44.8
//! an event; after the week (204,453 events) 7,673,421 bytes, 37.5 an
//! event, with the default window, and 5,364,973 bytes, 26.2 an event,
//! with a 1-day window. Of the week's 7.7 MB about 3.4 MB are the 10,830
//! contacts in the window (~310 bytes each) and 1.3 MB the 330
//! intervals (~4 KiB each); the rest is the slices' distributions, the
//! 386 open conversations and the per-day table. The same events kept as
//! a `Vec<Event>` take 36 MB before their strings. Within the week the
//! durations kept for exact percentiles (at most 4,096 per distribution)
//! and the contacts (until the window) grow with the conversations, so
//! the bytes per event fall slowly rather than sharply.
//!
//! Run with `cargo test --release --test metrics_memory -- --nocapture`
//! to see the figures.

#[path = "../examples/support/traffic.rs"]
mod traffic;

use std::alloc::System;
use std::time::Duration;

use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

use switchboard::engine::Event;
use switchboard::metrics::{EXACT_LIMIT, Figures, Metrics, Settings};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn live() -> isize {
    let st = GLOBAL.stats();
    st.bytes_allocated as isize - st.bytes_deallocated as isize
}

const DAY_MS: u64 = 86_400_000;

/// The budget: bytes per thing the aggregator keeps, each a count the
/// report or [`Metrics::open`] shows, none of them events.
///
/// * An open conversation: its map entry (a 16-byte id and a 24-byte
///   record, at most doubled by the hash table's growth), its boxed
///   record (400 bytes) and the lists it starts with room for four of
///   (agents 64, tags 96, replies 160, segments 224 bytes): ~1.1 KiB;
///   2 KiB leaves room for longer conversations.
const OPEN: usize = 2048;
/// * A contact: its map entry (16 + 48 bytes, at most doubled), one close
///   waiting (144 bytes, and its tags), one start (8) and the close's
///   deadline in a heap (24, at most doubled): ~400 bytes; 512 with room
///   for a second close.
const CONTACT: usize = 512;
/// * An interval: its tally and one per queue (4 tallies of 768 bytes, at
///   most doubled by the B-tree's half-full nodes, and seven
///   distributions each with room for at least four values, 32 bytes):
///   ~6.9 KiB; plus its share of the per-day table (first replies, at most
///   4,096 values a day: 32 KiB, 0.7 KiB an interval) and of the agents'
///   busy spans (a few per agent and interval, 32 bytes each with the
///   B-tree's slack: under 1 KiB): 9 KiB, without the durations (below).
const INTERVAL: usize = 9 * 1024;
/// * A slice (the totals, a queue, an agent, a channel, a tag): its tally
///   (768 bytes, at most doubled) and the room for four values of each of
///   its seven distributions (7 × 32 bytes): 2 KiB without the durations.
const SLICE: usize = 2 * 1024;
/// * A duration held (by a slice's distributions, and by an interval's and
///   its queue's: twice): 8 bytes, at most doubled by vector growth. A
///   distribution holds at most 4,096 values (32 KiB); past that it is a
///   histogram of buckets (16 bytes each, a few hundred), so at most
///   4,096 are counted for one.
const VALUE: usize = 16;

/// The durations a slice's or interval's distributions hold, as the
/// report counts them, at most 4,096 each.
fn values(f: &Figures) -> usize {
    [
        f.first_response_s.count,
        f.first_reply_s.count,
        f.reply_time_s.count,
        f.answer_wait_s.count,
        f.abandonment.wait_s.count,
        f.handle_time_s.count,
        f.resolution_time_s.count,
    ]
    .iter()
    .map(|&n| (n as usize).min(EXACT_LIMIT))
    .sum()
}

/// The aggregator after some of the traffic.
#[derive(Debug)]
struct Checkpoint {
    day: usize,
    events: usize,
    bytes: usize,
    open: usize,
    agents: usize,
    contacts: usize,
    intervals: usize,
    slices: usize,
    /// Durations held by the intervals' distributions.
    interval_values: usize,
    /// Durations held by the slices' distributions.
    slice_values: usize,
}

impl Checkpoint {
    fn per_event(&self) -> f64 {
        self.bytes as f64 / self.events as f64
    }

    fn budget(&self) -> usize {
        OPEN * self.open
            + CONTACT * self.contacts
            + INTERVAL * self.intervals
            + SLICE * self.slices
            + VALUE * (2 * self.interval_values + self.slice_values)
    }
}

/// Aggregates `events`, reading the heap at every local midnight and at
/// the end.
fn pass(events: &[Event], settings: Settings) -> Vec<Checkpoint> {
    let mut out = Vec::new();
    let before = live();
    let mut m = Metrics::new(settings);
    let read = |m: &Metrics, events: usize, out: &mut Vec<Checkpoint>| {
        let bytes = (live() - before) as usize;
        let (open, agents, contacts) = m.open();
        // The report is made after the reading and dropped before the next.
        let r = m.report();
        let s = &r.summary;
        let slices: Vec<&Figures> = std::iter::once(&s.totals)
            .chain(s.queues.values())
            .chain(s.agents.values().map(|a| &a.figures))
            .chain(s.channels.values())
            .chain(s.tags.values())
            .collect();
        out.push(Checkpoint {
            day: out.len() + 1,
            events,
            bytes,
            open,
            agents,
            contacts,
            intervals: r.intervals.len(),
            slices: slices.len(),
            interval_values: r.intervals.iter().map(|i| values(&i.figures)).sum(),
            slice_values: slices.iter().map(|f| values(f)).sum(),
        });
    };
    for (i, e) in events.iter().enumerate() {
        if e.at.as_millis() >= traffic::MONDAY.as_millis() + (out.len() as u64 + 1) * DAY_MS {
            read(&m, i, &mut out);
        }
        m.observe(e).expect("in time order");
    }
    read(&m, events.len(), &mut out);
    out
}

fn print(what: &str, cps: &[Checkpoint]) {
    println!("{what}:");
    for c in cps {
        println!(
            "  day {}: {:>7} events, {:>9} bytes ({:>5.1} per event); {:>3} open, \
             {:>2} agents, {:>5} contacts, {:>3} intervals, {:>2} slices, {:>6} + {:>6} \
             durations; budget {:>9}",
            c.day,
            c.events,
            c.bytes,
            c.per_event(),
            c.open,
            c.agents,
            c.contacts,
            c.intervals,
            c.slices,
            c.interval_values,
            c.slice_values,
            c.budget()
        );
    }
}

#[test]
fn the_aggregator_holds_open_conversations_contacts_and_intervals_not_events() {
    let week = traffic::generate(&traffic::Traffic::default());
    let settings = Settings::new()
        .with_time_zone("Europe/Berlin")
        .expect("a known zone")
        .with_wrap_up_from(&traffic::config());
    let seven = pass(&week, settings.clone());
    let one = pass(&week, settings.with_fcr_window(Duration::from_secs(86_400)));
    print("7-day FCR window (the default)", &seven);
    print("1-day FCR window", &one);
    let naive = week.len() * size_of::<Event>();
    println!(
        "the events themselves: {naive} bytes as a Vec<Event>, before their strings ({} per event)",
        size_of::<Event>()
    );

    for c in seven.iter().chain(&one) {
        assert_eq!(c.agents, 10, "{c:?}");
        // Bounded by what is in flight, whatever the days: at most a
        // quarter of a day's 2,000 arrivals (measured: 124 to 386, the
        // most at the end of Sunday, with the weekend's e-mails waiting
        // for Monday).
        assert!(c.open <= 500, "{c:?}");
        // The budget has no term in events: the durations held are
        // capped per distribution.
        assert!(c.bytes <= c.budget(), "{c:?}: over the budget");
    }
    let (first, last) = (&seven[0], &seven[seven.len() - 1]);
    assert_eq!(seven.len(), 7);
    // Over five times the events cost less than five times the bytes …
    assert!(
        last.per_event() < first.per_event(),
        "{first:?} vs {last:?}"
    );
    // … and far less than keeping the events.
    assert!(
        last.bytes * 3 < naive,
        "{last:?} vs {naive} bytes of events"
    );

    // With a 1-day window the contacts stop growing once a window is
    // behind, and the bytes per event fall further.
    let (first, second, last) = (&one[0], &one[1], &one[one.len() - 1]);
    assert!(last.contacts <= second.contacts, "{second:?} vs {last:?}");
    assert!(
        last.per_event() < 0.7 * first.per_event(),
        "{first:?} vs {last:?}"
    );
}
