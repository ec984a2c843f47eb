//! Terminal size (`TIOCGWINSZ`), for table output that fits the screen.

use linux_raw_sys::ioctl::TIOCGWINSZ;
use rustix::ioctl::{Getter, ioctl};

/// `struct winsize`.
#[repr(C)]
struct Winsize {
    row: u16,
    col: u16,
    xpixel: u16,
    ypixel: u16,
}
const _: () = assert!(core::mem::size_of::<Winsize>() == 8);

/// The width of the terminal on stdout, or None when it is not a terminal.
pub fn stdout_columns() -> Option<u16> {
    // SAFETY: TIOCGWINSZ writes exactly one `struct winsize` into the
    // Getter's buffer, which has that type.
    let w = unsafe {
        ioctl(
            rustix::stdio::stdout(),
            Getter::<TIOCGWINSZ, Winsize>::new(),
        )
    };
    w.ok().map(|w| w.col)
}
