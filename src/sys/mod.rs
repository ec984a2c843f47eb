//! The raw-syscall layer: everything rustix does not cover, and the only home
//! of `unsafe` in nsbox besides `pre_exec` closures in the tests. It imports
//! nothing above it.
//!
//! * [`raw`]: syscall entry per architecture (`syscall`, `svc 0`, `ecall`,
//!   `int $0x80`), numbers from linux-raw-sys, errno mapping to
//!   [`rustix::io::Errno`].
//! * [`entry`]: the C `main` that `c_main!` defines (no std runtime: std's
//!   `lang_start` costs 13 syscalls per exec) and [`Argv`].
//! * [`alloc`]: the heap, a static arena then mmap (no allocation syscall on
//!   most runs).
//! * [`proc`]: `fork` (musl's `_Fork`, glibc's `fork`), signal dispositions
//!   and masks with our own `rt_sigreturn` restorer, `personality`, environ.
//! * [`ipc`]: SysV IPC and POSIX mqueue syscalls and the kernel's structs per
//!   architecture, with compile-time size and offset checks.
//! * [`listns`]: `listns` (Linux 6.19) and opening a listed namespace by
//!   its ID.
//! * [`nsfd`]: `setns` with flag sets, pidfd signals and liveness, nsfs file
//!   handles.
//! * [`nsioctl`]: the nsfs and pidfd namespace ioctls.
//! * [`unshare`]: unshare(2), the signal-forwarding handler, the parent death
//!   signal, a zero-timeout `ppoll`.
//! * [`tty`]: the terminal's width.

#![allow(unsafe_code)]

pub mod alloc;
pub mod dir;
pub mod entry;
// The complete SysV/mq ABI surface is kept and unit-tested on every target,
// though the applets use only part of it.
#[allow(dead_code)]
pub mod ipc;
pub mod listns;
pub mod nsfd;
pub mod nsioctl;
pub mod proc;
pub mod raw;
pub mod tty;
pub mod unshare;

pub use entry::Argv;
