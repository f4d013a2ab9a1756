//! Queues: eligibility, order, aging, relaxation, overflow, size limit,
//! business hours.

use std::time::Duration;

use switchboard::assign::{AssignError, AssignEvent, ConversationStatus};
use switchboard::{QueueId, Timestamp};

use crate::*;

#[test]
fn eligibility_reads_the_agent_and_the_conversation() {
    // Given a billing queue for level-2 billing agents who speak the
    // customer's language,
    let mut w = given(
        r#"
        [[queues]]
        id = "billing"
        eligible = "agent.skills.billing >= 2 and agent.languages has conversation.lang"
        "#,
    );
    w.available(
        profile("junior", 3)
            .with_skill("billing", 1)
            .with_languages(["es"]),
    );
    w.available(
        profile("ana", 3)
            .with_skill("billing", 3)
            .with_languages(["es"]),
    );
    w.available(
        profile("bo", 3)
            .with_skill("billing", 3)
            .with_languages(["en"]),
    );
    // when a Spanish and an English conversation arrive,
    w.enqueue(chat("es1", "billing").with_lang("es"));
    w.enqueue(chat("en1", "billing").with_lang("en"));
    w.enqueue(chat("de1", "billing").with_lang("de"));
    // then each goes to the agent with the skill and the language, and the
    // German one waits.
    assert_eq!(w.offers(), pairs(&[("es1", "ana"), ("en1", "bo")]));
    assert_eq!(w.waiting("billing"), ["de1"]);
}

#[test]
fn higher_priority_first_then_first_come_first_served() {
    let mut w = given(
        r#"
        [[queues]]
        id = "support"
        "#,
    );
    w.enqueue(chat("a", "support"));
    w.secs(1);
    w.enqueue(chat("b", "support"));
    w.secs(1);
    w.enqueue(chat("vip", "support").with_priority(10));
    w.secs(1);
    w.enqueue(chat("c", "support"));
    assert_eq!(w.waiting("support"), ["vip", "a", "b", "c"]);
    assert_eq!(w.position("b"), Some(3));
    // An agent frees up: they are served in that order.
    w.available(profile("ana", 4));
    assert_eq!(
        w.offers(),
        pairs(&[("vip", "ana"), ("a", "ana"), ("b", "ana"), ("c", "ana")])
    );
}

#[test]
fn aging_lets_a_long_wait_overtake_a_higher_priority() {
    // One point per minute waited.
    let mut w = given(
        r#"
        [[queues]]
        id = "support"
        aging = "1m"
        "#,
    );
    w.enqueue(chat("old", "support"));
    w.secs(6 * 60);
    w.enqueue(chat("urgent", "support").with_priority(5));
    // Six minutes of waiting beat five points.
    assert_eq!(w.waiting("support"), ["old", "urgent"]);
    w.enqueue(chat("very-urgent", "support").with_priority(7));
    assert_eq!(w.waiting("support"), ["very-urgent", "old", "urgent"]);
}

#[test]
fn across_queues_an_agent_takes_the_highest_effective_priority() {
    let mut w = given(
        r#"
        [[queues]]
        id = "sales"
        priority = 1
        [[queues]]
        id = "support"
        priority = 5
        "#,
    );
    w.enqueue(chat("s1", "sales"));
    w.secs(10);
    w.enqueue(chat("p1", "support"));
    w.available(profile("ana", 1));
    assert_eq!(w.offers(), pairs(&[("p1", "ana")]));
}

#[test]
fn relaxation_widens_eligibility_after_a_wait() {
    // Given a queue that wants level 3, then level 1 after 2 minutes,
    let mut w = given(
        r#"
        [[queues]]
        id = "billing"
        eligible = "agent.skills.billing >= 3"
        relax = [{ after = "2m", eligible = "agent.skills.billing >= 1" }]
        "#,
    );
    w.available(profile("junior", 1).with_skill("billing", 1));
    w.enqueue(chat("c1", "billing"));
    assert!(w.offers().is_empty());
    // when it has waited 2 minutes,
    w.secs(119);
    assert!(w.offers().is_empty());
    w.secs(1);
    // then it is relaxed and offered to the junior agent.
    let ev = w.events();
    assert!(ev.contains(&AssignEvent::Relaxed {
        ticket: conv("c1"),
        queue: QueueId::new("billing"),
        step: 1
    }));
    assert!(
        ev.iter()
            .any(|e| matches!(e, AssignEvent::Offered { agent, .. } if agent.as_str() == "junior"))
    );
}

#[test]
fn overflow_moves_to_another_queue_keeping_the_wait() {
    let mut w = given(
        r#"
        [[queues]]
        id = "billing"
        eligible = "agent.skills.billing >= 1"
        overflow = { after = "5m", to = "general" }
        [[queues]]
        id = "general"
        "#,
    );
    w.enqueue(chat("early", "general"));
    w.secs(60);
    w.enqueue(chat("c1", "billing"));
    w.secs(5 * 60);
    let ev = w.events();
    assert_eq!(
        ev,
        [AssignEvent::Overflowed {
            ticket: conv("c1"),
            from: QueueId::new("billing"),
            to: QueueId::new("general")
        }]
    );
    // It keeps its wait: behind the one that waited longer.
    assert_eq!(w.waiting("general"), ["early", "c1"]);
    assert!(w.waiting("billing").is_empty());
    w.available(profile("gen", 2));
    assert_eq!(w.offers(), pairs(&[("early", "gen"), ("c1", "gen")]));
}

#[test]
fn a_full_queue_rejects_new_conversations_with_a_typed_error() {
    let mut w = given(
        r#"
        [[queues]]
        id = "support"
        max_size = 2
        "#,
    );
    w.enqueue(chat("c1", "support"));
    w.enqueue(chat("c2", "support"));
    let err = w.a.enqueue(w.now, chat("c3", "support")).unwrap_err();
    assert_eq!(
        err,
        AssignError::QueueFull {
            queue: QueueId::new("support"),
            limit: 2
        }
    );
    // Nothing changed.
    assert_eq!(w.waiting("support"), ["c1", "c2"]);
    assert_eq!(w.status("c3"), None);
    // Once one leaves, there is room again.
    w.finish("c1");
    w.enqueue(chat("c3", "support"));
}

#[test]
fn unknown_queues_and_duplicates_are_refused() {
    let mut w = given("[[queues]]\nid = \"support\"");
    assert_eq!(
        w.a.enqueue(w.now, chat("c1", "suport")),
        Err(AssignError::UnknownQueue(QueueId::new("suport")))
    );
    w.enqueue(chat("c1", "support"));
    assert_eq!(
        w.a.enqueue(w.now, chat("c1", "support")),
        Err(AssignError::AlreadyQueued(conv("c1")))
    );
    assert_eq!(w.waiting("support"), ["c1"]);
}

#[test]
fn outside_business_hours_conversations_wait_for_opening() {
    // Given a queue open Monday to Friday 09:00-17:00 UTC, on a Monday at
    // midnight,
    let mut w = given(
        r#"
        [calendars.office]
        timezone = "UTC"
        mon-fri = "09:00-17:00"
        [[queues]]
        id = "support"
        calendar = "office"
        "#,
    );
    w.available(profile("ana", 1));
    // when a conversation arrives, it waits, and the status says when the
    // queue opens;
    let nine = Timestamp::from_millis(1_767_571_200_000 + 9 * 3_600_000);
    match w.enqueue(chat("c1", "support")) {
        ConversationStatus::Waiting {
            opens, position, ..
        } => {
            assert_eq!(opens, Some(nine));
            assert_eq!(position, 1);
        }
        s => panic!("{s:?}"),
    }
    assert!(w.offers().is_empty());
    // then at opening it is offered.
    assert_eq!(w.a.poll_timeout(), Some(nine));
    w.after(Duration::from_secs(9 * 3600));
    let ev = w.events();
    assert_eq!(
        ev[0],
        AssignEvent::QueueOpened {
            queue: QueueId::new("support")
        }
    );
    assert!(matches!(&ev[1], AssignEvent::Offered { ticket, .. } if ticket.as_str() == "c1"));
    w.accept("ana", "c1");
    w.events();
    // At 17:00 it closes again.
    w.after(Duration::from_secs(8 * 3600));
    assert!(matches!(w.events()[..], [AssignEvent::QueueClosed { .. }]));
}

#[test]
fn eligibility_that_changes_with_time_alone_is_refused_with_the_alternative() {
    // Eligibility is re-checked when agents and conversations change, not
    // as the clock moves: waiting-time rules are relaxation steps.
    let err = switchboard::config::Config::from_toml_str(
        "[[queues]]\nid = \"q\"\neligible = \"agent.skills.x >= 1 and conversation.waited >= 60\"\n",
    )
    .unwrap_err();
    let d = &err.diagnostics()[0];
    assert_eq!(d.path, "queues[0].eligible");
    assert_eq!(
        d.message,
        "`conversation.waited` changes with time alone, and eligibility is not re-checked as time passes"
    );
    assert!(
        d.help
            .as_deref()
            .unwrap()
            .starts_with("use relax = [{ after")
    );
    let err = switchboard::config::Config::from_toml_str(
        "[calendars.eu]\ntimezone = \"UTC\"\nmon-fri = \"09:00-17:00\"\n[[queues]]\nid = \"q\"\nrelax = [{ after = \"1m\", eligible = \"hours.eu\" }]\n",
    )
    .unwrap_err();
    assert_eq!(err.diagnostics()[0].path, "queues[0].relax[0].eligible");
}

#[test]
fn a_clock_at_the_end_of_time_does_not_stall_the_timers() {
    // A queue overflowing into another and a host clock near the end of
    // `u64` milliseconds, where `now + 1m` saturates: the assigner's clock
    // stops at `Timestamp::MAX`, so every deadline stays ahead of it (or
    // never falls due, and is not reported) and the calls return.
    let mut w = given(
        r#"
        [[queues]]
        id = "a"
        overflow = { after = "1m", to = "b" }

        [[queues]]
        id = "b"
        "#,
    );
    let last = Timestamp::from_millis(u64::MAX / 2);
    w.a.handle_timeout(Timestamp::from_millis(u64::MAX - 90_000));
    w.a.enqueue(Timestamp::from_millis(u64::MAX - 90_000), chat("c1", "a"))
        .unwrap();
    w.a.handle_timeout(Timestamp::from_millis(u64::MAX));
    w.check();
    assert!(w.events().is_empty());
    assert_eq!(w.a.poll_timeout(), None, "the overflow lies past the end");
    match w.status("c1") {
        Some(ConversationStatus::Waiting { since, .. }) => assert_eq!(since, last),
        s => panic!("{s:?}"),
    }
}
