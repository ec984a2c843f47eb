//! SysV IPC (msg*, shm*, sem*) and POSIX message queues (mq_*): raw
//! syscalls and the kernel structs they fill, which neither rustix nor
//! linux-raw-sys provide.
//!
//! The public structs ([`ipc64_perm`], [`msqid64_ds`], ...) are the 64-bit
//! kernel UAPI layouts, which is what the kernel writes on x86_64, aarch64
//! and riscv64. On the 32-bit targets (armv7, i686) the kernel writes the
//! 32-bit layouts of [`abi32`] (`unsigned long` fields, a 16-bit mode, and
//! each time split into `*_time`/`*_time_high` halves, so they hold 64-bit
//! times since Linux 5.1 / y2038), which the wrappers widen into the public
//! ones. Every kernel struct of every target has compile-time size and
//! offset checks against the kernel headers' values (`mod layout`).
//!
//! [`IPC_64`]: arm's `msgctl`/`semctl`/`shmctl` syscalls are the old ones
//! (`sys_old_msgctl`... in arch/arm/tools/syscall.tbl, and
//! `compat_sys_old_*` for armv7 binaries on an arm64 kernel): they pick
//! the layout from that bit of the command, and without it write the old
//! 16-bit-uid `ipc_perm` structs, so it is ORed into every ctl command
//! there. i686's direct calls (new in Linux 5.1: `sys_msgctl`... in
//! arch/x86/entry/syscalls/syscall_32.tbl) and the 64-bit targets' always
//! use the `*64_ds` layouts and take no such bit (EINVAL), so it is 0 on
//! them.

#![allow(non_camel_case_types)]

use super::raw::{check, nr, scalar, syscall6};
use rustix::fd::{BorrowedFd, FromRawFd, OwnedFd};
use rustix::io::Errno;
use std::ffi::CStr;

pub const IPC_PRIVATE: i32 = 0;
pub const IPC_CREAT: i32 = 0o1000;
pub const IPC_EXCL: i32 = 0o2000;
pub const IPC_NOWAIT: i32 = 0o4000;
pub const IPC_RMID: i32 = 0;
pub const IPC_SET: i32 = 1;
pub const IPC_STAT: i32 = 2;
pub const IPC_INFO: i32 = 3;
pub const MSG_STAT: i32 = 11;
pub const MSG_INFO: i32 = 12;
pub const MSG_STAT_ANY: i32 = 13;
pub const SHM_STAT: i32 = 13;
pub const SHM_INFO: i32 = 14;
pub const SHM_STAT_ANY: i32 = 15;
pub const SEM_STAT: i32 = 18;
pub const SEM_INFO: i32 = 19;
pub const SEM_STAT_ANY: i32 = 20;
/// semctl commands on one semaphore (integer results).
pub const GETPID: i32 = 11;
pub const GETVAL: i32 = 12;
pub const GETALL: i32 = 13;
pub const GETNCNT: i32 = 14;
pub const GETZCNT: i32 = 15;
/// `shm_perm.mode` status bits: marked for destruction, locked in memory.
pub const SHM_DEST: u32 = 0o1000;
pub const SHM_LOCKED: u32 = 0o2000;

/// The `IPC_64` command bit (include/uapi/linux/ipc.h): asks arm's old
/// ctl syscalls for the `ipc64_perm`/`*64_ds` layouts. 0 where the
/// syscalls have only those (i686 and the 64-bit targets, see the module
/// comment).
#[cfg(target_arch = "arm")]
pub const IPC_64: i32 = 0x100;
#[cfg(not(target_arch = "arm"))]
pub const IPC_64: i32 = 0;

/// `struct ipc64_perm`, 64-bit layout (include/uapi/asm-generic/ipcbuf.h
/// with a 32-bit `__kernel_mode_t`: x86_64, aarch64, riscv64).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug)]
pub struct ipc64_perm {
    pub key: i32,
    pub uid: u32,
    pub gid: u32,
    pub cuid: u32,
    pub cgid: u32,
    pub mode: u32,
    pub seq: u16,
    pub __pad2: u16,
    pub __unused1: u64,
    pub __unused2: u64,
}

/// `struct msqid64_ds`, 64-bit layout (include/uapi/asm-generic/msgbuf.h,
/// `__BITS_PER_LONG == 64`; x86's msgbuf.h uses it too).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug)]
pub struct msqid64_ds {
    pub msg_perm: ipc64_perm,
    pub msg_stime: i64,
    pub msg_rtime: i64,
    pub msg_ctime: i64,
    pub msg_cbytes: u64,
    pub msg_qnum: u64,
    pub msg_qbytes: u64,
    pub msg_lspid: i32,
    pub msg_lrpid: i32,
    pub __unused4: u64,
    pub __unused5: u64,
}

/// `struct shmid64_ds`, 64-bit layout (include/uapi/asm-generic/shmbuf.h;
/// x86's shmbuf.h uses it too).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug)]
pub struct shmid64_ds {
    pub shm_perm: ipc64_perm,
    pub shm_segsz: u64,
    pub shm_atime: i64,
    pub shm_dtime: i64,
    pub shm_ctime: i64,
    pub shm_cpid: i32,
    pub shm_lpid: i32,
    pub shm_nattch: u64,
    pub __unused4: u64,
    pub __unused5: u64,
}

/// `struct semid64_ds`, x86_64 layout (arch/x86/include/uapi/asm/sembuf.h,
/// not `__i386__`: a padding word after each time).
#[cfg(target_arch = "x86_64")]
#[repr(C)]
#[derive(Clone, Copy, Default, Debug)]
pub struct semid64_ds {
    pub sem_perm: ipc64_perm,
    pub sem_otime: i64,
    pub __unused1: u64,
    pub sem_ctime: i64,
    pub __unused2: u64,
    pub sem_nsems: u64,
    pub __unused3: u64,
    pub __unused4: u64,
}

/// `struct semid64_ds`, asm-generic 64-bit layout
/// (include/uapi/asm-generic/sembuf.h: aarch64, riscv64); the 32-bit
/// targets' kernel struct is [`abi32::semid64_ds`], widened into this.
#[cfg(not(target_arch = "x86_64"))]
#[repr(C)]
#[derive(Clone, Copy, Default, Debug)]
pub struct semid64_ds {
    pub sem_perm: ipc64_perm,
    pub sem_otime: i64,
    pub sem_ctime: i64,
    pub sem_nsems: u64,
    pub __unused3: u64,
    pub __unused4: u64,
}

/// `struct msginfo` (include/uapi/linux/msg.h; ints only, the same on every
/// target).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug)]
pub struct msginfo {
    pub msgpool: i32,
    pub msgmap: i32,
    pub msgmax: i32,
    pub msgmnb: i32,
    pub msgmni: i32,
    pub msgssz: i32,
    pub msgtql: i32,
    pub msgseg: u16,
}

/// `struct shminfo64` (shmctl IPC_INFO; include/uapi/asm-generic/shmbuf.h),
/// 64-bit layout.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug)]
pub struct shminfo64 {
    pub shmmax: u64,
    pub shmmin: u64,
    pub shmmni: u64,
    pub shmseg: u64,
    pub shmall: u64,
    pub __unused1: u64,
    pub __unused2: u64,
    pub __unused3: u64,
    pub __unused4: u64,
}

/// `struct shm_info` (shmctl SHM_INFO; include/uapi/linux/shm.h), 64-bit
/// layout.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug)]
pub struct shm_info {
    pub used_ids: i32,
    pub shm_tot: u64,
    pub shm_rss: u64,
    pub shm_swp: u64,
    pub swap_attempts: u64,
    pub swap_successes: u64,
}

/// `struct seminfo` (semctl IPC_INFO / SEM_INFO; include/uapi/linux/sem.h;
/// ints only, the same on every target).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug)]
pub struct seminfo {
    pub semmap: i32,
    pub semmni: i32,
    pub semmns: i32,
    pub semmnu: i32,
    pub semmsl: i32,
    pub semopm: i32,
    pub semume: i32,
    pub semusz: i32,
    pub semvmx: i32,
    pub semaem: i32,
}

/// `struct mq_attr` (include/uapi/linux/mqueue.h), 64-bit layout; the
/// kernel's fields are `__kernel_long_t`, 32 bits on armv7/i686
/// ([`abi32::mq_attr`]).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug)]
pub struct mq_attr {
    pub mq_flags: i64,
    pub mq_maxmsg: i64,
    pub mq_msgsize: i64,
    pub mq_curmsgs: i64,
    pub __reserved: [i64; 4],
}

/// The kernel structs of the 32-bit targets (armv7, i686), as
/// include/uapi/asm-generic/{ipcbuf,msgbuf,shmbuf,sembuf}.h define them for
/// `__BITS_PER_LONG == 32` (arm has no headers of its own for these; x86's
/// msgbuf.h/shmbuf.h take the generic ones on i386, and its sembuf.h has
/// the same fields under `__i386__`). `__kernel_mode_t` is `unsigned short`
/// on both (arch/arm/include/uapi/asm/posix_types.h,
/// arch/x86/include/uapi/asm/posix_types_32.h), hence the `__pad1` after
/// `mode`. Each `*_time` is the low half of a 64-bit time, `*_time_high`
/// the high half (Linux 5.1 and later; 0 before).
#[cfg_attr(target_pointer_width = "64", allow(dead_code))]
pub mod abi32 {
    /// `struct ipc64_perm`, 32-bit.
    #[repr(C)]
    #[derive(Clone, Copy, Default, Debug)]
    pub struct ipc64_perm {
        pub key: i32,
        pub uid: u32,
        pub gid: u32,
        pub cuid: u32,
        pub cgid: u32,
        pub mode: u16,
        pub __pad1: u16,
        pub seq: u16,
        pub __pad2: u16,
        pub __unused1: u32,
        pub __unused2: u32,
    }

    /// `struct msqid64_ds`, 32-bit.
    #[repr(C)]
    #[derive(Clone, Copy, Default, Debug)]
    pub struct msqid64_ds {
        pub msg_perm: ipc64_perm,
        pub msg_stime: u32,
        pub msg_stime_high: u32,
        pub msg_rtime: u32,
        pub msg_rtime_high: u32,
        pub msg_ctime: u32,
        pub msg_ctime_high: u32,
        pub msg_cbytes: u32,
        pub msg_qnum: u32,
        pub msg_qbytes: u32,
        pub msg_lspid: i32,
        pub msg_lrpid: i32,
        pub __unused4: u32,
        pub __unused5: u32,
    }

    /// `struct shmid64_ds`, 32-bit.
    #[repr(C)]
    #[derive(Clone, Copy, Default, Debug)]
    pub struct shmid64_ds {
        pub shm_perm: ipc64_perm,
        pub shm_segsz: u32,
        pub shm_atime: u32,
        pub shm_atime_high: u32,
        pub shm_dtime: u32,
        pub shm_dtime_high: u32,
        pub shm_ctime: u32,
        pub shm_ctime_high: u32,
        pub shm_cpid: i32,
        pub shm_lpid: i32,
        pub shm_nattch: u32,
        pub __unused4: u32,
        pub __unused5: u32,
    }

    /// `struct semid64_ds`, 32-bit.
    #[repr(C)]
    #[derive(Clone, Copy, Default, Debug)]
    pub struct semid64_ds {
        pub sem_perm: ipc64_perm,
        pub sem_otime: u32,
        pub sem_otime_high: u32,
        pub sem_ctime: u32,
        pub sem_ctime_high: u32,
        pub sem_nsems: u32,
        pub __unused3: u32,
        pub __unused4: u32,
    }

    /// `struct shminfo64`, 32-bit (`unsigned long` fields).
    #[repr(C)]
    #[derive(Clone, Copy, Default, Debug)]
    pub struct shminfo64 {
        pub shmmax: u32,
        pub shmmin: u32,
        pub shmmni: u32,
        pub shmseg: u32,
        pub shmall: u32,
        pub __unused: [u32; 4],
    }

    /// `struct shm_info`, 32-bit (`__kernel_ulong_t` fields).
    #[repr(C)]
    #[derive(Clone, Copy, Default, Debug)]
    pub struct shm_info {
        pub used_ids: i32,
        pub shm_tot: u32,
        pub shm_rss: u32,
        pub shm_swp: u32,
        pub swap_attempts: u32,
        pub swap_successes: u32,
    }

    /// `struct mq_attr`, 32-bit (`__kernel_long_t` fields).
    #[repr(C)]
    #[derive(Clone, Copy, Default, Debug)]
    pub struct mq_attr {
        pub mq_flags: i32,
        pub mq_maxmsg: i32,
        pub mq_msgsize: i32,
        pub mq_curmsgs: i32,
        pub __reserved: [i32; 4],
    }

    /// A 64-bit time from its two 32-bit halves.
    pub fn time(low: u32, high: u32) -> i64 {
        ((high as u64) << 32 | low as u64) as i64
    }

    impl From<ipc64_perm> for super::ipc64_perm {
        fn from(p: ipc64_perm) -> Self {
            super::ipc64_perm {
                key: p.key,
                uid: p.uid,
                gid: p.gid,
                cuid: p.cuid,
                cgid: p.cgid,
                mode: p.mode.into(),
                seq: p.seq,
                ..Default::default()
            }
        }
    }

    impl From<msqid64_ds> for super::msqid64_ds {
        fn from(d: msqid64_ds) -> Self {
            super::msqid64_ds {
                msg_perm: d.msg_perm.into(),
                msg_stime: time(d.msg_stime, d.msg_stime_high),
                msg_rtime: time(d.msg_rtime, d.msg_rtime_high),
                msg_ctime: time(d.msg_ctime, d.msg_ctime_high),
                msg_cbytes: d.msg_cbytes.into(),
                msg_qnum: d.msg_qnum.into(),
                msg_qbytes: d.msg_qbytes.into(),
                msg_lspid: d.msg_lspid,
                msg_lrpid: d.msg_lrpid,
                ..Default::default()
            }
        }
    }

    impl From<shmid64_ds> for super::shmid64_ds {
        fn from(d: shmid64_ds) -> Self {
            super::shmid64_ds {
                shm_perm: d.shm_perm.into(),
                shm_segsz: d.shm_segsz.into(),
                shm_atime: time(d.shm_atime, d.shm_atime_high),
                shm_dtime: time(d.shm_dtime, d.shm_dtime_high),
                shm_ctime: time(d.shm_ctime, d.shm_ctime_high),
                shm_cpid: d.shm_cpid,
                shm_lpid: d.shm_lpid,
                shm_nattch: d.shm_nattch.into(),
                ..Default::default()
            }
        }
    }

    impl From<semid64_ds> for super::semid64_ds {
        fn from(d: semid64_ds) -> Self {
            super::semid64_ds {
                sem_perm: d.sem_perm.into(),
                sem_otime: time(d.sem_otime, d.sem_otime_high),
                sem_ctime: time(d.sem_ctime, d.sem_ctime_high),
                sem_nsems: d.sem_nsems.into(),
                ..Default::default()
            }
        }
    }

    impl From<shminfo64> for super::shminfo64 {
        fn from(i: shminfo64) -> Self {
            super::shminfo64 {
                shmmax: i.shmmax.into(),
                shmmin: i.shmmin.into(),
                shmmni: i.shmmni.into(),
                shmseg: i.shmseg.into(),
                shmall: i.shmall.into(),
                ..Default::default()
            }
        }
    }

    impl From<shm_info> for super::shm_info {
        fn from(i: shm_info) -> Self {
            super::shm_info {
                used_ids: i.used_ids,
                shm_tot: i.shm_tot.into(),
                shm_rss: i.shm_rss.into(),
                shm_swp: i.shm_swp.into(),
                swap_attempts: i.swap_attempts.into(),
                swap_successes: i.swap_successes.into(),
            }
        }
    }

    impl From<mq_attr> for super::mq_attr {
        fn from(a: mq_attr) -> Self {
            super::mq_attr {
                mq_flags: a.mq_flags.into(),
                mq_maxmsg: a.mq_maxmsg.into(),
                mq_msgsize: a.mq_msgsize.into(),
                mq_curmsgs: a.mq_curmsgs.into(),
                ..Default::default()
            }
        }
    }

    /// The kernel's `long`s cannot hold more than 32 bits here: a larger
    /// value (nothing the kernel would accept) saturates.
    impl From<&super::mq_attr> for mq_attr {
        fn from(a: &super::mq_attr) -> Self {
            let n = |v: i64| v.clamp(i32::MIN.into(), i32::MAX.into()) as i32;
            mq_attr {
                mq_flags: n(a.mq_flags),
                mq_maxmsg: n(a.mq_maxmsg),
                mq_msgsize: n(a.mq_msgsize),
                mq_curmsgs: n(a.mq_curmsgs),
                __reserved: [0; 4],
            }
        }
    }
}

/// Compile-time checks of every kernel struct's size and field offsets,
/// per target. The numbers are the kernel headers' (named on each struct
/// above), worked out from their field types and the C ABI's alignment
/// (u64 is 8-aligned on armv7 EABI, 4-aligned on i686; no field of the
/// 32-bit structs is wider than 4 bytes, so both agree there), and checked
/// (2026-12-03) by `_Static_assert`s of the same numbers compiled by gcc
/// against Debian's linux-libc-dev (Linux 6.x UAPI): `gcc -m32` for the
/// 32-bit ones (x86's headers under `__i386__`, which take the asm-generic
/// layouts armv7 uses), plain gcc for x86_64's. A wrong armv7
/// `semid64_ds` (sem_ctime and sem_otime_high swapped) fails here, and with
/// this check removed, the unit test `sem_create_stat_remove` under
/// qemu-arm.
mod layout {
    use super::*;
    use core::mem::{offset_of, size_of};

    macro_rules! check {
        ($t:ty, $size:expr $(, $f:ident @ $off:expr)*) => {
            const _: () = {
                assert!(size_of::<$t>() == $size);
                $(assert!(offset_of!($t, $f) == $off);)*
            };
        };
    }

    // Target-independent (ints only).
    check!(msginfo, 32, msgpool @ 0, msgtql @ 24, msgseg @ 28);
    check!(seminfo, 40, semmap @ 0, semusz @ 28, semaem @ 36);

    // 64-bit kernel layouts, the kernel's on x86_64/aarch64/riscv64. (On
    // armv7/i686 they are only the widened view, never handed to the
    // kernel, and i686 aligns u64 to 4 bytes, so they are not checked there.)
    #[cfg(target_pointer_width = "64")]
    check!(ipc64_perm, 48, key @ 0, uid @ 4, gid @ 8, cuid @ 12, cgid @ 16,
        mode @ 20, seq @ 24, __unused1 @ 32, __unused2 @ 40);
    #[cfg(target_pointer_width = "64")]
    check!(msqid64_ds, 120, msg_stime @ 48, msg_rtime @ 56, msg_ctime @ 64,
        msg_cbytes @ 72, msg_qnum @ 80, msg_qbytes @ 88, msg_lspid @ 96,
        msg_lrpid @ 100, __unused5 @ 112);
    #[cfg(target_pointer_width = "64")]
    check!(shmid64_ds, 112, shm_segsz @ 48, shm_atime @ 56, shm_dtime @ 64,
        shm_ctime @ 72, shm_cpid @ 80, shm_lpid @ 84, shm_nattch @ 88,
        __unused5 @ 104);
    #[cfg(target_arch = "x86_64")]
    check!(semid64_ds, 104, sem_otime @ 48, sem_ctime @ 64, sem_nsems @ 80,
        __unused4 @ 96);
    #[cfg(all(target_pointer_width = "64", not(target_arch = "x86_64")))]
    check!(semid64_ds, 88, sem_otime @ 48, sem_ctime @ 56, sem_nsems @ 64,
        __unused4 @ 80);
    #[cfg(target_pointer_width = "64")]
    check!(shminfo64, 72, shmmax @ 0, shmall @ 32, __unused4 @ 64);
    #[cfg(target_pointer_width = "64")]
    check!(shm_info, 48, used_ids @ 0, shm_tot @ 8, shm_rss @ 16, shm_swp @ 24,
        swap_successes @ 40);
    #[cfg(target_pointer_width = "64")]
    check!(mq_attr, 64, mq_flags @ 0, mq_maxmsg @ 8, mq_msgsize @ 16,
        mq_curmsgs @ 24);

    // 32-bit kernel layouts (armv7, i686).
    check!(abi32::ipc64_perm, 36, key @ 0, uid @ 4, gid @ 8, cuid @ 12,
        cgid @ 16, mode @ 20, __pad1 @ 22, seq @ 24, __unused1 @ 28,
        __unused2 @ 32);
    check!(abi32::msqid64_ds, 88, msg_stime @ 36, msg_stime_high @ 40,
        msg_rtime @ 44, msg_rtime_high @ 48, msg_ctime @ 52,
        msg_ctime_high @ 56, msg_cbytes @ 60, msg_qnum @ 64, msg_qbytes @ 68,
        msg_lspid @ 72, msg_lrpid @ 76, __unused5 @ 84);
    check!(abi32::shmid64_ds, 84, shm_segsz @ 36, shm_atime @ 40,
        shm_atime_high @ 44, shm_dtime @ 48, shm_dtime_high @ 52,
        shm_ctime @ 56, shm_ctime_high @ 60, shm_cpid @ 64, shm_lpid @ 68,
        shm_nattch @ 72, __unused5 @ 80);
    check!(abi32::semid64_ds, 64, sem_otime @ 36, sem_otime_high @ 40,
        sem_ctime @ 44, sem_ctime_high @ 48, sem_nsems @ 52, __unused4 @ 60);
    check!(abi32::shminfo64, 36, shmmax @ 0, shmall @ 16, __unused @ 20);
    check!(abi32::shm_info, 24, used_ids @ 0, shm_tot @ 4, shm_rss @ 8,
        shm_swp @ 12, swap_successes @ 20);
    check!(abi32::mq_attr, 32, mq_flags @ 0, mq_maxmsg @ 4, mq_msgsize @ 8,
        mq_curmsgs @ 12);
}

/// Marker for the plain-integer kernel structs above: any bit pattern is a
/// valid value, so the kernel may write into them freely.
///
/// # Safety
/// Only for `repr(C)` structs made of integers.
unsafe trait Pod: Default {}
// SAFETY: a repr(C) struct of integers only (see its definition).
unsafe impl Pod for msqid64_ds {}
// SAFETY: a repr(C) struct of integers only (see its definition).
unsafe impl Pod for shmid64_ds {}
// SAFETY: a repr(C) struct of integers only (see its definition).
unsafe impl Pod for semid64_ds {}
// SAFETY: a repr(C) struct of integers only (see its definition).
unsafe impl Pod for msginfo {}
// SAFETY: a repr(C) struct of integers only (see its definition).
unsafe impl Pod for shminfo64 {}
// SAFETY: a repr(C) struct of integers only (see its definition).
unsafe impl Pod for shm_info {}
// SAFETY: a repr(C) struct of integers only (see its definition).
unsafe impl Pod for seminfo {}
// SAFETY: a repr(C) struct of integers only (see its definition).
unsafe impl Pod for abi32::msqid64_ds {}
// SAFETY: a repr(C) struct of integers only (see its definition).
unsafe impl Pod for abi32::shmid64_ds {}
// SAFETY: a repr(C) struct of integers only (see its definition).
unsafe impl Pod for abi32::semid64_ds {}
// SAFETY: a repr(C) struct of integers only (see its definition).
unsafe impl Pod for abi32::shminfo64 {}
// SAFETY: a repr(C) struct of integers only (see its definition).
unsafe impl Pod for abi32::shm_info {}

/// What a ctl command fills: `Kernel` is the struct the kernel writes on
/// this target, converted into `Self` (the same struct on 64-bit targets).
trait Filled: From<Self::Kernel> {
    type Kernel: Pod;
}
macro_rules! filled {
    ($($t:ident),*) => {
        $(
            #[cfg(target_pointer_width = "64")]
            impl Filled for $t { type Kernel = $t; }
            #[cfg(target_pointer_width = "32")]
            impl Filled for $t { type Kernel = abi32::$t; }
        )*
    };
}
filled!(msqid64_ds, shmid64_ds, semid64_ds, shminfo64, shm_info);
impl Filled for msginfo {
    type Kernel = msginfo;
}
impl Filled for seminfo {
    type Kernel = seminfo;
}

/// The command as the kernel takes it: with [`IPC_64`] on armv7.
fn ctl_cmd(cmd: i32) -> usize {
    (cmd | IPC_64) as usize
}

/// One ctl call that fills a `T`: `(id, cmd, &mut T)` for msgctl/shmctl,
/// `(id, 0, cmd, &mut T)` for semctl. Returns the syscall's result (an id
/// for `*_STAT*`, the highest index for the info commands).
fn ctl_into<T: Filled>(n: usize, id: i32, cmd: i32) -> Result<(i32, T), Errno> {
    let mut buf = T::Kernel::default();
    let p = &mut buf as *mut T::Kernel as usize;
    let args = if n == nr::SEMCTL {
        [id as usize, 0, ctl_cmd(cmd), p, 0, 0]
    } else {
        [id as usize, ctl_cmd(cmd), p, 0, 0, 0]
    };
    // SAFETY: `cmd` is one the caller's wrapper pairs with `T` (checked in
    // the wrappers below), and `buf` is a live, writable struct of the
    // kernel's layout for that command on this target (layout checks above).
    let r = check(unsafe { syscall6(n, args) })?;
    Ok((r as i32, buf.into()))
}

/// Keeps only the stat commands (they write a `*64_ds`).
fn stat_cmd(cmd: i32, a: i32, b: i32) -> Result<i32, Errno> {
    if cmd == IPC_STAT || cmd == a || cmd == b {
        Ok(cmd)
    } else {
        Err(Errno::INVAL)
    }
}

fn info_cmd(cmd: i32, other: i32) -> Result<i32, Errno> {
    if cmd == IPC_INFO || cmd == other {
        Ok(cmd)
    } else {
        Err(Errno::INVAL)
    }
}

/// `msgget(key, flags)` → queue id.
pub fn msgget(key: i32, flags: i32) -> Result<i32, Errno> {
    scalar(nr::MSGGET, [key as usize, flags as usize, 0, 0, 0, 0]).map(|r| r as i32)
}

/// `msgctl(id, IPC_STAT | MSG_STAT | MSG_STAT_ANY)`. For the `MSG_STAT*`
/// commands `id` is an index and the returned number is the queue's id.
///
/// qemu-user does not know the `*_STAT_ANY` commands (any of msg, shm, sem)
/// and answers EINVAL: fall back to `*_STAT` on EINVAL.
pub fn msgctl_stat(id: i32, cmd: i32) -> Result<(i32, msqid64_ds), Errno> {
    ctl_into(nr::MSGCTL, id, stat_cmd(cmd, MSG_STAT, MSG_STAT_ANY)?)
}

/// `msgctl(0, IPC_INFO | MSG_INFO)` → (highest used index, limits/usage).
pub fn msgctl_info(cmd: i32) -> Result<(i32, msginfo), Errno> {
    ctl_into(nr::MSGCTL, 0, info_cmd(cmd, MSG_INFO)?)
}

/// `msgctl(id, IPC_RMID)`.
pub fn msgctl_rmid(id: i32) -> Result<(), Errno> {
    scalar(nr::MSGCTL, [id as usize, IPC_RMID as usize, 0, 0, 0, 0]).map(drop)
}

/// `shmget(key, size, flags)` → segment id.
pub fn shmget(key: i32, size: usize, flags: i32) -> Result<i32, Errno> {
    scalar(nr::SHMGET, [key as usize, size, flags as usize, 0, 0, 0]).map(|r| r as i32)
}

/// `shmctl(id, IPC_STAT | SHM_STAT | SHM_STAT_ANY)`.
pub fn shmctl_stat(id: i32, cmd: i32) -> Result<(i32, shmid64_ds), Errno> {
    ctl_into(nr::SHMCTL, id, stat_cmd(cmd, SHM_STAT, SHM_STAT_ANY)?)
}

/// `shmctl(0, IPC_INFO)` → (highest used index, limits).
pub fn shmctl_ipc_info() -> Result<(i32, shminfo64), Errno> {
    ctl_into(nr::SHMCTL, 0, IPC_INFO)
}

/// `shmctl(0, SHM_INFO)` → (highest used index, usage).
pub fn shmctl_shm_info() -> Result<(i32, shm_info), Errno> {
    ctl_into(nr::SHMCTL, 0, SHM_INFO)
}

/// `shmctl(id, IPC_RMID)`.
pub fn shmctl_rmid(id: i32) -> Result<(), Errno> {
    scalar(nr::SHMCTL, [id as usize, IPC_RMID as usize, 0, 0, 0, 0]).map(drop)
}

/// `semget(key, nsems, flags)` → set id.
pub fn semget(key: i32, nsems: i32, flags: i32) -> Result<i32, Errno> {
    scalar(
        nr::SEMGET,
        [key as usize, nsems as usize, flags as usize, 0, 0, 0],
    )
    .map(|r| r as i32)
}

/// `semctl(id, 0, IPC_STAT | SEM_STAT | SEM_STAT_ANY)`.
pub fn semctl_stat(id: i32, cmd: i32) -> Result<(i32, semid64_ds), Errno> {
    ctl_into(nr::SEMCTL, id, stat_cmd(cmd, SEM_STAT, SEM_STAT_ANY)?)
}

/// `semctl(0, 0, IPC_INFO | SEM_INFO)` → (highest used index, limits/usage).
pub fn semctl_info(cmd: i32) -> Result<(i32, seminfo), Errno> {
    ctl_into(nr::SEMCTL, 0, info_cmd(cmd, SEM_INFO)?)
}

/// `semctl(id, semnum, GETVAL | GETPID | GETNCNT | GETZCNT)` → the value.
pub fn semctl_get(id: i32, semnum: i32, cmd: i32) -> Result<i32, Errno> {
    if !matches!(cmd, GETPID | GETVAL | GETNCNT | GETZCNT) {
        return Err(Errno::INVAL);
    }
    let a = [id as usize, semnum as usize, cmd as usize, 0, 0, 0];
    scalar(nr::SEMCTL, a).map(|r| r as i32)
}

/// `semctl(id, 0, IPC_RMID)`.
pub fn semctl_rmid(id: i32) -> Result<(), Errno> {
    scalar(nr::SEMCTL, [id as usize, 0, IPC_RMID as usize, 0, 0, 0]).map(drop)
}

/// The SysV kinds, for code that treats them alike ([`get`], [`rmid`],
/// [`max_index`], [`stat_id`]); what nsbox says about each is in
/// `crate::ipc`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Shm,
    Msg,
    Sem,
}

/// `shmget(key, n, flags)`, `semget(key, n, flags)` or `msgget(key, flags)`.
pub fn get(kind: Kind, key: i32, n: usize, flags: i32) -> Result<i32, Errno> {
    let (k, f) = (key as usize, flags as usize);
    let (nr, a) = match kind {
        Kind::Shm => (nr::SHMGET, [k, n, f]),
        Kind::Sem => (nr::SEMGET, [k, n, f]),
        Kind::Msg => (nr::MSGGET, [k, f, 0]),
    };
    scalar(nr, [a[0], a[1], a[2], 0, 0, 0]).map(|r| r as i32)
}

/// `IPC_RMID` on object `id` of kind `kind`.
pub fn rmid(kind: Kind, id: i32) -> Result<(), Errno> {
    let nr = match kind {
        Kind::Shm => nr::SHMCTL,
        Kind::Sem => nr::SEMCTL,
        Kind::Msg => nr::MSGCTL,
    };
    // IPC_RMID is 0: (id, IPC_RMID, NULL) and semctl's (id, 0, IPC_RMID) alike.
    scalar(nr, [id as usize, 0, 0, 0, 0, 0]).map(drop)
}

/// Room for any of the `*64_ds` and info structs.
type AnyBuf = [u64; 16];
const _: () = assert!(size_of::<AnyBuf>() >= size_of::<msqid64_ds>());

fn ctl_any(kind: Kind, id: i32, cmds: [i32; 3]) -> Result<i32, Errno> {
    let mut buf: AnyBuf = [0; 16];
    let p = buf.as_mut_ptr() as usize;
    let i = id as usize;
    let (nr, a) = match kind {
        Kind::Shm => (nr::SHMCTL, [i, ctl_cmd(cmds[0]), p, 0]),
        Kind::Msg => (nr::MSGCTL, [i, ctl_cmd(cmds[1]), p, 0]),
        Kind::Sem => (nr::SEMCTL, [i, 0, ctl_cmd(cmds[2]), p]),
    };
    // SAFETY: `buf` is writable and larger than every struct these commands
    // write (size asserts above).
    check(unsafe { syscall6(nr, [a[0], a[1], a[2], a[3], 0, 0]) }).map(|r| r as i32)
}

/// The highest used index of kind `kind` (`SHM_INFO`/`MSG_INFO`/`SEM_INFO`).
pub fn max_index(kind: Kind) -> Result<i32, Errno> {
    ctl_any(kind, 0, [SHM_INFO, MSG_INFO, SEM_INFO])
}

/// The id of the object at index `index` (`SHM_STAT`/`MSG_STAT`/`SEM_STAT`,
/// which need read permission, like util-linux's ipcrm -a).
pub fn stat_id(kind: Kind, index: i32) -> Result<i32, Errno> {
    ctl_any(kind, index, [SHM_STAT, MSG_STAT, SEM_STAT])
}

/// The kernel's name for a POSIX mqueue: `name` must be `/NAME`, and like
/// libc we pass the pointer one past the `/` (qemu-user relies on that).
fn mq_name(name: &CStr) -> Result<usize, Errno> {
    // Like glibc: "/" alone is passed on (the kernel says ENOENT).
    match name.to_bytes() {
        [b'/', ..] => Ok(name.as_ptr() as usize + 1),
        _ => Err(Errno::INVAL),
    }
}

/// `mq_open("/NAME", oflag, mode, attr)` → queue descriptor.
pub fn mq_open(
    name: &CStr,
    oflag: rustix::fs::OFlags,
    mode: u32,
    attr: Option<&mq_attr>,
) -> Result<OwnedFd, Errno> {
    let p = mq_name(name)?;
    #[cfg(target_pointer_width = "32")]
    let attr = attr.map(abi32::mq_attr::from);
    #[cfg(target_pointer_width = "32")]
    let attr = attr.as_ref();
    let a = attr.map_or(0, |a| a as *const _ as usize);
    let fl = (oflag | rustix::fs::OFlags::CLOEXEC).bits() as usize;
    // SAFETY: `p` points into the NUL-terminated `name`, `a` is null or a
    // live `mq_attr`; both outlive the call.
    let fd = check(unsafe { syscall6(nr::MQ_OPEN, [p, fl, mode as usize, a, 0, 0]) })?;
    // SAFETY: mq_open returned a fresh descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

/// `mq_unlink("/NAME")`.
pub fn mq_unlink(name: &CStr) -> Result<(), Errno> {
    let p = mq_name(name)?;
    // SAFETY: `p` points into the NUL-terminated `name`.
    check(unsafe { syscall6(nr::MQ_UNLINK, [p, 0, 0, 0, 0, 0]) }).map(drop)
}

/// `mq_getsetattr(fd, new, &old)` → the attributes before any change.
pub fn mq_getsetattr(fd: BorrowedFd<'_>, new: Option<&mq_attr>) -> Result<mq_attr, Errno> {
    use rustix::fd::AsRawFd;
    #[cfg(target_pointer_width = "64")]
    let (new, mut old) = (new, mq_attr::default());
    #[cfg(target_pointer_width = "32")]
    let (new, mut old) = (new.map(abi32::mq_attr::from), abi32::mq_attr::default());
    #[cfg(target_pointer_width = "32")]
    let new = new.as_ref();
    let n = new.map_or(0, |a| a as *const _ as usize);
    let o = &mut old as *mut _ as usize;
    // SAFETY: `n` is null or a live `mq_attr` of the kernel's layout for
    // this target, `o` a writable one.
    check(unsafe { syscall6(nr::MQ_GETSETATTR, [fd.as_raw_fd() as usize, n, o, 0, 0, 0]) })?;
    #[cfg(target_pointer_width = "32")]
    let old = old.into();
    Ok(old)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustix::fd::AsFd;
    use rustix::fs::OFlags;

    /// Runs `f` in a forked child inside a fresh IPC namespace (so nothing
    /// can leak to the host or to parallel tests); the child's panics and
    /// failures come back as its exit status.
    fn in_ipc_ns(f: fn()) {
        use crate::sys::proc::{Forked, exit_now, fork_process};
        match fork_process().unwrap() {
            Forked::Child => {
                // SAFETY: CLONE_NEWIPC touches no memory or descriptors.
                let ok =
                    unsafe { rustix::thread::unshare_unsafe(rustix::thread::UnshareFlags::NEWIPC) }
                        .is_ok();
                if !ok {
                    exit_now(77);
                }
                let r = std::panic::catch_unwind(f);
                exit_now(if r.is_ok() { 0 } else { 1 });
            }
            Forked::Parent(pid) => {
                let (_, st) =
                    rustix::process::waitpid(Some(pid), rustix::process::WaitOptions::empty())
                        .unwrap()
                        .unwrap();
                match st.exit_status() {
                    Some(0) => {}
                    Some(77) => eprintln!("SKIP: unshare(CLONE_NEWIPC) not permitted (not root?)"),
                    s => panic!("child failed: {s:?} {st:?}"),
                }
            }
        }
    }

    #[test]
    fn msg_create_stat_remove() {
        in_ipc_ns(|| {
            let id = msgget(0x1234, IPC_CREAT | IPC_EXCL | 0o640).unwrap();
            assert_eq!(
                msgget(0x1234, IPC_CREAT | IPC_EXCL | 0o640),
                Err(Errno::EXIST)
            );
            let (r, ds) = msgctl_stat(id, IPC_STAT).unwrap();
            assert_eq!(r, 0);
            assert_eq!(ds.msg_perm.key, 0x1234);
            assert_eq!(ds.msg_perm.mode & 0o777, 0o640);
            assert_eq!(ds.msg_qnum, 0);
            assert!(ds.msg_qbytes > 0);
            assert!(ds.msg_ctime > 0);
            let (max, info) = msgctl_info(MSG_INFO).unwrap();
            assert_eq!(info.msgpool, 1);
            assert!(max >= 0);
            let (_, lim) = msgctl_info(IPC_INFO).unwrap();
            assert!(lim.msgmni > 0);
            let (sid, ds2) = msgctl_stat(max, MSG_STAT_ANY)
                .or_else(|_| msgctl_stat(max, MSG_STAT))
                .unwrap();
            assert_eq!(sid, id);
            assert_eq!(ds2.msg_perm.key, 0x1234);
            assert_eq!(
                msgctl_stat(id, IPC_STAT | 0x100).map(|_| ()),
                Err(Errno::INVAL)
            );
            msgctl_rmid(id).unwrap();
            assert!(msgctl_stat(id, IPC_STAT).is_err());
            assert_eq!(msgctl_info(MSG_INFO).unwrap().1.msgpool, 0);
        });
    }

    #[test]
    fn shm_create_stat_remove() {
        in_ipc_ns(|| {
            let id = shmget(IPC_PRIVATE, 8192, IPC_CREAT | 0o600).unwrap();
            let (_, ds) = shmctl_stat(id, IPC_STAT).unwrap();
            assert_eq!(ds.shm_perm.key, 0);
            assert_eq!(ds.shm_perm.mode & 0o777, 0o600);
            assert_eq!(ds.shm_segsz, 8192);
            assert_eq!(ds.shm_nattch, 0);
            assert_eq!(
                ds.shm_cpid,
                rustix::process::getpid().as_raw_nonzero().get()
            );
            let (max, info) = shmctl_shm_info().unwrap();
            assert_eq!(info.used_ids, 1);
            assert!(info.shm_tot >= 1); // pages
            let (_, lim) = shmctl_ipc_info().unwrap();
            assert!(lim.shmmni > 0 && lim.shmmax > 0);
            let (sid, _) = shmctl_stat(max, SHM_STAT_ANY)
                .or_else(|_| shmctl_stat(max, SHM_STAT))
                .unwrap();
            assert_eq!(sid, id);
            shmctl_rmid(id).unwrap();
            assert!(shmctl_stat(id, IPC_STAT).is_err());
            assert_eq!(shmctl_shm_info().unwrap().1.used_ids, 0);
        });
    }

    #[test]
    fn sem_create_stat_remove() {
        in_ipc_ns(|| {
            let id = semget(0x77, 3, IPC_CREAT | IPC_EXCL | 0o600).unwrap();
            let (_, ds) = semctl_stat(id, IPC_STAT).unwrap();
            assert_eq!(ds.sem_nsems, 3);
            assert_eq!(ds.sem_perm.key, 0x77);
            assert_eq!(ds.sem_perm.mode & 0o777, 0o600);
            assert_eq!(ds.sem_otime, 0);
            assert!(ds.sem_ctime > 0);
            assert_eq!(semctl_get(id, 2, GETVAL), Ok(0));
            assert_eq!(semctl_get(id, 0, GETNCNT), Ok(0));
            assert_eq!(semctl_get(id, 3, GETVAL), Err(Errno::INVAL));
            let (max, info) = semctl_info(SEM_INFO).unwrap();
            assert_eq!(info.semusz, 1);
            let (_, lim) = semctl_info(IPC_INFO).unwrap();
            assert!(lim.semmni > 0 && lim.semmsl > 0);
            let (sid, ds2) = semctl_stat(max, SEM_STAT_ANY)
                .or_else(|_| semctl_stat(max, SEM_STAT))
                .unwrap();
            assert_eq!(sid, id);
            assert_eq!(ds2.sem_nsems, 3);
            semctl_rmid(id).unwrap();
            assert!(semctl_stat(id, IPC_STAT).is_err());
        });
    }

    #[test]
    fn mq_create_attr_remove() {
        in_ipc_ns(|| {
            let name = c"/nsbox-unit-mq";
            let attr = mq_attr {
                mq_maxmsg: 4,
                mq_msgsize: 64,
                ..Default::default()
            };
            let fd = mq_open(
                name,
                OFlags::RDWR | OFlags::CREATE | OFlags::EXCL,
                0o600,
                Some(&attr),
            )
            .unwrap();
            let got = mq_getsetattr(fd.as_fd(), None).unwrap();
            assert_eq!((got.mq_maxmsg, got.mq_msgsize, got.mq_curmsgs), (4, 64, 0));
            let fd2 = mq_open(name, OFlags::RDONLY, 0, None).unwrap();
            assert_eq!(mq_getsetattr(fd2.as_fd(), None).unwrap().mq_maxmsg, 4);
            assert_eq!(
                mq_open(c"noslash", OFlags::RDONLY, 0, None).err(),
                Some(Errno::INVAL)
            );
            assert_eq!(
                mq_open(c"/", OFlags::RDONLY, 0, None).err(),
                Some(Errno::NOENT)
            );
            mq_unlink(name).unwrap();
            assert_eq!(mq_unlink(name), Err(Errno::NOENT));
            assert_eq!(
                mq_open(name, OFlags::RDONLY, 0, None).err(),
                Some(Errno::NOENT)
            );
        });
    }

    #[test]
    fn kind_helpers() {
        in_ipc_ns(|| {
            for kind in [Kind::Shm, Kind::Msg, Kind::Sem] {
                let flags = IPC_CREAT | IPC_EXCL | 0o600;
                let id = get(kind, 0x4242, 1, flags).unwrap();
                assert_eq!(get(kind, 0x4242, 1, flags), Err(Errno::EXIST));
                assert_eq!(get(kind, 0x4242, 0, 0), Ok(id));
                let max = max_index(kind).unwrap();
                assert_eq!(stat_id(kind, max), Ok(id));
                rmid(kind, id).unwrap();
                assert_eq!(rmid(kind, id), Err(Errno::INVAL));
                assert_eq!(get(kind, 0x4242, 0, 0), Err(Errno::NOENT));
            }
        });
    }

    #[test]
    fn wrong_command_is_refused_before_the_kernel() {
        assert_eq!(msgctl_stat(0, IPC_RMID).err(), Some(Errno::INVAL));
        assert_eq!(shmctl_stat(0, SHM_INFO).err(), Some(Errno::INVAL));
        assert_eq!(semctl_info(SEM_STAT).err(), Some(Errno::INVAL));
        assert_eq!(semctl_get(0, 0, IPC_RMID), Err(Errno::INVAL));
    }
}
