//! Page views and invitation dismissals for the engine target: visitors
//! on web chat and in app (and on SMS, which is refused), URLs that match
//! the target's invitations or not, times on page and cart values
//! including negative, NaN and infinite ones, visit numbers, countries of
//! two letters and not, texts over the limit.

use switchboard::engine::Input;
use switchboard::invite::{InvitationId, Visit};
use switchboard::{Address, Attributes, ChannelKind, Value};

use crate::Bytes;

/// The invitations the engine target's configuration declares, and one
/// it does not.
pub const INVITATIONS: [&str; 3] = ["pricing", "cart", "ghost"];

const VISITORS: [(&str, ChannelKind); 5] = [
    ("visitor-1", ChannelKind::WebChat),
    ("visitor-2", ChannelKind::WebChat),
    ("app-1", ChannelKind::InApp),
    ("", ChannelKind::WebChat),
    ("+14155550100", ChannelKind::Sms),
];
const URLS: [&str; 4] = [
    "https://shop.example/pricing",
    "https://shop.example/checkout",
    "app://home",
    "https://shop.example/a-url-far-too-long-for-the-sixty-four-byte-limit-of-the-target",
];
const NUMBERS: [f64; 8] = [0.0, 4.999, 5.0, 29.5, 250.0, -1.0, f64::NAN, f64::INFINITY];
const COUNTRIES: [&str; 4] = ["DE", "at", "DEU", "1x"];

/// A page view, or `None` when the input ran out.
pub fn visit(b: &mut Bytes<'_>) -> Option<Input> {
    let (who, ch) = b.pick(&VISITORS)?;
    let mut v = Visit::new(ch, Address::new_unchecked(who), b.pick(&URLS)?);
    let flags = b.byte()?;
    if flags & 1 != 0 {
        v.time_on_page = Some(b.pick(&NUMBERS)?);
    }
    if flags & 2 != 0 {
        v.cart_value = Some(b.pick(&NUMBERS)?);
    }
    if flags & 4 != 0 {
        v.pages = Some(u32::from(b.byte()? % 6));
    }
    if flags & 8 != 0 {
        v.visits = Some(u32::from(b.byte()? % 3));
    }
    if flags & 16 != 0 {
        v.country = Some(b.pick(&COUNTRIES)?.to_owned());
    }
    if flags & 32 != 0 {
        v.title = Some("Pricing".into());
        v.returning = Some(flags & 64 != 0);
    }
    if flags & 128 != 0 {
        v.attributes = Attributes::from([("plan".to_string(), Value::from("pro"))]);
    }
    Some(Input::Visit(v))
}

/// A dismissal, or `None` when the input ran out.
pub fn dismissal(b: &mut Bytes<'_>) -> Option<Input> {
    let (who, ch) = b.pick(&VISITORS)?;
    Some(Input::InvitationDismissed {
        channel: ch,
        visitor: Address::new_unchecked(who),
        invitation: InvitationId::new(b.pick(&INVITATIONS)?),
    })
}
