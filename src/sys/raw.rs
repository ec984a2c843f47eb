//! Raw Linux system calls through inline assembly, for the calls rustix lacks
//! (SysV IPC, mq_*, personality, ...). Returns are mapped to rustix's `Errno`.

use rustix::io::Errno;

/// Syscall numbers rustix does not expose, from linux-raw-sys (the kernel's
/// own `asm/unistd*.h`, per architecture).
pub mod nr {
    use linux_raw_sys::general as g;
    pub const PERSONALITY: usize = g::__NR_personality as usize;
    pub const EXIT_GROUP: usize = g::__NR_exit_group as usize;
    /// `mmap` with a byte offset (64-bit) or `mmap2` with a page offset
    /// (32-bit: i686's `__NR_mmap` is the old one-struct-argument call, and
    /// armv7 has only `mmap2`). nsbox maps only anonymous memory at offset 0.
    #[cfg(target_pointer_width = "64")]
    pub const MMAP: usize = g::__NR_mmap as usize;
    #[cfg(target_pointer_width = "32")]
    pub const MMAP: usize = g::__NR_mmap2 as usize;
    pub const KILL: usize = g::__NR_kill as usize;
    pub const PRCTL: usize = g::__NR_prctl as usize;
    /// `ppoll` with a 64-bit `struct timespec`: `ppoll_time64` on the 32-bit
    /// targets (Linux 5.1; their plain `ppoll` takes a 32-bit one).
    #[cfg(target_pointer_width = "64")]
    pub const PPOLL: usize = g::__NR_ppoll as usize;
    #[cfg(target_pointer_width = "32")]
    pub const PPOLL: usize = g::__NR_ppoll_time64 as usize;
    pub const SETNS: usize = g::__NR_setns as usize;
    pub const PIDFD_SEND_SIGNAL: usize = g::__NR_pidfd_send_signal as usize;
    pub const NAME_TO_HANDLE_AT: usize = g::__NR_name_to_handle_at as usize;
    pub const OPEN_BY_HANDLE_AT: usize = g::__NR_open_by_handle_at as usize;
    pub const RT_SIGACTION: usize = g::__NR_rt_sigaction as usize;
    pub const RT_SIGPROCMASK: usize = g::__NR_rt_sigprocmask as usize;
    #[cfg(test)]
    pub const GETPID: usize = g::__NR_getpid as usize;
    /// The direct SysV IPC calls. On i686 they exist since Linux 5.1 (before,
    /// only the `ipc(2)` multiplexer); there nsbox's IPC calls fail with
    /// ENOSYS ("Function not implemented") on older kernels. (armv7 has had
    /// them always, as the old-style ctl calls: see `ipc::IPC_64`.)
    pub const MSGGET: usize = g::__NR_msgget as usize;
    pub const MSGCTL: usize = g::__NR_msgctl as usize;
    pub const SEMGET: usize = g::__NR_semget as usize;
    pub const SEMCTL: usize = g::__NR_semctl as usize;
    pub const SHMGET: usize = g::__NR_shmget as usize;
    pub const SHMCTL: usize = g::__NR_shmctl as usize;
    pub const MQ_OPEN: usize = g::__NR_mq_open as usize;
    pub const MQ_UNLINK: usize = g::__NR_mq_unlink as usize;
    pub const MQ_GETSETATTR: usize = g::__NR_mq_getsetattr as usize;
    pub const GETDENTS64: usize = g::__NR_getdents64 as usize;
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

/// Issues system call `n` with six arguments and returns the raw result.
///
/// # Safety
/// The caller guarantees that the arguments are valid for syscall `n`
/// (pointers point to memory of the size the kernel will read or write).
#[cfg(target_arch = "riscv64")]
#[inline]
pub unsafe fn syscall6(n: usize, a: [usize; 6]) -> isize {
    let ret: isize;
    // SAFETY: `ecall` clobbers nothing but a0 (the result) on riscv64 Linux;
    // the caller vouches for the arguments.
    unsafe {
        core::arch::asm!("ecall",
            in("a7") n,
            inlateout("a0") a[0] as isize => ret,
            in("a1") a[1], in("a2") a[2], in("a3") a[3], in("a4") a[4], in("a5") a[5],
            options(nostack, preserves_flags));
    }
    ret
}

/// Issues system call `n` with six arguments and returns the raw result.
///
/// # Safety
/// The caller guarantees that the arguments are valid for syscall `n`
/// (pointers point to memory of the size the kernel will read or write).
#[cfg(target_arch = "arm")]
#[inline]
pub unsafe fn syscall6(n: usize, a: [usize; 6]) -> isize {
    let ret: isize;
    // SAFETY: EABI `svc 0` takes the number in r7 and clobbers nothing but
    // r0 (the result); the caller vouches for the arguments. (r7 is free in
    // A32 code, which the armv7 target generates; Thumb would reserve it.)
    unsafe {
        core::arch::asm!("svc 0",
            in("r7") n,
            inlateout("r0") a[0] as isize => ret,
            in("r1") a[1], in("r2") a[2], in("r3") a[3], in("r4") a[4], in("r5") a[5],
            options(nostack, preserves_flags));
    }
    ret
}

/// Issues system call `n` with six arguments and returns the raw result.
///
/// # Safety
/// The caller guarantees that the arguments are valid for syscall `n`
/// (pointers point to memory of the size the kernel will read or write).
#[cfg(target_arch = "x86")]
#[inline]
pub unsafe fn syscall6(n: usize, a: [usize; 6]) -> isize {
    let ret: isize;
    // `int $0x80` takes the number in eax and the arguments in ebx, ecx,
    // edx, esi, edi, ebp. LLVM reserves esi (its base pointer) and ebp (the
    // frame pointer) on i686, so the fourth and sixth arguments and the
    // number travel in memory, loaded after both registers are saved.
    let mem = [a[3], a[5], n];
    // SAFETY: `int $0x80` clobbers only eax (the result); esi and ebp are
    // restored before the block ends, and `mem` outlives it. The caller
    // vouches for the arguments.
    unsafe {
        core::arch::asm!(
            "push ebp",
            "push esi",
            "mov esi, [eax]",
            "mov ebp, [eax + 4]",
            "mov eax, [eax + 8]",
            "int 0x80",
            "pop esi",
            "pop ebp",
            inlateout("eax") mem.as_ptr() => ret,
            in("ebx") a[0], in("ecx") a[1], in("edx") a[2], in("edi") a[4],
            options(preserves_flags));
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
