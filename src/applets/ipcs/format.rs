//! ipcs's output: stdout buffered on the stack, and the printf pieces
//! util-linux's ipcs prints with (`%-10d`, `%-10.10s` owners, `0x%08x`
//! keys, ctime texts, sizes in bytes, kbytes or human units).
//!
//! A width follows printf: negative pads on the right (`%-10d` is -10),
//! positive on the left (`%5d` is 5), 0 not at all. The methods return
//! the context, so a row reads like its printf: `c.dec(id, -10).sp()`.

use super::tz;
use crate::cli::{self, Res};
use crate::passwd::Db;
use crate::sys::ipc;
use rustix::io::Errno;

/// Buffered stdout in a stack buffer: the common empty listing costs no
/// heap allocation (and so no brk/mmap syscalls).
struct Out {
    b: [u8; 8192],
    n: usize,
    bad: Option<Errno>,
}

/// Writes `s` to stdout unless a write failed before (`bad`).
fn emit(bad: &mut Option<Errno>, s: &[u8]) {
    if bad.is_none() {
        *bad = cli::write_fd(1, s).err();
    }
}

const SPACES: &[u8; 32] = b"                                ";

impl Out {
    fn put(&mut self, s: &[u8]) {
        if self.n + s.len() > self.b.len() {
            self.flush();
        }
        match self.b.get_mut(self.n..self.n + s.len()) {
            Some(d) => {
                d.copy_from_slice(s);
                self.n += s.len();
            }
            None => emit(&mut self.bad, s),
        }
    }

    fn flush(&mut self) {
        let n = std::mem::take(&mut self.n);
        emit(&mut self.bad, &self.b[..n]);
    }

    /// `printf("%-Ns")` (w < 0) or `printf("%Ns")` (w > 0).
    fn pad(&mut self, s: &[u8], w: i32) {
        let fill = (w.unsigned_abs() as usize).saturating_sub(s.len());
        if w <= 0 {
            self.put(s);
        }
        self.put(&SPACES[..fill.min(32)]);
        if w > 0 {
            self.put(s);
        }
    }

    /// `n` in `base`, negative when `neg`, padded like `pad`.
    fn num(&mut self, n: u64, neg: bool, base: u64, w: i32) {
        let mut b = [0u8; 24];
        self.pad(radix(n, base, neg, &mut b), w);
    }
}

/// Writes `n` in `base` (with a leading `-` when `neg`) at the end of `b`.
pub fn radix(mut n: u64, base: u64, neg: bool, b: &mut [u8; 24]) -> &[u8] {
    let mut i = b.len();
    loop {
        i -= 1;
        b[i] = b"0123456789abcdef"[(n % base) as usize];
        n /= base;
        if n == 0 {
            break;
        }
    }
    if neg {
        i -= 1;
        b[i] = b'-';
    }
    &b[i..]
}

/// util-linux's `size_to_human_string(SIZE_SUFFIX_1LETTER, n)` (2.39+
/// rounding): `1.5K`, `16E`, `0B`.
pub fn human(n: u64, b: &mut [u8; 24]) -> &[u8] {
    let mut exp = 0;
    while exp < 60 && n >= 1 << (exp + 10) {
        exp += 10;
    }
    let mut dec = n >> exp;
    let mut frac = n & ((1u64 << exp) - 1);
    if frac != 0 {
        frac = if frac >= u64::MAX / 1000 {
            ((frac / 1024) * 1000) >> (exp - 10)
        } else {
            (frac * 1000) >> exp
        };
        frac = (frac + 50) / 100;
        if frac == 10 {
            dec += 1;
            frac = 0;
        }
    }
    let mut i = b.len() - 1;
    b[i] = b"BKMGTPE"[exp / 10];
    if frac != 0 {
        i -= 2;
        b[i] = b'.';
        b[i + 1] = b'0' + frac as u8;
    }
    let mut t = [0u8; 24];
    let d = radix(dec, 10, false, &mut t);
    i -= d.len();
    b[i..i + d.len()].copy_from_slice(d);
    &b[i..]
}

/// How sizes are shown: `-b`, `--human`, neither; kbytes only where
/// util-linux labels a limit so.
#[derive(Clone, Copy, PartialEq)]
pub enum Unit {
    Default,
    Bytes,
    Human,
    KBytes,
}

/// How a time is shown.
#[derive(Clone, Copy, PartialEq)]
pub enum Time {
    /// `ctime(&t) + 4` cut to 16 (`Nov 22 15:20:31 `), or `Not set`.
    Short,
    /// The whole ctime text, or `Not set`.
    Full,
    /// The whole ctime text, even of 0.
    Always,
}

/// The output and the lookups it needs, loaded when first used (passwd,
/// group, time zone).
pub struct Ctx {
    out: Out,
    pub unit: Unit,
    /// /etc/passwd and /etc/group.
    dbs: [Option<Db>; 2],
    /// The last id looked up in each db, and whether it had a name.
    last: [(i64, bool); 2],
    names: [Vec<u8>; 2],
    tz: Option<tz::Tz>,
    /// The last ctime text (util-linux's static buffer).
    tbuf: [u8; 48],
    tlen: usize,
}

impl Ctx {
    pub fn new() -> Ctx {
        Ctx {
            out: Out {
                b: [0; 8192],
                n: 0,
                bad: None,
            },
            unit: Unit::Default,
            dbs: [None, None],
            last: [(-1, false); 2],
            names: [Vec::new(), Vec::new()],
            tz: None,
            tbuf: [0; 48],
            tlen: 0,
        }
    }

    /// Flushes stdout; a write error (now or before) is util-linux's.
    pub fn finish(&mut self) -> Res {
        self.out.flush();
        match self.out.bad {
            Some(e) => Err(cli::err(b"write error", e)),
            None => Ok(()),
        }
    }

    /// Text as it is.
    pub fn s(&mut self, s: &str) -> &mut Ctx {
        self.out.put(s.as_bytes());
        self
    }

    pub fn bytes(&mut self, s: &[u8]) -> &mut Ctx {
        self.out.put(s);
        self
    }

    /// One space.
    pub fn sp(&mut self) -> &mut Ctx {
        self.s(" ")
    }

    /// `------ TITLE --------\n`.
    pub fn title(&mut self, t: &str) -> &mut Ctx {
        self.s("------ ").s(t).s(" --------\n")
    }

    /// `%*d`.
    pub fn dec(&mut self, v: i64, w: i32) -> &mut Ctx {
        self.out.num(v.unsigned_abs(), v < 0, 10, w);
        self
    }

    /// `label` and then `v` as `%d`: `uid=0`.
    pub fn kv(&mut self, label: &str, v: i64) -> &mut Ctx {
        self.s(label).dec(v, 0)
    }

    /// `%-10o` of the permission bits.
    pub fn perms(&mut self, mode: i64) -> &mut Ctx {
        self.out.num(mode as u64 & 0o777, false, 8, -10);
        self
    }

    /// `%#o`: octal with a leading 0 unless 0.
    pub fn alt_octal(&mut self, v: i64) -> &mut Ctx {
        if v != 0 {
            self.out.put(b"0");
        }
        self.out.num(v as u64, false, 8, 0);
        self
    }

    /// `0x%08x`.
    pub fn key(&mut self, key: i64) -> &mut Ctx {
        let mut b = [0u8; 24];
        let k = radix(key as u32 as u64, 16, false, &mut b);
        self.out.put(b"0x");
        self.out.put(&b"00000000"[k.len().min(8)..]);
        self.out.put(k);
        self
    }

    /// The shm status word `word` as `%-6s` when `bit` is in `mode`, else
    /// a blank.
    pub fn shm_flag(&mut self, mode: i64, bit: u32, word: &str) -> &mut Ctx {
        let set = mode as u32 & bit != 0;
        self.out.pad(if set { word.as_bytes() } else { b" " }, -6);
        self
    }

    /// The owner column: the user name of `uid` as `%-10.10s`, or the
    /// number as `%-10u`.
    pub fn owner(&mut self, uid: i64) -> &mut Ctx {
        self.name(uid, 0, true)
    }

    /// The user name of `uid` as `%-10s` (not cut), or `%-10u`.
    pub fn user(&mut self, uid: i64) -> &mut Ctx {
        self.name(uid, 0, false)
    }

    /// The group name of `gid` as `%-10s`, or `%-10u`.
    pub fn group(&mut self, gid: i64) -> &mut Ctx {
        self.name(gid, 1, false)
    }

    /// The name of `id` in db `g` (0 passwd, 1 group), cut to 10 bytes when
    /// `cut`.
    fn name(&mut self, id: i64, g: usize, cut: bool) -> &mut Ctx {
        if self.last[g].0 != id {
            let db = self.dbs[g]
                .get_or_insert_with(|| Db::load(if g == 0 { "/etc/passwd" } else { "/etc/group" }));
            let name = &mut self.names[g];
            name.clear();
            let found = db.name_of(id as u32).map(|n| name.extend_from_slice(n));
            self.last[g] = (id, found.is_some());
        }
        if self.last[g].1 {
            let n = &self.names[g];
            self.out
                .pad(&n[..if cut { n.len().min(10) } else { n.len() }], -10);
        } else {
            self.out.num(id as u64, false, 10, -10);
        }
        self
    }

    /// `printf("%-W.Ps", t ? ctime(&t) + skip : "Not set")` for `how`.
    pub fn time(&mut self, t: i64, how: Time, w: i32) -> &mut Ctx {
        let (skip, prec) = if how == Time::Short { (4, 16) } else { (0, 24) };
        if t == 0 && how != Time::Always {
            self.out.pad(b"Not set", w);
            return self;
        }
        // Beyond 2^56 s the year overflows glibc's int tm_year: ctime_r
        // fails and util-linux prints its static buffer as it was (empty,
        // or the last time it formatted).
        if t.unsigned_abs() >> 56 == 0 {
            let tz = self.tz.get_or_insert_with(tz::load);
            let mut b = [0u8; 48];
            let s = tz::ctime(t + tz.offset(t), &mut b);
            if !s.is_empty() {
                self.tlen = s.len();
                self.tbuf = b;
            }
        }
        let s = self.tbuf[..self.tlen].get(skip..).unwrap_or_default();
        self.out.pad(&s[..s.len().min(prec)], w);
        self
    }

    /// A size in `unit` (util-linux's `ipc_print_size` without a label).
    pub fn size_in(&mut self, unit: Unit, v: i64, w: i32) -> &mut Ctx {
        let v = v as u64;
        match unit {
            Unit::Human => {
                let mut b = [0u8; 24];
                self.out.pad(human(v, &mut b), w);
            }
            Unit::KBytes => self.out.num(v / 1024, false, 10, w),
            _ => self.out.num(v, false, 10, w),
        }
        self
    }

    /// A size in the chosen unit.
    pub fn size(&mut self, v: i64) -> &mut Ctx {
        self.size_in(self.unit, v, 0)
    }

    /// A size column of a listing, `w` wide: human sizes are right-aligned
    /// in the first 6 columns.
    pub fn size_column(&mut self, v: i64, w: i32) -> &mut Ctx {
        if self.unit != Unit::Human {
            return self.size_in(self.unit, v, w);
        }
        let mut b = [0u8; 24];
        self.out.pad(human(v as u64, &mut b), 6);
        self.out
            .put(&SPACES[..(w.unsigned_abs() as usize).saturating_sub(6)]);
        self
    }

    /// ` (bytes) = N`, ` (kbytes) = N` or ` = N`: a limit in the chosen
    /// unit, or in `default` when none was chosen.
    pub fn labelled(&mut self, default: Unit, v: i64) -> &mut Ctx {
        let unit = match self.unit {
            Unit::Default => default,
            u => u,
        };
        self.s(match unit {
            Unit::Bytes => " (bytes) = ",
            Unit::KBytes => " (kbytes) = ",
            _ => " = ",
        });
        self.size_in(unit, v, 0)
    }

    /// `bytes`, or `size` for human sizes (util-linux's detail labels).
    pub fn bytes_word(&mut self) -> &mut Ctx {
        self.s(if self.unit == Unit::Human {
            "size"
        } else {
            "bytes"
        })
    }

    /// The shm status columns: `dest` and `locked`.
    pub fn shm_status(&mut self, mode: i64) -> &mut Ctx {
        self.shm_flag(mode, ipc::SHM_DEST, "dest")
            .sp()
            .shm_flag(mode, ipc::SHM_LOCKED, "locked")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(n: u64) -> String {
        let mut b = [0; 24];
        String::from_utf8(human(n, &mut b).to_vec()).unwrap()
    }

    #[test]
    fn human_sizes() {
        assert_eq!(h(0), "0B");
        assert_eq!(h(1023), "1023B");
        assert_eq!(h(1024), "1K");
        assert_eq!(h(1536), "1.5K");
        assert_eq!(h(8192), "8K");
        assert_eq!(h(1024 * 1024 - 1), "1024K");
        assert_eq!(h(950 + 1024), "1.9K");
        assert_eq!(h(u64::MAX), "16E");
        assert_eq!(h(18446744073692774399), "16E");
    }
}
