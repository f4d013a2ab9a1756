//! Why a notification or a consent change was refused as input.

/// A `notify` or `consent` input that cannot be accepted; it changed
/// nothing. Reported as [`InputError::Notify`](crate::engine::InputError::Notify).
///
/// ```
/// use switchboard::notify::NotifyError;
///
/// let e = NotifyError::MissingValue { campaign: "order_delayed".into(), placeholder: "eta".into() };
/// assert_eq!(e.to_string(), "campaign `order_delayed` needs a value for `{eta}`: add it to `values`");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NotifyError {
    /// Neither a contact nor a channel address.
    #[error("a notification needs `contact`, or `channel` and `address`")]
    NoRecipient,
    /// Both a contact and a channel address.
    #[error("give a notification `contact` or `channel` and `address`, not both")]
    TwoRecipients,
    /// A campaign the configuration does not declare.
    #[error("no campaign `{campaign}` under [campaigns]{}", suggestion(.help))]
    UnknownCampaign {
        /// The campaign named.
        campaign: String,
        /// A close name, or how to declare it.
        help: String,
    },
    /// No campaign and no purpose.
    #[error("a notification without a campaign needs a `purpose`: transactional or marketing")]
    NoPurpose,
    /// A purpose that contradicts the campaign's.
    #[error("campaign `{campaign}` is {declared}, but the notification says {given}")]
    PurposeConflict {
        /// The campaign.
        campaign: String,
        /// Its purpose.
        declared: super::Purpose,
        /// The notification's.
        given: super::Purpose,
    },
    /// Nothing to send.
    #[error(
        "a notification needs `content` or a `template` (or a campaign with `text` or `template`)"
    )]
    NothingToSend,
    /// A campaign placeholder without a value.
    #[error("campaign `{campaign}` needs a value for `{{{placeholder}}}`: add it to `values`")]
    MissingValue {
        /// The campaign.
        campaign: String,
        /// The placeholder, without braces.
        placeholder: String,
    },
}

fn suggestion(help: &str) -> String {
    if help.is_empty() {
        String::new()
    } else {
        format!("; {help}")
    }
}
