//! Stub of the `protobuf-src` crate: same API (`protoc()`, `include()`), no C++ build.
//!
//! The protoc binary is taken from `PROTOC` at build time of the dependent build script when set,
//! else `/usr/bin/protoc` (Debian `protobuf-compiler`).
use std::path::PathBuf;

/// Path of the protoc binary to run.
pub fn protoc() -> PathBuf {
    match std::env::var_os("PROTOC") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from("/usr/bin/protoc"),
    }
}

/// Directory holding the well-known `.proto` includes (google/protobuf/*.proto).
pub fn include() -> PathBuf {
    PathBuf::from("/usr/include")
}
