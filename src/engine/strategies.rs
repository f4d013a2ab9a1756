//! Host strategies: the assignment [`Strategy`]s a host installs under the
//! names the configuration declares (`[strategies.<name>]`), and which
//! queues they rank.
//!
//! The engine keeps them by name, not by queue, so that they follow the
//! configuration: a queue that names one gets it, now or after a
//! reconfiguration, and a queue that stops naming it goes back to its
//! built-in strategy. The assigner holds only the per-queue result.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::assign::Strategy;
use crate::config::{Config, QueueConfig, STRATEGIES};
use crate::model::Timestamp;

use super::Switchboard;

/// Why [`Switchboard::set_strategy`] refused a strategy. Nothing changed.
///
/// ```
/// use std::sync::Arc;
/// use switchboard::assign::LeastBusy;
/// use switchboard::config::Config;
/// use switchboard::engine::{StrategyError, Switchboard};
///
/// let config = Config::from_toml_str("[strategies.vip_first]\n[[queues]]\nid = \"vip\"\nstrategy = \"vip_first\"")?;
/// let mut sb = Switchboard::new(config);
/// let err = sb.set_strategy("vip_frist", Arc::new(LeastBusy)).unwrap_err();
/// assert!(matches!(&err, StrategyError::NotDeclared { suggestion: Some(s), .. } if s == "vip_first"));
/// assert_eq!(
///     err.to_string(),
///     "strategy `vip_frist` is not declared in the configuration; did you mean `vip_first`?"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StrategyError {
    /// The name is a built-in strategy's (one of
    /// [`STRATEGIES`](crate::config::STRATEGIES)), which queues naming it
    /// mean. Install the strategy under a name of its own, declared as
    /// `[strategies.<name>]`, and name that in the queues.
    #[error(
        "`{name}` is a built-in strategy; install yours under a name of its own, declared as [strategies.<name>] and named in the queues' `strategy`"
    )]
    BuiltIn {
        /// The name given.
        name: String,
    },
    /// The configuration does not declare the name under
    /// `[strategies.<name>]`. Fix the name (`suggestion` is the closest
    /// declared one, when one is close), or declare it and name it in a
    /// queue's `strategy`.
    #[error("strategy `{name}` is not declared in the configuration; {}", advice(.name, .suggestion))]
    NotDeclared {
        /// The name given.
        name: String,
        /// The declared name closest to it, when one is close enough to be
        /// a likely typo.
        suggestion: Option<String>,
    },
}

fn advice(name: &str, suggestion: &Option<String>) -> String {
    match suggestion {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("declare it as [strategies.{name}] and name it in a queue's `strategy`"),
    }
}

/// The installed host strategies, by the name the configuration gives
/// them.
#[derive(Clone, Debug, Default)]
pub(super) struct HostStrategies(BTreeMap<String, Arc<dyn Strategy>>);

impl HostStrategies {
    /// The strategy installed for queue `q`, when it names a host strategy
    /// that is installed.
    pub(super) fn for_queue(&self, q: &QueueConfig) -> Option<Arc<dyn Strategy>> {
        q.settings
            .strategy
            .host()
            .and_then(|name| self.0.get(name))
            .cloned()
    }
}

/// Checks that `config` lets a host strategy be installed as `name`.
fn check(config: &Config, name: &str) -> Result<(), StrategyError> {
    if STRATEGIES.contains(&name) {
        return Err(StrategyError::BuiltIn { name: name.into() });
    }
    if config.host_strategies().any(|s| s == name) {
        return Ok(());
    }
    let suggestion = crate::expr::closest(name, &mut config.host_strategies().map(str::to_owned));
    Err(StrategyError::NotDeclared {
        name: name.into(),
        suggestion,
    })
}

impl Switchboard {
    /// Installs `strategy` as the host strategy the configuration calls
    /// `name`: every queue whose `strategy` is `name` ranks agents with it
    /// from now on. Installing again under the same name replaces it.
    ///
    /// Declare the name first, as `[strategies.<name>]`: a queue may name
    /// only built-in strategies and declared ones, so a typo in either the
    /// configuration or the host's code is an error rather than a queue
    /// quietly ranked another way. Until a strategy is installed, queues
    /// naming it rank agents as `longest_idle` does — every conversation is
    /// still offered — and [`missing_strategies`](Self::missing_strategies)
    /// lists it.
    ///
    /// The strategy stays installed across [`reconfigure`](Self::reconfigure)
    /// and [`Input::Reconfigure`](super::Input::Reconfigure): queues of the
    /// new configuration that name it get it (even one that names it for
    /// the first time), and queues that no longer do go back to their
    /// built-in strategy. It stays installed even while no configuration
    /// declares its name.
    ///
    /// A [snapshot](Self::snapshot) cannot hold it, nor can a journal of
    /// inputs: install it right after [`restore`](Self::restore) (or
    /// [`new`](Self::new)), before the next input, and the restored engine
    /// then does exactly what the original did. Installing it later changes
    /// the ranking from that moment on, which a journal does not record.
    /// (When `restore` moves the snapshot to a new configuration, it does
    /// so before the strategy can be installed: offers made during that
    /// move rank as `longest_idle`.)
    ///
    /// The agents of the queues concerned are ranked again, so installing
    /// before agents sign in is cheapest. Drain the outputs afterwards, as
    /// after any input.
    ///
    /// # Errors
    ///
    /// [`StrategyError::BuiltIn`] for the name of a built-in strategy, and
    /// [`StrategyError::NotDeclared`] for a name the configuration does not
    /// declare. Nothing changes then.
    ///
    /// # Examples
    ///
    /// Agents with the most years of tenure first, where the built-in
    /// `longest_idle` would offer to whoever signed in first:
    ///
    /// ```
    /// use std::sync::Arc;
    /// use switchboard::assign::{strategy_fn, AgentProfile, Capacity, Presence};
    /// use switchboard::config::Config;
    /// use switchboard::engine::{Action, Inbound, Input, Output, Switchboard};
    /// use switchboard::{Address, AgentId, ChannelKind, Timestamp, Value};
    ///
    /// let config = Config::from_toml_str(r#"
    ///     [strategies.by_tenure]
    ///
    ///     [[queues]]
    ///     id = "support"
    ///     strategy = "by_tenure"
    /// "#)?;
    /// let mut sb = Switchboard::new(config);
    /// assert_eq!(sb.missing_strategies(), ["by_tenure"]);
    ///
    /// sb.set_strategy("by_tenure", Arc::new(strategy_fn("by_tenure", |agent| {
    ///     match agent.attributes().and_then(|a| a.get("tenure_years")) {
    ///         Some(Value::Number(years)) => 100 - years.clamp(0.0, 100.0) as u64,
    ///         _ => 100,
    ///     }
    /// })))?;
    /// assert!(sb.missing_strategies().is_empty());
    ///
    /// let t = Timestamp::from_millis(1_700_000_000_000);
    /// for (id, years) in [("ana", 2.0), ("bo", 9.0)] {
    ///     let mut agent = AgentProfile::new(id).with_capacity(Capacity::new([(ChannelKind::WebChat, 1)]));
    ///     agent.attributes.insert("tenure_years".into(), Value::Number(years));
    ///     sb.handle(t, Input::AgentUpsert(agent))?;
    ///     sb.handle(t, Input::AgentStatus { agent: AgentId::new(id), status: Presence::Available })?;
    /// }
    /// sb.handle(t, Input::Inbound(Inbound::new(ChannelKind::WebChat, Address::new_unchecked("visitor-1"), "hello")))?;
    /// // Drain every output (events too); keep the offers.
    /// let offered: Vec<AgentId> = std::iter::from_fn(|| sb.poll_output())
    ///     .filter_map(|output| match output {
    ///         Output::Action(line) => match line.action {
    ///             Action::Offer { agent, .. } => Some(agent),
    ///             _ => None,
    ///         },
    ///         _ => None, // an event: your audit log
    ///     })
    ///     .collect();
    /// assert_eq!(offered, [AgentId::new("bo")]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_strategy(
        &mut self,
        name: &str,
        strategy: Arc<dyn Strategy>,
    ) -> Result<(), StrategyError> {
        check(&self.config, name)?;
        self.strategies.0.insert(name.to_owned(), strategy);
        // Before the first input the assigner is a placeholder; the one the
        // clock starts with gets every strategy then.
        if self.started {
            let now = self.now;
            self.install_strategies(now, Some(name));
            self.drain(now);
        }
        Ok(())
    }

    /// The host strategies that queues of the configuration name but that
    /// are not installed, each once, in the order of the first queue naming
    /// each. Those queues rank agents as `longest_idle` does until
    /// [`set_strategy`](Self::set_strategy) installs them.
    pub fn missing_strategies(&self) -> Vec<&str> {
        let mut missing: Vec<&str> = Vec::new();
        for q in self.config.queues() {
            if let Some(name) = q.settings.strategy.host()
                && !self.strategies.0.contains_key(name)
                && !missing.contains(&name)
            {
                missing.push(name);
            }
        }
        missing
    }

    /// Hands the assigner the installed host strategy of every queue that
    /// names one (`only`: that one), at `now`, the assigner's time.
    pub(super) fn install_strategies(&mut self, now: Timestamp, only: Option<&str>) {
        let config = self.config.clone();
        for q in config.queues() {
            if only.is_some_and(|name| q.settings.strategy.host() != Some(name)) {
                continue;
            }
            if let Some(strategy) = self.strategies.for_queue(q) {
                let installed = self.assigner.set_strategy(now, &q.id, strategy);
                debug_assert!(installed.is_ok(), "the assigner runs the engine's queues");
            }
        }
    }
}
