//! ipcs: show SysV IPC facilities (message queues, shared memory segments,
//! semaphore arrays) exactly as util-linux prints them.
//!
//! `source` reads the objects (/proc/sysvipc, or the syscalls without
//! /proc), `format` holds the printf pieces, `tz` formats times like
//! glibc's `ctime` in the local zone. This file is the options and what
//! each view prints.

mod format;
mod source;
mod tz;

use crate::cli::{self, Args, Item, Opt, Res, Val};
use crate::ipc::Kind;
use crate::sys::Argv;
use crate::sys::ipc;
use format::{Ctx, Time, Unit};
use source::{Obj, each, kernel_numbers};

const HELP_SRC: &str = "\
Usage:
 ipcs [resource-option...] [output-option]
 ipcs -m|-q|-s -i <id>

Show information on IPC facilities.

Options:
 -i, --id <id>  print details on resource identified by <id>
 -h, --help     display this help
 -V, --version  display version

Resource options:
 -m, --shmems      shared memory segments
 -q, --queues      message queues
 -s, --semaphores  semaphores
 -a, --all         all (default)

Output options:
 -t, --time        show attach, detach and change times
 -p, --pid         show PIDs of creator and last operator
 -c, --creator     show creator and owner
 -l, --limits      show resource limits
 -u, --summary     show status summary
     --human       show sizes in human-readable format
 -b, --bytes       show sizes in bytes

For more details see ipcs(1).
";
const HELP: &[u8] = crate::packed!(HELP_SRC);

/// What is shown of each object (the last option wins).
#[derive(Clone, Copy, PartialEq)]
enum View {
    List,
    Creator,
    Time,
    Pid,
    Limits,
    Status,
}

#[derive(Clone, Copy, PartialEq)]
enum Id {
    /// `-i ID`: the details of one object.
    Detail,
    Kind(Kind),
    All,
    View(View),
    Unit(Unit),
    Help,
    Version,
}

/// util-linux's table, in its order.
const OPTS: &[Opt<Id>] = &[
    Opt::new('i', "id", Val::Required, Id::Detail),
    Opt::new('q', "queues", Val::None, Id::Kind(Kind::Msg)),
    Opt::new('m', "shmems", Val::None, Id::Kind(Kind::Shm)),
    Opt::new('s', "semaphores", Val::None, Id::Kind(Kind::Sem)),
    Opt::new('a', "all", Val::None, Id::All),
    Opt::new('t', "time", Val::None, Id::View(View::Time)),
    Opt::new('p', "pid", Val::None, Id::View(View::Pid)),
    Opt::new('c', "creator", Val::None, Id::View(View::Creator)),
    Opt::new('l', "limits", Val::None, Id::View(View::Limits)),
    Opt::new('u', "summary", Val::None, Id::View(View::Status)),
    Opt::long("human", Val::None, Id::Unit(Unit::Human)),
    Opt::new('b', "bytes", Val::None, Id::Unit(Unit::Bytes)),
    Opt::new('V', "version", Val::None, Id::Version),
    Opt::new('h', "help", Val::None, Id::Help),
];

/// The kinds in util-linux's print order.
const PRINT_ORDER: [Kind; 3] = [Kind::Msg, Kind::Shm, Kind::Sem];

/// `ipcs`.
pub fn main(argv: Argv) -> Res<i32> {
    let (mut kinds, mut view, mut id) = (Vec::new(), View::List, None);
    // The process ends after this: nothing in `c` needs freeing.
    let mut c = std::mem::ManuallyDrop::new(Ctx::new());
    // The common `ipcs` without arguments does not pay for the parser.
    if argv.remaining() > 0 {
        let mut a = Args::new(argv);
        while let Some(item) = a.next_opt(OPTS)? {
            match item {
                Item::Operand(_) => {} // util-linux ignores operands
                Item::Opt(Id::Detail, v) => {
                    let v = v.unwrap_or_default();
                    id = Some(crate::num::strtos32_or_err(
                        &v,
                        "failed to parse id argument",
                    ));
                }
                Item::Opt(Id::Kind(k), _) if !kinds.contains(&k) => kinds.push(k),
                Item::Opt(Id::Kind(_), _) => {}
                Item::Opt(Id::All, _) => kinds = PRINT_ORDER.to_vec(),
                Item::Opt(Id::View(v), _) => view = v,
                Item::Opt(Id::Unit(u), _) => c.unit = u,
                Item::Opt(Id::Help, _) => {
                    c.bytes(&cli::unpack(HELP));
                    return c.finish().map(|_| 0);
                }
                Item::Opt(Id::Version, _) => return Err(cli::version()),
            }
        }
    }
    if let Some(id) = id {
        let [kind] = kinds[..] else {
            return Err(cli::errx(
                b"when using an ID, a single resource must be specified",
            ));
        };
        detail(&mut c, kind, id)?;
    } else {
        c.s("\n");
        for kind in PRINT_ORDER {
            if kinds.is_empty() || kinds.contains(&kind) {
                section(&mut c, kind, view);
                c.s("\n");
            }
        }
    }
    c.finish()?;
    Ok(0)
}

/// One section of the listing.
#[inline(never)]
fn section(c: &mut Ctx, kind: Kind, view: View) {
    match view {
        View::Limits => limits(c, kind),
        View::Status => status(c, kind),
        // util-linux has no PID view of semaphores.
        View::Pid if kind == Kind::Sem => {}
        _ => {
            header(c, kind, view);
            each(kind, &mut |o| row(c, kind, view, o));
        }
    }
}

/// `msqid`, `shmid`, `semid`.
fn id_word(kind: Kind) -> &'static str {
    match kind {
        Kind::Msg => "msqid",
        Kind::Shm => "shmid",
        Kind::Sem => "semid",
    }
}

/// The title and column heads of a listing.
fn header(c: &mut Ctx, kind: Kind, view: View) {
    let human = c.unit == Unit::Human;
    let (title, heads) = match (view, kind) {
        (View::List, Kind::Msg) => (
            "Message Queues",
            if human {
                "key        msqid      owner      perms      size         messages    \n"
            } else {
                "key        msqid      owner      perms      used-bytes   messages    \n"
            },
        ),
        (View::List, Kind::Shm) => (
            "Shared Memory Segments",
            if human {
                "key        shmid      owner      perms      size       nattch     status      \n"
            } else {
                "key        shmid      owner      perms      bytes      nattch     status      \n"
            },
        ),
        (View::List, Kind::Sem) => (
            "Semaphore Arrays",
            "key        semid      owner      perms      nsems     \n",
        ),
        (View::Creator, _) => {
            let title = match kind {
                Kind::Msg => "Message Queues Creators/Owners",
                Kind::Shm => "Shared Memory Segment Creators/Owners",
                Kind::Sem => "Semaphore Arrays Creators/Owners",
            };
            c.title(title).s(id_word(kind));
            (
                "",
                "      perms      cuid       cgid       uid        gid       \n",
            )
        }
        (View::Time, Kind::Msg) => (
            "Message Queues Send/Recv/Change Times",
            "msqid    owner      send                 recv                 change              \n",
        ),
        (View::Time, Kind::Shm) => (
            "Shared Memory Attach/Detach/Change Times",
            "shmid      owner      attached             detached             changed             \n",
        ),
        (View::Time, Kind::Sem) => (
            "Semaphore Operation/Change Times",
            "semid    owner      last-op                    last-changed              \n",
        ),
        (_, Kind::Msg) => (
            "Message Queues PIDs",
            "msqid      owner      lspid      lrpid     \n",
        ),
        _ => (
            "Shared Memory Creator/Last-op PIDs",
            "shmid      owner      cpid       lpid      \n",
        ),
    };
    if !title.is_empty() {
        c.title(title);
    }
    c.s(heads);
}

/// One object's row.
fn row(c: &mut Ctx, kind: Kind, view: View, o: &Obj) {
    // msg and sem times and msg PIDs have 8-wide ids.
    let narrow = match view {
        View::Time => kind != Kind::Shm,
        View::Pid => kind == Kind::Msg,
        _ => false,
    };
    if view == View::List {
        c.key(o.key).sp();
    }
    c.dec(o.id, if narrow { -8 } else { -10 }).sp();
    match (view, kind) {
        (View::List, _) => {
            c.owner(o.uid).sp().perms(o.mode).sp();
            match kind {
                Kind::Msg => c.size_column(o.size, -12).sp().dec(o.count, -12),
                Kind::Shm => c
                    .size_column(o.size, -10)
                    .sp()
                    .dec(o.count, -10)
                    .sp()
                    .shm_status(o.mode),
                Kind::Sem => c.dec(o.size, -10),
            };
        }
        (View::Creator, _) => {
            c.perms(o.mode).sp().user(o.cuid).sp().group(o.cgid).sp();
            c.user(o.uid).sp().group(o.gid);
        }
        (View::Time, Kind::Sem) => {
            c.owner(o.uid)
                .s("  ")
                .time(o.times[0], Time::Full, -26)
                .sp();
            c.time(o.ctime, Time::Full, -26);
        }
        (View::Time, _) => {
            c.owner(o.uid).sp().time(o.times[0], Time::Short, -20).sp();
            c.time(o.times[1], Time::Short, -20)
                .sp()
                .time(o.ctime, Time::Short, -20);
        }
        (_, Kind::Msg) => {
            c.owner(o.uid)
                .s("  ")
                .dec(o.pids[0], 5)
                .s("     ")
                .dec(o.pids[1], 5);
        }
        _ => {
            c.owner(o.uid)
                .sp()
                .dec(o.pids[0], -10)
                .sp()
                .dec(o.pids[1], -10);
        }
    }
    c.s("\n");
}

/// `-l`: the limits of `kind`, from /proc/sys/kernel or else `IPC_INFO`.
#[inline(never)]
fn limits(c: &mut Ctx, kind: Kind) {
    let mut v = [0i64; 4];
    let ok = match kind {
        Kind::Msg => {
            (kernel_numbers(c"/proc/sys/kernel/msgmni", &mut v[0..1])
                && kernel_numbers(c"/proc/sys/kernel/msgmax", &mut v[1..2])
                && kernel_numbers(c"/proc/sys/kernel/msgmnb", &mut v[2..3]))
                || ipc::msgctl_info(ipc::IPC_INFO)
                    .map(|(_, i)| v = [i.msgmni as i64, i.msgmax as i64, i.msgmnb as i64, 0])
                    .is_ok()
        }
        Kind::Shm => {
            (kernel_numbers(c"/proc/sys/kernel/shmmni", &mut v[0..1])
                && kernel_numbers(c"/proc/sys/kernel/shmmax", &mut v[1..2])
                && kernel_numbers(c"/proc/sys/kernel/shmall", &mut v[2..3]))
                || ipc::shmctl_ipc_info()
                    .map(|(_, i)| v = [i.shmmni as i64, i.shmmax as i64, i.shmall as i64, 0])
                    .is_ok()
        }
        Kind::Sem => {
            // /proc order: semmsl semmns semopm semmni.
            kernel_numbers(c"/proc/sys/kernel/sem", &mut v)
                || ipc::semctl_info(ipc::IPC_INFO)
                    .map(|(_, i)| {
                        v = [
                            i.semmsl as i64,
                            i.semmns as i64,
                            i.semopm as i64,
                            i.semmni as i64,
                        ]
                    })
                    .is_ok()
        }
    };
    if !ok {
        c.s(match kind {
            Kind::Msg => "unable to fetch message limits\n",
            Kind::Shm => "unable to fetch shared memory limits\n",
            Kind::Sem => "unable to fetch semaphore limits\n",
        });
        return;
    }
    match kind {
        Kind::Msg => {
            c.title("Messages Limits")
                .kv("max queues system wide = ", v[0]);
            c.s("\nmax size of message").labelled(Unit::Bytes, v[1]);
            c.s("\ndefault max size of queue")
                .labelled(Unit::Bytes, v[2])
                .s("\n");
        }
        Kind::Shm => shm_limits(c, v),
        Kind::Sem => {
            c.title("Semaphore Limits")
                .kv("max number of arrays = ", v[3]);
            c.kv("\nmax semaphores per array = ", v[0]);
            c.kv("\nmax semaphores system wide = ", v[1]);
            c.kv("\nmax ops per semop call = ", v[2]);
            c.s("\nsemaphore max value = 32767\n");
        }
    }
}

/// The shm limits: shmmni, shmmax, shmall (in pages).
fn shm_limits(c: &mut Ctx, [mni, max, all, _]: [i64; 4]) {
    // shmall in kbytes (no unit chosen) or bytes, saturating.
    let pg = crate::sys::proc::page_size();
    let m = if c.unit == Unit::Default {
        (pg / 1024).max(1)
    } else {
        pg
    };
    let total = (all as u64)
        .checked_mul(m)
        .unwrap_or(u64::MAX - u64::MAX % m) as i64;
    c.title("Shared Memory Limits")
        .kv("max number of segments = ", mni);
    c.s("\nmax seg size").labelled(Unit::KBytes, max);
    if c.unit == Unit::Default {
        c.s("\nmax total shared memory (kbytes) = ").size(total);
    } else {
        c.s("\nmax total shared memory")
            .labelled(Unit::Default, total);
    }
    c.s("\nmin seg size").labelled(Unit::Bytes, 1).s("\n");
}

/// `-u`: the status of `kind`, from the `*_INFO` syscalls (like util-linux).
#[inline(never)]
fn status(c: &mut Ctx, kind: Kind) {
    let ok = match kind {
        Kind::Msg => ipc::msgctl_info(ipc::MSG_INFO).map(|(_, i)| {
            c.title("Messages Status")
                .kv("allocated queues = ", i.msgpool as i64);
            c.kv("\nused headers = ", i.msgmap as i64);
            c.s("\nused space").labelled(Unit::Default, i.msgtql as i64);
            if c.unit == Unit::Default {
                c.s(" bytes");
            }
            c.s("\n");
        }),
        Kind::Shm => ipc::shmctl_shm_info().map(|(_, i)| {
            c.title("Shared Memory Status")
                .kv("segments allocated ", i.used_ids as i64);
            c.kv("\npages allocated ", i.shm_tot as i64);
            c.kv("\npages resident  ", i.shm_rss as i64);
            c.kv("\npages swapped   ", i.shm_swp as i64);
            c.kv("\nSwap performance: ", i.swap_attempts as i64);
            c.kv(" attempts\t ", i.swap_successes as i64)
                .s(" successes\n");
        }),
        Kind::Sem => ipc::semctl_info(ipc::SEM_INFO).map(|(_, i)| {
            c.title("Semaphore Status")
                .kv("used arrays = ", i.semusz as i64);
            c.kv("\nallocated semaphores = ", i.semaem as i64).s("\n");
        }),
    };
    if ok.is_err() {
        c.s(kind.not_configured()).s("\n");
    }
}

/// `-i ID`: the details of one object.
#[inline(never)]
fn detail(c: &mut Ctx, kind: Kind, id: i32) -> Res {
    let mut found = None;
    each(kind, &mut |o| {
        // util-linux shows the first object for a negative id.
        if found.is_none() && (id < 0 || o.id == id as i64) {
            found = Some(*o);
        }
    });
    let Some(mut o) = found else {
        cli::warnx(&crate::cat!("id ", id, " not found"));
        return Ok(());
    };
    if kind == Kind::Msg && id >= 0 {
        o.qbytes = ipc::msgctl_stat(id, ipc::IPC_STAT).map_or(0, |(_, d)| d.msg_qbytes as i64);
    }
    let real = o.id as i32;
    o.id = id as i64;
    if kind != Kind::Sem {
        detail_text(c, kind, &o);
        return Ok(());
    }
    // Semaphore values: all read once before anything is printed (a
    // failure prints nothing but the error, like util-linux), then again
    // while printing.
    let n = o.size.clamp(0, 65536) as i32;
    for i in 0..n {
        sem_values(real, i)?;
    }
    detail_text(c, kind, &o);
    for i in 0..n {
        let v = sem_values(real, i)?;
        c.dec(i as i64, -10);
        for x in v {
            c.sp().dec(x as i64, -10);
        }
        c.s("\n");
    }
    c.s("\n");
    Ok(())
}

/// What `-s -i` shows of each semaphore: value, waiters for increase and
/// for zero, last pid; with util-linux's complaint when a call fails.
const SEM_GETS: [(i32, &str); 4] = [
    (ipc::GETVAL, "semctl(GETVAL) failed"),
    (ipc::GETNCNT, "semctl(GETNCNT) failed"),
    (ipc::GETZCNT, "semctl(GETZCNT) failed"),
    (ipc::GETPID, "semctl(GETPID) failed"),
];

/// Semaphore `i`'s [`SEM_GETS`] values.
fn sem_values(id: i32, i: i32) -> Res<[i32; 4]> {
    let mut v = [0; 4];
    for (x, (cmd, what)) in v.iter_mut().zip(SEM_GETS) {
        *x = ipc::semctl_get(id, i, cmd).map_err(|e| cli::err(what.as_bytes(), e))?;
    }
    Ok(v)
}

/// The `-i` text of an object (for semaphores, up to the value table's
/// head).
fn detail_text(c: &mut Ctx, kind: Kind, o: &Obj) {
    let (title, sep) = match kind {
        Kind::Msg => ("\nMessage Queue msqid=", "\t"),
        Kind::Shm => ("\nShared memory Segment shmid=", "\t"),
        Kind::Sem => ("\nSemaphore Array semid=", "\t "),
    };
    c.kv(title, o.id).kv("\nuid=", o.uid);
    c.s(sep).kv("gid=", o.gid).s(sep).kv("cuid=", o.cuid);
    c.s(sep).kv("cgid=", o.cgid);
    match kind {
        Kind::Msg => {
            c.s("\tmode=")
                .alt_octal(o.mode)
                .s("\nc")
                .bytes_word()
                .s("=")
                .size(o.size);
            c.s("\tq").bytes_word().s("=").size(o.qbytes);
            c.kv("\tqnum=", o.count).kv("\tlspid=", o.pids[0]);
            c.kv("\tlrpid=", o.pids[1]);
            c.s("\nsend_time=").time(o.times[0], Time::Full, -26);
            c.s("\nrcv_time=").time(o.times[1], Time::Full, -26);
            c.s("\nchange_time=")
                .time(o.ctime, Time::Full, -26)
                .s("\n\n");
        }
        Kind::Shm => {
            c.s("\nmode=")
                .alt_octal(o.mode)
                .s("\taccess_perms=")
                .alt_octal(o.mode & 0o777);
            c.s("\n")
                .bytes_word()
                .s("=")
                .size(o.size)
                .kv("\tlpid=", o.pids[1]);
            c.kv("\tcpid=", o.pids[0]).kv("\tnattch=", o.count);
            c.s("\natt_time=").time(o.times[0], Time::Full, -26);
            c.s("\ndet_time=").time(o.times[1], Time::Full, -26);
            c.s("\nchange_time=")
                .time(o.ctime, Time::Always, -26)
                .s("\n\n");
        }
        Kind::Sem => {
            c.s("\nmode=")
                .alt_octal(o.mode)
                .s(", access_perms=")
                .alt_octal(o.mode & 0o777);
            c.kv("\nnsems = ", o.size);
            c.s("\notime = ").time(o.times[0], Time::Full, -26);
            c.s("\nctime = ").time(o.ctime, Time::Always, -26);
            c.s("\nsemnum     value      ncount     zcount     pid       \n");
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn options_match_help() {
        crate::cli::check_help(super::OPTS, super::HELP_SRC);
    }
}
