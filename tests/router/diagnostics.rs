//! Errors point at the problem, say what is wrong and suggest a fix; every
//! problem is reported at once.

use switchboard::config::Config;
use switchboard::expr::{AttrType, Context, Expr, ExprErrorKind, Schema};

fn first_error(expr: &str, ctx: Context) -> switchboard::expr::ExprError {
    let schema = Schema::default()
        .with_calendar("eu")
        .with_contact_attribute("tier", AttrType::Text)
        .with_contact_attribute("orders", AttrType::Number);
    match Expr::parse(expr) {
        Err(e) => e,
        Ok(e) => schema.check(&e, ctx).expect_err(expr).remove(0),
    }
}

#[test]
fn syntax_errors_point_at_the_text() {
    let cases: &[(&str, &str, &str)] = &[
        ("text = 'x'", "`=` is not an operator", "="),
        ("text contains 'x", "unterminated string", "'x"),
        (
            "text contains",
            "expected a value after `contains`, found the end of the expression",
            "",
        ),
        (
            "(channel == 'sms'",
            "expected `)`, found the end of the expression",
            "",
        ),
        (
            "channel == 'sms' 'x'",
            "unexpected a string after a complete expression",
            "'x'",
        ),
        (
            "lang in ['zh' 'ja']",
            "expected `,` or `]` in a list, found a string",
            "'ja'",
        ),
        ("lang in [zh]", "list elements must be literals", "zh"),
        ("a && b", "`&` is not an operator", "&"),
        ("", "empty expression", ""),
        ("x == 1.2.3", "`1.2.3` is not a number", "1.2.3"),
    ];
    for (src, message, at) in cases {
        let err = first_error(src, Context::Route);
        assert_eq!(err.kind(), ExprErrorKind::Syntax, "{src}");
        assert_eq!(err.message(), *message, "{src}");
        assert_eq!(&src[err.span().range()], *at, "{src}");
    }
}

#[test]
fn unknown_names_come_with_suggestions() {
    let cases: &[(&str, Context, &str, Option<&str>)] = &[
        (
            "txt contains 'x'",
            Context::Route,
            "unknown name `txt`",
            Some("did you mean `text`?"),
        ),
        (
            "contact.teir == 'vip'",
            Context::Route,
            "unknown name `contact.teir`",
            Some("did you mean `contact.tier`?"),
        ),
        (
            "conversation.tgas has 'x'",
            Context::Route,
            "unknown name `conversation.tgas`",
            Some("did you mean `conversation.tags`?"),
        ),
        (
            "bot.intnet == 'x'",
            Context::Route,
            "unknown name `bot.intnet`",
            Some("did you mean `bot.intent`?"),
        ),
        (
            "hours.ue",
            Context::Route,
            "unknown name `hours.ue`",
            Some("did you mean `hours.eu`?"),
        ),
        (
            "agent.skills.billing > 1",
            Context::Route,
            "`agent` is not available in a routing rule",
            Some("agent.* is only for queue eligibility"),
        ),
        (
            "text contains 'x'",
            Context::Eligibility,
            "`text` is not available in queue eligibility",
            Some("it sees agent.*, conversation.*, contact.*, hours.*, hour and weekday"),
        ),
        (
            "agent.skils.billing > 1",
            Context::Eligibility,
            "unknown name `agent.skils`",
            Some("did you mean `agent.skills`?"),
        ),
        (
            "refund",
            Context::Route,
            "unknown name `refund`",
            Some("if `refund` is text, quote it: 'refund'"),
        ),
        (
            "channel.kind == 'x'",
            Context::Route,
            "`channel` has no field `kind`",
            None,
        ),
    ];
    for (src, ctx, message, help) in cases {
        let err = first_error(src, *ctx);
        assert_eq!(err.kind(), ExprErrorKind::UnknownName, "{src}");
        assert_eq!(err.message(), *message, "{src}");
        assert_eq!(err.help(), *help, "{src}");
    }
}

#[test]
fn type_mismatches_are_compile_errors() {
    let cases: &[(&str, &str)] = &[
        ("'a' > 3", "`>` compares numbers, but 'a' is text"),
        (
            "contact.tier > 3",
            "`>` compares numbers, but `contact.tier` is text",
        ),
        (
            "contact.orders == 'many'",
            "`==` compares values of one type, but `contact.orders` is number and 'many' is text",
        ),
        ("lang in ['zh', 3]", "this list mixes text and number"),
        (
            "contact.orders in ['a']",
            "`contact.orders` is number but the list holds text",
        ),
        (
            "conversation.tags contains 'x'",
            "`contains` works on text, but `conversation.tags` is list",
        ),
        (
            "text contains ['a']",
            "`contains` takes text, but the right side is a list",
        ),
        (
            "text contains_any 'a'",
            "`contains_any` takes a list, but 'a' is text",
        ),
        (
            "text has 'a'",
            "`has` needs a list on its left, but `text` is text",
        ),
        ("text matches lang", "`matches` takes a quoted pattern"),
        ("text", "`text` is text, not a condition"),
        ("3", "a number is not a condition"),
    ];
    for (src, message) in cases {
        let err = first_error(src, Context::Route);
        assert_eq!(err.kind(), ExprErrorKind::Type, "{src}");
        assert_eq!(err.message(), *message, "{src}");
    }
}

#[test]
fn invalid_and_oversized_regexes_are_rejected_when_compiling() {
    let err = first_error("text matches 'order (\\d+'", Context::Route);
    assert_eq!(err.kind(), ExprErrorKind::Regex);
    assert!(
        err.message().starts_with("invalid regex:"),
        "{}",
        err.message()
    );
    let err = first_error(r"text matches '(\w{100}){100}'", Context::Route);
    assert_eq!(err.kind(), ExprErrorKind::Regex);
    assert!(
        err.message().contains("compiles to more than"),
        "{}",
        err.message()
    );
}

#[test]
fn deep_nesting_is_a_limit_error_not_a_stack_overflow() {
    let src = format!("{}true{}", "(".repeat(10_000), ")".repeat(10_000));
    assert_eq!(Expr::parse(&src).unwrap_err().kind(), ExprErrorKind::Limit);
    let src = format!("{}true", "not ".repeat(10_000));
    assert_eq!(Expr::parse(&src).unwrap_err().kind(), ExprErrorKind::Limit);
    let long = format!(
        "text contains '{}'",
        "x".repeat(switchboard::expr::MAX_EXPR_LEN)
    );
    let err = Expr::parse(&long).unwrap_err();
    assert_eq!(err.kind(), ExprErrorKind::Limit);
    assert!(
        err.message().contains("the limit is 65536"),
        "{}",
        err.message()
    );
}

const BROKEN: &str = r#"[contact_attributes]
tier = "text"

[[queues]]
id = "billing"
calendar = "uk"
strategy = "longest_idel"

[[rules]]
id = "refund-vip"
when = "contact.teir == 'vip' and text contains_any ['refund', '退款']"
then = { queue = "biling", priority = 10 }

[[rules]]
id = "refund-vip"
when = "txt contains '人工'"
then = { bot = "faq", reply = "sorry" }

[defaults]
queue = "billing"
timzone = "Europe/Berlin"
"#;

#[test]
fn a_config_reports_every_problem_in_source_order() {
    let err = Config::from_toml_str(BROKEN).unwrap_err();
    let found: Vec<(usize, &str)> = err
        .errors()
        .map(|d| (d.line.unwrap(), d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (6, "unknown calendar `uk`"),
            (7, "unknown strategy `longest_idel`"),
            (11, "unknown name `contact.teir`"),
            (12, "unknown queue `biling`"),
            (15, "duplicate rule id `refund-vip`"),
            (16, "unknown name `txt`"),
            (17, "unknown bot `faq`"),
            (17, "unknown template `sorry`"),
            (21, "unknown key `timzone`"),
        ]
    );
}

#[test]
fn the_rendered_diagnostic_shows_the_line_and_a_caret() {
    let err = Config::from_toml_str(BROKEN).unwrap_err();
    let teir = err.errors().find(|d| d.message.contains("teir")).unwrap();
    assert_eq!(
        teir.to_string(),
        "error: unknown name `contact.teir`\n  --> 11:9 in rule `refund-vip` (rules[0].when)\n   |\n11 | when = \"contact.teir == 'vip' and text contains_any ['refund', '退款']\"\n   |         ^^^^^^^^^^^^\n   = help: did you mean `contact.tier`?\n"
    );
    let queue = err.errors().find(|d| d.message.contains("biling")).unwrap();
    assert_eq!(
        queue.to_string(),
        "error: unknown queue `biling`\n  --> 12:18 in rule `refund-vip` (rules[0].then.queue)\n   |\n12 | then = { queue = \"biling\", priority = 10 }\n   |                  ^^^^^^^^\n   = help: did you mean `billing`?\n"
    );
    let key = err
        .errors()
        .find(|d| d.message.contains("timzone"))
        .unwrap();
    assert_eq!(key.help.as_deref(), Some("did you mean `timezone`?"));
    assert!(err.to_string().ends_with("9 errors\n"));
}

#[test]
fn toml_syntax_errors_are_located() {
    let err = Config::from_toml_str("[[rules]]\nid = \"a\nwhen = 'true'\n").unwrap_err();
    let d = &err.diagnostics()[0];
    assert!(d.message.starts_with("invalid TOML"), "{}", d.message);
    assert_eq!(d.line, Some(2));
}

#[test]
fn json_errors_name_the_field_path() {
    let err = Config::from_json_str(
        r#"{"queues": [{"id": "q"}], "rules": [{"id": "a", "when": "txt contains 'x'", "then": {"queue": "q"}}]}"#,
    )
    .unwrap_err();
    let d = err.errors().next().unwrap();
    assert_eq!(d.path, "rules[0].when");
    assert_eq!(d.item.as_deref(), Some("rule `a`"));
    assert_eq!(d.line, None);
    assert!(
        d.to_string().contains("1 | txt contains 'x'\n  | ^^^"),
        "{d}"
    );
}

#[test]
fn diagnostics_name_the_right_rule_after_an_unreadable_one() {
    let err = Config::from_toml_str(
        "[[queues]]\nid = 'q'\n\n[[rules]]\nid = 'a'\nwhen = 'true'\n\n[[rules]]\nid = 'b'\nwhen = \"txt contains 'x'\"\nthen = { queue = 'q' }\n",
    )
    .unwrap_err();
    let found: Vec<_> = err.errors().map(|d| (d.path.as_str(), d.line)).collect();
    assert_eq!(found, [("rules[0]", Some(4)), ("rules[1].when", Some(10))]);
}

#[test]
fn comparisons_with_missing_or_mistyped_values_stay_false_or_are_rejected() {
    use switchboard::Timestamp;
    use switchboard::expr::{Condition, Facts};
    let empty = Condition::compile("lang contains ''", &Schema::default(), Context::Route).unwrap();
    assert!(!empty.evaluate(&Facts::new(Timestamp::EPOCH), &Default::default()));
    assert!(empty.evaluate(
        &Facts::new(Timestamp::EPOCH).with_lang("en"),
        &Default::default()
    ));
    let err = first_error("conversation.tags has 3", Context::Route);
    assert_eq!(err.message(), "3 is number but the list holds text");
    let err = first_error("['a', 'b'] has true", Context::Route);
    assert_eq!(err.message(), "true is bool but the list holds text");
}

#[test]
fn a_condition_whose_patterns_need_too_much_memory_is_a_limit_error() {
    // Each pattern alone is within MAX_REGEX_SIZE; a hundred of them, each
    // with its own automaton and search space, are not within
    // MAX_REGEX_MEMORY.
    let terms: Vec<String> = (0..100)
        .map(|i| format!(r"contact.tier matches '\w{{12}}-{i}-'"))
        .collect();
    let src = terms.join(" or ");
    let err = first_error(&src, Context::Route);
    assert_eq!(err.kind(), ExprErrorKind::Limit);
    assert_eq!(
        err.message(),
        "the `matches` patterns of this condition need more than 64 MiB to run"
    );
    // It points at the first pattern over the budget.
    assert!(src[..err.span().start].matches("matches").count() > 50);
}

/// The error for `src` in a queue's eligibility, where every fact is seen
/// (agent ones included) except the message's.
fn eligibility_error(src: &str) -> switchboard::expr::ExprError {
    first_error(src, Context::Eligibility)
}

#[test]
fn literals_outside_a_facts_values_are_errors_with_a_suggestion() {
    // (expression, message, help, the text the error points at)
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "weekday == 'monday'",
            "`weekday` is never 'monday'",
            "did you mean 'mon'? weekdays are 'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'",
            "'monday'",
        ),
        (
            "weekday != 'Sat'",
            "`weekday` is never 'Sat'",
            "did you mean 'sat'? weekdays are 'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'",
            "'Sat'",
        ),
        (
            "weekday in ['sat', 'sunday']",
            "`weekday` is never 'sunday'",
            "did you mean 'sun'? weekdays are 'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'",
            "'sunday'",
        ),
        (
            "weekday not in ['holiday']",
            "`weekday` is never 'holiday'",
            "weekdays are 'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'",
            "'holiday'",
        ),
        (
            "weekday starts_with 'x'",
            "`weekday starts_with 'x'` is never true",
            "weekdays are 'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'",
            "'x'",
        ),
        (
            "weekday matches '^(mon|tue)day$'",
            "`weekday matches '^(mon|tue)day$'` is never true",
            "weekdays are 'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'",
            "'^(mon|tue)day$'",
        ),
        (
            "hour == 25",
            "`hour` is never 25",
            "`hour` is a whole number from 0 to 23",
            "25",
        ),
        (
            "hour in [9, 24]",
            "`hour` is never 24",
            "did you mean 0? `hour` is a whole number from 0 to 23; midnight is 0",
            "24",
        ),
        (
            "hour == 9.5",
            "`hour` is never 9.5",
            "`hour` is a whole number from 0 to 23",
            "9.5",
        ),
        (
            "hour > 23",
            "`hour > 23` is never true",
            "`hour` is a whole number from 0 to 23",
            "23",
        ),
        (
            "hour < 25",
            "`hour < 25` is always true",
            "`hour` is a whole number from 0 to 23",
            "25",
        ),
        (
            "0 > hour",
            "`0 > hour` is never true",
            "`hour` is a whole number from 0 to 23",
            "0",
        ),
        (
            "bot.confidence < 80",
            "`bot.confidence < 80` is always true",
            "did you mean 0.8? `bot.confidence` is a number from 0 to 1, not a percentage",
            "80",
        ),
        (
            "bot.confidence > 1",
            "`bot.confidence > 1` is never true",
            "`bot.confidence` is a number from 0 to 1",
            "1",
        ),
        (
            "sentiment <= -50",
            "`sentiment <= -50` is never true",
            "did you mean -0.5? `sentiment` is a number from -1 to 1, not a percentage",
            "-50",
        ),
        (
            "bot.fallbacks < 0",
            "`bot.fallbacks < 0` is never true",
            "`bot.fallbacks` is a whole number, 0 or more",
            "0",
        ),
        (
            "conversation.waited < 0",
            "`conversation.waited < 0` is never true",
            "`conversation.waited` is a number of seconds, 0 or more",
            "0",
        ),
        (
            "channel == 'WhatsApp'",
            "`channel` is never 'WhatsApp'",
            "did you mean 'whatsapp'? channel names are exact and the built-in ones are lowercase",
            "'WhatsApp'",
        ),
        (
            "conversation.channel in ['sms', 'web chat']",
            "`conversation.channel` is never 'web chat'",
            "did you mean 'webchat'? channel names are ASCII letters, digits, `_` and `-`",
            "'web chat'",
        ),
        (
            "channel != 'SMS!'",
            "`channel` is never 'SMS!'",
            "channel names are ASCII letters, digits, `_` and `-`; the built-in ones are 'sms', 'whatsapp', 'messenger', 'apple_messages', 'webchat', 'in_app', 'email', 'voice'",
            "'SMS!'",
        ),
        (
            "attachments has 'images'",
            "`attachments` never holds 'images'",
            "did you mean 'image'? attachment kinds are 'image', 'audio', 'video', 'file', 'location'",
            "'images'",
        ),
        (
            "'pdf' in attachments",
            "`attachments` never holds 'pdf'",
            "attachment kinds are 'image', 'audio', 'video', 'file', 'location'",
            "'pdf'",
        ),
    ];
    for (src, message, help, at) in cases {
        let err = first_error(src, Context::Route);
        assert_eq!(err.kind(), ExprErrorKind::Domain, "{src}");
        assert_eq!(err.message(), *message, "{src}");
        assert_eq!(err.help(), Some(*help), "{src}");
        assert_eq!(&src[err.span().range()], *at, "{src}");
    }
    let err = eligibility_error("agent.skills.billing > 10");
    assert_eq!(err.message(), "`agent.skills.billing > 10` is never true");
    assert_eq!(
        err.help(),
        Some("`agent.skills.billing` is a whole number from 0 to 10")
    );
    let err = eligibility_error("agent.channels has 'Email'");
    assert_eq!(err.message(), "`agent.channels` never holds 'Email'");
}

#[test]
fn every_literal_outside_the_domain_is_reported() {
    let e = Expr::parse("weekday in ['mon', 'tues', 'wednesday'] and hour >= 24").unwrap();
    let errs = Schema::default().check(&e, Context::Route).unwrap_err();
    let found: Vec<&str> = errs.iter().map(|e| e.message()).collect();
    assert_eq!(
        found,
        [
            "`weekday` is never 'tues'",
            "`weekday` is never 'wednesday'",
            "`hour >= 24` is never true"
        ]
    );
}

#[test]
fn bounds_at_the_edge_of_a_range_are_accepted() {
    // Closing a range, or testing that a value is present.
    for src in [
        "hour >= 0",
        "hour < 24",
        "hour <= 23",
        "hour >= 18 and hour < 24",
        "23 >= hour",
        "bot.confidence >= 0",
        "bot.confidence <= 1",
        "bot.confidence < 1",
        "sentiment > -1",
        "bot.fallbacks >= 0",
        "conversation.waited >= 0",
        "weekday in ['sat', 'sun']",
        "weekday starts_with 'T'",
        "weekday contains 'u'",
        "weekday matches '^s'",
        "channel == 'line'",
        "channel in ['sms', 'kiosk-2']",
        "attachments has 'location'",
        "conversation.priority >= -5",
    ] {
        let e = Expr::parse(src).unwrap();
        assert!(
            Schema::default().check(&e, Context::Route).is_ok(),
            "{src}: {:?}",
            Schema::default().check(&e, Context::Route)
        );
    }
    let e = Expr::parse("agent.skills.billing >= 0 and agent.skills.billing <= 10").unwrap();
    assert!(Schema::default().check(&e, Context::Eligibility).is_ok());
}

#[test]
fn a_config_reports_a_literal_outside_the_domain_at_its_column() {
    let err = Config::from_toml_str(
        "[[queues]]\nid = 'q'\n[[rules]]\nid = 'weekend'\nwhen = \"weekday in ['saturday', 'sun']\"\nthen = { queue = 'q' }\n",
    )
    .unwrap_err();
    let d = err.errors().next().unwrap();
    assert_eq!(
        d.to_string(),
        "error: `weekday` is never 'saturday'\n --> 5:21 in rule `weekend` (rules[0].when)\n  |\n5 | when = \"weekday in ['saturday', 'sun']\"\n  |                     ^^^^^^^^^^\n  = help: did you mean 'sat'? weekdays are 'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'\n"
    );
}

#[test]
fn escalation_thresholds_at_the_bottom_of_their_range_compile() {
    // `bot.confidence < 0` could never fire: the trigger is left out
    // rather than refused.
    let c = Config::from_toml_str(
        "[[queues]]\nid = 'q'\n[escalation]\nmin_confidence = 0\nsentiment_below = -1\n",
    )
    .unwrap();
    assert!(c.warnings().is_empty());
}

#[test]
fn declared_attribute_types_check_the_literals_compared_with_them() {
    let schema = Schema::default()
        .with_contact_attribute("score", AttrType::Number)
        .with_contact_attribute("vip", AttrType::Bool)
        .with_contact_attribute("labels", AttrType::List)
        .with_agent_attribute("level", AttrType::Number);
    let cases: &[(&str, Context, &str)] = &[
        (
            "contact.score == 'ten'",
            Context::Route,
            "`==` compares values of one type, but `contact.score` is number and 'ten' is text",
        ),
        (
            "'ten' != contact.score",
            Context::Route,
            "`!=` compares values of one type, but 'ten' is text and `contact.score` is number",
        ),
        (
            "contact.score in ['ten', 'eleven']",
            Context::Route,
            "`contact.score` is number but the list holds text",
        ),
        (
            "contact.score > '9'",
            Context::Route,
            "`>` compares numbers, but '9' is text",
        ),
        (
            "contact.score contains '1'",
            Context::Route,
            "`contains` works on text, but `contact.score` is number",
        ),
        (
            "contact.vip == 'yes'",
            Context::Escalation,
            "`==` compares values of one type, but `contact.vip` is bool and 'yes' is text",
        ),
        (
            "contact.labels has 3",
            Context::Route,
            "3 is number but the list holds text",
        ),
        (
            "agent.attributes.level == 'senior'",
            Context::Eligibility,
            "`==` compares values of one type, but `agent.attributes.level` is number and 'senior' is text",
        ),
    ];
    for (src, ctx, message) in cases {
        let errs = schema.check(&Expr::parse(src).unwrap(), *ctx).unwrap_err();
        assert_eq!(errs[0].kind(), ExprErrorKind::Type, "{src}");
        assert_eq!(errs[0].message(), *message, "{src}");
    }
    // The same through a configuration's declarations.
    let err = Config::from_toml_str(
        "[contact_attributes]\nscore = 'number'\n[[queues]]\nid = 'q'\n[[rules]]\nid = 'r'\nwhen = \"contact.score == 'ten'\"\nthen = { queue = 'q' }\n",
    )
    .unwrap_err();
    let d = err.errors().next().unwrap();
    assert_eq!((d.path.as_str(), d.line), ("rules[0].when", Some(7)));
    assert!(
        d.message
            .contains("`contact.score` is number and 'ten' is text"),
        "{}",
        d.message
    );
}

#[test]
fn values_a_rule_sets_must_fit_the_declared_attributes() {
    let err = Config::from_toml_str(
        "[contact_attributes]\nscore = 'number'\nlabels = 'list'\n[[rules]]\nid = 'r'\nwhen = 'true'\nthen = { set = { score = 'ten', labels = [1], scroe = 3 } }\n",
    )
    .unwrap_err();
    let found: Vec<(&str, &str, Option<&str>)> = err
        .errors()
        .map(|d| (d.path.as_str(), d.message.as_str(), d.help.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "rules[0].then.set.labels",
                "`contact.labels` is declared list, but this sets it to a list holding other than text",
                Some("give it a list of text, such as ['a', 'b']")
            ),
            (
                "rules[0].then.set.score",
                "`contact.score` is declared number, but this sets it to text",
                Some("give it a number value, or change its declared type")
            ),
            (
                "rules[0].then.set.scroe",
                "unknown contact attribute `scroe`",
                Some("did you mean `score`?")
            ),
        ]
    );
    assert!(err.errors().all(|d| d.line == Some(7)));
}
