# shellcheck shell=bash
# Stage sourced by scripts/test: the user-facing initramfs script
# (scripts/mkinitramfs), for real: an x86_64 image with nsbox and Debian's
# static busybox, booted under QEMU (TCG, about 20 s) with Debian's cloud
# kernel; its /init sets a hostname, runs `/bin/unshare -u` to set another
# one inside and powers off; the console must show both. Also: the image's
# applet links are relative, two builds with SOURCE_DATE_EPOCH are
# byte-identical, and an aarch64 image builds on this host. Then the
# packaging recipes' checks (scripts/packaging/check, a few seconds).
# The kernel and busybox come from the VM harness's cache (stage 50), fetched
# with `cross/vm fetch x86_64` when missing; NSBOX_TEST_KERNEL and
# NSBOX_TEST_BUSYBOX override them.
# Uses scripts/test's check and its variables.

initramfs_inputs() {
    local cache=$root/target/vm-cache/amd64
    ird_kernel=${NSBOX_TEST_KERNEL:-$(ls "$cache"/linux-image-*/boot/vmlinuz-* "$cache"/*/linux-image-*/boot/vmlinuz-* 2>/dev/null | head -n1)}
    ird_busybox=${NSBOX_TEST_BUSYBOX:-$cache/busybox-static/bin/busybox}
    if [ -z "$ird_kernel" ] || [ ! -x "$ird_busybox" ]; then
        cross/vm fetch x86_64 >&2 || return 1
        ird_kernel=${NSBOX_TEST_KERNEL:-$(ls "$cache"/linux-image-*/boot/vmlinuz-* | head -n1)}
    fi
    ird_nsbox=$root/target/tiny/$T64/nsbox
    [ -x "$ird_nsbox" ] || ird_nsbox=$root/target/$T64/release/nsbox
    ird_dir=$root/target/initramfs-check
    rm -rf "$ird_dir"
    mkdir -p "$ird_dir"
}

initramfs_boot_check() {
    initramfs_inputs || return 1
    local img=$ird_dir/x86_64.cpio out
    # Single quotes: $(...) runs inside the guest.
    local run='/bin/hostname outer; /bin/unshare -u /bin/sh -c "/bin/hostname inner; echo inside: \$(/bin/hostname)"; echo outside: $(/bin/hostname)'
    echo "kernel $ird_kernel, nsbox $ird_nsbox, busybox $ird_busybox"
    SOURCE_DATE_EPOCH=0 scripts/mkinitramfs --nsbox "$ird_nsbox" --busybox "$ird_busybox" --run "$run" "$img" || return 1
    SOURCE_DATE_EPOCH=0 scripts/mkinitramfs --nsbox "$ird_nsbox" --busybox "$ird_busybox" --run "$run" "$img.2" || return 1
    cmp "$img" "$img.2" || { echo "two builds differ"; return 1; }
    local a
    for a in $("$ird_nsbox" --list); do
        cpio -itv --quiet <"$img" | grep -q " bin/$a -> nsbox\$" || { echo "bin/$a: not a relative link to nsbox"; return 1; }
    done
    out=$(QEMU_ACCEL=tcg timeout 110 scripts/mkinitramfs --nsbox "$ird_nsbox" --busybox "$ird_busybox" --run "$run" \
        --kernel "$ird_kernel" --boot "$img" </dev/null 2>&1 | tr -d '\r')
    printf '%s\n' "$out" | tail -n 20
    grep -qx 'inside: inner' <<<"$out" && grep -qx 'outside: outer' <<<"$out" && grep -q 'reboot: Power down' <<<"$out"
}
check initramfs-boot-x86_64 initramfs_boot_check

# An aarch64 image from this x86_64 host: the links are made here.
initramfs_aarch64_check() {
    initramfs_inputs || return 1
    local bin=$root/target/tiny/$TA64/nsbox
    [ -f "$bin" ] || bin=$root/target/$TA64/release/nsbox
    printf '#!/bin/nsbox\n' >"$ird_dir/init" # any file: this image is not booted
    scripts/mkinitramfs --nsbox "$bin" --init "$ird_dir/init" --gzip "$ird_dir/aarch64.cpio.gz" || return 1
    (cd "$ird_dir" && mkdir x && cd x && gzip -dc ../aarch64.cpio.gz | cpio -id --quiet) || return 1
    cmp "$bin" "$ird_dir/x/bin/nsbox" && [ "$(readlink "$ird_dir/x/bin/unshare")" = nsbox ] && [ -x "$ird_dir/x/init" ]
}
check initramfs-aarch64-image initramfs_aarch64_check

# The packaging recipes (scripts/packaging/: Buildroot, Yocto, Alpine,
# mkinitcpio, dracut, Dockerfile), as far as this machine can check them.
check packaging-recipes scripts/packaging/check
unset ird_kernel ird_busybox ird_nsbox ird_dir
