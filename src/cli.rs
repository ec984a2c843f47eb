//! Everything the applets share about talking to the user: the program name,
//! util-linux-style messages and exit codes, getopt_long-style option parsing,
//! `--help`/`--version`, number parsing, and a buffered stdout.
//!
//! Messages are assembled from byte pieces with [`cat!`] rather than
//! `format!`, so the core formatting machinery stays off the hot paths.

use crate::sys::Argv;
use rustix::io::Errno;
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::sync::OnceLock;

/// The version every applet reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// An early exit with this status; any message has already been printed.
#[derive(Debug, PartialEq, Eq)]
pub struct Exit(pub i32);

/// Result type of applet code.
pub type Res<T = ()> = Result<T, Exit>;

struct Names {
    /// argv[0] exactly as given (getopt-style complaints use it).
    argv0: &'static [u8],
    /// The name messages start with: the basename we were called by.
    name: &'static [u8],
}

static NAMES: OnceLock<Names> = OnceLock::new();

/// Records how the running applet was invoked. First call wins.
pub fn set_names(argv0: &'static [u8], name: &'static [u8]) {
    let _ = NAMES.set(Names { argv0, name });
}

/// The name messages start with (`hostname`, `unshare`, ...).
pub fn prog() -> &'static [u8] {
    NAMES.get().map_or(b"nsbox", |n| n.name)
}

fn argv0() -> &'static [u8] {
    NAMES.get().map_or(b"nsbox", |n| n.argv0)
}

/// A piece of a message: text, bytes, numbers, an errno (as its text).
pub trait Part {
    fn put(&self, v: &mut Vec<u8>);
}

/// Appends `b` to `v`: the one copy every piece ends in, not inlined (one
/// call per piece instead of a grow-and-copy at every message).
#[inline(never)]
fn append(v: &mut Vec<u8>, b: &[u8]) {
    v.extend_from_slice(b)
}
impl Part for str {
    fn put(&self, v: &mut Vec<u8>) {
        append(v, self.as_bytes())
    }
}
impl Part for [u8] {
    fn put(&self, v: &mut Vec<u8>) {
        append(v, self)
    }
}
impl<const N: usize> Part for [u8; N] {
    fn put(&self, v: &mut Vec<u8>) {
        append(v, self)
    }
}
impl Part for OsStr {
    fn put(&self, v: &mut Vec<u8>) {
        append(v, self.as_bytes())
    }
}
impl Part for OsString {
    fn put(&self, v: &mut Vec<u8>) {
        append(v, self.as_bytes())
    }
}
impl Part for std::path::Path {
    fn put(&self, v: &mut Vec<u8>) {
        append(v, self.as_os_str().as_bytes())
    }
}
impl Part for String {
    fn put(&self, v: &mut Vec<u8>) {
        append(v, self.as_bytes())
    }
}
impl Part for Vec<u8> {
    fn put(&self, v: &mut Vec<u8>) {
        append(v, self)
    }
}
impl Part for char {
    fn put(&self, v: &mut Vec<u8>) {
        let mut b = [0; 4];
        append(v, self.encode_utf8(&mut b).as_bytes())
    }
}
impl Part for Errno {
    fn put(&self, v: &mut Vec<u8>) {
        strerror(*self, v)
    }
}
macro_rules! num_part {
    ($($t:ty),*) => {$(
        impl Part for $t {
            fn put(&self, v: &mut Vec<u8>) {
                #[allow(unused_comparisons)]
                if *self < 0 {
                    v.push(b'-');
                }
                let mut b = [0u8; 20];
                append(v, fmt_u64((*self as i128).unsigned_abs() as u64, &mut b));
            }
        }
    )*};
}
num_part!(u8, u16, u32, u64, usize, i32, i64, isize);
impl<T: Part + ?Sized> Part for &T {
    fn put(&self, v: &mut Vec<u8>) {
        (**self).put(v)
    }
}

/// Concatenates message pieces into a `Vec<u8>`.
#[macro_export]
macro_rules! cat {
    ($($p:expr),* $(,)?) => {{
        let mut v: Vec<u8> = Vec::new();
        $($crate::cli::Part::put(&$p, &mut v);)*
        v
    }};
}

/// Appends message pieces to an existing `Vec<u8>` (like [`cat!`], without
/// a new vector).
#[macro_export]
macro_rules! put {
    ($v:expr, $($p:expr),* $(,)?) => {{
        let v: &mut Vec<u8> = $v;
        $($crate::cli::Part::put(&$p, v);)*
    }};
}

/// Writes a decimal number into `buf` and returns the digits.
pub fn fmt_u64(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
    }
}

/// glibc's texts for errno 1..=122 (what util-linux users see), one per
/// line; an empty line is an errno nsbox never reports (`Unknown error N`).
const ERRNO_TEXT: &str = "Operation not permitted\nNo such file or directory\nNo such process\nInterrupted system call\n\
Input/output error\nNo such device or address\nArgument list too long\nExec format error\n\
Bad file descriptor\nNo child processes\nResource temporarily unavailable\n\
Cannot allocate memory\nPermission denied\nBad address\nBlock device required\n\
Device or resource busy\nFile exists\nInvalid cross-device link\nNo such device\n\
Not a directory\nIs a directory\nInvalid argument\nToo many open files in system\n\
Too many open files\nInappropriate ioctl for device\nText file busy\nFile too large\n\
No space left on device\nIllegal seek\nRead-only file system\nToo many links\nBroken pipe\n\
Numerical argument out of domain\nNumerical result out of range\nResource deadlock avoided\n\
File name too long\nNo locks available\nFunction not implemented\nDirectory not empty\n\
Too many levels of symbolic links\n\nNo message of desired type\nIdentifier removed\n\n\n\n\n\n\
\n\n\n\n\n\n\n\n\n\n\n\nNo data available\n\n\n\n\n\n\n\n\n\n\n\n\n\n\
Value too large for defined data type\n\n\n\n\n\n\n\n\n\
Invalid or incomplete multibyte or wide character\n\n\nToo many users\n\
Socket operation on non-socket\n\n\n\n\n\n\nOperation not supported\n\n\
Address family not supported by protocol\nAddress already in use\n\
Cannot assign requested address\n\n\n\n\n\nNo buffer space available\n\n\n\n\n\
Connection timed out\nConnection refused\n\n\n\n\nStale file handle\n\n\n\n\n\nDisk quota exceeded";

/// Appends glibc's `strerror` text for `e`.
pub fn strerror(e: Errno, v: &mut Vec<u8>) {
    let n = e.raw_os_error();
    let mut t = ERRNO_TEXT.as_bytes();
    let mut i = 1;
    while i < n && !t.is_empty() {
        t = t
            .split_at(
                t.iter()
                    .position(|&b| b == b'\n')
                    .map_or(t.len(), |p| p + 1),
            )
            .1;
        i += 1;
    }
    let text = t.split(|&b| b == b'\n').next().unwrap_or(b"");
    if n < 1 || text.is_empty() {
        v.extend_from_slice(b"Unknown error ");
        n.put(v);
    } else {
        v.extend_from_slice(text);
    }
}

/// Writes all of `buf` to `fd`, retrying on EINTR and short writes.
pub fn write_fd(fd: i32, mut buf: &[u8]) -> Result<(), Errno> {
    // SAFETY-free: rustix's stdio handles are safe with the `std` feature.
    let fd = match fd {
        1 => rustix::stdio::stdout(),
        _ => rustix::stdio::stderr(),
    };
    while !buf.is_empty() {
        match rustix::io::write(fd, buf) {
            Ok(0) => return Err(Errno::IO),
            Ok(n) => buf = &buf[n..],
            Err(Errno::INTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Prints `PROG: MSG\n` on stderr in one write.
pub fn warnx(msg: &[u8]) {
    complain(prog(), msg)
}

/// Prints `WHO: MSG\n` on stderr in one write.
fn complain(who: &[u8], msg: &[u8]) {
    let _ = write_fd(2, &cat!(who, ": ", msg, "\n"));
}

/// Prints `PROG: MSG: strerror\n` on stderr.
pub fn warn(msg: &[u8], e: Errno) {
    warnx(&cat!(msg, ": ", e));
}

/// `errx(1, ...)`: prints `PROG: MSG` and returns exit status 1.
pub fn errx(msg: &[u8]) -> Exit {
    warnx(msg);
    Exit(1)
}

/// `err(1, ...)`: prints `PROG: MSG: strerror` and returns exit status 1.
pub fn err(msg: &[u8], e: Errno) -> Exit {
    warn(msg, e);
    Exit(1)
}

/// `err` when there is an errno, else `errx`.
#[inline(never)]
pub fn fail(msg: &[u8], e: Option<Errno>) -> Exit {
    match e {
        Some(e) => err(msg, e),
        None => errx(msg),
    }
}

/// `err`/`errx` and the end of the process, for code with nothing left to
/// undo (an applet that would only unwind to its exit).
#[inline(never)]
pub fn die(msg: &[u8], e: Option<Errno>) -> ! {
    quit(fail(msg, e))
}

/// [`die`] with a message in pieces.
pub fn die_parts(parts: &[&[u8]], e: Option<Errno>) -> ! {
    die(&parts.concat(), e)
}

/// The value of `r`, or the end of the process (the error is reported).
pub fn ok<T>(r: Res<T>) -> T {
    r.unwrap_or_else(|e| quit(e))
}

/// Ends the process now with the status of an already reported error, as
/// util-linux's `err()` exits wherever it happens (nothing is buffered).
#[inline(never)]
pub fn quit(e: Exit) -> ! {
    crate::sys::proc::exit_now(e.0)
}

/// The whole of a file (or /proc file). One fewer syscall and much less code
/// than `std::fs::read`.
pub fn read_file<P: AsRef<OsStr>>(path: P) -> Result<Vec<u8>, Errno> {
    read_os(path.as_ref())
}

fn read_os(path: &OsStr) -> Result<Vec<u8>, Errno> {
    use rustix::fs::{Mode, OFlags};
    let fd = rustix::fs::open(path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())?;
    let mut v = Vec::new();
    loop {
        v.reserve(4096);
        match rustix::io::read(&fd, rustix::buffer::spare_capacity(&mut v)) {
            Ok(0) => return Ok(v),
            Ok(_) | Err(Errno::INTR) => {}
            Err(e) => return Err(e),
        }
    }
}

/// The `Try 'PROG --help' for more information.` line; exit status 1.
pub fn try_help() -> Exit {
    let _ = write_fd(
        2,
        &cat!("Try '", prog(), " --help' for more information.\n"),
    );
    Exit(1)
}

/// A usage error: `PROG: MSG` then the try-help line; exit status 1.
pub fn usage_err(msg: &[u8]) -> Exit {
    warnx(msg);
    try_help()
}

/// A complaint in getopt's own words (prefixed by argv[0] as given).
pub fn getopt_err(msg: &[u8]) -> Exit {
    complain(argv0(), msg);
    try_help()
}

/// Packs a help text at compile time (see [`pack`]); the value is the
/// `&'static [u8]` that [`help`] and [`Args::abbrev`] take.
#[macro_export]
macro_rules! packed {
    ($s:expr) => {
        &$crate::cli::pack::<{ $crate::cli::lz(($s).as_bytes(), &mut []) }>($s)
    };
}

/// The longest copy a packed text can express, and how far back it reaches.
const LZ_MAX: usize = 18;
const LZ_WINDOW: usize = 2047;

/// Compresses ASCII `s` (LZ77) into `out`, or only counts when `out` is
/// empty; returns the packed length. A byte below 0x80 is itself; a byte
/// `0x80 | (len - 3) << 3 | dist >> 8` and then `dist & 0xff` copy `len`
/// bytes from `dist` back (possibly overlapping). Runs at compile time only.
pub const fn lz(s: &[u8], out: &mut [u8]) -> usize {
    // Hash chains over 3-byte prefixes keep this cheap for const eval.
    const HASH: usize = 1 << 12;
    const NONE: usize = usize::MAX;
    const fn hash(s: &[u8], i: usize) -> usize {
        if i + 2 < s.len() {
            ((s[i] as usize) << 6 ^ (s[i + 1] as usize) << 3 ^ s[i + 2] as usize) % HASH
        } else {
            0
        }
    }
    assert!(s.len() <= 8192, "help text too long to pack");
    let mut head = [NONE; HASH];
    let mut prev = [NONE; 8192];
    let (mut i, mut n) = (0, 0);
    while i < s.len() {
        assert!(s[i] < 0x80, "help texts are ASCII");
        let (mut best, mut dist) = (0, 0);
        let mut j = head[hash(s, i)];
        let mut tries = 0;
        while j != NONE && i - j <= LZ_WINDOW && tries < 64 {
            let mut k = 0;
            while k < LZ_MAX && i + k < s.len() && s[j + k] == s[i + k] {
                k += 1;
            }
            if k > best {
                (best, dist) = (k, i - j);
            }
            j = prev[j];
            tries += 1;
        }
        let step = if best >= 3 { best } else { 1 };
        if !out.is_empty() {
            if step > 1 {
                out[n] = 0x80 | ((best - 3) << 3) as u8 | (dist >> 8) as u8;
                out[n + 1] = dist as u8;
            } else {
                out[n] = s[i];
            }
        }
        n += if step > 1 { 2 } else { 1 };
        let end = i + step;
        while i < end {
            let h = hash(s, i);
            prev[i] = head[h];
            head[h] = i;
            i += 1;
        }
    }
    n
}

/// `s` packed by [`lz`] (use the [`packed!`] macro, which computes `N`).
pub const fn pack<const N: usize>(s: &str) -> [u8; N] {
    let mut out = [0; N];
    lz(s.as_bytes(), &mut out);
    out
}

/// The text [`lz`] packed.
pub fn unpack(p: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(4096);
    let mut i = 0;
    while let Some(&b) = p.get(i) {
        if b < 0x80 {
            v.push(b);
            i += 1;
        } else {
            let dist = ((b as usize & 7) << 8) | *p.get(i + 1).unwrap_or(&0) as usize;
            for _ in 0..(b as usize >> 3 & 15) + 3 {
                v.push(v.get(v.len().wrapping_sub(dist)).copied().unwrap_or(b' '));
            }
            i += 2;
        }
    }
    v
}

/// Prints an applet's (packed) help text on stdout; exit status 0.
pub fn help(text: &[u8]) -> Exit {
    let _ = write_fd(1, &unpack(text));
    Exit(0)
}

/// Prints `PROG from nsbox X.Y.Z`; exit status 0.
pub fn version() -> Exit {
    let _ = write_fd(1, &cat!(prog(), " from nsbox ", VERSION, "\n"));
    Exit(0)
}

/// How an option takes its value (getopt_long's `has_arg`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Val {
    /// A flag: `-f`, `--fork` (`--fork=x` is an error).
    None,
    /// `-F FILE`, `-FFILE`, `--file FILE`, `--file=FILE`.
    Required,
    /// Only attached: `--mount=FILE`, `-oVAL`; never the next argument.
    Optional,
}

/// One row of an applet's option table: its short letter and/or long
/// name, how it takes a value, and the name the applet `match`es on.
///
/// ```ignore
/// #[derive(Clone, Copy, PartialEq)]
/// enum Id { Fork, File, Help }
/// const OPTS: &[Opt<Id>] = &[
///     Opt::new('f', "fork", Val::None, Id::Fork),
///     Opt::long("file", Val::Required, Id::File),
///     Opt::new('h', "help", Val::None, Id::Help),
/// ];
/// ```
///
/// Several rows may share an id (`-f`, `--fqdn`, `--long`). The order of
/// the rows is the order getopt_long lists ambiguous abbreviations in.
#[derive(Debug, Clone, Copy)]
pub struct Opt<T> {
    pub short: Option<char>,
    pub long: Option<&'static str>,
    pub val: Val,
    pub id: T,
}

impl<T> Opt<T> {
    /// `-c` and `--long`.
    pub const fn new(short: char, long: &'static str, val: Val, id: T) -> Self {
        Opt {
            short: Some(short),
            long: Some(long),
            val,
            id,
        }
    }

    /// `-c` only.
    pub const fn short(short: char, val: Val, id: T) -> Self {
        Opt {
            short: Some(short),
            long: None,
            val,
            id,
        }
    }

    /// `--long` only.
    pub const fn long(long: &'static str, val: Val, id: T) -> Self {
        Opt {
            short: None,
            long: Some(long),
            val,
            id,
        }
    }
}

/// What [`Args::next_opt`] found: an option of the table with its value
/// (always `Some` for [`Val::Required`]), or an operand.
#[derive(Debug, PartialEq, Eq)]
pub enum Item<T> {
    Opt(T, Option<OsString>),
    Operand(OsString),
}

/// The table as the parser sees it, without the applet's id type: one
/// parser for every applet (through `dyn`) instead of a copy per id type.
trait Table {
    fn rows(&self) -> usize;
    fn row(&self, i: usize) -> (Option<char>, Option<&'static str>, Val);
    /// Rows `i` and `j` are names of one option.
    fn same(&self, i: usize, j: usize) -> bool;
}

impl<T: Copy + PartialEq> Table for &[Opt<T>] {
    fn rows(&self) -> usize {
        self.len()
    }
    fn row(&self, i: usize) -> (Option<char>, Option<&'static str>, Val) {
        (self[i].short, self[i].long, self[i].val)
    }
    fn same(&self, i: usize, j: usize) -> bool {
        self[i].id == self[j].id
    }
}

/// Command-line arguments of an applet, read as getopt_long reads them,
/// driven by the applet's option table:
///
/// - `--` ends the options; `-` alone and anything not starting with `-`
///   is an operand (options may follow operands);
/// - `--name` and `--name=VALUE`, where `name` is the full long name or an
///   unambiguous abbreviation of one; a required value may also be the
///   next argument;
/// - `-abc` is `-a -b -c`; a short option that takes a value takes the rest
///   of its cluster (`-Fx`) or, when required, the next argument (`-F x`).
pub struct Args {
    argv: Argv,
    /// What is left of a short-option cluster (`bc` after the `a` of `-abc`).
    cluster: &'static [u8],
    /// After `--`: every argument is an operand.
    operands_only: bool,
}

impl Args {
    /// Arguments after the applet name.
    pub fn new(argv: Argv) -> Args {
        Args {
            argv,
            cluster: b"",
            operands_only: false,
        }
    }

    /// The next option of `opts` (with its value) or operand. Anything
    /// else is getopt's complaint and the try-help line.
    pub fn next_opt<T: Copy + PartialEq>(&mut self, opts: &[Opt<T>]) -> Res<Option<Item<T>>> {
        Ok(match self.next_in(&opts)? {
            Found::End => None,
            Found::Operand(v) => Some(Item::Operand(v)),
            Found::Opt(i, v) => Some(Item::Opt(opts[i].id, v)),
        })
    }

    fn next_in(&mut self, t: &dyn Table) -> Res<Found> {
        if self.cluster.is_empty() {
            let Some(arg) = self.argv.next() else {
                return Ok(Found::End);
            };
            let b = arg.as_bytes();
            if self.operands_only || b.len() < 2 || b[0] != b'-' {
                return Ok(Found::Operand(arg.into()));
            }
            if b == b"--" {
                self.operands_only = true;
                return self.next_in(t);
            }
            if let Some(long) = b.strip_prefix(b"--") {
                return self.long(t, long);
            }
            self.cluster = &b[1..];
        }
        self.short(t)
    }

    /// The next letter of the cluster, and its value.
    fn short(&mut self, t: &dyn Table) -> Res<Found> {
        let (c, rest) = (self.cluster[0], &self.cluster[1..]);
        self.cluster = rest;
        let Some(i) = (0..t.rows()).find(|&i| t.row(i).0 == Some(c as char)) else {
            return Err(getopt_err(&cat!("invalid option -- '", [c], "'")));
        };
        let value = match t.row(i).2 {
            Val::None => None,
            Val::Optional | Val::Required if !rest.is_empty() => {
                self.cluster = b"";
                Some(OsStr::from_bytes(rest).into())
            }
            Val::Optional => None,
            Val::Required => match self.argv.next() {
                Some(v) => Some(v.into()),
                None => {
                    let msg = cat!("option requires an argument -- '", [c], "'");
                    return Err(getopt_err(&msg));
                }
            },
        };
        Ok(Found::Opt(i, value))
    }

    /// `--arg` (without its dashes): `name` or `name=value`.
    fn long(&mut self, t: &dyn Table, arg: &'static [u8]) -> Res<Found> {
        let (name, attached) = match arg.iter().position(|&b| b == b'=') {
            Some(p) => (&arg[..p], Some(OsStr::from_bytes(&arg[p + 1..]))),
            None => (arg, None),
        };
        let i = resolve(t, name, arg)?;
        let long = t.row(i).1.unwrap_or("");
        let value = match (t.row(i).2, attached) {
            (Val::None, Some(_)) => {
                let msg = cat!("option '--", long, "' doesn't allow an argument");
                return Err(getopt_err(&msg));
            }
            (Val::Required, None) => match self.argv.next() {
                Some(v) => Some(v),
                None => {
                    let msg = cat!("option '--", long, "' requires an argument");
                    return Err(getopt_err(&msg));
                }
            },
            (_, v) => v,
        };
        Ok(Found::Opt(i, value.map(OsString::from)))
    }

    /// Everything not parsed yet, verbatim (getopt's `+`: options after the
    /// first operand belong to the program).
    pub fn rest(&mut self) -> Vec<OsString> {
        self.argv.by_ref().map(OsString::from).collect()
    }
}

/// The row `--name` names: exactly, or as the unambiguous abbreviation of
/// one option (several names of one option are not ambiguous). Complaints
/// name the option as given (`arg`, with its `=value`), as glibc does.
fn resolve(t: &dyn Table, name: &[u8], arg: &[u8]) -> Res<usize> {
    let long = |i| t.row(i).1.map_or(&b""[..], str::as_bytes);
    let hits = || (0..t.rows()).filter(move |&i| t.row(i).1.is_some() && long(i).starts_with(name));
    if let Some(i) = hits().find(|&i| long(i) == name) {
        return Ok(i);
    }
    let Some(first) = hits().next() else {
        return Err(getopt_err(&cat!("unrecognized option '--", arg, "'")));
    };
    let other = |j| !t.same(first, j);
    if !hits().any(other) {
        return Ok(first);
    }
    let mut msg = cat!("option '--", arg, "' is ambiguous; possibilities:");
    for i in hits().filter(|&j| j == first || other(j)) {
        put!(&mut msg, " '--", long(i), "'");
    }
    Err(getopt_err(&msg))
}

enum Found {
    End,
    Operand(OsString),
    Opt(usize, Option<OsString>),
}

/// Checks that an option table and its help text agree: every row's
/// `-c` and `--long` appears in the help, and every `-c`/`--long` that
/// starts an option line of the help (`  -c, --long ...`) is in the table.
#[cfg(test)]
pub fn check_help<T>(opts: &[Opt<T>], help: &str) {
    for o in opts {
        if let Some(l) = o.long {
            let w = format!("--{l}");
            let found = help.match_indices(&w).any(|(i, _)| {
                let next = help.as_bytes().get(i + w.len()).copied().unwrap_or(b' ');
                !(next.is_ascii_alphanumeric() || next == b'-')
            });
            assert!(found, "{w} is in the table but not in the help");
        }
        if let Some(c) = o.short {
            assert!(
                help.contains(&format!("-{c}")),
                "-{c} is in the table but not in the help"
            );
        }
    }
    for line in help.lines() {
        let t = line.trim_start();
        if !t.starts_with('-')
            || line.len() == t.len() && !t.starts_with("--") && !t.starts_with('-')
        {
            continue;
        }
        // The option column: up to the first run of two spaces.
        let col = t.split("  ").next().unwrap_or("");
        for word in col.split([',', ' ', '[', '=', '<']) {
            if let Some(l) = word.strip_prefix("--") {
                if l.is_empty() {
                    continue;
                }
                assert!(
                    opts.iter().any(|o| o.long == Some(l)),
                    "--{l} is in the help but not in the table"
                );
            } else if let Some(c) = word.strip_prefix('-')
                && c.chars().count() == 1
            {
                let c = c.chars().next().unwrap();
                assert!(
                    opts.iter().any(|o| o.short == Some(c)),
                    "-{c} is in the help but not in the table"
                );
            }
        }
    }
}

/// The usage error for an operand the applet does not take.
pub fn unexpected(v: &OsStr) -> Exit {
    usage_err(&cat!("unexpected argument: ", v))
}

/// `b` as a C string, kept for the process's lifetime (for applets that
/// exec or exit right after; paths from argv and /proc hold no NUL, one
/// that did would be the empty path).
#[inline(never)]
pub fn leaked_cstr(b: &[u8]) -> &'static std::ffi::CStr {
    Box::leak(
        std::ffi::CString::new(b)
            .unwrap_or_default()
            .into_boxed_c_str(),
    )
}

/// The end with `msg: strerror`, unless `r` is Ok.
#[inline(never)]
pub fn check(r: Result<(), Errno>, msg: &[u8]) {
    if let Err(e) = r {
        die(msg, Some(e))
    }
}

/// Buffered stdout for applets that print tables.
pub struct Out {
    buf: Vec<u8>,
}

impl Default for Out {
    fn default() -> Self {
        Self::new()
    }
}

impl Out {
    pub fn new() -> Out {
        Out { buf: Vec::new() }
    }

    /// Appends a piece; flushes when the buffer passes 32 KiB.
    pub fn put<P: Part + ?Sized>(&mut self, p: &P) -> &mut Out {
        p.put(&mut self.buf);
        if self.buf.len() >= 32 * 1024 {
            self.flush_quiet();
        }
        self
    }

    fn flush_quiet(&mut self) {
        if write_fd(1, &self.buf).is_err() {
            // The final `finish` reports it; keep memory bounded meanwhile.
            self.buf.clear();
            self.buf.extend_from_slice(b"\0!");
            return;
        }
        self.buf.clear();
    }

    /// Writes what is left; a failed write is `PROG: write error: ...`, status 1.
    pub fn finish(mut self) -> Res {
        if self.buf.starts_with(b"\0!") {
            return Err(errx(b"write error"));
        }
        write_fd(1, &self.buf).map_err(|e| err(b"write error", e))?;
        self.buf.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_errnos() {
        assert_eq!(
            cat!(0u32, " ", 4294967295u32, " ", -12i64),
            b"0 4294967295 -12"
        );
        assert_eq!(cat!(Errno::NOENT), b"No such file or directory");
        assert_eq!(cat!(Errno::IDRM), b"Identifier removed");
        assert_eq!(cat!(Errno::NOTTY), b"Inappropriate ioctl for device");
        assert_eq!(cat!(Errno::STALE), b"Stale file handle");
        assert_eq!(cat!(Errno::DQUOT), b"Disk quota exceeded");
        assert_eq!(cat!(Errno::from_raw_os_error(41)), b"Unknown error 41");
        assert_eq!(cat!(Errno::from_raw_os_error(200)), b"Unknown error 200");
    }

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Id {
        Fork,
        MapUser,
        MapUsers,
        Mount,
        Fqdn,
        File,
    }
    const OPTS: &[Opt<Id>] = &[
        Opt::new('f', "fork", Val::None, Id::Fork),
        Opt::long("map-user", Val::Required, Id::MapUser),
        Opt::long("map-users", Val::Required, Id::MapUsers),
        Opt::new('m', "mount", Val::Optional, Id::Mount),
        Opt::long("fqdn", Val::None, Id::Fqdn),
        Opt::long("full-name", Val::None, Id::Fqdn),
        Opt::new('F', "file", Val::Required, Id::File),
    ];

    fn parse(args: &'static [&'static std::ffi::CStr]) -> Vec<Res<Item<Id>>> {
        let mut a = Args::new(crate::sys::Argv::from_static(args));
        let mut v = Vec::new();
        loop {
            match a.next_opt(OPTS) {
                Ok(Some(i)) => v.push(Ok(i)),
                Ok(None) => return v,
                Err(e) => {
                    return {
                        v.push(Err(e));
                        v
                    };
                }
            }
        }
    }

    fn opt(id: Id, v: Option<&str>) -> Res<Item<Id>> {
        Ok(Item::Opt(id, v.map(OsString::from)))
    }

    #[test]
    fn option_tables_parse_like_getopt_long() {
        assert_eq!(
            parse(&[
                c"--fo",
                c"--map-user=1",
                c"--mou=x",
                c"--map-users",
                c"y",
                c"op"
            ]),
            [
                opt(Id::Fork, None),
                opt(Id::MapUser, Some("1")),
                opt(Id::Mount, Some("x")),
                opt(Id::MapUsers, Some("y")),
                Ok(Item::Operand("op".into())),
            ]
        );
        // Short clusters, attached and separate values, optional values
        // only when attached.
        assert_eq!(
            parse(&[c"-fFx", c"-F", c"y", c"-m", c"-mz", c"--mount", c"w"]),
            [
                opt(Id::Fork, None),
                opt(Id::File, Some("x")),
                opt(Id::File, Some("y")),
                opt(Id::Mount, None),
                opt(Id::Mount, Some("z")),
                opt(Id::Mount, None),
                Ok(Item::Operand("w".into())),
            ]
        );
        // An exact name wins over longer ones; names of one option are
        // not ambiguous; `--` ends the options.
        assert_eq!(
            parse(&[c"--map-user", c"1", c"--f", c"--", c"-f"]),
            [
                opt(Id::MapUser, Some("1")),
                Err(Exit(1)), // --f: fork, fqdn, full-name
            ]
        );
        assert_eq!(
            parse(&[c"--fq", c"--fu"]),
            [opt(Id::Fqdn, None), opt(Id::Fqdn, None)]
        );
        assert_eq!(parse(&[c"--", c"-f"]), [Ok(Item::Operand("-f".into()))]);
        for bad in [
            &[c"--map"][..],
            &[c"--fork=1"],
            &[c"-F"],
            &[c"--file"],
            &[c"-x"],
            &[c"--xyz"],
        ] {
            assert_eq!(parse(bad).pop(), Some(Err(Exit(1))), "{bad:?}");
        }
    }

    #[test]
    fn option_table_and_help_agree() {
        check_help(
            OPTS,
            " -f, --fork\n --map-user <u>\n --map-users=<s>\n -m, --mount[=<f>]\n\
             --fqdn, --full-name\n -F, --file FILE  see --fork\n",
        );
    }

    #[test]
    fn packed_texts_unpack() {
        const T: &str = "Usage:\n unshare [options]\n\n -u, --uts     unshare UTS namespace\n -i, --ipc     unshare IPC namespace\n                                  x\n";
        const P: &[u8] = crate::packed!(T);
        const E: &[u8] = crate::packed!("");
        const A: &[u8] = crate::packed!("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        assert!(P.len() < T.len() - 20);
        assert_eq!(unpack(P), T.as_bytes());
        assert_eq!(unpack(E), b"");
        assert_eq!(A.len(), 1 + 2 * 3);
        assert_eq!(unpack(A), [b'a'; 41]);
    }
}
