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

// SAFETY: the opcodes used below take either no argument or a pointer to
// what `arg` points to: a `u32` (NS_GET_OWNER_UID, uid_t) or a `u64`
// (NS_GET_ID); the output is the raw return value and reads no memory.
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
    // SAFETY: see the `Ioctl` impl: `arg` is null or a valid pointer of the
    // type `op` writes.
    unsafe { rustix::ioctl::ioctl(fd, Call { op, arg }) }
}

fn new_fd(fd: impl AsFd, op: u32) -> Result<OwnedFd, Errno> {
    let r = call(fd, op, core::ptr::null_mut())?;
    if r < 0 {
        return Err(Errno::BADF);
    }
    // SAFETY: a successful NS_GET_USERNS/NS_GET_PARENT/SIOCGSKNS/
    // PIDFD_GET_*_NAMESPACE returns a new fd
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
    new_fd(fd, pidfd_get_ns(linux_raw_sys::general::CLONE_NEWNS))
}

/// `PIDFD_GET_<KIND>_NAMESPACE` (linux/pidfd.h, Linux 6.11; not in
/// linux-raw-sys 0.12): the namespace of kind `flag` (a `CLONE_NEW*`) of the
/// process of the pidfd `fd` (its own, not the `*_FOR_CHILDREN` ones). Before
/// 6.11 (or on an anon-inode pidfd, before 6.9): ENOTTY; a kind the kernel
/// lacks: EOPNOTSUPP; a process that has exited: ESRCH.
pub fn pidfd_ns(fd: impl AsFd, flag: u32) -> Result<OwnedFd, Errno> {
    new_fd(fd, pidfd_get_ns(flag))
}

/// The opcode for kind `flag`: `_IO(PIDFS_IOCTL_MAGIC 0xFF, N)`, N as in
/// linux/pidfd.h: CGROUP 1, IPC 2, MNT 3, NET 4, PID 5 (PID_FOR_CHILDREN 6),
/// TIME 7 (TIME_FOR_CHILDREN 8), USER 9, UTS 10. `_IO` has no direction or
/// size bits on every nsbox target (the generic asm/ioctl.h). An unknown
/// flag gives 0xFF00, which no kernel knows (ENOTTY).
const fn pidfd_get_ns(flag: u32) -> u32 {
    use linux_raw_sys::general as g;
    let n = match flag {
        g::CLONE_NEWCGROUP => 1,
        g::CLONE_NEWIPC => 2,
        g::CLONE_NEWNS => 3,
        g::CLONE_NEWNET => 4,
        g::CLONE_NEWPID => 5,
        g::CLONE_NEWTIME => 7,
        g::CLONE_NEWUSER => 9,
        g::CLONE_NEWUTS => 10,
        _ => 0,
    };
    0xff00 | n
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

/// `NS_GET_ID` (linux/nsfs.h, Linux 6.18; not in linux-raw-sys 0.12:
/// `_IOR(0xb7, 0xd, __u64)` in the generic asm/ioctl.h every nsbox target
/// uses): the namespace's 64-bit ID, the one `listns` and nsfs file handles
/// name.
pub fn ns_id(fd: impl AsFd) -> Result<u64, Errno> {
    const NS_GET_ID: u32 = 2 << 30 | 8 << 16 | 0xb7 << 8 | 0xd;
    let mut id: u64 = 0;
    call(fd, NS_GET_ID, (&raw mut id).cast())?;
    Ok(id)
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

    #[test]
    fn pidfd_namespaces_are_ours() {
        use linux_raw_sys::general as g;
        let me = rustix::process::getpid();
        // No pidfd_open (before 5.3): nothing to ask.
        let Ok(p) = rustix::process::pidfd_open(me, rustix::process::PidfdFlags::empty()) else {
            return;
        };
        for (name, flag) in [
            ("cgroup", g::CLONE_NEWCGROUP),
            ("ipc", g::CLONE_NEWIPC),
            ("mnt", g::CLONE_NEWNS),
            ("net", g::CLONE_NEWNET),
            ("pid", g::CLONE_NEWPID),
            ("time", g::CLONE_NEWTIME),
            ("user", g::CLONE_NEWUSER),
            ("uts", g::CLONE_NEWUTS),
        ] {
            let ns = match pidfd_ns(&p, flag) {
                // Before 6.11 (and under qemu-user); a kind this kernel lacks.
                Err(Errno::NOTTY | Errno::OPNOTSUPP) => continue,
                r => r.unwrap(),
            };
            let a = rustix::fs::fstat(&ns).unwrap();
            let b = rustix::fs::stat(format!("/proc/self/ns/{name}")).unwrap();
            assert_eq!((a.st_dev, a.st_ino), (b.st_dev, b.st_ino), "{name}");
        }
        assert_eq!(pidfd_ns(&p, 0).err(), Some(Errno::NOTTY));
    }
}
