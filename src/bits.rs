//! Bitsets over small dense ids (rules, text atoms) as `u64` words.

/// Sets bit `i`.
pub(crate) fn set(words: &mut [u64], i: usize) {
    words[i / 64] |= 1 << (i % 64);
}

/// Whether bit `i` is set (false past the end).
pub(crate) fn get(words: &[u64], i: usize) -> bool {
    words.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
}

/// The set bits, in increasing order.
pub(crate) fn ones(words: &[u64]) -> impl Iterator<Item = usize> + '_ {
    words.iter().enumerate().flat_map(|(w, &word)| {
        let mut bits = word;
        std::iter::from_fn(move || {
            if bits == 0 {
                return None;
            }
            let i = w * 64 + bits.trailing_zeros() as usize;
            bits &= bits - 1;
            Some(i)
        })
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn set_get_and_iterate() {
        let mut w = vec![0u64; 3];
        for i in [0, 63, 64, 130] {
            super::set(&mut w, i);
        }
        assert!(super::get(&w, 130) && !super::get(&w, 1) && !super::get(&w, 999));
        assert_eq!(super::ones(&w).collect::<Vec<_>>(), [0, 63, 64, 130]);
    }
}
