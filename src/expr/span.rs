//! Byte spans into expression source.

use std::ops::Range;

/// A half-open byte range `start..end` in the source of an expression.
///
/// Every token and AST node carries one, so errors and explanations can
/// point at the exact text.
///
/// ```
/// use switchboard::expr::Span;
///
/// let src = "contact.tier == 'vip'";
/// let span = Span::new(0, 12);
/// assert_eq!(&src[span.range()], "contact.tier");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The span as a range, for slicing the source.
    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}
