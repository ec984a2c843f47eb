//! lsns's output columns: names, descriptions, width hints, kinds.

use super::{field, word};
use crate::cli;

/// A column, in util-linux's order.
#[derive(Clone, Copy, PartialEq)]
pub enum Column {
    Ns,
    Type,
    Path,
    Nprocs,
    Pid,
    Ppid,
    Command,
    Uid,
    User,
    Netnsid,
    Nsfs,
    Pns,
    Ons,
}

/// Every column, in util-linux's order (`--output-all`, `-H`).
pub const ALL: [Column; 13] = [
    Column::Ns,
    Column::Type,
    Column::Path,
    Column::Nprocs,
    Column::Pid,
    Column::Ppid,
    Column::Command,
    Column::Uid,
    Column::User,
    Column::Netnsid,
    Column::Nsfs,
    Column::Pns,
    Column::Ons,
];

/// The names, in the order of [`ALL`].
const NAMES: &str = "NS TYPE PATH NPROCS PID PPID COMMAND UID USER NETNSID NSFS PNS ONS";
/// The descriptions (`-H`), one a line, in the order of [`ALL`].
const DESC: &str = "namespace identifier (inode number)
kind of namespace
path to the namespace
number of processes in the namespace
lowest PID in the namespace
PPID of the PID
command line of the PID
UID of the PID
username of the PID
namespace ID as used by network subsystem
nsfs mountpoint (usually used network subsystem)
parent namespace identifier (inode number)
owner namespace identifier (inode number)";

impl Column {
    pub fn name(self) -> &'static [u8] {
        word(NAMES, b" ", self as usize)
    }

    pub fn description(self) -> &'static [u8] {
        word(DESC, b"\n", self as usize)
    }

    /// libsmartcols' width hint.
    pub fn whint(self) -> usize {
        match self {
            Column::Ns | Column::Pns | Column::Ons => 10,
            Column::Type | Column::Nprocs | Column::Pid | Column::Ppid => 5,
            _ => 0,
        }
    }

    /// A JSON number (and right-aligned).
    pub fn is_number(self) -> bool {
        matches!(
            self,
            Column::Ns
                | Column::Nprocs
                | Column::Pid
                | Column::Ppid
                | Column::Uid
                | Column::Pns
                | Column::Ons
        )
    }

    /// The column called `name` (any case).
    pub fn by_name(name: &[u8]) -> Option<Column> {
        ALL.into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(name))
    }
}

/// The columns of `-o LIST` (`+LIST` adds to `cols`).
pub fn parse_list(list: &[u8], cols: &mut Vec<Column>) {
    let rest = match list.strip_prefix(b"+") {
        Some(r) => r,
        None => {
            cols.clear();
            list
        }
    };
    let mut i = 0;
    while let Some(name) = field(rest, b",", i) {
        match Column::by_name(name) {
            Some(c) => cols.push(c),
            None => cli::die_parts(&[b"unknown column: ", name], None),
        }
        i += 1;
    }
}
