//! libsmartcols' output, for lsns's one table: the human table (with
//! tree art), raw and JSON.

use super::collect::NONE;
use super::columns::{ALL, Column};
use super::options::{Opts, Tree};
use super::{field, word};
use crate::cli::{self, Out};
use crate::sys::tty;
use std::os::unix::ffi::OsStrExt;

/// A column of the output and its libsmartcols flags.
#[derive(Clone, Copy)]
pub struct Col {
    name: &'static [u8],
    whint: usize,
    /// SCOLS_FL_RIGHT.
    right: bool,
    /// A JSON number.
    number: bool,
    /// SCOLS_FL_TRUNC: cut to fit a terminal.
    trunc: bool,
    /// SCOLS_FL_TREE: tree art in front.
    tree: bool,
    /// SCOLS_FL_WRAP: one line per `\n`-separated chunk.
    wrap: bool,
}

impl Col {
    const fn plain(name: &'static [u8]) -> Col {
        Col {
            name,
            whint: 0,
            right: false,
            number: false,
            trunc: false,
            tree: false,
            wrap: false,
        }
    }

    /// Column `c` as lsns sets it up for the options `o`.
    fn of(c: Column, o: &Opts) -> Col {
        let rel_tree = matches!(o.tree, Tree::Owner | Tree::Parent);
        let number = c.is_number();
        Col {
            name: c.name(),
            whint: c.whint(),
            right: (number || c == Column::Netnsid) && !(c == Column::Ns && rel_tree),
            number,
            trunc: c == Column::Command && !o.notrunc,
            tree: c == Column::Command && o.tree == Tree::Process || c == Column::Ns && rel_tree,
            wrap: c == Column::Nsfs && !o.nowrap,
        }
    }
}

/// The output: columns, then lines of cells in one byte arena; each line
/// may have a parent line (trees).
pub struct Tab {
    cols: Vec<Col>,
    /// The shown columns come first; the others are there for the filter.
    nvis: usize,
    pub data: Vec<u8>,
    /// End offset of every cell, line after line.
    pub cells: Vec<u32>,
    pub parent: Vec<u32>,
    name: &'static str,
    json: bool,
    raw: bool,
    noheadings: bool,
}

impl Tab {
    fn with(cols: Vec<Col>, nvis: usize, o: &Opts) -> Tab {
        Tab {
            cols,
            nvis,
            data: Vec::new(),
            cells: Vec::new(),
            parent: Vec::new(),
            name: "namespaces",
            json: o.json,
            raw: o.raw,
            noheadings: o.noheadings,
        }
    }

    pub fn new(ids: &[Column], nvis: usize, o: &Opts) -> Tab {
        let cols = ids.iter().map(|&c| Col::of(c, o)).collect();
        Tab::with(cols, nvis, o)
    }

    pub fn end_cell(&mut self) {
        self.cells.push(self.data.len() as u32);
    }

    pub fn cell(&self, line: usize, c: usize) -> &[u8] {
        let i = line * self.cols.len() + c;
        let s = if i == 0 {
            0
        } else {
            self.cells[i - 1] as usize
        };
        &self.data[s..self.cells[i] as usize]
    }

    /// The lines in tree order.
    #[inline(never)]
    fn order(&self, utf8: bool) -> Vec<Row> {
        let n = self.parent.len();
        // Children lists; n is the virtual root.
        let (mut first, mut next, mut last) = (vec![NONE; n + 1], vec![NONE; n], vec![NONE; n + 1]);
        for (i, &p) in self.parent.iter().enumerate() {
            let p = if (p as usize) < i { p as usize } else { n };
            match last[p] {
                NONE => first[p] = i as u32,
                l => next[l as usize] = i as u32,
            }
            last[p] = i as u32;
        }
        let mut w = Walk {
            first,
            next,
            utf8,
            pre: Vec::new(),
            out: Vec::new(),
        };
        w.walk(w.first[n], 0);
        w.out
    }

    pub fn print(&self, out: &mut Out) {
        let utf8 = utf8_locale();
        let order = self.order(utf8);
        if self.json {
            self.json(out, &order);
        } else if !order.is_empty() {
            self.table(out, utf8, &order);
        }
    }

    #[inline(never)]
    fn json(&self, out: &mut Out, order: &[Row]) {
        line(out, b"{\n", 3, b"\"");
        put(out, self.name.as_bytes());
        put(out, b"\": [\n");
        if !order.is_empty() {
            line(out, b"", 6, b"{\n");
        }
        for (
            k,
            &Row {
                line: l, depth: d, ..
            },
        ) in order.iter().enumerate()
        {
            let nd = order.get(k + 1).map_or(-1, |x| x.depth as isize);
            let ind = 6 + 6 * d;
            for (c, col) in self.cols.iter().take(self.nvis).enumerate() {
                line(out, &b",\n"[..if c > 0 { 2 } else { 0 }], ind + 3, b"\"");
                let v = self.cell(l, c);
                for &b in col.name {
                    put(out, &[b.to_ascii_lowercase()]);
                }
                put(out, b"\": ");
                if v.is_empty() {
                    put(out, b"null");
                } else if col.number {
                    put(out, v);
                } else {
                    json_str(out, v);
                }
            }
            if nd > d as isize {
                line(out, b",\n", ind + 3, b"\"children\": [\n");
                line(out, b"", ind + 6, b"{\n");
                continue;
            }
            line(out, b"\n", ind, b"}");
            let mut cur = d as isize;
            while cur > nd.max(0) {
                let pi = (6 * cur) as usize;
                line(out, b"\n", pi + 3, b"]\n");
                line(out, b"", pi, b"}");
                cur -= 1;
            }
            if nd >= 0 {
                put(out, b",{\n");
            }
        }
        line(out, b"\n", 3, b"]\n}\n");
    }

    fn table(&self, out: &mut Out, utf8: bool, order: &[Row]) {
        let nv = self.nvis;
        let cols = &self.cols[..nv];
        // Encode every shown cell (tree art in front of the tree column).
        let mut enc = Vec::new();
        let mut ends = vec![0];
        // One more slot a line: the tree art of its extra rows.
        let slots = nv + 1;
        for row in order {
            for (c, col) in cols.iter().enumerate() {
                if col.tree {
                    encode(&mut enc, &row.art, self.raw, utf8, false);
                }
                encode(&mut enc, self.cell(row.line, c), self.raw, utf8, col.wrap);
                ends.push(enc.len());
            }
            encode(&mut enc, &row.cont, self.raw, utf8, false);
            ends.push(enc.len());
        }
        let get = |i: usize| enc.get(ends[i]..ends[i + 1]).unwrap_or(b"");
        let mut w = vec![0; nv];
        for i in (0..ends.len() - 1).filter(|i| i % slots < nv) {
            let mut r = 0;
            while let Some(seg) = field(get(i), b"\n", r) {
                w[i % slots] = w[i % slots].max(width(seg));
                r += 1;
            }
        }
        let mins: Vec<usize> = cols.iter().map(|c| self.min_width(c)).collect();
        for (c, col) in cols.iter().enumerate() {
            w[c] = self.column_width(col, w[c], mins[c]);
        }
        if !self.raw
            && let Some(tw) = terminal_width()
        {
            fit(&mut w, cols, &mins, tw);
        }
        let mut cells: Vec<&[u8]> = cols.iter().map(|c| c.name).collect();
        if !self.noheadings {
            self.row(out, self.raw, &w, &cells);
        }
        for k in 0..order.len() {
            for r in 0.. {
                let mut more = false;
                for (c, x) in cells.iter_mut().enumerate() {
                    let cell = get(k * slots + c);
                    *x = match field(cell, b"\n", r) {
                        Some(chunk) => chunk,
                        None if cols[c].tree => get(k * slots + nv),
                        None => b"",
                    };
                    more |= field(cell, b"\n", r + 1).is_some();
                }
                self.row(out, self.raw, &w, &cells);
                if !more {
                    break;
                }
            }
        }
    }

    /// libsmartcols' minimum: the header's width (none without headings),
    /// and never below 1.
    fn min_width(&self, col: &Col) -> usize {
        let header = if self.noheadings { 0 } else { col.name.len() };
        header.max(1)
    }

    /// libsmartcols' `count_column_width`: the widest cell (`max`),
    /// enlarged to the minimum, or else to the width hint when both the
    /// cells and the minimum are narrower than the hint; a column without
    /// headings and with only empty cells takes no room at all.
    fn column_width(&self, col: &Col, max: usize, min: usize) -> usize {
        if max <= min {
            if max == 0 && self.noheadings { 0 } else { min }
        } else if max < col.whint && min < col.whint {
            col.whint
        } else {
            max
        }
    }

    /// One output row: cells padded (or cut) to the column widths.
    fn row(&self, out: &mut Out, raw: bool, w: &[usize], cells: &[&[u8]]) {
        for (c, (&s, col)) in cells.iter().zip(&self.cols).enumerate() {
            let last = c + 1 == cells.len();
            let wc = w.get(c).copied().unwrap_or(0);
            if raw {
                put(out, s);
                if !last {
                    put(out, b" ");
                }
                continue;
            }
            // Cut to the column width (truncated columns only exceed it):
            // a character that would cross it goes, as in mbs_truncate().
            let (mut k, mut seen) = (0, 0);
            while k < s.len() {
                let (c, n) = decode(&s[k..]);
                let cw = char_width(c);
                if seen + cw > wc {
                    break;
                }
                seen += cw;
                k += n;
            }
            let s = &s[..k];
            let mut fill = wc - seen;
            // Right-aligned data fills its cell; an empty cell stays empty.
            if col.right && !s.is_empty() {
                pad(out, fill);
                fill = 0;
            }
            put(out, s);
            if !last {
                pad(out, fill);
                put(out, b" ");
            }
        }
        put(out, b"\n");
    }
}

/// Whether the locale's characters are UTF-8 (LC_ALL, LC_CTYPE or LANG,
/// the first set, names `utf8` or `utf-8` in any case).
pub fn utf8_locale() -> bool {
    let mut utf8 = false;
    for v in [&b"LC_ALL"[..], b"LC_CTYPE", b"LANG"] {
        let Some(l) = crate::sys::proc::env(v).filter(|s| !s.is_empty()) else {
            continue;
        };
        let l = l.as_bytes();
        for i in 0..l.len() {
            // "utf8" or "utf-8", any case.
            let t = &l[i..];
            let d = t.get(3) == Some(&b'-');
            if t.get(..3).is_some_and(|u| u.eq_ignore_ascii_case(b"utf"))
                && t.get(3 + d as usize) == Some(&b'8')
            {
                utf8 = true;
            }
        }
        break;
    }
    utf8
}

/// The width libsmartcols fits a table into when stdout is a terminal:
/// the terminal's, else `$COLUMNS`, else 80.
fn terminal_width() -> Option<usize> {
    let cols = tty::stdout_columns()? as usize;
    if cols > 0 {
        return Some(cols);
    }
    let env = crate::sys::proc::env(b"COLUMNS").unwrap_or_default();
    let env = super::dec(env.as_bytes()).filter(|&n| n > 0 && n <= i32::MAX as u64);
    Some(env.map_or(80, |n| n as usize))
}

/// libsmartcols on a terminal: a table too wide loses width from its
/// truncatable columns (the last first, none below its minimum); a narrower
/// one gives its columns their width hints, one cell at a time from the
/// last column, while there is room.
fn fit(w: &mut [usize], cols: &[Col], mins: &[usize], tw: usize) {
    let total = w.iter().sum::<usize>() + w.len() - 1;
    if total > tw {
        let mut over = total - tw;
        for c in (0..w.len()).rev() {
            if cols[c].trunc && w[c] > mins[c] {
                let cut = over.min(w[c] - mins[c]);
                w[c] -= cut;
                over -= cut;
            }
        }
        return;
    }
    let mut room = tw - total;
    let mut grew = true;
    while room > 0 && grew {
        grew = false;
        for c in (0..w.len()).rev() {
            if room > 0 && w[c] < cols[c].whint {
                w[c] += 1;
                room -= 1;
                grew = true;
            }
        }
    }
}

/// Appends `s` to the output (one copy of the code).
#[inline(never)]
fn put(out: &mut Out, s: &[u8]) {
    out.put(s);
}

/// `pre`, `n` spaces, `s`.
#[inline(never)]
fn line(out: &mut Out, pre: &[u8], n: usize, s: &[u8]) {
    put(out, pre);
    pad(out, n);
    put(out, s);
}

/// Writes `n` spaces.
fn pad(out: &mut Out, mut n: usize) {
    while n > 0 {
        let k = n.min(16);
        put(out, &b"                "[..k]);
        n -= k;
    }
}

/// A line in tree order: its depth, the tree art in front of its tree
/// cell, and the art on the extra rows of its multi-line cells.
struct Row {
    line: usize,
    depth: usize,
    art: Vec<u8>,
    cont: Vec<u8>,
}

struct Walk {
    first: Vec<u32>,
    next: Vec<u32>,
    utf8: bool,
    pre: Vec<u8>,
    out: Vec<Row>,
}

impl Walk {
    /// Tree glyph `i`: branch, last branch, continuation, blank.
    fn glyph(&self, i: usize) -> &'static [u8] {
        let g = if self.utf8 {
            "\u{251c}\u{2500},\u{2514}\u{2500},\u{2502} ,  "
        } else {
            "|-,`-,| ,  "
        };
        word(g, b",", i)
    }

    fn walk(&mut self, mut c: u32, d: usize) {
        while let Some(&nx) = self.next.get(c as usize) {
            let last = (nx == NONE) as usize;
            let mut art = Vec::new();
            let len = self.pre.len();
            if d > 0 {
                art = [&self.pre[..], self.glyph(last)].concat();
                self.pre.extend_from_slice(self.glyph(2 + last));
            }
            let f = self.first.get(c as usize).copied().unwrap_or(NONE);
            // libsmartcols' art for an empty tree cell: the line's own
            // continuation, and a bar down to its children.
            let mut cont = self.pre.clone();
            if f != NONE {
                cont.extend_from_slice(self.glyph(2));
            }
            self.out.push(Row {
                line: c as usize,
                depth: d,
                art,
                cont,
            });
            self.walk(f, d + 1);
            self.pre.truncate(len);
            c = nx;
        }
    }
}

/// Display width in terminal columns, as glibc's wcwidth() counts them:
/// East Asian wide and fullwidth characters take two, combining marks
/// none (encoded text: ASCII, or valid UTF-8 in a UTF-8 locale).
fn width(s: &[u8]) -> usize {
    let mut i = 0;
    let mut w = 0;
    while i < s.len() {
        let (c, n) = decode(&s[i..]);
        w += char_width(c);
        i += n;
    }
    w
}

/// The East Asian Wide (W) and Fullwidth (F) blocks: Hangul Jamo, CJK
/// radicals to Yi, Hangul syllables, CJK compatibility, fullwidth forms,
/// the emoji blocks, the supplementary ideographic planes.
const WIDE: &[(u32, u32)] = &[
    (0x1100, 0x115f),
    (0x2e80, 0x303e),
    (0x3041, 0x33ff),
    (0x3400, 0x4dbf),
    (0x4e00, 0x9fff),
    (0xa000, 0xa4cf),
    (0xac00, 0xd7a3),
    (0xf900, 0xfaff),
    (0xfe30, 0xfe4f),
    (0xff00, 0xff60),
    (0xffe0, 0xffe6),
    (0x1f300, 0x1f64f),
    (0x1f900, 0x1f9ff),
    (0x20000, 0x3fffd),
];

/// Zero-width characters: the combining diacritical mark blocks, the
/// zero-width space and joiners, variation selectors, combining half marks.
const ZERO: &[(u32, u32)] = &[
    (0x0300, 0x036f),
    (0x1ab0, 0x1aff),
    (0x1dc0, 0x1dff),
    (0x200b, 0x200f),
    (0x20d0, 0x20ff),
    (0xfe00, 0xfe0f),
    (0xfe20, 0xfe2f),
];

/// The columns character `c` takes.
fn char_width(c: u32) -> usize {
    let within = |t: &[(u32, u32)]| t.iter().any(|&(a, b)| (a..=b).contains(&c));
    if within(ZERO) {
        0
    } else if within(WIDE) {
        2
    } else {
        1
    }
}

/// The character `s` starts with and its length in bytes (a lead byte
/// and the continuation bytes after it).
fn decode(s: &[u8]) -> (u32, usize) {
    let lead = s[0];
    let (mut c, n) = match lead {
        0xc0..=0xdf => (lead as u32 & 0x1f, 2),
        0xe0..=0xef => (lead as u32 & 0x0f, 3),
        0xf0..=0xf7 => (lead as u32 & 0x07, 4),
        _ => return (lead as u32, 1),
    };
    let mut k = 1;
    while k < n && s.get(k).is_some_and(|&b| b & 0xc0 == 0x80) {
        c = c << 6 | (s[k] & 0x3f) as u32;
        k += 1;
    }
    (c, k)
}

/// Length of the printable character (valid UTF-8, as mbrtowc() and
/// iswprint() see it) starting `s`, or 0.
fn utf8_len(s: &[u8]) -> usize {
    let (need, shortest) = match s[0] {
        0xc0..=0xdf => (2, 0xa0), // from U+0080, but C1 controls do not print
        0xe0..=0xef => (3, 0x800),
        0xf0..=0xf7 => (4, 0x10000),
        _ => return 0,
    };
    let (c, n) = decode(s);
    let ok = n == need && c >= shortest && !(0xd800..0xe000).contains(&c) && c < 0x110000;
    if ok { n } else { 0 }
}

/// Appends `s` made safe for a terminal like libsmartcols: unprintable
/// bytes as `\xHH`; in raw output also blanks, `\` and non-ASCII.
fn encode(v: &mut Vec<u8>, s: &[u8], raw: bool, utf8: bool, wrap: bool) {
    let mut i = 0;
    while i < s.len() {
        let b = s[i];
        let n = if raw {
            (b > b' ' && b < 0x7f && b != b'\\') as usize
        } else if b == b'\\' && s.get(i + 1) == Some(&b'x') {
            0 // "\x" itself, as libsmartcols: \x5cx
        } else if b == b'\n' && wrap || (b' '..0x7f).contains(&b) {
            1
        } else if b >= 0x80 && utf8 {
            utf8_len(&s[i..])
        } else {
            0
        };
        if n == 0 {
            let h = b"0123456789abcdef";
            v.extend_from_slice(&[b'\\', b'x', h[(b >> 4) as usize], h[(b & 15) as usize]]);
            i += 1;
        } else {
            v.extend_from_slice(&s[i..i + n]);
            i += n;
        }
    }
}

/// Writes `s` as a JSON string literal.
fn json_str(out: &mut Out, s: &[u8]) {
    put(out, b"\"");
    for &b in s {
        let mut e = [b'\\', b, 0, 0, 0, 0];
        let n = match b {
            b'"' | b'\\' => 2,
            b'\n' => {
                e[1] = b'n';
                2
            }
            b'\t' => {
                e[1] = b't';
                2
            }
            b'\r' => {
                e[1] = b'r';
                2
            }
            0..=0x1f | 0x7f => {
                let h = b"0123456789abcdef";
                e = [
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    h[(b >> 4) as usize],
                    h[(b & 15) as usize],
                ];
                6
            }
            _ => {
                e[0] = b;
                1
            }
        };
        put(out, &e[..n]);
    }
    put(out, b"\"");
}

/// `-H`: the columns as a table of their own.
#[inline(never)]
pub fn list_columns(o: &Opts) -> ! {
    let holder = Col {
        right: true,
        ..Col::plain(b"HOLDER")
    };
    let cols = [holder, Col::plain(b"TYPE"), Col::plain(b"DESCRIPTION")];
    let mut t = Tab::with(cols.to_vec(), 3, o);
    t.name = "lsns-columns";
    t.noheadings = true;
    for c in ALL {
        let ty: &[u8] = if c.is_number() {
            b"<integer>"
        } else {
            b"<string>"
        };
        for cell in [c.name(), ty, c.description()] {
            t.data.extend_from_slice(cell);
            t.end_cell();
        }
        t.parent.push(NONE);
    }
    let mut out = Out::new();
    t.print(&mut out);
    cli::ok(out.finish());
    cli::quit(cli::Exit(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// mbs_safe_encode_to_buffer() and wcwidth() as glibc's C.UTF-8 has
    /// them: combining marks take no column, CJK two; C1 controls,
    /// invalid sequences and a `\` before `x` are escaped.
    #[test]
    fn encode_and_width() {
        let mut v = Vec::new();
        encode(
            &mut v,
            "e\u{301}a\u{85}b\\\\x睡".as_bytes(),
            false,
            true,
            false,
        );
        assert_eq!(v, "e\u{301}a\\xc2\\x85b\\\\x5cx睡".as_bytes());
        assert_eq!(width(&v), 1 + 1 + 8 + 1 + 6 + 2);
        v.clear();
        encode(&mut v, b"\xe0\x80\x80\xed\xa0\x80\xff", false, true, false);
        assert_eq!(v, b"\\xe0\\x80\\x80\\xed\\xa0\\x80\\xff");
    }
}
