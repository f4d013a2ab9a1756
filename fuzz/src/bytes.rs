//! [`Bytes`], the reader the targets decode their input with, and the
//! [`fnv1a`] hash.

/// A reader over a fuzz input, front to back.
///
/// The targets differ in what they read once the input runs out, and each
/// keeps its own way so that its corpus keeps its meaning; hence one method
/// for each:
///
/// * [`byte`](Self::byte) and [`pick`](Self::pick) give `None`;
/// * [`byte_or_zero`](Self::byte_or_zero) and [`u16_le`](Self::u16_le) give
///   zeros;
/// * [`time`](Self::time) gives `0xff` bytes, that is, the end of time;
/// * [`byte_or_generated`](Self::byte_or_generated) and
///   [`pick_or_generated`](Self::pick_or_generated) go on with a
///   pseudo-random sequence seeded from the input, so that a short input
///   still drives a whole generator.
#[derive(Clone, Debug)]
pub struct Bytes<'a> {
    /// The whole input, which seeds the generated sequence.
    input: &'a [u8],
    /// What is left of it.
    rest: &'a [u8],
    /// The splitmix64 state of the generated sequence, once it has started.
    generated: Option<u64>,
}

impl<'a> Bytes<'a> {
    /// A reader at the start of `input`.
    pub fn new(input: &'a [u8]) -> Self {
        Bytes {
            input,
            rest: input,
            generated: None,
        }
    }

    /// Whether the input is used up.
    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// What is left of the input, without reading it.
    pub fn rest(&self) -> &'a [u8] {
        self.rest
    }

    /// The next byte, or `None` once the input is used up.
    pub fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.rest.split_first()?;
        self.rest = rest;
        Some(b)
    }

    /// The next byte, or 0 once the input is used up.
    pub fn byte_or_zero(&mut self) -> u8 {
        self.byte().unwrap_or(0)
    }

    /// The next byte; once the input is used up, the next byte of a
    /// splitmix64 sequence seeded with the [`fnv1a`] hash of the whole
    /// input. It never runs out.
    pub fn byte_or_generated(&mut self) -> u8 {
        if let Some(b) = self.byte() {
            return b;
        }
        let state = self
            .generated
            .get_or_insert_with(|| fnv1a(self.input))
            .wrapping_add(0x9e37_79b9_7f4a_7c15);
        self.generated = Some(state);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) as u8
    }

    /// The next `N` bytes, or `None`, reading nothing, when fewer are left.
    pub fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.rest.split_first_chunk::<N>()?;
        self.rest = rest;
        Some(*head)
    }

    /// The bytes up to the first `end`, or to the end of the input when
    /// there is none; the `end` byte is read too and left out.
    pub fn until(&mut self, end: u8) -> &'a [u8] {
        match self.rest.iter().position(|&b| b == end) {
            Some(i) => {
                let head = &self.rest[..i];
                self.rest = &self.rest[i + 1..];
                head
            }
            None => std::mem::take(&mut self.rest),
        }
    }

    /// One of `items`, by the next [`byte`](Self::byte) modulo their
    /// number, or `None` once the input is used up. `items` must not be
    /// empty.
    pub fn pick<T: Clone>(&mut self, items: &[T]) -> Option<T> {
        Some(items[usize::from(self.byte()?) % items.len()].clone())
    }

    /// One of `items`, by the next
    /// [`byte_or_generated`](Self::byte_or_generated) modulo their number.
    /// `items` must not be empty.
    pub fn pick_or_generated<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        &items[usize::from(self.byte_or_generated()) % items.len()]
    }

    /// A little-endian `u16` from the next two bytes, zeros once the input
    /// is used up (as [`byte_or_zero`](Self::byte_or_zero)).
    pub fn u16_le(&mut self) -> u16 {
        u16::from_le_bytes([self.byte_or_zero(), self.byte_or_zero()])
    }

    /// A time anywhere in `u64` milliseconds: the next eight bytes,
    /// big-endian, with `0xff` for each one past the end of the input (so
    /// that an input cut short reaches towards the end of time).
    pub fn time(&mut self) -> u64 {
        (0..8).fold(0, |t, _| (t << 8) | u64::from(self.byte().unwrap_or(0xff)))
    }
}

/// The 64-bit FNV-1a hash of `bytes`.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}
