//! The 90 SMS segmentation cases of `tests/data/sms-segments.json`, taken from
//! Twilio's open-source message-segment-calculator (commit a50230f, MIT):
//! its test assertions and cases computed with its library. See
//! `tests/data/README.md` for provenance.

use serde::Deserialize;
use switchboard::channel::sms::{SmsEncoding, analyze, segments};

#[derive(Deserialize)]
struct Case {
    text: String,
    encoding: String,
    segments: usize,
    description: String,
    characters: usize,
    utf16_code_units: usize,
    per_segment_code_units: Vec<usize>,
}

fn cases() -> Vec<Case> {
    let json = include_str!("../data/sms-segments.json");
    serde_json::from_str(json).expect("sms-segments.json parses")
}

#[test]
fn all_ninety_reference_cases_pass() {
    let cases = cases();
    assert_eq!(cases.len(), 90);
    for case in &cases {
        let info = analyze(&case.text);
        let encoding = match info.encoding {
            SmsEncoding::Gsm7 => "GSM-7",
            SmsEncoding::Ucs2 => "UCS-2",
        };
        assert_eq!(encoding, case.encoding, "{}", case.description);
        // Twilio reports 1 segment for empty text; nothing is sent, so 0 here.
        let expected_segments = if case.text.is_empty() {
            0
        } else {
            case.segments
        };
        assert_eq!(info.segments, expected_segments, "{}", case.description);
        // Twilio's `characters` is septets for GSM-7; for UCS-2 we count UTF-16 units.
        let expected_units = match info.encoding {
            SmsEncoding::Gsm7 => case.characters,
            SmsEncoding::Ucs2 => case.utf16_code_units,
        };
        assert_eq!(info.units, expected_units, "{}", case.description);
    }
}

#[test]
fn per_segment_sizes_match_the_reference() {
    let mut checked = 0;
    for case in cases().iter().filter(|c| !c.text.is_empty()) {
        // Two UCS-2 cases give per-segment sizes in octets, not code units;
        // their totals tell them apart.
        let total = if case.encoding == "GSM-7" {
            case.characters
        } else {
            case.utf16_code_units
        };
        if case.per_segment_code_units.iter().sum::<usize>() != total {
            continue;
        }
        let got: Vec<usize> = segments(&case.text).iter().map(|s| s.units).collect();
        assert_eq!(got, case.per_segment_code_units, "{}", case.description);
        checked += 1;
    }
    assert_eq!(checked, 87, "89 non-empty cases, 2 of them in octets");
}

#[test]
fn segments_cover_the_text_without_gaps() {
    for case in cases() {
        let segs = segments(&case.text);
        let mut at = 0;
        for s in &segs {
            assert_eq!(s.range.start, at, "{}", case.description);
            at = s.range.end;
        }
        assert_eq!(at, case.text.len(), "{}", case.description);
    }
}

#[test]
fn a_flag_at_a_boundary_moves_whole_to_the_next_segment() {
    let case = cases()
        .into_iter()
        .find(|c| c.description.starts_with("flag = 2 regional indicators"))
        .expect("the flag case is in the data");
    assert_eq!(
        analyze(&case.text).segments,
        3,
        "a surrogate-pair-only splitter gives 2"
    );
}

#[test]
fn the_characters_that_forced_ucs2_are_reported() {
    assert_eq!(analyze("más").non_gsm_chars, ['á']);
    assert_eq!(analyze("“Hi” 😀").non_gsm_chars, ['“', '”', '😀']);
    assert!(analyze("Price: 5€ [sale]").non_gsm_chars.is_empty());
}
