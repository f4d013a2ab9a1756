//! Reading configurations: TOML and JSON, durations, calendars, lints.

use std::time::Duration;

use switchboard::config::{
    ActionSpec, AssignmentSpec, Config, ConfigSpec, DEFAULT_MAX_MISSED_OFFERS,
    DEFAULT_OFFER_TIMEOUT, DEFAULT_PREFERRED_WAIT, FairnessSpec, QueueSpec, RuleSpec, Severity,
};
use switchboard::expr::Facts;
use switchboard::{ChannelKind, Timestamp};

const FULL: &str = r#"
[calendars.eu]
timezone = "Europe/Berlin"
mon-fri = "09:00-18:00"
sat = "10:00-14:00"
closed = ["2026-12-25", 2026-12-26]

[[queues]]
id = "billing"
eligible = "agent.skills.billing >= 2 and agent.languages has conversation.lang"
strategy = "most_skilled"
skill = "billing"
sla = "15m"
calendar = "eu"
relax = [{ after = "2m", eligible = "agent.skills.billing >= 1" }]
overflow = { after = "10m", to = "general" }
max_size = 200
offer_timeout = "45s"

[[queues]]
id = "general"

[bots.faq]
timeout = "10s"

[templates]
queued = "You are number {position} in line, about {wait} to wait."
after_hours = "We are closed; we open at nine. {{Leave a message}}"

[escalation]
queue = "general"
phrases = ["speak to someone"]
max_fallbacks = 3
min_confidence = 0.4
sentiment_below = -0.6
human_intents = ["booking", "complaint"]
rules = [{ id = "vip", when = "contact.tier == 'vip' and bot.fallbacks >= 1", queue = "billing" }]

[[rules]]
id = "after-hours"
when = "not hours.eu"
then = { reply = "after_hours", tags = ["after-hours"] }
continue = true

[[rules]]
id = "refund"
when = "text contains_any ['refund', '退款']"
then = { queue = "billing", priority = 5 }

[defaults]
bot = "faq"
timezone = "Europe/Berlin"
"#;

#[test]
fn a_full_config_reads_with_durations_and_calendars() {
    let c = Config::from_toml_str(FULL).unwrap_or_else(|e| panic!("{e}"));
    let billing = c.queue("billing").unwrap();
    assert_eq!(billing.spec.sla, Some(Duration::from_secs(900)));
    assert_eq!(billing.spec.offer_timeout, Some(Duration::from_secs(45)));
    assert_eq!(billing.relax[0].0, Duration::from_secs(120));
    assert_eq!(
        billing.spec.overflow.as_ref().unwrap().after,
        Duration::from_secs(600)
    );
    assert!(billing.eligible.is_some());
    assert_eq!(c.spec().bots["faq"].timeout, Some(Duration::from_secs(10)));
    assert_eq!(c.escalation_queue().unwrap().as_str(), "general");
    let ids: Vec<_> = c
        .escalation_triggers()
        .iter()
        .map(|t| t.id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "explicit_request",
            "bot_handoff",
            "bot_fallbacks",
            "low_confidence",
            "negative_sentiment",
            "human_intent",
            "vip"
        ]
    );
    assert!(c.warnings().is_empty());
    // A bare TOML date in `closed` reads as its text.
    assert_eq!(c.spec().calendars["eu"].closed[1], "2026-12-26");
}

#[test]
fn the_json_form_reads_the_same_config() {
    let toml = Config::from_toml_str(FULL).unwrap();
    let json = serde_json::to_string(&toml).unwrap();
    let back = Config::from_json_str(&json).unwrap_or_else(|e| panic!("{e}\n{json}"));
    assert_eq!(back.spec(), toml.spec());
    // And through serde, as part of a larger document.
    let spec: ConfigSpec = serde_json::from_str(&json).unwrap();
    assert_eq!(&spec, toml.spec());
    let config: Config = serde_json::from_str(&json).unwrap();
    assert_eq!(config.router().len(), 2);
}

#[test]
fn business_hours_are_visible_to_rules() {
    let c = Config::from_toml_str(FULL).unwrap();
    let sms = ChannelKind::Sms;
    // Friday 2026-12-25 11:00 UTC: a holiday.
    let holiday = Facts::new(Timestamp::from_millis(1_798_196_400_000))
        .with_channel(&sms)
        .with_text("hello");
    let d = c.router().route(&holiday);
    assert_eq!(d.reply.as_deref(), Some("after_hours"));
    assert_eq!(d.tags, ["after-hours"]);
    assert_eq!(d.bot().unwrap().as_str(), "faq");
    // Monday 2026-11-23 08:30 UTC is 09:30 in Berlin: open.
    let open = Facts::new(Timestamp::from_millis(1_795_422_600_000))
        .with_channel(&sms)
        .with_text("hello");
    assert_eq!(c.router().route(&open).reply, None);
    let cal = c.calendars().get("eu").unwrap();
    assert_eq!(
        cal.next_open(Timestamp::from_millis(1_798_196_400_000)),
        // Saturday 26th is closed too: Monday 28th, 09:00 Berlin.
        Some(Timestamp::from_millis(1_798_444_800_000))
    );
}

#[test]
fn hour_and_weekday_read_in_the_default_time_zone() {
    let c = Config::from_toml_str(
        "[[queues]]\nid = 'q'\n[[rules]]\nid = 'r'\nwhen = \"weekday == 'mon' and hour == 9\"\nthen = { queue = 'q' }\n[defaults]\ntimezone = 'Europe/Berlin'\n",
    )
    .unwrap();
    let t = Timestamp::from_millis(1_795_422_600_000); // 08:30 UTC = 09:30 Berlin
    assert!(c.router().route(&Facts::new(t)).rule.is_some());
}

#[test]
fn lints_warn_about_rules_that_can_never_run() {
    let c = Config::from_toml_str(
        r#"
[[queues]]
id = "q"
[[rules]]
id = "sms"
when = "channel == 'sms'"
then = { queue = "q" }
[[rules]]
id = "sms-again"
when = "channel=='sms'"
then = { queue = "q", tags = ["x"] }
[[rules]]
id = "all"
when = "true"
then = { queue = "q" }
[[rules]]
id = "late"
when = "lang == 'en'"
then = { queue = "q" }
"#,
    )
    .unwrap();
    let w: Vec<_> = c
        .warnings()
        .iter()
        .map(|d| (d.severity, d.line, d.message.as_str(), d.help.as_deref()))
        .collect();
    assert_eq!(
        w,
        [
            (
                Severity::Warning,
                Some(10),
                "rule `sms-again` can never run",
                Some(
                    "rule `sms` above has the same condition and routes, so it always decides first"
                )
            ),
            (
                Severity::Warning,
                Some(18),
                "rule `late` can never run",
                Some(
                    "rule `all` above it always matches and routes; move this rule above it or remove it"
                )
            ),
        ]
    );
}

#[test]
fn reference_and_action_errors() {
    let err = Config::from_toml_str(
        r#"
[[queues]]
id = "q"
overflow = { after = "10m", to = "q" }
[[rules]]
id = "both"
then = { queue = "q", bot = "faq" }
[[rules]]
id = "cont"
then = { queue = "q" }
continue = true
[[rules]]
id = "empty"
then = {}
[[rules]]
id = "dur"
then = { queue = "q" }
[defaults]
bot = "x"
queue = "q"
[templates]
t = "Hello {name"
"#,
    )
    .unwrap_err();
    let msgs: Vec<_> = err.errors().map(|d| d.message.as_str()).collect();
    assert!(
        msgs.contains(&"a queue cannot overflow to itself"),
        "{msgs:?}"
    );
    assert!(
        msgs.contains(&"a rule routes one way, but this one has bot and queue"),
        "{msgs:?}"
    );
    assert!(
        msgs.contains(&"a `continue = true` rule cannot route, but this one has queue"),
        "{msgs:?}"
    );
    assert!(msgs.contains(&"`then` does nothing"), "{msgs:?}");
    assert!(
        msgs.contains(&"`defaults` names both a bot and a queue"),
        "{msgs:?}"
    );
    assert!(
        msgs.iter().any(|m| m.starts_with("unclosed `{`")),
        "{msgs:?}"
    );
}

#[test]
fn bad_values_are_typed_errors() {
    let err = Config::from_toml_str(
        r#"
[[queues]]
id = "q"
sla = "fifteen minutes"
max_size = 0
priority = "high"
[calendars.x]
timezone = "Mars/Base"
mon-fry = "9-5"
"#,
    )
    .unwrap_err();
    let msgs: Vec<_> = err
        .errors()
        .map(|d| (d.path.as_str(), d.message.as_str()))
        .collect();
    assert_eq!(
        msgs,
        [
            (
                "queues[0].sla",
                "`fifteen minutes` is not a duration; write a number and a unit, such as 30s, 15m, 24h or 1h 30m"
            ),
            ("queues[0].max_size", "max_size must be at least 1"),
            ("queues[0].priority", "expected an integer, found text"),
            (
                "calendars.x.timezone",
                "unknown time zone `Mars/Base`; use an IANA name such as `Europe/Berlin`, `America/New_York` or `UTC`"
            ),
            (
                "calendars.x.mon-fry",
                "unknown day key `mon-fry`; use mon, tue, wed, thu, fri, sat, sun, a range such as mon-fri, or daily"
            ),
        ]
    );
}

#[test]
fn escalation_phrases_match_whole_words_only_at_ascii_word_edges() {
    use switchboard::expr::BotFacts;
    let c = Config::from_toml_str(
        "[[queues]]\nid = 'q'\n[escalation]\nphrases = ['help!', 'être rappelé', 'speak to someone']\n",
    )
    .unwrap();
    let request = &c.escalation_triggers()[0];
    assert_eq!(request.id.as_str(), "explicit_request");
    let fires = |text: &str| {
        let facts = Facts::new(Timestamp::EPOCH)
            .with_text(text)
            .with_bot(BotFacts::default());
        request.condition.evaluate(&facts, c.calendars())
    };
    assert!(fires("please help! now"));
    assert!(fires("je veux être rappelé"));
    assert!(fires("Can I speak to someone?"));
    assert!(fires("转人工"));
    assert!(fires("an AGENT please"));
    assert!(!fires("what is on the agenda"));
    assert!(!fires("hello"));

    let err =
        Config::from_toml_str("[escalation]\nphrases = ['']\nmax_fallbacks = 0\n").unwrap_err();
    let msgs: Vec<_> = err.errors().map(|d| d.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "an empty phrase would match every message",
            "max_fallbacks must be at least 1"
        ]
    );
}

#[test]
fn out_of_range_numbers_are_reported_not_dropped() {
    let err = Config::from_toml_str(
        "[[queues]]\nid = 'q'\npriority = 3000000000\nmax_size = 9223372036854775808\n[escalation]\nmax_fallbacks = 5000000000\nmin_confidence = inf\n",
    )
    .unwrap_err();
    let msgs: Vec<_> = err
        .errors()
        .map(|d| (d.path.as_str(), d.message.as_str()))
        .collect();
    assert_eq!(
        msgs,
        [
            (
                "queues[0].priority",
                "priority 3000000000 is outside -1000000 to 1000000"
            ),
            ("queues[0].max_size", "this number is out of range"),
            (
                "escalation.max_fallbacks",
                "max_fallbacks 5000000000 is out of range"
            ),
            ("escalation.min_confidence", "expected a finite number"),
        ]
    );
}

#[test]
fn calendar_names_must_be_usable_in_rules() {
    let err = Config::from_toml_str("[calendars.24x7]\ntimezone = 'UTC'\ndaily = '00:00-24:00'\n")
        .unwrap_err();
    assert_eq!(
        err.errors().next().unwrap().message,
        "rules could not name this calendar as `hours.24x7`"
    );
}

const ASSIGNMENT: &str = r#"
[[queues]]
id = "billing"
priority = -1000000
aging = "30s"
offers = 3
wrap_up = "2m"

[[queues]]
id = "general"
priority = 1000000

[[rules]]
id = "vip"
when = "contact.tier == 'vip'"
then = { queue = "billing", priority = 1000000 }

[assignment]
max_missed_offers = 5
wrap_up = "45s"
offline_grace = "3m"
preferred_wait = "90s"
fairness = { max = 20, per = "1h" }
handle_time = "4m 30s"
"#;

#[test]
fn assignment_and_queue_offer_settings_read_from_toml() {
    let c = Config::from_toml_str(ASSIGNMENT).unwrap_or_else(|e| panic!("{e}"));
    let a = c.assignment();
    assert_eq!(a.max_missed_offers, Some(5));
    assert_eq!(a.wrap_up, Some(Duration::from_secs(45)));
    assert_eq!(a.offline_grace, Some(Duration::from_secs(180)));
    assert_eq!(a.preferred_wait, Some(Duration::from_secs(90)));
    assert_eq!(
        a.fairness,
        Some(FairnessSpec {
            max: 20,
            per: Duration::from_secs(3600)
        })
    );
    assert_eq!(a.handle_time, Some(Duration::from_secs(270)));
    assert_eq!(a, &c.spec().assignment);

    let billing = &c.queue("billing").unwrap().spec;
    assert_eq!(billing.priority, -1_000_000);
    assert_eq!(billing.aging, Some(Duration::from_secs(30)));
    assert_eq!(billing.offers, Some(3));
    assert_eq!(billing.wrap_up, Some(Duration::from_secs(120)));
    let general = &c.queue("general").unwrap().spec;
    assert_eq!(general.priority, 1_000_000);
    assert_eq!(c.spec().rules[0].then.priority, Some(1_000_000));

    // The JSON form, and serde, read the same settings back.
    let json = serde_json::to_string(&c).unwrap();
    assert!(
        json.contains(r#""fairness":{"max":20,"per":"1h"}"#),
        "{json}"
    );
    let back = Config::from_json_str(&json).unwrap_or_else(|e| panic!("{e}\n{json}"));
    assert_eq!(back.spec(), c.spec());
    let spec: ConfigSpec = serde_json::from_str(&json).unwrap();
    assert_eq!(&spec, c.spec());
}

#[test]
fn assignment_settings_default_when_absent() {
    let c = Config::from_toml_str("[[queues]]\nid = 'q'\n").unwrap();
    assert_eq!(c.assignment(), &AssignmentSpec::default());
    let a = c.assignment();
    assert_eq!(a.max_missed_offers, None);
    assert_eq!(a.wrap_up, None);
    assert_eq!(a.offline_grace, None);
    assert_eq!(a.preferred_wait, None);
    assert_eq!(a.fairness, None);
    assert_eq!(a.handle_time, None);
    let q = &c.queue("q").unwrap().spec;
    assert_eq!((q.aging, q.offers, q.wrap_up), (None, None, None));
    assert_eq!(q, &QueueSpec::new("q"));

    assert_eq!(DEFAULT_MAX_MISSED_OFFERS, 3);
    assert_eq!(DEFAULT_OFFER_TIMEOUT, Duration::from_secs(30));
    assert_eq!(DEFAULT_PREFERRED_WAIT, Duration::from_secs(60));

    // An empty table is the same as none, and writes nothing back.
    let empty = Config::from_toml_str("[[queues]]\nid = 'q'\n[assignment]\n").unwrap();
    assert_eq!(empty.spec(), c.spec());
    let json = serde_json::to_string(&empty).unwrap();
    assert!(json.contains(r#""assignment":{}"#), "{json}");
}

type Found<'a> = (&'a str, Option<usize>, &'a str, Option<&'a str>);

fn errors(err: &switchboard::config::ConfigError) -> Vec<Found<'_>> {
    err.errors()
        .map(|d| {
            (
                d.path.as_str(),
                d.line,
                d.message.as_str(),
                d.help.as_deref(),
            )
        })
        .collect()
}

const PRIORITY_HELP: Option<&str> =
    Some("higher is served first; values such as 0, 10 and 100 are plenty");
const OFFERS_HELP: Option<&str> =
    Some("it is how many agents are offered a conversation at once; 1 is the default");
const MISSED_HELP: Option<&str> = Some(
    "it is how many offers in a row an agent may let expire before being set away; 3 is the default",
);
const FAIRNESS_MAX_HELP: Option<&str> = Some(
    "it is the most assignments an agent gets in any `per` window; remove `fairness` for no cap",
);

#[test]
fn bad_assignment_values_are_reported_with_their_paths() {
    let err = Config::from_toml_str(
        r#"
[[queues]]
id = "a"
priority = 1000001
aging = "500ms"
offers = 11

[[queues]]
id = "b"
offers = 0
priority = -3000000000

[[rules]]
id = "r"
then = { queue = "a", priority = -1000001 }

[assignment]
max_missed_offers = 0
fairness = { max = 0, per = "0s" }
handle_time = "0s"
wrap_up = "soon"
"#,
    )
    .unwrap_err();
    assert_eq!(
        errors(&err),
        [
            (
                "queues[0].priority",
                Some(4),
                "priority 1000001 is outside -1000000 to 1000000",
                PRIORITY_HELP
            ),
            (
                "queues[0].aging",
                Some(5),
                "aging must be at least 1s",
                Some("it is the wait that earns one priority point, such as 30s")
            ),
            (
                "queues[0].offers",
                Some(6),
                "offers 11 is outside 1 to 10",
                OFFERS_HELP
            ),
            (
                "queues[1].offers",
                Some(10),
                "offers 0 is outside 1 to 10",
                OFFERS_HELP
            ),
            (
                "queues[1].priority",
                Some(11),
                "priority -3000000000 is outside -1000000 to 1000000",
                PRIORITY_HELP
            ),
            (
                "rules[0].then.priority",
                Some(15),
                "priority -1000001 is outside -1000000 to 1000000",
                PRIORITY_HELP
            ),
            (
                "assignment.max_missed_offers",
                Some(18),
                "max_missed_offers must be at least 1",
                MISSED_HELP
            ),
            (
                "assignment.fairness.max",
                Some(19),
                "fairness.max must be at least 1",
                FAIRNESS_MAX_HELP
            ),
            (
                "assignment.fairness.per",
                Some(19),
                "fairness.per must be at least 1s",
                Some("write the window as a duration, such as 1h")
            ),
            (
                "assignment.handle_time",
                Some(20),
                "handle_time must be at least 1s",
                Some("it is the average handle time assumed until one is observed, such as 5m")
            ),
            (
                "assignment.wrap_up",
                Some(21),
                "`soon` is not a duration; write a number and a unit, such as 30s, 15m, 24h or 1h 30m",
                None
            ),
        ]
    );
    // The rendered report names the table and the line.
    let text = err.to_string();
    assert!(
        text.contains(
            "error: max_missed_offers must be at least 1\n  --> 18:21 (assignment.max_missed_offers)"
        ),
        "{text}"
    );
    assert!(text.ends_with("11 errors\n"), "{text}");
}

#[test]
fn fairness_needs_a_cap_and_a_window_of_at_least_a_second() {
    let per =
        Config::from_toml_str("[assignment]\nfairness = { max = 5, per = \"0s\" }\n").unwrap_err();
    assert_eq!(
        errors(&per),
        [(
            "assignment.fairness.per",
            Some(2),
            "fairness.per must be at least 1s",
            Some("write the window as a duration, such as 1h")
        )]
    );

    let missing = Config::from_toml_str("[assignment]\nfairness = { max = 5 }\n").unwrap_err();
    assert_eq!(
        errors(&missing),
        [(
            "assignment.fairness",
            Some(2),
            "fairness needs `max` and `per`",
            Some(r#"fairness = { max = 20, per = "1h" }"#)
        )]
    );

    let negative = Config::from_toml_str("[assignment]\nmax_missed_offers = -1\n").unwrap_err();
    assert_eq!(
        errors(&negative),
        [(
            "assignment.max_missed_offers",
            Some(2),
            "max_missed_offers must be at least 1",
            MISSED_HELP
        )]
    );

    let typed = Config::from_toml_str(
        "[assignment]\nmax_missed_offers = 'three'\nfairness = { max = 4294967296, per = '1h' }\n",
    )
    .unwrap_err();
    assert_eq!(
        errors(&typed),
        [
            (
                "assignment.max_missed_offers",
                Some(2),
                "expected an integer, found text",
                None
            ),
            (
                "assignment.fairness.max",
                Some(3),
                "fairness.max 4294967296 is out of range",
                None
            ),
        ]
    );
}

#[test]
fn configurations_built_in_code_are_checked_against_the_same_bounds() {
    let mut spec = ConfigSpec::default();
    let mut q = QueueSpec::new("q");
    q.priority = 2_000_000;
    q.aging = Some(Duration::ZERO);
    q.offers = Some(0);
    spec.queues.push(q);
    spec.rules.push(RuleSpec::new(
        "r",
        "true",
        ActionSpec::queue("q").with_priority(i32::MIN),
    ));
    spec.assignment.max_missed_offers = Some(0);
    spec.assignment.fairness = Some(FairnessSpec {
        max: 0,
        per: Duration::from_millis(999),
    });
    spec.assignment.handle_time = Some(Duration::from_millis(10));
    let err = Config::from_spec(spec.clone()).unwrap_err();
    let found: Vec<_> = err
        .errors()
        .map(|d| (d.path.as_str(), d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "queues[0].priority",
                "priority 2000000 is outside -1000000 to 1000000"
            ),
            ("queues[0].aging", "aging must be at least 1s"),
            ("queues[0].offers", "offers 0 is outside 1 to 10"),
            (
                "rules[0].then.priority",
                "priority -2147483648 is outside -1000000 to 1000000"
            ),
            (
                "assignment.max_missed_offers",
                "max_missed_offers must be at least 1"
            ),
            ("assignment.fairness.max", "fairness.max must be at least 1"),
            (
                "assignment.fairness.per",
                "fairness.per must be at least 1s"
            ),
            ("assignment.handle_time", "handle_time must be at least 1s"),
        ]
    );

    // The smallest good values compile.
    spec.queues[0].priority = -1_000_000;
    spec.queues[0].aging = Some(Duration::from_secs(1));
    spec.queues[0].offers = Some(10);
    spec.rules[0].then.priority = Some(1_000_000);
    spec.assignment.max_missed_offers = Some(1);
    spec.assignment.fairness = Some(FairnessSpec {
        max: 1,
        per: Duration::from_secs(1),
    });
    spec.assignment.handle_time = Some(Duration::from_secs(1));
    spec.assignment.wrap_up = Some(Duration::ZERO);
    spec.assignment.offline_grace = Some(Duration::ZERO);
    spec.assignment.preferred_wait = Some(Duration::ZERO);
    let c = Config::from_spec(spec).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.assignment().max_missed_offers, Some(1));
    assert_eq!(c.queue("q").unwrap().spec.offers, Some(10));
}

#[test]
fn unknown_assignment_keys_get_suggestions() {
    let err = Config::from_toml_str(
        r#"
[[queues]]
id = "q"
offer = 2

[assignment]
max_missed_offer = 2
wrapup = "1m"
fairness = { max = 5, pre = "1h" }
colour = "red"

[assignmnet]
"#,
    )
    .unwrap_err();
    let unknown: Vec<_> = err
        .errors()
        .filter(|d| d.message.starts_with("unknown key"))
        .map(|d| {
            (
                d.path.as_str(),
                d.line,
                d.message.as_str(),
                d.help.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        unknown,
        [
            (
                "queues[0].offer",
                Some(4),
                "unknown key `offer`",
                Some("did you mean `offers`?")
            ),
            (
                "assignment.max_missed_offer",
                Some(7),
                "unknown key `max_missed_offer`",
                Some("did you mean `max_missed_offers`?")
            ),
            (
                "assignment.wrapup",
                Some(8),
                "unknown key `wrapup`",
                Some("did you mean `wrap_up`?")
            ),
            (
                "assignment.fairness.pre",
                Some(9),
                "unknown key `pre`",
                Some("did you mean `per`?")
            ),
            (
                "assignment.colour",
                Some(10),
                "unknown key `colour`",
                Some(
                    "the keys here are: max_missed_offers, wrap_up, offline_grace, preferred_wait, fairness, handle_time"
                )
            ),
            (
                "assignmnet",
                Some(12),
                "unknown key `assignmnet`",
                Some("did you mean `assignment`?")
            ),
        ]
    );

    // Through serde too: an unknown key is an error, not silently dropped.
    let e = serde_json::from_str::<ConfigSpec>(r#"{"assignment": {"wrapup": "1m"}}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown key `wrapup`"), "{e}");
    assert!(e.contains("did you mean `wrap_up`?"), "{e}");
}
