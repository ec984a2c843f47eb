//! ipcmk: create SysV shared memory, message queues and semaphore sets and
//! POSIX shared memory and message queues, like util-linux 2.42's `ipcmk`.
//!
//! Unlike util-linux, SysV objects are created with `IPC_EXCL` under a fresh
//! random key (retried on EEXIST), so an existing object is never reused, and
//! a failure removes what this run created before it (nothing half-done).
//! `-s` (POSIX semaphore) is refused: a POSIX semaphore is a file holding a
//! `sem_t`, whose layout belongs to the C library of the program that uses it,
//! and glibc and musl give the same word opposite meanings ("shared" vs
//! "private" futex), so no file nsbox writes works with both.

use crate::cat;
use crate::cli::{self, Arg, Args, Part, Res};
use crate::sys::Argv;
use crate::sys::ipc;
use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;
use std::ffi::{CStr, OsStr, OsString};
use std::mem::ManuallyDrop;
use std::os::unix::ffi::OsStrExt;

const HELP: &[u8] = crate::packed!(
    "\
Usage: ipcmk [options]
Create SysV IPC resources, or POSIX ones (these need -n):
 -M, --shmem <size>        -m, --posix-shmem <size>  shared memory
 -Q, --queue               -q, --posix-mqueue        message queue
 -S, --semaphore <number>  -s, --posix-semaphore     semaphore(s)
 -n, --name <name>         POSIX name
 -p, --mode <mode>         octal permissions (default 0644)
 -h, --help                -V, --version
<size>: bytes, with K, M, G, T, P, E (KiB...) or KB, MB... (10^3n).
POSIX semaphores are not supported: sem_t belongs to the C library.
"
);

/// Long options, each after the letter it stands for (one string: a table
/// of `&str` would cost a relocation per entry in a static PIE). The
/// resource letters `MmQqSs` are also util-linux's creation order.
const LONGS: &[u8] = b"Mshmem mposix-shmem Qqueue qposix-mqueue Ssemaphore sposix-semaphore \
                     pmode nname hhelp Vversion";

/// `ipcmk`.
pub fn ipcmk(argv: Argv) -> Res<i32> {
    // The process ends after this: nothing here needs freeing.
    let mut a = ManuallyDrop::new(Args::new(argv).legacy().abbrev(HELP));
    let (mut ask, mut perm, mut size, mut nsems) = (0u32, 0o644u32, 0u64, 0i32);
    let mut name = ManuallyDrop::new(OsString::new());
    while let Some(arg) = a.next()? {
        // util-linux ignores operands.
        if let Arg::Value(_) = arg {
            continue;
        }
        let c = cli::letter(arg, b"MmQqSspnhV", LONGS)?;
        let v = ManuallyDrop::new(match c {
            b'M' | b'm' | b'S' | b'p' | b'n' => a.value()?,
            b'h' => return Err(cli::help(HELP)),
            b'V' => return Err(cli::version()),
            _ => OsString::new(),
        });
        match c {
            b'M' | b'm' => {
                size = parse_size(v.as_bytes())
                    .unwrap_or_else(|e| bad_number("failed to parse size", &v, Some(e)));
            }
            b'S' => nsems = strtos32_or_err(&v, "failed to parse elements"),
            b'p' => perm = parse_mode(&v),
            b'n' => name = v,
            _ => {}
        }
        // Bits 0-5: the resources asked for; bit 6: a name was given.
        ask |= b"MmQqSsn"
            .iter()
            .position(|&r| r == c)
            .map_or(0, |i| 1 << i);
    }
    if ask & 0b111111 == 0 {
        return Err(cli::usage_err(b"bad usage"));
    }
    if ask & 0b101010 != 0 && ask & 1 << 6 == 0 {
        return Err(cli::usage_err(b"name is required for POSIX IPC"));
    }
    if ask & 1 << 5 != 0 {
        return Err(cli::errx(
            b"POSIX semaphore is not supported: a sem_t's layout belongs to the C library \
              (glibc and musl differ); create it with sem_open(3)",
        ));
    }
    let name = name.as_bytes();
    let flags = (perm & 0o777) as i32 | ipc::IPC_CREAT | ipc::IPC_EXCL;
    // SysV ids; for POSIX objects 1 when this run created the object.
    let (mut ids, mut made, mut out) = ([0i32; 5], 0u32, ManuallyDrop::new(Vec::new()));
    for i in 0..5 {
        if ask & 1 << i == 0 {
            continue;
        }
        let n = if i == 4 {
            nsems as usize
        } else {
            size as usize
        };
        let v = match create(i, name, perm, size, n, flags) {
            Ok(v) => v,
            Err(e) => {
                undo(&ids, made, name);
                let noun = if i == 0 { "share memory" } else { noun(i) };
                cli::quit(cli::err(&cat!("create ", noun, " failed"), e))
            }
        };
        ids[i] = v;
        made |= ((i % 2 == 0 || v != 0) as u32) << i;
        let at = out.len();
        out.extend_from_slice(noun(i).as_bytes());
        if i % 2 == 0 {
            out.extend_from_slice(b" id: ");
            v.put(&mut out);
        } else {
            out.extend_from_slice(b" name: ");
            out.extend_from_slice(name);
        }
        out.push(b'\n');
        if let Some(c) = out.get_mut(at) {
            c.make_ascii_uppercase();
        }
    }
    cli::write_fd(1, &out).map_err(|e| cli::err(b"write error", e))?;
    Ok(0)
}

fn noun(i: usize) -> &'static str {
    match i {
        0 => "shared memory",
        1 => "POSIX shared memory",
        2 => "message queue",
        3 => "POSIX message queue",
        _ => "semaphore",
    }
}

/// Creates resource `i` (`MmQqS` order); its id, or for POSIX objects 1
/// when new.
#[inline(never)]
fn create(i: usize, name: &[u8], perm: u32, size: u64, n: usize, flags: i32) -> Result<i32, Errno> {
    match i {
        1 => posix_shm(&shm_path(name, false)?, perm, size),
        3 => {
            let p = mq_name(name)?;
            let fl = OFlags::RDWR | OFlags::CREATE | OFlags::EXCL;
            match ipc::mq_open(cs(&p), fl, perm, None) {
                Err(Errno::EXIST) => ipc::mq_open(cs(&p), OFlags::RDWR, perm, None).map(|_| 0),
                r => r.map(|_| 1),
            }
        }
        _ => fresh(i, n, flags),
    }
}

/// Nothing half-done: removes what this run created (the `made` bits).
#[inline(never)]
fn undo(ids: &[i32; 5], made: u32, name: &[u8]) {
    for (j, &id) in ids.iter().enumerate() {
        if made & 1 << j != 0 {
            let _ = match j {
                1 => shm_path(name, false).and_then(|p| rustix::fs::unlink(cs(&p))),
                3 => mq_name(name).and_then(|n| ipc::mq_unlink(cs(&n))),
                _ => ipc::rmid(kind(j), id),
            };
        }
    }
}

/// glibc's `shm_open(name, O_RDWR|O_CREAT, perm)` + `ftruncate`; 1 when the
/// object is new.
fn posix_shm(p: &[u8], perm: u32, size: u64) -> Result<i32, Errno> {
    let (fl, mode) = (
        OFlags::RDWR | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::from_raw_mode(perm),
    );
    let (fd, new) = match rustix::fs::open(cs(p), fl | OFlags::CREATE | OFlags::EXCL, mode) {
        Err(Errno::EXIST) => (rustix::fs::open(cs(p), fl, mode), 0),
        r => (r, 1),
    };
    let fd = fd.map_err(|e| if e == Errno::ISDIR { Errno::INVAL } else { e })?;
    rustix::fs::ftruncate(&fd, size).inspect_err(|_| {
        if new == 1 {
            let _ = rustix::fs::unlink(cs(p));
        }
    })?;
    Ok(new)
}

/// The `sys::ipc` kind of SysV resource `i` (0 shm, 2 msg, 4 sem).
fn kind(i: usize) -> usize {
    match i {
        0 => ipc::KIND_SHM,
        2 => ipc::KIND_MSG,
        _ => ipc::KIND_SEM,
    }
}

/// Creates SysV resource `i` under fresh random non-zero keys until one is
/// not taken.
fn fresh(i: usize, n: usize, flags: i32) -> Result<i32, Errno> {
    let mut r = Err(Errno::EXIST);
    for t in 0..1000u32 {
        let mut b = [0u8; 4];
        let key = match rustix::rand::getrandom(&mut b, rustix::rand::GetRandomFlags::empty()) {
            Ok(_) => i32::from_ne_bytes(b),
            // No getrandom (kernel < 3.17): vary with the pid and the attempt.
            Err(_) => (rustix::process::getpid().as_raw_nonzero().get() as u32)
                .wrapping_mul(0x9e37_79b9)
                .wrapping_add(t << 7) as i32,
        };
        if key != ipc::IPC_PRIVATE {
            r = ipc::get(kind(i), key, n, flags);
            if r != Err(Errno::EXIST) {
                break;
            }
        }
    }
    r
}

/// glibc's rule for `shm_open`/`sem_open` names: leading slashes dropped,
/// then a non-empty name without `/`, a file in /dev/shm (`sem.NAME` for
/// semaphores).
pub fn shm_path(name: &[u8], sem: bool) -> Result<Vec<u8>, Errno> {
    let mut n = name;
    while let [b'/', rest @ ..] = n {
        n = rest;
    }
    if n.is_empty() || n.contains(&b'/') {
        return Err(Errno::INVAL);
    }
    Ok(cat!("/dev/shm/", if sem { "sem." } else { "" }, n, b"\0"))
}

/// glibc's rule for `mq_open`/`mq_unlink` names: they start with `/`.
pub fn mq_name(name: &[u8]) -> Result<Vec<u8>, Errno> {
    match name.first() {
        Some(b'/') => Ok(cat!(name, b"\0")),
        _ => Err(Errno::INVAL),
    }
}

/// The C string in `v` (from [`shm_path`] or [`mq_name`]: NUL-terminated).
pub fn cs(v: &[u8]) -> &CStr {
    CStr::from_bytes_with_nul(v).unwrap_or_default()
}

/// C's `strtoul`/`strtoimax` digits: leading white space, a sign, and for
/// base 0 a `0x` or `0` prefix. Returns (magnitude, negative, overflowed,
/// rest), or `None` when there are no digits.
pub fn c_strtou(s: &[u8], mut base: u32) -> Option<(u64, bool, bool, &[u8])> {
    let mut i = 0;
    while s.get(i).is_some_and(|c| matches!(c, b' ' | b'\t'..=b'\r')) {
        i += 1;
    }
    let neg = s.get(i) == Some(&b'-');
    if matches!(s.get(i), Some(b'+' | b'-')) {
        i += 1;
    }
    let at = |j: usize| s.get(j).copied().unwrap_or(0);
    if base == 0 {
        base = if at(i) != b'0' {
            10
        } else if matches!(at(i + 1), b'x' | b'X') && at(i + 2).is_ascii_hexdigit() {
            i += 2;
            16
        } else {
            8
        };
    }
    let (start, mut v, mut over) = (i, 0u64, false);
    loop {
        let d = match at(i) {
            c @ b'0'..=b'9' => c - b'0',
            c @ (b'a'..=b'f' | b'A'..=b'F') => (c | 0x20) - b'a' + 10,
            _ => 99,
        } as u64;
        if d >= base as u64 {
            break;
        }
        match v.checked_mul(base as u64).and_then(|v| v.checked_add(d)) {
            Some(n) => v = n,
            None => over = true,
        }
        i += 1;
    }
    (i > start).then(|| (v, neg, over, s.get(i..).unwrap_or(&[])))
}

/// `strtoul`'s result: a negative number wraps around.
pub fn apply_sign(v: u64, neg: bool) -> u64 {
    if neg { v.wrapping_neg() } else { v }
}

/// util-linux's `strtos32_or_err`: a decimal int, else `WHAT: 'S'` and exit
/// 1, with ERANGE's text when out of range. As there, strtoimax's own
/// overflow (beyond 64 bits) wins over trailing garbage, and trailing garbage
/// over the int range.
pub fn strtos32_or_err(s: &OsStr, what: &str) -> i32 {
    let mut e = None;
    if let Some((v, neg, over, rest)) = c_strtou(s.as_bytes(), 10) {
        if over || v > i64::MAX as u64 + neg as u64 {
            e = Some(Errno::RANGE);
        } else if rest.is_empty() {
            if v <= (1u64 << 31) - 1 + neg as u64 {
                return apply_sign(v, neg) as i32;
            }
            e = Some(Errno::RANGE);
        }
    }
    bad_number(what, s, e)
}

/// util-linux's `WHAT: 'S'` (with `: strerror` for an errno) and exit 1.
pub fn bad_number(what: &str, s: &OsStr, e: Option<Errno>) -> ! {
    let m = cat!(what, ": '", s, "'");
    cli::die(&m, e)
}

/// `-p MODE`: octal like `strtoul(s, &end, 8)`; util-linux's messages
/// (including its "Success" for a bad digit), and at most 07777.
fn parse_mode(s: &OsStr) -> u32 {
    match c_strtou(s.as_bytes(), 8) {
        Some((v, neg, false, [])) if apply_sign(v, neg) <= 0o7777 => v as u32,
        Some((_, _, _, [])) | Some((_, _, true, _)) => {
            cli::quit(cli::err(b"failed to parse mode", Errno::RANGE))
        }
        _ => cli::quit(cli::errx(b"failed to parse mode: Success")),
    }
}

/// util-linux's `strtosize`: a number (decimal, 0x hex or 0 octal), an
/// optional decimal fraction, and K/M/G/T/P/E/Z/Y (powers of 1024, `KiB`
/// alike) or KB/MB/... (powers of 1000). Its rounding quirks are kept.
#[inline(never)]
fn parse_size(s: &[u8]) -> Result<u64, Errno> {
    let first = s.iter().find(|c| !matches!(c, b' ' | b'\t'..=b'\r'));
    if matches!(first, None | Some(b'-')) {
        return Err(Errno::INVAL);
    }
    let (mut x, _, over, mut p) = c_strtou(s, 0).ok_or(Errno::INVAL)?;
    if over {
        return Err(Errno::RANGE);
    }
    if p.is_empty() {
        return Ok(x);
    }
    let (mut frac, mut zeros) = (0u64, 0u32);
    let base = loop {
        let at = |i: usize| p.get(i).copied().unwrap_or(0);
        match p.len() {
            3 if at(1) == b'i' && matches!(at(2), b'B' | b'b') => break 1024,
            2 if matches!(at(1), b'B' | b'b') => break 1000,
            0 => return Err(Errno::INVAL),
            1 => break 1024,
            _ if frac == 0 && at(0) == b'.' => {
                let mut q = &p[1..];
                while let [b'0', rest @ ..] = q {
                    zeros += 1;
                    q = rest;
                }
                p = q;
                if q.first().is_some_and(u8::is_ascii_digit) {
                    let (f, _, fover, rest) = c_strtou(q, 10).ok_or(Errno::INVAL)?;
                    if fover {
                        return Err(Errno::RANGE);
                    }
                    if rest.is_empty() {
                        return Err(Errno::INVAL);
                    }
                    (frac, p) = (f, rest);
                }
            }
            _ => return Err(Errno::INVAL),
        }
    };
    let pwr = match b"KMGTPEZYkmgtpezy"
        .iter()
        .position(|&c| Some(&c) == p.first())
    {
        Some(i) => i as u32 % 8 + 1,
        None => return Err(Errno::INVAL),
    };
    let scale = |mut v: u64| {
        for _ in 0..pwr {
            v = v.checked_mul(base).ok_or(Errno::RANGE)?;
        }
        Ok(v)
    };
    x = scale(x)?;
    if frac != 0 {
        let frac_base = scale(1).unwrap_or(0);
        let mut div = 10u64;
        let grow = |div: &mut u64, frac: &mut u64| {
            if *div <= u64::MAX / 10 {
                *div *= 10
            } else {
                *frac /= 10
            }
        };
        while div < frac {
            grow(&mut div, &mut frac);
        }
        for _ in 0..zeros {
            grow(&mut div, &mut frac);
        }
        let mut poz = 1u64;
        while frac != 0 {
            let seg = frac % 10;
            let seg_div = div.checked_div(poz).unwrap_or(0);
            frac /= 10;
            poz = poz.wrapping_mul(10);
            if let Some(d) = seg_div.checked_div(seg).filter(|&d| d != 0) {
                x = x.wrapping_add(frac_base / d);
            }
        }
    }
    Ok(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_like_util_linux() {
        let ok = [
            ("5", 5),
            (" 5", 5),
            ("+5", 5),
            ("010", 8),
            ("0x10", 16),
            ("0x1K", 1024),
            ("0x10K", 16384),
            ("1K", 1024),
            ("1k", 1024),
            ("1KiB", 1024),
            ("1Kib", 1024),
            ("1kb", 1000),
            ("2.5KB", 2500),
            ("1.K", 1024),
            ("1.00K", 1024),
            ("1.05K", 1075),
            ("1.09K", 1117),
            ("1.999K", 2150),
            ("1.0001K", 1024),
            ("0.5K", 512),
            ("1.5KiB", 1536),
            ("1.5M", 1572864),
            ("3.14159M", 3294194),
            ("1.1KB", 1100),
            ("1E", 1 << 60),
        ];
        for (s, v) in ok {
            assert_eq!(parse_size(s.as_bytes()), Ok(v), "{s}");
        }
        let inval = [
            "", "10X", "-5", " -5", "1KIB", "1Kx", "1.5", "1B", "1b", "1iB", ".5K", "1,5K",
            "1.5.K", "1KiBx", "1.0", "1.00", "0.0", "0x", "08", "1.-5K", "1.+5K", "1.0x5K",
        ];
        for s in inval {
            assert_eq!(parse_size(s.as_bytes()), Err(Errno::INVAL), "{s}");
        }
        for s in ["99999999999999999999999", "16E", "1Z", "1Y", "1.5y"] {
            assert_eq!(parse_size(s.as_bytes()), Err(Errno::RANGE), "{s}");
        }
    }

    #[test]
    fn strtoul_prefixes() {
        assert_eq!(c_strtou(b"0x", 0), Some((0, false, false, &b"x"[..])));
        assert_eq!(c_strtou(b" -12z", 10), Some((12, true, false, &b"z"[..])));
        assert_eq!(c_strtou(b"0644", 8), Some((0o644, false, false, &b""[..])));
        assert_eq!(c_strtou(b"8", 8), None);
        assert_eq!(c_strtou(b"", 0), None);
        assert!(c_strtou(b"99999999999999999999", 10).unwrap().2);
    }

    #[test]
    fn posix_names() {
        assert_eq!(shm_path(b"//a", false).unwrap(), b"/dev/shm/a\0");
        assert_eq!(cs(&shm_path(b"a", true).unwrap()), c"/dev/shm/sem.a");
        assert_eq!(shm_path(b"/", false), Err(Errno::INVAL));
        assert_eq!(shm_path(b"a/b", false), Err(Errno::INVAL));
        assert!(mq_name(b"/q").is_ok());
        assert_eq!(mq_name(b"q"), Err(Errno::INVAL));
    }
}
