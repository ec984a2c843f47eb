//! `/proc/self/mountinfo`, parsed in one place (unshare's shared-mount
//! check, lsns's persistent namespaces).

/// One line of mountinfo; byte fields as the kernel wrote them.
pub struct Mount<'a> {
    /// Mount id (field 1).
    pub id: &'a [u8],
    /// Root of the mount within its filesystem (field 4).
    pub root: &'a [u8],
    /// Mount point, octal-escaped (field 5); see [`unescape`].
    pub point: &'a [u8],
    /// True when the optional fields carry `shared:N`.
    pub shared: bool,
    /// Filesystem type (the field after `-`).
    pub fstype: &'a [u8],
}

/// Reads this process's mountinfo (empty when /proc is not mounted).
pub fn read() -> Vec<u8> {
    crate::cli::read_file("/proc/self/mountinfo").unwrap_or_default()
}

/// The well-formed lines of `data`; others are skipped.
pub fn mounts(data: &[u8]) -> impl Iterator<Item = Mount<'_>> {
    data.split(|&b| b == b'\n').filter_map(|l| {
        let mut f = l.split(|&b| b == b' ');
        let id = f.next()?;
        let root = f.nth(2)?;
        let point = f.next()?;
        let mut shared = false;
        for x in f.by_ref().skip(1) {
            if x == b"-" {
                break;
            }
            shared |= x.starts_with(b"shared:");
        }
        let fstype = f.next()?;
        Some(Mount {
            id,
            root,
            point,
            shared,
            fstype,
        })
    })
}

/// Undoes mountinfo's octal escapes (`\040`).
pub fn unescape(s: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s.get(i..i + 4) {
            Some([b'\\', a @ b'0'..=b'3', b @ b'0'..=b'7', c @ b'0'..=b'7']) => {
                v.push((a - b'0') << 6 | (b - b'0') << 3 | (c - b'0'));
                i += 4;
            }
            _ => {
                v.push(s[i]);
                i += 1;
            }
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields() {
        let d = b"22 1 0:21 / /a\\040b rw shared:5 master:1 - tmpfs none rw\n\
                  x\n\
                  31 22 0:4 net:[4026532] /run/n rw - nsfs nsfs rw\n";
        let m: Vec<_> = mounts(d).collect();
        assert_eq!(m.len(), 2);
        assert_eq!(
            (m[0].id, m[0].root, m[0].shared, m[0].fstype),
            (&b"22"[..], &b"/"[..], true, &b"tmpfs"[..])
        );
        assert_eq!(unescape(m[0].point), b"/a b");
        assert_eq!(
            (m[1].root, m[1].shared, m[1].fstype),
            (&b"net:[4026532]"[..], false, &b"nsfs"[..])
        );
    }
}
