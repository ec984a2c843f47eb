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
    [ "$out" = "$(uname -n)" ] && "$dir/bin/nsbox" --list | grep -x unshare >/dev/null
}
check cargo-install install_check

# The other architecture's glibc host build (what a developer on an aarch64
# machine gets from `cargo run`): cross-linked with Debian's cross gcc, run
# under qemu-user with the arm64 glibc; its applets must run.
if [ "$(uname -m)" = x86_64 ]; then
    aarch64_gnu_check() {
        CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
            cargo build --release --target aarch64-unknown-linux-gnu || return 1
        local b=target/aarch64-unknown-linux-gnu/release/nsbox out
        out=$(QEMU_LD_PREFIX=/usr/aarch64-linux-gnu qemu-aarch64-static "$b" hostname) || return 1
        [ "$out" = "$(uname -n)" ] || return 1
        QEMU_LD_PREFIX=/usr/aarch64-linux-gnu qemu-aarch64-static "$b" ipcs -l | grep 'Shared Memory Limits' >/dev/null
    }
    check host-build-aarch64-gnu aarch64_gnu_check
fi

host_t=$(rustc -vV | sed -n 's/^host: //p')
cargo_tests "host-$host_t" --release
unset readme_run host_t

# An image builder's install from this host: the aarch64 binary (which this
# host runs only through binfmt_misc, so the script must not depend on it)
# into a staging root; relative links, man pages that render without
# warnings, completions that bash parses.
staging_check() {
    local d=$root/target/install-staging
    rm -rf "$d"
    DESTDIR=$d PREFIX=/usr scripts/install --bin "target/$TA64/release/nsbox" || return 1
    cmp "target/$TA64/release/nsbox" "$d/usr/bin/nsbox" || return 1
    local a n=0
    for a in $(target/release/nsbox --list); do
        [ "$(readlink "$d/usr/bin/$a")" = nsbox ] || { echo "$a: not a relative link to nsbox"; return 1; }
        bash -n "$d/usr/share/bash-completion/completions/$a" || return 1
        n=$((n + 1))
    done
    local page warn
    for page in "$d"/usr/share/man/man[18]/*; do
        grep -q '^\.so ' "$page" && continue
        warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
        [ -z "$warn" ] || { echo "$page: $warn"; return 1; }
        LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$page" 2>/dev/null | grep '^OPTIONS' >/dev/null || [[ $page == */nsbox.1 ]] || { echo "$page: no OPTIONS"; return 1; }
    done
    # Completions, as bash gives them for the last word.
    local c=$d/usr/share/bash-completion/completions
    complete_with() {
        (
            # shellcheck disable=SC1090
            . "$c/$1"
            COMP_WORDS=("$@")
            COMP_CWORD=$(($# - 1))
            "_nsbox_$1"
            echo "${COMPREPLY[*]}"
        )
    }
    local got
    for want in "unshare --map-r|--map-root-user" "unshare --kill-child = SIGKI|SIGKILL" \
        "unshare --propagation p|private" "lsns -o NS,TY|NS,TYPE" "lsns --type use|user" \
        "nsenter --tar|--target" "nsenter -t $$|$$"; do
        read -ra words <<<"${want%|*}"
        got=$(complete_with "${words[@]}")
        [[ " $got " == *" ${want#*|} "* ]] || { echo "completing '${want%|*}' gave '$got', not '${want#*|}'"; return 1; }
    done
    echo "$n applets linked, $(find "$d/usr/share/man" -type f | wc -l) man pages, completions ok"
}
check install-staging-aarch64 staging_check
