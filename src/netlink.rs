//! A minimal rtnetlink client over rustix (no libc): one request, its
//! answers (a dump or a single reply), and attribute iteration.

use rustix::fd::OwnedFd;
use rustix::io::Errno;
use rustix::net::{AddressFamily, RecvFlags, SendFlags, SocketType, recv, send, socket};

/// `NLM_F_REQUEST`.
pub const F_REQUEST: u16 = 1;
/// `NLM_F_DUMP` (`ROOT|MATCH`).
pub const F_DUMP: u16 = 0x300;
const F_MULTI: u16 = 2;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;

/// An rtnetlink socket.
pub struct Route {
    fd: OwnedFd,
    seq: u32,
}

fn u16_at(b: &[u8], i: usize) -> u16 {
    u16::from_ne_bytes([b[i], b[i + 1]])
}

fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_ne_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
}

const fn align4(n: usize) -> usize {
    (n + 3) & !3
}

impl Route {
    /// Opens a `NETLINK_ROUTE` socket.
    pub fn open() -> Result<Route, Errno> {
        let fd = socket(AddressFamily::NETLINK, SocketType::RAW, None)?; // None is NETLINK_ROUTE
        Ok(Route { fd, seq: 0 })
    }

    /// Sends message `ty` with `payload` (already including its attributes)
    /// and calls `each(type, payload)` for every answer until the dump ends
    /// or the single reply arrived.
    pub fn request(
        &mut self,
        ty: u16,
        flags: u16,
        payload: &[u8],
        mut each: impl FnMut(u16, &[u8]),
    ) -> Result<(), Errno> {
        self.request_dyn(ty, flags, payload, &mut each)
    }

    /// [`Route::request`] without a copy per callback type.
    #[inline(never)]
    fn request_dyn(
        &mut self,
        ty: u16,
        flags: u16,
        payload: &[u8],
        each: &mut dyn FnMut(u16, &[u8]),
    ) -> Result<(), Errno> {
        self.seq += 1;
        let mut m = Vec::with_capacity(16 + payload.len());
        m.extend_from_slice(&((16 + payload.len()) as u32).to_ne_bytes());
        m.extend_from_slice(&ty.to_ne_bytes());
        m.extend_from_slice(&(flags | F_REQUEST).to_ne_bytes());
        m.extend_from_slice(&self.seq.to_ne_bytes());
        m.extend_from_slice(&0u32.to_ne_bytes());
        m.extend_from_slice(payload);
        send(&self.fd, &m, SendFlags::empty())?;
        let mut buf = vec![0u8; 32 * 1024];
        loop {
            let n = match recv(&self.fd, &mut buf[..], RecvFlags::empty()) {
                Ok((n, _)) => n,
                Err(Errno::INTR) => continue,
                Err(e) => return Err(e),
            };
            let mut b = &buf[..n.min(buf.len())];
            while b.len() >= 16 {
                let len = u32_at(b, 0) as usize;
                if len < 16 || len > b.len() {
                    return Err(Errno::BADMSG);
                }
                let (mty, mflags, seq) = (u16_at(b, 4), u16_at(b, 6), u32_at(b, 8));
                let body = &b[16..len];
                b = &b[align4(len).min(b.len())..];
                if seq != self.seq {
                    continue;
                }
                match mty {
                    NLMSG_DONE => return Ok(()),
                    NLMSG_ERROR => {
                        let code = if body.len() >= 4 {
                            u32_at(body, 0) as i32
                        } else {
                            -5
                        };
                        return if code == 0 {
                            Ok(())
                        } else {
                            Err(Errno::from_raw_os_error(-code))
                        };
                    }
                    _ => each(mty, body),
                }
                if mflags & F_MULTI == 0 {
                    return Ok(());
                }
            }
        }
    }
}

/// Appends a netlink attribute to `m`.
pub fn put_attr(m: &mut Vec<u8>, ty: u16, data: &[u8]) {
    m.extend_from_slice(&((4 + data.len()) as u16).to_ne_bytes());
    m.extend_from_slice(&ty.to_ne_bytes());
    m.extend_from_slice(data);
    m.resize(align4(m.len()), 0);
}

/// Iterates the `(type, data)` attributes in `b`.
pub fn attrs(mut b: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        if b.len() < 4 {
            return None;
        }
        let len = u16_at(b, 0) as usize;
        if len < 4 || len > b.len() {
            return None;
        }
        let item = (u16_at(b, 2) & 0x3fff, &b[4..len]);
        b = &b[align4(len).min(b.len())..];
        Some(item)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attr_roundtrip() {
        let mut m = Vec::new();
        put_attr(&mut m, 3, b"lo\0");
        put_attr(&mut m, 1, &[127, 0, 0, 1]);
        let v: Vec<_> = attrs(&m).collect();
        assert_eq!(v, vec![(3, &b"lo\0"[..]), (1, &[127, 0, 0, 1][..])]);
        assert_eq!(attrs(&[9, 0, 1]).count(), 0);
    }

    #[test]
    fn link_dump_has_lo() {
        let mut r = Route::open().unwrap();
        let mut names = Vec::new();
        // RTM_GETLINK = 18, payload: struct ifinfomsg (16 bytes).
        r.request(18, F_DUMP, &[0; 16], |_, body| {
            for (t, d) in attrs(&body[16..]) {
                if t == 3 {
                    names.push(d.to_vec());
                }
            }
        })
        .unwrap();
        assert!(names.iter().any(|n| n == b"lo\0"), "{names:?}");
    }
}
