//! The domain model: identifiers, time, channel kinds, addresses, message
//! content and host attributes.
//!
//! These are plain data types shared by every other module. They carry no
//! behaviour beyond validation and construction, and all of them serialize to
//! the JSON forms documented on each type.

mod address;
mod channel_kind;
mod content;
mod ids;
mod origin;
mod time;
mod value;

pub use address::{Address, AddressError, MAX_ADDRESS_LEN};
pub use channel_kind::{ChannelKind, ChannelKindError};
pub(crate) use content::text_or_content;
pub use content::{
    Attachment, AttachmentKind, Choice, Content, Link, Location, QuickReply, Suggestion,
    TemplateRef,
};
pub(crate) use ids::numbered;
pub use ids::{AgentId, BotId, ContactId, ConversationId, QueueId, RuleId, Ticket};
pub(crate) use origin::ORIGIN_NAMES;
pub use origin::Origin;
pub use time::Timestamp;
pub(crate) use time::opt_duration_ms;
pub use value::{Attributes, Value};
