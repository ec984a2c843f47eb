//! ipcrm: removal by id, key and name, `-a`, the legacy form, the
//! per-object warnings and exit status, as root and as an unprivileged
//! user; always inside private IPC (and, for POSIX objects and `-a`, mount)
//! namespaces, checked from outside.

mod common;
mod ipc_support;
use common::*;
use ipc_support::*;

/// Creates one object with ipcmk; returns (id, key as in /proc/sysvipc).
fn make(ns: &IpcNs, l: &Links, what: &str, args: &[&str]) -> (i64, i64) {
    let o = ns.run(l, "ipcmk", args);
    assert_code(&o, 0);
    let id = ids(&o)[0];
    let key = row_of(&ns.sysvipc(what), id)[0].parse().unwrap();
    (id, key)
}

#[test]
fn removes_by_id_and_by_key() {
    if !need_root("removes_by_id_and_by_key") {
        return;
    }
    let (l, ns) = (Links::new(), IpcNs::new());
    let (shm, _) = make(&ns, &l, "shm", &["-M", "4096"]);
    let (_, qkey) = make(&ns, &l, "msg", &["-Q"]);
    let (_, skey) = make(&ns, &l, "sem", &["-S", "2"]);
    let (sem2, _) = make(&ns, &l, "sem", &["-S", "1"]);
    let (msg2, _) = make(&ns, &l, "msg", &["-Q"]);
    let qhex = format!("{:#x}", qkey as u32);
    let o = ns.run(
        &l,
        "ipcrm",
        &[
            "-m",
            &shm.to_string(),
            "-Q",
            &qhex,
            "--semaphore-key",
            &skey.to_string(),
        ],
    );
    assert_code(&o, 0);
    assert_eq!((stdout(&o), stderr(&o)), (String::new(), String::new()));
    let o = ns.run(
        &l,
        "ipcrm",
        &["--semaphore-i", &sem2.to_string(), "-q", &msg2.to_string()],
    );
    assert_code(&o, 0);
    assert!(ns.is_empty());
}

#[test]
fn verbose_and_legacy_forms() {
    if !need_root("verbose_and_legacy_forms") {
        return;
    }
    let (l, ns) = (Links::new(), IpcNs::new());
    let (q, _) = make(&ns, &l, "msg", &["-Q"]);
    let (m, _) = make(&ns, &l, "shm", &["-M", "10"]);
    let (s, _) = make(&ns, &l, "sem", &["-S", "1"]);
    let o = ns.run(
        &l,
        "ipcrm",
        &["-v", "-q", &q.to_string(), "-m", &m.to_string()],
    );
    assert_code(&o, 0);
    assert_eq!(
        stdout(&o),
        format!("removing message queue id `{q}'\nremoving shared memory segment id `{m}'\n")
    );
    let o = ns.run(&l, "ipcrm", &["sem", &s.to_string()]);
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "resource(s) deleted\n");
    assert!(ns.is_empty());
    let (a, _) = make(&ns, &l, "msg", &["-Q"]);
    let (b, _) = make(&ns, &l, "msg", &["-Q"]);
    let o = ns.run(&l, "ipcrm", &["msg", &a.to_string(), &b.to_string()]);
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "resource(s) deleted\n");
    assert!(ns.is_empty());
}

#[test]
fn every_argument_is_processed_after_a_failure() {
    if !need_root("every_argument_is_processed_after_a_failure") {
        return;
    }
    let (l, ns) = (Links::new(), IpcNs::new());
    let (q, _) = make(&ns, &l, "msg", &["-Q"]);
    let (s, _) = make(&ns, &l, "sem", &["-S", "1"]);
    let o = ns.run(
        &l,
        "ipcrm",
        &[
            "-q",
            "77777",
            "-q",
            &q.to_string(),
            "-M",
            "0x4321",
            "-s",
            &s.to_string(),
            "-s",
            &s.to_string(),
        ],
    );
    assert_code(&o, 1);
    assert_eq!(
        stderr(&o),
        format!(
            "ipcrm: invalid id (77777)\nipcrm: invalid key (0x4321)\nipcrm: invalid id ({s})\n"
        )
    );
    assert!(ns.is_empty());
    // The legacy form: no "resource(s) deleted" after a failure.
    let (m, _) = make(&ns, &l, "shm", &["-M", "10"]);
    let o = ns.run(&l, "ipcrm", &["shm", "x", &m.to_string(), "5"]);
    assert_code(&o, 1);
    assert_eq!(stderr(&o), "ipcrm: invalid id: x\nipcrm: invalid id (5)\n");
    assert_eq!(stdout(&o), "");
    assert!(ns.is_empty());
}

#[test]
fn bad_inputs_exact_messages() {
    if !need_root("bad_inputs_exact_messages") {
        return;
    }
    let (l, ns) = (Links::new(), IpcNs::new());
    let try_help = "Try 'ipcrm --help' for more information.\n";
    let cases: &[(&[&str], String)] = &[
        (&[], format!("ipcrm: bad usage\n{try_help}")),
        (&["-M", "0"], "ipcrm: illegal key (0)\n".into()),
        (&["-Q", "0x0"], "ipcrm: illegal key (0x0)\n".into()),
        (
            &["-m", "x"],
            "ipcrm: failed to parse argument: 'x'\n".into(),
        ),
        (
            &["-q", "12x"],
            "ipcrm: failed to parse argument: '12x'\n".into(),
        ),
        (
            &["-S", "key"],
            "ipcrm: failed to parse argument: 'key'\n".into(),
        ),
        (
            &["-s", "99999999999"],
            "ipcrm: failed to parse argument: '99999999999': Numerical result out of range\n"
                .into(),
        ),
        (&["-m", "-1"], "ipcrm: invalid id (-1)\n".into()),
        (&["-S", "1234"], "ipcrm: invalid key (1234)\n".into()),
        (&["shm"], format!("ipcrm: not enough arguments\n{try_help}")),
        (
            &["-q", "1", "extra"],
            format!("ipcrm: invalid id (1)\nipcrm: unknown argument: extra\n{try_help}"),
        ),
        (&["-ax"], "ipcrm: unknown argument: x\n".into()),
        (
            &["--posix-mqueue", "noslash"],
            "ipcrm: name failed: Invalid argument\n".into(),
        ),
        (
            &["--posix-shmem", "a/b"],
            "ipcrm: name failed: Invalid argument\n".into(),
        ),
        (
            &["-z"],
            format!(
                "{}: invalid option -- 'z'\n{try_help}",
                l.path("ipcrm").display()
            ),
        ),
    ];
    for (args, err) in cases {
        let o = ns.run(&l, "ipcrm", args);
        assert_code(&o, 1);
        assert_eq!(stderr(&o), *err, "ipcrm {args:?}");
        assert_eq!(stdout(&o), "", "ipcrm {args:?}");
    }
}

#[test]
fn permission_denied_as_unprivileged_user() {
    if !need_root("permission_denied_as_unprivileged_user") {
        return;
    }
    let (l, ns) = (Links::new(), IpcNs::new());
    let (q, qkey) = make(&ns, &l, "msg", &["-Q", "-p", "600"]);
    let (m, mkey) = make(&ns, &l, "shm", &["-M", "100", "-p", "666"]);
    let o = ns.run_as_nobody(
        &l,
        "ipcrm",
        &[
            "-q",
            &q.to_string(),
            "-Q",
            &qkey.to_string(),
            "-M",
            &mkey.to_string(),
        ],
    );
    assert_code(&o, 1);
    // A key lookup (flags 0) needs no permission, the removal does; then
    // util-linux names the object by its id, not its key.
    assert_eq!(
        stderr(&o),
        format!(
            "ipcrm: permission denied for id ({q})\nipcrm: permission denied for key ({q})\n\
             ipcrm: permission denied for key ({m})\n"
        )
    );
    assert_eq!(ns.sysvipc("msg").len() + ns.sysvipc("shm").len(), 2);
}

#[test]
fn posix_names_and_their_errors() {
    if !need_root("posix_names_and_their_errors") {
        return;
    }
    let l = Links::new();
    let long = "x".repeat(300);
    let script = format!(
        "ipcmk -m 10 -q -n /pq >/dev/null && : > /dev/shm/sem.ps && pause && \
         ipcrm -v --posix-shmem pq --posix-mqueue /pq --posix-semaphore ps; echo rc=$?; \
         ipcrm --posix-shmem pq --posix-mqueue /pq --posix-semaphore ps --posix-shmem {long}; \
         echo rc=$?; ipcmk -m 1 -n owned >/dev/null; \
         setpriv --reuid=65534 --regid=65534 --clear-groups ipcrm --posix-shmem /owned; echo rc=$?; \
         ls -A /dev/shm /dev/mqueue"
    );
    let check = |pid: u32| {
        for f in ["shm/pq", "shm/sem.ps", "mqueue/pq"] {
            assert!(dev_of(pid, f).exists(), "{f}");
        }
    };
    let o = posix_script(&l, &script, Some(&check));
    assert_code(&o, 0);
    assert_eq!(
        stdout(&o),
        "removing POSIX shared memory `pq'\nremoving POSIX message queue `/pq'\n\
         removing POSIX semaphore `ps'\nrc=0\nrc=1\nrc=1\n/dev/mqueue:\n\n/dev/shm:\nowned\n"
    );
    assert_eq!(
        stderr(&o),
        format!(
            "ipcrm: name `pq' not found\nipcrm: name `/pq' not found\nipcrm: name `ps' not found\n\
             ipcrm: name `{long}' too long\nipcrm: permission denied for name `/owned'\n"
        )
    );
}

#[test]
fn all_removes_everything_in_the_namespace_only() {
    if !need_root("all_removes_everything_in_the_namespace_only") {
        return;
    }
    let l = Links::new();
    let script = "ipcmk -M 10 -Q -S 1 >/dev/null && ipcmk -Q -M 20 -m 5 -q -n /pa >/dev/null && \
         : > /dev/shm/sem.sa && pause && \
         ipcrm --all=msg && sed 1d /proc/sysvipc/msg && ipcrm -apshm && ls /dev/shm && \
         ipcrm -v -a; echo rc=$?; for t in shm msg sem; do sed 1d /proc/sysvipc/$t; done; \
         ls -A /dev/shm /dev/mqueue; umount /dev/mqueue && rmdir /dev/mqueue; ipcrm -apmsg; echo rc=$?";
    let check = |pid: u32| {
        // From outside: the objects exist in the namespace (its /dev and
        // its /proc/sysvipc), not on the host.
        assert!(dev_of(pid, "shm/pa").exists() && dev_of(pid, "mqueue/pa").exists());
        assert!(!std::path::Path::new("/dev/shm/pa").exists());
        let mut c = std::process::Command::new("cat");
        c.arg("/proc/sysvipc/msg");
        let f = std::fs::File::open(format!("/proc/{pid}/ns/ipc")).unwrap();
        // SAFETY: only setns runs between fork and exec.
        unsafe {
            use std::os::fd::AsFd;
            use std::os::unix::process::CommandExt;
            c.pre_exec(move || {
                rustix::thread::move_into_link_name_space(f.as_fd(), None)
                    .map_err(std::io::Error::from)
            });
        }
        assert_eq!(rows(&stdout(&run(&mut c))).len(), 2);
    };
    let o = posix_script(&l, script, Some(&check));
    assert_code(&o, 0);
    // The tables' rows (sed 1d drops their headers) are empty after each
    // removal. -a removes shm (ids 0, 1), pshm, sem, psem, pmsg in util-linux's order,
    // and announces each POSIX object twice with -v, as util-linux does.
    assert_eq!(
        stdout(&o),
        "sem.sa\nremoving shared memory segment id `0'\nremoving shared memory segment id `1'\n\
         removing semaphore id `0'\n\
         removing POSIX semaphore `sa'\nremoving POSIX semaphore `sa'\n\
         removing POSIX message queue `/pa'\nremoving POSIX message queue `/pa'\n\
         rc=0\n/dev/mqueue:\n\n/dev/shm:\nrc=0\n"
    );
    assert_eq!(
        stderr(&o),
        "ipcrm: /dev/mqueue does not seem to be mounted. Use 'mount -t mqueue none /dev/mqueue' to mount it.\n"
    );
}

#[test]
fn no_host_objects_left() {
    // The host's /dev/shm never sees the names these tests use.
    for n in ["pq", "sem.ps", "owned", "pa", "sem.sa"] {
        assert!(
            !std::path::Path::new("/dev/shm").join(n).exists(),
            "{n} leaked"
        );
    }
}
