//! Reading configurations: TOML and JSON, durations, calendars, lints.

use std::time::Duration;

use switchboard::config::{Config, ConfigSpec, Severity};
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
after_hours = "We are closed; we open {opening}. {{Leave a message}}"

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
            ("queues[0].priority", "priority 3000000000 is out of range"),
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
