//! The case folding text operators match under.

use caseless::Caseless;

/// Folds text the way `contains`, `contains_any`, `starts_with` compare it:
/// full-width ASCII forms (`ＶＩＰ`, common in CJK input) become ASCII, then
/// Unicode full case folding applies (`Straße` → `strasse`, `ΣΊΣΥΦΟΣ` →
/// `σίσυφοσ`).
///
/// There is no other normalization: accents stay (`é` ≠ `e`), and composed
/// and decomposed forms differ. Text in scripts without case (Chinese,
/// Japanese kana, Korean) is unchanged, which is why substring matching works
/// for it without word boundaries.
///
/// # Examples
///
/// ```
/// use switchboard::expr::fold;
///
/// assert_eq!(fold("I want a REFUND"), "i want a refund");
/// assert_eq!(fold("Maße"), "masse");
/// assert_eq!(fold("ＶＩＰ 退款"), "vip 退款");
/// ```
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// [`fold`], appending to `out`.
pub(crate) fn fold_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            '\u{FF01}'..='\u{FF5E}' => {
                let ascii = char::from_u32(c as u32 - 0xFEE0).unwrap_or(c);
                out.push(ascii.to_ascii_lowercase());
            }
            // Caseless scripts, the bulk of CJK text: skip the table lookup.
            '\u{3000}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7A3}' | '\u{F900}'..='\u{FAFF}' => {
                out.push(c)
            }
            c => out.extend(std::iter::once(c).default_case_fold()),
        }
    }
}
