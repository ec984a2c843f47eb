//! nsenter: run a program in the namespaces of another process, or of
//! namespace files (bind mounts made by `unshare --X=FILE`), like util-linux
//! 2.42's nsenter.
//!
//! Race-free: every path is opened before the first setns; a target is
//! pinned by a pidfd, and everything under `/proc/PID` is opened relative to
//! one directory fd taken while that pidfd's process was known to exist, so
//! a recycled PID is never entered by mistake.
//!
//! Differences from util-linux (on purpose): `--all` without `--target`
//! says so (2.41+ prints a stat error); with no namespace, `--target` plus
//! -S/-G/-r/-w/-W/-e/-c is allowed; when namespace files are mixed with
//! the target's namespaces, all are entered per file (user first in pass 2)
//! instead of pidfd-then-files; a failing setgroups is harmless when there
//! are no supplementary groups to drop, and otherwise suggests
//! `--preserve-credentials`; EINVAL for a given file says what the file is;
//! `-W` without DIR is the target's cwd path, looked up after setns. No
//! SELinux (`-Z`) and no `=:NSID`.

use crate::cli::{self, Arg, Args, Res};
use crate::exec::{self, Mirror};
use crate::ns::{self, KINDS};
use crate::sys::Argv;
use crate::sys::proc::{Forked, SIG_DFL, fork_process, set_disposition};
use crate::sys::{nsfd, nsioctl, proc};
use linux_raw_sys::general::{
    CGROUP2_SUPER_MAGIC, CLONE_NEWNET, CLONE_NEWPID, CLONE_NEWUSER, NSFS_MAGIC,
};
use rustix::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use rustix::fs::{self as rfs, AtFlags, Mode, OFlags};
use rustix::io::Errno;
use rustix::process::{Gid, Pid, PidfdFlags, PidfdGetfdFlags, Uid};
use std::ffi::{CStr, CString, OsStr};
use std::mem::ManuallyDrop;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

const HELP: &[u8] = crate::packed!(
    "\
Usage:
 nsenter [options] [<program> [<argument>...]]

Run a program with namespaces of other processes.

Options:
 -a, --all              enter all namespaces
 -t, --target <pid>[:<inode>]  target process to get namespaces from
 -m, --mount[=<file>]   enter mount namespace
 -u, --uts[=<file>]     enter UTS namespace (hostname etc)
 -i, --ipc[=<file>]     enter System V IPC namespace
 -n, --net[=<file>]     enter network namespace
 -N, --net-socket <fd>  enter socket's network namespace (use with --target)
 -p, --pid[=<file>]     enter pid namespace
 -C, --cgroup[=<file>]  enter cgroup namespace
 -U, --user[=<file>]    enter user namespace
     --user-parent      enter parent user namespace
 -T, --time[=<file>]    enter time namespace
 -S, --setuid <uid>|follow  set uid in entered namespace
 -G, --setgid <gid>|follow  set gid in entered namespace
     --preserve-credentials do not touch uids or gids
     --keep-caps        retain capabilities granted in user namespaces
 -r, --root[=<dir>]     set the root directory
 -w, --wd[=<dir>]       set the working directory
 -W, --wdns[=<dir>]     set the working directory in namespace
 -e, --env              inherit environment variables from target process
 -F, --no-fork          do not fork before exec'ing <program>
 -c, --join-cgroup      join the cgroup of the target process

 -h, --help             display this help
 -V, --version          display version

A namespace is needed, except with --target and -S, -G, -r, -w, -W, -e, -c.
Not supported: -Z/--follow-context (SELinux) and =:<nsid> namespace IDs.
"
);

/// Long options that are not namespaces, each after its short letter
/// (one string: a table of pointers would cost relocations)
/// (`[`, `\\`, `]`: long-only ones).
const LONGS: &str = "aall ttarget Nnet-socket [user-parent Ssetuid Gsetgid \\preserve-credentials \
]keep-caps rroot wwd Wwdns eenv Fno-fork cjoin-cgroup hhelp Vversion Zfollow-context";

/// `-S`/`-G` value meaning `follow` (the owner of `/proc/PID`). -1 is no
/// valid id anyway: setuid(-1) is EINVAL.
const FOLLOW: u32 = u32::MAX;

/// A descriptor that is never closed by us: nsenter ends in exec (every
/// descriptor is close-on-exec) or exit, so dropping them would only cost
/// code.
type Fd = BorrowedFd<'static>;

/// Keeps `fd` open for the rest of the process.
#[inline(never)]
fn keep(fd: OwnedFd) -> Fd {
    let fd: &'static OwnedFd = Box::leak(Box::new(fd));
    fd.as_fd()
}

/// The pinned target process.
struct Target {
    /// None only on kernels without pidfd_open (before 5.3).
    pidfd: Option<Fd>,
    /// `/proc/PID`, opened while the pidfd's process existed.
    proc: Fd,
    /// `/proc/PID/`, for messages.
    dir: &'static [u8],
}

impl Target {
    /// The PID as text.
    fn pid(&self) -> &[u8] {
        self.dir
            .get(6..self.dir.len().saturating_sub(1))
            .unwrap_or_default()
    }

    /// Opens `/proc/PID/WHAT`.
    fn open(&self, what: &CStr) -> Fd {
        open_or_die(Some(&self.proc), self.dir, what, OFlags::RDONLY)
    }
}

/// `openat(dir or the cwd, path)`, close-on-exec.
#[inline(never)]
fn open_at(dir: Option<&Fd>, path: &CStr, flags: OFlags) -> Result<Fd, Errno> {
    let d = dir.map_or(rfs::CWD, |d| d.as_fd());
    rfs::openat(d, path, flags | OFlags::CLOEXEC, Mode::empty()).map(keep)
}

/// [`open_at`], or `cannot open SHOWN+PATH` and the end.
#[inline(never)]
fn open_or_die(dir: Option<&Fd>, shown: &[u8], path: &CStr, flags: OFlags) -> Fd {
    open_at(dir, path, flags)
        .unwrap_or_else(|e| cli::die_parts(&[b"cannot open ", shown, path.to_bytes()], Some(e)))
}

/// `b` as a C string, kept for the process's lifetime (paths from argv
/// and /proc hold no NUL; one that did would be the empty path).
#[inline(never)]
fn cstr(b: &[u8]) -> &'static CStr {
    Box::leak(CString::new(b).unwrap_or_default().into_boxed_c_str())
}

/// The required value of the option just parsed (kept for the process's
/// lifetime).
#[inline(never)]
fn value(a: &mut cli::LegacyArgs) -> &'static OsStr {
    OsStr::from_bytes(cli::ok(a.value()).into_vec().leak())
}

/// The optional attached value of the option just parsed.
#[inline(never)]
fn optional(a: &mut cli::LegacyArgs) -> Option<&'static [u8]> {
    a.optional_value().map(|v| &*v.into_vec().leak())
}

/// An optional attached path, opened now (before any setns).
#[inline(never)]
fn open_arg(a: &mut cli::LegacyArgs) -> (&'static [u8], Option<Fd>) {
    match optional(a) {
        Some(p) => (p, Some(open_or_die(None, b"", cstr(p), OFlags::RDONLY))),
        None => (b"", None),
    }
}

/// The target, or the message util-linux gives for `what` without one.
#[inline(never)]
fn need<'a>(t: &'a Option<Target>, what: &[u8]) -> &'a Target {
    match t {
        Some(t) => t,
        None if what.is_empty() => cli::die(b"no target PID specified", None),
        None if what.starts_with(b"-") => {
            cli::die_parts(&[b"no target PID specified for ", what], None)
        }
        None => cli::die_parts(
            &[b"neither filename nor target pid supplied for ", what],
            None,
        ),
    }
}

#[inline(never)]
fn stat_at(dir: Fd, path: &CStr) -> Result<rfs::Stat, Errno> {
    rfs::statat(dir, path, AtFlags::empty())
}

fn kind_index(c: u8) -> usize {
    KINDS.iter().position(|k| k.short == c as char).unwrap_or(0)
}

/// `nsenter`.
pub fn nsenter(argv: Argv) -> Res<i32> {
    let mut a = Args::new(argv).legacy().abbrev(HELP);
    let mut fds: [Option<Fd>; 8] = Default::default();
    let mut files: [&[u8]; 8] = [b""; 8];
    let mut want = 0u32;
    // Kinds with a descriptor in `fds` (given files, --user-parent, -N).
    let mut given = 0u32;
    let mut seen = 0u64; // option letters given, as bits from 'A'
    let mut tgt = None;
    let mut sock = None;
    let (mut uid, mut gid) = (None, None);
    // Given with a directory; without one (but in `seen`): the target's.
    let (mut root, mut wd, mut wdns): (Option<Fd>, Option<Fd>, Option<&[u8]>) = (None, None, None);
    let mut prog = Vec::new();
    macro_rules! has {
        ($c:expr) => {
            seen & (1 << ($c - b'A')) != 0
        };
    }
    while let Some(arg) = cli::ok(a.next()) {
        let c = match arg {
            Arg::Short(c) if c.is_ascii_alphabetic() => c,
            Arg::Long(l) => match LONGS.split(' ').find(|s| s.get(1..) == Some(l)) {
                Some(s) => s.as_bytes()[0] as char,
                None => match ns::by_long(l) {
                    Some(k) => k.short,
                    None => cli::quit(cli::unknown(Arg::Long(l))),
                },
            },
            Arg::Value(v) => {
                prog.push(v);
                prog.extend(a.rest());
                break;
            }
            other => cli::quit(cli::unknown(other)),
        };
        match c {
            'a' | 'e' | 'F' | 'c' | '[' | '\\' | ']' => {}
            't' => {
                if tgt.is_some() {
                    cli::die(b"option --target may be given only once", None);
                }
                tgt = Some(open_target(value(&mut a)));
            }
            'N' => {
                sock = Some(cli::ok(cli::parse_u64(
                    value(&mut a),
                    "file descriptor",
                    i32::MAX as u64,
                )))
            }
            'S' | 'G' => {
                let (slot, what) = match c {
                    'S' => (&mut uid, "uid"),
                    _ => (&mut gid, "gid"),
                };
                *slot = Some(parse_id(value(&mut a), what));
            }
            'r' => root = open_arg(&mut a).1,
            'w' | 'W' if has!(b'w' + b'W' - c as u8) => {
                cli::die(b"mutually exclusive arguments: --wdns --wd", None);
            }
            'w' => wd = open_arg(&mut a).1,
            'W' => wdns = optional(&mut a),
            'h' => cli::quit(cli::help(HELP)),
            'V' => cli::quit(cli::version()),
            'Z' => cli::quit(cli::usage_err(
                b"-Z/--follow-context is not supported: nsbox has no SELinux support",
            )),
            _ => {
                let Some(k) = ns::by_short(c) else {
                    cli::quit(cli::unknown(Arg::Short(c)));
                };
                let i = kind_index(c as u8);
                let (file, fd) = open_arg(&mut a);
                if fd.is_some() {
                    (files[i], fds[i]) = (file, fd);
                    given |= k.flag;
                }
                want |= k.flag;
            }
        }
        if ('A'..='z').contains(&c) {
            seen |= 1 << (c as u8 - b'A');
        }
    }

    if has!(b'a') {
        want = all_kinds(need(&tgt, b"--all"), want);
    }

    let ui = kind_index(b'U');
    if has!(b'[') {
        let base = match fds[ui].take() {
            Some(fd) => fd,
            None => need(&tgt, b"").open(c"ns/user"),
        };
        let parent = nsioctl::userns(base.as_fd())
            .unwrap_or_else(|e| cli::die(b"cannot open the parent user namespace", Some(e)));
        (files[ui], fds[ui]) = (b"", Some(keep(parent)));
        want |= CLONE_NEWUSER;
        given |= CLONE_NEWUSER;
    }
    if let Some(s) = sock {
        let i = kind_index(b'n');
        (files[i], fds[i]) = (b"", Some(socket_netns(need(&tgt, b""), s)));
        want |= CLONE_NEWNET;
        given |= CLONE_NEWNET;
    }

    // The namespaces to take from the target: through its pidfd in one
    // atomic setns when all come from it, else as /proc/PID/ns/* files (so
    // that the per-file order, user first, also covers the given files).
    let missing = want & !given;
    let explicit = want & given != 0;
    let mut pidfd = None;
    if missing != 0 {
        let t = need(&tgt, b"");
        match &t.pidfd {
            Some(p) if !explicit && pidfd_setns_works() => pidfd = Some(p.as_fd()),
            _ => {
                for (k, fd) in KINDS.iter().zip(&mut fds) {
                    if missing & k.flag != 0 {
                        let path = ManuallyDrop::new([b"ns/", k.name.as_bytes()].concat());
                        *fd = Some(t.open(cstr(&path)));
                    }
                }
            }
        }
    }

    if has!(b'r') && root.is_none() {
        root = Some(need(&tgt, b"root").open(c"root"));
    }
    if has!(b'w') && wd.is_none() {
        wd = Some(need(&tgt, b"cwd").open(c"cwd"));
    }
    if has!(b'W') && wdns.is_none() {
        let t = need(&tgt, b"cwd");
        let p = rfs::readlinkat(t.proc, c"cwd", Vec::new())
            .unwrap_or_else(|e| cli::die_parts(&[b"cannot read ", t.dir, b"cwd"], Some(e)));
        wdns = Some(p.into_bytes().leak());
    }
    let environ = has!(b'e').then(|| {
        let t = need(&tgt, b"environ");
        read_all(t.open(c"environ"))
            .unwrap_or_else(|e| cli::die_parts(&[b"cannot read ", t.dir, b"environ"], Some(e)))
    });
    let procs = has!(b'c').then(|| open_cgroup_procs(need(&tgt, b"cgroup")));
    let follow = uid == Some(FOLLOW) || gid == Some(FOLLOW);
    if follow {
        need(&tgt, b"-S/-G follow");
    }

    if want == 0 && (tgt.is_none() || seen & OTHERS == 0) {
        cli::die(b"no namespace specified", None);
    }

    // Entering a user namespace makes us root there, unless told otherwise.
    // setgroups is tried before setns too: as root in the initial namespace
    // it works here, and failing again inside (setgroups=deny) is harmless.
    let user = want & CLONE_NEWUSER != 0;
    let mut groups_failed = false;
    if user && !has!(b'\\') {
        uid.get_or_insert(0);
        gid.get_or_insert(0);
        groups_failed = rustix::thread::set_thread_groups(&[]).is_err();
    }

    // Pass 1 enters all but the user namespace and ignores errors, so a
    // privileged caller joins them with its full privileges; pass 2 enters
    // the rest, user first, and errors are fatal: an unprivileged caller
    // gets its capabilities from the user namespace (util-linux #315, #1510).
    let mut done = 0u32;
    for pass in 0..2 {
        let skip = if pass == 0 { CLONE_NEWUSER } else { 0 };
        if let Some(p) = pidfd {
            let f = want & !done & !skip;
            if f != 0 {
                match nsfd::setns(p, f) {
                    Ok(()) => done |= f,
                    Err(e) if pass == 1 => cli::die(b"reassociate to namespaces failed", Some(e)),
                    Err(_) => {}
                }
            }
        }
        for &i in &ns::ENTER_ORDER {
            let (k, Some(fd)) = (&KINDS[i], &fds[i]) else {
                continue;
            };
            if (done | skip) & k.flag != 0 {
                continue;
            }
            match nsfd::setns(fd.as_fd(), k.flag) {
                Ok(()) => done |= k.flag,
                Err(e) if pass == 1 => setns_failed(k.name, k.flag, *fd, files[i], e),
                Err(_) => {}
            }
        }
    }

    if let Some(r) = root {
        if wd.is_none() && wdns.is_none() {
            wd =
                Some(open_at(None, c".", OFlags::RDONLY).unwrap_or_else(|e| {
                    cli::die(b"cannot open current working directory", Some(e))
                }));
        }
        check(
            rustix::process::fchdir(r),
            b"change directory by root file descriptor failed",
        );
        check(rustix::process::chroot(c"."), b"chroot failed");
        check(
            rustix::process::chdir(c"/"),
            b"cannot change directory to /",
        );
    }
    if let Some(p) = wdns {
        wd = Some(open_or_die(None, b"", cstr(p), OFlags::RDONLY));
    }
    if let Some(w) = wd {
        check(
            rustix::process::fchdir(w),
            b"change directory by working directory file descriptor failed",
        );
    }
    if let Some(e) = environ {
        proc::set_environ(e);
    }
    if let Some(p) = procs {
        let mut b = [0; 20];
        let me = cli::fmt_u64(
            rustix::process::getpid().as_raw_nonzero().get() as u64,
            &mut b,
        );
        check(
            rustix::io::write(p, me).map(drop),
            b"cannot write our PID to cgroup.procs",
        );
    }
    if let (true, Some(t)) = (follow, &tgt) {
        // After setns: the owner as the entered user namespace maps it.
        let st = rfs::fstat(t.proc)
            .unwrap_or_else(|e| cli::die_parts(&[b"cannot stat ", t.dir], Some(e)));
        if uid == Some(FOLLOW) {
            uid = Some(st.st_uid);
        }
        if gid == Some(FOLLOW) {
            gid = Some(st.st_gid);
        }
    }

    // setns(CLONE_NEWPID) only moves our future children.
    if want & CLONE_NEWPID != 0 && !has!(b'F') {
        let _ = set_disposition(17, SIG_DFL); // SIGCHLD: waitpid must see the child
        match fork_process() {
            Err(e) => cli::die(b"fork failed", Some(e)),
            Ok(Forked::Parent(pid)) => {
                cli::quit(exec::wait_and_mirror(pid, Mirror::ExitAndStops));
            }
            Ok(Forked::Child) => {}
        }
    }

    if let Some(g) = gid {
        if let Err(e) = rustix::thread::set_thread_groups(&[]) {
            // Fatal only if it failed before setns too (root inside a
            // setgroups=deny namespace is fine), and not when there are no
            // supplementary groups to drop anyway.
            let none = rustix::process::getgroups().is_ok_and(|g| ManuallyDrop::new(g).is_empty());
            if groups_failed && !(e == Errno::PERM && none) {
                let hint: &[u8] = if user && e == Errno::PERM {
                    b" (the user namespace denies setgroups; try --preserve-credentials)"
                } else {
                    b""
                };
                cli::die_parts(&[&crate::cat!("setgroups failed: ", e), hint], None);
            }
        }
        check(
            rustix::thread::set_thread_gid(Gid::from_raw(g)),
            b"setgid() failed",
        );
    }
    if let Some(u) = uid {
        check(
            rustix::thread::set_thread_uid(Uid::from_raw(u)),
            b"setuid() failed",
        );
    }
    if has!(b']') && user {
        // The same as unshare's, from the permitted set.
        crate::applets::unshare::keep_caps(true);
    }
    cli::quit(exec::exec(&prog))
}

/// `--all`: `want` plus every kind of the target's namespaces this kernel
/// has, except our own user namespace (setns into it is EINVAL).
#[inline(never)]
fn all_kinds(t: &Target, mut want: u32) -> u32 {
    let mine = open_at(None, c"/proc/self/ns", OFlags::PATH);
    for k in &KINDS {
        // Skip kinds this kernel lacks.
        let Ok(mine) = mine.and_then(|d| stat_at(d, cstr(k.name.as_bytes()))) else {
            continue;
        };
        if want & k.flag != 0 {
            continue;
        }
        if k.flag == CLONE_NEWUSER {
            let theirs = stat_at(t.proc, c"ns/user").unwrap_or_else(|e| {
                cli::die_parts(&[b"stat of ", t.dir, b"ns/user failed"], Some(e))
            });
            if (theirs.st_dev, theirs.st_ino) == (mine.st_dev, mine.st_ino) {
                continue;
            }
        }
        want |= k.flag;
    }
    want
}

/// `-N FD`: the network namespace of the target's socket FD.
#[inline(never)]
fn socket_netns(t: &Target, s: u64) -> Fd {
    let mut b = [0; 20];
    let n = cli::fmt_u64(s, &mut b);
    let sk = match &t.pidfd {
        Some(p) => rustix::process::pidfd_getfd(p, s as i32, PidfdGetfdFlags::empty()),
        None => Err(Errno::NOSYS),
    }
    .unwrap_or_else(|e| {
        cli::die_parts(
            &[b"cannot get file descriptor ", n, b" of PID ", t.pid()],
            Some(e),
        )
    });
    let n = nsioctl::socket_netns(sk.as_fd()).unwrap_or_else(|e| {
        let mut b = [0; 20];
        let n = cli::fmt_u64(sk.as_raw_fd() as u64, &mut b);
        cli::die_parts(&[b"ioctl(", n, b", SIOCGSKNS)"], Some(e))
    });
    keep(n)
}

/// Options that make sense with a target but no namespace: -S -G -r -w -W -e -c.
const OTHERS: u64 = {
    let mut m = 0u64;
    let s = b"SGrwWec";
    let mut i = 0;
    while i < s.len() {
        m |= 1 << (s[i] - b'A');
        i += 1;
    }
    m
};

/// The end, with `msg: strerror`, unless `r` is Ok.
#[inline(never)]
fn check(r: Result<(), Errno>, msg: &[u8]) {
    if let Err(e) = r {
        cli::die_parts(&[msg], Some(e))
    }
}

/// util-linux's message for a failed setns, plus what is wrong when a file
/// given for the namespace was refused (EINVAL): it is no namespace, or one
/// of another type.
fn setns_failed(name: &str, flag: u32, fd: Fd, f: &[u8], e: Errno) -> ! {
    let m = crate::cat!("reassociate to namespace 'ns/", name, "' failed: ", e);
    if f.is_empty() || e != Errno::INVAL {
        cli::die(&m, None)
    }
    if !rfs::fstatfs(fd).is_ok_and(|s| s.f_type as u64 == NSFS_MAGIC as u64) {
        cli::die_parts(&[&m, b" (", f, b" is not a namespace file)"], None)
    }
    // NS_GET_NSTYPE (not under qemu-user: ENOSYS there).
    if let Ok(Some(o)) = nsioctl::nstype(fd).map(ns::by_flag)
        && o.flag != flag
    {
        cli::die_parts(
            &[&m, b" (", f, b": ", o.name.as_bytes(), b" namespace)"],
            None,
        )
    }
    cli::die(&m, None)
}

/// `-t PID[:INODE]`: pins the target with a pidfd (checked against INODE),
/// then opens `/proc/PID` while that pidfd's process still exists.
#[inline(never)]
fn open_target(s: &OsStr) -> Target {
    let b = s.as_bytes();
    let (p, i) = match b.iter().position(|&c| c == b':') {
        Some(n) => (&b[..n], Some(&b[n + 1..])),
        None => (b, None),
    };
    let parsed = num(p).and_then(|pid| {
        let ino = i.map(num).transpose()?;
        match pid {
            0 => Err(Errno::INVAL),
            1..0x8000_0000 => Ok((pid as i32, ino)),
            _ => Err(Errno::RANGE),
        }
    });
    let (pid, ino) = parsed
        .unwrap_or_else(|e| cli::die_parts(&[b"failed to parse PID argument '", b, b"'"], Some(e)));
    let bad = |e| -> Option<OwnedFd> {
        cli::die_parts(
            &[b"failed to obtain a valid file descriptor for PID ", p],
            Some(e),
        )
    };
    let pidfd =
        match Pid::from_raw(pid).map(|p| rustix::process::pidfd_open(p, PidfdFlags::empty())) {
            Some(Ok(fd)) => Some(fd),
            Some(Err(Errno::NOSYS)) if ino.is_none() => None,
            Some(Err(e)) => bad(e),
            None => bad(Errno::SRCH),
        };
    if let (Some(ino), Some(fd)) = (ino, &pidfd)
        && rfs::fstat(fd).map_or(0, |s| s.st_ino) != ino
    {
        cli::die_parts(
            &[
                b"pidfd inode ",
                i.unwrap_or_default(),
                b" not found for pid ",
                p,
            ],
            None,
        );
    }
    let dir = [b"/proc/", p, b"/"].concat().leak();
    let proc = open_or_die(None, b"", cstr(dir), OFlags::RDONLY | OFlags::DIRECTORY);
    if let Some(fd) = &pidfd
        && let Err(e) = nsfd::pidfd_alive(fd.as_fd())
    {
        bad(e);
    }
    Target {
        pidfd: pidfd.map(keep),
        proc,
        dir,
    }
}

/// A decimal u64: EINVAL unless all digits, ERANGE when too big.
fn num(d: &[u8]) -> Result<u64, Errno> {
    if d.is_empty() || !d.iter().all(u8::is_ascii_digit) {
        return Err(Errno::INVAL);
    }
    d.iter()
        .try_fold(0u64, |n, &c| {
            n.checked_mul(10)?.checked_add((c - b'0') as u64)
        })
        .ok_or(Errno::RANGE)
}

#[inline(never)]
fn parse_id(s: &OsStr, what: &str) -> u32 {
    if s.as_bytes() == b"follow" {
        return FOLLOW;
    }
    cli::ok(cli::parse_u64(s, what, FOLLOW as u64 - 1)) as u32
}

/// setns on a pidfd arrived in Linux 5.8.
#[inline(never)]
fn pidfd_setns_works() -> bool {
    let u = rustix::system::uname();
    let (mut v, mut n) = ([0u32; 2], 0);
    for &c in u.release().to_bytes() {
        if c.is_ascii_digit() {
            v[n] = v[n].saturating_mul(10).saturating_add((c - b'0') as u32);
        } else if n == 1 {
            break;
        } else {
            n = 1;
        }
    }
    v >= [5, 8]
}

#[inline(never)]
fn read_all(fd: Fd) -> Result<Vec<u8>, Errno> {
    let mut v = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match rustix::io::read(fd, &mut buf) {
            Ok(0) => return Ok(v),
            Ok(n) => v.extend_from_slice(&buf[..n]),
            Err(Errno::INTR) => {}
            Err(e) => return Err(e),
        }
    }
}

/// `-c`: the target's cgroup v2 `cgroup.procs`, opened for writing now.
#[inline(never)]
fn open_cgroup_procs(t: &Target) -> Fd {
    const CG: &[u8] = b"/sys/fs/cgroup";
    let fs = open_at(None, c"/sys/fs/cgroup", OFlags::PATH)
        .and_then(rfs::fstatfs)
        .unwrap_or_else(|e| cli::die(b"statfs /sys/fs/cgroup failed", Some(e)));
    if fs.f_type as u64 != CGROUP2_SUPER_MAGIC as u64 {
        cli::die(b"--join-cgroup is only supported in cgroup v2", None);
    }
    let data = ManuallyDrop::new(read_all(t.open(c"cgroup")).unwrap_or_default());
    let Some(path) = data
        .split(|&b| b == b'\n')
        .find_map(|l| l.strip_prefix(b"0::"))
    else {
        cli::die(b"failed to get cgroup path", None);
    };
    let procs = ManuallyDrop::new([CG, path, b"/cgroup.procs"].concat());
    open_or_die(None, b"", cstr(&procs), OFlags::WRONLY | OFlags::APPEND)
}
