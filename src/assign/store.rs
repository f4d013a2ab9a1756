//! Compact storage for agents and conversations: a chunked slab and an id
//! table that keeps no second copy of the ids.
//!
//! Records are addressed by a `u32` index. The slab grows one fixed-size
//! chunk at a time, so it never holds more than one chunk of unused slots
//! (a doubling `Vec` can hold almost as many unused slots as used ones),
//! and records never move. The id table maps an id to its index by hashing
//! the id stored in the record itself, so each id is stored once.

use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};

use hashbrown::HashTable;

/// Slots per chunk.
pub(crate) const CHUNK: usize = 256;

/// Records addressed by `u32`, in chunks of 256 slots.
#[derive(Clone, Debug)]
pub(crate) struct Slab<T> {
    chunks: Vec<Box<[Option<T>]>>,
    free: Vec<u32>,
    len: usize,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Slab {
            chunks: Vec::new(),
            free: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Slab<T> {
    /// Stores `value`; returns its index.
    pub(crate) fn insert(&mut self, value: T) -> u32 {
        self.len += 1;
        let i = match self.free.pop() {
            Some(i) => i,
            None => {
                let i = self.chunks.len() * CHUNK;
                self.chunks
                    .push(std::iter::repeat_with(|| None).take(CHUNK).collect());
                self.free.extend((i as u32 + 1..(i + CHUNK) as u32).rev());
                i as u32
            }
        };
        self.chunks[i as usize / CHUNK][i as usize % CHUNK] = Some(value);
        i
    }

    /// Removes and returns the record at `i`.
    pub(crate) fn remove(&mut self, i: u32) -> Option<T> {
        let v = self.slot_mut(i)?.take()?;
        self.len -= 1;
        self.free.push(i);
        Some(v)
    }

    fn slot_mut(&mut self, i: u32) -> Option<&mut Option<T>> {
        self.chunks
            .get_mut(i as usize / CHUNK)
            .map(|c| &mut c[i as usize % CHUNK])
    }

    pub(crate) fn get(&self, i: u32) -> Option<&T> {
        self.chunks.get(i as usize / CHUNK)?[i as usize % CHUNK].as_ref()
    }

    pub(crate) fn get_mut(&mut self, i: u32) -> Option<&mut T> {
        self.slot_mut(i)?.as_mut()
    }

    /// Every record with its index, in index order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u32, &T)> {
        self.chunks.iter().enumerate().flat_map(|(c, chunk)| {
            chunk
                .iter()
                .enumerate()
                .filter_map(move |(j, v)| Some(((c * CHUNK + j) as u32, v.as_ref()?)))
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The free slots, the next one to be used last.
    pub(crate) fn free(&self) -> &[u32] {
        &self.free
    }

    /// A slab with exactly these records and free list: the inverse of
    /// [`iter`](Self::iter) and [`free`](Self::free). Every slot, up to a
    /// whole number of chunks and at most `max_slots`, must be either a
    /// record or free, once; records come in index order.
    pub(crate) fn from_parts(
        records: Vec<(u32, T)>,
        free: Vec<u32>,
        max_slots: usize,
    ) -> Result<Slab<T>, String> {
        let slots = records.len() + free.len();
        if !slots.is_multiple_of(CHUNK) {
            return Err(format!(
                "{} records and {} free slots are not a whole number of chunks of {CHUNK}",
                records.len(),
                free.len()
            ));
        }
        if slots > max_slots {
            return Err(format!("{slots} slots, more than the {max_slots} allowed"));
        }
        let mut slab = Slab {
            chunks: (0..slots / CHUNK)
                .map(|_| std::iter::repeat_with(|| None).take(CHUNK).collect())
                .collect(),
            free: Vec::new(),
            len: records.len(),
        };
        let mut last: Option<u32> = None;
        for (i, value) in records {
            if last.is_some_and(|l| l >= i) {
                return Err(format!("record {i} is out of index order"));
            }
            last = Some(i);
            match slab.slot_mut(i) {
                Some(slot) => *slot = Some(value),
                None => return Err(format!("record index {i} is past the {slots} slots")),
            }
        }
        let mut seen = vec![false; slots];
        for &i in &free {
            let taken = slab.get(i).is_some();
            match seen.get_mut(i as usize) {
                Some(s) if !*s && !taken => *s = true,
                Some(_) => return Err(format!("free slot {i} is listed twice or holds a record")),
                None => return Err(format!("free slot {i} is past the {slots} slots")),
            }
        }
        slab.free = free;
        Ok(slab)
    }
}

/// Maps ids to slab indexes, hashing the id kept in the record.
#[derive(Clone, Debug, Default)]
pub(crate) struct IdTable {
    table: HashTable<u32>,
    hasher: BuildHasherDefault<DefaultHasher>,
}

impl IdTable {
    fn hash(&self, id: &str) -> u64 {
        self.hasher.hash_one(id)
    }

    /// The index of `id`; `id_of` reads a record's id.
    pub(crate) fn get<'a>(&self, id: &str, id_of: impl Fn(u32) -> &'a str) -> Option<u32> {
        self.table.find(self.hash(id), |&i| id_of(i) == id).copied()
    }

    /// Records that `id` is at `index` (`id` must not be present).
    pub(crate) fn insert<'a>(&mut self, id: &str, index: u32, id_of: impl Fn(u32) -> &'a str) {
        let hasher = self.hasher.clone();
        self.table
            .insert_unique(self.hash(id), index, |&i| hasher.hash_one(id_of(i)));
    }

    /// Forgets `id`.
    pub(crate) fn remove<'a>(&mut self, id: &str, id_of: impl Fn(u32) -> &'a str) -> Option<u32> {
        self.table
            .find_entry(self.hash(id), |&i| id_of(i) == id)
            .ok()
            .map(|e| e.remove().0)
    }

    pub(crate) fn len(&self) -> usize {
        self.table.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slab_reuses_slots_and_grows_by_chunks() {
        let mut s = Slab::default();
        let ids: Vec<u32> = (0..300).map(|i| s.insert(i)).collect();
        assert_eq!(ids[0], 0);
        assert_eq!(ids[299], 299);
        assert_eq!(s.remove(7), Some(7));
        assert_eq!(s.remove(7), None);
        assert_eq!(s.insert(1000), 7);
        assert_eq!(s.get(7), Some(&1000));
        assert_eq!(s.len(), 300);
        assert_eq!(s.iter().count(), 300);
        assert_eq!(s.get(5000), None);
    }

    #[test]
    fn a_slab_is_rebuilt_from_its_records_and_free_list() {
        let mut s = Slab::default();
        for i in 0..300u32 {
            s.insert(i);
        }
        s.remove(7);
        s.remove(3);
        let records: Vec<(u32, u32)> = s.iter().map(|(i, v)| (i, *v)).collect();
        let free = s.free().to_vec();
        let mut back = Slab::from_parts(records.clone(), free.clone(), 1 << 24).unwrap();
        assert_eq!(back.free(), s.free());
        assert_eq!(back.len(), 298);
        // The same slots are used next, in the same order.
        assert_eq!((back.insert(1), s.insert(1)), (3, 3));
        assert_eq!((back.insert(2), s.insert(2)), (7, 7));
        let bad = |records: Vec<(u32, u32)>, free: Vec<u32>| {
            Slab::from_parts(records, free, 1 << 24).unwrap_err()
        };
        assert!(bad(records.clone(), free[1..].to_vec()).contains("whole number"));
        let mut taken = free.clone();
        taken[0] = 0;
        assert!(bad(records.clone(), taken).contains("holds a record"));
        let mut reversed = records.clone();
        reversed.swap(0, 1);
        assert!(bad(reversed, free.clone()).contains("out of index order"));
        assert!(Slab::from_parts(records, free, 256).is_err());
        assert_eq!(
            Slab::<u8>::from_parts(Vec::new(), Vec::new(), 0).map(|s| s.len()),
            Ok(0)
        );
    }

    #[test]
    fn the_id_table_finds_ids_through_the_records() {
        let mut s: Slab<String> = Slab::default();
        let mut t = IdTable::default();
        for name in ["ana", "bo", "cy"] {
            let i = s.insert(name.to_string());
            t.insert(name, i, |j| s.get(j).unwrap().as_str());
        }
        assert_eq!(t.get("bo", |j| s.get(j).unwrap().as_str()), Some(1));
        assert_eq!(t.remove("bo", |j| s.get(j).unwrap().as_str()), Some(1));
        assert_eq!(t.get("bo", |j| s.get(j).unwrap().as_str()), None);
        assert_eq!(t.len(), 2);
    }
}
