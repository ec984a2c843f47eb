//! Process-level calls rustix does not offer safely: the C library's `fork`, signal
//! dispositions (`SIG_DFL`/`SIG_IGN` only), signal masks, `personality`.

use super::raw::{check, nr, scalar, syscall6};
use rustix::io::Errno;
use rustix::process::Pid;
use std::ffi::{CStr, c_char, c_int};

unsafe extern "C" {
    /// musl's environment, read by `getenv` and `execvp`.
    static mut environ: *const *const c_char;
    /// musl's `_Fork`; glibc's `fork` (see [`fork_process`]).
    #[cfg_attr(target_env = "musl", link_name = "_Fork")]
    #[cfg_attr(not(target_env = "musl"), link_name = "fork")]
    fn c_fork() -> i32;
    #[link_name = "execvp"]
    fn c_execvp(file: *const c_char, argv: *const *const c_char) -> i32;
    fn __errno_location() -> *mut i32;
    /// `unsigned long getauxval(unsigned long)`: `c_ulong` is `usize` on
    /// every Linux target.
    fn getauxval(kind: usize) -> usize;
}

/// The page size, from the aux vector (rustix's `page_size` goes through
/// musl's much bigger `sysconf`).
pub fn page_size() -> u64 {
    const AT_PAGESZ: usize = 6;
    // SAFETY: getauxval only reads the aux vector musl saved at startup.
    match unsafe { getauxval(AT_PAGESZ) } {
        0 => 4096,
        n => n as u64,
    }
}

/// `getenv(name)`: the value of `name`, if set (never for an empty name or
/// one with `=`, as musl). Much smaller than `std::env::var_os`. The value is
/// copied, so a later [`set_environ`] cannot invalidate it.
pub fn env(name: &[u8]) -> Option<std::ffi::OsString> {
    use std::os::unix::ffi::OsStrExt;
    if name.is_empty() || name.contains(&b'=') {
        return None;
    }
    // SAFETY: nsbox is single-threaded, so `environ` does not change while
    // we read it; it is NULL or a NULL-terminated array of NUL-terminated
    // strings.
    let mut p = unsafe { environ };
    while !p.is_null() {
        // SAFETY: `p` points into that array, before or at its NULL end.
        let e = unsafe { *p };
        if e.is_null() {
            break;
        }
        // SAFETY: a non-null entry is a NUL-terminated string.
        let s = unsafe { CStr::from_ptr(e) }.to_bytes();
        if let Some(v) = s.strip_prefix(name).and_then(|r| r.strip_prefix(b"=")) {
            return Some(std::ffi::OsStr::from_bytes(v).to_owned());
        }
        p = p.wrapping_add(1);
    }
    None
}

fn errno() -> Errno {
    // SAFETY: musl's errno location is always valid for the calling thread.
    Errno::from_raw_os_error(unsafe { *__errno_location() })
}

/// musl's `execvp(file, argv)`: PATH search, then execve with the current
/// environment. Much smaller than std's `Command`. Only returns on failure
/// (EINVAL when a string holds a NUL byte). `argv[0]` may differ from
/// `file` (`-sh` for a login shell).
pub fn execvp(file: &[u8], argv: &[&[u8]]) -> Errno {
    // All strings NUL-terminated in one buffer, then pointers into it.
    let mut buf = Vec::new();
    let mut at = Vec::new();
    for s in core::iter::once(&file).chain(argv) {
        if s.contains(&0) {
            return Errno::INVAL;
        }
        at.push(buf.len());
        buf.extend_from_slice(s);
        buf.push(0);
    }
    let base = buf.as_ptr() as *const c_char;
    let mut ptrs: Vec<*const c_char> = at.iter().map(|&o| base.wrapping_add(o)).collect();
    ptrs.push(core::ptr::null());
    // SAFETY: every pointer points at a NUL-terminated string inside `buf`,
    // which outlives the call; `ptrs` is NULL-terminated after argv.
    unsafe { c_execvp(ptrs[0], ptrs[1..].as_ptr()) };
    errno()
}

/// Result of [`fork_process`].
pub enum Forked {
    /// In the child.
    Child,
    /// In the parent, with the child's pid.
    Parent(Pid),
}

/// Forks through the C library, which (unlike a raw clone) keeps its cached
/// thread id right, so a panic or `abort` in the child cannot signal the
/// parent.
///
/// With musl (the product) this is `_Fork()` (POSIX 2024): unlike `fork()`
/// it runs no atfork handlers and takes none of stdio's, malloc's or the
/// thread list's locks; nsbox is single-threaded and uses neither musl's
/// stdio nor its malloc, and that machinery (with the rwlock, futex-wait
/// and vDSO clock code it pulls in) stays out. With glibc (a developer's
/// host build) it is plain `fork()`, which every glibc has (`_Fork` needs
/// 2.34); its cost there does not matter.
pub fn fork_process() -> Result<Forked, Errno> {
    // SAFETY: nsbox is single-threaded, so the child is a complete copy;
    // the C library's fork fixes up the thread descriptor (tid, robust list).
    let r = unsafe { c_fork() };
    match r {
        0 => Ok(Forked::Child),
        p if p > 0 => Ok(Forked::Parent(Pid::from_raw(p).expect("positive pid"))),
        _ => Err(errno()),
    }
}

/// A signal set as the kernel sees it (64 bits on both arches).
pub type SigSet = u64;

/// The bit of signal `sig` in a [`SigSet`].
pub const fn sigbit(sig: i32) -> SigSet {
    1 << (sig - 1)
}

/// `rt_sigprocmask(how, set)`; returns the old mask. `how`: 0 block, 1 unblock, 2 set.
pub fn sigprocmask(how: usize, set: SigSet) -> Result<SigSet, Errno> {
    let mut old: SigSet = 0;
    // SAFETY: both pointers reference live u64s, the size passed is 8.
    check(unsafe {
        syscall6(
            nr::RT_SIGPROCMASK,
            [
                how,
                &set as *const SigSet as usize,
                &mut old as *mut SigSet as usize,
                8,
                0,
                0,
            ],
        )
    })?;
    Ok(old)
}

/// Kernel `struct sigaction` (include/linux/signal_types.h, the layout
/// `rt_sigaction` reads): handler, flags, restorer where the architecture
/// has `SA_RESTORER`, and the 64-bit mask (`unsigned long[64 / BITS]`, so
/// only 4-aligned on 32-bit targets: two `u32` halves there).
#[repr(C)]
struct KSigaction {
    handler: usize,
    flags: usize,
    #[cfg(not(target_arch = "riscv64"))]
    restorer: usize,
    mask: [u32; 2],
}
#[cfg(all(target_pointer_width = "64", not(target_arch = "riscv64")))]
const _: () = assert!(core::mem::size_of::<KSigaction>() == 32);
// riscv64: no sa_restorer (arch/riscv has no SA_RESTORER).
#[cfg(all(target_pointer_width = "64", target_arch = "riscv64"))]
const _: () = assert!(core::mem::size_of::<KSigaction>() == 24);
#[cfg(target_pointer_width = "32")]
const _: () = assert!(core::mem::size_of::<KSigaction>() == 20);

/// Default action (`SIG_DFL`) for [`set_disposition`].
pub const SIG_DFL: usize = 0;
/// Ignore (`SIG_IGN`) for [`set_disposition`].
#[allow(dead_code)]
pub const SIG_IGN: usize = 1;

/// Sets signal `sig` to `SIG_DFL` or `SIG_IGN`.
pub fn set_disposition(sig: i32, disp: usize) -> Result<(), Errno> {
    let act = KSigaction {
        handler: disp & 1,
        flags: 0,
        #[cfg(not(target_arch = "riscv64"))]
        restorer: 0,
        mask: [0; 2],
    };
    sigaction(sig, &act)
}

/// Installs `handler` for `sig` with SA_RESTART. The handler must be
/// async-signal-safe (atomics and raw syscalls only).
pub fn set_handler(sig: i32, handler: extern "C" fn(c_int)) -> Result<(), Errno> {
    // SA_SIGINFO: on armv7 and i686 a handler without it gets the old
    // (non-rt) signal frame, which only `sigreturn` unwinds (musl picks
    // `__restore` or `__restore_rt` by this flag); with it every target gets
    // the rt frame `restore_rt` is for. The handler takes one argument and
    // ignores the siginfo and context the C ABI passes after it.
    const SA_SIGINFO: usize = 4;
    const SA_RESTART: usize = 0x1000_0000;
    #[cfg(not(target_arch = "riscv64"))]
    const SA_RESTORER: usize = 0x0400_0000;
    #[cfg(target_arch = "riscv64")]
    const SA_RESTORER: usize = 0;
    let act = KSigaction {
        handler: handler as usize,
        flags: SA_SIGINFO | SA_RESTART | SA_RESTORER,
        #[cfg(not(target_arch = "riscv64"))]
        restorer: restore_rt as *const () as usize,
        mask: [0; 2],
    };
    sigaction(sig, &act)
}

/// The signal-return trampoline a handler returns into (SA_RESTORER): it
/// calls `rt_sigreturn`, which restores the interrupted context the kernel
/// saved on the stack. nsbox has its own because the C libraries' are
/// private (`__restore_rt` is global in musl only, hidden in glibc).
#[cfg(target_arch = "x86_64")]
#[unsafe(naked)]
extern "C" fn restore_rt() {
    // SAFETY: entered only by the kernel's return from a signal handler, with
    // the signal frame on the stack; rt_sigreturn (15) never returns here.
    core::arch::naked_asm!("mov eax, 15", "syscall", "ud2")
}

/// See the x86_64 version; aarch64's kernel needs SA_RESTORER too when it
/// is set, and `rt_sigreturn` is 139 there.
#[cfg(target_arch = "aarch64")]
#[unsafe(naked)]
extern "C" fn restore_rt() {
    // SAFETY: as on x86_64: only the kernel enters here, on the signal frame.
    core::arch::naked_asm!("mov x8, #139", "svc #0", "brk #0")
}

/// See the x86_64 version (musl's arm `__restore_rt` is the same two
/// instructions): `rt_sigreturn` is 173 on arm EABI. A32 code, as the
/// armv7 target generates, so the kernel returns into it in ARM state.
#[cfg(target_arch = "arm")]
#[unsafe(naked)]
extern "C" fn restore_rt() {
    // SAFETY: as on x86_64: only the kernel enters here, on the signal frame.
    core::arch::naked_asm!("mov r7, #173", "svc #0", "udf #0")
}

/// See the x86_64 version: `rt_sigreturn` is 173 on i386, through `int
/// $0x80` (musl's i386 `__restore_rt` is the same). The kernel would fall
/// back to the vDSO's `__kernel_rt_sigreturn` without SA_RESTORER, but an
/// own restorer keeps i686 like the others.
#[cfg(target_arch = "x86")]
#[unsafe(naked)]
extern "C" fn restore_rt() {
    // SAFETY: as on x86_64: only the kernel enters here, on the signal frame.
    core::arch::naked_asm!("mov eax, 173", "int 0x80", "ud2")
}

// riscv64 has no SA_RESTORER: the kernel always returns from a handler
// through the vDSO's `__vdso_rt_sigreturn` (qemu-user through its own
// trampoline), so there is no restorer to provide.

fn sigaction(sig: i32, act: &KSigaction) -> Result<(), Errno> {
    // SAFETY: `act` is a valid kernel sigaction: SIG_DFL/SIG_IGN, or a
    // handler with nsbox's rt_sigreturn trampoline as restorer; no old action
    // is requested.
    check(unsafe {
        syscall6(
            nr::RT_SIGACTION,
            [sig as usize, act as *const KSigaction as usize, 0, 8, 0, 0],
        )
    })?;
    Ok(())
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

/// `_exit(code)`: ends the process at once (exit_group), running no atexit
/// handlers and flushing nothing; for forked children.
pub fn exit_now(code: i32) -> ! {
    let _ = scalar(nr::EXIT_GROUP, [code as usize, 0, 0, 0, 0, 0]);
    #[allow(clippy::empty_loop)]
    loop {}
}

/// `personality(persona)`; `0xffffffff` queries.
#[allow(dead_code)] // setarch-style options are not exposed yet; unit-tested on both arches
pub fn personality(persona: u32) -> Result<u32, Errno> {
    scalar(nr::PERSONALITY, [persona as usize, 0, 0, 0, 0, 0]).map(|v| v as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personality_query() {
        // PER_LINUX, possibly with flags such as ADDR_NO_RANDOMIZE under gdb.
        assert_eq!(personality(0xffff_ffff).unwrap() & 0xff, 0);
    }

    #[test]
    fn sigprocmask_roundtrip() {
        let usr2 = sigbit(12);
        let old = sigprocmask(0, usr2).unwrap();
        let now = sigprocmask(0, 0).unwrap();
        assert!(now & usr2 != 0);
        sigprocmask(2, old).unwrap();
    }

    #[test]
    fn fork_and_wait() {
        match fork_process().unwrap() {
            Forked::Child => exit_now(7),
            Forked::Parent(pid) => {
                let st = rustix::process::waitpid(Some(pid), rustix::process::WaitOptions::empty())
                    .unwrap()
                    .unwrap();
                assert_eq!(st.1.exit_status(), Some(7));
            }
        }
    }
}
