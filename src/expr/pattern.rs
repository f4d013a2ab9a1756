//! The regex engine every `matches` runs on, built so that the memory a
//! search can take is known when the pattern compiles.
//!
//! This module owns compiling patterns (one, or many matched in one pass)
//! and answering which of them match a text. It does not decide which
//! patterns go together, nor the budget they must fit; the router and the
//! expression compiler do.
//!
//! The `regex` crate and `regex-automata`'s meta engine keep a slot per
//! capture group per NFA state for their fallback engine (the PikeVM). With
//! many patterns in one automaton that is states × patterns × 16 bytes, and
//! user rules can make it gigabytes. Nothing here reads a capture, so the
//! NFA is compiled without them, and the engines are composed by hand:
//!
//! * a lazy DFA with a cache of fixed capacity, which answers almost every
//!   search;
//! * when that DFA cannot be built within its capacity, or gives up on a
//!   text (its cache thrashing), a PikeVM, whose scratch is two sparse sets
//!   over the NFA states plus a stack bounded by the NFA's epsilon edges.
//!
//! Both scratch spaces live in a pool, one per thread searching at the same
//! time, and are only allocated when first needed. [`Footprint`] reports
//! the compiled size and the most scratch one thread can hold.

use std::sync::Arc;

use regex_automata::hybrid::dfa::{self as lazy, DFA as LazyDfa};
use regex_automata::nfa::thompson::pikevm::{self, PikeVM};
use regex_automata::nfa::thompson::{self, NFA, State, WhichCaptures};
use regex_automata::util::pool::Pool;
use regex_automata::util::syntax;
use regex_automata::{Input, MatchKind, PatternSet};

/// Most heap, in bytes, the `matches` patterns of one router (or of one
/// condition compiled on its own) may need: their compiled automata plus
/// the scratch space one thread needs to search with them.
///
/// Each further thread routing at the same time adds its own scratch (at
/// most [`Router::memory`](crate::router::Router::memory) reports as
/// `per_thread`). A rule set over this budget is refused when the
/// configuration compiles, naming the rules with the largest patterns.
///
/// About 1,000 patterns of the size of
/// `x[a-z]{0,40}y7\d{1,9}[^q]{0,30}z` (each around 700 automaton states,
/// mostly from the Unicode classes `\d` and `[^q]` repeated) fit in 40 MiB;
/// 3,000 of them do not fit. An ordinary pattern such as
/// `order #?\d{5,}` compiles to 7 KiB, so thousands fit. The figure keeps
/// what one tenant's rules can take predictable for a host serving many
/// (a hundred configurations: at most 6.4 GiB of patterns), and it is a
/// quarter of the 256 MiB the patterns were allowed to compile to before,
/// when their search space was not bounded at all.
pub const MAX_REGEX_MEMORY: usize = 64 * 1024 * 1024;

/// Most bytes a lazy DFA cache over the message text may hold. The
/// router benchmark's 937 patterns route as fast with it as with the 32 MiB
/// (forward and reverse) the meta engine was given before; an automaton too
/// large for it is searched by the PikeVM alone.
pub(crate) const TEXT_CACHE: usize = 8 * 1024 * 1024;

/// Most bytes a lazy DFA cache over one other field may hold: what a
/// `matches` on another field had before, with the `regex` crate.
pub(crate) const FIELD_CACHE: usize = 256 * 1024;

/// What a compiled set of patterns costs, in bytes of heap.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Footprint {
    /// The automaton, shared by every thread.
    pub(crate) compiled: usize,
    /// The most scratch space one searching thread can hold.
    pub(crate) scratch: usize,
}

impl Footprint {
    /// Compiled size plus one thread's scratch.
    pub(crate) fn total(self) -> usize {
        self.compiled.saturating_add(self.scratch)
    }
}

impl std::ops::Add for Footprint {
    type Output = Footprint;
    fn add(self, o: Footprint) -> Footprint {
        Footprint {
            compiled: self.compiled.saturating_add(o.compiled),
            scratch: self.scratch.saturating_add(o.scratch),
        }
    }
}

/// Why patterns did not compile.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PatternError {
    /// A pattern is not valid regex syntax.
    #[error("{0}")]
    Syntax(Box<regex_syntax::Error>),
    /// The automaton would exceed `limit` bytes.
    #[error("the compiled automaton would exceed {limit} bytes")]
    TooBig { limit: usize },
    /// Anything else the NFA compiler reports (too many patterns).
    #[error("{0}")]
    Other(String),
}

/// The compiler settings every `matches` pattern shares:
/// case-insensitive unless the pattern says `(?-i)`, no capture groups.
fn parse(patterns: &[&str]) -> Result<Vec<regex_syntax::hir::Hir>, PatternError> {
    let config = syntax::Config::new().case_insensitive(true);
    syntax::parse_many_with(patterns, &config).map_err(|e| PatternError::Syntax(Box::new(e)))
}

fn nfa(patterns: &[&str], limit: usize) -> Result<NFA, PatternError> {
    let hirs = parse(patterns)?;
    thompson::Compiler::new()
        .configure(
            thompson::Config::new()
                .which_captures(WhichCaptures::None)
                .nfa_size_limit(Some(limit)),
        )
        .build_many_from_hir(&hirs)
        .map_err(|e| match e.size_limit() {
            Some(limit) => PatternError::TooBig { limit },
            None => PatternError::Other(e.to_string()),
        })
}

/// Checks one pattern and returns its compiled size in bytes, without
/// building anything to search with.
pub(crate) fn check(pattern: &str, limit: usize) -> Result<usize, PatternError> {
    nfa(&[pattern], limit).map(|n| n.memory_usage())
}

/// Compiled patterns, matched in one pass. Cloning shares them.
#[derive(Clone, Debug)]
pub(crate) struct Patterns(Arc<Engine>);

#[derive(Debug)]
struct Engine {
    lazy: Option<LazyDfa>,
    pikevm: PikeVM,
    pool: Pool<Scratch, fn() -> Scratch>,
    footprint: Footprint,
}

/// One thread's search space; each part is allocated on first use.
#[derive(Debug, Default)]
struct Scratch {
    lazy: Option<lazy::Cache>,
    pikevm: Option<pikevm::Cache>,
}

/// Bytes of one entry of the PikeVM's epsilon-closure stack (a state id
/// or a capture to restore, as an enum).
const STACK_ENTRY: usize = 16;

impl Patterns {
    /// Compiles `patterns`, the automaton limited to `limit` bytes, with a
    /// lazy DFA whose cache holds at most `max_cache` bytes (smaller for
    /// small automata).
    pub(crate) fn new(
        patterns: &[&str],
        limit: usize,
        max_cache: usize,
    ) -> Result<Patterns, PatternError> {
        let nfa = nfa(patterns, limit)?;
        let pikevm = PikeVM::builder()
            .configure(PikeVM::config().match_kind(MatchKind::All))
            .build_from_nfa(nfa.clone())
            .map_err(|e| PatternError::Other(e.to_string()))?;
        // The lazy DFA needs about 40 bytes per NFA state before it can
        // hold its first few states; 64 leaves room for a useful number.
        let capacity = nfa
            .states()
            .len()
            .saturating_mul(64)
            .saturating_add(16 * 1024)
            .min(max_cache);
        let lazy = LazyDfa::builder()
            .configure(
                LazyDfa::config()
                    .match_kind(MatchKind::All)
                    .cache_capacity(capacity)
                    // Too small a cache is a reason to search without the
                    // lazy DFA, never to grow past the capacity.
                    .skip_cache_capacity_check(false)
                    // Give up on texts that thrash the cache (the PikeVM
                    // then answers), as the meta engine does.
                    .minimum_cache_clear_count(Some(3))
                    .minimum_bytes_per_state(Some(10))
                    .unicode_word_boundary(true),
            )
            .build_from_nfa(nfa.clone())
            .ok();
        // The PikeVM allocates its sparse sets up front; its stack holds at
        // most one entry per epsilon edge and a `Vec` at most doubles. The
        // lazy DFA keeps its cache within `capacity` by its own count, which
        // counts lengths, not capacities, nor map overhead: measured, its
        // heap reached 1.2 times the capacity; doubling bounds it.
        let sets = pikevm.create_cache().memory_usage();
        let edges: usize = nfa
            .states()
            .iter()
            .map(|s| match s {
                State::Union { alternates } => alternates.len().saturating_sub(1),
                State::BinaryUnion { .. } => 1,
                _ => 0,
            })
            .sum();
        let footprint = Footprint {
            compiled: nfa.memory_usage(),
            scratch: sets
                + 2 * edges * STACK_ENTRY
                + lazy.as_ref().map_or(0, |_| 2 * capacity)
                + std::mem::size_of::<Scratch>(),
        };
        Ok(Patterns(Arc::new(Engine {
            lazy,
            pikevm,
            pool: Pool::new(Scratch::default as fn() -> Scratch),
            footprint,
        })))
    }

    /// Number of patterns.
    pub(crate) fn len(&self) -> usize {
        self.0.pikevm.pattern_len()
    }

    /// What the patterns cost.
    pub(crate) fn footprint(&self) -> Footprint {
        self.0.footprint
    }

    /// Whether any pattern matches anywhere in `hay`.
    pub(crate) fn is_match(&self, hay: &str) -> bool {
        let e = &*self.0;
        let input = Input::new(hay).earliest(true);
        let mut s = e.pool.get();
        if let Some(dfa) = &e.lazy {
            let cache = s.lazy.get_or_insert_with(|| dfa.create_cache());
            if let Ok(m) = dfa.try_search_fwd(cache, &input) {
                return m.is_some();
            }
        }
        let cache = s.pikevm.get_or_insert_with(|| e.pikevm.create_cache());
        e.pikevm.is_match(cache, input)
    }

    /// Adds to `hits` every pattern that matches somewhere in `hay`.
    pub(crate) fn which(&self, hay: &str, hits: &mut PatternSet) {
        let e = &*self.0;
        let input = Input::new(hay);
        let mut s = e.pool.get();
        if let Some(dfa) = &e.lazy {
            let cache = s.lazy.get_or_insert_with(|| dfa.create_cache());
            // On failure the hits found so far are real; the PikeVM adds
            // the rest.
            if dfa
                .try_which_overlapping_matches(cache, &input, hits)
                .is_ok()
            {
                return;
            }
        }
        let cache = s.pikevm.get_or_insert_with(|| e.pikevm.create_cache());
        e.pikevm.which_overlapping_matches(cache, &input, hits);
    }
}

/// A byte count for messages: `64 MiB`, `37.8 KiB`, `900 bytes`.
pub(crate) fn bytes(n: usize) -> String {
    const KIB: f64 = 1024.0;
    let x = n as f64;
    let (value, unit) = if x >= KIB * KIB {
        (x / (KIB * KIB), "MiB")
    } else if x >= KIB {
        (x / KIB, "KiB")
    } else {
        return format!("{n} bytes");
    };
    let text = format!("{value:.1}");
    format!("{} {unit}", text.strip_suffix(".0").unwrap_or(&text))
}
