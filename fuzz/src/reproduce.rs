//! The panic hook that prints a reproducer of the input being run, and
//! helpers that print values as Rust code for the reproducers.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::sync::Once;
use switchboard::Value;

/// Makes a reproducer from the input being run: Rust code to paste into a
/// test, or `None` when there is nothing to print.
pub type Reproducer = fn(&[u8]) -> Option<String>;

thread_local! {
    /// The input being run: what the panic hook's reproducer is made from.
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Records `input` as the one being run. The first call also installs the
/// panic hook: on a panic, in the harness or in the library, it prints
///
/// ```text
/// ==== <target>: reproduce with ====
/// <what `reproducer` makes of the input>
/// ```
///
/// to standard error, then hands over to the hook that was there before
/// (libFuzzer's, which aborts). [`input_bytes`] is a reproducer for any
/// target.
pub fn start_input(target: &'static str, input: &[u8], reproducer: Reproducer) {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let next = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = INPUT.try_with(|input| {
                if let Ok(input) = input.try_borrow()
                    && let Some(code) = reproducer(&input)
                {
                    eprintln!("\n==== {target}: reproduce with ====\n{code}\n");
                }
            });
            next(info);
        }));
    });
    INPUT.with(|c| {
        let mut c = c.borrow_mut();
        c.clear();
        c.extend_from_slice(input);
    });
}

/// A reproducer for any target: Rust code writing the input to the file
/// `fuzz-case`, to run the target on with
/// `cargo +nightly fuzz run <target> fuzz-case`. It keeps the input in a
/// log where libFuzzer's artifact file is lost (a CI run).
pub fn input_bytes(input: &[u8]) -> Option<String> {
    Some(format!(
        "std::fs::write(\"fuzz-case\", {}).unwrap();\n\
         // then: cargo +nightly fuzz run <target> fuzz-case",
        bytes_code(input)
    ))
}

/// `bytes` as a Rust byte string literal: printable ASCII as is, the rest
/// escaped.
pub fn bytes_code(bytes: &[u8]) -> String {
    let mut s = String::from("b\"");
    for &b in bytes {
        match b {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            b'\n' => s.push_str("\\n"),
            b' '..=b'~' => s.push(char::from(b)),
            _ => {
                let _ = write!(s, "\\x{b:02x}");
            }
        }
    }
    s.push('"');
    s
}

/// `x` as a Rust expression: `f64::NAN` for a NaN, otherwise the number
/// as `{:?}` prints it (the reproducers meet no infinities).
pub fn f64_code(x: f64) -> String {
    if x.is_nan() {
        "f64::NAN".to_owned()
    } else {
        format!("{x:?}")
    }
}

/// `v` as a Rust expression building the same [`Value`].
pub fn value_code(v: &Value) -> String {
    match v {
        Value::Bool(b) => format!("Value::Bool({b})"),
        Value::Number(n) => format!("Value::Number({})", f64_code(*n)),
        Value::Text(s) => format!("Value::from({s:?})"),
        Value::List(items) => {
            let items: Vec<String> = items.iter().map(value_code).collect();
            format!("Value::List(vec![{}])", items.join(", "))
        }
    }
}
