//! Why a business writes first, and what consent each purpose needs on
//! each channel.

use serde::{Deserialize, Serialize};

use crate::model::ChannelKind;

/// Why a business-initiated message is sent: the purpose decides which
/// consent it needs ([`ConsentPolicy`]) and which frequency caps count it.
///
/// ```
/// use switchboard::notify::Purpose;
///
/// assert_eq!(serde_json::to_string(&Purpose::Marketing)?, r#""marketing""#);
/// assert_eq!("transactional".parse::<Purpose>(), Ok(Purpose::Transactional));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Purpose {
    /// About something the customer already does with the business: an
    /// order's delay, a changed gate, tomorrow's appointment.
    Transactional,
    /// Offers and promotions.
    Marketing,
}

/// Every purpose, in order.
pub const PURPOSES: [Purpose; 2] = [Purpose::Transactional, Purpose::Marketing];

impl Purpose {
    /// Its name in the configuration and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Transactional => "transactional",
            Purpose::Marketing => "marketing",
        }
    }
}

impl std::fmt::Display for Purpose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Purpose {
    type Err = String;

    fn from_str(s: &str) -> Result<Purpose, String> {
        PURPOSES
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| format!("unknown purpose `{s}`: use transactional or marketing"))
    }
}

/// What consent a purpose needs on a channel before the business may write
/// first. Whatever the requirement, an opt-out (STOP, an unsubscribe)
/// always blocks.
///
/// ```
/// use switchboard::notify::Requirement;
///
/// assert_eq!(serde_json::from_str::<Requirement>(r#""double_opt_in""#)?, Requirement::DoubleOptIn);
/// assert!(Requirement::DoubleOptIn.needs_opt_in());
/// assert!(!Requirement::None.needs_opt_in());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Requirement {
    /// No opt-in needed; only an opt-out blocks (e-mail receipts, or an
    /// SMS about an order the customer gave their number for).
    None,
    /// An explicit opt-in for this purpose, recorded with its source.
    OptIn,
    /// An opt-in the customer confirmed from the address itself: the
    /// engine sends a confirmation request ("reply YES") and counts the
    /// opt-in only once the answer comes.
    DoubleOptIn,
}

impl Requirement {
    /// Its name in the configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Requirement::None => "none",
            Requirement::OptIn => "opt_in",
            Requirement::DoubleOptIn => "double_opt_in",
        }
    }

    /// Whether an opt-in must be on record.
    pub fn needs_opt_in(self) -> bool {
        !matches!(self, Requirement::None)
    }

    /// The requirement named `s` in the configuration.
    pub(crate) fn parse(s: &str) -> Option<Requirement> {
        [
            Requirement::None,
            Requirement::OptIn,
            Requirement::DoubleOptIn,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// What each purpose needs on one channel (`[consent.<channel>]`).
///
/// Channels have these policies unless the configuration says otherwise:
///
/// | channel | transactional | marketing | why |
/// |---|---|---|---|
/// | `sms` | `none` | `opt_in` | carriers (CTIA) and the TCPA: marketing texts need express written consent; any STOP blocks every text |
/// | `whatsapp` | `opt_in` | `opt_in` | WhatsApp Business policy: a business may write first only to people who opted in |
/// | `email` | `none` | `none` | CAN-SPAM is opt-out: an unsubscribe from marketing blocks marketing |
///
/// Other channels (Messenger, Apple Messages, web chat, in-app) have no
/// policy, so notifications never go out on them: they cannot reach a
/// customer outside a conversation the customer opened.
///
/// ```
/// use switchboard::ChannelKind;
/// use switchboard::notify::{ConsentPolicy, Purpose, Requirement};
///
/// let sms = ConsentPolicy::preset(&ChannelKind::Sms).unwrap();
/// assert_eq!(sms.requirement(Purpose::Marketing), Requirement::OptIn);
/// assert!(ConsentPolicy::preset(&ChannelKind::WebChat).is_none());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConsentPolicy {
    /// What transactional messages need.
    pub transactional: Requirement,
    /// What marketing messages need.
    pub marketing: Requirement,
}

impl ConsentPolicy {
    /// A policy with these requirements.
    pub fn new(transactional: Requirement, marketing: Requirement) -> ConsentPolicy {
        ConsentPolicy {
            transactional,
            marketing,
        }
    }

    /// The built-in policy for `channel` (see the table above); `None` for
    /// channels a business cannot write first on.
    pub fn preset(channel: &ChannelKind) -> Option<ConsentPolicy> {
        use Requirement::{None as Free, OptIn};
        match channel.as_str() {
            "sms" => Some(ConsentPolicy::new(Free, OptIn)),
            "whatsapp" => Some(ConsentPolicy::new(OptIn, OptIn)),
            "email" => Some(ConsentPolicy::new(Free, Free)),
            _ => None,
        }
    }

    /// What `purpose` needs.
    pub fn requirement(&self, purpose: Purpose) -> Requirement {
        match purpose {
            Purpose::Transactional => self.transactional,
            Purpose::Marketing => self.marketing,
        }
    }
}
