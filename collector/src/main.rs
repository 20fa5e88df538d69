//! `collector`: the reference endpoint the survey widget posts responses to.
//!
//! It re-checks every response with the same survey-core rules the widget used, rescores
//! it with the same scoring code (flagging a client card that disagrees), stores it once
//! per response id in SQLite, exports what it stored as JSON and CSV, summarises the
//! scores with `/v1/summary`, draws the QR codes of survey links for the dealer page
//! (`/v1/qr.svg`), and can serve the built widget itself so a dealer needs only one
//! process.

mod config;
mod csv;
mod filter;
mod http;
mod prerender;
mod qr;
mod static_files;
mod store;
mod time;
mod verify;

use config::{Command, Config};
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::thread;

/// Enough to keep a slow client from holding up the rest; the work per request is tiny.
const WORKERS: usize = 4;

fn main() -> ExitCode {
    let config = match config::parse(std::env::args().skip(1), |k| std::env::var(k).ok()) {
        Ok(Command::Run(c)) => c,
        Ok(Command::Help) => {
            println!("{}", config::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("collector: {e}\n{}", config::USAGE);
            return ExitCode::from(2);
        }
    };
    match run(config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("collector: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The listening socket, with Nagle's algorithm off for every connection accepted from
/// it (Linux copies TCP_NODELAY to accepted sockets). tiny_http writes a response's
/// headers and a body over 1 KB in two writes; with Nagle on, the second waited for the
/// browser's delayed ACK: 40 ms more for every page, script or wasm fetched on a
/// reused keep-alive connection.
fn listen(addr: &str) -> std::io::Result<std::net::TcpListener> {
    let listener = std::net::TcpListener::bind(addr)?;
    socket2::SockRef::from(&listener).set_tcp_nodelay(true)?;
    Ok(listener)
}

fn run(config: Config) -> Result<(), String> {
    let store = store::Store::open(&config.db)
        .map_err(|e| format!("cannot open database {}: {e}", config.db.display()))?;
    if !config.dist.is_dir() {
        eprintln!(
            "collector: dist directory {} not found; only the API is served",
            config.dist.display()
        );
    }
    let listener =
        listen(&config.addr).map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
    let server = tiny_http::Server::from_listener(listener, None)
        .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
    let addr = match server.server_addr() {
        tiny_http::ListenAddr::IP(a) => a,
        #[cfg(unix)]
        tiny_http::ListenAddr::Unix(_) => return Err("expected an IP address".into()),
    };

    // The one line on stdout: scripts and tests read the real port from it.
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "collector listening on http://{addr}/")
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("writing to stdout: {e}"))?;
    drop(stdout);
    eprintln!(
        "collector: database {}, dist {}, max body {} bytes",
        config.db.display(),
        config.dist.display(),
        config.max_body
    );

    let app = Arc::new(http::App {
        store,
        dist: config.dist,
        max_body: config.max_body,
    });
    let server = Arc::new(server);
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (app, server) = (Arc::clone(&app), Arc::clone(&server));
            thread::spawn(move || loop {
                match server.recv() {
                    Ok(request) => http::serve(&app, request),
                    Err(e) => {
                        // tiny_http reports here only when its accept loop has stopped
                        // (e.g. out of file descriptors): nothing more will arrive, so
                        // exit and let the supervisor restart the process.
                        eprintln!("collector: server stopped accepting connections: {e}");
                        std::process::exit(1);
                    }
                }
            })
        })
        .collect();
    for worker in workers {
        if worker.join().is_err() {
            eprintln!("collector: a worker thread stopped");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::listen;

    #[test]
    fn accepted_connections_have_nagle_off() -> std::io::Result<()> {
        let listener = listen("127.0.0.1:0")?;
        let _client = std::net::TcpStream::connect(listener.local_addr()?)?;
        let (accepted, _) = listener.accept()?;
        assert!(
            accepted.nodelay()?,
            "TCP_NODELAY is inherited from the listener"
        );
        Ok(())
    }
}
