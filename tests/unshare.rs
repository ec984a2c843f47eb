//! unshare: real namespaces, checked from outside (mountinfo, /proc/PID/ns,
//! setns from the test), every seed demo, the ordering rules that can be
//! observed, signal/exit mirroring, bad inputs with their exact messages.

mod common;
use common::*;
use linux_raw_sys::general::{CLONE_NEWIPC, CLONE_NEWNS};
use std::os::fd::AsFd;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

fn un(l: &Links, args: &[&str]) -> Command {
    let mut c = l.cmd("unshare");
    c.args(args).env("PATH", PATH);
    c
}

fn unshare(l: &Links, args: &[&str]) -> Output {
    run(&mut un(l, args))
}

/// Runs as nobody (uid/gid 65534, no supplementary groups).
fn as_nobody(c: &mut Command) -> &mut Command {
    c.uid(65534).gid(65534).current_dir("/")
}

/// A file a namespace gets persisted on: unmounted (all stacked binds) and
/// removed on drop, even when the test fails.
struct NsFile(PathBuf);

impl NsFile {
    fn new(d: &TempDir, name: &str) -> NsFile {
        let p = d.join(name);
        std::fs::write(&p, "").unwrap();
        NsFile(p)
    }
    fn s(&self) -> &str {
        self.0.to_str().unwrap()
    }
    /// The nsfs mount on this file, from our mountinfo (`uts:[4026...]`).
    fn mounted(&self) -> Option<String> {
        let mi = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
        mi.lines()
            .rfind(|l| l.split(' ').nth(4) == Some(self.s()))
            .map(|l| l.split(' ').nth(3).unwrap().to_owned())
    }
}

impl Drop for NsFile {
    fn drop(&mut self) {
        while rustix::mount::unmount(&self.0, rustix::mount::UnmountFlags::DETACH).is_ok() {}
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Nothing of `dir` is mounted in our mount namespace.
fn nothing_mounted_under(dir: &Path) {
    let mi = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    let d = dir.to_str().unwrap();
    assert!(!mi.contains(d), "left mounted under {d}:\n{mi}");
}

fn userns_ok(test: &str) -> bool {
    need_root(test) && not_qemu_user(test, "create user namespaces")
}

#[track_caller]
fn assert_err(o: &Output, msg: &str) {
    assert_code(o, 1);
    assert_eq!(stderr(o), msg);
}

// ---------------------------------------------------------------- seed demos

#[test]
fn seed_map_root_user_whoami() {
    if !userns_ok("seed_map_root_user_whoami") {
        return;
    }
    let l = Links::new();
    let o = unshare(&l, &["--map-root-user", "--user", "sh", "-c", "whoami"]);
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "root\n");
    // Rootless: the same as nobody, and the single-map order is
    // uid_map, then setgroups=deny, then gid_map.
    let o = run(as_nobody(&mut un(
        &l,
        &[
            "-r",
            "sh",
            "-c",
            "whoami; cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups",
        ],
    )));
    assert_code(&o, 0);
    let t = stdout(&o);
    let w: Vec<&str> = t.split_whitespace().collect();
    assert_eq!(
        w,
        ["root", "0", "65534", "1", "0", "65534", "1", "deny"],
        "{t}"
    );
}

#[test]
fn seed_fork_pid_mount_proc() {
    if !need_root("seed_fork_pid_mount_proc") {
        return;
    }
    let l = Links::new();
    // Only the proc mounts are compared: parallel tests mount and unmount
    // their own things in the host's table meanwhile.
    let proc_mounts = || -> Vec<String> {
        let mi = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
        mi.lines()
            .filter(|l| l.contains(" - proc "))
            .map(str::to_owned)
            .collect()
    };
    let before = proc_mounts();
    let o = unshare(
        &l,
        &[
            "--fork",
            "--pid",
            "--mount-proc",
            "sh",
            "-c",
            "echo $$; ls /proc | grep '^[0-9]'",
        ],
    );
    assert_code(&o, 0);
    let t = stdout(&o);
    let mut lines = t.lines();
    assert_eq!(lines.next(), Some("1"));
    // Only sh (1) and the pipeline's processes are visible.
    let pids: Vec<u32> = lines.map(|p| p.parse().unwrap()).collect();
    assert!(pids.contains(&1) && pids.len() <= 3, "{t}");
    assert_eq!(proc_mounts(), before);
}

#[test]
fn seed_uts_hostname() {
    if !need_root("seed_uts_hostname") {
        return;
    }
    let host = rustix::system::uname()
        .nodename()
        .to_str()
        .unwrap()
        .to_owned();
    let l = Links::new();
    let o = unshare(&l, &["-u", "sh", "-c", "hostname nsbox-inner && hostname"]);
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "nsbox-inner\n");
    assert_eq!(rustix::system::uname().nodename().to_str().unwrap(), host);
}

#[test]
fn seed_ipc_queue_invisible() {
    if !need_root("seed_ipc_queue_invisible") {
        return;
    }
    let l = Links::new();
    // The queue is made in a fresh IPC namespace of its own, not the host's.
    let s = "ipcmk -Q >/dev/null && cat /proc/sysvipc/msg && echo -- && unshare -i cat /proc/sysvipc/msg";
    let o = run(in_new_ns(&mut l.sh(s), CLONE_NEWIPC));
    assert_code(&o, 0);
    let t = stdout(&o);
    let (outside, inside) = t.split_once("--\n").expect("two tables");
    // The queue (a header and one row) is not seen in the new namespace.
    assert_eq!(outside.lines().count(), 2, "{t}");
    assert_eq!(inside.lines().count(), 1, "{t}");
}

#[test]
fn seed_net_only_lo() {
    if !need_root("seed_net_only_lo") {
        return;
    }
    let l = Links::new();
    let o = unshare(&l, &["-n", "cat", "/proc/net/dev"]);
    assert_code(&o, 0);
    let t = stdout(&o);
    let ifs: Vec<&str> = t
        .lines()
        .skip(2)
        .map(|l| l.split(':').next().unwrap().trim())
        .collect();
    assert_eq!(ifs, ["lo"], "{t}");
}

#[test]
fn seed_mount_tmpfs_invisible_outside() {
    if !need_root("seed_mount_tmpfs_invisible_outside") {
        return;
    }
    let l = Links::new();
    let d = TempDir::new("mnt");
    let s = format!(
        "mount -t tmpfs nsboxtmp {0} && touch {0}/inside && ls {0}",
        d.path().display()
    );
    let o = unshare(&l, &["-m", "sh", "-c", &s]);
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "inside\n");
    assert!(!d.join("inside").exists());
    nothing_mounted_under(d.path());
}

#[test]
fn seed_user_without_map_is_nobody() {
    if !userns_ok("seed_user_without_map_is_nobody") {
        return;
    }
    let l = Links::new();
    let o = unshare(&l, &["-U", "sh", "-c", "stat -c %u:%g /etc/passwd; id -u"]);
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "65534:65534\n65534\n");
}

/// `uname -n` inside the UTS namespace persisted on `f` (setns from here).
fn uname_in(f: &Path) -> String {
    let ns = std::fs::File::open(f).unwrap();
    let mut c = Command::new("uname");
    c.arg("-n");
    // SAFETY: only the setns syscall runs between fork and exec.
    unsafe {
        c.pre_exec(move || {
            rustix::thread::move_into_link_name_space(ns.as_fd(), None)
                .map_err(std::io::Error::from)
        });
    }
    stdout(&run(&mut c)).trim_end().to_owned()
}

#[test]
fn seed_persist_uts_and_enter_later() {
    if !need_root("seed_persist_uts_and_enter_later") {
        return;
    }
    let l = Links::new();
    let d = TempDir::new("persist");
    let f = NsFile::new(&d, "uts");
    let o = unshare(
        &l,
        &[&format!("--uts={}", f.s()), "hostname", "persisted-ns"],
    );
    assert_code(&o, 0);
    assert!(f.mounted().unwrap().starts_with("uts:["));
    assert_eq!(uname_in(&f.0), "persisted-ns");
    assert_ne!(
        uname_in(&f.0),
        rustix::system::uname().nodename().to_str().unwrap()
    );
}

#[test]
fn seed_time_boottime_offset() {
    if !need_root("seed_time_boottime_offset") {
        return;
    }
    if kinds_here("seed_time_boottime_offset", &["time"]).is_empty() {
        return;
    }
    let l = Links::new();
    let up = |s: &str| -> f64 { s.split_whitespace().next().unwrap().parse().unwrap() };
    let host = up(&std::fs::read_to_string("/proc/uptime").unwrap());
    let o = unshare(
        &l,
        &["-T", "--boottime", "86400", "--fork", "cat", "/proc/uptime"],
    );
    assert_code(&o, 0);
    let inner = up(&stdout(&o));
    assert!(
        inner - host > 86390.0 && inner - host < 86460.0,
        "{host} {inner}"
    );
    let o = unshare(
        &l,
        &[
            "-T",
            // Positive: a negative offset larger than the uptime is ERANGE
            // (a freshly booted VM).
            "--monotonic=100",
            "--boottime=200",
            "-f",
            "cat",
            "/proc/self/timens_offsets",
        ],
    );
    assert_code(&o, 0);
    assert_eq!(
        stdout(&o),
        "monotonic         100         0\nboottime          200         0\n"
    );
}

#[test]
fn seed_cgroup_root() {
    if !need_root("seed_cgroup_root") {
        return;
    }
    let l = Links::new();
    let o = unshare(&l, &["-C", "cat", "/proc/self/cgroup"]);
    assert_code(&o, 0);
    let t = stdout(&o);
    assert!(!t.is_empty() && t.lines().all(|l| l.ends_with(":/")), "{t}");
}

// ------------------------------------------------------------- persistence

#[test]
fn persist_all_eight_kinds() {
    if !userns_ok("persist_all_eight_kinds") {
        return;
    }
    let l = Links::new();
    let d = TempDir::new("persist8");
    // The options and /proc names of the kinds the kernel has (32-bit ARM
    // has no time namespaces).
    let names = kinds_here(
        "persist_all_eight_kinds",
        &["mnt", "uts", "ipc", "net", "pid", "user", "cgroup", "time"],
    );
    let kinds: Vec<&str> = names
        .iter()
        .map(|&n| if n == "mnt" { "mount" } else { n })
        .collect();
    let files: Vec<NsFile> = kinds.iter().map(|k| NsFile::new(&d, k)).collect();
    let mut args: Vec<String> = vec!["-f".into(), "-r".into()];
    args.extend(
        kinds
            .iter()
            .zip(&files)
            .map(|(k, f)| format!("--{k}={}", f.s())),
    );
    args.extend([
        "sh".into(),
        "-c".into(),
        "readlink /proc/self/ns/user".into(),
    ]);
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = unshare(&l, &a);
    assert_code(&o, 0);
    for (f, n) in files.iter().zip(&names) {
        let m = f.mounted().unwrap_or_default();
        assert!(m.starts_with(&format!("{n}:[")), "{n}: {m:?}");
    }
    // The user namespace bound is the one the program ran in.
    let user = files[5].mounted().unwrap();
    assert_eq!(stdout(&o).trim_end(), user);
    drop(files);
    nothing_mounted_under(d.path());
}

#[test]
fn persist_pid_needs_fork_and_missing_file() {
    if !need_root("persist_pid_needs_fork_and_missing_file") {
        return;
    }
    let l = Links::new();
    let d = TempDir::new("persistpid");
    let f = NsFile::new(&d, "pid");
    let o = unshare(&l, &[&format!("--pid={}", f.s()), "true"]);
    assert_code(&o, 1);
    let e = stderr(&o);
    assert!(e.starts_with("unshare: mount /proc/"), "{e}");
    assert!(
        e.ends_with(&format!(
            "/ns/pid_for_children on {} failed: No such file or directory (hint: --pid=FILE needs --fork)\n",
            f.s()
        )),
        "{e}"
    );
    assert_eq!(f.mounted(), None);
    let o = unshare(&l, &["-f", &format!("--pid={}", f.s()), "true"]);
    assert_code(&o, 0);
    assert!(f.mounted().unwrap().starts_with("pid:["));
    let missing = d.join("missing");
    let o = unshare(&l, &[&format!("--uts={}", missing.display()), "true"]);
    assert_code(&o, 1);
    let e = stderr(&o);
    assert!(
        e.ends_with(&format!(
            "/ns/uts on {} failed: No such file or directory\n",
            missing.display()
        )),
        "{e}"
    );
}

#[test]
fn persist_on_shared_mount_is_explained() {
    if !need_root("persist_on_shared_mount_is_explained") {
        return;
    }
    let l = Links::new();
    let d = TempDir::new("shared");
    // All in a private mount namespace of the test's own: the host's
    // mounts and propagation are never touched. Only its own mount point is
    // looked at: the copied table holds what parallel tests have mounted.
    let s = format!(
        "mount --make-rprivate / && mount -t tmpfs sh {0} && mount --make-shared {0} && touch {0}/m && \
         unshare --mount={0}/m true; echo rc=$?; grep -F ' {0}/m ' /proc/self/mountinfo; echo end",
        d.path().display()
    );
    let o = run(in_new_ns(&mut l.sh(&s), CLONE_NEWNS));
    assert_eq!(stdout(&o), "rc=1\nend\n");
    let dp = d.path().display();
    assert_eq!(
        stderr(&o),
        format!(
            "unshare: cannot bind a mount namespace on {dp}/m: it is on the shared mount {dp} \
             (the kernel refuses with EINVAL); make its directory a private mount first: \
             mount --bind {dp} {dp} && mount --make-private {dp}\n"
        )
    );
    nothing_mounted_under(d.path());
}

// ----------------------------------------------------- mounts and ordering

/// The propagation of `/` as seen by `unshare -m [--propagation MODE]`,
/// started from a private mount namespace where `/` is shared.
fn root_propagation(l: &Links, mode: Option<&str>) -> String {
    let p = mode
        .map(|m| format!("--propagation {m}"))
        .unwrap_or_default();
    let s = format!(
        "mount --make-rprivate / && mount --make-rshared / && \
         unshare -m {p} sh -c \"grep ' / / ' /proc/self/mountinfo\""
    );
    let o = run(in_new_ns(&mut l.sh(&s), CLONE_NEWNS));
    assert_code(&o, 0);
    let t = stdout(&o);
    let f: Vec<&str> = t.split(" - ").next().unwrap().split(' ').skip(6).collect();
    f.join(" ").split(':').next().unwrap_or("").to_owned()
}

#[test]
fn propagation_modes() {
    if !need_root("propagation_modes") {
        return;
    }
    let l = Links::new();
    assert_eq!(root_propagation(&l, None), "");
    assert_eq!(root_propagation(&l, Some("private")), "");
    assert_eq!(root_propagation(&l, Some("slave")), "master");
    assert_eq!(root_propagation(&l, Some("shared")), "shared");
    assert_eq!(root_propagation(&l, Some("unchanged")), "shared");
}

/// A directory to chroot into, holding a copy of nsbox as `/hostname`.
fn chroot_dir(tag: &str) -> TempDir {
    let d = TempDir::new(tag);
    install_exe(&nsbox(), d.path(), "hostname");
    d
}

#[test]
fn root_wd_and_proc_inside_new_root() {
    if !need_root("root_wd_and_proc_inside_new_root") {
        return;
    }
    let l = Links::new();
    let d = chroot_dir("root");
    let r = d.path().to_str().unwrap();
    let o = unshare(&l, &["-R", r, "/hostname"]);
    assert_code(&o, 0);
    assert_eq!(
        stdout(&o).trim_end(),
        rustix::system::uname().nodename().to_str().unwrap()
    );
    // With -m, the propagation change is made on the real / before the
    // chroot (inside it, / is no mount point and that would be EINVAL).
    let o = unshare(&l, &["-m", "-R", r, "/hostname"]);
    assert_code(&o, 0);
    // --wd is resolved after the chroot.
    let o = unshare(&l, &["--root", r, "-w", "/nonexistent", "/hostname"]);
    assert_err(
        &o,
        "unshare: cannot change directory to /nonexistent: No such file or directory\n",
    );
    let o = unshare(&l, &["-w", "/nonexistent", "true"]);
    assert_err(
        &o,
        "unshare: cannot change directory to /nonexistent: No such file or directory\n",
    );
    // proc is mounted after the chroot: inside the new root, which has no /proc yet.
    let o = unshare(&l, &["-R", r, "-fp", "--mount-proc", "/hostname"]);
    assert_err(
        &o,
        "unshare: mount /proc failed: No such file or directory\n",
    );
    std::fs::create_dir(d.join("proc")).unwrap();
    let o = unshare(&l, &["-R", r, "-fp", "--mount-proc", "/hostname"]);
    assert_code(&o, 0);
    nothing_mounted_under(d.path());
    let o = unshare(&l, &["-R", &format!("{r}/missing"), "/hostname"]);
    assert_err(
        &o,
        &format!(
            "unshare: cannot change root directory to '{r}/missing': No such file or directory\n"
        ),
    );
}

#[test]
fn mount_proc_at_dir() {
    if !need_root("mount_proc_at_dir") {
        return;
    }
    let l = Links::new();
    let d = TempDir::new("procdir");
    let p = d.path().to_str().unwrap();
    let o = unshare(
        &l,
        &[
            "-fp",
            &format!("--mount-proc={p}"),
            "sh",
            "-c",
            &format!("exec readlink {p}/self"),
        ],
    );
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "1\n");
    nothing_mounted_under(d.path());
}

// ------------------------------------------------------------------ ids

#[test]
fn setuid_setgid() {
    if !need_root("setuid_setgid") {
        return;
    }
    let l = Links::new();
    let o = unshare(
        &l,
        &[
            "-S",
            "65534",
            "-G",
            "65534",
            "sh",
            "-c",
            "id -u; id -g; id -G",
        ],
    );
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "65534\n65534\n65534\n");
}

#[test]
fn single_maps_and_setgroups() {
    if !userns_ok("single_maps_and_setgroups") {
        return;
    }
    let l = Links::new();
    let show = "id -u; id -g; cat /proc/self/setgroups";
    let o = unshare(
        &l,
        &["--map-user=1000", "--map-group=1001", "sh", "-c", show],
    );
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "1000\n1001\ndeny\n");
    let o = unshare(
        &l,
        &[
            "--map-user",
            "nobody",
            "--map-group",
            "nogroup",
            "sh",
            "-c",
            show,
        ],
    );
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "65534\n65534\ndeny\n");
    let o = unshare(
        &l,
        &[
            "--map-user=0",
            "--setgroups",
            "allow",
            "cat",
            "/proc/self/setgroups",
        ],
    );
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "allow\n");
    let o = unshare(
        &l,
        &["-U", "--setgroups=deny", "cat", "/proc/self/setgroups"],
    );
    assert_eq!(stdout(&o), "deny\n");
    // -c maps the current ids onto themselves.
    let o = run(as_nobody(&mut un(&l, &["-c", "sh", "-c", "id -u; id -g"])));
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "65534\n65534\n");
}

#[test]
fn range_maps_as_root() {
    if !userns_ok("range_maps_as_root") {
        return;
    }
    let l = Links::new();
    let maps = "cat /proc/self/uid_map /proc/self/gid_map";
    let norm = |o: &Output| -> Vec<Vec<u64>> {
        stdout(o)
            .lines()
            .map(|l| l.split_whitespace().map(|n| n.parse().unwrap()).collect())
            .collect()
    };
    let o = unshare(
        &l,
        &[
            "--map-users=0:100000:65536",
            "--map-groups",
            "100000,0,65536",
            "sh",
            "-c",
            maps,
        ],
    );
    assert_code(&o, 0);
    assert_eq!(norm(&o), [[0, 100000, 65536], [0, 100000, 65536]]);
    // Repeatable; the single map comes first and the ranges around it.
    let o = unshare(
        &l,
        &[
            "-r",
            "--map-users=1:100000:10",
            "--map-users=20:200000:5",
            "--map-groups=all",
            "sh",
            "-c",
            maps,
        ],
    );
    assert_code(&o, 0);
    assert_eq!(
        norm(&o),
        vec![
            vec![0, 0, 1],
            vec![1, 100000, 10],
            vec![20, 200000, 5],
            vec![0, 0, 1],
            // "all" overlaps the single map: it loses its top id.
            vec![1, 1, 4294967294]
        ]
    );
    // Overlapping the single map: the range loses its top id.
    let o = unshare(
        &l,
        &[
            "--map-user=5",
            "--map-users=0:100:10",
            "cat",
            "/proc/self/uid_map",
        ],
    );
    assert_code(&o, 0);
    let t: Vec<Vec<u64>> = norm(&o);
    assert_eq!(t, [[5, 0, 1], [0, 100, 5], [6, 105, 4]]);
}

#[test]
fn subid_maps_from_etc() {
    if !userns_ok("subid_maps_from_etc") {
        return;
    }
    let l = Links::new();
    let d = TempDir::new("etc");
    let etc = d.path().display();
    std::fs::copy("/etc/passwd", d.join("passwd")).unwrap();
    std::fs::copy("/etc/group", d.join("group")).unwrap();
    std::fs::write(d.join("subuid"), "other:1:2\nroot:100000:65536\n").unwrap();
    std::fs::write(d.join("subgid"), "0:200000:1000\n").unwrap();
    // A private /etc in a mount namespace of the test's own.
    let s = format!(
        "mount --make-rprivate / && mount --bind {etc} /etc && \
         unshare --map-auto cat /proc/self/uid_map /proc/self/gid_map && \
         unshare --map-subids -r cat /proc/self/uid_map && \
         unshare --map-users=auto --map-groups=subids cat /proc/self/gid_map"
    );
    let o = run(in_new_ns(&mut l.sh(&s), CLONE_NEWNS));
    assert_code(&o, 0);
    let w: Vec<u64> = stdout(&o)
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    assert_eq!(
        w,
        [
            0, 100000, 65536, 0, 200000, 1000, 0, 0, 1, 100000, 100000, 65536, 200000, 200000, 1000
        ]
    );
    let s = format!(
        "mount --make-rprivate / && mount --bind {etc} /etc && rm -f {etc}/subuid && unshare --map-auto true"
    );
    let o = run(in_new_ns(&mut l.sh(&s), CLONE_NEWNS));
    assert_err(
        &o,
        "unshare: could not open '/etc/subuid': No such file or directory\n",
    );
    let s = format!(
        "mount --make-rprivate / && mount --bind {etc} /etc && echo x:1:1 > {etc}/subuid && unshare --map-users=auto true"
    );
    let o = run(in_new_ns(&mut l.sh(&s), CLONE_NEWNS));
    assert_err(
        &o,
        "unshare: no line matching user \"root\" in /etc/subuid\n",
    );
}

#[test]
fn range_maps_unprivileged_use_newuidmap() {
    if !userns_ok("range_maps_unprivileged_use_newuidmap") {
        return;
    }
    let l = Links::new();
    let have = Command::new("sh")
        .args(["-c", "command -v newuidmap"])
        .env("PATH", PATH)
        .output();
    if have.is_ok_and(|o| o.status.success()) {
        skip(
            "range_maps_unprivileged_use_newuidmap",
            "newuidmap is installed; this checks the exec path without it",
        );
        return;
    }
    let o = run(as_nobody(&mut un(&l, &["--map-users=0:65534:1", "true"])));
    assert_code(&o, 127);
    assert_eq!(
        stderr(&o),
        "unshare: failed to execute newuidmap: No such file or directory\n"
    );
}

#[test]
fn owner_owns_the_user_namespace() {
    if !userns_ok("owner_owns_the_user_namespace") {
        return;
    }
    let l = Links::new();
    let d = TempDir::new("owner");
    std::fs::set_permissions(
        d.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o777),
    )
    .unwrap();
    let ready = d.join("ready");
    let s = format!(
        "cat /proc/self/uid_map; id -u; touch {}; exec sleep 20",
        ready.display()
    );
    let mut c = un(&l, &["--owner", "65534:65534", "-r", "sh", "-c", &s]);
    c.stdout(Stdio::piped());
    let mut child = Child::spawn(&mut c);
    wait_for(&ready);
    // Outside, the program runs as the owner.
    let st = std::fs::read_to_string(format!("/proc/{}/status", child.pid())).unwrap();
    let uid = st.lines().find(|l| l.starts_with("Uid:")).unwrap();
    assert_eq!(uid.split_whitespace().nth(1), Some("65534"), "{st}");
    let _ = child.0.kill();
    let (t, _) = finish(&mut child);
    let w: Vec<&str> = t.split_whitespace().collect();
    // The single map was written by the helper that stayed root (as
    // util-linux does), so the owner itself is unmapped inside.
    assert_eq!(w, ["0", "0", "1", "65534"], "{t}");
    let o = unshare(&l, &["--owner", "1:x", "true"]);
    assert_err(&o, "unshare: failed to parse owner\n");
}

#[test]
fn keep_caps_fills_ambient() {
    if !userns_ok("keep_caps_fills_ambient") {
        return;
    }
    let l = Links::new();
    let amb = |args: &[&str]| {
        let mut a = args.to_vec();
        a.extend(["grep", "CapAmb", "/proc/self/status"]);
        stdout(&unshare(&l, &a))
    };
    assert_eq!(amb(&["-r"]), "CapAmb:\t0000000000000000\n");
    let on = amb(&["-r", "--keep-caps"]);
    assert!(
        on.starts_with("CapAmb:\t") && !on.contains("0000000000000000"),
        "{on}"
    );
}

// ------------------------------------------------------------ environment

#[test]
fn clear_and_whitelist_env() {
    let l = Links::new();
    let o = run(un(&l, &["--clear-env", "/usr/bin/env"]).env("FOO", "1"));
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "");
    let o = run(un(
        &l,
        &[
            "--whitelist-env",
            "FOO,NOPE",
            "--whitelist-env=PATH",
            "/usr/bin/env",
        ],
    )
    .env("FOO", "bar")
    .env("OTHER", "x"));
    assert_code(&o, 0);
    let mut v: Vec<String> = stdout(&o).lines().map(str::to_owned).collect();
    v.sort();
    assert_eq!(v, ["FOO=bar".to_string(), format!("PATH={PATH}")]);
    // util-linux (issue 14): each variable once, however often listed; the
    // last listed first (it prepends to its list and setenv()s the list
    // without overwriting), whatever the environment's order (A before B).
    let o = run(un(
        &l,
        &[
            "--whitelist-env",
            "A,B,A",
            "--whitelist-env=B,NOPE,,C",
            "/usr/bin/env",
        ],
    )
    .env("A", "1")
    .env("B", "2")
    .env("C", "3"));
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "C=3\nB=2\nA=1\n");
    let o = run(un(&l, &["--whitelist-env", "A,A,B", "/usr/bin/env"])
        .env("A", "x")
        .env("B", "y"));
    assert_eq!(stdout(&o), "B=y\nA=x\n");
}

// ------------------------------------------------------------ binfmt_misc

#[test]
fn load_interp_in_own_binfmt_instance() {
    if !userns_ok("load_interp_in_own_binfmt_instance") {
        return;
    }
    let l = Links::new();
    let o = unshare(
        &l,
        &[
            "-r",
            "-fp",
            "--load-interp",
            ":nsboxt:E::nsbx::/bin/true:",
            "cat",
            "/proc/sys/fs/binfmt_misc/nsboxt",
        ],
    );
    if stderr(&o).contains("mount /proc/sys/fs/binfmt_misc failed") {
        skip(
            "load_interp_in_own_binfmt_instance",
            "the kernel cannot mount binfmt_misc in a user namespace (before 6.7, or binfmt_misc not built)",
        );
        return;
    }
    assert_code(&o, 0);
    assert_eq!(
        stdout(&o),
        "enabled\ninterpreter /bin/true\nflags: \nextension .nsbx\n"
    );
    assert!(!Path::new("/proc/sys/fs/binfmt_misc/nsboxt").exists());
}

// -------------------------------------------------------- fork and signals

#[test]
fn exit_status_and_signal_mirrored() {
    let l = Links::new();
    let o = unshare(&l, &["-f", "sh", "-c", "exit 42"]);
    assert_code(&o, 42);
    let o = unshare(&l, &["-f", "sh", "-c", "kill -TERM $$"]);
    assert_eq!(o.status.signal(), Some(15));
    let o = run(&mut l.sh("unshare -f sh -c 'kill -TERM $$'; echo rc=$?"));
    assert_eq!(stdout(&o), "rc=143\n");
    let o = unshare(&l, &["--fork", "sh", "-c", "kill -KILL $$"]);
    assert_eq!(o.status.signal(), Some(9));
}

/// Spawns `unshare ARGS sh -c SCRIPT` whose sh writes its pid to a file
/// first; returns the child (unshare) and the sh pid.
fn spawn_with_pid(l: &Links, d: &TempDir, args: &[&str], script: &str) -> (Child, u32) {
    let pidf = d.join("pid");
    // A trap at the start of SCRIPT is set before the pid is published.
    let (trap, rest) = match script.split_once("; ") {
        Some((t, r)) if t.starts_with("trap") => (format!("{t}; "), r),
        _ => (String::new(), script),
    };
    let s = format!(
        "{trap}echo $$ > {}.tmp; mv {0}.tmp {0}; {rest}",
        pidf.display()
    );
    let mut a = args.to_vec();
    a.extend(["sh", "-c", &s]);
    let c = Child::spawn(un(l, &a).stdout(Stdio::piped()));
    wait_for(&pidf);
    let pid = std::fs::read_to_string(&pidf)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    (c, pid)
}

/// Reads the rest of the child's stdout and waits for it.
fn finish(c: &mut Child) -> (String, std::process::ExitStatus) {
    let mut out = String::new();
    if let Some(mut so) = c.0.stdout.take() {
        use std::io::Read;
        so.read_to_string(&mut out).unwrap();
    }
    (out, c.0.wait().unwrap())
}

fn signal(c: &Child, sig: rustix::process::Signal) {
    let pid = rustix::process::Pid::from_raw(c.pid() as i32).unwrap();
    rustix::process::kill_process(pid, sig).unwrap();
}

fn gone(pid: u32, within: Duration) -> bool {
    let t = Instant::now();
    while t.elapsed() < within {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => return true,
            Ok(s) if s.rsplit(')').next().unwrap().trim_start().starts_with('Z') => return true,
            Ok(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    false
}

#[test]
fn sigterm_is_blocked_without_forwarding() {
    let l = Links::new();
    let d = TempDir::new("sig");
    let (mut c, child) = spawn_with_pid(
        &l,
        &d,
        &["-f"],
        "trap 'echo trapped && exit 7' TERM; sleep 1; echo done",
    );
    signal(&c, rustix::process::Signal::TERM);
    let (out, st) = finish(&mut c);
    assert_eq!(out, "done\n");
    assert_eq!(st.code(), Some(0));
    assert!(gone(child, Duration::from_secs(1)));
}

#[test]
fn forward_signals_reach_the_child() {
    let l = Links::new();
    let d = TempDir::new("fwd");
    let (mut c, _) = spawn_with_pid(
        &l,
        &d,
        &["--forward-signals"],
        "trap 'echo got-term && exit 7' TERM; sleep 5 & wait",
    );
    signal(&c, rustix::process::Signal::TERM);
    let (out, st) = finish(&mut c);
    assert_eq!(out, "got-term\n");
    assert_eq!(st.code(), Some(7));
    // SIGINT too; the child's default action kills it and unshare mirrors it.
    let d2 = TempDir::new("fwd2");
    let (mut c, child) = spawn_with_pid(&l, &d2, &["--forward-signals"], "exec sleep 5");
    signal(&c, rustix::process::Signal::INT);
    let (_, st) = finish(&mut c);
    assert_eq!(st.signal(), Some(2));
    assert!(gone(child, Duration::from_secs(1)));
}

#[test]
fn kill_child_when_unshare_dies() {
    let l = Links::new();
    let d = TempDir::new("kc");
    let (mut c, child) = spawn_with_pid(&l, &d, &["--kill-child"], "exec sleep 30");
    c.0.kill().unwrap(); // SIGKILL
    let _ = c.0.wait();
    assert!(
        gone(child, Duration::from_secs(3)),
        "child {child} survived"
    );
    // A named signal, and --kill-child with a pid namespace kills its init.
    let d2 = TempDir::new("kc2");
    let (mut c, child) = spawn_with_pid(&l, &d2, &["--kill-child=sigterm"], "exec sleep 30");
    c.0.kill().unwrap();
    let _ = c.0.wait();
    assert!(
        gone(child, Duration::from_secs(3)),
        "child {child} survived SIGTERM"
    );
}

#[test]
fn no_fd_leak_no_zombie() {
    if !need_root("no_fd_leak_no_zombie") {
        return;
    }
    let l = Links::new();
    let d = TempDir::new("fd");
    let f = NsFile::new(&d, "mnt");
    let script = "ls /proc/self/fd | tr '\\n' ' '; cat /proc/$PPID/task/$PPID/children";
    let base = run(Command::new("sh")
        .args(["-c", "ls /proc/self/fd | tr '\\n' ' '"])
        .stdin(Stdio::null()));
    let o = unshare(
        &l,
        &[
            "-f",
            "--kill-child",
            &format!("--mount={}", f.s()),
            "sh",
            "-c",
            script,
        ],
    );
    assert_code(&o, 0);
    let t = stdout(&o);
    let (fds, kids) = t.split_at(stdout(&base).len());
    assert_eq!(fds, stdout(&base), "{t}");
    // unshare's only child is the program: the helpers were reaped.
    assert_eq!(kids.split_whitespace().count(), 1, "{t}");
    assert!(f.mounted().unwrap().starts_with("mnt:["));
}

// --------------------------------------------------------------- failures

#[test]
fn exec_failures() {
    let l = Links::new();
    let o = unshare(&l, &["/nonexistent/prog"]);
    assert_code(&o, 127);
    assert_eq!(
        stderr(&o),
        "unshare: failed to execute /nonexistent/prog: No such file or directory\n"
    );
    let o = unshare(&l, &["-f", "/etc/passwd"]);
    assert_code(&o, 126);
    assert_eq!(
        stderr(&o),
        "unshare: failed to execute /etc/passwd: Permission denied\n"
    );
    // No program: $SHELL as a login shell.
    let o = run(un(&l, &[]).env("SHELL", "/bin/sh"));
    assert_code(&o, 0);
    let o = run(un(&l, &[]).env("SHELL", "/nonexistent/sh"));
    assert_code(&o, 127);
    assert_eq!(
        stderr(&o),
        "unshare: failed to execute /nonexistent/sh: No such file or directory\n"
    );
}

#[test]
fn bad_inputs() {
    let l = Links::new();
    let argv0 = l.path("unshare").display().to_string();
    let try_help = "Try 'unshare --help' for more information.\n";
    let cases: &[(&[&str], String)] = &[
        (&["--bogus"], format!("{argv0}: unrecognized option '--bogus'\n{try_help}")),
        (&["-Z"], format!("{argv0}: invalid option -- 'Z'\n{try_help}")),
        (&["-m/x"], format!("{argv0}: invalid option -- '/'\n{try_help}")),
        (&["-."], format!("{argv0}: invalid option -- '.'\n{try_help}")),
        (&["--fork=1"], format!("{argv0}: option '--fork' doesn't allow an argument\n{try_help}")),
        (&["-S"], format!("{argv0}: option requires an argument -- 'S'\n{try_help}")),
        (&["--map-users=1:2", "true"], "unshare: invalid mapping '1:2'\n".into()),
        (&["--map-groups", "a,b,c"], "unshare: invalid mapping 'a,b,c'\n".into()),
        (&["--kill-child=FOO"], "unshare: unknown signal: FOO\n".into()),
        (&["--kill-child=9"], "unshare: unknown signal: 9\n".into()),
        (&["--kill-child=RTMAX+1"], "unshare: unknown signal: RTMAX+1\n".into()),
        (
            &["--monotonic", "5", "true"],
            "unshare: options --monotonic and --boottime require unsharing of a time namespace (-T)\n".into(),
        ),
        (&["--boottime=1x", "-T"], "unshare: failed to parse boottime offset: '1x'\n".into()),
        (
            &["--monotonic=99999999999999999999", "-T"],
            "unshare: failed to parse monotonic offset: '99999999999999999999': Numerical result out of range\n".into(),
        ),
        (
            &["--setgroups=allow", "-r", "true"],
            "unshare: options --setgroups=allow and --map-group are mutually exclusive\n".into(),
        ),
        (&["--setgroups", "maybe"], "unshare: unsupported --setgroups argument 'maybe'\n".into()),
        (&["--propagation", "foo"], "unshare: unsupported propagation mode: foo\n".into()),
        (&["-S", "abc"], "unshare: failed to parse uid: 'abc'\n".into()),
        // util-linux's ul_strtou64: a negative number is ERANGE.
        (&["--setgid=-1"], "unshare: failed to parse gid: '-1': Numerical result out of range\n".into()),
        (&["-S", "4294967296"], "unshare: failed to parse uid: '4294967296': Numerical result out of range\n".into()),
        (&["--map-user=-1"], "unshare: failed to parse uid '-1': Numerical result out of range\n".into()),
        (&["--map-user=4294967295"], "unshare: failed to parse uid '4294967295': Invalid argument\n".into()),
        (&["--owner=1:2x"], "unshare: failed to parse owner\n".into()),
        (&["--owner=1"], "unshare: failed to parse owner\n".into()),
        (&["--map-users=1:2:3:4", "true"], "unshare: invalid mapping '1:2:3:4'\n".into()),
        // rtsig_to_signum wants MIN+n, MAX-n or n after RT.
        (&["--kill-child=RTMIN"], "unshare: unknown signal: RTMIN\n".into()),
        (&["--kill-child=SIGRT"], "unshare: unknown signal: SIGRT\n".into()),
        (&["--map-user", "no-such-user"], "unshare: failed to parse uid 'no-such-user': Invalid argument\n".into()),
        (&["--map-group", "99999999999"], "unshare: failed to parse gid '99999999999': Numerical result out of range\n".into()),
    ];
    for (args, msg) in cases {
        let o = unshare(&l, args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert_eq!(&stderr(&o), msg, "{args:?}");
        assert_eq!(stdout(&o), "", "{args:?}");
    }
}

/// Values util-linux's parsers take: C's strtol/sscanf rules (leading
/// blanks, a sign, RT signal numbers with what follows them unread).
#[test]
fn numbers_as_util_linux_reads_them() {
    let l = Links::new();
    for sig in ["RT2", "sigrtmin+3x", "rtmax-0", "iot", "Cld", "SIGPOLL"] {
        let o = unshare(&l, &[&format!("--kill-child={sig}"), "true"]);
        if qemu_user() && !o.status.success() {
            // qemu-user keeps the last real-time signals for itself: its
            // prctl refuses them as a parent death signal (EINVAL).
            assert!(
                sig.to_ascii_lowercase().contains("rt"),
                "{sig}: {}",
                stderr(&o)
            );
            assert_eq!(
                stderr(&o),
                "unshare: prctl failed: Invalid argument\n",
                "{sig}"
            );
            continue;
        }
        assert_code(&o, 0);
    }
    if need_root("numbers_as_util_linux_reads_them") {
        let o = unshare(&l, &["-S", " 7", "-G", "+8", "sh", "-c", "id -u; id -g"]);
        assert_code(&o, 0);
        assert_eq!(stdout(&o), "7\n8\n");
    }
}

#[test]
fn help_and_version() {
    let l = Links::new();
    let o = unshare(&l, &["--help"]);
    assert_code(&o, 0);
    let h = stdout(&o);
    for opt in [
        "--mount[=<file>]",
        "--kill-child[=<signame>]",
        "--forward-signals",
        "--mount-binfmt[=<dir>]",
        "--load-interp <file>",
        "--map-users",
        "--map-subids",
        "--owner <uid>:<gid>",
        "--clear-env",
        "--whitelist-env <list>",
        "--monotonic <offset>",
        "--keep-caps",
    ] {
        assert!(h.contains(opt), "{opt}");
    }
    assert!(h.contains("unless --forward-signals is given, a SIGTERM or SIGINT sent to unshare does\nNOT reach the child"));
    let o = unshare(&l, &["-V"]);
    assert_code(&o, 0);
    assert!(stdout(&o).starts_with("unshare from nsbox "));
}

#[test]
fn no_namespace_flags_is_valid() {
    let l = Links::new();
    let o = unshare(&l, &["sh", "-c", "echo $0 ok", "-m"]);
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "-m ok\n");
    // Options after the program belong to it (getopt's '+').
    let o = unshare(&l, &["echo", "--fork", "-V"]);
    assert_eq!(stdout(&o), "--fork -V\n");
    // A long option's value needs '=': the next word is the program.
    if need_root("no_namespace_flags_is_valid") {
        let o = unshare(&l, &["--uts", "echo", "x"]);
        assert_code(&o, 0);
        assert_eq!(stdout(&o), "x\n");
    }
}

/// util-linux resets SIGCHLD to its default before anything else: a
/// program started by a caller that ignores SIGCHLD does not inherit that
/// (the kernel keeps an ignored signal ignored across exec).
#[test]
fn inherited_sigchld_ignore_is_cleared() {
    let l = Links::new();
    let sig_ign = |args: &[&str]| {
        // GNU env sets SIGCHLD to SIG_IGN and execs (an ignored disposition
        // survives exec); dash's `trap ''` would not touch SIGCHLD, and the
        // VMs have no bash.
        let mut c = Command::new("env");
        c.arg("--ignore-signal=CHLD").args(args).env("PATH", PATH);
        let o = run(&mut c);
        assert_code(&o, 0);
        let line = stdout(&o);
        let mask = line.trim().strip_prefix("SigIgn:").map(str::trim);
        let mask = u64::from_str_radix(mask.unwrap_or("x"), 16).expect("SigIgn mask");
        mask & 1 << (17 - 1) != 0
    };
    let status = ["grep", "^SigIgn", "/proc/self/status"];
    assert!(sig_ign(&status), "env did not ignore SIGCHLD: no control");
    let unshare = l.path("unshare");
    let mut args = vec![unshare.to_str().unwrap()];
    args.extend(status);
    assert!(!sig_ign(&args), "the program inherited an ignored SIGCHLD");
}

// ------------------------------------------------------------------ hints

#[test]
fn hint_unprivileged_without_user_namespace() {
    if !need_root("hint_unprivileged_without_user_namespace") {
        return;
    }
    let l = Links::new();
    let o = run(as_nobody(&mut un(&l, &["-n", "true"])));
    assert_err(
        &o,
        "unshare: unshare(CLONE_NEWNET) failed: Operation not permitted (hint: run as root or add -r/--map-root-user)\n",
    );
    let o = run(as_nobody(&mut un(&l, &["-fp", "true"])));
    assert_err(
        &o,
        "unshare: unshare(CLONE_NEWPID) failed: Operation not permitted (hint: run as root or add -r/--map-root-user)\n",
    );
    if not_qemu_user(
        "hint_unprivileged_without_user_namespace",
        "create user namespaces",
    ) {
        // With -r it works for the same user.
        let o = run(as_nobody(&mut un(&l, &["-r", "-fp", "true"])));
        assert_code(&o, 0);
    }
}

#[test]
fn hint_user_namespaces_disabled_or_too_deep() {
    if !userns_ok("hint_user_namespaces_disabled_or_too_deep") {
        return;
    }
    let l = Links::new();
    // The limit is per user namespace: set it to 0 inside one of our own.
    let o = run(&mut l
        .sh("unshare -r sh -c 'echo 0 > /proc/sys/user/max_user_namespaces && unshare -U true'"));
    assert_err(
        &o,
        "unshare: unshare(CLONE_NEWUSER) failed: No space left on device (hint: user namespaces are disabled: /proc/sys/user/max_user_namespaces is 0)\n",
    );
    // 32 levels below the initial one, a 33rd still works; then the limit.
    let d = TempDir::new("deep");
    let script = d.join("deep.sh");
    std::fs::write(
        &script,
        "n=$1; if [ $n -lt 40 ]; then exec unshare -r sh \"$0\" $((n+1)); fi\n",
    )
    .unwrap();
    let o = run(&mut l.sh(&format!("sh {} 0", script.display())));
    assert_code(&o, 1);
    assert_eq!(
        stderr(&o),
        "unshare: unshare(CLONE_NEWUSER) failed: No space left on device (hint: the limit in /proc/sys/user/max_user_namespaces (2147483647) or the nesting limit of 32 levels is reached)\n"
    );
}

#[test]
fn hint_qemu_user_cannot_make_user_namespaces() {
    if !qemu_user() {
        skip(
            "hint_qemu_user_cannot_make_user_namespaces",
            "only meaningful under qemu-user",
        );
        return;
    }
    let l = Links::new();
    let o = unshare(&l, &["-U", "true"]);
    assert_err(
        &o,
        "unshare: unshare(CLONE_NEWUSER) failed: Invalid argument (hint: a multithreaded process cannot create a user namespace (running under qemu-user?))\n",
    );
}
