//! Property tests for the channel layer (splitting, rendering and SMS
//! segment counting), the expression language (printing and parsing) and
//! the router (loading configurations, routing), one module per subject.
//!
//! The generated text is weighted towards the cases that break naive code:
//! emoji ZWJ sequences, flags, skin-tone modifiers, CJK with its
//! punctuation, combining marks (also at the very start, and stacked by the
//! hundred), GSM-7 extension characters, control characters and CRLF, mixed
//! with plain words and arbitrary strings.

mod expr;
mod invitations;
mod router;
mod text;
mod text_gen;
