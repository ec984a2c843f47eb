#!/bin/sh
# lsns with 1,000 network namespaces held only by fds and bind mounts,
# inside cross/vm's guest (POSIX sh for its dash; run by scripts/bench
# --lsns-vm as VM_SCRIPT=this cross/vm test x86_64 sid). The guest has
# perl-base (the binary, no modules) but no python or C compiler, so the
# helpers are perl builtins with raw x86_64 syscall numbers.
#
#   1. NFD netns held only by fds: one perl process unshares the network
#      namespace NFD times, keeping /proc/self/ns/net open each time, then
#      setns()es back to the first one and sleeps (it holds only fds).
#   2. NBIND netns held only by bind mounts: another perl process unshares
#      and bind-mounts /proc/self/ns/net onto /run/nsb/bind/nI (a tmpfs),
#      NBIND times, then exits.
#   3. Counts what each lsns lists of those 1,000 (by inode), then times
#      `lsns -t net` ROUNDS x REPS times per variant, the variants
#      interleaved run by run (fork + exec from perl, stdout on /dev/null,
#      CLOCK_MONOTONIC):
#        nsbox       /bin/lsns (nsbox): listns(2) + the /proc scan
#        nsbox-scan  the same binary with listns(2) answering ENOSYS (a
#                    seccomp filter installed in the child before exec):
#                    the /proc scan alone, as on a kernel before 6.19
#        util-linux  /usr/bin/lsns (the guest's util-linux)
#        nsbox-few   nsbox (listns + scan) with `-o NS,TYPE,NPROCS`: without
#                    the per-namespace columns (NETNSID, NSFS, USER, ...)
#      Every child gets a one-rule seccomp filter (the scan variant on 470,
#      listns; the others on a number no kernel has), so all pay the same.
#
# Output, one line each (parsed by scripts/bench):
#   INFO KEY VALUE...            kernel, versions, listns availability, setup
#   ROWS VARIANT TOTAL FD BIND   rows of `lsns -t net -n -o NS`; of them, how
#                                many of the NFD fd-held / NBIND bind-mounted
#   RES VARIANT WALL CPU         one round: mean ms per run (wall; user+sys)
#   SYS VARIANT TOTAL LISTNS OBH syscalls of one run (strace): total,
#                                listns, open_by_handle_at
#   SYSTOP VARIANT NAME N, ...   its most frequent syscalls
#   then the same for NPROC netns each with a process in it (variants
#   proc-nsbox, proc-nsbox-scan, proc-util-linux; ROWS ... PROC 0)
#   test lsns_vm::NAME ... ok|FAILED   checks (cross/init passes them on)
set -u
NFD=${NFD:-500}
NBIND=${NBIND:-500}
ROUNDS=${ROUNDS:-5}
REPS=${REPS:-10}
NPROC=${NPROC:-1000}
REPS2=${REPS2:-6}
# The two lsns (the guest's; elsewhere for a trial run on a host).
NS_LSNS=${NS_LSNS:-/bin/lsns}
UL_LSNS=${UL_LSNS:-/usr/bin/lsns}
# x86_64 only (the numbers below): unshare 272, setns 308, mount 165,
# prctl 157, clock_gettime 228; listns is 470 on every architecture.
[ "$(uname -m)" = x86_64 ] || { echo "INFO error this script is x86_64 only"; exit 1; }
d=/run/nsb
mkdir -p $d
mount -t tmpfs tmpfs $d || exit 1
mkdir -p $d/bind
drv=$d/drv.pl
cat >$drv <<'PERL'
# No modules in the guest's perl: builtins and syscall() only.
$CLONE_NEWNET = 0x40000000;
sub die2 { print STDOUT "INFO error @_: $!\n"; exit 1 }
sub now_ms {
    my $b = "\0" x 16;
    syscall(228, 1, $b) == 0 or die2("clock_gettime");
    my ($s, $ns) = unpack("q q", $b);
    return $s * 1e3 + $ns / 1e6;
}
# A one-rule seccomp filter: syscall NR fails with ENOSYS, all else runs.
sub filter {
    my $nr = shift;
    my $prog = pack("S C C L", 0x20, 0, 0, 0)          # ld [nr]
        . pack("S C C L", 0x15, 0, 1, $nr)             # jeq NR ? next : +1
        . pack("S C C L", 0x06, 0, 0, 0x00050000 | 38) # ret ERRNO(ENOSYS)
        . pack("S C C L", 0x06, 0, 0, 0x7fff0000);     # ret ALLOW
    my $fprog = pack("S x6 P", 4, $prog);
    syscall(157, 38, 1, 0, 0, 0) == 0 or die2("PR_SET_NO_NEW_PRIVS");
    syscall(157, 22, 2, $fprog, 0, 0) == 0 or die2("PR_SET_SECCOMP");
}
$mode = shift @ARGV;
if ($mode eq "hold") {
    my ($n, $inos, $ready) = @ARGV;
    open(my $orig, "<", "/proc/self/ns/net") or die2("open");
    open(my $out, ">", $inos) or die2("open $inos");
    my @held;
    for my $i (1 .. $n) {
        syscall(272, $CLONE_NEWNET) == 0 or die2("unshare");
        open(my $f, "<", "/proc/self/ns/net") or die2("open");
        push @held, $f;
        print $out ((stat $f)[1], "\n");
    }
    syscall(308, fileno($orig), $CLONE_NEWNET) == 0 or die2("setns");
    close $orig;
    close $out;
    open(my $r, ">", $ready) or die2("open $ready");
    close $r;
    open(STDIN, "<", "/dev/null");
    open(STDOUT, ">", "/dev/null");
    open(STDERR, ">", "/dev/null");
    sleep while 1;
} elsif ($mode eq "bind") {
    my ($n, $dir, $inos) = @ARGV;
    open(my $orig, "<", "/proc/self/ns/net") or die2("open");
    open(my $out, ">", $inos) or die2("open $inos");
    for my $i (1 .. $n) {
        my $t = "$dir/n$i";
        open(my $f, ">", $t) or die2("create $t");
        close $f;
        syscall(272, $CLONE_NEWNET) == 0 or die2("unshare");
        # MS_BIND (4096); syscall() wants writable strings
        my $src = "/proc/self/ns/net";
        syscall(165, $src, $t, 0, 4096, 0) == 0 or die2("mount $t");
        print $out ((stat $t)[1], "\n");
    }
    syscall(308, fileno($orig), $CLONE_NEWNET) == 0 or die2("setns");
} elsif ($mode eq "procs") {
    # procs N INOS READY: N sleeping children, each in its own new netns;
    # killed with this process (SIGTERM).
    my ($n, $inos, $ready) = @ARGV;
    pipe(my $rd, my $wr) or die2("pipe");
    my @kids;
    for my $i (1 .. $n) {
        my $pid = fork;
        defined $pid or die2("fork");
        if ($pid == 0) {
            close $rd;
            syscall(272, $CLONE_NEWNET) == 0 or exit 1;
            syswrite($wr, (stat "/proc/self/ns/net")[1] . "\n");
            close $wr;
            open(STDIN, "<", "/dev/null");
            open(STDOUT, ">", "/dev/null");
            open(STDERR, ">", "/dev/null");
            sleep while 1;
        }
        push @kids, $pid;
    }
    close $wr;
    open(my $out, ">", $inos) or die2("open $inos");
    my $got = 0;
    while (my $l = <$rd>) { print $out $l; $got++; }
    close $out;
    $got == $n or die2("only $got of $n children in their netns");
    $SIG{TERM} = sub { kill "KILL", @kids; exit 0 };
    open(my $r, ">", $ready) or die2("open $ready");
    close $r;
    sleep while 1;
} elsif ($mode eq "listns") {
    # Whether listns(2) answers: one network namespace ID asked for.
    my $req = pack("L L Q L L Q", 32, 0, 0, $CLONE_NEWNET, 0, 0);
    my $ids = "\0" x 8;
    my $r = syscall(470, $req, $ids, 1, 0);
    print $r >= 0 ? "yes\n" : "no ($!)\n";
} elsif ($mode eq "exec") {
    # exec NR CMD...: CMD under the filter on NR.
    filter(shift @ARGV);
    exec { $ARGV[0] } @ARGV;
    die2("exec $ARGV[0]");
} elsif ($mode eq "time") {
    # time ROUNDS REPS NAME NR CMD... [-- NAME NR CMD...]...
    my $rounds = shift @ARGV;
    my $reps = shift @ARGV;
    my @g = ([]);
    for (@ARGV) { if ($_ eq "--") { push @g, [] } else { push @{ $g[-1] }, $_ } }
    for my $r (1 .. $rounds) {
        my (@wall, @cpu);
        for my $it (0 .. $reps - 1) {
            for my $k (0 .. $#g) {
                my $gi = ($it + $k) % @g;
                my ($name, $nr, @cmd) = @{ $g[$gi] };
                my @c0 = times;
                my $t0 = now_ms();
                my $pid = fork;
                defined $pid or die2("fork");
                if ($pid == 0) {
                    open(STDIN, "<", "/dev/null");
                    open(STDOUT, ">", "/dev/null");
                    filter($nr);
                    exec { $cmd[0] } @cmd;
                    exit 127;
                }
                waitpid($pid, 0);
                $? == 0 or die2("$name exited " . ($? >> 8));
                $wall[$gi] += now_ms() - $t0;
                my @c1 = times;
                $cpu[$gi] += ($c1[2] + $c1[3] - $c0[2] - $c0[3]) * 1e3;
            }
        }
        for my $k (0 .. $#g) {
            printf "RES %s %.3f %.3f\n", $g[$k][0], $wall[$k] / $reps, $cpu[$k] / $reps;
        }
    }
}
PERL

echo "INFO kernel $(uname -r)"
echo "INFO nsbox $($NS_LSNS --version)"
echo "INFO util-linux $($UL_LSNS --version)"
echo "INFO listns $(perl $drv listns)"
echo "INFO reps $REPS"
echo "INFO reps2 $REPS2"
echo "INFO cpus $(nproc) mem $(sed -n 's/^MemTotal: *//p' /proc/meminfo)"

t0=$(date +%s%N)
perl $drv hold $NFD $d/fd.inos $d/ready &
holder=$!
while [ ! -e $d/ready ]; do
    kill -0 $holder 2>/dev/null || { echo "INFO error the fd holder died"; exit 1; }
    sleep 0.1
done
t1=$(date +%s%N)
perl $drv bind $NBIND $d/bind $d/bind.inos || exit 1
t2=$(date +%s%N)
echo "INFO setup $NFD fd-held in $(((t1 - t0) / 1000000)) ms, $NBIND bind-mounted in $(((t2 - t1) / 1000000)) ms"
echo "INFO holder pid $holder, $(ls /proc/$holder/fd | wc -l) fds; $(grep -c ' nsfs ' /proc/self/mountinfo) nsfs mounts"
sort $d/fd.inos >$d/fd.sorted
sort $d/bind.inos >$d/bind.sorted
nfd=$(sort -u $d/fd.inos | wc -l)
nbind=$(sort -u $d/bind.inos | wc -l)
echo "INFO distinct inodes: $nfd fd-held, $nbind bind-mounted"

ok() { echo "test lsns_vm::$1 ... ok"; }
bad() {
    echo "test lsns_vm::$1 ... FAILED"
    shift
    echo "INFO failure: $*"
}

# rows VARIANT NR LSNS: what that lsns lists of ours.
# rows VARIANT NR LSNS [A B]: ... of the inodes in sorted files A and B.
rows() {
    perl $drv exec "$2" "$3" -t net -n -o NS >$d/$1.ns 2>$d/$1.err
    echo "rc=$?" >>$d/$1.err
    sort $d/$1.ns >$d/$1.sorted
    echo "ROWS $1 $(wc -l <$d/$1.ns) $(comm -12 $d/$1.sorted ${4:-$d/fd.sorted} | wc -l) $(comm -12 $d/$1.sorted ${5:-$d/bind.sorted} | wc -l)"
}
NONE=1023 # no kernel has this syscall: a filter that filters nothing
rows nsbox $NONE $NS_LSNS
rows nsbox-scan 470 $NS_LSNS
rows util-linux $NONE $UL_LSNS
for v in nsbox nsbox-scan; do
    n=$(comm -12 $d/$v.sorted $d/fd.sorted | wc -l)
    m=$(comm -12 $d/$v.sorted $d/bind.sorted | wc -l)
    if [ "$n" = "$NFD" ] && [ "$m" = "$NBIND" ]; then ok "$(echo $v | tr - _)_lists_all"; else bad "$(echo $v | tr - _)_lists_all" "$v lists $n of $NFD fd-held, $m of $NBIND bind-mounted; $(head -c 300 $d/$v.err)"; fi
done
# Both nsbox paths print the same table.
perl $drv exec $NONE $NS_LSNS -t net >$d/full.nsbox 2>&1
perl $drv exec 470 $NS_LSNS -t net >$d/full.scan 2>&1
if cmp -s $d/full.nsbox $d/full.scan; then ok same_table_both_paths; else bad same_table_both_paths "$(diff $d/full.nsbox $d/full.scan | head -n 5)"; fi
echo "INFO ul-stderr $(head -c 200 $d/util-linux.err | tr '\n' ' ')"

# Syscalls of one run, per variant.
for spec in "nsbox $NONE $NS_LSNS" "nsbox-scan 470 $NS_LSNS" "util-linux $NONE $UL_LSNS" \
    "nsbox-few $NONE $NS_LSNS -o NS,TYPE,NPROCS"; do
    set -- $spec
    v=$1 nr=$2
    shift 2
    perl $drv exec "$nr" strace -qq -o $d/$v.trace "$@" -t net >/dev/null 2>&1
    # Counted from the full trace: strace 6.1's -c leaves out listns (470),
    # a number it does not know; it traces it as syscall_0x1d6.
    awk -v v="$v" 'match($0, /^[a-z_0-9]+\(/) { c[substr($0, 1, RLENGTH - 1)]++; t++ }
        END {
            print "SYS", v, t + 0, c["syscall_0x1d6"] + c["listns"], c["open_by_handle_at"] + 0
            for (n in c) print c[n], n >"/dev/stderr"
        }' $d/$v.trace 2>$d/$v.counts
    # The most frequent syscalls.
    echo "SYSTOP $v $(sort -rn $d/$v.counts | head -n 8 | awk '{ printf "%s %s, ", $2, $1 }' | sed 's/, $//')"
done

perl $drv time $ROUNDS $REPS nsbox $NONE $NS_LSNS -t net -- nsbox-scan 470 $NS_LSNS -t net \
    -- util-linux $NONE $UL_LSNS -t net -- nsbox-few $NONE $NS_LSNS -t net -o NS,TYPE,NPROCS || exit 1
kill $holder
wait $holder 2>/dev/null
for i in $(seq $NBIND); do umount $d/bind/n$i || exit 1; done

# 4. The like-for-like case: NPROC netns, each with a process in it (a
#    sleeping child of one perl process), which util-linux 2.38 lists too.
t1=$(date +%s%N)
perl $drv procs $NPROC $d/proc.inos $d/proc.ready &
procs=$!
while [ ! -e $d/proc.ready ]; do
    kill -0 $procs 2>/dev/null || { echo "INFO error the process spawner died"; exit 1; }
    sleep 0.1
done
echo "INFO proc-setup $NPROC processes, each in its own netns, in $((($(date +%s%N) - t1) / 1000000)) ms"
sort $d/proc.inos >$d/proc.sorted
: >$d/none.sorted
rows proc-nsbox $NONE $NS_LSNS $d/proc.sorted $d/none.sorted
rows proc-nsbox-scan 470 $NS_LSNS $d/proc.sorted $d/none.sorted
rows proc-util-linux $NONE $UL_LSNS $d/proc.sorted $d/none.sorted
n=$(comm -12 $d/proc-nsbox.sorted $d/proc.sorted | wc -l)
m=$(comm -12 $d/proc-util-linux.sorted $d/proc.sorted | wc -l)
if [ "$n" = "$NPROC" ] && [ "$m" = "$NPROC" ]; then ok proc_held_both_list_all; else bad proc_held_both_list_all "nsbox lists $n, util-linux $m of $NPROC"; fi
perl $drv time $ROUNDS $REPS2 proc-nsbox $NONE $NS_LSNS -t net -- proc-nsbox-scan 470 $NS_LSNS -t net \
    -- proc-util-linux $NONE $UL_LSNS -t net || exit 1
kill $procs
wait $procs 2>/dev/null
echo "INFO took $((($(date +%s%N) - t0) / 1000000)) ms"
exit 0
