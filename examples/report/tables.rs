//! The page's tables: per queue, agent, channel and tag, the queue and
//! agent drill-downs (`<details id="queue-ID">` listing links to
//! `#conv-ID`), and the conversation list.

use std::fmt::Write;

use switchboard::metrics::{AgentFigures, ConversationRow, Figures, Report, Summary};

use crate::html::{Options, sl_class};
use crate::text::{Zone, anchor, count, counted, duration, esc, percent};

/// A table column: header, what it means, and the cell of a row.
struct Col<T> {
    head: &'static str,
    help: &'static str,
    cell: Box<dyn Fn(&T) -> Cell>,
}

/// A cell: its HTML (escaped already) and its class.
struct Cell(String, &'static str);

fn num(s: String) -> Cell {
    Cell(s, "n")
}

fn col<T: 'static>(
    head: &'static str,
    help: &'static str,
    cell: impl Fn(&T) -> Cell + 'static,
) -> Col<T> {
    Col {
        head,
        help,
        cell: Box::new(cell),
    }
}

/// The columns every slice's table has.
fn figure_cols<T: 'static>(get: fn(&T) -> &Figures, target: f64) -> Vec<Col<T>> {
    vec![
        col(
            "Conversations",
            "conversations counted for it (their last queue, agent; first channel)",
            move |r: &T| num(count(get(r).conversations)),
        ),
        col(
            "Answered",
            "first waits answered by an agent",
            move |r: &T| num(count(get(r).answered)),
        ),
        col(
            "Service level",
            "first waits answered within the threshold ÷ (answered + abandoned)",
            move |r: &T| {
                let p = get(r).service_level.percent;
                Cell(
                    percent(p),
                    if sl_class(p, target) == "bad" {
                        "n bad"
                    } else {
                        "n"
                    },
                )
            },
        ),
        col(
            "Speed of answer",
            "mean first wait of answered conversations",
            move |r: &T| num(duration(get(r).asa_s)),
        ),
        col("Abandoned", "abandoned ÷ queued", move |r: &T| {
            let a = &get(r).abandonment;
            num(format!("{} ({})", percent(a.percent), count(a.count)))
        }),
        col(
            "First response",
            "median: first wait → first agent message",
            move |r: &T| num(duration(get(r).first_response_s.median)),
        ),
        col(
            "Handle time",
            "mean: accept → release, plus wrap-up",
            move |r: &T| num(duration(get(r).handle_time_s.mean)),
        ),
        col(
            "FCR",
            "closed without reopen, second agent or a new conversation in the window",
            move |r: &T| num(percent(get(r).fcr_percent)),
        ),
        col(
            "CSAT",
            "scores 4–5 ÷ responses (responses)",
            move |r: &T| {
                let c = &get(r).csat;
                num(format!(
                    "{} ({})",
                    percent(c.satisfied_percent),
                    count(c.responses)
                ))
            },
        ),
    ]
}

/// A table of `rows` (key, value): the key cell links to `#kind-KEY`
/// when `kind` is given.
fn table<T>(
    out: &mut String,
    kind: Option<&str>,
    first: &str,
    rows: &[(&String, &T)],
    cols: &[Col<T>],
) {
    let _ = write!(
        out,
        "<div class=\"table-wrap\"><table><thead><tr><th>{first}</th>"
    );
    for c in cols {
        let _ = write!(
            out,
            "<th class=\"n\" title=\"{}\">{}</th>",
            esc(c.help),
            c.head
        );
    }
    out.push_str("</tr></thead><tbody>");
    for (key, row) in rows {
        // A linked row: a click anywhere on it follows its link.
        match kind {
            Some(kind) => {
                let _ = write!(
                    out,
                    "<tr class=\"linked\"><td><a href=\"#{}\">{}</a>",
                    anchor(kind, key),
                    esc(key)
                );
            }
            None => {
                let _ = write!(out, "<tr><td>{}", esc(key));
            }
        }
        out.push_str("</td>");
        for c in cols {
            let Cell(html, class) = (c.cell)(row);
            let _ = write!(out, "<td class=\"{class}\">{html}</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
}

/// The drill-down of one queue or agent: `<details id="kind-KEY">` with a
/// link to each of its listed conversations.
fn drill_down(out: &mut String, kind: &str, key: &str, convs: &[&ConversationRow], all: usize) {
    let _ = write!(
        out,
        "<details id=\"{}\"><summary>{} — {}",
        anchor(kind, key),
        esc(key),
        counted(all as u64, "conversation")
    );
    if convs.len() < all {
        let _ = write!(out, " ({} listed)", count(convs.len() as u64));
    }
    out.push_str("</summary><div class=\"links\">");
    if convs.is_empty() {
        out.push_str("<span class=\"note\">none in the conversation list</span>");
    }
    for c in convs {
        let _ = write!(
            out,
            "<a href=\"#{}\">{}</a>",
            anchor("conv", &c.id),
            esc(&c.id)
        );
    }
    out.push_str("</div></details>");
}

pub(crate) fn queues(out: &mut String, r: &Report, listed: &[&ConversationRow], opts: &Options) {
    let s = &r.summary;
    out.push_str("<h2 id=\"queues\">Queues</h2>");
    if s.queues.is_empty() {
        out.push_str("<p class=\"note\">No queue saw a conversation.</p>");
        return;
    }
    let rows: Vec<(&String, &Figures)> = s.queues.iter().collect();
    let mut cols = figure_cols(|f: &Figures| f, opts.sl_target);
    cols.insert(
        1,
        col("Queued", "first waits", |f: &Figures| num(count(f.queued))),
    );
    cols.push(col("Transfers", "transfers", |f: &Figures| {
        num(count(f.transfers))
    }));
    table(out, Some("queue"), "Queue", &rows, &cols);
    out.push_str("<p class=\"note\">A queue's conversations (those whose last queue it is):</p>");
    for q in s.queues.keys() {
        let all = r
            .conversations
            .iter()
            .filter(|c| c.queue.as_ref() == Some(q))
            .count();
        let mine: Vec<&ConversationRow> = listed
            .iter()
            .copied()
            .filter(|c| c.queue.as_ref() == Some(q))
            .collect();
        drill_down(out, "queue", q, &mine, all);
    }
}

pub(crate) fn agents(out: &mut String, r: &Report, listed: &[&ConversationRow], opts: &Options) {
    let s = &r.summary;
    out.push_str("<h2 id=\"agents\">Agents</h2>");
    if s.agents.is_empty() {
        out.push_str("<p class=\"note\">No agent signed in or had a conversation.</p>");
        return;
    }
    let rows: Vec<(&String, &AgentFigures)> = s.agents.iter().collect();
    let mut cols: Vec<Col<AgentFigures>> = vec![
        col(
            "Handled",
            "conversations they had (a transferred one counts for each agent)",
            |a: &AgentFigures| num(count(a.handled)),
        ),
        col(
            "Offers",
            "accepted / declined / missed",
            |a: &AgentFigures| {
                num(format!(
                    "{} / {} / {}",
                    count(a.offers_accepted),
                    count(a.offers_declined),
                    count(a.offers_missed)
                ))
            },
        ),
        col("Occupancy", "busy ÷ signed in", |a: &AgentFigures| {
            let w = a.occupancy_percent.unwrap_or(0.0).clamp(0.0, 100.0);
            let meter = if a.occupancy_percent.is_some() {
                format!("<span class=\"meter\"><i style=\"width:{w:.0}%\"></i></span>")
            } else {
                String::new()
            };
            num(format!("{meter}{}", percent(a.occupancy_percent)))
        }),
        col("Signed in", "time available or away", |a: &AgentFigures| {
            num(duration(Some(a.signed_in_s)))
        }),
        col(
            "Reply time",
            "median: customer message → agent reply",
            |a: &AgentFigures| num(duration(a.figures.reply_time_s.median)),
        ),
        col(
            "Transfers out",
            "conversations transferred away",
            |a: &AgentFigures| num(count(a.transfers_out)),
        ),
    ];
    let figures = figure_cols(|a: &AgentFigures| &a.figures, opts.sl_target);
    // Of the slice columns, an agent's own work: first response, handle
    // time, FCR and CSAT.
    cols.extend(figures.into_iter().skip(5));
    table(out, Some("agent"), "Agent", &rows, &cols);
    out.push_str("<p class=\"note\">An agent's conversations (every one they had a part of):</p>");
    for a in s.agents.keys() {
        let has = |c: &ConversationRow| c.agents.iter().any(|x| x.as_str() == a);
        let all = r.conversations.iter().filter(|c| has(c)).count();
        let mine: Vec<&ConversationRow> = listed.iter().copied().filter(|c| has(c)).collect();
        drill_down(out, "agent", a, &mine, all);
    }
}

pub(crate) fn slices(out: &mut String, s: &Summary, opts: &Options) {
    out.push_str("<h2 id=\"channels\">Channels and tags</h2>");
    for (name, map) in [("Channel", &s.channels), ("Tag", &s.tags)] {
        if map.is_empty() {
            let _ = write!(out, "<p class=\"note\">No {}s.</p>", name.to_lowercase());
            continue;
        }
        let rows: Vec<(&String, &Figures)> = map.iter().collect();
        let mut cols = figure_cols(|f: &Figures| f, opts.sl_target);
        cols.insert(
            1,
            col(
                "Customer messages",
                "messages from customers",
                |f: &Figures| num(count(f.messages.customer)),
            ),
        );
        cols.push(col(
            "Containment",
            "closed by the bot without a person",
            |f: &Figures| num(percent(f.containment_percent)),
        ));
        out.push_str("<h3>");
        out.push_str(name);
        out.push_str("s</h3>");
        table(out, None, name, &rows, &cols);
    }
}

/// The outcome's name (`handled`, `abandoned` …).
fn outcome(c: &ConversationRow) -> String {
    serde_json::to_value(c.outcome)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

pub(crate) fn conversations(
    out: &mut String,
    r: &Report,
    listed: &[&ConversationRow],
    zone: &Zone,
) {
    out.push_str("<h2 id=\"conversations\">Conversations</h2>");
    let all = r.conversations.len();
    if all == 0 {
        out.push_str("<p class=\"note\">No conversations.</p>");
        return;
    }
    if listed.len() < all {
        let _ = write!(
            out,
            "<p class=\"note\">The {} most recent of {} conversations, newest first; \
             <code>--csv</code> writes them all.</p>",
            count(listed.len() as u64),
            count(all as u64)
        );
    } else {
        let _ = write!(
            out,
            "<p class=\"note\">{}, newest first.</p>",
            counted(all as u64, "conversation")
        );
    }
    out.push_str(
        "<div class=\"table-wrap\"><table><thead><tr><th>Conversation</th><th>Channel</th>\
         <th>Queue</th><th>Agent</th><th>Started</th><th class=\"n\">Wait</th>\
         <th class=\"n\">First response</th><th>Outcome</th><th class=\"n\">CSAT</th></tr></thead><tbody>",
    );
    let opt = |s: Option<String>| s.map_or_else(|| "—".to_owned(), |s| esc(&s));
    for c in listed {
        let o = outcome(c);
        let _ = write!(
            out,
            "<tr id=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td><span class=\"o o-{o}\">{o}</span></td>\
             <td class=\"n\">{}</td></tr>",
            anchor("conv", &c.id),
            esc(&c.id),
            opt(c.channel.as_ref().map(|x| x.to_string())),
            opt(c.queue.clone()),
            opt(c.agent.as_ref().map(|x| x.to_string())),
            opt(c
                .started
                .map(|t| zone.format(t.as_millis() as i64, "%a %-d %b %H:%M:%S"))),
            duration(c.wait_s),
            duration(c.first_response_s),
            c.csat.map_or_else(|| "—".to_owned(), |s| s.to_string()),
        );
    }
    out.push_str("</tbody></table></div>");
}
