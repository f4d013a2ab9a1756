//! Benchmarks for the knowledge-base bot: finding the article for a
//! customer's question, against the linear scan a newcomer would write.
//!
//! Articles are generated from a seed: four in five are English (a title
//! of 3 to 5 words and two questions of 6 to 9 words, drawn from 400
//! customer-service words and 2,000 product names), one in five Chinese
//! (a title and two questions of 6 to 12 characters drawn from 200 common
//! ones). Each query takes three to four words (or characters) of one
//! article's question and adds two the article does not need to have, as
//! customers do: "hey where is my <product> parcel please".
//!
//! * `faq/search/<n>`: [`FaqBot::best`] for one query over `n` articles
//!   (100, 1,000 and 10,000): tokenizing and stemming the query, the BM25
//!   index lookup, and the confidence of every article that shares a token.
//! * `faq/naive/<n>`: the baseline: every article's title and questions
//!   lower-cased once, up front; per query, lower-case it, split it on
//!   whitespace (Chinese into characters), and count for each article how
//!   many of the query's words occur in it as substrings; the article with
//!   the most wins. No stemming, no stop words, no weighting: it is faster
//!   to write, not better at answering.
//! * `faq/build/1000`: [`FaqBot::new`] over 1,000 articles, the index build.
//!
//! Run with `cargo bench --bench faq`.

#[path = "support/rng.rs"]
mod rng;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rng::Rng;
use switchboard::bot::{Article, FaqBot};

const WORDS: &[&str] = &[
    "order",
    "parcel",
    "delivery",
    "shipping",
    "refund",
    "return",
    "invoice",
    "payment",
    "card",
    "account",
    "password",
    "login",
    "address",
    "change",
    "cancel",
    "track",
    "tracking",
    "status",
    "late",
    "delayed",
    "damaged",
    "broken",
    "missing",
    "wrong",
    "size",
    "colour",
    "exchange",
    "warranty",
    "repair",
    "store",
    "opening",
    "hours",
    "holiday",
    "weekend",
    "price",
    "discount",
    "coupon",
    "code",
    "voucher",
    "gift",
    "subscription",
    "renew",
    "plan",
    "upgrade",
    "downgrade",
    "billing",
    "charge",
    "charged",
    "twice",
    "receipt",
    "tax",
    "vat",
    "international",
    "customs",
    "duty",
    "courier",
    "pickup",
    "locker",
    "collect",
    "reschedule",
    "appointment",
    "booking",
    "table",
    "reservation",
    "guest",
    "room",
    "checkin",
    "checkout",
    "luggage",
    "flight",
    "seat",
    "ticket",
    "event",
    "venue",
    "parking",
    "app",
    "update",
    "crash",
    "error",
    "install",
    "device",
    "battery",
    "screen",
    "charger",
    "cable",
    "bluetooth",
    "wifi",
    "setup",
    "manual",
    "instructions",
    "assembly",
    "parts",
    "spare",
    "stock",
    "available",
    "restock",
    "preorder",
    "backorder",
    "newsletter",
    "unsubscribe",
    "email",
    "phone",
    "number",
    "verify",
    "verification",
    "identity",
    "document",
    "privacy",
    "data",
    "delete",
    "export",
    "contract",
    "terms",
    "complaint",
    "feedback",
];

const FILLER: &[&str] = &[
    "hey", "hi", "please", "my", "the", "where", "is", "how", "can", "i", "do", "you", "when",
    "what", "why", "help", "need", "want", "to", "a", "for", "with", "thanks", "still", "again",
];

const HAN: &str = "订单包裹快递物流退款退货发票付款信用卡账户密码登录地址修改取消跟踪状态延迟损坏丢失错误尺寸颜色换货保修维修门店营业时间节假日周末价格折扣优惠券代码礼品卡订阅续费套餐升级降级账单收费两次收据税费国际海关关税快递员自提柜预约预订餐桌房间入住退房行李航班座位门票活动停车应用更新崩溃安装设备电池屏幕充电器线蓝牙无线网络设置说明书组装零件库存补货预售缺货邮件电话号码验证身份文件隐私数据删除导出合同条款投诉反馈";

/// Generated articles and the questions customers ask about them.
struct Corpus {
    articles: Vec<Article>,
    /// Each with the index of the article it was taken from.
    queries: Vec<(String, usize)>,
}

/// `min` to `min + spread - 1` words.
fn english(rng: &mut Rng, products: &[String], min: usize, spread: usize) -> Vec<String> {
    let words = min + rng.below(spread);
    (0..words)
        .map(|_| {
            if rng.chance(25) {
                products[rng.below(products.len())].clone()
            } else if rng.chance(30) {
                FILLER[rng.below(FILLER.len())].to_owned()
            } else {
                WORDS[rng.below(WORDS.len())].to_owned()
            }
        })
        .collect()
}

/// `min` to `min + spread - 1` characters.
fn chinese(rng: &mut Rng, han: &[char], min: usize, spread: usize) -> String {
    let chars = min + rng.below(spread);
    (0..chars).map(|_| han[rng.below(han.len())]).collect()
}

fn corpus(n: usize, seed: u64) -> Corpus {
    let mut rng = Rng(seed);
    let han: Vec<char> = HAN.chars().collect();
    let products: Vec<String> = (0..2_000).map(|i| format!("model{i}")).collect();
    let mut articles = Vec::with_capacity(n);
    let mut questions: Vec<(bool, String)> = Vec::with_capacity(n);
    for i in 0..n {
        let id = format!("a{i}");
        if rng.chance(20) {
            let title = chinese(&mut rng, &han, 6, 4);
            let q1 = chinese(&mut rng, &han, 8, 5);
            let q2 = chinese(&mut rng, &han, 8, 5);
            let answer = chinese(&mut rng, &han, 30, 1);
            questions.push((true, q1.clone()));
            articles.push(Article::new(id, title, answer).question(q1).question(q2));
        } else {
            let title = english(&mut rng, &products, 3, 3).join(" ");
            let q1 = english(&mut rng, &products, 6, 4).join(" ");
            let q2 = english(&mut rng, &products, 6, 4).join(" ");
            let answer = english(&mut rng, &products, 25, 1).join(" ");
            questions.push((false, q1.clone()));
            articles.push(Article::new(id, title, answer).question(q1).question(q2));
        }
    }
    let queries = (0..256)
        .map(|_| {
            let source = rng.below(questions.len());
            let (cjk, q) = &questions[source];
            let text = if *cjk {
                let chars: Vec<char> = q.chars().collect();
                let start = rng.below(chars.len() - 3);
                let part: String = chars[start..start + 3 + rng.below(2)].iter().collect();
                format!(
                    "{}{part}{}",
                    chinese(&mut rng, &han, 1, 1),
                    chinese(&mut rng, &han, 1, 1)
                )
            } else {
                let words: Vec<&str> = q.split(' ').collect();
                let start = rng.below(words.len() - 3);
                let part = words[start..start + 3 + rng.below(2)].join(" ");
                format!(
                    "{} {part} {}",
                    FILLER[rng.below(FILLER.len())],
                    WORDS[rng.below(WORDS.len())]
                )
            };
            (text, source)
        })
        .collect();
    Corpus { articles, queries }
}

/// The linear substring scan.
struct Naive {
    haystacks: Vec<String>,
}

impl Naive {
    fn new(articles: &[Article]) -> Naive {
        let haystacks = articles
            .iter()
            .map(|a| {
                let mut text = a.title.to_lowercase();
                for q in &a.questions {
                    text.push(' ');
                    text.push_str(&q.to_lowercase());
                }
                text
            })
            .collect();
        Naive { haystacks }
    }

    /// The index of the article with the most query words in it.
    fn best(&self, query: &str) -> Option<usize> {
        let query = query.to_lowercase();
        let mut terms: Vec<String> = Vec::new();
        for word in query.split_whitespace() {
            if !word.is_ascii() {
                terms.extend(word.chars().map(String::from));
            } else {
                terms.push(word.to_owned());
            }
        }
        let mut best = None;
        let mut best_hits = 0;
        for (i, hay) in self.haystacks.iter().enumerate() {
            let hits = terms.iter().filter(|t| hay.contains(t.as_str())).count();
            if hits > best_hits {
                best = Some(i);
                best_hits = hits;
            }
        }
        best
    }
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("faq");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    for n in [100, 1_000, 10_000] {
        let corpus = corpus(n, 0xFA9 + n as u64);
        let bot = FaqBot::new(corpus.articles.clone()).expect("articles");
        let naive = Naive::new(&corpus.articles);
        // Not timed: how often each finds the article the query was taken
        // from, so that the speed figures are read next to what they buy.
        let ids: std::collections::HashMap<&str, usize> = corpus
            .articles
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.as_str(), i))
            .collect();
        let hits = |best: &dyn Fn(&str) -> Option<usize>| {
            let right = corpus
                .queries
                .iter()
                .filter(|(q, source)| best(q) == Some(*source))
                .count();
            100 * right / corpus.queries.len()
        };
        let ours = hits(&|q| bot.best(q).map(|m| ids[m.id.as_str()]));
        let theirs = hits(&|q| naive.best(q));
        eprintln!(
            "faq/{n}: the source article comes first for {ours}% of queries, naive {theirs}%"
        );
        assert!(
            ours >= 50,
            "FaqBot finds the source article for {ours}% of queries"
        );
        let mut i = 0;
        group.bench_with_input(BenchmarkId::new("search", n), &n, |b, _| {
            b.iter(|| {
                i = (i + 1) % corpus.queries.len();
                black_box(bot.best(black_box(&corpus.queries[i].0)))
            })
        });
        let mut i = 0;
        group.bench_with_input(BenchmarkId::new("naive", n), &n, |b, _| {
            b.iter(|| {
                i = (i + 1) % corpus.queries.len();
                black_box(naive.best(black_box(&corpus.queries[i].0)))
            })
        });
    }
    let corpus = corpus(1_000, 0xB01D);
    group.bench_function(BenchmarkId::new("build", 1_000), |b| {
        b.iter(|| FaqBot::new(black_box(corpus.articles.clone())).expect("articles"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
