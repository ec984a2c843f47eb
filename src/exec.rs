//! Running the program at the end of unshare/nsenter, and mirroring a forked
//! child's fate, the way util-linux does (lib/exec_shell.c, errexec).

use crate::cat;
use crate::cli::{self, Exit};
use crate::sys;
use crate::sys::proc::{SIG_DFL, set_disposition, sigbit, sigprocmask};
use rustix::io::Errno;
use rustix::process::{Pid, Signal, WaitOptions, kill_process, waitpid};
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

/// Replaces the process with `argv` (PATH search). Only returns on failure:
/// `PROG: failed to execute X: strerror`, status 127 for ENOENT, else 126.
pub fn exec(argv: &[OsString]) -> Exit {
    let Some(prog) = argv.first() else {
        return exec_shell();
    };
    let v: Vec<&[u8]> = argv.iter().map(|a| a.as_bytes()).collect();
    exec_failed(prog, sys::proc::execvp(prog.as_bytes(), &v))
}

fn exec_failed(prog: &OsStr, errno: Errno) -> Exit {
    cli::warn(&cat!("failed to execute ", prog), errno);
    Exit(if errno == Errno::NOENT { 127 } else { 126 })
}

/// The shell util-linux 2.42 picks: `$SHELL`, else the passwd shell of the
/// real uid, else `/bin/sh`.
pub fn default_shell() -> OsString {
    if let Some(s) = crate::sys::proc::env(b"SHELL").filter(|s| !s.is_empty()) {
        return s;
    }
    crate::passwd::shell_of(rustix::process::getuid().as_raw()).unwrap_or_else(|| "/bin/sh".into())
}

/// Executes the default shell as a login shell (argv[0] = `-sh`).
pub fn exec_shell() -> Exit {
    let sh = default_shell();
    let base = sh.as_bytes().rsplit(|&b| b == b'/').next().unwrap_or(b"sh");
    exec_failed(&sh, sys::proc::execvp(sh.as_bytes(), &[&cat!("-", base)]))
}

/// How a parent mirrors its child.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mirror {
    /// unshare: exit status, or the same fatal signal re-raised on itself.
    Exit,
    /// nsenter: also stop when the child stops, and continue it afterwards.
    ExitAndStops,
}

/// Waits for `pid` and ends the way it ended: same exit status, or killed by
/// the same signal (so the caller's shell sees 128+N).
pub fn wait_and_mirror(pid: Pid, how: Mirror) -> Exit {
    let opts = if how == Mirror::ExitAndStops {
        WaitOptions::UNTRACED
    } else {
        WaitOptions::empty()
    };
    loop {
        let st = match waitpid(Some(pid), opts) {
            Ok(Some((_, st))) => st,
            Ok(None) => continue,
            Err(Errno::INTR) => continue,
            Err(e) => return cli::err(b"waitpid failed", e),
        };
        if let Some(code) = st.exit_status() {
            return Exit(code);
        }
        if let Some(sig) = st.stopping_signal() {
            let _ = sig;
            // Stop ourselves like the child, then wake it when we are continued.
            let _ = kill_process(rustix::process::getpid(), Signal::STOP);
            let _ = kill_process(pid, Signal::CONT);
            continue;
        }
        if let Some(sig) = st.terminating_signal() {
            return raise_same(sig);
        }
    }
}

/// Dies of signal `sig` ourselves; if that is impossible, status 1.
pub fn raise_same(sig: i32) -> Exit {
    if sig != Signal::KILL.as_raw() {
        let _ = set_disposition(sig, SIG_DFL);
        let _ = sigprocmask(1, sigbit(sig));
    }
    if let Some(s) = Signal::from_named_raw(sig) {
        let _ = kill_process(rustix::process::getpid(), s);
    }
    cli::errx(b"child exit failed")
}
