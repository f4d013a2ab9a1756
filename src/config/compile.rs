//! Compiling a read configuration: every section checked in document
//! order, each subsystem's part built by that subsystem, every problem
//! collected and placed, the defaults resolved.

use std::sync::Arc;

use super::checks::{check_assignment, check_conversations};
use super::diagnostic::{ConfigError, Diagnostic};
use super::diags::{Diags, locate};
use super::invitations::{self, VisitorSettings};
use super::reader::Reader;
use super::settings::{self, AssignmentSettings, ConversationSettings};
use super::spec::ConfigSpec;
use super::{Config, escalation, names, outreach, queues, rules, templates};
use crate::calendar::{Calendar, Calendars};
use crate::expr::Schema;
use crate::router::Target;

/// The names the configuration declares, which other parts refer to.
pub(super) struct Declared<'a> {
    pub(super) queues: Vec<&'a str>,
    pub(super) bots: Vec<&'a str>,
    pub(super) templates: Vec<&'a str>,
    pub(super) calendars: Vec<&'a str>,
    /// Host strategies, from `[strategies.<name>]`.
    pub(super) strategies: Vec<&'a str>,
}

impl<'a> Declared<'a> {
    fn new(spec: &'a ConfigSpec) -> Self {
        Declared {
            queues: spec.queues.iter().map(|q| q.id.as_str()).collect(),
            bots: spec.bots.keys().map(String::as_str).collect(),
            templates: spec
                .templates
                .iter()
                .filter(|(_, t)| t.text().is_some())
                .map(|(k, _)| k.as_str())
                .collect(),
            calendars: spec.calendars.keys().map(String::as_str).collect(),
            strategies: spec.strategies.keys().map(String::as_str).collect(),
        }
    }

    /// The declared names of what a rule may name.
    pub(super) fn of(&self, t: Target) -> &[&'a str] {
        match t {
            Target::Queue => &self.queues,
            Target::Bot => &self.bots,
            Target::Template => &self.templates,
        }
    }
}

/// Checks and compiles `spec`. `reader` holds what reading it found and
/// where each part is; `src` is the TOML source, when there is one.
pub(super) fn compile(
    spec: ConfigSpec,
    reader: Reader,
    src: Option<&str>,
) -> Result<Config, ConfigError> {
    let origins = &reader.origins;
    let mut d = Diags { list: reader.diags };
    let calendars = calendars(&spec, &mut d);
    let schema = Schema {
        calendars: spec.calendars.keys().cloned().collect(),
        contact: (!spec.contact_attributes.is_empty()).then(|| spec.contact_attributes.clone()),
        agent: (!spec.agent_attributes.is_empty()).then(|| spec.agent_attributes.clone()),
    };

    names::check(&spec, origins, &mut d);
    let mut warnings = Vec::new();
    templates::check(&spec, &mut d, &mut warnings);
    templates::check_canned(&spec, &mut d);
    let declared = Declared::new(&spec);
    let assignment = AssignmentSettings::resolve(&spec.assignment);
    queues::check_strategies(&spec, &mut d);
    let queues = queues::compile(
        &spec,
        &schema,
        &declared,
        origins,
        assignment.wrap_up,
        &mut d,
    );
    let router = rules::check(&spec, &schema, &declared, origins, &mut d, &mut warnings);
    let triggers = escalation::compile(&spec.escalation, &schema, &declared, origins, &mut d);
    let invitations = invitations::compile(&spec, &schema, &declared, origins, &mut d);
    check_assignment(&spec.assignment, &mut d);
    check_conversations(&spec.conversations, &declared.queues, &mut d);
    let notify = outreach::compile(&spec, &mut d);

    let calendars = Arc::new(calendars);
    // Building the automata is the costly step, and only worth it for a
    // configuration with nothing else wrong.
    let router = if d.has_errors() {
        None
    } else {
        match router.build(calendars.clone()) {
            Ok(r) => Some(r),
            Err(e) => {
                d.error("rules".into(), None, e.to_string(), e.help());
                None
            }
        }
    };

    let mut all = d.list;
    all.extend(warnings);
    locate(&mut all, src, &reader.spans);
    match router {
        Some(router) if !all.iter().any(Diagnostic::is_error) => {
            let escalation_queue = settings::escalation_queue(&spec);
            let conversations =
                ConversationSettings::resolve(&spec.conversations, escalation_queue.as_ref());
            let visitors = VisitorSettings::resolve(&spec.visitors);
            Ok(Config {
                bot_timeouts: settings::bot_timeouts(&spec.bots),
                notify,
                spec,
                calendars,
                schema,
                router,
                queues,
                triggers,
                escalation_queue,
                conversations,
                assignment,
                visitors,
                invitations,
                warnings: all,
            })
        }
        _ => Err(ConfigError::new(all)),
    }
}

/// The calendars, in the default time zone when `[defaults] timezone`
/// sets one.
fn calendars(spec: &ConfigSpec, d: &mut Diags) -> Calendars {
    let mut calendars = Calendars::default();
    for (name, cs) in &spec.calendars {
        let item = format!("calendar `{name}`");
        let usable = name.chars().next().is_some_and(crate::expr::is_ident_start)
            && name.chars().all(crate::expr::is_ident_continue);
        if !usable {
            d.error(
                format!("calendars.{name}"),
                Some(&item),
                format!("rules could not name this calendar as `hours.{name}`"),
                Some("start the name with a letter and use letters, digits, `_` or `-`".into()),
            );
        }
        match Calendar::new(cs) {
            Ok(c) => calendars.insert(name.clone(), c),
            Err(errs) => {
                for e in errs {
                    let path = match e.index {
                        Some(i) => format!("calendars.{name}.{}[{i}]", e.key),
                        None => format!("calendars.{name}.{}", e.key),
                    };
                    d.error(path, Some(&item), e.message, None);
                }
            }
        }
    }
    if let Some(tz) = &spec.defaults.timezone {
        match jiff::tz::TimeZone::get(tz) {
            Ok(z) => calendars.set_time_zone(z),
            Err(_) => d.error(
                "defaults.timezone".into(),
                None,
                format!("unknown time zone `{tz}`"),
                Some("use an IANA name, such as Europe/Berlin or UTC".into()),
            ),
        }
    }
    calendars
}
