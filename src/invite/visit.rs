//! A visitor's page view or app screen: the `visit` input.

use serde::{Deserialize, Serialize};

use crate::model::{Address, Attributes, ChannelKind};

/// A visitor viewed a page of the website or a screen of the app: the
/// [`visit`](crate::engine::Input::Visit) input. The web chat or in-app
/// widget reports each view; the engine keeps the visitor's current page
/// and decides whether to show an invitation, now or once the visitor has
/// spent long enough on it.
///
/// Everything but the channel, the visitor and the page is optional; what
/// is missing reads as missing in an invitation's `when` (a comparison
/// with it is false).
///
/// ```json
/// {"type": "visit", "channel": "webchat", "visitor": "v-8c1f", "url": "https://shop.example/checkout",
///  "title": "Checkout", "referrer": "https://www.google.com/", "pages": 4, "visits": 2,
///  "cart_value": 149.9, "returning": true, "lang": "de", "country": "DE", "attributes": {"plan": "pro"}}
/// ```
///
/// A later report on the same page carries the seconds spent on it so far
/// in `time_on_page`; a view without it starts the page's clock at zero.
///
/// ```
/// use switchboard::invite::Visit;
/// use switchboard::engine::Input;
/// use switchboard::{Address, ChannelKind};
///
/// let v = Visit::new(ChannelKind::WebChat, Address::new_unchecked("v-8c1f"), "https://shop.example/checkout")
///     .with_title("Checkout")
///     .with_cart_value(149.9);
/// let json = serde_json::to_string(&Input::Visit(v.clone()))?;
/// assert!(json.starts_with(r#"{"type":"visit","channel":"webchat","visitor":"v-8c1f""#));
/// assert_eq!(serde_json::from_str::<Input>(&json)?, Input::Visit(v));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Visit {
    /// `webchat` or `in_app`: the channels whose widget sees page views
    /// and can show an invitation.
    pub channel: ChannelKind,
    /// The visitor's address on the channel: the widget's visitor id, the
    /// one its messages come from.
    pub visitor: Address,
    /// The page's URL, or the app screen's name (`visit.url`).
    pub url: String,
    /// The page's title (`visit.title`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The page the visitor came from (`visit.referrer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
    /// Seconds already spent on this page, when the host reports the same
    /// page again (`visit.time_on_page` counts on from it); 0 or more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_on_page: Option<f64>,
    /// Pages viewed in this visit, this one included (`visit.pages`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    /// The visitor's visits so far, this one included (`visit.visits`). A
    /// new number starts a new visit for `max_per_visit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visits: Option<u32>,
    /// The value of the visitor's cart (`visit.cart_value`); 0 or more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cart_value: Option<f64>,
    /// Whether the visitor has been here before (`visit.returning`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returning: Option<bool>,
    /// The visitor's language, a BCP 47 tag such as `de` (`visit.lang`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// The visitor's country, an ISO 3166-1 code of two letters such as
    /// `DE` (`visit.country`, always in capitals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// What else the host knows (`visit.attributes.<name>`).
    #[serde(default, skip_serializing_if = "Attributes::is_empty")]
    pub attributes: Attributes,
}

impl Visit {
    /// A view of `url` by `visitor` on `channel`, with nothing else known.
    pub fn new(channel: ChannelKind, visitor: Address, url: impl Into<String>) -> Visit {
        Visit {
            channel,
            visitor,
            url: url.into(),
            title: None,
            referrer: None,
            time_on_page: None,
            pages: None,
            visits: None,
            cart_value: None,
            returning: None,
            lang: None,
            country: None,
            attributes: Attributes::new(),
        }
    }

    /// Sets the page's title.
    pub fn with_title(mut self, title: impl Into<String>) -> Visit {
        self.title = Some(title.into());
        self
    }

    /// Sets the referrer.
    pub fn with_referrer(mut self, referrer: impl Into<String>) -> Visit {
        self.referrer = Some(referrer.into());
        self
    }

    /// Sets the seconds already spent on the page: a later report on the
    /// same page.
    pub fn with_time_on_page(mut self, seconds: f64) -> Visit {
        self.time_on_page = Some(seconds);
        self
    }

    /// Sets the pages viewed in this visit.
    pub fn with_pages(mut self, pages: u32) -> Visit {
        self.pages = Some(pages);
        self
    }

    /// Sets the visitor's number of visits.
    pub fn with_visits(mut self, visits: u32) -> Visit {
        self.visits = Some(visits);
        self
    }

    /// Sets the cart's value.
    pub fn with_cart_value(mut self, value: f64) -> Visit {
        self.cart_value = Some(value);
        self
    }

    /// Sets whether the visitor has been here before.
    pub fn returning(mut self, returning: bool) -> Visit {
        self.returning = Some(returning);
        self
    }

    /// Sets the visitor's language.
    pub fn with_lang(mut self, lang: impl Into<String>) -> Visit {
        self.lang = Some(lang.into());
        self
    }

    /// Sets the visitor's country (two letters).
    pub fn with_country(mut self, country: impl Into<String>) -> Visit {
        self.country = Some(country.into());
        self
    }

    /// Sets what else the host knows.
    pub fn with_attributes(mut self, attributes: Attributes) -> Visit {
        self.attributes = attributes;
        self
    }
}
