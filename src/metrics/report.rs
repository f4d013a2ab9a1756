//! The figures as people read them: [`Report`], its [`Summary`] (the JSON
//! interface of `examples/report --json`) and the per-interval and
//! per-conversation rows.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::agent::AgentRec;
use super::aggregate::Metrics;
use super::conversation::{Conv, WaitEnd};
use super::tables::Tables;
use super::tally::{AgentTally, Tally};
use super::{Distribution, Settings};
use crate::handoff::{Reason, State};
use crate::model::{AgentId, ChannelKind, ContactId, ConversationId, Timestamp};

/// Everything [`Metrics::report`] finds: the summary, one row per
/// interval, and (with
/// [`Settings::with_conversation_rows`](super::Settings::with_conversation_rows))
/// one row per conversation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Report {
    /// The figures over the whole period, per queue, agent, channel and
    /// tag.
    pub summary: Summary,
    /// One row per interval that saw anything, in time order.
    pub intervals: Vec<IntervalRow>,
    /// One row per conversation, in id order, when kept.
    pub conversations: Vec<ConversationRow>,
}

/// The period and settings a report covers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Period {
    /// The first event's time (ms since the epoch).
    pub from: Option<Timestamp>,
    /// The latest event's time: "now" for what is still open.
    pub to: Option<Timestamp>,
    /// The time zone of intervals, hours and weekdays.
    pub time_zone: String,
    /// The interval length.
    pub interval_minutes: u32,
    /// Events counted.
    pub events: u64,
}

/// A duration's count, mean, median and 90th percentile, in seconds
/// (`null` when there is none). Percentiles interpolate between ranks as
/// [`Distribution`] says.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Stat {
    /// How many.
    pub count: u64,
    /// The mean.
    pub mean: Option<f64>,
    /// The median.
    pub median: Option<f64>,
    /// The 90th percentile.
    pub p90: Option<f64>,
}

impl Stat {
    fn of(d: &Distribution) -> Stat {
        let [median, p90] = d.quantiles_s([0.5, 0.9]);
        Stat {
            count: d.count(),
            mean: d.mean_s(),
            median,
            p90,
        }
    }
}

/// Messages by author.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Messages {
    /// From the customer.
    pub customer: u64,
    /// From bots.
    pub bot: u64,
    /// From agents.
    pub agent: u64,
    /// From the engine or the host (notices).
    pub system: u64,
}

/// Service level: answered within the threshold ÷ (answered + counted
/// abandons).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ServiceLevel {
    /// The threshold, seconds.
    pub threshold_s: f64,
    /// The share met, percent.
    pub percent: Option<f64>,
    /// Met: answered within (plus abandoned within, in Amazon Connect's
    /// variant).
    pub met: u64,
    /// The denominator: answered plus abandons not left out as short.
    pub counted: u64,
}

/// Abandonment of first waits.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Abandonment {
    /// Abandons counted (short ones left out when so set).
    pub count: u64,
    /// Counted abandons ÷ (queued − short abandons), percent.
    pub percent: Option<f64>,
    /// Short abandons left out.
    pub short: u64,
    /// How long abandoning customers waited.
    pub wait_s: Stat,
}

/// Bot containment and handoffs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Bot {
    /// Conversations that reached a bot and were decided (closed or sent
    /// to a queue).
    pub conversations: u64,
    /// Closed without ever waiting for a person.
    pub contained: u64,
    /// Of those, closed by the bot as resolved.
    pub resolved: u64,
    /// Handed from the bot to a queue.
    pub handed_off: u64,
    /// Handed off ÷ conversations, percent.
    pub handoff_percent: Option<f64>,
}

/// First-contact resolution.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Fcr {
    /// Closed conversations counted.
    pub closed: u64,
    /// Of those, resolved at first contact.
    pub resolved: u64,
}

/// Customer satisfaction.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Csat {
    /// Conversations with a score (the latest counts).
    pub responses: u64,
    /// Scores of 4 or 5 ÷ responses, percent (top-2-box).
    pub satisfied_percent: Option<f64>,
    /// The mean score.
    pub mean: Option<f64>,
    /// Responses ÷ closed conversations, percent.
    pub response_rate_percent: Option<f64>,
    /// How many of each score, 1 to 5.
    pub scores: [u64; 5],
}

/// The figures of one slice of traffic: the whole, a queue, an agent, a
/// channel or a tag. The [module docs](super) define each and say which
/// conversations each slice counts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Figures {
    /// Conversations started.
    pub conversations: u64,
    /// Messages by author.
    pub messages: Messages,
    /// First wait → first agent message.
    pub first_response_s: Stat,
    /// Start → first bot or agent message.
    pub first_reply_s: Stat,
    /// Customer message → the agent's reply (first responses left out).
    pub reply_time_s: Stat,
    /// First waits.
    pub queued: u64,
    /// First waits ended by an accept.
    pub answered: u64,
    /// Average speed of answer: the mean wait of answered first waits.
    pub asa_s: Option<f64>,
    /// The waits of answered first waits.
    pub answer_wait_s: Stat,
    /// Service level.
    pub service_level: ServiceLevel,
    /// Abandonment.
    pub abandonment: Abandonment,
    /// First waits ended otherwise (no agent in time, closed by the
    /// system, back to a bot).
    pub unanswered: u64,
    /// Agent segments: accept → release, plus wrap-up.
    pub handle_time_s: Stat,
    /// Start → last close.
    pub resolution_time_s: Stat,
    /// Bot containment, percent.
    pub containment_percent: Option<f64>,
    /// Bot containment and handoffs.
    pub bot: Bot,
    /// First-contact resolution, percent.
    pub fcr_percent: Option<f64>,
    /// First-contact resolution.
    pub fcr: Fcr,
    /// Customer satisfaction.
    pub csat: Csat,
    /// Conversations closed.
    pub closed: u64,
    /// Reopens.
    pub reopened: u64,
    /// Transfers.
    pub transfers: u64,
}

fn pct(n: u64, d: u64) -> Option<f64> {
    (d > 0).then(|| n as f64 * 100.0 / d as f64)
}

impl Figures {
    pub(crate) fn of(t: &Tally, s: &Settings) -> Figures {
        let short = if s.short_abandon.is_some() {
            t.abandoned_short
        } else {
            0
        };
        let counted_abandons = t.abandoned - short;
        let met = t.answered_within
            + if s.abandon_within_met {
                t.abandoned_within
            } else {
                0
            };
        let counted = t.answered + counted_abandons;
        let responses: u64 = t.csat.iter().sum();
        let score_sum: u64 = t.csat.iter().zip(1..).map(|(n, s)| n * s).sum();
        Figures {
            conversations: t.conversations,
            messages: Messages {
                customer: t.messages[0],
                bot: t.messages[1],
                agent: t.messages[2],
                system: t.messages[3],
            },
            first_response_s: Stat::of(&t.first_response),
            first_reply_s: Stat::of(&t.first_reply),
            reply_time_s: Stat::of(&t.reply),
            queued: t.queued,
            answered: t.answered,
            asa_s: t.asa.mean_s(),
            answer_wait_s: Stat::of(&t.asa),
            service_level: ServiceLevel {
                threshold_s: s.service_level.as_secs_f64(),
                percent: pct(met, counted),
                met,
                counted,
            },
            abandonment: Abandonment {
                count: counted_abandons,
                percent: pct(counted_abandons, t.queued - short),
                short,
                wait_s: Stat::of(&t.abandon_wait),
            },
            unanswered: t.unanswered,
            handle_time_s: Stat::of(&t.handle),
            resolution_time_s: Stat::of(&t.resolution),
            containment_percent: pct(t.contained, t.bot_decided),
            bot: Bot {
                conversations: t.bot_decided,
                contained: t.contained,
                resolved: t.bot_resolved,
                handed_off: t.handed_off,
                handoff_percent: pct(t.handed_off, t.bot_decided),
            },
            fcr_percent: pct(t.fcr_resolved, t.fcr_decided),
            fcr: Fcr {
                closed: t.fcr_decided,
                resolved: t.fcr_resolved,
            },
            csat: Csat {
                responses,
                satisfied_percent: pct(t.csat[3] + t.csat[4], responses),
                mean: (responses > 0).then(|| score_sum as f64 / responses as f64),
                response_rate_percent: pct(responses, t.closed),
                scores: t.csat,
            },
            closed: t.closed,
            reopened: t.reopened,
            transfers: t.transfers,
        }
    }
}

/// An agent's figures: those of the conversations they had last, plus
/// their own work.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AgentFigures {
    /// The figures of the conversations counted for them.
    #[serde(flatten)]
    pub figures: Figures,
    /// Offers accepted.
    pub offers_accepted: u64,
    /// Offers declined.
    pub offers_declined: u64,
    /// Offers let expire.
    pub offers_missed: u64,
    /// Conversations transferred away.
    pub transfers_out: u64,
    /// Conversations transferred in.
    pub transfers_in: u64,
    /// Parts handled: accepts and transfers in (a conversation an agent
    /// gets back counts again).
    pub handled: u64,
    /// Time available.
    pub available_s: f64,
    /// Time away.
    pub away_s: f64,
    /// Time signed in: available plus away.
    pub signed_in_s: f64,
    /// Time with at least one conversation or in wrap-up (signed in or
    /// not: an agent who signs out keeps their conversations for the
    /// offline grace).
    pub busy_s: f64,
    /// Time busy while signed in ÷ time signed in, percent.
    pub occupancy_percent: Option<f64>,
}

/// Messenger's responsiveness over the last seven local days.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Responsiveness {
    /// The first of the seven days (local date).
    pub from: Option<String>,
    /// Conversations started in them.
    pub conversations: u64,
    /// Answered by a bot or an agent within 24 hours ÷ conversations,
    /// percent.
    pub response_rate_percent: Option<f64>,
    /// The median time to the first reply, seconds.
    pub median_response_s: Option<f64>,
    /// Whether Messenger's "very responsive" bar is met: a response rate
    /// of at least 90 % and a median under 15 minutes.
    pub very_responsive: bool,
}

/// A bucket of the wait distribution.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WaitBucket {
    /// Its label (`"20–30 s"`).
    pub label: String,
    /// Answered first waits in it.
    pub answered: u64,
    /// Abandoned first waits in it.
    pub abandoned: u64,
}

/// The whole period at a glance: the JSON interface of
/// `cargo run --example report -- EVENTS.jsonl --json`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Summary {
    /// The period and settings.
    pub period: Option<Period>,
    /// The figures over everything.
    #[serde(flatten)]
    pub totals: Figures,
    /// Conversations started by local hour of the day (0–23).
    pub volume_by_hour: Vec<u64>,
    /// Conversations started by local weekday, Monday first.
    pub volume_by_weekday: Vec<u64>,
    /// Conversations started by weekday × hour (7 rows of 24, Monday
    /// first).
    pub volume_heatmap: Vec<Vec<u64>>,
    /// Customer messages by local hour of the day.
    pub messages_by_hour: Vec<u64>,
    /// Customer messages by weekday × hour.
    pub messages_heatmap: Vec<Vec<u64>>,
    /// Handoffs from a bot by reason.
    pub handoff_reasons: BTreeMap<String, u64>,
    /// Closes by reason.
    pub close_reasons: BTreeMap<String, u64>,
    /// The distribution of first waits.
    pub wait_distribution: Vec<WaitBucket>,
    /// Messenger's responsiveness.
    pub responsiveness: Responsiveness,
    /// Per queue.
    pub queues: BTreeMap<String, Figures>,
    /// Per agent.
    pub agents: BTreeMap<String, AgentFigures>,
    /// Per channel of the first message.
    pub channels: BTreeMap<String, Figures>,
    /// Per tag.
    pub tags: BTreeMap<String, Figures>,
}

/// One interval.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IntervalRow {
    /// Its start.
    pub start: Timestamp,
    /// Its start in local time (RFC 3339 with offset).
    pub local: String,
    /// The interval's figures: conversations started, messages, and the
    /// waits, first responses and agent segments that began in it.
    #[serde(flatten)]
    pub figures: Figures,
}

/// How a conversation ended (so far).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// Still open.
    Open,
    /// Closed by or with the bot, never waiting for a person.
    Contained,
    /// Closed after an agent had it.
    Handled,
    /// The customer left while waiting.
    Abandoned,
    /// Closed while or after waiting, no agent ever had it.
    Unanswered,
}

/// One conversation, for export and drill-down.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConversationRow {
    /// The id (`shard/id` for a named shard).
    pub id: String,
    /// The contact.
    pub contact: Option<ContactId>,
    /// The channel of its first message.
    pub channel: Option<ChannelKind>,
    /// Its last queue.
    pub queue: Option<String>,
    /// Its last agent.
    pub agent: Option<AgentId>,
    /// Every agent who had it.
    pub agents: Vec<AgentId>,
    /// Its tags.
    pub tags: Vec<String>,
    /// When it started.
    pub started: Option<Timestamp>,
    /// When its first wait began.
    pub queued: Option<Timestamp>,
    /// When its first wait was answered.
    pub answered: Option<Timestamp>,
    /// The first wait, seconds (when it ended).
    pub wait_s: Option<f64>,
    /// First response, seconds.
    pub first_response_s: Option<f64>,
    /// Its last close.
    pub closed: Option<Timestamp>,
    /// Why it closed last.
    pub close_reason: Option<String>,
    /// The outcome.
    pub outcome: Outcome,
    /// Its satisfaction score.
    pub csat: Option<u8>,
    /// Messages by author: customer, bot, agent, system.
    pub messages: [u32; 4],
    /// Reopens.
    pub reopened: u32,
    /// Transfers.
    pub transfers: u32,
}

impl ConversationRow {
    pub(crate) fn of(c: &Conv, shard: &Arc<str>, id: &ConversationId, _now: Timestamp) -> Self {
        let closed = c.state == Some(State::Closed);
        let outcome = match (&c.wait, closed) {
            (Some(w), _) if matches!(w.end, WaitEnd::Abandoned { .. }) => Outcome::Abandoned,
            (_, false) => Outcome::Open,
            (None, true) if !c.waited_ever => Outcome::Contained,
            (None, true) if c.agents.is_empty() => Outcome::Unanswered,
            (None, true) => Outcome::Handled,
            (Some(_), true) if c.agents.is_empty() => Outcome::Unanswered,
            (Some(_), true) => Outcome::Handled,
        };
        let outcome = match (outcome, &c.closed) {
            (Outcome::Contained, _) if !c.agents.is_empty() => Outcome::Handled,
            (Outcome::Unanswered, Some((_, Reason::Abandoned))) => Outcome::Abandoned,
            (o, _) => o,
        };
        ConversationRow {
            id: if shard.is_empty() {
                id.to_string()
            } else {
                format!("{shard}/{id}")
            },
            contact: c.contact.clone(),
            channel: c.channel.clone(),
            queue: c.queue.as_ref().map(|q| q.to_string()),
            agent: c.last_agent().cloned(),
            agents: c.agents.clone(),
            tags: c.tags.clone(),
            started: c.start,
            queued: c.wait.as_ref().map(|w| w.since),
            answered: c.wait.as_ref().and_then(|w| match &w.end {
                WaitEnd::Answered { at, .. } => Some(*at),
                _ => None,
            }),
            wait_s: c.waited().map(|(ms, _)| ms as f64 / 1000.0),
            first_response_s: c.first_response.as_ref().map(|f| f.ms as f64 / 1000.0),
            closed: c.closed.as_ref().filter(|_| closed).map(|x| x.0),
            close_reason: c
                .closed
                .as_ref()
                .filter(|_| closed)
                .map(|x| x.1.to_string()),
            outcome,
            csat: c.csat,
            messages: c.messages,
            reopened: c.reopened,
            transfers: c.transfers,
        }
    }
}

const WAIT_EDGES: [(u64, &str); 8] = [
    (10_000, "0–10 s"),
    (20_000, "10–20 s"),
    (30_000, "20–30 s"),
    (60_000, "30–60 s"),
    (120_000, "1–2 min"),
    (300_000, "2–5 min"),
    (600_000, "5–10 min"),
    (u64::MAX, "10 min +"),
];

fn local_label(t: Timestamp, s: &Settings) -> String {
    jiff::Timestamp::from_millisecond(t.as_millis() as i64)
        .map(|ts| {
            ts.to_zoned(s.time_zone.clone())
                .strftime("%Y-%m-%dT%H:%M%:z")
                .to_string()
        })
        .unwrap_or_default()
}

pub(crate) fn build(
    m: &Metrics,
    t: &Tables,
    agents: &std::collections::HashMap<AgentId, AgentRec, rustc_hash::FxBuildHasher>,
    now: Timestamp,
) -> Report {
    let s = &m.settings;
    let sum_rows = |heat: &[[u64; 24]; 7]| -> (Vec<u64>, Vec<u64>, Vec<Vec<u64>>) {
        let by_hour = (0..24).map(|h| heat.iter().map(|d| d[h]).sum()).collect();
        let by_day = heat.iter().map(|d| d.iter().sum()).collect();
        (by_hour, by_day, heat.iter().map(|d| d.to_vec()).collect())
    };
    let (volume_by_hour, volume_by_weekday, volume_heatmap) = sum_rows(&t.started_heat);
    let (messages_by_hour, _, messages_heatmap) = sum_rows(&t.message_heat);
    let mut below = (0, 0);
    let wait_distribution = WAIT_EDGES
        .iter()
        .map(|&(edge, label)| {
            let upto = if edge == u64::MAX {
                (t.totals.asa.count(), t.totals.abandon_wait.count())
            } else {
                (
                    t.totals.asa.count_at_most(edge - 1),
                    t.totals.abandon_wait.count_at_most(edge - 1),
                )
            };
            let b = WaitBucket {
                label: label.to_owned(),
                answered: upto.0 - below.0,
                abandoned: upto.1 - below.1,
            };
            below = upto;
            b
        })
        .collect();
    fn figures<K: std::fmt::Display>(
        map: &BTreeMap<K, Tally>,
        s: &Settings,
    ) -> BTreeMap<String, Figures> {
        map.iter()
            .map(|(k, v)| (k.to_string(), Figures::of(v, s)))
            .collect()
    }
    let mut agent_ids: Vec<&AgentId> = t
        .agents
        .keys()
        .chain(t.agent_extra.keys())
        .chain(agents.keys())
        .collect();
    agent_ids.sort();
    agent_ids.dedup();
    let empty = Tally::default();
    let no_extra = AgentTally::default();
    let agent_rows = agent_ids
        .into_iter()
        .map(|a| {
            let x = t.agent_extra.get(a).unwrap_or(&no_extra);
            let [avail, away, busy, busy_signed_in] =
                agents.get(a).map_or([0; 4], |r| r.times(now));
            let signed_in = avail + away;
            let row = AgentFigures {
                figures: Figures::of(t.agents.get(a).unwrap_or(&empty), s),
                offers_accepted: x.accepted,
                offers_declined: x.declined,
                offers_missed: x.expired,
                transfers_out: x.transfers_out,
                transfers_in: x.transfers_in,
                handled: x.handled,
                available_s: avail as f64 / 1000.0,
                away_s: away as f64 / 1000.0,
                signed_in_s: signed_in as f64 / 1000.0,
                busy_s: busy as f64 / 1000.0,
                occupancy_percent: pct(busy_signed_in, signed_in),
            };
            (a.to_string(), row)
        })
        .collect();
    let responsiveness = responsiveness(m, t, now);
    let summary = Summary {
        period: Some(Period {
            from: m.first,
            to: m.latest,
            time_zone: s.zone_name.clone(),
            interval_minutes: s.interval.minutes(),
            events: m.events(),
        }),
        totals: Figures::of(&t.totals, s),
        volume_by_hour,
        volume_by_weekday,
        volume_heatmap,
        messages_by_hour,
        messages_heatmap,
        handoff_reasons: super::tables::named(&t.handoff_reasons),
        close_reasons: super::tables::named(&t.close_reasons),
        wait_distribution,
        responsiveness,
        queues: figures(&t.queues, s),
        agents: agent_rows,
        channels: figures(&t.channels, s),
        tags: figures(&t.tags, s),
    };
    let intervals = t
        .intervals
        .iter()
        .map(|(&start, tally)| IntervalRow {
            start: Timestamp::from_millis(start),
            local: local_label(Timestamp::from_millis(start), s),
            figures: Figures::of(tally, s),
        })
        .collect();
    let mut conversations = t.rows.clone();
    conversations.sort_by(|a, b| a.started.cmp(&b.started).then_with(|| a.id.cmp(&b.id)));
    Report {
        summary,
        intervals,
        conversations,
    }
}

fn responsiveness(m: &Metrics, t: &Tables, now: Timestamp) -> Responsiveness {
    if m.latest.is_none() {
        return Responsiveness::default();
    }
    let today = m.clock.clone().local(now).day;
    let mut first = Distribution::new();
    let (mut conversations, mut within_day) = (0, 0);
    for (_, d) in t.days.range(today - 6..=today) {
        conversations += d.conversations;
        within_day += d.first_reply.count_at_most(86_400_000);
        first.merge(&d.first_reply);
    }
    let rate = pct(within_day, conversations);
    let median = first.median_s();
    let from = jiff::civil::Date::constant(1970, 1, 1)
        .checked_add(jiff::Span::new().days(today - 6))
        .ok()
        .map(|d| d.to_string());
    Responsiveness {
        from,
        conversations,
        response_rate_percent: rate,
        median_response_s: median,
        very_responsive: rate.is_some_and(|r| r >= 90.0) && median.is_some_and(|m| m < 900.0),
    }
}
