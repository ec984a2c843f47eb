//! Directory listing without rustix's `Dir` (smaller): the one lister of
//! the applets that read a directory by raw `getdents64` (ipcrm's
//! `/dev/mqueue`, nsenter's `/proc`).

use super::raw::{check, nr, syscall6};
use core::ffi::CStr;
use rustix::fd::BorrowedFd;
use rustix::io::Errno;

/// Calls `f` with the name of each entry of the directory open at `dir`
/// (`.` and `..` included): raw `getdents64`, smaller than rustix's `Dir`.
pub fn dir_names(dir: BorrowedFd<'_>, mut f: impl FnMut(&CStr)) -> Result<(), Errno> {
    use rustix::fd::AsRawFd;
    let mut buf = [0u8; 4096];
    loop {
        let a = [
            dir.as_raw_fd() as usize,
            buf.as_mut_ptr() as usize,
            buf.len(),
            0,
            0,
            0,
        ];
        // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`.
        let n = check(unsafe { syscall6(nr::GETDENTS64, a) })?;
        if n == 0 {
            return Ok(());
        }
        // struct linux_dirent64: u64 ino, i64 off, u16 reclen, u8 type, name.
        let mut b = buf.get(..n).unwrap_or(&[]);
        while let [_, _, _, _, _, _, _, _, _, _, _, _, _, _, _, _, r0, r1, ..] = *b {
            let len = u16::from_ne_bytes([r0, r1]) as usize;
            let Some(name) = b.get(19..len) else {
                return Err(Errno::IO);
            };
            // A plain loop: from_bytes_until_nul inlines a word-wise memchr.
            let end = name.iter().position(|&c| c == 0).unwrap_or(name.len());
            if let Ok(name) = CStr::from_bytes_with_nul(name.get(..=end).unwrap_or(&[])) {
                f(name);
            }
            b = b.get(len..).unwrap_or(&[]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustix::fd::AsFd;
    use rustix::fs::OFlags;

    #[test]
    fn dir_names_lists_a_directory() {
        let fd =
            rustix::fs::open("/proc/self", OFlags::RDONLY | OFlags::DIRECTORY, 0.into()).unwrap();
        let mut names = Vec::new();
        dir_names(fd.as_fd(), |n| names.push(n.to_bytes().to_vec())).unwrap();
        for want in [&b"."[..], b"..", b"ns", b"status"] {
            assert!(names.iter().any(|n| n == want), "{want:?}");
        }
    }
}
