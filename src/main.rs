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
