# shellcheck shell=bash
# Stage sourced by scripts/test: the tiny build (scripts/build-tiny, the same
# stable toolchain with its rust-src), then the integration tests natively (x86_64) and under qemu-user
# (aarch64) against the tiny binaries, including tests/budgets.rs (the tiny
# size budgets; the syscall budgets natively with strace). The stable build's
# budgets ran with the native and qemu-user runs above.
# Uses scripts/test's check/cargo_tests and its variables.

echo "== tiny build (scripts/build-tiny: $(rustc -V), RUSTC_BOOTSTRAP=1 -Zbuild-std)"
tiny_rc=0
scripts/build-tiny >"$logs/tiny-build.log" 2>&1 || tiny_rc=$?
if [ "$tiny_rc" -ne 0 ]; then
    failed=$((failed + 1))
    failures+=("tiny-build")
    echo "FAILED tiny-build (log: target/test-logs/tiny-build.log)"
    tail -n 30 "$logs/tiny-build.log" | sed 's/^/    /'
else
    passed=$((passed + 1))
    echo "ok     tiny-build"
    grep '^build-tiny: target/tiny/' "$logs/tiny-build.log" | sed 's/^build-tiny: /       /'
    for tiny_t in $ALL_TARGETS; do
        # Fully static: no program interpreter, no shared libraries.
        check "static-elf-tiny-$tiny_t" bash -c "f=target/tiny/$tiny_t/nsbox; [ -x \$f ] && ! readelf -l \$f | grep -q INTERP && ! readelf -d \$f | grep -q NEEDED"
    done
    # The release archives, twice: the same bytes both times.
    release_check() {
        scripts/release --no-build && cp target/release-dist/SHA256SUMS target/release-dist.sums.1 &&
            scripts/release --no-build && cmp target/release-dist.sums.1 target/release-dist/SHA256SUMS &&
            tar -tzf "target/release-dist/nsbox-$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)-$TA64.tar.gz" | grep '/man/man8/lsns.8$' >/dev/null
    }
    check release-archives-reproducible release_check
    # A flat image root for aarch64 from this host: its applets run in a
    # chroot (through binfmt_misc's qemu-aarch64), every link relative.
    flat_root_check() {
        local d=$root/target/install-flat
        rm -rf "$d"
        scripts/install --target $TA64 "$d" >/dev/null || return 1
        [ "$(chroot "$d" /bin/hostname)" = "$(uname -n)" ] || return 1
        [ -z "$(find "$d" -type l -lname '/*')" ] || { find "$d" -type l -lname '/*'; return 1; }
        chroot "$d" /bin/unshare -u /bin/hostname flat-root-test >/dev/null 2>&1 || true
        [ "$(uname -n)" != flat-root-test ]
    }
    check install-flat-root-aarch64 flat_root_check
    # The binaries themselves: the same commit built from another checkout
    # in another directory, with another CARGO_HOME, gives the same bytes.
    reproducible_check() {
        local tmp rc=0 t
        tmp=$(mktemp -d /tmp/nsbox-repro.XXXXXX)
        git clone -q "$root" "$tmp/checkout" && git -C "$tmp/checkout" checkout -q "$(git rev-parse HEAD)" || return 1
        (cd "$tmp/checkout" && CARGO_HOME=$tmp/cargo-home scripts/build-tiny $T64 $TA64) >"$tmp/build.log" 2>&1 || { tail -n 20 "$tmp/build.log"; rm -rf "$tmp"; return 1; }
        for t in $T64 $TA64; do
            if cmp "target/tiny/$t/nsbox" "$tmp/checkout/target/tiny/$t/nsbox"; then
                echo "$t: identical ($(stat -c %s "target/tiny/$t/nsbox") bytes, $(sha256sum <"target/tiny/$t/nsbox" | cut -c1-16))"
            else
                rc=1
            fi
        done
        rm -rf "$tmp"
        return $rc
    }
    if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
        echo "SKIP   reproducible-tiny-builds (uncommitted changes: the other checkout would build different sources)"
        echo "reproducible-tiny-builds: uncommitted changes in the checkout (CI runs on a clean one)" >>"$NSBOX_SKIP_LOG"
        passed=$((passed + 1))
    else
        check reproducible-tiny-builds reproducible_check
    fi
    NSBOX_BIN=$root/target/tiny/$T64/nsbox cargo_tests tiny-x86_64 --release --target $T64 --test '*'
    NSBOX_BIN=$root/target/tiny/$TA64/nsbox cargo_tests tiny-aarch64-qemu-user --release --target $TA64 --test '*'
    # armv7, riscv64, i686: the tiny binaries' budgets (size ceilings).
    for tiny_t in $TARM $TRV $T32; do
        NSBOX_BIN=$root/target/tiny/$tiny_t/nsbox cargo_tests "tiny-${tiny_t%%-*}-budgets" --release --target $tiny_t --test budgets
    done
fi
