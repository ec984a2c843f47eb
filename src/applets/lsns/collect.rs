//! What the system has: processes and their namespaces from /proc,
//! namespaces held by fds, sockets and nsfs mounts, then (Linux 6.19)
//! every other namespace listns() lists; the NS_GET_* relations, and
//! RTM_GETNSID.

use super::options::Opts;
use super::{dec, field};
use crate::cli;
use crate::mountinfo;
use crate::netlink;
use crate::ns::KINDS;
use crate::sys::{listns, nsioctl};
use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::fs::{
    AtFlags, CWD, FileType, Mode, OFlags, RawDir, Stat, fstat, openat, readlinkat_raw, statat,
};
use rustix::io::Errno;
use rustix::process::{Pid, PidfdFlags, PidfdGetfdFlags, pidfd_getfd, pidfd_open};
use std::ffi::CStr;
use std::mem::MaybeUninit;

/// What read_proc knows about a process while it looks at its fds.
struct Held {
    pid: u32,
    /// Its network namespace (a socket there adds nothing).
    own_net: u64,
    types: u8,
    pidfd: Option<OwnedFd>,
}

/// No process or line.
pub const NONE: u32 = u32::MAX;
/// A related namespace the kernel would not tell (ENOTTY).
pub const UNKNOWN: u64 = u64::MAX;
pub const USER_KIND: u8 = crate::ns::USER as u8;
pub const PID_KIND: u8 = crate::ns::PID as u8;
pub const NET_KIND: u8 = crate::ns::NET as u8;

pub struct Proc {
    pub pid: u32,
    pub ppid: u32,
    pub uid: u32,
    pub ns: [u64; 8],
    pub comm: Vec<u8>,
    /// Index of the parent process, or NONE.
    pub parent: u32,
    /// Output line that last showed this process, or NONE.
    pub line: u32,
    pub cmd: Option<Vec<u8>>,
}

pub struct Ns {
    pub ino: u64,
    pub kind: u8,
    pub nprocs: u32,
    /// The lowest-PID process in it, or NONE.
    pub proc: u32,
    /// Where to open it when no process is in it (nsfs mount or fd).
    pub path: Vec<u8>,
    /// An open fd of a namespace found only through an ioctl or a socket.
    pub fd: Option<OwnedFd>,
    /// The ID listns() gave a namespace only it found (0: none), to open
    /// it by (no fd kept open: there may be thousands).
    pub id: u64,
    /// Parent and owner namespace inodes (0: none or unknown).
    pub rel: [u64; 2],
    pub uid: u32,
    pub netnsid: i32,
    pub line: u32,
    pub busy: bool,
}

impl Ns {
    #[inline(never)]
    pub fn new(ino: u64, kind: u8, proc: u32) -> Ns {
        Ns {
            ino,
            kind,
            nprocs: 0,
            proc,
            path: Vec::new(),
            fd: None,
            id: 0,
            rel: [0; 2],
            uid: 0,
            netnsid: -2,
            line: NONE,
            busy: false,
        }
    }
}
/// `/proc/PID/SUB NAME`, NUL-terminated when `nul`.
#[inline(never)]
pub fn proc_path(pid: u32, sub: &[u8], name: &[u8], nul: bool) -> Vec<u8> {
    let mut b = [0u8; 20];
    let mut v = [b"/proc/", cli::fmt_u64(pid as u64, &mut b), sub, name].concat();
    if nul {
        v.push(0);
    }
    v
}
/// Everything found on the system.
#[derive(Default)]
pub struct Ls {
    pub procs: Vec<Proc>,
    /// (pid, index in procs), sorted.
    pub pidx: Vec<(u64, u32)>,
    pub ns: Vec<Ns>,
    /// (inode, index in ns), sorted: the output order.
    pub nsx: Vec<(u64, u32)>,
    /// nsfs mounts: (inode, index in targets), sorted.
    pub mounts: Vec<(u64, u32)>,
    pub targets: Vec<Vec<u8>>,
    pub types: u8,
    pub enotty: bool,
    /// The st_dev of nsfs files (from /proc/self/ns/net).
    nsfs_dev: Option<u64>,
    /// pidfd_getfd is missing (before Linux 5.6): no socket-held namespaces.
    no_getfd: bool,
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
pub fn lower(v: &[(u64, u32)], key: u64) -> usize {
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

/// The kind of the namespace `fd` is (NS_GET_NSTYPE, Linux 4.11).
#[inline(never)]
fn kind_of(fd: &OwnedFd) -> Option<u8> {
    let flag = nsioctl::nstype(fd).ok()?;
    KINDS.iter().position(|k| k.flag == flag).map(|k| k as u8)
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
pub fn read_at(dir: BorrowedFd, path: &[u8], buf: &mut [u8]) -> usize {
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
    pub fn scan(&mut self, o: &Opts) {
        let mut extra: Vec<Ns> = Vec::new();
        self.types = o.types;
        let net = statat(CWD, c"/proc/self/ns/net", AtFlags::empty());
        self.nsfs_dev = net.ok().map(|st| st.st_dev);
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
        self.listed(base);
        self.index();
    }

    /// Adds the namespaces listns() lists that the scan missed: held by
    /// fds, sockets or mounts out of our sight, or only as the parent or
    /// owner of another. Nothing before Linux 6.19 (ENOSYS): the scan is
    /// all there is.
    #[inline(never)]
    fn listed(&mut self, base: usize) {
        let types = (KINDS.iter().enumerate())
            .filter(|(i, _)| self.types & 1 << i != 0)
            .fold(0, |m, (_, k)| m | k.flag);
        let mut ids = [0u64; 256];
        let mut after = 0;
        while let Ok(n) = listns::listns(after, types, &mut ids) {
            for &id in &ids[..n] {
                self.add_listed(id, base);
            }
            if n < ids.len() {
                return;
            }
            after = ids[n - 1];
        }
    }

    /// The namespace of listns() ID `id`, unless known already.
    fn add_listed(&mut self, id: u64, base: usize) {
        let Ok(fd) = listns::open_listed(id) else {
            return;
        };
        let Ok(st) = fstat(&fd) else { return };
        if let Some(kind) = kind_of(&fd)
            && !self.known(st.st_ino, base)
        {
            let mut n = Ns::new(st.st_ino, kind, NONE);
            n.id = id;
            self.ns.push(n);
        }
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
            let mut held = Held {
                pid: p.pid,
                own_net: p.ns[NET_KIND as usize],
                types,
                pidfd: None,
            };
            each_number(&fdd, &mut |fd| match statat(&fdd, fd, AtFlags::empty()) {
                Ok(st) => {
                    self.held_by_fd(&mut held, fdd.as_fd(), fd, &st, extra);
                    true
                }
                // Not ours to see: neither are the other fds.
                Err(e) => e != Errno::ACCESS,
            });
        }
        self.procs.push(p);
    }

    /// A namespace held by the fd `name` of `dir` (/proc/PID/fd), which is
    /// `st`: an nsfs file, asked for its type (NS_GET_NSTYPE; its link text
    /// before Linux 4.11), or a socket, asked for its network namespace
    /// (pidfd_getfd and SIOCGSKNS), as util-linux does.
    fn held_by_fd(
        &mut self,
        h: &mut Held,
        dir: BorrowedFd,
        name: &CStr,
        st: &Stat,
        extra: &mut Vec<Ns>,
    ) {
        if Some(st.st_dev) == self.nsfs_dev {
            let kind = open(dir, name.to_bytes_with_nul(), OFlags::RDONLY)
                .and_then(|f| kind_of(&f))
                .or_else(|| ns_link(dir, name).ok().flatten().map(|l| l.0));
            if let Some(kind) = kind.filter(|&k| h.types & 1 << k != 0) {
                let mut x = Ns::new(st.st_ino, kind, NONE);
                x.path = proc_path(h.pid, b"/fd/", name.to_bytes_with_nul(), false);
                extra.push(x);
            }
        } else if FileType::from_raw_mode(st.st_mode) == FileType::Socket
            && h.types & 1 << NET_KIND != 0
            && !self.no_getfd
            && let Some(fd) = super::dec(name.to_bytes())
            && let Some(ns) = self.socket_netns(h, fd as i32)
            && let Ok(nst) = fstat(&ns)
            && nst.st_ino != h.own_net
            && !extra.iter().any(|x| x.ino == nst.st_ino)
        {
            let mut x = Ns::new(nst.st_ino, NET_KIND, NONE);
            x.fd = Some(ns);
            extra.push(x);
        }
    }

    /// The network namespace of socket `fd` of the process (its pidfd
    /// opened once).
    fn socket_netns(&mut self, h: &mut Held, fd: i32) -> Option<OwnedFd> {
        if h.pidfd.is_none() {
            let pid = Pid::from_raw(h.pid as i32)?;
            h.pidfd = pidfd_open(pid, PidfdFlags::empty()).ok();
        }
        let sock = match pidfd_getfd(h.pidfd.as_ref()?, fd, PidfdGetfdFlags::empty()) {
            Ok(s) => s,
            Err(e) => {
                self.no_getfd = e == Errno::NOSYS;
                return None;
            }
        };
        nsioctl::socket_netns(&sock).ok()
    }

    pub fn has_pid(&self, ns: &Ns, pid: i32) -> bool {
        find(&self.pidx, pid as u64).is_some_and(|i| self.procs[i].ns[ns.kind as usize] == ns.ino)
    }

    /// The namespace with inode `ino`.
    pub fn find(&self, ino: u64) -> Option<usize> {
        find(&self.nsx, ino)
    }

    fn open_ns(&self, n: usize) -> Option<OwnedFd> {
        let ns = &self.ns[n];
        // Held only by an fd of ours: a copy, for the next question too.
        if let Some(fd) = &ns.fd {
            return rustix::io::fcntl_dupfd_cloexec(fd, 0).ok();
        }
        if ns.id != 0 {
            return listns::open_listed(ns.id).ok();
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
    pub fn relations(&mut self, all: bool, ghosts: bool) {
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
    pub fn netnsids(&mut self) {
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
pub struct Users {
    pub db: Option<crate::passwd::Db>,
    pub cache: Vec<(u32, Vec<u8>)>,
}

impl Users {
    #[inline(never)]
    pub fn name(&mut self, uid: u32, v: &mut Vec<u8>) {
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
