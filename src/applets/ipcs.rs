//! ipcs: show SysV IPC facilities (message queues, shared memory segments,
//! semaphore arrays) exactly as util-linux prints them.
//!
//! Objects come from /proc/sysvipc/{msg,shm,sem}, read in 4 KiB pieces into
//! a stack buffer and printed row by row (no per-row allocation). Without
//! /proc (early boot) the `*_INFO` + `*_STAT_ANY` (or `*_STAT`) syscalls give
//! the same rows. Times are formatted like glibc's `ctime` in the local zone
//! (`TZ`, else /etc/localtime, else UTC), from a TZif file parsed here.

use crate::cli::{self, Arg, Args, Res};
use crate::passwd::Db;
use crate::sys::Argv;
use crate::sys::ipc;
use rustix::io::Errno;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

const HELP: &str = "
Usage:
 ipcs [resource-option...] [output-option]
 ipcs -m|-q|-s -i <id>

Show information on IPC facilities.

Options:
 -i, --id <id>  print details on resource identified by <id>
 -h, --help     display this help
 -V, --version  display version

Resource options:
 -m, --shmems      shared memory segments
 -q, --queues      message queues
 -s, --semaphores  semaphores
 -a, --all         all (default)

Output options:
 -t, --time        show attach, detach and change times
 -p, --pid         show PIDs of creator and last operator
 -c, --creator     show creator and owner
 -l, --limits      show resource limits
 -u, --summary     show status summary
     --human       show sizes in human-readable format
 -b, --bytes       show sizes in bytes
";

// Resource kinds, in util-linux's print order.
const MSG: usize = 0;
const SHM: usize = 1;
const SEM: usize = 2;

// Output formats (the last option wins).
const F_LIST: usize = 0;
const F_LIMITS: usize = 1;
const F_STATUS: usize = 2;
const F_CREATOR: usize = 3;
const F_TIME: usize = 4;
const F_PID: usize = 5;

// Size units.
const U_DEFAULT: u8 = 0;
const U_BYTES: u8 = 1;
const U_HUMAN: u8 = 2;
const U_KB: u8 = 3;

/// One object, whatever its kind: slots indexed by the constants below.
type Obj = [i64; 15];
const KEY: usize = 0;
const ID: usize = 1;
const MODE: usize = 2;
const UID: usize = 3;
const GID: usize = 4;
const CUID: usize = 5;
const CGID: usize = 6;
/// cbytes / segsz / nsems
const A: usize = 7;
/// qnum / nattch
const B: usize = 8;
/// lspid / cpid
const P1: usize = 9;
/// lrpid / lpid
const P2: usize = 10;
/// stime / atime / otime
const T0: usize = 11;
/// rtime / dtime
const T1: usize = 12;
/// ctime (all kinds)
const T2: usize = 13;
/// msg_qbytes (only for `-q -i`)
const QB: usize = 14;

/// Column `i` of a /proc/sysvipc line goes to slot `COLS[kind][i]`
/// (msg: key msqid perms cbytes qnum lspid lrpid uid gid cuid cgid stime
/// rtime ctime; shm: key shmid perms size cpid lpid nattch uid gid cuid cgid
/// atime dtime ctime [rss swap]; sem: key semid perms nsems uid gid cuid cgid
/// otime ctime).
const COLS: [&[u8]; 3] = [
    &[0, 1, 2, 7, 8, 9, 10, 3, 4, 5, 6, 11, 12, 13],
    &[0, 1, 2, 7, 9, 10, 8, 3, 4, 5, 6, 11, 12, 13],
    &[0, 1, 2, 7, 3, 4, 5, 6, 11, 13],
];

const TITLES: [[&str; 6]; 3] = [
    [
        "Message Queues",
        "Messages Limits",
        "Messages Status",
        "Message Queues Creators/Owners",
        "Message Queues Send/Recv/Change Times",
        "Message Queues PIDs",
    ],
    [
        "Shared Memory Segments",
        "Shared Memory Limits",
        "Shared Memory Status",
        "Shared Memory Segment Creators/Owners",
        "Shared Memory Attach/Detach/Change Times",
        "Shared Memory Creator/Last-op PIDs",
    ],
    [
        "Semaphore Arrays",
        "Semaphore Limits",
        "Semaphore Status",
        "Semaphore Arrays Creators/Owners",
        "Semaphore Operation/Change Times",
        "",
    ],
];

/// Column headers of the list formats: [list, list --human, time, pid].
const HEADS: [[&str; 4]; 3] = [
    [
        "key        msqid      owner      perms      used-bytes   messages    \n",
        "key        msqid      owner      perms      size         messages    \n",
        "msqid    owner      send                 recv                 change              \n",
        "msqid      owner      lspid      lrpid     \n",
    ],
    [
        "key        shmid      owner      perms      bytes      nattch     status      \n",
        "key        shmid      owner      perms      size       nattch     status      \n",
        "shmid      owner      attached             detached             changed             \n",
        "shmid      owner      cpid       lpid      \n",
    ],
    [
        "key        semid      owner      perms      nsems     \n",
        "key        semid      owner      perms      nsems     \n",
        "semid    owner      last-op                    last-changed              \n",
        "",
    ],
];

const IDS: [&str; 3] = ["msqid", "shmid", "semid"];

/// Long options in getopt order (abbreviations resolve against this), and
/// the short option each stands for (`H` is --human).
const LONGS: [&str; 14] = [
    "id",
    "queues",
    "shmems",
    "semaphores",
    "all",
    "time",
    "pid",
    "creator",
    "limits",
    "summary",
    "human",
    "bytes",
    "version",
    "help",
];
const LONG_CH: &[u8; 14] = b"iqmsatpcluHbVh";

/// `ipcs`.
pub fn main(argv: Argv) -> Res<i32> {
    let (mut res, mut fmt, mut unit, mut id) = (0u8, F_LIST, U_DEFAULT, None);
    if argv.remaining() > 0 {
        let mut a = Args::new(argv);
        while let Some(arg) = a.next()? {
            let c = match arg {
                Arg::Short(c) => c,
                Arg::Long(l) => long(l)?,
                Arg::Value(_) => continue, // util-linux ignores operands
            };
            match c {
                'i' => id = Some(parse_id(&a.value()?)?),
                'a' => res = 7,
                'q' => res |= 1,
                'm' => res |= 2,
                's' => res |= 4,
                't' => fmt = F_TIME,
                'c' => fmt = F_CREATOR,
                'p' => fmt = F_PID,
                'l' => fmt = F_LIMITS,
                'u' => fmt = F_STATUS,
                'H' => unit = U_HUMAN,
                'b' => unit = U_BYTES,
                'h' => return Err(cli::help(HELP)),
                'V' => return Err(cli::version()),
                c => return Err(cli::unknown(Arg::Short(c))),
            }
        }
    }
    let mut c = Ctx::new(unit);
    if let Some(id) = id {
        let kind = match res {
            1 => MSG,
            2 => SHM,
            4 => SEM,
            _ => {
                return Err(cli::errx(
                    b"when using an ID, a single resource must be specified",
                ));
            }
        };
        detail(&mut c, kind, id)?;
    } else {
        if res == 0 {
            res = 7;
        }
        c.w.put(b"\n");
        for kind in [MSG, SHM, SEM] {
            if res & (1 << kind) != 0 {
                section(&mut c, kind, fmt);
                c.w.put(b"\n");
            }
        }
    }
    c.w.finish()?;
    Ok(0)
}

/// Resolves a long option (or an unambiguous abbreviation, like getopt).
#[inline(never)]
fn long(l: &str) -> Res<char> {
    let exact = LONGS.iter().zip(LONG_CH).find(|(n, _)| **n == l);
    let mut hits = LONGS
        .iter()
        .zip(LONG_CH)
        .filter(|(n, _)| n.starts_with(l));
    let all = hits.clone();
    match (exact.or(hits.next()), hits.next()) {
        (Some((_, &c)), None) => Ok(c as char),
        (Some((_, &c)), Some(_)) if exact.is_some() => Ok(c as char),
        (None, _) => Err(cli::unknown(Arg::Long(l))),
        _ => {
            let mut m = crate::cat!("option '--", l, "' is ambiguous; possibilities:");
            for (n, _) in all {
                m.extend_from_slice(&crate::cat!(" '--", n, "'"));
            }
            Err(cli::getopt_err(&m))
        }
    }
}

/// `strtos32_or_err(optarg, "failed to parse id argument")`.
#[inline(never)]
fn parse_id(s: &OsStr) -> Res<i32> {
    let fail = |e: Option<Errno>| {
        let m = crate::cat!("failed to parse id argument: '", s, "'");
        match e {
            Some(e) => cli::err(&m, e),
            None => cli::errx(&m),
        }
    };
    let b = s.as_bytes();
    let b = &b[b.iter().take_while(|c| matches!(c, b' ' | b'\t'..=b'\r')).count()..];
    let (neg, d) = match b.split_first() {
        Some((b'-', r)) => (true, r),
        Some((b'+', r)) => (false, r),
        _ => (false, b),
    };
    if d.is_empty() || !d.iter().all(u8::is_ascii_digit) {
        return Err(fail(None));
    }
    let mut n: i64 = 0;
    for &c in d {
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add((c - b'0') as i64))
            .ok_or_else(|| fail(Some(Errno::RANGE)))?;
    }
    let n = if neg { -n } else { n };
    i32::try_from(n).map_err(|_| fail(Some(Errno::RANGE)))
}

/// Buffered stdout in a stack buffer: the common empty listing costs no
/// heap allocation (and so no brk/mmap syscalls).
struct W {
    b: [u8; 8192],
    n: usize,
    bad: Option<Errno>,
}

const SPACES: &[u8; 32] = b"                                ";

impl W {
    fn put(&mut self, s: &[u8]) {
        if self.n + s.len() > self.b.len() {
            self.flush();
            if s.len() > self.b.len() {
                self.write(s);
                return;
            }
        }
        self.b[self.n..self.n + s.len()].copy_from_slice(s);
        self.n += s.len();
    }

    fn write(&mut self, s: &[u8]) {
        if self.bad.is_none() {
            self.bad = cli::write_fd(1, s).err();
        }
    }

    fn flush(&mut self) {
        let n = std::mem::take(&mut self.n);
        let b = self.b;
        self.write(&b[..n]);
    }

    /// `printf("%-Ns")` (w < 0) or `printf("%Ns")` (w > 0).
    fn pad(&mut self, s: &[u8], w: i32) {
        let fill = (w.unsigned_abs() as usize).saturating_sub(s.len());
        if w < 0 {
            self.put(s);
        }
        self.put(&SPACES[..fill.min(32)]);
        if w > 0 {
            self.put(s);
        }
    }

    /// A signed decimal number, padded like `pad`.
    fn num(&mut self, v: i64, w: i32) {
        let mut b = [0u8; 24];
        self.pad(radix(v.unsigned_abs(), 10, v < 0, &mut b), w);
    }

    fn unum(&mut self, v: u64, w: i32) {
        let mut b = [0u8; 24];
        self.pad(radix(v, 10, false, &mut b), w);
    }

    /// `%#o`.
    fn alt_oct(&mut self, v: i64) {
        let mut b = [0u8; 24];
        let s = radix(v as u64, 8, false, &mut b);
        if s != b"0" {
            self.put(b"0");
        }
        self.put(s);
    }

    fn finish(mut self) -> Res {
        self.flush();
        match self.bad {
            Some(e) => Err(cli::err(b"write error", e)),
            None => Ok(()),
        }
    }
}

/// Writes `n` in `base` (with a leading `-` when `neg`) at the end of `b`.
fn radix(mut n: u64, base: u64, neg: bool, b: &mut [u8; 24]) -> &[u8] {
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
fn human(n: u64, b: &mut [u8; 24]) -> &[u8] {
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
    let mut i = b.len();
    i -= 1;
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

/// Output plus the lazily loaded lookups (passwd, group, time zone).
struct Ctx {
    w: W,
    unit: u8,
    dbs: [Option<Db>; 2],
    /// The last id looked up in each db, and whether it had a name.
    last: [(i64, bool); 2],
    names: [Vec<u8>; 2],
    tz: Option<tz::Tz>,
}

impl Ctx {
    fn new(unit: u8) -> Ctx {
        Ctx {
            w: W {
                b: [0; 8192],
                n: 0,
                bad: None,
            },
            unit,
            dbs: [None, None],
            last: [(-1, false); 2],
            names: [Vec::new(), Vec::new()],
            tz: None,
        }
    }

    /// The user (g = 0) or group (g = 1) name of `id` as `%-10s`, cut to
    /// 10 bytes when `cut`; the number as `%-10u` when it has none.
    fn owner(&mut self, id: i64, g: usize, cut: bool) {
        if self.last[g].0 != id {
            let db = self.dbs[g]
                .get_or_insert_with(|| Db::load(["/etc/passwd", "/etc/group"][g]));
            let name = &mut self.names[g];
            name.clear();
            let found = db.name_of(id as u32).map(|n| name.extend_from_slice(n));
            self.last[g] = (id, found.is_some());
        }
        if self.last[g].1 {
            let n = &self.names[g];
            let n = &n[..if cut { n.len().min(10) } else { n.len() }];
            self.w.pad(n, -10);
        } else {
            self.w.num(id, -10);
        }
    }

    /// `printf("%-W.Ps", t ? ctime(&t) + skip : "Not set")`.
    fn time(&mut self, t: i64, not_set: bool, skip: usize, prec: usize, w: i32) {
        if t == 0 && not_set {
            return self.w.pad(b"Not set", w);
        }
        let tz = self.tz.get_or_insert_with(tz::load);
        let mut b = [0u8; 48];
        let s = tz::ctime(t.saturating_add(tz.offset(t)), &mut b);
        let s = s.get(skip..).unwrap_or_default();
        self.w.pad(&s[..s.len().min(prec)], w);
    }

    /// util-linux's `ipc_print_size(unit, label, size, end, width)`.
    fn size(&mut self, unit: u8, label: &[u8], v: u64, end: &[u8], w: i32) {
        self.w.put(label);
        if !label.is_empty() && !label.ends_with(b"=") {
            self.w.put(match unit {
                U_BYTES => b" (bytes) = ",
                U_KB => b" (kbytes) = ",
                _ => b" = ",
            });
        }
        let mut b = [0u8; 24];
        match unit {
            U_HUMAN => self.w.pad(human(v, &mut b), w),
            U_KB => self.w.unum(v / 1024, w),
            _ => self.w.unum(v, w),
        }
        self.w.put(end);
    }

    fn title(&mut self, kind: usize, fmt: usize) {
        self.w.put(b"------ ");
        self.w.put(TITLES[kind][fmt].as_bytes());
        self.w.put(b" --------\n");
    }

    /// `label = n\n`.
    fn line(&mut self, label: &str, n: i64) {
        self.w.put(label.as_bytes());
        self.w.put(b" = ");
        self.w.num(n, 0);
        self.w.put(b"\n");
    }
}

/// One section of the listing.
fn section(c: &mut Ctx, kind: usize, fmt: usize) {
    match fmt {
        F_LIMITS => return limits(c, kind),
        F_STATUS => return status(c, kind),
        F_PID if kind == SEM => return,
        F_CREATOR => {
            c.title(kind, fmt);
            c.w.pad(IDS[kind].as_bytes(), -10);
            c.w.put(b" perms      cuid       cgid       uid        gid       \n");
        }
        _ => {
            c.title(kind, fmt);
            let h = match fmt {
                F_TIME => 2,
                F_PID => 3,
                _ => (c.unit == U_HUMAN) as usize,
            };
            c.w.put(HEADS[kind][h].as_bytes());
        }
    }
    each(kind, &mut |o| row(c, kind, fmt, o));
}

/// One row of a list format.
#[inline(never)]
fn row(c: &mut Ctx, kind: usize, fmt: usize, o: &Obj) {
    let perms = o[MODE] & 0o777;
    if fmt == F_CREATOR {
        c.w.num(o[ID], -10);
        c.w.put(b" ");
        oct(c, perms, -10);
        for (i, slot) in [CUID, CGID, UID, GID].into_iter().enumerate() {
            c.w.put(b" ");
            c.owner(o[slot], i & 1, false);
        }
        c.w.put(b"\n");
        return;
    }
    if fmt == F_LIST {
        c.w.put(b"0x");
        let mut b = [0u8; 24];
        let k = radix(o[KEY] as u32 as u64, 16, false, &mut b);
        c.w.put(&b"00000000"[k.len().min(8)..]);
        c.w.put(k);
        c.w.put(b" ");
    }
    let narrow = fmt != F_LIST && kind != SHM;
    c.w.num(o[ID], if narrow { -8 } else { -10 });
    c.w.put(b" ");
    c.owner(o[UID], 0, true);
    match fmt {
        F_TIME if kind == SEM => {
            c.w.put(b"  ");
            c.time(o[T0], true, 0, 24, -26);
            c.w.put(b" ");
            c.time(o[T2], true, 0, 24, -26);
        }
        F_TIME => {
            for t in [o[T0], o[T1], o[T2]] {
                c.w.put(b" ");
                c.time(t, true, 4, 16, -20);
            }
        }
        F_PID if kind == MSG => {
            c.w.put(b"  ");
            c.w.num(o[P1], 5);
            c.w.put(b"     ");
            c.w.num(o[P2], 5);
        }
        F_PID => {
            c.w.put(b" ");
            c.w.num(o[P1], -10);
            c.w.put(b" ");
            c.w.num(o[P2], -10);
        }
        _ => {
            c.w.put(b" ");
            oct(c, perms, -10);
            c.w.put(b" ");
            if kind == SEM {
                c.w.num(o[A], -10);
            } else {
                let w = if kind == MSG { 12 } else { 10 };
                if c.unit == U_HUMAN {
                    c.size(U_HUMAN, b"", o[A] as u64, &SPACES[..w - 4], 6);
                } else {
                    c.size(U_BYTES, b"", o[A] as u64, b"", -(w as i32));
                }
                c.w.put(b" ");
                c.w.num(o[B], -(w as i32));
                if kind == SHM {
                    let m = o[MODE] as u32;
                    c.w.put(b" ");
                    c.w.pad(if m & ipc::SHM_DEST != 0 { b"dest" } else { b" " }, -6);
                    c.w.put(b" ");
                    c.w.pad(if m & ipc::SHM_LOCKED != 0 { b"locked" } else { b" " }, -6);
                }
            }
        }
    }
    c.w.put(b"\n");
}

fn oct(c: &mut Ctx, v: i64, w: i32) {
    let mut b = [0u8; 24];
    c.w.pad(radix(v as u64, 8, false, &mut b), w);
}

/// `-l`: the limits of one kind.
#[inline(never)]
fn limits(c: &mut Ctx, kind: usize) {
    let u = c.unit;
    let or_bytes = if u == U_DEFAULT { U_BYTES } else { u };
    match kind {
        MSG => {
            let l = match (
                sysctl("msgmni"),
                sysctl("msgmnb"),
                sysctl("msgmax"),
            ) {
                (Some(a), Some(b), Some(c)) => Some((a as i32 as i64, b as i32 as i64, c)),
                _ => ipc::msgctl_info(ipc::IPC_INFO)
                    .ok()
                    .map(|(_, i)| (i.msgmni as i64, i.msgmnb as i64, i.msgmax as i64)),
            };
            let Some((mni, mnb, max)) = l else {
                return c.w.put(b"unable to fetch message limits\n");
            };
            c.title(kind, F_LIMITS);
            c.line("max queues system wide", mni);
            c.size(or_bytes, b"max size of message", max as u64, b"\n", 0);
            c.size(or_bytes, b"default max size of queue", mnb as u64, b"\n", 0);
        }
        SHM => {
            let l = match (
                sysctl("shmall"),
                sysctl("shmmax"),
                sysctl("shmmni"),
            ) {
                (Some(a), Some(b), Some(c)) => Some((a as u64, b as u64, c as u64)),
                _ => ipc::shmctl_ipc_info()
                    .ok()
                    .map(|(_, i)| (i.shmall, i.shmmax, i.shmmni)),
            };
            let Some((all, max, mni)) = l else {
                return c.w.put(b"unable to fetch shared memory limits\n");
            };
            c.title(kind, F_LIMITS);
            c.w.put(b"max number of segments = ");
            c.w.unum(mni, 0);
            c.w.put(b"\n");
            let kb = u == U_DEFAULT || u == U_KB;
            c.size(if u == U_DEFAULT { U_KB } else { u }, b"max seg size", max, b"\n", 0);
            let pg = ipc::page_size();
            let m = if kb { (pg / 1024).max(1) } else { pg };
            let tot = all.checked_mul(m).unwrap_or(u64::MAX - u64::MAX % m);
            if kb {
                c.size(U_DEFAULT, b"max total shared memory (kbytes)", tot, b"\n", 0);
            } else {
                c.size(u, b"max total shared memory", tot, b"\n", 0);
            }
            c.size(or_bytes, b"min seg size", 1, b"\n", 0);
        }
        _ => {
            let mut v = [0i64; 4];
            let ok = std::fs::read("/proc/sys/kernel/sem").is_ok_and(|d| {
                let mut it = d
                    .split(|b| b.is_ascii_whitespace())
                    .filter(|t| !t.is_empty());
                v.iter_mut().all(|x| {
                    it.next()
                        .and_then(|t| num(t, 10))
                        .map(|n| *x = n as i32 as i64)
                        .is_some()
                })
            });
            // /proc order: semmsl semmns semopm semmni.
            let l = if ok {
                Some([v[3], v[0], v[1], v[2]])
            } else {
                ipc::semctl_info(ipc::IPC_INFO).ok().map(|(_, i)| {
                    [i.semmni, i.semmsl, i.semmns, i.semopm].map(|x| x as i64)
                })
            };
            let Some(l) = l else {
                return c.w.put(b"unable to fetch semaphore limits\n");
            };
            c.title(kind, F_LIMITS);
            c.line("max number of arrays", l[0]);
            c.line("max semaphores per array", l[1]);
            c.line("max semaphores system wide", l[2]);
            c.line("max ops per semop call", l[3]);
            c.line("semaphore max value", 32767);
        }
    }
}

/// A number from /proc/sys/kernel/NAME.
fn sysctl(name: &str) -> Option<i64> {
    let d = std::fs::read(["/proc/sys/kernel/", name].concat()).ok()?;
    num(d.split(|b| b.is_ascii_whitespace()).find(|t| !t.is_empty())?, 10)
}

/// `-u`: usage of one kind, from the `*_INFO` syscalls (like util-linux).
#[inline(never)]
fn status(c: &mut Ctx, kind: usize) {
    match kind {
        MSG => {
            let Ok((_, i)) = ipc::msgctl_info(ipc::MSG_INFO) else {
                return c.w.put(b"kernel not configured for message queues\n");
            };
            c.title(kind, F_STATUS);
            c.line("allocated queues", i.msgpool as i64);
            c.line("used headers", i.msgmap as i64);
            let end: &[u8] = if c.unit == U_DEFAULT { b" bytes\n" } else { b"\n" };
            c.size(c.unit, b"used space", i.msgtql as i64 as u64, end, 0);
        }
        SHM => {
            let Ok((_, i)) = ipc::shmctl_shm_info() else {
                return c.w.put(b"kernel not configured for shared memory\n");
            };
            c.title(kind, F_STATUS);
            let v = [i.shm_tot, i.shm_rss, i.shm_swp, i.swap_attempts];
            c.w.put(b"segments allocated ");
            c.w.num(i.used_ids as i64, 0);
            for (l, n) in [
                "\npages allocated ",
                "\npages resident  ",
                "\npages swapped   ",
                "\nSwap performance: ",
            ]
            .into_iter()
            .zip(v)
            {
                c.w.put(l.as_bytes());
                c.w.num(n as i64, 0);
            }
            c.w.put(b" attempts\t ");
            c.w.num(i.swap_successes as i64, 0);
            c.w.put(b" successes\n");
        }
        _ => {
            let Ok((_, i)) = ipc::semctl_info(ipc::SEM_INFO) else {
                return c.w.put(b"kernel not configured for semaphores\n");
            };
            c.title(kind, F_STATUS);
            c.line("used arrays", i.semusz as i64);
            c.line("allocated semaphores", i.semaem as i64);
        }
    }
}

/// `-i ID`: the details of one object.
#[inline(never)]
fn detail(c: &mut Ctx, kind: usize, id: i32) -> Res {
    let mut found = None;
    each(kind, &mut |o| {
        if found.is_none() && o[ID] == id as i64 {
            found = Some(*o);
        }
    });
    let Some(mut o) = found else {
        cli::warnx(&crate::cat!("id ", id, " not found"));
        return Ok(());
    };
    let mut sems = Vec::new();
    if kind == SEM {
        for i in 0..o[A].clamp(0, 65536) as i32 {
            let mut e = [0i64; 4];
            for (x, (cmd, name)) in e.iter_mut().zip([
                (ipc::GETVAL, "GETVAL"),
                (ipc::GETNCNT, "GETNCNT"),
                (ipc::GETZCNT, "GETZCNT"),
                (ipc::GETPID, "GETPID"),
            ]) {
                *x = ipc::semctl_get(id, i, cmd)
                    .map_err(|e| cli::err(&crate::cat!("semctl(", name, ") failed"), e))?
                    as i64;
            }
            sems.push(e);
        }
    }
    if kind == MSG {
        o[QB] = ipc::msgctl_stat(id, ipc::IPC_STAT).map_or(0, |(_, d)| d.msg_qbytes as i64);
    }
    let human = c.unit == U_HUMAN;
    let ids = [o[UID], o[GID], o[CUID], o[CGID]];
    let (title, sep): (&[u8], &[u8]) = match kind {
        MSG => (b"\nMessage Queue msqid=", b"\t"),
        SHM => (b"\nShared memory Segment shmid=", b"\t"),
        _ => (b"\nSemaphore Array semid=", b"\t "),
    };
    c.w.put(title);
    c.w.num(id as i64, 0);
    c.w.put(b"\n");
    for (i, (l, v)) in ["uid=", "gid=", "cuid=", "cgid="].into_iter().zip(ids).enumerate() {
        if i > 0 {
            c.w.put(sep);
        }
        c.w.put(l.as_bytes());
        c.w.num(v, 0);
    }
    let ts: [(&str, usize, bool); 3];
    match kind {
        MSG => {
            c.w.put(b"\tmode=");
            c.w.alt_oct(o[MODE]);
            c.w.put(b"\n");
            let (l1, l2): (&[u8], &[u8]) = if human {
                (b"csize=", b"qsize=")
            } else {
                (b"cbytes=", b"qbytes=")
            };
            c.size(c.unit, l1, o[A] as u64, b"\t", 0);
            c.size(c.unit, l2, o[QB] as u64, b"\t", 0);
            c.w.put(b"qnum=");
            c.w.num(o[B], 0);
            c.w.put(b"\tlspid=");
            c.w.num(o[P1], 0);
            c.w.put(b"\tlrpid=");
            c.w.num(o[P2], 0);
            c.w.put(b"\n");
            ts = [
                ("send_time=", T0, true),
                ("rcv_time=", T1, true),
                ("change_time=", T2, true),
            ];
        }
        SHM => {
            c.w.put(b"\nmode=");
            c.w.alt_oct(o[MODE]);
            c.w.put(b"\taccess_perms=");
            c.w.alt_oct(o[MODE] & 0o777);
            c.w.put(b"\n");
            let l: &[u8] = if human { b"size=" } else { b"bytes=" };
            c.size(c.unit, l, o[A] as u64, b"\t", 0);
            c.w.put(b"lpid=");
            c.w.num(o[P2], 0);
            c.w.put(b"\tcpid=");
            c.w.num(o[P1], 0);
            c.w.put(b"\tnattch=");
            c.w.num(o[B], 0);
            c.w.put(b"\n");
            ts = [
                ("att_time=", T0, true),
                ("det_time=", T1, true),
                ("change_time=", T2, false),
            ];
        }
        _ => {
            c.w.put(b"\nmode=");
            c.w.alt_oct(o[MODE]);
            c.w.put(b", access_perms=");
            c.w.alt_oct(o[MODE] & 0o777);
            c.w.put(b"\nnsems = ");
            c.w.num(o[A], 0);
            c.w.put(b"\n");
            ts = [("otime = ", T0, true), ("ctime = ", T2, false), ("", 0, false)];
        }
    }
    for (l, slot, not_set) in ts {
        if !l.is_empty() {
            c.w.put(l.as_bytes());
            c.time(o[slot], not_set, 0, 24, -26);
            c.w.put(b"\n");
        }
    }
    if kind == SEM {
        c.w.put(b"semnum     value      ncount     zcount     pid       \n");
        for (i, e) in sems.iter().enumerate() {
            c.w.num(i as i64, -10);
            for v in e {
                c.w.put(b" ");
                c.w.num(*v, -10);
            }
            c.w.put(b"\n");
        }
    }
    c.w.put(b"\n");
    Ok(())
}

/// Parses a number in `base` with an optional `-`; None on anything else.
fn num(t: &[u8], base: i64) -> Option<i64> {
    let (neg, d) = match t.split_first() {
        Some((b'-', r)) => (true, r),
        _ => (false, t),
    };
    if d.is_empty() {
        return None;
    }
    let mut n: i64 = 0;
    for &c in d {
        let v = c as i64 - b'0' as i64;
        if !(0..base).contains(&v) {
            return None;
        }
        n = n.checked_mul(base)?.checked_add(v)?;
    }
    Some(if neg { -n } else { n })
}

/// One /proc/sysvipc line; None for anything unexpected (too few columns,
/// a column that is not a number).
fn parse_line(kind: usize, line: &[u8]) -> Option<Obj> {
    let mut o = [0; 15];
    let mut toks = line
        .split(|&b| b == b' ' || b == b'\t')
        .filter(|t| !t.is_empty());
    for (i, &slot) in COLS[kind].iter().enumerate() {
        o[slot as usize] = num(toks.next()?, if i == 2 { 8 } else { 10 })?;
    }
    Some(o)
}

/// Calls `f` for every object of `kind`: from /proc/sysvipc, or (without
/// /proc) from the syscalls.
fn each(kind: usize, f: &mut dyn FnMut(&Obj)) {
    use rustix::fs::{Mode, OFlags};
    let path = ["/proc/sysvipc/msg", "/proc/sysvipc/shm", "/proc/sysvipc/sem"][kind];
    let Ok(fd) = rustix::fs::open(path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()) else {
        return fallback(kind, f);
    };
    let mut buf = [0u8; 4096];
    let (mut len, mut eof, mut skip) = (0, false, true); // skip the header line
    while !eof {
        let want = buf.len() - len;
        match rustix::io::read(&fd, &mut buf[len..]) {
            // A seq_file read stops short of the request only at the end or
            // when its page-sized buffer is full; lines are < 256 bytes, so
            // a short read well below a page is the end: saves a read.
            Ok(n) => {
                eof = n == 0 || (n < want && n < 3072);
                len += n;
            }
            Err(Errno::INTR) => continue,
            Err(_) => eof = true,
        }
        let mut start = 0;
        while let Some(p) = buf[start..len].iter().position(|&b| b == b'\n') {
            let line = &buf[start..start + p];
            if !std::mem::take(&mut skip) {
                if let Some(o) = parse_line(kind, line) {
                    f(&o);
                }
            }
            start += p + 1;
        }
        if eof && start < len && !skip {
            if let Some(o) = parse_line(kind, &buf[start..len]) {
                f(&o);
            }
        }
        buf.copy_within(start..len, 0);
        len -= start;
        if len == buf.len() {
            // A line longer than the buffer: not a sysvipc row; drop it.
            len = 0;
            skip = true;
        }
    }
}

/// The rows without /proc: `*_INFO` gives the highest index in use, then
/// `*_STAT_ANY` (all objects, Linux 4.17+) or `*_STAT` (readable ones) each.
fn fallback(kind: usize, f: &mut dyn FnMut(&Obj)) {
    let max = match kind {
        MSG => ipc::msgctl_info(ipc::MSG_INFO).map(|r| r.0),
        SHM => ipc::shmctl_shm_info().map(|r| r.0),
        _ => ipc::semctl_info(ipc::SEM_INFO).map(|r| r.0),
    }
    .unwrap_or(-1);
    let cmds = [
        [ipc::MSG_STAT_ANY, ipc::MSG_STAT],
        [ipc::SHM_STAT_ANY, ipc::SHM_STAT],
        [ipc::SEM_STAT_ANY, ipc::SEM_STAT],
    ][kind];
    for i in 0..=max {
        let mut o = [0; 15];
        let Ok((id, p)) = stat(kind, i, cmds[0], &mut o).or_else(|_| stat(kind, i, cmds[1], &mut o))
        else {
            continue;
        };
        [o[KEY], o[ID], o[MODE]] = [p.key as i64, id as i64, p.mode as i64];
        [o[UID], o[GID], o[CUID], o[CGID]] = [p.uid, p.gid, p.cuid, p.cgid].map(|x| x as i64);
        f(&o);
    }
}

/// One `*_STAT*` call at index `i`: fills the kind's slots of `o`.
fn stat(kind: usize, i: i32, cmd: i32, o: &mut Obj) -> Result<(i32, ipc::ipc64_perm), Errno> {
    Ok(match kind {
        MSG => {
            let (id, d) = ipc::msgctl_stat(i, cmd)?;
            [o[A], o[B], o[P1], o[P2]] = [
                d.msg_cbytes as i64,
                d.msg_qnum as i64,
                d.msg_lspid as i64,
                d.msg_lrpid as i64,
            ];
            [o[T0], o[T1], o[T2]] = [d.msg_stime, d.msg_rtime, d.msg_ctime];
            (id, d.msg_perm)
        }
        SHM => {
            let (id, d) = ipc::shmctl_stat(i, cmd)?;
            [o[A], o[B], o[P1], o[P2]] = [
                d.shm_segsz as i64,
                d.shm_nattch as i64,
                d.shm_cpid as i64,
                d.shm_lpid as i64,
            ];
            [o[T0], o[T1], o[T2]] = [d.shm_atime, d.shm_dtime, d.shm_ctime];
            (id, d.shm_perm)
        }
        _ => {
            let (id, d) = ipc::semctl_stat(i, cmd)?;
            o[A] = d.sem_nsems as i64;
            [o[T0], o[T2]] = [d.sem_otime, d.sem_ctime];
            (id, d.sem_perm)
        }
    })
}

/// Local time like glibc: `TZ` (a zoneinfo name or path, or a POSIX TZ
/// string), else /etc/localtime, else UTC. TZif v1/v2+ with the footer rule
/// for times after the last transition.
mod tz {
    use std::os::unix::ffi::OsStrExt;

    #[derive(Default)]
    pub struct Tz {
        trans: Vec<i64>,
        idx: Vec<u8>,
        /// (utoff, isdst) per local time type.
        types: Vec<(i64, bool)>,
        rule: Option<Rule>,
    }

    /// A POSIX TZ rule: offsets east of UTC; dates as [kind (0 Jn, 1 n,
    /// 2 Mm.w.d), a, b, c, time of day].
    #[derive(Clone, Copy, Default)]
    struct Rule {
        std: i64,
        dst: i64,
        has_dst: bool,
        start: [i64; 5],
        end: [i64; 5],
    }

    #[inline(never)]
    pub fn load() -> Tz {
        let env = std::env::var_os("TZ");
        let name = match &env {
            None => &b"/etc/localtime"[..],
            Some(v) => v.as_bytes().strip_prefix(b":").unwrap_or(v.as_bytes()),
        };
        if name.is_empty() {
            return Tz::default();
        }
        let mut path = Vec::new();
        if name[0] != b'/' {
            let dir = std::env::var_os("TZDIR");
            let dir = dir.as_ref().map_or(&b"/usr/share/zoneinfo"[..], |d| d.as_bytes());
            path.extend_from_slice(dir);
            path.push(b'/');
        }
        path.extend_from_slice(name);
        if let Some(t) = std::fs::read(std::ffi::OsStr::from_bytes(&path))
            .ok()
            .and_then(|d| tzif(&d))
        {
            return t;
        }
        Tz {
            rule: env.as_ref().and_then(|_| posix(name)),
            ..Tz::default()
        }
    }

    impl Tz {
        /// Seconds east of UTC at `t`.
        pub fn offset(&self, t: i64) -> i64 {
            let n = self.trans.len();
            if let Some(first) = self.types.first() {
                if n == 0 || t < self.trans[0] {
                    return self.types.iter().find(|t| !t.1).unwrap_or(first).0;
                }
                if t < self.trans[n - 1] || self.rule.is_none() {
                    let i = self.trans.partition_point(|&x| x <= t) - 1;
                    let ty = self.idx.get(i).map_or(0, |&x| x as usize);
                    return self.types.get(ty).unwrap_or(first).0;
                }
            }
            self.rule.map_or(0, |r| r.offset(t))
        }
    }

    fn be(d: &[u8], at: usize, n: usize) -> Option<i64> {
        let b = d.get(at..at + n)?;
        let v = b.iter().fold(0u64, |v, &x| v << 8 | x as u64);
        // Sign-extend from n bytes.
        Some(((v << (64 - 8 * n)) as i64) >> (64 - 8 * n))
    }

    #[inline(never)]
    fn tzif(d: &[u8]) -> Option<Tz> {
        let counts = |d: &[u8]| -> Option<[usize; 6]> {
            if d.get(..4)? != b"TZif" {
                return None;
            }
            let mut c = [0; 6];
            for (i, x) in c.iter_mut().enumerate() {
                *x = usize::try_from(be(d, 20 + 4 * i, 4)?).ok()?.min(1 << 20);
            }
            Some(c)
        };
        let [isut, isstd, leap, timecnt, typecnt, charcnt] = counts(d)?;
        let mut tsz = 4;
        let mut d = d;
        if *d.get(4)? >= b'2' {
            let v1 = timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isut;
            d = d.get(44 + v1..)?;
            tsz = 8;
        }
        let [isut, isstd, leap, timecnt, typecnt, charcnt] = counts(d)?;
        let mut p = 44;
        let mut tz = Tz::default();
        for i in 0..timecnt {
            tz.trans.push(be(d, p + i * tsz, tsz)?);
        }
        p += timecnt * tsz;
        tz.idx = d.get(p..p + timecnt)?.to_vec();
        p += timecnt;
        for i in 0..typecnt {
            let at = p + i * 6;
            tz.types.push((be(d, at, 4)?, *d.get(at + 4)? != 0));
        }
        p += typecnt * 6 + charcnt + leap * (tsz + 4) + isstd + isut;
        if tsz == 8 {
            if let Some(f) = d.get(p + 1..).and_then(|f| f.split(|&b| b == b'\n').next()) {
                tz.rule = posix(f);
            }
        }
        Some(tz)
    }

    struct P<'a>(&'a [u8]);

    impl P<'_> {
        fn peek(&self) -> u8 {
            self.0.first().copied().unwrap_or(0)
        }
        fn eat(&mut self, c: u8) -> bool {
            let hit = self.peek() == c;
            if hit {
                self.0 = &self.0[1..];
            }
            hit
        }
        fn name(&mut self) -> Option<()> {
            let n = if self.eat(b'<') {
                let n = self.0.iter().position(|&b| b == b'>')?;
                self.0 = &self.0[n + 1..];
                n
            } else {
                let n = self.0.iter().take_while(|b| b.is_ascii_alphabetic()).count();
                self.0 = &self.0[n..];
                n
            };
            (n >= 3).then_some(())
        }
        fn int(&mut self) -> Option<i64> {
            let n = self.0.iter().take_while(|b| b.is_ascii_digit()).count();
            let v = super::num(self.0.get(..n.min(9))?, 10)?;
            self.0 = &self.0[n..];
            Some(v)
        }
        /// `[+-]hh[:mm[:ss]]` in seconds.
        fn hms(&mut self) -> Option<i64> {
            let neg = self.eat(b'-');
            if !neg {
                self.eat(b'+');
            }
            let mut v = self.int()? * 3600;
            for m in [60, 1] {
                if !self.eat(b':') {
                    break;
                }
                v += self.int()? * m;
            }
            Some(if neg { -v } else { v })
        }
        fn date(&mut self) -> Option<[i64; 5]> {
            let mut d = [1, 0, 0, 0, 7200];
            if self.eat(b'J') {
                d[0] = 0;
                d[1] = self.int()?;
            } else if self.eat(b'M') {
                d[0] = 2;
                d[1] = self.int()?.clamp(1, 12);
                for x in &mut d[2..4] {
                    if !self.eat(b'.') {
                        return None;
                    }
                    *x = self.int()?;
                }
            } else {
                d[1] = self.int()?;
            }
            if self.eat(b'/') {
                d[4] = self.hms()?;
            }
            Some(d)
        }
    }

    fn posix(s: &[u8]) -> Option<Rule> {
        let mut p = P(s);
        p.name()?;
        let std = -p.hms()?;
        let mut r = Rule {
            std,
            dst: std,
            ..Rule::default()
        };
        if p.0.is_empty() {
            return Some(r);
        }
        p.name()?;
        r.has_dst = true;
        r.dst = match p.peek() {
            b'+' | b'-' | b'0'..=b'9' => -p.hms()?,
            _ => std + 3600,
        };
        if p.eat(b',') {
            r.start = p.date()?;
            if !p.eat(b',') {
                return None;
            }
            r.end = p.date()?;
        } else {
            r.start = [2, 3, 2, 0, 7200];
            r.end = [2, 11, 1, 0, 7200];
        }
        Some(r)
    }

    impl Rule {
        fn offset(&self, t: i64) -> i64 {
            if !self.has_dst {
                return self.std;
            }
            let y = civil((t + self.std).div_euclid(86400)).0;
            let base = days(y, 1, 1);
            let at = |d: &[i64; 5], off: i64| (base + yday(d, y)) * 86400 + d[4] - off;
            let (s, e) = (at(&self.start, self.std), at(&self.end, self.dst));
            let dst = if s < e {
                t >= s && t < e
            } else {
                t < e || t >= s
            };
            if dst { self.dst } else { self.std }
        }
    }

    /// Day of the year (0-based) a rule date falls on in year `y`.
    fn yday(d: &[i64; 5], y: i64) -> i64 {
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        match d[0] {
            0 => d[1] - 1 + (leap && d[1] >= 60) as i64,
            1 => d[1],
            _ => {
                let m = d[1];
                let first = days(y, m, 1);
                let next = if m == 12 {
                    days(y + 1, 1, 1)
                } else {
                    days(y, m + 1, 1)
                };
                let wd = (first + 4).rem_euclid(7);
                let mut day = first + (d[3] - wd).rem_euclid(7) + (d[2] - 1) * 7;
                while day >= next {
                    day -= 7;
                }
                day - days(y, 1, 1)
            }
        }
    }

    /// Days since 1970-01-01 of a civil date.
    fn days(y: i64, m: i64, d: i64) -> i64 {
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
        era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468
    }

    /// The civil date of a day number.
    fn civil(z: i64) -> (i64, i64, i64) {
        let z = z + 719468;
        let era = z.div_euclid(146097);
        let doe = z.rem_euclid(146097);
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        (yoe + era * 400 + (m <= 2) as i64, m, d)
    }

    /// glibc's `ctime` text of local time `t`, without the newline:
    /// `Sun Nov 22 15:20:31 2026`.
    pub fn ctime(t: i64, b: &mut [u8; 48]) -> &[u8] {
        const NAMES: &[u8] = b"SunMonTueWedThuFriSatJanFebMarAprMayJunJulAugSepOctNovDec";
        let day = t.div_euclid(86400);
        let s = t.rem_euclid(86400);
        let (y, m, d) = civil(day);
        let wd = (day + 4).rem_euclid(7) as usize;
        let mut n = 0;
        let mut put = |x: &[u8]| {
            b[n..n + x.len()].copy_from_slice(x);
            n += x.len();
        };
        put(&NAMES[wd * 3..wd * 3 + 3]);
        put(b" ");
        let mi = (m as usize + 6) * 3;
        put(&NAMES[mi..mi + 3]);
        put(if d < 10 { b"  " } else { b" " });
        let mut t2 = [0u8; 24];
        put(super::radix(d as u64, 10, false, &mut t2));
        for (i, v) in [s / 3600, s / 60 % 60, s % 60].into_iter().enumerate() {
            put(if i == 0 { b" " } else { b":" });
            put(&[b'0' + (v / 10) as u8, b'0' + (v % 10) as u8]);
        }
        put(b" ");
        put(super::radix(y.unsigned_abs(), 10, y < 0, &mut t2));
        &b[..n]
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn text(t: i64) -> String {
            let mut b = [0; 48];
            String::from_utf8(ctime(t, &mut b).to_vec()).unwrap()
        }

        #[test]
        fn ctime_text() {
            assert_eq!(text(0), "Thu Jan  1 00:00:00 1970");
            assert_eq!(text(1795360831), "Sun Nov 22 15:20:31 2026");
            assert_eq!(text(951782400), "Tue Feb 29 00:00:00 2000");
        }

        #[test]
        fn posix_rules() {
            let r = posix(b"CET-1CEST,M3.5.0,M10.5.0/3").unwrap();
            // 2026-03-29 01:00 UTC: DST starts in Berlin.
            assert_eq!(r.offset(1774746000 - 1), 3600);
            assert_eq!(r.offset(1774746000), 7200);
            // 2026-10-25 01:00 UTC: DST ends.
            assert_eq!(r.offset(1792890000 - 1), 7200);
            assert_eq!(r.offset(1792890000), 3600);
            let r = posix(b"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0").unwrap();
            assert_eq!(r.offset(1782864000), 37800); // July: standard
            assert_eq!(r.offset(1798761600), 39600); // January: DST
            assert_eq!(posix(b"UTC0").unwrap().offset(5), 0);
            assert!(posix(b"Foo").is_none());
            assert!(posix(b"EST5EDT").unwrap().has_dst);
        }
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
        assert_eq!(h(1024 * 1024 - 1), "1M");
        assert_eq!(h(950 + 1024), "1.9K");
        assert_eq!(h(u64::MAX), "16E");
        assert_eq!(h(18446744073692774399), "16E");
    }

    #[test]
    fn proc_lines() {
        let l = b"      1234          5   1644           0          3  100  200     0     0     0     0          0          0 1795360831";
        let o = parse_line(MSG, l).unwrap();
        assert_eq!((o[KEY], o[ID], o[MODE], o[B], o[P1], o[T2]), (1234, 5, 0o1644, 3, 100, 1795360831));
        assert!(parse_line(MSG, b"1 2 3").is_none());
        assert!(parse_line(SEM, b"1 2 x 4 5 6 7 8 9 10").is_none());
        assert!(parse_line(SEM, b"-5 2 600 4 5 6 7 8 9 10 11").is_some());
        assert!(parse_line(SEM, b"").is_none());
        assert!(parse_line(SEM, b"1 2 9 4 5 6 7 8 9 10").is_none()); // 9 is not octal
    }
}
