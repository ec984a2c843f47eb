//! `--keep-caps` of unshare and nsenter.

use crate::cli;

/// Inheritable = permitted, then every effective (with `permitted`: every
/// permitted) capability into the ambient set, so it survives exec as a
/// non-root uid. Errors end the process with util-linux's messages.
#[inline(never)]
pub fn keep_caps(permitted: bool) {
    use rustix::thread::{CapabilitySet, capabilities, set_capabilities};
    let mut c = capabilities(None).unwrap_or_else(|e| cli::die(b"capget failed", Some(e)));
    c.inheritable = c.permitted;
    if let Err(e) = set_capabilities(None, c) {
        cli::die(b"capset failed", Some(e));
    }
    let eff = if permitted { c.permitted } else { c.effective }.bits();
    for cap in 0..64 {
        if eff & (1 << cap) != 0 {
            let one = CapabilitySet::from_bits_retain(1 << cap);
            if let Err(e) = rustix::thread::configure_capability_in_ambient_set(one, true) {
                cli::die(b"prctl(PR_CAP_AMBIENT) failed", Some(e));
            }
        }
    }
}
