//! Benchmarks for the engine: customer messages end to end (contact lookup,
//! routing over 1,000 rules, escalation triggers, state update, assignment
//! among 10,000 agents, actions and events polled).
//!
//! The configuration has 1,000 rules over 20 queues: 960 keyword rules
//! (`text contains_any [three words]` → a queue), 20 regex rules, 19 rules
//! on contact attributes and channel, and a last rule sending everything
//! else to the bot. Queue `q` takes agents with skill `s<q>`; each of the
//! 10,000 agents has three skills drawn at random and room for three web
//! chats, and all are available. Customer messages are 40 to 80 characters
//! of ordinary words that match no keyword, so conversations start with the
//! bot, as most do.
//!
//! * `engine/conversation`: one iteration is a whole conversation, four
//!   customer messages and the inputs between them: message → bot asked;
//!   bot reply; message → bot asked; bot fallback; "I need a human" →
//!   escalated, queued, offered; the agent accepts; message → delivered to
//!   the agent; the agent closes. Throughput counts the four customer
//!   messages, so the figure per message includes the bot's and the
//!   agent's inputs around it. Customers cycle over 100,000 web chat
//!   visitors, the clock moves one second per conversation and closed
//!   conversations are forgotten after an hour, so the engine holds a
//!   steady ~3,600 of them.
//! * `engine/bot_message`: one customer message to an open bot conversation
//!   (20,000 of them, in turn) and the bot's answer.
//! * `engine/route_only`: the routing decision alone for the same messages
//!   (`Router::route`), the floor the engine's cost is compared with.
//!
//! Run with `cargo bench --bench engine`.

#[path = "support/rng.rs"]
mod rng;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rng::Rng;
use switchboard::assign::{AgentProfile, Capacity, Presence};
use switchboard::config::Config;
use switchboard::engine::{Action, BotTurn, Closer, Inbound, Input, Switchboard};
use switchboard::expr::Facts;
use switchboard::{Address, AgentId, ChannelKind, ConversationId, Timestamp};

const QUEUES: usize = 20;
const AGENTS: usize = 10_000;
const VISITORS: usize = 100_000;

const WORDS: [&str; 40] = [
    "hello",
    "order",
    "parcel",
    "delivery",
    "address",
    "today",
    "tomorrow",
    "please",
    "thanks",
    "question",
    "about",
    "my",
    "the",
    "when",
    "where",
    "what",
    "could",
    "would",
    "like",
    "know",
    "change",
    "status",
    "number",
    "week",
    "size",
    "colour",
    "shoes",
    "jacket",
    "store",
    "open",
    "online",
    "account",
    "email",
    "phone",
    "login",
    "password",
    "card",
    "paid",
    "yesterday",
    "still",
];

fn config() -> Config {
    let mut rng = Rng(0xE7_61_7E);
    let mut src = String::from("[bots.faq]\ntimeout = \"10s\"\n\n");
    for q in 0..QUEUES {
        src.push_str(&format!(
            "[[queues]]\nid = \"q{q}\"\neligible = \"agent.skills.s{q} >= 1\"\n\n"
        ));
    }
    src.push_str(
        "[escalation]\nqueue = \"q0\"\n\n[conversations]\nreopen_window = \"1h\"\nsticky_agent = \"1s\"\n\n",
    );
    for i in 0..999 {
        let q = rng.below(QUEUES);
        let when = match i % 50 {
            0 => format!("text matches '(?i)\\\\bkey{i}x[0-9]+\\\\b'"),
            1 if i < 950 => format!("contact.tier == 'tier{i}' and channel == 'sms'"),
            _ => format!("text contains_any ['kw{i}a', 'kw{i}b', '关键{i}']"),
        };
        src.push_str(&format!(
            "[[rules]]\nid = \"r{i}\"\nwhen = \"{when}\"\nthen = {{ queue = \"q{q}\" }}\n\n"
        ));
    }
    src.push_str("[[rules]]\nid = \"bot\"\nwhen = \"true\"\nthen = { bot = \"faq\" }\n");
    let config = Config::from_toml_str(&src).expect("bench config compiles");
    assert_eq!(config.router().len(), 1000);
    config
}

fn sentence(rng: &mut Rng) -> String {
    let len = 40 + rng.below(41);
    let mut s = String::new();
    while s.len() < len {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(WORDS[rng.below(WORDS.len())]);
    }
    s
}

fn engine(now: Timestamp) -> Switchboard {
    let mut sb = Switchboard::new(config());
    let mut rng = Rng(7);
    for i in 0..AGENTS {
        let mut p = AgentProfile::new(format!("a{i}"))
            .with_capacity(Capacity::new([(ChannelKind::WebChat, 3)]));
        for _ in 0..3 {
            p = p.with_skill(format!("s{}", rng.below(QUEUES)), 1 + rng.below(5) as u8);
        }
        sb.handle(now, Input::AgentUpsert(p)).expect("agent");
        sb.handle(
            now,
            Input::AgentStatus {
                agent: AgentId::new(format!("a{i}")),
                status: Presence::Available,
            },
        )
        .expect("status");
    }
    drain(&mut sb);
    sb
}

/// Polls every action and event; returns the agent of the last offer and
/// the conversation of the last question to the bot.
fn drain(sb: &mut Switchboard) -> (Option<AgentId>, Option<ConversationId>) {
    let mut offer = None;
    let mut asked = None;
    while let Some(a) = sb.poll_action() {
        match &a {
            Action::Offer { agent, .. } => offer = Some(agent.clone()),
            Action::AskBot(ask) => asked = Some(ask.conversation.clone()),
            _ => {}
        }
        black_box(a);
    }
    while let Some(e) = sb.poll_event() {
        black_box(e);
    }
    (offer, asked)
}

fn visitor(i: usize) -> Address {
    Address::new_unchecked(format!("visitor-{i}"))
}

struct Cycle {
    sb: Switchboard,
    now: Timestamp,
    next: usize,
    texts: Vec<String>,
}

impl Cycle {
    fn run(&mut self) {
        let i = self.next % VISITORS;
        self.next += 1;
        self.now = self.now + Duration::from_secs(1);
        let (sb, now) = (&mut self.sb, self.now);
        let from = visitor(i);
        let text = |k: usize| self.texts[(i * 4 + k) % self.texts.len()].clone();
        let say = |t: String| Input::Inbound(Inbound::new(ChannelKind::WebChat, from.clone(), t));
        sb.handle(now, say(text(0))).expect("message 1");
        let conv = drain(sb).1.expect("the bot is asked");
        sb.handle(
            now,
            Input::BotTurn(BotTurn::new(conv.clone()).reply("Here is what I found.")),
        )
        .expect("turn 1");
        drain(sb);
        sb.handle(now, say(text(1))).expect("message 2");
        drain(sb);
        sb.handle(
            now,
            Input::BotTurn(BotTurn::new(conv.clone()).reply("Sorry?").fallback()),
        )
        .expect("turn 2");
        drain(sb);
        sb.handle(now, say("I need a human".into()))
            .expect("message 3");
        let agent = drain(sb).0.expect("an agent is offered the conversation");
        sb.handle(
            now,
            Input::AgentAccept {
                agent: agent.clone(),
                conversation: conv.clone(),
            },
        )
        .expect("accept");
        drain(sb);
        sb.handle(now, say(text(2))).expect("message 4");
        drain(sb);
        sb.handle(
            now,
            Input::Close {
                conversation: conv,
                by: Closer::Agent,
                agent: Some(agent),
            },
        )
        .expect("close");
        drain(sb);
    }
}

fn bench(c: &mut Criterion) {
    let mut rng = Rng(42);
    let texts: Vec<String> = (0..4096).map(|_| sentence(&mut rng)).collect();
    let start = Timestamp::from_millis(1_795_428_000_000);

    let mut g = c.benchmark_group("engine");
    g.sample_size(30).measurement_time(Duration::from_secs(10));

    let mut cycle = Cycle {
        sb: engine(start),
        now: start,
        next: 0,
        texts: texts.clone(),
    };
    // Warm up to the steady state: an hour of conversations.
    for _ in 0..3_600 {
        cycle.run();
    }
    g.throughput(Throughput::Elements(4));
    g.bench_function("conversation", |b| b.iter(|| cycle.run()));
    println!("engine holds {} conversations", cycle.sb.len());

    // Bot messages: 20,000 open bot conversations.
    let mut sb = engine(start);
    let n = 20_000;
    for i in 0..n {
        sb.handle(
            start,
            Input::Inbound(Inbound::new(
                ChannelKind::WebChat,
                visitor(i),
                texts[i % texts.len()].clone(),
            )),
        )
        .expect("opening message");
        sb.handle(
            start,
            Input::BotTurn(BotTurn::new(format!("c{}", i + 1)).reply("Hi!")),
        )
        .expect("turn");
        drain(&mut sb);
    }
    // The inputs are built beforehand; an iteration clones one pair.
    let pairs: Vec<(Input, Input)> = (0..n)
        .map(|i| {
            let m = Inbound::new(
                ChannelKind::WebChat,
                visitor(i),
                texts[(i * 7) % texts.len()].clone(),
            );
            let t = BotTurn::new(format!("c{}", i + 1)).reply("Noted, let me check.");
            (Input::Inbound(m), Input::BotTurn(t))
        })
        .collect();
    let mut k = 0usize;
    g.throughput(Throughput::Elements(1));
    g.bench_function("bot_message", |b| {
        b.iter(|| {
            k += 1;
            let (m, t) = pairs[k % n].clone();
            sb.handle(start, m).expect("message");
            sb.handle(start, t).expect("turn");
            drain(&mut sb)
        })
    });

    let config = config();
    let mut j = 0usize;
    g.bench_function("route_only", |b| {
        b.iter(|| {
            j += 1;
            let text = &texts[j % texts.len()];
            let facts = Facts::new(start)
                .with_channel(&ChannelKind::WebChat)
                .with_text(text);
            black_box(config.router().route(&facts))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
