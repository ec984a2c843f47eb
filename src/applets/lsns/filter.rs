//! `-Q EXPR`: libsmartcols' filter language (without floats).

use super::columns::Column;
use super::output::Tab;
use super::{dec, field};
use crate::cli;

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
}

impl Parser<'_> {
    fn lex(&mut self) -> Result<Tok, usize> {
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
            loop {
                match rest.get(k) {
                    None => return Err(self.i),
                    Some(&q) if q == c => break,
                    Some(b'\\') if k + 1 < rest.len() => {
                        self.lit.push(rest[k + 1]);
                        k += 2;
                    }
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
                return Err(self.i);
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

    fn peek(&mut self) -> Result<Tok, usize> {
        let (i, at) = (self.i, self.at);
        let t = self.lex();
        (self.i, self.at) = (i, at);
        t
    }

    fn push(&mut self, n: Node) -> Result<usize, usize> {
        self.nodes.push(n);
        Ok(self.nodes.len() - 1)
    }

    /// `a || b ...` when `or`, else `a && b ...`.
    fn bin(&mut self, or: bool) -> Result<usize, usize> {
        let mut a = self.side(or)?;
        while self.peek()? == if or { T_OR } else { T_AND } {
            self.lex()?;
            let b = self.side(or)?;
            a = self.push(Node::Bin(or, a, b))?;
        }
        Ok(a)
    }

    fn side(&mut self, or: bool) -> Result<usize, usize> {
        if or { self.bin(false) } else { self.unary() }
    }

    fn unary(&mut self) -> Result<usize, usize> {
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
                    _ => Err(self.at),
                }
            }
            _ => {
                let a = self.operand()?;
                match self.peek()? {
                    op @ 0..=7 => {
                        self.lex()?;
                        let b = self.operand()?;
                        self.push(Node::Cmp(op, a, b))
                    }
                    _ => self.push(Node::Is(a)),
                }
            }
        }
    }

    fn operand(&mut self) -> Result<Val, usize> {
        let t = self.lex()?;
        let text = &self.s[self.at..self.i];
        Ok(match t {
            T_NAME => {
                let Some(id) = Column::by_name(text) else {
                    cli::warnx(&[&b"unknown column: "[..], text].concat());
                    return Err(usize::MAX);
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
            _ => return Err(self.at),
        })
    }
}

impl Filter {
    #[inline(never)]
    pub fn parse(q: &[u8], cols: &mut Vec<Column>) -> Filter {
        let mut p = Parser {
            s: q,
            i: 0,
            at: 0,
            cols,
            nodes: Vec::new(),
            lit: Vec::new(),
        };
        // Parsing and evaluation recurse: bound the depth.
        if q.len() > 4096 {
            cli::die_parts(&[b"failed to parse filter: expression too long"], None);
        }
        let r = p.bin(true).and_then(|root| match p.lex()? {
            T_END => Ok(root),
            _ => Err(p.at),
        });
        match r {
            Ok(root) => Filter {
                nodes: p.nodes,
                root,
            },
            Err(usize::MAX) => cli::die_parts(&[b"failed to initialize filter"], None),
            Err(at) => {
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
            Node::Cmp(op, a, b) => {
                let (x, xn) = self.val(a, t, line);
                let (y, yn) = self.val(b, t, line);
                if *op >= 6 {
                    return re_search(y, x) == (*op == 6);
                }
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

/// Whether the extended regular expression `re` matches somewhere in `t`:
/// `. [] [^] * + ? ^ $ |` and `\` escapes (no groups).
fn re_search(re: &[u8], t: &[u8]) -> bool {
    let mut start = 0;
    let mut depth = false;
    let mut i = 0;
    while i <= re.len() {
        match re.get(i) {
            Some(b'\\') => i += 1,
            Some(b'[') => depth = true,
            Some(b']') => depth = false,
            Some(b'|') if !depth => {
                if re_alt(&re[start..i], t) {
                    return true;
                }
                start = i + 1;
            }
            None => return re_alt(&re[start..], t),
            _ => {}
        }
        i += 1;
    }
    false
}

fn re_alt(re: &[u8], t: &[u8]) -> bool {
    if let Some(r) = re.strip_prefix(b"^") {
        return re_here(r, t);
    }
    (0..=t.len()).any(|k| re_here(re, &t[k..]))
}

/// Length of the atom at the start of `re`.
fn atom_len(re: &[u8]) -> usize {
    match re[0] {
        b'\\' if re.len() > 1 => 2,
        b'[' => {
            let mut k = 1;
            if re.get(k) == Some(&b'^') {
                k += 1;
            }
            if re.get(k) == Some(&b']') {
                k += 1;
            }
            match re[k.min(re.len())..].iter().position(|&c| c == b']') {
                Some(p) => k + p + 1,
                None => 1,
            }
        }
        _ => 1,
    }
}

fn atom_match(a: &[u8], c: u8) -> bool {
    match a {
        [b'.'] => true,
        [b'\\', x] => *x == c,
        [b'[', cls @ .., b']'] => {
            let (neg, cls) = match cls.strip_prefix(b"^") {
                Some(r) => (true, r),
                None => (false, cls),
            };
            let mut hit = false;
            let mut k = 0;
            while k < cls.len() {
                if k + 2 < cls.len() && cls[k + 1] == b'-' {
                    hit |= cls[k] <= c && c <= cls[k + 2];
                    k += 3;
                } else {
                    hit |= cls[k] == c;
                    k += 1;
                }
            }
            hit != neg
        }
        _ => a.first() == Some(&c),
    }
}

fn re_here(re: &[u8], t: &[u8]) -> bool {
    if re.is_empty() {
        return true;
    }
    if re == b"$" {
        return t.is_empty();
    }
    let n = atom_len(re);
    let atom = &re[..n];
    let rest = &re[n..];
    let (min, max, rest) = match rest.first() {
        Some(b'*') => (0, usize::MAX, &rest[1..]),
        Some(b'+') => (1, usize::MAX, &rest[1..]),
        Some(b'?') => (0, 1, &rest[1..]),
        _ => (1, 1, rest),
    };
    let mut k = 0;
    while k < max && k < t.len() && atom_match(atom, t[k]) {
        k += 1;
    }
    while k >= min {
        if re_here(rest, &t[k..]) {
            return true;
        }
        if k == 0 {
            break;
        }
        k -= 1;
    }
    false
}
