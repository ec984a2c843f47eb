//! lsns: list namespaces, like util-linux 2.42's `lsns` without
//! libsmartcols: the /proc scan (processes, nsfs fds, nsfs mounts), the
//! NS_GET_* relations, RTM_GETNSID, and one small table/tree/raw/JSON
//! renderer with a filter (`-Q`) on top.

use crate::cli::{self, Arg, Args, Out, Res};
use crate::mountinfo;
use crate::netlink;
use crate::ns::KINDS;
use crate::sys::{Argv, nsioctl, tty};
use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::fs::{AtFlags, CWD, Mode, OFlags, RawDir, fstat, openat, readlinkat_raw, statat};
use rustix::io::Errno;
use std::ffi::{CStr, OsStr};
use std::mem::MaybeUninit;
use std::os::unix::ffi::OsStrExt;

const HELP: &[u8] = crate::packed!(
    "\
Usage:
 lsns [options] [<namespace>]

List system namespaces.

Options:
 -J, --json             use JSON output format
 -l, --list             use list format output
 -n, --noheadings       don't print headings
 -o, --output <list>    define which output columns to use
     --output-all       output all columns
 -P, --persistent       namespaces without processes
 -p, --task <pid>       print process namespaces
 -Q, --filter <expr>    apply display filter
 -r, --raw              use the raw output format
 -u, --notruncate       don't truncate text in columns
 -W, --nowrap           don't use multi-line representation
 -t, --type <name>      namespace type (mnt, net, ipc, user, pid, uts, cgroup, time)
 -T, --tree[=<rel>]     use tree format (parent, owner, or process)

 -H, --list-columns     list the available columns
 -h, --help             display this help
 -V, --version          display version

For more details see lsns(8).
"
);

// Columns, in util-linux's order.
const NS: u8 = 0;
const TYPE: u8 = 1;
const PATH: u8 = 2;
const NPROCS: u8 = 3;
const PID: u8 = 4;
const PPID: u8 = 5;
const COMMAND: u8 = 6;
const UID: u8 = 7;
const USER: u8 = 8;
const NETNSID: u8 = 9;
const NSFS: u8 = 10;
const PNS: u8 = 11;
const ONS: u8 = 12;
const NAMES: &str = "NS TYPE PATH NPROCS PID PPID COMMAND UID USER NETNSID NSFS PNS ONS";
const DESC: &str = "namespace identifier (inode number)
kind of namespace
path to the namespace
number of processes in the namespace
lowest PID in the namespace
PPID of the PID
command line of the PID
UID of the PID
username of the PID
namespace ID as used by network subsystem
nsfs mountpoint (usually used network subsystem)
parent namespace identifier (inode number)
owner namespace identifier (inode number)";

/// Field `i` of `s` split at any byte of `seps` (`split(..).nth(i)`).
#[inline(never)]
fn field<'a>(s: &'a [u8], seps: &[u8], mut i: usize) -> Option<&'a [u8]> {
    let mut start = 0;
    for k in 0..=s.len() {
        if s.get(k).is_none_or(|b| seps.contains(b)) {
            if i == 0 {
                return s.get(start..k);
            }
            i -= 1;
            start = k + 1;
        }
    }
    None
}

/// Word `i` of `s` split at `sep`.
fn word(s: &'static str, sep: &[u8], i: usize) -> &'static [u8] {
    field(s.as_bytes(), sep, i).unwrap_or(b"")
}

/// The column called `name` (any case).
fn col_by_name(name: &[u8]) -> Option<u8> {
    (0..13).find(|&i| word(NAMES, b" ", i as usize).eq_ignore_ascii_case(name))
}

/// libsmartcols width hints.
const WHINT: [u8; 13] = [10, 5, 0, 5, 5, 5, 0, 0, 0, 0, 0, 10, 10];
/// Columns that are JSON numbers (and right-aligned).
const NUMS: u16 = 1 << NS | 1 << NPROCS | 1 << PID | 1 << PPID | 1 << UID | 1 << PNS | 1 << ONS;

// Column flags of the renderer.
const F_RIGHT: u8 = 1;
const F_NUM: u8 = 2;
const F_TRUNC: u8 = 4;
const F_TREE: u8 = 8;
const F_WRAP: u8 = 16;

const NONE: u32 = u32::MAX;
/// A related namespace the kernel would not tell (ENOTTY).
const UNKNOWN: u64 = u64::MAX;
const USER_KIND: u8 = crate::ns::USER as u8;
const PID_KIND: u8 = crate::ns::PID as u8;
const NET_KIND: u8 = crate::ns::NET as u8;

#[derive(Clone, Copy, PartialEq)]
enum Tree {
    None,
    Process,
    Owner,
    Parent,
}

struct Proc {
    pid: u32,
    ppid: u32,
    uid: u32,
    ns: [u64; 8],
    comm: Vec<u8>,
    /// Index of the parent process, or NONE.
    parent: u32,
    /// Output line that last showed this process, or NONE.
    line: u32,
    cmd: Option<Vec<u8>>,
}

struct Ns {
    ino: u64,
    kind: u8,
    nprocs: u32,
    /// The lowest-PID process in it, or NONE.
    proc: u32,
    /// Where to open it when no process is in it (nsfs mount or fd).
    path: Vec<u8>,
    /// An open fd of a namespace found only through an ioctl.
    fd: Option<OwnedFd>,
    /// Parent and owner namespace inodes (0: none or unknown).
    rel: [u64; 2],
    uid: u32,
    netnsid: i32,
    line: u32,
    busy: bool,
}

impl Ns {
    #[inline(never)]
    fn new(ino: u64, kind: u8, proc: u32) -> Ns {
        Ns {
            ino,
            kind,
            nprocs: 0,
            proc,
            path: Vec::new(),
            fd: None,
            rel: [0; 2],
            uid: 0,
            netnsid: -2,
            line: NONE,
            busy: false,
        }
    }
}

#[derive(Clone, Copy)]
struct Opts {
    json: bool,
    raw: bool,
    noheadings: bool,
    notrunc: bool,
    nowrap: bool,
    persist: bool,
    pid: Option<i32>,
    tree: Tree,
    types: u8,
}

/// The long options: their letter, then their name.
const LONGS: &str = "Jjson llist nnoheadings ooutput Aoutput-all Ppersistent ptask Qfilter rraw \
unotruncate Wnowrap ttype Ttree Hlist-columns hhelp Vversion";

/// The first word of the space-separated `list` that `f` accepts.
fn find_word(list: &'static str, f: &mut dyn FnMut(&[u8]) -> bool) -> Option<&'static [u8]> {
    let mut i = 0;
    while let Some(w) = field(list.as_bytes(), b" ", i) {
        if f(w) {
            return Some(w);
        }
        i += 1;
    }
    None
}

/// `lsns`.
pub fn lsns(argv: Argv) -> Res<i32> {
    let mut a = Args::new(argv).legacy().abbrev(HELP);
    let mut o = Opts {
        json: false,
        raw: false,
        noheadings: false,
        notrunc: false,
        nowrap: false,
        persist: false,
        pid: None,
        tree: Tree::None,
        types: 0,
    };
    let (mut list, mut all, mut outarg, mut filter, mut nsid, mut listcols) =
        (false, false, None, None, None, false);
    let mut excl = [0u8; 3];
    while let Some(arg) = cli::ok(a.next()) {
        let c = match arg {
            Arg::Short(c) => c,
            Arg::Long(l) => match find_word(LONGS, &mut |s| s.get(1..) == Some(l.as_bytes())) {
                Some(s) => s.first().map_or(' ', |&c| c as char),
                None => cli::quit(cli::unknown(Arg::Long(l))),
            },
            Arg::Value(v) => {
                if nsid.is_none() {
                    nsid = Some(v);
                }
                continue;
            }
        };
        for (i, pair) in [*b"Jr", *b"Pp", *b"lT"].iter().enumerate() {
            if pair.contains(&(c as u8)) {
                if excl[i] == 0 {
                    excl[i] = c as u8;
                } else if excl[i] != c as u8 {
                    let long = |c: u8| {
                        find_word(LONGS, &mut |s| s.first() == Some(&c))
                            .map_or(&b""[..], |s| &s[1..])
                    };
                    cli::die_parts(
                        &[
                            b"mutually exclusive arguments: --",
                            long(pair[0]),
                            b" --",
                            long(pair[1]),
                        ],
                        None,
                    );
                }
            }
        }
        match c {
            'J' => o.json = true,
            'l' => list = true,
            'n' => o.noheadings = true,
            'o' => outarg = Some(cli::ok(a.value())),
            'A' => all = true,
            'P' => o.persist = true,
            'p' => o.pid = Some(parse_pid(&cli::ok(a.value()))),
            'Q' => filter = Some(cli::ok(a.value())),
            'r' => (o.raw, o.nowrap) = (true, true),
            'u' => o.notrunc = true,
            'W' => o.nowrap = true,
            't' => {
                let v = cli::ok(a.value());
                match KINDS.iter().position(|k| k.name.as_bytes() == v.as_bytes()) {
                    Some(i) => o.types |= 1 << i,
                    None => cli::die_parts(&[b"unknown namespace type: ", v.as_bytes()], None),
                }
            }
            'T' => {
                let v = a.optional_value();
                let v = v.as_ref().map_or(&b"owner"[..], |v| v.as_bytes());
                let v = v.strip_prefix(b"=").unwrap_or(v);
                o.tree = match v {
                    b"owner" => Tree::Owner,
                    b"parent" => Tree::Parent,
                    b"process" => Tree::Process,
                    _ => cli::die_parts(&[b"unknown tree type: ", v], None),
                };
            }
            'H' => listcols = true,
            'h' => cli::quit(cli::help(HELP)),
            'V' => cli::quit(cli::version()),
            c => cli::quit(cli::unknown(Arg::Short(c))),
        }
    }
    if listcols {
        list_columns(&o);
    }
    let is_net = o.types & 1 << NET_KIND != 0;
    if o.types == 0 {
        o.types = 0xff;
    }
    let mut cols: Vec<u8> = Vec::new();
    if all {
        cols.extend_from_slice(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    }
    let mut target = None;
    if let Some(v) = &nsid {
        if o.pid.is_some() {
            cli::die_parts(&[b"--task is mutually exclusive with <namespace>"], None);
        }
        target = Some(match dec(v.as_bytes()) {
            Some(n) => n,
            None => cli::die_parts(
                &[b"invalid namespace argument: '", v.as_bytes(), b"'"],
                None,
            ),
        });
        if cols.is_empty() {
            cols.extend_from_slice(&[PID, PPID, USER, COMMAND]);
        }
    }
    if cols.is_empty() {
        cols.extend_from_slice(&[NS, TYPE, NPROCS, PID, USER]);
        if is_net {
            cols.extend_from_slice(&[NETNSID, NSFS]);
        }
        cols.push(COMMAND);
    }
    if o.tree == Tree::None && !list && (target.is_some() || !all) {
        o.tree = Tree::Process;
    }
    if let Some(l) = &outarg {
        let l = l.as_bytes();
        let rest = match l.strip_prefix(b"+") {
            Some(r) => r,
            None => {
                cols.clear();
                l
            }
        };
        let mut i = 0;
        while let Some(name) = field(rest, b",", i) {
            cols.push(column_id(name));
            i += 1;
        }
    }
    let nvis = cols.len();
    let flt = filter
        .as_ref()
        .map(|q| Filter::parse(q.as_bytes(), &mut cols));
    let mut ls = Ls::default();
    ls.scan(&o);
    let rel_tree = matches!(o.tree, Tree::Owner | Tree::Parent);
    ls.relations(
        cols.contains(&PNS) || cols.contains(&ONS) || rel_tree,
        rel_tree,
    );
    if cols.contains(&NETNSID) {
        ls.netnsids();
    }
    let mut tab = Tab::new(&cols, nvis, &o);
    let mut users = Users::default();
    let mut sh = Show {
        cols: &cols,
        flt: flt.as_ref(),
        nowrap: o.nowrap,
        tree: o.tree,
        users: &mut users,
        tab: &mut tab,
    };
    if let Some(ino) = target {
        let Some(n) = ls.find(ino) else {
            let mut b = [0u8; 20];
            cli::die_parts(&[b"not found namespace: ", cli::fmt_u64(ino, &mut b)], None);
        };
        let kind = ls.ns[n].kind as usize;
        for k in 0..ls.pidx.len() {
            let i = ls.pidx[k].1;
            if ls.procs[i as usize].ns[kind] == ino {
                sh.show_process(&mut ls, n, i);
            }
        }
        tab.name = "namespaces";
    } else {
        for k in 0..ls.nsx.len() {
            let n = ls.nsx[k].1 as usize;
            let ns = &ls.ns[n];
            if o.pid.is_some_and(|p| !ls.has_pid(ns, p)) || (o.persist && ns.nprocs != 0) {
                continue;
            }
            if ns.line == NONE {
                sh.show_ns(&mut ls, n);
            }
        }
    }
    let mut out = Out::new();
    tab.print(&mut out, &o);
    cli::ok(out.finish());
    // Everything lives until exit: no drop code for it.
    cli::quit(cli::Exit(if ls.enotty { 2 } else { 0 }))
}

#[inline(never)]
fn parse_pid(s: &OsStr) -> i32 {
    let b = s.as_bytes();
    let (neg, d) = match b.strip_prefix(b"-") {
        Some(d) => (true, d),
        None => (false, b.strip_prefix(b"+").unwrap_or(b)),
    };
    let mut e = None;
    if !d.is_empty() && d.iter().all(u8::is_ascii_digit) {
        let mut n: i64 = 0;
        for &c in d {
            n = n * 10 + (c - b'0') as i64;
            if n > i32::MAX as i64 + 1 {
                break;
            }
        }
        let n = if neg { -n } else { n };
        match i32::try_from(n) {
            Ok(n) => return n,
            Err(_) => e = Some(Errno::RANGE),
        }
    }
    cli::die_parts(&[b"invalid PID argument: '", b, b"'"], e)
}

/// `/proc/PID/SUB NAME`, NUL-terminated when `nul`.
#[inline(never)]
fn proc_path(pid: u32, sub: &[u8], name: &[u8], nul: bool) -> Vec<u8> {
    let mut b = [0u8; 20];
    let mut v = [b"/proc/", cli::fmt_u64(pid as u64, &mut b), sub, name].concat();
    if nul {
        v.push(0);
    }
    v
}

fn column_id(name: &[u8]) -> u8 {
    match col_by_name(name) {
        Some(i) => i,
        None => cli::die_parts(&[b"unknown column: ", name], None),
    }
}

/// `-H`: the columns as a table of their own.
#[inline(never)]
fn list_columns(o: &Opts) -> ! {
    let cols = [
        Col {
            name: b"HOLDER",
            whint: 0,
            flags: F_RIGHT,
        },
        Col {
            name: b"TYPE",
            whint: 0,
            flags: 0,
        },
        Col {
            name: b"DESCRIPTION",
            whint: 0,
            flags: 0,
        },
    ];
    let mut t = Tab::with(cols.to_vec(), 3);
    t.name = "lsns-columns";
    for i in 0..13 {
        t.data.extend_from_slice(word(NAMES, b" ", i));
        t.end_cell();
        let ty: &str = if NUMS & 1 << i != 0 {
            "<integer>"
        } else {
            "<string>"
        };
        t.data.extend_from_slice(ty.as_bytes());
        t.end_cell();
        t.data.extend_from_slice(word(DESC, b"\n", i));
        t.end_cell();
        t.parent.push(NONE);
    }
    let mut out = Out::new();
    let o = Opts {
        noheadings: true,
        ..*o
    };
    t.print(&mut out, &o);
    cli::ok(out.finish());
    cli::quit(cli::Exit(0))
}

/// Everything found on the system.
#[derive(Default)]
struct Ls {
    procs: Vec<Proc>,
    /// (pid, index in procs), sorted.
    pidx: Vec<(u64, u32)>,
    ns: Vec<Ns>,
    /// (inode, index in ns), sorted: the output order.
    nsx: Vec<(u64, u32)>,
    /// nsfs mounts: (inode, index in targets), sorted.
    mounts: Vec<(u64, u32)>,
    targets: Vec<Vec<u8>>,
    types: u8,
    enotty: bool,
}

/// Sorts (key, index) pairs (heapsort: one small copy of the code).
fn hsort(v: &mut [(u64, u32)]) {
    fn down(v: &mut [(u64, u32)], mut i: usize, n: usize) {
        loop {
            let mut c = 2 * i + 1;
            if c >= n {
                return;
            }
            if c + 1 < n && v[c] < v[c + 1] {
                c += 1;
            }
            if v[i] >= v[c] {
                return;
            }
            v.swap(i, c);
            i = c;
        }
    }
    let n = v.len();
    for i in (0..n / 2).rev() {
        down(v, i, n);
    }
    for e in (1..n).rev() {
        v.swap(0, e);
        down(v, 0, e);
    }
}

/// The first position in sorted `v` whose key is not below `key`.
fn lower(v: &[(u64, u32)], key: u64) -> usize {
    let (mut lo, mut hi) = (0, v.len());
    while lo < hi {
        let m = (lo + hi) / 2;
        if v[m].0 < key {
            lo = m + 1;
        } else {
            hi = m;
        }
    }
    lo
}

/// The index stored with `key` in sorted `v`.
fn find(v: &[(u64, u32)], key: u64) -> Option<usize> {
    v.get(lower(v, key))
        .filter(|e| e.0 == key)
        .map(|e| e.1 as usize)
}

/// Parses an nsfs name `type:[inode]` (a link or a mount root).
fn nsfs_name(b: &[u8]) -> Option<(u8, u64)> {
    let p = b.iter().position(|&c| c == b':')?;
    let kind = KINDS.iter().position(|k| k.name.as_bytes() == &b[..p])?;
    let d = b[p + 1..].strip_prefix(b"[")?.strip_suffix(b"]")?;
    Some((kind as u8, dec(d)?))
}

fn dec(d: &[u8]) -> Option<u64> {
    if d.is_empty() || d.len() > 19 || !d.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(d.iter().fold(0, |n, c| n * 10 + (c - b'0') as u64))
}

/// The namespace a symlink names (`mnt:[4026531841]`), if it names one.
#[inline(never)]
fn ns_link(dir: BorrowedFd, name: &CStr) -> Result<Option<(u8, u64)>, Errno> {
    let mut l = [0u8; 40];
    let n = readlinkat_raw(dir, name, &mut l[..])?;
    Ok(nsfs_name(&l[..n.min(40)]))
}

/// Opens `path` (NUL-terminated, or a plain name without NUL) under `dir`.
fn open(dir: BorrowedFd, path: &[u8], flags: OFlags) -> Option<OwnedFd> {
    let c = cstr(path)?;
    openat(dir, c, flags | OFlags::CLOEXEC, Mode::empty()).ok()
}

/// `path` as a C string: must end in its one NUL.
fn cstr(path: &[u8]) -> Option<&CStr> {
    CStr::from_bytes_with_nul(path).ok()
}

/// Reads up to `buf.len()` bytes of `path` (one read).
fn read_at(dir: BorrowedFd, path: &[u8], buf: &mut [u8]) -> usize {
    match open(dir, path, OFlags::RDONLY) {
        Some(f) => rustix::io::read(&f, buf).unwrap_or(0),
        None => 0,
    }
}

/// Every entry of the directory `fd` whose name is a number.
fn each_number(fd: &OwnedFd, f: &mut dyn FnMut(&CStr) -> bool) {
    let mut buf = [MaybeUninit::uninit(); 4096];
    let mut d = RawDir::new(fd, &mut buf);
    while let Some(Ok(e)) = d.next() {
        let n = e.file_name();
        if dec(n.to_bytes()).is_some() && !f(n) {
            return;
        }
    }
}

impl Ls {
    /// Reads /proc and /proc/self/mountinfo: processes, their namespaces,
    /// namespaces held by open fds and by nsfs mounts.
    #[inline(never)]
    fn scan(&mut self, o: &Opts) {
        let mut extra: Vec<Ns> = Vec::new();
        self.types = o.types;
        if let Some(pfd) = open(CWD, b"/proc\0", OFlags::RDONLY | OFlags::DIRECTORY) {
            each_number(&pfd, &mut |name| {
                self.read_proc(&pfd, name, o.types, &mut extra);
                true
            });
        }
        let mut cand = Vec::new();
        for (i, p) in self.procs.iter().enumerate() {
            self.pidx.push((p.pid as u64, i as u32));
            for (k, &ino) in p.ns.iter().enumerate() {
                if ino != 0 {
                    cand.push((ino, (i << 3 | k) as u32));
                }
            }
        }
        hsort(&mut self.pidx);
        for i in 0..self.procs.len() {
            let pp = self.procs[i].ppid as u64;
            self.procs[i].parent = find(&self.pidx, pp).map_or(NONE, |x| x as u32);
        }
        hsort(&mut cand);
        for (ino, x) in cand {
            let i = x >> 3;
            match self.ns.last_mut() {
                Some(n) if n.ino == ino => {
                    n.nprocs += 1;
                    if self.procs[i as usize].pid < self.procs[n.proc as usize].pid {
                        n.proc = i;
                    }
                }
                _ => {
                    let mut n = Ns::new(ino, (x & 7) as u8, i);
                    n.nprocs = 1;
                    self.ns.push(n);
                }
            }
        }
        self.index();
        let data = mountinfo::read();
        for m in mountinfo::mounts(&data).filter(|m| m.fstype == b"nsfs") {
            let Some((kind, ino)) = nsfs_name(m.root) else {
                continue;
            };
            let t = mountinfo::unescape(m.point);
            if o.types & 1 << kind != 0 {
                let mut n = Ns::new(ino, kind, NONE);
                n.path = [&t[..], b"\0"].concat();
                extra.push(n);
            }
            self.mounts.push((ino, self.targets.len() as u32));
            self.targets.push(t);
        }
        hsort(&mut self.mounts);
        let base = self.ns.len();
        for n in extra {
            if !self.known(n.ino, base) {
                self.ns.push(n);
            }
        }
        self.index();
    }

    /// Rebuilds the sorted index of the namespaces.
    fn index(&mut self) {
        self.nsx = (self.ns.iter().enumerate())
            .map(|(i, n)| (n.ino, i as u32))
            .collect();
        hsort(&mut self.nsx);
    }

    /// Whether namespace `ino` is known: indexed, or added after `base`.
    fn known(&self, ino: u64, base: usize) -> bool {
        find(&self.nsx, ino).is_some() || self.ns[base..].iter().any(|x| x.ino == ino)
    }

    #[inline(never)]
    fn read_proc(&mut self, pfd: &OwnedFd, cname: &CStr, types: u8, extra: &mut Vec<Ns>) {
        let name = cname.to_bytes();
        // Paths relative to /proc: "PID/stat" ... (no fd for the PID dir).
        let mut path = [name, b"/"].concat();
        let base = path.len();
        let at = |path: &mut Vec<u8>, sub: &str| {
            path.truncate(base);
            path.extend_from_slice(sub.as_bytes());
            path.push(0);
        };
        let Ok(st) = statat(pfd, cname, AtFlags::empty()) else {
            return;
        };
        let mut b = [0u8; 512];
        at(&mut path, "stat");
        let n = read_at(pfd.as_fd(), &path, &mut b);
        let b = &b[..n];
        let (Some(lp), Some(close)) = (
            b.iter().position(|&c| c == b'('),
            b.iter().rposition(|&c| c == b')'),
        ) else {
            return;
        };
        if close < lp {
            return;
        }
        let ppid = field(&b[close + 1..], b" ", 2).and_then(dec).unwrap_or(0);
        let mut p = Proc {
            pid: dec(name).unwrap_or(0) as u32,
            ppid: ppid as u32,
            uid: st.st_uid,
            ns: [0; 8],
            comm: b[lp + 1..close].to_vec(),
            parent: NONE,
            line: NONE,
            cmd: None,
        };
        for (i, k) in KINDS.iter().enumerate() {
            if types & 1 << i != 0 {
                at(&mut path, "ns/");
                path.pop();
                path.extend_from_slice(k.name.as_bytes());
                path.push(0);
                // readlink ("mnt:[4026531841]") is cheaper than stat.
                let Some(c) = cstr(&path) else { continue };
                if let Ok(l) = ns_link(pfd.as_fd(), c) {
                    p.ns[i] = l.map_or(0, |x| x.1);
                }
            }
        }
        at(&mut path, "fd");
        if let Some(fdd) = open(pfd.as_fd(), &path, OFlags::RDONLY | OFlags::DIRECTORY) {
            each_number(&fdd, &mut |fd| {
                match ns_link(fdd.as_fd(), fd) {
                    Ok(l) => {
                        if let Some((kind, ino)) = l
                            && types & 1 << kind != 0
                        {
                            let mut x = Ns::new(ino, kind, NONE);
                            x.path = proc_path(p.pid, b"/fd/", fd.to_bytes_with_nul(), false);
                            extra.push(x);
                        }
                        true
                    }
                    // Not ours to see: neither are the other fds.
                    Err(e) => e != Errno::ACCESS,
                }
            });
        }
        self.procs.push(p);
    }

    fn has_pid(&self, ns: &Ns, pid: i32) -> bool {
        find(&self.pidx, pid as u64).is_some_and(|i| self.procs[i].ns[ns.kind as usize] == ns.ino)
    }

    /// The namespace with inode `ino`.
    fn find(&self, ino: u64) -> Option<usize> {
        find(&self.nsx, ino)
    }

    fn open_ns(&mut self, n: usize) -> Option<OwnedFd> {
        let ns = &mut self.ns[n];
        if let Some(fd) = ns.fd.take() {
            return Some(fd);
        }
        let path = match self.procs.get(ns.proc as usize) {
            Some(p) => proc_path(
                p.pid,
                b"/ns/",
                KINDS[ns.kind as usize].name.as_bytes(),
                true,
            ),
            None => ns.path.clone(),
        };
        open(CWD, &path, OFlags::RDONLY)
    }

    /// An ns ioctl returning a namespace fd: (its inode, the fd); the inode
    /// is 0 when there is none, UNKNOWN when the ioctl is not supported.
    fn rel_ioctl(&mut self, r: Result<OwnedFd, Errno>, name: &str) -> (u64, Option<OwnedFd>) {
        match r {
            Ok(fd) => (fstat(&fd).map_or(0, |s| s.st_ino), Some(fd)),
            // qemu-user answers ENOTTY or ENOSYS.
            Err(Errno::NOTTY | Errno::NOSYS) => {
                if !self.enotty {
                    self.enotty = true;
                    cli::warnx(&[b"Unsupported ioctl ", name.as_bytes()].concat());
                }
                (UNKNOWN, None)
            }
            Err(_) => (0, None),
        }
    }

    /// PNS/ONS through NS_GET_PARENT/NS_GET_USERNS: for every namespace
    /// when `all`, else only for those without processes. Related
    /// namespaces not seen yet are added (for namespaces without processes,
    /// or every one when `ghosts`), like util-linux.
    #[inline(never)]
    fn relations(&mut self, all: bool, ghosts: bool) {
        let sorted = self.ns.len();
        let mut n = 0;
        while n < self.ns.len() {
            let (kind, ino, procless) = (self.ns[n].kind, self.ns[n].ino, self.ns[n].nprocs == 0);
            if (all || procless)
                && let Some(fd) = self.open_ns(n)
            {
                let mut fds = [None, None];
                if kind == USER_KIND || kind == PID_KIND {
                    (self.ns[n].rel[0], fds[0]) =
                        self.rel_ioctl(nsioctl::parent(&fd), "NS_GET_PARENT");
                }
                (self.ns[n].rel[1], fds[1]) = self.rel_ioctl(nsioctl::userns(&fd), "NS_GET_USERNS");
                if procless && kind == USER_KIND {
                    self.ns[n].uid = nsioctl::owner_uid(&fd).unwrap_or(0);
                }
                if ghosts || procless {
                    for (r, f) in fds.into_iter().enumerate() {
                        let rino = self.ns[n].rel[r];
                        let gk = if r == 0 { kind } else { USER_KIND };
                        if rino == 0 || rino == UNKNOWN || rino == ino || self.types & 1 << gk == 0
                        {
                            continue;
                        }
                        if !self.known(rino, sorted) {
                            let mut g = Ns::new(rino, gk, NONE);
                            g.fd = f;
                            self.ns.push(g);
                        }
                    }
                }
            }
            n += 1;
        }
        self.index();
    }

    /// NETNSID of every net namespace, through RTM_GETNSID.
    #[inline(never)]
    fn netnsids(&mut self) {
        let Ok(mut nl) = netlink::Route::open() else {
            return;
        };
        for n in 0..self.ns.len() {
            if self.ns[n].kind != NET_KIND {
                continue;
            }
            let Some(fd) = self.open_ns(n) else { continue };
            let mut m = vec![0u8; 4]; // struct rtgenmsg, padded
            netlink::put_attr(
                &mut m,
                3,
                &(rustix::fd::AsRawFd::as_raw_fd(&fd) as u32).to_ne_bytes(),
            );
            let mut id = -2;
            let _ = nl.request(90, 0, &m, |ty, body| {
                if ty == 88 && body.len() >= 4 {
                    for (t, d) in netlink::attrs(&body[4..]) {
                        if t == 1 && d.len() >= 4 {
                            id = i32::from_ne_bytes([d[0], d[1], d[2], d[3]]);
                        }
                    }
                }
            });
            self.ns[n].netnsid = id;
        }
    }
}

/// uid → user name, from /etc/passwd read once.
#[derive(Default)]
struct Users {
    db: Option<crate::passwd::Db>,
    cache: Vec<(u32, Vec<u8>)>,
}

impl Users {
    #[inline(never)]
    fn name(&mut self, uid: u32, v: &mut Vec<u8>) {
        if let Some(c) = self.cache.iter().find(|c| c.0 == uid) {
            v.extend_from_slice(&c.1);
            return;
        }
        let db = self
            .db
            .get_or_insert_with(|| crate::passwd::Db::load("/etc/passwd"));
        let mut b = [0u8; 20];
        let n = db
            .name_of(uid)
            .unwrap_or(cli::fmt_u64(uid as u64, &mut b))
            .to_vec();
        v.extend_from_slice(&n);
        self.cache.push((uid, n));
    }
}

/// Builds the output lines.
struct Show<'a> {
    cols: &'a [u8],
    flt: Option<&'a Filter>,
    nowrap: bool,
    tree: Tree,
    users: &'a mut Users,
    tab: &'a mut Tab,
}

impl Show<'_> {
    /// Adds the line of namespace `n` (and, in an owner/parent tree, first
    /// the lines of its ancestors).
    fn show_ns(&mut self, ls: &mut Ls, n: usize) {
        ls.ns[n].busy = true;
        let rel = |ls: &Ls, r: usize| match ls.ns[n].rel[r] {
            0 => None,
            ino => ls.find(ino).filter(|&x| x != n),
        };
        let (par, own) = (rel(ls, 0), rel(ls, 1));
        let up = match self.tree {
            Tree::Owner => own,
            Tree::Parent => par,
            _ => None,
        };
        let first = if self.tree == Tree::Parent && par.is_none() {
            own
        } else {
            up
        };
        if let Some(r) = first
            && ls.ns[r].line == NONE
            && !ls.ns[r].busy
        {
            self.show_ns(ls, r);
        }
        let proc = ls.ns[n].proc;
        let parent = match (self.tree, ls.procs.get(proc as usize)) {
            (Tree::Process, Some(p)) => ls.procs.get(p.parent as usize).map_or(NONE, |pp| pp.line),
            _ => up.map_or(NONE, |r| ls.ns[r].line),
        };
        if let Some(l) = self.add_line(ls, n, proc, parent) {
            if matches!(self.tree, Tree::Owner | Tree::Parent) {
                ls.ns[n].line = l;
            } else if let Some(p) = ls.procs.get_mut(proc as usize) {
                p.line = l;
            }
        }
        ls.ns[n].busy = false;
    }

    /// Adds process `i` of namespace `n` (NSID mode), after its parents in
    /// the same namespace.
    fn show_process(&mut self, ls: &mut Ls, n: usize, i: u32) {
        if ls.procs[i as usize].line != NONE {
            return;
        }
        let (kind, ino) = (ls.ns[n].kind as usize, ls.ns[n].ino);
        let pp = ls.procs[i as usize].parent;
        let tree = self.tree == Tree::Process;
        if tree
            && let Some(p) = ls.procs.get(pp as usize)
            && p.line == NONE
            && p.ns[kind] == ino
            && p.pid < ls.procs[i as usize].pid
        {
            self.show_process(ls, n, pp);
        }
        let parent = match ls.procs.get(pp as usize) {
            Some(p) if tree => p.line,
            _ => NONE,
        };
        if let Some(l) = self.add_line(ls, n, i, parent) {
            ls.procs[i as usize].line = l;
        }
    }

    /// Fills one line; drops it again when the filter says no.
    fn add_line(&mut self, ls: &mut Ls, n: usize, proc: u32, parent: u32) -> Option<u32> {
        let t = &mut *self.tab;
        let (cells, data) = (t.cells.len(), t.data.len());
        let ns = &ls.ns[n];
        for &c in self.cols {
            let v = &mut t.data;
            let p = ls.procs.get(proc as usize);
            match (c, p) {
                (NS, _) => num(v, ns.ino),
                (TYPE, _) => v.extend_from_slice(KINDS[ns.kind as usize].name.as_bytes()),
                (PATH, Some(p)) => v.extend(proc_path(
                    p.pid,
                    b"/ns/",
                    KINDS[ns.kind as usize].name.as_bytes(),
                    false,
                )),
                (NPROCS, _) => num(v, ns.nprocs as u64),
                (PID, Some(p)) => num(v, p.pid as u64),
                (PPID, Some(p)) => num(v, p.ppid as u64),
                (COMMAND, Some(_)) => {
                    let p = &mut ls.procs[proc as usize];
                    let cmd = p.cmd.get_or_insert_with(|| {
                        let mut b = vec![0u8; 8192];
                        let k = read_at(CWD, &proc_path(p.pid, b"/cmdline", b"", true), &mut b);
                        b.truncate(k.saturating_sub(1));
                        for c in b.iter_mut() {
                            if *c == 0 {
                                *c = b' ';
                            }
                        }
                        b
                    });
                    v.extend_from_slice(if cmd.is_empty() { &p.comm } else { cmd });
                }
                (UID, p) => num(v, p.map_or(ns.uid, |p| p.uid) as u64),
                (USER, p) => self.users.name(p.map_or(ns.uid, |p| p.uid), v),
                (NETNSID, _) if ns.kind == NET_KIND => match ns.netnsid {
                    -1 => v.extend_from_slice(b"unassigned"),
                    id if id >= 0 => num(v, id as u64),
                    _ => {}
                },
                (NSFS, _) => {
                    let s = lower(&ls.mounts, ns.ino);
                    let start = v.len();
                    for &(_, t) in ls.mounts[s..].iter().take_while(|m| m.0 == ns.ino) {
                        let t = &ls.targets[t as usize];
                        let mut k = 0;
                        let mut have = false;
                        while let Some(x) = field(&v[start..], b"\n,", k) {
                            have |= x == &t[..];
                            k += 1;
                        }
                        if !have {
                            if v.len() > start {
                                v.push(if self.nowrap { b',' } else { b'\n' });
                            }
                            v.extend_from_slice(t);
                        }
                    }
                }
                (PNS | ONS, _) if ns.rel[(c - PNS) as usize] != UNKNOWN => {
                    num(v, ns.rel[(c - PNS) as usize])
                }
                _ => {}
            }
            t.end_cell();
        }
        let line = t.parent.len() as u32;
        if let Some(f) = self.flt
            && !f.eval(f.root, t, line as usize)
        {
            t.cells.truncate(cells);
            t.data.truncate(data);
            return None;
        }
        t.parent.push(parent);
        Some(line)
    }
}

fn num(v: &mut Vec<u8>, n: u64) {
    let mut b = [0u8; 20];
    v.extend_from_slice(cli::fmt_u64(n, &mut b));
}

#[derive(Clone, Copy)]
struct Col {
    name: &'static [u8],
    whint: u8,
    flags: u8,
}

/// The output: columns, then lines of cells in one byte arena; each line
/// may have a parent line (trees).
struct Tab {
    cols: Vec<Col>,
    nvis: usize,
    data: Vec<u8>,
    /// End offset of every cell, line after line.
    cells: Vec<u32>,
    parent: Vec<u32>,
    name: &'static str,
}

impl Tab {
    fn with(cols: Vec<Col>, nvis: usize) -> Tab {
        Tab {
            cols,
            nvis,
            data: Vec::new(),
            cells: Vec::new(),
            parent: Vec::new(),
            name: "namespaces",
        }
    }

    #[inline(never)]
    fn new(ids: &[u8], nvis: usize, o: &Opts) -> Tab {
        let mut cols = Vec::new();
        for &c in ids {
            let mut flags = if NUMS & 1 << c != 0 {
                F_NUM | F_RIGHT
            } else {
                0
            };
            if c == NETNSID {
                flags |= F_RIGHT;
            }
            if c == NSFS && !o.nowrap {
                flags |= F_WRAP;
            }
            if c == COMMAND {
                if !o.notrunc {
                    flags |= F_TRUNC;
                }
                if o.tree == Tree::Process {
                    flags |= F_TREE;
                }
            }
            if c == NS && matches!(o.tree, Tree::Owner | Tree::Parent) {
                flags = F_NUM | F_TREE;
            }
            cols.push(Col {
                name: word(NAMES, b" ", c as usize),
                whint: WHINT.get(c as usize).copied().unwrap_or(0),
                flags,
            });
        }
        Tab::with(cols, nvis)
    }

    fn end_cell(&mut self) {
        self.cells.push(self.data.len() as u32);
    }

    fn cell(&self, line: usize, c: usize) -> &[u8] {
        let i = line * self.cols.len() + c;
        let s = if i == 0 {
            0
        } else {
            self.cells[i - 1] as usize
        };
        &self.data[s..self.cells[i] as usize]
    }

    /// The lines in tree order: (line, depth, tree art).
    #[inline(never)]
    fn order(&self, utf8: bool) -> Vec<(usize, usize, Vec<u8>)> {
        let n = self.parent.len();
        // Children lists; n is the virtual root.
        let (mut first, mut next, mut last) = (vec![NONE; n + 1], vec![NONE; n], vec![NONE; n + 1]);
        for (i, &p) in self.parent.iter().enumerate() {
            let p = if (p as usize) < i { p as usize } else { n };
            match last[p] {
                NONE => first[p] = i as u32,
                l => next[l as usize] = i as u32,
            }
            last[p] = i as u32;
        }
        let mut w = Walk {
            first,
            next,
            utf8,
            pre: Vec::new(),
            out: Vec::new(),
        };
        w.walk(w.first[n], 0);
        w.out
    }

    fn print(&self, out: &mut Out, o: &Opts) {
        let mut utf8 = false;
        for v in [&b"LC_ALL"[..], b"LC_CTYPE", b"LANG"] {
            let Some(l) = crate::sys::proc::env(v).filter(|s| !s.is_empty()) else {
                continue;
            };
            let l = l.as_bytes();
            for i in 0..l.len() {
                // "utf8" or "utf-8", any case.
                let t = &l[i..];
                let d = t.get(3) == Some(&b'-');
                if t.get(..3).is_some_and(|u| u.eq_ignore_ascii_case(b"utf"))
                    && t.get(3 + d as usize) == Some(&b'8')
                {
                    utf8 = true;
                }
            }
            break;
        }
        let order = self.order(utf8);
        if o.json {
            self.json(out, &order);
        } else if !order.is_empty() {
            self.table(out, o, utf8, &order);
        }
    }

    #[inline(never)]
    fn json(&self, out: &mut Out, order: &[(usize, usize, Vec<u8>)]) {
        line(out, b"{\n", 3, b"\"");
        put(out, self.name.as_bytes());
        put(out, b"\": [\n");
        if !order.is_empty() {
            line(out, b"", 6, b"{\n");
        }
        for (k, &(l, d, _)) in order.iter().enumerate() {
            let nd = order.get(k + 1).map_or(-1, |x| x.1 as isize);
            let ind = 6 + 6 * d;
            for (c, col) in self.cols.iter().take(self.nvis).enumerate() {
                line(out, &b",\n"[..if c > 0 { 2 } else { 0 }], ind + 3, b"\"");
                let v = self.cell(l, c);
                for &b in col.name {
                    put(out, &[b.to_ascii_lowercase()]);
                }
                put(out, b"\": ");
                if v.is_empty() {
                    put(out, b"null");
                } else if col.flags & F_NUM != 0 {
                    put(out, v);
                } else {
                    json_str(out, v);
                }
            }
            if nd > d as isize {
                line(out, b",\n", ind + 3, b"\"children\": [\n");
                line(out, b"", ind + 6, b"{\n");
                continue;
            }
            line(out, b"\n", ind, b"}");
            let mut cur = d as isize;
            while cur > nd.max(0) {
                let pi = (6 * cur) as usize;
                line(out, b"\n", pi + 3, b"]\n");
                line(out, b"", pi, b"}");
                cur -= 1;
            }
            if nd >= 0 {
                put(out, b",{\n");
            }
        }
        line(out, b"\n", 3, b"]\n}\n");
    }

    fn table(&self, out: &mut Out, o: &Opts, utf8: bool, order: &[(usize, usize, Vec<u8>)]) {
        let nv = self.nvis;
        let cols = &self.cols[..nv];
        // Encode every shown cell (tree art in front of the tree column).
        let mut enc = Vec::new();
        let mut ends = vec![0];
        for (l, _, art) in order {
            for (c, col) in cols.iter().enumerate() {
                if col.flags & F_TREE != 0 {
                    encode(&mut enc, art, o.raw, utf8, false);
                }
                let wrap = col.flags & F_WRAP != 0;
                encode(&mut enc, self.cell(*l, c), o.raw, utf8, wrap);
                ends.push(enc.len());
            }
        }
        let get = |i: usize| enc.get(ends[i]..ends[i + 1]).unwrap_or(b"");
        let mut w = vec![0; nv];
        for i in 0..ends.len() - 1 {
            let mut r = 0;
            while let Some(seg) = field(get(i), b"\n", r) {
                w[i % nv] = w[i % nv].max(width(seg));
                r += 1;
            }
        }
        // libsmartcols: at least the header; the width hint when the data
        // is at least as wide as the header.
        for (c, col) in cols.iter().enumerate() {
            let (min, hint) = (col.name.len(), col.whint as usize);
            if w[c] < min {
                w[c] = min;
            } else if w[c] < hint && min < hint {
                w[c] = hint;
            }
        }
        if let (Some(tw), false) = (tty::stdout_columns(), o.raw) {
            let total = w.iter().sum::<usize>() + nv - 1;
            if let (true, Some(c)) = (
                total > tw as usize,
                cols.iter().position(|c| c.flags & F_TRUNC != 0),
            ) {
                w[c] = w[c]
                    .saturating_sub(total - tw as usize)
                    .max(cols[c].name.len());
            }
        }
        let mut cells: Vec<&[u8]> = cols.iter().map(|c| c.name).collect();
        if !o.noheadings {
            self.row(out, o.raw, &w, &cells);
        }
        for k in 0..order.len() {
            for r in 0.. {
                let mut more = false;
                for (c, x) in cells.iter_mut().enumerate() {
                    let cell = get(k * nv + c);
                    *x = field(cell, b"\n", r).unwrap_or(b"");
                    more |= field(cell, b"\n", r + 1).is_some();
                }
                self.row(out, o.raw, &w, &cells);
                if !more {
                    break;
                }
            }
        }
    }

    /// One output row: cells padded (or cut) to the column widths.
    fn row(&self, out: &mut Out, raw: bool, w: &[usize], cells: &[&[u8]]) {
        for (c, (&s, col)) in cells.iter().zip(&self.cols).enumerate() {
            let last = c + 1 == cells.len();
            let wc = w.get(c).copied().unwrap_or(0);
            if raw {
                put(out, s);
                if !last {
                    put(out, b" ");
                }
                continue;
            }
            // Cut to the column width (truncated columns only exceed it).
            let (mut k, mut seen) = (0, 0);
            while let Some(&b) = s.get(k) {
                let cont = b & 0xc0 == 0x80;
                if seen == wc && !cont {
                    break;
                }
                seen += !cont as usize;
                k += 1;
            }
            let s = &s[..k];
            let right = col.flags & F_RIGHT != 0;
            if right {
                pad(out, wc - seen);
            }
            put(out, s);
            if !last {
                if !right {
                    pad(out, wc - seen);
                }
                put(out, b" ");
            }
        }
        put(out, b"\n");
    }
}

/// Appends `s` to the output (one copy of the code).
#[inline(never)]
fn put(out: &mut Out, s: &[u8]) {
    out.put(s);
}

/// `pre`, `n` spaces, `s`.
#[inline(never)]
fn line(out: &mut Out, pre: &[u8], n: usize, s: &[u8]) {
    put(out, pre);
    pad(out, n);
    put(out, s);
}

/// Writes `n` spaces.
fn pad(out: &mut Out, mut n: usize) {
    while n > 0 {
        let k = n.min(16);
        put(out, &b"                "[..k]);
        n -= k;
    }
}

struct Walk {
    first: Vec<u32>,
    next: Vec<u32>,
    utf8: bool,
    pre: Vec<u8>,
    out: Vec<(usize, usize, Vec<u8>)>,
}

impl Walk {
    /// Tree glyph `i`: branch, last branch, continuation, blank.
    fn glyph(&self, i: usize) -> &'static [u8] {
        let g = if self.utf8 {
            "\u{251c}\u{2500},\u{2514}\u{2500},\u{2502} ,  "
        } else {
            "|-,`-,| ,  "
        };
        word(g, b",", i)
    }

    fn walk(&mut self, mut c: u32, d: usize) {
        while let Some(&nx) = self.next.get(c as usize) {
            let last = (nx == NONE) as usize;
            let mut art = Vec::new();
            let len = self.pre.len();
            if d > 0 {
                art = [&self.pre[..], self.glyph(last)].concat();
                self.pre.extend_from_slice(self.glyph(2 + last));
            }
            self.out.push((c as usize, d, art));
            let f = self.first.get(c as usize).copied().unwrap_or(NONE);
            self.walk(f, d + 1);
            self.pre.truncate(len);
            c = nx;
        }
    }
}

/// Display width: characters, not bytes.
fn width(s: &[u8]) -> usize {
    s.iter().filter(|&&c| c & 0xc0 != 0x80).count()
}

/// Length of the valid UTF-8 sequence starting `s`, or 0.
fn utf8_len(s: &[u8]) -> usize {
    let n = match s[0] {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return 0,
    };
    if s.len() >= n && s[1..n].iter().all(|&c| c & 0xc0 == 0x80) {
        n
    } else {
        0
    }
}

/// Appends `s` made safe for a terminal like libsmartcols: unprintable
/// bytes as `\xHH`; in raw output also blanks, `\` and non-ASCII.
fn encode(v: &mut Vec<u8>, s: &[u8], raw: bool, utf8: bool, wrap: bool) {
    let mut i = 0;
    while i < s.len() {
        let b = s[i];
        let n = if raw {
            (b > b' ' && b < 0x7f && b != b'\\') as usize
        } else if b == b'\n' && wrap || (b' '..0x7f).contains(&b) {
            1
        } else if b >= 0x80 && utf8 {
            utf8_len(&s[i..])
        } else {
            0
        };
        if n == 0 {
            let h = b"0123456789abcdef";
            v.extend_from_slice(&[b'\\', b'x', h[(b >> 4) as usize], h[(b & 15) as usize]]);
            i += 1;
        } else {
            v.extend_from_slice(&s[i..i + n]);
            i += n;
        }
    }
}

/// Writes `s` as a JSON string literal.
fn json_str(out: &mut Out, s: &[u8]) {
    put(out, b"\"");
    for &b in s {
        let mut e = [b'\\', b, 0, 0, 0, 0];
        let n = match b {
            b'"' | b'\\' => 2,
            b'\n' => {
                e[1] = b'n';
                2
            }
            b'\t' => {
                e[1] = b't';
                2
            }
            b'\r' => {
                e[1] = b'r';
                2
            }
            0..=0x1f | 0x7f => {
                let h = b"0123456789abcdef";
                e = [
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    h[(b >> 4) as usize],
                    h[(b & 15) as usize],
                ];
                6
            }
            _ => {
                e[0] = b;
                1
            }
        };
        put(out, &e[..n]);
    }
    put(out, b"\"");
}

/// A `-Q` expression: libsmartcols' filter language without floats.
struct Filter {
    nodes: Vec<Node>,
    root: usize,
}

enum Val {
    /// A column (its position in the line), and whether it is a number.
    Col(usize, bool),
    /// A literal, and whether it is a number.
    Lit(Vec<u8>, bool),
}

enum Node {
    /// `||` (true) or `&&` (false).
    Bin(bool, usize, usize),
    Not(usize),
    Is(Val),
    Cmp(u8, Val, Val),
}

/// Tokens: 0..=7 the comparisons (`==`, `!=`, `<`, `<=`, `>`, `>=`, `=~`,
/// `!~`), then these.
type Tok = u8;
const T_LPAR: Tok = 8;
const T_RPAR: Tok = 9;
const T_AND: Tok = 10;
const T_OR: Tok = 11;
const T_NOT: Tok = 12;
const T_END: Tok = 13;
const T_NAME: Tok = 14;
const T_NUM: Tok = 15;
/// A string literal (its text in `Parser::lit`).
const T_STR: Tok = 16;
const T_FALSE: Tok = 17;
const T_TRUE: Tok = 18;

/// The punctuation and word tokens: their code, then their text.
const PUNCT: &str =
    "\x00== \x01!= \x02< \x03<= \x04> \x05>= \x06=~ \x07!~ \x08( \x09) \x0a&& \x0b|| \x0c!";
const WORDS: &str =
    "\x0aand \x0bor \x0cnot \x12true \x11false \x00eq \x01ne \x02lt \x03le \x04gt \x05ge";

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    /// Start and end of the last token.
    at: usize,
    cols: &'a mut Vec<u8>,
    nodes: Vec<Node>,
    lit: Vec<u8>,
}

impl Parser<'_> {
    fn lex(&mut self) -> Result<Tok, usize> {
        let s = self.s;
        while self.i < s.len() && s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
        self.at = self.i;
        let Some(&c) = s.get(self.i) else {
            return Ok(T_END);
        };
        let rest = &s[self.i..];
        let (mut t, mut n) = (T_END, 0);
        find_word(PUNCT, &mut |p| {
            if p.len() > n + 1 && rest.starts_with(&p[1..]) {
                (t, n) = (p[0], p.len() - 1);
            }
            false
        });
        if n > 0 {
        } else if c == b'"' || c == b'\'' {
            self.lit.clear();
            let mut k = 1;
            loop {
                match rest.get(k) {
                    None => return Err(self.i),
                    Some(&q) if q == c => break,
                    Some(b'\\') if k + 1 < rest.len() => {
                        self.lit.push(rest[k + 1]);
                        k += 2;
                    }
                    Some(&x) => {
                        self.lit.push(x);
                        k += 1;
                    }
                }
            }
            (t, n) = (T_STR, k + 1);
        } else {
            let digits = c.is_ascii_digit();
            if !digits && !c.is_ascii_alphabetic() && c != b'_' {
                return Err(self.i);
            }
            n = rest
                .iter()
                .take_while(|c| {
                    if digits {
                        c.is_ascii_digit()
                    } else {
                        c.is_ascii_alphanumeric() || **c == b'_'
                    }
                })
                .count();
            let w = &rest[..n];
            t = match find_word(WORDS, &mut |k| k[1..].eq_ignore_ascii_case(w)) {
                _ if digits => T_NUM,
                Some(k) => k[0],
                None => T_NAME,
            };
        }
        self.i += n;
        Ok(t)
    }

    fn peek(&mut self) -> Result<Tok, usize> {
        let (i, at) = (self.i, self.at);
        let t = self.lex();
        (self.i, self.at) = (i, at);
        t
    }

    fn push(&mut self, n: Node) -> Result<usize, usize> {
        self.nodes.push(n);
        Ok(self.nodes.len() - 1)
    }

    /// `a || b ...` when `or`, else `a && b ...`.
    fn bin(&mut self, or: bool) -> Result<usize, usize> {
        let mut a = self.side(or)?;
        while self.peek()? == if or { T_OR } else { T_AND } {
            self.lex()?;
            let b = self.side(or)?;
            a = self.push(Node::Bin(or, a, b))?;
        }
        Ok(a)
    }

    fn side(&mut self, or: bool) -> Result<usize, usize> {
        if or { self.bin(false) } else { self.unary() }
    }

    fn unary(&mut self) -> Result<usize, usize> {
        match self.peek()? {
            T_NOT => {
                self.lex()?;
                let a = self.unary()?;
                self.push(Node::Not(a))
            }
            T_LPAR => {
                self.lex()?;
                let a = self.bin(true)?;
                match self.lex()? {
                    T_RPAR => Ok(a),
                    _ => Err(self.at),
                }
            }
            _ => {
                let a = self.operand()?;
                match self.peek()? {
                    op @ 0..=7 => {
                        self.lex()?;
                        let b = self.operand()?;
                        self.push(Node::Cmp(op, a, b))
                    }
                    _ => self.push(Node::Is(a)),
                }
            }
        }
    }

    fn operand(&mut self) -> Result<Val, usize> {
        let t = self.lex()?;
        let text = &self.s[self.at..self.i];
        Ok(match t {
            T_NAME => {
                let Some(id) = col_by_name(text) else {
                    cli::warnx(&[&b"unknown column: "[..], text].concat());
                    return Err(usize::MAX);
                };
                let pos = match self.cols.iter().position(|&c| c == id) {
                    Some(p) => p,
                    None => {
                        self.cols.push(id);
                        self.cols.len() - 1
                    }
                };
                Val::Col(pos, NUMS & 1 << id != 0)
            }
            T_NUM => Val::Lit(text.to_vec(), true),
            T_STR => Val::Lit(std::mem::take(&mut self.lit), false),
            T_FALSE | T_TRUE => Val::Lit(vec![b'0' + t - T_FALSE], true),
            _ => return Err(self.at),
        })
    }
}

impl Filter {
    #[inline(never)]
    fn parse(q: &[u8], cols: &mut Vec<u8>) -> Filter {
        let mut p = Parser {
            s: q,
            i: 0,
            at: 0,
            cols,
            nodes: Vec::new(),
            lit: Vec::new(),
        };
        // Parsing and evaluation recurse: bound the depth.
        if q.len() > 4096 {
            cli::die_parts(&[b"failed to parse filter: expression too long"], None);
        }
        let r = p.bin(true).and_then(|root| match p.lex()? {
            T_END => Ok(root),
            _ => Err(p.at),
        });
        match r {
            Ok(root) => Filter {
                nodes: p.nodes,
                root,
            },
            Err(usize::MAX) => cli::die_parts(&[b"failed to initialize filter"], None),
            Err(at) => {
                let mut b = [0u8; 20];
                let e: [&[u8]; 5] = match q.get(at..) {
                    Some(r @ [_, ..]) => [
                        b"syntax error at position ",
                        cli::fmt_u64(at as u64 + 1, &mut b),
                        b" ('",
                        r,
                        b"')",
                    ],
                    _ => [b"unexpected end of expression", b"", b"", b"", b""],
                };
                cli::die_parts(
                    &[
                        b"failed to parse \"",
                        q,
                        b"\": ",
                        e[0],
                        e[1],
                        e[2],
                        e[3],
                        e[4],
                    ],
                    None,
                )
            }
        }
    }

    fn val<'a>(&'a self, v: &'a Val, t: &'a Tab, line: usize) -> (&'a [u8], bool) {
        match v {
            Val::Col(c, n) => (t.cell(line, *c), *n),
            Val::Lit(s, n) => (s, *n),
        }
    }

    fn eval(&self, n: usize, t: &Tab, line: usize) -> bool {
        match &self.nodes[n] {
            Node::Bin(or, a, b) => {
                let x = self.eval(*a, t, line);
                if x == *or { x } else { self.eval(*b, t, line) }
            }
            Node::Not(a) => !self.eval(*a, t, line),
            Node::Is(v) => {
                let (s, _) = self.val(v, t, line);
                !s.is_empty() && s != b"0"
            }
            Node::Cmp(op, a, b) => {
                let (x, xn) = self.val(a, t, line);
                let (y, yn) = self.val(b, t, line);
                if *op >= 6 {
                    return re_search(y, x) == (*op == 6);
                }
                let ord = match (xn || yn, dec(x), dec(y)) {
                    (true, Some(p), Some(q)) => p.cmp(&q),
                    _ => x.cmp(y),
                };
                let o = ord as i8; // -1, 0, 1
                match op {
                    0 => o == 0,
                    1 => o != 0,
                    2 => o < 0,
                    3 => o <= 0,
                    4 => o > 0,
                    _ => o >= 0,
                }
            }
        }
    }
}

/// Whether the extended regular expression `re` matches somewhere in `t`:
/// `. [] [^] * + ? ^ $ |` and `\` escapes (no groups).
fn re_search(re: &[u8], t: &[u8]) -> bool {
    let mut start = 0;
    let mut depth = false;
    let mut i = 0;
    while i <= re.len() {
        match re.get(i) {
            Some(b'\\') => i += 1,
            Some(b'[') => depth = true,
            Some(b']') => depth = false,
            Some(b'|') if !depth => {
                if re_alt(&re[start..i], t) {
                    return true;
                }
                start = i + 1;
            }
            None => return re_alt(&re[start..], t),
            _ => {}
        }
        i += 1;
    }
    false
}

fn re_alt(re: &[u8], t: &[u8]) -> bool {
    if let Some(r) = re.strip_prefix(b"^") {
        return re_here(r, t);
    }
    (0..=t.len()).any(|k| re_here(re, &t[k..]))
}

/// Length of the atom at the start of `re`.
fn atom_len(re: &[u8]) -> usize {
    match re[0] {
        b'\\' if re.len() > 1 => 2,
        b'[' => {
            let mut k = 1;
            if re.get(k) == Some(&b'^') {
                k += 1;
            }
            if re.get(k) == Some(&b']') {
                k += 1;
            }
            match re[k.min(re.len())..].iter().position(|&c| c == b']') {
                Some(p) => k + p + 1,
                None => 1,
            }
        }
        _ => 1,
    }
}

fn atom_match(a: &[u8], c: u8) -> bool {
    match a {
        [b'.'] => true,
        [b'\\', x] => *x == c,
        [b'[', cls @ .., b']'] => {
            let (neg, cls) = match cls.strip_prefix(b"^") {
                Some(r) => (true, r),
                None => (false, cls),
            };
            let mut hit = false;
            let mut k = 0;
            while k < cls.len() {
                if k + 2 < cls.len() && cls[k + 1] == b'-' {
                    hit |= cls[k] <= c && c <= cls[k + 2];
                    k += 3;
                } else {
                    hit |= cls[k] == c;
                    k += 1;
                }
            }
            hit != neg
        }
        _ => a.first() == Some(&c),
    }
}

fn re_here(re: &[u8], t: &[u8]) -> bool {
    if re.is_empty() {
        return true;
    }
    if re == b"$" {
        return t.is_empty();
    }
    let n = atom_len(re);
    let atom = &re[..n];
    let rest = &re[n..];
    let (min, max, rest) = match rest.first() {
        Some(b'*') => (0, usize::MAX, &rest[1..]),
        Some(b'+') => (1, usize::MAX, &rest[1..]),
        Some(b'?') => (0, 1, &rest[1..]),
        _ => (1, 1, rest),
    };
    let mut k = 0;
    while k < max && k < t.len() && atom_match(atom, t[k]) {
        k += 1;
    }
    while k >= min {
        if re_here(rest, &t[k..]) {
            return true;
        }
        if k == 0 {
            break;
        }
        k -= 1;
    }
    false
}
