//! Each figure on a hand-built sequence, the expected numbers worked out
//! in the comments.

use std::time::Duration;

use super::{Log, close_to, t};
use switchboard::assign::Presence;
use switchboard::engine::{Event, EventKind};
use switchboard::handoff::{Reason, State};
use switchboard::metrics::Settings;
use switchboard::{AgentId, ChannelKind, ConversationId, QueueId};

/// Six conversations straight to `support` at t0: answered after 10 s and
/// 30 s, abandoned after 3 s (short), 15 s and 60 s, and closed by the
/// system after 100 s.
fn waits() -> Log {
    let mut l = Log::default();
    for c in ["c1", "c2", "c3", "c4", "c5", "c6"] {
        l.start(t(0), c, c, ChannelKind::WebChat)
            .queued(t(0), c, "support");
    }
    l.accept(t(10), "c1", "support", "ana")
        .accept(t(30), "c2", "support", "ben");
    for (c, s) in [("c3", 3), ("c4", 15), ("c5", 60)] {
        l.to(
            t(s),
            c,
            Some(State::Queued),
            State::Closed,
            Reason::Abandoned,
            Some("support"),
            None,
        );
    }
    l.to(
        t(100),
        "c6",
        Some(State::Queued),
        State::Closed,
        Reason::NoAgent,
        Some("support"),
        None,
    );
    l
}

#[test]
fn service_level_counts_answered_within_the_threshold_over_answered_and_abandoned() {
    let r = waits().report(Settings::new());
    let s = &r.summary.totals;
    assert_eq!((s.queued, s.answered, s.unanswered), (6, 2, 1));
    // Met: c1 only. Counted: 2 answered + 2 abandons (c3 is short).
    assert_eq!((s.service_level.met, s.service_level.counted), (1, 4));
    assert!(close_to(s.service_level.percent, 25.0));
    // Abandonment: 2 ÷ (6 queued − 1 short).
    assert_eq!((s.abandonment.count, s.abandonment.short), (2, 1));
    assert!(close_to(s.abandonment.percent, 40.0));
    assert!(close_to(s.asa_s, 20.0));
    assert_eq!(r.summary.queues["support"].service_level, s.service_level);
}

#[test]
fn short_abandons_count_when_the_threshold_is_off() {
    let r = waits().report(Settings::new().with_short_abandon(None));
    let s = &r.summary.totals;
    // 1 met ÷ (2 answered + 3 abandoned); 3 abandoned ÷ 6 queued.
    assert!(close_to(s.service_level.percent, 20.0));
    assert!(close_to(s.abandonment.percent, 50.0));
}

#[test]
fn abandons_within_the_threshold_count_as_met_in_amazon_connects_variant() {
    let r = waits().report(Settings::new().with_abandons_within_threshold_met(true));
    // Met: c1 and c4 (15 s ≤ 20 s); c3 is short and left out.
    assert!(close_to(r.summary.totals.service_level.percent, 50.0));
    let r = waits().report(
        Settings::new()
            .with_abandons_within_threshold_met(true)
            .with_short_abandon(None),
    );
    // Met: c1, c3, c4 ÷ 5.
    assert!(close_to(r.summary.totals.service_level.percent, 60.0));
    let r = waits().report(Settings::new().with_service_level(Duration::from_secs(30)));
    // Both answers are within 30 s: 2 ÷ 4.
    assert!(close_to(r.summary.totals.service_level.percent, 50.0));
}

/// A bot answers, the customer asks for a person, `ana` takes over.
fn handoff() -> Log {
    let mut l = Log::default();
    l.start(t(0), "c1", "u1", ChannelKind::WebChat)
        .customer(t(0), "c1")
        .to(t(0), "c1", None, State::Bot, Reason::Routed, None, None)
        .bot(t(2), "c1")
        .customer(t(10), "c1")
        .to(
            t(10),
            "c1",
            Some(State::Bot),
            State::Queued,
            Reason::ExplicitRequest,
            Some("support"),
            None,
        )
        .to(
            t(11),
            "c1",
            Some(State::Queued),
            State::Offered,
            Reason::Offered,
            Some("support"),
            None,
        )
        .accept(t(25), "c1", "support", "ana")
        .agent_msg(t(40), "c1", "ana")
        .customer(t(50), "c1")
        .customer(t(55), "c1")
        .agent_msg(t(70), "c1", "ana")
        .agent_msg(t(75), "c1", "ana")
        .customer(t(80), "c1")
        .agent_msg(t(95), "c1", "ana")
        .close(t(100), "c1", "support", "ana");
    l
}

#[test]
fn response_times_run_from_the_handoff_and_from_each_waiting_message() {
    let r = handoff().report(Settings::new());
    let s = &r.summary.totals;
    // Start → the bot's answer.
    assert!(close_to(s.first_reply_s.median, 2.0));
    // Handoff at 10 s → ana's first message at 40 s.
    assert!(close_to(s.first_response_s.mean, 30.0));
    // 50 → 70 and 80 → 95; the first response is not a reply time.
    assert_eq!(s.reply_time_s.count, 2);
    assert!(close_to(s.reply_time_s.median, 17.5));
    assert!(close_to(
        r.summary.agents["ana"].figures.reply_time_s.mean,
        17.5
    ));
    assert!(close_to(s.asa_s, 15.0));
    assert!(close_to(s.handle_time_s.mean, 75.0));
    assert!(close_to(s.resolution_time_s.mean, 100.0));
    assert_eq!(
        (s.messages.customer, s.messages.bot, s.messages.agent),
        (5, 1, 4)
    );
    assert!(close_to(s.containment_percent, 0.0));
    assert!(close_to(s.bot.handoff_percent, 100.0));
    assert_eq!(r.summary.handoff_reasons["explicit_request"], 1);
}

#[test]
fn handle_time_adds_the_queues_wrap_up() {
    let s = Settings::new().with_wrap_up(QueueId::new("support"), Duration::from_secs(30));
    let r = handoff().report(s);
    assert!(close_to(r.summary.totals.handle_time_s.mean, 105.0));
}

#[test]
fn containment_counts_bot_conversations_closed_without_waiting_for_a_person() {
    let mut l = Log::default();
    for c in ["c1", "c2", "c3", "c4"] {
        l.start(t(0), c, c, ChannelKind::Sms).to(
            t(0),
            c,
            None,
            State::Bot,
            Reason::Routed,
            None,
            None,
        );
    }
    l.to(
        t(60),
        "c1",
        Some(State::Bot),
        State::Closed,
        Reason::Resolved,
        None,
        None,
    )
    .to(
        t(60),
        "c2",
        Some(State::Bot),
        State::Closed,
        Reason::Inactivity,
        None,
        None,
    )
    .to(
        t(60),
        "c3",
        Some(State::Bot),
        State::Queued,
        Reason::BotFallbacks,
        Some("support"),
        None,
    );
    // c4 is still with the bot: not decided.
    let r = l.report(Settings::new());
    let s = &r.summary.totals;
    assert_eq!(
        (s.bot.conversations, s.bot.contained, s.bot.resolved),
        (3, 2, 1)
    );
    assert!(close_to(s.containment_percent, 200.0 / 3.0));
    assert_eq!(r.summary.handoff_reasons["bot_fallbacks"], 1);
}

/// Contact u1 reopens; u2 comes back after 3 days; u3 after 8; u4's
/// conversation is transferred. The log ends 11 days in.
fn resolutions() -> Log {
    let day = 86_400;
    let mut l = Log::default();
    l.start(t(0), "c1", "u1", ChannelKind::WebChat)
        .queued(t(0), "c1", "support")
        .accept(t(5), "c1", "support", "ana")
        .close(t(100), "c1", "support", "ana")
        .csat(t(110), "c1", 2)
        .to(
            t(200),
            "c1",
            Some(State::Closed),
            State::Queued,
            Reason::Reopened,
            Some("support"),
            None,
        )
        .accept(t(210), "c1", "support", "ana")
        .close(t(300), "c1", "support", "ana")
        .csat(t(310), "c1", 5);
    l.start(t(0), "c2", "u2", ChannelKind::Sms)
        .queued(t(0), "c2", "support")
        .accept(t(5), "c2", "support", "ana")
        .close(t(50), "c2", "support", "ana")
        .csat(t(60), "c2", 4);
    l.start(t(0), "c4", "u3", ChannelKind::Sms)
        .queued(t(0), "c4", "billing")
        .accept(t(5), "c4", "billing", "ben")
        .close(t(80), "c4", "billing", "ben");
    l.start(t(0), "c6", "u4", ChannelKind::WhatsApp)
        .queued(t(0), "c6", "support")
        .accept(t(5), "c6", "support", "ana")
        .to(
            t(30),
            "c6",
            Some(State::WithAgent),
            State::WithAgent,
            Reason::Transfer,
            Some("billing"),
            Some("ben"),
        )
        .push(
            Event::new(
                t(30),
                EventKind::Transferred {
                    from: AgentId::new("ana"),
                },
            )
            .conversation(ConversationId::new("c6"))
            .agent(AgentId::new("ben")),
        )
        .close(t(90), "c6", "billing", "ben");
    for c in ["c1", "c2", "c4", "c6"] {
        l.purge(t(day + 300), c);
    }
    l.start(t(3 * day + 50), "c3", "u2", ChannelKind::Sms)
        .queued(t(3 * day + 50), "c3", "support")
        .accept(t(3 * day + 60), "c3", "support", "ana")
        .close(t(3 * day + 100), "c3", "support", "ana")
        .csat(t(3 * day + 110), "c3", 1);
    l.start(t(8 * day + 80), "c5", "u3", ChannelKind::Sms)
        .queued(t(8 * day + 80), "c5", "billing")
        .accept(t(8 * day + 90), "c5", "billing", "ben")
        .close(t(8 * day + 100), "c5", "billing", "ben");
    l.status(t(11 * day), "ana", Presence::Offline);
    l
}

#[test]
fn first_contact_resolution_needs_no_reopen_no_return_within_the_window_and_one_agent() {
    let r = resolutions().report(Settings::new());
    let s = &r.summary.totals;
    // c1 reopened, c2's contact came back within 7 days, c6 had two
    // agents: 3 of 6 closed conversations resolved (c3, c4, c5).
    assert_eq!((s.fcr.closed, s.fcr.resolved), (6, 3));
    assert!(close_to(s.fcr_percent, 50.0));
    assert_eq!((s.closed, s.reopened, s.transfers), (6, 1, 1));
    // Resolution time runs to the last close: c1 300 s.
    assert!(close_to(s.resolution_time_s.p90.map(|_| 300.0), 300.0));
    let q = &r.summary.queues;
    // c6 ended in billing, so billing has c4, c5 and c6: 2 of 3 resolved.
    assert_eq!((q["billing"].fcr.closed, q["billing"].fcr.resolved), (3, 2));
    let a = &r.summary.agents;
    assert_eq!((a["ana"].transfers_out, a["ben"].transfers_in), (1, 1));
    // ana's parts: c1 twice (5→100, 210→300 as one segment each), c2, c3,
    // c6 (5→30); ben: c4, c5, c6.
    assert_eq!((a["ana"].handled, a["ben"].handled), (5, 3));
}

#[test]
fn a_shorter_window_lets_the_returning_contact_count_as_resolved() {
    let s = Settings::new().with_fcr_window(Duration::from_secs(86_400));
    let r = resolutions().report(s);
    // c2's contact came back after 3 days: outside a 1-day window.
    assert_eq!(r.summary.totals.fcr.resolved, 4);
}

#[test]
fn csat_takes_the_latest_score_per_conversation() {
    let r = resolutions().report(Settings::new());
    let c = &r.summary.totals.csat;
    // c1: 2 then 5; c2: 4; c3: 1.
    assert_eq!(c.scores, [1, 0, 0, 1, 1]);
    assert_eq!(c.responses, 3);
    assert!(close_to(c.satisfied_percent, 200.0 / 3.0));
    assert!(close_to(c.mean, 10.0 / 3.0));
    assert!(close_to(c.response_rate_percent, 50.0));
}

#[test]
fn occupancy_joins_overlapping_conversations_and_wrap_up() {
    let mut l = Log::default();
    l.status(t(0), "ana", Presence::Available);
    for (c, a, z) in [("c1", 100, 700), ("c2", 500, 1000)] {
        l.start(t(a - 10), c, c, ChannelKind::WebChat)
            .queued(t(a - 10), c, "support")
            .accept(t(a), c, "support", "ana")
            .close(t(z), c, "support", "ana");
    }
    l.push(
        Event::new(
            t(1500),
            EventKind::OfferMissed {
                reason: Reason::Declined,
            },
        )
        .agent(AgentId::new("ana"))
        .conversation(ConversationId::new("c9")),
    )
    .push(
        Event::new(
            t(1600),
            EventKind::OfferMissed {
                reason: Reason::OfferExpired,
            },
        )
        .agent(AgentId::new("ana"))
        .conversation(ConversationId::new("c9")),
    );
    l.status(t(3600), "ana", Presence::Away)
        .status(t(7200), "ana", Presence::Offline);
    let s = Settings::new().with_wrap_up(QueueId::new("support"), Duration::from_secs(60));
    let r = l.report(s);
    let a = &r.summary.agents["ana"];
    // Busy: 100 → 760 joined with 500 → 1060 = 960 s; signed in 7200 s.
    assert!(close_to(Some(a.busy_s), 960.0));
    assert!(close_to(Some(a.signed_in_s), 7200.0));
    assert!(close_to(Some(a.available_s), 3600.0));
    assert!(close_to(a.occupancy_percent, 960.0 * 100.0 / 7200.0));
    assert_eq!(
        (a.offers_accepted, a.offers_declined, a.offers_missed),
        (2, 1, 1)
    );
}

#[test]
fn responsiveness_reads_the_last_seven_days_against_messengers_bar() {
    let mut l = Log::default();
    // Ten conversations: nine answered by the bot within 5 minutes, one
    // never answered: 90 % and a 5-minute median meet the bar.
    for i in 0..10u64 {
        let c = format!("c{i}");
        l.start(t(i * 1000), &c, &c, ChannelKind::Messenger)
            .customer(t(i * 1000), &c);
        if i < 9 {
            l.bot(t(i * 1000 + 300), &c);
        }
    }
    let r = l.report(Settings::new());
    let resp = &r.summary.responsiveness;
    assert_eq!(resp.conversations, 10);
    assert!(close_to(resp.response_rate_percent, 90.0));
    assert!(close_to(resp.median_response_s, 300.0));
    assert!(resp.very_responsive);
    l.start(t(20_000), "late", "late", ChannelKind::Messenger);
    assert!(
        !l.report(Settings::new())
            .summary
            .responsiveness
            .very_responsive
    );
}
