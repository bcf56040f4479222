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

/// The closest candidate to `word`, if any is close enough (see the module docs).
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
    let mut best: Option<(f64, f64, &'a str)> = None;
    for cand in candidates {
        let c_len = cand.chars().count();
        let longer = w_len.max(c_len);
        // Both closeness tests bound the length difference; skip hopeless candidates cheaply.
        if longer == 0 || w_len.abs_diff(c_len) > max_edits(w_len).max(longer / 2) {
            continue;
        }
        let c = cand.to_lowercase();
        let edits = strsim::damerau_levenshtein(&w, &c);
        #[allow(
            clippy::cast_precision_loss,
            reason = "lengths of names, far below 2^52"
        )]
        let dl = 1.0 - edits as f64 / longer as f64;
        let jw = strsim::jaro_winkler(&w, &c);
        let close = edits <= max_edits(w_len) || (jw >= 0.9 && dl >= 0.5);
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
}
