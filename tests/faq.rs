//! The knowledge-base bot on a small English and Chinese article set
//! (`examples/data/faq.toml`): the right answers, fallbacks below the
//! threshold, and its suggestions reaching the agent in the handoff context
//! when the engine escalates after repeated fallbacks.

use switchboard::assign::{AgentProfile, Capacity, Presence};
use switchboard::bot::{
    Article, BotRequest, DEFAULT_CHOICE_THRESHOLD, DEFAULT_CHOICES_REPLY, FaqBot, FaqError,
};
use switchboard::channel::Outbound;
use switchboard::config::Config;
use switchboard::engine::{Action, BotTurn, Inbound, Input, Switchboard};
use switchboard::handoff::{BotContext, Reason, State};
use switchboard::{Address, AgentId, ChannelKind, Choice, ContactId, ConversationId, Timestamp};

fn bot() -> FaqBot {
    FaqBot::from_toml_str(include_str!("../examples/data/faq.toml")).expect("the article set loads")
}

fn ask(bot: &FaqBot, text: &str) -> BotTurn {
    let context = BotContext::new(ContactId::new("u1"), ChannelKind::WebChat);
    bot.turn(&BotRequest::new("c1", "faq", 1, text, context))
}

#[test]
fn english_questions_get_the_right_article() {
    let bot = bot();
    for (text, id) in [
        ("when are you open on saturday?", "faq:hours"),
        ("what time do you close", "faq:hours"),
        ("Where is my order??", "faq:track"),
        ("has my parcel been shipped", "faq:track"),
        ("how can I track my delivery", "faq:track"),
        ("I'd like a refund", "faq:returns"),
        ("what's the return policy", "faq:returns"),
        ("do you accept paypal", "faq:payment"),
    ] {
        let t = ask(&bot, text);
        assert_eq!(t.intent.as_deref(), Some(id), "{text:?} → {t:?}");
        assert!(!t.fallback, "{text:?}");
        let article = bot.article(&id["faq:".len()..]).unwrap();
        assert_eq!(t.reply_text(), Some(article.answer.as_str()));
        assert!(t.confidence.unwrap() >= bot.threshold());
    }
}

#[test]
fn chinese_questions_get_the_right_article() {
    let bot = bot();
    for (text, id) in [
        ("你们几点开门", "faq:hours-zh"),
        ("周末开门吗？", "faq:hours-zh"),
        ("我的订单在哪", "faq:track-zh"),
        ("我的包裹发货了没有", "faq:track-zh"),
        ("我想退款", "faq:returns-zh"),
        ("退货", "faq:returns-zh"),
    ] {
        let t = ask(&bot, text);
        assert_eq!(t.intent.as_deref(), Some(id), "{text:?} → {t:?}");
        assert!(
            t.reply_text()
                .is_some_and(|r| r.contains("example.com") || r.contains("营业"))
        );
    }
}

#[test]
fn messages_no_article_covers_fall_back_with_suggestions() {
    let bot = bot();
    for text in [
        "I want to book a table for four tonight",
        "my order arrived broken and I am furious about the driver",
        "我要预订明天的座位",
        "",
        "the and of",
    ] {
        let t = ask(&bot, text);
        assert!(t.fallback, "{text:?} should fall back: {t:?}");
        assert_eq!(t.intent, None);
        assert_eq!(t.confidence, None, "a fallback reports no confidence");
        assert_eq!(
            t.reply_text(),
            Some(switchboard::bot::DEFAULT_FALLBACK_REPLY)
        );
    }
    // A message that touches an article without being covered by it falls
    // back, but the article is suggested to the agent.
    let t = ask(
        &bot,
        "my order arrived broken and I am furious about the driver",
    );
    assert!(
        t.suggestions
            .iter()
            .any(|s| s.title == "track: Where is my order?"),
        "{t:?}"
    );
}

#[test]
fn the_threshold_decides_between_answer_and_fallback() {
    let mut bot = bot();
    let text = "opening hours and refunds";
    let conf = bot.best(text).unwrap().confidence;
    assert!(conf > 0.0 && conf < 1.0, "a partial match: {conf}");
    bot.set_threshold(conf).unwrap();
    assert!(!ask(&bot, text).fallback, "at the threshold it answers");
    bot.set_threshold((conf + 0.01).min(1.0)).unwrap();
    assert!(ask(&bot, text).fallback, "above it it falls back");
    assert!(matches!(bot.set_threshold(f64::NAN), Err(FaqError::Threshold(x)) if x.is_nan()));
    assert!(bot.set_threshold(-0.1).is_err());
}

#[test]
fn suggestions_are_ranked_and_limited() {
    let bot = FaqBot::new([
        Article::new("a", "Opening hours", "9 to 6"),
        Article::new("b", "Holiday opening hours", "Closed"),
        Article::new("c", "Opening hours of the outlet", "10 to 4"),
        Article::new("d", "Returns", "30 days"),
    ])
    .unwrap()
    .max_suggestions(2);
    let t = ask(&bot, "holiday opening hours");
    assert_eq!(
        t.suggestion_titles(),
        ["b: Holiday opening hours", "a: Opening hours"]
    );
    let all = bot.search("holiday opening hours");
    assert_eq!(all.len(), 3, "d shares no word");
    assert!(all.windows(2).all(|w| w[0].score >= w[1].score));
}

#[test]
fn bad_article_sets_are_refused_with_the_reason() {
    let long = "x".repeat(switchboard::bot::faq::MAX_FIELD + 1);
    let cases: Vec<(Vec<Article>, FaqError)> = vec![
        (vec![], FaqError::Empty),
        (
            vec![Article::new(" ", "Hours", "9 to 6")],
            FaqError::EmptyId(1),
        ),
        (
            vec![Article::new("h", "Hours", "  ")],
            FaqError::EmptyAnswer("h".into()),
        ),
        (
            vec![
                Article::new("h", "Hours", "9"),
                Article::new("h", "Hours", "9"),
            ],
            FaqError::DuplicateId("h".into()),
        ),
        (
            vec![Article::new("h", "?!", "9")],
            FaqError::NothingToMatch("h".into()),
        ),
        (
            vec![Article::new("h", "Hours", "9").question(long.clone())],
            FaqError::TooLong {
                id: "h".into(),
                field: "question",
                len: long.len(),
                max: switchboard::bot::faq::MAX_FIELD,
            },
        ),
    ];
    for (articles, want) in cases {
        assert_eq!(FaqBot::new(articles).unwrap_err(), want);
    }
    let err = FaqBot::from_toml_str("[[articles]]\nid = 1").unwrap_err();
    assert!(matches!(err, FaqError::Parse(_)), "{err}");
    let err =
        FaqBot::from_toml_str("[[articles]]\nid=\"a\"\ntitle=\"Hours\"\nanswer=\"x\"\nextra=1")
            .unwrap_err();
    assert!(err.to_string().contains("extra"), "{err}");
}

/// The whole loop through the engine: the bot answers what it knows, falls
/// back twice on what it does not, the engine escalates, and the agent's
/// offer carries the bot's suggestions.
#[test]
fn after_two_fallbacks_the_agent_sees_the_suggested_articles() {
    let config = Config::from_toml_str(
        r#"
[[queues]]
id = "support"

[bots.faq]

[escalation]
queue = "support"
max_fallbacks = 2

[[rules]]
id = "default"
when = "true"
then = { bot = "faq" }
"#,
    )
    .unwrap();
    let bot = bot();
    let mut sb = Switchboard::new(config);
    let mut now = Timestamp::from_millis(1_700_000_000_000);
    sb.handle(
        now,
        Input::AgentUpsert(
            AgentProfile::new("ana").with_capacity(Capacity::new([(ChannelKind::WebChat, 2)])),
        ),
    )
    .unwrap();
    sb.handle(
        now,
        Input::AgentStatus {
            agent: AgentId::new("ana"),
            status: Presence::Available,
        },
    )
    .unwrap();
    let mut offers = Vec::new();
    let mut sent = Vec::new();
    for text in [
        "when are you open?",
        "my parcel came damaged, who pays?",
        "the box was crushed and the delivery driver threw it",
    ] {
        now = now + std::time::Duration::from_secs(5);
        sb.handle(
            now,
            Input::Inbound(Inbound::new(
                ChannelKind::WebChat,
                Address::new_unchecked("visitor-7"),
                text,
            )),
        )
        .unwrap();
        // Answer every question the engine puts to the bot.
        while let Some(action) = sb.poll_action() {
            if let Some(ask) = BotRequest::from_action(&action) {
                sb.handle(now, Input::BotTurn(bot.turn(&ask))).unwrap();
            } else if let Action::Offer { context, .. } = &action {
                offers.push(context.clone());
            } else if let Action::Send { part, .. } = &action {
                sent.push(part.as_text().unwrap_or_default().to_owned());
            }
        }
    }
    let c1 = ConversationId::new("c1");
    assert_eq!(sent[0], bot.article("hours").unwrap().answer);
    assert_eq!(sb.conversation(&c1).unwrap().state(), State::Offered);
    assert_eq!(offers.len(), 1);
    let ctx = &offers[0];
    assert_eq!(ctx.reason, Some(Reason::BotFallbacks));
    assert!(
        ctx.suggestions
            .iter()
            .any(|s| s.title.starts_with("track:")),
        "the agent is pointed at the delivery article: {:?}",
        ctx.suggestions
    );
}

fn ask_picking(bot: &FaqBot, text: &str, choice: Choice) -> BotTurn {
    let context = BotContext::new(ContactId::new("u1"), ChannelKind::Sms);
    bot.turn(&BotRequest::new("c1", "faq", 2, text, context).with_choice(choice))
}

#[test]
fn close_articles_are_offered_as_choices_and_a_pick_is_answered_with_its_article() {
    let bot = bot().max_choices(3);
    let text = "refund to my card";
    let close: Vec<(String, String)> = bot
        .search(text)
        .into_iter()
        .filter(|m| m.confidence >= DEFAULT_CHOICE_THRESHOLD && m.confidence < bot.threshold())
        .map(|m| (m.title, format!("faq:{}", m.id)))
        .collect();
    assert_eq!(close.len(), 2, "two articles come close: {close:?}");

    let t = ask(&bot, text);
    assert!(t.fallback, "a choice is still a fallback: {t:?}");
    let reply = t.reply.expect("the choices are sent");
    assert_eq!(reply.text, DEFAULT_CHOICES_REPLY);
    let offered: Vec<(String, String)> = reply
        .quick_replies
        .iter()
        .map(|q| (q.title.clone(), q.payload.clone()))
        .collect();
    assert_eq!(
        offered, close,
        "in ranking order, titled and keyed by article"
    );

    // The customer's pick answers its article whatever the text says.
    let t = ask_picking(
        &bot,
        "2",
        Choice::new("faq:payment").with_title("Payment methods"),
    );
    assert!(!t.fallback);
    assert_eq!(t.intent.as_deref(), Some("faq:payment"));
    assert_eq!(t.confidence, Some(1.0));
    assert_eq!(
        t.reply_text(),
        Some(bot.article("payment").unwrap().answer.as_str())
    );

    // A pick that names no article is read as text like any message.
    for payload in ["faq:nothing", "payment", "track"] {
        let t = ask_picking(&bot, "2", Choice::new(payload));
        assert!(t.fallback, "{payload}: {t:?}");
        assert_eq!(
            t.reply_text(),
            Some(switchboard::bot::DEFAULT_FALLBACK_REPLY)
        );
    }
}

#[test]
fn no_choices_are_offered_unless_turned_on_or_when_none_come_close() {
    let text = "refund to my card";
    let t = ask(&bot(), text);
    assert!(t.reply.unwrap().quick_replies.is_empty(), "off by default");

    let mut bot = bot().max_choices(1);
    let t = ask(&bot, text);
    assert_eq!(
        t.reply.unwrap().quick_replies.len(),
        1,
        "at most max_choices"
    );

    let best = bot.best(text).unwrap().confidence;
    bot.set_choice_threshold((best + 0.01).min(1.0)).unwrap();
    let t = ask(&bot, text);
    let reply = t.reply.unwrap();
    assert!(reply.quick_replies.is_empty(), "none is close enough");
    assert_eq!(reply.text, switchboard::bot::DEFAULT_FALLBACK_REPLY);
    assert!(bot.set_choice_threshold(1.5).is_err());
    assert_eq!(bot.choice_threshold(), (best + 0.01).min(1.0), "unchanged");
}

/// "Did you mean …?" through the engine: the bot's choices are native
/// buttons on web chat; when the customer continues on SMS the same offer
/// is a numbered list, and "2" reaches the bot as the second article's id,
/// which it answers.
#[test]
fn choices_are_buttons_on_web_chat_a_numbered_list_on_sms_and_2_picks_the_second() {
    let config = Config::from_toml_str(
        "[[queues]]\nid = \"support\"\n[bots.faq]\n[defaults]\nbot = \"faq\"\n[escalation]\nmax_fallbacks = 3",
    )
    .unwrap();
    let bot = bot().max_choices(3);
    let mut sb = Switchboard::new(config);
    let now = Timestamp::from_millis(1_700_000_000_000);
    let question = "Can I pay by card, and get refunds on it?";
    let mut say = |channel: ChannelKind, from: &str, text: &str| {
        let m = Inbound::new(channel, Address::new_unchecked(from), text).with_contact_id("crm-1");
        sb.handle(now, Input::Inbound(m)).unwrap();
        let (mut sent, mut asked) = (Vec::new(), Vec::new());
        while let Some(action) = sb.poll_action() {
            if let Some(ask) = BotRequest::from_action(&action) {
                asked.push(ask.clone());
                sb.handle(now, Input::BotTurn(bot.turn(&ask))).unwrap();
            } else if let Action::Send { part, .. } = action {
                sent.push(part);
            }
        }
        (sent, asked)
    };

    let (sent, _) = say(ChannelKind::WebChat, "visitor-7", question);
    let [
        Outbound::Text {
            text,
            quick_replies,
        },
    ] = &sent[..]
    else {
        panic!("one text with buttons: {sent:?}")
    };
    assert_eq!(text, DEFAULT_CHOICES_REPLY);
    let buttons: Vec<(&str, &str)> = quick_replies
        .iter()
        .map(|q| (q.title.as_str(), q.payload.as_str()))
        .collect();
    assert_eq!(
        buttons,
        [
            ("Returns and refunds", "faq:returns"),
            ("Payment methods", "faq:payment")
        ]
    );

    let (sent, _) = say(ChannelKind::Sms, "+14155550100", question);
    let texts: Vec<Option<&str>> = sent.iter().map(Outbound::as_text).collect();
    assert_eq!(
        texts,
        [Some(
            "I am not sure I understood. Did you mean one of these?\n\n1. Returns and refunds\n2. Payment methods"
        )]
    );

    let (sent, asked) = say(ChannelKind::Sms, "+14155550100", "2");
    assert_eq!(
        asked[0].choice,
        Some(Choice::new("faq:payment").with_title("Payment methods"))
    );
    let texts: Vec<Option<&str>> = sent.iter().map(Outbound::as_text).collect();
    assert_eq!(
        texts,
        [Some(bot.article("payment").unwrap().answer.as_str())]
    );
}

proptest::proptest! {
    /// Any message, in any script: no panic, confidences between 0 and 1,
    /// matches ranked, and the turn is an answer exactly when the best
    /// match clears the threshold.
    #[test]
    fn any_message_gets_a_sound_turn(text in "\\PC{0,80}") {
        let bot = bot();
        let found = bot.search(&text);
        for m in &found {
            proptest::prop_assert!((0.0..=1.0).contains(&m.confidence), "{m:?}");
        }
        proptest::prop_assert!(found.windows(2).all(|w| w[0].score >= w[1].score));
        let t = ask(&bot, &text);
        let answers = found.first().is_some_and(|m| m.confidence >= bot.threshold());
        proptest::prop_assert_eq!(!t.fallback, answers);
        proptest::prop_assert_eq!(t.intent.is_some(), answers);
    }

    /// The best match and the turn's suggestions are the head of the full
    /// ranking, whatever the message (drawn from the articles' words, so
    /// that most messages match several articles).
    #[test]
    fn best_and_suggestions_are_the_head_of_the_ranking(
        text in "((opening|hours|open|refund|return|order|track|parcel|delivery|invoice|password|where|is|my|when|订单|退款|快递|营业) ?){1,6}"
    ) {
        let bot = bot();
        let found = bot.search(&text);
        proptest::prop_assert_eq!(bot.best(&text), found.first().cloned());
        let t = ask(&bot, &text);
        let head: Vec<String> = found
            .iter()
            .take(bot.suggestions_per_turn())
            .map(ToString::to_string)
            .collect();
        proptest::prop_assert_eq!(t.suggestion_titles(), head);
    }

    /// Any article set either indexes or is refused with a reason; never a
    /// panic.
    #[test]
    fn any_article_set_indexes_or_is_refused(
        set in proptest::collection::vec(("\\PC{0,6}", "\\PC{0,20}", "\\PC{0,20}", "\\PC{0,8}"), 0..6)
    ) {
        let articles = set
            .iter()
            .map(|(id, title, q, a)| Article::new(id.as_str(), title.as_str(), a.as_str()).question(q.as_str()));
        if let Ok(bot) = FaqBot::new(articles) {
            proptest::prop_assert_eq!(bot.len(), set.len());
            // An article is found by its own title (unless the title has
            // no searchable word at all).
            for (id, title, _, _) in &set {
                let found = bot.search(title);
                proptest::prop_assert!(found.is_empty() || found.iter().any(|m| m.id == *id));
            }
        }
    }
}
