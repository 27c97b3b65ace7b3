//! The web app (app/) on the local chain: `up` builds it when its build is missing or older than
//! its sources (npm, Vite), and serves `app/dist` with a `/config.json` naming this chain and pool,
//! so the page opened at the printed URL talks to the local chain like to any cluster.
use std::io::{BufRead, BufReader, Read, Write};
use std::os::fd::AsFd;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

/// Newest modification time under `dir` (skipping node_modules and dist).
fn newest(dir: &Path) -> SystemTime {
    let mut latest = SystemTime::UNIX_EPOCH;
    let Ok(entries) = std::fs::read_dir(dir) else { return latest };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name == "node_modules" || name == "dist" || name == "e2e" {
            continue;
        }
        let time = if path.is_dir() { newest(&path) } else { entry.metadata().and_then(|m| m.modified()).unwrap_or(SystemTime::UNIX_EPOCH) };
        latest = latest.max(time);
    }
    latest
}

fn npm(app: &Path, args: &[&str]) -> Result<(), String> {
    eprintln!("up: app: npm {} ...", args.join(" "));
    // npm's output goes to stderr: up's stdout is its one JSON line.
    let stderr = std::io::stderr().as_fd().try_clone_to_owned().map_err(|e| format!("stderr: {e}"))?;
    let status = Command::new("npm")
        .args(args)
        .current_dir(app)
        .stdout(std::process::Stdio::from(stderr))
        .status()
        .map_err(|e| format!("the web app needs Node.js and npm to build (apt-get install nodejs npm), or pass --app-addr off: {e}"))?;
    status.success().then_some(()).ok_or_else(|| format!("npm {} failed in {} ({status})", args.join(" "), app.display()))
}

/// Node.js and npm from Debian when missing, as the project's scripts install what they need
/// (root only; otherwise the error says what to install).
fn ensure_npm() -> Result<(), String> {
    if Command::new("npm").arg("--version").output().is_ok_and(|o| o.status.success()) {
        return Ok(());
    }
    if unsafe { libc::geteuid() } != 0 {
        return Err("the web app needs Node.js and npm to build: sudo apt-get install nodejs npm (or pass --app-addr off)".into());
    }
    eprintln!("up: app: installing Debian's nodejs and npm ...");
    let run = |args: &[&str]| Command::new("apt-get").args(args).env("DEBIAN_FRONTEND", "noninteractive").status().map(|s| s.success());
    match (run(&["update", "-qq"]), run(&["install", "-y", "-qq", "--no-install-recommends", "nodejs", "npm"])) {
        (Ok(true), Ok(true)) => Ok(()),
        _ => Err("apt-get could not install nodejs and npm for the web app (or pass --app-addr off)".into()),
    }
}

/// `app/dist`, built first when missing or older than the app's sources.
pub fn build(app: &Path) -> Result<PathBuf, String> {
    let dist = app.join("dist");
    let built = std::fs::metadata(dist.join("index.html")).and_then(|m| m.modified()).ok();
    if built.is_some_and(|b| b >= newest(app)) {
        return Ok(dist);
    }
    ensure_npm()?;
    if !app.join("node_modules").exists() {
        // npm install, not npm ci: the lock file names an optional Windows-only package of Vite
        // that the registry does not serve, which npm ci refuses and npm install skips.
        npm(app, &["install", "--no-audit", "--no-fund", "--loglevel=error"])?;
    }
    npm(app, &["run", "build", "--silent"])?;
    Ok(dist)
}

/// Serves `dist` (files, `index.html` for the page's own routes) and `config_json` at
/// `/config.json`, on a thread; returns the address bound.
pub fn serve(address: SocketAddr, dist: PathBuf, config_json: String) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(address)?;
    let bound = listener.local_addr()?;
    std::thread::Builder::new().name("app".into()).spawn(move || {
        for stream in listener.incoming().flatten() {
            let (dist, config) = (dist.clone(), config_json.clone());
            let _ = std::thread::Builder::new().name("app-request".into()).spawn(move || answer(stream, &dist, &config));
        }
    })?;
    Ok(bound)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript",
        Some("css") => "text/css",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn answer(stream: TcpStream, dist: &Path, config: &str) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
        header.clear();
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let (status, kind, body): (&str, &str, Vec<u8>) = if path == "/config.json" {
        ("200 OK", "application/json", config.as_bytes().to_vec())
    } else if path.split('/').any(|part| part == "..") {
        ("400 Bad Request", "text/plain", b"bad path\n".to_vec())
    } else {
        let file = dist.join(path.trim_start_matches('/'));
        let file = if file.is_file() { file } else { dist.join("index.html") };
        let mut body = Vec::new();
        match std::fs::File::open(&file).and_then(|mut f| f.read_to_end(&mut body)) {
            Ok(_) => ("200 OK", content_type(&file), body),
            Err(_) => ("404 Not Found", "text/plain", b"not found\n".to_vec()),
        }
    };
    let mut stream = stream;
    let head = format!("HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n", body.len());
    let _ = stream.write_all(head.as_bytes()).and_then(|_| stream.write_all(&body));
}
