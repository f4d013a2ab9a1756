//! Business-initiated messages and consent records: the engine resolves a
//! notification's recipient and content, lets the
//! [notifier](crate::notify) decide, and carries the decision out.

use crate::channel::{WindowState, render};
use crate::expr::did_you_mean;
use crate::handoff::{Party, fill, placeholders};
use crate::model::{Address, Attributes, ChannelKind, ContactId, Content, TemplateRef, Timestamp};
use crate::notify::notifier::{Job, Plan};
use crate::notify::{
    ConsentChange, ConsentEntry, ConsentStatus, ConsentUpdate, Notification, NotifyError, Purpose,
    Refusal, Requirement, Skip, SkipReason, SourceKind,
};

use super::{Action, Event, EventKind, InputError, Switchboard};

/// The contact attribute naming the channel a contact prefers.
pub const PREFERRED_CHANNEL: &str = "preferred_channel";
/// The contact attribute holding a contact's IANA time zone.
pub const TIMEZONE: &str = "timezone";

impl Switchboard {
    /// The `notify` input: checks it, then sends, defers or refuses it.
    pub(super) fn notify(&mut self, now: Timestamp, n: Notification) -> Result<(), InputError> {
        let job = self.job(n)?;
        self.run_job(now, job);
        Ok(())
    }

    /// Checks notification `n` and resolves everything it needs: the
    /// channels to try, its content and template with their placeholders
    /// filled. Changes nothing.
    fn job(&self, n: Notification) -> Result<Job, InputError> {
        let settings = self.config.notify_settings();
        let max_text = self.config.conversation_settings().max_text;
        let campaign = match &n.campaign {
            None => None,
            Some(id) => match settings.campaigns.get(id) {
                Some(c) => Some((id.as_str(), c)),
                None => {
                    let help = did_you_mean(id, &mut settings.campaigns.keys().cloned())
                        .unwrap_or_else(|| {
                            format!("declare [campaigns.{id}] with its purpose so consent can be checked")
                        });
                    return Err(NotifyError::UnknownCampaign {
                        campaign: id.clone(),
                        help,
                    }
                    .into());
                }
            },
        };
        let purpose = match (campaign, n.purpose) {
            (Some((id, c)), Some(given)) if given != c.purpose => {
                return Err(NotifyError::PurposeConflict {
                    campaign: id.to_owned(),
                    declared: c.purpose,
                    given,
                }
                .into());
            }
            (Some((_, c)), _) => c.purpose,
            (None, Some(p)) => p,
            (None, None) => return Err(NotifyError::NoPurpose.into()),
        };
        let (contact, fixed) = match (&n.contact, &n.channel, &n.address) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                return Err(NotifyError::TwoRecipients.into());
            }
            (Some(c), None, None) => {
                if !self.contacts.by_id.contains_key(c) {
                    return Err(InputError::UnknownContact(c.clone()));
                }
                (Some(c.clone()), None)
            }
            (None, Some(ch), Some(a)) => (
                self.contacts.find(ch, a).cloned(),
                Some((ch.clone(), a.clone())),
            ),
            _ => return Err(NotifyError::NoRecipient.into()),
        };
        let attrs = contact
            .as_ref()
            .and_then(|c| self.contacts.by_id.get(c))
            .map(|k| &k.attributes);
        // Texts are checked against the same limit as a message's.
        let values = n.values.iter().flat_map(|(k, v)| [k.as_str(), v.as_str()]);
        super::validate::check_texts(values.chain(n.id.as_deref()), max_text)?;
        if let Some(c) = &n.content {
            super::validate::check_content(c, max_text)?;
        }
        let fill_in = |text: &str, campaign: &str| -> Result<String, InputError> {
            let mut values: Vec<(String, String)> = Vec::new();
            for p in placeholders(text).unwrap_or_default() {
                let value = match p.strip_prefix("contact.") {
                    Some(attr) => attrs.and_then(|a| a.get(attr)).map(|v| v.to_string()),
                    None => n.values.get(p).cloned(),
                };
                let Some(value) = value else {
                    return Err(NotifyError::MissingValue {
                        campaign: campaign.to_owned(),
                        placeholder: p.to_owned(),
                    }
                    .into());
                };
                values.push((p.to_owned(), value));
            }
            let pairs: Vec<(&str, &str)> = values
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            Ok(fill(text, &pairs))
        };
        let mut content = n.content.clone();
        let mut template = n.template.clone();
        if let Some((id, c)) = campaign {
            if content.is_none()
                && let Some(text) = &c.text
            {
                content = Some(Content::text(fill_in(text, id)?));
            }
            if template.is_none()
                && let Some(t) = &c.template
            {
                let params = t
                    .parameters
                    .iter()
                    .map(|p| fill_in(p, id).map(|v| crate::conversation::one_line(&v)))
                    .collect::<Result<Vec<_>, _>>()?;
                template = Some(
                    TemplateRef::new(t.name.clone(), t.language.clone()).with_parameters(params),
                );
            }
        }
        if content.is_none() && template.is_none() {
            return Err(NotifyError::NothingToSend.into());
        }
        // A campaign's text, filled, is held to the same limit.
        if n.content.is_none()
            && let Some(c) = &content
        {
            super::validate::check_text(&c.text, max_text)?;
        }
        if let Some(t) = &template {
            super::validate::non_empty("template name", &t.name)?;
            super::validate::non_empty("template language", &t.language)?;
            let texts = t.parameters.iter().map(String::as_str);
            super::validate::check_texts(texts.chain([t.name.as_str()]), max_text)?;
        }
        let candidates = match fixed.clone() {
            Some((ch, a)) => vec![(ch, Some(a))],
            None => self.channels_for(contact.as_ref(), attrs, campaign.map(|(_, c)| &c.channels)),
        };
        let tz = attrs
            .and_then(|a| a.get(TIMEZONE))
            .map(|v| v.to_string())
            .filter(|name| jiff::tz::TimeZone::get(name).is_ok());
        let key = match (&contact, &fixed) {
            (Some(c), _) => c.as_str().to_owned(),
            (None, Some((ch, a))) => format!("{ch}:{a}"),
            (None, None) => String::new(),
        };
        Ok(Job {
            id: n.id,
            purpose,
            campaign: n.campaign,
            contact,
            key,
            candidates,
            content,
            template,
            tz,
        })
    }

    /// The channels to try for a contact, in order, with its address on
    /// each: its preferred channel, then `[notifications] fallback`, only
    /// those the campaign allows.
    fn channels_for(
        &self,
        contact: Option<&ContactId>,
        attrs: Option<&Attributes>,
        allowed: Option<&Vec<ChannelKind>>,
    ) -> Vec<(ChannelKind, Option<Address>)> {
        let settings = self.config.notify_settings();
        let preferred = attrs
            .and_then(|a| a.get(PREFERRED_CHANNEL))
            .and_then(|v| v.to_string().parse::<ChannelKind>().ok());
        let mut order: Vec<ChannelKind> = preferred.into_iter().collect();
        for ch in &settings.fallback {
            if !order.contains(ch) {
                order.push(ch.clone());
            }
        }
        if let Some(allowed) = allowed.filter(|a| !a.is_empty()) {
            order.retain(|ch| allowed.contains(ch));
        }
        let identities = contact
            .and_then(|c| self.contacts.by_id.get(c))
            .map(|k| k.identities.as_slice())
            .unwrap_or_default();
        order
            .into_iter()
            .map(|ch| {
                let address = identities
                    .iter()
                    .find(|(k, _)| *k == ch)
                    .map(|(_, a)| a.clone());
                (ch, address)
            })
            .collect()
    }

    /// The reply window on `channel` for `address` at `now`: `None` for a
    /// channel without one, else whether the customer wrote recently
    /// enough (their latest message in a conversation the engine keeps).
    fn window_of(
        &self,
        channel: &ChannelKind,
        address: &Address,
        now: Timestamp,
    ) -> Option<WindowState> {
        let caps = self.channels.get(channel);
        caps.reply_window?;
        let last = self
            .contacts
            .find(channel, address)
            .and_then(|c| self.contacts.by_id.get(c))
            .into_iter()
            .flat_map(|k| k.conversations.iter())
            .filter_map(|key| self.convs.get(key))
            .filter(|c| c.channel == *channel && c.address == *address)
            .map(|c| c.last_inbound)
            .max();
        Some(caps.window_state(last, now))
    }

    /// Sends, defers or refuses `job` at `now`.
    pub(super) fn run_job(&mut self, now: Timestamp, job: Job) {
        let plan = {
            let settings = self.config.notify_settings();
            self.notifier
                .plan(&job, now, settings, &self.consent, |ch, a| {
                    self.window_of(ch, a, now)
                })
        };
        match plan {
            Plan::Send {
                channel,
                address,
                content,
                window,
                mut tried,
            } => {
                let caps = self.channels.get(&channel);
                let parts = match render(&content, &caps, window) {
                    Ok(parts) => parts,
                    Err(_) => {
                        tried.push(Skip {
                            channel,
                            why: SkipReason::Unrenderable,
                        });
                        self.refuse(now, &job, Refusal::NoReachableChannel, tried);
                        return;
                    }
                };
                let open = self.open_conversation(&channel, &address);
                let conversation = open.map(|key| self.convs[&key].id.clone());
                for part in parts {
                    self.out.act(
                        now,
                        Action::Send {
                            conversation: conversation.clone(),
                            channel: channel.clone(),
                            to: address.clone(),
                            from: Party::System,
                            part,
                        },
                    );
                }
                let text = match (&content.template, content.text.is_empty()) {
                    (Some(t), true) => format!("[template {}]", t.name),
                    _ => content.text.clone(),
                };
                if let Some(key) = open {
                    let (ch, t) = (channel.clone(), text.clone());
                    self.with_conv(key, |c, _| c.record_business(now, ch, t));
                }
                let settings = self.config.notify_settings();
                self.notifier
                    .sent(&job, now, &channel, &address, text, settings);
                let mut event = Event::new(
                    now,
                    EventKind::NotificationSent {
                        notification: job.id.clone(),
                        contact: job.contact.clone(),
                        campaign: job.campaign.clone(),
                        purpose: job.purpose,
                        channel,
                        tried,
                    },
                );
                event.conversation = conversation;
                self.emit(event);
            }
            Plan::Defer { until } => {
                self.emit(Event::new(
                    now,
                    EventKind::NotificationDeferred {
                        notification: job.id.clone(),
                        contact: job.contact.clone(),
                        until,
                    },
                ));
                self.notifier.defer(job, until);
            }
            Plan::Refuse { reason, tried } => self.refuse(now, &job, reason, tried),
        }
    }

    fn refuse(&mut self, now: Timestamp, job: &Job, reason: Refusal, tried: Vec<Skip>) {
        self.out.act(
            now,
            Action::NotificationRefused {
                notification: job.id.clone(),
                contact: job.contact.clone(),
                reason: reason.clone(),
            },
        );
        self.emit(Event::new(
            now,
            EventKind::NotificationRefused {
                notification: job.id.clone(),
                contact: job.contact.clone(),
                reason,
                tried,
            },
        ));
    }

    /// The open conversation whose customer uses `address` on `channel`.
    fn open_conversation(&self, channel: &ChannelKind, address: &Address) -> Option<u64> {
        let contact = self.contacts.find(channel, address)?;
        self.contacts
            .by_id
            .get(contact)?
            .conversations
            .iter()
            .copied()
            .find(|k| {
                self.convs.get(k).is_some_and(|c| {
                    c.state().is_open() && c.channel == *channel && c.address == *address
                })
            })
    }

    /// Runs the notifier's deadlines due at `t`: deferred notifications
    /// are decided again.
    pub(super) fn notifier_timer(&mut self, t: Timestamp) {
        let jobs = self.notifier.due(t, self.config.notify_settings());
        for job in jobs {
            self.run_job(t, job);
        }
    }

    /// The `consent` input: records the change; a double opt-in sends its
    /// confirmation request.
    pub(super) fn consent_update(
        &mut self,
        now: Timestamp,
        u: ConsentUpdate,
    ) -> Result<(), InputError> {
        let max = self.config.conversation_settings().max_text;
        let len = u.source.detail.as_ref().map_or(0, String::len);
        if len > max as usize {
            return Err(InputError::TooLong { len, max });
        }
        u.address.check(&u.channel)?;
        use crate::channel::consent::ConsentState;
        let double = u
            .purpose
            .is_some_and(|p| self.requirement(&u.channel, p) == Some(Requirement::DoubleOptIn))
            && u.source.kind != SourceKind::Keyword;
        let status = match (u.change, u.purpose) {
            (ConsentChange::OptOut, None) => {
                self.consent
                    .set(&u.channel, &u.address, ConsentState::OptedOut, now);
                ConsentStatus::OptedOut
            }
            (ConsentChange::OptIn, None) => {
                self.consent
                    .set(&u.channel, &u.address, ConsentState::OptedIn, now);
                ConsentStatus::OptedIn
            }
            (ConsentChange::OptOut, Some(_)) => ConsentStatus::OptedOut,
            (ConsentChange::OptIn, Some(_)) if double => ConsentStatus::Pending,
            (ConsentChange::OptIn, Some(_)) => ConsentStatus::OptedIn,
        };
        let (channel, address) = (u.channel.clone(), u.address.clone());
        self.record_consent(now, u.channel, u.address, u.purpose, status, u.source);
        if status == ConsentStatus::Pending {
            self.confirmation(now, &channel, &address, true);
        }
        Ok(())
    }

    /// What `purpose` needs on `channel`, when a business may write first
    /// there.
    fn requirement(&self, channel: &ChannelKind, purpose: Purpose) -> Option<Requirement> {
        self.config
            .notify_settings()
            .consent(channel)
            .map(|c| c.policy.requirement(purpose))
    }

    /// Records a consent change in the ledger and the audit log.
    pub(super) fn record_consent(
        &mut self,
        now: Timestamp,
        channel: ChannelKind,
        address: Address,
        purpose: Option<Purpose>,
        status: ConsentStatus,
        source: crate::notify::ConsentSource,
    ) {
        let entry = ConsentEntry {
            at: now,
            channel,
            address,
            purpose,
            status,
            source,
        };
        self.notifier.record(entry.clone());
        self.emit(Event::new(
            now,
            EventKind::ConsentChanged {
                channel: entry.channel,
                address: entry.address,
                purpose: entry.purpose,
                status: entry.status,
                source: entry.source,
            },
        ));
    }

    /// Records a consent change the customer made with keyword `text`
    /// from `address` itself.
    pub(super) fn record_keyword(
        &mut self,
        now: Timestamp,
        channel: &ChannelKind,
        address: &Address,
        text: &str,
        purpose: Option<Purpose>,
        status: ConsentStatus,
    ) {
        let source = crate::notify::ConsentSource::keyword(text);
        self.record_consent(
            now,
            channel.clone(),
            address.clone(),
            purpose,
            status,
            source,
        );
    }

    /// Sends a double opt-in's confirmation request (`request`) or its
    /// answer; not to an address that opted out of the channel (it must
    /// send START first).
    fn confirmation(&mut self, now: Timestamp, channel: &ChannelKind, to: &Address, request: bool) {
        let Some(c) = self.config.notify_settings().consent(channel) else {
            return;
        };
        let text = if request {
            &c.confirm_request
        } else {
            &c.confirmed
        }
        .clone();
        let kind = if self.consent.is_opted_out(channel, to) {
            EventKind::NotSent {
                reason: "the customer opted out on this channel; they must send START first".into(),
            }
        } else {
            match self.send_outside(now, channel, to, &Content::text(text)) {
                Ok(()) => EventKind::Notice {
                    template: if request {
                        "confirm_request"
                    } else {
                        "confirmed"
                    }
                    .into(),
                },
                Err(e) => EventKind::NotSent {
                    reason: format!("the channel cannot carry it: {e}"),
                },
            }
        };
        self.emit(Event::new(now, kind));
    }

    /// A YES from an address with opt-ins waiting for confirmation:
    /// confirms them and answers. Returns whether it did.
    pub(super) fn confirm_opt_in(
        &mut self,
        now: Timestamp,
        channel: &ChannelKind,
        from: &Address,
        text: &str,
    ) -> bool {
        let within = self.config.notify_settings().confirm_within;
        let pending = self
            .notifier
            .ledger
            .pending_since(channel, from, now.saturating_sub(within));
        if pending.is_empty()
            || self.consent.keywords.classify(text) != Some(crate::channel::consent::Keyword::OptIn)
        {
            return false;
        }
        if self.consent.is_opted_out(channel, from) {
            use crate::channel::consent::ConsentState;
            self.consent.set(channel, from, ConsentState::OptedIn, now);
            self.record_keyword(now, channel, from, text, None, ConsentStatus::OptedIn);
        }
        for p in pending {
            self.record_keyword(now, channel, from, text, Some(p), ConsentStatus::OptedIn);
        }
        self.confirmation(now, channel, from, false);
        true
    }

    /// The consent history of contact `contact` on every channel identity
    /// it has, oldest first: each opt-in and opt-out with its source, ready
    /// to export (each entry serializes to JSON).
    ///
    /// ```
    /// use switchboard::engine::{ContactUpsert, Input, Switchboard};
    /// use switchboard::notify::{ConsentChange, ConsentSource, ConsentStatus, ConsentUpdate, Purpose, SourceKind};
    /// use switchboard::{Address, ChannelKind, Config, ContactId, Timestamp};
    ///
    /// let mut sb = Switchboard::new(Config::from_toml_str("[[queues]]\nid = \"support\"")?);
    /// let phone = Address::new(&ChannelKind::Sms, "+14155550100")?;
    /// let t = Timestamp::from_millis(1_700_000_000_000);
    /// sb.handle(t, Input::Contact(ContactUpsert::new("crm-7").identity(ChannelKind::Sms, phone.clone())))?;
    /// let form = ConsentSource::new(SourceKind::WebForm).with_detail("checkout");
    /// sb.handle(t, Input::Consent(ConsentUpdate::new(ChannelKind::Sms, phone, Some(Purpose::Marketing), ConsentChange::OptIn, form)))?;
    ///
    /// let history = sb.consent_history(&ContactId::new("crm-7"));
    /// assert_eq!(history.len(), 1);
    /// assert_eq!(history[0].status, ConsentStatus::OptedIn);
    /// assert_eq!(history[0].source.detail.as_deref(), Some("checkout"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn consent_history(&self, contact: &ContactId) -> Vec<ConsentEntry> {
        let Some(k) = self.contacts.by_id.get(contact) else {
            return Vec::new();
        };
        let mut all: Vec<ConsentEntry> = k
            .identities
            .iter()
            .flat_map(|(ch, a)| self.notifier.ledger.history(ch, a))
            .collect();
        all.sort_by_key(|e| e.at);
        all
    }

    /// The consent history of `address` on `channel`, oldest first, whether
    /// or not the engine still knows its contact.
    pub fn consent_history_of(
        &self,
        channel: &ChannelKind,
        address: &Address,
    ) -> Vec<ConsentEntry> {
        self.notifier.ledger.history(channel, address)
    }

    /// How many notifications wait for quiet hours to end.
    pub fn notifications_waiting(&self) -> usize {
        self.notifier.waiting()
    }
}
