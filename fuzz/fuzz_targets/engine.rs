//! Fuzzes the engine: arbitrary sequences of inputs and time steps over a
//! configuration that uses bots, escalation triggers, business hours,
//! routing rules, CSAT and every conversation timer.
//!
//! The input is read one opcode byte at a time, each followed by its
//! arguments: customer messages (four identities on SMS, web chat and
//! WhatsApp, texts that ask for a person in English and Chinese, refunds,
//! STOP, a survey score, an empty or over-long text, a retried message
//! id, a host contact id, attributes, a sentiment score including NaN),
//! bot turns (reply, fallback, handoff, resolved, error, intents, any or
//! no turn number, confidence including NaN), agents (upsert with
//! capacities, presence, removal), accept, decline, agent messages,
//! transfers (cold and warm, to a queue or an agent, unknown targets),
//! hold, hand back, close by anyone, CSAT scores 0 to 255, notes, tags,
//! links and merges, notifications (to contacts known and unknown, to a
//! channel address, with a campaign known or not, missing values,
//! content, templates), consent changes from every source, contact
//! upserts with valid and invalid time zones and preferred channels, page
//! views and invitation dismissals (web chat, in app and refused
//! channels; times on page, carts and countries valid or not), snapshot →
//! JSON → restore (sometimes with its clocks
//! edited to any time, agreeing or not), and time steps from a millisecond
//! to a day, to the next `poll_timeout()`, or to any time in `u64`
//! milliseconds, the end of time included.
//!
//! After every step: `check_invariants()` holds; a refused input left the
//! snapshot exactly as it was; a restored snapshot equals the original.
//!
//! On a failure the harness prints the input as a Rust byte string.

#![no_main]

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use switchboard::assign::{AgentProfile, Capacity, Presence};
use switchboard::config::Config;
use switchboard::engine::{
    BotTurn, Closer, ContactUpsert, Inbound, Input, Snapshot, Switchboard, Transfer,
};
use switchboard::notify::{
    ConsentChange, ConsentSource, ConsentUpdate, Notification, Purpose, SourceKind,
};
use switchboard::{
    Address, AgentId, Attributes, BotId, ChannelKind, ContactId, ConversationId, QueueId,
    TemplateRef, Timestamp, Value,
};
use switchboard_fuzz::{Bytes, input_bytes, start_input, visits};

const CONFIG: &str = r#"
[calendars.eu]
timezone = "Europe/Berlin"
mon-fri = "09:00-18:00"

[[queues]]
id = "support"
reply_timeout = "5m"

[[queues]]
id = "billing"
calendar = "eu"
offers = 2
overflow = { after = "10m", to = "support" }

[[queues]]
id = "vip"
max_size = 2

[bots.faq]
timeout = "10s"

[escalation]
queue = "support"
max_fallbacks = 2
min_confidence = 0.3
sentiment_below = -0.5
human_intents = ["booking"]

[[escalation.rules]]
id = "vip"
when = "contact.tier == 'vip'"
queue = "vip"

[[rules]]
id = "refund"
when = "text contains_any ['refund', '退款']"
then = { queue = "billing", tags = ["refund"] }

[[rules]]
id = "spam"
when = "text contains 'casino'"
then = { drop = true }

[[rules]]
id = "default"
when = "true"
then = { bot = "faq" }

[assignment]
wrap_up = "15s"
max_missed_offers = 2

[[invitations]]
id = "pricing"
when = "visit.url contains '/pricing' and visit.time_on_page >= 5"
message = { text = "Questions?", quick_replies = [{ title = "Chat", payload = "chat" }] }
queue = "support"
cooldown = "1h"

[[invitations]]
id = "cart"
when = "visit.cart_value > 100 or visit.country == 'AT'"
message = "Need a hand?"
queue = "billing"
max_per_visit = 2
max_wait = "1m"

[visitors]
visit_timeout = "10m"
accept_window = "5m"

[conversations]
max_text = 64
transcript_messages = 6
inactivity_timeout = "15m"
reopen_window = "1h"
sticky_agent = "2h"
contact_retention = "2h"
hold_timeout = "30m"
no_agent_timeout = "20m"
notice_interval = "1m"
csat = true

[notifications]
timezone = "America/New_York"
quiet_hours = "21:00-08:00"
caps.marketing = { max = 2, per = "7d" }

[consent.sms]
marketing = "double_opt_in"

[campaigns.order]
purpose = "transactional"
text = "Order {order} is late"
template = { name = "order_late", language = "en", parameters = ["{order}"] }
max = 1
per = "1d"
"#;

const IDENTITIES: [(&str, ChannelKind); 4] = [
    ("+14155550100", ChannelKind::Sms),
    ("visitor-1", ChannelKind::WebChat),
    ("4915123456789", ChannelKind::WhatsApp),
    ("visitor-2", ChannelKind::WebChat),
];
const TEXTS: [&str; 12] = [
    "hello",
    "where is my order",
    "I want to talk to a human",
    "转人工",
    "我要退款",
    "STOP",
    "START",
    "5",
    "casino bonus",
    "",
    "thanks, bye",
    "this text is far too long for the configured limit of sixty-four bytes",
];
const AGENTS: [&str; 4] = ["ana", "bea", "cai", ""];

fn conv(n: u8) -> ConversationId {
    match n % 16 {
        14 => ConversationId::new("c1~1"),
        15 => ConversationId::new("nope"),
        k => ConversationId::new(format!("c{}", k % 10 + 1)),
    }
}

fn input(b: &mut Bytes<'_>) -> Option<Input> {
    let agent = |n: u8| AgentId::new(AGENTS[n as usize % AGENTS.len()]);
    Some(match b.byte()? % 24 {
        22 => visits::visit(b)?,
        0..=4 => {
            let (from, ch) = b.pick(&IDENTITIES)?;
            let mut m = Inbound::new(ch, Address::new_unchecked(from), b.pick(&TEXTS)?);
            let flags = b.byte()?;
            if flags & 1 != 0 {
                m = m.with_id(format!("m{}", flags >> 5));
            }
            if flags & 2 != 0 {
                m = m.with_contact_id(["crm-1", "crm-2", ""][(flags >> 2) as usize % 3]);
            }
            if flags & 4 != 0 {
                m = m.with_contact(Attributes::from([("tier".to_string(), Value::from("vip"))]));
            }
            if flags & 8 != 0 {
                m = m.with_sentiment([-0.9, 0.5, f64::NAN][(flags >> 4) as usize % 3]);
            }
            Input::Inbound(m)
        }
        5..=7 => {
            let c = conv(b.byte()?);
            let flags = b.byte()?;
            let mut t = BotTurn::new(c);
            t.turn = (flags & 1 != 0).then_some(u64::from(flags >> 5));
            if flags & 2 != 0 {
                t = t.reply("bot reply");
            }
            t = match (flags >> 2) % 8 {
                0 => t.fallback(),
                1 => t.handoff("needs a person"),
                2 => t.resolved(),
                3 => t.error("timeout upstream"),
                4 => t.intent("booking", 0.9),
                5 => t.intent("hours", 0.1),
                6 => t.intent("hours", f64::NAN),
                _ => t.intent("hours", 0.95),
            };
            Input::BotTurn(t)
        }
        8 => {
            let n = b.byte()?;
            let cap = b.byte()?;
            Input::AgentUpsert(AgentProfile::new(AGENTS[n as usize % 4]).with_capacity(
                Capacity::new([
                    (ChannelKind::WebChat, u32::from(cap % 4)),
                    (ChannelKind::Sms, u32::from((cap >> 2) % 3)),
                    (ChannelKind::WhatsApp, u32::from((cap >> 4) % 3)),
                ]),
            ))
        }
        9 => Input::AgentStatus {
            agent: agent(b.byte()?),
            status: b.pick(&[
                Presence::Available,
                Presence::Available,
                Presence::Away,
                Presence::Offline,
            ])?,
        },
        10 => Input::AgentAccept {
            agent: agent(b.byte()?),
            conversation: conv(b.byte()?),
        },
        11 => Input::AgentDecline {
            agent: agent(b.byte()?),
            conversation: conv(b.byte()?),
        },
        12 => Input::AgentMessage {
            agent: agent(b.byte()?),
            conversation: conv(b.byte()?),
            content: b.pick(&TEXTS)?.into(),
        },
        13 => {
            let c = conv(b.byte()?);
            let flags = b.byte()?;
            let mut t = match flags % 4 {
                0 => Transfer::to_queue(c, "billing"),
                1 => Transfer::to_queue(c, "nowhere"),
                _ => Transfer::to_agent(c, agent(flags >> 2)),
            };
            if flags & 0x40 != 0 {
                t = t.warm();
            }
            if flags & 0x80 != 0 {
                t.queue = Some(QueueId::new("vip"));
            }
            Input::Transfer(t)
        }
        14 => Input::Hold {
            agent: agent(b.byte()?),
            conversation: conv(b.byte()?),
        },
        15 => Input::HandBack {
            agent: agent(b.byte()?),
            conversation: conv(b.byte()?),
            bot: b.pick(&[None, Some(BotId::new("faq")), Some(BotId::new("ghost"))])?,
        },
        16 => Input::Close {
            conversation: conv(b.byte()?),
            by: b.pick(&[Closer::Agent, Closer::Customer, Closer::Bot, Closer::System])?,
            agent: b.pick(&[None, Some(AgentId::new("ana"))])?,
        },
        17 => Input::Csat {
            conversation: conv(b.byte()?),
            score: b.byte()?,
        },
        18 => match b.byte()? % 3 {
            0 => Input::Note {
                conversation: conv(b.byte()?),
                agent: None,
                text: b.pick(&TEXTS)?.into(),
            },
            1 => Input::Tag {
                conversation: conv(b.byte()?),
                tags: vec![b.pick(&TEXTS)?.into()],
            },
            _ => Input::AgentRemove {
                agent: agent(b.byte()?),
            },
        },
        19 => {
            let (from, ch) = b.pick(&IDENTITIES)?;
            let who = b.pick(&["crm-1", "crm-2", "u1", "u2", "u3"])?;
            if b.byte()? % 2 == 0 {
                Input::Link {
                    contact: ContactId::new(who),
                    channel: ch,
                    address: Address::new_unchecked(from),
                }
            } else {
                Input::Merge {
                    into: ContactId::new(who),
                    from: ContactId::new(b.pick(&["crm-1", "u1", "u2"])?),
                }
            }
        }
        20 => {
            let flags = b.byte()?;
            let mut n = if flags & 1 == 0 {
                Notification::to_contact(b.pick(&["crm-1", "u1", "ghost"])?)
            } else {
                let (from, ch) = b.pick(&IDENTITIES)?;
                Notification::to_address(ch, Address::new_unchecked(from))
            };
            n.campaign = b
                .pick(&[Some("order"), Some("nope"), None, None])?
                .map(String::from);
            n.purpose = b.pick(&[None, Some(Purpose::Transactional), Some(Purpose::Marketing)])?;
            if flags & 2 != 0 {
                n = n.value("order", b.pick(&TEXTS)?);
            }
            if flags & 4 != 0 {
                n = n.content(b.pick(&TEXTS)?);
            }
            if flags & 8 != 0 {
                n = n.template(TemplateRef::new("t", "en").with_parameters([b.pick(&TEXTS)?]));
            }
            if flags & 16 != 0 {
                n = n.id(format!("n{}", flags >> 5));
            }
            Input::Notify(n)
        }
        21 => {
            let flags = b.byte()?;
            let (from, ch) = b.pick(&IDENTITIES)?;
            let address = Address::new_unchecked(from);
            if flags & 1 == 0 {
                let purpose =
                    b.pick(&[None, Some(Purpose::Transactional), Some(Purpose::Marketing)])?;
                let change = b.pick(&[ConsentChange::OptIn, ConsentChange::OptOut])?;
                let kind =
                    b.pick(&[SourceKind::WebForm, SourceKind::Keyword, SourceKind::Agent])?;
                let mut source = ConsentSource::new(kind);
                if flags & 2 != 0 {
                    source = source.with_detail(b.pick(&TEXTS)?);
                }
                Input::Consent(ConsentUpdate::new(ch, address, purpose, change, source))
            } else {
                let id = b.pick(&["crm-1", "crm-2", "u1", ""])?;
                let tz = b.pick(&["Asia/Tokyo", "Not/AZone", "", "America/New_York"])?;
                let preferred = b.pick(&["sms", "whatsapp", "email", "carrier-pigeon"])?;
                Input::Contact(
                    ContactUpsert::new(id)
                        .identity(ch, address)
                        .attribute("timezone", Value::from(tz))
                        .attribute("preferred_channel", Value::from(preferred)),
                )
            }
        }
        _ => visits::dismissal(b)?,
    })
}

fn snapshot_json(sb: &Switchboard) -> String {
    serde_json::to_string(&sb.snapshot()).expect("snapshots serialize")
}

fuzz_target!(|data: &[u8]| {
    start_input("engine", data, input_bytes);
    // Compiled once: compiling per run would be most of each run's time.
    static COMPILED: OnceLock<Arc<Config>> = OnceLock::new();
    let config = COMPILED
        .get_or_init(|| {
            Arc::new(Config::from_toml_str(CONFIG).expect("the fuzz configuration compiles"))
        })
        .clone();
    let mut sb = Switchboard::new(config.clone());
    let mut b = Bytes::new(data);
    // Start on a weekday before the billing calendar opens.
    let mut now = Timestamp::from_millis(1_795_420_000_000);
    while let Some(op) = b.byte() {
        match op % 8 {
            0 => {
                let step = [1, 500, 10_000, 31_000, 300_000, 3_600_000, 86_400_000];
                let pick = b.byte().unwrap_or(0);
                now = if pick >= 248 {
                    // A jump anywhere, the end of time included: every call
                    // must return, and the clock stays at or before its end.
                    Timestamp::from_millis(b.time())
                } else {
                    now + Duration::from_millis(step[pick as usize % step.len()])
                };
                sb.handle_timeout(now);
                assert!(sb.now() <= Timestamp::MAX, "the clock passed its end");
                assert!(
                    sb.poll_timeout().is_none_or(|t| t <= Timestamp::MAX),
                    "a timeout past the end of time"
                );
            }
            1 => {
                if let Some(t) = sb.poll_timeout() {
                    now = now.max(t);
                    sb.handle_timeout(now);
                }
            }
            2 => {
                let json = snapshot_json(&sb);
                let snap: Snapshot = serde_json::from_str(&json).expect("snapshots read back");
                let edit = b.byte().unwrap_or(0);
                if edit < 224 {
                    sb = Switchboard::restore(config.clone(), snap).expect("own snapshots restore");
                    assert_eq!(snapshot_json(&sb), json, "restore changed the snapshot");
                } else {
                    // Clocks edited to anything, agreeing or not: restore
                    // refuses or gives an engine that keeps its promises.
                    let mut v = serde_json::to_value(&snap).expect("snapshots serialize");
                    let t = b.time();
                    if edit & 1 == 0 {
                        v["now"] = t.into();
                    }
                    if edit & 2 == 0 {
                        v["assigner"]["now"] = t.into();
                    }
                    let snap: Snapshot =
                        serde_json::from_value(v).expect("edited clocks read back");
                    if let Ok(restored) = Switchboard::restore(config.clone(), snap) {
                        sb = restored;
                        assert!(sb.now() <= Timestamp::MAX, "restored past the end of time");
                        sb.handle_timeout(Timestamp::from_millis(u64::MAX));
                    }
                }
            }
            _ => {
                let Some(input) = input(&mut b) else { break };
                now = now + Duration::from_millis(200);
                sb.handle_timeout(now);
                let before = snapshot_json(&sb);
                if sb.handle(now, input).is_err() {
                    assert_eq!(
                        snapshot_json(&sb),
                        before,
                        "a refused input changed the state"
                    );
                }
            }
        }
        while sb.poll_action().is_some() {}
        while sb.poll_event().is_some() {}
        if let Err(e) = sb.check_invariants() {
            panic!("invariant broken: {e}");
        }
    }
});
