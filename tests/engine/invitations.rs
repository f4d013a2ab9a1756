//! Proactive invitations: shown when the visitor seems to need help and
//! someone can answer, within their caps; accepted, dismissed, on a timer.

use std::time::Duration;

use switchboard::assign::{AgentProfile, Capacity, Presence};
use switchboard::channel::{Capabilities, Outbound};
use switchboard::engine::{Action, EventKind, Inbound, Input, InputError, Snapshot, Switchboard};
use switchboard::handoff::{Party, State};
use switchboard::invite::{InvitationId, SuppressReason, Visit};
use switchboard::{Address, AgentId, ChannelKind, ConversationId, Origin, Timestamp};

use crate::{World, mins, secs};

const CONFIG: &str = r#"
[calendars.dawn]
timezone = "Europe/Berlin"
mon-fri = "06:00-07:00"

[[queues]]
id = "support"
eligible = "agent.languages has conversation.lang"

[[queues]]
id = "sales"

[[queues]]
id = "early"
calendar = "dawn"

[bots.faq]

[assignment]
handle_time = "10m"

[[rules]]
id = "finnish"
when = "lang == 'fi'"
then = { queue = "support" }

[[rules]]
id = "from-pricing"
when = "conversation.campaign == 'pricing-help'"
then = { queue = "sales", tags = ["pricing"] }

[defaults]
bot = "faq"

[[invitations]]
id = "pricing-help"
when = "visit.url contains '/pricing' and visit.time_on_page >= 30"
message = { text = "Questions about our plans?", quick_replies = [{ title = "Chat with us", payload = "chat" }] }
queue = "sales"
cooldown = "7d"

[[invitations]]
id = "big-cart"
when = "visit.url contains '/checkout' and visit.cart_value >= 200"
message = "Need a hand with your order?"
queue = "support"
max_wait = "5m"
max_per_visit = 2

[[invitations]]
id = "early-bird"
when = "visit.url contains '/early'"
message = "Up early? So are we."
queue = "early"
"#;

const ME: &str = "visitor-1";

fn world() -> World {
    World::with(CONFIG)
}

fn page(url: &str) -> Visit {
    Visit::new(ChannelKind::WebChat, Address::new_unchecked(ME), url)
}

/// An agent who speaks English, available, with room on web chat and in
/// app.
fn ready_agent(w: &mut World, id: &str) {
    w.give(Input::AgentUpsert(
        AgentProfile::new(id)
            .with_languages(["en"])
            .with_capacity(Capacity::new([
                (ChannelKind::WebChat, 2),
                (ChannelKind::InApp, 2),
                (ChannelKind::Sms, 2),
            ])),
    ));
    w.give(Input::AgentStatus {
        agent: AgentId::new(id),
        status: Presence::Available,
    });
}

/// The invitations shown, in order.
fn invited(w: &World) -> Vec<&str> {
    w.actions
        .iter()
        .filter_map(|a| match a {
            Action::Invite { invitation, .. } => Some(invitation.as_str()),
            _ => None,
        })
        .collect()
}

/// The invitations held back, with why.
fn suppressed(w: &World) -> Vec<(&str, SuppressReason)> {
    w.events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::InvitationSuppressed { invitation, reason } => {
                Some((invitation.as_str(), *reason))
            }
            _ => None,
        })
        .collect()
}

fn dismiss(w: &mut World, invitation: &str) {
    w.give(Input::InvitationDismissed {
        channel: ChannelKind::WebChat,
        visitor: Address::new_unchecked(ME),
        invitation: InvitationId::new(invitation),
    });
}

#[test]
fn a_time_on_page_invitation_fires_exactly_at_the_threshold() {
    let mut w = world();
    ready_agent(&mut w, "ana");
    let arrived = w.now;
    w.give(Input::Visit(page("https://shop.example/pricing")));
    assert!(invited(&w).is_empty());
    let due = arrived + secs(30);
    assert_eq!(w.sb.poll_timeout(), Some(due));

    w.sb.handle_timeout(due.saturating_sub(Duration::from_millis(1)));
    assert!(w.sb.poll_action().is_none(), "not a millisecond early");
    w.now = w.sb.poll_timeout().expect("the threshold is armed");
    assert_eq!(w.now, due);
    w.wait(Duration::ZERO);
    assert_eq!(invited(&w), ["pricing-help"]);
    let invite = w
        .actions
        .iter()
        .find(|a| matches!(a, Action::Invite { .. }))
        .unwrap();
    let Action::Invite {
        channel, to, parts, ..
    } = invite
    else {
        unreachable!()
    };
    assert_eq!((channel, to.as_str()), (&ChannelKind::WebChat, ME));
    assert!(
        matches!(&parts[..], [Outbound::Text { text, quick_replies }]
        if text == "Questions about our plans?" && quick_replies.len() == 1)
    );
    let shown = w
        .events
        .iter()
        .find(|e| matches!(e.kind, EventKind::Invited { .. }))
        .unwrap();
    assert_eq!(shown.at, due);
    assert_eq!(shown.queue.as_ref().map(|q| q.as_str()), Some("sales"));
}

#[test]
fn a_page_change_cancels_the_time_on_page_timer() {
    let mut w = world();
    ready_agent(&mut w, "ana");
    w.give(Input::Visit(page("https://shop.example/pricing")));
    w.wait(secs(20));
    w.give(Input::Visit(page("https://shop.example/about")));
    // The new page's own clock: nothing is left at the old page's 30 s.
    assert_eq!(w.sb.poll_timeout(), Some(w.now + secs(30)));
    w.wait(secs(60));
    assert!(invited(&w).is_empty());
    assert!(suppressed(&w).is_empty());
}

#[test]
fn a_later_report_on_the_same_page_counts_on_from_the_reported_time() {
    let mut w = world();
    ready_agent(&mut w, "ana");
    w.give(Input::Visit(
        page("https://shop.example/pricing").with_time_on_page(25.5),
    ));
    assert_eq!(
        w.sb.poll_timeout(),
        Some(w.now + Duration::from_millis(4_500))
    );
    w.wait(Duration::from_millis(4_499));
    assert!(invited(&w).is_empty());
    w.wait(Duration::from_millis(1));
    assert_eq!(invited(&w), ["pricing-help"]);
}

#[test]
fn the_cooldown_holds_across_visits_and_lapses() {
    let mut w = world();
    ready_agent(&mut w, "ana");
    w.give(Input::Visit(page("https://shop.example/pricing")));
    w.wait(secs(30));
    assert_eq!(invited(&w), ["pricing-help"]);
    // A new visit the next day: still within the week.
    w.wait(Duration::from_secs(86_400)).clear();
    w.give(Input::Visit(page("https://shop.example/pricing")));
    w.wait(secs(30));
    assert!(invited(&w).is_empty());
    assert_eq!(suppressed(&w), [("pricing-help", SuppressReason::Cooldown)]);
    // A week after it was shown, it may show again.
    w.wait(Duration::from_secs(6 * 86_400)).clear();
    w.give(Input::Visit(page("https://shop.example/pricing")));
    w.wait(secs(30));
    assert_eq!(invited(&w), ["pricing-help"]);
}

#[test]
fn one_invitation_per_visit_unless_it_allows_more() {
    let mut w = world();
    ready_agent(&mut w, "ana");
    w.give(Input::Visit(
        page("https://shop.example/checkout")
            .with_cart_value(250.0)
            .with_visits(1),
    ));
    assert_eq!(invited(&w), ["big-cart"]);
    w.clear();
    // pricing-help allows one per visit, and the visit had one.
    w.give(Input::Visit(
        page("https://shop.example/pricing").with_visits(1),
    ));
    w.wait(secs(30));
    assert_eq!(suppressed(&w), [("pricing-help", SuppressReason::VisitCap)]);
    assert!(invited(&w).is_empty());
    // big-cart allows two per visit: the visit had one.
    w.clear().give(Input::Visit(
        page("https://shop.example/checkout")
            .with_cart_value(300.0)
            .with_visits(1),
    ));
    assert_eq!(invited(&w), ["big-cart"]);
    w.clear().give(Input::Visit(
        page("https://shop.example/checkout")
            .with_cart_value(300.0)
            .with_visits(1),
    ));
    assert_eq!(suppressed(&w), [("big-cart", SuppressReason::VisitCap)]);
    // The host's next visit number starts a new visit.
    w.clear().give(Input::Visit(
        page("https://shop.example/pricing").with_visits(2),
    ));
    w.wait(secs(30));
    assert_eq!(invited(&w), ["pricing-help"]);
}

#[test]
fn a_visit_ends_after_the_visit_timeout() {
    let mut w = world();
    ready_agent(&mut w, "ana");
    w.give(Input::Visit(
        page("https://shop.example/checkout").with_cart_value(250.0),
    ));
    w.give(Input::Visit(
        page("https://shop.example/checkout").with_cart_value(250.0),
    ));
    assert_eq!(invited(&w), ["big-cart", "big-cart"]);
    w.wait(mins(30)).clear();
    // Forgotten (big-cart has no cooldown): nothing is kept.
    assert!(!w.snapshot_json().contains("\"visitors\""));
    w.give(Input::Visit(
        page("https://shop.example/checkout").with_cart_value(250.0),
    ));
    assert_eq!(invited(&w), ["big-cart"]);
}

#[test]
fn no_invitation_while_the_visitor_has_an_open_conversation() {
    let mut w = world();
    ready_agent(&mut w, "ana");
    w.chat(ME, "hello");
    assert_eq!(w.state("c1"), State::Bot);
    w.clear().give(Input::Visit(
        page("https://shop.example/checkout").with_cart_value(250.0),
    ));
    assert_eq!(
        suppressed(&w),
        [("big-cart", SuppressReason::ConversationOpen)]
    );
    assert!(invited(&w).is_empty());
}

#[test]
fn no_invitation_without_a_ready_agent() {
    let mut w = world();
    w.give(Input::Visit(
        page("https://shop.example/checkout").with_cart_value(250.0),
    ));
    assert_eq!(suppressed(&w), [("big-cart", SuppressReason::NoAgentReady)]);
    // Away is not ready either.
    ready_agent(&mut w, "ana");
    w.give(Input::AgentStatus {
        agent: AgentId::new("ana"),
        status: Presence::Away,
    });
    w.clear().give(Input::Visit(
        page("https://shop.example/checkout").with_cart_value(250.0),
    ));
    assert_eq!(suppressed(&w), [("big-cart", SuppressReason::NoAgentReady)]);
}

#[test]
fn no_invitation_when_the_wait_is_over_max_wait() {
    let mut w = world();
    ready_agent(&mut w, "ana");
    // A Finnish customer waits in support: Ana speaks English only, so she
    // stays ready while the queue's estimated wait grows (10 minutes a
    // conversation, one agent).
    w.give(Input::Inbound(
        Inbound::new(
            ChannelKind::Sms,
            Address::new_unchecked("+358401234567"),
            "hei",
        )
        .with_lang("fi"),
    ));
    assert_eq!(w.state("c1"), State::Queued);
    w.clear().give(Input::Visit(
        page("https://shop.example/checkout").with_cart_value(250.0),
    ));
    assert_eq!(suppressed(&w), [("big-cart", SuppressReason::WaitTooLong)]);
    assert!(invited(&w).is_empty());
}

#[test]
fn no_invitation_outside_the_queues_business_hours() {
    let mut w = world();
    ready_agent(&mut w, "ana");
    // Monday 11:00 in Berlin; the early queue works from 6 to 7.
    w.give(Input::Visit(page("https://shop.example/early")));
    assert_eq!(
        suppressed(&w),
        [("early-bird", SuppressReason::OutsideHours)]
    );
}

#[test]
fn accepting_an_invitation_starts_a_conversation_with_its_origin_tag_and_transcript() {
    let mut w = world();
    ready_agent(&mut w, "ana");
    w.give(Input::Visit(page("https://shop.example/pricing")));
    w.wait(secs(30));
    let shown_at = w.now;
    w.wait(secs(10)).clear();
    w.chat(ME, "Yes, which plan fits a team of five?");

    let c =
        w.sb.conversation(&ConversationId::new("c1"))
            .expect("a conversation started");
    assert_eq!(c.origin(), &Origin::invitation("pricing-help"));
    assert!(c.tags().iter().any(|t| t == "invitation:pricing-help"));
    // The rule on conversation.campaign sent it to sales.
    assert!(c.tags().iter().any(|t| t == "pricing"));
    assert_eq!(c.queue().map(|q| q.as_str()), Some("sales"));
    let entries: Vec<_> = c.transcript().entries().collect();
    assert_eq!(entries[0].from, Party::System);
    assert_eq!(entries[0].text, "Questions about our plans?");
    assert_eq!(entries[0].at, shown_at);
    assert_eq!(entries[1].from, Party::Customer);
    let accepted = w
        .events
        .iter()
        .find(|e| matches!(&e.kind, EventKind::InvitationAccepted { invitation } if invitation.as_str() == "pricing-help"))
        .expect("the acceptance is recorded");
    assert_eq!(accepted.conversation, Some(ConversationId::new("c1")));
    assert_eq!(w.offers_to("ana"), 1);
}

#[test]
fn an_accepted_invitation_no_rule_routes_goes_to_its_queue() {
    let mut w = world();
    ready_agent(&mut w, "ana");
    w.give(Input::Visit(
        page("https://shop.example/checkout").with_cart_value(250.0),
    ));
    w.chat(ME, "where do I enter a voucher?");
    let c = w.sb.conversation(&ConversationId::new("c1")).unwrap();
    // Not the default bot: the queue that was just found ready.
    assert_eq!(c.queue().map(|q| q.as_str()), Some("support"));
    assert_eq!(c.origin(), &Origin::invitation("big-cart"));
}

#[test]
fn a_message_after_the_accept_window_is_the_visitors_own() {
    let mut w = world();
    ready_agent(&mut w, "ana");
    w.give(Input::Visit(
        page("https://shop.example/checkout").with_cart_value(250.0),
    ));
    w.wait(mins(31));
    w.chat(ME, "hello?");
    let c = w.sb.conversation(&ConversationId::new("c1")).unwrap();
    assert_eq!(c.origin(), &Origin::Customer);
    assert_eq!(c.state(), State::Bot);
}

#[test]
fn dismissing_an_invitation_restarts_its_cooldown_and_ends_the_offer() {
    let mut w = world();
    ready_agent(&mut w, "ana");
    w.give(Input::Visit(page("https://shop.example/pricing")));
    w.wait(secs(30));
    assert_eq!(invited(&w), ["pricing-help"]);
    w.wait(secs(5));
    dismiss(&mut w, "pricing-help");
    assert!(
        w.events
            .iter()
            .any(|e| matches!(e.kind, EventKind::InvitationDismissed { .. }))
    );
    // Writing now is not an answer to it.
    w.chat(ME, "just browsing");
    let c = w.sb.conversation(&ConversationId::new("c1")).unwrap();
    assert_eq!(c.origin(), &Origin::Customer);
    w.give(Input::Close {
        conversation: ConversationId::new("c1"),
        by: switchboard::engine::Closer::Customer,
        agent: None,
    });
    // A day later it is dismissed again; a week after the first showing
    // it still cools down from the dismissal.
    w.wait(Duration::from_secs(86_400));
    dismiss(&mut w, "pricing-help");
    w.wait(Duration::from_secs(6 * 86_400 + 3600)).clear();
    w.give(Input::Visit(page("https://shop.example/pricing")));
    w.wait(secs(30));
    assert_eq!(suppressed(&w), [("pricing-help", SuppressReason::Cooldown)]);
    w.wait(Duration::from_secs(86_400)).clear();
    w.give(Input::Visit(page("https://shop.example/pricing")));
    w.wait(secs(30));
    assert_eq!(invited(&w), ["pricing-help"]);
}

#[test]
fn in_app_and_web_chat_render_for_their_own_capabilities() {
    let mut w = world();
    ready_agent(&mut w, "ana");
    // This app's widget has no buttons.
    let mut plain = Capabilities::in_app();
    plain.quick_replies = None;
    w.sb.set_capabilities(ChannelKind::InApp, plain);
    w.give(Input::Visit(
        page("https://shop.example/pricing").with_time_on_page(30.0),
    ));
    w.give(Input::Visit(
        Visit::new(
            ChannelKind::InApp,
            Address::new_unchecked("app-user-7"),
            "app://pricing",
        )
        .with_time_on_page(31.0),
    ));
    let parts: Vec<(&ChannelKind, &[Outbound])> = w
        .actions
        .iter()
        .filter_map(|a| match a {
            Action::Invite { channel, parts, .. } => Some((channel, parts.as_slice())),
            _ => None,
        })
        .collect();
    assert_eq!(parts.len(), 2);
    assert!(
        matches!(parts[0], (ChannelKind::WebChat, [Outbound::Text { quick_replies, .. }]) if quick_replies.len() == 1)
    );
    let (
        ch,
        [
            Outbound::Text {
                text,
                quick_replies,
            },
        ],
    ) = parts[1]
    else {
        panic!("{parts:?}")
    };
    assert_eq!(ch, &ChannelKind::InApp);
    assert!(quick_replies.is_empty());
    assert!(text.ends_with("1. Chat with us"), "{text}");
}

/// What a refusal must be.
type Expect = fn(&InputError) -> bool;

#[test]
fn bad_visits_are_refused_and_change_nothing() {
    let mut w = World::with(&format!("{CONFIG}\n[conversations]\nmax_text = 64\n"));
    ready_agent(&mut w, "ana");
    w.give(Input::Visit(page("https://shop.example/pricing")));
    w.clear();
    let long = format!("https://shop.example/{}", "x".repeat(64));
    let bad: Vec<(Input, Expect)> = vec![
        (
            Input::Visit(Visit::new(
                ChannelKind::Sms,
                Address::new_unchecked("+14155550100"),
                "/",
            )),
            |e| matches!(e, InputError::VisitChannel(ChannelKind::Sms)),
        ),
        (
            Input::Visit(Visit::new(
                ChannelKind::WebChat,
                Address::new_unchecked(""),
                "/",
            )),
            |e| matches!(e, InputError::Address(_)),
        ),
        (Input::Visit(page(&long)), |e| {
            matches!(e, InputError::TooLong { .. })
        }),
        (Input::Visit(page("/").with_title("t".repeat(65))), |e| {
            matches!(e, InputError::TooLong { .. })
        }),
        (Input::Visit(page("/").with_time_on_page(-1.0)), |e| {
            matches!(
                e,
                InputError::Negative {
                    field: "time_on_page",
                    ..
                }
            )
        }),
        (Input::Visit(page("/").with_cart_value(f64::NAN)), |e| {
            matches!(e, InputError::Number("cart_value"))
        }),
        (
            Input::Visit(page("/").with_time_on_page(f64::INFINITY)),
            |e| matches!(e, InputError::Number("time_on_page")),
        ),
        (
            Input::Visit(page("/").with_country("DEU")),
            |e| matches!(e, InputError::Country(c) if c == "DEU"),
        ),
        (Input::Visit(page("/").with_country("D1")), |e| {
            matches!(e, InputError::Country(_))
        }),
        (Input::Visit(page("/").with_lang(" ")), |e| {
            matches!(e, InputError::EmptyId("lang"))
        }),
        (
            Input::InvitationDismissed {
                channel: ChannelKind::WebChat,
                visitor: Address::new_unchecked(ME),
                invitation: InvitationId::new("nope"),
            },
            |e| matches!(e, InputError::UnknownInvitation(_)),
        ),
        (
            Input::InvitationDismissed {
                channel: ChannelKind::WhatsApp,
                visitor: Address::new_unchecked("4915123456789"),
                invitation: InvitationId::new("big-cart"),
            },
            |e| matches!(e, InputError::VisitChannel(_)),
        ),
    ];
    for (input, expected) in bad {
        let before = w.snapshot_json();
        let deadline = w.sb.poll_timeout();
        let err = w.try_give(input.clone()).expect_err("refused");
        assert!(expected(&err), "{input:?}: {err:?}");
        assert!(!err.to_string().is_empty());
        assert!(
            w.actions.is_empty() && w.events.is_empty(),
            "{input:?} had outputs"
        );
        assert_eq!(w.snapshot_json(), before, "{input:?} changed the state");
        assert_eq!(w.sb.poll_timeout(), deadline);
    }
    // Still on its way: the refused inputs did not touch the page.
    w.wait(secs(30));
    assert_eq!(invited(&w), ["pricing-help"]);
}

#[test]
fn refusals_say_what_to_do() {
    let mut sb = Switchboard::new(switchboard::Config::from_toml_str(CONFIG).unwrap());
    let t = Timestamp::from_millis(crate::MONDAY_10);
    let err = sb
        .handle(
            t,
            Input::Visit(Visit::new(
                ChannelKind::Sms,
                Address::new_unchecked("+14155550100"),
                "/",
            )),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "visits and invitations are for webchat and in_app, not sms; report page views from the web chat or in-app widget"
    );
    let err = sb
        .handle(t, Input::Visit(page("/").with_cart_value(-5.0)))
        .unwrap_err();
    assert_eq!(err.to_string(), "`cart_value` is -5, but must be 0 or more");
    let err = sb
        .handle(t, Input::Visit(page("/").with_country("Germany")))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "country `Germany` is not a two-letter ISO 3166-1 code such as `DE` or `us`"
    );
}

#[test]
fn countries_are_kept_in_capitals_for_rules() {
    let config = CONFIG
        .replace(
            "when = \"visit.url contains '/early'\"",
            "when = \"visit.url contains '/early' or visit.country == 'AT'\"",
        )
        .replace("queue = \"early\"", "queue = \"sales\"");
    let mut w = World::with(&config);
    ready_agent(&mut w, "ana");
    w.give(Input::Visit(
        page("https://shop.example/").with_country("at"),
    ));
    assert_eq!(invited(&w), ["early-bird"]);
}

#[test]
fn visits_without_invitations_leave_no_state() {
    let mut w = World::new();
    w.give(Input::Visit(
        page("https://shop.example/pricing").with_time_on_page(5.0),
    ));
    assert!(!w.snapshot_json().contains("visitors"));
    // Still checked.
    assert!(
        w.try_give(Input::Visit(page("/").with_cart_value(-1.0)))
            .is_err()
    );
}

#[test]
fn a_snapshot_keeps_the_time_on_page_timer_and_the_cooldowns() {
    let mut w = world();
    ready_agent(&mut w, "ana");
    w.give(Input::Visit(page("https://shop.example/pricing")));
    w.wait(secs(10));
    let json = w.snapshot_json();
    let snap: Snapshot = serde_json::from_str(&json).unwrap();
    let mut back = Switchboard::restore(w.sb.config().clone(), snap).unwrap();
    assert_eq!(serde_json::to_string(&back.snapshot()).unwrap(), json);
    assert_eq!(back.poll_timeout(), w.sb.poll_timeout());
    back.handle_timeout(w.now + secs(20));
    let mut shown = Vec::new();
    while let Some(a) = back.poll_action() {
        if let Action::Invite { invitation, .. } = a {
            shown.push(invitation);
        }
    }
    assert_eq!(shown, [InvitationId::new("pricing-help")]);
    // A snapshot from before invitations has no `visitors` and restores.
    let mut old: serde_json::Value = serde_json::from_str(&json).unwrap();
    old.as_object_mut().unwrap().remove("visitors");
    let snap: Snapshot = serde_json::from_value(old).unwrap();
    assert!(Switchboard::restore(w.sb.config().clone(), snap).is_ok());
}

#[test]
fn reconfiguring_moves_the_timer_to_the_new_thresholds() {
    let mut w = world();
    ready_agent(&mut w, "ana");
    w.give(Input::Visit(page("https://shop.example/pricing")));
    let faster = CONFIG.replace("visit.time_on_page >= 30", "visit.time_on_page >= 10");
    w.give(Input::Reconfigure {
        config: Box::new(switchboard::Config::from_toml_str(&faster).unwrap()),
    });
    assert_eq!(w.sb.poll_timeout(), Some(w.now + secs(10)));
    w.wait(secs(10));
    assert_eq!(invited(&w), ["pricing-help"]);
}

#[test]
fn a_condition_can_count_ready_agents_and_read_the_wait() {
    let config = format!(
        "{CONFIG}\n[[invitations]]\nid = \"busy-day\"\nwhen = \"visit.url contains '/help' and queue.ready >= 2 and queue.wait < 1\"\nmessage = \"Two of us are free right now.\"\nqueue = \"sales\"\n"
    );
    let mut w = World::with(&config);
    ready_agent(&mut w, "ana");
    w.give(Input::Visit(page("https://shop.example/help")));
    assert!(invited(&w).is_empty());
    assert!(suppressed(&w).is_empty(), "its `when` does not hold");
    ready_agent(&mut w, "bea");
    w.give(Input::Visit(page("https://shop.example/help")));
    assert_eq!(invited(&w), ["busy-day"]);
}

#[test]
fn a_time_on_page_timer_checks_only_the_invitations_it_concerns() {
    let mut w = world();
    w.give(Input::Visit(
        page("https://shop.example/checkout").with_cart_value(250.0),
    ));
    assert_eq!(suppressed(&w), [("big-cart", SuppressReason::NoAgentReady)]);
    ready_agent(&mut w, "ana");
    w.clear().wait(secs(40));
    // The 30 s threshold is pricing-help's: big-cart waits for the next view.
    assert!(suppressed(&w).is_empty() && invited(&w).is_empty());
    w.give(Input::Visit(
        page("https://shop.example/checkout").with_cart_value(250.0),
    ));
    assert_eq!(invited(&w), ["big-cart"]);
}

#[test]
fn no_invitation_for_a_visitor_who_opted_out() {
    let config = format!(
        "{CONFIG}\n[[rules]]\nid = \"leave-me\"\nwhen = \"text contains 'no more messages'\"\nthen = {{ opt_out = true }}\ncontinue = true\n"
    );
    let mut w = World::with(&config);
    ready_agent(&mut w, "ana");
    w.chat(ME, "no more messages please");
    w.give(Input::Close {
        conversation: ConversationId::new("c1"),
        by: switchboard::engine::Closer::Customer,
        agent: None,
    });
    w.clear().give(Input::Visit(
        page("https://shop.example/checkout").with_cart_value(250.0),
    ));
    assert_eq!(suppressed(&w), [("big-cart", SuppressReason::OptedOut)]);
}
