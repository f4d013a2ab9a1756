//! Rendering scenarios across the channel presets, ending at a channel that
//! checks what it is sent.

use pollster::block_on;
use switchboard::channel::{
    Capabilities, Channel, MemoryChannel, Outbound, RenderError, TextUnit, WindowState, render,
};
use switchboard::{
    Address, Attachment, AttachmentKind, ChannelKind, Content, Location, QuickReply, TemplateRef,
};
use unicode_segmentation::UnicodeSegmentation;

fn order_update() -> Content {
    Content::text("Your order #1042 has shipped 🚚 and arrives tomorrow. Anything else?")
        .with_quick_replies([
            QuickReply::new("Track it", "track"),
            QuickReply::new("Talk to a person", "human"),
        ])
}

fn address(kind: &ChannelKind) -> Address {
    let raw = match kind {
        ChannelKind::Sms | ChannelKind::Voice => "+14155550100",
        ChannelKind::WhatsApp => "14155550100",
        ChannelKind::Messenger => "1254459154682919",
        ChannelKind::Email => "ana@example.com",
        _ => "visitor-1",
    };
    Address::new(kind, raw).unwrap()
}

#[test]
fn one_reply_fits_every_built_in_channel() {
    for kind in ChannelKind::BUILT_IN {
        // Given a channel that refuses anything not fitted to it
        let channel = MemoryChannel::new(kind.clone());
        // When the reply is rendered for it and sent
        let parts = render(&order_update(), channel.capabilities(), WindowState::Open).unwrap();
        for part in &parts {
            block_on(channel.send(&address(&kind), part)).unwrap();
        }
        // Then every part was accepted, and the choices survive as buttons or a list
        let sent = channel.sent();
        assert_eq!(sent.len(), parts.len(), "{kind}");
        let buttons: usize = sent
            .iter()
            .map(|s| match &s.outbound {
                Outbound::Text { quick_replies, .. } => quick_replies.len(),
                _ => 0,
            })
            .sum();
        let text: String = sent.iter().filter_map(|s| s.outbound.as_text()).collect();
        assert!(
            buttons == 2 || (text.contains("1. Track it") && text.contains("2. Talk to a person")),
            "{kind}: {text}"
        );
    }
}

#[test]
fn emoji_heavy_chinese_splits_for_sms_without_breaking_an_emoji() {
    // Given a long Chinese reply full of emoji, flags and a ZWJ family
    let text = "亲爱的顾客您好😊！您的包裹📦已从🇨🇳发出，预计三天内送达🇩🇪。\
                如需帮助请回复本短信，我们的客服👩‍👩‍👧团队会尽快联系您👍🏽。"
        .repeat(6);
    let caps = Capabilities::sms().with_max_segments(3);
    // When it is rendered for SMS with at most 3 segments per message
    let parts = render(&Content::text(text.clone()), &caps, WindowState::Open).unwrap();
    // Then there are several parts, each within 3 segments
    assert!(parts.len() > 1);
    let texts: Vec<&str> = parts.iter().map(|p| p.as_text().unwrap()).collect();
    for t in &texts {
        assert!(TextUnit::SmsSegments.measure(t) <= 3, "{t}");
        // each part ends at a sentence end
        assert!(t.ends_with(['。', '！']), "{t}");
    }
    // and joined they give back the text, cluster for cluster
    assert_eq!(texts.concat(), text);
    let clusters: Vec<&str> = text.graphemes(true).collect();
    let rejoined: Vec<&str> = texts.iter().flat_map(|t| t.graphemes(true)).collect();
    assert_eq!(rejoined, clusters);
}

#[test]
fn closed_whatsapp_window_sends_the_template_while_sms_sends_text() {
    let content = Content::text("Your table for two is confirmed for 19:30.")
        .with_template(TemplateRef::new("booking_confirmed", "en_US").with_parameters(["19:30"]));
    let wa = render(&content, &Capabilities::whatsapp(), WindowState::Closed).unwrap();
    assert!(
        matches!(&wa[..], [Outbound::Template { template }] if template.name == "booking_confirmed")
    );
    let window = Capabilities::sms().window_state(None, switchboard::Timestamp::EPOCH);
    let sms = render(&content, &Capabilities::sms(), window).unwrap();
    assert_eq!(
        sms,
        [Outbound::text("Your table for two is confirmed for 19:30.")]
    );
}

#[test]
fn media_and_location_degrade_to_links_on_sms() {
    let content = Content::text("Here is your invoice and our address.")
        .with_attachment(
            Attachment::new(AttachmentKind::File, "https://shop.example/inv/1042.pdf")
                .with_caption("Invoice 1042"),
        )
        .with_location(Location::new(48.8584, 2.2945).with_label("Paris store"));
    let sms = render(&content, &Capabilities::sms(), WindowState::Open).unwrap();
    assert_eq!(
        sms,
        [Outbound::text(
            "Here is your invoice and our address.\n\n\
             Invoice 1042\nhttps://shop.example/inv/1042.pdf\n\n\
             Paris store\nhttps://www.google.com/maps/search/?api=1&query=48.8584,2.2945"
        )]
    );
    let web = render(&content, &Capabilities::webchat(), WindowState::Open).unwrap();
    assert_eq!(web.len(), 3);
    assert!(matches!(web[1], Outbound::Attachment { .. }));
    assert!(matches!(web[2], Outbound::Location { .. }));
}

#[test]
fn bad_input_gets_defined_results() {
    let open = WindowState::Open;
    // megabytes of text
    let huge = "Lorem ipsum dolor sit amet. ".repeat(40_000);
    let parts = render(&Content::text(huge), &Capabilities::messenger(), open).unwrap();
    assert!(parts.len() > 500);
    // a zero limit
    let zero = Capabilities::sms().with_max_segments(0);
    assert!(render(&Content::text("hi"), &zero, open).is_err());
    // a lone combining mark and control characters
    // are passed on as they are, one part each; blank text is nothing to
    // send.
    for caps in [Capabilities::sms(), Capabilities::whatsapp()] {
        for odd in ["\u{301}", "\u{0}\u{7}\u{1b}", "a\u{202e}b"] {
            let parts = render(&Content::text(odd), &caps, open).unwrap();
            assert_eq!(parts.len(), 1, "{odd:?}");
            assert_eq!(parts[0].as_text(), Some(odd));
        }
        assert_eq!(
            render(&Content::text("\r\n\r\n"), &caps, open),
            Err(RenderError::Empty)
        );
    }
    assert!(render(&Content::text("\u{301}"), &Capabilities::sms(), open).is_ok());
}

#[test]
fn stacked_combining_marks_are_refused_in_linear_time_with_the_reason() {
    // Given one letter under 500,000 combining accents: a single grapheme
    // cluster of 500,001 code points, which once took 20 s to refuse
    let zalgo = format!("Hello a{}", "\u{301}".repeat(500_000));
    // When it is rendered for SMS and for WhatsApp
    for (caps, needed, max) in [
        (Capabilities::sms(), 7_463, 10),
        (Capabilities::whatsapp(), 500_001, 4_096),
    ] {
        let err = render(&Content::text(zalgo.as_str()), &caps, WindowState::Open).unwrap_err();
        // Then it is a typed error naming the cluster and what to do
        let RenderError::Split { error } = &err else {
            panic!("unexpected {err:?}");
        };
        assert_eq!((error.at, error.code_points), (6, 500_001));
        assert_eq!((error.needed, error.max), (needed, max));
        assert!(
            err.to_string()
                .contains("remove the stacked combining marks"),
            "{err}"
        );
    }
}
