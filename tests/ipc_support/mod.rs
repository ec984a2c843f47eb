//! Test support for the IPC applets: private IPC namespaces (SysV objects)
//! and private IPC + mount namespaces with their own /dev/shm and
//! /dev/mqueue (POSIX objects), so no test ever sees or touches the host's
//! objects or another test's. Everything dies with the holder process.
#![allow(dead_code)]

use crate::common::*;
use linux_raw_sys::general::{CLONE_NEWIPC, CLONE_NEWNS};
use rustix::fs::{FileType, Mode};
use rustix::mount::{MountFlags, MountPropagationFlags};
use std::fs::File;
use std::os::fd::AsFd;
use std::os::unix::process::CommandExt;
use std::process::{Command, Output, Stdio};

/// A fresh IPC namespace, held by a `sleep` process (killed on drop, which
/// destroys the namespace and every object in it).
pub struct IpcNs {
    holder: Child,
}

impl IpcNs {
    pub fn new() -> IpcNs {
        let mut c = Command::new("sleep");
        c.arg("1000").stdin(Stdio::null());
        IpcNs {
            holder: Child::spawn(in_new_ns(&mut c, CLONE_NEWIPC)),
        }
    }

    pub fn pid(&self) -> u32 {
        self.holder.pid()
    }

    /// Makes `cmd` run inside this namespace (setns before exec).
    pub fn enter<'a>(&self, cmd: &'a mut Command) -> &'a mut Command {
        let f = File::open(format!("/proc/{}/ns/ipc", self.pid())).expect("open ns/ipc");
        // SAFETY: only the setns syscall runs between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                rustix::thread::move_into_link_name_space(f.as_fd(), None)
                    .map_err(std::io::Error::from)
            });
        }
        cmd
    }

    /// Runs applet `name` with `args` in this namespace.
    pub fn run(&self, l: &Links, name: &str, args: &[&str]) -> Output {
        run(self.enter(l.cmd(name).args(args)))
    }

    /// Like [`IpcNs::run`], as uid/gid 65534 (nobody) without groups.
    pub fn run_as_nobody(&self, l: &Links, name: &str, args: &[&str]) -> Output {
        let mut c = l.cmd(name);
        c.args(args);
        self.enter(&mut c);
        as_nobody(&mut c);
        run(&mut c)
    }

    /// `/proc/sysvipc/{msg,shm,sem}` as seen inside the namespace (read by
    /// `cat`, not by nsbox): the rows, split into columns, header dropped.
    pub fn sysvipc(&self, what: &str) -> Vec<Vec<String>> {
        let mut c = Command::new("cat");
        c.arg(format!("/proc/sysvipc/{what}"));
        let o = run(self.enter(&mut c));
        assert_code(&o, 0);
        rows(&stdout(&o))
    }

    /// True when no SysV object at all is left in the namespace.
    pub fn is_empty(&self) -> bool {
        ["msg", "shm", "sem"]
            .iter()
            .all(|w| self.sysvipc(w).is_empty())
    }
}

/// Makes `cmd` drop to uid/gid 65534 with no supplementary groups.
pub fn as_nobody(cmd: &mut Command) -> &mut Command {
    // SAFETY: only raw credential syscalls run between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let id = 65534;
            rustix::thread::set_thread_groups(&[])?;
            let g = rustix::process::Gid::from_raw(id);
            rustix::thread::set_thread_res_gid(g, g, g)?;
            let u = rustix::process::Uid::from_raw(id);
            rustix::thread::set_thread_res_uid(u, u, u)?;
            Ok(())
        });
    }
    cmd
}

/// The rows of a /proc/sysvipc file, split into columns, header dropped.
pub fn rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .skip(1)
        .map(|l| l.split_whitespace().map(str::to_owned).collect())
        .collect()
}

/// The /proc/sysvipc row whose id (2nd column) is `id`.
pub fn row_of(rows: &[Vec<String>], id: i64) -> Vec<String> {
    rows.iter()
        .find(|r| r[1] == id.to_string())
        .unwrap_or_else(|| panic!("no object with id {id} in {rows:?}"))
        .clone()
}

/// The number at the end of each stdout line (`Message queue id: 3`).
pub fn ids(o: &Output) -> Vec<i64> {
    stdout(o)
        .lines()
        .map(|l| l.rsplit(' ').next().unwrap().parse().unwrap())
        .collect()
}

/// True when the host (this test's own namespace) has a SysV object with
/// `key` of kind `what`.
pub fn host_has_key(what: &str, key: &str) -> bool {
    let t = std::fs::read_to_string(format!("/proc/sysvipc/{what}")).unwrap();
    rows(&t).iter().any(|r| r[0] == key)
}

/// Prepares the mount namespace of a POSIX test (runs between fork and
/// exec): private propagation, a tmpfs on /dev holding /dev/null, a tmpfs
/// /dev/shm (1777) and an mqueue /dev/mqueue for the new IPC namespace.
fn private_dev() -> std::io::Result<()> {
    use rustix::fs::{chmod, mkdir};
    let f = rustix::thread::UnshareFlags::from_bits_retain(CLONE_NEWIPC | CLONE_NEWNS);
    // SAFETY: a fresh child process; unsharing IPC+NS shares nothing.
    unsafe { rustix::thread::unshare_unsafe(f)? };
    rustix::mount::mount_change(
        "/",
        MountPropagationFlags::REC | MountPropagationFlags::PRIVATE,
    )?;
    rustix::mount::mount("tmpfs", "/dev", "tmpfs", MountFlags::NOSUID, c"mode=755")?;
    mkdir("/dev/shm", Mode::from_raw_mode(0o755))?;
    mkdir("/dev/mqueue", Mode::from_raw_mode(0o755))?;
    chmod("/dev/shm", Mode::from_raw_mode(0o1777))?;
    let fl = MountFlags::NOSUID | MountFlags::NODEV;
    rustix::mount::mount("tmpfs", "/dev/shm", "tmpfs", fl, c"mode=1777")?;
    rustix::mount::mount("mqueue", "/dev/mqueue", "mqueue", fl, None)?;
    let dev = rustix::fs::makedev(1, 3);
    let mode = Mode::from_raw_mode(0o666);
    rustix::fs::mknodat(
        rustix::fs::CWD,
        "/dev/null",
        FileType::CharacterDevice,
        mode,
        dev,
    )?;
    chmod("/dev/null", mode)?;
    Ok(())
}

/// Runs `script` with `sh` (applet links first on PATH) in fresh IPC and
/// mount namespaces with a private /dev (see [`private_dev`]). When the
/// script calls `pause`, `inspect(pid)` runs from outside (the script's
/// /dev is `/proc/PID/root/dev`) before the script goes on.
pub fn posix_script(l: &Links, script: &str, inspect: Option<&dyn Fn(u32)>) -> Output {
    let d = TempDir::new("ipc");
    let full = format!(
        "pause() {{ : > '{r}'; while [ ! -e '{g}' ]; do sleep 0.01; done; }}\numask 022\n{script}",
        r = d.join("ready").display(),
        g = d.join("go").display(),
    );
    let mut c = l.sh(&full);
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    // SAFETY: only raw syscalls (unshare, mount, mkdir, mknod) run between
    // fork and exec; the paths are short literals (no allocation).
    unsafe {
        c.pre_exec(private_dev);
    }
    let mut child = Child::spawn(&mut c);
    if let Some(f) = inspect {
        wait_for(&d.join("ready"));
        f(child.pid());
        std::fs::write(d.join("go"), "").unwrap();
    }
    let stdout = child.0.stdout.take().unwrap();
    let stderr = child.0.stderr.take().unwrap();
    let err = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap());
    let out = std::io::read_to_string(stdout).unwrap();
    let status = child.0.wait().unwrap();
    Output {
        status,
        stdout: out.into_bytes(),
        stderr: err.join().unwrap().into_bytes(),
    }
}

/// The path of `/dev/...` inside the mount namespace of `pid`.
pub fn dev_of(pid: u32, rel: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(format!("/proc/{pid}/root/dev/{rel}"))
}
