//! The multiplexer: argv[0] dispatch, `nsbox APPLET`, --list, --install,
//! unknown applets, non-UTF-8 names, --help/--version of every applet.

mod common;
use common::*;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::Command;

#[test]
fn list_is_sorted_and_complete() {
    let o = run(Command::new(nsbox()).arg("--list"));
    assert_code(&o, 0);
    let names: Vec<String> = stdout(&o).lines().map(str::to_owned).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert_eq!(names, ALL_APPLETS);
}

#[test]
fn bare_and_help_print_usage() {
    for args in [&[][..], &["--help"][..]] {
        let o = run(Command::new(nsbox()).args(args));
        assert_code(&o, 0);
        let out = stdout(&o);
        assert!(out.starts_with("Usage: nsbox APPLET"), "{out}");
        for a in ALL_APPLETS {
            assert!(out.contains(a), "{a} missing from usage");
        }
    }
    let o = run(Command::new(nsbox()).arg("--version"));
    assert_code(&o, 0);
    assert_eq!(stdout(&o), format!("nsbox {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn unknown_applet_is_127() {
    let o = run(Command::new(nsbox()).arg("frobnicate"));
    assert_code(&o, 127);
    assert_eq!(stderr(&o), "nsbox: applet not found: frobnicate\n");
    let d = TempDir::new("unk");
    std::os::unix::fs::symlink(nsbox(), d.join("frob")).unwrap();
    let o = run(&mut Command::new(d.join("frob")));
    assert_code(&o, 127);
    assert_eq!(stderr(&o), "nsbox: applet not found: frob\n");
    let o = run(Command::new(nsbox()).arg("--frob"));
    assert_code(&o, 1);
    assert_eq!(
        stderr(&o),
        "nsbox: unrecognized option '--frob'\nTry 'nsbox --help' for more information.\n"
    );
}

#[test]
fn non_utf8_names_and_arguments_do_not_panic() {
    let d = TempDir::new("utf8");
    let bad = std::ffi::OsStr::from_bytes(b"host\xffname");
    std::os::unix::fs::symlink(nsbox(), d.path().join(bad)).unwrap();
    let o = run(&mut Command::new(d.path().join(bad)));
    assert_code(&o, 127);
    assert_eq!(o.stderr, b"nsbox: applet not found: host\xffname\n");
    let o = run(Command::new(nsbox()).arg(bad));
    assert_code(&o, 127);
    let l = Links::new();
    let o = run(l
        .cmd("hostname")
        .arg(std::ffi::OsStr::from_bytes(b"--\xff")));
    assert_code(&o, 1);
    assert!(
        stderr(&o).contains("Try 'hostname --help'"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn applet_by_link_and_by_argument_agree() {
    let l = Links::new();
    let a = run(&mut l.cmd("hostname"));
    let b = run(Command::new(nsbox()).arg("hostname"));
    assert_code(&a, 0);
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(
        stdout(&a),
        format!("{}\n", rustix::system::uname().nodename().to_str().unwrap())
    );
    // A chain of links ending in an applet link dispatches to that applet.
    std::os::unix::fs::symlink(l.path("hostname"), l.dir.join("hn")).unwrap();
    let c = run(&mut l.cmd("hn"));
    assert_code(&c, 0);
    assert_eq!(c.stdout, a.stdout);
    // A login-shell style leading dash is ignored.
    let d = run(Command::new(nsbox()).arg0("-hostname"));
    assert_code(&d, 0);
    assert_eq!(d.stdout, a.stdout);
}

use std::os::unix::process::CommandExt;

#[test]
fn every_applet_has_help_and_version() {
    let l = Links::new();
    for a in ALL_APPLETS {
        for h in ["-h", "--help"] {
            let o = run(l.cmd(a).arg(h));
            assert_code(&o, 0);
            assert!(stdout(&o).starts_with("Usage:"), "{a} {h}: {}", stdout(&o));
            assert!(o.stderr.is_empty());
        }
        for v in ["-V", "--version"] {
            let o = run(l.cmd(a).arg(v));
            assert_code(&o, 0);
            assert_eq!(
                stdout(&o),
                format!("{a} from nsbox {}\n", env!("CARGO_PKG_VERSION"))
            );
        }
        let o = run(l.cmd(a).arg("--no-such-option"));
        assert_code(&o, 1);
        assert_eq!(
            stderr(&o),
            format!(
                "{}: unrecognized option '--no-such-option'\nTry '{a} --help' for more information.\n",
                l.path(a).display()
            )
        );
    }
}

#[test]
fn install_links_every_applet() {
    let d = TempDir::new("inst");
    for (flag, symbolic) in [(None, false), (Some("-s"), true)] {
        let dir = d.join(if symbolic { "sym" } else { "hard" });
        std::fs::create_dir(&dir).unwrap();
        let mut c = Command::new(nsbox());
        c.arg("--install");
        c.args(flag);
        let o = run(c.arg(&dir));
        assert_code(&o, 0);
        let exe = std::fs::canonicalize(nsbox()).unwrap();
        let meta = std::fs::metadata(&exe).unwrap();
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ALL_APPLETS);
        for a in ALL_APPLETS {
            let p = dir.join(a);
            let lm = std::fs::symlink_metadata(&p).unwrap();
            assert_eq!(lm.file_type().is_symlink(), symbolic, "{a}");
            use std::os::unix::fs::MetadataExt;
            assert_eq!(std::fs::metadata(&p).unwrap().ino(), meta.ino());
            if symbolic {
                // Relative to the link's directory, and naming nsbox.
                let t = std::fs::read_link(&p).unwrap();
                assert!(t.is_relative(), "{a} -> {}", t.display());
                assert_eq!(std::fs::canonicalize(dir.join(&t)).unwrap(), exe);
            }
        }
        // Running it again is fine: the links already point at nsbox.
        let mut c = Command::new(nsbox());
        c.arg("--install");
        c.args(flag);
        assert_code(&run(c.arg(&dir)), 0);
        let o = run(&mut Command::new(dir.join("hostname")));
        assert_code(&o, 0);
    }
}

#[test]
fn install_symlinks_survive_a_moved_staging_root() {
    // As an image builder stages a root: the binary in STAGE/bin, links in
    // STAGE/bin and STAGE/usr/sbin; then the root moves (or becomes /).
    let d = TempDir::new("stage");
    let stage = d.join("stage");
    for sub in ["bin", "usr/sbin"] {
        std::fs::create_dir_all(stage.join(sub)).unwrap();
    }
    let bin = stage.join("bin/nsbox");
    copy_exe(&nsbox(), &bin);
    for sub in ["bin", "usr/sbin"] {
        let o = run(Command::new(&bin)
            .args(["--install", "-s"])
            .arg(stage.join(sub)));
        assert_code(&o, 0);
    }
    assert_eq!(
        std::fs::read_link(stage.join("bin/hostname")).unwrap(),
        Path::new("nsbox")
    );
    assert_eq!(
        std::fs::read_link(stage.join("usr/sbin/unshare")).unwrap(),
        Path::new("../../bin/nsbox")
    );
    let moved = d.join("moved");
    std::fs::rename(&stage, &moved).unwrap();
    let o = run(&mut Command::new(moved.join("usr/sbin/hostname")));
    assert_code(&o, 0);
    let node = rustix::system::uname()
        .nodename()
        .to_string_lossy()
        .into_owned();
    assert_eq!(stdout(&o), format!("{node}\n"));
    // Its options, getopt-style.
    let o = run(Command::new(moved.join("bin/nsbox")).args(["--install", "--bogus", "x"]));
    assert_code(&o, 1);
    assert_eq!(
        stderr(&o),
        "nsbox: unrecognized option '--bogus'\nTry 'nsbox --help' for more information.\n"
    );
}

#[test]
fn install_refuses_foreign_files_unless_forced() {
    let d = TempDir::new("inst2");
    std::fs::write(d.join("hostname"), "#!/bin/sh\necho mine\n").unwrap();
    let o = run(Command::new(nsbox())
        .args(["--install", "-s"])
        .arg(d.path()));
    assert_code(&o, 1);
    assert!(
        stderr(&o).contains("hostname: exists and is not a link to nsbox"),
        "{}",
        stderr(&o)
    );
    // Nothing half-done: no other link was made.
    assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
    assert_eq!(
        std::fs::read_to_string(d.join("hostname")).unwrap(),
        "#!/bin/sh\necho mine\n"
    );
    let o = run(Command::new(nsbox())
        .args(["--install", "-s", "--force"])
        .arg(d.path()));
    assert_code(&o, 0);
    assert!(
        std::fs::symlink_metadata(d.join("hostname"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let o = run(Command::new(nsbox()).arg("--install"));
    assert_code(&o, 1);
    let o = run(Command::new(nsbox())
        .args(["--install"])
        .arg(d.join("missing")));
    assert_code(&o, 1);
}

#[test]
fn install_works_before_proc_is_mounted() {
    if !need_root("install_works_before_proc_is_mounted")
        || !not_qemu_user("install_works_before_proc_is_mounted", "run without /proc")
    {
        return;
    }
    // As an init script would: /proc not mounted (a private mount namespace
    // with /proc detached), nsbox called by its path.
    let d = TempDir::new("inst-noproc");
    let bin = std::fs::canonicalize(nsbox()).unwrap();
    let s = format!(
        "mount --make-rprivate / && umount -l /proc && {0} --install -s {1} && ls {1} && {1}/hostname; \
         {0} --install {1}/hard; echo rc=$?; cd / && .{0} --install {1}/hard; echo rc=$?",
        bin.display(),
        d.path().display()
    );
    std::fs::create_dir(d.join("hard")).unwrap();
    let o = run(in_new_ns(
        Command::new("sh").arg("-c").arg(&s),
        linux_raw_sys::general::CLONE_NEWNS,
    ));
    let out = stdout(&o);
    let mut want = String::new();
    for a in ALL_APPLETS {
        want.push_str(a);
        want.push('\n');
    }
    want.insert_str(0, "hard\n");
    let mut want: Vec<&str> = want.lines().collect();
    want.sort();
    let node = rustix::system::uname()
        .nodename()
        .to_string_lossy()
        .into_owned();
    assert_eq!(
        out,
        format!("{}\n{node}\nrc=0\nrc=1\n", want.join("\n")),
        "stderr: {}",
        stderr(&o)
    );
    assert_eq!(
        stderr(&o),
        "nsbox: cannot find the nsbox binary: /proc is not mounted; call nsbox by its absolute path\n"
    );
    assert_eq!(std::fs::read_link(d.join("hostname")).unwrap(), bin);
    assert!(d.join("hard/unshare").exists());
}

#[test]
fn multiplexer_messages_name_the_applet() {
    // `nsbox ipcs -H` complains as ipcs does when called through its link.
    let o = run(Command::new(nsbox()).args(["ipcs", "-H"]));
    assert_code(&o, 1);
    assert_eq!(
        stderr(&o),
        "ipcs: invalid option -- 'H'\nTry 'ipcs --help' for more information.\n"
    );
    let o = run(Command::new(nsbox()).args(["hostname", "--bogus"]));
    assert_code(&o, 1);
    assert_eq!(
        stderr(&o),
        "hostname: unrecognized option '--bogus'\nTry 'hostname --help' for more information.\n"
    );
}
