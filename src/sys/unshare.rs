//! What `unshare` needs beyond rustix: a SIGTERM/SIGINT forwarding handler
//! (raw rt_sigaction with musl's `__restore_rt` as the SA_RESTORER
//! trampoline), the parent death signal for any signal number (rustix's
//! typed `Signal` cannot name real-time ones), a zero-timeout `ppoll` on a
//! pidfd, replacing the environment, and unshare(2) itself.

use super::raw::{check, scalar, syscall6};
use rustix::fd::{AsRawFd, BorrowedFd};
use rustix::io::Errno;
use std::ffi::{CString, c_char, c_int};
use std::sync::atomic::{AtomicI32, Ordering};

#[cfg(target_arch = "x86_64")]
mod nr {
    pub const IOCTL: usize = 16;
    pub const KILL: usize = 62;
    pub const PRCTL: usize = 157;
    pub const PPOLL: usize = 271;
}
#[cfg(target_arch = "aarch64")]
mod nr {
    pub const IOCTL: usize = 29;
    pub const KILL: usize = 129;
    pub const PRCTL: usize = 167;
    pub const PPOLL: usize = 73;
}

unsafe extern "C" {
    /// musl's signal-return trampoline (`rt_sigreturn`), for SA_RESTORER.
    fn __restore_rt();
    static mut environ: *const *const c_char;
}

/// Kernel `struct sigaction` (same layout on x86_64 and aarch64).
#[repr(C)]
struct KSigaction {
    handler: usize,
    flags: u64,
    restorer: usize,
    mask: u64,
}
const _: () = assert!(core::mem::size_of::<KSigaction>() == 32);

/// The pid SIGTERM/SIGINT are forwarded to (0: none yet, so dropped).
static FORWARD_TO: AtomicI32 = AtomicI32::new(0);

extern "C" fn forward(sig: c_int) {
    let pid = FORWARD_TO.load(Ordering::Relaxed);
    if pid > 0 {
        // kill(2) is async-signal-safe; the result cannot be reported here.
        let _ = scalar(nr::KILL, [pid as usize, sig as usize, 0, 0, 0, 0]);
    }
}

/// Installs the forwarding handler (SA_RESTART) for SIGTERM and SIGINT.
/// Signals arriving before [`forward_to`] names the child are dropped, so
/// callers keep both blocked until then.
pub fn install_forwarder() -> Result<(), c_int> {
    let act = KSigaction {
        handler: forward as extern "C" fn(c_int) as usize,
        flags: 0x1000_0000 | 0x0400_0000, // SA_RESTART | SA_RESTORER
        restorer: __restore_rt as unsafe extern "C" fn() as usize,
        mask: 0,
    };
    for sig in [15, 2] {
        // SAFETY: `act` is a valid kernel sigaction whose handler only reads
        // an atomic and makes a raw syscall (async-signal-safe), and whose
        // restorer is musl's rt_sigreturn trampoline.
        let r = unsafe {
            syscall6(
                super::raw::nr::RT_SIGACTION,
                [sig as usize, &act as *const KSigaction as usize, 0, 8, 0, 0],
            )
        };
        check(r).map_err(|_| sig)?;
    }
    Ok(())
}

/// Names the process the forwarding handler sends to.
pub fn forward_to(pid: i32) {
    FORWARD_TO.store(pid, Ordering::Relaxed);
}

/// `prctl(PR_SET_PDEATHSIG, sig)`.
pub fn set_pdeathsig(sig: i32) -> Result<(), Errno> {
    scalar(nr::PRCTL, [1, sig as usize, 0, 0, 0, 0]).map(drop)
}

/// `ppoll` with a zero timeout: is `fd` readable (a pidfd: has the process
/// exited) right now?
pub fn readable_now(fd: BorrowedFd<'_>) -> Result<bool, Errno> {
    #[repr(C)]
    struct PollFd {
        fd: i32,
        events: i16,
        revents: i16,
    }
    const _: () = assert!(core::mem::size_of::<PollFd>() == 8);
    let mut p = PollFd {
        fd: fd.as_raw_fd(),
        events: 1, // POLLIN
        revents: 0,
    };
    let zero = [0i64; 2]; // struct timespec {0, 0}
    const _: () = assert!(core::mem::size_of::<[i64; 2]>() == 16);
    // SAFETY: one live pollfd, a live timespec, no signal mask.
    let n = check(unsafe {
        syscall6(
            nr::PPOLL,
            [
                &mut p as *mut PollFd as usize,
                1,
                zero.as_ptr() as usize,
                0,
                0,
                0,
            ],
        )
    })?;
    Ok(n > 0)
}

/// Replaces the environment the next exec passes on (musl's `environ`).
pub fn set_environ(vars: Vec<CString>) {
    let mut ptrs: Vec<*const c_char> = vars.iter().map(|v| v.as_ptr()).collect();
    ptrs.push(core::ptr::null());
    // The strings and the array must live until exec: leak them.
    let p = Box::leak(ptrs.into_boxed_slice()).as_ptr();
    core::mem::forget(vars);
    // SAFETY: single-threaded; nothing holds pointers into the old environ,
    // and the new one is a NULL-terminated array of live C strings.
    unsafe { environ = p };
}

/// `unshare(2)` with `CLONE_NEW*` flags only.
pub fn unshare(flags: u32) -> Result<(), Errno> {
    let f = rustix::thread::UnshareFlags::from_bits_retain(flags & !CLONE_FILES);
    // SAFETY: unshare_unsafe is unsafe only because CLONE_FILES could
    // invalidate fds other code holds; that flag is masked out.
    unsafe { rustix::thread::unshare_unsafe(f) }
}

const CLONE_FILES: u32 = 0x400;
