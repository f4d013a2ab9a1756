//! Transfers, and agents signing out.

use switchboard::assign::Presence;
use switchboard::engine::{Action, BotTurn, Closer, EventKind, Input, InputError, Transfer};
use switchboard::handoff::{Reason, State};
use switchboard::{AgentId, ConversationId};

use crate::{World, secs};

/// c1 with ana; bea and cai available.
fn with_ana() -> World {
    let mut w = World::new();
    w.agent("ana");
    w.chat("v1", "I need a human");
    w.accept("ana", "c1");
    w.agent("bea");
    w.agent("cai");
    w.clear();
    w
}

fn offered_agents(w: &World) -> Vec<String> {
    w.actions
        .iter()
        .filter_map(|a| match a {
            Action::Offer { agent, .. } => Some(agent.to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_cold_transfer_to_a_queue_frees_the_agent_at_once() {
    let mut w = with_ana();
    w.give(Input::Transfer(
        Transfer::to_queue("c1", "billing").with_note("double charge"),
    ));
    assert!(w.actions.iter().any(|a| matches!(a, Action::Unassigned { agent, reason: Reason::Transfer, .. } if agent.as_str() == "ana")));
    assert_eq!(w.state("c1"), State::Offered);
    assert_eq!(offered_agents(&w).len(), 1);
    let Some(Action::Offer { context, queue, .. }) =
        w.actions.iter().find(|a| matches!(a, Action::Offer { .. }))
    else {
        panic!()
    };
    assert_eq!(queue.as_str(), "billing");
    assert!(context.notes.iter().any(|n| n.text == "double charge"));
    assert_eq!(context.previous_agents, [AgentId::new("ana")]);
    assert_eq!(context.transfer_from, Some(AgentId::new("ana")));
}

#[test]
fn a_warm_transfer_keeps_the_first_agent_until_the_second_accepts() {
    let mut w = with_ana();
    w.give(Input::Transfer(Transfer::to_agent("c1", "bea").warm()));
    assert_eq!(w.state("c1"), State::WithAgent);
    assert_eq!(
        w.sb.conversation(&"c1".into())
            .unwrap()
            .agent()
            .unwrap()
            .as_str(),
        "ana"
    );
    assert_eq!(offered_agents(&w), ["bea"]);
    // Ana can still talk to the customer meanwhile.
    w.give(Input::AgentMessage {
        agent: AgentId::new("ana"),
        conversation: ConversationId::new("c1"),
        content: "Bringing in Bea.".into(),
    });
    w.accept("bea", "c1");
    let c = w.sb.conversation(&"c1".into()).unwrap();
    assert_eq!(c.agent().unwrap().as_str(), "bea");
    assert_eq!(c.agents(), [AgentId::new("ana"), AgentId::new("bea")]);
    assert!(w.actions.iter().any(|a| matches!(a, Action::Unassigned { agent, reason: Reason::Transfer, .. } if agent.as_str() == "ana")));
    assert!(
        w.events
            .iter()
            .any(|e| matches!(&e.kind, EventKind::Transferred { from } if from.as_str() == "ana"))
    );
    assert!(w.sb.conversations_of(&AgentId::new("ana")).is_empty());
    // The customer's next message goes to Bea.
    w.clear();
    w.chat("v1", "hello Bea");
    assert!(matches!(&w.actions[..], [Action::Deliver { agent, .. }] if agent.as_str() == "bea"));
}

#[test]
fn a_declined_warm_transfer_stays_with_the_first_agent() {
    let mut w = with_ana();
    w.give(Input::Transfer(Transfer::to_agent("c1", "bea").warm()));
    w.give(Input::AgentDecline {
        agent: AgentId::new("bea"),
        conversation: ConversationId::new("c1"),
    });
    assert!(w.actions.iter().any(|a| matches!(a, Action::TransferFailed { agent: Some(a), to, reason: Reason::Declined, .. } if a.as_str() == "ana" && to.as_str() == "bea")));
    let c = w.sb.conversation(&"c1".into()).unwrap();
    assert_eq!(c.state(), State::WithAgent);
    assert_eq!(c.agent().unwrap().as_str(), "ana");
    assert!(!c.transfer_pending());
}

#[test]
fn an_unanswered_cold_transfer_to_an_agent_goes_to_the_queue() {
    let mut w = with_ana();
    w.give(Input::Transfer(Transfer::to_agent("c1", "bea")));
    assert_eq!(offered_agents(&w), ["bea"]);
    w.clear();
    w.wait(secs(30));
    assert!(w.actions.iter().any(|a| matches!(
        a,
        Action::TransferFailed {
            agent: None,
            reason: Reason::OfferExpired,
            ..
        }
    )));
    // Anyone in the queue may take it now.
    assert_eq!(offered_agents(&w).len(), 1, "{:?}", w.actions);
    assert_eq!(w.state("c1"), State::Offered);
}

/// c1 with ana; bea available: two agents, one conversation.
fn ana_and_bea() -> World {
    let mut w = World::new();
    w.agent("ana");
    w.chat("v1", "I need a human");
    w.accept("ana", "c1");
    w.agent("bea");
    w.clear();
    w
}

fn offline(w: &mut World, agent: &str) {
    w.give(Input::AgentStatus {
        agent: AgentId::new(agent),
        status: Presence::Offline,
    });
}

/// The customer leaves c1, then `agent` accepts it: the actions the
/// customer leaving gave, and how the accept was refused (it changed
/// nothing).
fn leave_then_accept(w: &mut World, agent: &str) -> (Vec<Action>, InputError) {
    w.clear();
    w.give(Input::Close {
        conversation: ConversationId::new("c1"),
        by: Closer::Customer,
        agent: None,
    });
    let left = std::mem::take(&mut w.actions);
    let before = w.snapshot_json();
    let refused = w
        .try_give(Input::AgentAccept {
            agent: AgentId::new(agent),
            conversation: ConversationId::new("c1"),
        })
        .expect_err("the offer is gone");
    assert_eq!(w.snapshot_json(), before);
    (left, refused)
}

/// The transitions of c1 as (from, to, the event's agent).
fn transitions_with_agents(w: &World) -> Vec<(Option<State>, State, Option<String>)> {
    w.events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Transition { from, to, .. } => {
                Some((*from, *to, e.agent.as_ref().map(|a| a.to_string())))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn a_customer_leaving_while_a_cold_transfer_is_offered_withdraws_the_offer() {
    // Without a transfer: closed, then bea's offer withdrawn.
    let mut plain = World::new();
    plain.agent("bea");
    plain.chat("v1", "I need a human");
    assert_eq!(offered_agents(&plain), ["bea"]);
    let (closed, refused) = leave_then_accept(&mut plain, "bea");
    assert!(
        matches!(
            &closed[..],
            [
                Action::Closed { reason: Reason::Abandoned, .. },
                Action::RevokeOffer { agent, reason: Reason::OfferRevoked, .. },
            ] if agent.as_str() == "bea"
        ),
        "{closed:?}"
    );
    assert!(
        matches!(refused, InputError::NotOffered { .. }),
        "{refused}"
    );
    // After ana's cold transfer to a queue, or to bea: the same.
    for transfer in [
        Transfer::to_queue("c1", "sales"),
        Transfer::to_agent("c1", "bea"),
    ] {
        let mut w = ana_and_bea();
        w.give(Input::Transfer(transfer.clone()));
        assert_eq!(offered_agents(&w), ["bea"], "{transfer:?}");
        let (left, late) = leave_then_accept(&mut w, "bea");
        assert_eq!(left, closed, "{transfer:?}");
        assert_eq!(late.to_string(), refused.to_string(), "{transfer:?}");
    }
}

#[test]
fn a_conversation_that_came_by_transfer_withdraws_its_offer_when_the_customer_leaves() {
    // Ana hands c1 to bea, who takes it, then signs out: it is offered
    // to ana again.
    let mut w = ana_and_bea();
    w.give(Input::Transfer(Transfer::to_agent("c1", "bea")));
    w.accept("bea", "c1");
    w.clear();
    offline(&mut w, "bea");
    assert_eq!(offered_agents(&w), ["ana"]);
    let (left, refused) = leave_then_accept(&mut w, "ana");
    assert!(
        matches!(
            &left[..],
            [
                Action::Closed { reason: Reason::Abandoned, .. },
                Action::RevokeOffer { agent, reason: Reason::OfferRevoked, .. },
            ] if agent.as_str() == "ana"
        ),
        "{left:?}"
    );
    assert!(
        matches!(refused, InputError::NotOffered { .. }),
        "{refused}"
    );
}

#[test]
fn a_cold_transfer_names_the_agent_who_lets_go_and_then_nobody_until_one_takes_it() {
    let sales = || Input::Transfer(Transfer::to_queue("c1", "sales"));
    // A first offer names nobody; the transfer's is the same.
    let mut first = World::new();
    first.agent("bea");
    first.chat("v1", "I need a human");
    assert!(transitions_with_agents(&first).contains(&(Some(State::Queued), State::Offered, None)));
    let mut w = ana_and_bea();
    w.give(sales());
    assert_eq!(
        transitions_with_agents(&w),
        [
            (Some(State::WithAgent), State::Queued, Some("ana".into())),
            (Some(State::Queued), State::Offered, None),
        ]
    );
    // The customer leaves before bea answers: nobody's abandonment.
    w.clear();
    w.give(Input::Close {
        conversation: ConversationId::new("c1"),
        by: Closer::Customer,
        agent: None,
    });
    assert_eq!(
        transitions_with_agents(&w),
        [(Some(State::Offered), State::Closed, None)]
    );
    // Bea declines: it is offered to anyone, ana too, and is still
    // nobody's until ana takes it back.
    let mut w = ana_and_bea();
    w.give(sales());
    w.clear();
    w.give(Input::AgentDecline {
        agent: AgentId::new("bea"),
        conversation: ConversationId::new("c1"),
    });
    assert_eq!(offered_agents(&w), ["ana"]);
    assert_eq!(
        transitions_with_agents(&w),
        [
            (Some(State::Offered), State::Queued, None),
            (Some(State::Queued), State::Offered, None),
        ]
    );
    w.clear();
    w.accept("ana", "c1");
    assert_eq!(
        transitions_with_agents(&w),
        [(Some(State::Offered), State::WithAgent, Some("ana".into()))]
    );
}

#[test]
fn a_warm_transfer_dropped_before_it_is_answered_withdraws_its_offer() {
    let c1 = || ConversationId::new("c1");
    let ana = || AgentId::new("ana");
    let dropped = [
        Input::Close {
            conversation: c1(),
            by: Closer::Customer,
            agent: None,
        },
        Input::Close {
            conversation: c1(),
            by: Closer::Agent,
            agent: Some(ana()),
        },
        Input::HandBack {
            agent: ana(),
            conversation: c1(),
            bot: None,
        },
    ];
    for input in dropped {
        let mut w = ana_and_bea();
        w.give(Input::Transfer(Transfer::to_agent("c1", "bea").warm()));
        assert_eq!(offered_agents(&w), ["bea"]);
        w.clear();
        w.give(input.clone());
        assert!(
            w.actions.iter().any(|a| matches!(
                a,
                Action::RevokeOffer { agent, reason: Reason::OfferRevoked, .. }
                    if agent.as_str() == "bea"
            )),
            "{input:?}: {:?}",
            w.actions
        );
        let late = w.try_give(Input::AgentAccept {
            agent: AgentId::new("bea"),
            conversation: c1(),
        });
        assert!(
            matches!(late, Err(InputError::NotOffered { .. })),
            "{input:?}: {late:?}"
        );
    }
    // Ana signs out: the transfer falls through, and c1, back at the
    // front of its queue, is offered to bea afresh.
    let mut w = ana_and_bea();
    w.give(Input::Transfer(Transfer::to_agent("c1", "bea").warm()));
    w.clear();
    offline(&mut w, "ana");
    let to_bea: Vec<&str> = w
        .actions
        .iter()
        .filter_map(|a| match a {
            Action::RevokeOffer { agent, .. } if agent.as_str() == "bea" => Some("revoke_offer"),
            Action::Offer { agent, .. } if agent.as_str() == "bea" => Some("offer"),
            _ => None,
        })
        .collect();
    assert_eq!(to_bea, ["revoke_offer", "offer"]);
    w.accept("bea", "c1");
    assert_eq!(w.state("c1"), State::WithAgent);
}

#[test]
fn a_transfer_needs_a_target_and_the_agent_who_has_it() {
    let mut w = with_ana();
    let before = w.snapshot_json();
    let mut t = Transfer::to_agent("c1", "ana");
    assert!(matches!(
        w.try_give(Input::Transfer(t.clone())),
        Err(InputError::NoTarget(_))
    ));
    t.agent = Some(AgentId::new("nobody"));
    assert!(matches!(
        w.try_give(Input::Transfer(t)),
        Err(InputError::UnknownAgent(_))
    ));
    assert!(matches!(
        w.try_give(Input::Transfer(Transfer::to_queue("c1", "nowhere"))),
        Err(InputError::UnknownQueue(_))
    ));
    assert_eq!(w.snapshot_json(), before);
}

#[test]
fn an_agent_signing_out_puts_their_conversations_back_at_the_front() {
    let mut w = World::new();
    w.agent("ana");
    w.chat("v1", "human");
    w.accept("ana", "c1");
    w.chat("v2", "human");
    w.chat("v3", "human");
    // ana is at capacity 3 on web chat: c2 and c3 are offered to her.
    w.agent("bea");
    w.clear();
    w.give(Input::AgentStatus {
        agent: AgentId::new("ana"),
        status: Presence::Offline,
    });
    assert!(w.actions.iter().any(|a| matches!(
        a,
        Action::Unassigned {
            reason: Reason::AgentOffline,
            ..
        }
    )));
    // Nothing lost: each conversation is waiting or offered to bea.
    for c in ["c1", "c2", "c3"] {
        assert!(w.state(c).is_waiting(), "{c} is {}", w.state(c));
    }
    assert_eq!(
        offered_agents(&w).iter().filter(|a| *a == "bea").count(),
        3.min(offered_agents(&w).len())
    );
}

#[test]
fn too_many_missed_offers_set_the_agent_away() {
    let mut w = World::new();
    w.agent("ana");
    for v in ["a", "b", "c"] {
        w.chat(v, "hello");
        let t = w.last_turn();
        let conv = format!("c{}", w.sb.len());
        w.bot(BotTurn::new(conv).turn(t).handoff("needs a person"));
    }
    w.wait(secs(30));
    assert!(w.actions.iter().any(|a| matches!(
        a,
        Action::AgentStatus {
            status: Presence::Away,
            missed: 3,
            ..
        }
    )));
}
