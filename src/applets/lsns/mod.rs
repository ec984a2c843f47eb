//! lsns: list namespaces, like util-linux 2.42's `lsns` without
//! libsmartcols: the /proc scan (processes, nsfs fds, sockets, nsfs
//! mounts) completed by listns() where the kernel has it (6.19), the
//! NS_GET_* relations, RTM_GETNSID, and one small table/tree/raw/JSON
//! renderer with a filter (`-Q`) on top.
//!
//! options: the command line; columns: what can be shown; collect: what
//! the system has; lines: one output line per namespace or process;
//! filter: `-Q`; output: libsmartcols' table, tree, raw and JSON.

mod collect;
mod columns;
mod filter;
mod lines;
mod options;
mod output;

use crate::cli::{self, Out, Res};
use crate::sys::Argv;
use collect::{Ls, NET_KIND, NONE, Users};
use columns::Column;
use filter::Filter;
use lines::Show;
use options::{Opts, Tree};
use output::Tab;
use std::os::unix::ffi::OsStrExt;

/// Field `i` of `s` split at any byte of `seps` (`split(..).nth(i)`).
#[inline(never)]
fn field<'a>(s: &'a [u8], seps: &[u8], mut i: usize) -> Option<&'a [u8]> {
    let mut start = 0;
    for k in 0..=s.len() {
        if s.get(k).is_none_or(|b| seps.contains(b)) {
            if i == 0 {
                return s.get(start..k);
            }
            i -= 1;
            start = k + 1;
        }
    }
    None
}

/// Word `i` of `s` split at `sep`.
fn word(s: &'static str, sep: &[u8], i: usize) -> &'static [u8] {
    field(s.as_bytes(), sep, i).unwrap_or(b"")
}

/// A decimal number of up to 19 digits.
fn dec(d: &[u8]) -> Option<u64> {
    if d.is_empty() || d.len() > 19 || !d.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(d.iter().fold(0, |n, c| n * 10 + (c - b'0') as u64))
}

/// `lsns`.
pub fn lsns(argv: Argv) -> Res<i32> {
    let mut o = options::parse(argv)?;
    if o.list_columns {
        output::list_columns(&o);
    }
    let is_net = o.types & 1 << NET_KIND != 0;
    if o.types == 0 {
        o.types = 0xff;
    }
    let target = target(&o);
    let mut cols = default_columns(&o, target.is_some(), is_net);
    if o.tree == Tree::None && !o.list && (target.is_some() || !o.all) {
        o.tree = Tree::Process;
    }
    if let Some(l) = &o.output {
        columns::parse_list(l.as_bytes(), &mut cols);
    }
    let nvis = cols.len();
    let utf8 = output::utf8_locale();
    let flt = (o.filter.as_ref()).map(|q| Filter::parse(q.as_bytes(), &mut cols, utf8));
    let mut ls = collect(&o, &cols);
    let mut tab = Tab::new(&cols, nvis, &o);
    let mut users = Users::default();
    let mut sh = Show {
        cols: &cols,
        flt: flt.as_ref(),
        nowrap: o.nowrap,
        tree: o.tree,
        users: &mut users,
        tab: &mut tab,
    };
    match target {
        Some(ino) => show_processes(&mut sh, &mut ls, ino),
        None => show_namespaces(&mut sh, &mut ls, &o),
    }
    let mut out = Out::new();
    tab.print(&mut out);
    cli::ok(out.finish());
    // Everything lives until exit: no drop code for it.
    cli::quit(cli::Exit(if ls.enotty { 2 } else { 0 }))
}

/// The `<namespace>` operand, as an inode.
fn target(o: &Opts) -> Option<u64> {
    let v = o.nsid.as_ref()?;
    if o.pid.is_some() {
        cli::die_parts(&[b"--task is mutually exclusive with <namespace>"], None);
    }
    match dec(v.as_bytes()) {
        Some(n) => Some(n),
        None => cli::die_parts(
            &[b"invalid namespace argument: '", v.as_bytes(), b"'"],
            None,
        ),
    }
}

/// The columns before `-o`: all, the process columns of `<namespace>`, or
/// the namespace columns (with NETNSID and NSFS for `-t net`).
fn default_columns(o: &Opts, target: bool, is_net: bool) -> Vec<Column> {
    use Column::*;
    if o.all {
        return columns::ALL.to_vec();
    }
    if target {
        return vec![Pid, Ppid, User, Command];
    }
    let mut cols = vec![Ns, Type, Nprocs, Pid, User];
    if is_net {
        cols.extend_from_slice(&[Netnsid, Nsfs]);
    }
    cols.push(Command);
    cols
}

/// Scans the system, with what the columns and the tree need.
fn collect(o: &Opts, cols: &[Column]) -> Ls {
    let mut ls = Ls::default();
    ls.scan(o);
    let rel_tree = matches!(o.tree, Tree::Owner | Tree::Parent);
    let rel_cols = cols.contains(&Column::Pns) || cols.contains(&Column::Ons);
    ls.relations(rel_cols || rel_tree, rel_tree);
    if cols.contains(&Column::Netnsid) {
        ls.netnsids();
    }
    ls
}

/// `lsns <namespace>`: the processes in it.
fn show_processes(sh: &mut Show, ls: &mut Ls, ino: u64) {
    let Some(n) = ls.find(ino) else {
        let mut b = [0u8; 20];
        cli::die_parts(&[b"not found namespace: ", cli::fmt_u64(ino, &mut b)], None);
    };
    let kind = ls.ns[n].kind as usize;
    for k in 0..ls.pidx.len() {
        let i = ls.pidx[k].1;
        if ls.procs[i as usize].ns[kind] == ino {
            sh.show_process(ls, n, i);
        }
    }
}

/// `lsns`: the namespaces (those of `-p PID`, or without processes for
/// `-P`).
fn show_namespaces(sh: &mut Show, ls: &mut Ls, o: &Opts) {
    for k in 0..ls.nsx.len() {
        let n = ls.nsx[k].1 as usize;
        let ns = &ls.ns[n];
        if o.pid.is_some_and(|p| !ls.has_pid(ns, p)) || (o.persist && ns.nprocs != 0) {
            continue;
        }
        if ns.line == NONE {
            sh.show_ns(ls, n);
        }
    }
}
