//! `listns(2)` (Linux 6.19): the IDs of every active namespace the caller
//! may see, and opening one by its ID through an nsfs file handle
//! relative to `FD_NSFS_ROOT` (Linux 6.18). Structs from the kernel's
//! uapi `linux/nsfs.h` and `linux/fcntl.h`.

use super::nsfd::NsHandle;
use super::raw::{check, nr, syscall6};
use rustix::fd::{FromRawFd, OwnedFd};
use rustix::fs::OFlags;
use rustix::io::Errno;

/// The same number on every architecture (the unified syscall table).
const LISTNS: usize = 470;
/// The root of nsfs, as a dirfd for `open_by_handle_at`.
const FD_NSFS_ROOT: isize = -10003;
/// nsfs's file handle type.
const FILEID_NSFS: i32 = 0xf1;

/// `struct ns_id_req` (NS_ID_REQ_SIZE_VER0: 32 bytes).
#[repr(C)]
struct NsIdReq {
    size: u32,
    spare: u32,
    /// The last ID already listed (0: from the start).
    ns_id: u64,
    /// `CLONE_NEW*` types to list (0: all).
    ns_type: u32,
    spare2: u32,
    /// Only namespaces owned by this user namespace (0: any).
    user_ns_id: u64,
}

/// Fills `ids` with the IDs of the namespaces of `types` after ID `after`,
/// in ascending order; returns how many (fewer than `ids.len()`: the
/// last batch). ENOSYS before Linux 6.19.
pub fn listns(after: u64, types: u32, ids: &mut [u64]) -> Result<usize, Errno> {
    let req = NsIdReq {
        size: 32,
        spare: 0,
        ns_id: after,
        ns_type: types,
        spare2: 0,
        user_ns_id: 0,
    };
    // SAFETY: `req` is a complete ns_id_req the kernel only reads, `ids`
    // has room for the `ids.len()` u64s it may write; both outlive the call.
    let r = unsafe {
        syscall6(
            LISTNS,
            [
                (&raw const req) as usize,
                ids.as_mut_ptr() as usize,
                ids.len(),
                0,
                0,
                0,
            ],
        )
    };
    check(r)
}

/// Opens the namespace of ID `id` (as listed by [`listns`]).
pub fn open_listed(id: u64) -> Result<OwnedFd, Errno> {
    let h = NsHandle {
        handle_bytes: 16,
        handle_type: FILEID_NSFS,
        ns_id: id,
        ns_type: 0,
        ns_inum: 0,
    };
    let flags = (OFlags::RDONLY | OFlags::CLOEXEC).bits() as usize;
    // SAFETY: `h` is a complete file_handle with the 16 bytes its
    // handle_bytes announces; the kernel only reads it.
    let r = unsafe {
        syscall6(
            nr::OPEN_BY_HANDLE_AT,
            [
                FD_NSFS_ROOT as usize,
                (&raw const h) as usize,
                flags,
                0,
                0,
                0,
            ],
        )
    };
    let fd = check(r)?;
    // SAFETY: a successful open_by_handle_at returns a new fd nobody owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every listed namespace opens and is a namespace; our own network
    /// namespace is among them. Before Linux 6.19: ENOSYS.
    #[test]
    fn lists_and_opens() {
        let mut ids = [0u64; 64];
        let n = match listns(0, 0, &mut ids) {
            Err(Errno::NOSYS) => return,
            r => r.unwrap(),
        };
        assert!(n > 0);
        let me = rustix::fs::stat("/proc/self/ns/net").unwrap().st_ino;
        let mut found = false;
        let mut after = 0;
        loop {
            let n = listns(after, linux_raw_sys::general::CLONE_NEWNET, &mut ids).unwrap();
            for &id in &ids[..n] {
                if let Ok(fd) = open_listed(id) {
                    found |= rustix::fs::fstat(&fd).unwrap().st_ino == me;
                }
            }
            if n < ids.len() {
                break;
            }
            after = ids[n - 1];
        }
        assert!(
            found || !rustix::process::geteuid().is_root(),
            "own netns not listed"
        );
    }
}
