//! Seeded seasonal traffic: an expected volume per local weekday ×
//! time of day, and Poisson draws around it.

use switchboard::Timestamp;
use switchboard::metrics::Interval;
use switchboard::plan::forecast::History;

/// A seeded generator (SplitMix64): the same seed, the same draws.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub(crate) fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A Poisson draw of mean `lambda`: Knuth's product of uniforms, on
    /// pieces of at most 20 (a sum of independent Poisson draws is one).
    pub(crate) fn poisson(&mut self, lambda: f64) -> f64 {
        let mut left = lambda.max(0.0);
        let mut total = 0u64;
        while left > 0.0 {
            let piece = left.min(20.0);
            left -= piece;
            let limit = (-piece).exp();
            let mut p = 1.0;
            loop {
                p *= self.uniform();
                if p <= limit {
                    break;
                }
                total += 1;
            }
        }
        total as f64
    }
}

/// Local weekday (Monday 0) and minute of the day of `t` in `zone`.
pub(crate) fn local(t: Timestamp, zone: &str) -> (usize, u32) {
    let z = jiff::Timestamp::from_millisecond(t.as_millis() as i64)
        .unwrap()
        .in_tz(zone)
        .unwrap();
    (
        z.weekday().to_monday_zero_offset() as usize,
        z.hour() as u32 * 60 + z.minute() as u32,
    )
}

/// The expected volume of an interval of `minutes` starting at local
/// `minute` of a `weekday`, for `per_day` conversations on an average
/// weekday: open 08:00–20:00 on weekdays with peaks late in the morning
/// and early in the afternoon, a shorter Saturday, a trickle at night and
/// on Sunday.
pub(crate) fn expected(weekday: usize, minute: u32, minutes: u32, per_day: f64) -> f64 {
    const DAY: [f64; 7] = [1.15, 1.05, 1.0, 0.95, 0.9, 0.45, 0.12];
    let h = (f64::from(minute) + f64::from(minutes) / 2.0) / 60.0;
    let bump = |at: f64, width: f64| (-((h - at) / width).powi(2) / 2.0).exp();
    let open = if weekday == 5 {
        (10.0..16.0).contains(&h)
    } else {
        (8.0..20.0).contains(&h)
    };
    let shape = if open && weekday < 6 {
        0.35 + bump(11.0, 1.5) + 0.8 * bump(14.5, 1.8)
    } else {
        0.04
    };
    // The shape integrates to about 12 over an open weekday's hours:
    // scale so an average weekday has about `per_day`.
    per_day * DAY[weekday] * shape * f64::from(minutes) / 60.0 / 12.0
}

/// `weeks` weeks of intervals from `start` in `zone`: the expected
/// volumes (scaled by `level(i)` for interval `i`) and, when `rng` is
/// given, Poisson draws around them.
pub(crate) fn series(
    start: Timestamp,
    interval: Interval,
    zone: &str,
    count: usize,
    per_day: f64,
    level: impl Fn(usize) -> f64,
    mut rng: Option<&mut Rng>,
) -> (Vec<f64>, Vec<f64>) {
    let step = u64::from(interval.minutes()) * 60_000;
    let mut means = Vec::with_capacity(count);
    let mut draws = Vec::with_capacity(count);
    for i in 0..count {
        let t = Timestamp::from_millis(start.as_millis() + i as u64 * step);
        let (wd, minute) = local(t, zone);
        let mean = expected(wd, minute, interval.minutes(), per_day) * level(i);
        means.push(mean);
        draws.push(match rng.as_deref_mut() {
            Some(r) => r.poisson(mean),
            None => mean,
        });
    }
    (means, draws)
}

/// The instant of a local date and time in `zone`.
pub(crate) fn at(zone: &str, y: i16, mo: i8, d: i8, h: i8, mi: i8) -> Timestamp {
    let z = jiff::civil::date(y, mo, d)
        .at(h, mi, 0, 0)
        .in_tz(zone)
        .unwrap();
    Timestamp::from_millis(z.timestamp().as_millisecond() as u64)
}

pub(crate) fn history(start: Timestamp, interval: Interval, zone: &str, values: &[f64]) -> History {
    History::new(start, interval, zone, values.to_vec()).unwrap()
}

/// Σ|actual − forecast| ÷ Σ actual.
pub(crate) fn wape(actual: &[f64], forecast: &[f64]) -> f64 {
    assert_eq!(actual.len(), forecast.len());
    let err: f64 = actual
        .iter()
        .zip(forecast)
        .map(|(a, f)| (a - f).abs())
        .sum();
    err / actual.iter().sum::<f64>()
}

/// The number of `minutes` intervals from local midnight of a date to
/// local midnight `days` later in `zone` (fewer or more than `days` × a
/// day's worth across a change of clocks).
pub(crate) fn intervals_over(
    zone: &str,
    (y, mo, d): (i16, i8, i8),
    days: i64,
    minutes: u32,
) -> usize {
    let from = jiff::civil::date(y, mo, d);
    let to = from.checked_add(jiff::Span::new().days(days)).unwrap();
    let ms = |date: jiff::civil::Date| {
        date.to_zoned(jiff::tz::TimeZone::get(zone).unwrap())
            .unwrap()
            .timestamp()
            .as_millisecond()
    };
    ((ms(to) - ms(from)) / (i64::from(minutes) * 60_000)) as usize
}
