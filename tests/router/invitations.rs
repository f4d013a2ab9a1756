//! `[[invitations]]` and `[visitors]`: every problem reported at once, at
//! its line, with a suggestion; `visit.*` and `queue.*` only where an
//! invitation's `when` is.

use switchboard::config::Config;
use switchboard::expr::{Context, Expr, Schema};

const BROKEN: &str = r#"
[[queues]]
id = "sales"

[[rules]]
id = "r"
when = "visit.url contains 'x'"
then = { queue = "sales" }

[[invitations]]
id = "a"
when = "visit.urll contains '/pricing' and text contains 'x'"
message = "hi"
queue = "slaes"
cooldwon = "7d"

[[invitations]]
id = "a"
when = "visit.country == 'de' and visit.time_on_page > -5 and visit.pages == 2.5 and queue.redy > 0"
message = { txt = "hi" }
max_wait = "2x"
queue = "sales"
max_per_visit = 0

[[invitations]]
id = "c"
message = { text = "" }
queue = "sales"

[visitors]
visit_timeout = "0s"
"#;

#[test]
fn a_config_reports_every_invitation_problem_in_source_order() {
    let err = Config::from_toml_str(BROKEN).unwrap_err();
    let found: Vec<(usize, &str, Option<&str>)> = err
        .errors()
        .map(|d| (d.line.unwrap(), d.message.as_str(), d.help.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            (
                7,
                "`visit.url` is not available in a routing rule",
                Some("visit.* and queue.* are only for an invitation's `when` ([[invitations]])")
            ),
            (
                12,
                "unknown name `visit.urll`",
                Some("did you mean `visit.url`?")
            ),
            (
                12,
                "`text` is not available in an invitation",
                Some(
                    "it sees channel, visit.*, queue.ready, queue.wait, hours.*, hour and weekday"
                )
            ),
            (14, "unknown queue `slaes`", Some("did you mean `sales`?")),
            (
                15,
                "unknown key `cooldwon`",
                Some("did you mean `cooldown`?")
            ),
            (
                18,
                "duplicate invitation id `a`",
                Some(
                    "invitations[0] has the same id; the tag and conversation.campaign name an invitation by its id"
                )
            ),
            (
                19,
                "`visit.country` is never 'de'",
                Some("did you mean 'DE'? countries are two-letter ISO 3166-1 codes in capitals")
            ),
            (
                19,
                "`visit.time_on_page > -5` is always true",
                Some("`visit.time_on_page` is a number of seconds, 0 or more")
            ),
            (
                19,
                "`visit.pages` is never 2.5",
                Some("`visit.pages` is a whole number, 0 or more")
            ),
            (
                19,
                "unknown name `queue.redy`",
                Some("did you mean `queue.ready`?")
            ),
            (
                20,
                "this message does not read: unknown field `txt`, expected one of `text`, `attachments`, `location`, `quick_replies`, `link`, `template`",
                Some(
                    "write a text, or a table such as { text = \"Need a hand?\", quick_replies = [{ title = \"Chat with us\", payload = \"chat\" }] }"
                )
            ),
            (
                21,
                "`2x` is not a duration; write a number and a unit, such as 30s, 15m, 24h or 1h 30m",
                None
            ),
            (
                23,
                "max_per_visit must be at least 1",
                Some(
                    "it is how many invitations (of any id) a visit may have shown for this one to show; remove the invitation to never show it"
                )
            ),
            (
                27,
                "the message is empty",
                Some(
                    "write a text, or a table such as { text = \"Need a hand?\", quick_replies = [{ title = \"Chat with us\", payload = \"chat\" }] }"
                )
            ),
            (
                31,
                "visit_timeout must be at least 1s",
                Some(
                    "it is how long a visitor's session lasts after their last page view, such as 30m"
                )
            ),
        ]
    );
}

#[test]
fn the_rendered_diagnostic_points_into_the_invitations_condition() {
    let err = Config::from_toml_str(BROKEN).unwrap_err();
    let d = err.errors().find(|d| d.message.contains("redy")).unwrap();
    assert_eq!(
        d.to_string(),
        "error: unknown name `queue.redy`\n  --> 19:86 in invitation `a` (invitations[1].when)\n   |\n19 | when = \"visit.country == 'de' and visit.time_on_page > -5 and visit.pages == 2.5 and queue.redy > 0\"\n   |                                                                                      ^^^^^^^^^^\n   = help: did you mean `queue.ready`?\n"
    );
}

#[test]
fn settings_written_as_an_invitations_table_point_to_visitors() {
    let err = Config::from_toml_str("[invitations]\nvisit_timeout = \"10m\"\n").unwrap_err();
    let d = err.errors().next().unwrap();
    assert_eq!(
        d.message,
        "`invitations` is the list of invitations, not a table"
    );
    assert_eq!(
        d.help.as_deref(),
        Some(
            "put visit_timeout and accept_window under [visitors], and write each invitation as [[invitations]]"
        )
    );
    assert_eq!(d.line, Some(1));
}

#[test]
fn an_invitation_needs_a_message_and_a_queue() {
    let err =
        Config::from_toml_str("[[queues]]\nid = 'q'\n\n[[invitations]]\nid = 'a'\n").unwrap_err();
    let found: Vec<&str> = err.errors().map(|d| d.message.as_str()).collect();
    assert_eq!(
        found,
        [
            "this invitation has no `message`",
            "this invitation has no `queue`"
        ]
    );
}

#[test]
fn visit_and_queue_facts_are_for_invitations_only() {
    let schema = Schema::default().with_calendar("eu");
    for (src, ctx, message) in [
        (
            "queue.ready > 0",
            Context::Eligibility,
            "`queue.ready` is not available in queue eligibility",
        ),
        (
            "visit.pages > 2",
            Context::Escalation,
            "`visit.pages` is not available in an escalation trigger",
        ),
        (
            "conversation.new",
            Context::Invitation,
            "`conversation` is not available in an invitation",
        ),
        (
            "contact.tier == 'vip'",
            Context::Invitation,
            "`contact` is not available in an invitation",
        ),
        (
            "bot.intent == 'x'",
            Context::Invitation,
            "`bot` is not available in an invitation",
        ),
        (
            "agent.id == 'ana'",
            Context::Invitation,
            "`agent` is not available in an invitation",
        ),
    ] {
        let e = Expr::parse(src).unwrap();
        let err = schema.check(&e, ctx).expect_err(src).remove(0);
        assert_eq!(err.message(), message, "{src}");
    }
    let fine = "channel == 'in_app' and visit.returning and visit.attributes.plan == 'pro' \
                and queue.wait < 120 and hours.eu and hour >= 9 and weekday != 'sun'";
    assert!(
        schema
            .check(&Expr::parse(fine).unwrap(), Context::Invitation)
            .is_ok()
    );
    let err = schema
        .check(
            &Expr::parse("visit.attributes > 1").unwrap(),
            Context::Invitation,
        )
        .unwrap_err();
    assert_eq!(
        err[0].message(),
        "`visit` needs a field, as in `visit.attributes.plan`"
    );
    let err = schema
        .check(
            &Expr::parse("visit.nope == 1").unwrap(),
            Context::Invitation,
        )
        .unwrap_err();
    assert_eq!(
        err[0].help(),
        Some(
            "`visit` has: url, title, referrer, time_on_page, pages, visits, cart_value, returning, lang, country, attributes.<name>"
        )
    );
}

#[test]
fn invitations_read_back_from_their_json_form() {
    let config = Config::from_toml_str(
        r#"
        [[queues]]
        id = "sales"

        [[invitations]]
        id = "pricing-help"
        when = "visit.url contains '/pricing' and visit.time_on_page > 30"
        message = { text = "Questions?", quick_replies = [{ title = "Chat", payload = "chat" }] }
        queue = "sales"
        cooldown = "7d"
        max_per_visit = 2
        max_wait = "90s"

        [visitors]
        accept_window = "10m"
        "#,
    )
    .unwrap();
    let json = serde_json::to_string(&config).unwrap();
    let back = Config::from_json_str(&json).unwrap();
    assert_eq!(back, config);
    let inv = &back.invitations()[0];
    assert_eq!(
        inv.time_thresholds(),
        [std::time::Duration::from_millis(30_001)]
    );
    assert_eq!(inv.max_wait, Some(std::time::Duration::from_secs(90)));
    assert_eq!(
        back.visitor_settings().accept_window,
        std::time::Duration::from_secs(600)
    );
}
