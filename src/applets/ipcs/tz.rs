//! Local time like glibc: `TZ` (a zoneinfo name or path, or a POSIX TZ
//! string), else /etc/localtime, else UTC. TZif v1/v2+ files, with the
//! footer rule for times after the last transition.

use std::mem::ManuallyDrop;
use std::os::unix::ffi::OsStrExt;

/// A TZif file held as read, with where its tables are.
#[derive(Default)]
pub struct Tz {
    d: Vec<u8>,
    /// Bytes per transition time (4 in v1 data, 8 in v2+).
    tsz: usize,
    timecnt: usize,
    typecnt: usize,
    /// Offset of the transition times; indices and types follow.
    at: usize,
    rule: Option<Rule>,
}

/// A POSIX TZ rule: offsets east of UTC; dates as [kind (0 Jn, 1 n,
/// 2 Mm.w.d), a, b, c, time of day].
#[derive(Clone, Copy, Default)]
struct Rule {
    std: i64,
    dst: i64,
    has_dst: bool,
    start: [i64; 5],
    end: [i64; 5],
}

#[inline(never)]
pub fn load() -> Tz {
    // Not freed: the process ends soon after.
    let env = ManuallyDrop::new(crate::sys::proc::env(b"TZ"));
    let name = match &*env {
        None => &b"/etc/localtime"[..],
        Some(v) => v.as_bytes().strip_prefix(b":").unwrap_or(v.as_bytes()),
    };
    let mut path = ManuallyDrop::new(Vec::new());
    if !name.starts_with(b"/") {
        let dir = ManuallyDrop::new(crate::sys::proc::env(b"TZDIR"));
        path.extend_from_slice(
            dir.as_ref()
                .map_or(b"/usr/share/zoneinfo", |d| d.as_bytes()),
        );
        path.push(b'/');
    }
    path.extend_from_slice(name);
    let d = if name.is_empty() {
        Vec::new()
    } else {
        crate::cli::read_file(std::ffi::OsStr::from_bytes(&path)).unwrap_or_default()
    };
    tzif(d).unwrap_or_else(|| Tz {
        rule: env.as_ref().and(posix(name)),
        ..Tz::default()
    })
}

/// A big-endian signed number of `n` bytes at `at`.
fn be(d: &[u8], at: usize, n: usize) -> Option<i64> {
    let b = d.get(at..at.checked_add(n)?)?;
    let v = b.iter().fold(0u64, |v, &x| v << 8 | x as u64);
    Some(((v << (64 - 8 * n)) as i64) >> (64 - 8 * n))
}

/// The v1 TZif data, or for v2+ files the 64-bit data after it (and
/// the footer rule).
#[inline(never)]
fn tzif(d: Vec<u8>) -> Option<Tz> {
    let (mut h, mut tsz) = (0, 4);
    loop {
        if d.get(h..h + 4)? != b"TZif" {
            return None;
        }
        // isutcnt isstdcnt leapcnt timecnt typecnt charcnt
        let mut c = [0; 6];
        for (i, x) in c.iter_mut().enumerate() {
            *x = (be(&d, h + 20 + 4 * i, 4)? as u32).min(1 << 20) as usize;
        }
        let [ut, std, leap, timecnt, typecnt, chars] = c;
        let at = h + 44;
        let end = at + timecnt * (tsz + 1) + typecnt * 6 + chars + leap * (tsz + 4) + std + ut;
        if tsz == 4 && *d.get(4)? >= b'2' {
            (h, tsz) = (end, 8);
            continue;
        }
        if d.len() < end || typecnt == 0 {
            return None;
        }
        let mut rule = None;
        if tsz == 8 {
            // The footer: `\nRULE\n`.
            let f = d.get(end..).unwrap_or_default();
            if let Some(p) = f.iter().position(|&b| b == b'\n') {
                let r = &f[p + 1..];
                rule = posix(&r[..r.iter().position(|&b| b == b'\n').unwrap_or(r.len())]);
            }
        }
        return Some(Tz {
            d,
            tsz,
            timecnt,
            typecnt,
            at,
            rule,
        });
    }
}

impl Tz {
    /// Seconds east of UTC at `t`.
    #[inline(never)]
    pub fn offset(&self, t: i64) -> i64 {
        let (d, n, tsz) = (&self.d, self.timecnt, self.tsz);
        let types = self.at + n * (tsz + 1);
        let ty = |k: usize| be(d, types + k * 6, 4).unwrap_or(0);
        if self.typecnt > 0 {
            // The transitions (sorted) at or before `t`.
            let mut i = 0;
            while i < n && be(d, self.at + i * tsz, tsz).unwrap_or(0) <= t {
                i += 1;
            }
            if i == 0 {
                // glibc: the first standard-time type.
                let k = (0..self.typecnt).find(|&k| d.get(types + k * 6 + 4) == Some(&0));
                return ty(k.unwrap_or(0));
            }
            if i < n || self.rule.is_none() {
                let k = d.get(self.at + n * tsz + i - 1).copied().unwrap_or(0);
                return ty(k as usize % self.typecnt);
            }
        }
        self.rule.map_or(0, |r| r.offset(t))
    }
}

/// A cursor over a POSIX TZ string.
struct P<'a>(&'a [u8], usize);

impl P<'_> {
    fn peek(&self) -> u8 {
        self.0.get(self.1).copied().unwrap_or(0)
    }
    fn eat(&mut self, c: u8) -> bool {
        let hit = self.peek() == c;
        self.1 += hit as usize;
        hit
    }
    /// A zone name: 3+ letters, or anything in `<>`.
    fn name(&mut self) -> Option<()> {
        let start = self.1;
        let quoted = self.eat(b'<');
        while self.1 < self.0.len()
            && (if quoted {
                self.peek() != b'>'
            } else {
                self.peek().is_ascii_alphabetic()
            })
        {
            self.1 += 1;
        }
        let n = self.1 - start;
        (n >= 3 && (!quoted || self.eat(b'>'))).then_some(())
    }
    /// A number of up to 9 digits.
    fn int(&mut self) -> Option<i64> {
        let start = self.1;
        let mut v = 0;
        while self.peek().is_ascii_digit() && self.1 - start < 9 {
            v = v * 10 + (self.peek() - b'0') as i64;
            self.1 += 1;
        }
        (self.1 > start).then_some(v)
    }
    /// `[+-]hh[:mm[:ss]]` in seconds.
    fn hms(&mut self) -> Option<i64> {
        let neg = self.eat(b'-');
        if !neg {
            self.eat(b'+');
        }
        let mut v = self.int()? * 3600;
        if self.eat(b':') {
            v += self.int()? * 60;
            if self.eat(b':') {
                v += self.int()?;
            }
        }
        Some(if neg { -v } else { v })
    }
    /// `Jn`, `n` or `Mm.w.d`, then an optional `/time`.
    fn date(&mut self) -> Option<[i64; 5]> {
        let mut d = [1, 0, 0, 0, 7200];
        if self.eat(b'M') {
            d[0] = 2;
            d[1] = self.int()?.clamp(1, 12);
            for x in &mut d[2..4] {
                if !self.eat(b'.') {
                    return None;
                }
                *x = self.int()?;
            }
        } else {
            d[0] = !self.eat(b'J') as i64;
            d[1] = self.int()?;
        }
        if self.eat(b'/') {
            d[4] = self.hms()?;
        }
        Some(d)
    }
}

#[inline(never)]
fn posix(s: &[u8]) -> Option<Rule> {
    let mut p = P(s, 0);
    p.name()?;
    let std = -p.hms()?;
    let mut r = Rule {
        std,
        dst: std + 3600,
        has_dst: p.1 < s.len(),
        start: [2, 3, 2, 0, 7200],
        end: [2, 11, 1, 0, 7200],
    };
    if r.has_dst {
        p.name()?;
        if matches!(p.peek(), b'+' | b'-' | b'0'..=b'9') {
            r.dst = -p.hms()?;
        }
        if p.eat(b',') {
            r.start = p.date()?;
            if !p.eat(b',') {
                return None;
            }
            r.end = p.date()?;
        }
    }
    Some(r)
}

impl Rule {
    fn offset(&self, t: i64) -> i64 {
        let y = civil((t + self.std).div_euclid(86400)).0;
        let at = |d: &[i64; 5], off: i64| rule_day(d, y) * 86400 + d[4] - off;
        let (s, e) = (at(&self.start, self.std), at(&self.end, self.dst));
        let dst = self.has_dst
            && if s < e {
                t >= s && t < e
            } else {
                t < e || t >= s
            };
        if dst { self.dst } else { self.std }
    }
}

/// The day (since 1970-01-01) a rule date falls on in year `y`.
fn rule_day(d: &[i64; 5], y: i64) -> i64 {
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let jan1 = days(y, 1, 1);
    match d[0] {
        0 => jan1 + d[1] - 1 + (leap && d[1] >= 60) as i64,
        1 => jan1 + d[1],
        _ => {
            let m = d[1];
            let first = days(y, m, 1);
            let next = days(y + m / 12, m % 12 + 1, 1);
            let mut day = first + (d[3] - (first + 4)).rem_euclid(7) + (d[2] - 1) * 7;
            while day >= next {
                day -= 7;
            }
            day
        }
    }
}

/// Days since 1970-01-01 of a civil date.
fn days(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let (era, yoe) = (y.div_euclid(400), y.rem_euclid(400));
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468
}

/// The civil date (y, m, d) of a day number.
fn civil(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let (era, doe) = (z.div_euclid(146097), z.rem_euclid(146097));
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        yoe + era * 400 + (m <= 2) as i64,
        m,
        doy - (153 * mp + 2) / 5 + 1,
    )
}

/// glibc's `ctime` text of local time `t`, without the newline:
/// `Sun Nov 22 15:20:31 2026`.
pub fn ctime(t: i64, b: &mut [u8; 48]) -> &[u8] {
    const NAMES: &[u8] = b"SunMonTueWedThuFriSatJanFebMarAprMayJunJulAugSepOctNovDec";
    let (day, s) = (t.div_euclid(86400), t.rem_euclid(86400));
    let (y, m, d) = civil(day);
    if i32::try_from(y - 1900).is_err() {
        return &[];
    }
    let wd = (day + 4).rem_euclid(7) as usize * 3;
    let mi = (m as usize + 6) * 3;
    // `Www Mmm dd hh:mm:ss `, then the year.
    *b = [b' '; 48];
    for k in 0..3 {
        b[k] = NAMES.get(wd + k).copied().unwrap_or(b' ');
        b[4 + k] = NAMES.get(mi + k).copied().unwrap_or(b' ');
    }
    for (at, v) in [(8, d), (11, s / 3600), (14, s / 60 % 60), (17, s % 60)] {
        b[at] = b'0' + (v / 10) as u8;
        b[at + 1] = b'0' + (v % 10) as u8;
    }
    if d < 10 {
        b[8] = b' ';
    }
    b[13] = b':';
    b[16] = b':';
    let mut t2 = [0u8; 24];
    let year = super::format::radix(y.unsigned_abs(), 10, y < 0, &mut t2);
    b[20..20 + year.len()].copy_from_slice(year);
    &b[..20 + year.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: i64) -> String {
        let mut b = [0; 48];
        String::from_utf8(ctime(t, &mut b).to_vec()).unwrap()
    }

    #[test]
    fn ctime_text() {
        assert_eq!(text(0), "Thu Jan  1 00:00:00 1970");
        assert_eq!(text(1795360831), "Sun Nov 22 15:20:31 2026");
        assert_eq!(text(951782400), "Tue Feb 29 00:00:00 2000");
        assert_eq!(text(-1), "Wed Dec 31 23:59:59 1969");
    }

    #[test]
    fn posix_rules() {
        let r = posix(b"CET-1CEST,M3.5.0,M10.5.0/3").unwrap();
        // 2026-03-29 01:00 UTC: DST starts in Berlin.
        assert_eq!(r.offset(1774746000 - 1), 3600);
        assert_eq!(r.offset(1774746000), 7200);
        // 2026-10-25 01:00 UTC: DST ends.
        assert_eq!(r.offset(1792890000 - 1), 7200);
        assert_eq!(r.offset(1792890000), 3600);
        let r = posix(b"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0").unwrap();
        assert_eq!(r.offset(1782864000), 37800); // July: standard
        assert_eq!(r.offset(1798761600), 39600); // January: DST
        assert_eq!(posix(b"UTC0").unwrap().offset(5), 0);
        assert!(posix(b"Foo").is_none());
        assert!(posix(b"<abc").is_none());
        assert!(posix(b"AB1").is_none());
        assert!(posix(b"CET-1CEST,M3.5.0").is_none());
        assert_eq!(posix(b"<-03>3").unwrap().offset(0), -3 * 3600);
        let r = posix(b"EST5EDT").unwrap();
        assert_eq!(r.offset(1782864000), -4 * 3600);
        let r = posix(b"XXX3YYY,J60/1,300").unwrap();
        assert_eq!(r.offset(1782864000), -2 * 3600);
    }

    #[test]
    fn tzif_files() {
        // Europe/Berlin from the system (fat or slim): both sides of
        // the table and of its end.
        let Ok(d) = std::fs::read("/usr/share/zoneinfo/Europe/Berlin") else {
            return eprintln!("SKIP tzif_files: no zoneinfo");
        };
        let tz = tzif(d).unwrap();
        assert_eq!(tz.offset(1782864000), 7200); // 2026-07
        assert_eq!(tz.offset(1798761600), 3600); // 2027-01
        assert_eq!(tz.offset(4102444800 + 180 * 86400), 7200); // 2100-06
        assert_eq!(tz.offset(0), 3600);
        assert!(tzif(b"TZif2garbage".to_vec()).is_none());
        assert!(tzif(Vec::new()).is_none());
    }
}
