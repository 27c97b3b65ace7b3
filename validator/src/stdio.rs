//! Keeps stdout for the JSON line alone.
//!
//! solana-test-validator prints progress ("Waiting for fees to stabilize ...") with `println!`.
//! At start the process's stdout (fd 1) is duplicated for our own use and fd 1 is pointed at
//! stderr, so anything else printed lands on stderr.

use std::{
    fs::File,
    io::{self, Write},
    os::fd::FromRawFd,
};

pub struct StdoutForJson(File);

impl StdoutForJson {
    /// Takes the real stdout and redirects fd 1 to stderr.
    pub fn take() -> io::Result<Self> {
        io::stdout().flush()?;
        // SAFETY: plain fd calls; `saved` is a fresh descriptor owned only by the returned File.
        unsafe {
            let saved = libc::fcntl(libc::STDOUT_FILENO, libc::F_DUPFD_CLOEXEC, 3);
            if saved < 0 {
                return Err(io::Error::last_os_error());
            }
            if libc::dup2(libc::STDERR_FILENO, libc::STDOUT_FILENO) < 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(Self(File::from_raw_fd(saved)))
        }
    }

    pub fn print_line(mut self, line: &str) -> io::Result<()> {
        writeln!(self.0, "{line}")?;
        self.0.flush()
    }
}
