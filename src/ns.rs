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
}
