//! ipcrm: remove SysV IPC objects by id or key and POSIX shared memory,
//! message queues and semaphores by name, like util-linux 2.42's `ipcrm`
//! (including the legacy `ipcrm shm|msg|sem ID...` form and `-a`).
//!
//! POSIX names follow glibc's rules (what util-linux's `shm_unlink`,
//! `mq_unlink` and `sem_unlink` calls do): shm/sem names are files in
//! /dev/shm (`sem.NAME` for semaphores), mqueue names must start with `/`.

use crate::cat;
use crate::cli::{self, Args, Item, Opt, Res, Val};
use crate::ipc::{Class, Kind, cs, mq_name, shm_path};
use crate::num;
use crate::sys::Argv;
use crate::sys::ipc;
use rustix::fd::AsFd;
use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

const HELP_TEXT: &str = "\
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
     --posix-semaphore <name>  remove POSIX semaphore by name
 -a, --all[=shm|pshm|msg|pmsg|sem|psem]
                            remove all (in the specified category)
 -v, --verbose              explain what is being done

 -h, --help                 display this help
 -V, --version              display version
";
const HELP: &[u8] = crate::packed!(HELP_TEXT);

/// How an option names the objects it removes.
#[derive(Clone, Copy, PartialEq)]
enum By {
    Id,
    Key,
    Name,
}

#[derive(Clone, Copy, PartialEq)]
enum Id {
    Remove(Kind, By),
    All,
    Verbose,
    Help,
    Version,
}

/// util-linux's table, in its order, one row per option.
#[rustfmt::skip]
const OPTS: &[Opt<Id>] = &[
    Opt::new('m', "shmem-id",        Val::Required, Id::Remove(Kind::Shm, By::Id)),
    Opt::new('M', "shmem-key",       Val::Required, Id::Remove(Kind::Shm, By::Key)),
    Opt::long(    "posix-shmem",     Val::Required, Id::Remove(Kind::Shm, By::Name)),
    Opt::new('q', "queue-id",        Val::Required, Id::Remove(Kind::Msg, By::Id)),
    Opt::new('Q', "queue-key",       Val::Required, Id::Remove(Kind::Msg, By::Key)),
    Opt::long(    "posix-mqueue",    Val::Required, Id::Remove(Kind::Msg, By::Name)),
    Opt::new('s', "semaphore-id",    Val::Required, Id::Remove(Kind::Sem, By::Id)),
    Opt::new('S', "semaphore-key",   Val::Required, Id::Remove(Kind::Sem, By::Key)),
    Opt::long(    "posix-semaphore", Val::Required, Id::Remove(Kind::Sem, By::Name)),
    Opt::new('a', "all",             Val::Optional, Id::All),
    Opt::new('v', "verbose",         Val::None,     Id::Verbose),
    Opt::new('V', "version",         Val::None,     Id::Version),
    Opt::new('h', "help",            Val::None,     Id::Help),
];

/// The classes `-a` removes, in util-linux's order.
const ALL_ORDER: [Class; 6] = [
    Class::sysv(Kind::Shm),
    Class::posix(Kind::Shm),
    Class::sysv(Kind::Sem),
    Class::posix(Kind::Sem),
    Class::sysv(Kind::Msg),
    Class::posix(Kind::Msg),
];

/// With -v: `removing shared memory segment id `N'`, `removing POSIX
/// message queue `/NAME'`...
fn say_removing(class: Class, x: &[u8]) {
    let what = match (class.kind, class.posix) {
        (Kind::Shm, false) => "shared memory segment id `",
        (Kind::Sem, false) => "semaphore id `",
        (Kind::Msg, false) => "message queue id `",
        (Kind::Shm, true) => "POSIX shared memory `",
        (Kind::Sem, true) => "POSIX semaphore `",
        (Kind::Msg, true) => "POSIX message queue `",
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
    let Some(class) = Class::from_word(first).filter(|c| !c.posix) else {
        return modern(argv);
    };
    // The legacy form: ipcrm shm|msg|sem ID...
    if rest.remaining() == 0 {
        return Err(cli::usage_err(b"not enough arguments"));
    }
    let mut failed = false;
    for s in rest {
        // strtoul(s, &end, 10) and nothing after it ("" is id 0).
        let id = match num::scan(s.as_bytes(), 10) {
            Some(d) if d.rest.is_empty() => d.unsigned().ok(),
            None if s.is_empty() => Some(0),
            _ => None,
        };
        failed |= match id {
            Some(id) => remove_id(class, false, id as i32, false),
            None => {
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
    let mut a = Args::new(argv);
    let (mut failed, mut verbose, mut all, mut extra) = (false, false, None, None);
    while let Some(item) = a.next_opt(OPTS)? {
        match item {
            Item::Operand(v) => {
                extra.get_or_insert(v);
            }
            Item::Opt(Id::All, None) => all = Some(&ALL_ORDER[..]),
            Item::Opt(Id::All, Some(v)) => match Class::from_word(v.as_bytes()) {
                Some(c) => {
                    all = ALL_ORDER
                        .iter()
                        .position(|&x| x == c)
                        .map(|i| &ALL_ORDER[i..=i])
                }
                None => cli::quit(cli::errx(&cat!("unknown argument: ", v))),
            },
            Item::Opt(Id::Verbose, _) => verbose = true,
            Item::Opt(Id::Help, _) => return Err(cli::help(HELP)),
            Item::Opt(Id::Version, _) => return Err(cli::version()),
            Item::Opt(Id::Remove(kind, by), v) => {
                let v = v.unwrap_or_default();
                failed |= match by {
                    By::Id => {
                        let id = num::strtos32_or_err(&v, "failed to parse argument");
                        remove_id(Class::sysv(kind), false, id, verbose)
                    }
                    By::Key => match key_to_id(kind, &v) {
                        Some(id) => remove_id(Class::sysv(kind), true, id, verbose),
                        None => true,
                    },
                    By::Name => remove_name(Class::posix(kind), v.as_bytes(), verbose),
                };
            }
        }
    }
    if let Some(classes) = all {
        failed |= remove_all(classes, verbose);
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
/// is a warning and `true`, others are fatal.
fn remove_id(class: Class, iskey: bool, id: i32, verbose: bool) -> bool {
    let n = &cat!(id);
    if verbose {
        say_removing(class, n);
    }
    let what = match ipc::rmid(class.kind, id) {
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
fn key_to_id(kind: Kind, s: &OsStr) -> Option<i32> {
    // strtoul(s, &end, 0): its ERANGE first, then anything after the digits.
    let key = match num::scan(s.as_bytes(), 0) {
        Some(d) if d.overflow || d.rest.is_empty() => d.unsigned(),
        _ => Err(Errno::INVAL),
    };
    let key = num::or_die(key, "failed to parse argument", s) as i32;
    let what = match ipc::get(kind, key, 0, 0) {
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
fn remove_name(class: Class, name: &[u8], verbose: bool) -> bool {
    if verbose {
        say_removing(class, name);
    }
    let r = match class.kind {
        Kind::Msg => mq_name(name).and_then(|n| ipc::mq_unlink(cs(&n))),
        kind => shm_path(name, kind == Kind::Sem).and_then(|p| rustix::fs::unlink(cs(&p))),
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

/// `-a`: removes every object of `classes`.
#[inline(never)]
fn remove_all(classes: &[Class], verbose: bool) -> bool {
    let mut failed = false;
    for &class in classes {
        if !class.posix {
            let Ok(max) = ipc::max_index(class.kind) else {
                cli::quit(cli::errx(class.kind.not_configured().as_bytes()))
            };
            for i in 0..=max {
                if let Ok(id) = ipc::stat_id(class.kind, i) {
                    failed |= remove_id(class, false, id, verbose);
                }
            }
            continue;
        }
        let names = posix_names(class.kind);
        // Each name is followed by a NUL.
        for name in names.split(|&c| c == 0).filter(|n| !n.is_empty()) {
            // util-linux announces these twice with -v (here and in remove_name).
            if verbose {
                say_removing(class, name);
            }
            failed |= remove_name(class, name, verbose);
        }
    }
    failed
}

/// The POSIX objects of `kind` that util-linux's enumeration finds, each
/// followed by a NUL: /dev/shm files (`sem.*` ones, if openable read-write,
/// for semaphores), and the queues in /dev/mqueue (as `/NAME`) that can be
/// opened.
#[inline(never)]
fn posix_names(kind: Kind) -> Vec<u8> {
    let mq = kind == Kind::Msg;
    let dir = if mq { c"/dev/mqueue" } else { c"/dev/shm" };
    let mut names = Vec::new();
    let fl = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let fd = match rustix::fs::open(dir, fl, Mode::empty()) {
        Ok(fd) => fd,
        Err(e) => {
            cli::warnx(if mq && e == Errno::NOENT {
                b"/dev/mqueue does not seem to be mounted. \
                  Use 'mount -t mqueue none /dev/mqueue' to mount it."
            } else if mq {
                b"cannot open /dev/mqueue"
            } else {
                b"cannot open /dev/shm"
            });
            return names;
        }
    };
    let _ = crate::sys::dir::dir_names(fd.as_fd(), |name| {
        let n = name.to_bytes();
        let sem = n.strip_prefix(b"sem.").filter(|s| !s.is_empty());
        // What util-linux's fstatat / sem_open / open checks amount to.
        let fl = match kind {
            Kind::Shm if !n.starts_with(b"sem.") => OFlags::PATH,
            Kind::Sem if sem.is_some() => OFlags::RDWR | OFlags::NOFOLLOW,
            Kind::Msg => OFlags::RDONLY,
            _ => return,
        };
        if n != b"."
            && n != b".."
            && rustix::fs::openat(&fd, name, fl | OFlags::CLOEXEC, Mode::empty()).is_ok()
        {
            if mq {
                names.push(b'/');
            }
            names.extend_from_slice(sem.unwrap_or(n));
            names.push(0);
        }
    });
    names
}

#[cfg(test)]
mod tests {
    #[test]
    fn options_match_help() {
        crate::cli::check_help(super::OPTS, super::HELP_TEXT);
    }
}
