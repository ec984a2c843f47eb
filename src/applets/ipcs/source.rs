//! Where ipcs's numbers come from: the objects from /proc/sysvipc/{msg,
//! shm,sem} (read in 4 KiB pieces into a stack buffer, no per-row
//! allocation) unless the kernel counts none, or without /proc from the
//! `*_INFO` + `*_STAT_ANY` (or `*_STAT`) syscalls; limits from
//! /proc/sys/kernel.

use crate::ipc::Kind;
use crate::sys::ipc;
use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;

/// One object, whatever its kind; the fields a kind lacks stay 0.
#[derive(Clone, Copy, Default)]
pub struct Obj {
    pub key: i64,
    pub id: i64,
    pub mode: i64,
    pub uid: i64,
    pub gid: i64,
    pub cuid: i64,
    pub cgid: i64,
    /// msg: bytes queued; shm: segment size; sem: semaphores in the set.
    pub size: i64,
    /// msg: messages queued; shm: attaches.
    pub count: i64,
    /// msg: last sender and receiver; shm: creator and last operator.
    pub pids: [i64; 2],
    /// msg: last send and receive; shm: last attach and detach; sem: last
    /// operation (and 0).
    pub times: [i64; 2],
    pub ctime: i64,
    /// msg: the queue's byte limit (read for `-i` only).
    pub qbytes: i64,
}

/// A whole token as a number in `base` (an optional sign, then digits);
/// None on anything else.
fn num(t: &[u8], base: u32) -> Option<i64> {
    let d = crate::num::scan(t, base).filter(|d| d.rest.is_empty())?;
    d.signed().ok()
}

/// The token of `b` at `*i` (empty at the end), moving `*i` past it:
/// tokens are separated by blanks (space, tab), or with `newlines` by any
/// ASCII white space.
fn token<'a>(b: &'a [u8], i: &mut usize, newlines: bool) -> &'a [u8] {
    let sep =
        |c: &u8| matches!(c, b' ' | b'\t') || newlines && matches!(c, b'\n' | b'\x0c' | b'\r');
    while b.get(*i).is_some_and(sep) {
        *i += 1;
    }
    let st = *i;
    while b.get(*i).is_some_and(|c| !sep(c)) {
        *i += 1;
    }
    b.get(st..*i).unwrap_or_default()
}

/// Fills `v` with the whitespace-separated numbers of file `path` (a
/// /proc/sys/kernel one); false unless all were there.
pub fn kernel_numbers(path: &std::ffi::CStr, v: &mut [i64]) -> bool {
    let mut b = [0u8; 128];
    let n = rustix::fs::open(path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())
        .and_then(|fd| rustix::io::read(&fd, &mut b))
        .unwrap_or(0);
    let mut i = 0;
    for x in v {
        match num(token(&b[..n], &mut i, true), 10) {
            Some(k) => *x = k,
            None => return false,
        }
    }
    true
}

/// One /proc/sysvipc line; None for anything unexpected (too few columns,
/// a column that is not a number).
pub fn parse_line(kind: Kind, line: &[u8]) -> Option<Obj> {
    let n = if kind == Kind::Sem { 10 } else { 14 };
    let (mut col, mut at) = ([0i64; 14], 0);
    for (i, c) in col[..n].iter_mut().enumerate() {
        // The third column, perms, is octal.
        *c = num(token(line, &mut at, false), if i == 2 { 8 } else { 10 })?;
    }
    let [key, id, mode, a, b, c, d, e, f, g, h, i, j, k] = col;
    let o = Obj {
        key,
        id,
        mode,
        ..Obj::default()
    };
    Some(match kind {
        // key msqid perms cbytes qnum lspid lrpid uid gid cuid cgid stime rtime ctime
        Kind::Msg => Obj {
            size: a,
            count: b,
            pids: [c, d],
            uid: e,
            gid: f,
            cuid: g,
            cgid: h,
            times: [i, j],
            ctime: k,
            ..o
        },
        // key shmid perms size cpid lpid nattch uid gid cuid cgid atime dtime ctime
        Kind::Shm => Obj {
            size: a,
            pids: [b, c],
            count: d,
            uid: e,
            gid: f,
            cuid: g,
            cgid: h,
            times: [i, j],
            ctime: k,
            ..o
        },
        // key semid perms nsems uid gid cuid cgid otime ctime
        Kind::Sem => Obj {
            size: a,
            uid: b,
            gid: c,
            cuid: d,
            cgid: e,
            times: [f, 0],
            ctime: g,
            ..o
        },
    })
}

/// Calls `f` for every object of `kind`: from /proc/sysvipc, or (without
/// /proc) from the syscalls. When the kernel counts none, /proc is not
/// read (one syscall instead of open, read and close; BusyBox asks too).
pub fn each(kind: Kind, f: &mut dyn FnMut(&Obj)) {
    if in_use(kind) == Ok(0) {
        return;
    }
    let path = match kind {
        Kind::Msg => c"/proc/sysvipc/msg",
        Kind::Shm => c"/proc/sysvipc/shm",
        Kind::Sem => c"/proc/sysvipc/sem",
    };
    let Ok(fd) = rustix::fs::open(path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()) else {
        return fallback(kind, f);
    };
    let mut buf = [0u8; 4096];
    let (mut len, mut eof, mut skip) = (0, false, true); // skip the header line
    while !eof {
        let want = buf.len() - len;
        match rustix::io::read(&fd, &mut buf[len..]) {
            // A seq_file read stops short of the request only at the end or
            // when its page-sized buffer is full; lines are < 256 bytes, so
            // a short read well below a page is the end: saves a read.
            Ok(n) => {
                eof = n == 0 || (n < want && n < 3072);
                len += n;
            }
            Err(Errno::INTR) => continue,
            Err(_) => eof = true,
        }
        let mut start = 0;
        while start < len {
            let p = buf[start..len].iter().position(|&b| b == b'\n');
            if p.is_none() && !eof {
                break;
            }
            let end = p.map_or(len, |p| start + p);
            if !std::mem::take(&mut skip)
                && let Some(o) = parse_line(kind, &buf[start..end])
            {
                f(&o);
            }
            start = end + 1;
        }
        let start = start.min(len);
        buf.copy_within(start..len, 0);
        len -= start;
        if len == buf.len() {
            // A line longer than the buffer: not a sysvipc row; drop it.
            len = 0;
            skip = true;
        }
    }
}

/// How many objects of `kind` exist (`*_INFO`'s in-use count).
fn in_use(kind: Kind) -> Result<i64, Errno> {
    Ok(match kind {
        Kind::Msg => ipc::msgctl_info(ipc::MSG_INFO)?.1.msgpool as i64,
        Kind::Shm => ipc::shmctl_shm_info()?.1.used_ids as i64,
        Kind::Sem => ipc::semctl_info(ipc::SEM_INFO)?.1.semusz as i64,
    })
}

/// The rows without /proc: `*_INFO` gives the highest index in use, then
/// `*_STAT_ANY` (all objects, Linux 4.17+) or `*_STAT` (readable ones) each.
#[inline(never)]
fn fallback(kind: Kind, f: &mut dyn FnMut(&Obj)) {
    let max = ipc::max_index(kind).unwrap_or(-1);
    let cmds = match kind {
        Kind::Msg => [ipc::MSG_STAT_ANY, ipc::MSG_STAT],
        Kind::Shm => [ipc::SHM_STAT_ANY, ipc::SHM_STAT],
        Kind::Sem => [ipc::SEM_STAT_ANY, ipc::SEM_STAT],
    };
    for i in 0..=max {
        if let Some(o) = stat(kind, i, cmds[0]).or_else(|| stat(kind, i, cmds[1])) {
            f(&o);
        }
    }
}

/// One `*_STAT*` call at index `i`.
#[inline(never)]
fn stat(kind: Kind, i: i32, cmd: i32) -> Option<Obj> {
    let (id, p, o) = match kind {
        Kind::Msg => {
            let (id, d) = ipc::msgctl_stat(i, cmd).ok()?;
            let o = Obj {
                size: d.msg_cbytes as i64,
                count: d.msg_qnum as i64,
                pids: [d.msg_lspid as i64, d.msg_lrpid as i64],
                times: [d.msg_stime, d.msg_rtime],
                ctime: d.msg_ctime,
                ..Obj::default()
            };
            (id, d.msg_perm, o)
        }
        Kind::Shm => {
            let (id, d) = ipc::shmctl_stat(i, cmd).ok()?;
            let o = Obj {
                size: d.shm_segsz as i64,
                count: d.shm_nattch as i64,
                pids: [d.shm_cpid as i64, d.shm_lpid as i64],
                times: [d.shm_atime, d.shm_dtime],
                ctime: d.shm_ctime,
                ..Obj::default()
            };
            (id, d.shm_perm, o)
        }
        Kind::Sem => {
            let (id, d) = ipc::semctl_stat(i, cmd).ok()?;
            let o = Obj {
                size: d.sem_nsems as i64,
                times: [d.sem_otime, 0],
                ctime: d.sem_ctime,
                ..Obj::default()
            };
            (id, d.sem_perm, o)
        }
    };
    Some(Obj {
        key: p.key as i64,
        id: id as i64,
        mode: p.mode as i64,
        uid: p.uid as i64,
        gid: p.gid as i64,
        cuid: p.cuid as i64,
        cgid: p.cgid as i64,
        ..o
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_lines() {
        let l = b"      1234          5   1644           0          3  100  200     0     0     0     0          0          0 1795360831";
        let o = parse_line(Kind::Msg, l).unwrap();
        assert_eq!(
            (o.key, o.id, o.mode, o.count, o.pids, o.ctime),
            (1234, 5, 0o1644, 3, [100, 200], 1795360831)
        );
        assert!(parse_line(Kind::Msg, b"1 2 3").is_none());
        assert!(parse_line(Kind::Sem, b"1 2 x 4 5 6 7 8 9 10").is_none());
        assert!(parse_line(Kind::Sem, b"-5 2 600 4 5 6 7 8 9 10 11").is_some());
        assert!(parse_line(Kind::Sem, b"").is_none());
        assert!(parse_line(Kind::Sem, b"1 2 9 4 5 6 7 8 9 10").is_none()); // 9 is not octal
    }
}
