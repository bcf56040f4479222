//! "Did you mean …?" suggestions for misspelt names (regions, actions, model ids, keys).
//!
//! Comparison is case-insensitive. A candidate is ranked by its normalised Damerau–Levenshtein
//! similarity to the word (1 − edits / longer length), then by Jaro–Winkler similarity (which
//! favours a shared prefix), then alphabetically, so the answer never depends on the order of
//! the candidates. A candidate is only offered when it is close enough:
//! - at most [`max_edits`] edits away (about one edit per four characters, at least one), or
//! - a long shared prefix (Jaro–Winkler ≥ 0.9) with at least half of the characters in common
//!   (normalised Damerau–Levenshtein ≥ 0.5), which catches truncated names such as
//!   `bedrock:InvokeMod`.

use std::cmp::Ordering;

/// The number of edits tolerated for a word of `len` characters.
fn max_edits(len: usize) -> usize {
    (len / 4).max(1)
}

/// Counts of characters (of a lower-cased word) in 128 ASCII buckets and one for everything
/// else: the cheap lower bound on edits below.
fn histogram(lowered: impl Iterator<Item = char>) -> [i32; 129] {
    let mut h = [0i32; 129];
    for c in lowered {
        let i = if c.is_ascii() { c as usize } else { 128 };
        if let Some(n) = h.get_mut(i) {
            *n += 1;
        }
    }
    h
}

/// A lower bound on the Damerau–Levenshtein distance of two strings from their character
/// counts: an insertion or deletion changes the counts' difference by one, a substitution by at
/// most two, a transposition not at all, so at least half the difference is edits. (Merging
/// the non-ASCII characters into one bucket only lowers the difference, so the bound holds.)
fn edits_at_least(word: &[i32; 129], cand: &str) -> usize {
    let mut diff = *word;
    let mut count = |c: char| {
        let i = if c.is_ascii() { c as usize } else { 128 };
        if let Some(n) = diff.get_mut(i) {
            *n -= 1;
        }
    };
    // The candidate as it is compared: lower-cased (without allocating when it is ASCII).
    if cand.is_ascii() {
        cand.chars()
            .map(|c| c.to_ascii_lowercase())
            .for_each(&mut count);
    } else {
        cand.to_lowercase().chars().for_each(&mut count);
    }
    let l1: u32 = diff.iter().map(|n| n.unsigned_abs()).sum();
    l1.div_ceil(2) as usize
}

/// The closest candidate to `word`, if any is close enough (see the module docs).
///
/// Most candidates are far from a word, and a file full of errors asks for thousands of
/// suggestions against catalogs of hundreds of names, so candidates are ruled out by bounds
/// that cannot change the answer before the edit distance is computed: the length difference
/// and the character counts (each a lower bound on the edits) against the most edits a close
/// candidate may have and against the best candidate so far; Jaro–Winkler similarity is
/// computed only where it decides.
pub fn did_you_mean<'a, I: IntoIterator<Item = &'a str>>(
    word: &str,
    candidates: I,
) -> Option<&'a str> {
    // Names are short; a huge word (a 2 MB line of garbage) has no sensible suggestion, and
    // comparing it with thousands of candidates would take quadratic time.
    const MAX_WORD: usize = 256;
    let w_len = word.chars().take(MAX_WORD + 1).count();
    if w_len == 0 || w_len > MAX_WORD {
        return None;
    }
    let w = word.to_lowercase();
    let w_hist = histogram(w.chars());
    let mut best: Option<(f64, f64, &'a str)> = None;
    for cand in candidates {
        let c_len = cand.chars().count();
        let longer = w_len.max(c_len);
        if longer == 0 {
            continue;
        }
        // A close candidate has at most `max_edits` edits, or at most half its characters
        // edited (normalised similarity ≥ 0.5).
        let most = max_edits(w_len).max(longer / 2);
        if w_len.abs_diff(c_len) > most {
            continue;
        }
        let least = edits_at_least(&w_hist, cand);
        if least > most {
            continue;
        }
        #[allow(
            clippy::cast_precision_loss,
            reason = "lengths of names, far below 2^52"
        )]
        let similarity = |edits: usize| 1.0 - edits as f64 / longer as f64;
        // Even with the fewest edits possible it could not beat the best so far.
        if best.is_some_and(|(b_dl, _, _)| similarity(least) < b_dl) {
            continue;
        }
        let c = cand.to_lowercase();
        let edits = strsim::damerau_levenshtein(&w, &c);
        let dl = similarity(edits);
        let few_edits = edits <= max_edits(w_len);
        if !few_edits && dl < 0.5 {
            continue;
        }
        if best.is_some_and(|(b_dl, _, _)| dl < b_dl) {
            continue;
        }
        let jw = strsim::jaro_winkler(&w, &c);
        let close = few_edits || jw >= 0.9;
        if !close {
            continue;
        }
        let better = match best {
            None => true,
            Some((b_dl, b_jw, b_cand)) => match dl.total_cmp(&b_dl).then(jw.total_cmp(&b_jw)) {
                Ordering::Greater => true,
                Ordering::Less => false,
                Ordering::Equal => cand < b_cand,
            },
        };
        if better {
            best = Some((dl, jw, cand));
        }
    }
    best.map(|(_, _, cand)| cand)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGIONS: &[&str] = &[
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
        "eu-west-1",
        "eu-central-1",
    ];
    const ACTIONS: &[&str] = &[
        "bedrock:InvokeModel",
        "bedrock:InvokeModelWithResponseStream",
        "bedrock:InvokeAgent",
        "bedrock:InvokeFlow",
        "bedrock:CountTokens",
    ];
    const MODELS: &[&str] = &[
        "deepseek.r1-v1:0",
        "deepseek.v3-v1:0",
        "deepseek.v3.2",
        "meta.llama3-70b-instruct-v1:0",
    ];

    #[test]
    fn typos_are_corrected() {
        assert_eq!(
            did_you_mean("us-est-1", REGIONS.iter().copied()),
            Some("us-east-1")
        );
        assert_eq!(
            did_you_mean("us-east-3", REGIONS.iter().copied()),
            Some("us-east-1")
        );
        assert_eq!(
            did_you_mean("bedrock:InvokeModl", ACTIONS.iter().copied()),
            Some("bedrock:InvokeModel")
        );
        assert_eq!(
            did_you_mean("deepsek.r1-v1:0", MODELS.iter().copied()),
            Some("deepseek.r1-v1:0")
        );
        assert_eq!(
            did_you_mean("eu-wset-1", REGIONS.iter().copied()),
            Some("eu-west-1")
        );
    }

    #[test]
    fn case_is_ignored() {
        assert_eq!(
            did_you_mean("US-EAST-1", REGIONS.iter().copied()),
            Some("us-east-1")
        );
        assert_eq!(
            did_you_mean("bedrock:invokemodel", ACTIONS.iter().copied()),
            Some("bedrock:InvokeModel")
        );
    }

    #[test]
    fn truncated_names_are_completed() {
        assert_eq!(
            did_you_mean("bedrock:InvokeMod", ACTIONS.iter().copied()),
            Some("bedrock:InvokeModel")
        );
    }

    #[test]
    fn nonsense_gets_nothing() {
        assert_eq!(did_you_mean("xyz", REGIONS.iter().copied()), None);
        assert_eq!(did_you_mean("xyz", ACTIONS.iter().copied()), None);
        assert_eq!(did_you_mean("xyz", MODELS.iter().copied()), None);
        assert_eq!(did_you_mean("", REGIONS.iter().copied()), None);
        assert_eq!(did_you_mean("us-east-1", std::iter::empty()), None);
        assert_eq!(did_you_mean("ap-south-1", REGIONS.iter().copied()), None);
    }

    #[test]
    fn ties_break_alphabetically_whatever_the_order() {
        // `us-west-3` is one edit from both `us-west-1` and `us-west-2`.
        let fwd = did_you_mean("us-west-3", REGIONS.iter().copied());
        let rev = did_you_mean("us-west-3", REGIONS.iter().rev().copied());
        assert_eq!(fwd, Some("us-west-1"));
        assert_eq!(rev, Some("us-west-1"));
    }

    /// The definition, without the bounds that skip work: every candidate's distance and
    /// similarity computed, the closeness test and the ranking of the module docs.
    fn reference<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
        let w_len = word.chars().count();
        if w_len == 0 || w_len > 256 {
            return None;
        }
        let w = word.to_lowercase();
        let mut all: Vec<(f64, f64, &'a str)> = Vec::new();
        for &cand in candidates {
            let c_len = cand.chars().count();
            let longer = w_len.max(c_len);
            if longer == 0 || w_len.abs_diff(c_len) > max_edits(w_len).max(longer / 2) {
                continue;
            }
            let c = cand.to_lowercase();
            let edits = strsim::damerau_levenshtein(&w, &c);
            let dl = 1.0 - edits as f64 / longer as f64;
            let jw = strsim::jaro_winkler(&w, &c);
            if edits <= max_edits(w_len) || (jw >= 0.9 && dl >= 0.5) {
                all.push((dl, jw, cand));
            }
        }
        all.into_iter()
            .max_by(|a, b| {
                a.0.total_cmp(&b.0)
                    .then(a.1.total_cmp(&b.1))
                    .then(b.2.cmp(a.2))
            })
            .map(|(_, _, c)| c)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// The bounds never change the answer: random words (typos of real names, mixed
        /// case, non-ASCII letters) against random candidate lists.
        #[test]
        fn bounds_do_not_change_the_answer(
            word in "[a-zA-Z0-9:.İßé-]{0,24}",
            picks in proptest::collection::vec(0usize..16, 0..12),
            extra in proptest::collection::vec("[a-zA-Zé:.-]{1,20}", 0..4),
        ) {
            let pool: Vec<&str> = REGIONS.iter().chain(ACTIONS).chain(MODELS).copied().collect();
            let mut cands: Vec<&str> = picks.iter().filter_map(|i| pool.get(*i).copied()).collect();
            cands.extend(extra.iter().map(String::as_str));
            proptest::prop_assert_eq!(did_you_mean(&word, cands.iter().copied()), reference(&word, &cands));
            // A typo of a candidate, as the checker meets them.
            if let Some(first) = cands.first() {
                let typo: String = first.chars().rev().collect();
                proptest::prop_assert_eq!(did_you_mean(&typo, cands.iter().copied()), reference(&typo, &cands));
                let cut: String = first.chars().skip(1).collect();
                proptest::prop_assert_eq!(did_you_mean(&cut, cands.iter().copied()), reference(&cut, &cands));
            }
        }
    }
}
