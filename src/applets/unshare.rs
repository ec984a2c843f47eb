//! unshare: run a program in new namespaces, like util-linux 2.42's
//! `unshare(1)`, including its order of operations (helpers forked before
//! unshare(2) for persistence and id-range maps; uid_map, setgroups, gid_map;
//! propagation before chroot; proc mounted last, in the forked child).

use crate::cat;
use crate::cli::leaked_cstr as cstr;
use crate::cli::{self, Args, Exit, Item, Opt, Res, Val};
use crate::exec::{self, Mirror};
use crate::ns::{self, NsKind};
use crate::num;
use crate::sys::proc::{Forked, SIG_DFL, fork_process, set_disposition, sigbit, sigprocmask};
use crate::sys::{Argv, unshare as su};
use linux_raw_sys::general as g;
use rustix::fd::OwnedFd;
use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;
use rustix::mount::{MountFlags, UnmountFlags};
use rustix::process::{Pid, WaitOptions, getpid, waitpid};
use std::ffi::{CStr, OsStr, OsString};
use std::mem::ManuallyDrop;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

const UNSHARE_HELP: &str = "\
Usage:
 unshare [options] [<program> [<argument>...]]

Run a program with some namespaces unshared from the parent.

Options:
 -m, --mount[=<file>]      unshare mounts namespace
 -u, --uts[=<file>]        unshare UTS namespace (hostname etc)
 -i, --ipc[=<file>]        unshare System V IPC namespace
 -n, --net[=<file>]        unshare network namespace
 -p, --pid[=<file>]        unshare pid namespace
 -U, --user[=<file>]       unshare user namespace
 -C, --cgroup[=<file>]     unshare cgroup namespace
 -T, --time[=<file>]       unshare time namespace

 --mount-proc[=<dir>]      mount proc filesystem first (implies --mount)
 --mount-binfmt[=<dir>]    mount binfmt filesystem first (implies --user and --mount)
 -l, --load-interp <file>  load binfmt definition in the namespace (implies --mount-binfmt)
 --propagation slave|shared|private|unchanged
                           modify mount propagation in mount namespace
 -R, --root <dir>          run the command with root directory set to <dir>
 -w, --wd <dir>            change working directory to <dir>

 -S, --setuid <uid>        set uid in entered namespace
 -G, --setgid <gid>        set gid in entered namespace
 --map-user <uid>|<name>   map current user to uid (implies --user)
 --map-group <gid>|<name>  map current group to gid (implies --user)
 -r, --map-root-user       map current user to root (implies --user)
 -c, --map-current-user    map current user to itself (implies --user)
 --map-auto                map users and groups automatically (implies --user)
 --map-subids              map the first block of user IDs owned by euid (implies --user)
 --map-users <inneruid>:<outeruid>:<count>
                           map count users from outeruid to inneruid (implies --user)
 --map-groups <innergid>:<outergid>:<count>
                           map count groups from outergid to innergid (implies --user)
 --owner <uid>:<gid>       set the user namespace owner (implies --user)

 -f, --fork                fork before launching <program>
 --kill-child[=<signame>]  when dying, kill the forked child (implies --fork)
                             defaults to SIGKILL
 --forward-signals         forward SIGTERM and SIGINT to child (implies --fork)

 --setgroups allow|deny    control the setgroups syscall in user namespaces
 --keep-caps               retain capabilities granted in user namespaces

 --monotonic <offset>      set clock monotonic offset (seconds) in time namespaces
 --boottime <offset>       set clock boottime offset (seconds) in time namespaces
 --clear-env               do not inherit environment variables from the calling process
 --whitelist-env <list>    clear environment except for specified variables

 -h, --help                display this help
 -V, --version             display version

With --fork, unshare blocks SIGINT and SIGTERM while it waits for the child:
unless --forward-signals is given, a SIGTERM or SIGINT sent to unshare does
NOT reach the child (it stays pending). --kill-child only acts when unshare
itself dies (e.g. of SIGKILL).
";
const HELP: &[u8] = crate::packed!(UNSHARE_HELP);

const BINFMT: &[u8] = b"/proc/sys/fs/binfmt_misc";
const PRIVATE: u32 = g::MS_REC | g::MS_PRIVATE;
/// An id range's inner start meaning "0, but shift past the single map".
const AUTO: u32 = u32::MAX;

/// An option value, kept for the process's lifetime (unshare ends in exec
/// or exit: freeing it would only cost code).
type S = &'static [u8];

/// Keeps `v` for the rest of the process.
#[inline(never)]
fn leak(v: OsString) -> S {
    v.into_vec().leak()
}

/// One `inner outer count` line of an id map.
#[derive(Clone, Copy)]
struct Range {
    inner: u32,
    outer: u32,
    count: u32,
}

#[derive(Default)]
struct Opts {
    flags: u32,
    /// Persistence targets, indexed like `ns::KINDS`.
    files: [Option<S>; 8],
    fork: bool,
    kill_sig: i32,
    forward: bool,
    proc_dir: Option<S>,
    binfmt: Option<S>,
    interp: Option<S>,
    /// `--propagation` flags; 0 is `unchanged`. Set to PRIVATE by `parse`.
    propagation: u32,
    root: Option<S>,
    wd: Option<S>,
    setuid: Option<u32>,
    setgid: Option<u32>,
    map_user: Option<u32>,
    map_group: Option<u32>,
    users: Vec<Range>,
    groups: Vec<Range>,
    owner: Option<(u32, u32)>,
    /// `--setgroups`: Some(true) allow, Some(false) deny.
    setgroups: Option<bool>,
    keep_caps: bool,
    monotonic: Option<i64>,
    boottime: Option<i64>,
    clear_env: bool,
    /// `--whitelist-env` names with the values they had, as `NAME=VALUE\0`s.
    keep_env: Option<Vec<u8>>,
    argv: Vec<OsString>,
    /// `--kill-child`: a pidfd of unshare, for the forked child to see
    /// whether unshare died before its prctl(PR_SET_PDEATHSIG).
    parent_fd: Option<OwnedFd>,
    /// The caller's effective ids, read by the first option that implies
    /// `--user` (only those use them; util-linux reads them first thing,
    /// which nobody can tell apart).
    euid: u32,
    egid: u32,
    ids_read: bool,
}

/// `unshare`.
pub fn unshare(argv: Argv) -> Res<i32> {
    // Kept for the process's lifetime, like the option values.
    let o: &'static mut Opts = Box::leak(Box::default());
    parse(o, argv);
    run(o)
}

/// What an option means.
#[derive(Clone, Copy, PartialEq)]
enum Id {
    /// A namespace option: its position in `ns::KINDS` (a byte keeps the
    /// table rows small).
    Ns(u8),
    Fork,
    KillChild,
    ForwardSignals,
    MountProc,
    MountBinfmt,
    LoadInterp,
    MapUser,
    MapGroup,
    MapRootUser,
    MapCurrentUser,
    MapUsers,
    MapGroups,
    MapAuto,
    MapSubids,
    Owner,
    Setgroups,
    Propagation,
    KeepCaps,
    Setuid,
    Setgid,
    Root,
    Wd,
    Monotonic,
    Boottime,
    ClearEnv,
    WhitelistEnv,
    Help,
    Version,
}

/// `-X` (no value) and `--LONG[=FILE]` of the namespace kind `i`.
const fn ns_short(i: usize) -> Opt<Id> {
    Opt::short(ns::KINDS[i].short, Val::None, Id::Ns(i as u8))
}
const fn ns_long(i: usize) -> Opt<Id> {
    Opt::long(ns::KINDS[i].long, Val::Optional, Id::Ns(i as u8))
}

/// util-linux's options, long ones in its order (getopt_long lists
/// ambiguous abbreviations in it).
const OPTS: &[Opt<Id>] = &[
    Opt::new('h', "help", Val::None, Id::Help),
    Opt::new('V', "version", Val::None, Id::Version),
    ns_long(ns::MNT),
    ns_long(ns::UTS),
    ns_long(ns::IPC),
    ns_long(ns::NET),
    ns_long(ns::PID),
    ns_long(ns::USER),
    ns_long(ns::CGROUP),
    ns_long(ns::TIME),
    ns_short(ns::MNT),
    ns_short(ns::UTS),
    ns_short(ns::IPC),
    ns_short(ns::NET),
    ns_short(ns::PID),
    ns_short(ns::USER),
    ns_short(ns::CGROUP),
    ns_short(ns::TIME),
    Opt::new('f', "fork", Val::None, Id::Fork),
    Opt::long("kill-child", Val::Optional, Id::KillChild),
    Opt::long("forward-signals", Val::None, Id::ForwardSignals),
    Opt::long("mount-proc", Val::Optional, Id::MountProc),
    Opt::long("mount-binfmt", Val::Optional, Id::MountBinfmt),
    Opt::long("map-user", Val::Required, Id::MapUser),
    Opt::long("map-users", Val::Required, Id::MapUsers),
    Opt::long("map-group", Val::Required, Id::MapGroup),
    Opt::long("map-groups", Val::Required, Id::MapGroups),
    Opt::new('r', "map-root-user", Val::None, Id::MapRootUser),
    Opt::new('c', "map-current-user", Val::None, Id::MapCurrentUser),
    Opt::long("map-auto", Val::None, Id::MapAuto),
    Opt::long("map-subids", Val::None, Id::MapSubids),
    Opt::long("owner", Val::Required, Id::Owner),
    Opt::long("propagation", Val::Required, Id::Propagation),
    Opt::long("setgroups", Val::Required, Id::Setgroups),
    Opt::long("keep-caps", Val::None, Id::KeepCaps),
    Opt::new('S', "setuid", Val::Required, Id::Setuid),
    Opt::new('G', "setgid", Val::Required, Id::Setgid),
    Opt::new('R', "root", Val::Required, Id::Root),
    Opt::new('w', "wd", Val::Required, Id::Wd),
    Opt::long("monotonic", Val::Required, Id::Monotonic),
    Opt::long("boottime", Val::Required, Id::Boottime),
    Opt::new('l', "load-interp", Val::Required, Id::LoadInterp),
    Opt::long("clear-env", Val::None, Id::ClearEnv),
    Opt::long("whitelist-env", Val::Required, Id::WhitelistEnv),
];

impl Id {
    /// Options that imply `--user`.
    fn implies_user(self) -> bool {
        use Id::*;
        matches!(
            self,
            MountBinfmt
                | LoadInterp
                | MapUser
                | MapGroup
                | MapRootUser
                | MapCurrentUser
                | MapUsers
                | MapGroups
                | MapAuto
                | MapSubids
                | Owner
        )
    }

    /// Options that imply `--mount`.
    fn implies_mount(self) -> bool {
        matches!(self, Id::MountProc | Id::MountBinfmt | Id::LoadInterp)
    }
}

#[inline(never)]
fn parse(o: &mut Opts, argv: Argv) {
    o.propagation = PRIVATE;
    let mut a = ManuallyDrop::new(Args::new(argv));
    while let Some(item) = cli::ok(a.next_opt(OPTS)) {
        match item {
            Item::Opt(id, val) => apply(o, id, val.map(leak)),
            Item::Operand(prog) => {
                o.argv.push(prog);
                o.argv.extend(a.rest());
                break;
            }
        }
    }
}

/// Applies option `id` with its value to `o`.
#[inline(never)]
fn apply(o: &mut Opts, id: Id, val: Option<S>) {
    if id.implies_user() {
        o.flags |= g::CLONE_NEWUSER;
        if !o.ids_read {
            o.euid = rustix::process::geteuid().as_raw();
            o.egid = rustix::process::getegid().as_raw();
            o.ids_read = true;
        }
    }
    if id.implies_mount() {
        o.flags |= g::CLONE_NEWNS;
    }
    let vb: S = val.unwrap_or_default();
    match id {
        Id::Fork => o.fork = true,
        Id::KillChild => {
            o.fork = true;
            o.kill_sig = match val {
                None => 9,
                Some(_) => signum(vb).unwrap_or_else(|| die("unknown signal: ", vb, "", None)),
            };
        }
        Id::ForwardSignals => (o.fork, o.forward) = (true, true),
        Id::MountProc => o.proc_dir = Some(val.unwrap_or(b"/proc")),
        Id::MountBinfmt => {
            o.binfmt = val;
            default_binfmt(o);
        }
        Id::LoadInterp => {
            default_binfmt(o);
            o.interp = val;
        }
        Id::MapUser | Id::MapGroup => {
            let (slot, db, what) = match id {
                Id::MapUser => (&mut o.map_user, "/etc/passwd", "failed to parse uid '"),
                _ => (&mut o.map_group, "/etc/group", "failed to parse gid '"),
            };
            *slot = Some(id_or_name(vb, db, what));
        }
        Id::MapRootUser => (o.map_user, o.map_group) = (Some(0), Some(0)),
        Id::MapCurrentUser => (o.map_user, o.map_group) = (Some(o.euid), Some(o.egid)),
        Id::MapUsers | Id::MapGroups => {
            let (v, subid, kmap) = match id {
                Id::MapUsers => (&mut o.users, "/etc/subuid", "/proc/self/uid_map"),
                _ => (&mut o.groups, "/etc/subgid", "/proc/self/gid_map"),
            };
            map_spec(v, vb, subid, kmap, o.euid);
        }
        Id::MapAuto | Id::MapSubids => {
            let identity = id == Id::MapSubids;
            o.users.push(subid_range("/etc/subuid", o.euid, identity));
            o.groups.push(subid_range("/etc/subgid", o.euid, identity));
        }
        Id::Owner => match num::scan_u32s(vb, Some(b':')) {
            ([u, gid], 2, []) => o.owner = Some((u, gid)),
            _ => cli::die(b"failed to parse owner", None),
        },
        Id::Setgroups => {
            o.setgroups = Some(match vb {
                b"allow" => true,
                b"deny" => false,
                _ => die("unsupported --setgroups argument '", vb, "'", None),
            })
        }
        Id::Propagation => {
            o.propagation = match vb {
                b"slave" => g::MS_REC | g::MS_SLAVE,
                b"private" => g::MS_REC | g::MS_PRIVATE,
                b"shared" => g::MS_REC | g::MS_SHARED,
                b"unchanged" => 0,
                _ => die("unsupported propagation mode: ", vb, "", None),
            }
        }
        Id::KeepCaps => o.keep_caps = true,
        Id::Setuid | Id::Setgid => {
            let (slot, what) = match id {
                Id::Setuid => (&mut o.setuid, "failed to parse uid"),
                _ => (&mut o.setgid, "failed to parse gid"),
            };
            *slot = Some(parse_u32(vb, what));
        }
        Id::Root => o.root = val,
        Id::Wd => o.wd = val,
        Id::Monotonic | Id::Boottime => {
            let (slot, what) = match id {
                Id::Monotonic => (&mut o.monotonic, "failed to parse monotonic offset"),
                _ => (&mut o.boottime, "failed to parse boottime offset"),
            };
            *slot = Some(num::or_die(
                num::strtos64(vb, 10),
                what,
                OsStr::from_bytes(vb),
            ));
        }
        Id::ClearEnv => o.clear_env = true,
        Id::WhitelistEnv => whitelist_env(o.keep_env.get_or_insert_with(Vec::new), vb),
        Id::Help => cli::quit(cli::help(HELP)),
        Id::Version => cli::quit(cli::version()),
        Id::Ns(i) => {
            let i = i as usize;
            o.flags |= ns::KINDS[i].flag;
            if val.is_some() {
                o.files[i] = val;
            }
        }
    }
}

/// `--whitelist-env LIST` as util-linux does it: each variable of LIST
/// that is set goes to the front of its list, and the list is set in order
/// without overwriting. So each variable comes once, the last listed first.
#[inline(never)]
fn whitelist_env(keep: &mut Vec<u8>, list: &[u8]) {
    for name in list.split(|&b| b == b',').filter(|n| !n.is_empty()) {
        let Some(val) = crate::sys::proc::env(name) else {
            continue;
        };
        let mut front = cat!(name, "=", val, "\0");
        for e in keep.split_inclusive(|&b| b == 0) {
            if !(e.starts_with(name) && e.get(name.len()) == Some(&b'=')) {
                front.extend_from_slice(e);
            }
        }
        *keep = front;
    }
}

/// `PROG: A B C[: strerror]`, then the end (exit status 1): errors end
/// unshare, and the kernel closes its descriptors (this keeps the error
/// paths free of drop code).
#[inline(never)]
fn die(a: &str, b: &[u8], c: &str, e: Option<Errno>) -> ! {
    cli::die(&cat!(a, b, c), e)
}

/// util-linux's `strtoul_or_err(s, what)` for an id: `WHAT: 'S'` (with
/// `: strerror` when out of range) unless `s` is a u32.
#[inline(never)]
fn parse_u32(s: &[u8], what: &str) -> u32 {
    let v = num::strtou64_max(s, 10, u32::MAX as u64);
    num::or_die(v, what, OsStr::from_bytes(s)) as u32
}

/// `--mount-binfmt` without a directory and `-l` also mount proc.
fn default_binfmt(o: &mut Opts) {
    if o.binfmt.is_none() {
        o.proc_dir.get_or_insert(b"/proc");
        o.binfmt = Some(BINFMT);
    }
}

/// `s` split at its first `c`.
fn cut(s: &[u8], c: u8) -> Option<(&[u8], &[u8])> {
    let i = s.iter().position(|&b| b == c)?;
    Some((s.get(..i)?, s.get(i + 1..)?))
}

/// `--map-user`/`--map-group`, as util-linux's ul_getuserpw_str: a number
/// (ERANGE beyond 32 bits or negative), else a name from `db`; uid -1 is
/// refused. `failed to parse uid 'S': strerror`.
fn id_or_name(b: &[u8], db: &str, what: &str) -> u32 {
    let e = match num::strtou64(b, 10) {
        Ok(n) if n < u32::MAX as u64 => return n as u32,
        Ok(n) if n == u32::MAX as u64 => Errno::INVAL,
        Err(Errno::INVAL) => match ManuallyDrop::new(crate::passwd::Db::load(db)).id_of(b) {
            Some(n) => return n,
            None => Errno::INVAL,
        },
        _ => Errno::RANGE,
    };
    die(what, b, "'", Some(e))
}

/// One `--map-users`/`--map-groups` value.
#[inline(never)]
fn map_spec(v: &mut Vec<Range>, s: &[u8], subid: &str, kmap: &str, euid: u32) {
    let r = match s {
        b"auto" => subid_range(subid, euid, false),
        b"subids" => subid_range(subid, euid, true),
        b"all" => {
            // Every `start _ count` line of the kernel's own map.
            let data = ManuallyDrop::new(read(kmap));
            for l in data.split(|&b| b == b'\n') {
                if let ([start, _, count], 3, _) = num::scan_u32s(l, None) {
                    v.push(Range {
                        inner: start,
                        outer: start,
                        count,
                    });
                }
            }
            return;
        }
        // inner:outer:count, or the deprecated outer,inner,count.
        _ => match (num::scan_u32s(s, Some(b':')), num::scan_u32s(s, Some(b','))) {
            (([inner, outer, count], 3, []), _) | (_, ([outer, inner, count], 3, [])) => Range {
                inner,
                outer,
                count,
            },
            _ => die("invalid mapping '", s, "'", None),
        },
    };
    v.push(r);
}

/// A whole file; util-linux's `could not open 'F'` on failure.
fn read(path: &str) -> Vec<u8> {
    cli::read_file(path).unwrap_or_else(|e| die("could not open '", path.as_bytes(), "'", Some(e)))
}

/// The first range of `euid` (by name or number) in /etc/subuid or
/// /etc/subgid; mapped to itself with `identity`, else from 0 (AUTO).
fn subid_range(file: &str, euid: u32, identity: bool) -> Range {
    let pw = ManuallyDrop::new(crate::passwd::Db::load("/etc/passwd"));
    let Some(name) = pw.name_of(euid) else {
        cli::die(&cat!("you (user ", euid, ") don't exist."), None);
    };
    let data = ManuallyDrop::new(read(file));
    for line in data.split(|&b| b == b'\n') {
        // The count is the rest of the line.
        let Some((who, (start, count))) =
            cut(line, b':').and_then(|(w, r)| Some((w, cut(r, b':')?)))
        else {
            continue;
        };
        // The user's name or uid. (util-linux compares `strtoul(who, NULL,
        // 10)`, so any name without digits would match root: not copied.)
        if who != name && num::strtou64(who, 10) != Ok(euid as u64) {
            continue;
        }
        let outer = parse_u32(start, "failed to parse subid map");
        return Range {
            inner: if identity { outer } else { AUTO },
            outer,
            count: parse_u32(count, "failed to parse subid map"),
        };
    }
    cli::die(
        &cat!("no line matching user \"", name, "\" in ", file),
        None,
    )
}

/// [`fold`] of the single map `single` (then taken) into `v`, when there
/// are ranges or an owner.
#[inline(never)]
fn fold_into(v: &mut Vec<Range>, outer: u32, single: &mut Option<u32>, owner: bool) {
    if !v.is_empty() || (single.is_some() && owner) {
        *v = fold(v, outer, single.take());
    }
}

/// Puts the single map `inner -> outer` first and cuts it out of every
/// range that overlaps it on either side (the range loses its top id), the
/// way util-linux's add_single_map_range does.
fn fold(ranges: &[Range], outer: u32, inner: Option<u32>) -> Vec<Range> {
    let mut out = Vec::new();
    let (si, so) = match inner {
        Some(i) => {
            out.push(Range {
                inner: i,
                outer,
                count: 1,
            });
            (i, outer)
        }
        None => (u32::MAX, u32::MAX),
    };
    for m in ranges {
        let mut m = *m;
        let within = |x: u32, start: u32, count: u32| x >= start && x <= start.wrapping_add(count);
        if m.inner == AUTO {
            m.inner = 0;
        } else if inner.is_some() && (within(so, m.outer, m.count) || within(si, m.inner, m.count))
        {
            m.count = m.count.wrapping_sub(1);
        }
        let oo = so.saturating_sub(m.outer).min(m.count);
        let io = si.saturating_sub(m.inner).min(m.count);
        let lo = Range {
            count: oo.min(io),
            ..m
        };
        let skip = |v: u32, at: u32| v.wrapping_add((v == at) as u32);
        let mid_o = skip(lo.outer.wrapping_add(lo.count), so);
        let mid_i = skip(lo.inner.wrapping_add(lo.count), si);
        let mid_c = oo.abs_diff(io);
        let hi = Range {
            outer: skip(mid_o.wrapping_add(mid_c), so),
            inner: skip(mid_i.wrapping_add(mid_c), si),
            count: m.count.wrapping_sub(lo.count).wrapping_sub(mid_c),
        };
        let mid = Range {
            inner: mid_i,
            outer: mid_o,
            count: mid_c,
        };
        for r in [lo, mid, hi] {
            if r.count != 0 {
                out.push(r);
            }
        }
    }
    out
}

/// A signal name as util-linux's signame_to_signum takes it: any case,
/// optional `SIG`, `RTMIN+n`/`RTMAX-n`/`RTn`; numbers are not names.
#[inline(never)]
fn signum(s: &[u8]) -> Option<i32> {
    // Signals 1 to 31 in number order.
    const NAMES: &str = "HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM \
        TERM STKFLT CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO PWR SYS";
    let up = ManuallyDrop::new(s.to_ascii_uppercase());
    let n = up.strip_prefix(b"SIG").unwrap_or(&up);
    if let Some(rt) = n.strip_prefix(b"RT") {
        return rt_signum(rt);
    }
    let sig = match n {
        b"IOT" => g::SIGABRT,
        b"CLD" => g::SIGCHLD,
        b"POLL" => g::SIGIO,
        _ => {
            NAMES
                .as_bytes()
                .split(|&b| b == b' ')
                .position(|w| w == n)? as u32
                + 1
        }
    };
    Some(sig as i32)
}

/// util-linux's rtsig_to_signum of what follows `RT`: `MIN+n`, `MAX-n` or
/// `n`, digits first (strtol, what follows them is not looked at), in
/// glibc's real-time range as util-linux sees it (32 and 33 are glibc's
/// own).
fn rt_signum(rt: &[u8]) -> Option<i32> {
    const SIGRTMIN: i32 = 34;
    const SIGRTMAX: i32 = 64;
    let (digits, from_max) = match (rt.strip_prefix(b"MIN+"), rt.strip_prefix(b"MAX-")) {
        (Some(d), _) => (d, false),
        (_, Some(d)) => (d, true),
        _ => (rt, false),
    };
    if !digits.first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    // `int num = strtol(...)`: truncated to an int as C does.
    let n = num::scan(digits, 10)?.signed().ok()? as i32;
    let sig = if from_max { SIGRTMAX - n } else { SIGRTMIN + n };
    (SIGRTMIN..=SIGRTMAX).contains(&sig).then_some(sig)
}

/// `mount(2)` with C strings (no generic path handling).
fn mount(src: &CStr, target: &CStr, fstype: &CStr, flags: u32) -> Result<(), Errno> {
    rustix::mount::mount(
        src,
        target,
        fstype,
        MountFlags::from_bits_retain(flags),
        None,
    )
}

/// Opens an existing file for writing and writes `data` in one go.
/// Err(0, e): the open failed; Err(1, e): the write did.
fn put_raw(path: &[u8], data: &[u8]) -> Result<(), (usize, Errno)> {
    let fd = rustix::fs::open(
        cstr(path),
        OFlags::WRONLY | OFlags::CLOEXEC | OFlags::NOCTTY,
        Mode::empty(),
    )
    .map_err(|e| (0, e))?;
    match rustix::io::write(&fd, data) {
        Ok(n) if n == data.len() => Ok(()),
        Ok(_) => Err((1, Errno::IO)),
        Err(e) => Err((1, e)),
    }
}

/// [`put_raw`] with util-linux's messages: `PRE[0] PATH` or `PRE[1] PATH`.
fn put(path: &[u8], data: &[u8], pre: [&str; 2]) {
    if let Err((i, e)) = put_raw(path, data) {
        die(pre[i], path, "", Some(e))
    }
}

const CANNOT: [&str; 2] = ["cannot open ", "write failed "];

fn setgroups_control(allow: bool) {
    let data: &[u8] = if allow { b"allow" } else { b"deny" };
    match put_raw(b"/proc/self/setgroups", data) {
        Err((0, Errno::NOENT)) | Ok(()) => {}
        Err((i, e)) => die(CANNOT[i], b"/proc/self/setgroups", "", Some(e)),
    }
}

/// A small number from a /proc/sys file.
fn read_small(path: &[u8]) -> Option<u64> {
    let text = ManuallyDrop::new(cli::read_file(OsStr::from_bytes(path)).ok()?);
    num::strtou64(text.trim_ascii(), 10).ok()
}

/// A close-on-exec pipe, or the end.
#[inline(never)]
fn pipe() -> (OwnedFd, OwnedFd) {
    rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)
        .unwrap_or_else(|e| cli::die(b"pipe failed", Some(e)))
}

/// fork(2), or the end.
#[inline(never)]
fn fork() -> Forked {
    fork_process().unwrap_or_else(|e| cli::die(b"fork failed", Some(e)))
}

/// A process forked before unshare(2) that waits for the go-ahead on a
/// pipe, still in the original namespaces. EOF (we died) means: do nothing.
struct Helper {
    pid: Pid,
    go: OwnedFd,
}

fn spawn_helper(o: &Opts, work: fn(&Opts, Pid) -> Res) -> Helper {
    let me = getpid();
    let (r, w) = pipe();
    match fork() {
        Forked::Child => {
            drop(w);
            let mut b = [0u8];
            let code = match rustix::io::read(&r, &mut b) {
                Ok(1) => work(o, me).map_or_else(|Exit(c)| c, |_| 0),
                _ => 1,
            };
            crate::sys::proc::exit_now(code)
        }
        Forked::Parent(pid) => Helper { pid, go: w },
    }
}

impl Helper {
    /// Lets the helper run and waits for it; its failure is ours.
    fn go(self) -> Res {
        let _ = rustix::io::write(&self.go, b"\x06");
        drop(self.go);
        wait_ok(self.pid)
    }
}

/// util-linux's waitchild: a non-zero exit status becomes ours.
fn wait_ok(pid: Pid) -> Res {
    loop {
        match waitpid(Some(pid), WaitOptions::empty()) {
            Err(Errno::INTR) => continue,
            Err(e) => cli::die(b"waitpid failed", Some(e)),
            Ok(st) => {
                return match st.and_then(|(_, s)| s.exit_status()) {
                    Some(c) if c != 0 => Err(Exit(c)),
                    _ => Ok(()),
                };
            }
        }
    }
}

/// `/proc/PID/ns/NAME`, with `_for_children` for pid and time.
fn ns_path(pid: Pid, k: &NsKind) -> S {
    let kids = k.flag & (g::CLONE_NEWPID | g::CLONE_NEWTIME) != 0;
    cat!(
        "/proc/",
        pid.as_raw_nonzero().get(),
        "/ns/",
        k.name,
        if kids { "_for_children" } else { "" }
    )
    .leak()
}

/// The persistence target for the kind with option letter `c`, if any.
#[inline(never)]
fn target(o: &Opts, i: usize) -> Option<(&'static NsKind, S)> {
    Some((ns::KINDS.get(i)?, (*o.files.get(i)?)?))
}

/// Binds `/proc/PID/ns/*` on the targets; on a failure, undoes the binds
/// already made.
fn bind_files(o: &Opts, pid: Pid) -> Res {
    for (n, &i) in ns::ENTER_ORDER.iter().enumerate() {
        let Some((k, file)) = target(o, i) else {
            continue;
        };
        if let Err(e) = mount(cstr(ns_path(pid, k)), cstr(file), c"", g::MS_BIND) {
            // Undo the binds made before this one.
            for &d in ns::ENTER_ORDER.get(..n).unwrap_or_default() {
                if let Some((_, f)) = target(o, d) {
                    let _ = rustix::mount::unmount(cstr(f), UnmountFlags::DETACH);
                }
            }
            return Err(mount_failed(pid, k, file, e, ""));
        }
    }
    Ok(())
}

/// util-linux's `mount /proc/PID/ns/NAME on FILE failed: strerror`, plus
/// `hint`.
#[inline(never)]
fn mount_failed(pid: Pid, k: &NsKind, file: &[u8], e: Errno, hint: &str) -> Exit {
    cli::errx(&ManuallyDrop::new(cat!(
        "mount ",
        ns_path(pid, k),
        " on ",
        file,
        " failed: ",
        e,
        hint
    )))
}

/// Checks every persistence target before anything happens: it must exist,
/// `--pid=FILE` needs `--fork`, and a mount namespace cannot be bound on a
/// shared mount (util-linux issue #289: a bare EINVAL).
#[inline(never)]
fn check_targets(o: &Opts) -> bool {
    let mut any = false;
    for &i in &ns::ENTER_ORDER {
        let Some((k, file)) = target(o, i) else {
            continue;
        };
        any = true;
        let bad =
            |e: Errno, hint: &str| -> ! { cli::quit(mount_failed(getpid(), k, file, e, hint)) };
        if k.flag == g::CLONE_NEWPID && !o.fork {
            bad(Errno::NOENT, " (hint: --pid=FILE needs --fork)");
        }
        let fd = rustix::fs::open(cstr(file), OFlags::PATH | OFlags::CLOEXEC, Mode::empty())
            .unwrap_or_else(|e| bad(e, ""));
        if k.flag == g::CLONE_NEWNS
            && let Some(mp) = shared_mount(&fd)
        {
            let b = file;
            let dir = match b.iter().rposition(|&c| c == b'/') {
                Some(0) => &b"/"[..],
                Some(i) => &b[..i],
                None => b".",
            };
            cli::die(
                &cat!(
                    "cannot bind a mount namespace on ",
                    file,
                    ": it is on the shared mount ",
                    mp,
                    " (the kernel refuses with EINVAL); make its directory a private mount first: mount --bind ",
                    dir,
                    " ",
                    dir,
                    " && mount --make-private ",
                    dir
                ),
                None,
            );
        }
    }
    any
}

/// The mount point of the mount `fd` is on, if that has shared propagation.
#[inline(never)]
fn shared_mount(fd: &OwnedFd) -> Option<Vec<u8>> {
    // The mount id from fdinfo rather than statx's STATX_MNT_ID, which
    // qemu-user does not pass on.
    // Kept (unshare ends in exec or exit): no drop code on every return.
    let fdinfo = cat!("/proc/self/fdinfo/", rustix::fd::AsRawFd::as_raw_fd(fd)).leak();
    let fdinfo = cli::read_file(OsStr::from_bytes(fdinfo)).ok()?.leak();
    let id = fdinfo
        .split(|&b| b == b'\n')
        .find_map(|l| l.strip_prefix(b"mnt_id:"))?
        .trim_ascii();
    let info = crate::mountinfo::read().leak();
    let m = crate::mountinfo::mounts(info).find(|m| m.id == id)?;
    m.shared.then(|| crate::mountinfo::unescape(m.point))
}

/// The idmap helper: writes the range maps of its parent `ppid`, directly
/// as root, else through newuidmap/newgidmap.
fn write_maps(o: &Opts, ppid: Pid) -> Res {
    if rustix::process::geteuid().is_root() {
        write_map(ppid, "uid_map", &o.users);
        write_map(ppid, "gid_map", &o.groups);
        return Ok(());
    }
    let mut pid = None;
    if !o.users.is_empty() && !o.groups.is_empty() {
        match fork() {
            Forked::Child => {}
            Forked::Parent(p) => {
                cli::ok(wait_ok(p));
                pid = Some(p);
            }
        }
    }
    if pid.is_none() && !o.users.is_empty() {
        return Err(new_idmap("newuidmap", ppid, &o.users));
    }
    if !o.groups.is_empty() {
        return Err(new_idmap("newgidmap", ppid, &o.groups));
    }
    Ok(())
}

/// Writes the ranges `map` (if any) to /proc/PPID/NAME.
#[inline(never)]
fn write_map(ppid: Pid, name: &str, map: &[Range]) {
    if map.is_empty() {
        return;
    }
    // The helper exits right after: nothing here needs freeing.
    let path: S = cat!("/proc/", ppid.as_raw_nonzero().get(), "/", name).leak();
    let text: &mut Vec<u8> = Box::leak(Box::default());
    for r in map {
        crate::put!(text, r.inner, " ", r.outer, " ", r.count, "\n");
    }
    if text.len() > 4096 {
        die("", path, " too large for kernel 4k limit", None);
    }
    put(path, text, ["failed to open ", "failed to write "]);
}

fn new_idmap(tool: &str, ppid: Pid, map: &[Range]) -> Exit {
    let mut argv: ManuallyDrop<Vec<OsString>> = ManuallyDrop::new(vec![tool.into()]);
    let mut n = |n: u32| argv.push(OsString::from_vec(cat!(n)));
    n(ppid.as_raw_nonzero().get() as u32);
    for r in map {
        n(r.inner);
        n(r.outer);
        n(r.count);
    }
    exec::exec(&argv)
}

/// util-linux's order after parsing: checks, helpers forked, unshare(2),
/// the maps and time offsets, the fork, persistence, then the program.
#[inline(never)]
fn run(o: &'static mut Opts) -> ! {
    check_combinations(o);
    let persist = check_targets(o);
    // Clear an inherited SIG_IGN: we wait for children, and the program
    // would inherit it (util-linux does this unconditionally).
    let _ = set_disposition(g::SIGCHLD as i32, SIG_DFL);
    let mut binder = None;
    if persist && o.flags & (g::CLONE_NEWNS | g::CLONE_NEWUSER) != 0 {
        binder = Some(spawn_helper(o, bind_files));
    }
    let mut mapper = None;
    if !o.users.is_empty() || !o.groups.is_empty() {
        mapper = Some(spawn_helper(o, write_maps));
    }
    if let Some((u, gid)) = o.owner {
        set_ids(Some(u), Some(gid));
    }
    if let Err(e) = su::unshare(o.flags) {
        cli::quit(unshare_failed(e, o.flags));
    }
    if let Some(h) = mapper {
        cli::ok(h.go());
    }
    // CLOCK_BOOTTIME, then CLOCK_MONOTONIC.
    timens_offset(7, o.boottime);
    timens_offset(1, o.monotonic);
    match o.fork {
        true => fork_program(o, persist, binder),
        false if persist => persist_namespaces(o, binder, None),
        false => {}
    }
    setup_and_exec(o)
}

/// The combinations util-linux refuses before doing anything; folds the
/// single maps into the range lists, as util-linux does.
fn check_combinations(o: &mut Opts) {
    if (o.monotonic.is_some() || o.boottime.is_some()) && o.flags & g::CLONE_NEWTIME == 0 {
        cli::die(
            b"options --monotonic and --boottime require unsharing of a time namespace (-T)",
            None,
        );
    }
    let owner = o.owner.is_some();
    fold_into(&mut o.users, o.euid, &mut o.map_user, owner);
    fold_into(&mut o.groups, o.egid, &mut o.map_group, owner);
    // util-linux finds this after unshare(2); nothing is done yet here.
    if o.setgroups == Some(true) && o.map_group.is_some() {
        cli::die(
            b"options --setgroups=allow and --map-group are mutually exclusive",
            None,
        );
    }
}

/// `--fork`: SIGINT and SIGTERM blocked (or forwarded), `--kill-child`'s
/// pidfd of unshare, then fork(2). Returns in the child, once the parent
/// has persisted the namespaces; the parent persists them, then waits for
/// the child and ends as it ended.
fn fork_program(o: &mut Opts, persist: bool, mut binder: Option<Helper>) {
    let both = sigbit(g::SIGINT as i32) | sigbit(g::SIGTERM as i32);
    let old =
        sigprocmask(0, both).unwrap_or_else(|e| cli::die(b"sigprocmask block failed", Some(e)));
    if o.forward
        && let Err(s) = su::install_forwarder()
    {
        let name = if s == 15 { "SIGTERM" } else { "SIGINT" };
        cli::die(&cat!("sigaction ", name, " failed"), Some(Errno::INVAL));
    }
    if o.kill_sig != 0 {
        let fd = rustix::process::pidfd_open(getpid(), rustix::process::PidfdFlags::empty())
            .unwrap_or_else(|e| cli::die(b"pidfd_open failed", Some(e)));
        o.parent_fd = Some(fd);
    }
    let sync = if persist { Some(pipe()) } else { None };
    match fork() {
        Forked::Child => {
            if o.forward {
                let _ = set_disposition(g::SIGTERM as i32, SIG_DFL);
                let _ = set_disposition(g::SIGINT as i32, SIG_DFL);
            }
            if let Err(e) = sigprocmask(2, old) {
                cli::die(b"sigprocmask restore failed", Some(e));
            }
            drop(binder.take());
            if let Some((r, w)) = sync {
                // Wait until the parent has persisted the namespaces.
                drop(w);
                let mut b = [0u8];
                if rustix::io::read(&r, &mut b) != Ok(1) {
                    cli::quit(Exit(1));
                }
            }
        }
        Forked::Parent(child) => {
            if o.forward {
                su::forward_to(child.as_raw_nonzero().get());
                let _ = sigprocmask(2, old);
            }
            if let Some((_, go)) = sync {
                persist_namespaces(o, binder, Some(child));
                let _ = rustix::io::write(&go, b"\x06");
            }
            cli::quit(exec::wait_and_mirror(child, Mirror::Exit))
        }
    }
}

/// Binds the namespaces on their files (through the helper when there is
/// one); on failure, kills the forked `child` and ends.
fn persist_namespaces(o: &Opts, binder: Option<Helper>, child: Option<Pid>) {
    let r = match binder {
        Some(h) => h.go(),
        None => bind_files(o, getpid()),
    };
    if let Err(e) = r {
        if let Some(pid) = child {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
            let _ = waitpid(Some(pid), WaitOptions::empty());
        }
        cli::quit(e);
    }
}

/// Writes the offset of `clock`, if given, to /proc/self/timens_offsets.
#[inline(never)]
fn timens_offset(clock: u32, off: Option<i64>) {
    if let Some(off) = off {
        let path = b"/proc/self/timens_offsets";
        let pre = ["failed to open ", "failed to write to "];
        put(path, &ManuallyDrop::new(cat!(clock, " ", off, " 0")), pre);
    }
}

/// setgroups(0) + setgid, then setuid, with util-linux's messages.
#[inline(never)]
fn set_ids(uid: Option<u32>, gid: Option<u32>) {
    if let Some(gid) = gid {
        cli::check(rustix::thread::set_thread_groups(&[]), b"setgroups failed");
        cli::check(
            rustix::thread::set_thread_gid(rustix::process::Gid::from_raw(gid)),
            b"setgid() failed",
        );
    }
    if let Some(uid) = uid {
        cli::check(
            rustix::thread::set_thread_uid(rustix::process::Uid::from_raw(uid)),
            b"setuid() failed",
        );
    }
}

/// What the program's process does after unshare(2) (and the fork), in
/// util-linux's order.
#[inline(never)]
fn setup_and_exec(o: &mut Opts) -> ! {
    if o.kill_sig != 0 {
        die_with_parent(o);
    }
    write_single_maps(o);
    if o.flags & g::CLONE_NEWNS != 0 && o.propagation != 0 {
        mount(c"none", c"/", c"", o.propagation)
            .unwrap_or_else(|e| cli::die(b"cannot change root filesystem propagation", Some(e)));
    }
    // A fixed-binary (`F`) interpreter is registered before the chroot,
    // while its path still resolves outside.
    let fixed = o.interp.is_some_and(|i| {
        i.iter()
            .rposition(|&c| c == b':')
            .is_some_and(|p| i.get(p..).unwrap_or_default().contains(&b'F'))
    });
    let early = fixed && o.root.is_some();
    if early {
        binfmt(BINFMT, o.interp);
    }
    change_directories(o);
    if let Some(p) = o.proc_dir {
        mount_proc(o, p);
    }
    if let Some(b) = o.binfmt {
        binfmt(b, o.interp.filter(|_| !early));
    }
    set_ids(o.setuid, o.setgid);
    if o.keep_caps && o.flags & g::CLONE_NEWUSER != 0 {
        crate::caps::keep_caps(false);
    }
    if o.clear_env || o.keep_env.is_some() {
        crate::sys::proc::set_environ(o.keep_env.take().unwrap_or_default());
    }
    cli::quit(exec::exec(&o.argv))
}

/// `--kill-child`: the signal when unshare dies; if it died already
/// (before the prctl), nobody waits for us: the end.
fn die_with_parent(o: &mut Opts) {
    cli::check(su::set_pdeathsig(o.kill_sig), b"prctl failed");
    if let Some(fd) = o.parent_fd.take()
        && su::readable_now(rustix::fd::AsFd::as_fd(&fd))
            .unwrap_or_else(|e| cli::die(b"poll parent pidfd failed", Some(e)))
    {
        cli::quit(Exit(1));
    }
}

/// The single maps (`--map-user`, `--map-group`, `-r`, `-c`) and
/// `--setgroups`, written by the process itself.
fn write_single_maps(o: &Opts) {
    if let Some(u) = o.map_user {
        single_map(b"/proc/self/uid_map", u, o.euid);
    }
    if let Some(gid) = o.map_group {
        setgroups_control(false);
        single_map(b"/proc/self/gid_map", gid, o.egid);
    }
    if let Some(allow) = o.setgroups {
        setgroups_control(allow);
    }
}

/// `--root` (then `/` as working directory unless `--wd`), `--wd`.
fn change_directories(o: &Opts) {
    let mut wd = o.wd;
    if let Some(r) = o.root {
        rustix::process::chroot(cstr(r))
            .unwrap_or_else(|e| die("cannot change root directory to '", r, "'", Some(e)));
        wd = Some(wd.unwrap_or(b"/"));
    }
    if let Some(d) = wd {
        rustix::process::chdir(cstr(d))
            .unwrap_or_else(|e| die("cannot change directory to ", d, "", Some(e)));
    }
}

/// `--mount-proc=DIR`: DIR made private first when `/` was not (its
/// mount would propagate out otherwise; EINVAL: DIR is no mount point).
fn mount_proc(o: &Opts, p: S) {
    if o.root.is_none() && o.propagation != PRIVATE {
        match mount(c"none", cstr(p), c"", PRIVATE) {
            Ok(()) | Err(Errno::INVAL) => {}
            Err(e) => die("cannot change ", p, " filesystem propagation", Some(e)),
        }
    }
    mount_fs(c"proc", p);
}

/// Mounts binfmt_misc on `dir`, then registers `interp` there.
fn binfmt(dir: &[u8], interp: Option<S>) {
    mount_fs(c"binfmt_misc", dir);
    if let Some(i) = interp {
        put(&ManuallyDrop::new(cat!(dir, "/register")), i, CANNOT)
    }
}

/// Mounts the pseudo file system `fs` on `dir` (nosuid, noexec, nodev).
#[inline(never)]
fn mount_fs(fs: &CStr, dir: &[u8]) {
    let flags = g::MS_NOSUID | g::MS_NOEXEC | g::MS_NODEV;
    if let Err(e) = mount(fs, cstr(dir), fs, flags) {
        die("mount ", dir, " failed", Some(e))
    }
}

/// Writes `inner outer 1` to the id map file `path`.
#[inline(never)]
fn single_map(path: &[u8], inner: u32, outer: u32) {
    put(
        path,
        &ManuallyDrop::new(cat!(inner, " ", outer, " 1")),
        CANNOT,
    );
}

/// `unshare failed: strerror`, plus which kind the kernel lacks when that
/// is why; or better: which namespace failed and why, when that can be
/// known (util-linux issue #3851). The process exits right after, so the
/// flags can be tried one by one (user first: it is what grants the
/// capabilities for the others).
#[inline(never)]
fn unshare_failed(e: Errno, flags: u32) -> Exit {
    let lacking = ns::unsupported_hint(e, flags, c"/proc/self/ns");
    if !lacking.is_empty() {
        return cli::errx(&ManuallyDrop::new(cat!("unshare failed: ", e, lacking)));
    }
    // The user namespace first (pass 0), then the others in table order.
    for pass in 0..2 {
        for k in &ns::KINDS {
            if flags & k.flag == 0 || (k.flag == g::CLONE_NEWUSER) != (pass == 0) {
                continue;
            }
            let Err(ke) = su::unshare(k.flag) else {
                continue;
            };
            let mut m = ManuallyDrop::new(cat!(
                "unshare(",
                k.flag_name(),
                ") failed: ",
                ke,
                " (hint: "
            ));
            if !hint(k, ke, flags, &mut m) {
                return cli::err(b"unshare failed", e);
            }
            m.push(b')');
            return cli::errx(&m);
        }
    }
    cli::err(b"unshare failed", e)
}

/// Appends the hint for `e` from unshare(k) to `m`; false if there is none.
#[inline(never)]
fn hint(k: &NsKind, e: Errno, flags: u32, m: &mut Vec<u8>) -> bool {
    let sysctl = ManuallyDrop::new(cat!("/proc/sys/user/max_", k.name, "_namespaces"));
    let max = read_small(&sysctl);
    let user = k.flag == g::CLONE_NEWUSER;
    let admin = || {
        rustix::thread::capabilities(None).is_ok_and(|c| {
            c.effective
                .contains(rustix::thread::CapabilitySet::SYS_ADMIN)
        })
    };
    let text: &str = match e {
        _ if max == Some(0) => {
            crate::put!(m, k.name, " namespaces are disabled: ", *sysctl);
            " is 0"
        }
        Errno::NOSPC => {
            crate::put!(m, "the limit in ", *sysctl, " (", max.unwrap_or(0));
            ") or the nesting limit of 32 levels is reached"
        }
        Errno::PERM
            if user && read_small(b"/proc/sys/kernel/unprivileged_userns_clone") == Some(0) =>
        {
            "unprivileged user namespaces are disabled: kernel.unprivileged_userns_clone is 0"
        }
        Errno::PERM
            if read_small(b"/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == Some(1)
                && !admin() =>
        {
            "AppArmor restricts unprivileged user namespaces: kernel.apparmor_restrict_unprivileged_userns is 1"
        }
        Errno::PERM if !user && flags & g::CLONE_NEWUSER == 0 && !admin() => {
            "run as root or add -r/--map-root-user"
        }
        Errno::INVAL if user && multithreaded() => {
            "a multithreaded process cannot create a user namespace (running under qemu-user?)"
        }
        _ => return false,
    };
    m.extend_from_slice(text.as_bytes());
    true
}

/// More than one thread? (procfs counts them in the link count of
/// `/proc/self/task`, plus 2.)
fn multithreaded() -> bool {
    rustix::fs::stat(c"/proc/self/task").is_ok_and(|s| s.st_nlink > 3)
}

#[cfg(test)]
mod tests {
    #[test]
    fn option_table_matches_the_help() {
        crate::cli::check_help(super::OPTS, super::UNSHARE_HELP);
    }
}
