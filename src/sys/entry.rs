//! Process entry without Rust's std runtime.
//!
//! std's `lang_start` costs 13 syscalls per exec (fd sanitising, SIGPIPE,
//! stack-overflow guard). nsbox is exec'd thousands of times by init
//! scripts, so it takes musl's `main(argc, argv)` directly. Consequences:
//! `std::env::args_os()` is empty (argv comes from here), SIGPIPE keeps its
//! default action (right for a CLI tool), and a stack overflow is a plain
//! SIGSEGV.

use std::ffi::{CStr, OsStr, c_char, c_int};
use std::os::unix::ffi::OsStrExt;

/// The process's argument vector, as `&'static OsStr` items.
#[derive(Clone)]
pub struct Argv {
    argv: *const *const c_char,
    next: usize,
    len: usize,
}

impl Argv {
    /// An argv made from string literals (tests).
    #[cfg(test)]
    pub fn from_static(v: &'static [&'static CStr]) -> Self {
        // A leaked array of pointers gives the same shape as the C argv.
        let ptrs: Vec<*const c_char> = v.iter().map(|s| s.as_ptr()).collect();
        let len = ptrs.len();
        Argv {
            argv: Box::leak(ptrs.into_boxed_slice()).as_ptr(),
            next: 0,
            len,
        }
    }

    /// How many items are left.
    pub fn remaining(&self) -> usize {
        self.len - self.next
    }
}

impl Iterator for Argv {
    type Item = &'static OsStr;

    fn next(&mut self) -> Option<&'static OsStr> {
        if self.next >= self.len {
            return None;
        }
        // SAFETY: `argv` holds `len` valid NUL-terminated strings that live for
        // the whole process (they were handed to main by the C runtime, or
        // leaked by `from_static`), and `next < len`.
        let s = unsafe { CStr::from_ptr(*self.argv.add(self.next)) };
        self.next += 1;
        Some(OsStr::from_bytes(s.to_bytes()))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining(), Some(self.remaining()))
    }
}

/// The program's heap (see [`super::alloc`]).
#[cfg(not(test))]
#[global_allocator]
static HEAP: super::alloc::Heap = super::alloc::Heap::new();

impl Argv {
    /// The argv musl's start code hands to `main`.
    ///
    /// # Safety
    /// `argv` must be null or hold `argc` valid NUL-terminated strings that
    /// live for the whole process (the C runtime's argv does).
    pub unsafe fn from_c(argc: c_int, argv: *const *const c_char) -> Argv {
        let len = if argv.is_null() {
            0
        } else {
            argc.max(0) as usize
        };
        Argv { argv, next: 0, len }
    }
}

/// Defines the C entry point musl's start code calls, which hands the
/// process's argv to `$run` (`fn(Argv) -> i32`). Invoked once, by main.rs:
/// this layer does not call up into the applets itself.
#[macro_export]
macro_rules! c_main {
    ($run:path) => {
        /// The C entry point (see `sys::entry`).
        #[cfg(not(test))]
        // The crate denies unsafe code outside src/sys/; this expands in main.rs.
        #[allow(unsafe_code)]
        // SAFETY: the only `main` symbol in the program (the crate is
        // `no_main`); musl's `__libc_start_main` calls it with the
        // kernel-provided argc/argv.
        #[unsafe(no_mangle)]
        extern "C" fn main(
            argc: ::std::ffi::c_int,
            argv: *const *const ::std::ffi::c_char,
        ) -> ::std::ffi::c_int {
            // SAFETY: argc/argv come from the C runtime, valid for the
            // whole process.
            $run(unsafe { $crate::sys::Argv::from_c(argc, argv) })
        }
    };
}
