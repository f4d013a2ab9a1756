//! The page's charts: inline SVG drawn from the report's figures.
//!
//! Every chart is one `<svg data-chart="NAME">` with a `<title>` and axis
//! labels; its colours come from the page's style sheet (the `c-*`
//! classes). A missing value (`null` in the report) is a gap, never a
//! zero; a chart without data says "no data". Hovering a cell, bar or
//! interval shows its figures (`<title>` tooltips).

use std::fmt::Write;

use crate::text::{Zone, count, esc, percent, short_count, tick_duration};

/// The plot area within a chart of `w` × `h`.
#[derive(Clone, Copy, Debug)]
struct Plot {
    w: f64,
    h: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

impl Plot {
    fn x1(&self) -> f64 {
        self.w - self.right
    }
    fn y0(&self) -> f64 {
        self.h - self.bottom
    }
    fn pw(&self) -> f64 {
        self.x1() - self.left
    }
    fn ph(&self) -> f64 {
        self.y0() - self.top
    }
    /// The y of `v` on a scale from 0 to `max`.
    fn y(&self, v: f64, max: f64) -> f64 {
        self.y0() - v.clamp(0.0, max) / max * self.ph()
    }
}

/// What a value measures, for its axis and labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scale {
    /// 0–100 %.
    Percent,
    /// Seconds.
    Seconds,
    /// A count.
    Count,
}

impl Scale {
    /// The axis top and step for values up to `max`.
    fn axis(self, max: f64) -> (f64, f64) {
        const SECONDS: [f64; 20] = [
            1.0, 2.0, 5.0, 10.0, 15.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0,
            3600.0, 7200.0, 10800.0, 21600.0, 43200.0, 86400.0, 172800.0,
        ];
        match self {
            Scale::Percent => (100.0, 25.0),
            Scale::Seconds => {
                let step = SECONDS
                    .iter()
                    .copied()
                    .find(|s| max / s <= 5.0)
                    .unwrap_or_else(|| (max / 5.0 / 86400.0).ceil() * 86400.0);
                (((max / step).ceil() * step).max(step), step)
            }
            Scale::Count => {
                let mut step = 1.0;
                'find: loop {
                    for m in [1.0, 2.0, 5.0] {
                        if max / (step * m) <= 5.0 {
                            step *= m;
                            break 'find;
                        }
                    }
                    step *= 10.0;
                }
                (((max / step).ceil() * step).max(step), step)
            }
        }
    }

    /// A tick label.
    fn tick(self, v: f64) -> String {
        match self {
            Scale::Percent => format!("{v:.0} %"),
            Scale::Seconds => tick_duration(v),
            Scale::Count => count(v.round() as u64),
        }
    }
}

/// `<svg data-chart="name">` with its title.
fn open(out: &mut String, name: &str, title: &str, w: f64, h: f64) {
    let _ = write!(
        out,
        r#"<svg data-chart="{name}" class="chart" viewBox="0 0 {w} {h}" role="img" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        esc(title)
    );
}

/// The axis labels: `x` under the plot, `y` turned along its left side.
fn axis_labels(out: &mut String, p: &Plot, x: &str, y: &str) {
    let _ = write!(
        out,
        r#"<text class="axis-label" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
        p.left + p.pw() / 2.0,
        p.h - 6.0,
        esc(x)
    );
    let (yx, yy) = (14.0, p.top + p.ph() / 2.0);
    let _ = write!(
        out,
        r#"<text class="axis-label" x="{yx}" y="{yy:.1}" text-anchor="middle" transform="rotate(-90 {yx} {yy:.1})">{}</text>"#,
        esc(y)
    );
}

/// "no data" in the middle of the plot.
fn no_data(out: &mut String, p: &Plot) {
    let _ = write!(
        out,
        r#"<text class="no-data" x="{:.1}" y="{:.1}" text-anchor="middle">no data</text>"#,
        p.left + p.pw() / 2.0,
        p.top + p.ph() / 2.0
    );
}

/// A y axis from 0 to `top` by `step`: grid lines and tick labels on the
/// left, or tick labels only on the right.
fn y_axis(out: &mut String, p: &Plot, scale: Scale, top: f64, step: f64, right: bool) {
    let mut v = 0.0;
    while v <= top + step / 1000.0 {
        let y = p.y(v, top);
        if right {
            let _ = write!(
                out,
                r#"<text class="tick" x="{:.1}" y="{:.1}">{}</text>"#,
                p.x1() + 6.0,
                y + 4.0,
                scale.tick(v)
            );
        } else {
            let _ = write!(
                out,
                r#"<line class="grid" x1="{:.1}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}"/><text class="tick" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
                p.left,
                p.x1(),
                p.left - 6.0,
                y + 4.0,
                scale.tick(v)
            );
        }
        v += step;
    }
}

/// A legend entry at (`x`, `y`): a swatch of `class` and `label`; returns
/// the x after it.
fn legend(out: &mut String, x: f64, y: f64, class: &str, label: &str, line: bool) -> f64 {
    if line {
        let _ = write!(
            out,
            r#"<line class="{class}" x1="{x:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}"/>"#,
            x + 16.0,
            y - 4.0,
            y - 4.0
        );
    } else {
        let _ = write!(
            out,
            r#"<rect class="{class}" x="{x:.1}" y="{:.1}" width="12" height="10"/>"#,
            y - 9.0
        );
    }
    let _ = write!(
        out,
        r#"<text class="legend" x="{:.1}" y="{y:.1}">{}</text>"#,
        x + 20.0,
        esc(label)
    );
    x + 28.0 + label.chars().count() as f64 * 6.5
}

/// Interpolates the heat-map colour scale at `t` in 0–1.
fn heat_colour(t: f64) -> String {
    const STOPS: [(f64, [f64; 3]); 3] = [
        (0.0, [219.0, 234.0, 254.0]),
        (0.5, [59.0, 130.0, 246.0]),
        (1.0, [30.0, 58.0, 138.0]),
    ];
    let t = t.clamp(0.0, 1.0);
    let (a, b) = if t <= 0.5 {
        (STOPS[0], STOPS[1])
    } else {
        (STOPS[1], STOPS[2])
    };
    let f = (t - a.0) / (b.0 - a.0);
    let c: Vec<u8> = (0..3)
        .map(|i| (a.1[i] + (b.1[i] - a.1[i]) * f).round() as u8)
        .collect();
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// Weekday names, Monday first.
const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// A weekday × hour heat map of `grid` (7 rows of 24, Monday first; a
/// missing cell counts 0), with a colour legend and weekday totals.
/// `what` names the counted thing in tooltips ("conversations started").
pub(crate) fn heatmap(
    name: &str,
    title: &str,
    grid: &[Vec<u64>],
    what: &str,
    zone: &str,
) -> String {
    let cell = |d: usize, h: usize| grid.get(d).and_then(|r| r.get(h)).copied().unwrap_or(0);
    let (cw, ch) = (26.0, 24.0);
    let p = Plot {
        w: 48.0 + 24.0 * cw + 64.0,
        h: 30.0 + 7.0 * ch + 78.0,
        left: 48.0,
        right: 64.0,
        top: 30.0,
        bottom: 78.0,
    };
    let max = (0..7)
        .flat_map(|d| (0..24).map(move |h| (d, h)))
        .map(|(d, h)| cell(d, h))
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    open(&mut out, name, title, p.w, p.h);
    for h in (0..24).step_by(2) {
        let _ = write!(
            out,
            r#"<text class="tick" x="{:.1}" y="{:.1}" text-anchor="middle">{h:02}</text>"#,
            p.left + (h as f64 + 0.5) * cw,
            p.top - 8.0
        );
    }
    let _ = write!(
        out,
        r#"<text class="tick" x="{:.1}" y="{:.1}" text-anchor="middle">total</text>"#,
        p.x1() + p.right / 2.0,
        p.top - 8.0
    );
    // Empty cells: one pattern under the grid.
    let _ = write!(
        out,
        r##"<defs><pattern id="cells-{name}" x="{}" y="{}" width="{cw}" height="{ch}" patternUnits="userSpaceOnUse"><rect width="{}" height="{}" fill="#f1f5f9"/></pattern></defs><rect x="{}" y="{}" width="{}" height="{}" fill="url(#cells-{name})"><title>light grey: no {}</title></rect>"##,
        p.left,
        p.top,
        cw - 1.0,
        ch - 1.0,
        p.left,
        p.top,
        24.0 * cw,
        7.0 * ch,
        esc(what)
    );
    for (d, day) in DAYS.iter().enumerate() {
        let y = p.top + d as f64 * ch;
        let _ = write!(
            out,
            r#"<text class="tick" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            p.left - 6.0,
            y + ch / 2.0 + 4.0,
            &day[..3]
        );
        let mut total = 0;
        for h in 0..24 {
            let v = cell(d, h);
            total += v;
            let x = p.left + h as f64 * cw;
            if v == 0 {
                continue;
            }
            let t = v as f64 / max as f64;
            let _ = write!(
                out,
                r#"<g><title>{day} {h:02}:00–{:02}:00: {} {}</title><rect class="cell" x="{x}" y="{y}" width="{}" height="{}" fill="{}"/><text class="cell-value{}" x="{}" y="{}" text-anchor="middle">{}</text></g>"#,
                h + 1,
                count(v),
                esc(what),
                cw - 1.0,
                ch - 1.0,
                heat_colour(t),
                if t > 0.45 { " light" } else { "" },
                x + (cw - 1.0) / 2.0,
                y + ch / 2.0 + 3.0,
                short_count(v)
            );
        }
        let _ = write!(
            out,
            r#"<text class="tick" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            p.x1() + p.right / 2.0,
            y + ch / 2.0 + 4.0,
            count(total)
        );
    }
    let p_grid = Plot {
        bottom: p.h - (p.top + 7.0 * ch),
        ..p
    };
    if max == 0 {
        no_data(&mut out, &p_grid);
    }
    // The legend: none, then the scale from 1 to the busiest cell.
    let ly = p.top + 7.0 * ch + 22.0;
    let _ = write!(
        out,
        r##"<defs><linearGradient id="scale-{name}"><stop offset="0" stop-color="{}"/><stop offset="0.5" stop-color="{}"/><stop offset="1" stop-color="{}"/></linearGradient></defs><rect x="{:.1}" y="{ly:.1}" width="12" height="12" fill="#f1f5f9"/><text class="legend" x="{:.1}" y="{:.1}">0</text><rect x="{:.1}" y="{ly:.1}" width="200" height="12" fill="url(#scale-{name})"/><text class="legend" x="{:.1}" y="{:.1}" text-anchor="middle">1</text><text class="legend" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text><text class="legend" x="{:.1}" y="{:.1}">{}</text>"##,
        heat_colour(0.0),
        heat_colour(0.5),
        heat_colour(1.0),
        p.left,
        p.left + 16.0,
        ly + 10.0,
        p.left + 40.0,
        p.left + 40.0,
        ly + 26.0,
        p.left + 240.0,
        ly + 26.0,
        count(max.max(1)),
        p.left + 250.0,
        ly + 10.0,
        esc(what),
    );
    axis_labels(
        &mut out,
        &p,
        &format!("Local hour of the day ({zone})"),
        "Weekday",
    );
    out.push_str("</svg>");
    out
}

/// One interval of a time chart.
#[derive(Clone, Debug)]
pub(crate) struct TimeRow {
    /// Its start, ms since the epoch.
    pub(crate) start: i64,
    /// The line's value.
    pub(crate) line: Option<f64>,
    /// The bar's value.
    pub(crate) bar: Option<f64>,
    /// Its tooltip.
    pub(crate) tip: String,
}

/// A chart over time: bars and a line per interval, with a reference
/// line. Bars of another scale than the line's get their own axis on the
/// right.
#[derive(Debug)]
pub(crate) struct TimeChart<'a> {
    /// The `data-chart` name.
    pub(crate) name: &'a str,
    /// The title.
    pub(crate) title: String,
    /// The report's time zone.
    pub(crate) zone: &'a Zone,
    /// The interval length, ms.
    pub(crate) interval_ms: i64,
    /// The intervals that saw anything, in time order.
    pub(crate) rows: Vec<TimeRow>,
    /// The line: its legend label and scale.
    pub(crate) line: (&'a str, Scale),
    /// The bars: their legend label and scale.
    pub(crate) bars: (&'a str, Scale),
    /// The y axis label (of the line's scale).
    pub(crate) y_label: &'a str,
    /// The right axis label, when the bars have their own.
    pub(crate) y2_label: &'a str,
    /// A reference line (in the line's scale) and its label.
    pub(crate) reference: Option<(f64, String)>,
}

/// The most intervals a [`TimeChart`] gives tooltips (a month of 15-minute
/// intervals); a longer period has none, so that the page stays small.
pub(crate) const MAX_TIPS: usize = 3_000;

/// Time-axis ticks between `from` and `to` (ms): local midnights, or
/// hours for a short span, at most about eight.
fn time_ticks(zone: &Zone, from: i64, to: i64) -> Vec<(i64, String)> {
    const STEPS_H: [i64; 11] = [1, 2, 3, 6, 12, 24, 48, 168, 336, 720, 2160];
    let span_h = (to - from) as f64 / 3.6e6;
    let step = STEPS_H
        .iter()
        .copied()
        .find(|s| span_h / *s as f64 <= 8.0)
        .unwrap_or(8760);
    let (Some(a), Some(b)) = (zone.at(from), zone.at(to)) else {
        return Vec::new();
    };
    let mut ticks = Vec::new();
    let mut date = a.date();
    let mut day = 0i64;
    while date <= b.date() {
        let hours: Vec<i8> = if step < 24 {
            (0..24).step_by(step as usize).collect()
        } else if day % (step / 24) == 0 {
            vec![0]
        } else {
            Vec::new()
        };
        for hour in hours {
            if let Some(ms) = zone
                .local_ms(date, hour)
                .filter(|ms| (from..=to).contains(ms))
            {
                let label = if hour == 0 {
                    zone.format(ms, "%a %-d %b")
                } else {
                    zone.format(ms, "%H:%M")
                };
                ticks.push((ms, label));
            }
        }
        match date.tomorrow() {
            Ok(d) => date = d,
            Err(_) => break,
        }
        day += 1;
    }
    ticks
}

/// Draws a [`TimeChart`].
pub(crate) fn time_chart(c: &TimeChart<'_>) -> String {
    let own_axis = c.bars.1 != c.line.1;
    let p = Plot {
        w: 760.0,
        h: 280.0,
        left: 64.0,
        right: if own_axis { 64.0 } else { 16.0 },
        top: 34.0,
        bottom: 52.0,
    };
    let mut out = String::new();
    open(&mut out, c.name, &c.title, p.w, p.h);
    let has_data = c.rows.iter().any(|r| r.line.is_some() || r.bar.is_some());
    let (Some(first), Some(last), true) = (c.rows.first(), c.rows.last(), has_data) else {
        y_axis(&mut out, &p, c.line.1, 1.0, 1.0, false);
        no_data(&mut out, &p);
        axis_labels(
            &mut out,
            &p,
            &format!("Interval start ({})", c.zone.name),
            c.y_label,
        );
        out.push_str("</svg>");
        return out;
    };
    let (d0, d1) = (first.start, last.start + c.interval_ms);
    let x = |ms: i64| p.left + (ms - d0) as f64 / (d1 - d0) as f64 * p.pw();
    let bw = (c.interval_ms as f64 / (d1 - d0) as f64 * p.pw()).max(0.5);
    let max_of =
        |f: &dyn Fn(&TimeRow) -> Option<f64>| c.rows.iter().filter_map(f).fold(0.0f64, f64::max);
    let mut left_max = max_of(&|r| r.line);
    if let Some((v, _)) = &c.reference {
        left_max = left_max.max(*v);
    }
    if !own_axis {
        left_max = left_max.max(max_of(&|r| r.bar));
    }
    let (top, step) = c.line.1.axis(left_max);
    y_axis(&mut out, &p, c.line.1, top, step, false);
    let btop = if own_axis {
        let (t, s) = c.bars.1.axis(max_of(&|r| r.bar));
        y_axis(&mut out, &p, c.bars.1, t, s, true);
        t
    } else {
        top
    };
    for (ms, label) in time_ticks(c.zone, d0, d1) {
        let tx = x(ms);
        // A label at either end stays within the chart.
        let half = label.chars().count() as f64 * 3.2;
        let align = if tx + half > p.w - 2.0 {
            "end"
        } else if tx - half < 2.0 {
            "start"
        } else {
            "middle"
        };
        let _ = write!(
            out,
            r#"<line class="tick-mark" x1="{tx:.1}" x2="{tx:.1}" y1="{:.1}" y2="{:.1}"/><text class="tick" x="{tx:.1}" y="{:.1}" text-anchor="{align}">{}</text>"#,
            p.y0(),
            p.y0() + 5.0,
            p.y0() + 17.0,
            esc(&label)
        );
    }
    let bar_class = if own_axis { "c-volume" } else { "c-primary" };
    for r in &c.rows {
        if let Some(v) = r.bar {
            let y = p.y(v, btop);
            let _ = write!(
                out,
                r#"<rect class="{bar_class}" x="{:.1}" y="{y:.1}" width="{:.1}" height="{:.1}"/>"#,
                x(r.start) + bw * 0.1,
                bw * 0.8,
                p.y0() - y
            );
        }
    }
    // The line: broken where a value is missing or an interval saw
    // nothing; a point alone is a dot.
    let mut path = String::new();
    let mut dots = String::new();
    let line_class = if own_axis { "c-line" } else { "c-p90" };
    for (i, r) in c.rows.iter().enumerate() {
        let Some(v) = r.line else { continue };
        let joined = |j: Option<usize>, other: i64| {
            j.and_then(|j| c.rows.get(j))
                .is_some_and(|o| o.line.is_some() && (o.start - r.start).abs() == other)
        };
        let from_prev = joined(i.checked_sub(1), c.interval_ms);
        let to_next = joined(Some(i + 1), c.interval_ms);
        let (px, py) = (x(r.start) + bw / 2.0, p.y(v, top));
        let _ = write!(path, "{}{px:.1} {py:.1}", if from_prev { "L" } else { "M" });
        if !from_prev && !to_next {
            let _ = write!(
                dots,
                r#"<circle class="{line_class}-dot" cx="{px:.1}" cy="{py:.1}" r="2.5"/>"#
            );
        }
    }
    if !path.is_empty() {
        let _ = write!(out, r#"<path class="{line_class}" d="{path}"/>"#);
    }
    out.push_str(&dots);
    if let Some((v, label)) = &c.reference {
        let y = p.y(*v, top);
        let _ = write!(
            out,
            r#"<line class="ref" x1="{:.1}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}"><title>{}</title></line>"#,
            p.left,
            p.x1(),
            esc(label)
        );
    }
    for r in c.rows.iter().take_while(|_| c.rows.len() <= MAX_TIPS) {
        let _ = write!(
            out,
            r#"<rect class="hit" x="{:.1}" y="{:.1}" width="{bw:.1}" height="{:.1}"><title>{}</title></rect>"#,
            x(r.start),
            p.top,
            p.ph(),
            esc(&r.tip)
        );
    }
    let mut lx = p.left;
    lx = legend(&mut out, lx, 18.0, bar_class, c.bars.0, false);
    lx = legend(&mut out, lx, 18.0, line_class, c.line.0, true);
    if let Some((_, label)) = &c.reference {
        legend(&mut out, lx, 18.0, "ref", label, true);
    }
    axis_labels(
        &mut out,
        &p,
        &format!("Interval start ({})", c.zone.name),
        c.y_label,
    );
    if own_axis {
        let (yx, yy) = (p.w - 8.0, p.top + p.ph() / 2.0);
        let _ = write!(
            out,
            r#"<text class="axis-label" x="{yx}" y="{yy:.1}" text-anchor="middle" transform="rotate(90 {yx} {yy:.1})">{}</text>"#,
            esc(c.y2_label)
        );
    }
    out.push_str("</svg>");
    out
}

/// One stack of columns: its label and, per series, its value.
#[derive(Clone, Debug)]
pub(crate) struct Column {
    /// The category label.
    pub(crate) label: String,
    /// One value per series.
    pub(crate) values: Vec<u64>,
    /// A class for a single series' bar instead of the series' own.
    pub(crate) class: Option<&'static str>,
}

/// Stacked columns, one per category; `series` gives each series' label
/// and class (a legend is drawn for more than one).
pub(crate) fn columns(
    name: &str,
    title: &str,
    (x_label, y_label): (&str, &str),
    series: &[(&str, &str)],
    cols: &[Column],
) -> String {
    let p = Plot {
        w: 520.0,
        h: 280.0,
        left: 64.0,
        right: 12.0,
        top: 34.0,
        bottom: 52.0,
    };
    let mut out = String::new();
    open(&mut out, name, title, p.w, p.h);
    let total = |c: &Column| c.values.iter().sum::<u64>();
    let max = cols.iter().map(total).max().unwrap_or(0);
    let (top, step) = Scale::Count.axis(max as f64);
    y_axis(&mut out, &p, Scale::Count, top, step, false);
    let slot = p.pw() / cols.len().max(1) as f64;
    for (i, c) in cols.iter().enumerate() {
        let x = p.left + i as f64 * slot;
        let _ = write!(
            out,
            r#"<text class="tick" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            x + slot / 2.0,
            p.y0() + 16.0,
            esc(&c.label)
        );
        let mut base = 0;
        for (v, (label, class)) in c.values.iter().zip(series) {
            if *v == 0 {
                continue;
            }
            let (y_hi, y_lo) = (p.y((base + v) as f64, top), p.y(base as f64, top));
            let _ = write!(
                out,
                r#"<rect class="{}" x="{:.1}" y="{y_hi:.1}" width="{:.1}" height="{:.1}"><title>{}: {} {}</title></rect>"#,
                c.class.unwrap_or(class),
                x + slot * 0.15,
                slot * 0.7,
                y_lo - y_hi,
                esc(&c.label),
                count(*v),
                esc(label)
            );
            base += v;
        }
        if base > 0 {
            let _ = write!(
                out,
                r#"<text class="value" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                x + slot / 2.0,
                p.y(base as f64, top) - 4.0,
                count(base)
            );
        }
    }
    if max == 0 {
        no_data(&mut out, &p);
    }
    if series.len() > 1 {
        let mut lx = p.left;
        for (label, class) in series {
            lx = legend(&mut out, lx, 18.0, class, label, false);
        }
    }
    axis_labels(&mut out, &p, x_label, y_label);
    out.push_str("</svg>");
    out
}

/// The most bars [`hbars`] draws; the rest are summed as "other".
pub(crate) const MAX_BARS: usize = 12;

/// Horizontal bars, largest first, with each bar's count and share.
pub(crate) fn hbars(
    name: &str,
    title: &str,
    (x_label, y_label): (&str, &str),
    items: &[(String, u64)],
) -> String {
    let mut items: Vec<(String, u64)> = items.iter().filter(|i| i.1 > 0).cloned().collect();
    items.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    if items.len() > MAX_BARS {
        let rest = items.split_off(MAX_BARS - 1);
        let n = rest.len();
        items.push((format!("{n} others"), rest.iter().map(|i| i.1).sum()));
    }
    let bh = 22.0;
    let p = Plot {
        w: 520.0,
        h: 34.0 + bh * items.len().max(3) as f64 + 44.0,
        left: 170.0,
        right: 110.0,
        top: 34.0,
        bottom: 44.0,
    };
    let mut out = String::new();
    open(&mut out, name, title, p.w, p.h);
    let total: u64 = items.iter().map(|i| i.1).sum();
    let max = items.first().map_or(0, |i| i.1);
    for (i, (label, v)) in items.iter().enumerate() {
        let y = p.top + i as f64 * bh;
        let shown: String = if label.chars().count() > 26 {
            label.chars().take(25).chain(['…']).collect()
        } else {
            label.clone()
        };
        let w = *v as f64 / max as f64 * p.pw();
        let share = percent(Some(*v as f64 * 100.0 / total as f64));
        let _ = write!(
            out,
            r#"<g><title>{}: {} ({share})</title><text class="tick" x="{:.1}" y="{:.1}" text-anchor="end">{}</text><rect class="c-primary" x="{:.1}" y="{:.1}" width="{w:.1}" height="{:.1}"/><text class="value" x="{:.1}" y="{:.1}">{} ({share})</text></g>"#,
            esc(label),
            count(*v),
            p.left - 6.0,
            y + bh / 2.0 + 4.0,
            esc(&shown),
            p.left,
            y + 3.0,
            bh - 6.0,
            p.left + w + 6.0,
            y + bh / 2.0 + 4.0,
            count(*v)
        );
    }
    let _ = write!(
        out,
        r#"<line class="axis" x1="{:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}"/>"#,
        p.left,
        p.left,
        p.top,
        p.y0()
    );
    if total == 0 {
        no_data(&mut out, &p);
    }
    axis_labels(&mut out, &p, x_label, y_label);
    out.push_str("</svg>");
    out
}
