//! Namespace-entry calls rustix lacks: `setns` with any set of `CLONE_NEW*`
//! flags (on a namespace fd or a pidfd), and signal 0 through a pidfd (a
//! liveness check). The nsfs ioctls are in [`super::nsioctl`].

use super::raw::{check, nr, scalar, syscall6};
use rustix::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
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

/// `struct file_handle` holding nsfs's handle (`struct nsfs_file_handle`:
/// the namespace id, its type, its inode; type and inode 0 match any).
/// Shared with [`super::listns`], which opens listed IDs the same way.
#[repr(C)]
pub(super) struct NsHandle {
    pub(super) handle_bytes: u32,
    pub(super) handle_type: i32,
    pub(super) ns_id: u64,
    pub(super) ns_type: u32,
    pub(super) ns_inum: u32,
}

/// Which step of [`open_by_id`] failed.
#[derive(Debug, PartialEq)]
pub enum ByIdError {
    /// Making the handle: no pidfd, no `PIDFD_GET_MNT_NAMESPACE` (ENOTTY
    /// before Linux 6.11), or no nsfs file handles (EOPNOTSUPP before 6.18).
    Fill(Errno),
    /// Opening it: no namespace of that id (or not ours to open).
    Open(Errno),
    /// ESTALE, and our own mount namespace cannot be opened by its ID
    /// alone either: this kernel wants the type and inode in the handle too.
    IdOnlyUnsupported,
}

/// Opens the namespace whose `NS_GET_ID` is `id` through an nsfs file
/// handle, as util-linux does: a handle of our own mount namespace (from
/// our pidfd) gives nsfs's handle type and a descriptor on nsfs to open
/// it relative to; then the handle is made to name `id`.
pub fn open_by_id(id: u64) -> Result<OwnedFd, ByIdError> {
    let fill = ByIdError::Fill;
    let me = rustix::process::pidfd_open(
        rustix::process::getpid(),
        rustix::process::PidfdFlags::empty(),
    )
    .map_err(fill)?;
    let mnt = super::nsioctl::pidfd_mnt_ns(&me).map_err(fill)?;
    let mut h = NsHandle {
        handle_bytes: 16,
        handle_type: 0,
        ns_id: 0,
        ns_type: 0,
        ns_inum: 0,
    };
    let mut mount_id: i32 = 0;
    // AT_EMPTY_PATH | AT_HANDLE_FID: the handle of `mnt` itself, to
    // identify it (it needs no export support to open).
    let flags = 0x1000 | 0x200;
    let fd = mnt.as_fd().as_raw_fd() as usize;
    // SAFETY: the path is an empty C string, `h` a file_handle with room for
    // the 16 bytes its handle_bytes announces, `mount_id` an int; all live
    // across the call.
    let r = unsafe {
        syscall6(
            nr::NAME_TO_HANDLE_AT,
            [
                fd,
                c"".as_ptr() as usize,
                (&raw mut h) as usize,
                (&raw mut mount_id) as usize,
                flags,
                0,
            ],
        )
    };
    check(r).map_err(fill)?;
    let own = h.ns_id;
    let open = |h: &mut NsHandle, id| {
        (h.ns_id, h.ns_type, h.ns_inum) = (id, 0, 0);
        let o_flags = (rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::CLOEXEC).bits() as usize;
        // SAFETY: `h` is the complete file_handle the kernel filled in above
        // (with another id); it is only read.
        let r = unsafe {
            syscall6(
                nr::OPEN_BY_HANDLE_AT,
                [fd, (&raw const *h) as usize, o_flags, 0, 0, 0],
            )
        };
        check(r)
    };
    let n = match open(&mut h, id) {
        Ok(n) => n,
        Err(Errno::STALE) if open(&mut h, own) == Err(Errno::STALE) => {
            return Err(ByIdError::IdOnlyUnsupported);
        }
        Err(e) => return Err(ByIdError::Open(e)),
    };
    // SAFETY: a successful open_by_handle_at returns a new fd nobody owns.
    Ok(unsafe { OwnedFd::from_raw_fd(n as i32) })
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
