//! lsns: real namespaces (made with in_new_ns, Debian's unshare, bind
//! mounts and `ip netns`), checked against /proc/PID/ns/* and against
//! util-linux's own lsns (2.38) where 2.38 has the feature.

mod common;
use common::*;
use linux_raw_sys::general::{CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWUTS};
use std::process::{Command, Output};

const UL_LSNS: &str = "/usr/bin/lsns";

/// The inode in a `readlink /proc/PID/ns/X` text (`uts:[4026531838]`).
fn ino(link: &str) -> String {
    link.split('[')
        .nth(1)
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or_else(|| panic!("bad ns link {link}"))
        .to_owned()
}

fn lsns(l: &Links, args: &[&str]) -> Output {
    qemu_ioctls_forgiven(lsns_raw(l, args))
}

/// lsns exactly as it answered.
fn lsns_raw(l: &Links, args: &[&str]) -> Output {
    run(l
        .cmd("lsns")
        .args(args)
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL"))
}

/// Under qemu-user lsns warns `Unsupported ioctl NS_GET_*` and exits 2 as
/// soon as it asks the relations of a namespace without processes: qemu does
/// not pass those ioctls on, and any test running in parallel may hold such a
/// namespace (by fd or bind mount). That outcome is qemu's, not the test's:
/// there the warning is dropped and exit 2 read as 0, so each test still
/// checks its own rows exactly. The same holds for a 32-bit lsns on a 64-bit
/// kernel before 6.3 (no compat nsfs ioctls). Nothing changes where the
/// ioctls answer.
fn qemu_ioctls_forgiven(mut o: Output) -> Output {
    use std::os::unix::process::ExitStatusExt;
    if nsfs_ioctls() {
        return o;
    }
    let e = stderr(&o);
    let kept: String = e
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("lsns: Unsupported ioctl "))
        .collect();
    if kept.len() != e.len() {
        if o.status.code() == Some(2) {
            o.status = std::process::ExitStatus::from_raw(0);
        }
        o.stderr = kept.into_bytes();
    }
    o
}

/// A shell `sleep 100 & exec sleep 101` in fresh UTS and IPC namespaces:
/// two processes (parent and child) in each. Both are killed on drop.
struct Pair {
    child: Child,
    grand: u32,
    _d: TempDir,
}

impl Pair {
    fn new() -> Pair {
        let d = TempDir::new("lsns");
        let f = d.join("pid");
        let script = format!(
            "sleep 100 & echo $! > {0}.t && mv {0}.t {0} && exec sleep 101",
            f.display()
        );
        let mut c = Command::new("sh");
        c.args(["-c", &script]);
        let child = Child::spawn(in_new_ns(&mut c, CLONE_NEWUTS | CLONE_NEWIPC));
        wait_for(&f);
        let grand = std::fs::read_to_string(&f).unwrap().trim().parse().unwrap();
        // Both must have exec'd sleep before lsns looks at them.
        for (pid, want) in [
            (child.pid(), &b"sleep\x00101\x00"[..]),
            (grand, b"sleep\x00100\x00"),
        ] {
            let cmdline = format!("/proc/{pid}/cmdline");
            for _ in 0..1000 {
                if std::fs::read(&cmdline).unwrap_or_default() == want {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        }
        Pair {
            child,
            grand,
            _d: d,
        }
    }
    fn pid(&self) -> u32 {
        self.child.pid()
    }
}

impl Drop for Pair {
    fn drop(&mut self) {
        // No `kill` binary in the VM's initramfs: signal it directly.
        if let Some(p) = rustix::process::Pid::from_raw(self.grand as i32) {
            let _ = rustix::process::kill_process(p, rustix::process::Signal::KILL);
        }
    }
}

/// Exit 0; or, under qemu-user, 2 with only lsns's "Unsupported ioctl"
/// warning (qemu-user has no NS_GET_* ioctls, and whether lsns needs one
/// depends on which namespaces other processes hold by fd at the moment).
fn assert_ok_or_qemu_ioctls(o: &std::process::Output) {
    if qemu_user() && o.status.code() == Some(2) {
        let e = stderr(o);
        assert!(
            e.lines().all(|l| l.starts_with("lsns: Unsupported ioctl ")),
            "{e}"
        );
        return;
    }
    assert_code(o, 0);
}

#[test]
fn process_tree_in_private_namespaces() {
    if !need_root("process_tree_in_private_namespaces") {
        return;
    }
    let l = Links::new();
    let p = Pair::new();
    let pid = p.pid().to_string();
    let me = std::process::id().to_string();
    let uts = ino(&ns_link(&pid, "uts"));
    let ipc = ino(&ns_link(&pid, "ipc"));
    assert_ne!(uts, ino(&ns_link("self", "uts")));
    let o = lsns(
        &l,
        &[
            "-r",
            "-n",
            "-o",
            "NS,TYPE,NPROCS,PID,PPID,COMMAND",
            "-p",
            &pid,
        ],
    );
    assert_ok_or_qemu_ioctls(&o);
    let out = stdout(&o);
    assert!(
        out.contains(&format!("{uts} uts 2 {pid} {me} sleep\\x20101\n")),
        "{out}"
    );
    assert!(
        out.contains(&format!("{ipc} ipc 2 {pid} {me} sleep\\x20101\n")),
        "{out}"
    );
    // Every namespace of the process is listed, with the kernel's inodes.
    let kinds = ["mnt", "net", "pid", "uts", "ipc", "user", "cgroup", "time"];
    for k in kinds_here("process_tree_in_private_namespaces", &kinds) {
        let i = ino(&ns_link(&pid, k));
        assert!(out.contains(&format!("{i} {k} ")), "{k} {i} missing: {out}");
    }
    // The namespace's own view: its processes as a tree.
    let o = lsns(&l, &[&uts]);
    assert_ok_or_qemu_ioctls(&o);
    let g = p.grand.to_string();
    // Columns are as wide as their widest cell, at least their header, and
    // at least their width hint (5, as libsmartcols has it for PID and PPID)
    // when the cells are wider than the header (util-linux 2.42; 2.38 also
    // when they are as wide).
    let wid = |hdr: usize, xs: [&String; 2]| {
        let d = xs.iter().map(|x| x.len()).max().unwrap();
        if d <= hdr { hdr } else { d.max(5) }
    };
    let w1 = wid(3, [&pid, &g]);
    let w2 = wid(4, [&me, &pid]);
    assert_eq!(
        stdout(&o),
        format!(
            "{:>w1$} {:>w2$} USER COMMAND\n{pid:>w1$} {me:>w2$} root sleep 101\n{g:>w1$} {pid:>w2$} root └─sleep 100\n",
            "PID", "PPID"
        )
    );
    let o = run(l
        .cmd("lsns")
        .args(["-r", "-n", &uts])
        .env("LANG", "C")
        .env_remove("LC_ALL"));
    assert_eq!(
        stdout(&o),
        format!("{pid} {me} root sleep\\x20101\n{g} {pid} root `-sleep\\x20100\n")
    );
}

#[test]
fn task_lists_all_eight_types() {
    let l = Links::new();
    let me = std::process::id().to_string();
    let o = lsns(&l, &["-p", &me, "-n", "-o", "TYPE"]);
    assert_ok_or_qemu_ioctls(&o);
    let mut types: Vec<String> = stdout(&o).lines().map(|s| s.trim().to_owned()).collect();
    types.sort();
    let all = ["cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"];
    assert_eq!(types, kinds_here("task_lists_all_eight_types", &all));
}

/// Runs our lsns and util-linux's with the same arguments on the same
/// namespaces and compares the outputs.
fn same_as_util_linux(l: &Links, args: &[&str]) {
    // Both tools scan all of /proc; a process of a parallel test that exits
    // mid-scan can change either listing (util-linux 2.38 then fails with
    // exit 1), so a difference must persist over a few attempts.
    for attempt in 1.. {
        // In the C locale (ASCII tree art) both sides render the same
        // whatever locales the machine has installed.
        let ours = run(l
            .cmd("lsns")
            .args(args)
            .env("LANG", "C")
            .env_remove("LC_ALL"));
        let theirs = run(Command::new(UL_LSNS)
            .args(args)
            .env("LANG", "C")
            .env_remove("LC_ALL"));
        // 2.38 predates libsmartcols' a9ac4744f (2026): a column whose
        // widest cell is exactly as wide as its header no longer gets its
        // width hint (a 4-digit PPID). Widths are the business of the
        // width tests; tables are compared here cell by cell.
        let table = !args
            .iter()
            .any(|a| a.starts_with("-J") || a.starts_with("-r"));
        let cells = |s: String| match table {
            true => s
                .lines()
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ") + "\n")
                .collect(),
            false => s,
        };
        let (a, b) = (
            (cells(stdout(&ours)), ours.status.code()),
            (cells(stdout(&theirs)), theirs.status.code()),
        );
        if a == b {
            return;
        }
        if attempt == 5 {
            assert_eq!(a, b, "lsns {args:?}\nstderr: {}", stderr(&ours));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn output_modes_match_util_linux() {
    if !compat_nsfs_ioctls("output_modes_match_util_linux") {
        return;
    }
    if !need_root("output_modes_match_util_linux") {
        return;
    }
    if !std::path::Path::new(UL_LSNS).exists() {
        skip(
            "output_modes_match_util_linux",
            "util-linux lsns not installed",
        );
        return;
    }
    if !not_qemu_user(
        "output_modes_match_util_linux",
        "do the NS_GET ioctls that owner trees and PNS/ONS need",
    ) {
        return;
    }
    let l = Links::new();
    let p = Pair::new();
    let pid = p.pid().to_string();
    let uts = ino(&ns_link(&pid, "uts"));
    // Only the pair's private namespaces: their counts cannot change.
    let base = ["-t", "uts", "-t", "ipc", "-p", &pid];
    let modes: &[&[&str]] = &[
        &[],
        &["-l"],
        &["-r"],
        &["-J"],
        // Not -n: 2.38 pads to the header's width there (see
        // noheadings_widths_from_cells).
        &["-u"],
        &["-W"],
        &["--tree=process"],
        &[
            "-o",
            "NS,TYPE,PATH,NPROCS,PID,PPID,COMMAND,UID,USER,PNS,ONS",
        ],
        &["-o", "+PATH,UID"],
        &["--output-all", "-J"],
        &["--output-all", "-r"],
        &["-o", "ns,type,pid,command", "-r", "-n"],
    ];
    for m in modes {
        let mut a: Vec<&str> = base.to_vec();
        a.extend_from_slice(m);
        same_as_util_linux(&l, &a);
    }
    // Owner trees, over all the pair's namespaces (2.38 would add owners
    // of types not asked for with -t; 2.42 does not).
    for m in [
        &["-T"][..],
        &["-Towner", "-J"],
        &["--tree=owner", "-r"],
        &["-Tparent"],
    ] {
        let mut a: Vec<&str> = vec!["-p", &pid, "-o", "NS,TYPE,PID,USER,COMMAND,ONS"];
        a.extend_from_slice(m);
        same_as_util_linux(&l, &a);
    }
    // The namespace view (PID PPID USER COMMAND, process tree).
    for m in [
        &[][..],
        &["-J"],
        &["-r"],
        &["-l"],
        &["-J", "-l"],
        &["-o", "PID,TYPE"],
    ] {
        let mut a: Vec<&str> = vec![&uts];
        a.extend_from_slice(m);
        same_as_util_linux(&l, &a);
    }
    // Error cases.
    for a in [
        &["-t", "foo"][..],
        &["-p", "x"],
        &["-p", "99999999999"],
        &["abc"],
        &["123"],
        &["-o", "FOO"],
        &["-T", "foo"],
        &["-Tfoo"],
        &["-J", "-r"],
        &["-p", "1", "123"],
    ] {
        let ours = lsns(&l, a);
        let theirs = run(Command::new(UL_LSNS).args(a));
        assert_eq!(
            (stderr(&ours), ours.status.code()),
            (stderr(&theirs), theirs.status.code()),
            "lsns {a:?}"
        );
    }
}

#[test]
fn json_parses_back() {
    if !need_root("json_parses_back") {
        return;
    }
    if Command::new("python3").arg("-c").arg("1").output().is_err() {
        skip(
            "json_parses_back",
            "python3 (the JSON checker) is not installed here",
        );
        return;
    }
    let l = Links::new();
    let p = Pair::new();
    let pid = p.pid().to_string();
    let uts = ino(&ns_link(&pid, "uts"));
    let o = lsns_raw(&l, &["-J", "--output-all", "-p", &pid]);
    assert_code(&o, if qemu_user() { 2 } else { 0 });
    let py = r"import json,sys
d=json.load(sys.stdin)['namespaces']
for e in d:
  assert isinstance(e['ns'],int) and isinstance(e['nprocs'],int) and isinstance(e['pid'],int)
  assert isinstance(e['type'],str) and isinstance(e['command'],str)
  print(e['ns'],e['type'],e['nprocs'],e['pid'],e['command'],e['netnsid'],e['nsfs'])
";
    let mut c = Command::new("python3");
    c.args(["-c", py]).stdin(std::process::Stdio::piped());
    let out = pipe_to(&mut c, &o.stdout);
    assert!(
        out.contains(&format!("{uts} uts 2 {pid} sleep 101 None None\n")),
        "{out}"
    );
    assert_eq!(out.lines().count(), 8, "{out}");
    // A command with quotes, a backslash, a tab and UTF-8.
    let d = TempDir::new("lsnsj");
    let f = d.join("ready");
    let script = format!("touch {}; exec sleep 100", f.display());
    let mut c = Command::new("sh");
    c.args(["-c", &script, "x\"y\\z\té"]);
    let ch = Child::spawn(in_new_ns(c.arg0("we\"ird\\ \tnamé"), CLONE_NEWUTS));
    wait_for(&f);
    std::thread::sleep(std::time::Duration::from_millis(50));
    let cpid = ch.pid().to_string();
    let o = lsns(&l, &["-J", "-t", "uts", "-p", &cpid, "-o", "COMMAND"]);
    let mut c = Command::new("python3");
    c.args([
        "-c",
        "import json,sys; print(json.load(sys.stdin)['namespaces'][0]['command'])",
    ]);
    c.stdin(std::process::Stdio::piped());
    assert_eq!(pipe_to(&mut c, &o.stdout), "sleep 100\n");
    let _ = ch;
}

use std::os::unix::process::CommandExt;

/// Runs `c` with `input` on its stdin; its stdout (must succeed).
fn pipe_to(c: &mut Command, input: &[u8]) -> String {
    use std::io::Write;
    let mut ch = c
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    ch.stdin.take().unwrap().write_all(input).unwrap();
    let o = ch.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(input));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn persistent_and_fd_held_namespaces() {
    if !compat_nsfs_ioctls("persistent_and_fd_held_namespaces") {
        return;
    }
    if !need_root("persistent_and_fd_held_namespaces") {
        return;
    }
    let l = Links::new();
    let d = TempDir::new("lsnsp");
    // Inside a private mount namespace: a net namespace bind-mounted on a
    // file (Debian's unshare --net=FILE), its process gone.
    let s = format!(
        "set -e; mount --make-rprivate /; mount -t tmpfs none {0}; touch {0}/netns; \
         /usr/bin/unshare --net={0}/netns true; \
         echo ino=$(stat -L -c %i {0}/netns); \
         lsns -r -n -t net -o NS,TYPE,NPROCS,PID,NSFS,ONS || :; echo P; lsns -P -r -n -o NS,NPROCS || :; \
         umount {0}/netns",
        d.path().display()
    );
    let o = run(in_new_ns(&mut l.sh(&s), CLONE_NEWNS));
    assert_code(&o, 0);
    let out = stdout(&o);
    let i = out
        .lines()
        .find_map(|x| x.strip_prefix("ino="))
        .expect("inode")
        .to_owned();
    let user = ino(&ns_link("self", "user"));
    let (list, persist) = out.split_once("P\n").unwrap();
    if qemu_user() {
        assert!(
            list.contains(&format!("{i} net 0  {}/netns \n", d.path().display())),
            "{out}"
        );
    } else {
        assert!(
            list.contains(&format!("{i} net 0  {}/netns {user}\n", d.path().display())),
            "{out}"
        );
    }
    assert!(persist.contains(&format!("{i} 0\n")), "{out}");
    assert!(
        !persist.contains(" 1\n"),
        "only namespaces without processes: {out}"
    );

    // A net namespace whose only holder is an open fd of this test.
    let mut c = Command::new("sleep");
    c.arg("100");
    let ch = Child::spawn(in_new_ns(&mut c, CLONE_NEWNET));
    std::thread::sleep(std::time::Duration::from_millis(50));
    let f = std::fs::File::open(format!("/proc/{}/ns/net", ch.pid())).unwrap();
    let net = ino(&ns_link(ch.pid(), "net"));
    drop(ch);
    let o = lsns_raw(&l, &["-r", "-n", "-t", "net", "-o", "NS,NPROCS,PID"]);
    assert_code(&o, if qemu_user() { 2 } else { 0 });
    assert!(
        stdout(&o).contains(&format!("{net} 0 \n")),
        "{}",
        stdout(&o)
    );
    drop(f);
}

#[test]
fn netnsid_of_ip_netns() {
    if !need_root("netnsid_of_ip_netns") {
        return;
    }
    if !std::path::Path::new("/usr/bin/ip").exists() && !std::path::Path::new("/bin/ip").exists() {
        skip("netnsid_of_ip_netns", "iproute2 is not installed");
        return;
    }
    let l = Links::new();
    // Private mount and net namespaces, a private /run: nothing reaches the host.
    let s = "set -e; mount --make-rprivate /; mount -t tmpfs none /run; \
             ip netns add nsboxlsns; ip netns set nsboxlsns 7; \
             lsns -r -n -t net -o NS,NETNSID,NSFS,NPROCS || :; echo ino=$(stat -L -c %i /run/netns/nsboxlsns); \
             ip netns delete nsboxlsns";
    let o = run(in_new_ns(&mut l.sh(s), CLONE_NEWNS | CLONE_NEWNET));
    let out = stdout(&o);
    assert!(o.status.code() == Some(0), "{out}\n{}", stderr(&o));
    let i = out.lines().find_map(|x| x.strip_prefix("ino=")).unwrap();
    if qemu_user() {
        // qemu-user does not translate RTM_GETNSID.
        assert!(
            out.contains(&format!("{i}  /run/netns/nsboxlsns 0\n")),
            "{out}"
        );
        skip(
            "netnsid_of_ip_netns",
            "qemu-user does not pass RTM_GETNSID through (NETNSID is checked natively)",
        );
    } else {
        assert!(
            out.contains(&format!("{i} 7 /run/netns/nsboxlsns 0\n")),
            "{out}"
        );
        assert!(out.contains(" unassigned  "), "own netns: {out}");
    }
}

#[test]
fn parent_and_owner_namespaces() {
    if !compat_nsfs_ioctls("parent_and_owner_namespaces") {
        return;
    }
    if !need_root("parent_and_owner_namespaces") {
        return;
    }
    if !not_qemu_user(
        "parent_and_owner_namespaces",
        "create user namespaces or do NS_GET_*",
    ) {
        return;
    }
    let l = Links::new();
    let d = TempDir::new("lsnsu");
    let p = d.path().display();
    // U1 ⊃ U2, and a pid namespace P created in (so owned by) U2.
    let s = format!(
        "readlink /proc/self/ns/user > {p}/u1; \
         /usr/bin/unshare -U -r -p -f sh -c 'readlink /proc/self/ns/user > {p}/u2; \
         readlink /proc/self/ns/pid > {p}/p; touch {p}/ready; exec sleep 100'"
    );
    let mut c = Command::new("/usr/bin/unshare");
    c.args(["-U", "-r", "sh", "-c", &s]);
    let _ch = Child::spawn(&mut c);
    wait_for(&d.join("ready"));
    let rd = |f: &str| ino(std::fs::read_to_string(d.join(f)).unwrap().trim());
    let (u1, u2, pns) = (rd("u1"), rd("u2"), rd("p"));
    let root_user = ino(&ns_link("self", "user"));
    let root_pid = ino(&ns_link("self", "pid"));
    let o = lsns(&l, &["-l", "-r", "-n", "-o", "NS,TYPE,PNS,ONS"]);
    assert_code(&o, 0);
    let out = stdout(&o);
    assert!(
        out.contains(&format!("{u1} user {root_user} {root_user}\n")),
        "{out}"
    );
    assert!(out.contains(&format!("{u2} user {u1} {u1}\n")), "{out}");
    assert!(
        out.contains(&format!("{pns} pid {root_pid} {u2}\n")),
        "{out}"
    );
    // The owner tree puts P under U2 under U1.
    let o = lsns(
        &l,
        &[
            "--tree=owner",
            "-r",
            "-n",
            "-o",
            "NS",
            "-t",
            "user",
            "-t",
            "pid",
        ],
    );
    let out = stdout(&o);
    let a = out.find(&format!("\\x80{u1}\n")).expect("u1");
    let b = out.find(&format!("\\x80{u2}\n")).expect("u2");
    let c = out.find(&format!("\\x80{pns}\n")).expect("p");
    assert!(a < b && b < c, "{out}");
    // Parent tree: P under the root pid namespace.
    let o = lsns(&l, &["-Tparent", "-n", "-o", "NS", "-t", "pid"]);
    let out = stdout(&o);
    assert!(
        out.contains(&format!("\n{root_pid}\n")) || out.starts_with(&format!("{root_pid}\n")),
        "{out}"
    );
    assert!(out.contains(&format!("─{pns}\n")), "{out}");
}

#[test]
fn ioctl_columns_under_qemu_user() {
    if !compat_nsfs_ioctls("ioctl_columns_under_qemu_user") {
        return;
    }
    let l = Links::new();
    let me = std::process::id().to_string();
    let o = lsns_raw(
        &l,
        &["-p", &me, "-r", "-n", "-o", "TYPE,PNS,ONS", "-t", "uts"],
    );
    if qemu_user() {
        assert_code(&o, 2);
        // PNS of a uts namespace is 0 without asking; ONS is unknown.
        assert_eq!(stdout(&o), "uts 0 \n");
        assert!(stderr(&o).contains("Unsupported ioctl"), "{}", stderr(&o));
    } else {
        assert_code(&o, 0);
        let user = ino(&ns_link("self", "user"));
        assert_eq!(stdout(&o), format!("uts 0 {user}\n"));
    }
}

#[test]
fn filter_expressions() {
    if !need_root("filter_expressions") {
        return;
    }
    let l = Links::new();
    let p = Pair::new();
    let pid = p.pid().to_string();
    let uts = ino(&ns_link(&pid, "uts"));
    let q = |e: &str| {
        let o = lsns(&l, &["-r", "-n", "-o", "NS,TYPE", "-Q", e]);
        (stdout(&o), stderr(&o), o.status.code())
    };
    let hit = (format!("{uts} uts\n"), String::new(), Some(0));
    assert_eq!(q(&format!("NS == {uts}")), hit);
    assert_eq!(q(&format!("ns eq {uts} and TYPE == 'uts'")), hit);
    assert_eq!(
        q(&format!(
            "PID == {pid} && (TYPE == \"uts\" || TYPE == \"nope\") && NPROCS >= 2 && !(NPROCS > 2)"
        )),
        hit
    );
    assert_eq!(
        q(&format!(
            "PID == {pid} && COMMAND =~ \"^sl[e]+p 1.1$\" && TYPE != 'ipc'"
        )),
        hit
    );
    assert_eq!(q(&format!("PID == {pid} and not TYPE !~ 'ut' ")), hit);
    assert_eq!(
        q(&format!("NS == {uts} && false")),
        (String::new(), String::new(), Some(0))
    );
    assert_eq!(q("NS < 0"), (String::new(), String::new(), Some(0)));
    let (out, err, code) = q("NS == ");
    assert_eq!((out.as_str(), code), ("", Some(1)));
    assert_eq!(
        err,
        "lsns: failed to parse \"NS == \": unexpected end of expression\n"
    );
    let (_, err, code) = q("NS == 1 &&& 2");
    assert_eq!(code, Some(1));
    assert!(err.contains("at position 11"), "{err}");
    let (_, err, code) = q("FOO > 1");
    assert_eq!(code, Some(1));
    assert_eq!(
        err,
        "lsns: unknown column: FOO\nlsns: failed to initialize filter\n"
    );
    // A filter column need not be shown.
    let o = lsns(
        &l,
        &["-r", "-n", "-o", "TYPE", "-Q", &format!("NS == {uts}")],
    );
    assert_eq!(stdout(&o), "uts\n");
}

#[test]
fn usage_errors_and_list_columns() {
    let l = Links::new();
    let o = lsns(&l, &["-t", "foo"]);
    assert_code(&o, 1);
    assert_eq!(stderr(&o), "lsns: unknown namespace type: foo\n");
    let o = lsns(&l, &["4026531"]);
    assert_code(&o, 1);
    assert_eq!(stderr(&o), "lsns: not found namespace: 4026531\n");
    let o = lsns(&l, &["-p", "x"]);
    assert_code(&o, 1);
    assert_eq!(stderr(&o), "lsns: invalid PID argument: 'x'\n");
    let o = lsns(&l, &["-l", "-T"]);
    assert_code(&o, 1);
    assert_eq!(
        stderr(&o),
        "lsns: mutually exclusive arguments: --list --tree\n"
    );
    let o = lsns(&l, &["-P", "-p", "1"]);
    assert_eq!(
        stderr(&o),
        "lsns: mutually exclusive arguments: --persistent --task\n"
    );
    let o = lsns(&l, &["--bogus"]);
    assert_code(&o, 1);
    assert!(stderr(&o).ends_with("Try 'lsns --help' for more information.\n"));
    let o = lsns(&l, &["-H"]);
    assert_code(&o, 0);
    let out = stdout(&o);
    assert!(
        out.starts_with("     NS <integer> namespace identifier (inode number)\n"),
        "{out}"
    );
    assert!(
        out.contains("\nNETNSID <string>  namespace ID as used by network subsystem\n"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 13);
    let o = lsns(&l, &["-H", "-J"]);
    assert!(
        stdout(&o)
            .starts_with("{\n   \"lsns-columns\": [\n      {\n         \"holder\": \"NS\",\n")
    );
    let o = lsns(&l, &["--help"]);
    assert_code(&o, 0);
    assert!(stdout(&o).contains(" -Q, --filter <expr>    apply display filter\n"));
}

/// Runs `script` as PID 1 of a fresh PID namespace (its own /proc, mount
/// namespace and UTS namespace), so PIDs are small and known: ten
/// `/bin/true` take PIDs 2 to 11, the next process is PID 12. `$LSNS` is
/// our lsns, `$D` a scratch directory. Returns stdout.
fn in_pid_ns(l: &Links, script: &str, env: &[(&str, &str)]) -> String {
    let d = TempDir::new("lsns-w");
    let script = format!("for i in 1 2 3 4 5 6 7 8 9 10; do /bin/true; done\n{script}");
    let mut c = Command::new("/usr/bin/unshare");
    c.args([
        "--pid",
        "--fork",
        "--mount-proc",
        "--uts",
        "sh",
        "-c",
        &script,
    ])
    .env("LSNS", l.path("lsns"))
    .env("D", d.path())
    .env("LANG", "C")
    .env_remove("LC_ALL")
    .env_remove("COLUMNS");
    for (k, v) in env {
        c.env(k, v);
    }
    let o = run(&mut c);
    assert_code(&o, 0);
    stdout(&o)
}

fn have_unshare(test: &str) -> bool {
    if !need_root(test) {
        return false;
    }
    if !std::path::Path::new("/usr/bin/unshare").exists() {
        skip(test, "util-linux unshare not installed");
        return false;
    }
    true
}

/// libsmartcols' widths (util-linux HEAD): without headings a column is as
/// wide as its widest cell (at least 1), or its width hint when the cells
/// are wider than 1 but narrower than the hint; an empty column without
/// headings takes no room; the last column is not padded, except that
/// right-aligned data is; an empty right-aligned last cell prints nothing.
#[test]
fn noheadings_widths_from_cells() {
    if !have_unshare("noheadings_widths_from_cells") {
        return;
    }
    let l = Links::new();
    // The sleep is PID 12, alone in a new UTS namespace.
    let out = in_pid_ns(
        &l,
        r#"/usr/bin/unshare --uts sleep 100 & S=$!
sleep 0.2
for o in NPROCS,COMMAND TYPE,NPROCS,COMMAND PID,TYPE TYPE,PID NETNSID,TYPE TYPE,NETNSID; do
  "$LSNS" -n -t uts -p $S -o $o; echo "|"
done
"$LSNS" -t uts -p $S -o PID,TYPE; echo "|"
"$LSNS" -t user -p $S -o TYPE,PID; echo "|"
"$LSNS" -t uts -p $S -o TYPE,NETNSID; echo "|"
"$LSNS" -n -l -t uts -p $S -o TYPE,PID,PPID; echo "|"
"$LSNS" -n -r -t uts -p $S -o TYPE,PID,NETNSID,COMMAND; echo "|"
kill $S"#,
        &[],
    );
    let want = [
        // NPROCS: its one digit (no hint); TYPE: the hint (5).
        "1 sleep 100\n",
        "uts   1 sleep 100\n",
        // PID 12 is wider than 1 and narrower than the hint.
        "   12 uts\n",
        // A right-aligned last column is padded.
        "uts      12\n",
        // Empty NETNSID, no headings: no room at all.
        " uts\n",
        // ... and after the last separator, nothing.
        "uts   \n",
        // With headings: at least the header.
        "PID TYPE\n 12 uts\n",
        // Cells exactly as wide as the header: no hint (util-linux 2.42).
        "TYPE PID\nuser   1\n",
        // An empty right-aligned last cell prints nothing.
        "TYPE NETNSID\nuts  \n",
        // -l: the same widths; PPID 1 is one digit.
        "uts      12 1\n",
        // -r: no widths at all.
        "uts 12  sleep\\x20100\n",
    ];
    let got: Vec<&str> = out
        .split_inclusive("|\n")
        .map(|s| s.trim_end_matches("|\n"))
        .collect();
    assert_eq!(got, want, "{out}");
}

/// Trees: the tree column's width counts its art; on the extra rows of a
/// multi-line cell (NSFS) the tree column shows the line's continuation
/// and, when the line has children, a bar down to them (util-linux 2.40 and
/// later); -W joins NSFS with commas; -P lines without a PID end after the
/// separator.
#[test]
fn tree_multiline_and_persistent_widths() {
    if !have_unshare("tree_multiline_and_persistent_widths") {
        return;
    }
    let l = Links::new();
    let out = in_pid_ns(
        &l,
        r#"touch $D/a $D/b $D/p
/usr/bin/unshare --net=$D/a sh -c '/usr/bin/unshare --net sleep 101 & exec sleep 100' & S=$!
/usr/bin/unshare --net=$D/p true
sleep 0.3
mount --bind $D/a $D/b
A=$(readlink /proc/$S/ns/net | tr -dc 0-9)
P=$(stat -L -c %i $D/p)
echo "$A $P $D"
"$LSNS" -n -t net -o NPROCS,NSFS,COMMAND; echo "|"
"$LSNS" -n -t net -W -o NSFS,NS,NPROCS | grep $A; echo "|"
"$LSNS" -n -P -t net -o NS,TYPE,NPROCS,PID | grep $P; echo "|"
"$LSNS" -n -P -t net -o NS,TYPE,NPROCS,PID,COMMAND | grep $P; echo "|"
true"#,
        &[],
    );
    let (head, rest) = out.split_once('\n').unwrap();
    let [a, p, d] = head.split(' ').collect::<Vec<_>>()[..] else {
        panic!("{out}")
    };
    let bar = if out.contains("`-sleep 101") {
        "| "
    } else {
        ""
    };
    let want = [
        // Row 2: NPROCS empty (padded, not last), NSFS, then the art: a
        // bar when the line has a child (the sleep 101 shows under it only
        // when its namespace's inode sorts after; lines go in inode order).
        format!("1 {d}/a `-sleep 100\n  {d}/b   {bar}\n"),
        format!("{d}/a,{d}/b {a} 1\n"),
        format!("{p} net   0 \n"),
        // PID empty (width 0, not last), COMMAND empty and last.
        format!("{p} net   0  \n"),
    ];
    let mut got: Vec<String> = rest
        .split_inclusive("|\n")
        .map(|s| s.trim_end_matches("|\n").to_owned())
        .collect();
    // The line of the namespace at $D/a and its extra row.
    let start = format!("1 {d}/a");
    got[0] = got[0]
        .split_inclusive('\n')
        .skip_while(|l| !l.starts_with(&start))
        .take(2)
        .collect();
    assert_eq!(got, want, "{out}");
}

/// On a terminal ($COLUMNS when the terminal has no size) libsmartcols
/// gives columns their width hints while there is room, and cuts the
/// truncatable COMMAND to fit, never below its minimum.
#[test]
fn terminal_widths() {
    if !have_unshare("terminal_widths") {
        return;
    }
    if !std::path::Path::new("/usr/bin/script").exists() {
        skip("terminal_widths", "script(1) not installed");
        return;
    }
    let l = Links::new();
    let out = in_pid_ns(
        &l,
        r#"/usr/bin/unshare --uts sleep 100 & S=$!
sleep 0.2
export S
COLUMNS=80 script -qec '"$LSNS" -n -t uts -p $S -o NPROCS,TYPE' /dev/null; echo "|"
COLUMNS=12 script -qec '"$LSNS" -t uts -p $S -o NPROCS,COMMAND' /dev/null; echo "|"
COLUMNS=3 script -qec '"$LSNS" -n -t uts -p $S -o NPROCS,COMMAND' /dev/null; echo "|"
kill $S"#,
        &[],
    );
    let got: Vec<String> = out
        .replace("\r\n", "\n")
        .split_inclusive("|\n")
        .map(|s| s.trim_end_matches("|\n").to_owned())
        .collect();
    let want = [
        // The hint of NPROCS (5), as there is room.
        "    1 uts\n",
        // COMMAND cut, but not below its header.
        "NPROCS COMMAND\n     1 sleep 1\n",
        // COMMAND cut to its minimum (1, no headings); NPROCS keeps 1.
        "1 s\n",
    ];
    assert_eq!(got, want, "{out}");
}

/// `-Q` regular expressions are POSIX EREs (glibc's regcomp), within
/// libsmartcols' limits; what cannot be compiled is an error, never an
/// empty answer.
#[test]
fn filter_regular_expressions() {
    if !need_root("filter_regular_expressions") {
        return;
    }
    let l = Links::new();
    let p = Pair::new();
    let pid = p.pid().to_string();
    let q = |e: &str| {
        let o = lsns(&l, &["-r", "-n", "-o", "TYPE", "-p", &pid, "-Q", e]);
        let mut lines: Vec<String> = stdout(&o).lines().map(str::to_owned).collect();
        lines.sort();
        (lines.join(" "), stderr(&o), o.status.code())
    };
    let ok = |s: &str| (s.to_owned(), String::new(), Some(0));
    assert_eq!(q(r#"TYPE =~ "u(ts|ser)""#), ok("user uts"));
    assert_eq!(q(r#"TYPE =~ "^[a-z]{3}$""#), ok("ipc mnt net pid uts"));
    assert_eq!(q(r#"TYPE =~ "^[[:alpha:]]+s$""#), ok("uts"));
    // The kinds the kernel has (32-bit ARM has no time namespaces).
    let all = ["cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"];
    let here = kinds_here("filter_regular_expressions", &all);
    let only = |ks: &[&str]| -> String {
        let ks: Vec<&str> = ks.iter().copied().filter(|k| here.contains(k)).collect();
        ks.join(" ")
    };
    assert_eq!(
        q(r#"TYPE !~ "^[[:alpha:]]+s$""#),
        ok(&only(&[
            "cgroup", "ipc", "mnt", "net", "pid", "time", "user"
        ]))
    );
    assert_eq!(
        q(r#"TYPE =~ '^(c|t)[^[:digit:]]{3,}$'"#),
        ok(&only(&["cgroup", "time"]))
    );
    // No escapes in strings: the backslash reaches the expression.
    assert_eq!(q(r#"TYPE =~ "^u\w+$" && TYPE !~ "\<us""#), ok("uts"));
    assert_eq!(q(r#"TYPE =~ "^(m|n)(nt|et)$""#), ok("mnt net"));
    let fails = |e: &str, why: &str| {
        assert_eq!(
            q(e),
            (
                String::new(),
                format!("lsns: failed to parse \"{e}\": {why}\n"),
                Some(1)
            ),
            "{e}"
        );
    };
    // glibc's messages for what regcomp refuses.
    fails(r#"TYPE =~ "[z-a]""#, "Invalid range end");
    fails(r#"TYPE =~ "u(ts""#, "Unmatched ( or \\(");
    fails(r#"TYPE =~ "*u""#, "Invalid preceding regular expression");
    fails(r#"TYPE =~ "[[:nope:]]""#, "Invalid character class name");
    fails(r#"TYPE =~ "u{2,1}""#, "Invalid content of \\{\\}");
    // libsmartcols' limits.
    let unsafe_re =
        "regular expression with nested or consecutive repetitions, or an interval over 1024";
    fails(r#"TYPE =~ "(a+)+""#, unsafe_re);
    fails(r#"TYPE =~ "u**""#, unsafe_re);
    fails(r#"TYPE =~ "u{1025}""#, unsafe_re);
    let long = format!("TYPE =~ \"{}\"", "u".repeat(257));
    fails(&long, "regular expression longer than 256 bytes");
    let huge = format!("{}TYPE == \"uts\"", " ".repeat(1012));
    fails(&huge, "expression longer than 1024 bytes");
    // 129 operands and 128 operators.
    let many = vec!["1"; 129].join("&&");
    fails(&many, "more than 256 operands and operators");
    // What this matcher cannot do is said, not silently unmatched.
    fails(r#"TYPE =~ "(u)\1""#, "back-references are not supported");
    fails("TYPE =~ NS", "a regular expression must be a string");
}

/// A network namespace held only by a socket (util-linux HEAD's
/// lsns/netns-from-sock): found through pidfd_getfd and SIOCGSKNS.
#[test]
fn socket_held_network_namespace() {
    if !compat_nsfs_ioctls("socket_held_network_namespace") {
        return;
    }
    if !need_root("socket_held_network_namespace") {
        return;
    }
    if !not_qemu_user("socket_held_network_namespace", "do SIOCGSKNS") {
        return;
    }
    use rustix::fd::AsFd;
    // A socket made in a new network namespace, kept by a sleep that runs
    // back in ours: the namespace has no process left.
    let (r, w) = rustix::pipe::pipe().unwrap();
    let back = std::fs::File::open("/proc/self/ns/net").unwrap();
    let mut c = Command::new("sleep");
    c.arg("100");
    // SAFETY: only syscalls (no allocation) run between fork and exec.
    unsafe {
        c.pre_exec(move || {
            use rustix::net::{AddressFamily, SocketFlags, SocketType};
            rustix::thread::unshare_unsafe(rustix::thread::UnshareFlags::NEWNET)?;
            let s = rustix::net::socket_with(
                AddressFamily::UNIX,
                SocketType::DGRAM,
                SocketFlags::empty(),
                None,
            )?;
            std::mem::forget(s); // inherited by the sleep
            let ino = rustix::fs::stat(c"/proc/thread-self/ns/net")?.st_ino;
            rustix::io::write(&w, &ino.to_ne_bytes())?;
            let net = Some(rustix::thread::LinkNameSpaceType::Network);
            rustix::thread::move_into_link_name_space(back.as_fd(), net)?;
            Ok(())
        });
    }
    let _ch = Child::spawn(&mut c);
    let mut b = [0u8; 8];
    assert_eq!(rustix::io::read(&r, &mut b), Ok(8));
    let ino = u64::from_ne_bytes(b);
    let l = Links::new();
    let o = lsns(&l, &["-r", "-n", "-t", "net", "-o", "NS,TYPE,NPROCS,PID"]);
    assert_code(&o, 0);
    assert!(
        stdout(&o).lines().any(|x| x == format!("{ino} net 0 ")),
        "{ino} missing: {}",
        stdout(&o)
    );
}

/// Whether listns(2) (Linux 6.19) exists, from the kernel's symbol table
/// (`__x64_sys_listns`, `__arm64_sys_listns`, ...); None when the table
/// cannot be read.
fn have_listns() -> Option<bool> {
    let syms = std::fs::read_to_string("/proc/kallsyms").ok()?;
    (!syms.is_empty()).then(|| syms.lines().any(|l| l.ends_with("sys_listns")))
}

/// A network namespace held only by a bind mount inside another mount
/// namespace: /proc and our mountinfo do not show it, listns() does. With
/// listns nsbox lists it (util-linux does not); without, neither does.
#[test]
fn namespace_seen_only_by_listns() {
    if !have_unshare("namespace_seen_only_by_listns") {
        return;
    }
    if !not_qemu_user("namespace_seen_only_by_listns", "run listns") {
        return;
    }
    let Some(listns) = have_listns() else {
        skip("namespace_seen_only_by_listns", "/proc/kallsyms unreadable");
        return;
    };
    let d = TempDir::new("lsns-listns");
    let (m, f) = (d.join("m"), d.join("ino"));
    std::fs::create_dir(&m).unwrap();
    let script = format!(
        "mount -t tmpfs t {0} && touch {0}/n && unshare --net={0}/n true \
         && stat -c %i {0}/n > {1}.t && mv {1}.t {1} && exec sleep 100",
        m.display(),
        f.display()
    );
    let mut c = Command::new("/usr/bin/unshare");
    c.args(["--mount", "--propagation", "private", "sh", "-c", &script]);
    let _ch = Child::spawn(&mut c);
    wait_for(&f);
    let ino = std::fs::read_to_string(&f).unwrap().trim().to_owned();
    let l = Links::new();
    let o = lsns(&l, &["-r", "-n", "-t", "net", "-o", "NS,TYPE,NPROCS,PID"]);
    assert_code(&o, 0);
    let out = stdout(&o);
    let found = out.lines().filter(|x| x.split(' ').next() == Some(&ino));
    let want: &[String] = if listns {
        &[format!("{ino} net 0 ")]
    } else {
        &[]
    };
    assert_eq!(found.map(str::to_owned).collect::<Vec<_>>(), want, "{out}");
}

/// Wide characters under a UTF-8 locale, as libsmartcols (2.38 agrees):
/// a CJK character takes two columns when padding, a column is cut
/// before a character that would cross its edge, raw output escapes
/// the bytes.
#[test]
fn wide_characters() {
    if !have_unshare("wide_characters") {
        return;
    }
    if !std::path::Path::new("/usr/bin/script").exists() {
        skip("wide_characters", "script(1) not installed");
        return;
    }
    let l = Links::new();
    let out = in_pid_ns(
        &l,
        r#"cd "$D" && cp /bin/sleep ./睡眠测试
/usr/bin/unshare --uts ./睡眠测试 100 & S=$!
sleep 0.2
export S
"$LSNS" -t uts -p $S -o COMMAND,NPROCS,TYPE; echo "|"
"$LSNS" -n -t uts -p $S -o COMMAND,TYPE; echo "|"
"$LSNS" -r -t uts -p $S -o COMMAND,TYPE; echo "|"
for c in 19 20; do
  script -qec "stty rows 24 cols $c; \"\$LSNS\" -t uts -p $S -o NPROCS,COMMAND,TYPE" /dev/null </dev/null
  echo "|"
done
kill $S"#,
        &[("LANG", "C.UTF-8")],
    );
    let got: Vec<String> = out
        .replace("\r\n", "\n")
        .split_inclusive("|\n")
        .map(|s| s.trim_end_matches("|\n").to_owned())
        .collect();
    let want = [
        "COMMAND        NPROCS TYPE\n./睡眠测试 100      1 uts\n",
        "./睡眠测试 100 uts\n",
        "COMMAND TYPE\n./\\xe7\\x9d\\xa1\\xe7\\x9c\\xa0\\xe6\\xb5\\x8b\\xe8\\xaf\\x95\\x20100 uts\n",
        // COMMAND cut to 7 columns: 测 would take the 7th and the 8th.
        "NPROCS COMMAND TYPE\n     1 ./睡眠  uts\n",
        // To 8: it fits.
        "NPROCS COMMAND  TYPE\n     1 ./睡眠测 uts\n",
    ];
    assert_eq!(got, want, "{out}");
}
