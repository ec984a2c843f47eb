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
        scripts/release --no-build && cp target/dist/SHA256SUMS target/dist.sums.1 &&
            scripts/release --no-build && cmp target/dist.sums.1 target/dist/SHA256SUMS &&
            tar -tzf "target/dist/nsbox-$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)-$TA64.tar.gz" | grep -q '/man/man8/lsns.8$'
    }
    check release-archives-reproducible release_check
    NSBOX_BIN=$root/target/tiny/$T64/nsbox cargo_tests tiny-x86_64 --release --target $T64 --test '*'
    NSBOX_BIN=$root/target/tiny/$TA64/nsbox cargo_tests tiny-aarch64-qemu-user --release --target $TA64 --test '*'
    # armv7, riscv64, i686: the tiny binaries' budgets (size ceilings).
    for tiny_t in $TARM $TRV $T32; do
        NSBOX_BIN=$root/target/tiny/$tiny_t/nsbox cargo_tests "tiny-${tiny_t%%-*}-budgets" --release --target $tiny_t --test budgets
    done
fi
