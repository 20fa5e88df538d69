//! Connections: hyper's HTTP/1.1 server under our own accept loop, so every limit a
//! hostile or broken client can hit is set here, explicitly.
//!
//! - **Head**: a client has `client_timeout` to send a request's head, at most
//!   [`MAX_HEADERS`] header lines and [`MAX_HEAD_BYTES`] bytes of head; past either
//!   hyper answers 431 and closes. A connection idle between requests is closed after
//!   the same time (hyper's head timer runs while it waits for the next request).
//! - **Connections**: at most `max_connections` open; past that the loop stops
//!   accepting (the kernel's backlog holds newcomers) until one closes. A reset
//!   connection is just an error on that connection's task: nothing is unwrapped.
//! - **Shutdown**: on SIGTERM or SIGINT the listener closes, requests in flight finish
//!   (up to [`DRAIN`]), then the process exits; nothing acknowledged is lost because
//!   an acknowledgement is only sent after the commit.

use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// Header lines per request.
pub const MAX_HEADERS: usize = 64;
/// Bytes of a request's head (request line and headers); hyper's read buffer.
pub const MAX_HEAD_BYTES: usize = 16 * 1024;
/// How long in-flight requests may take to finish after a shutdown signal.
pub const DRAIN: Duration = Duration::from_secs(20);

/// Binds the listening socket: Nagle off (inherited by accepted sockets; each reply
/// is written whole, without waiting for the client's delayed ACK), address reuse so
/// a restart can bind at once, a deep backlog for bursts of phones.
pub fn bind(addr: &str) -> std::io::Result<TcpListener> {
    use std::net::ToSocketAddrs;
    let addr = addr
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| std::io::Error::other("the address resolves to nothing"))?;
    let socket = socket2::Socket::new(
        socket2::Domain::for_address(addr),
        socket2::Type::STREAM,
        Some(socket2::Protocol::TCP),
    )?;
    socket.set_reuse_address(true)?;
    socket.set_tcp_nodelay(true)?;
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    socket.listen(4096)?;
    TcpListener::from_std(socket.into())
}

/// Serves `router` on `listener` until `shutdown` resolves, then drains.
pub async fn serve(
    listener: TcpListener,
    router: axum::Router,
    max_connections: usize,
    client_timeout: Duration,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(max_connections));
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(client_timeout)
        .max_headers(MAX_HEADERS)
        .max_buf_size(MAX_HEAD_BYTES)
        .keep_alive(true);
    let builder = Arc::new(builder);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = Arc::clone(&slots).acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors or a connection reset before accept: wait a
                    // moment and go on; never exit for it.
                    tracing::warn!("accept: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = router
            .clone()
            .map_request(move |r: hyper::Request<Incoming>| {
                // The client's address, for login throttling (never logged).
                let mut r = r.map(axum::body::Body::new);
                r.extensions_mut().insert(axum::extract::ConnectInfo(peer));
                r
            });
        let connection =
            builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A reset or a timed-out client ends here, on its own task.
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    tracing::info!("shutting down: finishing requests in flight");
    tokio::select! {
        () = graceful.shutdown() => tracing::info!("all connections closed"),
        () = tokio::time::sleep(DRAIN) => tracing::warn!("gave up waiting for connections after {DRAIN:?}"),
    }
}

/// Resolves on SIGTERM or SIGINT.
pub async fn signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        () = term => {},
    }
}
