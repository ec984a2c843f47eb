//! The output lines: one per namespace (or per process of `lsns
//! <namespace>`), in tree order, each kept only if the filter agrees.

use super::collect::{Ls, NET_KIND, NONE, UNKNOWN, Users, lower, proc_path, read_at};
use super::columns::Column;
use super::field;
use super::filter::Filter;
use super::options::Tree;
use super::output::Tab;
use crate::cli;
use crate::ns::KINDS;
use rustix::fs::CWD;

/// Builds the output lines.
pub struct Show<'a> {
    pub cols: &'a [Column],
    pub flt: Option<&'a Filter>,
    pub nowrap: bool,
    pub tree: Tree,
    pub users: &'a mut Users,
    pub tab: &'a mut Tab,
}

impl Show<'_> {
    /// Adds the line of namespace `n` (and, in an owner/parent tree, first
    /// the lines of its ancestors).
    pub fn show_ns(&mut self, ls: &mut Ls, n: usize) {
        ls.ns[n].busy = true;
        let rel = |ls: &Ls, r: usize| match ls.ns[n].rel[r] {
            0 => None,
            ino => ls.find(ino).filter(|&x| x != n),
        };
        let (par, own) = (rel(ls, 0), rel(ls, 1));
        let up = match self.tree {
            Tree::Owner => own,
            Tree::Parent => par,
            _ => None,
        };
        let first = if self.tree == Tree::Parent && par.is_none() {
            own
        } else {
            up
        };
        if let Some(r) = first
            && ls.ns[r].line == NONE
            && !ls.ns[r].busy
        {
            self.show_ns(ls, r);
        }
        let proc = ls.ns[n].proc;
        let parent = match (self.tree, ls.procs.get(proc as usize)) {
            (Tree::Process, Some(p)) => ls.procs.get(p.parent as usize).map_or(NONE, |pp| pp.line),
            _ => up.map_or(NONE, |r| ls.ns[r].line),
        };
        if let Some(l) = self.add_line(ls, n, proc, parent) {
            if matches!(self.tree, Tree::Owner | Tree::Parent) {
                ls.ns[n].line = l;
            } else if let Some(p) = ls.procs.get_mut(proc as usize) {
                p.line = l;
            }
        }
        ls.ns[n].busy = false;
    }

    /// Adds process `i` of namespace `n` (NSID mode), after its parents in
    /// the same namespace.
    pub fn show_process(&mut self, ls: &mut Ls, n: usize, i: u32) {
        if ls.procs[i as usize].line != NONE {
            return;
        }
        let (kind, ino) = (ls.ns[n].kind as usize, ls.ns[n].ino);
        let pp = ls.procs[i as usize].parent;
        let tree = self.tree == Tree::Process;
        if tree
            && let Some(p) = ls.procs.get(pp as usize)
            && p.line == NONE
            && p.ns[kind] == ino
            && p.pid < ls.procs[i as usize].pid
        {
            self.show_process(ls, n, pp);
        }
        let parent = match ls.procs.get(pp as usize) {
            Some(p) if tree => p.line,
            _ => NONE,
        };
        if let Some(l) = self.add_line(ls, n, i, parent) {
            ls.procs[i as usize].line = l;
        }
    }

    /// Fills one line; drops it again when the filter says no.
    fn add_line(&mut self, ls: &mut Ls, n: usize, proc: u32, parent: u32) -> Option<u32> {
        let (cells, data) = (self.tab.cells.len(), self.tab.data.len());
        for &c in self.cols {
            let mut v = std::mem::take(&mut self.tab.data);
            self.cell(&mut v, ls, c, n, proc);
            self.tab.data = v;
            self.tab.end_cell();
        }
        let t = &mut *self.tab;
        let line = t.parent.len() as u32;
        if let Some(f) = self.flt
            && !f.eval(f.root, t, line as usize)
        {
            t.cells.truncate(cells);
            t.data.truncate(data);
            return None;
        }
        t.parent.push(parent);
        Some(line)
    }

    /// Appends column `c` of namespace `n` (shown with process `proc`).
    fn cell(&mut self, v: &mut Vec<u8>, ls: &mut Ls, c: Column, n: usize, proc: u32) {
        if c == Column::Command {
            if (proc as usize) < ls.procs.len() {
                command(v, ls, proc);
            }
            return;
        }
        let ns = &ls.ns[n];
        let kind = KINDS[ns.kind as usize].name.as_bytes();
        let p = ls.procs.get(proc as usize);
        match (c, p) {
            (Column::Ns, _) => num(v, ns.ino),
            (Column::Type, _) => v.extend_from_slice(kind),
            (Column::Path, Some(p)) => v.extend(proc_path(p.pid, b"/ns/", kind, false)),
            (Column::Nprocs, _) => num(v, ns.nprocs as u64),
            (Column::Pid, Some(p)) => num(v, p.pid as u64),
            (Column::Ppid, Some(p)) => num(v, p.ppid as u64),
            (Column::Uid, p) => num(v, p.map_or(ns.uid, |p| p.uid) as u64),
            (Column::User, p) => self.users.name(p.map_or(ns.uid, |p| p.uid), v),
            (Column::Netnsid, _) if ns.kind == NET_KIND => match ns.netnsid {
                -1 => v.extend_from_slice(b"unassigned"),
                id if id >= 0 => num(v, id as u64),
                _ => {}
            },
            (Column::Nsfs, _) => nsfs(v, ls, ns.ino, if self.nowrap { b',' } else { b'\n' }),
            (Column::Pns, _) => relation(v, ns.rel[0]),
            (Column::Ons, _) => relation(v, ns.rel[1]),
            _ => {}
        }
    }
}

/// The command line of process `proc` (read once), or its name.
fn command(v: &mut Vec<u8>, ls: &mut Ls, proc: u32) {
    let p = &mut ls.procs[proc as usize];
    let cmd = p.cmd.get_or_insert_with(|| {
        let mut b = vec![0u8; 8192];
        let k = read_at(CWD, &proc_path(p.pid, b"/cmdline", b"", true), &mut b);
        b.truncate(k.saturating_sub(1));
        for c in b.iter_mut() {
            if *c == 0 {
                *c = b' ';
            }
        }
        b
    });
    v.extend_from_slice(if cmd.is_empty() { &p.comm } else { cmd });
}

/// The nsfs mount points of namespace `ino`, each once, `sep` between.
fn nsfs(v: &mut Vec<u8>, ls: &Ls, ino: u64, sep: u8) {
    let s = lower(&ls.mounts, ino);
    let start = v.len();
    for &(_, t) in ls.mounts[s..].iter().take_while(|m| m.0 == ino) {
        let t = &ls.targets[t as usize];
        let mut k = 0;
        let mut have = false;
        while let Some(x) = field(&v[start..], b"\n,", k) {
            have |= x == &t[..];
            k += 1;
        }
        if !have {
            if v.len() > start {
                v.push(sep);
            }
            v.extend_from_slice(t);
        }
    }
}

/// PNS or ONS: empty when the kernel would not tell.
fn relation(v: &mut Vec<u8>, ino: u64) {
    if ino != UNKNOWN {
        num(v, ino)
    }
}

fn num(v: &mut Vec<u8>, n: u64) {
    let mut b = [0u8; 20];
    v.extend_from_slice(cli::fmt_u64(n, &mut b));
}
