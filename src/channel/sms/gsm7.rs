//! The GSM 03.38 (3GPP TS 23.038) default alphabet and its extension table.

/// Septets per ASCII character: 0 = not in GSM-7, 1 = basic table,
/// 2 = extension table (ESC + code).
const ASCII: [u8; 128] = {
    let mut t = [1u8; 128];
    let mut i = 0;
    while i < 32 {
        t[i] = 0;
        i += 1;
    }
    t[b'\n' as usize] = 1;
    t[b'\r' as usize] = 1;
    t[0x0C] = 2; // FORM FEED, extension 0x1B0A
    t[b'`' as usize] = 0;
    t[0x7F] = 0;
    let ext = *b"^{}\\[~]|";
    let mut j = 0;
    while j < ext.len() {
        t[ext[j] as usize] = 2;
        j += 1;
    }
    t
};

/// How many septets `c` takes in GSM-7: `Some(1)` for the basic table,
/// `Some(2)` for the extension table, `None` when it is not in GSM-7 (the
/// message must then be sent as UCS-2).
///
/// # Examples
///
/// ```
/// use switchboard::channel::sms::gsm7_septets;
/// assert_eq!(gsm7_septets('a'), Some(1));
/// assert_eq!(gsm7_septets('é'), Some(1));
/// assert_eq!(gsm7_septets('€'), Some(2));
/// assert_eq!(gsm7_septets('á'), None);
/// ```
#[inline]
pub fn gsm7_septets(c: char) -> Option<usize> {
    let cp = c as u32;
    if cp < 128 {
        return match ASCII[cp as usize] {
            0 => None,
            n => Some(n as usize),
        };
    }
    match c {
        '£' | '¥' | 'è' | 'é' | 'ù' | 'ì' | 'ò' | 'Ç' | 'Ø' | 'ø' | 'Å' | 'å' | 'Δ' | 'Φ' | 'Γ'
        | 'Λ' | 'Ω' | 'Π' | 'Ψ' | 'Σ' | 'Θ' | 'Ξ' | 'Æ' | 'æ' | 'ß' | 'É' | '¤' | '¡' | 'Ä'
        | 'Ö' | 'Ñ' | 'Ü' | '§' | '¿' | 'ä' | 'ö' | 'ñ' | 'ü' | 'à' => Some(1),
        '€' => Some(2),
        _ => None,
    }
}
