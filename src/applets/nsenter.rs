//! nsenter: run a program in the namespaces of another process, or of
//! namespace files (bind mounts made by `unshare --X=FILE`), like util-linux
//! 2.42's nsenter.
//!
//! Race-free: every path is opened before the first setns; a target is
//! pinned by a pidfd, and everything under `/proc/PID` is opened relative to
//! one directory fd taken while that pidfd's process was known to exist, so
//! a recycled PID is never entered by mistake.
//!
//! No /proc needed for the target's namespaces: all of them are entered by
//! one setns on the pidfd (Linux 5.8), or, mixed with given files, taken
//! one by one from the pidfd with `PIDFD_GET_*_NAMESPACE` (Linux 6.11;
//! before, `/proc/PID/ns/*`). What still needs /proc, failing with
//! util-linux's `cannot open /proc/PID/...` messages: `-r`/`-w`/`-W`
//! without a directory (`root`, `cwd`), `-e` (`environ`), `-c` (`cgroup`),
//! `-S`/`-G follow` (the owner of `/proc/PID`); `--all` finds the kernel's
//! kinds in `/proc/self/ns`, or from pidfds (6.11; before, without /proc,
//! it finds none: `no namespace specified`, as util-linux always does then).
//!
//! Differences from util-linux (on purpose): `--all` without `--target`
//! says so (2.41+ prints a stat error); with no namespace, `--target` plus
//! -S/-G/-r/-w/-W/-e/-c is allowed; when namespace files are mixed with
//! the target's namespaces, all are entered per file (user first in pass 2)
//! instead of pidfd-then-files; a failing setgroups is harmless when there
//! are no supplementary groups to drop, and otherwise suggests
//! `--preserve-credentials`; EINVAL for a given file says what the file is;
//! `-W` without DIR is the target's cwd path, looked up after setns. No
//! SELinux (`-Z`).

use crate::cli::leaked_cstr as cstr;
use crate::cli::{self, Args, Item, Opt, Res, Val};
use crate::exec::{self, Mirror};
use crate::ns::{self, KINDS};
use crate::num;
use crate::sys::Argv;
use crate::sys::nsfd::ByIdError;
use crate::sys::proc::{Forked, SIG_DFL, fork_process, set_disposition};
use crate::sys::{nsfd, nsioctl, proc};
use linux_raw_sys::general::{
    CGROUP2_SUPER_MAGIC, CLONE_NEWNET, CLONE_NEWPID, CLONE_NEWUSER, NSFS_MAGIC,
};
use rustix::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use rustix::fs::{self as rfs, AtFlags, Mode, OFlags};
use rustix::io::Errno;
use rustix::process::{Gid, Pid, PidfdFlags, PidfdGetfdFlags, Uid};
use std::ffi::{CStr, OsStr, OsString};
use std::mem::ManuallyDrop;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

const NSENTER_HELP: &str = "\
Usage:
 nsenter [options] [<program> [<argument>...]]

Run a program with namespaces of other processes.

Options:
 -a, --all                     enter all namespaces
 -t, --target <pid>[:<inode>]  target process to get namespaces from
 -m, --mount[=<file>|=:<nsid>] enter mount namespace
 -u, --uts[=<file>|=:<nsid>]   enter UTS namespace (hostname etc)
 -i, --ipc[=<file>|=:<nsid>]   enter System V IPC namespace
 -n, --net[=<file>|=:<nsid>]   enter network namespace
 -N, --net-socket <fd>         enter socket's network namespace (use with --target)
 -p, --pid[=<file>|=:<nsid>]   enter pid namespace
 -C, --cgroup[=<file>|=:<nsid>]  enter cgroup namespace
 -U, --user[=<file>|=:<nsid>]  enter user namespace
     --user-parent             enter parent user namespace
 -T, --time[=<file>|=:<nsid>]  enter time namespace
 -S, --setuid <uid>|follow     set uid in entered namespace
 -G, --setgid <gid>|follow     set gid in entered namespace
     --preserve-credentials    do not touch uids or gids
     --keep-caps               retain capabilities granted in user namespaces
 -r, --root[=<dir>]            set the root directory
 -w, --wd[=<dir>]              set the working directory
 -W, --wdns[=<dir>]            set the working directory in namespace
 -e, --env                     inherit environment variables from target process
 -F, --no-fork                 do not fork before exec'ing <program>
 -c, --join-cgroup             join the cgroup of the target process

 -h, --help                    display this help
 -V, --version                 display version

A namespace is needed, except with --target and -S, -G, -r, -w, -W, -e, -c.
=:<nsid> is the namespace's ID (ioctl NS_GET_ID), opened through an nsfs
file handle (Linux 6.18 or later).
Not supported: -Z/--follow-context (SELinux).
";
const HELP: &[u8] = crate::packed!(NSENTER_HELP);

/// What an option means.
#[derive(Clone, Copy, PartialEq)]
enum Id {
    /// A namespace option: its position in `ns::KINDS` (a byte keeps the
    /// table rows small).
    Ns(u8),
    All,
    Target,
    NetSocket,
    UserParent,
    Setuid,
    Setgid,
    PreserveCredentials,
    KeepCaps,
    Root,
    Wd,
    Wdns,
    Env,
    NoFork,
    JoinCgroup,
    FollowContext,
    Help,
    Version,
}

/// `-X[FILE]`, `--LONG[=FILE]` of the namespace kind `i`.
const fn ns_opt(i: usize) -> Opt<Id> {
    Opt::new(
        KINDS[i].short,
        KINDS[i].long,
        Val::Optional,
        Id::Ns(i as u8),
    )
}

/// util-linux's options, in its order (getopt_long lists ambiguous
/// abbreviations in it).
const OPTS: &[Opt<Id>] = &[
    Opt::new('a', "all", Val::None, Id::All),
    Opt::new('h', "help", Val::None, Id::Help),
    Opt::new('V', "version", Val::None, Id::Version),
    Opt::new('t', "target", Val::Required, Id::Target),
    ns_opt(ns::MNT),
    ns_opt(ns::UTS),
    ns_opt(ns::IPC),
    ns_opt(ns::NET),
    Opt::new('N', "net-socket", Val::Required, Id::NetSocket),
    ns_opt(ns::PID),
    ns_opt(ns::USER),
    ns_opt(ns::CGROUP),
    ns_opt(ns::TIME),
    Opt::new('S', "setuid", Val::Required, Id::Setuid),
    Opt::new('G', "setgid", Val::Required, Id::Setgid),
    Opt::new('r', "root", Val::Optional, Id::Root),
    Opt::new('w', "wd", Val::Optional, Id::Wd),
    Opt::new('W', "wdns", Val::Optional, Id::Wdns),
    Opt::new('e', "env", Val::None, Id::Env),
    Opt::new('F', "no-fork", Val::None, Id::NoFork),
    Opt::new('c', "join-cgroup", Val::None, Id::JoinCgroup),
    Opt::long("preserve-credentials", Val::None, Id::PreserveCredentials),
    Opt::long("keep-caps", Val::None, Id::KeepCaps),
    Opt::long("user-parent", Val::None, Id::UserParent),
    Opt::new('Z', "follow-context", Val::None, Id::FollowContext),
];

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
    /// None on kernels without pidfd_open (before 5.3) and when the process
    /// did not exist.
    pidfd: Option<Fd>,
    /// `/proc/PID`, opened while the pidfd's process existed, or why it
    /// could not be (a process that does not exist: ENOENT, as util-linux
    /// finds it when it opens `/proc/PID/...`).
    proc: Result<Fd, Errno>,
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

    /// `/proc/PID`, or `cannot open /proc/PID/WHAT: strerror` and the end.
    #[inline(never)]
    fn proc(&self, what: &[u8]) -> Fd {
        self.proc
            .unwrap_or_else(|e| cli::die_parts(&[b"cannot open ", self.dir, what], Some(e)))
    }

    /// Opens `/proc/PID/WHAT`.
    fn open(&self, what: &CStr) -> Fd {
        let dir = self.proc(what.to_bytes());
        open_or_die(Some(&dir), self.dir, what, OFlags::RDONLY)
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

/// An optional path, opened now (before any setns).
#[inline(never)]
fn open_given(path: &'static [u8]) -> Fd {
    open_or_die(None, b"", cstr(path), OFlags::RDONLY)
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

/// A directory (or path) for `-r`, `-w`, `-W`: not asked for, the
/// target's, or the one given.
#[derive(Clone, Copy, Default)]
enum Place<T> {
    #[default]
    No,
    Targets,
    Given(T),
}

impl<T> Place<T> {
    /// The value given, or the target's.
    fn of(v: Option<T>) -> Place<T> {
        v.map_or(Place::Targets, Place::Given)
    }

    fn asked(&self) -> bool {
        !matches!(self, Place::No)
    }
}

/// What the command line asks for.
#[derive(Default)]
struct Opts {
    /// The namespaces to enter (`CLONE_NEW*` flags).
    want: u32,
    /// Namespace descriptors, indexed like `KINDS`: given files, and later
    /// those of --user-parent and -N.
    fds: [Option<Fd>; 8],
    /// The file each of `fds` was opened from (empty: not a given file).
    files: [&'static [u8]; 8],
    /// Kinds with a descriptor in `fds`.
    given: u32,
    target: Option<Target>,
    all: bool,
    /// `-N FD`.
    sock: Option<u64>,
    user_parent: bool,
    uid: Option<u32>,
    gid: Option<u32>,
    preserve_credentials: bool,
    keep_caps: bool,
    root: Place<Fd>,
    wd: Place<Fd>,
    wdns: Place<&'static [u8]>,
    env: bool,
    no_fork: bool,
    join_cgroup: bool,
    prog: Vec<OsString>,
}

/// `nsenter`.
pub fn nsenter(argv: Argv) -> Res<i32> {
    let o: &'static mut Opts = Box::leak(Box::default());
    parse(o, argv);
    if o.all {
        o.want = all_kinds(need(&o.target, b"--all"), o.want);
    }
    // util-linux's order: the target's namespaces, its directories,
    // environment, owner and cgroup, then --user-parent and -N.
    let pidfd = open_target_namespaces(o);
    open_target_places(o);
    let environ = o.env.then(|| {
        let t = need(&o.target, b"environ");
        read_all(t.open(c"environ"))
            .unwrap_or_else(|e| cli::die_parts(&[b"cannot read ", t.dir, b"environ"], Some(e)))
    });
    let procs = o
        .join_cgroup
        .then(|| open_cgroup_procs(need(&o.target, b"cgroup")));
    let follow = o.uid == Some(FOLLOW) || o.gid == Some(FOLLOW);
    if follow {
        // util-linux opens /proc/PID/ here.
        need(&o.target, b"-S/-G follow").proc(b"");
    }
    if o.user_parent {
        open_user_parent(o);
    }
    if let Some(s) = o.sock {
        let fd = socket_netns(need(&o.target, b""), s);
        o.set_fd(ns::NET, fd);
    }
    if o.want == 0 && (o.target.is_none() || !o.others()) {
        cli::die(b"no namespace specified", None);
    }

    // Entering a user namespace makes us root there, unless told otherwise.
    // setgroups is tried before setns too: as root in the initial namespace
    // it works here, and failing again inside (setgroups=deny) is harmless.
    let user = o.want & CLONE_NEWUSER != 0;
    let mut groups_failed = false;
    if user && !o.preserve_credentials {
        o.uid.get_or_insert(0);
        o.gid.get_or_insert(0);
        groups_failed = rustix::thread::set_thread_groups(&[]).is_err();
    }
    enter_namespaces(o, pidfd);
    change_directories(o);
    if let Some(e) = environ {
        proc::set_environ(e);
    }
    if let Some(p) = procs {
        join_cgroup(p);
    }
    if follow {
        follow_owner(o);
    }
    // setns(CLONE_NEWPID) only moves our future children.
    if o.want & CLONE_NEWPID != 0 && !o.no_fork {
        continue_as_child();
    }
    set_credentials(o, user, groups_failed);
    if o.keep_caps && user {
        // The same as unshare's, from the permitted set.
        crate::caps::keep_caps(true);
    }
    cli::quit(exec::exec(&o.prog))
}

/// The command line, with given files opened (before any setns).
#[inline(never)]
fn parse(o: &mut Opts, argv: Argv) {
    let mut a = Args::new(argv);
    while let Some(item) = cli::ok(a.next_opt(OPTS)) {
        let (id, val) = match item {
            Item::Opt(id, val) => (id, val.map(|v| &*v.into_vec().leak())),
            Item::Operand(prog) => {
                o.prog.push(prog);
                o.prog.extend(a.rest());
                break;
            }
        };
        let required = || OsStr::from_bytes(val.unwrap_or_default());
        match id {
            Id::Ns(i) => {
                let i = i as usize;
                if let Some(file) = val {
                    let fd = match file.strip_prefix(b":") {
                        Some(id) => open_by_id(&KINDS[i], id),
                        None => open_given(file),
                    };
                    o.set_fd(i, fd);
                    o.files[i] = file;
                }
                o.want |= KINDS[i].flag;
            }
            Id::All => o.all = true,
            Id::Target => {
                if o.target.is_some() {
                    cli::die(b"option --target may be given only once", None);
                }
                o.target = Some(open_target(required()));
            }
            Id::NetSocket => {
                // util-linux's str2num_or_err(S, 10, ..., 0, INT_MAX): a low
                // of 0 means no low limit, and a negative descriptor no -N.
                let s = required();
                let fd = num::strtos64(s.as_bytes(), 10)
                    .and_then(|n| i32::try_from(n).map_err(|_| Errno::RANGE));
                o.sock = u64::try_from(num::or_die(fd, "failed to parse file descriptor", s)).ok();
            }
            Id::UserParent => o.user_parent = true,
            Id::Setuid => o.uid = Some(parse_id(required(), "failed to parse uid")),
            Id::Setgid => o.gid = Some(parse_id(required(), "failed to parse gid")),
            Id::PreserveCredentials => o.preserve_credentials = true,
            Id::KeepCaps => o.keep_caps = true,
            Id::Root => o.root = Place::of(val.map(open_given)),
            Id::Wd | Id::Wdns
                if o.wd.asked() && id == Id::Wdns || o.wdns.asked() && id == Id::Wd =>
            {
                cli::die(b"mutually exclusive arguments: --wdns --wd", None);
            }
            Id::Wd => o.wd = Place::of(val.map(open_given)),
            Id::Wdns => o.wdns = Place::of(val),
            Id::Env => o.env = true,
            Id::NoFork => o.no_fork = true,
            Id::JoinCgroup => o.join_cgroup = true,
            Id::FollowContext => cli::quit(cli::usage_err(
                b"-Z/--follow-context is not supported: nsbox has no SELinux support",
            )),
            Id::Help => cli::quit(cli::help(HELP)),
            Id::Version => cli::quit(cli::version()),
        }
    }
}

impl Opts {
    /// Enters kind `i` through `fd` (a given file, --user-parent, -N).
    fn set_fd(&mut self, i: usize, fd: Fd) {
        (self.files[i], self.fds[i]) = (b"", Some(fd));
        self.given |= KINDS[i].flag;
        self.want |= KINDS[i].flag;
    }

    /// Options that make sense with a target but no namespace:
    /// -S -G -r -w -W -e -c.
    fn others(&self) -> bool {
        self.uid.is_some()
            || self.gid.is_some()
            || self.root.asked()
            || self.wd.asked()
            || self.wdns.asked()
            || self.env
            || self.join_cgroup
    }
}

/// `--user-parent`: the parent of the given user namespace or the
/// target's (from its pidfd, as util-linux HEAD does first), with HEAD's
/// message. (HEAD falls back to the owner of another given namespace when
/// the kernel lacks PIDFD_GET_USER_NAMESPACE, before Linux 6.11; nsbox
/// opens the target's `ns/user` instead.)
#[inline(never)]
fn open_user_parent(o: &mut Opts) {
    let base = match o.fds[ns::USER].take() {
        Some(fd) => fd,
        None => target_ns(need(&o.target, b""), ns::USER),
    };
    let parent = nsioctl::userns(base.as_fd())
        .unwrap_or_else(|e| cli::die(b"failed to open parent namespace", Some(e)));
    o.set_fd(ns::USER, keep(parent));
}

/// The namespaces to take from the target: through its pidfd (returned)
/// in one atomic setns when all come from it, else as /proc/PID/ns/* files
/// (so that the per-file order, user first, also covers the given files
/// and those --user-parent and -N add later).
#[inline(never)]
fn open_target_namespaces(o: &mut Opts) -> Option<Fd> {
    let later = if o.user_parent { CLONE_NEWUSER } else { 0 }
        | if o.sock.is_some() { CLONE_NEWNET } else { 0 };
    let given = o.given | later;
    let missing = o.want & !given;
    if missing == 0 && later == 0 {
        return None;
    }
    // util-linux HEAD: -N and --user-parent need a target, even with files.
    let t = need(&o.target, b"");
    if missing == 0 {
        return None;
    }
    match t.pidfd {
        Some(p) if o.want & given == 0 && pidfd_setns_works() => return Some(p),
        _ => {}
    }
    // In util-linux's order: the first that cannot be opened is reported.
    for &i in &ns::ENTER_ORDER {
        if missing & KINDS[i].flag != 0 {
            o.fds[i] = Some(target_ns(t, i));
        }
    }
    None
}

/// The target's namespace of kind `i`: from its pidfd where the kernel has
/// `PIDFD_GET_*_NAMESPACE` (Linux 6.11; no /proc needed), else
/// `/proc/PID/ns/NAME` as util-linux opens it. Any ioctl error goes to the
/// /proc file when there is one, so that its message is util-linux's;
/// without /proc, an error other than "unsupported" (ENOTTY, EINVAL) is
/// told under that file's name.
#[inline(never)]
fn target_ns(t: &Target, i: usize) -> Fd {
    let path = ManuallyDrop::new([b"ns/", KINDS[i].name.as_bytes()].concat());
    match (t.pidfd.map(|p| nsioctl::pidfd_ns(p, KINDS[i].flag)), t.proc) {
        (Some(Ok(fd)), _) => keep(fd),
        (Some(Err(e)), Err(_)) if e != Errno::NOTTY && e != Errno::INVAL => {
            cli::die_parts(&[b"cannot open ", t.dir, &path], Some(e))
        }
        _ => t.open(cstr(&path)),
    }
}

/// -r, -w, -W without a directory: the target's (-W: its cwd path, looked
/// up now and opened after setns).
#[inline(never)]
fn open_target_places(o: &mut Opts) {
    if matches!(o.root, Place::Targets) {
        o.root = Place::Given(need(&o.target, b"root").open(c"root"));
    }
    if matches!(o.wd, Place::Targets) {
        o.wd = Place::Given(need(&o.target, b"cwd").open(c"cwd"));
    }
    if matches!(o.wdns, Place::Targets) {
        let t = need(&o.target, b"cwd");
        let p = t
            .proc
            .and_then(|d| rfs::readlinkat(d, c"cwd", Vec::new()))
            .unwrap_or_else(|e| cli::die_parts(&[b"cannot read ", t.dir, b"cwd"], Some(e)));
        o.wdns = Place::Given(p.into_bytes().leak());
    }
}

/// Pass 1 enters all but the user namespace and ignores errors, so a
/// privileged caller joins them with its full privileges; pass 2 enters
/// the rest, user first, and errors are fatal: an unprivileged caller gets
/// its capabilities from the user namespace (util-linux #315, #1510).
#[inline(never)]
fn enter_namespaces(o: &Opts, pidfd: Option<Fd>) {
    let mut done = 0u32;
    for pass in 0..2 {
        let skip = if pass == 0 { CLONE_NEWUSER } else { 0 };
        if let Some(p) = pidfd {
            let f = o.want & !done & !skip;
            if f != 0 {
                match nsfd::setns(p, f) {
                    Ok(()) => done |= f,
                    Err(e) if pass == 1 => {
                        let lacking = ns::unsupported_hint(e, f, c"/proc/self/ns");
                        cli::die(
                            &crate::cat!("reassociate to namespaces failed: ", e, lacking),
                            None,
                        )
                    }
                    Err(_) => {}
                }
            }
        }
        for &i in &ns::ENTER_ORDER {
            let (k, Some(fd)) = (&KINDS[i], o.fds[i]) else {
                continue;
            };
            if (done | skip) & k.flag != 0 {
                continue;
            }
            match nsfd::setns(fd, k.flag) {
                Ok(()) => done |= k.flag,
                Err(e) if pass == 1 => setns_failed(k.name, k.flag, fd, o.files[i], e),
                Err(_) => {}
            }
        }
    }
}

/// chroot to the root directory, then chdir to the working directory
/// (without one: the directory we were in, as util-linux does).
#[inline(never)]
fn change_directories(o: &Opts) {
    let mut wd = match o.wd {
        Place::Given(w) => Some(w),
        _ => None,
    };
    if let Place::Given(r) = o.root {
        if wd.is_none() && !o.wdns.asked() {
            wd =
                Some(open_at(None, c".", OFlags::RDONLY).unwrap_or_else(|e| {
                    cli::die(b"cannot open current working directory", Some(e))
                }));
        }
        cli::check(
            rustix::process::fchdir(r),
            b"change directory by root file descriptor failed",
        );
        cli::check(rustix::process::chroot(c"."), b"chroot failed");
        cli::check(
            rustix::process::chdir(c"/"),
            b"cannot change directory to /",
        );
    }
    if let Place::Given(p) = o.wdns {
        wd = Some(open_given(p));
    }
    if let Some(w) = wd {
        cli::check(
            rustix::process::fchdir(w),
            b"change directory by working directory file descriptor failed",
        );
    }
}

/// `-c`: writes our PID to the target's cgroup.procs (opened before).
#[inline(never)]
fn join_cgroup(procs: Fd) {
    let mut b = [0; 20];
    let me = cli::fmt_u64(
        rustix::process::getpid().as_raw_nonzero().get() as u64,
        &mut b,
    );
    cli::check(
        rustix::io::write(procs, me).map(drop),
        b"cannot write our PID to cgroup.procs",
    );
}

/// `-S follow`/`-G follow`: the owner of `/proc/PID`, after setns (as the
/// entered user namespace maps it).
#[inline(never)]
fn follow_owner(o: &mut Opts) {
    let t = need(&o.target, b"-S/-G follow");
    let st = t
        .proc
        .and_then(rfs::fstat)
        .unwrap_or_else(|e| cli::die_parts(&[b"cannot stat ", t.dir], Some(e)));
    if o.uid == Some(FOLLOW) {
        o.uid = Some(st.st_uid);
    }
    if o.gid == Some(FOLLOW) {
        o.gid = Some(st.st_gid);
    }
}

/// Forks; the parent waits and mirrors the child's end (and stops).
#[inline(never)]
fn continue_as_child() {
    let _ = set_disposition(17, SIG_DFL); // SIGCHLD: waitpid must see the child
    match fork_process() {
        Err(e) => cli::die(b"fork failed", Some(e)),
        Ok(Forked::Parent(pid)) => {
            cli::quit(exec::wait_and_mirror(pid, Mirror::ExitAndStops));
        }
        Ok(Forked::Child) => {}
    }
}

/// setgroups, setgid, setuid as asked (in a user namespace: root).
#[inline(never)]
fn set_credentials(o: &Opts, user: bool, groups_failed: bool) {
    if let Some(g) = o.gid {
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
        cli::check(
            rustix::thread::set_thread_gid(Gid::from_raw(g)),
            b"setgid() failed",
        );
    }
    if let Some(u) = o.uid {
        cli::check(
            rustix::thread::set_thread_uid(Uid::from_raw(u)),
            b"setuid() failed",
        );
    }
}

/// `--all`: `want` plus every kind of the target's namespaces this kernel
/// has, except our own user namespace (setns into it is EINVAL). Without
/// /proc (util-linux then finds no kind), ours and the target's come from
/// pidfds where the kernel has `PIDFD_GET_*_NAMESPACE` (Linux 6.11).
#[inline(never)]
fn all_kinds(t: &Target, mut want: u32) -> u32 {
    let dir = open_at(None, c"/proc/self/ns", OFlags::PATH);
    let me = dir.err().and_then(|_| {
        rustix::process::pidfd_open(rustix::process::getpid(), PidfdFlags::empty()).ok()
    });
    for k in &KINDS {
        // Skip kinds this kernel lacks.
        let mine = match (dir, &me) {
            (Ok(d), _) => stat_at(d, cstr(k.name.as_bytes())),
            (_, Some(p)) => pidfd_ns_stat(p.as_fd(), k.flag),
            (Err(e), None) => Err(e),
        };
        let Ok(mine) = mine else {
            continue;
        };
        if want & k.flag != 0 {
            continue;
        }
        if k.flag == CLONE_NEWUSER {
            let theirs = match (t.proc, t.pidfd) {
                (Ok(d), _) => stat_at(d, c"ns/user"),
                (Err(_), Some(p)) => pidfd_ns_stat(p, CLONE_NEWUSER),
                (Err(e), None) => Err(e),
            };
            let theirs = theirs.unwrap_or_else(|e| {
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

/// The namespace of kind `flag` of the pidfd's process (Linux 6.11).
#[inline(never)]
fn pidfd_ns_stat(pidfd: BorrowedFd, flag: u32) -> Result<rfs::Stat, Errno> {
    nsioctl::pidfd_ns(pidfd, flag).and_then(rfs::fstat)
}

/// `-N FD`: the network namespace of the target's socket FD, with util-linux
/// HEAD's messages (which name the descriptors by number).
#[inline(never)]
fn socket_netns(t: &Target, s: u64) -> Fd {
    let pidfd = match t.pidfd {
        Some(p) => p,
        // util-linux tries pidfd_open again here.
        None => {
            let pid = num::strtos32(t.pid(), 10).ok().and_then(Pid::from_raw);
            let e = pid.map_or(Errno::SRCH, |p| {
                rustix::process::pidfd_open(p, PidfdFlags::empty())
                    .map_or_else(|e| e, |_| Errno::SRCH)
            });
            cli::die_parts(&[b"failed to pidfd_open() for ", t.pid()], Some(e))
        }
    };
    let sk = rustix::process::pidfd_getfd(pidfd, s as i32, PidfdGetfdFlags::empty())
        .unwrap_or_else(|e| {
            let msg = crate::cat!("pidfd_getfd(", pidfd.as_raw_fd(), ", ", s, ")");
            cli::die(&msg, Some(e))
        });
    let n = nsioctl::socket_netns(sk.as_fd()).unwrap_or_else(|e| {
        cli::die(
            &crate::cat!("ioctl(", sk.as_raw_fd(), ", SIOCGSKNS)"),
            Some(e),
        )
    });
    keep(n)
}

/// util-linux's message for a failed setns, plus what is wrong when a file
/// given for the namespace was refused (EINVAL): it is no namespace, or one
/// of another type.
fn setns_failed(name: &str, flag: u32, fd: Fd, f: &[u8], e: Errno) -> ! {
    let m = crate::cat!("reassociate to namespace 'ns/", name, "' failed: ", e);
    let lacking = ns::unsupported_hint(e, flag, c"/proc/self/ns");
    if f.is_empty() || e != Errno::INVAL || !lacking.is_empty() {
        cli::die_parts(&[&m, &lacking], None)
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

/// `--TYPE=:NSID`: the namespace of that ID (util-linux's messages; the
/// kernel feature that is missing, when that is why).
#[inline(never)]
fn open_by_id(kind: &ns::NsKind, id: &[u8]) -> Fd {
    let Ok(n) = num::strtou64(id, 10) else {
        cli::die_parts(&[b"failed to parse nsid: ", id], None);
    };
    match nsfd::open_by_id(n) {
        Ok(fd) => keep(fd),
        // Linux 6.18 opens nsfs handles only with the type and inode too
        // (where util-linux stops): a namespace some process is in is still
        // found, by its ID, among the processes' namespaces.
        Err(ByIdError::IdOnlyUnsupported) if let Some(fd) = find_by_id(kind, n) => keep(fd),
        Err(ByIdError::Fill(e)) => {
            let hint: &[u8] = match e {
                Errno::NOTTY => b" (no PIDFD_GET_MNT_NAMESPACE: Linux 6.11 or later needed)",
                Errno::OPNOTSUPP => b" (no nsfs file handles: Linux 6.18 or later needed)",
                _ => b"",
            };
            let m = crate::cat!("failed to fill namespace file handle: ", e);
            cli::die_parts(&[&m, hint], None)
        }
        Err(ByIdError::Open(e)) => {
            cli::die(&crate::cat!("cannot open namespace of id ", n), Some(e))
        }
        Err(ByIdError::IdOnlyUnsupported) => cli::die(
            &crate::cat!(
                "cannot open namespace of id ",
                n,
                ": ",
                Errno::STALE,
                " (this kernel opens nsfs file handles only with the namespace's type and inode too, and no process is in a ",
                kind.name,
                " namespace of that id)"
            ),
            None,
        ),
    }
}

/// The namespace of kind `kind` whose `NS_GET_ID` is `id`, among those of
/// the processes (`/proc/PID/ns/KIND`).
fn find_by_id(kind: &ns::NsKind, id: u64) -> Option<OwnedFd> {
    let dir = rfs::open(c"/proc", OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty()).ok()?;
    let mut found = None;
    let _ = crate::sys::dir::dir_names(dir.as_fd(), |pid| {
        if found.is_some() || !pid.to_bytes().first().is_some_and(u8::is_ascii_digit) {
            return;
        }
        let path = [b"/proc/", pid.to_bytes(), b"/ns/", kind.name.as_bytes()].concat();
        if let Ok(fd) = rfs::open(
            path.as_slice(),
            OFlags::RDONLY | OFlags::CLOEXEC,
            Mode::empty(),
        ) && nsioctl::ns_id(&fd) == Ok(id)
        {
            found = Some(fd);
        }
    });
    found
}

/// `-t PID[:INODE]`: pins the target with a pidfd (checked against INODE
/// like util-linux: the pidfd must be on pidfs and have that inode), then
/// opens `/proc/PID` while that pidfd's process still exists.
#[inline(never)]
fn open_target(s: &OsStr) -> Target {
    let (pid, ino) = parse_pid(s.as_bytes()).unwrap_or_else(|e| {
        cli::die_parts(
            &[b"failed to parse PID argument '", s.as_bytes(), b"'"],
            Some(e),
        )
    });
    let dir = crate::cat!("/proc/", pid, "/").leak();
    let invalid = |e| -> ! {
        let pid = dir.get(6..dir.len() - 1).unwrap_or_default();
        cli::die_parts(
            &[b"failed to obtain a valid file descriptor for PID ", pid],
            Some(e),
        )
    };
    let opened = Pid::from_raw(pid).map(|p| rustix::process::pidfd_open(p, PidfdFlags::empty()));
    let pidfd = match opened {
        Some(Ok(fd)) => Some(keep(fd)),
        Some(Err(e)) if ino.is_some() => invalid(e),
        Some(Err(Errno::NOSYS)) => None,
        // util-linux goes on and fails where it opens /proc/PID/...
        Some(Err(e)) => {
            let e = if e == Errno::SRCH { Errno::NOENT } else { e };
            return Target {
                pidfd: None,
                proc: Err(e),
                dir,
            };
        }
        None => invalid(Errno::SRCH),
    };
    if let (Some(ino), Some(fd)) = (ino, pidfd) {
        if !rfs::fstatfs(fd).is_ok_and(|s| s.f_type as u64 == PIDFS_MAGIC) {
            invalid(Errno::NOTSUP);
        }
        if rfs::fstat(fd).map_or(0, |s| s.st_ino) != ino {
            invalid(Errno::SRCH);
        }
    }
    let mut proc = open_at(None, cstr(dir), OFlags::RDONLY | OFlags::DIRECTORY);
    if let (Some(fd), Ok(_)) = (pidfd, proc) {
        // Reaped meanwhile: /proc/PID may be another process now.
        proc = nsfd::pidfd_alive(fd).and(proc);
    }
    Target { pidfd, proc, dir }
}

/// The filesystem of pidfds since Linux 6.9 (util-linux's
/// `STATFS_PIDFS_MAGIC`); before, a pidfd's inode means nothing.
const PIDFS_MAGIC: u64 = 0x5049_4446;

/// `PID[:INODE]` as util-linux's ul_parse_pid_str reads it: strtoimax
/// (leading blanks, a sign), then a positive pid_t (`0`, `-5`, too big:
/// ERANGE), then `:` and a non-zero u64 inode, then nothing (EINVAL).
fn parse_pid(s: &[u8]) -> Result<(i32, Option<u64>), Errno> {
    let d = num::scan(s, 10).ok_or(Errno::INVAL)?;
    let pid = match d.signed() {
        Ok(n @ 1..=0x7fff_ffff) => n as i32,
        _ => return Err(Errno::RANGE),
    };
    match d.rest {
        [] => Ok((pid, None)),
        [b':', ino @ ..] => match num::strtou64(ino, 10)? {
            0 => Err(Errno::RANGE),
            ino => Ok((pid, Some(ino))),
        },
        _ => Err(Errno::INVAL),
    }
}

#[inline(never)]
fn parse_id(s: &OsStr, what: &str) -> u32 {
    if s.as_bytes() == b"follow" {
        return FOLLOW;
    }
    let v = num::strtou64_max(s.as_bytes(), 10, FOLLOW as u64 - 1);
    num::or_die(v, what, s) as u32
}

/// setns on a pidfd arrived in Linux 5.8: util-linux asks
/// `get_linux_version() > KERNEL_VERSION(5, 7, 0)` (its sscanf of the
/// release, `%d.%d.%d`).
#[inline(never)]
fn pidfd_setns_works() -> bool {
    let u = rustix::system::uname();
    let ([x, y, z], _, _) = num::scan_u32s(u.release().to_bytes(), Some(b'.'));
    let version = |x: u32, y: u32, z: u32| (x << 16).wrapping_add(y << 8).wrapping_add(z);
    version(x, y, z) > version(5, 7, 0)
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

#[cfg(test)]
mod tests {
    #[test]
    fn option_table_matches_the_help() {
        crate::cli::check_help(super::OPTS, super::NSENTER_HELP);
    }
}
