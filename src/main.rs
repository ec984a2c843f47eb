//! nsbox: one static binary, many applets, chosen by the name it is called by.
//!
//! This file only dispatches: basename(argv[0]) → applet; `nsbox APPLET ...`;
//! `nsbox --list`; `nsbox --install [-s] [--force] DIR`.

#![cfg_attr(not(test), no_main)]
#![forbid(unsafe_op_in_unsafe_fn)]
// Unsafe code lives in src/sys/ only (it allows it), each block with its
// `// SAFETY:` reason.
#![deny(unsafe_code)]
#![deny(clippy::undocumented_unsafe_blocks)]

mod applets;
mod caps;
mod cli;
mod exec;
mod ipc;
mod mountinfo;
mod netlink;
mod ns;
mod num;
mod passwd;
mod regex;
mod sys;

use cli::{Exit, Out};
use rustix::io::Errno;
use std::ffi::{CString, OsStr};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use sys::Argv;

const USAGE: &[u8] = packed!(
    "\
Usage: nsbox APPLET [ARGUMENTS...]
   or: APPLET [ARGUMENTS...]       (through a link named after the applet)
   or: nsbox --list                one applet per line
   or: nsbox --install [-s] [--force] DIR
                                   link every applet into DIR (hard links,
                                   relative symbolic links with -s; --force
                                   replaces files that are not already links
                                   to nsbox)
   or: nsbox --help | --version

nsbox: namespace and IPC tools for minimal Linux images, in one static
binary. Each applet takes --help.

Applets:
"
);

/// The basename of `path`, without a login shell's leading `-`.
fn applet_name(path: &[u8]) -> &[u8] {
    let base = path.rsplit(|&b| b == b'/').next().unwrap_or(path);
    base.strip_prefix(b"-").unwrap_or(base)
}

c_main!(run);

/// Entry point (called from the C `main` that `c_main!` defines).
pub fn run(mut argv: Argv) -> i32 {
    let argv0: &'static [u8] = argv.next().map_or(b"nsbox", OsStr::as_bytes);
    let mut name = applet_name(argv0);
    if applets::find(name).is_none() && !name.starts_with(b"nsbox") && argv0.contains(&b'/') {
        name = follow_links(argv0).unwrap_or(name);
    }
    if let Some(a) = applets::find(name) {
        return start(a, argv0, name, argv);
    }
    if name.starts_with(b"nsbox") {
        return multiplexer(argv0, argv);
    }
    not_found(name)
}

/// Follows a chain of symlinks (`tools/hn -> hostname -> nsbox`) to the
/// first name that is an applet. A chain that reaches nsbox itself without
/// naming an applet is an unknown applet (like BusyBox), not the multiplexer.
fn follow_links(argv0: &[u8]) -> Option<&'static [u8]> {
    let mut path = argv0.to_vec();
    for _ in 0..8 {
        let t = rustix::fs::readlink(CString::new(&path[..]).ok()?, Vec::new()).ok()?;
        let t = t.as_bytes();
        // A relative target is relative to the link's directory.
        if t.starts_with(b"/") {
            path.clear();
        } else {
            let dir = path.iter().rposition(|&b| b == b'/').map_or(0, |i| i + 1);
            path.truncate(dir);
        }
        path.extend_from_slice(t);
        let name = applet_name(&path);
        if applets::find(name).is_some() {
            return Some(Box::leak(name.to_vec().into_boxed_slice()));
        }
        if name.starts_with(b"nsbox") {
            return None;
        }
    }
    None
}

fn start(a: &applets::Applet, argv0: &'static [u8], name: &'static [u8], argv: Argv) -> i32 {
    cli::set_names(argv0, name);
    match (a.main)(argv) {
        Ok(code) | Err(Exit(code)) => code,
    }
}

fn not_found(name: &[u8]) -> i32 {
    let _ = cli::write_fd(2, &cat!("nsbox: applet not found: ", name, "\n"));
    127
}

fn multiplexer(argv0: &[u8], mut argv: Argv) -> i32 {
    // Messages say "nsbox" until an applet is chosen (cli's default), and
    // then that applet's name, as when it is called through a link.
    let Some(first) = argv.next() else {
        return usage(2);
    };
    match first.as_bytes() {
        b"--help" | b"-h" => usage(1),
        b"--version" | b"-V" => {
            let _ = cli::write_fd(1, &cat!("nsbox ", cli::VERSION, "\n"));
            0
        }
        b"--list" => {
            let mut out = Out::new();
            for a in applets::APPLETS {
                out.put(a.name).put("\n");
            }
            out.finish().map_or_else(|Exit(c)| c, |_| 0)
        }
        b"--install" => install(argv0, argv).map_or_else(|Exit(c)| c, |_| 0),
        opt if opt.starts_with(b"-") => {
            cli::warnx(&cat!("unrecognized option '", opt, "'"));
            cli::try_help().0
        }
        name => match applets::find(name) {
            Some(a) => start(a, name, name, argv),
            None => not_found(name),
        },
    }
}

/// Prints the usage; `to` 1 is stdout with status 0, 2 is stderr with 1...
/// except that bare `nsbox` also prints on stdout and succeeds, like BusyBox.
fn usage(_to: i32) -> i32 {
    let mut out = Out::new();
    out.put(&cli::unpack(USAGE));
    let mut col = 0;
    for a in applets::APPLETS {
        if col + a.name.len() + 1 > 72 {
            out.put("\n");
            col = 0;
        }
        out.put(if col == 0 { "  " } else { " " }).put(a.name);
        col += a.name.len() + 2;
    }
    out.put("\n");
    out.finish().map_or_else(|Exit(c)| c, |_| 0)
}

#[derive(Clone, Copy, PartialEq)]
enum InstallOpt {
    Symlink,
    Force,
}

const INSTALL_OPTS: &[cli::Opt<InstallOpt>] = &[
    cli::Opt::new('s', "symlink", cli::Val::None, InstallOpt::Symlink),
    cli::Opt::new('f', "force", cli::Val::None, InstallOpt::Force),
];

/// `nsbox --install [-s] [--force] DIR`. Checks every name first, so a
/// refusal leaves DIR untouched. Symbolic links are relative (`nsbox`, or
/// `../../bin/nsbox`), so a staging root stays right once it becomes `/`.
fn install(argv0: &[u8], argv: Argv) -> cli::Res {
    let (mut symbolic, mut force, mut dir) = (false, false, None);
    let mut args = cli::Args::new(argv);
    while let Some(item) = args.next_opt(INSTALL_OPTS)? {
        match item {
            cli::Item::Opt(InstallOpt::Symlink, _) => symbolic = true,
            cli::Item::Opt(InstallOpt::Force, _) => force = true,
            cli::Item::Operand(_) if dir.is_some() => {
                return Err(cli::usage_err(b"too many arguments"));
            }
            cli::Item::Operand(d) => dir = Some(d.into_vec()),
        }
    }
    let Some(dir) = dir else {
        return Err(cli::usage_err(b"--install needs a directory"));
    };
    // C strings once: rustix takes them without converting at each call.
    // (argv and readlink results hold no NUL byte.)
    let exe = CString::new(self_path(argv0)?).unwrap_or_default();
    let me =
        rustix::fs::stat(&exe).map_err(|e| cli::err(&cat!("cannot stat ", exe.as_bytes()), e))?;
    let target = if symbolic {
        CString::new(relative_target(&dir, exe.as_bytes())).unwrap_or_default()
    } else {
        exe.clone()
    };
    let mut todo = Vec::new();
    let mut refused = false;
    for a in applets::APPLETS {
        // Path::join's rule: no second slash after one DIR already ends with.
        let mut link = dir.clone();
        if !link.is_empty() && !link.ends_with(b"/") {
            link.push(b'/');
        }
        link.extend_from_slice(a.name.as_bytes());
        let link = CString::new(link).unwrap_or_default();
        match rustix::fs::lstat(&link) {
            Err(Errno::NOENT) => todo.push((link, false)),
            Err(e) => return Err(cli::err(&cat!("cannot stat ", link.as_bytes()), e)),
            Ok(_) => {
                let same = rustix::fs::stat(&link)
                    .is_ok_and(|s| s.st_dev == me.st_dev && s.st_ino == me.st_ino);
                if same || force {
                    todo.push((link, true));
                } else {
                    cli::warnx(&cat!(
                        link.as_bytes(),
                        ": exists and is not a link to nsbox (use --force to replace it)"
                    ));
                    refused = true;
                }
            }
        }
    }
    if refused {
        return Err(Exit(1));
    }
    for (link, exists) in todo {
        if exists {
            rustix::fs::unlink(&link)
                .map_err(|e| cli::err(&cat!("cannot remove ", link.as_bytes()), e))?;
        }
        let r = if symbolic {
            rustix::fs::symlink(&target, &link)
        } else {
            rustix::fs::link(&exe, &link)
        };
        r.map_err(|e| {
            cli::err(
                &cat!("cannot link ", link.as_bytes(), " to ", target.as_bytes()),
                e,
            )
        })?;
    }
    Ok(())
}

/// The target of a symbolic link in `dir` to the binary at `exe`
/// (absolute, canonical): relative to `dir`'s canonical path. Without
/// /proc, `dir` cannot be resolved through symlinks, so the link is `exe`.
fn relative_target(dir: &[u8], exe: &[u8]) -> Vec<u8> {
    let Some(dir) = canonical_dir(dir) else {
        return exe.to_vec();
    };
    let parts = |p: &[u8]| -> Vec<Vec<u8>> {
        p.split(|&b| b == b'/')
            .filter(|c| !c.is_empty())
            .map(<[u8]>::to_vec)
            .collect()
    };
    let (from, to) = (parts(&dir), parts(exe));
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut t = Vec::new();
    for _ in common..from.len() {
        t.extend_from_slice(b"../");
    }
    t.extend_from_slice(&to[common..].join(&b'/'));
    t
}

/// `dir` with every symlink resolved, as the kernel names it
/// (/proc/self/fd/N of an O_PATH descriptor).
fn canonical_dir(dir: &[u8]) -> Option<Vec<u8>> {
    use rustix::fs::{Mode, OFlags};
    let fd = rustix::fs::open(
        OsStr::from_bytes(dir),
        OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .ok()?;
    let link = CString::new(cat!("/proc/self/fd/", rustix::fd::AsRawFd::as_raw_fd(&fd))).ok()?;
    let p = rustix::fs::readlink(&link, Vec::new()).ok()?;
    Some(p.into_bytes()).filter(|p| p.starts_with(b"/"))
}

/// This binary's absolute path: /proc/self/exe, or (before /proc is
/// mounted, as in an init script) an absolute argv[0].
fn self_path(argv0: &[u8]) -> cli::Res<Vec<u8>> {
    if let Ok(p) = rustix::fs::readlink(c"/proc/self/exe", Vec::new()) {
        return Ok(p.into_bytes());
    }
    // Without /proc, an absolute argv[0] (`/bin/nsbox --install ...`, as an
    // init script calls it) names the binary.
    if argv0.starts_with(b"/") {
        return Ok(argv0.to_vec());
    }
    Err(cli::errx(
        b"cannot find the nsbox binary: /proc is not mounted; call nsbox by its absolute path",
    ))
}
