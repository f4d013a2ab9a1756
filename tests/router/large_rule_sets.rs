//! Rule sets far larger than usual load, and decide as small ones do,
//! whatever the shape of their keywords.

use switchboard::Timestamp;
use switchboard::config::{ActionSpec, Config, ConfigSpec, QueueSpec, RuleSpec};
use switchboard::expr::Facts;

/// Rule `kw<i>` routes when the text contains `kw<i>`, for i in 0..n, in
/// that order: keywords that are prefixes of each other (`kw1`, `kw10`,
/// `kw100`…), the shape that once took 12 s to load at 100,000.
fn prefix_sharing(n: usize) -> Config {
    let mut spec = ConfigSpec::default();
    spec.queues = vec![QueueSpec::new("q")];
    spec.rules = (0..n)
        .map(|i| {
            RuleSpec::new(
                format!("kw{i}"),
                format!("text contains 'kw{i}'"),
                ActionSpec::queue("q"),
            )
        })
        .collect();
    Config::from_spec(spec).unwrap()
}

/// The rule that should decide: the lowest i whose `kw<i>` is in `text`.
fn expected(text: &str, n: usize) -> Option<String> {
    (0..n)
        .find(|i| text.contains(&format!("kw{i}")))
        .map(|i| format!("kw{i}"))
}

#[test]
fn a_hundred_thousand_prefix_sharing_keywords_load_and_decide_in_rule_order() {
    const N: usize = 100_000;
    let config = prefix_sharing(N);
    let router = config.router();
    assert_eq!(router.matcher_sizes(), (N, 0));
    let texts = [
        "KW99999 is my order",   // kw9 decides: it is a prefix and comes first
        "order kw70000 and kw5", // kw5 comes before kw7…
        "kw0",                   // the first keyword
        "kw",                    // no keyword
        "xkw123y",               // inside a word
        "ｋｗ４２",              // full-width forms fold to kw42, so kw4 decides
        "no keyword here: k w 1",
    ];
    for text in texts {
        let facts = Facts::new(Timestamp::EPOCH).with_text(text);
        let want = expected(&switchboard::expr::fold(text), N);
        let got = router.route(&facts).rule.map(|r| r.to_string());
        assert_eq!(got, want, "{text}");
    }
    let facts = Facts::new(Timestamp::EPOCH).with_text("kw31415");
    assert_eq!(router.explain(&facts).0.rule.unwrap().as_str(), "kw3");
}
