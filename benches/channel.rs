//! Benchmarks for the channel layer: splitting long text for a channel, and
//! SMS encoding and segment counting.
//!
//! Every benchmark is paired with a baseline in the same group, so that
//! criterion reports both side by side:
//!
//! * `render_split_64k`: `render` of a ~64 KiB mixed-script text for SMS and
//!   WhatsApp, against a naive splitter that re-measures the whole candidate
//!   prefix after every grapheme cluster it adds (quadratic in the part
//!   length).
//! * `sms_analyze_1k`: `sms::analyze` against the `sms_splitter` crate on
//!   three 1 KiB texts.
//! * `stacked_marks`: `sms::analyze` and `render` for SMS of one letter under
//!   50,000 and 500,000 combining accents (one grapheme cluster, which
//!   `render` refuses with a typed error), against Chinese text of the same
//!   size. Equal throughput at both sizes shows the work is linear in the
//!   cluster's length; it was quadratic (500,000 accents took 20 s).
//!
//! Run with `cargo bench --bench channel`.

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use std::hint::black_box;
use std::time::Duration;
use switchboard::Content;
use switchboard::channel::sms::{SmsEncoding, analyze};
use switchboard::channel::{Capabilities, Outbound, WindowState, render};
use unicode_segmentation::UnicodeSegmentation;

// ---------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------

const ENGLISH: &[&str] = &[
    "Your parcel left our depot this morning and should arrive tomorrow between 9:00 and 13:00.",
    "If nobody is home, the driver will leave it with a neighbour or at the nearest pick-up point.",
    "You can change the delivery date at any time from the link in your confirmation e-mail.",
    "Returns are free within 30 days; print the label, pack the item and drop it at any post office.",
    "Thanks for waiting!",
    "An agent will join this conversation in about two minutes.",
    "Did that answer your question?",
];

const CHINESE: &[&str] = &[
    "您的包裹已从仓库发出🚚，预计明天送达。",
    "请保持电话畅通！",
    "需要更改收货地址吗？",
    "我们已经收到您的退货📦，退款将在三个工作日内到账。",
    "谢谢您的耐心😊👍🏽",
    "全家👩‍👩‍👧都很喜欢这个礼物！",
    "客服人员马上为您服务。",
];

const ARABIC: &[&str] = &[
    "تم شحن طلبك وسيصل غداً بين الساعة التاسعة والواحدة.",
    "شكراً لتواصلك معنا!",
    "هل تريد تغيير عنوان التوصيل؟",
    "سينضم إليك أحد الموظفين خلال دقيقتين.",
];

const RUSSIAN: &[&str] = &[
    "Ваш заказ отправлен и будет доставлен завтра до обеда.",
    "Если вас не будет дома, курьер оставит посылку в ближайшем пункте выдачи.",
    "Спасибо за ожидание!",
    "Оператор подключится к разговору через две минуты.",
];

const GERMAN: &[&str] = &[
    "Die Rücksendung kostet 4,90 € und wird innerhalb von 14 Tagen erstattet.",
    "Ihre Bestellung über 129,00 € wurde heute verschickt.",
    "Möchten Sie die Lieferadresse ändern?",
    "Vielen Dank für Ihre Geduld, wir melden uns in Kürze.",
];

/// A small deterministic generator (xorshift64), so the text is the same on
/// every run without depending on a random-number crate.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// About 64 KiB of mixed-script customer-service text: paragraphs of
/// English, Chinese (with `。！？` and emoji, including a skin tone and a ZWJ
/// family), Arabic, Russian and German (with `€`); sentences separated by
/// spaces (none between Chinese sentences), single newlines and blank lines.
fn mixed_text(max_bytes: usize) -> String {
    let languages = [ENGLISH, CHINESE, ARABIC, RUSSIAN, GERMAN];
    let mut rng = XorShift(0x5EED_CAFE_F00D_1234);
    let mut text = String::with_capacity(max_bytes);
    'outer: for paragraph in 0.. {
        let sentences = languages[paragraph % languages.len()];
        let count = 2 + rng.below(5);
        for i in 0..count {
            let sentence = sentences[rng.below(sentences.len())];
            let sep = if i == 0 {
                if paragraph == 0 {
                    ""
                } else if rng.below(3) == 0 {
                    "\n"
                } else {
                    "\n\n"
                }
            } else if sentences == CHINESE {
                ""
            } else if rng.below(6) == 0 {
                "\n"
            } else {
                " "
            };
            if text.len() + sep.len() + sentence.len() > max_bytes {
                break 'outer;
            }
            text.push_str(sep);
            text.push_str(sentence);
        }
    }
    text
}

/// Cycles through `sentences`, joined by `sep`, adding each one that still
/// fits in `max_bytes`, until none does.
fn repeat_sentences(sentences: &[&str], sep: &str, max_bytes: usize) -> String {
    let mut text = String::new();
    let mut misses = 0;
    for sentence in sentences.iter().cycle() {
        let sep = if text.is_empty() { "" } else { sep };
        if text.len() + sep.len() + sentence.len() > max_bytes {
            misses += 1;
            if misses == sentences.len() {
                break;
            }
            continue;
        }
        misses = 0;
        text.push_str(sep);
        text.push_str(sentence);
    }
    text
}

/// 1 KiB of GSM-7 English with a few extension characters (`€`, `{`, `}`).
fn gsm7_1k() -> String {
    let sentences = [
        "Your order #4471 has shipped and will arrive on Friday.",
        "The total was 42.50 € including delivery.",
        "Reply with your reference in braces, e.g. {A-123}, to change the date.",
        "Questions? Call us on +44 20 7946 0000 (9:00-17:00, Mon-Fri).",
        "Thanks for shopping with us!",
    ];
    repeat_sentences(&sentences, " ", 1024)
}

/// 1 KiB of UCS-2 text: Chinese with emoji (surrogate pairs, a skin tone and
/// a ZWJ sequence).
fn ucs2_1k() -> String {
    repeat_sentences(CHINESE, "", 1024)
}

/// 1 KiB of Latin text that would be GSM-7 but for one curly apostrophe,
/// which forces the whole message to UCS-2.
fn curly_quote_1k() -> String {
    let quoted = "We’re ";
    let mut text = repeat_sentences(ENGLISH, " ", 1024 - quoted.len());
    let at = text.find("Did that").unwrap_or(0);
    text.insert_str(at, quoted);
    text
}

// ---------------------------------------------------------------------------
// Naive baseline
// ---------------------------------------------------------------------------

/// What a typical first splitter does: grow each part one grapheme cluster
/// at a time, re-measure the whole candidate prefix after every step, and when
/// it no longer fits back up to the last white space (or, with none, to the
/// last cluster that fit).
///
/// It returns borrowed slices, which is cheaper than `render`'s owned parts:
/// the comparison errs in the baseline's favour.
fn naive_split(text: &str, fits: impl Fn(&str) -> bool) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let mut fit_end = 0;
        let mut last_space = 0;
        let mut all_fit = true;
        for (i, g) in rest.grapheme_indices(true) {
            if !fits(&rest[..i + g.len()]) {
                all_fit = false;
                break;
            }
            if g.chars().all(char::is_whitespace) {
                last_space = i;
            }
            fit_end = i + g.len();
        }
        if all_fit {
            parts.push(rest);
            break;
        }
        let cut = if last_space > 0 { last_space } else { fit_end };
        assert!(cut > 0, "a single grapheme cluster exceeds the limit");
        parts.push(rest[..cut].trim_end());
        rest = rest[cut..].trim_start();
    }
    parts
}

/// SMS: at most 10 segments, re-analyzing the whole prefix every step.
fn naive_sms(text: &str) -> Vec<&str> {
    naive_split(text, |prefix| analyze(prefix).segments <= 10)
}

/// WhatsApp: at most 4,096 UTF-16 units, re-encoding the whole prefix every
/// step.
fn naive_whatsapp(text: &str) -> Vec<&str> {
    naive_split(text, |prefix| prefix.encode_utf16().count() <= 4_096)
}

fn texts(out: &[Outbound]) -> Vec<&str> {
    out.iter()
        .map(|o| match o {
            Outbound::Text { text, .. } => text.as_str(),
            other => panic!("unexpected part {other:?}"),
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Benchmarks
// ---------------------------------------------------------------------------

/// Size of the text rendered by `switchboard/*`.
const TEXT_BYTES: usize = 64 * 1024;

fn render_split_64k(c: &mut Criterion) {
    let text = mixed_text(TEXT_BYTES);
    let content = Content::text(text.as_str());
    let sms = Capabilities::sms();
    let whatsapp = Capabilities::whatsapp();

    // Check once, outside the measurements, that every splitter does the job.
    let rendered = render(&content, &sms, WindowState::Open).expect("renders for SMS");
    assert!(texts(&rendered).iter().all(|p| analyze(p).segments <= 10));
    let rendered = render(&content, &whatsapp, WindowState::Open).expect("renders for WhatsApp");
    assert!(
        texts(&rendered)
            .iter()
            .all(|p| p.encode_utf16().count() <= 4_096)
    );
    assert!(naive_sms(&text).iter().all(|p| analyze(p).segments <= 10));
    assert!(
        naive_whatsapp(&text)
            .iter()
            .all(|p| p.encode_utf16().count() <= 4_096)
    );

    let mut group = c.benchmark_group("render_split_64k");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Bytes(text.len() as u64));

    group.bench_function("switchboard/sms", |b| {
        b.iter(|| render(black_box(&content), &sms, WindowState::Open))
    });
    group.bench_function("switchboard/whatsapp", |b| {
        b.iter(|| render(black_box(&content), &whatsapp, WindowState::Open))
    });
    // The naive splitters take 0.05 to 0.5 s per run: fewer samples of equal
    // size keep the run short. They still split the whole 64 KiB text.
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(4))
        .sampling_mode(SamplingMode::Flat);
    group.bench_function("naive/sms", |b| b.iter(|| naive_sms(black_box(&text))));
    group.bench_function("naive/whatsapp", |b| {
        b.iter(|| naive_whatsapp(black_box(&text)))
    });
    group.finish();
}

fn sms_analyze_1k(c: &mut Criterion) {
    let inputs = [
        ("gsm7", gsm7_1k()),
        ("ucs2", ucs2_1k()),
        ("curly_quote", curly_quote_1k()),
    ];

    for (name, text) in &inputs {
        let info = analyze(text);
        let gsm = info.encoding == SmsEncoding::Gsm7;
        assert_eq!(gsm, *name == "gsm7", "{name}: {info:?}");
        let split = sms_splitter::SplitSms::default().split(text.clone());
        assert_eq!(split.character_set == "GSM", gsm, "{name}");
    }

    let mut group = c.benchmark_group("sms_analyze_1k");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for (name, text) in &inputs {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::new("switchboard", name), text, |b, text| {
            b.iter(|| analyze(black_box(text)))
        });
        // `SplitSms::split` takes the message as an owned `String`, so the
        // copy of the text (a 1 KiB allocation and memcpy) is part of what a
        // caller pays for it and is measured with it.
        group.bench_with_input(BenchmarkId::new("sms_splitter", name), text, |b, text| {
            b.iter(|| sms_splitter::SplitSms::default().split(black_box(text).clone()))
        });
    }
    group.finish();
}

/// One letter under `marks` combining acute accents: one grapheme cluster.
fn stacked_marks(marks: usize) -> String {
    format!("a{}", "\u{301}".repeat(marks))
}

fn stacked_marks_linear(c: &mut Criterion) {
    let sms = Capabilities::sms();
    let mut group = c.benchmark_group("stacked_marks");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sampling_mode(SamplingMode::Flat);
    for marks in [50_000, 500_000] {
        let zalgo = stacked_marks(marks);
        let plain = repeat_sentences(CHINESE, "", zalgo.len());
        let content = Content::text(zalgo.as_str());
        assert!(render(&content, &sms, WindowState::Open).is_err());
        assert_eq!(analyze(&zalgo).segments, (marks + 1).div_ceil(67));
        group.throughput(Throughput::Bytes(zalgo.len() as u64));
        group.bench_with_input(BenchmarkId::new("analyze", marks), &zalgo, |b, text| {
            b.iter(|| analyze(black_box(text)))
        });
        group.bench_with_input(
            BenchmarkId::new("analyze_chinese", marks),
            &plain,
            |b, text| b.iter(|| analyze(black_box(text))),
        );
        group.bench_with_input(
            BenchmarkId::new("render_sms", marks),
            &content,
            |b, content| b.iter(|| render(black_box(content), &sms, WindowState::Open)),
        );
    }
    group.finish();
}

criterion_group!(
    benches,
    render_split_64k,
    sms_analyze_1k,
    stacked_marks_linear
);
criterion_main!(benches);
