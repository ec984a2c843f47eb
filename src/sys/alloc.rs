//! nsbox's heap: a small segregated-fit allocator (power-of-two size
//! classes with free lists) over a static arena, then anonymous mmap chunks.
//!
//! Why not musl's malloc: its first allocation costs 4 syscalls (brk twice,
//! mmap twice) on every exec, and mallocng is ~10 KB of code. nsbox is
//! single-threaded and short-lived; the arena lives in .bss (no file bytes,
//! pages touched only when used), so most runs make no allocation syscall.

use super::raw::{nr, syscall6};
use core::alloc::{GlobalAlloc, Layout};
use core::cell::{Cell, UnsafeCell};

/// Bytes of the static arena.
const ARENA: usize = 128 * 1024;
/// Smallest block (and the alignment every block gets): 16 bytes = 2^4.
const MIN_SHIFT: u32 = 4;
/// Size classes 2^4 .. 2^47.
const CLASSES: usize = 44;
/// Minimum size of an mmap'd chunk.
const CHUNK: usize = 1 << 20;

#[repr(C, align(16))]
struct Arena(UnsafeCell<[u8; ARENA]>);

/// The allocator's state.
pub struct Heap {
    arena: Arena,
    cur: Cell<usize>,
    end: Cell<usize>,
    free: [Cell<usize>; CLASSES],
}

// SAFETY: nsbox never starts a second thread (it is a single-threaded CLI;
// forked children get their own copy), so the Cells are never shared between
// threads. Unit tests (multi-threaded) use the system allocator instead.
unsafe impl Sync for Heap {}

impl Heap {
    pub const fn new() -> Heap {
        Heap {
            arena: Arena(UnsafeCell::new([0; ARENA])),
            cur: Cell::new(0),
            end: Cell::new(0),
            free: [const { Cell::new(0) }; CLASSES],
        }
    }
}

impl Default for Heap {
    fn default() -> Self {
        Self::new()
    }
}

/// The class of a request: index and block size.
fn class(l: &Layout) -> Option<(usize, usize)> {
    let need = l.size().max(l.align()).max(1 << MIN_SHIFT);
    let size = need.checked_next_power_of_two()?;
    let idx = (size.trailing_zeros() - MIN_SHIFT) as usize;
    (idx < CLASSES).then_some((idx, size))
}

fn mmap_chunk(len: usize) -> Option<usize> {
    // PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS.
    // SAFETY: an anonymous private mapping at a kernel-chosen address touches
    // no existing memory.
    let r = unsafe { syscall6(nr::MMAP, [0, len, 3, 0x22, usize::MAX, 0]) };
    super::raw::check(r).ok()
}

// SAFETY: blocks are disjoint (bump pointer never goes back except through the
// free lists, which only hold blocks handed back by `dealloc` for the same
// class), aligned to min(block size, chunk alignment) which is at least
// `layout.align()` (align ≤ block size, and blocks are carved at multiples of
// their size from the class's own alignment), and live until freed.
unsafe impl GlobalAlloc for Heap {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let Some((idx, size)) = class(&l) else {
            return core::ptr::null_mut();
        };
        let head = self.free[idx].get();
        if head != 0 {
            // SAFETY: a free block stores the next free block of its class in
            // its first word.
            self.free[idx].set(unsafe { *(head as *const usize) });
            return head as *mut u8;
        }
        if self.end.get() == 0 {
            let base = self.arena.0.get() as usize;
            self.cur.set(base);
            self.end.set(base + ARENA);
        }
        let align = l.align().max(1 << MIN_SHIFT);
        let mut start = (self.cur.get() + align - 1) & !(align - 1);
        if start.checked_add(size).is_none_or(|e| e > self.end.get()) {
            let len = (size + align).max(CHUNK).next_multiple_of(4096);
            let Some(c) = mmap_chunk(len) else {
                return core::ptr::null_mut();
            };
            self.end.set(c + len);
            start = (c + align - 1) & !(align - 1);
        }
        self.cur.set(start + size);
        start as *mut u8
    }

    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        if let Some((idx, _)) = class(&l) {
            // SAFETY: the block is at least 16 bytes and ours again.
            unsafe { *(p as *mut usize) = self.free[idx].get() };
            self.free[idx].set(p as usize);
        }
    }

    unsafe fn realloc(&self, p: *mut u8, l: Layout, new_size: usize) -> *mut u8 {
        let old = class(&l);
        // SAFETY: same alignment as before, and new_size is non-zero.
        let nl = unsafe { Layout::from_size_align_unchecked(new_size, l.align()) };
        if old.is_some() && old.map(|c| c.0) == class(&nl).map(|c| c.0) {
            return p; // still fits its block
        }
        // SAFETY: `nl` is a valid layout; the old block is live and `copy`
        // bytes long on both sides.
        unsafe {
            let q = self.alloc(nl);
            if !q.is_null() {
                core::ptr::copy_nonoverlapping(p, q, l.size().min(new_size));
                self.dealloc(p, l);
            }
            q
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_reuse_and_grow() {
        let h = Heap::new();
        let l = Layout::from_size_align(24, 8).unwrap();
        // SAFETY: test of the allocator contract with valid layouts.
        unsafe {
            let a = h.alloc(l);
            let b = h.alloc(l);
            assert!(!a.is_null() && !b.is_null() && a != b);
            assert!((a as usize).is_multiple_of(16));
            h.dealloc(a, l);
            assert_eq!(h.alloc(l), a, "freed block is reused");
            let big = Layout::from_size_align(3 << 20, 64).unwrap();
            let c = h.alloc(big);
            assert!(!c.is_null() && (c as usize).is_multiple_of(64));
            c.write_bytes(7, 3 << 20);
            let d = h.realloc(b, l, 30);
            assert_eq!(d, b, "grows in place within its class");
            let e = h.realloc(d, Layout::from_size_align(30, 8).unwrap(), 1000);
            assert!(!e.is_null() && e != d);
            let w = Layout::from_size_align(64, 4096).unwrap();
            let f = h.alloc(w);
            assert!((f as usize).is_multiple_of(4096));
        }
    }
}
