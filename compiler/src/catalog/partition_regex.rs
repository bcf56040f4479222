//! A matcher for botocore's partition `regionRegex` patterns, without a regex crate.
//!
//! botocore writes them as anchored sequences such as `^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$`.
//! This module accepts exactly the subset those patterns use, and refuses (returns `None` from
//! [`PartitionRegex::parse`]) anything else, so an unexpected change upstream shows up as a failing
//! test rather than a silently wrong answer:
//! - `^` at the start and `$` at the end (both required);
//! - literal characters, and `\` followed by punctuation for a literal;
//! - the classes `\w` (alphanumeric or `_`, as Python's Unicode `\w`) and `\d` (ASCII digit);
//! - groups `( … | … )` of alternatives;
//! - the quantifiers `+`, `*` and `?` after a character, class or group.
//!
//! Matching simulates all alternatives at once over the set of reachable text positions, so it
//! never backtracks.

use std::collections::BTreeSet;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Atom {
    Char(char),
    Word,
    Digit,
    Group(Vec<Vec<Piece>>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quant {
    One,
    Plus,
    Star,
    Opt,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Piece {
    atom: Atom,
    quant: Quant,
}

/// A parsed partition region pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionRegex {
    seq: Vec<Piece>,
}

struct Parser<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
}

impl Parser<'_> {
    /// Alternatives up to `)` or the end.
    fn alternatives(&mut self) -> Option<Vec<Vec<Piece>>> {
        let mut alts = vec![self.sequence()?];
        while self.chars.peek() == Some(&'|') {
            self.chars.next();
            alts.push(self.sequence()?);
        }
        Some(alts)
    }

    /// Pieces up to `|`, `)` or the end.
    fn sequence(&mut self) -> Option<Vec<Piece>> {
        let mut seq = Vec::new();
        while let Some(&c) = self.chars.peek() {
            let atom = match c {
                '|' | ')' => break,
                '(' => {
                    self.chars.next();
                    let alts = self.alternatives()?;
                    if self.chars.next() != Some(')') {
                        return None;
                    }
                    Atom::Group(alts)
                }
                '\\' => {
                    self.chars.next();
                    match self.chars.next()? {
                        'w' => Atom::Word,
                        'd' => Atom::Digit,
                        e if e.is_ascii_punctuation() => Atom::Char(e),
                        _ => return None,
                    }
                }
                '[' | ']' | '{' | '}' | '.' | '^' | '$' | '+' | '*' | '?' => return None,
                _ => {
                    self.chars.next();
                    Atom::Char(c)
                }
            };
            let quant = match self.chars.peek() {
                Some('+') => Quant::Plus,
                Some('*') => Quant::Star,
                Some('?') => Quant::Opt,
                _ => Quant::One,
            };
            if quant != Quant::One {
                self.chars.next();
            }
            seq.push(Piece { atom, quant });
        }
        Some(seq)
    }
}

impl PartitionRegex {
    /// Parse an anchored pattern of the supported subset; `None` if it uses anything else.
    pub fn parse(regex: &str) -> Option<Self> {
        let body = regex.strip_prefix('^')?.strip_suffix('$')?;
        // A `$` escaped as `\$` at the very end would have been stripped: refuse that corner.
        if body.ends_with('\\') {
            return None;
        }
        let mut parser = Parser {
            chars: body.chars().peekable(),
        };
        let seq = parser.sequence()?;
        if parser.chars.next().is_some() {
            return None; // a stray `|` or `)` at top level
        }
        Some(Self { seq })
    }

    /// Whether the whole of `text` matches.
    pub fn is_match(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        let start = BTreeSet::from([0]);
        run_seq(&self.seq, &chars, start).contains(&chars.len())
    }
}

fn run_seq(seq: &[Piece], text: &[char], mut positions: BTreeSet<usize>) -> BTreeSet<usize> {
    for piece in seq {
        if positions.is_empty() {
            break;
        }
        positions = run_piece(piece, text, positions);
    }
    positions
}

fn run_piece(piece: &Piece, text: &[char], starts: BTreeSet<usize>) -> BTreeSet<usize> {
    match piece.quant {
        Quant::One => run_atom(&piece.atom, text, &starts),
        Quant::Opt => {
            let mut out = run_atom(&piece.atom, text, &starts);
            out.extend(starts);
            out
        }
        Quant::Plus | Quant::Star => {
            let mut reached = run_atom(&piece.atom, text, &starts);
            let mut frontier = reached.clone();
            while !frontier.is_empty() {
                let next: BTreeSet<usize> = run_atom(&piece.atom, text, &frontier)
                    .difference(&reached)
                    .copied()
                    .collect();
                reached.extend(next.iter().copied());
                frontier = next;
            }
            if piece.quant == Quant::Star {
                reached.extend(starts);
            }
            reached
        }
    }
}

fn run_atom(atom: &Atom, text: &[char], starts: &BTreeSet<usize>) -> BTreeSet<usize> {
    let single = |pred: &dyn Fn(char) -> bool| -> BTreeSet<usize> {
        starts
            .iter()
            .filter(|&&i| text.get(i).is_some_and(|&c| pred(c)))
            .map(|&i| i + 1)
            .collect()
    };
    match atom {
        Atom::Char(want) => single(&|c| c == *want),
        Atom::Word => single(&|c| c.is_alphanumeric() || c == '_'),
        Atom::Digit => single(&|c| c.is_ascii_digit()),
        Atom::Group(alts) => alts
            .iter()
            .flat_map(|alt| run_seq(alt, text, starts.clone()))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn re(s: &str) -> Option<PartitionRegex> {
        PartitionRegex::parse(s)
    }

    #[test]
    fn botocore_shapes() {
        let aws = re(r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$");
        assert!(aws.is_some());
        let aws = aws.unwrap_or(PartitionRegex { seq: Vec::new() });
        assert!(aws.is_match("us-east-1"));
        assert!(aws.is_match("ap-southeast-7"));
        assert!(aws.is_match("mx-central-12"));
        assert!(!aws.is_match("us-gov-west-1"));
        assert!(!aws.is_match("cn-north-1"));
        assert!(!aws.is_match("us-east-"));
        assert!(!aws.is_match("US-EAST-1"));
        assert!(!aws.is_match("us-east-1 "));
        assert!(!aws.is_match("aws-global"));

        let eusc = re(r"^eusc\-(de)\-\w+\-\d+$").unwrap_or(PartitionRegex { seq: Vec::new() });
        assert!(eusc.is_match("eusc-de-east-1"));
        assert!(!eusc.is_match("eusc-fr-east-1"));
    }

    #[test]
    fn quantifiers() {
        let r = re(r"^ab?c*d+$").unwrap_or(PartitionRegex { seq: Vec::new() });
        assert!(r.is_match("ad"));
        assert!(r.is_match("abccdd"));
        assert!(!r.is_match("abbd"));
        assert!(!r.is_match("ab"));
        let g = re(r"^(a|ab)+c$").unwrap_or(PartitionRegex { seq: Vec::new() });
        assert!(g.is_match("aabac"));
        assert!(!g.is_match("c"));
    }

    #[test]
    fn unsupported_syntax_is_refused() {
        assert_eq!(re(r"us\-\w+"), None); // not anchored
        assert_eq!(re(r"^[a-z]+$"), None);
        assert_eq!(re(r"^a{2}$"), None);
        assert_eq!(re(r"^a.b$"), None);
        assert_eq!(re(r"^(ab$"), None);
        assert_eq!(re(r"^ab)$"), None);
        assert_eq!(re(r"^\s$"), None);
    }
}
