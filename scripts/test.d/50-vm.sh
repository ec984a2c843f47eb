# shellcheck shell=bash
# Stage sourced by scripts/test: the whole test suite inside real kernels
# (x86_64, aarch64, armv7, riscv64; i686 in the x86_64 VM) under QEMU, see cross/README.md. Each test that ran in
# a VM counts once in scripts/test's totals; a missing result, a kernel panic,
# a timeout or a forbidden skip (qemu-user/root reasons; on the newest kernel
# also missing kernel features) counts as a failure. Legitimate skips go to
# $NSBOX_SKIP_LOG, tagged ARCH-SUITE(vm).
# The kernel matrix: Debian bookworm's 6.1, trixie's 6.12 and sid's newest,
# each with the release build; the tiny build (scripts/build-tiny, stage 20),
# the one the README recommends for images, on the newest.
# armv7 (armmp-lpae) and riscv64 boot trixie's 6.12 (riscv64 is a Debian
# release architecture from trixie on); i686 is the x86_64 VM running the
# i686 binaries, on the oldest and the newest kernel.
for vm_run in x86_64-bookworm aarch64-bookworm x86_64-trixie aarch64-trixie x86_64-sid aarch64-sid \
    x86_64-sid-tiny aarch64-sid-tiny armv7-trixie riscv64-trixie i686-bookworm i686-sid; do
    vm_arch=${vm_run%%-*}
    vm_suite=${vm_run#*-}
    vm_suite=${vm_suite%-tiny}
    vm_env=()
    if [ "${vm_run%-tiny}" != "$vm_run" ]; then
        vm_bin=target/tiny/$vm_arch-unknown-linux-musl/nsbox
        if [ ! -x "$vm_bin" ]; then
            echo "== QEMU system VM: $vm_run: no tiny binary ($vm_bin; see the tiny build stage)"
            failed=$((failed + 1))
            failures+=("vm-$vm_run")
            continue
        fi
        vm_env=(VM_NSBOX_BIN="$root/$vm_bin" VM_NSBOX_BUILD=tiny)
    fi
    vm_work=target/vm/$vm_arch
    [ "$vm_suite" = bookworm ] || vm_work=$vm_work-$vm_suite
    echo "== QEMU system VM: $vm_run (cross/vm test $vm_arch $vm_suite; log: target/test-logs/vm-$vm_run.log)"
    vm_summary=$vm_work/summary
    rm -f "$vm_summary" "$vm_work/skips"
    env "${vm_env[@]}" cross/vm test "$vm_arch" "$vm_suite" >"$logs/vm-$vm_run.log" 2>&1
    vm_rc=$?
    # The harness's report: per-binary counts, failed tests, skips, the
    # per-arch total; and the start of the failures' output.
    grep -E '^   \[|^     [^|]' "$logs/vm-$vm_run.log"
    grep -E '^     \|' "$logs/vm-$vm_run.log" | head -n 40
    if [ -r "$vm_summary" ]; then
        vm_passed=0 vm_failed=0
        # shellcheck disable=SC1090
        . "$vm_summary"
        passed=$((passed + vm_passed))
        failed=$((failed + vm_failed))
        if [ "$vm_rc" -ne 0 ] && [ "$vm_failed" -eq 0 ]; then
            failed=$((failed + 1))
        fi
        sed "s/^$vm_arch(vm)/$vm_run(vm)/" "$vm_work/skips" >>"$NSBOX_SKIP_LOG" 2>/dev/null || true
    else
        # The harness failed before judging (fetch, build or image).
        failed=$((failed + 1))
        tail -n 20 "$logs/vm-$vm_run.log" | sed 's/^/    /'
    fi
    [ "$vm_rc" -eq 0 ] || failures+=("vm-$vm_run")
done
unset vm_run vm_arch vm_suite vm_work vm_bin vm_env vm_summary vm_rc vm_passed vm_failed vm_ran vm_skipped

# And the other way round: the suite as cross-rs runs it (aarch64 under
# qemu-user, not root, CI unset) must pass, root-only tests skipping.
check cross-rs-style-unprivileged-aarch64 cross/unprivileged aarch64-unknown-linux-musl
