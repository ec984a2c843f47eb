# shellcheck shell=bash
# Stage sourced by scripts/test: util-linux's own regression tests
# (tests/run.sh, components unshare nsenter ipcs lsns, and other components'
# tests that call these applets) against the release
# x86_64 nsbox, through scripts/util-linux-tests (the newest util-linux
# source in Debian sid, built and cached under target/util-linux/, run as
# root in a throwaway set of namespaces). Each util-linux test counts once
# in scripts/test's totals; its skips (util-linux's reasons, and the
# deliberate differences of tests/util-linux-exceptions.txt) go to
# $NSBOX_SKIP_LOG.
# Uses scripts/test's variables (passed, failed, failures, logs, root, T64).

echo "== util-linux's own tests (scripts/util-linux-tests; log: target/test-logs/util-linux-tests.log)"
ul_start=$SECONDS
rm -f "$root/target/util-linux/summary" "$root/target/util-linux/skips"
scripts/util-linux-tests "$root/target/$T64/release/nsbox" >"$logs/util-linux-tests.log" 2>&1
ul_rc=$?
# Its report: the failures with the start of their diffs, the skips.
grep -E '^(FAILED|SKIP) |^    ' "$logs/util-linux-tests.log" | head -n 120
if [ -r "$root/target/util-linux/summary" ]; then
    ul_passed=0 ul_failed=0 ul_skipped=0
    # shellcheck disable=SC1091
    . "$root/target/util-linux/summary"
    # Skips count as passed here, as cargo counts them; scripts/test takes
    # the lines of $NSBOX_SKIP_LOG off at the end.
    passed=$((passed + ul_passed + ul_skipped))
    failed=$((failed + ul_failed))
    if [ "$ul_rc" -ne 0 ] && [ "$ul_failed" -eq 0 ]; then
        failed=$((failed + 1))
    fi
    cat "$root/target/util-linux/skips" >>"$NSBOX_SKIP_LOG" 2>/dev/null || true
    echo "   util-linux tests: $ul_passed passed, $ul_failed failed, $ul_skipped skipped ($((SECONDS - ul_start)) s)"
else
    # Failed before running a test (download, build, not root).
    failed=$((failed + 1))
    tail -n 20 "$logs/util-linux-tests.log" | sed 's/^/    /'
    echo "   util-linux tests: 0 passed, 1 failed, 0 skipped"
fi
[ "$ul_rc" -eq 0 ] || failures+=("util-linux-tests")
unset ul_start ul_rc ul_passed ul_failed ul_skipped ul_version
