//! Raw Linux system calls through inline assembly, for the calls rustix lacks
//! (SysV IPC, mq_*, personality, ...). Returns are mapped to rustix's `Errno`.

use rustix::io::Errno;

/// Syscall numbers rustix does not expose, per architecture.
#[cfg(target_arch = "x86_64")]
#[allow(dead_code)] // the table is complete per arch; not every call is used
pub mod nr {
    pub const PERSONALITY: usize = 135;
    pub const EXIT_GROUP: usize = 231;
    pub const MMAP: usize = 9;
    pub const IOCTL: usize = 16;
    pub const KILL: usize = 62;
    pub const PRCTL: usize = 157;
    pub const PPOLL: usize = 271;
    pub const SETNS: usize = 308;
    pub const PIDFD_SEND_SIGNAL: usize = 424;
    pub const NAME_TO_HANDLE_AT: usize = 303;
    pub const OPEN_BY_HANDLE_AT: usize = 304;
    pub const RT_SIGACTION: usize = 13;
    pub const RT_SIGPROCMASK: usize = 14;
    pub const GETPID: usize = 39;
    pub const MSGGET: usize = 68;
    pub const MSGCTL: usize = 71;
    pub const MSGSND: usize = 69;
    pub const MSGRCV: usize = 70;
    pub const SEMGET: usize = 64;
    pub const SEMCTL: usize = 66;
    pub const SEMOP: usize = 65;
    pub const SHMGET: usize = 29;
    pub const SHMCTL: usize = 31;
    pub const SHMAT: usize = 30;
    pub const SHMDT: usize = 67;
    pub const MQ_OPEN: usize = 240;
    pub const MQ_UNLINK: usize = 241;
    pub const MQ_GETSETATTR: usize = 245;
}

/// Syscall numbers rustix does not expose, per architecture.
#[cfg(target_arch = "aarch64")]
#[allow(dead_code)] // the table is complete per arch; not every call is used
pub mod nr {
    pub const PERSONALITY: usize = 92;
    pub const EXIT_GROUP: usize = 94;
    pub const MMAP: usize = 222;
    pub const IOCTL: usize = 29;
    pub const KILL: usize = 129;
    pub const PRCTL: usize = 167;
    pub const PPOLL: usize = 73;
    pub const SETNS: usize = 268;
    pub const PIDFD_SEND_SIGNAL: usize = 424;
    pub const NAME_TO_HANDLE_AT: usize = 264;
    pub const OPEN_BY_HANDLE_AT: usize = 265;
    pub const RT_SIGACTION: usize = 134;
    pub const RT_SIGPROCMASK: usize = 135;
    pub const GETPID: usize = 172;
    pub const MSGGET: usize = 186;
    pub const MSGCTL: usize = 187;
    pub const MSGSND: usize = 189;
    pub const MSGRCV: usize = 188;
    pub const SEMGET: usize = 190;
    pub const SEMCTL: usize = 191;
    pub const SEMOP: usize = 193;
    pub const SHMGET: usize = 194;
    pub const SHMCTL: usize = 195;
    pub const SHMAT: usize = 196;
    pub const SHMDT: usize = 197;
    pub const MQ_OPEN: usize = 180;
    pub const MQ_UNLINK: usize = 181;
    pub const MQ_GETSETATTR: usize = 185;
}

/// Issues system call `n` with six arguments and returns the raw result.
///
/// # Safety
/// The caller guarantees that the arguments are valid for syscall `n`
/// (pointers point to memory of the size the kernel will read or write).
#[cfg(target_arch = "x86_64")]
#[inline]
pub unsafe fn syscall6(n: usize, a: [usize; 6]) -> isize {
    let ret: isize;
    // SAFETY: the `syscall` instruction clobbers only rcx and r11; the caller
    // vouches for the arguments.
    unsafe {
        core::arch::asm!("syscall",
            inlateout("rax") n as isize => ret,
            in("rdi") a[0], in("rsi") a[1], in("rdx") a[2],
            in("r10") a[3], in("r8") a[4], in("r9") a[5],
            lateout("rcx") _, lateout("r11") _,
            options(nostack, preserves_flags));
    }
    ret
}

/// Issues system call `n` with six arguments and returns the raw result.
///
/// # Safety
/// The caller guarantees that the arguments are valid for syscall `n`
/// (pointers point to memory of the size the kernel will read or write).
#[cfg(target_arch = "aarch64")]
#[inline]
pub unsafe fn syscall6(n: usize, a: [usize; 6]) -> isize {
    let ret: isize;
    // SAFETY: `svc 0` clobbers nothing but x0 on aarch64; the caller vouches
    // for the arguments.
    unsafe {
        core::arch::asm!("svc 0",
            in("x8") n,
            inlateout("x0") a[0] as isize => ret,
            in("x1") a[1], in("x2") a[2], in("x3") a[3], in("x4") a[4], in("x5") a[5],
            options(nostack, preserves_flags));
    }
    ret
}

/// Maps a raw syscall return to `Ok(value)` or the `Errno` in -4095..=-1.
#[inline]
pub fn check(ret: isize) -> Result<usize, Errno> {
    if (-4095..0).contains(&ret) {
        Err(Errno::from_raw_os_error(-ret as i32))
    } else {
        Ok(ret as usize)
    }
}

/// A syscall whose arguments are all plain integers (no pointers).
pub fn scalar(n: usize, a: [usize; 6]) -> Result<usize, Errno> {
    // SAFETY: only used for syscalls whose arguments are integers, so the
    // kernel dereferences no user memory on our behalf.
    check(unsafe { syscall6(n, a) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn getpid_matches_rustix() {
        let pid = scalar(nr::GETPID, [0; 6]).unwrap();
        assert_eq!(pid as i32, rustix::process::getpid().as_raw_nonzero().get());
    }

    #[test]
    fn errno_is_mapped() {
        // msgctl on an id that cannot exist: EINVAL, never a bogus success.
        assert_eq!(
            scalar(nr::MSGCTL, [usize::MAX >> 1, 0x7fff, 0, 0, 0, 0]),
            Err(Errno::INVAL)
        );
        assert_eq!(check(-2), Err(Errno::NOENT));
        assert_eq!(check(-4096), Ok((-4096isize) as usize));
        assert_eq!(check(7), Ok(7));
    }
}
