//! Process-level calls rustix does not offer safely: musl's `fork`, signal
//! dispositions (`SIG_DFL`/`SIG_IGN` only), signal masks, `personality`.

use super::raw::{check, nr, scalar, syscall6};
use rustix::io::Errno;
use rustix::process::Pid;
use std::ffi::{CStr, c_char};

unsafe extern "C" {
    fn fork() -> i32;
    fn execvp(file: *const c_char, argv: *const *const c_char) -> i32;
    fn __errno_location() -> *mut i32;
}

fn errno() -> Errno {
    // SAFETY: musl's errno location is always valid for the calling thread.
    Errno::from_raw_os_error(unsafe { *__errno_location() })
}

/// musl's `execvp`: PATH search, then execve with the current environment.
/// Much smaller than std's `Command`. Only returns on failure.
pub fn exec_path(argv: &[&CStr]) -> Errno {
    let Some(file) = argv.first() else {
        return Errno::INVAL;
    };
    let mut ptrs: Vec<*const c_char> = argv.iter().map(|a| a.as_ptr()).collect();
    ptrs.push(core::ptr::null());
    // SAFETY: `file` and every element of `ptrs` are valid NUL-terminated
    // strings borrowed for the call, and `ptrs` is NULL-terminated.
    unsafe { execvp(file.as_ptr(), ptrs.as_ptr()) };
    errno()
}

/// Like [`exec_path`], but runs `file` with `argv` (whose first element may
/// differ from `file`, e.g. `-sh` for a login shell).
pub fn exec_file(file: &CStr, argv: &[&CStr]) -> Errno {
    let mut ptrs: Vec<*const c_char> = argv.iter().map(|a| a.as_ptr()).collect();
    ptrs.push(core::ptr::null());
    // SAFETY: as in `exec_path`.
    unsafe { execvp(file.as_ptr(), ptrs.as_ptr()) };
    errno()
}

/// Result of [`fork_process`].
pub enum Forked {
    /// In the child.
    Child,
    /// In the parent, with the child's pid.
    Parent(Pid),
}

/// musl's `fork()`, which (unlike a raw clone) keeps musl's cached thread id
/// right, so a panic or `abort` in the child cannot signal the parent.
pub fn fork_process() -> Result<Forked, Errno> {
    // SAFETY: nsbox is single-threaded, so the child is a complete copy; musl's
    // fork runs its atfork handlers and fixes up the thread descriptor.
    let r = unsafe { fork() };
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

/// Kernel `struct sigaction` (same layout on x86_64 and aarch64).
#[repr(C)]
struct KSigaction {
    handler: usize,
    flags: u64,
    restorer: usize,
    mask: SigSet,
}
const _: () = assert!(core::mem::size_of::<KSigaction>() == 32);

/// Default action (`SIG_DFL`) for [`set_disposition`].
pub const SIG_DFL: usize = 0;
/// Ignore (`SIG_IGN`) for [`set_disposition`].
pub const SIG_IGN: usize = 1;

/// Sets signal `sig` to `SIG_DFL` or `SIG_IGN` (no handler functions, so no
/// restorer trampoline is needed).
pub fn set_disposition(sig: i32, disp: usize) -> Result<(), Errno> {
    assert!(disp == SIG_DFL || disp == SIG_IGN);
    let act = KSigaction {
        handler: disp,
        flags: 0,
        restorer: 0,
        mask: 0,
    };
    // SAFETY: `act` is a valid kernel sigaction; no old action is requested.
    check(unsafe {
        syscall6(
            nr::RT_SIGACTION,
            [sig as usize, &act as *const _ as usize, 0, 8, 0, 0],
        )
    })?;
    Ok(())
}

/// `_exit(code)`: ends the process at once (exit_group), running no atexit
/// handlers and flushing nothing; for forked children.
pub fn exit_now(code: i32) -> ! {
    let _ = scalar(nr::EXIT_GROUP, [code as usize, 0, 0, 0, 0, 0]);
    #[allow(clippy::empty_loop)]
    loop {}
}

/// `personality(persona)`; `0xffffffff` queries.
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
