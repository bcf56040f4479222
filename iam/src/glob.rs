//! IAM-style wildcard matching: `*` matches any sequence of characters (including none), `?`
//! exactly one character; every other character matches itself. There is no escape character,
//! as in IAM `Action`, `Resource` and `StringLike` values.
//!
//! The matcher works on `char`s (so `?` is one Unicode scalar value, never one byte) and is
//! iterative: it keeps only the position of the last `*` seen and, on a mismatch, lets that star
//! absorb one more character. This is correct for patterns made of `*` and `?` alone, because an
//! earlier star never has to be revisited once a later star has matched. Cost: one pass over the
//! text when the pattern has no `*` or the text has no near-misses after a star; O(|pattern| ·
//! |text|) in the worst case (the segment after the last star re-tried at each text position) —
//! never exponential, no recursion, O(1) memory beyond the two `char` buffers.

/// Whether `text` matches the IAM wildcard `pattern` as a whole.
///
/// With `case_insensitive`, characters are compared by their lower-case mapping (as IAM does for
/// action names and condition-key names); otherwise exactly (ARNs, model ids, region codes).
pub fn glob_match(pattern: &str, text: &str, case_insensitive: bool) -> bool {
    // Names are ASCII in practice: match bytes without allocating (the checker calls this for
    // every catalog entry a pattern is tested against).
    if pattern.is_ascii() && text.is_ascii() {
        let eq = |a: u8, b: u8| a == b || (case_insensitive && a.eq_ignore_ascii_case(&b));
        return wildcard(pattern.as_bytes(), text.as_bytes(), b'*', b'?', eq);
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let eq =
        |a: char, b: char| a == b || (case_insensitive && a.to_lowercase().eq(b.to_lowercase()));
    wildcard(&p, &t, '*', '?', eq)
}

/// Greedy wildcard matching with one backtrack point (the last `*`): iterative, O(p × t) worst
/// case, never exponential.
pub(crate) fn wildcard<T: Copy + PartialEq>(
    p: &[T],
    t: &[T],
    star_c: T,
    any_c: T,
    eq: impl Fn(T, T) -> bool,
) -> bool {
    let mut pi = 0; // next pattern position
    let mut ti = 0; // next text position
                    // After the last `*`: the pattern position just past it, and the text position it was (so
                    // far) matched up to.
    let mut star: Option<(usize, usize)> = None;
    while let Some(&tc) = t.get(ti) {
        match p.get(pi) {
            Some(&pc) if pc == star_c => {
                pi += 1;
                star = Some((pi, ti));
                continue;
            }
            Some(&pc) if pc == any_c || eq(pc, tc) => {
                pi += 1;
                ti += 1;
                continue;
            }
            _ => {}
        }
        // Mismatch: let the last star absorb one more character, or fail.
        match star {
            Some((after_star, absorbed)) => {
                pi = after_star;
                ti = absorbed + 1;
                star = Some((after_star, ti));
            }
            None => return false,
        }
    }
    // Text consumed: the rest of the pattern must be stars only.
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|&c| c == star_c))
}

/// Whether `s` contains a wildcard character (`*` or `?`).
pub fn is_glob(s: &str) -> bool {
    s.contains(['*', '?'])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Plain dynamic-programming reference: `m[i][j]` = pattern[..i] matches text[..j].
    #[allow(
        clippy::indexing_slicing,
        reason = "test reference, indices bounded by construction"
    )]
    fn reference(pattern: &str, text: &str, ci: bool) -> bool {
        let fold = |c: char| -> String {
            if ci {
                c.to_lowercase().collect()
            } else {
                c.to_string()
            }
        };
        let p: Vec<char> = pattern.chars().collect();
        let t: Vec<char> = text.chars().collect();
        let mut m = vec![vec![false; t.len() + 1]; p.len() + 1];
        m[0][0] = true;
        for i in 1..=p.len() {
            for j in 0..=t.len() {
                m[i][j] = match p[i - 1] {
                    '*' => m[i - 1][j] || (j > 0 && m[i][j - 1]),
                    '?' => j > 0 && m[i - 1][j - 1],
                    c => j > 0 && m[i - 1][j - 1] && fold(c) == fold(t[j - 1]),
                };
            }
        }
        m[p.len()][t.len()]
    }

    #[test]
    fn basics() {
        assert!(glob_match("", "", false));
        assert!(!glob_match("", "a", false));
        assert!(glob_match("*", "", false));
        assert!(glob_match("*", "anything at all", false));
        assert!(glob_match("**", "", false));
        assert!(glob_match("?", "x", false));
        assert!(!glob_match("?", "", false));
        assert!(!glob_match("?", "xy", false));
        assert!(glob_match("a*b", "ab", false));
        assert!(glob_match("a*b", "axxxb", false));
        assert!(!glob_match("a*b", "axxxbc", false));
        assert!(glob_match("a*b*c", "abbbc", false));
        assert!(glob_match("*a*a*a", "aaaa", false));
        assert!(!glob_match("*a*a*a*a*a", "aaaa", false));
    }

    #[test]
    fn iam_examples() {
        assert!(glob_match("bedrock:Invoke*", "bedrock:InvokeModel", false));
        assert!(glob_match("bedrock:invoke*", "bedrock:InvokeModel", true));
        assert!(!glob_match("bedrock:invoke*", "bedrock:InvokeModel", false));
        assert!(glob_match("deepseek*", "deepseek.r1-v1:0", false));
        assert!(glob_match(
            "arn:aws:bedrock:*::foundation-model/anthropic.*",
            "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
            false
        ));
        assert!(glob_match("us-????-1", "us-east-1", false));
        assert!(!glob_match("us-???-1", "us-east-1", false));
    }

    #[test]
    fn unicode_is_per_char() {
        assert!(glob_match("?", "é", false));
        assert!(glob_match("??", "日本", false));
        assert!(!glob_match("?", "日本", false));
        assert!(glob_match("*本", "日本", false));
        assert!(glob_match("É*", "école", true));
        assert!(!glob_match("É*", "école", false));
    }

    #[test]
    fn pathological_pattern_is_fast() {
        // Exponential for naive backtracking; quadratic at worst here.
        let text = "a".repeat(2_000);
        let pattern = format!("{}b", "*a".repeat(50));
        assert!(!glob_match(&pattern, &text, false));
        assert!(glob_match(&"*a".repeat(50), &text, false));
    }

    #[test]
    fn is_glob_detects_wildcards() {
        assert!(is_glob("bedrock:*"));
        assert!(is_glob("us-east-?"));
        assert!(!is_glob("bedrock:InvokeModel"));
        assert!(!is_glob(""));
    }

    proptest! {
        #[test]
        fn agrees_with_reference(
            pattern in "[abA*?é]{0,10}",
            text in "[abAé]{0,12}",
            ci in any::<bool>(),
        ) {
            prop_assert_eq!(glob_match(&pattern, &text, ci), reference(&pattern, &text, ci));
        }

        #[test]
        fn a_text_matches_itself_and_star(text in "\\PC{0,20}") {
            prop_assume!(!is_glob(&text));
            prop_assert!(glob_match(&text, &text, false));
            prop_assert!(glob_match("*", &text, false));
        }
    }
}
