# shellcheck shell=bash
# Stage sourced by scripts/test: what a developer gets first, on the host's
# default target (x86_64-unknown-linux-gnu here: a glibc build).
# - The README's run command, taken from the README itself so the two cannot
#   drift, run as written; it must print this machine's hostname.
# - `cargo install --path .` into a throwaway root; the installed binary must
#   run its applets.
# - The whole test suite (unit and integration) against the host build.
# Uses scripts/test's check/cargo_tests and its variables.

readme_run=$(awk '/^Run nsbox/ { f = 1; next } f && /^    / { sub(/^    /, ""); print; exit }' README.md)
echo "== the README's run command: $readme_run"
readme_run_check() {
    [ -n "$readme_run" ] || { echo "no run command found in README.md"; return 1; }
    local out want
    out=$(bash -c "$readme_run") || { echo "exit status $?"; return 1; }
    want=$(uname -n)
    echo "printed: $out (uname -n: $want)"
    [ "$out" = "$want" ]
}
check readme-run-command readme_run_check

install_check() {
    local dir=$root/target/install-check
    rm -rf "$dir"
    CARGO_TARGET_DIR=$root/target cargo install --quiet --path . --root "$dir" || return 1
    local out
    out=$("$dir/bin/nsbox" hostname) || return 1
    [ "$out" = "$(uname -n)" ] && "$dir/bin/nsbox" --list | grep -qx unshare
}
check cargo-install install_check

host_t=$(rustc -vV | sed -n 's/^host: //p')
cargo_tests "host-$host_t" --release
unset readme_run host_t
