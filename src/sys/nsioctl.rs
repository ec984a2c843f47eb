//! The nsfs ioctls (`linux/nsfs.h`) on a namespace fd: its owning user
//! namespace, its parent, its `CLONE_NEW*` type, a user namespace's owner.
//!
//! rustix's ioctl patterns discard the ioctl's return value, which is the
//! whole answer here (a new fd, or the type), hence the small [`Ioctl`] type.
//! Under qemu-user all of these fail with ENOTTY.

use core::ffi::c_void;
use linux_raw_sys::ioctl as k;
use rustix::fd::{AsFd, FromRawFd, OwnedFd};
use rustix::io::Errno;
use rustix::ioctl::{Ioctl, IoctlOutput, Opcode};

/// An ioctl whose result is its return value; `arg` is null or points to
/// a `u32` the kernel fills in.
struct Call {
    op: Opcode,
    arg: *mut c_void,
}

// SAFETY: the opcodes used below take either no argument or a pointer to a
// `u32` (NS_GET_OWNER_UID, uid_t), which `arg` is; the output is the raw
// return value and reads no memory.
unsafe impl Ioctl for Call {
    type Output = IoctlOutput;
    const IS_MUTATING: bool = true;
    fn opcode(&self) -> Opcode {
        self.op
    }
    fn as_ptr(&mut self) -> *mut c_void {
        self.arg
    }
    unsafe fn output_from_ptr(out: IoctlOutput, _: *mut c_void) -> Result<IoctlOutput, Errno> {
        Ok(out)
    }
}

fn call(fd: impl AsFd, op: u32, arg: *mut c_void) -> Result<IoctlOutput, Errno> {
    // SAFETY: see the `Ioctl` impl: `arg` is null or a valid `*mut u32`.
    unsafe { rustix::ioctl::ioctl(fd, Call { op, arg }) }
}

fn new_fd(fd: impl AsFd, op: u32) -> Result<OwnedFd, Errno> {
    let r = call(fd, op, core::ptr::null_mut())?;
    if r < 0 {
        return Err(Errno::BADF);
    }
    // SAFETY: a successful NS_GET_USERNS/NS_GET_PARENT/SIOCGSKNS/
    // PIDFD_GET_MNT_NAMESPACE returns a new fd
    // that nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(r) })
}

/// `NS_GET_USERNS`: the user namespace owning the namespace of `fd`.
pub fn userns(fd: impl AsFd) -> Result<OwnedFd, Errno> {
    new_fd(fd, k::NS_GET_USERNS)
}

/// `NS_GET_PARENT`: the parent of a pid or user namespace.
pub fn parent(fd: impl AsFd) -> Result<OwnedFd, Errno> {
    new_fd(fd, k::NS_GET_PARENT)
}

/// `SIOCGSKNS` (linux/sockios.h; not in linux-raw-sys): the network
/// namespace of the socket `fd`.
pub fn socket_netns(fd: impl AsFd) -> Result<OwnedFd, Errno> {
    new_fd(fd, 0x894c)
}

/// `PIDFD_GET_MNT_NAMESPACE` (linux/pidfd.h, Linux 6.11): the mount
/// namespace of the process of the pidfd `fd`.
pub fn pidfd_mnt_ns(fd: impl AsFd) -> Result<OwnedFd, Errno> {
    new_fd(fd, 0xff03)
}

/// `NS_GET_NSTYPE`: the `CLONE_NEW*` flag of the namespace of `fd`.
pub fn nstype(fd: impl AsFd) -> Result<u32, Errno> {
    call(fd, k::NS_GET_NSTYPE, core::ptr::null_mut()).map(|t| t as u32)
}

/// `NS_GET_OWNER_UID`: the uid that created a user namespace.
pub fn owner_uid(fd: impl AsFd) -> Result<u32, Errno> {
    let mut uid: u32 = 0;
    call(fd, k::NS_GET_OWNER_UID, (&raw mut uid).cast())?;
    Ok(uid)
}

/// The kernel's `uid_t` is 4 bytes on both targets.
const _: () = assert!(core::mem::size_of::<linux_raw_sys::general::__kernel_uid32_t>() == 4);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_namespaces() {
        let f = std::fs::File::open("/proc/self/ns/uts").unwrap();
        match nstype(&f) {
            Err(Errno::NOTTY) => return, // qemu-user
            r => assert_eq!(r, Ok(linux_raw_sys::general::CLONE_NEWUTS)),
        }
        let u = userns(&f).unwrap();
        assert_eq!(nstype(&u), Ok(linux_raw_sys::general::CLONE_NEWUSER));
        assert!(parent(&f).is_err()); // uts is not hierarchical
        let _ = owner_uid(&u).unwrap();
        assert!(owner_uid(&f).is_err());
    }
}
