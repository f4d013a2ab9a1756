//! Intervals, hours and weekdays in the configured time zone.

use super::{Log, t};
use switchboard::ChannelKind;
use switchboard::Timestamp;
use switchboard::metrics::{Interval, Settings};

#[test]
fn a_conversation_spanning_two_intervals_counts_each_figure_where_it_began() {
    let (h9m25, h9m40, h9m45, h10m05) = (
        9 * 3600 + 1500,
        9 * 3600 + 2400,
        9 * 3600 + 2700,
        10 * 3600 + 300,
    );
    let mut l = Log::default();
    l.start(t(h9m25), "c1", "u1", ChannelKind::WebChat)
        .customer(t(h9m25), "c1")
        .queued(t(h9m25), "c1", "support")
        .accept(t(h9m40), "c1", "support", "ana")
        .agent_msg(t(h9m45), "c1", "ana")
        .close(t(h10m05), "c1", "support", "ana");
    let r = l.report(Settings::new());
    let rows = &r.intervals;
    assert_eq!(rows.len(), 2);
    let (a, b) = (&rows[0], &rows[1]);
    assert_eq!(a.start, t(9 * 3600));
    assert_eq!(a.local, "2026-11-02T09:00+00:00");
    // Started, waited and answered in 09:00–09:30 (the arrival interval).
    assert_eq!(
        (
            a.figures.conversations,
            a.figures.queued,
            a.figures.answered
        ),
        (1, 1, 1)
    );
    assert_eq!(
        (a.figures.messages.customer, a.figures.messages.agent),
        (1, 0)
    );
    assert_eq!(a.figures.first_response_s.count, 1);
    // The agent's part began at 09:40 and the reply came at 09:45.
    assert_eq!(b.start, t(9 * 3600 + 1800));
    assert_eq!(
        (b.figures.handle_time_s.count, b.figures.messages.agent),
        (1, 1)
    );
    assert_eq!(b.figures.conversations, 0);
    assert_eq!(r.summary.volume_by_hour[9], 1);
    assert_eq!(r.summary.volume_by_weekday, vec![1, 0, 0, 0, 0, 0, 0]);

    let hourly = l.report(Settings::new().with_interval(Interval::Minutes60));
    assert_eq!(hourly.intervals.len(), 1);
    let quarter = l.report(Settings::new().with_interval(Interval::Minutes15));
    assert_eq!(quarter.intervals[0].start, t(9 * 3600 + 900));
}

#[test]
fn the_repeated_hour_of_a_daylight_saving_change_gives_two_intervals_with_one_label_hour() {
    // 2026-10-25: Berlin goes from 03:00 CEST back to 02:00 CET at 01:00 UTC.
    let at = |utc: &str| {
        let ts: jiff::Timestamp = utc.parse().unwrap();
        Timestamp::from_millis(ts.as_millisecond() as u64)
    };
    let mut l = Log::default();
    l.start(at("2026-10-25T00:10:00Z"), "c1", "u1", ChannelKind::Sms) // 02:10 CEST
        .start(at("2026-10-25T01:10:00Z"), "c2", "u2", ChannelKind::Sms) // 02:10 CET
        .start(at("2026-10-25T02:10:00Z"), "c3", "u3", ChannelKind::Sms); // 03:10 CET
    let r = l.report(Settings::new().with_time_zone("Europe/Berlin").unwrap());
    assert_eq!(r.summary.volume_by_hour[2], 2);
    assert_eq!(r.summary.volume_by_hour[3], 1);
    assert_eq!(r.summary.volume_by_weekday[6], 3);
    let labels: Vec<&str> = r.intervals.iter().map(|i| i.local.as_str()).collect();
    assert_eq!(
        labels,
        [
            "2026-10-25T02:00+02:00",
            "2026-10-25T02:00+01:00",
            "2026-10-25T03:00+01:00"
        ]
    );
    // In UTC the three fall in hours 0, 1 and 2.
    let utc = l.report(Settings::new());
    assert_eq!(&utc.summary.volume_by_hour[..3], &[1, 1, 1]);
}
