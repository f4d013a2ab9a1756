//! Benchmarks for the rule router: routing one message through generated
//! rule sets of 10 to 10,000 rules, and compiling the largest set.
//!
//! The rule sets and messages are generated from a fixed seed, so they are
//! the same on every run (and the smaller rule sets are prefixes of the
//! larger ones). Rules mix, roughly:
//!
//! * 55% keyword rules: `text contains_any [...]` with 2 to 6 keywords drawn
//!   from a vocabulary of ~3,000 English-like words, ~1,500 Chinese phrases
//!   and a few dozen real customer-service words in both languages, often
//!   with `and channel == '…'` or `and contact.tier == '…'`;
//! * 10% `text matches` regexes (order, invoice, tracking and reference
//!   numbers, each with its own literal word);
//! * 10% `text starts_with`;
//! * 15% checks of the channel, language and contact attributes only;
//! * 10% mixes with `or` and `not`;
//!
//! and about 10% of all rules are `continue` rules that only add a tag.
//! Unmatched messages go to the default queue.
//!
//! Messages are English, Chinese or mixed-script chat text. Most contain no
//! keyword of the vocabulary; some contain one or two, start with one, or
//! carry an order or invoice number.
//!
//! Every benchmark is paired with a naive baseline in the same group: each
//! rule's condition compiled on its own with `Condition::compile`, then
//! evaluated in order until the first matching rule that routes — its own
//! regexes, its own substring searches, folding the text again for every
//! text test. Before measuring, every message is routed both ways and the
//! deciding rule and the tags must agree.
//!
//! * `router_200B/{switchboard,naive}/{10,100,1000,10000}`: messages of
//!   about 200 bytes.
//! * `router_20_500B/{switchboard,naive}/1000`: messages of 20 to 500 bytes.
//! * `router_compile/switchboard/10000`: `Config::from_spec` of the
//!   10,000-rule set.
//! * `router_load/{switchboard,dfa_first}/{prefix_sharing,random}`:
//!   loading 100,000 `text contains '…'` rules whose keywords are prefixes
//!   of each other (`kw0` … `kw99999`) or random words, against the
//!   keyword automaton built alone as the router built it before (a DFA,
//!   quadratic to build for prefix-sharing keywords).
//!
//! Each iteration of a routing benchmark routes every message of its batch
//! once, and the time reported is the time **per message** (the batch time
//! divided by the number of messages), so every sample covers the same mix.
//!
//! Run with `cargo bench --bench router`. The rule-set sizes, the number of
//! distinct keywords and regexes in the router's matcher, and how far into
//! the rules the messages are decided are printed before the measurements.

use criterion::{
    BatchSize, BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use std::collections::HashSet;
use std::hint::black_box;
use std::time::{Duration, Instant};
use switchboard::config::{ActionSpec, Config, ConfigSpec, QueueSpec, RuleSpec};
use switchboard::expr::{Facts, fold};
use switchboard::{Attributes, ChannelKind, Timestamp, Value};

// ---------------------------------------------------------------------------
// Deterministic generator
// ---------------------------------------------------------------------------

#[path = "support/rng.rs"]
mod rng;

use rng::Rng;

// ---------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------

/// Real customer-service words, which messages use and rules look for.
const ENGLISH_TERMS: &[&str] = &[
    "refund",
    "invoice",
    "receipt",
    "delivery",
    "tracking",
    "password",
    "cancel",
    "complaint",
    "warranty",
    "subscription",
    "voucher",
    "coupon",
    "upgrade",
    "billing",
    "payment",
    "shipment",
    "exchange",
    "damaged",
    "missing",
    "login",
    "unsubscribe",
    "appointment",
    "reschedule",
    "overcharged",
    "chargeback",
    "courier",
];

/// Real Chinese customer-service words; their characters also make up the
/// generated phrases.
const CHINESE_TERMS: &[&str] = &[
    "退款", "订单", "发票", "物流", "投诉", "人工", "客服", "预约", "账户", "密码", "支付", "取消",
    "快递", "包裹", "地址", "修改", "会员", "积分", "优惠", "价格", "质量", "售后", "换货", "保修",
    "配送", "登录", "验证", "手机", "充值", "余额", "提现", "银行", "信用", "延迟", "丢失", "损坏",
    "赔偿", "退货", "发货", "到货", "开票", "续费",
];

const ONSETS: &[&str] = &[
    "b", "bl", "br", "d", "dr", "f", "fl", "fr", "g", "gl", "gr", "k", "kl", "kr", "l", "m", "n",
    "p", "pl", "pr", "r", "s", "sk", "sl", "sn", "sp", "st", "t", "tr", "v", "z",
];
const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ai", "ea", "oa", "ou", "ie"];
const CODAS: &[&str] = &[
    "n", "r", "l", "m", "s", "x", "nd", "rt", "sk", "th", "ng", "ck",
];

/// The words rules look for and some messages contain.
struct Vocab {
    english: Vec<String>,
    chinese: Vec<String>,
}

impl Vocab {
    fn new() -> Vocab {
        let mut rng = Rng(0x0BAD_5EED_0000_0001);
        let mut seen: HashSet<String> = HashSet::new();
        let mut english: Vec<String> = ENGLISH_TERMS.iter().map(|s| s.to_string()).collect();
        seen.extend(english.iter().cloned());
        while english.len() < 3_000 {
            let mut w = String::new();
            for _ in 0..2 + rng.below(2) {
                w.push_str(rng.pick(ONSETS));
                w.push_str(rng.pick(VOWELS));
            }
            if rng.chance(70) {
                w.push_str(rng.pick(CODAS));
            }
            if w.len() >= 5 && seen.insert(w.clone()) {
                english.push(w);
            }
        }

        let chars: Vec<char> = {
            let mut cs = Vec::new();
            for c in CHINESE_TERMS.iter().flat_map(|t| t.chars()) {
                if !cs.contains(&c) {
                    cs.push(c);
                }
            }
            cs
        };
        let mut chinese: Vec<String> = CHINESE_TERMS.iter().map(|s| s.to_string()).collect();
        seen.extend(chinese.iter().cloned());
        while chinese.len() < 1_500 {
            let len = if rng.chance(85) { 2 } else { 3 };
            let w: String = (0..len).map(|_| chars[rng.below(chars.len())]).collect();
            if seen.insert(w.clone()) {
                chinese.push(w);
            }
        }
        Vocab { english, chinese }
    }

    fn english(&self, rng: &mut Rng) -> &str {
        // One pick in eight is a real customer-service word.
        if rng.chance(12) {
            rng.pick(ENGLISH_TERMS)
        } else {
            &self.english[rng.below(self.english.len())]
        }
    }

    fn chinese(&self, rng: &mut Rng) -> &str {
        if rng.chance(12) {
            rng.pick(CHINESE_TERMS)
        } else {
            &self.chinese[rng.below(self.chinese.len())]
        }
    }

    /// A keyword: English three times in five, else Chinese.
    fn keyword(&self, rng: &mut Rng) -> &str {
        if rng.chance(60) {
            self.english(rng)
        } else {
            self.chinese(rng)
        }
    }

    fn total(&self) -> usize {
        self.english.len() + self.chinese.len()
    }
}

// ---------------------------------------------------------------------------
// Rule sets
// ---------------------------------------------------------------------------

const QUEUES: &[&str] = &[
    "billing",
    "support",
    "sales",
    "logistics",
    "vip",
    "complaints",
    "tech",
    "general",
];
const DEFAULT_QUEUE: &str = "general";
const TAGS: &[&str] = &[
    "refund",
    "urgent",
    "repeat",
    "vip",
    "churn-risk",
    "legal",
    "press",
    "fraud",
    "zh",
    "promo",
];
const CHANNELS: &[&str] = &["sms", "whatsapp", "messenger", "webchat", "email", "in_app"];
const RULE_TIERS: &[&str] = &[
    "silver",
    "gold",
    "vip",
    "platinum",
    "partner",
    "staff",
    "trial",
    "enterprise",
    "reseller",
    "student",
];
const LANGS: &[&str] = &["en", "zh", "ja", "ko", "de", "fr", "es", "pt", "ar", "ru"];

/// `['a', 'b', …]` with `n` keywords.
fn keyword_list(rng: &mut Rng, vocab: &Vocab, n: usize) -> String {
    let words: Vec<String> = (0..n)
        .map(|_| format!("'{}'", vocab.keyword(rng)))
        .collect();
    format!("[{}]", words.join(", "))
}

fn keyword_rule(rng: &mut Rng, vocab: &Vocab) -> String {
    let count = 2 + rng.below(5);
    let list = keyword_list(rng, vocab, count);
    match rng.below(10) {
        0..4 => format!("text contains_any {list}"),
        4..7 => format!(
            "text contains_any {list} and channel == '{}'",
            rng.pick(CHANNELS)
        ),
        _ => format!(
            "text contains_any {list} and contact.tier == '{}'",
            rng.pick(&["gold", "vip", "silver"])
        ),
    }
}

fn regex_rule(rng: &mut Rng, vocab: &Vocab) -> String {
    let w = vocab.english(rng).to_owned();
    match rng.below(5) {
        0 => format!(r"text matches '{w}\s*#?\d{{5,8}}'"),
        1 => format!(r"text matches '\b(?:invoice|receipt|{w})\s+\d+'"),
        2 => format!(r"text matches '(?:tracking|parcel)\s+{w}\s*[a-z]{{2}}\d{{9}}[a-z]{{2}}'"),
        3 => format!(r"text matches '\b{w}[-_ ]?(?:id|no)\s*[:#]?\s*\d{{4,}}'"),
        _ => format!(r"text matches '{}\s*[:：]?\s*\d{{6,}}'", vocab.chinese(rng)),
    }
}

fn starts_with_rule(rng: &mut Rng, vocab: &Vocab) -> String {
    let kw = vocab.keyword(rng).to_owned();
    if rng.chance(30) {
        format!(
            "text starts_with '{kw}' and channel == '{}'",
            rng.pick(CHANNELS)
        )
    } else {
        format!("text starts_with '{kw}'")
    }
}

fn facts_rule(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => format!(
            "channel == '{}' and contact.tier == '{}'",
            rng.pick(CHANNELS),
            rng.pick(RULE_TIERS)
        ),
        1 => format!(
            "lang in ['{}', '{}'] and contact.orders > {}",
            rng.pick(LANGS),
            rng.pick(LANGS),
            25 + rng.below(200)
        ),
        2 => format!(
            "contact.account == 'acct-{:04}' and channel in ['{}', '{}']",
            rng.below(5_000),
            rng.pick(CHANNELS),
            rng.pick(CHANNELS)
        ),
        _ => format!(
            "channel in ['{}', '{}'] and lang == '{}' and contact.tier == '{}'",
            rng.pick(CHANNELS),
            rng.pick(CHANNELS),
            rng.pick(LANGS),
            rng.pick(RULE_TIERS)
        ),
    }
}

fn mixed_rule(rng: &mut Rng, vocab: &Vocab) -> String {
    match rng.below(5) {
        0 => format!(
            "(text contains '{}' or text contains '{}') and not (channel == 'email')",
            vocab.keyword(rng),
            vocab.keyword(rng)
        ),
        1 => {
            let count = 2 + rng.below(3);
            format!(
                "text contains_any {} and not (contact.tier == 'standard')",
                keyword_list(rng, vocab, count)
            )
        }
        2 => format!(
            "not (lang == 'en') and text starts_with '{}'",
            vocab.keyword(rng)
        ),
        3 => format!(
            "contact.tier == 'platinum' and channel == '{}' or (contact.orders > {} and text contains '{}')",
            rng.pick(CHANNELS),
            rng.below(40),
            vocab.keyword(rng)
        ),
        // No anchor: a candidate for every message.
        _ => format!(
            "not (channel == 'sms') and contact.orders > {}",
            50 + rng.below(200)
        ),
    }
}

/// `n` rules, the first `n` of one fixed sequence, and the queues they
/// route to, with a default queue.
fn rule_set(n: usize, vocab: &Vocab) -> ConfigSpec {
    let mut rng = Rng(0x05EE_D0F2_0117_E500);
    let mut spec = ConfigSpec::default();
    spec.queues = QUEUES.iter().map(|q| QueueSpec::new(*q)).collect();
    spec.defaults.queue = Some(DEFAULT_QUEUE.to_owned());
    for i in 0..n {
        let when = match rng.below(100) {
            0..55 => keyword_rule(&mut rng, vocab),
            55..65 => regex_rule(&mut rng, vocab),
            65..75 => starts_with_rule(&mut rng, vocab),
            75..90 => facts_rule(&mut rng),
            _ => mixed_rule(&mut rng, vocab),
        };
        let rule = if rng.chance(10) {
            let tag = rng.pick(TAGS);
            RuleSpec::new(
                format!("tag-{i:05}"),
                when,
                ActionSpec::default().with_tags([tag]),
            )
            .continuing()
        } else {
            let mut action = ActionSpec::queue(rng.pick(QUEUES));
            if rng.chance(20) {
                action = action.with_priority(1 + rng.below(10) as i32);
            }
            RuleSpec::new(format!("rule-{i:05}"), when, action)
        };
        spec.rules.push(rule);
    }
    spec
}

fn compile(spec: ConfigSpec) -> Config {
    let n = spec.rules.len();
    Config::from_spec(spec).unwrap_or_else(|err| {
        panic!("the generated {n}-rule configuration does not compile:\n{err}")
    })
}

// ---------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------

const ENGLISH_FILLER: &[&str] = &[
    "Hi there, I hope you are well.",
    "I have a question about something I saw on your site last week.",
    "Could somebody get back to me when they have a moment?",
    "It is not urgent but I would like to sort it out soon.",
    "My friend recommended you and I am quite happy so far.",
    "Thanks in advance for your help with this.",
    "I tried the app this morning and again this afternoon.",
    "Please let me know what the next step would be.",
    "We moved house a few weeks ago, so that might matter.",
    "Sorry for the long message, it has been a busy day.",
    "I am typing this on the train so please excuse typos.",
    "Is there anything else you need from me?",
    "Just following up on my earlier message.",
    "Have a nice evening!",
];

const CHINESE_FILLER: &[&str] = &[
    "你好，想咨询一下。",
    "我上周在你们网站上看到一个活动。",
    "麻烦有空的时候回复我一下。",
    "不是很急，但希望尽快解决。",
    "朋友推荐的，目前用得还不错。",
    "先谢谢你们的帮助！",
    "今天早上和下午都试了一下应用。",
    "请告诉我下一步该怎么做。",
    "我们几周前搬家了，不知道有没有影响。",
    "我在路上打字，见谅。",
    "还需要我提供什么信息吗？",
    "跟进一下我之前的消息。",
    "祝你今天愉快😊",
];

#[derive(Clone, Copy, PartialEq)]
enum Script {
    English,
    Chinese,
    Mixed,
}

/// One message and what the router knows about it.
struct Message {
    text: String,
    channel: ChannelKind,
    lang: &'static str,
    contact: Attributes,
}

impl Message {
    fn facts(&self) -> Facts<'_> {
        Facts::new(Timestamp::from_millis(1_767_600_000_000))
            .with_channel(&self.channel)
            .with_text(&self.text)
            .with_contact(&self.contact)
            .with_lang(self.lang)
    }
}

/// Filler text of at most `len` bytes.
fn filler(rng: &mut Rng, script: Script, len: usize) -> String {
    let mut text = String::new();
    while text.len() < len {
        let english = match script {
            Script::English => true,
            Script::Chinese => false,
            Script::Mixed => rng.chance(50),
        };
        if english {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(rng.pick(ENGLISH_FILLER));
        } else {
            text.push_str(rng.pick(CHINESE_FILLER));
        }
    }
    truncate(&mut text, len);
    text
}

fn truncate(text: &mut String, len: usize) {
    let mut end = len.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
}

/// A random char boundary of `text`.
fn boundary(rng: &mut Rng, text: &str) -> usize {
    let mut at = rng.below(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// A message of at most `len` bytes (and at least `len - 3`, unless `len`
/// is too short for what it carries).
fn message(rng: &mut Rng, vocab: &Vocab, len: usize) -> Message {
    let script = match rng.below(10) {
        0..4 => Script::English,
        4..7 => Script::Chinese,
        _ => Script::Mixed,
    };
    let word = |rng: &mut Rng| match script {
        Script::English => vocab.english(rng).to_owned(),
        Script::Chinese => vocab.chinese(rng).to_owned(),
        Script::Mixed => vocab.keyword(rng).to_owned(),
    };
    // What the message carries besides filler, and whether it leads.
    let (extra, lead) = match rng.below(100) {
        // Most messages: filler only.
        0..55 => (Vec::new(), false),
        55..80 => (vec![word(rng)], false),
        80..85 => (vec![word(rng), word(rng)], false),
        85..92 => (vec![word(rng)], true),
        _ => {
            let digits = 5 + rng.below(5);
            let number: String = (0..digits)
                .map(|_| char::from(b'0' + rng.below(10) as u8))
                .collect();
            let label = match rng.below(4) {
                0 => "invoice".to_owned(),
                1 => vocab.chinese(rng).to_owned(),
                _ => vocab.english(rng).to_owned(),
            };
            (vec![format!("{label} #{number}")], false)
        }
    };
    let extra_len: usize = extra.iter().map(|e| e.len() + 2).sum();
    let mut text = filler(rng, script, len.saturating_sub(extra_len));
    for (i, e) in extra.iter().enumerate() {
        if extra_len > len {
            break;
        }
        if lead && i == 0 {
            text.insert_str(0, &format!("{e} "));
        } else {
            let at = boundary(rng, &text);
            text.insert_str(at, &format!(" {e} "));
        }
    }
    truncate(&mut text, len);

    let channel = match rng.below(100) {
        0..30 => ChannelKind::Sms,
        30..60 => ChannelKind::WhatsApp,
        60..75 => ChannelKind::WebChat,
        75..85 => ChannelKind::Messenger,
        85..95 => ChannelKind::Email,
        _ => ChannelKind::InApp,
    };
    let lang = match script {
        Script::English => ["en", "en", "en", "en", "de", "fr", "es"][rng.below(7)],
        Script::Chinese => ["zh", "zh", "zh", "zh", "ja"][rng.below(5)],
        Script::Mixed => ["zh", "en"][rng.below(2)],
    };
    let tier = match rng.below(100) {
        0..60 => "standard",
        60..78 => "silver",
        78..90 => "gold",
        90..97 => "vip",
        _ => "platinum",
    };
    let mut contact = Attributes::new();
    contact.insert("tier".into(), Value::from(tier));
    // Most contacts have ordered a few times, some often.
    let orders = match rng.below(100) {
        0..80 => rng.below(10),
        80..95 => 10 + rng.below(20),
        _ => 30 + rng.below(70),
    };
    contact.insert("orders".into(), Value::from(orders as i32));
    contact.insert(
        "account".into(),
        Value::from(format!("acct-{:04}", rng.below(5_000))),
    );
    Message {
        text,
        channel,
        lang,
        contact,
    }
}

fn messages(
    seed: u64,
    count: usize,
    vocab: &Vocab,
    len: impl Fn(&mut Rng) -> usize,
) -> Vec<Message> {
    let mut rng = Rng(seed);
    (0..count)
        .map(|_| {
            let n = len(&mut rng);
            message(&mut rng, vocab, n)
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Naive baseline
// ---------------------------------------------------------------------------

#[path = "support/naive_router.rs"]
mod naive;

use naive::{Naive, check};

// ---------------------------------------------------------------------------
// Benchmarks
// ---------------------------------------------------------------------------

const RULE_COUNTS: [usize; 4] = [10, 100, 1_000, 10_000];

/// Benchmarks the router and the baseline on `messages` with `config`, in
/// `group`, reporting the time per message.
fn bench_pair(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    config: &Config,
    naive: &Naive,
    messages: &[Message],
) {
    let n = config.router().len();
    let facts: Vec<Facts<'_>> = messages.iter().map(Message::facts).collect();
    let per = facts.len() as u32;

    group
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sampling_mode(SamplingMode::Auto);
    group.bench_with_input(BenchmarkId::new("switchboard", n), &facts, |b, facts| {
        let router = config.router();
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                for f in facts {
                    black_box(router.route(black_box(f)));
                }
            }
            start.elapsed() / per
        })
    });

    // The baseline takes up to a few hundred milliseconds per batch at the
    // larger sizes: fewer samples of equal size keep the run short.
    if n >= 1_000 {
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(4))
            .sampling_mode(SamplingMode::Flat);
    }
    group.bench_with_input(BenchmarkId::new("naive", n), &facts, |b, facts| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                for f in facts {
                    black_box(naive.route(black_box(f), config));
                }
            }
            start.elapsed() / per
        })
    });
}

fn router_200b(c: &mut Criterion) {
    let vocab = Vocab::new();
    let messages = messages(0x200B_5EED, 128, &vocab, |_| 200);
    assert!(messages.iter().all(|m| (195..=200).contains(&m.text.len())));

    let mut group = c.benchmark_group("router_200B");
    group.throughput(Throughput::Elements(1));
    for n in RULE_COUNTS {
        let config = compile(rule_set(n, &vocab));
        let naive = Naive::new(&config);
        check("router_200B", &config, &naive, &messages);
        bench_pair(&mut group, &config, &naive, &messages);
    }
    group.finish();
}

fn router_20_500b(c: &mut Criterion) {
    let vocab = Vocab::new();
    let messages = messages(0x5EED_0500, 128, &vocab, |rng| 20 + rng.below(481));
    let config = compile(rule_set(1_000, &vocab));
    let naive = Naive::new(&config);
    check("router_20_500B", &config, &naive, &messages);

    let mut group = c.benchmark_group("router_20_500B");
    group.throughput(Throughput::Elements(1));
    bench_pair(&mut group, &config, &naive, &messages);
    group.finish();
}

fn router_compile(c: &mut Criterion) {
    let vocab = Vocab::new();
    let spec = rule_set(10_000, &vocab);
    eprintln!(
        "router_compile: vocabulary of {} words and phrases",
        vocab.total()
    );
    drop(compile(spec.clone()));

    let mut group = c.benchmark_group("router_compile");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10))
        .sampling_mode(SamplingMode::Flat);
    group.bench_function(BenchmarkId::new("switchboard", spec.rules.len()), |b| {
        b.iter_batched(|| spec.clone(), Config::from_spec, BatchSize::PerIteration)
    });
    group.finish();
}

// ---------------------------------------------------------------------------
// Loading large keyword sets
// ---------------------------------------------------------------------------

const LOAD_KEYWORDS: usize = 100_000;

#[path = "support/keyword_sets.rs"]
mod keyword_sets;

use keyword_sets::{keyword_rules, prefix_sharing_keywords, random_keywords};

/// Loading 100,000 keyword rules, for keywords that are prefixes of each
/// other and for random ones: `Config::from_spec` of the whole set
/// (`switchboard`), against the baseline of the keyword automaton built
/// alone the way the router built it before (`dfa_first`: an Aho-Corasick
/// DFA, whose construction is quadratic for prefix-sharing keywords).
fn router_load(c: &mut Criterion) {
    let mut group = c.benchmark_group("router_load");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10))
        .sampling_mode(SamplingMode::Flat);
    for (shape, keywords) in [
        ("prefix_sharing", prefix_sharing_keywords(LOAD_KEYWORDS)),
        ("random", random_keywords(LOAD_KEYWORDS)),
    ] {
        let spec = keyword_rules(&keywords);
        let config = compile(spec.clone());
        assert_eq!(config.router().matcher_sizes(), (LOAD_KEYWORDS, 0));
        let text = format!("about {} please", keywords[LOAD_KEYWORDS / 2]);
        let facts = Facts::new(Timestamp::EPOCH).with_text(&text);
        assert!(config.router().route(&facts).rule.is_some(), "{text}");
        eprintln!(
            "router_load/{shape}: {} bytes of keywords, a keyword automaton of {} bytes",
            keywords.iter().map(String::len).sum::<usize>(),
            config.router().memory().compiled
        );
        group.bench_function(BenchmarkId::new("switchboard", shape), |b| {
            b.iter_batched(|| spec.clone(), Config::from_spec, BatchSize::PerIteration)
        });
        let folded: Vec<String> = keywords.iter().map(|k| fold(k)).collect();
        group.bench_function(BenchmarkId::new("dfa_first", shape), |b| {
            b.iter(|| {
                aho_corasick::AhoCorasick::builder()
                    .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                    .build(black_box(&folded))
                    .unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    router_200b,
    router_20_500b,
    router_compile,
    router_load
);
criterion_main!(benches);
