//! What `unshare` needs beyond rustix: a SIGTERM/SIGINT forwarding handler,
//! the parent death signal for any signal number (rustix's typed `Signal`
//! cannot name real-time ones), a zero-timeout `ppoll` on a pidfd, and
//! unshare(2) itself.

use super::raw::{check, nr, scalar, syscall6};
use rustix::fd::{AsRawFd, BorrowedFd};
use rustix::io::Errno;
use std::ffi::c_int;
use std::sync::atomic::{AtomicI32, Ordering};

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
        super::proc::set_handler(sig, forward).map_err(|_| sig)?;
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
    let zero = [0i64; 2]; // struct __kernel_timespec {0, 0} (ppoll_time64 on 32-bit)
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

/// `unshare(2)` with `CLONE_NEW*` flags only.
pub fn unshare(flags: u32) -> Result<(), Errno> {
    let f = rustix::thread::UnshareFlags::from_bits_retain(flags & !CLONE_FILES);
    // SAFETY: unshare_unsafe is unsafe only because CLONE_FILES could
    // invalidate fds other code holds; that flag is masked out.
    unsafe { rustix::thread::unshare_unsafe(f) }
}

const CLONE_FILES: u32 = 0x400;
