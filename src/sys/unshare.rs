//! What `unshare` needs beyond rustix: a SIGTERM/SIGINT forwarding handler
//! (musl's `signal`, which supplies the SA_RESTORER trampoline), the parent
//! death signal for any signal number (rustix's typed `Signal` cannot name
//! real-time ones), a zero-timeout `ppoll` on a pidfd, `NS_GET_PARENT` for the
//! user-namespace nesting depth, and musl's `clearenv`/`setenv`.

use super::raw::{check, scalar, syscall6};
use rustix::fd::{AsRawFd, BorrowedFd};
use rustix::io::Errno;
use std::ffi::{CStr, c_char, c_int};
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
    fn signal(sig: c_int, handler: extern "C" fn(c_int)) -> isize;
    fn clearenv() -> c_int;
    fn setenv(name: *const c_char, value: *const c_char, overwrite: c_int) -> c_int;
}

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
    for sig in [15, 2] {
        // SAFETY: `forward` only reads an atomic and makes a raw syscall,
        // both async-signal-safe.
        if unsafe { signal(sig, forward) } == -1 {
            return Err(sig);
        }
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

/// Empties the environment (musl's `clearenv`).
pub fn clear_env() {
    // SAFETY: nsbox is single-threaded; nothing holds pointers into environ.
    unsafe { clearenv() };
}

/// `setenv(name, value, 1)`.
pub fn set_env(name: &CStr, value: &CStr) {
    // SAFETY: both are valid C strings; single-threaded (see `clear_env`).
    unsafe { setenv(name.as_ptr(), value.as_ptr(), 1) };
}

/// `unshare(2)` with `CLONE_NEW*` flags only.
pub fn unshare(flags: u32) -> Result<(), Errno> {
    let f = rustix::thread::UnshareFlags::from_bits_retain(flags & !CLONE_FILES);
    // SAFETY: unshare_unsafe is unsafe only because CLONE_FILES could
    // invalidate fds other code holds; that flag is masked out.
    unsafe { rustix::thread::unshare_unsafe(f) }
}

const CLONE_FILES: u32 = 0x400;
