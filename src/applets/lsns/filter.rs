//! `-Q EXPR`: libsmartcols' filter language (without floats).

use super::columns::Column;
use super::output::Tab;
use super::{dec, field};
use crate::cli;
use crate::regex::Regex;

/// libsmartcols' limits (SCOLS_FILTER_MAX_*).
const MAX_EXPR: usize = 1024;
const MAX_NODES: usize = 256;
const MAX_REGEX: usize = 256;
const MAX_REPEAT: u64 = 1024;

/// Why an expression is refused.
enum Fail {
    /// A syntax error at this byte.
    At(usize),
    /// Already reported (an unknown column).
    Init,
    /// A limit or a regular expression error.
    Why(&'static str),
}

/// The first word of the space-separated `list` that `f` accepts.
fn find_word(list: &'static str, f: &mut dyn FnMut(&[u8]) -> bool) -> Option<&'static [u8]> {
    let mut i = 0;
    while let Some(w) = field(list.as_bytes(), b" ", i) {
        if f(w) {
            return Some(w);
        }
        i += 1;
    }
    None
}

/// `lsns`.
pub struct Filter {
    nodes: Vec<Node>,
    pub root: usize,
    /// Regular expressions read UTF-8 characters (else bytes).
    utf8: bool,
}

enum Val {
    /// A column (its position in the line), and whether it is a number.
    Col(usize, bool),
    /// A literal, and whether it is a number.
    Lit(Vec<u8>, bool),
}

enum Node {
    /// `||` (true) or `&&` (false).
    Bin(bool, usize, usize),
    Not(usize),
    Is(Val),
    Cmp(u8, Val, Val),
    /// `=~` (or `!~` when true).
    Re(Val, Regex, bool),
}

/// Tokens: 0..=7 the comparisons (`==`, `!=`, `<`, `<=`, `>`, `>=`, `=~`,
/// `!~`), then these.
type Tok = u8;
const T_LPAR: Tok = 8;
const T_RPAR: Tok = 9;
const T_AND: Tok = 10;
const T_OR: Tok = 11;
const T_NOT: Tok = 12;
const T_END: Tok = 13;
const T_NAME: Tok = 14;
const T_NUM: Tok = 15;
/// A string literal (its text in `Parser::lit`).
const T_STR: Tok = 16;
const T_FALSE: Tok = 17;
const T_TRUE: Tok = 18;

/// The punctuation and word tokens: their code, then their text.
const PUNCT: &str =
    "\x00== \x01!= \x02< \x03<= \x04> \x05>= \x06=~ \x07!~ \x08( \x09) \x0a&& \x0b|| \x0c!";
const WORDS: &str =
    "\x0aand \x0bor \x0cnot \x12true \x11false \x00eq \x01ne \x02lt \x03le \x04gt \x05ge";

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    /// Start and end of the last token.
    at: usize,
    cols: &'a mut Vec<Column>,
    nodes: Vec<Node>,
    lit: Vec<u8>,
    /// Nodes made so far, as libsmartcols counts them.
    count: usize,
    utf8: bool,
}

impl Parser<'_> {
    fn lex(&mut self) -> Result<Tok, Fail> {
        let s = self.s;
        while self.i < s.len() && s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
        self.at = self.i;
        let Some(&c) = s.get(self.i) else {
            return Ok(T_END);
        };
        let rest = &s[self.i..];
        let (mut t, mut n) = (T_END, 0);
        find_word(PUNCT, &mut |p| {
            if p.len() > n + 1 && rest.starts_with(&p[1..]) {
                (t, n) = (p[0], p.len() - 1);
            }
            false
        });
        if n > 0 {
        } else if c == b'"' || c == b'\'' {
            self.lit.clear();
            let mut k = 1;
            // No escapes and no newline inside (libsmartcols' scanner).
            loop {
                match rest.get(k) {
                    None | Some(b'\n') => return Err(Fail::At(self.i)),
                    Some(&q) if q == c => break,
                    Some(&x) => {
                        self.lit.push(x);
                        k += 1;
                    }
                }
            }
            (t, n) = (T_STR, k + 1);
        } else {
            let digits = c.is_ascii_digit();
            if !digits && !c.is_ascii_alphabetic() && c != b'_' {
                return Err(Fail::At(self.i));
            }
            n = rest
                .iter()
                .take_while(|c| {
                    if digits {
                        c.is_ascii_digit()
                    } else {
                        c.is_ascii_alphanumeric() || **c == b'_'
                    }
                })
                .count();
            let w = &rest[..n];
            t = match find_word(WORDS, &mut |k| k[1..].eq_ignore_ascii_case(w)) {
                _ if digits => T_NUM,
                Some(k) => k[0],
                None => T_NAME,
            };
        }
        self.i += n;
        Ok(t)
    }

    fn peek(&mut self) -> Result<Tok, Fail> {
        let (i, at) = (self.i, self.at);
        let t = self.lex();
        (self.i, self.at) = (i, at);
        t
    }

    /// libsmartcols' limit: 256 nodes (operands and operators).
    fn count(&mut self) -> Result<(), Fail> {
        self.count += 1;
        match self.count > MAX_NODES {
            true => Err(Fail::Why("more than 256 operands and operators")),
            false => Ok(()),
        }
    }

    fn push(&mut self, n: Node) -> Result<usize, Fail> {
        if !matches!(n, Node::Is(_)) {
            self.count()?;
        }
        self.nodes.push(n);
        Ok(self.nodes.len() - 1)
    }

    /// `a || b ...` when `or`, else `a && b ...`.
    fn bin(&mut self, or: bool) -> Result<usize, Fail> {
        let mut a = self.side(or)?;
        while self.peek()? == if or { T_OR } else { T_AND } {
            self.lex()?;
            let b = self.side(or)?;
            a = self.push(Node::Bin(or, a, b))?;
        }
        Ok(a)
    }

    fn side(&mut self, or: bool) -> Result<usize, Fail> {
        if or { self.bin(false) } else { self.unary() }
    }

    fn unary(&mut self) -> Result<usize, Fail> {
        match self.peek()? {
            T_NOT => {
                self.lex()?;
                let a = self.unary()?;
                self.push(Node::Not(a))
            }
            T_LPAR => {
                self.lex()?;
                let a = self.bin(true)?;
                match self.lex()? {
                    T_RPAR => Ok(a),
                    _ => Err(Fail::At(self.at)),
                }
            }
            _ => {
                let a = self.operand()?;
                match self.peek()? {
                    op @ 6..=7 => {
                        self.lex()?;
                        let re = self.regex()?;
                        self.push(Node::Re(a, re, op == 7))
                    }
                    op @ 0..=5 => {
                        self.lex()?;
                        let b = self.operand()?;
                        self.push(Node::Cmp(op, a, b))
                    }
                    _ => self.push(Node::Is(a)),
                }
            }
        }
    }

    /// The string after `=~` or `!~`, compiled, within libsmartcols'
    /// limits.
    fn regex(&mut self) -> Result<Regex, Fail> {
        self.count()?;
        if self.lex()? != T_STR {
            return Err(Fail::Why("a regular expression must be a string"));
        }
        let re = &self.lit;
        if re.len() > MAX_REGEX {
            return Err(Fail::Why("regular expression longer than 256 bytes"));
        }
        if unsafe_regex(re) {
            return Err(Fail::Why(
                "regular expression with nested or consecutive repetitions, or an interval over 1024",
            ));
        }
        Regex::new(re, self.utf8).map_err(Fail::Why)
    }

    fn operand(&mut self) -> Result<Val, Fail> {
        self.count()?;
        let t = self.lex()?;
        let text = &self.s[self.at..self.i];
        Ok(match t {
            T_NAME => {
                let Some(id) = Column::by_name(text) else {
                    cli::warnx(&[&b"unknown column: "[..], text].concat());
                    return Err(Fail::Init);
                };
                let pos = match self.cols.iter().position(|&c| c == id) {
                    Some(p) => p,
                    None => {
                        self.cols.push(id);
                        self.cols.len() - 1
                    }
                };
                Val::Col(pos, id.is_number())
            }
            T_NUM => Val::Lit(text.to_vec(), true),
            T_STR => Val::Lit(std::mem::take(&mut self.lit), false),
            T_FALSE | T_TRUE => Val::Lit(vec![b'0' + t - T_FALSE], true),
            _ => return Err(Fail::At(self.at)),
        })
    }
}

impl Filter {
    #[inline(never)]
    pub fn parse(q: &[u8], cols: &mut Vec<Column>, utf8: bool) -> Filter {
        let mut p = Parser {
            s: q,
            i: 0,
            at: 0,
            cols,
            nodes: Vec::new(),
            lit: Vec::new(),
            count: 0,
            utf8,
        };
        // libsmartcols' limit (parsing and evaluation recurse: it bounds
        // their depth too).
        let r = if q.len() > MAX_EXPR {
            Err(Fail::Why("expression longer than 1024 bytes"))
        } else {
            p.bin(true)
        };
        let r = r.and_then(|root| match p.lex()? {
            T_END => Ok(root),
            _ => Err(Fail::At(p.at)),
        });
        match r {
            Ok(root) => Filter {
                nodes: p.nodes,
                root,
                utf8,
            },
            Err(Fail::Init) => cli::die_parts(&[b"failed to initialize filter"], None),
            Err(Fail::Why(why)) => {
                cli::die_parts(&[b"failed to parse \"", q, b"\": ", why.as_bytes()], None)
            }
            Err(Fail::At(at)) => {
                let mut b = [0u8; 20];
                let e: [&[u8]; 5] = match q.get(at..) {
                    Some(r @ [_, ..]) => [
                        b"syntax error at position ",
                        cli::fmt_u64(at as u64 + 1, &mut b),
                        b" ('",
                        r,
                        b"')",
                    ],
                    _ => [b"unexpected end of expression", b"", b"", b"", b""],
                };
                cli::die_parts(
                    &[
                        b"failed to parse \"",
                        q,
                        b"\": ",
                        e[0],
                        e[1],
                        e[2],
                        e[3],
                        e[4],
                    ],
                    None,
                )
            }
        }
    }

    fn val<'a>(&'a self, v: &'a Val, t: &'a Tab, line: usize) -> (&'a [u8], bool) {
        match v {
            Val::Col(c, n) => (t.cell(line, *c), *n),
            Val::Lit(s, n) => (s, *n),
        }
    }

    pub fn eval(&self, n: usize, t: &Tab, line: usize) -> bool {
        match &self.nodes[n] {
            Node::Bin(or, a, b) => {
                let x = self.eval(*a, t, line);
                if x == *or { x } else { self.eval(*b, t, line) }
            }
            Node::Not(a) => !self.eval(*a, t, line),
            Node::Is(v) => {
                let (s, _) = self.val(v, t, line);
                !s.is_empty() && s != b"0"
            }
            Node::Re(a, re, negated) => {
                let (x, _) = self.val(a, t, line);
                re.is_match(x, self.utf8) != *negated
            }
            Node::Cmp(op, a, b) => {
                let (x, xn) = self.val(a, t, line);
                let (y, yn) = self.val(b, t, line);
                let ord = match (xn || yn, dec(x), dec(y)) {
                    (true, Some(p), Some(q)) => p.cmp(&q),
                    _ => x.cmp(y),
                };
                let o = ord as i8; // -1, 0, 1
                match op {
                    0 => o == 0,
                    1 => o != 0,
                    2 => o < 0,
                    3 => o <= 0,
                    4 => o > 0,
                    _ => o >= 0,
                }
            }
        }
    }
}

/// libsmartcols' `is_unsafe_regex`: what would make glibc's regcomp
/// allocate without bound (consecutive `+`/`*`, a group ending in a
/// repetition repeated again, interval bounds over 1024). The same
/// patterns are refused here, though this matcher would not mind.
fn unsafe_regex(p: &[u8]) -> bool {
    let rep = |c: u8| c == b'+' || c == b'*';
    for i in 0..p.len().saturating_sub(1) {
        if rep(p[i]) && rep(p[i + 1]) {
            return true;
        }
        if p[i] == b')' && rep(p[i + 1]) {
            let group = p[..i].iter().rposition(|&c| c == b'(').map_or(0, |j| j + 1);
            if p[group..i].iter().any(|&c| rep(c)) {
                return true;
            }
        }
        if p[i] == b'{' && interval_too_big(&p[i + 1..]) {
            return true;
        }
    }
    false
}

/// Whether a number up to the next `}` exceeds 1024.
fn interval_too_big(s: &[u8]) -> bool {
    let end = s.iter().position(|&c| c == b'}').unwrap_or(s.len());
    let mut n: u64 = 0;
    for &c in &s[..end] {
        if c.is_ascii_digit() {
            n = (n * 10 + u64::from(c - b'0')).min(1 << 40);
            if n > MAX_REPEAT {
                return true;
            }
        } else {
            n = 0;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_like_libsmartcols() {
        for re in [
            "a++",
            "a**",
            "a+*",
            "(a+)+",
            "(a*)*",
            "x(b|a+)*",
            "a{1025}",
            "a{1,99999}",
            "a{,2000}",
        ] {
            assert!(unsafe_regex(re.as_bytes()), "{re}");
        }
        for re in [
            "a+b+",
            "(a+)b*",
            "(a)+",
            "a{1024}",
            "a{2,5}",
            "(a?)*",
            "a+?",
            "u(ts|ser)",
        ] {
            assert!(!unsafe_regex(re.as_bytes()), "{re}");
        }
    }
}
