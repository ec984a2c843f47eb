//! hostname, domainname, dnsdomainname: real UTS namespaces, checked from
//! outside; the host's names are never changed.

mod common;
use common::*;
use linux_raw_sys::general::CLONE_NEWUTS;
use std::os::fd::AsFd;
use std::os::unix::process::CommandExt;
use std::process::Command;

fn host_names() -> (String, String) {
    let u = rustix::system::uname();
    (
        u.nodename().to_string_lossy().into_owned(),
        u.domainname().to_string_lossy().into_owned(),
    )
}

/// `uname -n` run inside the UTS namespace of `pid` (entered with setns from
/// outside, not through nsbox).
fn nodename_of(pid: u32, field: &str) -> String {
    let f = std::fs::File::open(format!("/proc/{pid}/ns/uts")).unwrap();
    let mut c = Command::new("uname");
    c.arg(field);
    // SAFETY: only the setns syscall runs between fork and exec.
    unsafe {
        c.pre_exec(move || {
            rustix::thread::move_into_link_name_space(f.as_fd(), None).map_err(std::io::Error::from)
        });
    }
    stdout(&run(&mut c)).trim_end().to_owned()
}

#[test]
fn set_in_new_uts_namespace_is_seen_from_outside() {
    if !need_root("set_in_new_uts_namespace_is_seen_from_outside") {
        return;
    }
    let before = host_names();
    let l = Links::new();
    let d = TempDir::new("hn");
    let ready = d.join("ready");
    let script = format!(
        "hostname container_001 && domainname nis.example && touch {} && exec sleep 60",
        ready.display()
    );
    let child = Child::spawn(in_new_ns(&mut l.sh(&script), CLONE_NEWUTS));
    wait_for(&ready);
    assert_eq!(nodename_of(child.pid(), "-n"), "container_001");
    let f = std::fs::read_to_string(format!("/proc/{}/ns/uts", child.pid()));
    assert!(f.is_err()); // a namespace file is not readable as text
    assert_ne!(ns_link(child.pid(), "uts"), ns_link("self", "uts"));
    drop(child);
    assert_eq!(host_names(), before, "the host's names changed");
}

#[test]
fn print_forms() {
    if !need_root("print_forms") {
        return;
    }
    let l = Links::new();
    let o = run(in_new_ns(
        &mut l.sh("hostname web1.example.org; hostname; hostname -s; hostname --short; hostname --sh; domainname; domainname lab; domainname; nisdomainname; ypdomainname; hostname -y; hostname --nis"),
        CLONE_NEWUTS,
    ));
    assert_code(&o, 0);
    assert_eq!(
        stdout(&o),
        "web1.example.org\nweb1\nweb1\nweb1\n(none)\nlab\nlab\nlab\nlab\nlab\n"
    );
    let o = run(in_new_ns(&mut l.sh("hostname -y"), CLONE_NEWUTS));
    assert_code(&o, 1);
    assert_eq!(stderr(&o), "hostname: Local domain name not set\n");
}

#[test]
fn from_file_and_boot() {
    if !need_root("from_file_and_boot") {
        return;
    }
    let l = Links::new();
    let d = TempDir::new("hnf");
    std::fs::write(d.join("name"), "# a comment\n\n   from-file  \nsecond\n").unwrap();
    std::fs::write(d.join("empty"), "# nothing\n").unwrap();
    let s = format!(
        "hostname -F {0}/name && hostname && hostname --file {0}/name && hostname && \
         hostname -b -F {0}/missing && hostname && hostname '(none)' && hostname -b -F {0}/empty && hostname && \
         hostname -b && hostname && domainname -F {0}/name && domainname",
        d.path().display()
    );
    let o = run(in_new_ns(&mut l.sh(&s), CLONE_NEWUTS));
    assert_code(&o, 0);
    assert_eq!(
        stdout(&o),
        "from-file\nfrom-file\nfrom-file\nlocalhost\nlocalhost\nfrom-file\n"
    );
    let o = run(in_new_ns(
        &mut l.sh(&format!("hostname -F {}/missing", d.path().display())),
        CLONE_NEWUTS,
    ));
    assert_code(&o, 1);
    assert!(
        stderr(&o).starts_with("hostname: cannot read "),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).ends_with("/missing: No such file or directory\n"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn bad_names_change_nothing() {
    if !need_root("bad_names_change_nothing") {
        return;
    }
    let l = Links::new();
    let long = "a".repeat(65);
    let ok64 = "b".repeat(64);
    let s = format!(
        "hostname keep; hostname {long}; echo rc=$?; hostname ''; echo rc=$?; hostname; hostname {ok64}; hostname; domainname {long}; echo rc=$?"
    );
    let o = run(in_new_ns(&mut l.sh(&s), CLONE_NEWUTS));
    assert_eq!(stdout(&o), format!("rc=1\nrc=1\nkeep\n{ok64}\nrc=1\n"));
    assert_eq!(
        stderr(&o),
        "hostname: host name too long: 65 bytes (at most 64)\n\
         hostname: the host name must not be empty\n\
         domainname: NIS domain name too long: 65 bytes (at most 64)\n"
    );
    let o = run(l.cmd("hostname").args(["a", "b"]));
    assert_code(&o, 1);
    assert!(
        stderr(&o).starts_with("hostname: unexpected argument: b\nTry 'hostname --help'"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn unprivileged_set_fails_cleanly() {
    if !need_root("unprivileged_set_fails_cleanly") {
        return;
    }
    let before = host_names();
    let l = Links::new();
    let mut c = l.cmd("hostname");
    c.arg("nope").uid(65534).gid(65534);
    let o = run(&mut c);
    assert_code(&o, 1);
    assert_eq!(
        stderr(&o),
        "hostname: cannot set the host name to 'nope': Operation not permitted\n"
    );
    assert_eq!(host_names(), before);
}

#[test]
fn etc_hosts_lookups_and_addresses() {
    if !need_root("etc_hosts_lookups_and_addresses") {
        return;
    }
    if !not_qemu_user(
        "etc_hosts_lookups_and_addresses",
        "bind-mount over /etc/hosts reliably",
    ) {
        return;
    }
    let l = Links::new();
    let d = TempDir::new("hosts");
    std::fs::write(
        d.join("hosts"),
        "127.0.0.1 localhost\n# 10.9.9.9 box\n192.0.2.7\tbox.lab.example box  alias2 # trailing\n2001:db8::7 box.lab.example box\n\
         198.51.100.5 gw.lab.example gw\n2001:db8:1::5 v6.lab.example\n",
    )
    .unwrap();
    // A private mount namespace with our own /etc/hosts, a private UTS
    // namespace, and a private network namespace with known addresses.
    let s = format!(
        "mount --make-rprivate / && mount --bind {}/hosts /etc/hosts && hostname box && \
         ip link set lo up && ip link add v0 type veth peer name v1 && ip link set v0 up && \
         ip addr add 198.51.100.5/24 dev v0 && ip -6 addr add 2001:db8:1::5/64 dev v0 nodad && \
         ip -6 addr add fe80::5/64 dev v0 nodad && ip addr add 203.0.113.9/24 dev v1 && \
         hostname -f; hostname --fqdn; hostname --long; hostname -d; dnsdomainname; hostname -a; hostname -i; hostname -I; hostname -A; hostname --all-fqdns; \
         hostname other; hostname -f; echo rc=$?",
        d.path().display()
    );
    let o = run(in_new_ns(
        &mut l.sh(&s),
        CLONE_NEWUTS | linux_raw_sys::general::CLONE_NEWNS | linux_raw_sys::general::CLONE_NEWNET,
    ));
    assert_eq!(
        stdout(&o),
        "box.lab.example\nbox.lab.example\nbox.lab.example\nlab.example\nlab.example\nbox alias2\n\
         192.0.2.7 2001:db8::7\n198.51.100.5 2001:db8:1::5 \n\
         gw.lab.example v6.lab.example \ngw.lab.example v6.lab.example \nrc=1\n",
        "stderr: {}",
        stderr(&o)
    );
    assert_eq!(
        stderr(&o),
        "hostname: other: Name or service not known (not in /etc/hosts)\n"
    );
}

#[test]
fn matches_debian_hostname_where_they_agree() {
    if !need_root("matches_debian_hostname_where_they_agree") {
        return;
    }
    if !std::path::Path::new("/usr/bin/hostname").exists() || qemu_user() {
        skip(
            "matches_debian_hostname_where_they_agree",
            "Debian's /usr/bin/hostname is not here",
        );
        return;
    }
    let l = Links::new();
    for opt in ["", "-s", "-y", "-f", "-d", "-i", "-a"] {
        let script = |h: &str| format!("hostname one.two.three; domainname dom; {h} {opt}");
        let ours = run(in_new_ns(&mut l.sh(&script("hostname")), CLONE_NEWUTS));
        let theirs = run(in_new_ns(
            &mut l.sh(&script("/usr/bin/hostname")),
            CLONE_NEWUTS,
        ));
        assert_eq!(ours.status.code(), theirs.status.code(), "hostname {opt}");
        if ours.status.success() {
            assert_eq!(stdout(&ours), stdout(&theirs), "hostname {opt}");
        }
    }
}
