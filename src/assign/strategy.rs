//! Which eligible agent is offered a conversation first.

use std::fmt;
use std::sync::Arc;

use super::agent::AgentView;
use crate::config::QueueStrategy;

/// Orders the ready agents of a queue: the agent with the lowest rank is
/// offered first (ties go to the agent added earliest).
///
/// The assigner keeps each queue's ready agents in an ordered set keyed by
/// rank and asks for an agent's rank again whenever something about the
/// agent changes (presence, load, an offer, a profile update), so finding
/// the best agent never scans. A rank must therefore depend only on what
/// [`AgentView`] shows, not on the clock or outside state.
///
/// The built-in strategies, by their config names:
///
/// | name | strategy | offered first |
/// |---|---|---|
/// | `longest_idle` (default) | [`LongestIdle`] | the agent idle longest; busy agents after idle ones, the one offered longest ago first |
/// | `least_busy` | [`LeastBusy`] | the lowest load ratio, then longest idle |
/// | `round_robin` | [`RoundRobin`] | the agent offered longest ago (fair rotation) |
/// | `most_skilled` | [`MostSkilled`] | the highest level of one skill, then longest idle |
///
/// # Examples
///
/// A host strategy: senior agents (attribute `senior = true`) first, then
/// the usual longest-idle order.
///
/// ```
/// use switchboard::assign::{AgentView, LongestIdle, Strategy};
/// use switchboard::Value;
///
/// #[derive(Debug)]
/// struct SeniorFirst;
///
/// impl Strategy for SeniorFirst {
///     fn name(&self) -> &str {
///         "senior_first"
///     }
///     fn rank(&self, agent: &AgentView<'_>) -> u64 {
///         let senior = agent
///             .attributes()
///             .and_then(|a| a.get("senior"))
///             .is_some_and(|v| *v == Value::Bool(true));
///         (u64::from(!senior) << 62) | (LongestIdle.rank(agent) >> 2)
///     }
/// }
/// ```
///
/// A one-line ranking needs no type of its own: [`strategy_fn`] makes a
/// strategy of a name and a closure.
///
/// Install it with [`Assigner::set_strategy`](super::Assigner::set_strategy)
/// for one queue, or with
/// [`Switchboard::set_strategy`](crate::engine::Switchboard::set_strategy)
/// for every queue whose configuration names it (`[strategies.<name>]`).
pub trait Strategy: fmt::Debug + Send + Sync {
    /// A name for diagnostics; queues with the same eligibility and the
    /// same strategy name share one ordered set of agents.
    fn name(&self) -> &str;

    /// The agent's rank; lower is offered first.
    fn rank(&self, agent: &AgentView<'_>) -> u64;
}

/// A [`Strategy`] made of a name and a ranking closure, as
/// [`strategy_fn`] returns.
#[derive(Clone)]
pub struct StrategyFn<F> {
    name: String,
    rank: F,
}

impl<F> fmt::Debug for StrategyFn<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StrategyFn")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl<F> Strategy for StrategyFn<F>
where
    F: Fn(&AgentView<'_>) -> u64 + Send + Sync,
{
    fn name(&self) -> &str {
        &self.name
    }

    fn rank(&self, agent: &AgentView<'_>) -> u64 {
        (self.rank)(agent)
    }
}

/// A strategy named `name` that ranks agents with `rank` (lower is offered
/// first); the closure must, like any strategy, read only the
/// [`AgentView`].
///
/// # Examples
///
/// Agents with the most `tenure_years` (an agent attribute) first:
///
/// ```
/// use std::sync::Arc;
/// use switchboard::assign::{strategy_fn, Strategy};
/// use switchboard::Value;
///
/// let by_tenure: Arc<dyn Strategy> = Arc::new(strategy_fn("by_tenure", |agent| {
///     let years = match agent.attributes().and_then(|a| a.get("tenure_years")) {
///         Some(Value::Number(n)) => n.clamp(0.0, 100.0) as u64,
///         _ => 0,
///     };
///     100 - years
/// }));
/// assert_eq!(by_tenure.name(), "by_tenure");
/// ```
pub fn strategy_fn<F>(name: impl Into<String>, rank: F) -> StrategyFn<F>
where
    F: Fn(&AgentView<'_>) -> u64 + Send + Sync,
{
    StrategyFn {
        name: name.into(),
        rank,
    }
}

/// Idle order in 53 bits: idle agents by when they became idle, then busy
/// agents by when they were last offered work.
fn idle_key(agent: &AgentView<'_>) -> u64 {
    const IDLE_BITS: u64 = (1 << 44) - 1; // milliseconds to the year 2527
    if agent.total_load() == 0 {
        agent.idle_since().as_millis().min(IDLE_BITS)
    } else {
        (1 << 44) + agent.rotation().min((1 << 52) - 1)
    }
}

/// The agent idle longest is offered first; agents holding work come after
/// every idle one, the one offered work longest ago first. The default.
///
/// ```
/// use switchboard::assign::{LongestIdle, Strategy};
/// assert_eq!(LongestIdle.name(), "longest_idle");
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct LongestIdle;

impl Strategy for LongestIdle {
    fn name(&self) -> &str {
        "longest_idle"
    }

    fn rank(&self, agent: &AgentView<'_>) -> u64 {
        idle_key(agent)
    }
}

/// The agent with the lowest load ratio (the fullest channel or the
/// weighted budget, whichever is fuller) is offered first; ties by longest
/// idle.
///
/// ```
/// use switchboard::assign::{LeastBusy, Strategy};
/// assert_eq!(LeastBusy.name(), "least_busy");
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct LeastBusy;

impl Strategy for LeastBusy {
    fn name(&self) -> &str {
        "least_busy"
    }

    fn rank(&self, agent: &AgentView<'_>) -> u64 {
        (u64::from(agent.load_permille()) << 53) | idle_key(agent)
    }
}

/// Agents take turns: the one offered work longest ago goes first, so over
/// N offers to k always-ready agents each gets N/k ± 1.
///
/// ```
/// use switchboard::assign::{RoundRobin, Strategy};
/// assert_eq!(RoundRobin.name(), "round_robin");
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct RoundRobin;

impl Strategy for RoundRobin {
    fn name(&self) -> &str {
        "round_robin"
    }

    fn rank(&self, agent: &AgentView<'_>) -> u64 {
        agent.rotation()
    }
}

/// The agent with the highest level of one skill is offered first (no
/// skill counts as level 0); ties by longest idle.
///
/// ```
/// use switchboard::assign::{MostSkilled, Strategy};
/// let s = MostSkilled::new("billing");
/// assert_eq!(s.name(), "most_skilled:billing");
/// ```
#[derive(Clone, Debug)]
pub struct MostSkilled {
    skill: String,
    name: String,
}

impl MostSkilled {
    /// Ranks by `skill`.
    pub fn new(skill: impl Into<String>) -> Self {
        let skill = skill.into();
        MostSkilled {
            name: format!("most_skilled:{skill}"),
            skill,
        }
    }
}

impl Strategy for MostSkilled {
    fn name(&self) -> &str {
        &self.name
    }

    fn rank(&self, agent: &AgentView<'_>) -> u64 {
        let level = agent.skill(&self.skill).unwrap_or(0).min(10);
        (u64::from(10 - level) << 53) | idle_key(agent)
    }
}

/// The built-in strategy that ranks a queue whose config names `strategy`
/// until a host strategy is installed for it; `skill` is the queue's.
pub(crate) fn configured(strategy: &QueueStrategy, skill: Option<&str>) -> Arc<dyn Strategy> {
    match strategy {
        QueueStrategy::BuiltIn("least_busy") => Arc::new(LeastBusy),
        QueueStrategy::BuiltIn("round_robin") => Arc::new(RoundRobin),
        QueueStrategy::BuiltIn("most_skilled") => {
            Arc::new(MostSkilled::new(skill.unwrap_or_default()))
        }
        // `longest_idle`, which an unset strategy resolves to, is also
        // what a host strategy not installed yet ranks as: every
        // conversation is still offered, in a fair order, rather than
        // waiting on the host.
        _ => Arc::new(LongestIdle),
    }
}
