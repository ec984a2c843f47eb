//! The number parser: C's `strtoimax`/`strtoumax` digit rules, and
//! util-linux's `ul_strtos64`/`ul_strtou64`/`ul_strtos32` checks and
//! `*_or_err` messages on top of them.

use crate::cat;
use crate::cli;
use rustix::io::Errno;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

/// What `strto*(s, &end, base)` reads: leading white space, a sign, for
/// base 0 a `0x` (hex) or `0` (octal) prefix (base 16 also takes `0x`),
/// then digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Digits<'a> {
    /// The digits' value (meaningless when `overflow`).
    pub magnitude: u64,
    pub negative: bool,
    /// The digits do not fit 64 bits.
    pub overflow: bool,
    /// What follows the digits (`*end`).
    pub rest: &'a [u8],
}

/// The digits at the start of `s` in `base` (0, or 2 to 16), or `None`
/// when there are none (`end == s`).
pub fn scan(s: &[u8], mut base: u32) -> Option<Digits<'_>> {
    let at = |j: usize| s.get(j).copied().unwrap_or(0);
    let mut i = 0;
    while matches!(at(i), b' ' | b'\t'..=b'\r') {
        i += 1;
    }
    let negative = at(i) == b'-';
    if matches!(at(i), b'+' | b'-') {
        i += 1;
    }
    let hex_prefix =
        at(i) == b'0' && matches!(at(i + 1), b'x' | b'X') && at(i + 2).is_ascii_hexdigit();
    if base == 0 {
        base = match (at(i), hex_prefix) {
            (_, true) => 16,
            (b'0', false) => 8,
            _ => 10,
        };
    }
    if base == 16 && hex_prefix {
        i += 2;
    }
    let (start, mut magnitude, mut overflow) = (i, 0u64, false);
    while let Some(d) = (at(i) as char).to_digit(base) {
        match magnitude
            .checked_mul(base as u64)
            .and_then(|v| v.checked_add(d as u64))
        {
            Some(v) => magnitude = v,
            None => overflow = true,
        }
        i += 1;
    }
    (i > start).then(|| Digits {
        magnitude,
        negative,
        overflow,
        rest: s.get(i..).unwrap_or_default(),
    })
}

impl Digits<'_> {
    /// `strtoimax`'s value, or ERANGE when it does not fit an i64.
    pub fn signed(&self) -> Result<i64, Errno> {
        let limit = i64::MAX as u64 + self.negative as u64;
        if self.overflow || self.magnitude > limit {
            return Err(Errno::RANGE);
        }
        Ok(self.wrapped() as i64)
    }

    /// `strtoumax`'s value: a negative number wraps around; ERANGE beyond
    /// 64 bits.
    pub fn unsigned(&self) -> Result<u64, Errno> {
        if self.overflow {
            return Err(Errno::RANGE);
        }
        Ok(self.wrapped())
    }

    fn wrapped(&self) -> u64 {
        if self.negative {
            self.magnitude.wrapping_neg()
        } else {
            self.magnitude
        }
    }
}

/// util-linux's `ul_strtos64`: the whole of `s` is a number in `base`
/// (EINVAL otherwise); strtoimax's ERANGE comes first.
pub fn strtos64(s: &[u8], base: u32) -> Result<i64, Errno> {
    let d = scan(s, base).ok_or(Errno::INVAL)?;
    let v = d.signed()?;
    if !d.rest.is_empty() {
        return Err(Errno::INVAL);
    }
    Ok(v)
}

/// util-linux's `ul_strtou64`: like [`strtos64`], but a negative number is
/// ERANGE (before trailing garbage is looked at).
pub fn strtou64(s: &[u8], base: u32) -> Result<u64, Errno> {
    let d = scan(s, base).ok_or(Errno::INVAL)?;
    // util-linux asks strtoimax first: negative (even overflowing) is ERANGE.
    if d.negative && (d.magnitude != 0 || d.overflow) {
        return Err(Errno::RANGE);
    }
    let v = d.unsigned()?;
    if !d.rest.is_empty() {
        return Err(Errno::INVAL);
    }
    Ok(v)
}

/// util-linux's `ul_strtos32`: [`strtos64`], then the int range.
pub fn strtos32(s: &[u8], base: u32) -> Result<i32, Errno> {
    i32::try_from(strtos64(s, base)?).map_err(|_| Errno::RANGE)
}

/// util-linux's `str2unum_or_err(s, base, what, max)`: [`strtou64`] and at
/// most `max`.
pub fn strtou64_max(s: &[u8], base: u32, max: u64) -> Result<u64, Errno> {
    strtou64(s, base).and_then(|v| if v > max { Err(Errno::RANGE) } else { Ok(v) })
}

/// util-linux's `*_or_err` failure: `WHAT: 'S'`, with `: strerror` for
/// ERANGE, and exit 1.
pub fn die(what: &str, s: &OsStr, e: Errno) -> ! {
    cli::die(&cat!(what, ": '", s, "'"), (e == Errno::RANGE).then_some(e))
}

/// The value of `r`, or [`die`] with its error.
pub fn or_die<T>(r: Result<T, Errno>, what: &str, s: &OsStr) -> T {
    r.unwrap_or_else(|e| die(what, s, e))
}

/// util-linux's `strtos32_or_err(s, what)`.
pub fn strtos32_or_err(s: &OsStr, what: &str) -> i32 {
    or_die(strtos32(s.as_bytes(), 10), what, s)
}

/// What `sscanf(s, "%u:%u:%u")` reads, for up to N numbers: each after
/// the white space and sign `%u` skips, with `sep` between them (None:
/// only that white space, as in `" %u %u"`). Gives the numbers, how many
/// were read (sscanf's count: the scan stops at the first mismatch, and at
/// a number beyond 32 bits) and what follows the last one read.
pub fn scan_u32s<const N: usize>(s: &[u8], sep: Option<u8>) -> ([u32; N], usize, &[u8]) {
    let mut values = [0u32; N];
    let mut rest = s;
    for (i, slot) in values.iter_mut().enumerate() {
        let after_sep = match sep {
            Some(c) if i > 0 => rest.strip_prefix(&[c]),
            _ => Some(rest),
        };
        let Some(d) = after_sep.and_then(|r| scan(r, 10)) else {
            return (values, i, rest);
        };
        let Some(v) = d.unsigned().ok().and_then(|v| u32::try_from(v).ok()) else {
            return (values, i, rest);
        };
        (*slot, rest) = (v, d.rest);
    }
    (values, N, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_digit_rules() {
        let d = |s: &'static str, b| scan(s.as_bytes(), b);
        let v = d(" -12z", 10).unwrap();
        assert_eq!((v.magnitude, v.negative, v.rest), (12, true, &b"z"[..]));
        assert_eq!(d("0644", 8).unwrap().magnitude, 0o644);
        assert_eq!(d("0644", 0).unwrap().magnitude, 0o644);
        assert_eq!(d("0x1f", 0).unwrap().magnitude, 31);
        assert_eq!(d("0x1f", 16).unwrap().magnitude, 31);
        assert_eq!(d("0x1f", 10).unwrap().rest, b"x1f");
        // "0x" without a hex digit: the 0, then "x".
        assert_eq!(d("0x", 0).unwrap().rest, b"x");
        assert_eq!(d("8", 8), None);
        assert_eq!(d("", 0), None);
        assert_eq!(d("-", 10), None);
        assert_eq!(d("+", 10), None);
        assert!(d("99999999999999999999", 10).unwrap().overflow);
        assert_eq!(d("-5", 10).unwrap().unsigned(), Ok(u64::MAX - 4));
        assert_eq!(
            d("-9223372036854775808", 10).unwrap().signed(),
            Ok(i64::MIN)
        );
        assert_eq!(
            d("9223372036854775808", 10).unwrap().signed(),
            Err(Errno::RANGE)
        );
    }

    #[test]
    fn util_linux_checks() {
        assert_eq!(strtos32(b" +7", 10), Ok(7));
        assert_eq!(strtos32(b"-2147483648", 10), Ok(i32::MIN));
        assert_eq!(strtos32(b"2147483648", 10), Err(Errno::RANGE));
        // Trailing garbage wins over the int range, strtoimax's range over both.
        assert_eq!(strtos32(b"2147483648x", 10), Err(Errno::INVAL));
        assert_eq!(strtos32(b"99999999999999999999x", 10), Err(Errno::RANGE));
        assert_eq!(strtos32(b"", 10), Err(Errno::INVAL));
        assert_eq!(strtos32(b" ", 10), Err(Errno::INVAL));
        assert_eq!(strtou64(b"18446744073709551615", 10), Ok(u64::MAX));
        assert_eq!(strtou64(b"18446744073709551616", 10), Err(Errno::RANGE));
        assert_eq!(strtou64(b"-1", 10), Err(Errno::RANGE));
        assert_eq!(strtou64(b"-1x", 10), Err(Errno::RANGE));
        assert_eq!(strtou64(b"-0", 10), Ok(0));
        assert_eq!(strtou64(b"-x", 10), Err(Errno::INVAL));
        assert_eq!(strtou64_max(b"0777", 8, 0o7777), Ok(0o777));
        assert_eq!(strtou64_max(b"100000", 8, 0o7777), Err(Errno::RANGE));
        assert_eq!(strtou64_max(b"abc", 8, 0o7777), Err(Errno::INVAL));
        assert_eq!(strtou64_max(b"8", 8, 0o7777), Err(Errno::INVAL));
    }

    #[test]
    fn sscanf_lists() {
        assert_eq!(
            scan_u32s::<3>(b"1:2:3", Some(b':')),
            ([1, 2, 3], 3, &b""[..])
        );
        assert_eq!(
            scan_u32s::<3>(b"1: 2:+3x", Some(b':')),
            ([1, 2, 3], 3, &b"x"[..])
        );
        assert_eq!(
            scan_u32s::<3>(b"1,2:3", Some(b':')),
            ([1, 0, 0], 1, &b",2:3"[..])
        );
        assert_eq!(
            scan_u32s::<3>(b"         0          0 4294967295\n", None),
            ([0, 0, u32::MAX], 3, &b"\n"[..])
        );
        assert_eq!(scan_u32s::<2>(b"4294967296:1", Some(b':')).1, 0);
        assert_eq!(
            scan_u32s::<3>(b"6.1.0-18-amd64", Some(b'.')),
            ([6, 1, 0], 3, &b"-18-amd64"[..])
        );
        assert_eq!(scan_u32s::<3>(b"6.1", Some(b'.')), ([6, 1, 0], 2, &b""[..]));
        assert_eq!(scan_u32s::<3>(b"", Some(b'.')).1, 0);
    }
}
