//! A seeded driver of the engine for what the shared traffic does not do:
//! warm and cold transfers to an agent, holds, hand-backs, the bot's
//! errors and timeouts, agents signing out with conversations open, over a
//! change of daylight-saving time in Europe/Berlin.

use super::*;

pub(crate) const TRAFFIC_CONFIG: &str = r#"
[calendars.shop]
timezone = "Europe/Berlin"
mon-fri = "09:00-18:00"

[[queues]]
id = "support"
wrap_up = "30s"
overflow = { after = "4m", to = "general" }

[[queues]]
id = "general"
wrap_up = "10s"

[[queues]]
id = "billing"
calendar = "shop"
wrap_up = "1m"

[bots.faq]
timeout = "10s"

[escalation]
queue = "support"

[conversations]
reopen_window = "15m"
no_agent_timeout = "10m"
inactivity_timeout = "20m"
hold_timeout = "10m"

[[rules]]
id = "refund"
when = "text contains_any ['refund']"
then = { queue = "billing", tags = ["refund"] }

[defaults]
bot = "faq"
"#;

/// SplitMix64: small, seeded, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A whole number of milliseconds in `lo..=hi` seconds.
    fn secs(&mut self, lo: u64, hi: u64) -> u64 {
        lo * 1000 + self.next() % ((hi - lo) * 1000 + 1)
    }

    /// True with probability `p` percent.
    fn chance(&mut self, p: u64) -> bool {
        self.next() % 100 < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

/// What the host will do at a time: decided then, against what the
/// conversation has become.
#[derive(Clone, Debug)]
enum Intent {
    /// A customer writes (a new conversation, the next message of an open
    /// one, or a reopen).
    Write { channel: String, from: String },
    /// The bot answers a question.
    BotAnswer { conversation: String, turn: u64 },
    /// An agent answers an offer.
    Offer { conversation: String, agent: String },
    /// The customer gives up, if still waiting.
    Abandon { conversation: String },
    /// The agent writes, if they have it.
    AgentWrites { conversation: String, agent: String },
    /// The customer writes in an open conversation.
    CustomerWrites { conversation: String },
    /// The agent is done: close, transfer, hand back or hold.
    Finish { conversation: String, agent: String },
    /// A plain input.
    Input(Value),
}

#[derive(Debug, Default)]
struct Conv {
    channel: String,
    from: String,
    state: String,
    agent: Option<String>,
}

struct Traffic {
    sb: Switchboard,
    rng: Rng,
    agenda: BinaryHeap<Reverse<(u64, u64)>>,
    intents: HashMap<u64, Intent>,
    seq: u64,
    events: Vec<Event>,
    convs: HashMap<String, Conv>,
    /// The channel and address of the last customer message: a
    /// conversation it starts is theirs.
    writer: (String, String),
    agents: Vec<String>,
    warm_transfers: bool,
}

impl Traffic {
    fn new(config: Config, seed: u64, warm_transfers: bool) -> Traffic {
        Traffic {
            sb: Switchboard::new(config),
            rng: Rng(seed),
            agenda: BinaryHeap::new(),
            intents: HashMap::new(),
            seq: 0,
            events: Vec::new(),
            convs: HashMap::new(),
            writer: Default::default(),
            agents: Vec::new(),
            warm_transfers,
        }
    }

    fn at(&mut self, at: u64, intent: Intent) {
        self.seq += 1;
        self.agenda.push(Reverse((at, self.seq)));
        self.intents.insert(self.seq, intent);
    }

    fn input(&mut self, at: u64, input: Value) {
        self.at(at, Intent::Input(input));
    }

    /// Runs the engine and the host until `end`.
    fn run(&mut self, end: u64) {
        loop {
            let next = self.agenda.peek().map(|r| r.0.0);
            let timer = self.sb.poll_timeout().map(|t| t.as_millis());
            match (next, timer) {
                (_, Some(t)) if t <= end && next.is_none_or(|n| t < n) => {
                    self.sb.handle_timeout(Timestamp::from_millis(t));
                    self.flush(t);
                }
                (Some(n), _) if n <= end => {
                    let Reverse((at, seq)) = self.agenda.pop().unwrap();
                    let intent = self.intents.remove(&seq).unwrap();
                    self.act(at, intent);
                    self.flush(at);
                }
                _ => break,
            }
        }
    }

    fn send(&mut self, at: u64, input: Value) {
        let input: Input = serde_json::from_value(input).unwrap();
        // Refused inputs (the conversation moved on meanwhile) are part of
        // real traffic: nothing to do.
        let _ = self.sb.handle(Timestamp::from_millis(at), input);
    }

    fn act(&mut self, at: u64, intent: Intent) {
        match intent {
            Intent::Input(v) => self.send(at, v),
            Intent::Write { channel, from } => {
                let text = if self.rng.chance(15) {
                    "I want a refund"
                } else {
                    *self
                        .rng
                        .pick(&["Where is my order?", "Hello", "Change my address"])
                };
                self.writer = (channel.clone(), from.clone());
                self.send(
                    at,
                    json!({"type": "inbound", "channel": channel, "from": from, "text": text}),
                );
            }
            Intent::BotAnswer { conversation, turn } => {
                let Some(c) = self.convs.get(&conversation) else {
                    return;
                };
                if c.state != "bot" {
                    return;
                }
                let roll = self.rng.next() % 100;
                let mut turn_v = json!({"type": "bot_turn", "conversation": conversation,
                    "turn": turn, "reply": "Here is what I found."});
                let more = match roll {
                    0..=29 => {
                        turn_v["resolved"] = json!(true);
                        false
                    }
                    30..=54 => {
                        turn_v["handoff"] = json!("the customer asks for a person");
                        false
                    }
                    55..=69 => {
                        turn_v["fallback"] = json!(true);
                        turn_v["reply"] = json!("Sorry, I did not understand.");
                        true
                    }
                    70..=74 => {
                        turn_v = json!({"type": "bot_turn", "conversation": conversation,
                            "turn": turn, "error": "backend down"});
                        false
                    }
                    _ => self.rng.chance(60),
                };
                self.send(at, turn_v);
                if more {
                    let t = at + self.rng.secs(5, 90);
                    self.at(t, Intent::CustomerWrites { conversation });
                }
            }
            Intent::Offer {
                conversation,
                agent,
            } => {
                // Accept, decline or let it expire.
                let roll = self.rng.next() % 100;
                let kind = match roll {
                    0..=69 => "agent_accept",
                    70..=84 => "agent_decline",
                    _ => return,
                };
                self.send(
                    at,
                    json!({"type": kind, "agent": agent, "conversation": conversation}),
                );
            }
            Intent::Abandon { conversation } => {
                let waiting = self.convs.get(&conversation).is_some_and(|c| {
                    matches!(c.state.as_str(), "queued" | "offered" | "after_hours")
                });
                if waiting {
                    self.send(
                        at,
                        json!({"type": "close", "conversation": conversation, "by": "customer"}),
                    );
                }
            }
            Intent::AgentWrites {
                conversation,
                agent,
            } => {
                if !self.has(&conversation, &agent) {
                    return;
                }
                self.send(
                    at,
                    json!({"type": "agent_message", "agent": agent,
                        "conversation": conversation, "text": "Let me check that for you."}),
                );
                if self.rng.chance(65) {
                    let t = at + self.rng.secs(5, 120);
                    self.at(t, Intent::CustomerWrites { conversation });
                } else {
                    let t = at + self.rng.secs(10, 180);
                    self.at(
                        t,
                        Intent::Finish {
                            conversation,
                            agent,
                        },
                    );
                }
            }
            Intent::CustomerWrites { conversation } => {
                let Some(c) = self.convs.get(&conversation) else {
                    return;
                };
                let (channel, from) = (c.channel.clone(), c.from.clone());
                // A closed conversation reopens within the reopen window.
                self.writer = (channel.clone(), from.clone());
                self.send(
                    at,
                    json!({"type": "inbound", "channel": channel, "from": from,
                        "text": "And another thing"}),
                );
                let c = &self.convs[&conversation];
                if let (Some(agent), "with_agent") = (c.agent.clone(), c.state.as_str()) {
                    let t = at + self.rng.secs(3, 90);
                    self.at(
                        t,
                        Intent::AgentWrites {
                            conversation,
                            agent,
                        },
                    );
                }
            }
            Intent::Finish {
                conversation,
                agent,
            } => {
                if !self.has(&conversation, &agent) {
                    return;
                }
                let roll = self.rng.next() % 100;
                let other = self.rng.pick(&self.agents.clone()).clone();
                let queue = self
                    .rng
                    .pick(&["support", "general", "billing"])
                    .to_string();
                let c = conversation.clone();
                let input = match roll {
                    0..=49 => {
                        json!({"type": "close", "conversation": c, "by": "agent", "agent": agent})
                    }
                    50..=56 => json!({"type": "close", "conversation": c, "by": "customer"}),
                    57..=66 => json!({"type": "transfer", "conversation": c, "queue": queue}),
                    67..=74 => json!({"type": "transfer", "conversation": c, "agent": other}),
                    75..=82 if self.warm_transfers => {
                        json!({"type": "transfer", "conversation": c, "agent": other, "warm": true})
                    }
                    83..=88 => json!({"type": "hand_back", "conversation": c, "agent": agent}),
                    89..=95 => json!({"type": "hold", "conversation": c, "agent": agent}),
                    _ => json!({"type": "close", "conversation": c, "by": "system"}),
                };
                let kind = input["type"].as_str().unwrap().to_owned();
                let warm = input["warm"] == json!(true);
                self.send(at, input);
                match kind.as_str() {
                    "close" => {
                        if self.rng.chance(50) {
                            let t = at + self.rng.secs(5, 300);
                            let score = 1 + self.rng.next() % 5;
                            self.input(
                                t,
                                json!({"type": "csat", "conversation": conversation,
                                    "score": score}),
                            );
                        }
                        if self.rng.chance(20) {
                            // Writes again: within the reopen window or not.
                            let t = at + self.rng.secs(30, 1800);
                            self.at(t, Intent::CustomerWrites { conversation });
                        }
                    }
                    "hold" if self.rng.chance(60) => {
                        let t = at + self.rng.secs(30, 900);
                        self.at(t, Intent::CustomerWrites { conversation });
                    }
                    "transfer" if warm => {
                        // The agent goes on until the transfer happens or
                        // fails.
                        let t = at + self.rng.secs(40, 120);
                        self.at(
                            t,
                            Intent::Finish {
                                conversation,
                                agent,
                            },
                        );
                    }
                    _ => {}
                }
            }
        }
    }

    fn has(&self, conversation: &str, agent: &str) -> bool {
        self.convs
            .get(conversation)
            .is_some_and(|c| c.state == "with_agent" && c.agent.as_deref() == Some(agent))
    }

    /// Takes the engine's outputs: keeps the events, follows the
    /// conversations, and plans the host's answers to its actions.
    fn flush(&mut self, now: u64) {
        let mut outputs = Vec::new();
        while let Some(o) = self.sb.poll_output() {
            outputs.push(o);
        }
        for o in outputs {
            match o {
                Output::Event(e) => {
                    let v = serde_json::to_value(&e).unwrap();
                    self.events.push(e);
                    self.follow(now, &v);
                }
                Output::Action(a) => {
                    let v = serde_json::to_value(&a).unwrap();
                    self.react(now, &v["action"]);
                }
                _ => {}
            }
        }
    }

    fn follow(&mut self, now: u64, e: &Value) {
        let Some(id) = e["conversation"].as_str() else {
            return;
        };
        let id = id.to_owned();
        match e["type"].as_str().unwrap() {
            "started" => {
                let (channel, from) = self.writer.clone();
                self.convs.insert(
                    id.clone(),
                    Conv {
                        channel,
                        from,
                        ..Conv::default()
                    },
                );
                if self.rng.chance(10) {
                    let t = now + self.rng.secs(1, 600);
                    self.input(
                        t,
                        json!({"type": "tag", "conversation": id, "tags": ["vip"]}),
                    );
                }
            }
            "transition" => {
                let to = e["to"].as_str().unwrap().to_owned();
                let from = e["from"].as_str().unwrap_or("");
                let Some(c) = self.convs.get_mut(&id) else {
                    return;
                };
                if to == "with_agent" {
                    c.agent = e["agent"].as_str().map(str::to_owned);
                }
                let waiting = |s: &str| matches!(s, "queued" | "offered" | "after_hours");
                let starts_waiting = waiting(&to) && !waiting(from);
                c.state = to;
                if starts_waiting && self.rng.chance(30) {
                    let t = now
                        + if self.rng.chance(30) {
                            self.rng.secs(1, 6)
                        } else {
                            self.rng.secs(6, 400)
                        };
                    self.at(t, Intent::Abandon { conversation: id });
                }
            }
            "transferred" => {
                if let Some(c) = self.convs.get_mut(&id) {
                    c.agent = e["agent"].as_str().map(str::to_owned);
                }
            }
            "purged" => {
                self.convs.remove(&id);
            }
            _ => {}
        }
    }

    fn react(&mut self, now: u64, a: &Value) {
        let conversation = a["conversation"].as_str().unwrap_or_default().to_owned();
        match a["type"].as_str().unwrap() {
            "ask_bot" => {
                if self.rng.chance(4) {
                    return; // the bot times out
                }
                let t = now + self.rng.secs(1, 4);
                let turn = a["turn"].as_u64().unwrap();
                self.at(t, Intent::BotAnswer { conversation, turn });
            }
            "offer" => {
                let agent = a["agent"].as_str().unwrap().to_owned();
                let t = now + self.rng.secs(2, 40);
                self.at(
                    t,
                    Intent::Offer {
                        conversation,
                        agent,
                    },
                );
            }
            "assigned" => {
                let agent = a["agent"].as_str().unwrap().to_owned();
                let t = now + self.rng.secs(3, 70);
                self.at(
                    t,
                    Intent::AgentWrites {
                        conversation,
                        agent,
                    },
                );
            }
            "transfer_failed" => {
                if let Some(agent) = a["agent"].as_str() {
                    let agent = agent.to_owned();
                    let t = now + self.rng.secs(10, 60);
                    self.at(
                        t,
                        Intent::Finish {
                            conversation,
                            agent,
                        },
                    );
                }
            }
            "agent_status" => {
                // Set away for missed offers: back after a break.
                let agent = a["agent"].as_str().unwrap().to_owned();
                let t = now + self.rng.secs(120, 900);
                self.input(
                    t,
                    json!({"type": "agent_status", "agent": agent, "status": "available"}),
                );
            }
            _ => {}
        }
    }
}

/// Saturday 2026-10-24, 00:00 UTC: the night of the 25th, Berlin leaves
/// summer time.
pub(crate) const SATURDAY: u64 = 1_792_800_000_000;
pub(crate) const HOUR: u64 = 3_600_000;

/// Three days of traffic: the events and the configuration.
pub(crate) fn synthetic(seed: u64, warm_transfers: bool) -> (Config, Vec<Event>) {
    let config = Config::from_toml_str(TRAFFIC_CONFIG).unwrap();
    let mut t = Traffic::new(config.clone(), seed, warm_transfers);
    let agents = ["ana", "bob", "cem", "dora"];
    t.agents = agents.iter().map(|a| a.to_string()).collect();
    for a in agents {
        t.input(
            SATURDAY,
            json!({"type": "agent_upsert", "agent": a, "languages": ["en"],
                "capacity": {"webchat": 2, "sms": 2}}),
        );
    }
    // Shifts (UTC): ana and bob by day, bob away at lunch; cem for the
    // afternoon, signing out with conversations open; dora by night.
    for day in 0..3 {
        let d = SATURDAY + day * 24 * HOUR;
        let shifts: [(&str, u64, &str); 8] = [
            ("ana", 6 * HOUR, "available"),
            ("ana", 20 * HOUR, "offline"),
            ("bob", 7 * HOUR, "available"),
            ("bob", 12 * HOUR, "away"),
            ("bob", 12 * HOUR + HOUR / 2, "available"),
            ("bob", 19 * HOUR, "offline"),
            ("cem", 11 * HOUR, "available"),
            ("cem", 16 * HOUR + 17 * 60_000, "offline"),
        ];
        for (agent, at, status) in shifts {
            t.input(
                d + at,
                json!({"type": "agent_status", "agent": agent, "status": status}),
            );
        }
        t.input(
            d + 19 * HOUR,
            json!({"type": "agent_status", "agent": "dora", "status": "available"}),
        );
        t.input(
            d + 23 * HOUR + HOUR / 2,
            json!({"type": "agent_status", "agent": "dora", "status": "offline"}),
        );
    }
    // Arrivals: every few minutes by day, seldom by night; customers come
    // back.
    let end = SATURDAY + 2 * 24 * HOUR + 21 * HOUR;
    let mut now = SATURDAY + 5 * HOUR;
    while now < end {
        let hour = (now - SATURDAY) / HOUR % 24;
        let gap = if (6..20).contains(&hour) {
            9 * 60
        } else {
            40 * 60
        };
        now += t.rng.secs(20, 2 * gap);
        let n = t.rng.next() % 90;
        let (channel, from) = if n.is_multiple_of(3) {
            ("sms", format!("+491511234{n:04}"))
        } else {
            ("webchat", format!("visitor-{n}"))
        };
        t.at(
            now,
            Intent::Write {
                channel: channel.to_owned(),
                from,
            },
        );
    }
    // The log ends an hour after the last arrival: some still open.
    t.run(end + HOUR);
    (config, t.events)
}
