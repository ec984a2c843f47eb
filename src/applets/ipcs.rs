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

const HELP_SRC: &str = "\
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

For more details see ipcs(1).
";

// Resource kinds, in util-linux's print order.
const MSG: usize = 0;
const SHM: usize = 1;
const SEM: usize = 2;

// Output formats (the last option wins).
const F_LIST: usize = 0;
const F_CREATOR: usize = 1;
const F_TIME: usize = 2;
const F_PID: usize = 3;
const F_LIMITS: usize = 4;
const F_STATUS: usize = 5;

// Size units.
const U_DEFAULT: u8 = 0;
const U_BYTES: u8 = 1;
const U_HUMAN: u8 = 2;
const U_KB: u8 = 3;

/// One object, whatever its kind, in slots named by the letters of
/// [`SLOTS`]: key, id, mode, uid, gid, cuid (U), cgid (G), a (cbytes, segsz,
/// nsems), b (qnum, nattch), p (lspid, cpid), q (lrpid, lpid), s (stime,
/// atime, otime), r (rtime, dtime), c (ctime), Q (msg_qbytes).
type Obj = [i64; 15];
const SLOTS: &[u8; 15] = b"kimugUGabpqsrcQ";
const ID: usize = 1;
const MODE: usize = 2;
const A: usize = 7;
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

/// Every text ipcs prints, 15 per kind, separated by `|`: list header
/// (plain, --human) and row, then header and row of -c, -t and -p, the -i
/// view, -l (two variants for shm; the element row of -s -i for sem), -u,
/// and the two complaints. `{` `}` print the `------ ` and ` --------\n`
/// around titles; `%CSW` prints slot S (a letter of SLOTS) with conversion
/// C and width W (a digit: see [`WIDTHS`]), see [`field`].
const SPECS_SRC: &str = concat!(
    // Message queues.
    "{Message Queues}key        msqid      owner      perms      used-bytes   messages    \n|",
    "{Message Queues}key        msqid      owner      perms      size         messages    \n|",
    "0x%xk0 %di1 %nu1 %om1 %sa3 %db3\n|",
    "{Message Queues Creators/Owners}msqid      perms      cuid       cgid       uid        gid       \n|",
    "%di1 %om1 %NU1 %GG1 %Nu1 %Gg1\n|",
    "{Message Queues Send/Recv/Change Times}msqid    owner      send                 recv                 change              \n|",
    "%di2 %nu1 %ts4 %tr4 %tc4\n|",
    "{Message Queues PIDs}msqid      owner      lspid      lrpid     \n|",
    "%di2 %nu1  %dp6     %dq6\n|",
    "\nMessage Queue msqid=%di0\nuid=%du0\tgid=%dg0\tcuid=%dU0\tcgid=%dG0\tmode=%Om0\n\
c%bk0=%sa0\tq%bk0=%sQ0\tqnum=%db0\tlspid=%dp0\tlrpid=%dq0\n\
send_time=%Ts5\nrcv_time=%Tr5\nchange_time=%Tc5\n\n|",
    "{Messages Limits}max queues system wide = %dk0\nmax size of message%zi1\n\
default max size of queue%zm1\n|",
    "|",
    "{Messages Status}allocated queues = %dk0\nused headers = %di0\nused space%zm0%yk0\n|",
    "unable to fetch message limits\n|",
    "kernel not configured for message queues\n|",
    // Shared memory.
    "{Shared Memory Segments}key        shmid      owner      perms      bytes      nattch     status      \n|",
    "{Shared Memory Segments}key        shmid      owner      perms      size       nattch     status      \n|",
    "0x%xk0 %di1 %nu1 %om1 %sa1 %db1 %Dm8 %Lm8\n|",
    "{Shared Memory Segment Creators/Owners}shmid      perms      cuid       cgid       uid        gid       \n|",
    "%di1 %om1 %NU1 %GG1 %Nu1 %Gg1\n|",
    "{Shared Memory Attach/Detach/Change Times}shmid      owner      attached             detached             changed             \n|",
    "%di1 %nu1 %ts4 %tr4 %tc4\n|",
    "{Shared Memory Creator/Last-op PIDs}shmid      owner      cpid       lpid      \n|",
    "%di1 %nu1 %dp1 %dq1\n|",
    "\nShared memory Segment shmid=%di0\nuid=%du0\tgid=%dg0\tcuid=%dU0\tcgid=%dG0\n\
mode=%Om0\taccess_perms=%Pm0\n%bk0=%sa0\tlpid=%dq0\tcpid=%dp0\tnattch=%db0\n\
att_time=%Ts5\ndet_time=%Tr5\nchange_time=%Ec5\n\n|",
    "{Shared Memory Limits}max number of segments = %dk0\nmax seg size%zi2\n\
max total shared memory (kbytes) = %sm0\nmin seg size%zu1\n|",
    "{Shared Memory Limits}max number of segments = %dk0\nmax seg size%zi2\n\
max total shared memory%zm0\nmin seg size%zu1\n|",
    "{Shared Memory Status}segments allocated %dk0\npages allocated %di0\n\
pages resident  %dm0\npages swapped   %du0\nSwap performance: %dg0 attempts\t %dU0 successes\n|",
    "unable to fetch shared memory limits\n|",
    "kernel not configured for shared memory\n|",
    // Semaphores.
    "{Semaphore Arrays}key        semid      owner      perms      nsems     \n|",
    "{Semaphore Arrays}key        semid      owner      perms      nsems     \n|",
    "0x%xk0 %di1 %nu1 %om1 %da1\n|",
    "{Semaphore Arrays Creators/Owners}semid      perms      cuid       cgid       uid        gid       \n|",
    "%di1 %om1 %NU1 %GG1 %Nu1 %Gg1\n|",
    "{Semaphore Operation/Change Times}semid    owner      last-op                    last-changed              \n|",
    "%di2 %nu1  %Ts5 %Tc5\n|",
    "|",
    "|",
    "\nSemaphore Array semid=%di0\nuid=%du0\t gid=%dg0\t cuid=%dU0\t cgid=%dG0\n\
mode=%Om0, access_perms=%Pm0\nnsems = %da0\notime = %Ts5\nctime = %Ec5\n\
semnum     value      ncount     zcount     pid       \n|",
    "{Semaphore Limits}max number of arrays = %dk0\nmax semaphores per array = %di0\n\
max semaphores system wide = %dm0\nmax ops per semop call = %du0\nsemaphore max value = 32767\n|",
    "%di1 %da1 %db1 %dp1 %dq1\n|",
    "{Semaphore Status}used arrays = %dk0\nallocated semaphores = %di0\n|",
    "unable to fetch semaphore limits\n|",
    "kernel not configured for semaphores\n",
);
const S_DETAIL: usize = 9;
const S_LIMITS: usize = 10;
const S_ALT: usize = 11;
const S_STATUS: usize = 12;
const S_UNABLE: usize = 13;
const S_NOT_CONF: usize = 14;

/// printf widths by digit: `%-10`, `%-8`, `%-12`, `%-20.16s`, `%-26.24s`,
/// `%5`, `%6`, `%-6`.
const WIDTHS: [i8; 9] = [0, -10, -8, -12, -20, -26, 5, 6, -6];

fn spec(kind: usize, n: usize) -> &'static [u8] {
    // Unpacked once (the texts are LZ-packed like the help texts).
    static TEXT: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| cli::unpack(SPECS))
        .split(|&b| b == b'|')
        .nth(kind * 15 + n)
        .unwrap_or_default()
}

const SPECS: &[u8] = crate::packed!(SPECS_SRC);
const HELP: &[u8] = crate::packed!(HELP_SRC);

/// Long options in getopt order (abbreviations resolve against them), and
/// the short option each stands for (`H` is --human).
const LONGS: &str = "--id --queues --shmems --semaphores --all --time --pid --creator --limits \
                     --summary --human --bytes --version --help";
const LONG_CH: &[u8; 14] = b"iqmsatpcluHbVh";

/// `ipcs`.
pub fn main(argv: Argv) -> Res<i32> {
    let (mut res, mut fmt, mut id) = (0u8, F_LIST, None);
    // The process ends after this: nothing in `c` needs freeing.
    let mut c = std::mem::ManuallyDrop::new(Ctx {
        w: W {
            b: [0; 8192],
            n: 0,
            bad: None,
        },
        unit: U_DEFAULT,
        dbs: [None, None],
        last: [(-1, false); 2],
        names: [Vec::new(), Vec::new()],
        tz: None,
        tbuf: [0; 48],
        tlen: 0,
    });

    if argv.remaining() > 0 {
        // Args resolves abbreviations against LONGS (in getopt's order).
        let mut a = Args::new(argv).legacy().abbrev_words(LONGS);
        while let Some(arg) = a.next()? {
            let ch = match arg {
                // `H` is only --human's code: util-linux has no -H.
                Arg::Short(ch) if ch != 'H' => ch,
                Arg::Long(l) => match LONGS.split(' ').position(|n| n.get(2..) == Some(l)) {
                    Some(i) => LONG_CH[i % 14] as char,
                    None => return Err(cli::unknown(arg)),
                },
                Arg::Value(_) => continue, // util-linux ignores operands
                _ => return Err(cli::unknown(arg)),
            };
            match ch {
                'i' => id = Some(parse_id(&a.value()?)),
                'a' => res = 7,
                'q' => res |= 1,
                'm' => res |= 2,
                's' => res |= 4,
                't' => fmt = F_TIME,
                'c' => fmt = F_CREATOR,
                'p' => fmt = F_PID,
                'l' => fmt = F_LIMITS,
                'u' => fmt = F_STATUS,
                'H' => c.unit = U_HUMAN,
                'b' => c.unit = U_BYTES,
                'h' => {
                    c.w.put(&cli::unpack(HELP));
                    return c.w.finish().map(|_| 0);
                }
                'V' => return Err(cli::version()),
                ch => return Err(cli::unknown(Arg::Short(ch))),
            }
        }
    }
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

/// `strtos32_or_err(optarg, "failed to parse id argument")`: leading
/// blanks and a sign are fine; digits that do not fit are ERANGE.
fn parse_id(s: &OsStr) -> i32 {
    crate::num::strtos32_or_err(s, "failed to parse id argument")
}

/// Buffered stdout in a stack buffer: the common empty listing costs no
/// heap allocation (and so no brk/mmap syscalls).
struct W {
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

impl W {
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

    fn finish(&mut self) -> Res {
        self.flush();
        match self.bad {
            Some(e) => Err(cli::err(b"write error", e)),
            None => Ok(()),
        }
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

/// Output plus the lazily loaded lookups (passwd, group, time zone).
struct Ctx {
    w: W,
    unit: u8,
    dbs: [Option<Db>; 2],
    /// The last id looked up in each db, and whether it had a name.
    last: [(i64, bool); 2],
    names: [Vec<u8>; 2],
    tz: Option<tz::Tz>,
    /// The last ctime text (util-linux's static buffer).
    tbuf: [u8; 48],
    tlen: usize,
}

/// Prints `spec` (see [`SPECS`]) with the values of `o`.
fn pf(c: &mut Ctx, spec: &[u8], o: &Obj) {
    let mut i = 0;
    while let Some(&ch) = spec.get(i) {
        i += 1;
        match ch {
            b'{' => c.w.put(b"------ "),
            b'}' => c.w.put(b" --------\n"),
            b'%' => {
                let d = spec.get(i..i + 3).unwrap_or(b"d00");
                i += 3;
                let v = o[SLOTS.iter().position(|&x| x == d[1]).unwrap_or(0)];
                let digit = (d[2] - b'0') as usize % 9;
                field(c, d[0], v, digit, o[MODE]);
            }
            _ => {
                let n = spec[i..]
                    .iter()
                    .take_while(|&&b| !matches!(b, b'{' | b'}' | b'%'))
                    .count();
                c.w.put(&spec[i - 1..i + n]);
                i += n;
            }
        }
    }
}

/// One `%` field: `d` decimal, `o` perms in octal, `O`/`P` mode/perms as
/// `%#o`, `x` the key as `%08x`, `n` owner name cut to 10, `N`/`G` user or
/// group name, `t` time as `ctime+4` cut to 16 or Not set, `T` full ctime
/// or Not set, `E` full ctime, `s` size (row layout when a width is given),
/// `z` labelled size (the digit picks the unit: 0 as given, 1 bytes or 2
/// kbytes when none was given), `b` `bytes`/`size`, `y` ` bytes` for the
/// default unit, `D`/`L` shm dest/locked status.
#[inline(never)]
fn field(c: &mut Ctx, conv: u8, v: i64, digit: usize, mode: i64) {
    let w = WIDTHS[digit] as i32;
    let hum = c.unit == U_HUMAN;
    match conv {
        b'd' => c.w.num(v.unsigned_abs(), v < 0, 10, w),
        b'o' => c.w.num(v as u64 & 0o777, false, 8, w),
        b'O' | b'P' => {
            let v = if conv == b'P' { v & 0o777 } else { v };
            if v != 0 {
                c.w.put(b"0");
            }
            c.w.num(v as u64, false, 8, 0);
        }
        b'x' => {
            let mut b = [0u8; 24];
            let k = radix(v as u32 as u64, 16, false, &mut b);
            c.w.put(&b"00000000"[k.len().min(8)..]);
            c.w.put(k);
        }
        b'n' | b'N' | b'G' => c.owner(v, (conv == b'G') as usize, conv == b'n'),
        b't' => c.time(v, true, 4, 16, w),
        b'T' | b'E' => c.time(v, conv == b'T', 0, 24, w),
        b's' if w != 0 && hum => {
            let mut b = [0u8; 24];
            c.w.pad(human(v as u64, &mut b), 6);
            c.w.put(&SPACES[..w.unsigned_abs() as usize - 6]);
        }
        b's' => size(c, c.unit, v, w),
        b'z' => {
            let u = match (digit, c.unit) {
                (1, U_DEFAULT) => U_BYTES,
                (2, U_DEFAULT) => U_KB,
                (_, u) => u,
            };
            c.w.put(match u {
                U_BYTES => b" (bytes) = ",
                U_KB => b" (kbytes) = ",
                _ => b" = ",
            });
            size(c, u, v, 0);
        }
        b'b' => c.w.put(if hum { b"size" } else { b"bytes" }),
        b'y' => c.w.put(if c.unit == U_DEFAULT { b" bytes" } else { b"" }),
        // D and L: the shm status words.
        _ => {
            let (bit, word) = if conv == b'D' {
                (ipc::SHM_DEST, &b"dest"[..])
            } else {
                (ipc::SHM_LOCKED, &b"locked"[..])
            };
            c.w.pad(if mode as u32 & bit != 0 { word } else { b" " }, w)
        }
    }
}

/// A size in `unit` (`ipc_print_size` without its label).
fn size(c: &mut Ctx, unit: u8, v: i64, w: i32) {
    let v = v as u64;
    match unit {
        U_HUMAN => {
            let mut b = [0u8; 24];
            c.w.pad(human(v, &mut b), w);
        }
        U_KB => c.w.num(v / 1024, false, 10, w),
        _ => c.w.num(v, false, 10, w),
    }
}

impl Ctx {
    /// The user (g = 0) or group (g = 1) name of `id` as `%-10s`, cut to
    /// 10 bytes when `cut`; the number as `%-10u` when it has none.
    fn owner(&mut self, id: i64, g: usize, cut: bool) {
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
            self.w
                .pad(&n[..if cut { n.len().min(10) } else { n.len() }], -10);
        } else {
            self.w.num(id as u64, false, 10, -10);
        }
    }

    /// `printf("%-W.Ps", t ? ctime(&t) + skip : "Not set")`.
    fn time(&mut self, t: i64, not_set: bool, skip: usize, prec: usize, w: i32) {
        if t == 0 && not_set {
            return self.w.pad(b"Not set", w);
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
        self.w.pad(&s[..s.len().min(prec)], w);
    }
}

/// One section of the listing.
#[inline(never)]
fn section(c: &mut Ctx, kind: usize, fmt: usize) {
    let mut o = [0; 15];
    let row = match fmt {
        F_LIMITS => return pf(c, spec(kind, limits(kind, c.unit == U_DEFAULT, &mut o)), &o),
        F_STATUS => return pf(c, spec(kind, status(kind, &mut o)), &o),
        F_LIST => {
            pf(c, spec(kind, (c.unit == U_HUMAN) as usize), &o);
            2
        }
        _ => {
            pf(c, spec(kind, 2 * fmt + 1), &o);
            2 * fmt + 2
        }
    };
    let row = spec(kind, row);
    if !row.is_empty() {
        each(kind, &mut |o| pf(c, row, o));
    }
}

/// Fills `v` with the whitespace-separated numbers of file `path` (a
/// /proc/sys/kernel one); false unless all were there.
fn nums(path: &std::ffi::CStr, v: &mut [i64]) -> bool {
    use rustix::fs::{Mode, OFlags};
    let mut b = [0u8; 128];
    let n = rustix::fs::open(path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())
        .and_then(|fd| rustix::io::read(&fd, &mut b))
        .unwrap_or(0);
    let mut i = 0;
    for x in v {
        match num(token(&b[..n], &mut i, true), 10) {
            Some(k) => *x = k,
            None => return false,
        }
    }
    true
}

/// The token of `b` at `*i` (empty at the end), moving `*i` past it:
/// tokens are separated by ASCII white space (`ws`) or by blanks.
#[inline(never)]
fn token<'a>(b: &'a [u8], i: &mut usize, ws: bool) -> &'a [u8] {
    // Bits of the separators: blank and tab (and \n \x0c \r for `ws`).
    let mask: u64 = if ws { 0x1_0000_3600 } else { 0x1_0000_0200 };
    let sep = |c: &u8| *c <= 32 && mask >> c & 1 != 0;
    while b.get(*i).is_some_and(sep) {
        *i += 1;
    }
    let st = *i;
    while b.get(*i).is_some_and(|c| !sep(c)) {
        *i += 1;
    }
    b.get(st..*i).unwrap_or_default()
}

/// `-l`: fills `o` with the limits of `kind`; returns the spec to print.
#[inline(never)]
fn limits(kind: usize, default_unit: bool, o: &mut Obj) -> usize {
    let ok = match kind {
        MSG => {
            (nums(c"/proc/sys/kernel/msgmni", &mut o[0..1])
                && nums(c"/proc/sys/kernel/msgmax", &mut o[1..2])
                && nums(c"/proc/sys/kernel/msgmnb", &mut o[2..3]))
                || ipc::msgctl_info(ipc::IPC_INFO)
                    .map(|(_, i)| {
                        o[0] = i.msgmni as i64;
                        o[1] = i.msgmax as i64;
                        o[2] = i.msgmnb as i64;
                    })
                    .is_ok()
        }
        SHM => {
            let ok = (nums(c"/proc/sys/kernel/shmmni", &mut o[0..1])
                && nums(c"/proc/sys/kernel/shmmax", &mut o[1..2])
                && nums(c"/proc/sys/kernel/shmall", &mut o[2..3]))
                || ipc::shmctl_ipc_info()
                    .map(|(_, i)| {
                        o[0] = i.shmmni as i64;
                        o[1] = i.shmmax as i64;
                        o[2] = i.shmall as i64;
                    })
                    .is_ok();
            let pg = crate::sys::proc::page_size();
            let m = if default_unit { (pg / 1024).max(1) } else { pg };
            o[2] = (o[2] as u64)
                .checked_mul(m)
                .unwrap_or(u64::MAX - u64::MAX % m) as i64;
            o[3] = 1;
            ok
        }
        _ => {
            // /proc order: semmsl semmns semopm semmni.
            if nums(c"/proc/sys/kernel/sem", &mut o[1..5]) {
                o[0] = o[4];
                true
            } else {
                ipc::semctl_info(ipc::IPC_INFO)
                    .map(|(_, i)| {
                        o[0] = i.semmni as i64;
                        o[1] = i.semmsl as i64;
                        o[2] = i.semmns as i64;
                        o[3] = i.semopm as i64;
                    })
                    .is_ok()
            }
        }
    };
    match (ok, kind == SHM && !default_unit) {
        (false, _) => S_UNABLE,
        (_, true) => S_ALT,
        _ => S_LIMITS,
    }
}

/// `-u`: fills `o` from the `*_INFO` syscalls (like util-linux).
#[inline(never)]
fn status(kind: usize, o: &mut Obj) -> usize {
    let ok = match kind {
        MSG => ipc::msgctl_info(ipc::MSG_INFO).map(|(_, i)| {
            o[0] = i.msgpool as i64;
            o[1] = i.msgmap as i64;
            o[2] = i.msgtql as i64;
        }),
        SHM => ipc::shmctl_shm_info().map(|(_, i)| {
            o[0] = i.used_ids as i64;
            o[1] = i.shm_tot as i64;
            o[2] = i.shm_rss as i64;
            o[3] = i.shm_swp as i64;
            o[4] = i.swap_attempts as i64;
            o[5] = i.swap_successes as i64;
        }),
        _ => ipc::semctl_info(ipc::SEM_INFO).map(|(_, i)| {
            o[0] = i.semusz as i64;
            o[1] = i.semaem as i64;
        }),
    };
    if ok.is_ok() { S_STATUS } else { S_NOT_CONF }
}

/// The semctl commands that fill slots a b p q (GETVAL GETNCNT GETZCNT
/// GETPID), then where their names start in the error text.
const SEM_CMDS: [u8; 8] = [
    ipc::GETVAL as u8,
    ipc::GETNCNT as u8,
    ipc::GETZCNT as u8,
    ipc::GETPID as u8,
    0,
    6,
    13,
    20,
];

/// `-i ID`: the details of one object.
#[inline(never)]
fn detail(c: &mut Ctx, kind: usize, id: i32) -> Res {
    let mut found = None;
    each(kind, &mut |o| {
        // util-linux shows the first object for a negative id.
        if found.is_none() && (id < 0 || o[ID] == id as i64) {
            found = Some(*o);
        }
    });
    let Some(mut o) = found else {
        cli::warnx(&crate::cat!("id ", id, " not found"));
        return Ok(());
    };
    if kind == MSG && id >= 0 {
        o[QB] = ipc::msgctl_stat(id, ipc::IPC_STAT).map_or(0, |(_, d)| d.msg_qbytes as i64);
    }
    let real = o[ID] as i32;
    o[ID] = id as i64;
    // Semaphore values: all read once before anything is printed (a
    // failure prints nothing but the error, like util-linux), then again
    // while printing.
    let n = if kind == SEM { o[A].clamp(0, 65536) } else { 0 };
    for print in [false, true] {
        if print {
            pf(c, spec(kind, S_DETAIL), &o);
        }
        for i in 0..n {
            let mut e = [0; 15];
            e[ID] = i;
            // Values land in slots a b p q.
            for k in 0..4 {
                e[A + k] = match ipc::semctl_get(real, i as i32, SEM_CMDS[k] as i32) {
                    Ok(v) => v as i64,
                    Err(err) => {
                        // GETVAL and GETPID have 6 letters, the others 7.
                        let name = &b"GETVALGETNCNTGETZCNTGETPID"[SEM_CMDS[k + 4] as usize..];
                        let m =
                            crate::cat!("semctl(", &name[..6 + (k % 3 != 0) as usize], ") failed");
                        return Err(cli::err(&m, err));
                    }
                };
            }
            if print {
                pf(c, spec(SEM, S_ALT), &e);
            }
        }
    }
    if kind == SEM {
        c.w.put(b"\n");
    }
    Ok(())
}

/// A whole token as a number in `base` (an optional sign, then digits);
/// None on anything else.
fn num(t: &[u8], base: u32) -> Option<i64> {
    let d = crate::num::scan(t, base).filter(|d| d.rest.is_empty())?;
    d.signed().ok()
}

/// One /proc/sysvipc line; None for anything unexpected (too few columns,
/// a column that is not a number).
fn parse_line(kind: usize, line: &[u8]) -> Option<Obj> {
    let (mut o, mut at) = ([0; 15], 0);
    for (i, &slot) in COLS[kind].iter().enumerate() {
        o[slot as usize] = num(token(line, &mut at, false), if i == 2 { 8 } else { 10 })?;
    }
    Some(o)
}

/// Calls `f` for every object of `kind`: from /proc/sysvipc, or (without
/// /proc) from the syscalls.
fn each(kind: usize, f: &mut dyn FnMut(&Obj)) {
    use rustix::fs::{Mode, OFlags};
    let path = [
        c"/proc/sysvipc/msg",
        c"/proc/sysvipc/shm",
        c"/proc/sysvipc/sem",
    ][kind % 3];
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
        while start < len {
            let p = buf[start..len].iter().position(|&b| b == b'\n');
            if p.is_none() && !eof {
                break;
            }
            let end = p.map_or(len, |p| start + p);
            if !std::mem::take(&mut skip)
                && let Some(o) = parse_line(kind, &buf[start..end])
            {
                f(&o);
            }
            start = end + 1;
        }
        let start = start.min(len);
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
#[inline(never)]
fn fallback(kind: usize, f: &mut dyn FnMut(&Obj)) {
    let sys_kind = [ipc::Kind::Msg, ipc::Kind::Shm, ipc::Kind::Sem][kind];
    let max = ipc::max_index(sys_kind).unwrap_or(-1);
    let cmds = [
        [ipc::MSG_STAT_ANY, ipc::MSG_STAT],
        [ipc::SHM_STAT_ANY, ipc::SHM_STAT],
        [ipc::SEM_STAT_ANY, ipc::SEM_STAT],
    ][kind];
    for i in 0..=max {
        let mut o = [0; 15];
        if stat(kind, i, cmds[0], &mut o) || stat(kind, i, cmds[1], &mut o) {
            f(&o);
        }
    }
}

/// One `*_STAT*` call at index `i`, into `o`.
#[inline(never)]
fn stat(kind: usize, i: i32, cmd: i32, o: &mut Obj) -> bool {
    let (id, p) = match kind {
        MSG => {
            let Ok((id, d)) = ipc::msgctl_stat(i, cmd) else {
                return false;
            };
            o[7] = d.msg_cbytes as i64;
            o[8] = d.msg_qnum as i64;
            o[9] = d.msg_lspid as i64;
            o[10] = d.msg_lrpid as i64;
            o[11] = d.msg_stime;
            o[12] = d.msg_rtime;
            o[13] = d.msg_ctime;
            (id, d.msg_perm)
        }
        SHM => {
            let Ok((id, d)) = ipc::shmctl_stat(i, cmd) else {
                return false;
            };
            o[7] = d.shm_segsz as i64;
            o[8] = d.shm_nattch as i64;
            o[9] = d.shm_cpid as i64;
            o[10] = d.shm_lpid as i64;
            o[11] = d.shm_atime;
            o[12] = d.shm_dtime;
            o[13] = d.shm_ctime;
            (id, d.shm_perm)
        }
        _ => {
            let Ok((id, d)) = ipc::semctl_stat(i, cmd) else {
                return false;
            };
            o[7] = d.sem_nsems as i64;
            o[11] = d.sem_otime;
            o[13] = d.sem_ctime;
            (id, d.sem_perm)
        }
    };
    o[0] = p.key as i64;
    o[1] = id as i64;
    o[2] = p.mode as i64;
    o[3] = p.uid as i64;
    o[4] = p.gid as i64;
    o[5] = p.cuid as i64;
    o[6] = p.cgid as i64;
    true
}

/// Local time like glibc: `TZ` (a zoneinfo name or path, or a POSIX TZ
/// string), else /etc/localtime, else UTC. TZif v1/v2+ files, with the
/// footer rule for times after the last transition.
mod tz {
    use std::mem::ManuallyDrop;
    use std::os::unix::ffi::OsStrExt;

    /// A TZif file held as read, with where its tables are.
    #[derive(Default)]
    pub struct Tz {
        d: Vec<u8>,
        /// Bytes per transition time (4 in v1 data, 8 in v2+).
        tsz: usize,
        timecnt: usize,
        typecnt: usize,
        /// Offset of the transition times; indices and types follow.
        at: usize,
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
        // Not freed: the process ends soon after.
        let env = ManuallyDrop::new(crate::sys::proc::env(b"TZ"));
        let name = match &*env {
            None => &b"/etc/localtime"[..],
            Some(v) => v.as_bytes().strip_prefix(b":").unwrap_or(v.as_bytes()),
        };
        let mut path = ManuallyDrop::new(Vec::new());
        if !name.starts_with(b"/") {
            let dir = ManuallyDrop::new(crate::sys::proc::env(b"TZDIR"));
            path.extend_from_slice(
                dir.as_ref()
                    .map_or(b"/usr/share/zoneinfo", |d| d.as_bytes()),
            );
            path.push(b'/');
        }
        path.extend_from_slice(name);
        let d = if name.is_empty() {
            Vec::new()
        } else {
            crate::cli::read_file(std::ffi::OsStr::from_bytes(&path)).unwrap_or_default()
        };
        tzif(d).unwrap_or_else(|| Tz {
            rule: env.as_ref().and(posix(name)),
            ..Tz::default()
        })
    }

    /// A big-endian signed number of `n` bytes at `at`.
    fn be(d: &[u8], at: usize, n: usize) -> Option<i64> {
        let b = d.get(at..at.checked_add(n)?)?;
        let v = b.iter().fold(0u64, |v, &x| v << 8 | x as u64);
        Some(((v << (64 - 8 * n)) as i64) >> (64 - 8 * n))
    }

    /// The v1 TZif data, or for v2+ files the 64-bit data after it (and
    /// the footer rule).
    #[inline(never)]
    fn tzif(d: Vec<u8>) -> Option<Tz> {
        let (mut h, mut tsz) = (0, 4);
        loop {
            if d.get(h..h + 4)? != b"TZif" {
                return None;
            }
            // isutcnt isstdcnt leapcnt timecnt typecnt charcnt
            let mut c = [0; 6];
            for (i, x) in c.iter_mut().enumerate() {
                *x = (be(&d, h + 20 + 4 * i, 4)? as u32).min(1 << 20) as usize;
            }
            let [ut, std, leap, timecnt, typecnt, chars] = c;
            let at = h + 44;
            let end = at + timecnt * (tsz + 1) + typecnt * 6 + chars + leap * (tsz + 4) + std + ut;
            if tsz == 4 && *d.get(4)? >= b'2' {
                (h, tsz) = (end, 8);
                continue;
            }
            if d.len() < end || typecnt == 0 {
                return None;
            }
            let mut rule = None;
            if tsz == 8 {
                // The footer: `\nRULE\n`.
                let f = d.get(end..).unwrap_or_default();
                if let Some(p) = f.iter().position(|&b| b == b'\n') {
                    let r = &f[p + 1..];
                    rule = posix(&r[..r.iter().position(|&b| b == b'\n').unwrap_or(r.len())]);
                }
            }
            return Some(Tz {
                d,
                tsz,
                timecnt,
                typecnt,
                at,
                rule,
            });
        }
    }

    impl Tz {
        /// Seconds east of UTC at `t`.
        #[inline(never)]
        pub fn offset(&self, t: i64) -> i64 {
            let (d, n, tsz) = (&self.d, self.timecnt, self.tsz);
            let types = self.at + n * (tsz + 1);
            let ty = |k: usize| be(d, types + k * 6, 4).unwrap_or(0);
            if self.typecnt > 0 {
                // The transitions (sorted) at or before `t`.
                let mut i = 0;
                while i < n && be(d, self.at + i * tsz, tsz).unwrap_or(0) <= t {
                    i += 1;
                }
                if i == 0 {
                    // glibc: the first standard-time type.
                    let k = (0..self.typecnt).find(|&k| d.get(types + k * 6 + 4) == Some(&0));
                    return ty(k.unwrap_or(0));
                }
                if i < n || self.rule.is_none() {
                    let k = d.get(self.at + n * tsz + i - 1).copied().unwrap_or(0);
                    return ty(k as usize % self.typecnt);
                }
            }
            self.rule.map_or(0, |r| r.offset(t))
        }
    }

    /// A cursor over a POSIX TZ string.
    struct P<'a>(&'a [u8], usize);

    impl P<'_> {
        fn peek(&self) -> u8 {
            self.0.get(self.1).copied().unwrap_or(0)
        }
        fn eat(&mut self, c: u8) -> bool {
            let hit = self.peek() == c;
            self.1 += hit as usize;
            hit
        }
        /// A zone name: 3+ letters, or anything in `<>`.
        fn name(&mut self) -> Option<()> {
            let start = self.1;
            let quoted = self.eat(b'<');
            while self.1 < self.0.len()
                && (if quoted {
                    self.peek() != b'>'
                } else {
                    self.peek().is_ascii_alphabetic()
                })
            {
                self.1 += 1;
            }
            let n = self.1 - start;
            (n >= 3 && (!quoted || self.eat(b'>'))).then_some(())
        }
        /// A number of up to 9 digits.
        fn int(&mut self) -> Option<i64> {
            let start = self.1;
            let mut v = 0;
            while self.peek().is_ascii_digit() && self.1 - start < 9 {
                v = v * 10 + (self.peek() - b'0') as i64;
                self.1 += 1;
            }
            (self.1 > start).then_some(v)
        }
        /// `[+-]hh[:mm[:ss]]` in seconds.
        fn hms(&mut self) -> Option<i64> {
            let neg = self.eat(b'-');
            if !neg {
                self.eat(b'+');
            }
            let mut v = self.int()? * 3600;
            if self.eat(b':') {
                v += self.int()? * 60;
                if self.eat(b':') {
                    v += self.int()?;
                }
            }
            Some(if neg { -v } else { v })
        }
        /// `Jn`, `n` or `Mm.w.d`, then an optional `/time`.
        fn date(&mut self) -> Option<[i64; 5]> {
            let mut d = [1, 0, 0, 0, 7200];
            if self.eat(b'M') {
                d[0] = 2;
                d[1] = self.int()?.clamp(1, 12);
                for x in &mut d[2..4] {
                    if !self.eat(b'.') {
                        return None;
                    }
                    *x = self.int()?;
                }
            } else {
                d[0] = !self.eat(b'J') as i64;
                d[1] = self.int()?;
            }
            if self.eat(b'/') {
                d[4] = self.hms()?;
            }
            Some(d)
        }
    }

    #[inline(never)]
    fn posix(s: &[u8]) -> Option<Rule> {
        let mut p = P(s, 0);
        p.name()?;
        let std = -p.hms()?;
        let mut r = Rule {
            std,
            dst: std + 3600,
            has_dst: p.1 < s.len(),
            start: [2, 3, 2, 0, 7200],
            end: [2, 11, 1, 0, 7200],
        };
        if r.has_dst {
            p.name()?;
            if matches!(p.peek(), b'+' | b'-' | b'0'..=b'9') {
                r.dst = -p.hms()?;
            }
            if p.eat(b',') {
                r.start = p.date()?;
                if !p.eat(b',') {
                    return None;
                }
                r.end = p.date()?;
            }
        }
        Some(r)
    }

    impl Rule {
        fn offset(&self, t: i64) -> i64 {
            let y = civil((t + self.std).div_euclid(86400)).0;
            let at = |d: &[i64; 5], off: i64| rule_day(d, y) * 86400 + d[4] - off;
            let (s, e) = (at(&self.start, self.std), at(&self.end, self.dst));
            let dst = self.has_dst
                && if s < e {
                    t >= s && t < e
                } else {
                    t < e || t >= s
                };
            if dst { self.dst } else { self.std }
        }
    }

    /// The day (since 1970-01-01) a rule date falls on in year `y`.
    fn rule_day(d: &[i64; 5], y: i64) -> i64 {
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let jan1 = days(y, 1, 1);
        match d[0] {
            0 => jan1 + d[1] - 1 + (leap && d[1] >= 60) as i64,
            1 => jan1 + d[1],
            _ => {
                let m = d[1];
                let first = days(y, m, 1);
                let next = days(y + m / 12, m % 12 + 1, 1);
                let mut day = first + (d[3] - (first + 4)).rem_euclid(7) + (d[2] - 1) * 7;
                while day >= next {
                    day -= 7;
                }
                day
            }
        }
    }

    /// Days since 1970-01-01 of a civil date.
    fn days(y: i64, m: i64, d: i64) -> i64 {
        let y = if m <= 2 { y - 1 } else { y };
        let (era, yoe) = (y.div_euclid(400), y.rem_euclid(400));
        let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
        era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468
    }

    /// The civil date (y, m, d) of a day number.
    fn civil(z: i64) -> (i64, i64, i64) {
        let z = z + 719468;
        let (era, doe) = (z.div_euclid(146097), z.rem_euclid(146097));
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        (
            yoe + era * 400 + (m <= 2) as i64,
            m,
            doy - (153 * mp + 2) / 5 + 1,
        )
    }

    /// glibc's `ctime` text of local time `t`, without the newline:
    /// `Sun Nov 22 15:20:31 2026`.
    pub fn ctime(t: i64, b: &mut [u8; 48]) -> &[u8] {
        const NAMES: &[u8] = b"SunMonTueWedThuFriSatJanFebMarAprMayJunJulAugSepOctNovDec";
        let (day, s) = (t.div_euclid(86400), t.rem_euclid(86400));
        let (y, m, d) = civil(day);
        if i32::try_from(y - 1900).is_err() {
            return &[];
        }
        let wd = (day + 4).rem_euclid(7) as usize * 3;
        let mi = (m as usize + 6) * 3;
        // `Www Mmm dd hh:mm:ss `, then the year.
        *b = [b' '; 48];
        for k in 0..3 {
            b[k] = NAMES.get(wd + k).copied().unwrap_or(b' ');
            b[4 + k] = NAMES.get(mi + k).copied().unwrap_or(b' ');
        }
        for (at, v) in [(8, d), (11, s / 3600), (14, s / 60 % 60), (17, s % 60)] {
            b[at] = b'0' + (v / 10) as u8;
            b[at + 1] = b'0' + (v % 10) as u8;
        }
        if d < 10 {
            b[8] = b' ';
        }
        b[13] = b':';
        b[16] = b':';
        let mut t2 = [0u8; 24];
        let year = super::radix(y.unsigned_abs(), 10, y < 0, &mut t2);
        b[20..20 + year.len()].copy_from_slice(year);
        &b[..20 + year.len()]
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
            assert_eq!(text(-1), "Wed Dec 31 23:59:59 1969");
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
            assert!(posix(b"<abc").is_none());
            assert!(posix(b"AB1").is_none());
            assert!(posix(b"CET-1CEST,M3.5.0").is_none());
            assert_eq!(posix(b"<-03>3").unwrap().offset(0), -3 * 3600);
            let r = posix(b"EST5EDT").unwrap();
            assert_eq!(r.offset(1782864000), -4 * 3600);
            let r = posix(b"XXX3YYY,J60/1,300").unwrap();
            assert_eq!(r.offset(1782864000), -2 * 3600);
        }

        #[test]
        fn tzif_files() {
            // Europe/Berlin from the system (fat or slim): both sides of
            // the table and of its end.
            let Ok(d) = std::fs::read("/usr/share/zoneinfo/Europe/Berlin") else {
                return eprintln!("SKIP tzif_files: no zoneinfo");
            };
            let tz = tzif(d).unwrap();
            assert_eq!(tz.offset(1782864000), 7200); // 2026-07
            assert_eq!(tz.offset(1798761600), 3600); // 2027-01
            assert_eq!(tz.offset(4102444800 + 180 * 86400), 7200); // 2100-06
            assert_eq!(tz.offset(0), 3600);
            assert!(tzif(b"TZif2garbage".to_vec()).is_none());
            assert!(tzif(Vec::new()).is_none());
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
        assert_eq!(h(1024 * 1024 - 1), "1024K");
        assert_eq!(h(950 + 1024), "1.9K");
        assert_eq!(h(u64::MAX), "16E");
        assert_eq!(h(18446744073692774399), "16E");
    }

    #[test]
    fn proc_lines() {
        let l = b"      1234          5   1644           0          3  100  200     0     0     0     0          0          0 1795360831";
        let o = parse_line(MSG, l).unwrap();
        assert_eq!(
            (o[0], o[ID], o[MODE], o[8], o[9], o[13]),
            (1234, 5, 0o1644, 3, 100, 1795360831)
        );
        assert!(parse_line(MSG, b"1 2 3").is_none());
        assert!(parse_line(SEM, b"1 2 x 4 5 6 7 8 9 10").is_none());
        assert!(parse_line(SEM, b"-5 2 600 4 5 6 7 8 9 10 11").is_some());
        assert!(parse_line(SEM, b"").is_none());
        assert!(parse_line(SEM, b"1 2 9 4 5 6 7 8 9 10").is_none()); // 9 is not octal
    }
}
