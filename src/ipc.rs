//! What the IPC applets (ipcmk, ipcrm, ipcs) share: the SysV kinds and
//! their names, the object classes (a SysV or a POSIX object of a kind),
//! and glibc's rules for POSIX object names.

use crate::cat;
pub use crate::sys::ipc::Kind;
use rustix::io::Errno;
use std::ffi::CStr;

impl Kind {
    /// The kinds in nsbox's one order (each applet lists them in
    /// util-linux's order for it, by name).
    pub const ALL: [Kind; 3] = [Kind::Shm, Kind::Msg, Kind::Sem];

    /// ipcrm's word for the kind: `shm`, `msg`, `sem`.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Shm => "shm",
            Kind::Msg => "msg",
            Kind::Sem => "sem",
        }
    }

    /// util-linux's complaint when the kernel lacks the kind (its `*_INFO`
    /// fails).
    pub fn not_configured(self) -> &'static str {
        match self {
            Kind::Shm => "kernel not configured for shared memory",
            Kind::Msg => "kernel not configured for message queues",
            Kind::Sem => "kernel not configured for semaphores",
        }
    }
}

/// An object class of ipcmk and ipcrm: the SysV or the POSIX objects of a
/// kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Class {
    pub kind: Kind,
    pub posix: bool,
}

impl Class {
    pub const fn sysv(kind: Kind) -> Class {
        Class { kind, posix: false }
    }

    pub const fn posix(kind: Kind) -> Class {
        Class { kind, posix: true }
    }

    /// The class ipcrm's word names: `shm`, `msg`, `sem`, or with a `p`
    /// before it the POSIX class (`pshm`...).
    pub fn from_word(w: &[u8]) -> Option<Class> {
        let (posix, base) = match w {
            [b'p', rest @ ..] => (true, rest),
            _ => (false, w),
        };
        Kind::ALL
            .into_iter()
            .find(|k| k.word().as_bytes() == base)
            .map(|kind| Class { kind, posix })
    }
}

/// glibc's rule for `shm_open`/`sem_open` names: leading slashes dropped,
/// then a non-empty name without `/`, a file in /dev/shm (`sem.NAME` for
/// semaphores). NUL-terminated (see [`cs`]).
pub fn shm_path(name: &[u8], sem: bool) -> Result<Vec<u8>, Errno> {
    let mut n = name;
    while let [b'/', rest @ ..] = n {
        n = rest;
    }
    if n.is_empty() || n.contains(&b'/') {
        return Err(Errno::INVAL);
    }
    Ok(cat!("/dev/shm/", if sem { "sem." } else { "" }, n, b"\0"))
}

/// glibc's rule for `mq_open`/`mq_unlink` names: they start with `/`.
/// NUL-terminated (see [`cs`]).
pub fn mq_name(name: &[u8]) -> Result<Vec<u8>, Errno> {
    match name.first() {
        Some(b'/') => Ok(cat!(name, b"\0")),
        _ => Err(Errno::INVAL),
    }
}

/// The C string in `v` (from [`shm_path`] or [`mq_name`]: NUL-terminated).
pub fn cs(v: &[u8]) -> &CStr {
    CStr::from_bytes_with_nul(v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posix_names() {
        assert_eq!(shm_path(b"//a", false).unwrap(), b"/dev/shm/a\0");
        assert_eq!(cs(&shm_path(b"a", true).unwrap()), c"/dev/shm/sem.a");
        assert_eq!(shm_path(b"/", false), Err(Errno::INVAL));
        assert_eq!(shm_path(b"a/b", false), Err(Errno::INVAL));
        assert!(mq_name(b"/q").is_ok());
        assert_eq!(mq_name(b"q"), Err(Errno::INVAL));
    }

    #[test]
    fn class_words() {
        for k in Kind::ALL {
            assert_eq!(Class::from_word(k.word().as_bytes()), Some(Class::sysv(k)));
            let p = format!("p{}", k.word());
            assert_eq!(Class::from_word(p.as_bytes()), Some(Class::posix(k)));
        }
        assert_eq!(Class::from_word(b"ppshm"), None);
        assert_eq!(Class::from_word(b""), None);
        assert_eq!(Class::from_word(b"p"), None);
    }
}
