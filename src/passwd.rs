//! `/etc/passwd`, `/etc/group`, `/etc/subuid`, `/etc/subgid`: read directly,
//! once per process (no libc NSS). Lookups scan the file held in memory.

use std::os::unix::ffi::OsStrExt;

/// A colon-separated database file held in memory.
pub struct Db {
    data: Vec<u8>,
}

impl Db {
    /// Reads `path`; a missing or unreadable file is an empty database.
    pub fn load(path: &str) -> Db {
        Db {
            data: crate::cli::read_file(path).unwrap_or_default(),
        }
    }

    /// A database from bytes (tests).
    #[cfg(test)]
    pub fn from_bytes(data: &[u8]) -> Db {
        Db {
            data: data.to_vec(),
        }
    }

    /// Non-comment lines, each split on `:`.
    pub fn entries(&self) -> impl Iterator<Item = Entry<'_>> {
        self.data
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty() && !l.starts_with(b"#"))
            .map(|l| Entry { line: l })
    }

    /// The entry whose first field is `name`.
    pub fn by_name(&self, name: &[u8]) -> Option<Entry<'_>> {
        self.entries().find(|e| e.field(0) == Some(name))
    }

    /// The entry whose third field (uid/gid) is `id`.
    pub fn by_id(&self, id: u32) -> Option<Entry<'_>> {
        self.entries().find(|e| e.id() == Some(id))
    }

    /// The name of `id`, if any.
    pub fn name_of(&self, id: u32) -> Option<&[u8]> {
        self.by_id(id).and_then(|e| e.field(0))
    }

    /// The id of `name`, if any.
    pub fn id_of(&self, name: &[u8]) -> Option<u32> {
        self.by_name(name).and_then(|e| e.id())
    }
}

/// One line of a database.
#[derive(Clone, Copy)]
pub struct Entry<'a> {
    line: &'a [u8],
}

impl<'a> Entry<'a> {
    /// Field `i` (0-based).
    pub fn field(&self, i: usize) -> Option<&'a [u8]> {
        self.line.split(|&b| b == b':').nth(i)
    }

    /// Field 2 (uid in passwd, gid in group) as a number.
    pub fn id(&self) -> Option<u32> {
        parse_dec(self.field(2)?)
    }
}

/// Parses a plain decimal u32.
pub fn parse_dec(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 10 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = b.iter().fold(0u64, |n, d| n * 10 + (d - b'0') as u64);
    u32::try_from(n).ok()
}

/// The login shell of `uid` from /etc/passwd.
pub fn shell_of(uid: u32) -> Option<std::ffi::OsString> {
    let db = Db::load("/etc/passwd");
    let sh = db.by_id(uid)?.field(6)?;
    (!sh.is_empty()).then(|| std::ffi::OsStr::from_bytes(sh).to_os_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        let db = Db::from_bytes(b"root:x:0:0:root:/root:/bin/bash\n# c\nbad\nnobody:x:65534:65534::/:/usr/sbin/nologin\n");
        assert_eq!(db.name_of(0), Some(&b"root"[..]));
        assert_eq!(db.id_of(b"nobody"), Some(65534));
        assert_eq!(db.name_of(5), None);
        assert_eq!(db.id_of(b"bad"), None);
        assert_eq!(db.by_id(0).unwrap().field(6), Some(&b"/bin/bash"[..]));
        assert_eq!(parse_dec(b"4294967296"), None);
    }
}
