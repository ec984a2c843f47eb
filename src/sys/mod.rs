//! The raw-syscall layer: everything rustix does not cover, and the only home
//! of `unsafe` in nsbox besides `pre_exec` closures.
//!
//! * [`raw`]: `syscall`/`svc 0` entry, errno mapping to [`rustix::io::Errno`].
//! * [`entry`]: the C `main` (no std runtime: 9 fewer syscalls per exec) and argv.
//! * [`proc`]: musl `fork`, signal dispositions and masks, `personality`.
//! * [`ipc`]: SysV IPC and POSIX mqueue syscalls and their kernel structs.
//! * [`listns`]: `listns` and opening a listed namespace by its ID.
//! * [`nsfd`]: `setns` with flag sets, nsfs/socket ioctls, pidfd liveness, environ.

pub mod alloc;
pub mod entry;
// The complete SysV/mq ABI surface is kept and unit-tested on both arches,
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
