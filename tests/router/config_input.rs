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
