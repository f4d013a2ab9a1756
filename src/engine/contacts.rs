//! Contacts: one person, many channel identities.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::model::{Address, AgentId, Attributes, ChannelKind, ContactId, Timestamp, numbered};

/// A hash map with a fast, seedless hasher: lookups by short ids and
/// conversation numbers dominate the engine's work. Its iteration order is
/// never allowed to reach an output (snapshots and lists are sorted).
pub(crate) type Map<K, V> = HashMap<K, V, rustc_hash::FxBuildHasher>;

/// A contact as the engine keeps it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Contact {
    pub(crate) id: ContactId,
    /// Channel identities, in order of first use.
    pub(crate) identities: Vec<(ChannelKind, Address)>,
    #[serde(default, skip_serializing_if = "Attributes::is_empty")]
    pub(crate) attributes: Attributes,
    /// Conversations not yet forgotten (open, or closed within the reopen
    /// window), oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) conversations: Vec<u64>,
    /// The agent who last had one of their conversations, and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) last_agent: Option<(AgentId, Timestamp)>,
    /// When the contact is forgotten: set while it has no conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) forget_at: Option<Timestamp>,
}

/// A contact, read-only.
///
/// ```
/// use switchboard::config::Config;
/// use switchboard::engine::{Inbound, Input, Switchboard};
/// use switchboard::{Address, ChannelKind, ContactId, Timestamp};
///
/// let mut sb = Switchboard::new(Config::from_toml_str("[[queues]]\nid = \"support\"")?);
/// let from = Address::new_unchecked("+14155550100");
/// sb.handle(Timestamp::EPOCH, Input::Inbound(Inbound::new(ChannelKind::Sms, from.clone(), "hi").with_contact_id("crm-7")))?;
/// let contact = sb.contact(&ContactId::new("crm-7")).unwrap();
/// assert_eq!(contact.identities(), [(ChannelKind::Sms, from)]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct ContactView<'a>(pub(crate) &'a Contact);

impl<'a> ContactView<'a> {
    /// The contact's id.
    pub fn id(&self) -> &'a ContactId {
        &self.0.id
    }

    /// Its channel identities, in order of first use.
    pub fn identities(&self) -> &'a [(ChannelKind, Address)] {
        &self.0.identities
    }

    /// Its attributes.
    pub fn attributes(&self) -> &'a Attributes {
        &self.0.attributes
    }

    /// The agent who last had one of their conversations, and when it was
    /// assigned.
    pub fn last_agent(&self) -> Option<(&'a AgentId, Timestamp)> {
        self.0.last_agent.as_ref().map(|(a, t)| (a, *t))
    }

    /// When the engine forgets this contact: set while it has no
    /// conversation left (none open, none closed within the reopen
    /// window), to that moment plus `[conversations] contact_retention`
    /// (at least `sticky_agent`). A new message from any of its
    /// identities before then keeps it, with its attributes and last
    /// agent; after, the sender is a new contact.
    ///
    /// ```
    /// use std::time::Duration;
    /// use switchboard::config::Config;
    /// use switchboard::engine::{Inbound, Input, Switchboard};
    /// use switchboard::{Address, ChannelKind, ContactId, Timestamp};
    ///
    /// let config = Config::from_toml_str(r#"
    ///     [[queues]]
    ///     id = "support"
    ///
    ///     [[rules]]
    ///     id = "spam"
    ///     when = "text contains 'casino'"
    ///     then = { drop = true }
    /// "#)?;
    /// let mut sb = Switchboard::new(config);
    /// let from = Address::new_unchecked("+14155550100");
    /// let spam = Inbound::new(ChannelKind::Sms, from, "casino bonus").with_contact_id("crm-7");
    /// sb.handle(Timestamp::EPOCH, Input::Inbound(spam))?;
    /// // Dropped: no conversation, so the contact is kept for the default 30 days.
    /// let forget_at = sb.contact(&ContactId::new("crm-7")).unwrap().forget_at();
    /// assert_eq!(forget_at, Some(Timestamp::EPOCH + Duration::from_secs(30 * 24 * 3600)));
    /// sb.handle_timeout(forget_at.unwrap());
    /// assert!(sb.contact(&ContactId::new("crm-7")).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn forget_at(&self) -> Option<Timestamp> {
        self.0.forget_at
    }
}

/// Every contact, by id and by identity.
#[derive(Clone, Debug, Default)]
pub(crate) struct Contacts {
    pub(crate) by_id: Map<ContactId, Contact>,
    pub(crate) by_identity: Map<ChannelKind, Map<Address, ContactId>>,
    pub(crate) next: u64,
    /// Contacts to forget, by `forget_at`.
    pub(crate) forgets: BTreeSet<(Timestamp, ContactId)>,
}

impl Contacts {
    /// The contact of an identity.
    pub(crate) fn find(&self, channel: &ChannelKind, address: &Address) -> Option<&ContactId> {
        self.by_identity.get(channel)?.get(address)
    }

    /// A fresh engine-made contact id (`u<n>`), not taken by a host id.
    pub(crate) fn fresh_id(&mut self) -> ContactId {
        loop {
            self.next += 1;
            let id = ContactId::from_shared(numbered(b'u', self.next));
            if !self.by_id.contains_key(&id) {
                return id;
            }
        }
    }

    /// Creates contact `id` with one identity.
    pub(crate) fn create(&mut self, id: ContactId, channel: &ChannelKind, address: &Address) {
        self.by_identity
            .entry(channel.clone())
            .or_default()
            .insert(address.clone(), id.clone());
        self.by_id.insert(
            id.clone(),
            Contact {
                id,
                identities: vec![(channel.clone(), address.clone())],
                attributes: Attributes::new(),
                conversations: Vec::new(),
                last_agent: None,
                forget_at: None,
            },
        );
    }

    /// Creates contact `id` with no identity.
    pub(crate) fn create_bare(&mut self, id: ContactId) {
        self.by_id.insert(
            id.clone(),
            Contact {
                id,
                identities: Vec::new(),
                attributes: Attributes::new(),
                conversations: Vec::new(),
                last_agent: None,
                forget_at: None,
            },
        );
    }

    /// Sets when contact `id` is forgotten (`None`: not while it has a
    /// conversation).
    pub(crate) fn schedule_forget(&mut self, id: &ContactId, at: Option<Timestamp>) {
        let Some(c) = self.by_id.get_mut(id) else {
            return;
        };
        if c.forget_at == at {
            return;
        }
        if let Some(old) = c.forget_at.take() {
            self.forgets.remove(&(old, id.clone()));
        }
        c.forget_at = at;
        if let Some(t) = at {
            self.forgets.insert((t, id.clone()));
        }
    }

    /// Removes contact `id` with its identities and schedule.
    pub(crate) fn forget(&mut self, id: &ContactId) -> Option<Contact> {
        let c = self.by_id.remove(id)?;
        if let Some(t) = c.forget_at {
            self.forgets.remove(&(t, id.clone()));
        }
        for (ch, addr) in &c.identities {
            if let Some(m) = self.by_identity.get_mut(ch) {
                m.remove(addr);
                if m.is_empty() {
                    self.by_identity.remove(ch);
                }
            }
        }
        Some(c)
    }

    /// Adds an identity that belongs to no one to `id`.
    pub(crate) fn add_identity(
        &mut self,
        id: &ContactId,
        channel: &ChannelKind,
        address: &Address,
    ) {
        if let Some(c) = self.by_id.get_mut(id) {
            c.identities.push((channel.clone(), address.clone()));
            self.by_identity
                .entry(channel.clone())
                .or_default()
                .insert(address.clone(), id.clone());
        }
    }

    /// Merges `from` into `into` and returns the conversations that moved.
    /// Attributes of `into` win; the later last agent wins.
    pub(crate) fn merge(&mut self, into: &ContactId, from: &ContactId) -> Vec<u64> {
        let Some(gone) = self.by_id.remove(from) else {
            return Vec::new();
        };
        if let Some(t) = gone.forget_at {
            self.forgets.remove(&(t, from.clone()));
        }
        for (ch, addr) in &gone.identities {
            if let Some(m) = self.by_identity.get_mut(ch) {
                m.insert(addr.clone(), into.clone());
            }
        }
        let Some(keep) = self.by_id.get_mut(into) else {
            return Vec::new();
        };
        for ident in gone.identities {
            if !keep.identities.contains(&ident) {
                keep.identities.push(ident);
            }
        }
        for (k, v) in gone.attributes {
            keep.attributes.entry(k).or_insert(v);
        }
        keep.last_agent = match (keep.last_agent.take(), gone.last_agent) {
            (Some(a), Some(b)) => Some(if b.1 > a.1 { b } else { a }),
            (a, b) => a.or(b),
        };
        keep.conversations
            .extend(gone.conversations.iter().copied());
        keep.conversations.sort_unstable();
        gone.conversations
    }

    /// All contacts, ordered by id (for snapshots).
    pub(crate) fn sorted(&self) -> Vec<Contact> {
        let ordered: BTreeMap<&ContactId, &Contact> = self.by_id.iter().collect();
        ordered.into_values().cloned().collect()
    }

    /// Rebuilds from a snapshot's list.
    pub(crate) fn from_list(list: Vec<Contact>, next: u64) -> Contacts {
        let mut out = Contacts {
            next,
            ..Contacts::default()
        };
        for c in list {
            if let Some(t) = c.forget_at {
                out.forgets.insert((t, c.id.clone()));
            }
            for (ch, addr) in &c.identities {
                out.by_identity
                    .entry(ch.clone())
                    .or_default()
                    .insert(addr.clone(), c.id.clone());
            }
            out.by_id.insert(c.id.clone(), c);
        }
        out
    }
}

impl super::Switchboard {
    pub(super) fn link(
        &mut self,
        now: Timestamp,
        contact: &ContactId,
        channel: &ChannelKind,
        address: &Address,
    ) -> Result<(), super::InputError> {
        address.check(channel)?;
        if !self.contacts.by_id.contains_key(contact) {
            return Err(super::InputError::UnknownContact(contact.clone()));
        }
        match self.contacts.find(channel, address).cloned() {
            Some(owner) if owner == *contact => {
                let input = "link".into();
                self.emit(super::Event::new(
                    now,
                    super::EventKind::Duplicate { input },
                ));
            }
            Some(owner) => self.merge_contacts(now, contact, &owner),
            None => {
                self.contacts.add_identity(contact, channel, address);
                self.emit(super::Event::new(
                    now,
                    super::EventKind::Linked {
                        contact: contact.clone(),
                        channel: channel.clone(),
                        address: address.clone(),
                    },
                ));
            }
        }
        Ok(())
    }

    pub(super) fn merge(
        &mut self,
        now: Timestamp,
        into: &ContactId,
        from: &ContactId,
    ) -> Result<(), super::InputError> {
        for c in [into, from] {
            if !self.contacts.by_id.contains_key(c) {
                return Err(super::InputError::UnknownContact(c.clone()));
            }
        }
        if into == from {
            return Err(super::InputError::SameContact(into.clone()));
        }
        self.merge_contacts(now, into, from);
        Ok(())
    }
}

/// A contact as the host knows it: the `contact` input. Creates the
/// contact, or adds to it: each identity is linked (merging the contact
/// that had it, as [`Input::Link`](super::Input::Link) does) and each
/// attribute set. Use it before notifying someone who never wrote, with
/// the attributes notifications read: `timezone` (an IANA name, for quiet
/// hours) and `preferred_channel`.
///
/// The engine keeps a contact while it has conversations and for
/// `[conversations] contact_retention` after; consent records are kept
/// by address, whatever happens to the contact.
///
/// ```
/// use switchboard::engine::{ContactUpsert, Input, Switchboard};
/// use switchboard::{Address, ChannelKind, Config, ContactId, Timestamp, Value};
///
/// let mut sb = Switchboard::new(Config::from_toml_str("[[queues]]\nid = \"support\"")?);
/// let ana = ContactUpsert::new("crm-7")
///     .identity(ChannelKind::WhatsApp, Address::new(&ChannelKind::WhatsApp, "+4915112345678")?)
///     .identity(ChannelKind::Sms, Address::new(&ChannelKind::Sms, "+4915112345678")?)
///     .attribute("timezone", Value::Text("Europe/Berlin".into()));
/// sb.handle(Timestamp::from_millis(1_700_000_000_000), Input::Contact(ana))?;
/// assert_eq!(sb.contact(&ContactId::new("crm-7")).unwrap().identities().len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ContactUpsert {
    /// The host's id for the contact.
    pub id: ContactId,
    /// Channel identities to link to it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identities: Vec<Identity>,
    /// Attributes to set on it.
    #[serde(default, skip_serializing_if = "Attributes::is_empty")]
    pub attributes: Attributes,
}

/// One channel identity: a channel and the contact's address on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Identity {
    /// The channel.
    pub channel: ChannelKind,
    /// The address on it.
    pub address: Address,
}

impl ContactUpsert {
    /// The contact `id`, with nothing to add yet.
    pub fn new(id: impl Into<ContactId>) -> ContactUpsert {
        ContactUpsert {
            id: id.into(),
            identities: Vec::new(),
            attributes: Attributes::new(),
        }
    }

    /// Adds an identity.
    pub fn identity(mut self, channel: ChannelKind, address: Address) -> ContactUpsert {
        self.identities.push(Identity { channel, address });
        self
    }

    /// Sets an attribute.
    pub fn attribute(
        mut self,
        name: impl Into<String>,
        value: crate::model::Value,
    ) -> ContactUpsert {
        self.attributes.insert(name.into(), value);
        self
    }
}

impl super::Switchboard {
    /// The `contact` input: creates or completes a contact.
    pub(super) fn contact_upsert(
        &mut self,
        now: Timestamp,
        u: ContactUpsert,
    ) -> Result<(), super::InputError> {
        let max = self.config.conversation_settings().max_text;
        if u.id.as_str().trim().is_empty() {
            return Err(super::InputError::EmptyId("contact"));
        }
        super::validate::check_attributes(&u.attributes, max)?;
        super::validate::check_declared(&self.config.spec().contact_attributes, &u.attributes)?;
        let ids = u.identities.iter().map(|i| i.address.as_str());
        super::validate::check_texts(ids.chain([u.id.as_str()]), max)?;
        for i in &u.identities {
            i.address.check(&i.channel)?;
        }
        if !self.contacts.by_id.contains_key(&u.id) {
            self.contacts.create_bare(u.id.clone());
        }
        if let Some(c) = self.contacts.by_id.get_mut(&u.id) {
            c.attributes.extend(u.attributes);
        }
        for i in &u.identities {
            self.link(now, &u.id, &i.channel, &i.address)?;
        }
        self.settle_contact(now, &u.id);
        Ok(())
    }
}
