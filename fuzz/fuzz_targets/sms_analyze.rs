//! Fuzzes SMS counting: `sms::analyze` and `sms::segments` on any text
//! (the input decoded with `from_utf8_lossy`; inputs over 64 KiB are
//! skipped).
//!
//! Checks that the segments cover the text from start to end without gaps,
//! that their count and units agree with `analyze`, and that each fits its
//! segment's capacity.
//!
//! On a failure the harness prints the input as a Rust byte string.
//!
//! Run from the repository root with
//! `cargo +nightly fuzz run sms_analyze -- -max_total_time=60`; reproduce a
//! crash with `cargo +nightly fuzz run sms_analyze fuzz/artifacts/sms_analyze/<file>`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use switchboard::channel::sms::{analyze, segments};
use switchboard_fuzz::{input_bytes, start_input};

const MAX_INPUT: usize = 64 * 1024;

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT {
        return;
    }
    start_input("sms_analyze", data, input_bytes);
    let text = String::from_utf8_lossy(data);
    let info = analyze(&text);
    let segs = segments(&text);

    assert_eq!(
        segs.len(),
        info.segments,
        "segment count disagrees with analyze"
    );
    assert_eq!(info.units == 0, text.is_empty());
    assert_eq!(info.segments == 0, text.is_empty());
    let single = info.encoding.single_segment_units();
    let per = info.encoding.multi_segment_units();
    let capacity = if segs.len() == 1 { single } else { per };
    if info.units > single {
        assert!(
            info.segments >= info.units.div_ceil(per),
            "too few segments"
        );
    }

    let mut at = 0;
    for s in &segs {
        assert_eq!(s.range.start, at, "gap or overlap between segments");
        assert!(s.range.end > s.range.start, "empty segment");
        assert!(
            text.is_char_boundary(s.range.end),
            "segment ends inside a character"
        );
        assert!(
            s.units <= capacity,
            "segment of {} units over {capacity}",
            s.units
        );
        at = s.range.end;
    }
    assert_eq!(at, text.len(), "segments do not reach the end of the text");
    assert_eq!(segs.iter().map(|s| s.units).sum::<usize>(), info.units);
});
