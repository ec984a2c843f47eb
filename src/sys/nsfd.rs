//! Namespace-entry calls rustix lacks: `setns` with any set of `CLONE_NEW*`
//! flags (on a namespace fd or a pidfd), and signal 0 through a pidfd (a
//! liveness check). The nsfs ioctls are in [`super::nsioctl`].

use super::raw::{nr, scalar};
use rustix::fd::{AsRawFd, BorrowedFd};
use rustix::io::Errno;

fn raw(fd: BorrowedFd<'_>) -> usize {
    fd.as_raw_fd() as usize
}

/// `setns(fd, flags)`: `fd` is a namespace file (`flags` one type, or 0 for
/// any) or a pidfd (`flags` any set of types, entered atomically).
pub fn setns(fd: BorrowedFd<'_>, flags: u32) -> Result<(), Errno> {
    scalar(nr::SETNS, [raw(fd), flags as usize, 0, 0, 0, 0]).map(drop)
}

/// Signal 0 through a pidfd: Ok while the process exists (a zombie still
/// does), ESRCH once it has been reaped, so its PID may have been reused.
pub fn pidfd_alive(pidfd: BorrowedFd<'_>) -> Result<(), Errno> {
    scalar(nr::PIDFD_SEND_SIGNAL, [raw(pidfd), 0, 0, 0, 0, 0]).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustix::fd::AsFd;

    #[test]
    fn setns_and_pidfd_liveness() {
        let f = std::fs::File::open("/proc/self/ns/uts").unwrap();
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
