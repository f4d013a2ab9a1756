//! What each channel can carry, as the host registered it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::channel::Capabilities;
use crate::model::ChannelKind;

/// The capabilities the engine renders for, by channel: the host's
/// registrations, else the crate's presets
/// ([`Capabilities::for_kind`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct Channels(BTreeMap<ChannelKind, Capabilities>);

impl Channels {
    /// What `kind` can carry.
    pub(crate) fn get(&self, kind: &ChannelKind) -> Capabilities {
        self.0
            .get(kind)
            .cloned()
            .unwrap_or_else(|| Capabilities::for_kind(kind))
    }

    /// Registers what `kind` can carry.
    pub(crate) fn set(&mut self, kind: ChannelKind, caps: Capabilities) {
        self.0.insert(kind, caps);
    }
}
