//! A mergeable distribution of durations: exact while small, a log-linear
//! histogram beyond.

use serde::{Deserialize, Serialize};

/// How many values a [`Distribution`] keeps exactly. Past this it turns
/// into a histogram whose buckets are within 1/128 (0.8 %) of any value
/// they hold, counted in a row of 128 per power of two of milliseconds the
/// values reach (a KiB each), so its memory stays under 32 KiB whatever the
/// count for durations below 24 days.
pub const EXACT_LIMIT: usize = 4096;

/// Sub-buckets per power of two once the histogram takes over.
const SUB_BITS: u32 = 7;
const SUB: u64 = 1 << SUB_BITS;

/// Durations in milliseconds, for means, medians and percentiles.
///
/// Percentiles interpolate linearly between the closest ranks (the rule of
/// NumPy's default `percentile`, Excel's `PERCENTILE.INC` and, for the
/// median, Python's `statistics.median`): for `n` sorted values and a
/// fraction `p`, the position is `p × (n − 1)`. They are exact while the
/// distribution holds at most [`EXACT_LIMIT`] values; beyond, each value is
/// read as the middle of its histogram bucket (within 0.8 %). Which form a
/// distribution takes depends only on how many values it holds, so merging
/// in any order gives the same answer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Distribution {
    count: u64,
    sum_ms: u128,
    /// The values, unsorted, while `count <= EXACT_LIMIT`.
    exact: Vec<u64>,
    /// The counts by bucket once past the limit.
    buckets: Buckets,
}

/// A histogram's counts, by bucket: a row of [`SUB`] counters for each
/// power of two of milliseconds its values reach, made when a value first
/// falls in it. A value is counted with one index, not a search; the
/// memory is a KiB per row (values below 24 days need at most 26 rows).
#[derive(Clone, Debug, Default, PartialEq)]
struct Buckets {
    /// Row `r` counts buckets `r × SUB ..`; `None` while it has none. The
    /// last row has a count: equal histograms are equal values.
    rows: Vec<Option<Box<[u64; SUB as usize]>>>,
}

impl Buckets {
    fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Adds `n` (more than 0) values to bucket `b`.
    fn bump(&mut self, b: u32, n: u64) {
        let (r, i) = ((b >> SUB_BITS) as usize, (b as u64 & (SUB - 1)) as usize);
        if r >= self.rows.len() {
            self.rows.resize_with(r + 1, || None);
        }
        self.rows[r].get_or_insert_with(|| Box::new([0; SUB as usize]))[i] += n;
    }

    /// `(bucket, count)` for every bucket with a count, in bucket order.
    fn iter(&self) -> impl Iterator<Item = (u32, u64)> + '_ {
        self.rows.iter().enumerate().flat_map(|(r, row)| {
            row.iter().flat_map(move |row| {
                row.iter()
                    .enumerate()
                    .filter(|(_, n)| **n > 0)
                    .map(move |(i, n)| (((r as u32) << SUB_BITS) | i as u32, *n))
            })
        })
    }
}

/// The serialized form: the exact values, or `(bucket, count)` pairs
/// sorted by bucket.
#[derive(Serialize, Deserialize)]
struct Wire<'a> {
    count: u64,
    sum_ms: u128,
    #[serde(default, skip_serializing_if = "<[u64]>::is_empty")]
    exact: std::borrow::Cow<'a, [u64]>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    buckets: Vec<(u32, u64)>,
}

impl Serialize for Distribution {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Wire {
            count: self.count,
            sum_ms: self.sum_ms,
            exact: std::borrow::Cow::Borrowed(&self.exact),
            buckets: self.buckets.iter().collect(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Distribution {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = Wire::deserialize(d)?;
        let mut buckets = Buckets::default();
        for (b, n) in w.buckets {
            if n > 0 {
                buckets.bump(b.min(MAX_BUCKET), n);
            }
        }
        Ok(Distribution {
            count: w.count,
            sum_ms: w.sum_ms,
            exact: w.exact.into_owned(),
            buckets,
        })
    }
}

impl Distribution {
    /// An empty distribution.
    pub fn new() -> Distribution {
        Distribution::default()
    }

    /// Adds one value.
    pub fn add(&mut self, ms: u64) {
        self.count += 1;
        self.sum_ms += u128::from(ms);
        if self.buckets.is_empty() && self.exact.len() < EXACT_LIMIT {
            self.exact.push(ms);
        } else {
            self.spill();
            self.buckets.bump(bucket_of(ms), 1);
        }
    }

    /// Adds every value of `other`.
    pub fn merge(&mut self, other: &Distribution) {
        self.count += other.count;
        self.sum_ms += other.sum_ms;
        if self.buckets.is_empty()
            && other.buckets.is_empty()
            && self.exact.len() + other.exact.len() <= EXACT_LIMIT
        {
            self.exact.extend_from_slice(&other.exact);
            return;
        }
        self.spill();
        for &v in &other.exact {
            self.buckets.bump(bucket_of(v), 1);
        }
        for (b, n) in other.buckets.iter() {
            self.buckets.bump(b, n);
        }
    }

    /// Turns the exact values into buckets.
    fn spill(&mut self) {
        for v in std::mem::take(&mut self.exact) {
            self.buckets.bump(bucket_of(v), 1);
        }
    }

    /// How many values.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The sum of the values, in milliseconds.
    pub fn sum_ms(&self) -> u128 {
        self.sum_ms
    }

    /// The mean in seconds; `None` when empty.
    pub fn mean_s(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum_ms as f64 / self.count as f64 / 1000.0)
    }

    /// The `p` quantile (0 ≤ `p` ≤ 1) in seconds; `None` when empty.
    pub fn quantile_s(&self, p: f64) -> Option<f64> {
        let [q] = self.quantiles_s([p]);
        q
    }

    /// Several quantiles at once, sorting the exact values once.
    pub(crate) fn quantiles_s<const N: usize>(&self, ps: [f64; N]) -> [Option<f64>; N] {
        if self.count == 0 {
            return [None; N];
        }
        let sorted = self.buckets.is_empty().then(|| {
            let mut v = self.exact.clone();
            v.sort_unstable();
            v
        });
        ps.map(|p| {
            let p = if p.is_nan() { 0.5 } else { p.clamp(0.0, 1.0) };
            let pos = p * (self.count - 1) as f64;
            let lo = pos.floor() as u64;
            let hi = pos.ceil() as u64;
            let frac = pos - lo as f64;
            let (a, b) = match &sorted {
                Some(v) => (v[lo as usize] as f64, v[hi as usize] as f64),
                None => (self.nth_bucketed(lo), self.nth_bucketed(hi)),
            };
            Some((a + (b - a) * frac) / 1000.0)
        })
    }

    /// The median in seconds.
    pub fn median_s(&self) -> Option<f64> {
        self.quantile_s(0.5)
    }

    /// How many values are at most `ms` (exact while exact; by bucket
    /// otherwise).
    pub fn count_at_most(&self, ms: u64) -> u64 {
        if self.buckets.is_empty() {
            self.exact.iter().filter(|&&v| v <= ms).count() as u64
        } else {
            let top = bucket_of(ms);
            self.buckets
                .iter()
                .take_while(|(b, _)| *b <= top)
                .map(|(_, n)| n)
                .sum()
        }
    }

    /// The `n`th smallest value (0-based) as its bucket's middle.
    fn nth_bucketed(&self, n: u64) -> f64 {
        let mut seen = 0;
        let mut last = None;
        for (b, k) in self.buckets.iter() {
            seen += k;
            if seen > n {
                return bucket_mid(b);
            }
            last = Some(b);
        }
        last.map_or(0.0, bucket_mid)
    }
}

/// The bucket of `u64::MAX`, the last.
const MAX_BUCKET: u32 = (2 * SUB as u32) + (63 - SUB_BITS - 1) * SUB as u32 + (SUB as u32 - 1);

/// Values below `2 × SUB` have a bucket each; above, each power of two is
/// cut into `SUB` buckets.
fn bucket_of(ms: u64) -> u32 {
    if ms < 2 * SUB {
        return ms as u32;
    }
    let e = 63 - ms.leading_zeros(); // ≥ SUB_BITS + 1
    let shift = e - SUB_BITS;
    let sub = (ms >> shift) - SUB; // 0..SUB
    (2 * SUB as u32) + (e - SUB_BITS - 1) * SUB as u32 + sub as u32
}

fn bucket_mid(b: u32) -> f64 {
    let b = u64::from(b);
    if b < 2 * SUB {
        return b as f64;
    }
    let k = b - 2 * SUB;
    let e = k / SUB + u64::from(SUB_BITS) + 1;
    let sub = k % SUB;
    let shift = e - u64::from(SUB_BITS);
    let lo = (SUB + sub) << shift;
    lo as f64 + ((1u64 << shift) as f64 - 1.0) / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_interpolates_between_the_middle_values() {
        let mut d = Distribution::new();
        for v in [4000, 1000, 3000, 2000] {
            d.add(v);
        }
        assert_eq!(d.median_s(), Some(2.5));
        assert_eq!(d.quantile_s(0.9), Some(3.7));
        assert_eq!(d.mean_s(), Some(2.5));
        assert_eq!(d.count_at_most(2000), 2);
    }

    #[test]
    fn buckets_hold_their_values_within_one_part_in_128() {
        for v in [0u64, 1, 255, 256, 257, 1000, 20_000, 1 << 40, u64::MAX / 3] {
            let mid = bucket_mid(bucket_of(v));
            let err = (mid - v as f64).abs() / (v as f64).max(1.0);
            assert!(err <= 1.0 / 128.0, "{v}: {mid}");
        }
        let mut last = 0;
        for v in (0..100_000u64).step_by(7) {
            let b = bucket_of(v);
            assert!(b >= last);
            last = b;
        }
    }

    #[test]
    fn a_large_distribution_answers_from_its_histogram_whatever_the_merge_order() {
        let values: Vec<u64> = (0..10_000u64).map(|i| (i * 7919) % 600_000).collect();
        let mut whole = Distribution::new();
        values.iter().for_each(|&v| whole.add(v));
        let (a, b) = values.split_at(3_000);
        let (mut x, mut y) = (Distribution::new(), Distribution::new());
        a.iter().for_each(|&v| x.add(v));
        b.iter().for_each(|&v| y.add(v));
        y.merge(&x);
        assert_eq!(whole.median_s(), y.median_s());
        let mut sorted = values.clone();
        sorted.sort_unstable();
        let exact = (sorted[4999] + sorted[5000]) as f64 / 2000.0;
        let got = whole.median_s().unwrap();
        assert!((got - exact).abs() / exact < 0.01, "{got} vs {exact}");
    }

    #[test]
    fn a_histogram_travels_as_sorted_bucket_counts() {
        let mut d = Distribution::new();
        for i in 0..5_000u64 {
            d.add((i * 7919) % 3_600_000);
        }
        d.add(1 << 40);
        let json = serde_json::to_value(&d).unwrap();
        let pairs: Vec<(u32, u64)> = serde_json::from_value(json["buckets"].clone()).unwrap();
        assert!(pairs.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(pairs.iter().map(|p| p.1).sum::<u64>(), 5_001);
        assert!(json.get("exact").is_none());
        let back: Distribution = serde_json::from_value(json).unwrap();
        assert_eq!(back, d);
        assert_eq!(back.quantile_s(0.9), d.quantile_s(0.9));
    }
}
