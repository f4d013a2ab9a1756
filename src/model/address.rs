//! Channel-specific handles: phone numbers, WhatsApp ids, page-scoped ids,
//! e-mail addresses.

use super::ChannelKind;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// Where a message comes from or goes to on one channel: a phone number for
/// SMS and voice, a WhatsApp id, a Messenger page-scoped id, an e-mail
/// address, or an opaque handle for web chat, in-app and custom channels.
///
/// [`Address::new`] validates and normalises a handle for its channel kind
/// (see the table there), so two spellings of one number are one address. On
/// the wire an address is a plain JSON string; a deserialized address has not
/// been checked against a channel yet, so adapters call
/// [`Address::check`] before they send.
///
/// # Examples
///
/// ```
/// use switchboard::{Address, ChannelKind};
///
/// let phone = Address::new(&ChannelKind::Sms, "+1 (415) 555-0100").unwrap();
/// assert_eq!(phone.as_str(), "+14155550100");
///
/// let wa = Address::new(&ChannelKind::WhatsApp, "whatsapp:+4915112345678").unwrap();
/// assert_eq!(wa.as_str(), "4915112345678");
///
/// let err = Address::new(&ChannelKind::Sms, "0151 1234").unwrap_err();
/// assert!(err.to_string().contains("E.164"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Address(std::sync::Arc<str>);

/// The longest address accepted, in bytes (the e-mail limit of RFC 5321 is
/// 254; opaque handles get the same bound).
pub const MAX_ADDRESS_LEN: usize = 254;

/// An address that is not valid for its channel.
///
/// Each variant says what was expected, so the message can be shown to the
/// person who typed the address.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum AddressError {
    /// The address is empty (or only white space).
    #[error("empty {channel} address: give the sender's or recipient's handle")]
    Empty {
        /// The channel the address was meant for.
        channel: ChannelKind,
    },
    /// The address is longer than [`MAX_ADDRESS_LEN`].
    #[error("{channel} address is {len} bytes long; at most {MAX_ADDRESS_LEN} are accepted")]
    TooLong {
        /// The channel the address was meant for.
        channel: ChannelKind,
        /// Its length in bytes.
        len: usize,
    },
    /// The address does not have the form its channel uses.
    #[error("`{value}` is not a valid {channel} address: expected {expected}")]
    Malformed {
        /// The channel the address was meant for.
        channel: ChannelKind,
        /// The rejected text.
        value: String,
        /// What the channel expects, for a person to read.
        expected: String,
    },
}

const E164: &str = "an E.164 phone number such as +14155550100 (a '+', the country code, then 7 to 15 digits in all)";
const WA_ID: &str =
    "a WhatsApp id: the number in international form, digits only, such as 4915112345678";
const PSID: &str = "a Messenger page-scoped id: digits only, such as 1254459154682919";
const EMAIL: &str = "an e-mail address such as ana@example.com";
const OPAQUE: &str = "a handle without white space or control characters";

impl Address {
    /// Validates `raw` for a channel of `kind` and returns it in canonical form.
    ///
    /// | kind | accepted | canonical form |
    /// |---|---|---|
    /// | sms, voice | E.164 with optional spaces, `-`, `.`, `(`, `)` | `+` and digits |
    /// | whatsapp | digits, with optional `+` and `whatsapp:` prefix | digits |
    /// | messenger | a page-scoped id (digits) | digits |
    /// | email | `local@domain`, domain with a dot | domain lower-cased |
    /// | others | any text without white space or control characters | trimmed |
    ///
    /// National phone formats (`0151 …`) are refused rather than guessed: the
    /// country is not knowable here.
    ///
    /// # Errors
    ///
    /// [`AddressError`] says what is wrong and what was expected.
    pub fn new(kind: &ChannelKind, raw: &str) -> Result<Address, AddressError> {
        Ok(Address(Arc::from(&*canonical(kind, raw)?)))
    }

    /// Wraps a handle without validating it, for addresses read from a trusted
    /// store. Prefer [`Address::new`].
    pub fn new_unchecked(raw: impl Into<String>) -> Address {
        Address(raw.into().into())
    }

    /// Checks that this address is valid and canonical for a channel of `kind`.
    ///
    /// # Errors
    ///
    /// The [`AddressError`] that [`Address::new`] would give, or
    /// [`AddressError::Malformed`] if the address is valid but not in
    /// canonical form.
    ///
    /// # Examples
    ///
    /// ```
    /// use switchboard::{Address, ChannelKind};
    ///
    /// let a = Address::new_unchecked("+14155550100");
    /// assert!(a.check(&ChannelKind::Sms).is_ok());
    /// assert!(a.check(&ChannelKind::Email).is_err());
    /// ```
    pub fn check(&self, kind: &ChannelKind) -> Result<(), AddressError> {
        let canonical = canonical(kind, &self.0)?;
        if *canonical == *self.0 {
            Ok(())
        } else {
            Err(AddressError::Malformed {
                channel: kind.clone(),
                value: self.0.to_string(),
                expected: format!("its canonical form `{canonical}`"),
            })
        }
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `raw` in the canonical form [`Address::new`] gives for a channel of
/// `kind`, borrowed when that is `raw` trimmed (no text is copied to check
/// an address already canonical).
fn canonical<'a>(kind: &ChannelKind, raw: &'a str) -> Result<Cow<'a, str>, AddressError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(AddressError::Empty {
            channel: kind.clone(),
        });
    }
    if s.len() > MAX_ADDRESS_LEN {
        return Err(AddressError::TooLong {
            channel: kind.clone(),
            len: s.len(),
        });
    }
    let malformed = |expected: &str| AddressError::Malformed {
        channel: kind.clone(),
        value: s.to_owned(),
        expected: expected.to_owned(),
    };
    let canonical = match kind {
        ChannelKind::Sms | ChannelKind::Voice => phone_digits(s, true)
            .map(|d| Cow::Owned(format!("+{d}")))
            .ok_or_else(|| malformed(E164))?,
        ChannelKind::WhatsApp => {
            let s = s.strip_prefix("whatsapp:").unwrap_or(s);
            phone_digits(s, false)
                .map(Cow::Owned)
                .ok_or_else(|| malformed(WA_ID))?
        }
        ChannelKind::Messenger => {
            if s.bytes().all(|b| b.is_ascii_digit()) {
                Cow::Borrowed(s)
            } else {
                return Err(malformed(PSID));
            }
        }
        ChannelKind::Email => email(s).map(Cow::Owned).ok_or_else(|| malformed(EMAIL))?,
        _ => {
            if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(malformed(OPAQUE));
            }
            Cow::Borrowed(s)
        }
    };
    Ok(canonical)
}

/// The digits of an international phone number, separators removed.
fn phone_digits(s: &str, plus_required: bool) -> Option<String> {
    let rest = match s.strip_prefix('+') {
        Some(rest) => rest,
        None if plus_required => return None,
        None => s,
    };
    let mut digits = String::with_capacity(rest.len());
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => return None,
        }
    }
    let ok = (7..=15).contains(&digits.len()) && !digits.starts_with('0');
    ok.then_some(digits)
}

/// A pragmatic e-mail check: one `@`, a local part of at most 64 bytes without
/// white space, and a dotted domain of letters, digits and hyphens. Full RFC
/// 5322 syntax (quoted local parts, comments) is deliberately not accepted:
/// no mail channel in practice needs it.
fn email(s: &str) -> Option<String> {
    let (local, domain) = s.split_once('@')?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.contains('@')
        && local
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && c != '"');
    let labels_ok = domain.contains('.')
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    (local_ok && labels_ok).then(|| format!("{local}@{}", domain.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_normalise_to_e164() {
        let a = Address::new(&ChannelKind::Sms, " +44 20 7946 0958 ").unwrap();
        assert_eq!(a.as_str(), "+442079460958");
        assert_eq!(
            Address::new(&ChannelKind::Voice, "+1.415.555.0100")
                .unwrap()
                .as_str(),
            "+14155550100"
        );
    }

    #[test]
    fn national_and_malformed_numbers_are_refused() {
        for bad in [
            "0151 1234567",
            "+0151234567",
            "+1415abc0100",
            "+123",
            "+1234567890123456",
            "+",
        ] {
            let err = Address::new(&ChannelKind::Sms, bad).unwrap_err();
            assert!(
                matches!(err, AddressError::Malformed { .. }),
                "{bad}: {err:?}"
            );
        }
    }

    #[test]
    fn empty_and_oversized_addresses_are_refused() {
        assert!(matches!(
            Address::new(&ChannelKind::WebChat, "  "),
            Err(AddressError::Empty { .. })
        ));
        let long = "x".repeat(MAX_ADDRESS_LEN + 1);
        assert!(matches!(
            Address::new(&ChannelKind::WebChat, &long),
            Err(AddressError::TooLong { .. })
        ));
    }

    #[test]
    fn emails_lowercase_the_domain_only() {
        let a = Address::new(&ChannelKind::Email, "Ana.Lopez@Example.COM").unwrap();
        assert_eq!(a.as_str(), "Ana.Lopez@example.com");
        for bad in [
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "a b@example.com",
            "ana@exa_mple.com",
            "a@b@c.com",
        ] {
            assert!(Address::new(&ChannelKind::Email, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn messenger_ids_are_digits() {
        assert!(Address::new(&ChannelKind::Messenger, "1254459154682919").is_ok());
        assert!(Address::new(&ChannelKind::Messenger, "12a4").is_err());
    }

    #[test]
    fn opaque_handles_refuse_whitespace_and_controls() {
        assert!(Address::new(&ChannelKind::WebChat, "visitor-9f3a").is_ok());
        assert!(Address::new(&ChannelKind::InApp, "user 1").is_err());
        assert!(Address::new(&ChannelKind::Custom("line".into()), "U\u{7}x").is_err());
    }

    #[test]
    fn check_demands_canonical_form() {
        assert!(
            Address::new_unchecked("+1 415 555 0100")
                .check(&ChannelKind::Sms)
                .is_err()
        );
        assert!(
            Address::new_unchecked("+14155550100")
                .check(&ChannelKind::Sms)
                .is_ok()
        );
    }
}
