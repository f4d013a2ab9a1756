//! Visitors' page views and proactive invitations: the engine lends the
//! [`invite`](crate::invite) module what it cannot see on its own — the
//! assigner's ready agents and waits, the visitor's open conversations,
//! the channel's capabilities — and carries out what it decides.

use crate::channel::render;
use crate::handoff::{Entry, Party};
use crate::invite::{
    Around, InvitationId, Outlook, QueueFacts, Visit, VisitorKey, Windows, choose,
};
use crate::model::{Address, ChannelKind, Origin, QueueId, Timestamp};
use crate::router::{Decision, Route};

use super::validate::{check_attributes, check_text, check_texts, non_empty};
use super::{Action, Event, EventKind, Inbound, InputError, Switchboard};

/// Refuses a channel without page views.
fn check_channel(channel: &ChannelKind) -> Result<(), InputError> {
    match channel {
        ChannelKind::WebChat | ChannelKind::InApp => Ok(()),
        other => Err(InputError::VisitChannel(other.clone())),
    }
}

/// Refuses a number that is not finite or is negative.
fn check_count(field: &'static str, v: Option<f64>) -> Result<(), InputError> {
    match v {
        Some(x) if !x.is_finite() => Err(InputError::Number(field)),
        Some(value) if value < 0.0 => Err(InputError::Negative { field, value }),
        _ => Ok(()),
    }
}

/// Checks a page view: its channel and address, its texts within
/// `max` bytes (the URL and the title each, the rest together), its
/// numbers finite and not negative, its country two letters.
fn check_visit(v: &Visit, max: u32) -> Result<(), InputError> {
    check_channel(&v.channel)?;
    v.visitor.check(&v.channel)?;
    check_text(&v.url, max)?;
    check_text(v.title.as_deref().unwrap_or(""), max)?;
    check_texts(
        [
            v.referrer.as_deref().unwrap_or(""),
            v.lang.as_deref().unwrap_or(""),
            v.country.as_deref().unwrap_or(""),
        ],
        max,
    )?;
    check_attributes(&v.attributes, max)?;
    check_count("time_on_page", v.time_on_page)?;
    check_count("cart_value", v.cart_value)?;
    if let Some(lang) = &v.lang {
        non_empty("lang", lang)?;
    }
    if let Some(c) = &v.country
        && !(c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()))
    {
        return Err(InputError::Country(c.clone()));
    }
    Ok(())
}

impl Switchboard {
    /// The `[visitors]` windows in force.
    fn windows(&self) -> Windows {
        let v = self.config.visitor_settings();
        Windows {
            visit_timeout: v.visit_timeout,
            accept_window: v.accept_window,
        }
    }

    /// Files every visitor's deadline again, under the configuration in
    /// force.
    pub(super) fn refile_visitors(&mut self) {
        let w = self.windows();
        self.visitors.refile_all(w, self.config.invitation_set());
    }

    /// Checks the visitors' bookkeeping (for
    /// [`check_invariants`](Switchboard::check_invariants)).
    pub(super) fn check_visitors(&self) -> Result<(), String> {
        self.visitors
            .check(self.windows(), self.config.invitation_set())
    }

    /// A page view: the visitor's page and visit are kept, and the
    /// invitations checked.
    pub(super) fn visit(&mut self, now: Timestamp, mut v: Visit) -> Result<(), InputError> {
        check_visit(&v, self.config.conversation_settings().max_text)?;
        if self.config.invitation_set().is_empty() {
            return Ok(());
        }
        v.country = v.country.map(|c| c.to_ascii_uppercase());
        let key = VisitorKey {
            channel: v.channel.clone(),
            visitor: v.visitor.clone(),
        };
        let w = self.windows();
        self.visitors.entry(&key).view(now, v, w);
        self.consider(now, &key, false);
        self.visitors.refile(&key, w, self.config.invitation_set());
        Ok(())
    }

    /// The visitor dismissed an invitation: its cooldown starts again and
    /// a message no longer accepts it.
    pub(super) fn invitation_dismissed(
        &mut self,
        now: Timestamp,
        channel: &ChannelKind,
        visitor: &Address,
        invitation: &InvitationId,
    ) -> Result<(), InputError> {
        check_channel(channel)?;
        visitor.check(channel)?;
        let Some(inv) = self.config.invitation(invitation.as_str()) else {
            return Err(InputError::UnknownInvitation(invitation.clone()));
        };
        let (cooldown, queue) = (inv.cooldown, inv.queue.clone());
        let key = VisitorKey {
            channel: channel.clone(),
            visitor: visitor.clone(),
        };
        let w = self.windows();
        let v = self.visitors.entry(&key);
        if let Some(shown) = v.session.as_mut().and_then(|s| s.last_shown.as_mut())
            && shown.invitation == *invitation
        {
            shown.awaiting = false;
        }
        if let Some(c) = cooldown {
            v.cool(invitation, now + c);
        }
        self.visitors.refile(&key, w, self.config.invitation_set());
        self.emit(
            Event::new(
                now,
                EventKind::InvitationDismissed {
                    invitation: invitation.clone(),
                },
            )
            .queue(queue),
        );
        Ok(())
    }

    /// What is due for visitor `key` at `t`: lapsed cooldowns, the end of
    /// the visit, a time-on-page threshold (the invitations are checked
    /// again); then their next deadline is filed.
    pub(super) fn visitor_timer(&mut self, t: Timestamp, key: VisitorKey) {
        let w = self.windows();
        let set = self.config.invitation_set();
        let due = self
            .visitors
            .get_mut(&key)
            .is_some_and(|v| v.expire(t, w, set));
        if due {
            self.consider(t, &key, true);
        }
        self.visitors.refile(&key, w, self.config.invitation_set());
    }

    /// Checks the invitations for visitor `key` on their current page at
    /// `now` (on a page view, or a time-on-page `timer`) and shows at most
    /// one.
    fn consider(&mut self, now: Timestamp, key: &VisitorKey, timer: bool) {
        let Some(session) = self.visitors.get_mut(key).and_then(|v| v.session.as_mut()) else {
            return;
        };
        session.page.checked = now;
        let open = self.conversation_open(key);
        let Switchboard {
            config,
            visitors,
            assigner,
            channels,
            consent,
            out,
            ..
        } = self;
        let Some(visitor) = visitors.get(key) else {
            return;
        };
        let mut outlook = |q: &QueueId, exact: bool| {
            assigner
                .outlook(q, &key.channel, exact)
                .map(|o| Outlook {
                    open: o.open,
                    facts: QueueFacts {
                        ready: o.ready,
                        wait: o.wait,
                    },
                })
                .unwrap_or_default()
        };
        let around = Around {
            calendars: config.calendars(),
            opted_out: consent.is_opted_out(&key.channel, &key.visitor),
            conversation_open: open,
            outlook: &mut outlook,
        };
        let invitations = config.invitations();
        let choice = choose(invitations, visitor, now, timer, around);
        for (inv, reason) in choice
            .held
            .into_iter()
            .filter_map(|(i, r)| Some((invitations.get(i)?, r)))
        {
            out.emit(
                Event::new(
                    now,
                    EventKind::InvitationSuppressed {
                        invitation: inv.id.clone(),
                        reason,
                    },
                )
                .queue(inv.queue.clone()),
            );
        }
        let Some(inv) = choice.show.and_then(|i| invitations.get(i)) else {
            return;
        };
        let caps = channels.get(&key.channel);
        match render(&inv.message, &caps, caps.window_state(None, now)) {
            Ok(parts) => {
                out.act(
                    now,
                    Action::Invite {
                        invitation: inv.id.clone(),
                        channel: key.channel.clone(),
                        to: key.visitor.clone(),
                        parts,
                    },
                );
                out.emit(
                    Event::new(
                        now,
                        EventKind::Invited {
                            invitation: inv.id.clone(),
                        },
                    )
                    .queue(inv.queue.clone()),
                );
                if let Some(v) = visitors.get_mut(key) {
                    v.shown(inv, now);
                }
            }
            Err(e) => out.emit(
                Event::new(
                    now,
                    EventKind::NotSent {
                        reason: format!(
                            "invitation `{}`: the channel cannot carry it: {e}",
                            inv.id
                        ),
                    },
                )
                .queue(inv.queue.clone()),
            ),
        }
    }

    /// Whether the visitor's contact has an open conversation, on any
    /// channel.
    fn conversation_open(&self, key: &VisitorKey) -> bool {
        self.contacts
            .find(&key.channel, &key.visitor)
            .and_then(|c| self.contacts.by_id.get(c))
            .is_some_and(|c| {
                c.conversations
                    .iter()
                    .filter_map(|k| self.convs.get(k))
                    .any(|conv| conv.state().is_open())
            })
    }

    /// The invitation a customer message answers: the last one shown to
    /// the sender, within the accept window and not dismissed. Any message
    /// from the visitor ends the wait for an answer.
    pub(super) fn accept_invitation(&mut self, now: Timestamp, m: &Inbound) -> Option<Origin> {
        // Every customer message asks: build no key when nobody visits.
        if self.visitors.is_empty() {
            return None;
        }
        let key = VisitorKey {
            channel: m.channel.clone(),
            visitor: m.from.clone(),
        };
        let w = self.windows();
        let session = self.visitors.get_mut(&key)?.session.as_mut()?;
        let accepted = session
            .awaiting(now, w)
            .map(|s| Origin::invitation(s.invitation.as_str()));
        let shown = session.last_shown.as_mut()?;
        if !shown.awaiting {
            return None;
        }
        shown.awaiting = false;
        self.visitors.refile(&key, w, self.config.invitation_set());
        accepted
    }

    /// Opens conversation `key`, just started from an accepted invitation:
    /// the tag `invitation:<id>`, the invitation's message first in the
    /// transcript, the invitation's queue unless a rule routes it, and the
    /// event that records the acceptance.
    pub(super) fn invitation_prelude(&mut self, now: Timestamp, key: u64, decision: &mut Decision) {
        let Some(conv) = self.convs.get_mut(&key) else {
            return;
        };
        let Some(Origin::Invitation { invitation }) = conv.origin.as_deref() else {
            return;
        };
        let id = InvitationId::new(invitation.as_str());
        let tag = format!("invitation:{id}");
        if !decision.tags.contains(&tag) {
            decision.tags.insert(0, tag);
        }
        let visitor = VisitorKey {
            channel: conv.channel.clone(),
            visitor: conv.address.clone(),
        };
        let shown_at = self
            .visitors
            .get(&visitor)
            .and_then(|v| v.session.as_ref())
            .and_then(|s| s.last_shown.as_ref())
            .filter(|s| s.invitation == id)
            .map_or(now, |s| s.at);
        let mut event = Event::new(
            now,
            EventKind::InvitationAccepted {
                invitation: id.clone(),
            },
        )
        .conversation(conv.id.clone());
        if let Some(inv) = self.config.invitation(id.as_str()) {
            conv.transcript.push(
                Entry::new(shown_at, Party::System, inv.message.text.clone())
                    .on(conv.channel.clone())
                    .with_attachments(inv.message.attachments.clone()),
            );
            if decision.rule.is_none() && !matches!(decision.route, Some(Route::Drop)) {
                let priority = match &decision.route {
                    Some(Route::Queue { priority, .. }) => *priority,
                    _ => 0,
                };
                decision.route = Some(Route::Queue {
                    queue: inv.queue.clone(),
                    priority,
                });
            }
            event = event.queue(inv.queue.clone());
        }
        self.emit(event);
    }
}
