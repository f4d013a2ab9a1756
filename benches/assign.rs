//! Benchmarks for the assigner: offering a conversation to the best
//! eligible agent, and an agent's presence changing, with 1,000 to 100,000
//! agents.
//!
//! The configuration has 200 queues over 100 skills (`s0` to `s99`). Queue
//! `q` needs skill `q % 100` at a minimum level of 1 to 5; queues 100 and
//! up also need `agent.languages has conversation.lang`. Strategies rotate
//! over `longest_idle`, `least_busy`, `round_robin` and `most_skilled` (on
//! the queue's skill); priorities are 0 to 2.
//!
//! Agents and traffic are generated from a fixed seed:
//!
//! * skill popularity is Zipf-like (skill `k` weighs `1 / (k + 1)`), so a
//!   few skills are common and most are rare; each agent has 2 to 6 skills
//!   at levels 1 to 10 (mostly in the middle);
//! * languages: English 80%, Spanish 30%, German and Chinese 10% each, at
//!   least one;
//! * capacity: web chat 2 to 4, SMS 5 for half of the agents, e-mail 10
//!   for three in ten;
//! * 80% of the agents are available, 12% away and 8% offline;
//! * a conversation's queue follows skill popularity (either queue of the
//!   skill), its channel is web chat 60%, SMS 25%, e-mail 15%, its
//!   language English 70%, Spanish 15%, German 8%, Chinese 7%.
//!
//! Before measuring, `3 × N` conversations are enqueued (offers accepted
//! at once) while the oldest assigned ones are finished whenever more than
//! `1.5 × N` are assigned, so agents hold a steady, uneven load and some
//! are full; the conversations still waiting at the end (no eligible agent
//! had room) are then finished. The load reached is printed.
//!
//! Every benchmark is paired with a naive baseline in the same group: the
//! agents in a plain `Vec` (profile, presence, load per channel, idle
//! since, last offer), each queue's whole eligibility compiled with
//! `Condition::compile`, and every decision made by scanning all agents
//! (presence, room on the channel, then the condition) and keeping the best
//! by the queue's strategy, with the assigner's tie-breaks. The baseline
//! takes its state from the loaded assigner; before and after measuring
//! the assigner, 128 requests are decided both ways in lockstep and must
//! get the same agent (or none). How many ready agents the assigner passes
//! over (they cannot take the channel or the language) before the one it
//! picks is printed.
//!
//! * `enqueue_and_match/{switchboard,naive}/{1000,10000,100000}`: one
//!   iteration enqueues a conversation that an eligible agent with room
//!   takes, accepts the offer and finishes the conversation, so the load
//!   is back to the steady state; events are drained. The requests are
//!   16,384 drawn like the traffic and kept when an agent takes them,
//!   taken in turn. Nothing else waits.
//! * `status_change/{switchboard,naive}/{1000,10000,100000}`: one iteration
//!   sets an available agent away and back to available (the agent is
//!   drawn from 256, in turn), draining events. A backlog of `N / 20`
//!   French web chats waits, spread over the 100 language-matched queues;
//!   no agent speaks French, so none can be offered. Each agent is
//!   eligible by skill for a few of those queues (the assigner reads their
//!   waiting lists and checks each conversation's language) and not for
//!   the rest (the assigner does not look at them). The baseline, on
//!   becoming available, checks every waiting conversation of every queue
//!   against the agent.
//!
//! Run with `cargo bench --bench assign`.

use std::collections::HashSet;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BatchSize, BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use switchboard::assign::{AgentProfile, AssignEvent, Assigner, Presence, Request};
use switchboard::config::Config;
use switchboard::expr::{AgentFacts, Condition, Context, ConversationFacts, Facts};
use switchboard::{AgentId, ChannelKind, QueueId, Ticket, Timestamp};

#[path = "support/rng.rs"]
mod rng;
#[path = "support/assign_workload.rs"]
mod workload;

use rng::Rng;
use workload::{QUEUES, SKILLS, config, draw_skill, profile, queue_id, skill_weights};

// ---------------------------------------------------------------------------
// Traffic
// ---------------------------------------------------------------------------

/// A conversation's queue, channel and language.
#[derive(Clone)]
struct Draw {
    queue: usize,
    channel: ChannelKind,
    lang: &'static str,
}

fn draw(rng: &mut Rng, cumulative: &[f64]) -> Draw {
    let skill = draw_skill(rng, cumulative);
    let queue = if rng.chance(50) {
        skill
    } else {
        skill + SKILLS
    };
    let channel = match rng.below(100) {
        0..60 => ChannelKind::WebChat,
        60..85 => ChannelKind::Sms,
        _ => ChannelKind::Email,
    };
    let lang = match rng.below(100) {
        0..70 => "en",
        70..85 => "es",
        85..93 => "de",
        _ => "zh",
    };
    Draw {
        queue,
        channel,
        lang,
    }
}

fn request(id: &str, d: &Draw) -> Request {
    Request::new(id, queue_id(d.queue), d.channel.clone()).with_lang(d.lang)
}

// ---------------------------------------------------------------------------
// The assigner, loaded
// ---------------------------------------------------------------------------

const T0: u64 = 1_767_571_200_000;

/// The assigner and its clock.
struct Fast {
    a: Assigner,
    now: u64,
}

impl Fast {
    fn tick(&mut self) -> Timestamp {
        self.now += 1;
        Timestamp::from_millis(self.now)
    }

    /// Drains events, accepting every offer; returns the agents offered.
    fn accept_offers(&mut self) -> Vec<(Ticket, AgentId)> {
        let now = Timestamp::from_millis(self.now);
        let mut offers = Vec::new();
        while let Some(e) = self.a.poll_event() {
            if let AssignEvent::Offered { ticket, agent, .. } = e {
                offers.push((ticket, agent));
            }
        }
        for (c, agent) in &offers {
            self.a.accept(now, agent, c).unwrap();
        }
        while self.a.poll_event().is_some() {}
        offers
    }

    /// One measured decision: enqueue, take the offer, accept, finish.
    fn enqueue_and_match(&mut self, req: Request, id: &Ticket) -> AgentId {
        let now = self.tick();
        self.a.enqueue(now, req).unwrap();
        let mut offered = None;
        while let Some(e) = self.a.poll_event() {
            if let AssignEvent::Offered { agent, .. } = e {
                offered = Some(agent);
            }
        }
        let agent = offered.expect("the conversation is offered");
        self.a.accept(now, &agent, id).unwrap();
        while self.a.poll_event().is_some() {}
        self.a.finish(now, id).unwrap();
        while self.a.poll_event().is_some() {}
        agent
    }

    /// Enqueues; when offered, accepts and finishes, returning the agent;
    /// otherwise withdraws the conversation.
    fn try_match(&mut self, req: Request, id: &Ticket) -> Option<AgentId> {
        let now = self.tick();
        self.a.enqueue(now, req).unwrap();
        let mut offered = None;
        while let Some(e) = self.a.poll_event() {
            if let AssignEvent::Offered { agent, .. } = e {
                offered = Some(agent);
            }
        }
        if let Some(agent) = &offered {
            self.a.accept(now, agent, id).unwrap();
        }
        self.a.finish(now, id).unwrap();
        while self.a.poll_event().is_some() {}
        offered
    }

    /// One measured presence change: away, then available again. Returns
    /// how many events it caused.
    fn status_change(&mut self, agent: &AgentId) -> usize {
        let now = self.tick();
        let mut events = 0;
        self.a.set_presence(now, agent, Presence::Away).unwrap();
        while self.a.poll_event().is_some() {
            events += 1;
        }
        self.a
            .set_presence(now, agent, Presence::Available)
            .unwrap();
        while self.a.poll_event().is_some() {
            events += 1;
        }
        events
    }
}

/// `n` agents, loaded to a steady state, nothing waiting.
fn loaded(n: usize, config: &Arc<Config>) -> Fast {
    let started = Instant::now();
    let mut fast = Fast {
        a: Assigner::new(config.clone(), Timestamp::from_millis(T0)),
        now: T0,
    };
    let cumulative = skill_weights();
    let mut rng = Rng(0xA6E7_5EED);
    for i in 0..n {
        let p = profile(i, &mut rng, &cumulative);
        let id = p.agent.clone();
        let now = fast.tick();
        fast.a.upsert_agent(now, p).unwrap();
        let presence = match rng.below(100) {
            0..80 => Presence::Available,
            80..92 => Presence::Away,
            _ => Presence::Offline,
        };
        if presence != Presence::Offline {
            fast.a.set_presence(now, &id, presence).unwrap();
        }
    }
    while fast.a.poll_event().is_some() {}

    // Traffic: enqueue 3n, keep at most 1.5n assigned, finishing the
    // oldest assigned first.
    let mut rng = Rng(0x7AFF_1C5E);
    let mut assigned: std::collections::VecDeque<Ticket> = Default::default();
    let mut waiting: HashSet<Ticket> = HashSet::new();
    for i in 0..3 * n {
        fast.now += 99;
        let now = fast.tick();
        let d = draw(&mut rng, &cumulative);
        let id = format!("load-{i:07}");
        fast.a.enqueue(now, request(&id, &d)).unwrap();
        waiting.insert(Ticket::new(id));
        let mut offered = fast.accept_offers();
        while assigned.len() + offered.len() > n * 3 / 2 {
            let c = match assigned.pop_front() {
                Some(c) => c,
                None => break,
            };
            fast.a.finish(now, &c).unwrap();
            offered.extend(fast.accept_offers());
        }
        for (c, _) in offered {
            waiting.remove(&c);
            assigned.push_back(c);
        }
    }
    let now = fast.tick();
    let backlog = waiting.len();
    for c in waiting {
        fast.a.finish(now, &c).unwrap();
    }
    while fast.a.poll_event().is_some() {}
    fast.a
        .check_invariants()
        .unwrap_or_else(|e| panic!("invariant broken: {e}"));

    let (mut available, mut busy, mut full, mut held) = (0, 0, 0, 0u32);
    for v in fast.a.agents() {
        if v.presence() != Presence::Available {
            continue;
        }
        available += 1;
        held += v.total_load();
        if v.total_load() > 0 {
            busy += 1;
        }
        if v.load(&ChannelKind::WebChat) >= v.limit(&ChannelKind::WebChat) {
            full += 1;
        }
    }
    eprintln!(
        "{n} agents, {available} available: {} conversations assigned ({:.2} per available \
         agent), {busy} available agents hold work, {full} have no web chat room; \
         {backlog} left waiting after the traffic were finished; set up in {:.1?}",
        fast.a.len(),
        f64::from(held) / f64::from(available.max(1)),
        started.elapsed()
    );
    fast
}

// ---------------------------------------------------------------------------
// Naive baseline
// ---------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Rank {
    LongestIdle,
    LeastBusy,
    RoundRobin,
    MostSkilled,
}

struct NaiveQueue {
    id: QueueId,
    eligible: Condition,
    rank: Rank,
    skill: String,
    priority: i32,
    /// Waiting conversations, in arrival order.
    waiting: Vec<NaiveWaiting>,
}

struct NaiveWaiting {
    channel: ChannelKind,
    lang: String,
    seq: u64,
}

struct NaiveAgent {
    profile: AgentProfile,
    /// The channels the agent works (`agent.channels`).
    channels: Vec<ChannelKind>,
    presence: Presence,
    /// Conversations held per channel.
    held: Vec<(ChannelKind, u32)>,
    idle_since: Timestamp,
    rotation: u64,
}

impl NaiveAgent {
    fn load(&self, channel: &ChannelKind) -> u32 {
        self.held
            .iter()
            .find(|(c, _)| c == channel)
            .map_or(0, |(_, n)| *n)
    }

    fn total(&self) -> u32 {
        self.held.iter().map(|(_, n)| n).sum()
    }

    fn fits(&self, channel: &ChannelKind) -> bool {
        self.load(channel) < self.profile.capacity.limit(channel)
    }

    fn add(&mut self, channel: &ChannelKind, delta: i32) {
        match self.held.iter_mut().find(|(c, _)| c == channel) {
            Some((_, n)) => *n = n.saturating_add_signed(delta),
            None => self.held.push((channel.clone(), delta.max(0) as u32)),
        }
    }

    fn facts(&self) -> AgentFacts<'_> {
        AgentFacts {
            id: &self.profile.agent,
            skills: &self.profile.skills,
            languages: &self.profile.languages,
            channels: &self.channels,
            attributes: &self.profile.attributes,
        }
    }

    /// Idle agents by when they became idle, then busy agents by when
    /// they were last offered work.
    fn idle_key(&self) -> u64 {
        if self.total() == 0 {
            self.idle_since.as_millis().min((1 << 44) - 1)
        } else {
            (1 << 44) + self.rotation.min((1 << 52) - 1)
        }
    }

    fn permille(&self) -> u64 {
        let mut r = 0u64;
        for (channel, &limit) in &self.profile.capacity.channels {
            if limit > 0 {
                r = r.max(u64::from(self.load(channel)) * 1000 / u64::from(limit));
            }
        }
        r.min(1000)
    }

    fn rank(&self, queue: &NaiveQueue) -> u64 {
        match queue.rank {
            Rank::LongestIdle => self.idle_key(),
            Rank::LeastBusy => (self.permille() << 53) | self.idle_key(),
            Rank::RoundRobin => self.rotation,
            Rank::MostSkilled => {
                let level = self.profile.skills.get(&queue.skill).copied().unwrap_or(0);
                (u64::from(10 - level.min(10)) << 53) | self.idle_key()
            }
        }
    }
}

/// Every decision made by scanning.
struct Naive {
    config: Arc<Config>,
    queues: Vec<NaiveQueue>,
    agents: Vec<NaiveAgent>,
    rotation: u64,
    seq: u64,
    now: u64,
}

impl Naive {
    /// The baseline with the loaded assigner's agents, in the assigner's
    /// order (its tie-break).
    fn new(fast: &Fast) -> Naive {
        let config = fast.a.config().clone();
        let queues = config
            .spec()
            .queues
            .iter()
            .map(|q| NaiveQueue {
                id: QueueId::new(q.id.as_str()),
                eligible: Condition::compile(
                    q.eligible.as_deref().unwrap_or("true"),
                    config.schema(),
                    Context::Eligibility,
                )
                .unwrap_or_else(|e| panic!("queue `{}`: {e:?}", q.id)),
                rank: match q.strategy.as_deref() {
                    Some("least_busy") => Rank::LeastBusy,
                    Some("round_robin") => Rank::RoundRobin,
                    Some("most_skilled") => Rank::MostSkilled,
                    _ => Rank::LongestIdle,
                },
                skill: q.skill.clone().unwrap_or_default(),
                priority: q.priority,
                waiting: Vec::new(),
            })
            .collect();
        let agents: Vec<NaiveAgent> = fast
            .a
            .agents()
            .map(|v| {
                let profile = v.profile();
                let channels: Vec<ChannelKind> =
                    profile.capacity.channels.keys().cloned().collect();
                let held = channels.iter().map(|c| (c.clone(), v.load(c))).collect();
                NaiveAgent {
                    profile,
                    channels,
                    presence: v.presence(),
                    held,
                    idle_since: v.idle_since(),
                    rotation: v.rotation(),
                }
            })
            .collect();
        let rotation = agents.iter().map(|a| a.rotation).max().unwrap_or(0);
        Naive {
            config,
            queues,
            agents,
            rotation,
            seq: 0,
            now: fast.now,
        }
    }

    fn tick(&mut self) -> Timestamp {
        self.now += 1;
        Timestamp::from_millis(self.now)
    }

    fn conversation_facts<'a>(
        queue: &'a NaiveQueue,
        channel: &'a ChannelKind,
        lang: &'a str,
        waited: Duration,
    ) -> ConversationFacts<'a> {
        ConversationFacts {
            new: false,
            queue: Some(&queue.id),
            lang: Some(lang),
            channel: Some(channel),
            priority: Some(queue.priority),
            waited: Some(waited),
            ..ConversationFacts::default()
        }
    }

    /// The best agent for a conversation of `queue`: every agent checked.
    fn best_agent(
        &self,
        q: usize,
        channel: &ChannelKind,
        lang: &str,
        now: Timestamp,
    ) -> Option<usize> {
        let queue = &self.queues[q];
        let calendars = self.config.calendars();
        let conversation = Self::conversation_facts(queue, channel, lang, Duration::ZERO);
        let base = Facts::new(now)
            .with_channel(channel)
            .with_lang(lang)
            .with_conversation(conversation);
        let mut best: Option<(u64, usize)> = None;
        for (i, agent) in self.agents.iter().enumerate() {
            if agent.presence != Presence::Available || !agent.fits(channel) {
                continue;
            }
            if !queue
                .eligible
                .evaluate(&base.with_agent(agent.facts()), calendars)
            {
                continue;
            }
            let key = (agent.rank(queue), i);
            if best.is_none_or(|b| key < b) {
                best = Some(key);
            }
        }
        best.map(|(_, i)| i)
    }

    fn offer(&mut self, a: usize, channel: &ChannelKind) {
        self.rotation += 1;
        let agent = &mut self.agents[a];
        agent.add(channel, 1);
        agent.rotation = self.rotation;
    }

    /// The conversation ends: the agent's room is freed, and the agent is
    /// offered what waits, if anything fits.
    fn finish(&mut self, a: usize, channel: &ChannelKind, now: Timestamp) {
        let agent = &mut self.agents[a];
        agent.add(channel, -1);
        if agent.total() == 0 {
            agent.idle_since = now;
        }
        self.drain(a, now);
    }

    /// One decision: enqueue, offer, accept, finish. Returns the agent.
    fn enqueue_and_match(&mut self, d: &Draw) -> usize {
        let now = self.tick();
        let a = self
            .best_agent(d.queue, &d.channel, d.lang, now)
            .expect("an agent takes the conversation");
        self.apply(d, a, now);
        a
    }

    /// Offers the conversation to agent `a`, who accepts, and finishes it.
    fn apply(&mut self, d: &Draw, a: usize, now: Timestamp) {
        self.offer(a, &d.channel);
        // Accepting changes nothing the baseline keeps: the offer already
        // holds the agent's room.
        self.finish(a, &d.channel, now);
    }

    /// How many agents the assigner passes over before the one chosen:
    /// those meeting the queue's agent-only condition, available with room
    /// on some channel, ranked ahead of it.
    fn passed_over(&self, d: &Draw, chosen: usize) -> usize {
        let queue = &self.queues[d.queue];
        let skill = format!("s{}", d.queue % SKILLS);
        let level = (1 + (d.queue * 7 + d.queue / SKILLS) % 5) as u8;
        let key = (self.agents[chosen].rank(queue), chosen);
        self.agents
            .iter()
            .enumerate()
            .filter(|(i, a)| {
                a.presence == Presence::Available
                    && a.profile.skills.get(&skill).is_some_and(|l| *l >= level)
                    && a.channels.iter().any(|c| a.fits(c))
                    && (a.rank(queue), *i) < key
            })
            .count()
    }

    /// The first waiting conversation agent `a` may take, from the queue
    /// served first, checking every waiting conversation of every queue.
    fn first_for(&self, a: usize, now: Timestamp) -> Option<(usize, usize)> {
        let agent = &self.agents[a];
        let calendars = self.config.calendars();
        let mut best: Option<(i32, u64, usize, usize)> = None;
        for (q, queue) in self.queues.iter().enumerate() {
            for (w, conv) in queue.waiting.iter().enumerate() {
                if !agent.fits(&conv.channel) {
                    continue;
                }
                let conversation =
                    Self::conversation_facts(queue, &conv.channel, &conv.lang, Duration::ZERO);
                let facts = Facts::new(now)
                    .with_channel(&conv.channel)
                    .with_lang(&conv.lang)
                    .with_conversation(conversation)
                    .with_agent(agent.facts());
                if queue.eligible.evaluate(&facts, calendars) {
                    let key = (-queue.priority, conv.seq, q, w);
                    if best.is_none_or(|b| key < b) {
                        best = Some(key);
                    }
                    break;
                }
            }
        }
        best.map(|(_, _, q, w)| (q, w))
    }

    /// Offers agent `a` what it may take while it has room.
    fn drain(&mut self, a: usize, now: Timestamp) -> usize {
        let mut offered = 0;
        while self.agents[a].presence == Presence::Available {
            let Some((q, w)) = self.first_for(a, now) else {
                break;
            };
            let conv = self.queues[q].waiting.remove(w);
            self.offer(a, &conv.channel);
            offered += 1;
        }
        offered
    }

    fn wait(&mut self, q: usize, channel: ChannelKind, lang: &str) {
        self.seq += 1;
        self.queues[q].waiting.push(NaiveWaiting {
            channel,
            lang: lang.to_owned(),
            seq: self.seq,
        });
    }

    /// Away and back. Returns how many conversations were offered.
    fn status_change(&mut self, a: usize) -> usize {
        let now = self.tick();
        self.agents[a].presence = Presence::Away;
        self.agents[a].presence = Presence::Available;
        if self.agents[a].total() == 0 {
            self.agents[a].idle_since = now;
        }
        self.drain(a, now)
    }
}

// ---------------------------------------------------------------------------
// Benchmarks
// ---------------------------------------------------------------------------

const AGENT_COUNTS: [usize; 3] = [1_000, 10_000, 100_000];
/// Agents whose presence changes, in turn.
const MEASURED: usize = 256;
/// Requests an agent takes, in turn.
const REQUESTS: usize = 16_384;
/// Decisions checked against the baseline before and after measuring.
const VERIFY: usize = 128;

type Group<'a> = criterion::BenchmarkGroup<'a, criterion::measurement::WallTime>;

fn timing(group: &mut Group<'_>, slow: bool) {
    if slow {
        group
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(5))
            .sampling_mode(SamplingMode::Flat);
    } else {
        group
            .sample_size(50)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(5))
            .sampling_mode(SamplingMode::Auto);
    }
}

/// Decides `count` requests drawn from `rng` both ways, in lockstep from
/// the assigner's current state, and panics on any difference. Returns the
/// baseline, in the same state, and for each request an agent took, how
/// many ready agents the assigner passed over, sorted.
fn lockstep(fast: &mut Fast, rng: &mut Rng, count: usize) -> (Naive, Vec<usize>) {
    let n = fast.a.agents().count();
    let cumulative = skill_weights();
    let mut naive = Naive::new(fast);
    let mut passed = Vec::new();
    for i in 0..count {
        let d = draw(rng, &cumulative);
        let now = naive.tick();
        let expected = naive.best_agent(d.queue, &d.channel, d.lang, now);
        if let Some(a) = expected {
            passed.push(naive.passed_over(&d, a));
            naive.apply(&d, a, now);
        }
        let id = Ticket::new(format!("check-{i}"));
        let got = fast.try_match(request(id.as_str(), &d), &id);
        assert_eq!(
            got.as_ref(),
            expected.map(|a| &naive.agents[a].profile.agent),
            "{n} agents: the assigner and the baseline disagree on a conversation of {} \
             ({:?}, {})",
            queue_id(d.queue),
            d.channel,
            d.lang
        );
    }
    fast.a
        .check_invariants()
        .unwrap_or_else(|e| panic!("invariant broken: {e}"));
    passed.sort_unstable();
    (naive, passed)
}

fn passed_summary(passed: &[usize]) -> String {
    let k = passed.len();
    format!(
        "median {}, mean {:.1}, 90th percentile {}, max {}",
        passed[k / 2],
        passed.iter().sum::<usize>() as f64 / k as f64,
        passed[k * 9 / 10],
        passed[k - 1]
    )
}

fn enqueue_and_match(c: &mut Criterion) {
    let config = Arc::new(config());
    let mut group = c.benchmark_group("enqueue_and_match");
    for n in AGENT_COUNTS {
        let mut fast = loaded(n, &config);

        // The measured requests: drawn like the traffic, kept when an agent
        // takes them (which stays so: every iteration ends with the load it
        // started with).
        let cumulative = skill_weights();
        let mut rng = Rng(0x3EA5_0BED);
        let mut draws: Vec<Draw> = Vec::with_capacity(REQUESTS);
        let mut tried = 0;
        let probe = Ticket::new("probe");
        while draws.len() < REQUESTS {
            tried += 1;
            assert!(tried < 10 * REQUESTS, "too few requests find an agent");
            let d = draw(&mut rng, &cumulative);
            if fast
                .try_match(request(probe.as_str(), &d), &probe)
                .is_some()
            {
                draws.push(d);
            }
        }
        let requests: Vec<(Request, Ticket)> = draws
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let id = format!("m-{i:05}");
                (request(&id, d), Ticket::new(id))
            })
            .collect();

        let mut check = Rng(0xC4EC_0001);
        let (_, passed) = lockstep(&mut fast, &mut check, VERIFY);
        eprintln!(
            "enqueue_and_match/{n}: {REQUESTS} of {tried} requests drawn find an agent; \
             {VERIFY} more decided both ways agree; ready agents passed over before the \
             one chosen: {}",
            passed_summary(&passed)
        );

        timing(&mut group, false);
        group.bench_function(BenchmarkId::new("switchboard", n), |b| {
            let mut k = 0;
            b.iter_batched(
                || {
                    k = (k + 1) % requests.len();
                    requests[k].clone()
                },
                |(req, id)| black_box(fast.enqueue_and_match(req, &id)),
                BatchSize::SmallInput,
            )
        });

        let (mut naive, passed) = lockstep(&mut fast, &mut check, VERIFY);
        eprintln!(
            "enqueue_and_match/{n}: after measuring, {VERIFY} more decided both ways agree; \
             ready agents passed over: {}",
            passed_summary(&passed)
        );
        timing(&mut group, n >= 10_000);
        group.bench_function(BenchmarkId::new("naive", n), |b| {
            let mut k = 0;
            b.iter(|| {
                k = (k + 1) % draws.len();
                black_box(naive.enqueue_and_match(black_box(&draws[k])))
            })
        });
    }
    group.finish();
}

fn status_change(c: &mut Criterion) {
    let config = Arc::new(config());
    let mut group = c.benchmark_group("status_change");
    for n in AGENT_COUNTS {
        let mut fast = loaded(n, &config);
        let mut naive = Naive::new(&fast);

        // The backlog: French web chats in the language-matched queues.
        let backlog = n / 20;
        let now = fast.tick();
        for i in 0..backlog {
            let q = SKILLS + i % SKILLS;
            let req = Request::new(format!("fr-{i:06}"), queue_id(q), ChannelKind::WebChat)
                .with_lang("fr");
            fast.a.enqueue(now, req).unwrap();
            naive.wait(q, ChannelKind::WebChat, "fr");
        }
        naive.now = fast.now;
        assert!(
            fast.a.poll_event().is_none(),
            "no one takes a French conversation"
        );
        assert_eq!(
            fast.a.len()
                - fast
                    .a
                    .agents()
                    .map(|v| v.total_load() as usize)
                    .sum::<usize>(),
            backlog
        );

        // Available agents, in a fixed random order.
        let mut rng = Rng(0x57A7_05C4);
        let available: Vec<usize> = naive
            .agents
            .iter()
            .enumerate()
            .filter(|(_, a)| a.presence == Presence::Available)
            .map(|(i, _)| i)
            .collect();
        let chosen: Vec<usize> = (0..MEASURED)
            .map(|_| available[rng.below(available.len())])
            .collect();
        let ids: Vec<AgentId> = chosen
            .iter()
            .map(|&i| naive.agents[i].profile.agent.clone())
            .collect();
        // How many waiting lists the assigner reads for them: the
        // language-matched queues each is eligible for by skill.
        let eligible_queues: usize = chosen
            .iter()
            .map(|&i| {
                let facts = Facts::new(Timestamp::from_millis(fast.now))
                    .with_agent(naive.agents[i].facts());
                (SKILLS..QUEUES)
                    .filter(|&q| {
                        let skill = q % SKILLS;
                        let level = 1 + (q * 7 + q / SKILLS) % 5;
                        let src = format!("agent.skills.s{skill} >= {level}");
                        Condition::compile(&src, config.schema(), Context::Eligibility)
                            .unwrap()
                            .evaluate(&facts, config.calendars())
                    })
                    .count()
            })
            .sum();
        for (i, id) in chosen.iter().zip(&ids) {
            assert_eq!(fast.status_change(id), 0, "nothing is offered");
            assert_eq!(naive.status_change(*i), 0, "nothing is offered");
        }
        fast.a
            .check_invariants()
            .unwrap_or_else(|e| panic!("invariant broken: {e}"));
        eprintln!(
            "status_change/{n}: {backlog} conversations waiting ({:.1} per language-matched \
             queue); the agents measured are eligible by skill for {:.1} of those queues on \
             average",
            backlog as f64 / SKILLS as f64,
            eligible_queues as f64 / MEASURED as f64
        );

        timing(&mut group, false);
        group.bench_function(BenchmarkId::new("switchboard", n), |b| {
            let mut k = 0;
            b.iter(|| {
                k = (k + 1) % ids.len();
                black_box(fast.status_change(black_box(&ids[k])))
            })
        });
        timing(&mut group, n >= 100_000);
        group.bench_function(BenchmarkId::new("naive", n), |b| {
            let mut k = 0;
            b.iter(|| {
                k = (k + 1) % chosen.len();
                black_box(naive.status_change(black_box(chosen[k])))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, enqueue_and_match, status_change);
criterion_main!(benches);
