//! What a configuration refuses before it is used: keys given twice, names
//! left empty, template placeholders and template names that nothing knows.

use switchboard::config::{Config, ConfigSpec};

const DUPLICATE_HELP: &str = "a key may appear only once in an object; remove one of the two";

#[test]
fn a_json_key_given_twice_is_an_error_at_any_depth() {
    // (document, the key, its path, the line and column where the second
    // one ends)
    let cases = [
        (r#"{"queues": [], "queues": []}"#, "queues", "queues", 1, 23),
        (
            "{\"queues\": [{\"id\": \"billing\",\n  \"id\": \"general\"}]}",
            "id",
            "queues[0].id",
            2,
            6,
        ),
        (
            "{\"queues\": [{\"id\": \"q\"}],\n \"rules\": [{\"id\": \"r\", \"when\": \"true\",\n   \"then\": {\"queue\": \"q\", \"priority\": 1, \"queue\": \"q\"}}]}",
            "queue",
            "rules[0].then.queue",
            3,
            48,
        ),
        (
            r#"{"templates": {"queued": "a", "queued": "b"}}"#,
            "queued",
            "templates.queued",
            1,
            38,
        ),
    ];
    for (json, key, path, line, column) in cases {
        let err = Config::from_json_str(json).unwrap_err();
        let [d] = err.diagnostics() else {
            panic!("{err}")
        };
        assert_eq!(
            d.message,
            format!("invalid JSON: duplicate key `{key}`"),
            "{json}"
        );
        assert_eq!(d.path, path, "{json}");
        assert_eq!((d.line, d.column), (Some(line), Some(column)), "{json}");
        assert_eq!(d.help.as_deref(), Some(DUPLICATE_HELP));
        assert!(
            d.to_string()
                .contains(&format!("--> {line}:{column} ({path})")),
            "{d}"
        );

        // Through serde too: the last value does not silently win.
        let e = serde_json::from_str::<Config>(json)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(&format!("duplicate key `{key}` at {path}")),
            "{e}"
        );
        let e = serde_json::from_str::<ConfigSpec>(json)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(&format!("duplicate key `{key}` at {path}")),
            "{e}"
        );
    }
}

#[test]
fn keys_given_once_read_in_document_order_in_json_as_in_toml() {
    let json = r#"{"queues": [{"id": "q"}], "templates": {"queued": "a", "assigned": "b"},
                   "rules": [{"id": "r", "when": "true", "then": {"queue": "q"}}]}"#;
    let config = Config::from_json_str(json).unwrap();
    assert_eq!(config.template("queued"), Some("a"));
    assert_eq!(config.router().len(), 1);
    // TOML refuses the same mistake, by its own rules.
    let err = Config::from_toml_str("[templates]\nqueued = 'a'\nqueued = 'b'\n").unwrap_err();
    assert_eq!(err.diagnostics()[0].line, Some(3));
}

const QUEUE_PLACEHOLDERS: &str = "the placeholders of `queued` are {position}, {wait}, {queue}, {opening}; \
                                  write {{ and }} for literal braces";

#[test]
fn a_placeholder_that_nothing_fills_is_an_error_with_a_suggestion() {
    let err = Config::from_toml_str(
        "[templates]\nqueued = \"You are number {positon} in line.\"\nno_agent = \"Sorry, {queue} is busy.\"\n",
    )
    .unwrap_err();
    let found: Vec<_> = err
        .errors()
        .map(|d| {
            (
                d.path.as_str(),
                d.line,
                d.message.as_str(),
                d.help.as_deref(),
            )
        })
        .collect();
    let typo_help = format!("did you mean `{{position}}`? {QUEUE_PLACEHOLDERS}");
    assert_eq!(
        found,
        [
            (
                "templates.queued",
                Some(2),
                "unknown placeholder `{positon}` in template `queued`",
                Some(typo_help.as_str()),
            ),
            (
                "templates.no_agent",
                Some(3),
                "unknown placeholder `{queue}` in template `no_agent`",
                Some("`no_agent` has no placeholders; write {{ and }} for literal braces"),
            ),
        ]
    );
}

#[test]
fn a_reply_template_is_sent_as_written_so_it_has_no_placeholders() {
    let src = r#"
[templates]
greeting = "Hi {name}!"
[[rules]]
id = "hello"
when = "text contains 'hi'"
then = { reply = "greeting", bot = "faq" }
[bots.faq]
"#;
    let err = Config::from_toml_str(src).unwrap_err();
    let d = err.errors().next().unwrap();
    assert_eq!(
        d.message,
        "unknown placeholder `{name}` in template `greeting`"
    );
    assert_eq!(
        d.help.as_deref(),
        Some(
            "rule `hello` sends `greeting` as its reply, which fills no placeholders; \
             remove `{name}`, or write {{ and }} for literal braces"
        )
    );
    // Literal braces are doubled, in a reply and in a notice.
    let src = src.replace("{name}", "{{name}}");
    let config = Config::from_toml_str(&src).unwrap();
    assert!(config.warnings().is_empty(), "{:?}", config.warnings());
    let queued = "Code {{SAVE10}}: you are number {position}.";
    let config = Config::from_toml_str(&format!("[templates]\nqueued = {queued:?}\n")).unwrap();
    let text = switchboard::handoff::fill(config.template("queued").unwrap(), &[("position", "3")]);
    assert_eq!(text, "Code {SAVE10}: you are number 3.");
}

#[test]
fn a_template_that_nothing_sends_is_a_warning_with_a_suggestion() {
    let config = Config::from_toml_str(
        "[templates]\nqueud = \"You are number {position} in line.\"\nfarewell = \"Bye!\"\n",
    )
    .unwrap();
    let found: Vec<_> = config
        .warnings()
        .iter()
        .map(|d| {
            (
                d.path.as_str(),
                d.line,
                d.message.as_str(),
                d.help.as_deref(),
            )
        })
        .collect();
    let notices: Vec<&str> = switchboard::handoff::NOTICES
        .iter()
        .map(|n| n.name)
        .collect();
    let list = format!(
        "the notices are {}; any other template is sent by a rule's `reply`",
        notices.join(", ")
    );
    assert_eq!(
        found,
        [
            (
                "templates.queud",
                Some(2),
                "template `queud` is never sent: no notice has this name and no rule replies with it",
                Some(
                    "did you mean `queued`? It is a notice; any other template is sent by a rule's `reply`"
                ),
            ),
            (
                "templates.farewell",
                Some(3),
                "template `farewell` is never sent: no notice has this name and no rule replies with it",
                Some(list.as_str()),
            ),
        ]
    );
}

/// Every kind of name a configuration declares or sets, each left empty
/// (or blank), with the line it is on.
const EMPTY_NAMES: &str = r#"
[contact_attributes]
"" = "text"
[agent_attributes]
" " = "number"

[[queues]]
id = ""
[[queues]]
id = "q"
strategy = "most_skilled"
skill = " "

[bots.""]
[templates]
"" = "hi"

[escalation]
human_intents = ["complaint", ""]
rules = [{ id = "", when = "true" }]

[[rules]]
id = " "
when = "true"
then = { queue = "q", tags = ["a", ""], set = { "" = 1 } }
"#;

#[test]
fn every_empty_name_is_an_error_at_its_place() {
    let expected = [
        (
            "contact_attributes.",
            Some(3),
            "an attribute name cannot be empty",
        ),
        (
            "agent_attributes. ",
            Some(5),
            "an attribute name cannot be empty",
        ),
        ("queues[0].id", Some(8), "a queue id cannot be empty"),
        ("queues[1].skill", Some(12), "a skill name cannot be empty"),
        ("bots.", Some(14), "a bot id cannot be empty"),
        ("templates.", Some(16), "a template name cannot be empty"),
        (
            "escalation.human_intents[1]",
            Some(19),
            "an intent cannot be empty",
        ),
        (
            "escalation.rules[0].id",
            Some(20),
            "an escalation rule id cannot be empty",
        ),
        ("rules[0].id", Some(23), "a rule id cannot be empty"),
        ("rules[0].then.tags[1]", Some(25), "a tag cannot be empty"),
        (
            "rules[0].then.set.",
            Some(25),
            "an attribute name cannot be empty",
        ),
    ];
    let err = Config::from_toml_str(EMPTY_NAMES).unwrap_err();
    let found: Vec<_> = err
        .errors()
        .map(|d| (d.path.as_str(), d.line, d.message.as_str()))
        .collect();
    assert_eq!(found, expected);
    assert!(err.errors().all(|d| d.help.is_some()));
    assert!(err.diagnostics().iter().all(|d| d.is_error()), "{err}");

    // The same document as JSON: the same paths.
    let spec: toml::Value = toml::from_str(EMPTY_NAMES).unwrap();
    let json = serde_json::to_string(&spec).unwrap();
    let err = Config::from_json_str(&json).unwrap_err();
    let mut found: Vec<_> = err
        .errors()
        .map(|d| (d.path.as_str(), d.message.as_str()))
        .collect();
    let mut expected: Vec<_> = expected.iter().map(|(p, _, m)| (*p, *m)).collect();
    found.sort_unstable();
    expected.sort_unstable();
    assert_eq!(found, expected);
}

#[test]
fn a_reference_to_an_empty_name_says_so_and_lists_the_names() {
    let err = Config::from_toml_str(
        "[[queues]]\nid = \"q\"\n[bots.faq]\n[[rules]]\nid = \"r\"\nwhen = \"true\"\nthen = { queue = \"\" }\n[defaults]\nbot = \" \"\n",
    )
    .unwrap_err();
    let found: Vec<_> = err
        .errors()
        .map(|d| (d.path.as_str(), d.message.as_str(), d.help.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "rules[0].then.queue",
                "the queue name is empty",
                Some("the queues are: q")
            ),
            (
                "defaults.bot",
                "the bot name is empty",
                Some("the bots are: faq")
            ),
        ]
    );
}
