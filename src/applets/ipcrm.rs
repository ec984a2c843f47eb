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

const HELP: &str = "
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

/// Object classes, in `-a`'s order; SysV ones are even.
const SHM: u8 = 0;
const PSHM: u8 = 1;
const SEM: u8 = 2;
const PSEM: u8 = 3;
const MSG: u8 = 4;
const PMSG: u8 = 5;
const CLASSES: [&str; 6] = ["shm", "pshm", "sem", "psem", "msg", "pmsg"];

fn noun(k: u8) -> &'static str {
    match k {
        SHM | PSHM => "shared memory",
        SEM | PSEM => "semaphore",
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
    let legacy = match rest.next().map(OsStr::as_bytes) {
        Some(b"shm") => SHM,
        Some(b"msg") => MSG,
        Some(b"sem") => SEM,
        _ => return modern(argv),
    };
    if rest.remaining() == 0 {
        return Err(cli::usage_err(b"not enough arguments"));
    }
    let mut failed = false;
    for s in rest {
        // strtoul(s, &end, 10) with an empty remainder ("" is id 0).
        match c_strtou(s.as_bytes(), 10) {
            Some((v, neg, false, [])) => {
                let id = apply_sign(v, neg) as i32;
                failed |= remove_id(legacy, false, id, false)?;
            }
            None if s.is_empty() => failed |= remove_id(legacy, false, 0, false)?,
            _ => {
                cli::warnx(&cat!("invalid id: ", s));
                failed = true;
            }
        }
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
            Arg::Short(c) if "mMqQsSavhV".contains(c) => c,
            Arg::Long("shmem-id") => 'm',
            Arg::Long("shmem-key") => 'M',
            Arg::Long("queue-id") => 'q',
            Arg::Long("queue-key") => 'Q',
            Arg::Long("semaphore-id") => 's',
            Arg::Long("semaphore-key") => 'S',
            Arg::Long("posix-shmem") => '1',
            Arg::Long("posix-semaphore") => '3',
            Arg::Long("posix-mqueue") => '5',
            Arg::Long("all") => 'a',
            Arg::Long("verbose") => 'v',
            Arg::Long("help") => 'h',
            Arg::Long("version") => 'V',
            Arg::Value(v) => {
                extra.get_or_insert(v);
                continue;
            }
            other => return Err(cli::unknown(other)),
        };
        let k = match c {
            'm' | 'M' => SHM,
            's' | 'S' => SEM,
            'q' | 'Q' => MSG,
            _ => c as u8 - b'0',
        };
        match c {
            'm' | 'q' | 's' => {
                let id = strtos32_or_err(&a.value()?, "failed to parse argument")?;
                failed |= remove_id(k, false, id, verbose)?;
            }
            'M' | 'Q' | 'S' => match key_to_id(k, &a.value()?)? {
                Some(id) => failed |= remove_id(k, true, id, verbose)?,
                None => failed = true,
            },
            '1' | '3' | '5' => failed |= remove_name(k, a.value()?.as_bytes(), verbose)?,
            'a' => {
                all = match a.optional_value() {
                    None => 0x3f,
                    Some(v) => match CLASSES.iter().position(|c| c.as_bytes() == v.as_bytes()) {
                        Some(i) => 1 << i,
                        None => return Err(cli::errx(&cat!("unknown argument: ", v))),
                    },
                }
            }
            'v' => verbose = true,
            'h' => return Err(cli::help(HELP)),
            _ => return Err(cli::version()),
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

/// IPC_RMID on SysV object `id` of class `k`; warns and returns true when
/// it fails the way util-linux reports per object.
fn remove_id(k: u8, iskey: bool, id: i32, verbose: bool) -> Res<bool> {
    if verbose {
        let what = if k == SHM {
            "shared memory segment"
        } else {
            noun(k)
        };
        say(&cat!("removing ", what, " id `", id, "'\n"));
    }
    let r = match k {
        SHM => ipc::shmctl_rmid(id),
        SEM => ipc::semctl_rmid(id),
        _ => ipc::msgctl_rmid(id),
    };
    let what = match r {
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
    cli::warnx(&cat!(what, if iskey { "key" } else { "id" }, " (", id, ")"));
    Ok(true)
}

/// The id of the object with key `s` (hex, octal or decimal), or `None`
/// after a warning.
fn key_to_id(k: u8, s: &OsStr) -> Res<Option<i32>> {
    let msg = cat!("failed to parse argument: '", s, "'");
    let key = match c_strtou(s.as_bytes(), 0) {
        Some((_, _, true, _)) => return Err(cli::err(&msg, Errno::RANGE)),
        Some((v, neg, _, [])) => apply_sign(v, neg) as i32,
        _ => return Err(cli::errx(&msg)),
    };
    if key == ipc::IPC_PRIVATE {
        cli::warnx(&cat!("illegal key (", s, ")"));
        return Ok(None);
    }
    let r = match k {
        SHM => ipc::shmget(key, 0, 0),
        SEM => ipc::semget(key, 0, 0),
        _ => ipc::msgget(key, 0),
    };
    let what = match r {
        Ok(id) => return Ok(Some(id)),
        Err(Errno::ACCESS) => "permission denied for key",
        Err(Errno::IDRM) => "already removed key",
        Err(Errno::NOENT) => "invalid key",
        Err(e) => return Err(cli::err(b"key failed", e)),
    };
    cli::warnx(&cat!(what, " (", s, ")"));
    Ok(None)
}

/// shm_unlink / mq_unlink / sem_unlink of `name`.
fn remove_name(k: u8, name: &[u8], verbose: bool) -> Res<bool> {
    if verbose {
        say(&cat!("removing POSIX ", noun(k), " `", name, "'\n"));
    }
    let r = match k {
        PMSG => mq_name(name).and_then(|n| ipc::mq_unlink(&n)),
        _ => shm_path(name, k == PSEM).and_then(|p| rustix::fs::unlink(p.as_slice())),
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
/// order (shm, pshm, sem, psem, msg, pmsg).
fn remove_all(mask: u8, verbose: bool) -> Res<bool> {
    let mut failed = false;
    for k in SHM..=PMSG {
        if mask & 1 << k == 0 {
            continue;
        }
        if k % 2 == 0 {
            let max = match k {
                SHM => ipc::shmctl_shm_info().map(|r| r.0),
                SEM => ipc::semctl_info(ipc::SEM_INFO).map(|r| r.0),
                _ => ipc::msgctl_info(ipc::MSG_INFO).map(|r| r.0),
            };
            let Ok(max) = max else {
                let what = match k {
                    SHM => "shared memory",
                    SEM => "semaphores",
                    _ => "message queues",
                };
                return Err(cli::errx(&cat!("kernel not configured for ", what)));
            };
            for i in 0..=max {
                let id = match k {
                    SHM => ipc::shmctl_stat(i, ipc::SHM_STAT).map(|r| r.0),
                    SEM => ipc::semctl_stat(i, ipc::SEM_STAT).map(|r| r.0),
                    _ => ipc::msgctl_stat(i, ipc::MSG_STAT).map(|r| r.0),
                };
                if let Ok(id) = id {
                    failed |= remove_id(k, false, id, verbose)?;
                }
            }
            continue;
        }
        for name in posix_names(k) {
            // util-linux announces these twice with -v (here and in remove_name).
            if verbose {
                say(&cat!("removing POSIX ", noun(k), " `", name, "'\n"));
            }
            failed |= remove_name(k, &name, verbose)?;
        }
    }
    Ok(failed)
}

/// The POSIX objects of class `k` that util-linux's enumeration finds:
/// /dev/shm files (`sem.*` ones for semaphores, if openable), and the
/// queues in /dev/mqueue (as `/NAME`).
fn posix_names(k: u8) -> Vec<Vec<u8>> {
    let dir = if k == PMSG { "/dev/mqueue" } else { "/dev/shm" };
    let mut names = Vec::new();
    if k == PMSG && rustix::fs::access(dir, rustix::fs::Access::EXISTS).is_err() {
        cli::warnx(
            b"/dev/mqueue does not seem to be mounted. Use 'mount -t mqueue none /dev/mqueue' to mount it.",
        );
        return names;
    }
    let d = rustix::fs::open(
        dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .and_then(|fd| Ok((rustix::fs::Dir::read_from(&fd)?, fd)));
    let Ok((mut d, fd)) = d else {
        cli::warnx(&cat!("cannot open ", dir));
        return names;
    };
    while let Some(Ok(e)) = d.read() {
        let n = e.file_name().to_bytes();
        if n == b"." || n == b".." || rustix::fs::statat(&fd, n, AtFlags::empty()).is_err() {
            continue;
        }
        let sem = n.strip_prefix(b"sem.");
        let open = |fl| rustix::fs::openat(&fd, n, fl | OFlags::CLOEXEC, Mode::empty());
        match k {
            PSHM if sem.is_none() => names.push(n.to_vec()),
            PSEM => {
                if let Some(s) = sem.filter(|s| !s.is_empty()) {
                    if open(OFlags::RDWR | OFlags::NOFOLLOW).is_ok() {
                        names.push(s.to_vec());
                    }
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
