//! ipcmk: real SysV and POSIX objects, created in private namespaces and
//! checked from outside (/proc/sysvipc as seen in the namespace,
//! /proc/PID/root/dev/{shm,mqueue}); the host's objects are never touched.

mod common;
mod ipc_support;
use common::*;
use ipc_support::*;
use std::os::unix::fs::{MetadataExt, PermissionsExt};

#[test]
fn creates_each_sysv_kind_in_order() {
    if !need_root("creates_each_sysv_kind_in_order") {
        return;
    }
    let (l, ns) = (Links::new(), IpcNs::new());
    // Options in any order; output in util-linux's order: shm, msg, sem.
    let o = ns.run(
        &l,
        "ipcmk",
        &["-S", "3", "-Q", "--shmem=4096", "-p", "0600"],
    );
    assert_code(&o, 0);
    let out = stdout(&o);
    let labels: Vec<_> = out.lines().map(|l| l.rsplit_once(' ').unwrap().0).collect();
    assert_eq!(
        labels,
        ["Shared memory id:", "Message queue id:", "Semaphore id:"]
    );
    assert_eq!(stderr(&o), "");
    let id = ids(&o);
    let shm = row_of(&ns.sysvipc("shm"), id[0]);
    assert_eq!((&shm[2][..], &shm[3][..]), ("600", "4096"));
    let msg = row_of(&ns.sysvipc("msg"), id[1]);
    assert_eq!(msg[2], "600");
    let sem = row_of(&ns.sysvipc("sem"), id[2]);
    assert_eq!((&sem[2][..], &sem[3][..]), ("600", "3"));
    // Random, non-zero (not IPC_PRIVATE) keys, invisible from the host.
    for (what, r) in [("shm", &shm), ("msg", &msg), ("sem", &sem)] {
        assert_ne!(r[0], "0");
        assert!(
            !host_has_key(what, &r[0]),
            "{what} key {} on the host",
            r[0]
        );
    }
}

#[test]
fn sizes_modes_and_fresh_keys() {
    if !need_root("sizes_modes_and_fresh_keys") {
        return;
    }
    let (l, ns) = (Links::new(), IpcNs::new());
    for (size, bytes) in [
        ("1.5K", "1536"),
        ("2KiB", "2048"),
        ("1KB", "1000"),
        ("0x10", "16"),
    ] {
        let o = ns.run(&l, "ipcmk", &["-M", size]);
        assert_code(&o, 0);
        let r = row_of(&ns.sysvipc("shm"), ids(&o)[0]);
        assert_eq!((&r[2][..], &r[3][..]), ("644", bytes), "-M {size}");
    }
    let mut keys = std::collections::HashSet::new();
    for _ in 0..20 {
        let o = ns.run(&l, "ipcmk", &["--que", "--mode", "640"]); // abbreviated
        assert_code(&o, 0);
        let r = row_of(&ns.sysvipc("msg"), ids(&o)[0]);
        assert_eq!(r[2], "640");
        assert!(keys.insert(r[0].clone()), "key {} reused", r[0]);
    }
    assert_eq!(ns.sysvipc("msg").len(), 20);
}

#[test]
fn bad_inputs_exact_messages() {
    if !need_root("bad_inputs_exact_messages") {
        return;
    }
    let (l, ns) = (Links::new(), IpcNs::new());
    let long = format!("/{}", "x".repeat(300));
    let try_help = "Try 'ipcmk --help' for more information.\n";
    let cases: &[(&[&str], String)] = &[
        (&[], format!("ipcmk: bad usage\n{try_help}")),
        (
            &["-M", "10X"],
            "ipcmk: failed to parse size: '10X': Invalid argument\n".into(),
        ),
        (
            &["-M", "1KIB"],
            "ipcmk: failed to parse size: '1KIB': Invalid argument\n".into(),
        ),
        (
            &["-M", "-5"],
            "ipcmk: failed to parse size: '-5': Invalid argument\n".into(),
        ),
        (
            &["-M", "16E"],
            "ipcmk: failed to parse size: '16E': Numerical result out of range\n".into(),
        ),
        (
            &["-M", "0"],
            "ipcmk: create share memory failed: Invalid argument\n".into(),
        ),
        (
            &["-S", "x"],
            "ipcmk: failed to parse elements: 'x'\n".into(),
        ),
        (
            &["-S", "0"],
            "ipcmk: create semaphore failed: Invalid argument\n".into(),
        ),
        // util-linux HEAD's str2unum_or_err(optarg, 8, .., 07777).
        (
            &["-Q", "-p", "abc"],
            "ipcmk: failed to parse mode: 'abc'\n".into(),
        ),
        (
            &["-Q", "-p", "8"],
            "ipcmk: failed to parse mode: '8'\n".into(),
        ),
        (
            &["-Q", "-p", "64x"],
            "ipcmk: failed to parse mode: '64x'\n".into(),
        ),
        (
            &["-Q", "-p", ""],
            "ipcmk: failed to parse mode: ''\n".into(),
        ),
        (
            &["-Q", "-p", "100000"],
            "ipcmk: failed to parse mode: '100000': Numerical result out of range\n".into(),
        ),
        (
            &["-Q", "-p", "10000"],
            "ipcmk: failed to parse mode: '10000': Numerical result out of range\n".into(),
        ),
        (
            &["-Q", "-p", "-1"],
            "ipcmk: failed to parse mode: '-1': Numerical result out of range\n".into(),
        ),
        (
            &["-Q", "-p", "7777777777777777777777777"],
            "ipcmk: failed to parse mode: '7777777777777777777777777': \
             Numerical result out of range\n"
                .into(),
        ),
        (
            &["-q"],
            format!("ipcmk: name is required for POSIX IPC\n{try_help}"),
        ),
        (
            &["-Q", "-x"],
            format!(
                "{}: invalid option -- 'x'\n{try_help}",
                l.path("ipcmk").display()
            ),
        ),
        // Possibilities in util-linux's longopts order.
        (
            &["--posix", "-n", "/x"],
            format!(
                "{}: option '--posix' is ambiguous; possibilities: '--posix-shmem' \
                 '--posix-semaphore' '--posix-mqueue'\n{try_help}",
                l.path("ipcmk").display()
            ),
        ),
        // glibc names an ambiguous option with its =value.
        (
            &["--posix=1M", "-n", "/x"],
            format!(
                "{}: option '--posix=1M' is ambiguous; possibilities: '--posix-shmem' \
                 '--posix-semaphore' '--posix-mqueue'\n{try_help}",
                l.path("ipcmk").display()
            ),
        ),
        (
            &["-m", "10", "-n", "a/b"],
            "ipcmk: create POSIX shared memory failed: Invalid argument\n".into(),
        ),
        (
            &["-m", "10", "-n", &long],
            "ipcmk: create POSIX shared memory failed: File name too long\n".into(),
        ),
        (
            &["-q", "-n", "noslash"],
            "ipcmk: create POSIX message queue failed: Invalid argument\n".into(),
        ),
        (
            &["-q", "-n", &long],
            "ipcmk: create POSIX message queue failed: File name too long\n".into(),
        ),
    ];
    for (args, err) in cases {
        let o = ns.run(&l, "ipcmk", args);
        assert_code(&o, 1);
        assert_eq!(stderr(&o), *err, "ipcmk {args:?}");
        assert_eq!(stdout(&o), "", "ipcmk {args:?}");
    }
    assert!(ns.is_empty(), "a failed ipcmk left an object behind");
}

#[test]
fn posix_semaphore_is_refused_before_anything_is_created() {
    if !need_root("posix_semaphore_is_refused_before_anything_is_created") {
        return;
    }
    let (l, ns) = (Links::new(), IpcNs::new());
    let o = ns.run(&l, "ipcmk", &["-Q", "-s", "-n", "/x"]);
    assert_code(&o, 1);
    assert!(stderr(&o).starts_with("ipcmk: POSIX semaphore is not supported"));
    assert_eq!(stdout(&o), "");
    assert!(ns.is_empty());
}

#[test]
fn failure_removes_what_was_created() {
    if !need_root("failure_removes_what_was_created") {
        return;
    }
    let (l, ns) = (Links::new(), IpcNs::new());
    // util-linux would leave the segment and the queue behind.
    let o = ns.run(&l, "ipcmk", &["-M", "4096", "-Q", "-S", "0"]);
    assert_code(&o, 1);
    assert_eq!(
        stderr(&o),
        "ipcmk: create semaphore failed: Invalid argument\n"
    );
    assert_eq!(stdout(&o), "");
    assert!(ns.is_empty());
}

#[test]
fn seed_demo_queue_is_invisible_in_a_new_ipc_namespace() {
    if !need_root("seed_demo_queue_is_invisible_in_a_new_ipc_namespace") {
        return;
    }
    let (l, ns) = (Links::new(), IpcNs::new());
    let o = ns.run(&l, "ipcmk", &["-Q"]);
    assert_code(&o, 0);
    let key = row_of(&ns.sysvipc("msg"), ids(&o)[0])[0].clone();
    // `unshare -i ipcs -q` from inside: a new IPC namespace sees nothing.
    let mut c = std::process::Command::new("cat");
    c.arg("/proc/sysvipc/msg");
    ns.enter(&mut c);
    let inner = run(in_new_ns(&mut c, linux_raw_sys::general::CLONE_NEWIPC));
    assert_code(&inner, 0);
    assert!(rows(&stdout(&inner)).is_empty(), "{}", stdout(&inner));
    assert!(!host_has_key("msg", &key));
    assert_eq!(ns.sysvipc("msg").len(), 1);
    // The seed's shell form, with nsbox's own unshare.
    let script = "ipcmk -Q >/dev/null && unshare -i cat /proc/sysvipc/msg && echo -- && \
                  cat /proc/sysvipc/msg";
    let o = run(ns.enter(&mut l.sh(script)));
    assert_code(&o, 0);
    let t = stdout(&o);
    let (inside, outside) = t.split_once("--\n").expect("two tables");
    assert_eq!(rows(inside).len(), 0, "{t}");
    assert_eq!(rows(outside).len(), 2, "{t}");
}

#[test]
fn posix_shm_and_mqueue() {
    if !need_root("posix_shm_and_mqueue") {
        return;
    }
    let l = Links::new();
    let name = format!("nsbox_mk_{}", std::process::id());
    let script = format!(
        "ipcmk --posix-shmem 1M -q -n /{name} -p 0640 && pause && \
         ipcmk -m 8K -n {name} && stat -c %s /dev/shm/{name} && \
         ipcrm --posix-shmem {name} --posix-mqueue /{name} && ls -A /dev/shm /dev/mqueue"
    );
    let check = |pid: u32| {
        let shm = std::fs::metadata(dev_of(pid, &format!("shm/{name}"))).unwrap();
        assert_eq!(shm.len(), 1 << 20);
        assert_eq!(shm.permissions().mode() & 0o7777, 0o640);
        assert_eq!(shm.uid(), 0);
        let mq = std::fs::metadata(dev_of(pid, &format!("mqueue/{name}"))).unwrap();
        assert_eq!(mq.permissions().mode() & 0o7777, 0o640);
        let q = std::fs::read_to_string(dev_of(pid, &format!("mqueue/{name}"))).unwrap();
        assert!(q.starts_with("QSIZE:0 "), "{q}");
        assert!(!std::path::Path::new(&format!("/dev/shm/{name}")).exists());
    };
    let o = posix_script(&l, &script, Some(&check));
    assert_code(&o, 0);
    assert_eq!(
        stdout(&o),
        format!(
            "POSIX shared memory name: /{name}\nPOSIX message queue name: /{name}\n\
             POSIX shared memory name: {name}\n8192\n/dev/mqueue:\n\n/dev/shm:\n"
        )
    );
    assert_eq!(stderr(&o), "");
}
