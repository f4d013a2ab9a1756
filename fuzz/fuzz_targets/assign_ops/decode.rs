//! The operation decoder: how the harness reads each operation from the
//! input, mostly picking agents and conversations the operation suits.

use super::ops::{Enqueue, Op, Upsert};
use super::{AGENTS, CHANNELS, CONVS, HUGE, Harness, LANGS, SKILLS, conv_id};
use switchboard::assign::{ConversationStatus, Presence};
use switchboard::{AgentId, Timestamp};
use switchboard_fuzz::Bytes;

fn offered(s: &ConversationStatus) -> bool {
    matches!(s, ConversationStatus::Offered { .. })
}

fn assigned(s: &ConversationStatus) -> bool {
    matches!(s, ConversationStatus::Assigned { .. })
}

impl Harness {
    /// An agent: unless `b` is small, one the conversation's offer or
    /// assignment names, if any; otherwise any.
    fn pick_agent(&self, b: u8, conv: usize) -> usize {
        if b >= 0x20 {
            let named: Vec<AgentId> = match self.assigner.status(&conv_id(conv), self.t()) {
                Some(ConversationStatus::Offered { agents, .. }) => agents,
                Some(ConversationStatus::Assigned { agent, .. }) => vec![agent],
                _ => Vec::new(),
            };
            if !named.is_empty() {
                let id = &named[usize::from(b) % named.len()];
                if let Some(i) = AGENTS.iter().position(|a| *a == id.as_str()) {
                    return i;
                }
            }
        }
        usize::from(b) % AGENTS.len()
    }

    /// An agent: unless `b` is small, a known one, if any; otherwise any.
    fn pick_known_agent(&self, b: u8) -> usize {
        if b >= 0x20 && !self.agents.is_empty() {
            let i = usize::from(b) % self.agents.len();
            return *self.agents.iter().nth(i).expect("index within the set");
        }
        usize::from(b) % AGENTS.len()
    }

    /// A conversation: unless `b` is small, a live one in the phase `want`
    /// picks, else any live one, if any; otherwise any.
    fn pick_conv(&self, b: u8, want: fn(&ConversationStatus) -> bool) -> usize {
        if b >= 0x20 && !self.live.is_empty() {
            let t = self.t();
            let wanted: Vec<usize> = self
                .live
                .iter()
                .copied()
                .filter(|&c| {
                    self.assigner
                        .status(&conv_id(c), t)
                        .is_some_and(|s| want(&s))
                })
                .collect();
            if !wanted.is_empty() {
                return wanted[usize::from(b) % wanted.len()];
            }
            let i = usize::from(b) % self.live.len();
            return *self.live.iter().nth(i).expect("index within the set");
        }
        usize::from(b) % CONVS
    }

    /// A conversation to enqueue: unless `b` is small, one not live, if
    /// any; otherwise any.
    fn pick_new_conv(&self, b: u8) -> usize {
        if b >= 0x20 && self.live.len() < CONVS {
            let free: Vec<usize> = (0..CONVS).filter(|c| !self.live.contains(c)).collect();
            return free[usize::from(b) % free.len()];
        }
        usize::from(b) % CONVS
    }

    pub(crate) fn decode(&self, b: &mut Bytes<'_>) -> Op {
        match b.byte_or_zero() % 32 {
            0..=2 | 31 => {
                let agent = usize::from(b.byte_or_zero()) % AGENTS.len();
                let mask = b.byte_or_zero();
                let mut skills = Vec::new();
                for (i, _) in SKILLS.iter().enumerate() {
                    if mask & (1 << i) != 0 {
                        let l = b.byte_or_zero();
                        skills.push((i, if l == 0xff { 11 } else { l % 11 }));
                    }
                }
                let mut langs: Vec<usize> = (0..LANGS.len())
                    .filter(|i| mask & (0x10 << i) != 0)
                    .collect();
                if mask & 0x80 != 0 {
                    // A language listed twice.
                    langs.push(0);
                }
                let mut limits = Vec::new();
                for c in 0..CHANNELS.len() {
                    let n = b.byte_or_zero();
                    match n {
                        // Now and then a limit past what is stored exactly.
                        0xfb..=0xff => limits.push((c, HUGE[usize::from(n - 0xfb)])),
                        _ if n % 5 < 4 => limits.push((c, u32::from(n % 5))),
                        _ => {}
                    }
                }
                let w = b.byte_or_zero();
                let budget = (w & 0x80 != 0).then(|| {
                    let weights = (0..CHANNELS.len())
                        .filter(|c| w & (1 << c) != 0)
                        .map(|c| (c, u32::from((w >> (3 + c)) & 3)))
                        .collect();
                    let n = b.byte_or_zero();
                    let budget = match n {
                        0xfb..=0xff => HUGE[usize::from(n - 0xfb)],
                        _ => u32::from(n % 7),
                    };
                    (budget, weights)
                });
                Op::Upsert(Upsert {
                    agent,
                    skills,
                    langs,
                    limits,
                    budget,
                })
            }
            3 => Op::Remove(self.pick_known_agent(b.byte_or_zero())),
            4..=6 => {
                let x = b.byte_or_zero();
                let p = [Presence::Available, Presence::Away, Presence::Offline]
                    [usize::from(x >> 6) % 3];
                Op::Presence(self.pick_known_agent(x & 0x3f), p)
            }
            7..=11 => {
                let conv = self.pick_new_conv(b.byte_or_zero());
                let x = b.byte_or_zero();
                let queue = match usize::from(x % 16) {
                    15 => 5,
                    q => q % 5,
                };
                let channel = usize::from(x >> 4) % CHANNELS.len();
                let y = b.byte_or_zero();
                let lang = [Some(0), Some(1), Some(2), None][usize::from(y & 3)];
                let priority = match (y >> 2) & 15 {
                    0 => i32::MAX,
                    1 => i32::MIN,
                    p => i32::from(p) - 8,
                };
                let z = b.byte_or_zero();
                let preferred = (z & 3 == 0).then(|| {
                    let a = usize::from(b.byte_or_zero()) % AGENTS.len();
                    let wait = match z >> 6 {
                        0 => None,
                        1 => Some(0),
                        2 => Some(u64::from(b.byte_or_zero()) * 1000),
                        _ => Some(u64::from(b.u16_le())),
                    };
                    (a, wait)
                });
                let waiting_since = match (z >> 2) & 7 {
                    0 => Some(self.now.saturating_sub(u64::from(b.u16_le()) * 100)),
                    1 => Some(self.now + u64::from(b.byte_or_zero()) * 1000),
                    2 => Some(0),
                    _ => None,
                };
                let v = b.byte_or_zero();
                // Now and then directed: mostly to a known agent.
                let for_agent = (v & 0x1c == 0).then(|| match v >> 5 {
                    0 => usize::from(b.byte_or_zero()) % AGENTS.len(),
                    w => self.pick_known_agent(w.wrapping_mul(37) | 0x20),
                });
                Op::Enqueue(Enqueue {
                    conv,
                    queue,
                    channel,
                    lang,
                    priority,
                    vip: v & 1 != 0,
                    urgent: v & 2 != 0,
                    preferred,
                    waiting_since,
                    for_agent,
                })
            }
            12..=15 => {
                let c = self.pick_conv(b.byte_or_zero(), offered);
                Op::Accept(self.pick_agent(b.byte_or_zero(), c), c)
            }
            16 | 17 => {
                let c = self.pick_conv(b.byte_or_zero(), offered);
                Op::Decline(self.pick_agent(b.byte_or_zero(), c), c)
            }
            18 | 19 => Op::Finish(self.pick_conv(b.byte_or_zero(), |_| true)),
            20 => Op::Replied(self.pick_conv(b.byte_or_zero(), assigned)),
            30 => {
                let x = b.byte_or_zero();
                let fallback = match (x >> 1) & 7 {
                    0 | 1 => None,
                    2..=4 => Some(1),
                    5 => Some(5),
                    6 => Some(3),
                    _ => Some(0),
                };
                Op::Reconfigure {
                    to: usize::from(x & 1),
                    fallback,
                }
            }
            21 | 22 => Op::Wrote(self.pick_conv(b.byte_or_zero(), assigned)),
            27 => {
                let n = b.byte_or_zero() % 4 + 1;
                Op::Garbage((0..n).map(|_| (b.u16_le(), b.byte_or_zero())).collect())
            }
            29 => Op::Snapshot,
            23..=26 => {
                let x = b.byte_or_zero();
                let next = self.assigner.poll_timeout().map(Timestamp::as_millis);
                let to = match (x & 7, next) {
                    (0, Some(t)) => t,
                    (1, Some(t)) => t.saturating_sub(1),
                    (2, Some(t)) => t + 1,
                    (0..=2, None) | (3, _) => self.now + u64::from(x >> 3) * 10,
                    (4 | 5, _) => self.now + u64::from(x >> 3) * 1000 + u64::from(b.byte_or_zero()),
                    (6, _) => self.now + u64::from(x >> 3) * 60_000,
                    _ => self.now + u64::from(x >> 3) * 15 * 60_000,
                };
                Op::Advance(to.max(self.now))
            }
            _ => Op::Timeout,
        }
    }
}
