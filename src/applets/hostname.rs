//! hostname, domainname (nisdomainname, ypdomainname), dnsdomainname:
//! show or set the UTS host name and NIS domain name, like net-tools'
//! `hostname` (Debian's), without a resolver: names are looked up in
//! /etc/hosts only.

use crate::cat;
use crate::cli::{self, Args, Item, Opt, Out, Res, Val};
use crate::netlink;
use crate::sys::Argv;
use rustix::io::Errno;
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

const HOSTNAME_HELP: &str = "\
Usage:
 hostname [options] [NAME]

Show or set the system's host name (UTS nodename).

Options:
 -s, --short             host name up to the first dot
 -f, --fqdn, --long      fully qualified name, from /etc/hosts
 -d, --domain            DNS domain: the FQDN after its first dot
 -a, --alias             alias names of the host, from /etc/hosts
 -A, --all-fqdns         names of all addresses of -I, from /etc/hosts
 -i, --ip-address        addresses of the host name, from /etc/hosts
 -I, --all-ip-addresses  addresses of all interfaces that are up, except
                           loopback and IPv6 link-local (from the kernel)
 -y, --yp, --nis         NIS/YP domain name
 -F, --file FILE         set the name from the first line of FILE that is
                           neither empty nor a # comment
 -b, --boot              with -F: fall back to 'localhost' when FILE is
                           missing or empty and no name is set yet
 -h, --help              display this help
 -V, --version           display version

Names are resolved from /etc/hosts only: nsbox has no DNS or NSS resolver.
Any name the kernel accepts (1 to 64 bytes) can be set.
";
const HELP: &[u8] = crate::packed!(HOSTNAME_HELP);

const DOMAIN_HELP_TEXT: &str = "\
Usage:
 domainname [options] [NAME]

Show or set the NIS/YP domain name (UTS domainname).

Options:
 -F, --file FILE   set the name from the first non-comment line of FILE
 -h, --help        display this help
 -V, --version     display version
";
const DOMAIN_HELP: &[u8] = crate::packed!(DOMAIN_HELP_TEXT);

const DNS_HELP_TEXT: &str = "\
Usage:
 dnsdomainname

Show the DNS domain: the part of the host's FQDN after its first dot,
from /etc/hosts (nsbox has no DNS resolver).

Options:
 -h, --help        display this help
 -V, --version     display version
";
const DNS_HELP: &[u8] = crate::packed!(DNS_HELP_TEXT);

/// The kernel's `__NEW_UTS_LEN`.
const UTS_LEN: usize = 64;

#[derive(Clone, Copy, PartialEq)]
enum Show {
    Name,
    Short,
    Fqdn,
    AllFqdns,
    Domain,
    Alias,
    Ip,
    AllIp,
    Nis,
}

#[derive(Clone, Copy, PartialEq)]
enum Which {
    Host,
    Nis,
}

/// What an option of hostname, domainname or dnsdomainname means.
#[derive(Clone, Copy, PartialEq)]
enum Id {
    Show(Show),
    File,
    Boot,
    Help,
    Version,
}

const HOSTNAME_OPTS: &[Opt<Id>] = &[
    Opt::new('a', "alias", Val::None, Id::Show(Show::Alias)),
    Opt::new('A', "all-fqdns", Val::None, Id::Show(Show::AllFqdns)),
    Opt::new('b', "boot", Val::None, Id::Boot),
    Opt::new('d', "domain", Val::None, Id::Show(Show::Domain)),
    Opt::new('f', "fqdn", Val::None, Id::Show(Show::Fqdn)),
    Opt::long("long", Val::None, Id::Show(Show::Fqdn)),
    Opt::new('F', "file", Val::Required, Id::File),
    Opt::new('h', "help", Val::None, Id::Help),
    Opt::new('i', "ip-address", Val::None, Id::Show(Show::Ip)),
    Opt::new('I', "all-ip-addresses", Val::None, Id::Show(Show::AllIp)),
    Opt::new('s', "short", Val::None, Id::Show(Show::Short)),
    Opt::new('V', "version", Val::None, Id::Version),
    Opt::new('y', "yp", Val::None, Id::Show(Show::Nis)),
    Opt::long("nis", Val::None, Id::Show(Show::Nis)),
];

const DOMAINNAME_OPTS: &[Opt<Id>] = &[
    Opt::new('F', "file", Val::Required, Id::File),
    Opt::new('h', "help", Val::None, Id::Help),
    Opt::new('V', "version", Val::None, Id::Version),
];

const DNSDOMAINNAME_OPTS: &[Opt<Id>] = &[
    Opt::new('h', "help", Val::None, Id::Help),
    Opt::new('V', "version", Val::None, Id::Version),
];

/// `hostname`.
pub fn hostname(argv: Argv) -> Res<i32> {
    // Fast path: printing the name costs one uname and one write.
    if argv.remaining() == 0 {
        return print_uts(Which::Host);
    }
    run(argv, Which::Host, Show::Name, HOSTNAME_OPTS, HELP)
}

/// `domainname`, `nisdomainname`, `ypdomainname`.
pub fn domainname(argv: Argv) -> Res<i32> {
    run(argv, Which::Nis, Show::Nis, DOMAINNAME_OPTS, DOMAIN_HELP)
}

/// `dnsdomainname`.
pub fn dnsdomainname(argv: Argv) -> Res<i32> {
    let mut a = Args::new(argv);
    match a.next_opt(DNSDOMAINNAME_OPTS)? {
        None => show(Show::Domain),
        Some(Item::Opt(Id::Help, _)) => Err(cli::help(DNS_HELP)),
        Some(Item::Opt(_, _)) => Err(cli::version()),
        Some(Item::Operand(v)) => Err(cli::unexpected(&v)),
    }
}

fn run(argv: Argv, which: Which, default: Show, opts: &[Opt<Id>], help: &'static [u8]) -> Res<i32> {
    let mut a = Args::new(argv);
    let mut show_what = default;
    let mut file: Option<OsString> = None;
    let mut name: Option<OsString> = None;
    let mut boot = false;
    while let Some(item) = a.next_opt(opts)? {
        match item {
            Item::Operand(v) if name.is_none() => name = Some(v),
            Item::Operand(v) => return Err(cli::unexpected(&v)),
            Item::Opt(Id::Help, _) => return Err(cli::help(help)),
            Item::Opt(Id::Version, _) => return Err(cli::version()),
            Item::Opt(Id::File, f) => file = f,
            Item::Opt(Id::Boot, _) => boot = true,
            Item::Opt(Id::Show(s), _) => show_what = s,
        }
    }
    if let Some(f) = file {
        if name.is_some() {
            return Err(cli::usage_err(
                b"a name and -F/--file are mutually exclusive",
            ));
        }
        return match (first_line(&f), boot) {
            (Ok(n), _) => set(which, &n),
            (Err(_), true) => boot_default(which),
            (Err(e), false) => Err(e),
        };
    }
    match name {
        Some(n) => set(which, n.as_bytes()),
        None if boot => boot_default(which),
        None if show_what == Show::Nis && default == Show::Nis => print_uts(Which::Nis),
        None => show(show_what),
    }
}

/// The host or NIS domain name in `u`.
fn current(u: &rustix::system::Uname, which: Which) -> &[u8] {
    match which {
        Which::Host => u.nodename(),
        Which::Nis => u.domainname(),
    }
    .to_bytes()
}

/// Prints the host or NIS domain name as the kernel has it.
fn print_uts(which: Which) -> Res<i32> {
    let u = rustix::system::uname();
    let n = current(&u, which);
    // A stack buffer: no allocation on this path.
    let mut buf = [0u8; UTS_LEN + 2];
    let len = n.len().min(UTS_LEN + 1);
    buf[..len].copy_from_slice(&n[..len]);
    buf[len] = b'\n';
    cli::write_fd(1, &buf[..=len]).map_err(|e| cli::err(b"write error", e))?;
    Ok(0)
}

/// The first non-empty, non-comment line of `path`, trimmed.
fn first_line(path: &OsString) -> Res<Vec<u8>> {
    let data = cli::read_file(path).map_err(|e| cli::err(&cat!("cannot read ", path), e))?;
    data.split(|&b| b == b'\n')
        .map(|l| l.trim_ascii())
        .find(|l| !l.is_empty() && !l.starts_with(b"#"))
        .map(<[u8]>::to_vec)
        .ok_or_else(|| cli::errx(&cat!(path, ": no name found in the file")))
}

fn unset(n: &[u8]) -> bool {
    n.is_empty() || n == b"(none)"
}

/// `-b`: set `localhost` only when no name is set yet.
fn boot_default(which: Which) -> Res<i32> {
    if unset(current(&rustix::system::uname(), which)) {
        set(which, b"localhost")
    } else {
        Ok(0)
    }
}

fn set(which: Which, name: &[u8]) -> Res<i32> {
    let what = if which == Which::Host {
        "host name"
    } else {
        "NIS domain name"
    };
    if name.is_empty() {
        return Err(cli::errx(&cat!("the ", what, " must not be empty")));
    }
    if name.len() > UTS_LEN {
        return Err(cli::errx(&cat!(
            what,
            " too long: ",
            name.len(),
            " bytes (at most ",
            UTS_LEN,
            ")"
        )));
    }
    let r = match which {
        Which::Host => rustix::system::sethostname(name),
        Which::Nis => rustix::system::setdomainname(name),
    };
    r.map_err(|e| cli::err(&cat!("cannot set the ", what, " to '", name, "'"), e))?;
    Ok(0)
}

/// The /etc/hosts entries in `data`: each line's address and its names
/// (whitespace-separated fields, comments dropped).
fn hosts_entries(
    data: &[u8],
) -> impl Iterator<Item = (&[u8], impl Iterator<Item = &[u8]> + Clone)> {
    data.split(|&b| b == b'\n').filter_map(|line| {
        let line = line.split(|&b| b == b'#').next().unwrap_or(b"");
        let mut fields = fields(line);
        Some((fields.next()?, fields))
    })
}

/// The whitespace-separated fields of `line`.
fn fields(line: &[u8]) -> impl Iterator<Item = &[u8]> + Clone {
    line.split(u8::is_ascii_whitespace)
        .filter(|f| !f.is_empty())
}

fn show(what: Show) -> Res<i32> {
    let u = rustix::system::uname();
    let node = u.nodename().to_bytes();
    let mut out = Out::new();
    match what {
        Show::Name => {
            out.put(node);
        }
        Show::Short => {
            out.put(node.split(|&b| b == b'.').next().unwrap_or(b""));
        }
        Show::Nis => {
            let d = u.domainname().to_bytes();
            if unset(d) {
                return Err(cli::errx(b"Local domain name not set"));
            }
            out.put(d);
        }
        Show::Fqdn | Show::Domain | Show::Alias | Show::Ip => {
            // The /etc/hosts lines that name this host (case-insensitively):
            // the first gives the FQDN and aliases; -i lists every address.
            let data = cli::read_file("/etc/hosts").unwrap_or_default();
            let mut seen: Vec<&[u8]> = Vec::new();
            for (addr, mut names) in hosts_entries(&data) {
                if !names.clone().any(|n| n.eq_ignore_ascii_case(node)) {
                    continue;
                }
                if what == Show::Ip {
                    if !seen.contains(&addr) {
                        out.put(if seen.is_empty() { "" } else { " " }).put(addr);
                        seen.push(addr);
                    }
                    continue;
                }
                let fqdn = names.next().unwrap_or(b"");
                match what {
                    Show::Fqdn => {
                        out.put(fqdn);
                    }
                    Show::Domain => {
                        if let Some(d) = fqdn.iter().position(|&b| b == b'.') {
                            out.put(&fqdn[d + 1..]);
                        }
                    }
                    _ => {
                        let mut sep = "";
                        for a in names {
                            out.put(sep).put(a);
                            sep = " ";
                        }
                    }
                }
                seen.push(addr);
                break;
            }
            if seen.is_empty() {
                return Err(cli::errx(&cat!(
                    node,
                    ": Name or service not known (not in /etc/hosts)"
                )));
            }
        }
        Show::AllIp => {
            out.put(&interface_addresses().map_err(|e| cli::err(b"cannot list addresses", e))?);
        }
        Show::AllFqdns => {
            // net-tools translates each address of -I to its name and skips
            // those without one; nsbox's translation is /etc/hosts.
            let addrs = interface_addresses().map_err(|e| cli::err(b"cannot list addresses", e))?;
            let hosts = cli::read_file("/etc/hosts").unwrap_or_default();
            for addr in addrs.split(|&b| b == b' ').filter(|a| !a.is_empty()) {
                if let Some(name) = hosts_name_of(&hosts, addr) {
                    out.put(name).put(" ");
                }
            }
        }
    }
    out.put("\n");
    out.finish()?;
    Ok(0)
}

/// The canonical name (first name) of the first /etc/hosts line for `addr`.
fn hosts_name_of<'a>(hosts: &'a [u8], addr: &[u8]) -> Option<&'a [u8]> {
    hosts_entries(hosts).find_map(|(a, mut names)| {
        if a.eq_ignore_ascii_case(addr) {
            names.next()
        } else {
            None
        }
    })
}

/// Addresses of interfaces that are up and not loopback, without IPv6
/// link-local ones, in the kernel's order (net-tools `hostname -I`).
/// Each address is followed by a space, as net-tools prints them.
fn interface_addresses() -> Result<Vec<u8>, Errno> {
    const RTM_GETLINK: u16 = 18;
    const RTM_GETADDR: u16 = 22;
    const IFF_UP: u32 = 1;
    const IFF_LOOPBACK: u32 = 8;
    let mut nl = netlink::Route::open()?;
    let mut usable: Vec<u32> = Vec::new();
    nl.request(RTM_GETLINK, netlink::F_DUMP, &[0; 16], |_, b| {
        if b.len() >= 16 {
            let index = u32::from_ne_bytes([b[4], b[5], b[6], b[7]]);
            let flags = u32::from_ne_bytes([b[8], b[9], b[10], b[11]]);
            if flags & IFF_UP != 0 && flags & IFF_LOOPBACK == 0 {
                usable.push(index);
            }
        }
    })?;
    let mut v4 = Vec::new();
    let mut v6 = Vec::new();
    nl.request(RTM_GETADDR, netlink::F_DUMP, &[0; 8], |_, b| {
        if b.len() < 8 {
            return;
        }
        let (family, index) = (b[0], u32::from_ne_bytes([b[4], b[5], b[6], b[7]]));
        if !usable.contains(&index) {
            return;
        }
        let (mut local, mut addr) = (None, None);
        for (t, d) in netlink::attrs(&b[8..]) {
            match t {
                1 => addr = Some(d),
                2 => local = Some(d),
                _ => {}
            }
        }
        match (family, local.or(addr)) {
            (2, Some(&[a, b, c, d])) => v4.extend_from_slice(&cat!(a, ".", b, ".", c, ".", d, " ")),
            (10, Some(a)) if a.len() == 16 && !(a[0] == 0xfe && a[1] & 0xc0 == 0x80) => {
                v6.extend_from_slice(&fmt_ipv6(a));
                v6.push(b' ');
            }
            _ => {}
        }
    })?;
    v4.extend_from_slice(&v6);
    Ok(v4)
}

/// RFC 5952 text of a 16-byte IPv6 address.
fn fmt_ipv6(a: &[u8]) -> Vec<u8> {
    let mut g = [0u16; 8];
    for (i, c) in a.chunks(2).take(8).enumerate() {
        g[i] = u16::from_be_bytes([c[0], c.get(1).copied().unwrap_or(0)]);
    }
    // Longest run of at least two zero groups, the first one on ties.
    let (mut best, mut best_len, mut i) = (8, 1, 0);
    while i < 8 {
        let start = i;
        while i < 8 && g[i] == 0 {
            i += 1;
        }
        if i - start > best_len {
            (best, best_len) = (start, i - start);
        }
        i += 1;
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < 8 {
        if i == best {
            out.extend_from_slice(b"::");
            i += best_len;
            continue;
        }
        if !out.is_empty() && !out.ends_with(b":") {
            out.push(b':');
        }
        let hex = b"0123456789abcdef";
        let mut started = false;
        for shift in [12, 8, 4, 0] {
            let d = (g[i] >> shift) & 0xf;
            if d != 0 || started || shift == 0 {
                out.push(hex[d as usize]);
                started = true;
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn option_tables_match_the_help() {
        crate::cli::check_help(super::HOSTNAME_OPTS, super::HOSTNAME_HELP);
        crate::cli::check_help(super::DOMAINNAME_OPTS, super::DOMAIN_HELP_TEXT);
        crate::cli::check_help(super::DNSDOMAINNAME_OPTS, super::DNS_HELP_TEXT);
    }

    use super::fmt_ipv6;

    fn v6(s: [u16; 8]) -> Vec<u8> {
        let b: Vec<u8> = s.iter().flat_map(|g| g.to_be_bytes()).collect();
        fmt_ipv6(&b)
    }

    #[test]
    fn ipv6_text() {
        assert_eq!(v6([0xfd00, 0, 0, 0, 0, 0, 0, 2]), b"fd00::2");
        assert_eq!(v6([0, 0, 0, 0, 0, 0, 0, 1]), b"::1");
        assert_eq!(v6([0; 8]), b"::");
        assert_eq!(v6([0x2001, 0xdb8, 0, 1, 0, 0, 0, 1]), b"2001:db8:0:1::1");
        assert_eq!(v6([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1]), b"2001:db8::1:0:0:1");
        assert_eq!(v6([1, 0, 2, 0, 3, 0, 4, 0]), b"1:0:2:0:3:0:4:0");
        assert_eq!(v6([0xfe80, 0, 0, 0, 0, 0, 0, 0]), b"fe80::");
    }
}
