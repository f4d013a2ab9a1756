//! Channel-layer acceptance tests: SMS reference cases, consent keyword
//! cases and rendering scenarios across the channel presets.

mod consent_keywords;
mod rendering;
mod sms_reference;
