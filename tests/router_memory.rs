//! Memory of the router's `matches` patterns at routing time: bounded and
//! known when the configuration compiles, whatever the rules.
//!
//! An instrumented global allocator (`stats_alloc`) counts the bytes
//! allocated while a message is routed. When nothing is freed meanwhile,
//! as when the fallback engine's state sets are allocated, the sum of
//! everything allocated bounds the peak of what is live, so "allocated ≤
//! bound" proves the peak is within the bound too. A lazy DFA that clears
//! its cache frees and allocates again, so there only what stays live is
//! checked; its peak, measured with a peak-tracking allocator, was 1.2
//! times its cache capacity, and the bound counts twice the capacity.
//!
//! The rule sets come from the hostile-input report: `text matches
//! "x[a-z]{0,40}y<i>\d{1,9}[^q]{0,30}z"` for i = 0..n. Each pattern is
//! within the per-pattern limit; together, 1,000 of them once made routing
//! "I need a taxi to the airport" ask for 11.4 GB (capture slots for every
//! pattern in every state of the fallback engine) and 3,000 for 85 GB.
//! Now 1,000 route within the budget and 3,000 are refused, naming rules.
//!
//! Run with `cargo test --release --test router_memory -- --nocapture` to
//! see the figures.

use std::alloc::System;
use std::sync::Mutex;

use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

use switchboard::config::{Config, ConfigError};
use switchboard::expr::{Facts, MAX_REGEX_MEMORY};
use switchboard::{Attributes, ChannelKind, Timestamp, Value};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The counters are global: tests that measure take turns.
static SERIAL: Mutex<()> = Mutex::new(());

fn allocated() -> usize {
    GLOBAL.stats().bytes_allocated
}

fn live() -> isize {
    let st = GLOBAL.stats();
    st.bytes_allocated as isize - st.bytes_deallocated as isize
}

/// A configuration of `rules` rules, rule `r-<i>` routing when `when(i)`.
fn rule_set(rules: usize, when: impl Fn(usize) -> String) -> Result<Config, ConfigError> {
    let mut toml = String::from("[[queues]]\nid = 'q'\n[defaults]\nqueue = 'q'\n");
    for i in 0..rules {
        toml.push_str(&format!(
            "[[rules]]\nid = 'r-{i}'\nwhen = '''{}'''\nthen = {{ queue = 'q' }}\n",
            when(i)
        ));
    }
    Config::from_toml_str(&toml)
}

fn hostile(i: usize) -> String {
    format!(r#"text matches "x[a-z]{{0,40}}y{i}\d{{1,9}}[^q]{{0,30}}z""#)
}

/// Routes `facts` once, returning the bytes allocated meanwhile.
fn routing_allocates(config: &Config, facts: &Facts<'_>) -> (usize, Option<String>) {
    let before = allocated();
    let d = config.router().route(facts);
    let used = allocated() - before;
    (used, d.rule.map(|r| r.to_string()))
}

#[test]
fn a_thousand_large_patterns_route_within_the_memory_they_declare() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let config = rule_set(1_000, hostile).unwrap();
    let memory = config.router().memory();
    eprintln!(
        "1,000 patterns: {} bytes compiled, at most {} bytes of search space per thread",
        memory.compiled, memory.per_thread
    );
    assert!(memory.compiled + memory.per_thread <= MAX_REGEX_MEMORY);

    let sms = ChannelKind::Sms;
    let facts = Facts::new(Timestamp::EPOCH).with_channel(&sms);
    // The first message allocates the search space, the fallback engine's
    // included (the lazy DFA cannot hold this automaton).
    let (first, rule) =
        routing_allocates(&config, &facts.with_text("I need a taxi to the airport"));
    eprintln!("first message: {first} bytes allocated");
    assert_eq!(rule, None);
    assert!(
        first <= memory.per_thread + 64 * 1024,
        "{first} bytes allocated, {} declared",
        memory.per_thread
    );
    // Later messages reuse it.
    let text = format!("xabcy517{}qz and a taxi", "1".repeat(9));
    let (later, rule) = routing_allocates(&config, &facts.with_text(&text));
    eprintln!("second message: {later} bytes allocated");
    assert!(later < 64 * 1024, "{later} bytes allocated");
    assert_eq!(
        rule.as_deref(),
        None,
        "`[^q]{{0,30}}z` needs a z after the q-free run"
    );
    // `y9` then `99`, and `y99` then `9`: the first rule in order decides.
    let (_, rule) = routing_allocates(&config, &facts.with_text("a taxi: xay999z"));
    assert_eq!(rule.as_deref(), Some("r-9"));
}

#[test]
fn three_thousand_large_patterns_are_refused_naming_the_largest_rules() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let err = rule_set(3_000, hostile).unwrap_err();
    let d = err.errors().next().unwrap();
    assert_eq!(d.path, "rules");
    assert!(
        d.message.starts_with("the rules' `matches` patterns need more than 78.3 MiB")
            && d.message.contains(
            " to match messages (their automata plus one thread's search space), over the limit of 64 MiB; the largest are in rules `r-"
        ) && d.message.ends_with(" and 2995 more"),
        "{}",
        d.message
    );
    // The patterns with the longest numbers are the largest, by a little.
    assert!(d.message.contains("`r-1000` ("), "{}", d.message);
    assert!(
        d.help
            .as_deref()
            .unwrap()
            .starts_with("use fewer or smaller patterns")
    );
}

#[test]
fn patterns_on_other_fields_count_against_the_same_budget() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // Each rule runs its own pattern on a contact attribute: the automata
    // and search spaces add up.
    let field = |i: usize| format!(r#"contact.note matches "\w{{12}}-{i}-\d{{1,9}}""#);
    let config = rule_set(20, field).unwrap();
    let memory = config.router().memory();
    eprintln!("20 patterns on a field: {memory:?}");
    assert!(memory.compiled > 20 * 10_000, "{memory:?}");

    let contact = Attributes::from([(
        "note".to_string(),
        Value::from(format!("{}  abcdefghijkl-7-123", "é".repeat(2_000))),
    )]);
    let facts = Facts::new(Timestamp::EPOCH).with_contact(&contact);
    let (used, rule) = routing_allocates(&config, &facts);
    eprintln!("a message: {used} bytes allocated");
    assert_eq!(rule.as_deref(), Some("r-7"));
    assert!(
        used <= memory.per_thread,
        "{used} bytes allocated, {memory:?}"
    );

    let err = rule_set(400, field).unwrap_err();
    let message = &err.errors().next().unwrap().message;
    eprintln!("{message}");
    assert!(message.contains("over the limit of 64 MiB"), "{message}");
    assert!(message.ends_with(" and 395 more"), "{message}");
}

#[test]
fn a_lazy_dfa_that_thrashes_stays_within_its_cache() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // 100 patterns fit the lazy DFA; a long text of `x`, `y` and digits
    // makes it build a new state at almost every byte, fill its cache
    // three times and give up, and the fallback engine answers.
    let config = rule_set(100, hostile).unwrap();
    let memory = config.router().memory();
    let mut text = String::new();
    let mut seed = 7u32;
    while text.len() < 64 * 1024 {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        text.push(b"xyyy01"[(seed >> 16) as usize % 6] as char);
    }
    let facts = Facts::new(Timestamp::EPOCH).with_text(&text);
    let before = live();
    config.router().route(&facts);
    let kept = (live() - before) as usize;
    eprintln!("100 patterns, 64 KiB of text: {kept} bytes kept, {memory:?}");
    // Besides: the folded copy of the text.
    assert!(
        kept <= memory.per_thread + text.len(),
        "{kept} bytes kept, {memory:?}"
    );
    assert!(
        kept > memory.per_thread / 4,
        "the search space was used: {kept} bytes kept"
    );
}
