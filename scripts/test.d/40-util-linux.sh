# shellcheck shell=bash
# Stage sourced by scripts/test: util-linux's own regression tests
# (tests/run.sh: components unshare nsenter ipcs lsns, and other components'
# tests that call these applets) against the release x86_64 nsbox, through
# scripts/util-linux-tests (the newest util-linux source in Debian sid,
# built and cached under target/util-linux/, run as root in a throwaway set
# of namespaces). Each util-linux test counts once in scripts/test's totals;
# its skips (util-linux's reasons, and the deliberate differences of
# tests/util-linux-exceptions.txt) go to $NSBOX_SKIP_LOG.
# Uses scripts/test's variables (passed, failed, failures, logs, root, T64).

util_linux_stage() {
    local log=$logs/util-linux-tests.log dir=$root/target/util-linux start=$SECONDS rc=0
    local ul_passed=0 ul_failed=0 ul_skipped=0 ul_version=
    echo "== util-linux's own tests (scripts/util-linux-tests; log: target/test-logs/util-linux-tests.log)"
    if [ "$(id -u)" != 0 ] && [ "${CI-}" != true ]; then
        # As everywhere: root-only tests skip with a reason, except in CI.
        echo "SKIP   util-linux-tests (not root: they make namespaces, mounts and IPC objects)"
        echo "util-linux-tests: not root (util-linux's namespace tests need root; CI runs them)" >>"$NSBOX_SKIP_LOG"
        passed=$((passed + 1))
        return
    fi
    rm -f "$dir/summary" "$dir/skips"
    scripts/util-linux-tests "$root/target/$T64/release/nsbox" >"$log" 2>&1 || rc=$?
    # Its report: the failures with the start of their diffs, the skips.
    grep -E '^(FAILED|SKIP) |^    ' "$log" | head -n 120
    if [ -r "$dir/summary" ]; then
        # shellcheck disable=SC1091
        . "$dir/summary"
        # Skips count as passed here, as cargo counts them; scripts/test
        # takes the lines of $NSBOX_SKIP_LOG off at the end.
        passed=$((passed + ul_passed + ul_skipped))
        failed=$((failed + ul_failed))
        [ "$rc" -eq 0 ] || [ "$ul_failed" -ne 0 ] || failed=$((failed + 1))
        cat "$dir/skips" >>"$NSBOX_SKIP_LOG" 2>/dev/null || true
        echo "   util-linux tests: $ul_passed passed, $ul_failed failed, $ul_skipped skipped (util-linux $ul_version, $((SECONDS - start)) s)"
    else
        # Failed before running a test (download, build, namespaces).
        failed=$((failed + 1))
        tail -n 20 "$log" | sed 's/^/    /'
        echo "   util-linux tests: 0 passed, 1 failed, 0 skipped"
    fi
    [ "$rc" -eq 0 ] || failures+=("util-linux-tests")
}
util_linux_stage
unset -f util_linux_stage
