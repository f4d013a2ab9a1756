#!/usr/bin/env python3
"""An independent computation of the KPIs of an event log.

It is written from the definitions alone (the module docs of
`src/metrics/mod.rs`, the field docs of `src/metrics/report.rs` and the
percentile rule of `src/metrics/dist.rs`), not from the aggregator, and it
computes the naive way: every event is loaded, grouped by conversation and
each figure is read off the conversation's full history. The integration
test `tests/metrics_reference/` compares its output with the streaming
aggregator's.

    python3 tests/metrics/reference.py EVENTS.jsonl [--tz ZONE] [--sl S]
        [--short-abandon S] [--abandons-met] [--fcr-days N]
        [--wrap-up QUEUE=SECONDS ...]

The log is JSON lines: `{"event": {...}}` lines (as the `replay` example
prints them) or bare events; `{"action": ...}` and `{"error": ...}` lines
are skipped. The output is one JSON object with the field names of the
report example's `--json` output. Python 3.11 standard library only.

Where the docs allow two readings, this file takes the one below (each
was checked against the aggregator on a small log made for it):

- every figure of a conversation counts for its first channel and each of
  its tags, not only the conversation-level ones;
- `queued` counts a first wait from its start, so one still open at the
  latest event counts, in the queue it began in (even if it has overflowed
  to another since: "the queue it was in when it ended" does not say);
- a conversation is *closed* when its state is `closed` at the end (one
  reopened and still open is not): `closed`, `resolution_time_s`, `fcr`,
  CSAT's response rate, and containment's "decided" read it;
- `reply_time_s`: the first agent message answers the customer messages
  before it (they do not count for a later agent message);
- `service_level` with `--abandons-met`: short abandons stay out of both
  the met and the counted; `abandonment.wait_s` and the wait distribution
  hold every abandon, short ones included;
- `bot.handed_off` counts conversations (not handoffs) and
  `handoff_reasons` the reason of the first handoff; `close_reasons` the
  last close of each closed conversation;
- `transfers`, `transfers_in` and `transfers_out` count completed
  transfers (`transferred` events): a cold transfer nobody took over is
  none;
- handle time: wrap-up follows every part that ended (close, transfer,
  requeue, hand back), and both the part and its wrap-up count in the
  queue the agent had the conversation in (where the part began);
- `handled` counts parts: an agent who gets a conversation back counts it
  again;
- busy time is not cut to the time signed in (`busy_s`), but occupancy
  counts only busy time while signed in;
- FCR: a new conversation of the contact exactly `fcr_window` after the
  close is within the window.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

WAITING = {"queued", "after_hours", "offered"}
# Where a first wait may begin: an open queue, unless --after-hours-waits.
OPEN_WAITING = {"queued", "offered"}
ROLES = ("customer", "bot", "agent", "system")

# The buckets of the wait distribution: (upper bound in ms, exclusive; label).
WAIT_EDGES = [
    (10_000, "0–10 s"),
    (20_000, "10–20 s"),
    (30_000, "20–30 s"),
    (60_000, "30–60 s"),
    (120_000, "1–2 min"),
    (300_000, "2–5 min"),
    (600_000, "5–10 min"),
    (None, "10 min +"),
]


# ---------------------------------------------------------------------------
# Reading the log


def load(path: str) -> list[dict]:
    """Every event of the log, in file order."""
    events = []
    stream = sys.stdin if path == "-" else open(path, encoding="utf-8")
    with stream:
        for line in stream:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            obj = json.loads(line)
            if "action" in obj or "error" in obj:
                continue
            events.append(obj["event"] if "event" in obj else obj)
    return events


def reason_name(reason) -> str:
    """A reason as the report names it: `explicit_request`, `trigger vip`,
    `rule refund`."""
    if isinstance(reason, str):
        return reason
    ((kind, value),) = reason.items()
    return f"{kind} {value}"


# ---------------------------------------------------------------------------
# Statistics


def quantile(values: list[int], p: float) -> float | None:
    """Linear interpolation between the closest ranks, position p × (n − 1)
    (NumPy's default), in seconds."""
    if not values:
        return None
    v = sorted(values)
    pos = p * (len(v) - 1)
    lo, hi = math.floor(pos), math.ceil(pos)
    return (v[lo] + (v[hi] - v[lo]) * (pos - lo)) / 1000.0


def stat(values: list[int]) -> dict:
    """Count, mean, median and p90 of durations given in ms, in seconds."""
    if not values:
        return {"count": 0, "mean": None, "median": None, "p90": None}
    return {
        "count": len(values),
        "mean": sum(values) / len(values) / 1000.0,
        "median": statistics.median(values) / 1000.0,
        "p90": quantile(values, 0.9),
    }


def pct(n: int, d: int) -> float | None:
    return n * 100.0 / d if d > 0 else None


# ---------------------------------------------------------------------------
# One conversation's history


@dataclass
class Part:
    """One agent's part of a conversation."""

    agent: str
    start: int
    queue: str | None  # the conversation's queue when the part began
    end: int | None = None  # None: still open


@dataclass
class Conv:
    id: str
    start: int
    contact: str | None
    channel: str | None
    tags: list[str] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    # Derived by `analyse`.
    messages: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    state: str | None = None
    queue: str | None = None  # the last queue
    agents: list[str] = field(default_factory=list)  # who had it, in order
    wait_start: int | None = None
    wait_start_queue: str | None = None
    wait_end: int | None = None
    wait_outcome: str | None = None  # answered / abandoned / unanswered
    wait_queue: str | None = None
    wait_agent: str | None = None
    first_response: tuple[int, str, str | None] | None = None  # ms, agent, queue
    first_reply: int | None = None
    replies: list[tuple[int, str, str | None]] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    closes: list[tuple[int, str]] = field(default_factory=list)
    reopened: int = 0
    transfers: int = 0  # completed: another agent took it over
    reached_bot: bool = False
    waited: bool = False
    handoff_reason: str | None = None
    csat: int | None = None

    @property
    def closed(self) -> bool:
        return self.state == "closed"

    @property
    def last_agent(self) -> str | None:
        return self.agents[-1] if self.agents else None


def analyse(c: Conv, after_hours_waits: bool = False) -> None:
    """Reads every figure of `c` off its events."""
    holder: Part | None = None
    pending: int | None = None  # the earliest customer message not answered
    agent_messages = 0

    def begin(agent: str, at: int) -> None:
        nonlocal holder
        holder = Part(agent, at, c.queue)
        c.parts.append(holder)
        c.agents.append(agent)

    def finish(at: int) -> None:
        nonlocal holder
        if holder is not None:
            holder.end = at
            holder = None

    for e in c.events:
        at = e["at"]
        if e.get("queue") is not None:
            c.queue = e["queue"]
        kind = e["type"]
        if kind == "message":
            role = e["from"]["role"]
            c.messages[ROLES.index(role)] += 1
            if role in ("bot", "agent") and c.first_reply is None:
                c.first_reply = at - c.start
            if role == "customer":
                if pending is None:
                    pending = at
            elif role == "bot":
                pending = None
            elif role == "agent":
                agent = e["from"]["agent"]
                agent_messages += 1
                if agent_messages == 1:
                    if c.wait_start is not None:
                        c.first_response = (at - c.wait_start, agent, c.queue)
                elif pending is not None:
                    c.replies.append((at - pending, agent, c.queue))
                pending = None
        elif kind == "transition":
            src, dst, reason = e["from"], e["to"], e["reason"]
            if dst == "bot":
                c.reached_bot = True
            if dst in WAITING:
                c.waited = True
                if src == "bot" and c.handoff_reason is None:
                    c.handoff_reason = reason_name(reason)
            # The first wait.
            starts = WAITING if after_hours_waits else OPEN_WAITING
            if dst in starts and c.wait_start is None:
                c.wait_start = at
                c.wait_start_queue = c.queue
            elif (
                c.wait_start is not None
                and c.wait_outcome is None
                and src in WAITING
                and dst not in WAITING
            ):
                c.wait_end = at
                c.wait_queue = c.queue
                if dst == "with_agent":
                    c.wait_outcome = "answered"
                    c.wait_agent = e.get("agent")
                elif dst == "closed" and reason == "abandoned":
                    c.wait_outcome = "abandoned"
                else:
                    c.wait_outcome = "unanswered"
            # Agents' parts.
            if src == "with_agent" and dst != "with_agent":
                finish(at)
            if dst == "with_agent":
                begin(e["agent"], at)
            if dst == "closed":
                c.closes.append((at, reason_name(reason)))
            if src == "closed" and dst != "closed":
                c.reopened += 1
            c.state = dst
        elif kind == "transferred":
            c.transfers += 1
            # A warm transfer: the conversation changes hands without a
            # change of state.
            if holder is None or holder.agent != e["agent"]:
                finish(at)
                begin(e["agent"], at)
        elif kind == "csat":
            c.csat = e["score"]
        elif kind == "tagged":
            for t in e["tags"]:
                if t not in c.tags:
                    c.tags.append(t)


# ---------------------------------------------------------------------------
# Tallies


class Tally:
    """The raw figures of one slice."""

    def __init__(self) -> None:
        self.conversations = 0
        self.messages = [0, 0, 0, 0]
        self.first_response: list[int] = []
        self.first_reply: list[int] = []
        self.reply: list[int] = []
        self.queued = 0
        self.answered: list[int] = []  # waits
        self.abandoned: list[int] = []  # waits
        self.unanswered = 0
        self.handle: list[int] = []
        self.resolution: list[int] = []
        self.bot_decided = 0
        self.contained = 0
        self.bot_resolved = 0
        self.handed_off = 0
        self.fcr_closed = 0
        self.fcr_resolved = 0
        self.csat = [0, 0, 0, 0, 0]
        self.closed = 0
        self.reopened = 0
        self.transfers = 0

    def figures(self, s: argparse.Namespace) -> dict:
        sl_ms = round(s.sl * 1000)
        short_ms = round(s.short_abandon * 1000)
        short = [w for w in self.abandoned if short_ms and w < short_ms]
        counted_abandons = [w for w in self.abandoned if not (short_ms and w < short_ms)]
        met = sum(1 for w in self.answered if w <= sl_ms)
        if s.abandons_met:
            met += sum(1 for w in counted_abandons if w <= sl_ms)
        counted = len(self.answered) + len(counted_abandons)
        responses = sum(self.csat)
        return {
            "conversations": self.conversations,
            "messages": dict(zip(ROLES, self.messages)),
            "first_response_s": stat(self.first_response),
            "first_reply_s": stat(self.first_reply),
            "reply_time_s": stat(self.reply),
            "queued": self.queued,
            "answered": len(self.answered),
            "asa_s": stat(self.answered)["mean"],
            "answer_wait_s": stat(self.answered),
            "service_level": {
                "threshold_s": s.sl,
                "percent": pct(met, counted),
                "met": met,
                "counted": counted,
            },
            "abandonment": {
                "count": len(counted_abandons),
                "percent": pct(len(counted_abandons), self.queued - len(short)),
                "short": len(short),
                "wait_s": stat(self.abandoned),
            },
            "unanswered": self.unanswered,
            "handle_time_s": stat(self.handle),
            "resolution_time_s": stat(self.resolution),
            "containment_percent": pct(self.contained, self.bot_decided),
            "bot": {
                "conversations": self.bot_decided,
                "contained": self.contained,
                "resolved": self.bot_resolved,
                "handed_off": self.handed_off,
                "handoff_percent": pct(self.handed_off, self.bot_decided),
            },
            "fcr_percent": pct(self.fcr_resolved, self.fcr_closed),
            "fcr": {"closed": self.fcr_closed, "resolved": self.fcr_resolved},
            "csat": {
                "responses": responses,
                "satisfied_percent": pct(self.csat[3] + self.csat[4], responses),
                "mean": (
                    sum(n * (i + 1) for i, n in enumerate(self.csat)) / responses
                    if responses
                    else None
                ),
                "response_rate_percent": pct(responses, self.closed),
                "scores": list(self.csat),
            },
            "closed": self.closed,
            "reopened": self.reopened,
            "transfers": self.transfers,
        }


class Slices:
    def __init__(self) -> None:
        self.totals = Tally()
        self.queues: dict[str, Tally] = {}
        self.agents: dict[str, Tally] = {}
        self.channels: dict[str, Tally] = {}
        self.tags: dict[str, Tally] = {}

    def of(self, c: Conv, *, queue=None, agent=None) -> list[Tally]:
        """The tallies a figure of `c` counts in: the totals, the queue and
        agent named, and the conversation's first channel and each of its
        tags (every figure of a conversation counts for those)."""
        channel, tags = c.channel, c.tags
        out = [self.totals]
        if queue is not None:
            out.append(self.queues.setdefault(queue, Tally()))
        if agent is not None:
            out.append(self.agents.setdefault(agent, Tally()))
        if channel is not None:
            out.append(self.channels.setdefault(channel, Tally()))
        for t in tags:
            out.append(self.tags.setdefault(t, Tally()))
        return out


def fcr_resolved(c: Conv, by_contact: dict[str, list[int]], window_ms: int) -> bool:
    if c.reopened > 0 or len(set(c.agents)) > 1:
        return False
    close = c.closes[-1][0]
    for start in by_contact.get(c.contact, []):
        if close < start <= close + window_ms:
            return False
    return True


def count(c: Conv, sl: Slices, s: argparse.Namespace, by_contact, now: int) -> None:
    """Adds `c` to the slices each of its figures counts in."""
    conv_level = sl.of(c, queue=c.queue, agent=c.last_agent)
    for t in conv_level:
        t.conversations += 1
        t.messages = [a + b for a, b in zip(t.messages, c.messages)]
        if c.first_reply is not None:
            t.first_reply.append(c.first_reply)
        t.reopened += c.reopened
        t.transfers += c.transfers
        if c.closed:
            t.closed += 1
            t.resolution.append(c.closes[-1][0] - c.start)
            t.fcr_closed += 1
            if fcr_resolved(c, by_contact, round(s.fcr_days * 86_400_000)):
                t.fcr_resolved += 1
        if c.reached_bot and (c.closed or c.waited):
            t.bot_decided += 1
            if c.closed and not c.waited:
                t.contained += 1
                if c.closes[-1][1] in ("resolved", "closed_by_bot"):
                    t.bot_resolved += 1
            if c.handoff_reason is not None:
                t.handed_off += 1
        if c.csat is not None:
            t.csat[c.csat - 1] += 1
    # The first wait: in the queue it ended in, for the agent who answered;
    # one still open in the queue it began in.
    if c.wait_start is not None:
        for t in sl.of(
            c, queue=c.wait_queue if c.wait_outcome else c.queue, agent=c.wait_agent
        ):
            t.queued += 1
            if c.wait_outcome is None:
                continue
            w = c.wait_end - c.wait_start
            if c.wait_outcome == "answered":
                t.answered.append(w)
            elif c.wait_outcome == "abandoned":
                t.abandoned.append(w)
            else:
                t.unanswered += 1
    if c.first_response is not None:
        ms, agent, queue = c.first_response
        for t in sl.of(c, queue=queue, agent=agent):
            t.first_response.append(ms)
    for ms, agent, queue in c.replies:
        for t in sl.of(c, queue=queue, agent=agent):
            t.reply.append(ms)
    for p in c.parts:
        if p.end is None:
            ms = now - p.start
        else:
            # Wrap-up follows every part that ended, however it ended, in
            # the queue the agent had the conversation in.
            ms = p.end - p.start + s.wrap_up.get(p.queue, 0)
        for t in sl.of(c, queue=p.queue, agent=p.agent):
            t.handle.append(ms)


# ---------------------------------------------------------------------------
# Agents' own work


@dataclass
class AgentWork:
    accepted: int = 0
    declined: int = 0
    missed: int = 0
    transfers_in: int = 0
    transfers_out: int = 0
    parts: int = 0
    available: int = 0
    away: int = 0
    busy: list[tuple[int, int]] = field(default_factory=list)
    signed_in: list[tuple[int, int]] = field(default_factory=list)


def union_length(spans: list[tuple[int, int]]) -> int:
    total, reach = 0, None
    for a, b in sorted(spans):
        if reach is None or a > reach:
            total += b - a
            reach = b
        elif b > reach:
            total += b - reach
            reach = b
    return total


def spans(raw: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The union of `raw` as sorted disjoint spans."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(raw):
        if b <= a:
            continue
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def overlap_length(x: list[tuple[int, int]], y: list[tuple[int, int]]) -> int:
    """How long the unions of `x` and `y` overlap, by brute force."""
    return sum(
        max(0, min(b, d) - max(a, c)) for a, b in spans(x) for c, d in spans(y)
    )


def agent_work(events: list[dict], convs: list[Conv], s, now: int) -> dict[str, AgentWork]:
    work: dict[str, AgentWork] = {}

    def of(a: str) -> AgentWork:
        return work.setdefault(a, AgentWork())

    presence: dict[str, tuple[str, int]] = {}
    for e in events:
        kind = e["type"]
        if kind == "agent_status":
            a = e["agent"]
            if a in presence:
                status, since = presence[a]
                w = of(a)
                if status == "available":
                    w.available += e["at"] - since
                elif status == "away":
                    w.away += e["at"] - since
                if status in ("available", "away"):
                    w.signed_in.append((since, e["at"]))
            else:
                of(a)
            presence[a] = (e["status"], e["at"])
        elif kind == "transition" and e["to"] == "with_agent" and e["reason"] == "accepted":
            of(e["agent"]).accepted += 1
        elif kind == "transferred":
            of(e["from"]).transfers_out += 1
            of(e["agent"]).transfers_in += 1
        elif kind == "offer_missed":
            if e["reason"] == "declined":
                of(e["agent"]).declined += 1
            elif e["reason"] == "offer_expired":
                of(e["agent"]).missed += 1
    for a, (status, since) in presence.items():
        if status == "available":
            work[a].available += now - since
        elif status == "away":
            work[a].away += now - since
        if status in ("available", "away"):
            work[a].signed_in.append((since, now))
    for c in convs:
        for p in c.parts:
            w = of(p.agent)
            w.parts += 1
            if p.end is None:
                w.busy.append((p.start, now))
            else:
                w.busy.append((p.start, p.end + s.wrap_up.get(p.queue, 0)))
    return work


# ---------------------------------------------------------------------------
# The summary


def summarize(events: list[dict], s: argparse.Namespace) -> dict:
    zone = ZoneInfo(s.tz)
    now = max((e["at"] for e in events), default=None)
    convs: list[Conv] = []
    open_convs: dict[str, Conv] = {}
    for e in events:
        cid = e.get("conversation")
        if cid is None:
            continue
        if e["type"] == "started":
            c = Conv(cid, e["at"], e.get("contact"), e.get("channel"))
            convs.append(c)
            open_convs[cid] = c
        c = open_convs.get(cid)
        if c is None:
            continue  # a conversation begun before the log
        c.events.append(e)
        if e["type"] == "purged":
            del open_convs[cid]
    by_contact: dict[str, list[int]] = {}
    for c in convs:
        analyse(c, s.after_hours_waits)
        by_contact.setdefault(c.contact, []).append(c.start)

    sl = Slices()
    for c in convs:
        count(c, sl, s, by_contact, now)

    def local(ms: int) -> datetime:
        return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).astimezone(zone)

    by_hour, by_weekday = [0] * 24, [0] * 7
    for c in convs:
        t = local(c.start)
        by_hour[t.hour] += 1
        by_weekday[t.weekday()] += 1
    messages_by_hour = [0] * 24
    for e in events:
        if e["type"] == "message" and e["from"]["role"] == "customer":
            messages_by_hour[local(e["at"]).hour] += 1

    handoff_reasons: dict[str, int] = {}
    close_reasons: dict[str, int] = {}
    for c in convs:
        if c.handoff_reason is not None:
            handoff_reasons[c.handoff_reason] = handoff_reasons.get(c.handoff_reason, 0) + 1
        if c.closed:
            r = c.closes[-1][1]
            close_reasons[r] = close_reasons.get(r, 0) + 1

    wait_distribution = []
    lo = 0
    for hi, label in WAIT_EDGES:
        inside = lambda w: w >= lo and (hi is None or w < hi)  # noqa: E731
        wait_distribution.append(
            {
                "label": label,
                "answered": sum(1 for w in sl.totals.answered if inside(w)),
                "abandoned": sum(1 for w in sl.totals.abandoned if inside(w)),
            }
        )
        lo = hi

    work = agent_work(events, convs, s, now)
    agents = {}
    for a in sorted(set(work) | set(sl.agents)):
        row = sl.agents.get(a, Tally()).figures(s)
        w = work.get(a, AgentWork())
        busy = union_length(w.busy)
        signed_in = w.available + w.away
        busy_signed_in = overlap_length(w.busy, w.signed_in)
        row.update(
            {
                "offers_accepted": w.accepted,
                "offers_declined": w.declined,
                "offers_missed": w.missed,
                "transfers_out": w.transfers_out,
                "transfers_in": w.transfers_in,
                "handled": w.parts,
                "available_s": w.available / 1000.0,
                "away_s": w.away / 1000.0,
                "signed_in_s": signed_in / 1000.0,
                "busy_s": busy / 1000.0,
                "occupancy_percent": pct(busy_signed_in, signed_in),
            }
        )
        agents[a] = row

    summary = {
        "period": {
            "from": min((e["at"] for e in events), default=None),
            "to": now,
            "time_zone": s.tz,
            "events": len(events),
        },
        **sl.totals.figures(s),
        "volume_by_hour": by_hour,
        "volume_by_weekday": by_weekday,
        "messages_by_hour": messages_by_hour,
        "handoff_reasons": handoff_reasons,
        "close_reasons": close_reasons,
        "wait_distribution": wait_distribution,
        "queues": {k: v.figures(s) for k, v in sorted(sl.queues.items())},
        "agents": agents,
        "channels": {k: v.figures(s) for k, v in sorted(sl.channels.items())},
        "tags": {k: v.figures(s) for k, v in sorted(sl.tags.items())},
    }
    return summary


def wrap_up(arg: str) -> tuple[str, int]:
    queue, _, secs = arg.rpartition("=")
    if not queue:
        raise argparse.ArgumentTypeError(f"--wrap-up needs QUEUE=SECONDS, not {arg!r}")
    return queue, round(float(secs) * 1000)


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("log")
    p.add_argument("--tz", default="UTC")
    p.add_argument("--sl", type=float, default=20.0, help="service-level threshold, s")
    p.add_argument(
        "--short-abandon", type=float, default=5.0, help="seconds; 0 counts every abandon"
    )
    p.add_argument("--abandons-met", action="store_true")
    p.add_argument("--after-hours-waits", action="store_true")
    p.add_argument("--fcr-days", type=float, default=7.0)
    p.add_argument("--wrap-up", type=wrap_up, action="append", default=[])
    s = p.parse_args(argv)
    s.wrap_up = dict(s.wrap_up)
    summary = summarize(load(s.log), s)
    json.dump(summary, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
