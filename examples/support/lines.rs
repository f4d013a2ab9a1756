//! Reading JSON-lines input, shared by the examples that read a file or
//! standard input (`route`, `replay`, `report`, `forecast`): [`open`] the
//! path, then read its lines as bytes with [`Lines`], so that a line that
//! is not UTF-8 or is too long is reported with its number and the lines
//! after it are still read (`BufRead::lines` ends at the first such line).

#![allow(dead_code)]

use std::io::{self, BufRead, BufReader, Read};

/// `path` to read, or standard input for `-`.
pub(crate) fn open(path: &str) -> Result<Box<dyn BufRead>, String> {
    if path == "-" {
        return Ok(Box::new(BufReader::new(io::stdin())));
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    Ok(Box::new(BufReader::new(file)))
}

/// An error at a line of `path` (`line 7: …`) as `path:7: …`.
pub(crate) fn at_line(path: &str, error: impl std::fmt::Display) -> String {
    format!("{path}:{}", error.to_string().trim_start_matches("line "))
}

/// The longest input line read; a longer one is skipped without being held
/// in memory.
pub(crate) const MAX_LINE: usize = 1 << 20;

/// Reads lines as bytes, so that a line that is not UTF-8 or is too long is
/// reported with its number and the lines after it are still read
/// (`BufRead::lines` ends at the first such line).
pub(crate) struct Lines<R> {
    input: R,
    buf: Vec<u8>,
    number: usize,
}

impl<R: BufRead> Lines<R> {
    pub(crate) fn new(input: R) -> Self {
        Lines {
            input,
            buf: Vec::new(),
            number: 0,
        }
    }

    /// The number (from 1) of the next line and the line without its line
    /// ending, or why it cannot be read as text; `Ok(None)` at the end of the
    /// input.
    pub(crate) fn next_line(&mut self) -> io::Result<Option<(usize, Result<&str, String>)>> {
        self.buf.clear();
        let read = (&mut self.input)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut self.buf)?;
        if read == 0 {
            return Ok(None);
        }
        self.number += 1;
        if self.buf.last() == Some(&b'\n') {
            self.buf.pop();
            if self.buf.last() == Some(&b'\r') {
                self.buf.pop();
            }
        } else if self.buf.len() > MAX_LINE {
            self.skip_rest_of_line()?;
            let why = format!("longer than {} MiB", MAX_LINE >> 20);
            return Ok(Some((self.number, Err(why))));
        }
        let line = std::str::from_utf8(&self.buf)
            .map_err(|e| format!("not valid UTF-8 (at byte {})", e.valid_up_to() + 1));
        Ok(Some((self.number, line)))
    }

    /// Discards input up to and including the next line break.
    fn skip_rest_of_line(&mut self) -> io::Result<()> {
        loop {
            let chunk = self.input.fill_buf()?;
            if chunk.is_empty() {
                return Ok(());
            }
            match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    self.input.consume(i + 1);
                    return Ok(());
                }
                None => {
                    let len = chunk.len();
                    self.input.consume(len);
                }
            }
        }
    }
}
