SUMMARY = "Namespace and IPC tools (unshare, nsenter, lsns, ipcs...) in one small binary"
DESCRIPTION = "unshare, nsenter, lsns, ipcmk, ipcs, ipcrm, hostname and domainname \
as one multicall binary, behaving like util-linux's (hostname: like net-tools')."
HOMEPAGE = "https://github.com/OWNER/nsbox"
LICENSE = "MIT"
LIC_FILES_CHKSUM = "file://LICENSE;md5=580cefafd892b9457d9fa764fc52977c"

# The release tag's tarball (OWNER: the project's GitHub account); it
# unpacks to nsbox-${PV}, which is ${S} by default.
SRC_URI = "https://github.com/OWNER/nsbox/archive/refs/tags/v${PV}.tar.gz;downloadfilename=${BP}.tar.gz"
SRC_URI[sha256sum] = "0000000000000000000000000000000000000000000000000000000000000000"

# The crates from Cargo.lock, fetched by bitbake (cargo then builds
# --frozen, offline). Regenerate after a Cargo.lock change with
# `bitbake -c update_crates nsbox`.
inherit cargo cargo-update-recipe-crates
require ${BPN}-crates.inc

# nsbox's own syscall layer covers these two architectures (glibc or musl).
COMPATIBLE_HOST = "(x86_64|aarch64).*-linux.*"

# Cargo's release profile strips; leave that to do_package, which keeps the
# debug symbols in nsbox-dbg (and avoids the already-stripped QA error).
export CARGO_PROFILE_RELEASE_STRIP = "false"

# cargo_do_install puts the binary in ${bindir}. The applets (as
# `nsbox --list` prints them) are links to it made by update-alternatives,
# the way busybox's recipe does it. busybox, util-linux, inetutils and
# net-tools provide the same names; the highest priority wins: busybox 50,
# nsbox 60, inetutils 79, util-linux 80, net-tools 100. Set
# ALTERNATIVE_PRIORITY in a .bbappend to rank nsbox differently.
NSBOX_APPLETS = "dnsdomainname domainname hostname ipcmk ipcrm ipcs lsns nsenter unshare"
inherit update-alternatives
ALTERNATIVE:${PN} = "${NSBOX_APPLETS}"
ALTERNATIVE_TARGET = "${bindir}/nsbox"
ALTERNATIVE_PRIORITY = "60"
# The link names must be the other providers' to compete with them: these
# three live in ${base_bindir} in busybox, net-tools and inetutils.
ALTERNATIVE_LINK_NAME[hostname] = "${base_bindir}/hostname"
ALTERNATIVE_LINK_NAME[domainname] = "${base_bindir}/domainname"
ALTERNATIVE_LINK_NAME[dnsdomainname] = "${base_bindir}/dnsdomainname"
