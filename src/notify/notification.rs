//! The inputs that make the business write first, and that record
//! consent.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::consent::ConsentSource;
use super::purpose::Purpose;
use crate::model::{Address, ChannelKind, ContactId, Content, TemplateRef};

/// A message the business sends first: the `notify` input.
///
/// Address it to a contact (the engine picks the channel: the contact's
/// `preferred_channel` attribute first, then `[notifications] fallback`) or
/// to one channel address. Give it a campaign declared under
/// `[campaigns.<id>]` — which says its purpose, its text with
/// `{placeholders}`, the approved template for closed reply windows and
/// its caps — and the `values` its placeholders need; or, without a
/// campaign, a purpose and the content (and a template for channels whose
/// reply window is closed).
///
/// ```
/// use switchboard::engine::Input;
/// use switchboard::notify::Notification;
/// use switchboard::ContactId;
///
/// let n = Notification::to_contact("crm-7").campaign("order_delayed").value("order", "1042").id("n-1");
/// let json = r#"{"type":"notify","id":"n-1","contact":"crm-7","campaign":"order_delayed","values":{"order":"1042"}}"#;
/// assert_eq!(serde_json::from_str::<Input>(json)?, Input::Notify(n));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Notification {
    /// The host's id for it, repeated in every output about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The contact to reach.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactId>,
    /// Or the one channel to send on, with `address`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<ChannelKind>,
    /// The address on `channel`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// The campaign, declared under `[campaigns.<id>]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
    /// The purpose; the campaign's when it has one (and then it must
    /// agree).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<Purpose>,
    /// What to send where the reply window is open or there is none; the
    /// campaign's text when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Content>,
    /// The approved template to send where the reply window is closed;
    /// the campaign's when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<TemplateRef>,
    /// Values for the campaign's `{placeholders}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, String>,
}

impl Notification {
    /// A notification to contact `contact`.
    pub fn to_contact(contact: impl Into<ContactId>) -> Notification {
        Notification {
            contact: Some(contact.into()),
            ..Notification::default()
        }
    }

    /// A notification to `address` on `channel` only.
    pub fn to_address(channel: ChannelKind, address: Address) -> Notification {
        Notification {
            channel: Some(channel),
            address: Some(address),
            ..Notification::default()
        }
    }

    /// Sets the host's id.
    pub fn id(mut self, id: impl Into<String>) -> Notification {
        self.id = Some(id.into());
        self
    }

    /// Sets the campaign.
    pub fn campaign(mut self, campaign: impl Into<String>) -> Notification {
        self.campaign = Some(campaign.into());
        self
    }

    /// Sets the purpose.
    pub fn purpose(mut self, purpose: Purpose) -> Notification {
        self.purpose = Some(purpose);
        self
    }

    /// Sets the content.
    pub fn content(mut self, content: impl Into<Content>) -> Notification {
        self.content = Some(content.into());
        self
    }

    /// Sets the template for closed reply windows.
    pub fn template(mut self, template: TemplateRef) -> Notification {
        self.template = Some(template);
        self
    }

    /// Sets the value of placeholder `name`.
    pub fn value(mut self, name: impl Into<String>, value: impl Into<String>) -> Notification {
        self.values.insert(name.into(), value.into());
        self
    }
}

/// Consent given or withdrawn: the `consent` input.
///
/// `purpose` `None` opts the whole channel out (as an SMS STOP does) or
/// back in (as START does). An opt-in for a purpose whose channel policy
/// is [`DoubleOptIn`](super::Requirement::DoubleOptIn) and that did not
/// come from the address itself (a keyword) waits for confirmation: the
/// engine sends the channel's confirmation request and counts the opt-in
/// when the customer answers YES (or another opt-in keyword: START,
/// UNSTOP) within `[notifications] confirm_within`.
///
/// ```
/// use switchboard::engine::Input;
/// use switchboard::notify::{ConsentChange, ConsentUpdate, ConsentSource, Purpose, SourceKind};
/// use switchboard::{Address, ChannelKind};
///
/// let json = r#"{"type":"consent","channel":"sms","address":"+14155550100","purpose":"marketing",
///                "change":"opt_in","source":{"kind":"web_form","detail":"checkout"}}"#;
/// let Input::Consent(c) = serde_json::from_str::<Input>(json)? else { panic!() };
/// assert_eq!(c.change, ConsentChange::OptIn);
/// assert_eq!(c.source, ConsentSource::new(SourceKind::WebForm).with_detail("checkout"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ConsentUpdate {
    /// The channel.
    pub channel: ChannelKind,
    /// The address on it.
    pub address: Address,
    /// The purpose; `None` for the whole channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<Purpose>,
    /// In or out.
    pub change: ConsentChange,
    /// Where it came from.
    pub source: ConsentSource,
}

impl ConsentUpdate {
    /// A change of consent at `address` on `channel`.
    pub fn new(
        channel: ChannelKind,
        address: Address,
        purpose: Option<Purpose>,
        change: ConsentChange,
        source: ConsentSource,
    ) -> ConsentUpdate {
        ConsentUpdate {
            channel,
            address,
            purpose,
            change,
            source,
        }
    }
}

/// Consent given or withdrawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ConsentChange {
    /// Given.
    OptIn,
    /// Withdrawn.
    OptOut,
}
