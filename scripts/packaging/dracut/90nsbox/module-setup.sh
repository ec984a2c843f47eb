#!/bin/bash
# dracut module: nsbox and its applets (unshare, nsenter, lsns...) in the
# initramfs. Install the directory as /usr/lib/dracut/modules.d/90nsbox and
# ask for it: `dracut --add nsbox`, or in /etc/dracut.conf.d/nsbox.conf:
#   add_dracutmodules+=" nsbox "
# dracut looks for nsbox in its own PATH (/usr/sbin /usr/bin /sbin /bin,
# not /usr/local): install it with PREFIX=/usr. With `dracut --sysroot DIR`
# it is DIR's nsbox (which must be able to run here, for its applet list).

# Included only when asked for (255), and only if nsbox is installed.
check() {
    require_binaries nsbox || return 1
    return 255
}

depends() {
    return 0
}

install() {
    local nsbox applet
    nsbox=$(find_binary nsbox) || return 1
    inst_binary "$nsbox"
    # One link per applet, relative (unshare -> nsbox), in the same directory.
    for applet in $("${dracutsysrootdir-}$nsbox" --list); do
        ln_r "$nsbox" "${nsbox%/*}/$applet"
    done
}
