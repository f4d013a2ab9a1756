//! The driver against in-memory channels and scripted bots, in tokio's
//! virtual time: sends and their retries, delivery reports, bot calls and
//! their failures, the engine's timeouts, and the journal it hands out.

use std::sync::Arc;
use std::time::Duration;

use switchboard::assign::{AgentProfile, Capacity, Presence, Strategy, strategy_fn};
use switchboard::bot::{Bot, BotError, BotRequest};
use switchboard::channel::{ChannelError, MemoryChannel};
use switchboard::config::Config;
use switchboard::driver::{Driver, Output, RetryPolicy, Runtime, Sleep};
use switchboard::engine::{
    Action, BotTurn, DeliveryStatus, Event, EventKind, Inbound, Input, InputError, StrategyError,
    Switchboard,
};
use switchboard::handoff::{Reason, State};
use switchboard::{Address, AgentId, ChannelKind, ConversationId, Timestamp};

/// Monday 2026-11-23 10:00 UTC.
const T0: u64 = 1_795_428_000_000;

const CONFIG: &str = r#"
[defaults]
bot = "faq"

[bots.faq]
timeout = "10s"

[[queues]]
id = "support"
offer_timeout = "30s"
"#;

/// tokio's clock, counted from `T0`.
struct Tokio(tokio::time::Instant);

impl Runtime for Tokio {
    fn now(&self) -> Timestamp {
        Timestamp::from_millis(T0) + self.0.elapsed()
    }
    fn sleep_until(&self, deadline: Timestamp) -> Sleep {
        Box::pin(tokio::time::sleep(
            deadline.saturating_duration_since(self.now()),
        ))
    }
}

/// A bot answering with a function of the question.
struct Scripted<F>(F);

#[async_trait::async_trait]
impl<F> Bot for Scripted<F>
where
    F: Fn(&BotRequest) -> Result<BotTurn, BotError> + Send + Sync,
{
    async fn answer(&self, ask: &BotRequest) -> Result<BotTurn, BotError> {
        (self.0)(ask)
    }
}

/// A bot that never answers.
struct Silent;

#[async_trait::async_trait]
impl Bot for Silent {
    async fn answer(&self, _: &BotRequest) -> Result<BotTurn, BotError> {
        std::future::pending().await
    }
}

fn echo() -> Scripted<impl Fn(&BotRequest) -> Result<BotTurn, BotError> + Send + Sync> {
    Scripted(|ask: &BotRequest| Ok(ask.turn().reply(format!("You said: {}", ask.text))))
}

fn driver(config: &str) -> Driver<Tokio> {
    let config = Config::from_toml_str(config).expect("test config compiles");
    Driver::new(Switchboard::new(config), Tokio(tokio::time::Instant::now()))
}

fn web(from: &str, text: &str) -> Input {
    Input::Inbound(Inbound::new(
        ChannelKind::WebChat,
        Address::new_unchecked(from),
        text,
    ))
}

fn ms(d: Duration) -> Timestamp {
    Timestamp::from_millis(T0) + d
}

fn outputs<R: Runtime>(d: &mut Driver<R>) -> Vec<Output> {
    std::iter::from_fn(|| d.poll_output()).collect()
}

fn events(out: &[Output]) -> Vec<&Event> {
    out.iter()
        .filter_map(|o| match o {
            Output::Event(e) => Some(e),
            _ => None,
        })
        .collect()
}

fn actions(out: &[Output]) -> Vec<(Timestamp, &Action)> {
    out.iter()
        .filter_map(|o| match o {
            Output::Action(a) => Some((a.at, &a.action)),
            _ => None,
        })
        .collect()
}

/// The delivery reports among the events: (time, status, message id, error).
fn deliveries(out: &[Output]) -> Vec<(Timestamp, DeliveryStatus, Option<String>, Option<String>)> {
    events(out)
        .into_iter()
        .filter_map(|e| match &e.kind {
            EventKind::Delivery {
                status,
                message_id,
                error,
                ..
            } => Some((e.at, *status, message_id.clone(), error.clone())),
            _ => None,
        })
        .collect()
}

fn agent(d: &mut Driver<Tokio>, id: &str) {
    let profile = AgentProfile::new(id).with_capacity(Capacity::new([
        (ChannelKind::WebChat, 2),
        (ChannelKind::Sms, 2),
    ]));
    d.handle(Input::AgentUpsert(profile)).unwrap();
    d.handle(Input::AgentStatus {
        agent: AgentId::new(id),
        status: Presence::Available,
    })
    .unwrap();
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn a_bot_answer_is_sent_and_its_delivery_reported() {
    let chat = Arc::new(MemoryChannel::new(ChannelKind::WebChat));
    let mut d = driver(CONFIG).channel(chat.clone()).bot("faq", echo());
    d.handle(web("visitor-1", "hello")).unwrap();
    assert!(!d.is_settled(), "the bot call is in flight");
    d.settle().await;
    assert!(d.is_settled());

    let sent = chat.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to.as_str(), "visitor-1");
    assert_eq!(sent[0].outbound.as_text(), Some("You said: hello"));

    let out = outputs(&mut d);
    let reports = deliveries(&out);
    assert_eq!(
        reports,
        [(
            ms(Duration::ZERO),
            DeliveryStatus::Sent,
            Some(sent[0].receipt.message_id.clone()),
            None
        )]
    );
    let report = events(&out)
        .into_iter()
        .find(|e| matches!(e.kind, EventKind::Delivery { .. }))
        .unwrap();
    assert_eq!(report.conversation, Some(ConversationId::new("c1")));
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn transient_failures_are_retried_with_exponential_backoff() {
    let chat = Arc::new(MemoryChannel::new(ChannelKind::WebChat));
    for _ in 0..3 {
        chat.fail_next(ChannelError::Transient {
            message: "502 bad gateway".into(),
            retry_after: None,
        });
    }
    let mut d = driver(CONFIG).channel(chat.clone()).bot("faq", echo());
    d.handle(web("visitor-1", "hello")).unwrap();
    d.settle().await;
    assert_eq!(chat.sent().len(), 1, "sent once, on the fourth attempt");
    let reports = deliveries(&outputs(&mut d));
    // Waits of 1 s, 2 s and 4 s between the four attempts.
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].0, ms(Duration::from_secs(7)));
    assert_eq!(reports[0].1, DeliveryStatus::Sent);
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn the_providers_retry_after_is_honoured() {
    let chat = Arc::new(MemoryChannel::new(ChannelKind::WebChat));
    chat.fail_next(ChannelError::RateLimited {
        retry_after: Some(Duration::from_secs(42)),
    });
    let mut d = driver(CONFIG).channel(chat.clone()).bot("faq", echo());
    d.handle(web("visitor-1", "hello")).unwrap();
    d.settle().await;
    let reports = deliveries(&outputs(&mut d));
    assert_eq!(reports[0].0, ms(Duration::from_secs(42)));
    assert_eq!(chat.sent().len(), 1);
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn permanent_failures_are_reported_at_once_and_never_retried() {
    let chat = Arc::new(MemoryChannel::new(ChannelKind::WebChat));
    chat.fail_next(ChannelError::Rejected {
        code: Some("131047".into()),
        message: "re-engagement message".into(),
    });
    let mut d = driver(CONFIG).channel(chat.clone()).bot("faq", echo());
    d.handle(web("visitor-1", "hello")).unwrap();
    d.settle().await;
    assert!(chat.sent().is_empty());
    let reports = deliveries(&outputs(&mut d));
    assert_eq!(reports.len(), 1);
    let (at, status, id, error) = &reports[0];
    assert_eq!(*at, ms(Duration::ZERO), "no wait: not retried");
    assert_eq!(*status, DeliveryStatus::Failed);
    assert_eq!(*id, None);
    assert!(error.as_deref().unwrap().contains("131047"), "{error:?}");

    // The failure was used by exactly one attempt: the next message goes out.
    d.handle(web("visitor-1", "again")).unwrap();
    d.settle().await;
    assert_eq!(chat.sent().len(), 1);
    assert_eq!(chat.sent()[0].outbound.as_text(), Some("You said: again"));
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn a_send_is_given_up_after_the_last_attempt() {
    let chat = Arc::new(MemoryChannel::new(ChannelKind::WebChat));
    for _ in 0..5 {
        chat.fail_next(ChannelError::Transient {
            message: "timeout".into(),
            retry_after: None,
        });
    }
    let mut d = driver(CONFIG)
        .channel(chat.clone())
        .bot("faq", echo())
        .retry(RetryPolicy::default().attempts(3));
    d.handle(web("visitor-1", "hello")).unwrap();
    d.settle().await;
    assert!(chat.sent().is_empty());
    let reports = deliveries(&outputs(&mut d));
    assert_eq!(reports.len(), 1);
    assert_eq!(
        reports[0].0,
        ms(Duration::from_secs(3)),
        "waits of 1 s and 2 s"
    );
    assert_eq!(reports[0].1, DeliveryStatus::Failed);
    assert!(reports[0].3.as_deref().unwrap().contains("timeout"));
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn the_parts_of_a_long_reply_arrive_in_order_even_when_one_is_retried() {
    let sms = Arc::new(MemoryChannel::new(ChannelKind::Sms));
    sms.fail_next(ChannelError::Transient {
        message: "503".into(),
        retry_after: None,
    });
    let long: String = (1..=400).map(|i| format!("Sentence {i}. ")).collect();
    let reply = long.clone();
    let bot = Scripted(move |ask: &BotRequest| Ok(ask.turn().reply(reply.clone())));
    let mut d = driver(CONFIG).channel(sms.clone()).bot("faq", bot);
    d.handle(Input::Inbound(Inbound::new(
        ChannelKind::Sms,
        Address::new(&ChannelKind::Sms, "+14155550100").unwrap(),
        "tell me everything",
    )))
    .unwrap();
    d.settle().await;
    let parts: Vec<String> = sms
        .sent()
        .iter()
        .map(|s| s.outbound.as_text().unwrap().to_owned())
        .collect();
    assert!(parts.len() >= 3, "split into {} parts", parts.len());
    let numbers: Vec<u32> = parts
        .join(" ")
        .split("Sentence ")
        .filter_map(|s| s.split('.').next()?.trim().parse().ok())
        .collect();
    assert_eq!(
        numbers,
        (1..=400).collect::<Vec<_>>(),
        "in order, none lost"
    );
    let reports = deliveries(&outputs(&mut d));
    assert_eq!(reports.len(), parts.len());
    assert!(reports.iter().all(|r| r.1 == DeliveryStatus::Sent));
    // The first part waited one second; the others waited their turn.
    assert!(reports.iter().all(|r| r.0 == ms(Duration::from_secs(1))));
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn a_failing_bot_fails_open_to_an_agent() {
    let chat = Arc::new(MemoryChannel::new(ChannelKind::WebChat));
    let down = Scripted(|_: &BotRequest| Err(BotError::new("NLU returned 503")));
    let mut d = driver(CONFIG).channel(chat.clone()).bot("faq", down);
    agent(&mut d, "ana");
    d.handle(web("visitor-1", "where is my parcel?")).unwrap();
    d.settle().await;
    let out = outputs(&mut d);
    let offers: Vec<_> = actions(&out)
        .into_iter()
        .filter_map(|(at, a)| match a {
            Action::Offer { agent, context, .. } => {
                Some((at, agent.clone(), context.reason.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(offers.len(), 1, "{out:?}");
    assert_eq!(offers[0].0, ms(Duration::ZERO));
    assert_eq!(offers[0].1, AgentId::new("ana"));
    assert_eq!(offers[0].2, Some(Reason::BotError));
    let c = d.engine().conversation(&ConversationId::new("c1")).unwrap();
    assert_eq!(c.state(), State::Offered);
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn a_silent_bot_escalates_on_the_engines_timeout() {
    let chat = Arc::new(MemoryChannel::new(ChannelKind::WebChat));
    let mut d = driver(CONFIG)
        .channel(chat.clone())
        .bot("faq", Silent)
        .bot_timeout(Duration::from_secs(30));
    agent(&mut d, "ana");
    d.handle(web("visitor-1", "hello?")).unwrap();
    // Step until the engine has escalated and the driver has given up on
    // the bot.
    while !d.is_settled() {
        assert!(d.step().await);
    }
    let out = outputs(&mut d);
    let offer = actions(&out)
        .into_iter()
        .find(|(_, a)| matches!(a, Action::Offer { .. }))
        .expect("offered to ana");
    assert_eq!(
        offer.0,
        ms(Duration::from_secs(10)),
        "the engine's bot timeout"
    );
    // At 30 s the driver reports the bot failed; the engine, which moved on,
    // takes that late turn for a retry of the question it already gave up
    // on: recorded as a duplicate, nothing changes.
    let late = out
        .iter()
        .position(|o| matches!(o, Output::Input(l) if matches!(&l.input, Input::BotTurn(t) if t.error.is_some())))
        .expect("the driver reports the silent bot");
    let Output::Input(line) = &out[late] else {
        unreachable!()
    };
    assert_eq!(line.at, ms(Duration::from_secs(30)));
    assert!(
        matches!(&out[late + 1], Output::Event(e) if matches!(&e.kind, EventKind::Duplicate { input } if input == "bot_turn"))
    );
    let c = d.engine().conversation(&ConversationId::new("c1")).unwrap();
    assert_eq!(c.state(), State::Offered);
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn offers_expire_on_the_engines_clock() {
    let chat = Arc::new(MemoryChannel::new(ChannelKind::WebChat));
    let handoff = Scripted(|ask: &BotRequest| Ok(ask.turn().handoff("wants a person")));
    let mut d = driver(CONFIG).channel(chat.clone()).bot("faq", handoff);
    agent(&mut d, "ana");
    d.handle(web("visitor-1", "a person please")).unwrap();
    d.settle().await;
    let expires = actions(&outputs(&mut d))
        .into_iter()
        .find_map(|(_, a)| match a {
            Action::Offer { expires, .. } => Some(*expires),
            _ => None,
        })
        .expect("an offer");
    assert_eq!(expires, ms(Duration::from_secs(30)));
    // Nobody accepts: the next step is the engine's timer.
    assert!(d.step().await);
    let out = outputs(&mut d);
    let revoked: Vec<_> = actions(&out)
        .into_iter()
        .filter(|(_, a)| {
            matches!(
                a,
                Action::RevokeOffer {
                    reason: Reason::OfferExpired,
                    ..
                }
            )
        })
        .collect();
    assert_eq!(revoked.len(), 1, "{out:?}");
    assert_eq!(revoked[0].0, expires);
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn messages_without_a_channel_or_bot_are_reported_not_lost() {
    // No SMS channel and no bot registered.
    let mut d = driver(CONFIG);
    agent(&mut d, "ana");
    d.handle(Input::Inbound(Inbound::new(
        ChannelKind::Sms,
        Address::new(&ChannelKind::Sms, "+14155550100").unwrap(),
        "hi",
    )))
    .unwrap();
    d.settle().await;
    let out = outputs(&mut d);
    // The unknown bot fails open: escalated and offered to ana, whose
    // acceptance then greets the customer on SMS…
    assert!(
        actions(&out)
            .iter()
            .any(|(_, a)| matches!(a, Action::Offer { .. }))
    );
    d.handle(Input::AgentAccept {
        agent: AgentId::new("ana"),
        conversation: ConversationId::new("c1"),
    })
    .unwrap();
    d.handle(Input::AgentMessage {
        agent: AgentId::new("ana"),
        conversation: ConversationId::new("c1"),
        content: "Hello, Ana here.".into(),
    })
    .unwrap();
    d.settle().await;
    // …which no channel can carry: reported failed, with a reason to act on.
    let reports = deliveries(&outputs(&mut d));
    assert!(!reports.is_empty());
    assert!(reports.iter().all(|r| r.1 == DeliveryStatus::Failed));
    assert!(
        reports[0]
            .3
            .as_deref()
            .unwrap()
            .contains("no channel adapter for sms")
    );
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn run_hands_out_a_journal_that_replays_to_the_same_state() {
    let chat = Arc::new(MemoryChannel::new(ChannelKind::WebChat));
    chat.fail_next(ChannelError::Transient {
        message: "reset".into(),
        retry_after: None,
    });
    let bot = Scripted(|ask: &BotRequest| {
        Ok(if ask.text.contains("human") {
            ask.turn().handoff("asked for a person")
        } else {
            ask.turn()
                .reply("Our hours are 9 to 5.")
                .intent("hours", 0.9)
        })
    });
    let mut d = driver(CONFIG).channel(chat.clone()).bot("faq", bot);
    let profile =
        AgentProfile::new("ana").with_capacity(Capacity::new([(ChannelKind::WebChat, 2)]));
    let inbox = futures_util::stream::iter(vec![
        Input::AgentUpsert(profile),
        Input::AgentStatus {
            agent: AgentId::new("ana"),
            status: Presence::Available,
        },
        web("visitor-1", "when are you open?"),
        web("visitor-2", "I want a human"),
        Input::AgentAccept {
            agent: AgentId::new("nobody"),
            conversation: ConversationId::new("c2"),
        },
    ]);
    let mut out = Vec::new();
    d.run(inbox, |o| out.push(o)).await;
    assert!(d.is_settled());
    let refused = out
        .iter()
        .filter(|o| {
            matches!(
                o,
                Output::Refused {
                    error: InputError::UnknownAgent(_),
                    ..
                }
            )
        })
        .count();
    assert_eq!(refused, 1, "the unknown agent's accept is refused");

    // Replaying the journal into a fresh engine gives the same state.
    let config = Config::from_toml_str(CONFIG).unwrap();
    let mut replay = Switchboard::new(config);
    for o in &out {
        if let Output::Input(line) = o {
            replay.handle(line.at, line.input.clone()).unwrap();
        }
    }
    replay.handle_timeout(d.engine().now());
    // The driver took every action and event; so does the host of the replay.
    while replay.poll_action().is_some() {}
    while replay.poll_event().is_some() {}
    let kinds: Vec<&str> = out
        .iter()
        .filter_map(|o| match o {
            Output::Input(l) => Some(match &l.input {
                Input::BotTurn(_) => "bot_turn",
                Input::Delivery(_) => "delivery",
                _ => "host",
            }),
            _ => None,
        })
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "host").count(),
        4,
        "{kinds:?}"
    );
    // "I want a human" escalates before any bot is asked.
    assert_eq!(
        kinds.iter().filter(|k| **k == "bot_turn").count(),
        1,
        "{kinds:?}"
    );
    assert!(kinds.contains(&"delivery"), "{kinds:?}");
    assert_eq!(
        serde_json::to_string(&replay.snapshot()).unwrap(),
        serde_json::to_string(&d.engine().snapshot()).unwrap()
    );
    let c2 = d.engine().conversation(&ConversationId::new("c2")).unwrap();
    assert_eq!(c2.state(), State::Offered);
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn a_host_strategy_installed_through_the_driver_chooses_the_agent() {
    const MENTORS: &str = r#"
[strategies.mentors_first]

[[queues]]
id = "support"
strategy = "mentors_first"

[defaults]
queue = "support"
"#;
    let mentors_first = || -> Arc<dyn Strategy> {
        Arc::new(strategy_fn("mentors_first", |a| {
            10 - u64::from(a.skill("mentoring").unwrap_or(0))
        }))
    };
    // Ana signs in first; Bo mentors.
    let staff = |d: &mut Driver<Tokio>| {
        agent(d, "ana");
        let bo = AgentProfile::new("bo")
            .with_skill("mentoring", 5)
            .with_capacity(Capacity::new([(ChannelKind::WebChat, 2)]));
        d.handle(Input::AgentUpsert(bo)).unwrap();
        d.handle(Input::AgentStatus {
            agent: AgentId::new("bo"),
            status: Presence::Available,
        })
        .unwrap();
    };
    let offered = |out: &[Output]| {
        actions(out).into_iter().find_map(|(_, a)| match a {
            Action::Offer { agent, .. } => Some(agent.clone()),
            _ => None,
        })
    };

    for install in [false, true] {
        let chat = Arc::new(MemoryChannel::new(ChannelKind::WebChat));
        let mut d = driver(MENTORS).channel(chat);
        assert_eq!(d.engine().missing_strategies(), ["mentors_first"]);
        let err = d.set_strategy("mentor_first", mentors_first()).unwrap_err();
        assert!(
            matches!(&err, StrategyError::NotDeclared { suggestion: Some(s), .. } if s == "mentors_first"),
            "{err}"
        );
        if install {
            d.set_strategy("mentors_first", mentors_first()).unwrap();
            assert!(d.engine().missing_strategies().is_empty());
        }
        staff(&mut d);
        d.handle(web("visitor-1", "hello")).unwrap();
        d.settle().await;
        let out = outputs(&mut d);
        let expected = if install { "bo" } else { "ana" };
        assert_eq!(offered(&out), Some(AgentId::new(expected)), "{out:?}");
    }
}
