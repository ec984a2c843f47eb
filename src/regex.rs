//! POSIX extended regular expressions, as glibc's `regcomp(REG_EXTENDED |
//! REG_NOSUB)` and `regexec` take them: groups, alternation, `* + ?`,
//! intervals `{m}` `{m,}` `{m,n}` `{,n}`, bracket expressions (ranges,
//! `[:class:]`, `[.c.]`, `[=c=]`), anchors, `.`, and glibc's `\w \W \s \S
//! \b \B \< \> \` \'`. Back-references are refused (they need
//! backtracking); everything else runs as a Thompson NFA (a Pike VM without
//! captures), so matching is linear in the text whatever the pattern.
//!
//! Errors are glibc's `regerror` texts.

/// A compiled expression.
pub struct Regex {
    prog: Vec<Inst>,
    sets: Vec<Set>,
}

/// Why a pattern is refused: glibc's `regerror` texts, and nsbox's own for
/// back-references.
pub type Error = &'static str;

pub const BAD_REPEAT: Error = "Invalid preceding regular expression";
pub const UNMATCHED_BRACE: Error = "Unmatched \\{";
pub const BAD_BRACE: Error = "Invalid content of \\{\\}";
pub const UNMATCHED_BRACKET: Error = "Unmatched [, [^, [:, [., or [=";
pub const UNMATCHED_PAREN: Error = "Unmatched ( or \\(";
pub const BAD_RANGE: Error = "Invalid range end";
pub const BAD_CLASS: Error = "Invalid character class name";
pub const BAD_COLLATION: Error = "Invalid collation character";
pub const TRAILING_BACKSLASH: Error = "Trailing backslash";
pub const BACK_REFERENCE: Error = "back-references are not supported";
pub const TOO_BIG: Error = "Regular expression too big";

/// The most instructions a compiled expression may have.
const MAX_PROG: usize = 1 << 14;
/// glibc's RE_DUP_MAX.
const DUP_MAX: u32 = 0x7fff;

#[derive(Clone, Copy, PartialEq)]
enum Assert {
    Start,
    End,
    WordBoundary,
    NotWordBoundary,
    WordStart,
    WordEnd,
}

/// One instruction; jumps are relative (code can be inserted in front of
/// a finished piece without fixing it).
#[derive(Clone, Copy)]
enum Inst {
    Char(u32),
    Any,
    /// A bracket expression (its index in `sets`).
    Set(usize),
    Assert(Assert),
    /// Continue at both.
    Split(isize, isize),
    Jmp(isize),
    Match,
}

/// The `[:name:]` classes, in the order of [`in_class`].
const CLASSES: [&str; 12] = [
    "alpha", "digit", "alnum", "upper", "lower", "space", "blank", "punct", "print", "graph",
    "cntrl", "xdigit",
];
const ALNUM: usize = 2;
const SPACE: usize = 5;

/// Whether ASCII character `c` is in class `k` (of [`CLASSES`]); other
/// characters are in none (no Unicode tables).
fn in_class(k: usize, c: u32) -> bool {
    let b = c as u8;
    if c >= 0x80 {
        return false;
    }
    match k {
        0 => b.is_ascii_alphabetic(),
        1 => b.is_ascii_digit(),
        2 => b.is_ascii_alphanumeric(),
        3 => b.is_ascii_uppercase(),
        4 => b.is_ascii_lowercase(),
        5 => b.is_ascii_whitespace() || b == 0x0b,
        6 => b == b' ' || b == b'\t',
        7 => b.is_ascii_punctuation(),
        8 => (b' '..0x7f).contains(&b),
        9 => b.is_ascii_graphic(),
        10 => b.is_ascii_control(),
        _ => b.is_ascii_hexdigit(),
    }
}

fn is_word(c: Option<u32>) -> bool {
    c.is_some_and(|c| c == u32::from(b'_') || in_class(ALNUM, c))
}

/// A bracket expression: ranges and classes, maybe negated.
#[derive(Default)]
struct Set {
    negated: bool,
    ranges: Vec<(u32, u32)>,
    /// One bit per [`CLASSES`] entry.
    classes: u16,
}

impl Set {
    fn matches(&self, c: u32) -> bool {
        let hit = self.ranges.iter().any(|&(a, b)| a <= c && c <= b)
            || (0..CLASSES.len()).any(|k| self.classes & 1 << k != 0 && in_class(k, c));
        hit != self.negated
    }
}

/// The character at the start of `s` (a UTF-8 sequence when `utf8`, else
/// a byte) and its length.
fn decode(s: &[u8], utf8: bool) -> (u32, usize) {
    let b = s[0];
    let n = match b {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => 1,
    };
    if !utf8 || n == 1 || s.len() < n || s[1..n].iter().any(|&c| c & 0xc0 != 0x80) {
        return (u32::from(b), 1);
    }
    let mut c = u32::from(b) & (0x7f >> n);
    for &x in &s[1..n] {
        c = c << 6 | u32::from(x & 0x3f);
    }
    (c, n)
}

/// Parses and compiles in one pass (Thompson's construction). A repeated
/// piece is compiled again from its text for every copy it needs.
struct Compiler<'a> {
    s: &'a [u8],
    i: usize,
    utf8: bool,
    prog: Vec<Inst>,
    sets: Vec<Set>,
}

impl Compiler<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        self.i += hit as usize;
        hit
    }

    /// The next character of the pattern.
    fn char(&mut self) -> u32 {
        let (c, n) = decode(&self.s[self.i..], self.utf8);
        self.i += n;
        c
    }

    fn push(&mut self, i: Inst) -> Result<(), Error> {
        self.insert(self.prog.len(), i)
    }

    fn insert(&mut self, at: usize, i: Inst) -> Result<(), Error> {
        if self.prog.len() >= MAX_PROG {
            return Err(TOO_BIG);
        }
        self.prog.insert(at, i);
        Ok(())
    }

    /// `a|b|...`, up to an unmatched `)` when `group`: each `|` makes
    /// what came before the first choice.
    fn alt(&mut self, group: bool) -> Result<(), Error> {
        let start = self.prog.len();
        self.cat(group)?;
        while self.eat(b'|') {
            // split +1, B; A; jmp END; B: ...; END:
            let jmp = self.prog.len() + 1;
            self.insert(start, Inst::Split(1, (jmp + 1 - start) as isize))?;
            self.push(Inst::Jmp(0))?;
            self.cat(group)?;
            self.prog[jmp] = Inst::Jmp((self.prog.len() - jmp) as isize);
        }
        Ok(())
    }

    fn cat(&mut self, group: bool) -> Result<(), Error> {
        while let Some(b) = self.peek() {
            if b == b'|' || b == b')' && group {
                break;
            }
            self.piece(usize::MAX)?;
        }
        Ok(())
    }

    /// An atom and its quantifiers (those that start before `end`).
    fn piece(&mut self, end: usize) -> Result<(), Error> {
        let (p0, a0) = (self.i, self.prog.len());
        if matches!(self.peek(), Some(b'*' | b'+' | b'?' | b'{')) {
            return Err(BAD_REPEAT);
        }
        // glibc: nothing repeats an anchor.
        let anchor = self.atom()?;
        while self.i < end && matches!(self.peek(), Some(b'*' | b'+' | b'?' | b'{')) {
            if anchor {
                return Err(BAD_REPEAT);
            }
            let p1 = self.i;
            let (min, max) = self.quantifier()?;
            let after = self.i;
            self.prog.truncate(a0);
            self.repeat(p0, p1, min, max)?;
            self.i = after;
        }
        Ok(())
    }

    /// `*`, `+`, `?` or an interval: the least and most copies.
    fn quantifier(&mut self) -> Result<(u32, Option<u32>), Error> {
        let q = self.s[self.i];
        self.i += 1;
        Ok(match q {
            b'*' => (0, None),
            b'+' => (1, None),
            b'?' => (0, Some(1)),
            _ => return self.interval(),
        })
    }

    /// `{m}`, `{m,}`, `{m,n}`, `{,n}` (the `{` is read).
    fn interval(&mut self) -> Result<(u32, Option<u32>), Error> {
        let min = self.number()?;
        let comma = self.eat(b',');
        let max = if comma { self.number()? } else { min };
        if !self.eat(b'}') || !comma && min.is_none() {
            return Err(BAD_BRACE);
        }
        let min = min.unwrap_or(0);
        if max.is_some_and(|m| m < min) {
            return Err(BAD_BRACE);
        }
        if min.max(max.unwrap_or(0)) > DUP_MAX {
            return Err(TOO_BIG);
        }
        Ok((min, max))
    }

    fn number(&mut self) -> Result<Option<u32>, Error> {
        let mut n: Option<u32> = None;
        while let Some(d @ b'0'..=b'9') = self.peek() {
            self.i += 1;
            n = Some(
                n.unwrap_or(0)
                    .saturating_mul(10)
                    .saturating_add(u32::from(d - b'0')),
            );
        }
        match self.peek() {
            None => Err(UNMATCHED_BRACE),
            Some(_) => Ok(n),
        }
    }

    /// The piece written at `p0..p1`, `min` times, then up to `max` (or
    /// any number of) more times.
    fn repeat(&mut self, p0: usize, p1: usize, min: u32, max: Option<u32>) -> Result<(), Error> {
        for _ in 0..min {
            self.again(p0, p1)?;
        }
        let Some(max) = max else {
            // L: split +1, END; x; jmp L; END:
            let l = self.prog.len();
            self.again(p0, p1)?;
            let jmp = self.prog.len() + 1;
            self.insert(l, Inst::Split(1, (jmp + 1 - l) as isize))?;
            return self.push(Inst::Jmp(l as isize - jmp as isize));
        };
        for _ in min..max {
            // split +1, END; x; END:
            let l = self.prog.len();
            self.again(p0, p1)?;
            let len = self.prog.len() + 1 - l;
            self.insert(l, Inst::Split(1, len as isize))?;
        }
        Ok(())
    }

    /// Compiles the piece at `p0..p1` once more.
    fn again(&mut self, p0: usize, p1: usize) -> Result<(), Error> {
        let save = self.i;
        self.i = p0;
        self.piece(p1)?;
        self.i = save;
        Ok(())
    }

    /// One atom; true when it is an anchor (`^`, `$`).
    fn atom(&mut self) -> Result<bool, Error> {
        let b = self.s[self.i];
        self.i += 1;
        let inst = match b {
            b'(' => {
                self.alt(true)?;
                return match self.eat(b')') {
                    true => Ok(false),
                    false => Err(UNMATCHED_PAREN),
                };
            }
            b'.' => Inst::Any,
            b'^' => Inst::Assert(Assert::Start),
            b'$' => Inst::Assert(Assert::End),
            b'[' => self.bracket()?,
            b'\\' => self.escape()?,
            _ => {
                self.i -= 1;
                Inst::Char(self.char())
            }
        };
        self.push(inst)?;
        Ok(b == b'^' || b == b'$')
    }

    /// What follows a `\`.
    fn escape(&mut self) -> Result<Inst, Error> {
        let Some(b) = self.peek() else {
            return Err(TRAILING_BACKSLASH);
        };
        self.i += 1;
        let (class, word) = match b {
            b'1'..=b'9' => return Err(BACK_REFERENCE),
            b'w' | b'W' => (ALNUM, vec![(95, 95)]),
            b's' | b'S' => (SPACE, Vec::new()),
            b'b' => return Ok(Inst::Assert(Assert::WordBoundary)),
            b'B' => return Ok(Inst::Assert(Assert::NotWordBoundary)),
            b'<' => return Ok(Inst::Assert(Assert::WordStart)),
            b'>' => return Ok(Inst::Assert(Assert::WordEnd)),
            b'`' => return Ok(Inst::Assert(Assert::Start)),
            b'\'' => return Ok(Inst::Assert(Assert::End)),
            _ => {
                self.i -= 1;
                return Ok(Inst::Char(self.char()));
            }
        };
        Ok(self.set(Set {
            negated: b.is_ascii_uppercase(),
            ranges: word,
            classes: 1 << class,
        }))
    }

    fn set(&mut self, set: Set) -> Inst {
        self.sets.push(set);
        Inst::Set(self.sets.len() - 1)
    }

    /// Whether a range's `-` comes next (not the `-` before the `]`).
    fn dash(&self) -> bool {
        self.peek() == Some(b'-') && self.s.get(self.i + 1).is_some_and(|&c| c != b']')
    }

    /// A bracket expression (the `[` is read).
    fn bracket(&mut self) -> Result<Inst, Error> {
        let mut set = Set {
            negated: self.eat(b'^'),
            ..Set::default()
        };
        let mut first = true;
        while first || !self.eat(b']') {
            first = false;
            // A class cannot start a range.
            let Some(lo) = self.bracket_item(&mut set)? else {
                if self.dash() {
                    return Err(BAD_RANGE);
                }
                continue;
            };
            let mut hi = lo;
            if self.dash() {
                self.i += 1;
                hi = self.bracket_item(&mut set)?.ok_or(BAD_RANGE)?;
                // A range ends the item: `[a-c-e]` is refused.
                if hi < lo || self.dash() {
                    return Err(BAD_RANGE);
                }
            }
            set.ranges.push((lo, hi));
        }
        Ok(self.set(set))
    }

    /// One character of a bracket expression (`[.c.]` and `[=c=]` too),
    /// or None for a `[:class:]`, which goes into `set`.
    fn bracket_item(&mut self, set: &mut Set) -> Result<Option<u32>, Error> {
        let rest = &self.s[self.i..];
        let kind = match rest {
            [b'[', k @ (b':' | b'.' | b'='), ..] => *k,
            [] => return Err(UNMATCHED_BRACKET),
            _ => return Ok(Some(self.char())),
        };
        let body = &rest[2..];
        let end = (body.windows(2).position(|w| w == [kind, b']'])).ok_or(UNMATCHED_BRACKET)?;
        let name = &body[..end];
        self.i += end + 4;
        if kind == b':' {
            let k = CLASSES.iter().position(|c| c.as_bytes() == name);
            set.classes |= 1 << k.ok_or(BAD_CLASS)?;
            return Ok(None);
        }
        // Only single characters collate (the C locale's elements).
        match name.is_empty() || decode(name, self.utf8).1 != name.len() {
            true => Err(BAD_COLLATION),
            false => Ok(Some(decode(name, self.utf8).0)),
        }
    }
}

impl Regex {
    /// Compiles `pattern`; `utf8`: the locale's characters are UTF-8
    /// sequences (else bytes).
    pub fn new(pattern: &[u8], utf8: bool) -> Result<Regex, Error> {
        let mut c = Compiler {
            s: pattern,
            i: 0,
            utf8,
            prog: Vec::new(),
            sets: Vec::new(),
        };
        c.alt(false)?;
        c.push(Inst::Match)?;
        Ok(Regex {
            prog: c.prog,
            sets: c.sets,
        })
    }

    /// Whether the expression matches anywhere in `text`.
    #[inline(never)]
    pub fn is_match(&self, text: &[u8], utf8: bool) -> bool {
        let n = self.prog.len();
        let (mut cur, mut next) = (Vec::with_capacity(n), Vec::with_capacity(n));
        // The step each instruction was last added in (no thread twice).
        let mut seen = vec![usize::MAX; n];
        let mut pos = 0;
        let mut prev = None;
        for step in 0.. {
            let here = (pos < text.len()).then(|| decode(&text[pos..], utf8));
            let ctx = Ctx {
                prev,
                next: here.map(|h| h.0),
            };
            // A new thread at every position (the search is unanchored),
            // after the threads that read the last character.
            next.push(0);
            cur.clear();
            for &pc in &next {
                if self.add(&mut cur, &mut seen, pc, step, ctx) {
                    return true;
                }
            }
            let Some((c, len)) = here else { break };
            next.clear();
            for &pc in &cur {
                let hit = match self.prog[pc] {
                    Inst::Char(x) => x == c,
                    Inst::Any => true,
                    Inst::Set(s) => self.sets[s].matches(c),
                    _ => false,
                };
                if hit {
                    next.push(pc + 1);
                }
            }
            pos += len;
            prev = Some(c);
        }
        false
    }

    /// Adds thread `pc` and all it reaches without reading; true when one
    /// of them is the match.
    fn add(
        &self,
        list: &mut Vec<usize>,
        seen: &mut [usize],
        pc: usize,
        step: usize,
        ctx: Ctx,
    ) -> bool {
        let mut stack = vec![pc];
        while let Some(pc) = stack.pop() {
            if seen[pc] == step {
                continue;
            }
            seen[pc] = step;
            let at = |d: isize| pc.wrapping_add_signed(d);
            match self.prog[pc] {
                Inst::Match => return true,
                Inst::Jmp(d) => stack.push(at(d)),
                Inst::Split(a, b) => {
                    stack.push(at(b));
                    stack.push(at(a));
                }
                Inst::Assert(a) => {
                    if ctx.holds(a) {
                        stack.push(pc + 1);
                    }
                }
                _ => list.push(pc),
            }
        }
        false
    }
}

/// The characters around a position, for the assertions.
#[derive(Clone, Copy)]
struct Ctx {
    prev: Option<u32>,
    next: Option<u32>,
}

impl Ctx {
    fn holds(self, a: Assert) -> bool {
        let (w0, w1) = (is_word(self.prev), is_word(self.next));
        match a {
            Assert::Start => self.prev.is_none(),
            Assert::End => self.next.is_none(),
            Assert::WordBoundary => w0 != w1,
            Assert::NotWordBoundary => w0 == w1,
            Assert::WordStart => !w0 && w1,
            Assert::WordEnd => w0 && !w1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(re: &str, t: &str) -> Result<bool, Error> {
        Ok(Regex::new(re.as_bytes(), true)?.is_match(t.as_bytes(), true))
    }

    #[test]
    fn matches_like_glibc() {
        // (pattern, text, glibc's answer), checked against glibc regexec.
        let yes = [
            ("u(ts|ser)", "user"),
            ("^[a-z]{3}$", "uts"),
            ("^[[:alpha:]]+s$", "uts"),
            ("a{,3}", "aaa"),
            ("()", "x"),
            ("a|", "x"),
            ("(|a)", "x"),
            (")", ")"),
            ("a)", "a)"),
            ("[a-]", "-"),
            ("[]a]", "]"),
            ("[^]a]", "b"),
            ("\\w", "_"),
            ("a{1,2}{2}", "aaa"),
            ("a+?", "a"),
            ("\\<a", "a"),
            ("[[.a.]]", "a"),
            ("[[=a=]]", "a"),
            ("^$", ""),
            ("a{0}", "b"),
            ("(a){0,}", ""),
            ("[\\n]", "\\"),
            ("x{1}{2}", "xx"),
            ("(a|b)*c", "ababc"),
            ("^(a?)*$", "aaa"),
            ("(ab|a)(bc|c)$", "abc"),
            ("^.{2}$", "é!"),
            ("\\bts\\b", "u ts"),
            ("^[^[:digit:]]+$", "net"),
            ("[[:upper:][:digit:]]", "x9"),
            ("a\\.b", "a.b"),
            ("^(cgroup|mnt)$", "mnt"),
            ("\\`u", "uts"),
            ("a{,}", "a"),
            ("[%--]", "-"),
            ("[[.-.]-z]", "a"),
            ("(^a)", "a"),
            ("\\{", "{"),
        ];
        for (re, t) in yes {
            assert_eq!(m(re, t), Ok(true), "{re} on {t}");
        }
        let no = [
            ("u(ts|ser)", "us"),
            ("^[a-z]{3}$", "user"),
            ("^[[:alpha:]]+s$", "cgroup"),
            ("[\\]]", "]"),
            ("$a", "$a"),
            ("a^", "a^"),
            ("a$b", "a$b"),
            (".", ""),
            ("a\\.b", "axb"),
            ("^(a|b){2}$", "abc"),
            ("\\Bts", "u ts"),
            ("x{3,}", "xx"),
            ("b(^a)", "ba"),
            ("x(a{2})*$", "xaaa"),
        ];
        for (re, t) in no {
            assert_eq!(m(re, t), Ok(false), "{re} on {t}");
        }
    }

    #[test]
    fn refuses_like_glibc() {
        let bad = [
            ("*a", BAD_REPEAT),
            ("a|*b", BAD_REPEAT),
            ("(*a)", BAD_REPEAT),
            ("^*a", BAD_REPEAT),
            ("{1}", BAD_REPEAT),
            ("+a", BAD_REPEAT),
            ("a{", UNMATCHED_BRACE),
            ("a{1", UNMATCHED_BRACE),
            ("a{x}", BAD_BRACE),
            ("a{2,1}", BAD_BRACE),
            ("a{1,2,3}", BAD_BRACE),
            ("a{65536}", TOO_BIG),
            ("[z-a]", BAD_RANGE),
            ("[a-c-e]", BAD_RANGE),
            ("[[:alpha:]-z]", BAD_RANGE),
            ("[a-[:alpha:]]", BAD_RANGE),
            ("[[:foo:]]", BAD_CLASS),
            ("[a", UNMATCHED_BRACKET),
            ("[[:alpha:]", UNMATCHED_BRACKET),
            ("[[.space.]]", BAD_COLLATION),
            ("a\\", TRAILING_BACKSLASH),
            ("(a)\\1", BACK_REFERENCE),
            ("(a", UNMATCHED_PAREN),
            ("a{}", BAD_BRACE),
            ("$*", BAD_REPEAT),
            ("(x{1000}){1000}", TOO_BIG),
        ];
        for (re, e) in bad {
            assert_eq!(m(re, "a").err(), Some(e), "{re}");
        }
    }

    #[test]
    fn linear_on_hostile_patterns() {
        let t = "a".repeat(5000);
        assert_eq!(m("(a|aa)*(a|aa)*b", &t), Ok(false));
        assert_eq!(m("^(a?){30}a{30}$", &"a".repeat(30)), Ok(true));
    }
}
