//! ipcmk: create SysV shared memory, message queues and semaphore sets and
//! POSIX shared memory and message queues, like util-linux's `ipcmk`
//! (2.42; `-p`'s messages as HEAD's).
//!
//! Unlike util-linux, SysV objects are created with `IPC_EXCL` under a fresh
//! random key (retried on EEXIST), so an existing object is never reused, and
//! a failure removes what this run created before it (nothing half-done).
//! `-s` (POSIX semaphore) is refused: a POSIX semaphore is a file holding a
//! `sem_t`, whose layout belongs to the C library of the program that uses it,
//! and glibc and musl give the same word opposite meanings ("shared" vs
//! "private" futex), so no file nsbox writes works with both.

use crate::cat;
use crate::cli::{self, Args, Item, Opt, Res, Val};
use crate::ipc::{Class, Kind, cs, mq_name, shm_path};
use crate::num;
use crate::sys::Argv;
use crate::sys::ipc;
use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;
use std::ffi::{OsStr, OsString};
use std::mem::ManuallyDrop;
use std::os::unix::ffi::OsStrExt;

const HELP_TEXT: &str = "\
Usage:
 ipcmk [options]

Create various IPC resources.

Options:
 -M, --shmem <size>       create shared memory segment of size <size>
 -S, --semaphore <number> create semaphore array with <number> elements
 -Q, --queue              create message queue
 -m, --posix-shmem <size> create POSIX shared memory segment of size <size>
 -s, --posix-semaphore    create POSIX semaphore (refused: see below)
 -q, --posix-mqueue       create POSIX message queue
 -n, --name <name>        name of the POSIX resource
 -p, --mode <mode>        permission for the resource (default is 0644)

 -h, --help               display this help
 -V, --version            display version

Arguments:
 <size> arguments may be followed by the suffixes for
   KiB, MiB, GiB, TiB, PiB and EiB (the \"iB\" is optional),
   or KB, MB, ... for powers of 1000

POSIX semaphores are not supported: a sem_t's layout belongs to the C
library of the program that uses it, and glibc and musl disagree on it.
";
const HELP: &[u8] = crate::packed!(HELP_TEXT);

#[derive(Clone, Copy, PartialEq)]
enum Id {
    Make(Class),
    Mode,
    Name,
    Help,
    Version,
}

const SHM: Class = Class::sysv(Kind::Shm);
const PSHM: Class = Class::posix(Kind::Shm);
const MSG: Class = Class::sysv(Kind::Msg);
const PMSG: Class = Class::posix(Kind::Msg);
const SEM: Class = Class::sysv(Kind::Sem);
const PSEM: Class = Class::posix(Kind::Sem);

/// util-linux's table, in its order.
const OPTS: &[Opt<Id>] = &[
    Opt::new('M', "shmem", Val::Required, Id::Make(SHM)),
    Opt::new('m', "posix-shmem", Val::Required, Id::Make(PSHM)),
    Opt::new('S', "semaphore", Val::Required, Id::Make(SEM)),
    Opt::new('s', "posix-semaphore", Val::None, Id::Make(PSEM)),
    Opt::new('Q', "queue", Val::None, Id::Make(MSG)),
    Opt::new('q', "posix-mqueue", Val::None, Id::Make(PMSG)),
    Opt::new('p', "mode", Val::Required, Id::Mode),
    Opt::new('n', "name", Val::Required, Id::Name),
    Opt::new('V', "version", Val::None, Id::Version),
    Opt::new('h', "help", Val::None, Id::Help),
];

/// The classes ipcmk creates, in util-linux's order (ipcmk -s is refused).
const ORDER: [Class; 5] = [SHM, PSHM, MSG, PMSG, SEM];

/// What the command line asks for.
struct Ask {
    classes: Vec<Class>,
    size: u64,
    nsems: i32,
    mode: u32,
    name: Option<OsString>,
}

/// `ipcmk`.
pub fn ipcmk(argv: Argv) -> Res<i32> {
    // The process ends after this: nothing here needs freeing.
    let ask = ManuallyDrop::new(parse(argv)?);
    if ask.classes.is_empty() {
        return Err(cli::usage_err(b"bad usage"));
    }
    if ask.classes.iter().any(|c| c.posix) && ask.name.is_none() {
        return Err(cli::usage_err(b"name is required for POSIX IPC"));
    }
    if ask.classes.contains(&PSEM) {
        return Err(cli::errx(
            b"POSIX semaphore is not supported: a sem_t's layout belongs to the C library \
              (glibc and musl differ); create it with sem_open(3)",
        ));
    }
    let name = ask.name.as_ref().map_or(&b""[..], |n| n.as_bytes());
    // What this run created: SysV ids, and POSIX objects that were new.
    let (mut made, mut out) = (ManuallyDrop::new(Vec::new()), ManuallyDrop::new(Vec::new()));
    for class in ORDER.into_iter().filter(|c| ask.classes.contains(c)) {
        let (shown, noun) = words(class);
        let v = match create(class, name, &ask) {
            Ok(v) => v,
            Err(e) => {
                undo(&made, name);
                cli::quit(cli::err(&cat!("create ", noun, " failed"), e))
            }
        };
        match v {
            Created::Id(id) => crate::put!(&mut out, shown, " id: ", id, "\n"),
            _ => crate::put!(&mut out, shown, " name: ", name, "\n"),
        }
        if let Created::Id(_) | Created::New = v {
            made.push((class, v));
        }
    }
    cli::write_fd(1, &out).map_err(|e| cli::err(b"write error", e))?;
    Ok(0)
}

fn parse(argv: Argv) -> Res<Ask> {
    let mut ask = Ask {
        classes: Vec::new(),
        size: 0,
        nsems: 0,
        mode: 0o644,
        name: None,
    };
    let mut a = ManuallyDrop::new(Args::new(argv));
    while let Some(item) = a.next_opt(OPTS)? {
        // util-linux ignores operands.
        let Item::Opt(id, v) = item else { continue };
        let v = v.unwrap_or_default();
        match id {
            Id::Make(class) => {
                match class {
                    SHM | PSHM => ask.size = size_or_die(&v),
                    SEM => ask.nsems = num::strtos32_or_err(&v, "failed to parse elements"),
                    _ => {}
                }
                if !ask.classes.contains(&class) {
                    ask.classes.push(class);
                }
            }
            Id::Mode => ask.mode = parse_mode(&v),
            Id::Name => ask.name = Some(v),
            Id::Help => return Err(cli::help(HELP)),
            Id::Version => return Err(cli::version()),
        }
    }
    Ok(ask)
}

/// How ipcmk announces an object of `class`, and how it names the class
/// when creating one fails (util-linux's words, "share memory" sic).
fn words(class: Class) -> (&'static str, &'static str) {
    match class {
        SHM => ("Shared memory", "share memory"),
        PSHM => ("POSIX shared memory", "POSIX shared memory"),
        MSG => ("Message queue", "message queue"),
        PMSG => ("POSIX message queue", "POSIX message queue"),
        _ => ("Semaphore", "semaphore"),
    }
}

/// `strtosize_or_err(s, "failed to parse size")`: its errno always shown.
fn size_or_die(s: &OsStr) -> u64 {
    parse_size(s.as_bytes())
        .unwrap_or_else(|e| cli::die(&cat!("failed to parse size: '", s, "'"), Some(e)))
}

/// What [`create`] made or found.
#[derive(Clone, Copy)]
enum Created {
    /// A SysV object's id.
    Id(i32),
    /// A POSIX object this run created.
    New,
    /// A POSIX object that was there (util-linux opens it).
    Existing,
}

/// Creates one object of `class`.
#[inline(never)]
fn create(class: Class, name: &[u8], ask: &Ask) -> Result<Created, Errno> {
    let new = |is_new: bool| {
        if is_new {
            Created::New
        } else {
            Created::Existing
        }
    };
    match class {
        PSHM => posix_shm(&shm_path(name, false)?, ask.mode, ask.size).map(new),
        PMSG => {
            let p = mq_name(name)?;
            let fl = OFlags::RDWR | OFlags::CREATE | OFlags::EXCL;
            match ipc::mq_open(cs(&p), fl, ask.mode, None) {
                Err(Errno::EXIST) => {
                    ipc::mq_open(cs(&p), OFlags::RDWR, ask.mode, None).map(|_| Created::Existing)
                }
                r => r.map(|_| Created::New),
            }
        }
        _ => {
            let n = match class.kind {
                Kind::Sem => ask.nsems as usize,
                _ => ask.size as usize,
            };
            let flags = (ask.mode & 0o777) as i32 | ipc::IPC_CREAT | ipc::IPC_EXCL;
            fresh(class.kind, n, flags).map(Created::Id)
        }
    }
}

/// Nothing half-done: removes what this run created.
#[inline(never)]
fn undo(made: &[(Class, Created)], name: &[u8]) {
    for &(class, v) in made {
        let _ = match (class, v) {
            (_, Created::Id(id)) => ipc::rmid(class.kind, id),
            (PMSG, _) => mq_name(name).and_then(|n| ipc::mq_unlink(cs(&n))),
            _ => shm_path(name, false).and_then(|p| rustix::fs::unlink(cs(&p))),
        };
    }
}

/// glibc's `shm_open(name, O_RDWR|O_CREAT, perm)` + `ftruncate`; true when
/// the object is new.
fn posix_shm(p: &[u8], perm: u32, size: u64) -> Result<bool, Errno> {
    let (fl, mode) = (
        OFlags::RDWR | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::from_raw_mode(perm),
    );
    let (fd, new) = match rustix::fs::open(cs(p), fl | OFlags::CREATE | OFlags::EXCL, mode) {
        Err(Errno::EXIST) => (rustix::fs::open(cs(p), fl, mode), false),
        r => (r, true),
    };
    let fd = fd.map_err(|e| if e == Errno::ISDIR { Errno::INVAL } else { e })?;
    rustix::fs::ftruncate(&fd, size).inspect_err(|_| {
        if new {
            let _ = rustix::fs::unlink(cs(p));
        }
    })?;
    Ok(new)
}

/// Creates a SysV object of `kind` under fresh random non-zero keys until
/// one is not taken.
fn fresh(kind: Kind, n: usize, flags: i32) -> Result<i32, Errno> {
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
            r = ipc::get(kind, key, n, flags);
            if r != Err(Errno::EXIST) {
                break;
            }
        }
    }
    r
}

/// `-p MODE`: octal, at most 07777, with util-linux HEAD's messages
/// (`str2unum_or_err(s, 8, "failed to parse mode", 07777)`).
fn parse_mode(s: &OsStr) -> u32 {
    num::or_die(
        num::strtou64_max(s.as_bytes(), 8, 0o7777),
        "failed to parse mode",
        s,
    ) as u32
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
    let d = num::scan(s, 0).ok_or(Errno::INVAL)?;
    let (mut x, mut p) = (d.unsigned()?, d.rest);
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
                    let f = num::scan(q, 10).ok_or(Errno::INVAL)?;
                    if f.rest.is_empty() {
                        return Err(f.unsigned().err().unwrap_or(Errno::INVAL));
                    }
                    (frac, p) = (f.unsigned()?, f.rest);
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
    fn options_match_help() {
        cli::check_help(OPTS, HELP_TEXT);
    }
}
