//! The simulated host: customers, a bot and agents acting on the engine's
//! outputs, in virtual time.
//!
//! A discrete-event loop. The host's next acts wait in a priority queue by
//! time; whenever the engine's [`poll_timeout`](Switchboard::poll_timeout)
//! falls at or before the next act, the loop calls
//! [`handle_timeout`](Switchboard::handle_timeout) first, so what the
//! engine's timers do is what the host's next act sees. Every output is
//! drained after every call.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rand_pcg::Pcg64Mcg;
use rand_pcg::rand_core::SeedableRng;
use rustc_hash::FxHashMap;

use super::dist::Sampler;
use super::scenario::Scenario;
use super::tally::Tally;
use super::{Plan, SimError};
use crate::assign::Presence;
use crate::engine::{
    Action, BotTurn, Closer, Event, EventKind, Inbound, Input, Output, Switchboard,
};
use crate::handoff::State;
use crate::metrics::Metrics;
use crate::model::{Address, AgentId, ChannelKind, Content, ConversationId, QueueId, Timestamp};

/// Something the host does at a time.
#[derive(Clone, Copy, Debug)]
enum Job {
    /// The next customer of a stream arrives.
    Arrive(u32),
    /// A replayed customer message.
    Replay(u32),
    /// An agent answers an offer.
    Accept { cust: u32, agent: u32, serial: u32 },
    /// The agent's first message, in this assignment.
    Greet { cust: u32, cycle: u32 },
    /// The agent closes, in this assignment.
    Close { cust: u32, cycle: u32 },
    /// The customer gives up, in this wait.
    Abandon { cust: u32, wait: u32 },
    /// The bot answers a turn.
    Bot { cust: u32, turn: u64 },
    /// Plans a local day's shifts.
    Day(u64),
    /// A shift starts.
    ShiftStart(u32),
    /// A shift ends.
    ShiftEnd(u32),
    /// Back after the engine set an agent away for missed offers.
    Return(u32),
}

struct Scheduled {
    at: u64,
    seq: u64,
    job: Job,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}

impl Eq for Scheduled {}

impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Scheduled {
    /// Reversed: the heap's top is the earliest, then the first planned.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

/// A customer, and the conversation they started.
struct Customer {
    id: Option<ConversationId>,
    /// Their own random stream: the same customer draws the same patience
    /// and handle times whatever the configuration does.
    rng: Pcg64Mcg,
    counted: bool,
    state: State,
    /// Bumped each time they start waiting.
    wait: u32,
    /// Bumped on every assignment and unassignment.
    cycle: u32,
    agent: Option<u32>,
    /// When they first entered a queue, and which.
    queued: Option<(u64, QueueId)>,
    answered: bool,
}

struct Agent {
    id: AgentId,
    group: usize,
    presence: Presence,
    /// Shifts under way (a group's shifts may overlap).
    on_shift: u32,
    /// Conversations held.
    held: u32,
    /// Offers open: (customer, serial).
    offers: Vec<(u32, u32)>,
}

/// One arrival stream's generator.
struct Stream {
    rng: Pcg64Mcg,
    /// Customers it has sent.
    count: u64,
}

pub(crate) struct Host<'a> {
    sb: Switchboard,
    plan: &'a Plan<'a>,
    seed: u64,
    now: u64,
    start: u64,
    end: u64,
    jobs: BinaryHeap<Scheduled>,
    seq: u64,
    streams: Vec<Stream>,
    customers: Vec<Customer>,
    by_id: FxHashMap<ConversationId, u32>,
    agents: Vec<Agent>,
    by_agent: FxHashMap<AgentId, u32>,
    serial: u32,
    /// The customer whose first message is being handled.
    arriving: Option<u32>,
    pub(crate) metrics: Metrics,
    pub(crate) tally: Tally,
}

/// A seed for stream `a`, item `b` of the run seeded `seed` (SplitMix64's
/// finaliser over the three).
fn mix(seed: u64, a: u64, b: u64) -> u64 {
    let mut z = seed
        .wrapping_add(a.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .wrapping_add(b.wrapping_mul(0xD1B5_4A32_D192_ED03));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Uniform in [0, 1).
fn unit(rng: &mut Pcg64Mcg) -> f64 {
    use rand_pcg::rand_core::Rng;
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// A well-formed address on `channel` for customer `k` of stream `s`.
pub(super) fn address(channel: &ChannelKind, s: u32, k: u64) -> Option<Address> {
    let n = u64::from(s) * 1_000_000_000 + k % 1_000_000_000;
    let raw = match channel {
        ChannelKind::Sms | ChannelKind::Voice => format!("+1{:011}", n % 100_000_000_000),
        ChannelKind::WhatsApp => format!("1{:011}", n % 100_000_000_000),
        ChannelKind::Messenger | ChannelKind::AppleMessages => format!("{}", 7_000_000_000_000 + n),
        ChannelKind::Email => format!("customer{n}@example.org"),
        _ => format!("visitor-{s}-{k}"),
    };
    Address::new(channel, &raw).ok()
}

impl<'a> Host<'a> {
    pub(crate) fn new(plan: &'a Plan<'a>, seed: u64, metrics: Metrics) -> Host<'a> {
        let start = plan.start.as_millis();
        let scenario: &Scenario = plan.scenario;
        let end = start + (scenario.warmup + scenario.duration).as_millis() as u64;
        let measure_from = start + scenario.warmup.as_millis() as u64;
        Host {
            sb: Switchboard::new(plan.config.clone()),
            plan,
            seed,
            now: start,
            start,
            end,
            jobs: BinaryHeap::new(),
            seq: 0,
            streams: (0..scenario.arrivals.len())
                .map(|s| Stream {
                    rng: Pcg64Mcg::seed_from_u64(mix(seed, 1 + s as u64, 0)),
                    count: 0,
                })
                .collect(),
            customers: Vec::new(),
            by_id: FxHashMap::default(),
            agents: Vec::new(),
            by_agent: FxHashMap::default(),
            serial: 0,
            arriving: None,
            metrics,
            tally: Tally::new(measure_from, end),
        }
    }

    /// Runs to the end.
    pub(crate) fn run(&mut self) -> Result<(), SimError> {
        self.setup()?;
        loop {
            let job_at = self.jobs.peek().map(|j| j.at);
            let timer_at = self.sb.poll_timeout().map(Timestamp::as_millis);
            match (timer_at, job_at) {
                (Some(t), j) if j.is_none_or(|j| t <= j) => {
                    if t >= self.end {
                        break;
                    }
                    self.now = self.now.max(t);
                    self.sb.handle_timeout(Timestamp::from_millis(self.now));
                    self.drain();
                }
                (_, Some(j)) => {
                    if j >= self.end {
                        break;
                    }
                    let job = self.jobs.pop().map(|s| s.job);
                    self.now = self.now.max(j);
                    if let Some(job) = job {
                        self.run_job(job);
                    }
                }
                (_, None) => break,
            }
        }
        self.tally.finish(self.end);
        Ok(())
    }

    fn schedule(&mut self, at: u64, job: Job) {
        self.seq += 1;
        self.jobs.push(Scheduled {
            at,
            seq: self.seq,
            job,
        });
    }

    /// Gives the engine an input now and takes in its outputs.
    fn give(&mut self, input: Input) {
        self.tally.inputs += 1;
        if self
            .sb
            .handle(Timestamp::from_millis(self.now), input)
            .is_err()
        {
            self.tally.refused += 1;
        }
        self.drain();
    }

    fn drain(&mut self) {
        while let Some(output) = self.sb.poll_output() {
            match output {
                Output::Action(line) => self.on_action(line.action),
                Output::Event(event) => self.on_event(event),
            }
        }
    }

    // ----- setting up ---------------------------------------------------

    fn setup(&mut self) -> Result<(), SimError> {
        let scenario = self.plan.scenario;
        for (g, group) in scenario.agents.iter().enumerate() {
            let profile = &self.plan.profiles[g];
            for k in 1..=group.count {
                let name = match &group.name {
                    Some(n) => format!("{n}-{k}"),
                    None => format!("g{}-{k}", g + 1),
                };
                let id = AgentId::new(name);
                let mut p = profile.clone();
                p.agent = id.clone();
                let n = self.agents.len() as u32;
                self.by_agent.insert(id.clone(), n);
                self.agents.push(Agent {
                    id,
                    group: g,
                    presence: Presence::Offline,
                    on_shift: 0,
                    held: 0,
                    offers: Vec::new(),
                });
                self.tally.agent();
                self.sb
                    .handle(Timestamp::from_millis(self.now), Input::AgentUpsert(p))
                    .map_err(|e| SimError::Agents(e.to_string()))?;
                self.drain();
                if group.shifts.is_empty() {
                    self.shift_start(n);
                }
            }
        }
        if scenario.agents.iter().any(|g| !g.shifts.is_empty()) {
            // From the day before: a night shift begun then is on at the
            // start.
            let day = self.plan.local_day(self.start);
            self.schedule(self.start, Job::Day(day.saturating_sub(1)));
        }
        for s in 0..self.streams.len() {
            self.plan_arrival(s as u32);
        }
        if let Some(first) = scenario.replayed.first() {
            let offset = first.at.as_millis();
            for (i, line) in scenario.replayed.iter().enumerate() {
                if matches!(line.input, Input::Inbound(_)) {
                    let at = self.start + line.at.as_millis().saturating_sub(offset);
                    if at < self.end {
                        self.schedule(at, Job::Replay(i as u32));
                    }
                }
            }
        }
        Ok(())
    }

    /// Plans stream `s`'s next arrival: the next point of its Poisson
    /// process, by thinning one at its peak rate.
    fn plan_arrival(&mut self, s: u32) {
        let arrivals = &self.plan.scenario.arrivals[s as usize];
        let peak = arrivals.peak();
        if peak <= 0.0 {
            return;
        }
        let mean_gap = 3_600_000.0 / peak;
        let interval = self.plan.interval_ms;
        let mut t = self.now as f64;
        let rng = &mut self.streams[s as usize].rng;
        // A stream whose rates are all but zero would thin for ever: give
        // up past the end.
        loop {
            t += -mean_gap * (1.0 - unit(rng)).ln();
            if t >= self.end as f64 {
                return;
            }
            let at = t as u64;
            let k = (at - self.start) / interval;
            if unit(rng) * peak < arrivals.rate(k) {
                self.schedule(at.max(self.now), Job::Arrive(s));
                return;
            }
        }
    }

    // ----- the host's acts ------------------------------------------------

    fn run_job(&mut self, job: Job) {
        match job {
            Job::Arrive(s) => {
                self.arrive(s);
                self.plan_arrival(s);
            }
            Job::Replay(i) => self.replay(i as usize),
            Job::Accept {
                cust,
                agent,
                serial,
            } => {
                let a = &mut self.agents[agent as usize];
                let Some(pos) = a.offers.iter().position(|o| *o == (cust, serial)) else {
                    return;
                };
                a.offers.swap_remove(pos);
                let c = &self.customers[cust as usize];
                if c.state != State::Offered {
                    return;
                }
                let (Some(conversation), agent) = (c.id.clone(), a.id.clone()) else {
                    return;
                };
                self.give(Input::AgentAccept {
                    agent,
                    conversation,
                });
            }
            Job::Greet { cust, cycle } => {
                if let Some((conversation, agent)) = self.serving(cust, cycle) {
                    self.give(Input::AgentMessage {
                        agent,
                        conversation,
                        content: Content::text("Hello, thanks for waiting. Let me look into it."),
                    });
                }
            }
            Job::Close { cust, cycle } => {
                if let Some((conversation, agent)) = self.serving(cust, cycle) {
                    self.give(Input::Close {
                        conversation,
                        by: Closer::Agent,
                        agent: Some(agent),
                    });
                }
            }
            Job::Abandon { cust, wait } => {
                let c = &self.customers[cust as usize];
                if c.state.is_waiting()
                    && c.wait == wait
                    && let Some(conversation) = c.id.clone()
                {
                    let queued = c.queued.clone();
                    let counted = c.counted;
                    self.give(Input::Close {
                        conversation,
                        by: Closer::Customer,
                        agent: None,
                    });
                    if counted {
                        self.tally.abandon(self.now, queued);
                    }
                }
            }
            Job::Bot { cust, turn } => self.bot(cust, turn),
            Job::Day(day) => self.plan_day(day),
            Job::ShiftStart(a) => self.shift_start(a),
            Job::ShiftEnd(a) => {
                let agent = &mut self.agents[a as usize];
                agent.on_shift = agent.on_shift.saturating_sub(1);
                if agent.on_shift > 0 {
                    return;
                }
                if agent.held == 0 {
                    self.set_presence(a, Presence::Offline);
                } else {
                    self.set_presence(a, Presence::Away);
                }
            }
            Job::Return(a) => {
                let agent = &self.agents[a as usize];
                if agent.on_shift > 0 && agent.presence == Presence::Away {
                    self.set_presence(a, Presence::Available);
                }
            }
        }
    }

    /// The conversation and agent of `cust`, when it is with the same agent
    /// as when the act was planned.
    fn serving(&self, cust: u32, cycle: u32) -> Option<(ConversationId, AgentId)> {
        let c = &self.customers[cust as usize];
        if c.state != State::WithAgent || c.cycle != cycle {
            return None;
        }
        let agent = c.agent?;
        Some((c.id.clone()?, self.agents[agent as usize].id.clone()))
    }

    fn new_customer(&mut self, rng: Pcg64Mcg) -> u32 {
        let n = self.customers.len() as u32;
        self.customers.push(Customer {
            id: None,
            rng,
            counted: self.now >= self.tally.from,
            state: State::Bot,
            wait: 0,
            cycle: 0,
            agent: None,
            queued: None,
            answered: false,
        });
        n
    }

    fn arrive(&mut self, s: u32) {
        let stream = &mut self.streams[s as usize];
        let k = stream.count;
        stream.count += 1;
        let arrivals = &self.plan.scenario.arrivals[s as usize];
        let Some(from) = address(&arrivals.channel, s, k) else {
            return;
        };
        let m = arrivals.message(from);
        let rng = Pcg64Mcg::seed_from_u64(mix(self.seed, 1 + u64::from(s), 1 + k));
        let cust = self.new_customer(rng);
        self.begin(cust, m);
    }

    /// Gives a customer's first message; the conversation the engine opens
    /// for it is theirs. A message that opens none (it joined an open
    /// conversation, or was refused) leaves no customer behind.
    fn begin(&mut self, cust: u32, m: Inbound) {
        self.arriving = Some(cust);
        self.give(Input::Inbound(m));
        self.arriving = None;
        let c = &self.customers[cust as usize];
        if c.id.is_none() && cust as usize + 1 == self.customers.len() {
            self.customers.pop();
        } else if c.counted {
            self.tally.customers += 1;
        }
    }

    fn replay(&mut self, i: usize) {
        let Input::Inbound(m) = &self.plan.scenario.replayed[i].input else {
            return;
        };
        let m = m.clone();
        let rng = Pcg64Mcg::seed_from_u64(mix(self.seed, 0, 1 + i as u64));
        let cust = self.new_customer(rng);
        self.begin(cust, m);
    }

    /// The bot answers turn `turn`: it resolves the conversation or hands
    /// it to a person, as drawn from the customer's stream.
    fn bot(&mut self, cust: u32, turn: u64) {
        let resolves = self.plan.scenario.bot.as_ref().map_or(0.0, |b| b.resolves);
        let c = &mut self.customers[cust as usize];
        if c.state != State::Bot {
            return;
        }
        let Some(id) = c.id.clone() else { return };
        let t = BotTurn::new(id).turn(turn);
        let t = if unit(&mut c.rng) < resolves {
            t.reply("Here is the answer to your question.")
                .intent("faq", 0.95)
                .resolved()
        } else {
            t.reply("Let me get a colleague to help.")
                .intent("other", 0.9)
                .handoff("needs a person")
        };
        self.give(Input::BotTurn(t));
    }

    // ----- shifts ---------------------------------------------------------

    /// Plans the shifts of local day `day` (days since 1970-01-01), and
    /// the next day.
    fn plan_day(&mut self, day: u64) {
        let next = self.plan.day_start(day + 1);
        if next < self.end {
            self.schedule(next.max(self.now), Job::Day(day + 1));
        }
        for a in 0..self.agents.len() as u32 {
            for (from, to) in self.plan.shifts[self.agents[a as usize].group].clone() {
                let begin = self.plan.local_instant(day, from);
                let to_day = if to <= from { day + 1 } else { day };
                let finish = self.plan.local_instant(to_day, to);
                if finish > self.now && begin < self.end {
                    self.schedule(begin.max(self.now), Job::ShiftStart(a));
                    self.schedule(finish, Job::ShiftEnd(a));
                }
            }
        }
    }

    fn shift_start(&mut self, a: u32) {
        self.agents[a as usize].on_shift += 1;
        self.set_presence(a, Presence::Available);
    }

    fn set_presence(&mut self, a: u32, presence: Presence) {
        let agent = &mut self.agents[a as usize];
        if agent.presence == presence {
            return;
        }
        agent.presence = presence;
        self.tally
            .presence(a, presence != Presence::Offline, self.now);
        let agent = agent.id.clone();
        self.give(Input::AgentStatus {
            agent,
            status: presence,
        });
    }

    // ----- reacting to the engine ------------------------------------------

    /// The customer of conversation `id`; a conversation first seen is the
    /// arriving customer's.
    fn cust_of(&mut self, id: &ConversationId) -> Option<u32> {
        if let Some(k) = self.by_id.get(id) {
            return Some(*k);
        }
        let k = self.arriving.take()?;
        self.customers[k as usize].id = Some(id.clone());
        self.by_id.insert(id.clone(), k);
        Some(k)
    }

    fn on_action(&mut self, action: Action) {
        match action {
            Action::AskBot(ask) => {
                let Some(k) = self.cust_of(&ask.conversation) else {
                    return;
                };
                let delay = self.plan.bot_delay_ms;
                self.schedule(
                    self.now + delay,
                    Job::Bot {
                        cust: k,
                        turn: ask.turn,
                    },
                );
            }
            Action::Offer {
                conversation,
                agent,
                ..
            } => {
                let (Some(k), Some(&a)) = (self.cust_of(&conversation), self.by_agent.get(&agent))
                else {
                    return;
                };
                self.serial = self.serial.wrapping_add(1);
                let serial = self.serial;
                self.agents[a as usize].offers.push((k, serial));
                let group = self.agents[a as usize].group;
                let delay = match &self.plan.accept[group] {
                    Some(s) => s.draw_ms(&mut self.customers[k as usize].rng),
                    None => 0,
                };
                self.schedule(
                    self.now + delay,
                    Job::Accept {
                        cust: k,
                        agent: a,
                        serial,
                    },
                );
            }
            Action::RevokeOffer {
                conversation,
                agent,
                ..
            } => {
                if let (Some(&k), Some(&a)) =
                    (self.by_id.get(&conversation), self.by_agent.get(&agent))
                {
                    self.agents[a as usize].offers.retain(|o| o.0 != k);
                }
            }
            Action::Assigned {
                conversation,
                agent,
                queue,
            } => {
                if let (Some(k), Some(&a)) =
                    (self.cust_of(&conversation), self.by_agent.get(&agent))
                {
                    self.assigned(k, a, &queue);
                }
            }
            Action::Unassigned {
                conversation,
                agent,
                ..
            } => {
                if let (Some(&k), Some(&a)) =
                    (self.by_id.get(&conversation), self.by_agent.get(&agent))
                {
                    let c = &mut self.customers[k as usize];
                    if c.agent == Some(a) {
                        c.agent = None;
                        c.cycle += 1;
                        self.release(a);
                    }
                }
            }
            Action::AgentStatus { agent, status, .. } => {
                if let Some(&a) = self.by_agent.get(&agent) {
                    let on = status != Presence::Offline;
                    self.agents[a as usize].presence = status;
                    self.tally.presence(a, on, self.now);
                    if status == Presence::Away {
                        self.schedule(self.now + 60_000, Job::Return(a));
                    }
                }
            }
            _ => {}
        }
    }

    /// Agent `a` has customer `k`: they greet at once and close after the
    /// queue's handle time.
    fn assigned(&mut self, k: u32, a: u32, queue: &QueueId) {
        let sampler: &Sampler = self.plan.handle_time(queue);
        let c = &mut self.customers[k as usize];
        let handle = sampler.draw_ms(&mut c.rng);
        c.agent = Some(a);
        c.cycle += 1;
        let cycle = c.cycle;
        if !c.answered {
            c.answered = true;
            if c.counted
                && let Some((at, q)) = &c.queued
            {
                self.tally.answer(self.now - at, q);
            }
        }
        let agent = &mut self.agents[a as usize];
        agent.held += 1;
        agent.offers.retain(|o| o.0 != k);
        if agent.held == 1 {
            self.tally.busy(a, true, self.now);
        }
        self.schedule(self.now, Job::Greet { cust: k, cycle });
        self.schedule(self.now + handle, Job::Close { cust: k, cycle });
    }

    /// Agent `a` holds one conversation fewer.
    fn release(&mut self, a: u32) {
        let agent = &mut self.agents[a as usize];
        agent.held = agent.held.saturating_sub(1);
        if agent.held == 0 {
            self.tally.busy(a, false, self.now);
            if agent.on_shift == 0 && agent.presence != Presence::Offline {
                self.set_presence(a, Presence::Offline);
            }
        }
    }

    fn on_event(&mut self, event: Event) {
        let cust = match &event.conversation {
            Some(id) => self.cust_of(id),
            None => None,
        };
        if let Some(k) = cust {
            self.conversation_event(k, &event);
        }
        // The report counts conversations that started after the warm-up,
        // and every agent's presence.
        let counted = match (&event.conversation, cust) {
            (None, _) => true,
            (Some(_), Some(k)) => self.customers[k as usize].counted,
            (Some(_), None) => false,
        };
        if counted {
            self.tally.events += 1;
            // An event the aggregator refuses (out of order beyond its
            // tolerance) cannot come from one engine's log in order.
            let _ = self.metrics.observe(&event);
        }
    }

    fn conversation_event(&mut self, k: u32, event: &Event) {
        match &event.kind {
            EventKind::Transition { from, to, .. } => {
                let c = &mut self.customers[k as usize];
                c.state = *to;
                // A wait is counted from the first moment in an open
                // queue (as the KPI report counts first waits); patience
                // runs in a closed one too.
                if matches!(to, State::Queued | State::Offered)
                    && c.queued.is_none()
                    && let Some(q) = &event.queue
                {
                    c.queued = Some((self.now, q.clone()));
                    if c.counted {
                        self.tally.queue(q);
                    }
                }
                if to.is_waiting() && from.is_none_or(|f| !f.is_waiting()) {
                    c.wait += 1;
                    let wait = c.wait;
                    if let Some(p) = &self.plan.patience {
                        let patience = p.draw_ms(&mut c.rng);
                        self.schedule(self.now + patience, Job::Abandon { cust: k, wait });
                    }
                }
                if *to == State::Closed
                    && let Some(a) = self.customers[k as usize].agent.take()
                {
                    self.customers[k as usize].cycle += 1;
                    self.release(a);
                }
            }
            EventKind::Purged => {
                if let Some(id) = self.customers[k as usize].id.take() {
                    self.by_id.remove(&id);
                }
            }
            _ => {}
        }
    }
}

impl Host<'_> {
    /// The aggregator and the host's counts, once the run is over.
    pub(crate) fn finish(self) -> (Metrics, Tally) {
        (self.metrics, self.tally)
    }
}
