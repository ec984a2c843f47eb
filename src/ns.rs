//! The one table of namespace kinds, shared by unshare, nsenter and lsns.

use linux_raw_sys::general as g;

/// One namespace kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NsKind {
    /// Name under `/proc/PID/ns/` and in lsns's TYPE column (`mnt`, `uts`...).
    pub name: &'static str,
    /// The `CLONE_NEW*` flag.
    pub flag: u32,
    /// unshare/nsenter option letter.
    pub short: char,
    /// unshare/nsenter long option (`mount`, `uts`...).
    pub long: &'static str,
}

const fn k(name: &'static str, flag: u32, short: char, long: &'static str) -> NsKind {
    NsKind {
        name,
        flag,
        short,
        long,
    }
}

/// All eight kinds, in lsns's type order.
pub const KINDS: [NsKind; 8] = [
    k("mnt", g::CLONE_NEWNS, 'm', "mount"),
    k("net", g::CLONE_NEWNET, 'n', "net"),
    k("pid", g::CLONE_NEWPID, 'p', "pid"),
    k("uts", g::CLONE_NEWUTS, 'u', "uts"),
    k("ipc", g::CLONE_NEWIPC, 'i', "ipc"),
    k("user", g::CLONE_NEWUSER, 'U', "user"),
    k("cgroup", g::CLONE_NEWCGROUP, 'C', "cgroup"),
    k("time", g::CLONE_NEWTIME, 'T', "time"),
];

/// Each kind's position in [`KINDS`], by name: code says `KINDS[USER]`,
/// never `KINDS[5]` (the test below keeps names and positions together).
pub const MNT: usize = 0;
pub const NET: usize = 1;
pub const PID: usize = 2;
pub const UTS: usize = 3;
pub const IPC: usize = 4;
pub const USER: usize = 5;
pub const CGROUP: usize = 6;
pub const TIME: usize = 7;

/// The order in which nsenter enters (setns) and unshare persists (bind
/// mounts) namespaces, as util-linux does: the user namespace first (it
/// grants the rights for the others), cgroup, ipc, uts, net, pid, then
/// mnt (entering it changes how later `/proc` paths resolve), time last.
pub const ENTER_ORDER: [usize; 8] = [USER, CGROUP, IPC, UTS, NET, PID, MNT, TIME];

/// The kind whose short option letter is `c`.
#[cfg(test)]
pub fn by_short(c: char) -> Option<&'static NsKind> {
    KINDS.iter().find(|k| k.short == c)
}

/// The kind whose long option is `l`.
#[cfg(test)]
pub fn by_long(l: &str) -> Option<&'static NsKind> {
    KINDS.iter().find(|k| k.long == l)
}

/// The kind named `n` (`mnt`, `net`, ...).
#[cfg(test)]
pub fn by_name(n: &[u8]) -> Option<&'static NsKind> {
    KINDS.iter().find(|k| k.name.as_bytes() == n)
}

/// The kind of a `CLONE_NEW*` flag.
pub fn by_flag(f: u32) -> Option<&'static NsKind> {
    KINDS.iter().find(|k| k.flag == f)
}

impl NsKind {
    /// The flag's name in C: `CLONE_NEWNS` for mnt, else `CLONE_NEW` and
    /// the name in capitals.
    pub fn flag_name(&self) -> Vec<u8> {
        let name = if self.flag == g::CLONE_NEWNS {
            "ns"
        } else {
            self.name
        };
        let mut v = crate::cat!("CLONE_NEW", name);
        v.make_ascii_uppercase();
        v
    }
}

/// The first kind among `flags` (in [`KINDS`] order) that the running
/// kernel was built without: procfs lists every kind the kernel has in
/// `/proc/self/ns` (passed as `dir`), so a missing `dir/NAME` tells. None
/// when `dir` itself cannot be opened (no /proc: nothing can be told).
pub fn unsupported(flags: u32, dir: &std::ffi::CStr) -> Option<&'static NsKind> {
    use rustix::fs::{Access, AtFlags, Mode, OFlags};
    let dir = rustix::fs::open(
        dir,
        OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .ok()?;
    KINDS.iter().find(|k| {
        let name = crate::cat!(k.name, "\0");
        let name = std::ffi::CStr::from_bytes_with_nul(&name).unwrap_or_default();
        flags & k.flag != 0
            && rustix::fs::accessat(&dir, name, Access::EXISTS, AtFlags::empty())
                == Err(rustix::io::Errno::NOENT)
    })
}

/// ` (hint: the kernel does not support CLONE_NEWX: no /proc/self/ns/X)`
/// for an EINVAL from unshare(2) or setns(2) with `flags`, when that is
/// why; else nothing.
pub fn unsupported_hint(e: rustix::io::Errno, flags: u32, dir: &std::ffi::CStr) -> Vec<u8> {
    match unsupported(flags, dir) {
        Some(k) if e == rustix::io::Errno::INVAL => [
            b" (hint: the kernel does not support ",
            &*k.flag_name(),
            b": no ",
            dir.to_bytes(),
            b"/",
            k.name.as_bytes(),
            b")",
        ]
        .concat(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_consistent() {
        for (i, a) in KINDS.iter().enumerate() {
            assert_eq!(a.flag.count_ones(), 1, "{}", a.name);
            assert_eq!(by_short(a.short), Some(a));
            assert_eq!(by_long(a.long), Some(a));
            assert_eq!(by_name(a.name.as_bytes()), Some(a));
            assert_eq!(by_flag(a.flag), Some(a));
            for b in &KINDS[i + 1..] {
                assert!(a.flag != b.flag && a.short != b.short && a.name != b.name);
            }
        }
        let named = [(MNT, "mnt"), (NET, "net"), (PID, "pid"), (UTS, "uts")];
        let named2 = [
            (IPC, "ipc"),
            (USER, "user"),
            (CGROUP, "cgroup"),
            (TIME, "time"),
        ];
        for (i, n) in named.into_iter().chain(named2) {
            assert_eq!(KINDS[i].name, n);
        }
        let mut order = ENTER_ORDER;
        order.sort();
        assert_eq!(order, [0, 1, 2, 3, 4, 5, 6, 7]);
        let letters: String = ENTER_ORDER.iter().map(|&i| KINDS[i].short).collect();
        assert_eq!(letters, "UCiunpmT");
        assert!(std::path::Path::new("/proc/self/ns/mnt").exists());
        for k in &KINDS {
            let p = format!("/proc/self/ns/{}", k.name);
            assert!(std::path::Path::new(&p).exists() || k.name == "time", "{p}");
        }
    }

    #[test]
    fn flag_names() {
        let names: Vec<_> = KINDS
            .iter()
            .map(|k| String::from_utf8(k.flag_name()).unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "CLONE_NEWNS",
                "CLONE_NEWNET",
                "CLONE_NEWPID",
                "CLONE_NEWUTS",
                "CLONE_NEWIPC",
                "CLONE_NEWUSER",
                "CLONE_NEWCGROUP",
                "CLONE_NEWTIME"
            ]
        );
    }

    /// A kernel without time namespaces, as a /proc/self/ns lacking `time`
    /// (the running kernel cannot lose a kind).
    #[test]
    fn unsupported_kinds_from_a_missing_entry() {
        let dir = std::env::temp_dir().join(format!("nsbox-ns-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for k in &KINDS[..TIME] {
            std::fs::write(dir.join(k.name), "").unwrap();
        }
        let c = std::ffi::CString::new(dir.to_str().unwrap()).unwrap();
        let all = KINDS.iter().fold(0, |f, k| f | k.flag);
        assert_eq!(unsupported(all, &c), Some(&KINDS[TIME]));
        assert_eq!(unsupported(all & !g::CLONE_NEWTIME, &c), None);
        let hint = unsupported_hint(
            rustix::io::Errno::INVAL,
            g::CLONE_NEWUTS | g::CLONE_NEWTIME,
            &c,
        );
        let want = format!(
            " (hint: the kernel does not support CLONE_NEWTIME: no {}/time)",
            dir.display()
        );
        assert_eq!(String::from_utf8(hint).unwrap(), want);
        // Another error, or a kind the kernel has: no hint.
        assert!(unsupported_hint(rustix::io::Errno::PERM, g::CLONE_NEWTIME, &c).is_empty());
        assert!(unsupported_hint(rustix::io::Errno::INVAL, g::CLONE_NEWUTS, &c).is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
        // No such directory (no /proc): nothing can be told.
        assert_eq!(unsupported(all, &c), None);
        // The running kernel has every kind this test machine's tests use.
        assert_eq!(unsupported(all & !g::CLONE_NEWTIME, c"/proc/self/ns"), None);
    }
}
