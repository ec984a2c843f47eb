//! ipcrm: remove SysV IPC objects by id or key and POSIX shared memory,
//! message queues and semaphores by name, like util-linux 2.42's `ipcrm`
//! (including the legacy `ipcrm shm|msg|sem ID...` form and `-a`).
//!
//! POSIX names follow glibc's rules (what util-linux's `shm_unlink`,
//! `mq_unlink` and `sem_unlink` calls do): shm/sem names are files in
//! /dev/shm (`sem.NAME` for semaphores), mqueue names must start with `/`.

use super::ipcmk::{apply_sign, c_strtou, mq_name, shm_path, strtos32_or_err};
use crate::cat;
use crate::cli::{self, Arg, Args, Res};
use crate::sys::Argv;
use crate::sys::ipc;
use rustix::fs::{AtFlags, Mode, OFlags};
use rustix::io::Errno;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

const HELP: &str = "\
Usage:
 ipcrm [options]
 ipcrm shm|msg|sem <id>...

Remove certain IPC resources.

Options:
 -m, --shmem-id <id>        remove shared memory segment by id
 -M, --shmem-key <key>      remove shared memory segment by key
     --posix-shmem <name>   remove POSIX shared memory segment by name
 -q, --queue-id <id>        remove message queue by id
 -Q, --queue-key <key>      remove message queue by key
     --posix-mqueue <name>  remove POSIX message queue by name
 -s, --semaphore-id <id>    remove semaphore by id
 -S, --semaphore-key <key>  remove semaphore by key
     --posix-semaphore <name>
                            remove POSIX semaphore by name
 -a, --all[=shm|pshm|msg|pmsg|sem|psem]
                            remove all (in the specified category)
 -v, --verbose              explain what is being done

 -h, --help                 display this help
 -V, --version              display version
";

/// Object classes, in `-a`'s order (`shm pshm sem psem msg pmsg`): even
/// ones are SysV (`class / 2` is the `sys::ipc` kind), odd ones POSIX.
const CLASSES: [&str; 6] = ["shm", "pshm", "sem", "psem", "msg", "pmsg"];
const PSHM: usize = 1;
const PSEM: usize = 3;
const PMSG: usize = 5;

/// Long options and the letters they stand for (1, 3, 5: POSIX classes).
const LONGS: [(&str, u8); 13] = [
    ("shmem-id", b'm'),
    ("shmem-key", b'M'),
    ("queue-id", b'q'),
    ("queue-key", b'Q'),
    ("semaphore-id", b's'),
    ("semaphore-key", b'S'),
    ("posix-shmem", 1),
    ("posix-semaphore", 3),
    ("posix-mqueue", 5),
    ("all", b'a'),
    ("verbose", b'v'),
    ("help", b'h'),
    ("version", b'V'),
];

fn noun(class: usize) -> &'static str {
    match class {
        0 => "shared memory segment",
        PSHM => "shared memory",
        2 | PSEM => "semaphore",
        _ => "message queue",
    }
}

fn say(msg: &[u8]) {
    let _ = cli::write_fd(1, msg);
}

/// `ipcrm`.
pub fn ipcrm(argv: Argv) -> Res<i32> {
    if argv.remaining() == 0 {
        return Err(cli::usage_err(b"bad usage"));
    }
    let mut rest = argv.clone();
    let first = rest.next().map_or(&b""[..], OsStr::as_bytes);
    let Some(class) = CLASSES
        .iter()
        .position(|c| c.as_bytes() == first)
        .filter(|c| c % 2 == 0)
    else {
        return modern(argv);
    };
    // The legacy form: ipcrm shm|msg|sem ID...
    if rest.remaining() == 0 {
        return Err(cli::usage_err(b"not enough arguments"));
    }
    let mut failed = false;
    for s in rest {
        // strtoul(s, &end, 10) and nothing after it ("" is id 0).
        let id = match c_strtou(s.as_bytes(), 10) {
            Some((v, neg, false, [])) => apply_sign(v, neg) as i32,
            None if s.is_empty() => 0,
            _ => {
                cli::warnx(&cat!("invalid id: ", s));
                failed = true;
                continue;
            }
        };
        failed |= remove_id(class, false, id, false)?;
    }
    if failed {
        return Err(cli::Exit(1));
    }
    say(b"resource(s) deleted\n");
    Ok(0)
}

fn modern(argv: Argv) -> Res<i32> {
    let mut a = Args::new(argv);
    let (mut failed, mut verbose, mut all, mut extra) = (false, false, 0u8, None);
    while let Some(arg) = a.next()? {
        let c = match arg {
            Arg::Short(c) if c.is_ascii() && b"mMqQsSavhV".contains(&(c as u8)) => c as u8,
            Arg::Long(l) if LONGS.iter().any(|o| o.0 == l) => {
                LONGS.iter().find(|o| o.0 == l).map_or(0, |o| o.1)
            }
            Arg::Value(v) => {
                extra.get_or_insert(v);
                continue;
            }
            other => return Err(cli::unknown(other)),
        };
        let class = match c | 0x20 {
            b'm' => 0,
            b's' => 2,
            b'q' => 4,
            _ => c as usize,
        };
        match c {
            b'a' => {
                all = match a.optional_value() {
                    None => 0x3f,
                    Some(v) => match CLASSES.iter().position(|c| c.as_bytes() == v.as_bytes()) {
                        Some(i) => 1 << i,
                        None => return Err(cli::errx(&cat!("unknown argument: ", v))),
                    },
                }
            }
            b'v' => verbose = true,
            b'h' => return Err(cli::help(HELP)),
            b'V' => return Err(cli::version()),
            _ => {
                let v = a.value()?;
                failed |= match c {
                    b'm' | b'q' | b's' => {
                        let id = strtos32_or_err(&v, "failed to parse argument")?;
                        remove_id(class, false, id, verbose)?
                    }
                    b'M' | b'Q' | b'S' => match key_to_id(class, &v)? {
                        Some(id) => remove_id(class, true, id, verbose)?,
                        None => true,
                    },
                    _ => remove_name(class, v.as_bytes(), verbose)?,
                };
            }
        }
    }
    if all != 0 {
        failed |= remove_all(all, verbose)?;
    }
    if let Some(v) = extra {
        return Err(cli::usage_err(&cat!("unknown argument: ", v)));
    }
    Ok(failed as i32)
}

/// Warns `WHAT id (X)` or `WHAT key (X)`; true (a failure).
fn warn_obj(what: &str, iskey: bool, x: &[u8]) -> bool {
    cli::warnx(&cat!(what, if iskey { "key (" } else { "id (" }, x, ")"));
    true
}

/// IPC_RMID on SysV object `id`; a failure util-linux reports per object
/// is a warning and `true`.
fn remove_id(class: usize, iskey: bool, id: i32, verbose: bool) -> Res<bool> {
    if verbose {
        say(&cat!("removing ", noun(class), " id `", id, "'\n"));
    }
    let what = match ipc::rmid(class / 2, id) {
        Ok(()) => return Ok(false),
        Err(Errno::ACCESS | Errno::PERM) => "permission denied for ",
        Err(Errno::INVAL) => "invalid ",
        Err(Errno::IDRM) => "already removed ",
        Err(e) => {
            return Err(cli::err(
                if iskey { b"key failed" } else { b"id failed" },
                e,
            ));
        }
    };
    Ok(warn_obj(what, iskey, &cat!(id)))
}

/// The id of the object with key `s` (hex, octal or decimal), or `None`
/// after a warning.
fn key_to_id(class: usize, s: &OsStr) -> Res<Option<i32>> {
    let msg = cat!("failed to parse argument: '", s, "'");
    let key = match c_strtou(s.as_bytes(), 0) {
        Some((_, _, true, _)) => return Err(cli::err(&msg, Errno::RANGE)),
        Some((v, neg, _, [])) => apply_sign(v, neg) as i32,
        _ => return Err(cli::errx(&msg)),
    };
    let what = match ipc::get(class / 2, key, 0, 0) {
        _ if key == ipc::IPC_PRIVATE => "illegal ",
        Ok(id) => return Ok(Some(id)),
        Err(Errno::ACCESS) => "permission denied for ",
        Err(Errno::IDRM) => "already removed ",
        Err(Errno::NOENT) => "invalid ",
        Err(e) => return Err(cli::err(b"key failed", e)),
    };
    warn_obj(what, true, s.as_bytes());
    Ok(None)
}

/// shm_unlink / mq_unlink / sem_unlink of `name`.
fn remove_name(class: usize, name: &[u8], verbose: bool) -> Res<bool> {
    if verbose {
        say(&cat!("removing POSIX ", noun(class), " `", name, "'\n"));
    }
    let r = match class {
        PMSG => mq_name(name).and_then(|n| ipc::mq_unlink(&n)),
        _ => shm_path(name, class == PSEM).and_then(|p| rustix::fs::unlink(p.as_slice())),
    };
    let (a, b) = match r {
        Ok(()) => return Ok(false),
        Err(Errno::ACCESS | Errno::PERM) => ("permission denied for name `", "'"),
        Err(Errno::NOENT) => ("name `", "' not found"),
        Err(Errno::NAMETOOLONG) => ("name `", "' too long"),
        Err(e) => return Err(cli::err(b"name failed", e)),
    };
    cli::warnx(&cat!(a, name, b));
    Ok(true)
}

/// `-a`: removes every object of the classes in `mask`, in util-linux's
/// order.
fn remove_all(mask: u8, verbose: bool) -> Res<bool> {
    let mut failed = false;
    for class in 0..CLASSES.len() {
        if mask & 1 << class == 0 {
            continue;
        }
        if class % 2 == 0 {
            let Ok(max) = ipc::max_index(class / 2) else {
                let what = ["shared memory", "semaphores", "message queues"];
                let what = what.get(class / 2).copied().unwrap_or("");
                return Err(cli::errx(&cat!("kernel not configured for ", what)));
            };
            for i in 0..=max {
                if let Ok(id) = ipc::stat_id(class / 2, i) {
                    failed |= remove_id(class, false, id, verbose)?;
                }
            }
            continue;
        }
        for name in posix_names(class) {
            // util-linux announces these twice with -v (here and in remove_name).
            if verbose {
                say(&cat!("removing POSIX ", noun(class), " `", name, "'\n"));
            }
            failed |= remove_name(class, &name, verbose)?;
        }
    }
    Ok(failed)
}

/// The POSIX objects of `class` that util-linux's enumeration finds:
/// /dev/shm files (`sem.*` ones for semaphores, if openable), and the
/// queues in /dev/mqueue (as `/NAME`).
fn posix_names(class: usize) -> Vec<Vec<u8>> {
    let dir = if class == PMSG {
        "/dev/mqueue"
    } else {
        "/dev/shm"
    };
    let mut names = Vec::new();
    if class == PMSG && rustix::fs::access(dir, rustix::fs::Access::EXISTS).is_err() {
        cli::warnx(
            b"/dev/mqueue does not seem to be mounted. Use 'mount -t mqueue none /dev/mqueue' to mount it.",
        );
        return names;
    }
    let Ok(fd) = rustix::fs::open(
        dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    ) else {
        cli::warnx(&cat!("cannot open ", dir));
        return names;
    };
    let mut buf = [core::mem::MaybeUninit::uninit(); 4096];
    let mut d = rustix::fs::RawDir::new(&fd, &mut buf);
    while let Some(Ok(e)) = d.next() {
        let n = e.file_name().to_bytes();
        if n == b"." || n == b".." || rustix::fs::statat(&fd, n, AtFlags::empty()).is_err() {
            continue;
        }
        let sem = n.strip_prefix(b"sem.");
        let open = |fl| rustix::fs::openat(&fd, n, fl | OFlags::CLOEXEC, Mode::empty());
        match class {
            PSHM if sem.is_none() => names.push(n.to_vec()),
            PSEM => {
                if let Some(s) = sem.filter(|s| !s.is_empty())
                    && open(OFlags::RDWR | OFlags::NOFOLLOW).is_ok()
                {
                    names.push(s.to_vec());
                }
            }
            PMSG => {
                let mut b = [0u8; 6];
                if open(OFlags::RDONLY).is_ok_and(|f| rustix::io::read(&f, &mut b) == Ok(6))
                    && &b == b"QSIZE:"
                {
                    names.push(cat!("/", n));
                }
            }
            _ => {}
        }
    }
    names
}
