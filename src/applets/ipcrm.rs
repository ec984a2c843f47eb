//! ipcrm: remove SysV IPC objects by id or key and POSIX shared memory,
//! message queues and semaphores by name, like util-linux 2.42's `ipcrm`
//! (including the legacy `ipcrm shm|msg|sem ID...` form and `-a`).
//!
//! POSIX names follow glibc's rules (what util-linux's `shm_unlink`,
//! `mq_unlink` and `sem_unlink` calls do): shm/sem names are files in
//! /dev/shm (`sem.NAME` for semaphores), mqueue names must start with `/`.

use super::ipcmk::{apply_sign, bad_number, c_strtou, cs, mq_name, shm_path, strtos32_or_err};
use crate::cat;
use crate::cli::{self, Arg, Args, Res};
use crate::sys::Argv;
use crate::sys::ipc;
use rustix::fd::AsFd;
use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;
use std::ffi::OsStr;
use std::mem::ManuallyDrop;
use std::os::unix::ffi::OsStrExt;

const HELP: &[u8] = crate::packed!(
    "\
Usage: ipcrm [options]  or  ipcrm shm|msg|sem <id>...
Remove IPC resources:
 -m, --shmem-id <id>      -M, --shmem-key <key>      --posix-shmem <name>
 -q, --queue-id <id>      -Q, --queue-key <key>      --posix-mqueue <name>
 -s, --semaphore-id <id>  -S, --semaphore-key <key>  --posix-semaphore <name>
 -a, --all[=shm|pshm|msg|pmsg|sem|psem]   all of them, or of one kind
 -v, --verbose            -h, --help                 -V, --version
"
);

// Object classes, in `-a`'s order: shm pshm sem psem msg pmsg. Even ones
// are SysV (`class / 2` is the `sys::ipc` kind), odd ones POSIX.
const PSHM: usize = 1;
const PSEM: usize = 3;
const PMSG: usize = 5;

fn class_of(name: &[u8]) -> Option<usize> {
    // `p` + a SysV name is the POSIX class after it.
    let (p, base) = match name {
        [b'p', rest @ ..] => (1, rest),
        _ => (0, name),
    };
    (0..3)
        .find(|&i| base == &b"shmsemmsg"[i * 3..i * 3 + 3])
        .map(|i| 2 * i + p)
}

/// Long options, each after the letter it stands for (1, 3, 5: POSIX
/// classes).
const LONGS: &[u8] = b"mshmem-id Mshmem-key qqueue-id Qqueue-key ssemaphore-id Ssemaphore-key \
                     \x01posix-shmem \x03posix-semaphore \x05posix-mqueue aall vverbose hhelp \
                     Vversion";

/// With -v: `removing shared memory segment id `N'`, `removing POSIX
/// message queue `/NAME'`...
fn say_removing(class: usize, x: &[u8]) {
    let what = match class {
        0 => "shared memory segment id `",
        PSHM => "POSIX shared memory `",
        2 => "semaphore id `",
        PSEM => "POSIX semaphore `",
        4 => "message queue id `",
        _ => "POSIX message queue `",
    };
    let _ = cli::write_fd(1, &cat!("removing ", what, x, "'\n"));
}

/// `ipcrm`.
pub fn ipcrm(argv: Argv) -> Res<i32> {
    if argv.remaining() == 0 {
        return Err(cli::usage_err(b"bad usage"));
    }
    let mut rest = argv.clone();
    let first = rest.next().map_or(&b""[..], OsStr::as_bytes);
    let Some(class) = class_of(first).filter(|c| c % 2 == 0) else {
        return modern(argv);
    };
    // The legacy form: ipcrm shm|msg|sem ID...
    if rest.remaining() == 0 {
        return Err(cli::usage_err(b"not enough arguments"));
    }
    let mut failed = false;
    for s in rest {
        // strtoul(s, &end, 10) and nothing after it ("" is id 0).
        failed |= match c_strtou(s.as_bytes(), 10) {
            Some((v, neg, false, [])) => remove_id(class, false, apply_sign(v, neg) as i32, false),
            None if s.is_empty() => remove_id(class, false, 0, false),
            _ => {
                cli::warnx(&cat!("invalid id: ", s));
                true
            }
        };
    }
    if failed {
        return Err(cli::Exit(1));
    }
    let _ = cli::write_fd(1, b"resource(s) deleted\n");
    Ok(0)
}

#[inline(never)]
fn modern(argv: Argv) -> Res<i32> {
    // The process ends after this: nothing here needs freeing.
    let mut a = ManuallyDrop::new(Args::new(argv).legacy().abbrev(HELP));
    let (mut failed, mut verbose, mut all, mut extra) = (false, false, 0u8, None);
    while let Some(arg) = a.next()? {
        let arg = match arg {
            Arg::Value(v) => {
                extra.get_or_insert(ManuallyDrop::new(v));
                continue;
            }
            other => other,
        };
        let c = cli::letter(arg, b"mMqQsSavhV", LONGS)?;
        let class = match c | 0x20 {
            b'm' => 0,
            b's' => 2,
            b'q' => 4,
            _ => c as usize,
        };
        match c {
            b'a' => {
                all = match a.optional_value().map(ManuallyDrop::new) {
                    None => 0x3f,
                    Some(v) => match class_of(v.as_bytes()) {
                        Some(i) => 1 << i,
                        None => cli::quit(cli::errx(&cat!("unknown argument: ", &*v))),
                    },
                }
            }
            b'v' => verbose = true,
            b'h' => return Err(cli::help(HELP)),
            b'V' => return Err(cli::version()),
            _ => {
                let v = ManuallyDrop::new(a.value()?);
                failed |= match c {
                    b'm' | b'q' | b's' => {
                        let id = strtos32_or_err(&v, "failed to parse argument");
                        remove_id(class, false, id, verbose)
                    }
                    b'M' | b'Q' | b'S' => match key_to_id(class, &v) {
                        Some(id) => remove_id(class, true, id, verbose),
                        None => true,
                    },
                    _ => remove_name(class, v.as_bytes(), verbose),
                };
            }
        }
    }
    if all != 0 {
        failed |= remove_all(all, verbose);
    }
    if let Some(v) = extra {
        return Err(cli::usage_err(&cat!("unknown argument: ", &*v)));
    }
    Ok(failed as i32)
}

/// Warns `WHAT id (X)` or `WHAT key (X)`; true (a failure).
fn warn_obj(what: &str, iskey: bool, x: &[u8]) -> bool {
    cli::warnx(&cat!(what, if iskey { "key (" } else { "id (" }, x, ")"));
    true
}

/// IPC_RMID on SysV object `id`; a failure util-linux reports per object
/// is a warning and `true`, others are fatal.
fn remove_id(class: usize, iskey: bool, id: i32, verbose: bool) -> bool {
    let mut b = [0; 24];
    let n = super::ipcs::radix(id.unsigned_abs() as u64, 10, id < 0, &mut b);
    if verbose {
        say_removing(class, n);
    }
    let what = match ipc::rmid(class / 2, id) {
        Ok(()) => return false,
        Err(Errno::ACCESS | Errno::PERM) => "permission denied for ",
        Err(Errno::INVAL) => "invalid ",
        Err(Errno::IDRM) => "already removed ",
        Err(e) => cli::quit(cli::err(
            if iskey { b"key failed" } else { b"id failed" },
            e,
        )),
    };
    warn_obj(what, iskey, n)
}

/// The id of the object with key `s` (hex, octal or decimal), or `None`
/// after a warning.
fn key_to_id(class: usize, s: &OsStr) -> Option<i32> {
    let what = "failed to parse argument";
    let key = match c_strtou(s.as_bytes(), 0) {
        Some((_, _, true, _)) => bad_number(what, s, Some(Errno::RANGE)),
        Some((v, neg, _, [])) => apply_sign(v, neg) as i32,
        _ => bad_number(what, s, None),
    };
    let what = match ipc::get(class / 2, key, 0, 0) {
        _ if key == ipc::IPC_PRIVATE => "illegal ",
        Ok(id) => return Some(id),
        Err(Errno::ACCESS) => "permission denied for ",
        Err(Errno::IDRM) => "already removed ",
        Err(Errno::NOENT) => "invalid ",
        Err(e) => cli::quit(cli::err(b"key failed", e)),
    };
    warn_obj(what, true, s.as_bytes());
    None
}

/// shm_unlink / mq_unlink / sem_unlink of `name`.
fn remove_name(class: usize, name: &[u8], verbose: bool) -> bool {
    if verbose {
        say_removing(class, name);
    }
    let r = match class {
        PMSG => mq_name(name).and_then(|n| ipc::mq_unlink(cs(&n))),
        _ => shm_path(name, class == PSEM).and_then(|p| rustix::fs::unlink(cs(&p))),
    };
    let (a, b) = match r {
        Ok(()) => return false,
        Err(Errno::ACCESS | Errno::PERM) => ("permission denied for name `", "'"),
        Err(Errno::NOENT) => ("name `", "' not found"),
        Err(Errno::NAMETOOLONG) => ("name `", "' too long"),
        Err(e) => cli::quit(cli::err(b"name failed", e)),
    };
    cli::warnx(&cat!(a, name, b));
    true
}

/// `-a`: removes every object of the classes in `mask`, in util-linux's
/// order.
#[inline(never)]
fn remove_all(mask: u8, verbose: bool) -> bool {
    let mut failed = false;
    for class in 0..6 {
        if mask & 1 << class == 0 {
            continue;
        }
        if class % 2 == 0 {
            let Ok(max) = ipc::max_index(class / 2) else {
                let what = match class {
                    0 => "shared memory",
                    2 => "semaphores",
                    _ => "message queues",
                };
                cli::quit(cli::errx(&cat!("kernel not configured for ", what)))
            };
            for i in 0..=max {
                if let Ok(id) = ipc::stat_id(class / 2, i) {
                    failed |= remove_id(class, false, id, verbose);
                }
            }
            continue;
        }
        let names = ManuallyDrop::new(posix_names(class));
        let mut rest = &names[..];
        // Each name is followed by a NUL.
        while let Some(p) = rest.iter().position(|&c| c == 0) {
            let name = &rest[..p];
            rest = &rest[p + 1..];
            // util-linux announces these twice with -v (here and in remove_name).
            if verbose {
                say_removing(class, name);
            }
            failed |= remove_name(class, name, verbose);
        }
    }
    failed
}

/// The POSIX objects of `class` that util-linux's enumeration finds, each
/// followed by a NUL: /dev/shm files (`sem.*` ones, if openable read-write,
/// for semaphores), and the queues in /dev/mqueue (as `/NAME`) that can be
/// opened.
#[inline(never)]
fn posix_names(class: usize) -> Vec<u8> {
    let dir = if class == PMSG {
        c"/dev/mqueue"
    } else {
        c"/dev/shm"
    };
    let mut names = Vec::new();
    let fl = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let fd = match rustix::fs::open(dir, fl, Mode::empty()) {
        Ok(fd) => fd,
        Err(e) => {
            cli::warnx(if class == PMSG && e == Errno::NOENT {
                b"/dev/mqueue does not seem to be mounted. \
                  Use 'mount -t mqueue none /dev/mqueue' to mount it."
            } else if class == PMSG {
                b"cannot open /dev/mqueue"
            } else {
                b"cannot open /dev/shm"
            });
            return names;
        }
    };
    let _ = ipc::dir_names(fd.as_fd(), |name| {
        let n = name.to_bytes();
        let sem = n.strip_prefix(b"sem.").filter(|s| !s.is_empty());
        // What util-linux's fstatat / sem_open / open checks amount to.
        let fl = match class {
            PSHM if !n.starts_with(b"sem.") => OFlags::PATH,
            PSEM if sem.is_some() => OFlags::RDWR | OFlags::NOFOLLOW,
            PMSG => OFlags::RDONLY,
            _ => return,
        };
        if n != b"."
            && n != b".."
            && rustix::fs::openat(&fd, name, fl | OFlags::CLOEXEC, Mode::empty()).is_ok()
        {
            if class == PMSG {
                names.push(b'/');
            }
            names.extend_from_slice(sem.unwrap_or(n));
            names.push(0);
        }
    });
    names
}
