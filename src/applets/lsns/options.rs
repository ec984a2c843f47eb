//! lsns's command line: the option table, the help, and what they mean.

use crate::cli::{self, Args, Item, Opt, Res, Val};
use crate::ns::KINDS;
use crate::sys::Argv;
use rustix::io::Errno;
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

const LSNS_HELP: &str = "\
Usage:
 lsns [options] [<namespace>]

List system namespaces.

Options:
 -J, --json             use JSON output format
 -l, --list             use list format output
 -n, --noheadings       don't print headings
 -o, --output <list>    define which output columns to use
     --output-all       output all columns
 -P, --persistent       namespaces without processes
 -p, --task <pid>       print process namespaces
 -Q, --filter <expr>    apply display filter
 -r, --raw              use the raw output format
 -u, --notruncate       don't truncate text in columns
 -W, --nowrap           don't use multi-line representation
 -t, --type <name>      namespace type (mnt, net, ipc, user, pid, uts, cgroup, time)
 -T, --tree[=<rel>]     use tree format (parent, owner, or process)

 -H, --list-columns     list the available columns
 -h, --help             display this help
 -V, --version          display version

For more details see lsns(8).
";
const HELP: &[u8] = crate::packed!(LSNS_HELP);

#[derive(Clone, Copy, PartialEq)]
enum Id {
    Json,
    List,
    NoHeadings,
    Output,
    OutputAll,
    Persistent,
    Task,
    Filter,
    Raw,
    NoTruncate,
    NoWrap,
    Type,
    Tree,
    ListColumns,
    Help,
    Version,
}

/// In util-linux's order (getopt lists ambiguous abbreviations so).
const OPTS: &[Opt<Id>] = &[
    Opt::new('J', "json", Val::None, Id::Json),
    Opt::new('p', "task", Val::Required, Id::Task),
    Opt::new('h', "help", Val::None, Id::Help),
    Opt::new('o', "output", Val::Required, Id::Output),
    Opt::long("output-all", Val::None, Id::OutputAll),
    Opt::new('P', "persistent", Val::None, Id::Persistent),
    Opt::new('Q', "filter", Val::Required, Id::Filter),
    Opt::new('u', "notruncate", Val::None, Id::NoTruncate),
    Opt::new('V', "version", Val::None, Id::Version),
    Opt::new('n', "noheadings", Val::None, Id::NoHeadings),
    Opt::new('W', "nowrap", Val::None, Id::NoWrap),
    Opt::new('l', "list", Val::None, Id::List),
    Opt::new('r', "raw", Val::None, Id::Raw),
    Opt::new('t', "type", Val::Required, Id::Type),
    Opt::new('T', "tree", Val::Optional, Id::Tree),
    Opt::new('H', "list-columns", Val::None, Id::ListColumns),
];

/// Options that exclude each other (util-linux's `excl`).
const EXCLUSIVE: [[Id; 2]; 3] = [
    [Id::Json, Id::Raw],
    [Id::Persistent, Id::Task],
    [Id::List, Id::Tree],
];

#[derive(Clone, Copy, PartialEq)]
pub enum Tree {
    None,
    Process,
    Owner,
    Parent,
}

/// What the command line asks for.
pub struct Opts {
    pub json: bool,
    pub raw: bool,
    pub noheadings: bool,
    pub notrunc: bool,
    pub nowrap: bool,
    pub persist: bool,
    pub pid: Option<i32>,
    pub tree: Tree,
    /// The `-t` kinds, one bit per position in [`KINDS`] (0: none given).
    pub types: u8,
    pub list: bool,
    pub all: bool,
    pub output: Option<OsString>,
    pub filter: Option<OsString>,
    /// The `<namespace>` operand (the first one).
    pub nsid: Option<OsString>,
    pub list_columns: bool,
}

/// Parses the command line (`--help`, `--version` and errors end here).
pub fn parse(argv: Argv) -> Res<Opts> {
    let mut o = Opts {
        json: false,
        raw: false,
        noheadings: false,
        notrunc: false,
        nowrap: false,
        persist: false,
        pid: None,
        tree: Tree::None,
        types: 0,
        list: false,
        all: false,
        output: None,
        filter: None,
        nsid: None,
        list_columns: false,
    };
    let mut seen: [Option<Id>; 3] = [None; 3];
    let mut a = Args::new(argv);
    while let Some(item) = a.next_opt(OPTS)? {
        let (id, v) = match item {
            Item::Operand(v) => {
                o.nsid.get_or_insert(v);
                continue;
            }
            Item::Opt(id, v) => (id, v),
        };
        exclusive(&mut seen, id)?;
        if id == Id::Tree {
            o.tree = tree(v.as_deref());
            continue;
        }
        let v = v.unwrap_or_default();
        match id {
            Id::Json => o.json = true,
            Id::List => o.list = true,
            Id::NoHeadings => o.noheadings = true,
            Id::Output => o.output = Some(v),
            Id::OutputAll => o.all = true,
            Id::Persistent => o.persist = true,
            Id::Task => o.pid = Some(parse_pid(&v)),
            Id::Filter => o.filter = Some(v),
            Id::Raw => (o.raw, o.nowrap) = (true, true),
            Id::NoTruncate => o.notrunc = true,
            Id::NoWrap => o.nowrap = true,
            Id::Type => o.types |= 1 << kind(&v),
            Id::Tree => {}
            Id::ListColumns => o.list_columns = true,
            Id::Help => return Err(cli::help(HELP)),
            Id::Version => return Err(cli::version()),
        }
    }
    Ok(o)
}

/// util-linux's `err_exclusive_options`: the first of a pair seen stays.
fn exclusive(seen: &mut [Option<Id>; 3], id: Id) -> Res {
    for (pair, first) in EXCLUSIVE.iter().zip(seen.iter_mut()) {
        if !pair.contains(&id) {
            continue;
        }
        match *first {
            None => *first = Some(id),
            Some(f) if f != id => {
                let msg = crate::cat!(
                    "mutually exclusive arguments: --",
                    long_name(pair[0]),
                    " --",
                    long_name(pair[1])
                );
                return Err(cli::errx(&msg));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

fn long_name(id: Id) -> &'static str {
    OPTS.iter()
        .find(|o| o.id == id)
        .and_then(|o| o.long)
        .unwrap_or("")
}

/// The position in [`KINDS`] of the `-t` argument.
fn kind(v: &OsStr) -> usize {
    match KINDS.iter().position(|k| k.name.as_bytes() == v.as_bytes()) {
        Some(i) => i,
        None => cli::die_parts(&[b"unknown namespace type: ", v.as_bytes()], None),
    }
}

/// `-T[=REL]`: owner unless told otherwise; `-T=parent` works too.
fn tree(v: Option<&OsStr>) -> Tree {
    let v = v.map_or(&b"owner"[..], OsStr::as_bytes);
    let v = v.strip_prefix(b"=").unwrap_or(v);
    match v {
        b"owner" => Tree::Owner,
        b"parent" => Tree::Parent,
        b"process" => Tree::Process,
        _ => cli::die_parts(&[b"unknown tree type: ", v], None),
    }
}

/// `-p PID` as util-linux's `strtopid_or_err`.
#[inline(never)]
fn parse_pid(s: &OsStr) -> i32 {
    let b = s.as_bytes();
    let (neg, d) = match b.strip_prefix(b"-") {
        Some(d) => (true, d),
        None => (false, b.strip_prefix(b"+").unwrap_or(b)),
    };
    let mut e = None;
    if !d.is_empty() && d.iter().all(u8::is_ascii_digit) {
        let mut n: i64 = 0;
        for &c in d {
            n = n * 10 + (c - b'0') as i64;
            if n > i32::MAX as i64 + 1 {
                break;
            }
        }
        let n = if neg { -n } else { n };
        match i32::try_from(n) {
            Ok(n) => return n,
            Err(_) => e = Some(Errno::RANGE),
        }
    }
    cli::die_parts(&[b"invalid PID argument: '", b, b"'"], e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_matches_table() {
        cli::check_help(OPTS, LSNS_HELP);
    }
}
