//! The applet table: one entry per applet, sorted by name. An applet appears
//! here only once it is complete (no stubs).

use crate::cli::Res;
use crate::sys::Argv;

pub mod hostname;
pub mod ipcmk;
pub mod ipcrm;
pub mod ipcs;
pub mod lsns;
pub mod nsenter;
pub mod unshare;

/// One applet: its name and its entry point.
pub struct Applet {
    pub name: &'static str,
    pub main: fn(Argv) -> Res<i32>,
}

const fn a(name: &'static str, main: fn(Argv) -> Res<i32>) -> Applet {
    Applet { name, main }
}

/// Every applet, sorted by name (`nsbox --list`, `--install`).
pub const APPLETS: &[Applet] = &[
    a("dnsdomainname", hostname::dnsdomainname),
    a("domainname", hostname::domainname),
    a("hostname", hostname::hostname),
    a("ipcmk", ipcmk::ipcmk),
    a("ipcrm", ipcrm::ipcrm),
    a("ipcs", ipcs::main),
    a("lsns", lsns::lsns),
    a("nsenter", nsenter::nsenter),
    a("unshare", unshare::unshare),
];

/// Other names an applet answers to (not listed, not installed).
const ALIASES: &[Applet] = &[
    a("nisdomainname", hostname::domainname),
    a("ypdomainname", hostname::domainname),
];

/// The applet called `name`.
pub fn find(name: &[u8]) -> Option<&'static Applet> {
    APPLETS
        .iter()
        .chain(ALIASES)
        .find(|a| a.name.as_bytes() == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_and_unique() {
        assert!(APPLETS.windows(2).all(|w| w[0].name < w[1].name));
        assert!(find(b"hostname").is_some());
        assert!(find(b"ypdomainname").is_some());
        assert!(find(b"nope").is_none());
    }
}
