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

/// glibc's texts for what regcomp refuses, plus nsbox's own.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Error {
    BadRepeat,
    UnmatchedBrace,
    BadBrace,
    UnmatchedBracket,
    UnmatchedParen,
    BadRange,
    BadClass,
    BadCollation,
    TrailingBackslash,
    BackReference,
    TooBig,
}

impl Error {
    pub fn text(self) -> &'static str {
        match self {
            Error::BadRepeat => "Invalid preceding regular expression",
            Error::UnmatchedBrace => "Unmatched \\{",
            Error::BadBrace => "Invalid content of \\{\\}",
            Error::UnmatchedBracket => "Unmatched [, [^, [:, [., or [=",
            Error::UnmatchedParen => "Unmatched ( or \\(",
            Error::BadRange => "Invalid range end",
            Error::BadClass => "Invalid character class name",
            Error::BadCollation => "Invalid collation character",
            Error::TrailingBackslash => "Trailing backslash",
            Error::BackReference => "back-references are not supported",
            Error::TooBig => "Regular expression too big",
        }
    }
}

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

#[derive(Clone, Copy)]
enum Inst {
    Char(u32),
    Any,
    /// A bracket expression (its index in `sets`).
    Set(usize),
    Assert(Assert),
    /// Continue at both.
    Split(usize, usize),
    Jmp(usize),
    Match,
}

/// The `[:name:]` classes, in the order of [`CLASSES`].
const CLASSES: [&str; 12] = [
    "alpha", "digit", "alnum", "upper", "lower", "space", "blank", "punct", "print", "graph",
    "cntrl", "xdigit",
];

/// Whether ASCII character `c` is in class `k` (of [`CLASSES`]); other
/// characters are in none (no Unicode tables).
fn in_class(k: usize, c: u32) -> bool {
    let Ok(b) = u8::try_from(c) else { return false };
    if b >= 0x80 {
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
    c.is_some_and(|c| c == u32::from(b'_') || in_class(2, c))
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

/// The parsed expression.
enum Node {
    Empty,
    Char(u32),
    Any,
    Set(usize),
    Assert(Assert),
    Cat(Vec<Node>),
    Alt(Vec<Node>),
    /// The node, at least `min` and at most `max` times (None: no limit).
    Repeat(Box<Node>, u32, Option<u32>),
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    utf8: bool,
    sets: Vec<Set>,
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

impl Parser<'_> {
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

    /// `a|b|...`, up to an unmatched `)` when `group`.
    fn alt(&mut self, group: bool) -> Result<Node, Error> {
        let mut alts = vec![self.cat(group)?];
        while self.eat(b'|') {
            alts.push(self.cat(group)?);
        }
        Ok(if alts.len() == 1 {
            alts.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alt(alts)
        })
    }

    fn cat(&mut self, group: bool) -> Result<Node, Error> {
        let mut items = Vec::new();
        // Whether a quantifier may follow (glibc: not after `^`, `(`, `|`).
        let mut can_repeat = false;
        while let Some(b) = self.peek() {
            if b == b'|' || b == b')' && group {
                break;
            }
            if matches!(b, b'*' | b'+' | b'?' | b'{') {
                if !can_repeat {
                    return Err(Error::BadRepeat);
                }
                let last = items.pop().unwrap_or(Node::Empty);
                items.push(self.quantifier(last)?);
                continue;
            }
            let atom = self.atom()?;
            can_repeat = !matches!(atom, Node::Assert(Assert::Start | Assert::End));
            items.push(atom);
        }
        Ok(Node::Cat(items))
    }

    /// `*`, `+`, `?` or an interval after `node`.
    fn quantifier(&mut self, node: Node) -> Result<Node, Error> {
        let (min, max) = match self.s[self.i] {
            b'*' => (0, None),
            b'+' => (1, None),
            b'?' => (0, Some(1)),
            _ => {
                self.i += 1;
                return self.interval(node);
            }
        };
        self.i += 1;
        Ok(Node::Repeat(Box::new(node), min, max))
    }

    /// `{m}`, `{m,}`, `{m,n}`, `{,n}` (the `{` is read).
    fn interval(&mut self, node: Node) -> Result<Node, Error> {
        let min = self.number()?;
        let comma = self.eat(b',');
        let max = if comma { self.number()? } else { min };
        if !comma && min.is_none() && self.peek().is_some() {
            return Err(Error::BadBrace);
        }
        match self.peek() {
            None => return Err(Error::UnmatchedBrace),
            Some(b'}') => self.i += 1,
            Some(_) => return Err(Error::BadBrace),
        }
        let min = min.unwrap_or(0);
        if max.is_some_and(|m| m < min) {
            return Err(Error::BadBrace);
        }
        if min > DUP_MAX || max.is_some_and(|m| m > DUP_MAX) {
            return Err(Error::TooBig);
        }
        Ok(Node::Repeat(Box::new(node), min, max))
    }

    fn number(&mut self) -> Result<Option<u32>, Error> {
        let mut n: Option<u32> = None;
        while let Some(d @ b'0'..=b'9') = self.peek() {
            self.i += 1;
            let v = n
                .unwrap_or(0)
                .saturating_mul(10)
                .saturating_add(u32::from(d - b'0'));
            n = Some(v);
        }
        if self.peek().is_none() {
            return Err(Error::UnmatchedBrace);
        }
        Ok(n)
    }

    fn atom(&mut self) -> Result<Node, Error> {
        let b = self.s[self.i];
        self.i += 1;
        Ok(match b {
            b'(' => {
                let inner = self.alt(true)?;
                if !self.eat(b')') {
                    return Err(Error::UnmatchedParen);
                }
                inner
            }
            b'.' => Node::Any,
            b'^' => Node::Assert(Assert::Start),
            b'$' => Node::Assert(Assert::End),
            b'[' => self.bracket()?,
            b'\\' => self.escape()?,
            _ => {
                self.i -= 1;
                Node::Char(self.char())
            }
        })
    }

    /// What follows a `\`.
    fn escape(&mut self) -> Result<Node, Error> {
        let Some(b) = self.peek() else {
            return Err(Error::TrailingBackslash);
        };
        let set = |p: &mut Self, class: usize, negated: bool| {
            p.sets.push(Set {
                negated,
                ranges: if class == 2 {
                    vec![(95, 95)]
                } else {
                    Vec::new()
                },
                classes: 1 << class,
            });
            Node::Set(p.sets.len() - 1)
        };
        self.i += 1;
        Ok(match b {
            b'1'..=b'9' => return Err(Error::BackReference),
            b'w' | b'W' => set(self, 2, b == b'W'),
            b's' | b'S' => set(self, 5, b == b'S'),
            b'b' => Node::Assert(Assert::WordBoundary),
            b'B' => Node::Assert(Assert::NotWordBoundary),
            b'<' => Node::Assert(Assert::WordStart),
            b'>' => Node::Assert(Assert::WordEnd),
            b'`' => Node::Assert(Assert::Start),
            b'\'' => Node::Assert(Assert::End),
            _ => {
                self.i -= 1;
                Node::Char(self.char())
            }
        })
    }

    /// A bracket expression (the `[` is read).
    fn bracket(&mut self) -> Result<Node, Error> {
        let mut set = Set {
            negated: self.eat(b'^'),
            ..Set::default()
        };
        let mut first = true;
        loop {
            let Some(b) = self.peek() else {
                return Err(Error::UnmatchedBracket);
            };
            if b == b']' && !first {
                self.i += 1;
                break;
            }
            first = false;
            let lo = match self.bracket_item(&mut set)? {
                Some(c) => c,
                None => {
                    // A class cannot start a range.
                    if self
                        .s
                        .get(self.i..self.i + 2)
                        .is_some_and(|r| r[0] == b'-' && r[1] != b']')
                    {
                        return Err(Error::BadRange);
                    }
                    continue;
                }
            };
            let range = self.s.get(self.i) == Some(&b'-')
                && self.s.get(self.i + 1).is_some_and(|&c| c != b']');
            if !range {
                set.ranges.push((lo, lo));
                continue;
            }
            self.i += 1;
            let Some(hi) = self.bracket_item(&mut set)? else {
                return Err(Error::BadRange);
            };
            // A range ends the item: `[a-c-e]` is refused.
            if hi < lo || self.s.get(self.i) == Some(&b'-') && self.s.get(self.i + 1) != Some(&b']')
            {
                return Err(Error::BadRange);
            }
            set.ranges.push((lo, hi));
        }
        self.sets.push(set);
        Ok(Node::Set(self.sets.len() - 1))
    }

    /// One character of a bracket expression (`[.c.]` and `[=c=]` too),
    /// or None for a `[:class:]`, which goes into `set`.
    fn bracket_item(&mut self, set: &mut Set) -> Result<Option<u32>, Error> {
        let rest = &self.s[self.i..];
        let kind = match rest {
            [b'[', k @ (b':' | b'.' | b'='), ..] => *k,
            [] => return Err(Error::UnmatchedBracket),
            _ => return Ok(Some(self.char())),
        };
        let body = &rest[2..];
        let Some(end) = body.windows(2).position(|w| w == [kind, b']']) else {
            return Err(Error::UnmatchedBracket);
        };
        let name = &body[..end];
        self.i += end + 4;
        if kind == b':' {
            let k = CLASSES.iter().position(|c| c.as_bytes() == name);
            set.classes |= 1 << k.ok_or(Error::BadClass)?;
            return Ok(None);
        }
        // Only single characters collate (the C locale's elements).
        match name {
            [] => Err(Error::BadCollation),
            _ => {
                let (c, n) = decode(name, self.utf8);
                if n == name.len() {
                    Ok(Some(c))
                } else {
                    Err(Error::BadCollation)
                }
            }
        }
    }
}

/// Emits the code of a node.
struct Compiler {
    prog: Vec<Inst>,
}

impl Compiler {
    fn push(&mut self, i: Inst) -> Result<usize, Error> {
        if self.prog.len() >= MAX_PROG {
            return Err(Error::TooBig);
        }
        self.prog.push(i);
        Ok(self.prog.len() - 1)
    }

    fn emit(&mut self, n: &Node) -> Result<(), Error> {
        match n {
            Node::Empty => {}
            Node::Char(c) => drop(self.push(Inst::Char(*c))?),
            Node::Any => drop(self.push(Inst::Any)?),
            Node::Set(s) => drop(self.push(Inst::Set(*s))?),
            Node::Assert(a) => drop(self.push(Inst::Assert(*a))?),
            Node::Cat(v) => {
                for x in v {
                    self.emit(x)?;
                }
            }
            Node::Alt(v) => {
                // split L1, next; L1: a; jmp end; next: split L2, ... ; last
                let mut jumps = Vec::new();
                for (k, x) in v.iter().enumerate() {
                    if k + 1 == v.len() {
                        self.emit(x)?;
                        break;
                    }
                    let split = self.push(Inst::Split(0, 0))?;
                    self.emit(x)?;
                    jumps.push(self.push(Inst::Jmp(0))?);
                    self.prog[split] = Inst::Split(split + 1, self.prog.len());
                }
                let end = self.prog.len();
                for j in jumps {
                    self.prog[j] = Inst::Jmp(end);
                }
            }
            Node::Repeat(x, min, max) => self.repeat(x, *min, *max)?,
        }
        Ok(())
    }

    /// `x` `min` times, then up to `max` (or any number of) more times.
    fn repeat(&mut self, x: &Node, min: u32, max: Option<u32>) -> Result<(), Error> {
        for _ in 0..min {
            self.emit(x)?;
        }
        let Some(max) = max else {
            // L: split body, end; body; jmp L
            let l = self.push(Inst::Split(0, 0))?;
            self.emit(x)?;
            self.push(Inst::Jmp(l))?;
            self.prog[l] = Inst::Split(l + 1, self.prog.len());
            return Ok(());
        };
        let mut splits = Vec::new();
        for _ in min..max {
            splits.push(self.push(Inst::Split(0, 0))?);
            self.emit(x)?;
        }
        let end = self.prog.len();
        for s in splits {
            self.prog[s] = Inst::Split(s + 1, end);
        }
        Ok(())
    }
}

impl Regex {
    /// Compiles `pattern`; `utf8`: the locale's characters are UTF-8
    /// sequences (else bytes).
    pub fn new(pattern: &[u8], utf8: bool) -> Result<Regex, Error> {
        let mut p = Parser {
            s: pattern,
            i: 0,
            utf8,
            sets: Vec::new(),
        };
        let node = p.alt(false)?;
        let mut c = Compiler { prog: Vec::new() };
        c.emit(&node)?;
        c.push(Inst::Match)?;
        Ok(Regex {
            prog: c.prog,
            sets: p.sets,
        })
    }

    /// Whether the expression matches anywhere in `text`.
    pub fn is_match(&self, text: &[u8], utf8: bool) -> bool {
        let n = self.prog.len();
        let (mut cur, mut next) = (Vec::with_capacity(n), Vec::with_capacity(n));
        // The step each instruction was last added in (no thread twice).
        let mut seen = vec![usize::MAX; n];
        let mut stack = Vec::new();
        let (mut pos, mut step) = (0, 0);
        let mut prev = None;
        loop {
            let here = (pos < text.len()).then(|| decode(&text[pos..], utf8));
            let ctx = Ctx {
                prev,
                next: here.map(|h| h.0),
            };
            // A new thread at every position: the search is unanchored.
            if self.add(&mut cur, &mut seen, &mut stack, 0, step, ctx) {
                return true;
            }
            let Some((c, len)) = here else {
                return false;
            };
            step += 1;
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
            // Follow the new threads' empty moves at the next position.
            pos += len;
            prev = Some(c);
            let after = (pos < text.len()).then(|| decode(&text[pos..], utf8).0);
            let ctx = Ctx { prev, next: after };
            cur.clear();
            for &pc in &next {
                if self.add(&mut cur, &mut seen, &mut stack, pc, step, ctx) {
                    return true;
                }
            }
        }
    }

    /// Adds thread `pc` and all it reaches without reading; true when one
    /// of them is the match.
    fn add(
        &self,
        list: &mut Vec<usize>,
        seen: &mut [usize],
        stack: &mut Vec<usize>,
        pc: usize,
        step: usize,
        ctx: Ctx,
    ) -> bool {
        stack.push(pc);
        while let Some(pc) = stack.pop() {
            if seen[pc] == step {
                continue;
            }
            seen[pc] = step;
            match self.prog[pc] {
                Inst::Match => {
                    stack.clear();
                    return true;
                }
                Inst::Jmp(t) => stack.push(t),
                Inst::Split(a, b) => {
                    stack.push(b);
                    stack.push(a);
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
            ("*a", Error::BadRepeat),
            ("a|*b", Error::BadRepeat),
            ("(*a)", Error::BadRepeat),
            ("^*a", Error::BadRepeat),
            ("{1}", Error::BadRepeat),
            ("+a", Error::BadRepeat),
            ("a{", Error::UnmatchedBrace),
            ("a{1", Error::UnmatchedBrace),
            ("a{x}", Error::BadBrace),
            ("a{2,1}", Error::BadBrace),
            ("a{1,2,3}", Error::BadBrace),
            ("a{65536}", Error::TooBig),
            ("[z-a]", Error::BadRange),
            ("[a-c-e]", Error::BadRange),
            ("[[:alpha:]-z]", Error::BadRange),
            ("[a-[:alpha:]]", Error::BadRange),
            ("[[:foo:]]", Error::BadClass),
            ("[a", Error::UnmatchedBracket),
            ("[[:alpha:]", Error::UnmatchedBracket),
            ("[[.space.]]", Error::BadCollation),
            ("a\\", Error::TrailingBackslash),
            ("(a)\\1", Error::BackReference),
            ("(a", Error::UnmatchedParen),
            ("a{}", Error::BadBrace),
            ("$*", Error::BadRepeat),
            ("(x{1000}){1000}", Error::TooBig),
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
