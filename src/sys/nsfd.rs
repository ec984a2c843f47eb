//! Namespace-entry calls rustix lacks, or wraps without their result:
//! `setns` with any set of `CLONE_NEW*` flags (on a namespace fd or a pidfd),
//! the nsfs and socket ioctls whose return value is a new fd or a type,
//! signal 0 through a pidfd (a liveness check), and replacing the
//! environment before exec.

use super::raw::scalar;
use rustix::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use rustix::io::Errno;
use std::ffi::c_char;

#[cfg(target_arch = "x86_64")]
mod nr {
    pub const IOCTL: usize = 16;
    pub const SETNS: usize = 308;
}
#[cfg(target_arch = "aarch64")]
mod nr {
    pub const IOCTL: usize = 29;
    pub const SETNS: usize = 268;
}
/// The same number on every architecture (the unified table since 5.1).
const PIDFD_SEND_SIGNAL: usize = 424;

/// The owning user namespace of a namespace (for a user namespace: its parent).
pub const NS_GET_USERNS: u32 = linux_raw_sys::ioctl::NS_GET_USERNS;
/// The `CLONE_NEW*` type of a namespace, as the ioctl's return value.
pub const NS_GET_NSTYPE: u32 = linux_raw_sys::ioctl::NS_GET_NSTYPE;
/// The network namespace of a socket (linux/sockios.h; not in linux-raw-sys).
pub const SIOCGSKNS: u32 = 0x894c;

fn raw(fd: BorrowedFd<'_>) -> usize {
    fd.as_raw_fd() as usize
}

/// `setns(fd, flags)`: `fd` is a namespace file (`flags` one type, or 0 for
/// any) or a pidfd (`flags` any set of types, entered atomically).
pub fn setns(fd: BorrowedFd<'_>, flags: u32) -> Result<(), Errno> {
    scalar(nr::SETNS, [raw(fd), flags as usize, 0, 0, 0, 0]).map(drop)
}

/// An argument-less ioctl, returning the kernel's return value.
pub fn ioctl(fd: BorrowedFd<'_>, req: u32) -> Result<usize, Errno> {
    scalar(nr::IOCTL, [raw(fd), req as usize, 0, 0, 0, 0])
}

/// An argument-less ioctl that returns a new file descriptor
/// ([`NS_GET_USERNS`], [`SIOCGSKNS`]).
pub fn ioctl_fd(fd: BorrowedFd<'_>, req: u32) -> Result<OwnedFd, Errno> {
    let n = ioctl(fd, req)?;
    // SAFETY: these requests return a fresh descriptor (opened O_CLOEXEC by
    // the kernel) that nothing else owns; `check` already rejected errors.
    Ok(unsafe { OwnedFd::from_raw_fd(n as i32) })
}

/// Signal 0 through a pidfd: Ok while the process exists (a zombie still
/// does), ESRCH once it has been reaped, so its PID may have been reused.
pub fn pidfd_alive(pidfd: BorrowedFd<'_>) -> Result<(), Errno> {
    scalar(PIDFD_SEND_SIGNAL, [raw(pidfd), 0, 0, 0, 0, 0]).map(drop)
}

unsafe extern "C" {
    /// musl's environment, read by `getenv` and `execvp`.
    static mut environ: *const *const c_char;
}

/// Replaces the whole environment with the NUL-separated `NAME=value`
/// entries of `data` (the format of `/proc/PID/environ`); entries without
/// `=` or with an empty name are dropped. The memory is leaked on purpose:
/// it must live until exec.
pub fn set_environ(mut data: Vec<u8>) {
    if data.last().is_some_and(|&b| b != 0) {
        data.push(0);
    }
    let data: &'static [u8] = data.leak();
    let mut ptrs: Vec<*const c_char> = Vec::new();
    let mut start = 0;
    for (i, &b) in data.iter().enumerate() {
        if b == 0 {
            let e = &data[start..i];
            if e.iter().position(|&c| c == b'=').is_some_and(|p| p > 0) {
                ptrs.push(e.as_ptr().cast());
            }
            start = i + 1;
        }
    }
    ptrs.push(core::ptr::null());
    let p = ptrs.leak().as_ptr();
    // SAFETY: nsbox is single-threaded, so nothing reads `environ` while it
    // changes; every entry is NUL-terminated, the array NULL-terminated, and
    // both are leaked, so they outlive every later getenv and the exec.
    unsafe { environ = p };
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustix::fd::AsFd;

    #[test]
    fn nstype_and_userns_of_own_namespaces() {
        let f = std::fs::File::open("/proc/self/ns/uts").unwrap();
        match ioctl(f.as_fd(), NS_GET_NSTYPE) {
            Ok(t) => assert_eq!(t as u32, linux_raw_sys::general::CLONE_NEWUTS),
            Err(e) => assert_eq!(e, Errno::NOTTY), // qemu-user
        }
        // Our own pidfd is alive; a plain file is not a pidfd.
        let me = rustix::process::pidfd_open(
            rustix::process::getpid(),
            rustix::process::PidfdFlags::empty(),
        )
        .unwrap();
        assert_eq!(pidfd_alive(me.as_fd()), Ok(()));
        assert_eq!(pidfd_alive(f.as_fd()), Err(Errno::BADF));
        // setns into the uts namespace we are already in is allowed (as root).
        let r = setns(f.as_fd(), linux_raw_sys::general::CLONE_NEWUTS);
        assert!(r == Ok(()) || r == Err(Errno::PERM), "{r:?}");
        assert_eq!(
            setns(f.as_fd(), linux_raw_sys::general::CLONE_NEWIPC),
            Err(Errno::INVAL)
        );
    }
}
