/// mimalloc rather than glibc's allocator: in `assess --all` (two threads rendering records,
/// each record thousands of small allocations) glibc's malloc, free and realloc were ≈17 %
/// of the CPU in `perf`; the README's speed section has the measured difference.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // Like other Unix tools: `dataskydd account list | head -1` ends quietly when the
    // reader goes away, instead of panicking on a closed pipe.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    std::process::exit(dataskydd::cli::main());
}
