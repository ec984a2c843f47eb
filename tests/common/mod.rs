//! Shared test support: find the binary under test, call it through
//! applet-named links (as an image would), temp dirs, root/qemu detection and
//! visible skips.
//!
//! The binary is `$NSBOX_BIN` when set (the QEMU VM and the tiny build use
//! that), else cargo's build of this package.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Every applet nsbox has (the tests check `--list` against this).
pub const ALL_APPLETS: &[&str] = &[
    "dnsdomainname",
    "domainname",
    "hostname",
    "ipcmk",
    "ipcrm",
    "ipcs",
    "lsns",
    "nsenter",
    "unshare",
];

/// The nsbox binary under test.
pub fn nsbox() -> PathBuf {
    match std::env::var_os("NSBOX_BIN") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from(env!("CARGO_BIN_EXE_nsbox")),
    }
}

static SEQ: AtomicUsize = AtomicUsize::new(0);

/// A directory removed (recursively) on drop, even when the test fails.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let base = std::env::var_os("NSBOX_TMP")
            .map(PathBuf::from)
            .unwrap_or_else(std::env::temp_dir);
        let p = base.join(format!(
            "nsbox-{tag}-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("create temp dir");
        TempDir(p)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
    pub fn join(&self, s: &str) -> PathBuf {
        self.0.join(s)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A directory of symlinks named after every applet, pointing at nsbox.
pub struct Links {
    pub dir: TempDir,
}

impl Links {
    pub fn new() -> Links {
        let dir = TempDir::new("links");
        let bin = nsbox();
        for a in ALL_APPLETS.iter().chain(&["nisdomainname", "ypdomainname"]) {
            std::os::unix::fs::symlink(&bin, dir.join(a)).expect("symlink");
        }
        Links { dir }
    }
    /// The path of applet `name`'s link.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
    /// A command running applet `name` through its link.
    pub fn cmd(&self, name: &str) -> Command {
        let mut c = Command::new(self.path(name));
        c.stdin(Stdio::null());
        c
    }
    /// `PATH` with this directory first, so scripts run nsbox's applets.
    pub fn path_env(&self) -> std::ffi::OsString {
        let mut p = self.dir.path().as_os_str().to_owned();
        p.push(":");
        p.push(std::env::var_os("PATH").unwrap_or_else(|| "/usr/sbin:/usr/bin:/sbin:/bin".into()));
        p
    }
    /// `sh -c SCRIPT` with the applet links first on PATH.
    pub fn sh(&self, script: &str) -> Command {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg(script)
            .env("PATH", self.path_env())
            .stdin(Stdio::null());
        c
    }
}

/// Runs `cmd` and returns its output (stdout, stderr, status).
pub fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// stdout as a String (lossy).
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// stderr as a String (lossy).
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts exit status `code`, showing stdout/stderr when it differs.
#[track_caller]
pub fn assert_code(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "status {:?}\nstdout: {}\nstderr: {}",
        o.status,
        stdout(o),
        stderr(o)
    );
}

/// Makes `cmd` start in fresh namespaces (`CLONE_NEW*` flags), so a test can
/// change hostnames, mounts or IPC objects without touching the host.
pub fn in_new_ns(cmd: &mut Command, flags: u32) -> &mut Command {
    let f = rustix::thread::UnshareFlags::from_bits_retain(flags);
    let time = flags & linux_raw_sys::general::CLONE_NEWTIME != 0;
    // SAFETY: only the unshare, open and setns syscalls run between fork and
    // exec; none allocates or takes locks.
    unsafe {
        cmd.pre_exec(move || {
            rustix::thread::unshare_unsafe(f)?;
            if time {
                // A new time namespace applies to children only; enter it
                // now, so that a shell's vfork (refused into a pending time
                // namespace by kernels before 6.x) needs no switch.
                let fd = rustix::fs::open(
                    c"/proc/self/ns/time_for_children",
                    rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::CLOEXEC,
                    rustix::fs::Mode::empty(),
                )?;
                rustix::thread::move_into_link_name_space(
                    rustix::fd::AsFd::as_fd(&fd),
                    Some(rustix::thread::LinkNameSpaceType::Time),
                )?;
            }
            Ok(())
        });
    }
    cmd
}

/// True when running as root.
pub fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// True when this test process runs under qemu-user. qemu-user cannot
/// create user namespaces, setns into mount namespaces, or do the NS_GET
/// ioctls. A kernel arch other than the binary's is not enough to tell: a
/// 64-bit kernel runs i686 and armv7 binaries natively (compat). qemu-user
/// fakes /proc/self/exe but not /proc/thread-self/exe, which names the
/// emulator.
pub fn qemu_user() -> bool {
    let karch = std::fs::read_to_string("/proc/sys/kernel/arch").unwrap_or_default();
    let karch = karch.trim();
    if karch.is_empty() || karch == std::env::consts::ARCH {
        return false;
    }
    std::fs::read_link("/proc/thread-self/exe")
        .map_or(true, |exe| exe.to_string_lossy().contains("qemu"))
}

/// Whether nsfs's ioctls (`NS_GET_*`) answer this program: not under
/// qemu-user, which does not pass them on, and not for a 32-bit program on
/// a 64-bit kernel before Linux 6.3, whose nsfs had no compat_ioctl handler
/// (ENOTTY; e.g. the i686 binaries on 6.1).
pub fn nsfs_ioctls() -> bool {
    let Ok(f) = std::fs::File::open("/proc/self/ns/uts") else {
        return false;
    };
    // SAFETY: NS_GET_NSTYPE (_IO(0xb7, 3)) takes no argument.
    unsafe { rustix::ioctl::ioctl(&f, rustix::ioctl::NoArg::<0xb703>::new()) }.is_ok()
}

/// For a test that needs nsfs ioctls on a real kernel: false (and the skip
/// says why) where a 32-bit program gets none from a 64-bit kernel before
/// 6.3. Under qemu-user it stays true: those tests check qemu's own answer.
pub fn compat_nsfs_ioctls(test: &str) -> bool {
    if qemu_user() || nsfs_ioctls() {
        return true;
    }
    skip(
        test,
        &format!(
            "the kernel ({}) gives a 32-bit program no nsfs ioctls (ENOTTY: nsfs's compat handler came in Linux 6.3)",
            kernel_release()
        ),
    );
    false
}

/// True under `CI=true`: root-only tests must run there, not skip.
pub fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Copies an executable without ever holding it open for writing in this
/// process: test threads fork concurrently, a sibling's child keeps such an
/// fd until its exec, and executing the copy meanwhile fails with ETXTBSY
/// ("Text file busy"). `cp` holds the fd in its own process instead.
#[allow(dead_code)]
pub fn copy_exe(src: &Path, dst: &Path) {
    copy_file(src, dst);
}

/// Makes `root` a root that can run `exe` as `/name`: the copy, and for a
/// dynamically linked build (cargo's glibc host build) the program
/// interpreter and libraries `ldd` names, at their own paths under `root`.
#[allow(dead_code)]
pub fn install_exe(exe: &Path, root: &Path, name: &str) {
    copy_file(exe, &root.join(name));
    let Ok(o) = Command::new("ldd").arg(exe).output() else {
        return;
    };
    // "linux-vdso.so.1 (0x...)", "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)",
    // "/lib64/ld-linux-x86-64.so.2 (0x...)"; a static binary: "not a dynamic executable".
    for line in String::from_utf8_lossy(&o.stdout).lines() {
        let Some(lib) = line.split_whitespace().find(|w| w.starts_with('/')) else {
            continue;
        };
        let dst = root.join(lib.trim_start_matches('/'));
        std::fs::create_dir_all(dst.parent().unwrap()).unwrap();
        copy_file(Path::new(lib), &dst);
    }
}

fn copy_file(src: &Path, dst: &Path) {
    let st = Command::new("cp")
        .arg(src)
        .arg(dst)
        .status()
        .expect("run cp");
    assert!(st.success(), "cp {} {}", src.display(), dst.display());
}

/// Records and prints a skip. Skips are listed (with their reasons) and
/// counted by scripts/test, from `$NSBOX_SKIP_LOG`.
pub fn skip(test: &str, reason: &str) {
    eprintln!("SKIP {test}: {reason}");
    if let Some(log) = std::env::var_os("NSBOX_SKIP_LOG") {
        use std::io::Write;
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
        {
            // One write per record: parallel tests append to the same file,
            // and writeln! would write the pieces one by one, interleaved.
            let line = format!("{} {test}: {reason}\n", std::env::consts::ARCH);
            let _ = f.write_all(line.as_bytes());
        }
    }
}

/// For root-only tests: true when root. Otherwise skips with a reason — but
/// fails under `CI=true`, where the root-only tests must run.
pub fn need_root(test: &str) -> bool {
    if is_root() {
        return true;
    }
    assert!(!ci(), "{test}: needs root, and CI=true forbids skipping it");
    skip(
        test,
        "needs root (run the suite as root, e.g. in CI or the QEMU VM)",
    );
    false
}

/// For tests qemu-user cannot do: true when they can run here.
pub fn not_qemu_user(test: &str, what: &str) -> bool {
    if qemu_user() {
        skip(
            test,
            &format!("qemu-user cannot {what}; runs in the QEMU system VM"),
        );
        return false;
    }
    true
}

/// Of the namespace kinds KINDS (their /proc/self/ns names), those this
/// kernel has, in the same order. A kernel may lack some: 32-bit ARM kernels
/// have no time namespaces at all (no `/proc/self/ns/time`). When one is
/// dropped, TEST notes it as a partial skip, so the gap is visible.
pub fn kinds_here<'a>(test: &str, kinds: &[&'a str]) -> Vec<&'a str> {
    let (here, missing): (Vec<&str>, Vec<&str>) = kinds
        .iter()
        .partition(|k| std::path::Path::new(&format!("/proc/self/ns/{k}")).exists());
    if !missing.is_empty() {
        skip(
            test,
            &format!(
                "the kernel ({}) has no {} namespaces (no /proc/self/ns/{}): checked the other kinds",
                kernel_release(),
                missing.join(", "),
                missing.join(", /proc/self/ns/")
            ),
        );
    }
    here
}

/// `uname -r`, for messages.
pub fn kernel_release() -> String {
    std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|_| "?".into())
}

/// `readlink /proc/PID/ns/KIND`, e.g. `uts:[4026531838]`.
pub fn ns_link(pid: impl std::fmt::Display, kind: &str) -> String {
    std::fs::read_link(format!("/proc/{pid}/ns/{kind}"))
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|e| panic!("readlink /proc/{pid}/ns/{kind}: {e}"))
}

/// A child process killed (and reaped) on drop.
pub struct Child(pub std::process::Child);

impl Child {
    pub fn spawn(cmd: &mut Command) -> Child {
        Child(
            cmd.spawn()
                .unwrap_or_else(|e| panic!("cannot spawn {cmd:?}: {e}")),
        )
    }
    pub fn pid(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits until `path` exists (up to 10 s).
pub fn wait_for(path: &Path) {
    for _ in 0..1000 {
        if path.exists() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("timed out waiting for {}", path.display());
}

/// The file names in `/proc/self/fd` of a process, via `ls` (for fd-leak checks).
pub fn os(s: &str) -> &OsStr {
    OsStr::new(s)
}
