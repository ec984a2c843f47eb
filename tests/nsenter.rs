//! nsenter: real target processes in real namespaces (made with pre_exec
//! unshare or Debian's /usr/bin/unshare, never nsbox's), checked from
//! outside through /proc/PID/ns/*.

mod common;
use common::*;
use linux_raw_sys::general::{
    CLONE_NEWCGROUP, CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWTIME,
    CLONE_NEWUTS,
};
use rustix::process::{Pid, Signal, kill_process};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, Output, Stdio};

/// Kills the listed processes on drop (targets outliving their parent).
struct Kill(Vec<u32>);

impl Drop for Kill {
    fn drop(&mut self) {
        for &p in &self.0 {
            if let Some(p) = Pid::from_raw(p as i32) {
                let _ = kill_process(p, Signal::KILL);
            }
        }
    }
}

/// A target: the shell running `script` (in new namespaces `flags`), which
/// must write the target's PID with `ready PID`; killed on drop.
struct Target {
    pid: u32,
    _kill: Kill,
    _sh: Child,
}

fn start(l: &Links, d: &TempDir, flags: u32, script: &str) -> Target {
    let pidf = d.join("pid");
    let full = format!(
        "ready() {{ echo $1 > {0}.tmp && mv {0}.tmp {0}; }}\n{script}",
        pidf.display()
    );
    let mut c = l.sh(&full);
    c.stdout(Stdio::null());
    if flags != 0 {
        in_new_ns(&mut c, flags);
    }
    let sh = Child::spawn(&mut c);
    wait_for(&pidf);
    let pid: u32 = std::fs::read_to_string(&pidf)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    Target {
        pid,
        _kill: Kill(vec![pid]),
        _sh: sh,
    }
}

fn nsenter(l: &Links, args: &[&str]) -> Output {
    run(l.cmd("nsenter").args(args))
}

fn lines(o: &Output) -> Vec<String> {
    stdout(o).lines().map(str::to_owned).collect()
}

#[track_caller]
fn assert_err(o: &Output, msg: &str) {
    assert_code(o, 1);
    assert_eq!(stderr(o), format!("nsenter: {msg}\n"));
}

#[test]
fn seed_debug_container_with_host_tools() {
    if !need_root("seed_debug_container_with_host_tools") {
        return;
    }
    let l = Links::new();
    let d = TempDir::new("nse-seed");
    let cover = d.join("cover");
    std::fs::create_dir(&cover).unwrap();
    std::fs::write(cover.join("marker"), "host").unwrap();
    // The "container": own uts/ipc/net, and a mount namespace in which
    // the marker directory is covered by an empty tmpfs.
    let t = start(
        &l,
        &d,
        CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWNS,
        &format!(
            "mount --make-rprivate / && mount -t tmpfs none {} && hostname container_001 && ready $$ && exec sleep 60",
            cover.display()
        ),
    );
    let p = t.pid.to_string();
    let script = format!(
        "hostname; readlink /proc/self/ns/net /proc/self/ns/ipc /proc/self/ns/mnt; ls {}",
        cover.display()
    );
    let o = nsenter(
        &l,
        &[
            "--target", &p, "--uts", "--ipc", "--net", "sh", "-c", &script,
        ],
    );
    assert_code(&o, 0);
    assert_eq!(
        lines(&o),
        [
            "container_001".to_owned(),
            ns_link(&p, "net"),
            ns_link(&p, "ipc"),
            ns_link("self", "mnt"),
            "marker".to_owned(),
        ]
    );
    // Short options, and the container's own mount namespace with -m.
    let o = nsenter(&l, &["-t", &p, "-u", "-i", "-n", "hostname"]);
    assert_eq!(stdout(&o), "container_001\n");
    if not_qemu_user(
        "seed_debug_container_with_host_tools",
        "setns into a mount namespace",
    ) {
        let o = nsenter(&l, &["-t", &p, "-m", "sh", "-c", &script]);
        assert_code(&o, 0);
        let v = lines(&o);
        assert_eq!(v[3], ns_link(&p, "mnt"));
        assert_eq!(v.len(), 4, "the tmpfs hides the marker: {v:?}");
        // -W is looked up inside the entered mount namespace; -w/DIR is
        // opened before setns, a tunnel to the caller's namespace.
        let wdns = format!("--wdns={}", cover.display());
        let o = nsenter(&l, &["-t", &p, "-m", &wdns, "ls", "-A"]);
        assert_code(&o, 0);
        assert_eq!(stdout(&o), "");
        let wd = format!("--wd={}", cover.display());
        let o = nsenter(&l, &["-t", &p, "-m", &wd, "ls", "-A"]);
        assert_eq!(stdout(&o), "marker\n");
    }
    assert_ne!(ns_link(&p, "uts"), ns_link("self", "uts"));
}

#[test]
fn namespace_files_and_persisted_namespace() {
    if !need_root("namespace_files_and_persisted_namespace") {
        return;
    }
    let l = Links::new();
    let d = TempDir::new("nse-file");
    let t = start(
        &l,
        &d,
        CLONE_NEWUTS,
        "hostname from_file && ready $$ && exec sleep 60",
    );
    let uts = format!("/proc/{}/ns/uts", t.pid);
    let o = nsenter(&l, &[&format!("--uts={uts}"), "hostname"]);
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "from_file\n");
    let o = nsenter(&l, &[&format!("-u{uts}"), "hostname"]);
    assert_eq!(stdout(&o), "from_file\n");
    // `-u FILE` is -u without a file, and FILE the program.
    let o = nsenter(&l, &["-u", &uts]);
    assert_err(&o, "no target PID specified");

    // A bind mount keeps the namespace after its last process died (in a
    // private mount namespace of a shell, so the host sees no mount).
    let s = format!(
        "set -e; mount --make-rprivate /; D={0}; touch $D/uts
         /usr/bin/unshare -u sh -c \"hostname persisted; touch $D/up; exec sleep 60\" & P=$!
         while [ ! -e $D/up ]; do sleep 0.01; done
         mount --bind /proc/$P/ns/uts $D/uts; kill -9 $P; wait $P || true
         if kill -0 $P 2>/dev/null; then echo alive; fi
         nsenter --uts=$D/uts hostname; nsenter -u$D/uts sh -c 'readlink /proc/self/ns/uts'
         stat -L -c %i $D/uts",
        d.path().display()
    );
    let o = run(in_new_ns(&mut l.sh(&s), CLONE_NEWNS));
    assert_code(&o, 0);
    let v = lines(&o);
    assert_eq!(v.len(), 3, "{v:?} {}", stderr(&o));
    assert_eq!(v[0], "persisted");
    assert_eq!(v[1], format!("uts:[{}]", v[2]));
}

#[test]
fn second_process_joins_first_net_namespace() {
    if !need_root("second_process_joins_first_net_namespace") {
        return;
    }
    let l = Links::new();
    let d = TempDir::new("nse-join");
    let first = start(
        &l,
        &d,
        CLONE_NEWNET | CLONE_NEWIPC,
        "ready $$; exec sleep 60",
    );
    let second = Child::spawn(
        l.cmd("nsenter")
            .arg(format!("--net=/proc/{}/ns/net", first.pid))
            .args(["sleep", "60"]),
    );
    let p2 = second.pid();
    // Wait until the second process runs sleep (after setns).
    for _ in 0..500 {
        if std::fs::read_link(format!("/proc/{p2}/exe")).is_ok_and(|e| e.ends_with("sleep")) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(ns_link(p2, "net"), ns_link(first.pid, "net"));
    assert_ne!(ns_link(p2, "ipc"), ns_link(first.pid, "ipc"));
    assert_eq!(ns_link(p2, "ipc"), ns_link("self", "ipc"));
}

#[test]
fn all_enters_every_namespace_of_the_target() {
    if !need_root("all_enters_every_namespace_of_the_target") {
        return;
    }
    if !not_qemu_user(
        "all_enters_every_namespace_of_the_target",
        "setns into a mount namespace",
    ) {
        return;
    }
    let l = Links::new();
    let d = TempDir::new("nse-all");
    // The target is the child, so it is in the new pid and time namespaces
    // (where the kernel has time namespaces: 32-bit ARM has none).
    let kinds = kinds_here(
        "all_enters_every_namespace_of_the_target",
        &["cgroup", "ipc", "mnt", "net", "pid", "time", "uts", "user"],
    );
    let time = if kinds.contains(&"time") {
        CLONE_NEWTIME
    } else {
        0
    };
    let t = start(
        &l,
        &d,
        CLONE_NEWUTS
            | CLONE_NEWIPC
            | CLONE_NEWNET
            | CLONE_NEWNS
            | CLONE_NEWPID
            | CLONE_NEWCGROUP
            | time,
        "sleep 60 & ready $!; wait",
    );
    // readlink is exec'd directly: no shell whose vfork a 6.1 kernel refuses
    // inside a freshly entered time namespace.
    let paths: Vec<String> = kinds.iter().map(|k| format!("/proc/self/ns/{k}")).collect();
    let tp = t.pid.to_string();
    let mut args = vec!["-t", &tp, "--all", "readlink"];
    args.extend(paths.iter().map(String::as_str));
    let o = nsenter(&l, &args);
    assert_code(&o, 0);
    let want: Vec<String> = kinds.iter().map(|k| ns_link(t.pid, k)).collect();
    assert_eq!(lines(&o), want);
    // The user namespace is ours, so --all skipped it.
    assert_eq!(want[kinds.len() - 1], ns_link("self", "user"));
    // --all without a target.
    assert_err(
        &nsenter(&l, &["--all", "true"]),
        "no target PID specified for --all",
    );
}

#[test]
fn pid_namespace_fork_and_no_fork() {
    if !need_root("pid_namespace_fork_and_no_fork") {
        return;
    }
    let l = Links::new();
    let d = TempDir::new("nse-pid");
    let t = start(&l, &d, CLONE_NEWPID, "sleep 60 & ready $!; wait");
    let p = t.pid.to_string();
    let o = nsenter(
        &l,
        &[
            "-t",
            &p,
            "-p",
            "sh",
            "-c",
            "readlink /proc/self/ns/pid; echo $$",
        ],
    );
    assert_code(&o, 0);
    let v = lines(&o);
    assert_eq!(v[0], ns_link(&p, "pid"));
    assert_ne!(v[1], "1", "pid 1 is the target");
    // -F: the program itself stays; only its children are in the namespace.
    let o = nsenter(
        &l,
        &[
            "-t",
            &p,
            "-p",
            "-F",
            "sh",
            "-c",
            "readlink /proc/$$/ns/pid; readlink /proc/self/ns/pid_for_children",
        ],
    );
    assert_eq!(lines(&o), [ns_link("self", "pid"), ns_link(&p, "pid")]);
}

#[test]
fn exit_status_signals_and_stops_are_mirrored() {
    if !need_root("exit_status_signals_and_stops_are_mirrored") {
        return;
    }
    let l = Links::new();
    let d = TempDir::new("nse-mirror");
    let t = start(&l, &d, CLONE_NEWPID, "sleep 60 & ready $!; wait");
    let p = t.pid.to_string();
    let o = nsenter(&l, &["-t", &p, "-p", "sh", "-c", "exit 42"]);
    assert_eq!(o.status.code(), Some(42));
    let o = nsenter(&l, &["-t", &p, "-p", "sh", "-c", "kill -TERM $$"]);
    assert_eq!(o.status.signal(), Some(15), "{:?}", o.status);
    // A shell that finds SIGINT ignored on entry can neither catch nor reset
    // it, and a test run started as a background job of a script (`cmd &`,
    // nohup) hands every child exactly that: `kill -INT $$` would then do
    // nothing. env(1) gives the shells (and nsenter between them) the
    // default action, which is what this case is about.
    let mut c = Command::new("env");
    c.args(["--default-signal=INT", "sh", "-c"])
        .arg(format!(
            "nsenter -t {p} -p sh -c 'kill -INT $$'; echo rc=$?"
        ))
        .env("PATH", l.path_env())
        .stdin(Stdio::null());
    let o = run(&mut c);
    assert_eq!(stdout(&o), "rc=130\n", "{}", stderr(&o));
    // The child stops itself: nsenter stops too, and continues it when
    // continued.
    let mut c = l.cmd("nsenter");
    c.args(["-t", &p, "-p", "sh", "-c", "kill -STOP $$; echo resumed"])
        .stdout(Stdio::piped());
    let child = c.spawn().unwrap();
    let stat = format!("/proc/{}/stat", child.id());
    let mut stopped = false;
    for _ in 0..500 {
        let s = std::fs::read_to_string(&stat).unwrap_or_default();
        if s.rsplit(')')
            .next()
            .is_some_and(|r| r.trim_start().starts_with('T'))
        {
            stopped = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let pid = Pid::from_raw(child.id() as i32).unwrap();
    kill_process(pid, Signal::CONT).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(stopped, "nsenter did not stop with its child");
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "resumed\n");
}

#[test]
fn root_and_working_directories() {
    if !need_root("root_and_working_directories") {
        return;
    }
    let l = Links::new();
    let d = TempDir::new("nse-dirs");
    std::fs::create_dir(d.join("sub")).unwrap();
    let t = start(
        &l,
        &d,
        CLONE_NEWUTS,
        &format!(
            "hostname dirs && cd {}/sub && ready $$ && exec sleep 60",
            d.path().display()
        ),
    );
    let p = t.pid.to_string();
    let sub = format!("{}/sub", d.path().display());
    // -w: the target's cwd; -w/DIR; -W without DIR: the target's cwd path
    // looked up after setns; -W/DIR.
    assert_eq!(
        stdout(&nsenter(&l, &["-t", &p, "-u", "-w", "pwd"])),
        format!("{sub}\n")
    );
    assert_eq!(
        stdout(&nsenter(&l, &["-t", &p, "-u", "-w/etc", "pwd"])),
        "/etc\n"
    );
    assert_eq!(
        stdout(&nsenter(&l, &["-t", &p, "-u", "-W", "pwd"])),
        format!("{sub}\n")
    );
    assert_eq!(
        stdout(&nsenter(&l, &["-t", &p, "-u", "--wdns=/etc", "pwd"])),
        "/etc\n"
    );
    // No namespace, but a target with -w: allowed (util-linux HEAD).
    assert_eq!(
        stdout(&nsenter(&l, &["-t", &p, "-w", "pwd"])),
        format!("{sub}\n")
    );
    assert_err(
        &nsenter(&l, &["-w", "-W/", "true"]),
        "mutually exclusive arguments: --wdns --wd",
    );

    // -r/DIR: a root holding only nsbox named hostname (and, for the glibc
    // host build, its libraries).
    let root = TempDir::new("nse-root");
    install_exe(&nsbox(), root.path(), "hostname");
    let r = format!("--root={}", root.path().display());
    let o = nsenter(&l, &["-t", &p, "-u", &r, "/hostname"]);
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "dirs\n");
    // -r: the root of a target that is chrooted into that directory and
    // blocks opening a FIFO there.
    let fifo = root.join("fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let mut c = Command::new("/hostname");
    c.args(["-F", "/fifo"]);
    let dir = root.path().to_owned();
    // SAFETY: only chroot and chdir run between fork and exec.
    unsafe {
        c.pre_exec(move || {
            rustix::process::chroot(&dir)?;
            rustix::process::chdir("/")?;
            Ok(())
        });
    }
    let chrooted = Child::spawn(&mut c);
    let cp = chrooted.pid().to_string();
    for _ in 0..500 {
        if std::fs::read_link(format!("/proc/{cp}/root")).is_ok_and(|r| r == root.path()) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let o = nsenter(&l, &["-t", &cp, "-r", "-S", "0", "/hostname"]);
    assert_code(&o, 0);
    assert_eq!(
        stdout(&o),
        format!("{}\n", rustix::system::uname().nodename().to_str().unwrap())
    );
}

#[test]
fn environment_of_the_target() {
    if !need_root("environment_of_the_target") {
        return;
    }
    let l = Links::new();
    let d = TempDir::new("nse-env");
    let t = start(
        &l,
        &d,
        CLONE_NEWUTS,
        "ready $$; exec env -i FOO=bar PATH=/usr/bin:/bin 'SP=a b' sleep 60",
    );
    // Wait until the exec happened.
    for _ in 0..500 {
        if std::fs::read(format!("/proc/{}/environ", t.pid)).is_ok_and(|e| e.starts_with(b"FOO=")) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let o = run(l
        .cmd("nsenter")
        .args(["-t", &t.pid.to_string(), "-u", "-e", "env"])
        .env("NSBOX_MARK", "1"));
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "FOO=bar\nPATH=/usr/bin:/bin\nSP=a b\n");
}

#[test]
fn setuid_setgid_numbers_and_follow() {
    if !need_root("setuid_setgid_numbers_and_follow") {
        return;
    }
    let l = Links::new();
    let d = TempDir::new("nse-ids");
    let t = start(
        &l,
        &d,
        CLONE_NEWUTS,
        "ready $$; exec setpriv --reuid=1234 --regid=2345 --clear-groups sleep 60",
    );
    let p = t.pid.to_string();
    // Wait until setpriv has exec'd sleep: between its setresuid and the
    // exec the process is not dumpable, so /proc/PID is root's and
    // "follow" would read 0.
    for _ in 0..500 {
        if std::fs::read_to_string(format!("/proc/{p}/status"))
            .is_ok_and(|s| s.contains("\nUid:\t1234"))
            && std::fs::read_to_string(format!("/proc/{p}/comm")).is_ok_and(|c| c == "sleep\n")
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let ids = "id -u; id -g; id -G";
    let o = nsenter(
        &l,
        &[
            "-t", &p, "-u", "-S", "follow", "-G", "follow", "sh", "-c", ids,
        ],
    );
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "1234\n2345\n2345\n");
    let o = nsenter(
        &l,
        &[
            "-t",
            &p,
            "-u",
            "--setuid=42",
            "--setgid=43",
            "sh",
            "-c",
            ids,
        ],
    );
    assert_eq!(stdout(&o), "42\n43\n43\n");
    assert_err(
        &nsenter(&l, &["-t", &p, "-u", "-S", "x1", "true"]),
        "failed to parse uid: 'x1'",
    );
}

#[test]
fn join_cgroup_v2() {
    if !need_root("join_cgroup_v2") {
        return;
    }
    let fs = std::fs::read_to_string("/proc/filesystems").unwrap_or_default();
    if !fs.contains("\tcgroup2\n") {
        skip("join_cgroup_v2", "the kernel has no cgroup v2");
        return;
    }
    let l = Links::new();
    let name = format!("nsbox-test-{}", std::process::id());
    let _cleanup = CgroupGuard(name.clone());
    // In a private mount namespace with cgroup2 on /sys/fs/cgroup (this
    // host may use v1 there): a temporary cgroup, removed afterwards.
    let s = format!(
        "mount --make-rprivate / || exit 99
         grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts || mount -t cgroup2 none /sys/fs/cgroup || exit 99
         G=/sys/fs/cgroup/{name}; mkdir $G || exit 98
         trap 'kill -9 $P 2>/dev/null; wait; rmdir $G' EXIT
         sh -c \"echo \\$\\$ > $G/cgroup.procs; exec sleep 60\" & P=$!
         while ! grep -q {name} /proc/$P/cgroup; do sleep 0.01; done
         nsenter -t $P -c sh -c 'grep ^0:: /proc/self/cgroup'
         kill -9 $P; wait; rmdir $G; trap - EXIT
         mount -t tmpfs none /sys/fs/cgroup; nsenter -t $$ -c true; echo rc=$?"
    );
    let o = run(in_new_ns(&mut l.sh(&s), CLONE_NEWNS));
    if o.status.code() == Some(99) {
        skip("join_cgroup_v2", "cannot mount cgroup v2 here");
        return;
    }
    assert_code(&o, 0);
    assert_eq!(stdout(&o), format!("0::/{name}\nrc=1\n"));
    assert_eq!(
        stderr(&o),
        "nsenter: --join-cgroup is only supported in cgroup v2\n"
    );
}

#[test]
fn net_namespace_of_a_socket() {
    if !need_root("net_namespace_of_a_socket") {
        return;
    }
    if !not_qemu_user("net_namespace_of_a_socket", "do the SIOCGSKNS ioctl") {
        return;
    }
    let l = Links::new();
    // The target keeps a socket made in its new network namespace on fd 7.
    let mut c = Command::new("sleep");
    c.arg("60");
    // SAFETY: only raw syscalls (unshare, socket, dup2) between fork and exec.
    unsafe {
        c.pre_exec(|| {
            use rustix::net::{AddressFamily, SocketType, socket};
            rustix::thread::unshare_unsafe(rustix::thread::UnshareFlags::NEWNET)?;
            let s = socket(AddressFamily::UNIX, SocketType::DGRAM, None)?;
            if std::os::fd::AsRawFd::as_raw_fd(&s) == 7 {
                // Already there: dup2 is dup3 on aarch64, which refuses
                // old == new with EINVAL.
                std::mem::forget(s);
                return Ok(());
            }
            let mut seven = std::os::fd::FromRawFd::from_raw_fd(7);
            rustix::io::dup2(&s, &mut seven)?;
            std::mem::forget(seven);
            Ok(())
        });
    }
    let t = Child::spawn(&mut c);
    let p = t.pid().to_string();
    for _ in 0..500 {
        if std::fs::read_link(format!("/proc/{p}/exe")).is_ok_and(|e| e.ends_with("sleep")) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_ne!(ns_link(&p, "net"), ns_link("self", "net"));
    let o = nsenter(
        &l,
        &[
            "-t",
            &p,
            "--net-socket",
            "7",
            "readlink",
            "/proc/self/ns/net",
        ],
    );
    assert_code(&o, 0);
    assert_eq!(stdout(&o), format!("{}\n", ns_link(&p, "net")));
    // fd 0 of the target is no socket.
    let o = nsenter(&l, &["-t", &p, "-N", "0", "true"]);
    assert_code(&o, 1);
    assert!(
        stderr(&o).ends_with(", SIOCGSKNS): Inappropriate ioctl for device\n"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn user_parent_namespace() {
    if !compat_nsfs_ioctls("user_parent_namespace") {
        return;
    }
    if !need_root("user_parent_namespace") {
        return;
    }
    if !not_qemu_user(
        "user_parent_namespace",
        "do NS_GET_USERNS or enter a user namespace",
    ) {
        return;
    }
    let l = Links::new();
    let d = TempDir::new("nse-userp");
    // Outer user namespace A (the shell), inner B (the target, its child).
    let t = start(
        &l,
        &d,
        0,
        "/usr/bin/unshare -U -r sh -c '/usr/bin/unshare -U -r sleep 60 & wait' & ready $!; wait",
    );
    let outer = t.pid;
    let inner = wait_child_of(outer);
    let _k = Kill(vec![inner]);
    let a = ns_link(outer, "user");
    assert_ne!(a, ns_link(inner, "user"));
    let o = nsenter(
        &l,
        &[
            "-t",
            &inner.to_string(),
            "--user-parent",
            "sh",
            "-c",
            "readlink /proc/self/ns/user; id -u",
        ],
    );
    assert_code(&o, 0);
    assert_eq!(lines(&o), [a.clone(), "0".to_owned()]);
    // Without /proc: the target's user namespace from its pidfd (6.11).
    let s = format!(
        "mount --make-rprivate / && umount -l /proc && [ ! -e /proc/self ] &&
         nsenter -t {inner} --user-parent id -u"
    );
    let o = run(in_new_ns(&mut l.sh(&s), CLONE_NEWNS));
    if kernel_at_least(6, 11) {
        assert_code(&o, 0);
        assert_eq!(stdout(&o), "0\n");
    } else {
        assert_err(
            &o,
            &format!("cannot open /proc/{inner}/ns/user: No such file or directory"),
        );
    }
    let o = nsenter(
        &l,
        &[
            "-t",
            &inner.to_string(),
            &format!("--user=/proc/{inner}/ns/user"),
            "--user-parent",
            "readlink",
            "/proc/self/ns/user",
        ],
    );
    assert_eq!(stdout(&o), format!("{a}\n"));
    // util-linux HEAD wants a target for --user-parent, even with a file.
    let o = nsenter(
        &l,
        &[
            &format!("--user=/proc/{inner}/ns/user"),
            "--user-parent",
            "true",
        ],
    );
    assert_err(&o, "no target PID specified");
}

/// The parent of our own user namespace is outside it: NS_GET_USERNS
/// refuses (EPERM), with util-linux HEAD's message.
#[test]
fn user_parent_outside_our_namespace() {
    if !compat_nsfs_ioctls("user_parent_outside_our_namespace") {
        return;
    }
    if !not_qemu_user("user_parent_outside_our_namespace", "do NS_GET_USERNS") {
        return;
    }
    let l = Links::new();
    let me = std::process::id().to_string();
    assert_err(
        &nsenter(&l, &["-t", &me, "--user-parent", "true"]),
        "failed to open parent namespace: Operation not permitted",
    );
    assert_err(
        &nsenter(&l, &["--user-parent", "true"]),
        "no target PID specified",
    );
}

#[test]
fn keep_caps_raises_ambient_capabilities() {
    if !need_root("keep_caps_raises_ambient_capabilities") {
        return;
    }
    if !not_qemu_user(
        "keep_caps_raises_ambient_capabilities",
        "enter a user namespace",
    ) {
        return;
    }
    let l = Links::new();
    let d = TempDir::new("nse-caps");
    let t = start(
        &l,
        &d,
        0,
        "/usr/bin/unshare -U -r sleep 60 & ready $!; wait",
    );
    let p = t.pid.to_string();
    // Until unshare has exec'd sleep: by then the namespace exists and its
    // uid/gid maps are written (entering it before the maps, sh would run
    // as the overflow uid).
    for _ in 0..500 {
        let comm = std::fs::read_to_string(format!("/proc/{p}/comm")).unwrap_or_default();
        if comm == "sleep\n" && ns_link(&p, "user") != ns_link("self", "user") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let amb = "grep ^CapAmb /proc/self/status";
    let o = nsenter(&l, &["-t", &p, "-U", "sh", "-c", amb]);
    assert_eq!(stdout(&o), "CapAmb:\t0000000000000000\n");
    let o = nsenter(&l, &["-t", &p, "-U", "--keep-caps", "sh", "-c", amb]);
    assert_code(&o, 0);
    // Entering a user namespace gives the full set (up to cap_last_cap).
    let last: u32 = std::fs::read_to_string("/proc/sys/kernel/cap_last_cap")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let full = (1u64 << (last + 1)) - 1;
    assert_eq!(stdout(&o), format!("CapAmb:\t{full:016x}\n"));
    assert_err(
        &nsenter(&l, &["-u/proc/self/ns/uts", "-S", "follow", "true"]),
        "no target PID specified for -S/-G follow",
    );
}

/// Removes the test cgroup from every mounted cgroup v2 hierarchy.
struct CgroupGuard(String);

impl Drop for CgroupGuard {
    fn drop(&mut self) {
        let mi = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
        for l in mi.lines().filter(|l| l.contains(" - cgroup2 ")) {
            if let Some(mnt) = l.split(' ').nth(4) {
                let _ = std::fs::remove_dir(format!("{mnt}/{}", self.0));
            }
        }
    }
}

/// The first child of `pid` running sleep.
fn wait_child_of(pid: u32) -> u32 {
    for _ in 0..1000 {
        let kids =
            std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
        for k in kids.split_whitespace() {
            if std::fs::read_link(format!("/proc/{k}/exe")).is_ok_and(|e| e.ends_with("sleep")) {
                return k.parse().unwrap();
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("no sleeping child of {pid}");
}

#[test]
fn pid_inode_dead_and_zombie_targets() {
    if !need_root("pid_inode_dead_and_zombie_targets") {
        return;
    }
    let l = Links::new();
    let d = TempDir::new("nse-pidino");
    let t = start(
        &l,
        &d,
        CLONE_NEWUTS,
        "hostname ino && ready $$ && exec sleep 60",
    );
    let pidfd = rustix::process::pidfd_open(
        Pid::from_raw(t.pid as i32).unwrap(),
        rustix::process::PidfdFlags::empty(),
    )
    .unwrap();
    let ino = rustix::fs::fstat(&pidfd).unwrap().st_ino;
    let good = format!("{}:{ino}", t.pid);
    let bad = format!("{}:{}", t.pid, ino + 1);
    // A pidfd's inode identifies the process only on pidfs (Linux 6.9);
    // before, util-linux (and nsbox) refuse PID:INODE with ENOTSUP.
    let pidfs = rustix::fs::fstatfs(&pidfd).is_ok_and(|s| s.f_type as u64 == 0x5049_4446);
    if pidfs {
        let o = nsenter(&l, &["-t", &good, "-u", "hostname"]);
        assert_code(&o, 0);
        assert_eq!(stdout(&o), "ino\n");
        assert_err(
            &nsenter(&l, &["-t", &bad, "-u", "hostname"]),
            &format!(
                "failed to obtain a valid file descriptor for PID {}: No such process",
                t.pid
            ),
        );
    } else {
        for arg in [&good, &bad] {
            assert_err(
                &nsenter(&l, &["-t", arg, "-u", "hostname"]),
                &format!(
                    "failed to obtain a valid file descriptor for PID {}: Operation not supported",
                    t.pid
                ),
            );
        }
    }
    assert_err(
        &nsenter(&l, &["-t", "12x", "-u", "true"]),
        "failed to parse PID argument '12x': Invalid argument",
    );
    assert_err(
        &nsenter(&l, &["-t", "1:", "-u", "true"]),
        "failed to parse PID argument '1:': Invalid argument",
    );
    assert_err(
        &nsenter(&l, &["-t", "1", "--target=1", "-u", "true"]),
        "option --target may be given only once",
    );

    // A dead (reaped) process.
    let mut dead = Command::new("true").spawn().unwrap();
    let dp = dead.id();
    dead.wait().unwrap();
    assert_err(
        &nsenter(&l, &["-t", &dp.to_string(), "-u", "true"]),
        &format!("cannot open /proc/{dp}/ns/uts: No such file or directory"),
    );
    // A zombie: exited, not reaped (we are its parent and do not wait yet).
    let mut z = Command::new("true").spawn().unwrap();
    let zp = z.id().to_string();
    for _ in 0..500 {
        let s = std::fs::read_to_string(format!("/proc/{zp}/stat")).unwrap_or_default();
        if s.rsplit(')')
            .next()
            .is_some_and(|r| r.trim_start().starts_with('Z'))
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let o = nsenter(&l, &["-t", &zp, "-u", "true"]);
    z.wait().unwrap();
    assert_code(&o, 1);
    assert!(
        stderr(&o).starts_with("nsenter: reassociate to namespaces failed: "),
        "{}",
        stderr(&o)
    );
}

/// `-t` as util-linux HEAD parses it (lib/pidutils.c) and the order in
/// which it reports a process that does not exist (issue 14).
#[test]
fn target_pid_parsing_and_messages_like_util_linux() {
    let l = Links::new();
    let range = "Numerical result out of range";
    let inval = "Invalid argument";
    for (arg, e) in [
        ("0", range),
        ("-5", range),
        ("-0", range),
        ("1:0", range),
        ("1:-1", range),
        ("99999999999", range),
        ("2147483648", range),
        ("", inval),
        (" ", inval),
        ("-", inval),
        ("5x", inval),
        ("1 ", inval),
        ("1:", inval),
        ("1:x", inval),
        ("1:2:3", inval),
    ] {
        assert_err(
            &nsenter(&l, &["-t", arg, "-u", "true"]),
            &format!("failed to parse PID argument '{arg}': {e}"),
        );
    }
    // A PID that does not exist: util-linux reports the first file it
    // cannot open, in its order (uts before net), or that nothing is to do.
    let mut dead = Command::new("true").spawn().unwrap();
    let dp = dead.id().to_string();
    dead.wait().unwrap();
    let no = "No such file or directory";
    assert_err(
        &nsenter(&l, &["-t", &dp, "-n", "-u", "true"]),
        &format!("cannot open /proc/{dp}/ns/uts: {no}"),
    );
    assert_err(
        &nsenter(&l, &["-t", &dp, "-r", "true"]),
        &format!("cannot open /proc/{dp}/root: {no}"),
    );
    assert_err(
        &nsenter(&l, &["-t", &dp, "-S", "follow", "true"]),
        &format!("cannot open /proc/{dp}/: {no}"),
    );
    assert_err(&nsenter(&l, &["-t", &dp, "true"]), "no namespace specified");
    assert_err(
        &nsenter(&l, &["-t", &format!("{dp}:5"), "-u", "true"]),
        &format!("failed to obtain a valid file descriptor for PID {dp}: No such process"),
    );
    if !need_root("target_pid_parsing_and_messages_like_util_linux") {
        return;
    }
    // Leading blanks and a '+' are fine (strtoimax skips them).
    let d = TempDir::new("nse-pidparse");
    let t = start(
        &l,
        &d,
        CLONE_NEWUTS,
        "hostname parsed && ready $$ && exec sleep 60",
    );
    for arg in [format!(" {}", t.pid), format!("\t+{}", t.pid)] {
        let o = nsenter(&l, &["-t", &arg, "-u", "hostname"]);
        assert_code(&o, 0);
        assert_eq!(stdout(&o), "parsed\n", "{arg:?}");
    }
}

/// `NS_GET_ID` (linux/nsfs.h) of the namespace file `path`.
fn ns_id(path: &str) -> Option<u64> {
    let f = std::fs::File::open(path).ok()?;
    // SAFETY: NS_GET_ID writes one u64, which Getter provides.
    unsafe { rustix::ioctl::ioctl(&f, rustix::ioctl::Getter::<0x8008_b70d, u64>::new()) }.ok()
}

/// `--TYPE=:NSID` (issue 13): util-linux HEAD's messages; where the
/// kernel opens nsfs file handles by ID, the namespace of that ID, else
/// which kernel feature is missing.
#[test]
fn namespace_by_id() {
    let l = Links::new();
    assert_err(
        &nsenter(&l, &["--uts=:abc", "true"]),
        "failed to parse nsid: abc",
    );
    assert_err(&nsenter(&l, &["-u:", "true"]), "failed to parse nsid: ");
    assert_err(&nsenter(&l, &["-n:-1", "true"]), "failed to parse nsid: -1");
    if !need_root("namespace_by_id") {
        return;
    }
    let d = TempDir::new("nse-byid");
    let t = start(
        &l,
        &d,
        CLONE_NEWUTS,
        "hostname byid && ready $$ && exec sleep 60",
    );
    let Some(id) = ns_id(&format!("/proc/{}/ns/uts", t.pid)) else {
        skip("namespace_by_id", "no NS_GET_ID on this kernel");
        return;
    };
    let o = nsenter(&l, &[&format!("--uts=:{id}"), "hostname"]);
    if o.status.success() {
        assert_eq!(stdout(&o), "byid\n");
        return;
    }
    let e = stderr(&o);
    let missing = [
        "nsenter: failed to fill namespace file handle: Inappropriate ioctl for device (no PIDFD_GET_MNT_NAMESPACE: Linux 6.11 or later needed)\n".to_string(),
        "nsenter: failed to fill namespace file handle: Operation not supported (no nsfs file handles: Linux 6.18 or later needed)\n".into(),
    ];
    assert!(missing.contains(&e), "{e}");
    assert_code(&o, 1);
    skip("namespace_by_id", e.trim_end());
}

/// An ID no namespace has: the kernel's answer, or, where it opens nsfs
/// handles only with type and inode too (6.18), that no process has it.
#[test]
fn namespace_by_unknown_id() {
    if !need_root("namespace_by_unknown_id") {
        return;
    }
    let l = Links::new();
    let Some(mine) = ns_id("/proc/self/ns/uts") else {
        skip("namespace_by_unknown_id", "no NS_GET_ID on this kernel");
        return;
    };
    let id = mine + (1 << 40);
    let o = nsenter(&l, &[&format!("--uts=:{id}"), "hostname"]);
    assert_code(&o, 1);
    let e = stderr(&o);
    let answers = [
        format!("nsenter: cannot open namespace of id {id}: No such file or directory\n"),
        format!("nsenter: cannot open namespace of id {id}: Stale file handle\n"),
        format!(
            "nsenter: cannot open namespace of id {id}: Stale file handle (this kernel opens nsfs file handles only with the namespace's type and inode too, and no process is in a uts namespace of that id)\n"
        ),
    ];
    assert!(answers.contains(&e), "{e}");
}

#[test]
fn wrong_namespace_files_are_explained() {
    if !compat_nsfs_ioctls("wrong_namespace_files_are_explained") {
        return;
    }
    if !need_root("wrong_namespace_files_are_explained") {
        return;
    }
    let l = Links::new();
    let o = nsenter(&l, &["--uts=/proc/self/ns/ipc", "true"]);
    assert_code(&o, 1);
    let e = stderr(&o);
    // An EINVAL for a kind the kernel has: no "kernel does not support"
    // hint (the messages are exact).
    let base = "nsenter: reassociate to namespace 'ns/uts' failed: Invalid argument";
    if qemu_user() {
        assert!(e.starts_with(base), "{e}"); // no NS_GET_NSTYPE under qemu-user
    } else {
        assert_eq!(e, format!("{base} (/proc/self/ns/ipc: ipc namespace)\n"));
    }
    let o = nsenter(&l, &["--net=/etc/hostname", "true"]);
    assert_err(
        &o,
        "reassociate to namespace 'ns/net' failed: Invalid argument (/etc/hostname is not a namespace file)",
    );
    let o = nsenter(&l, &["--net=/nonexistent", "true"]);
    assert_err(&o, "cannot open /nonexistent: No such file or directory");
}

#[test]
fn no_descriptor_leaks_into_the_program() {
    if !need_root("no_descriptor_leaks_into_the_program") {
        return;
    }
    let l = Links::new();
    let d = TempDir::new("nse-fds");
    let t = start(
        &l,
        &d,
        CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID,
        "sleep 60 & ready $!; wait",
    );
    let p = t.pid.to_string();
    let ls = "ls /proc/self/fd";
    let plain = stdout(&run(&mut l.sh(ls)));
    let o = nsenter(
        &l,
        &[
            "-t", &p, "-u", "-i", "-p", "-r", "-w", "-e", "-S", "follow", "sh", "-c", ls,
        ],
    );
    assert_code(&o, 0);
    assert_eq!(stdout(&o), plain);
    let o = nsenter(
        &l,
        &[&format!("--uts=/proc/{p}/ns/uts"), "-F", "sh", "-c", ls],
    );
    assert_eq!(stdout(&o), plain);
}

#[test]
fn unprivileged_entry_into_own_user_namespace() {
    if !need_root("unprivileged_entry_into_own_user_namespace") {
        return;
    }
    if !not_qemu_user(
        "unprivileged_entry_into_own_user_namespace",
        "enter a user namespace",
    ) {
        return;
    }
    let l = Links::new();
    let d = TempDir::new("nse-unpriv");
    std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let ready = d.join("ready");
    // The target: nobody's own user namespace (`unshare -U -r`: uid 0 there,
    // setgroups denied) with its own uts namespace.
    let mut c = Command::new("/usr/bin/unshare");
    c.args(["-U", "-r", "-u", "sh", "-c"])
        .arg(format!(
            "hostname unpriv && touch {} && exec sleep 60",
            ready.display()
        ))
        .uid(65534)
        .gid(65534)
        .stdin(Stdio::null());
    let t = Child::spawn(&mut c);
    for _ in 0..500 {
        if ready.exists() {
            break;
        }
        if std::fs::read_to_string(format!("/proc/{}/stat", t.pid())).is_err() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    if !ready.exists() {
        skip(
            "unprivileged_entry_into_own_user_namespace",
            "unprivileged user namespaces are disabled",
        );
        return;
    }
    let p = t.pid().to_string();
    let mut c = l.cmd("nsenter");
    c.args([
        "-t",
        &p,
        "-U",
        "-u",
        "sh",
        "-c",
        "id -u; id -g; hostname; readlink /proc/self/ns/user",
    ])
    .uid(65534)
    .gid(65534);
    let o = run(&mut c);
    assert_code(&o, 0);
    assert_eq!(lines(&o), ["0", "0", "unpriv", &ns_link(&p, "user")]);
    // With a supplementary group that cannot be dropped (setgroups=deny):
    // util-linux's failure, with the way out.
    let setpriv = ["--reuid=65534", "--regid=65534", "--groups=100"];
    let o = run(Command::new("setpriv")
        .args(setpriv)
        .arg(l.path("nsenter"))
        .args(["-t", &p, "-U", "-u", "true"]));
    assert_err(
        &o,
        "setgroups failed: Operation not permitted (the user namespace denies setgroups; try --preserve-credentials)",
    );
    let o = run(Command::new("setpriv")
        .args(setpriv)
        .arg(l.path("nsenter"))
        .args(["-t", &p, "-U", "-u", "--preserve-credentials", "hostname"]));
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "unpriv\n");
    // Unprivileged, a namespace not owned by our user namespace is refused.
    let mut c = l.cmd("nsenter");
    c.args(["-t", "1", "-u", "true"]).uid(65534).gid(65534);
    let o = run(&mut c);
    assert_code(&o, 1);
}

#[test]
fn usage_and_exec_errors() {
    let l = Links::new();
    let me = std::process::id().to_string();
    assert_err(&nsenter(&l, &["true"]), "no namespace specified");
    assert_err(&nsenter(&l, &["-t", &me, "true"]), "no namespace specified");
    assert_err(
        &nsenter(&l, &["-r", "-u/proc/self/ns/uts", "true"]),
        "neither filename nor target pid supplied for root",
    );
    let o = nsenter(&l, &["-Z", "true"]);
    assert_code(&o, 1);
    assert!(stderr(&o).contains("SELinux"), "{}", stderr(&o));
    let o = nsenter(&l, &["--bogus"]);
    assert_code(&o, 1);
    assert!(stderr(&o).ends_with(
        "nsenter: unrecognized option '--bogus'\nTry 'nsenter --help' for more information.\n"
    ));
    let o = nsenter(&l, &["--help"]);
    assert_code(&o, 0);
    assert!(stdout(&o).contains("-Z/--follow-context (SELinux)"));
    assert!(stdout(&o).contains(" -N, --net-socket <fd>"));
    if !need_root("usage_and_exec_errors") {
        return;
    }
    let d = TempDir::new("nse-exec");
    let t = start(
        &l,
        &d,
        CLONE_NEWUTS,
        "hostname execs && ready $$ && exec sleep 60",
    );
    let p = t.pid.to_string();
    let o = nsenter(&l, &["-t", &p, "-u", "/nonexistent/prog"]);
    assert_code(&o, 127);
    assert_eq!(
        stderr(&o),
        "nsenter: failed to execute /nonexistent/prog: No such file or directory\n"
    );
    let text = write_tmp(&d, "text", "not a program\n");
    let o = nsenter(&l, &["-t", &p, "-u", text.to_str().unwrap()]);
    assert_code(&o, 126);
    assert_eq!(
        stderr(&o),
        format!(
            "nsenter: failed to execute {}: Permission denied\n",
            text.display()
        )
    );
    // No program: the login shell ($SHELL) with its stdin.
    let o = run(l
        .cmd("nsenter")
        .args(["-t", &p, "-u"])
        .env("SHELL", "/bin/sh")
        .stdin(std::fs::File::open(write_tmp(&d, "in", "hostname; echo $0\n")).unwrap()));
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "execs\n-sh\n");
}

fn write_tmp(d: &TempDir, name: &str, text: &str) -> std::path::PathBuf {
    let p = d.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// `-N FD` as util-linux HEAD parses it: str2num_or_err(S, 10, ..., 0,
/// INT_MAX), where a low of 0 is no limit, so a negative descriptor
/// means no socket (and so, here, no namespace).
#[test]
fn net_socket_values() {
    let l = Links::new();
    assert_err(
        &nsenter(&l, &["-N", "x", "true"]),
        "failed to parse file descriptor: 'x'",
    );
    assert_err(
        &nsenter(&l, &["-N", "2147483648", "true"]),
        "failed to parse file descriptor: '2147483648': Numerical result out of range",
    );
    assert_err(
        &nsenter(&l, &["-N", "-1", "true"]),
        "no namespace specified",
    );
    assert_err(
        &nsenter(&l, &["-N", "3", "true"]),
        "no target PID specified",
    );
    if !not_qemu_user("net_socket_values", "do pidfd_getfd") {
        return;
    }
    // HEAD's messages name the pidfd (nsenter's first free descriptor: 3,
    // or more where the caller leaves descriptors open, as the VM's init
    // does) and the socket.
    let me = std::process::id().to_string();
    let o = nsenter(&l, &["-t", &me, "-N", "999", "true"]);
    assert_code(&o, 1);
    let e = stderr(&o);
    let pidfd = e
        .strip_prefix("nsenter: pidfd_getfd(")
        .and_then(|r| r.strip_suffix(", 999): Bad file descriptor\n"))
        .unwrap_or_else(|| panic!("{e}"));
    assert!(pidfd.parse::<u32>().is_ok_and(|n| n >= 3), "{e}");
    assert_err(
        &nsenter(&l, &["-t", "999999999", "-N", "3", "true"]),
        "failed to pidfd_open() for 999999999: No such process",
    );
}

/// The running kernel is at least `x.y` (for what a test expects; nsenter
/// itself detects features, never versions).
fn kernel_at_least(x: u32, y: u32) -> bool {
    let u = rustix::system::uname();
    let r = u.release().to_string_lossy();
    let mut v = r
        .split(|c: char| !c.is_ascii_digit())
        .map(|n| n.parse::<u32>().unwrap_or(0));
    (v.next().unwrap_or(0), v.next().unwrap_or(0)) >= (x, y)
}

/// Without /proc (unmounted in a private mount namespace, as in an
/// initramfs before it is mounted): the target's namespaces come from its
/// pidfd, by one setns on it (Linux 5.8), or, mixed with a given file, by
/// PIDFD_GET_*_NAMESPACE (6.11; before, the /proc file that is not there:
/// util-linux's message). What still needs /proc says so.
#[test]
fn target_namespaces_without_proc() {
    if !need_root("target_namespaces_without_proc") {
        return;
    }
    // qemu-user refuses unknown ioctls (ENOTTY) and wants /proc itself.
    if !not_qemu_user(
        "target_namespaces_without_proc",
        "do the PIDFD_GET_*_NAMESPACE ioctls or run without /proc",
    ) {
        return;
    }
    let l = Links::new();
    let d = TempDir::new("nse-noproc");
    let t = start(
        &l,
        &d,
        CLONE_NEWUTS | CLONE_NEWIPC,
        "hostname noproc && ready $$ && exec sleep 60",
    );
    let p = t.pid;
    let s = format!(
        "set -e; mount --make-rprivate /; P={p}; touch {d}/ipc
         mount --bind /proc/$P/ns/ipc {d}/ipc
         nsenter -t $P -u --ipc={d}/ipc hostname; echo rc=$?
         umount -l /proc
         [ ! -e /proc/self ] || {{ echo /proc is still there; exit 9; }}
         set +e
         for a in '-u' '-u --ipc={d}/ipc' '-r' '-u -e' '-u -S follow' '-a'; do
             nsenter -t $P $a hostname 2>&1; echo rc=$?
         done",
        d = d.path().display()
    );
    let o = run(in_new_ns(&mut l.sh(&s), CLONE_NEWNS));
    assert_code(&o, 0);
    let gone = "No such file or directory";
    let (mixed, all) = if kernel_at_least(6, 11) {
        ("noproc\nrc=0".to_owned(), "noproc\nrc=0")
    } else {
        (
            format!("nsenter: cannot open /proc/{p}/ns/uts: {gone}\nrc=1"),
            "nsenter: no namespace specified\nrc=1",
        )
    };
    let want = [
        // With /proc: from the pidfd on 6.11, else /proc/PID/ns/uts.
        "noproc\nrc=0".to_owned(),
        "noproc\nrc=0".to_owned(),
        mixed,
        format!("nsenter: cannot open /proc/{p}/root: {gone}\nrc=1"),
        format!("nsenter: cannot open /proc/{p}/environ: {gone}\nrc=1"),
        format!("nsenter: cannot open /proc/{p}/: {gone}\nrc=1"),
        // --all finds the kernel's kinds and our user namespace from
        // pidfds (6.11), else in /proc/self/ns: none (util-linux: none).
        all.to_owned(),
    ];
    assert_eq!(stdout(&o), want.join("\n") + "\n", "{}", stderr(&o));
}
