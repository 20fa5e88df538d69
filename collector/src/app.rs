//! The application: shared state, the routes, and the layers every request passes.
//!
//! Layers, outermost first:
//! 1. the request log line ([`crate::log`]);
//! 2. a panic in a handler becomes a 500 `{"error"}` and the process keeps serving;
//! 3. the `Host` allow-list (DNS rebinding);
//! 4. the posting rate limits per address and per API token ([`crate::limits`]): 429 +
//!    `Retry-After`;
//! 5. the in-flight limit: past it a request is answered 503 + `Retry-After` at once
//!    instead of queueing behind the others;
//! 6. a body timeout: a client that stalls mid-body is cut off.
//!
//! Connection-level limits (header size and count, head and idle timeouts, the
//! connection cap) are in [`crate::server`].

use crate::auth::rule::{self, Access, Resource};
use crate::auth::{self, Principal};
use crate::config::Config;
use crate::error::ApiError;
use crate::routes;
use crate::store::Store;
use axum::extract::FromRequestParts;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, delete, get, post, MethodRouter};
use axum::Router;
use std::any::Any;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceBuilder;

/// Shared by every request.
pub struct App {
    pub store: Arc<dyn Store>,
    /// Directory of the built widget.
    pub dist: PathBuf,
    /// Largest accepted POST body in bytes.
    pub max_body: usize,
    /// Longest wait for the database before answering 503.
    pub db_deadline: Duration,
    /// Longest time a request body may take to arrive in all.
    pub body_deadline: Duration,
    /// Accepted `Host` names (lower case, without port); empty accepts any.
    pub allowed_hosts: Vec<String>,
    /// Failed logins per client address.
    pub throttle: auth::throttle::Throttle,
    /// Posting rate limits per address and per API token.
    pub limits: crate::limits::Limits,
    /// Reads of contact data and exports, on their way to the audit table.
    pub audit: crate::privacy::AuditLog,
    /// The group's signed-link key, read from the database once ([`crate::links`]).
    pub link_key: tokio::sync::OnceCell<crate::links::Key>,
    /// How hot-alert cases run ([`crate::cases`]).
    pub cases: crate::config::CaseConfig,
}

pub type Shared = Arc<App>;

impl App {
    /// Runs a store call with the database deadline: past it, a 503 the client retries.
    pub async fn db<T>(
        &self,
        what: &str,
        call: impl std::future::Future<Output = Result<T, crate::store::StoreError>>,
    ) -> Result<T, ApiError> {
        self.db_within(self.db_deadline, what, call).await
    }

    /// [`Self::db`] with another deadline, for a read that must pass over a whole
    /// selection (an export's columns) and so takes seconds on a large one.
    pub async fn db_within<T>(
        &self,
        deadline: Duration,
        what: &str,
        call: impl std::future::Future<Output = Result<T, crate::store::StoreError>>,
    ) -> Result<T, ApiError> {
        match tokio::time::timeout(deadline.max(self.db_deadline), call).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(ApiError::store(what, e)),
            Err(_) => {
                tracing::warn!("{what}: the database did not answer within its deadline");
                Err(ApiError::unavailable("the database is busy; retry shortly"))
            }
        }
    }
}

impl App {
    /// The group's link key: made and stored by the first collector that needs it,
    /// read by every other one, then kept in this process.
    pub async fn link_key(&self) -> Result<crate::links::Key, ApiError> {
        self.link_key
            .get_or_try_init(|| async {
                let stored = self
                    .db(
                        "read the link key",
                        self.store
                            .link_key(&crate::links::Key::generate(), &crate::clock::now_rfc3339()),
                    )
                    .await?;
                crate::links::Key::parse(&stored).ok_or_else(|| {
                    tracing::error!("the stored link key is not 32 bytes of base64");
                    ApiError::new(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "the survey link key is damaged; see the collector's log",
                    )
                })
            })
            .await
            .cloned()
    }
}

/// The names every collector answers to, whatever `--allowed-hosts` says.
const LOOPBACK_HOSTS: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

/// One route of the API: its path, the methods it answers and who may call it.
#[derive(Debug, Clone, Copy)]
pub struct RouteSpec {
    pub path: &'static str,
    pub access: Access,
}

/// Every API route and its access rule. The router is built from this table alone
/// ([`handlers`] has no other paths), so no route exists without a rule, and the
/// access tests walk this table.
pub const ROUTES: &[RouteSpec] = &[
    // Posting is open (the widget on any site); reads are scoped per caller: see the
    // handler, which applies `auth::rule::read` to the query's dealer.
    RouteSpec {
        path: "/v1/responses",
        access: Access::Read(Resource::Responses),
    },
    RouteSpec {
        path: "/v1/responses.csv",
        access: Access::Read(Resource::Export),
    },
    // The same rows as the CSV, as a workbook (responses and advisors sheets).
    RouteSpec {
        path: "/v1/responses.xlsx",
        access: Access::Read(Resource::Export),
    },
    RouteSpec {
        path: "/v1/summary",
        access: Access::Read(Resource::Summary),
    },
    // Per advisor, agent or station, ranked: the console's tables; scoped like the summary.
    RouteSpec {
        path: "/v1/breakdown",
        access: Access::Read(Resource::Summary),
    },
    // The VOC tally (crate::voc): counts and the comments behind them, read by whoever
    // reads the responses they come from, scoped the same way.
    RouteSpec {
        path: "/v1/voc",
        access: Access::Read(Resource::Responses),
    },
    // The dealers the caller may read that have responses: the console's dealer list.
    RouteSpec {
        path: "/v1/dealers",
        access: Access::Read(Resource::Summary),
    },
    // The widget's funnel beacons (issue 15): open like posting a response, anonymous
    // (`routes::beacons`). The funnel itself is read like the summary, scoped.
    RouteSpec {
        path: "/v1/beacons",
        access: Access::Public,
    },
    RouteSpec {
        path: "/v1/funnel",
        access: Access::Read(Resource::Summary),
    },
    // Draws the text it is given; reads nothing stored, so it is public.
    RouteSpec {
        path: "/v1/qr.svg",
        access: Access::Public,
    },
    // Whether a survey link was answered already (`{"used": bool}`), asked by the
    // widget before the first question. Public: the customer is not signed in; it tells
    // one bit about a token the caller already holds, and tokens are unguessable.
    RouteSpec {
        path: "/v1/links/status",
        access: Access::Public,
    },
    // The survey's first page as HTML for the script tag on another origin (issue 18):
    // public, it renders built-in questionnaires from the settings it is given.
    RouteSpec {
        path: "/v1/first-page",
        access: Access::Public,
    },
    RouteSpec {
        path: "/v1/auth/login",
        access: Access::Public,
    },
    RouteSpec {
        path: "/v1/auth/logout",
        access: Access::SignedIn,
    },
    RouteSpec {
        path: "/v1/auth/me",
        access: Access::SignedIn,
    },
    RouteSpec {
        path: "/v1/tokens",
        access: Access::Manage,
    },
    RouteSpec {
        path: "/v1/tokens/{id}",
        access: Access::Manage,
    },
    RouteSpec {
        path: "/v1/users",
        access: Access::Manage,
    },
    // Who read contact data, what was exported, deleted, purged: group admins only.
    RouteSpec {
        path: "/v1/audit",
        access: Access::Audit,
    },
    // Signed survey links: admins, managers and write tokens, for their dealers.
    RouteSpec {
        path: "/v1/links",
        access: Access::IssueLinks,
    },
    // Kiosk device keys: admins, managers and write tokens, for their dealers.
    RouteSpec {
        path: "/v1/kiosks",
        access: Access::Kiosks,
    },
    RouteSpec {
        path: "/v1/kiosks/{id}",
        access: Access::Kiosks,
    },
    // Hot-alert cases: admins, managers and follow-up agents of the case's dealer, tokens
    // (read only); never service advisors (see `auth::rule::cases`). What a person may do
    // to a case is decided by `survey_core::cases::authorize`.
    RouteSpec {
        path: "/v1/cases",
        access: Access::Cases,
    },
    RouteSpec {
        path: "/v1/cases/{id}",
        access: Access::Cases,
    },
    RouteSpec {
        path: "/v1/cases/{id}/events",
        access: Access::Cases,
    },
    // A closed case's "did we solve it?" link: the case's dealer's managers and admins,
    // in person (the handler checks the role; `routes::solve_links`).
    RouteSpec {
        path: "/v1/cases/{id}/solve-link",
        access: Access::Cases,
    },
    // The routine follow-up call list and logging a call: whoever works cases, in
    // their dealers; never service advisors (`auth::rule::followups`). Who may log a
    // call on which follow-up is `survey_core::followups::authorize`.
    RouteSpec {
        path: "/v1/followups",
        access: Access::FollowUps,
    },
    RouteSpec {
        path: "/v1/followups/{id}/attempts",
        access: Access::FollowUps,
    },
    // A dealer's repair orders (CSV): whoever may make its survey links (the handler
    // checks the dealer, `auth::rule::import_visits`).
    RouteSpec {
        path: "/v1/dealers/{dealer}/repair-orders",
        access: Access::IssueLinks,
    },
    // Visits, invitations, responses and calls per dealer and advisor: scoped like
    // the summary (an advisor sees their own).
    RouteSpec {
        path: "/v1/coverage",
        access: Access::Read(Resource::Summary),
    },
    // Follow-up targets per dealer and agent: scoped like the case list (never an
    // advisor; `auth::rule::cases`).
    RouteSpec {
        path: "/v1/targets",
        access: Access::Cases,
    },
    // A phone interview recorded in the console (`routes::interviews`): in person, by
    // the people who work the dealer's cases; never an advisor (who would rate himself).
    RouteSpec {
        path: "/v1/interviews",
        access: Access::Cases,
    },
    // A dealer's webhook for new cases and escalations: admins and the dealer's
    // managers, in person (the handler checks the dealer).
    RouteSpec {
        path: "/v1/dealers/{dealer}/webhook",
        access: Access::Manage,
    },
    // Dealers' own questionnaires: read by any caller of the dealer, uploaded and
    // published by whoever makes its survey links (the handlers check the dealer,
    // `auth::rule::questionnaires`).
    RouteSpec {
        path: "/v1/definitions",
        access: Access::SignedIn,
    },
    RouteSpec {
        path: "/v1/dealers/{dealer}/definitions",
        access: Access::SignedIn,
    },
    RouteSpec {
        path: "/v1/definitions/{survey}/{version}",
        access: Access::SignedIn,
    },
    RouteSpec {
        path: "/v1/definitions/{survey}/{version}/publish",
        access: Access::SignedIn,
    },
    RouteSpec {
        path: "/v1/definitions/{survey}/{version}/preview",
        access: Access::SignedIn,
    },
    // A published questionnaire, for `data-definition` on any site: public, it is
    // what every customer of the survey reads anyway.
    RouteSpec {
        path: "/v1/surveys/{survey}",
        access: Access::Public,
    },
    RouteSpec {
        path: "/v1/surveys/{survey}/{version}",
        access: Access::Public,
    },
    RouteSpec {
        path: "/healthz",
        access: Access::Public,
    },
    RouteSpec {
        path: "/readyz",
        access: Access::Public,
    },
];

/// The handlers of a path of [`ROUTES`].
fn handlers(path: &str) -> MethodRouter<Shared> {
    use routes::*;
    match path {
        "/v1/responses" => post(responses::post)
            .get(responses::list)
            .options(responses::preflight),
        "/v1/responses.csv" => get(exports::csv),
        "/v1/responses.xlsx" => get(exports::xlsx),
        "/v1/summary" => get(summary::get),
        "/v1/dealers" => get(dealers::list),
        "/v1/breakdown" => get(breakdown::get),
        "/v1/voc" => get(voc::get),
        "/v1/beacons" => post(beacons::post).options(responses::preflight),
        "/v1/funnel" => get(beacons::funnel),
        "/v1/qr.svg" => get(qr::svg),
        "/v1/links/status" => get(link_status::status),
        "/v1/first-page" => get(first_page::first_page),
        "/v1/auth/login" => post(auth::login),
        "/v1/auth/logout" => post(auth::logout),
        "/v1/auth/me" => get(auth::me),
        "/v1/tokens" => post(tokens::create).get(tokens::list),
        "/v1/tokens/{id}" => delete(tokens::revoke),
        "/v1/users" => post(users::create),
        "/v1/audit" => get(audit::list),
        "/v1/links" => post(links::create),
        "/v1/kiosks" => post(kiosks::create).get(kiosks::list),
        "/v1/kiosks/{id}" => delete(kiosks::revoke),
        "/v1/cases" => get(cases::list),
        "/v1/cases/{id}" => get(cases::get),
        "/v1/cases/{id}/events" => post(cases::post_event),
        "/v1/cases/{id}/solve-link" => post(solve_links::create),
        "/v1/followups" => get(followups::list),
        "/v1/followups/{id}/attempts" => post(followups::attempt),
        "/v1/dealers/{dealer}/repair-orders" => post(followups::import),
        "/v1/coverage" => get(followups::coverage),
        "/v1/targets" => get(targets::get),
        "/v1/interviews" => post(interviews::post),
        "/v1/dealers/{dealer}/webhook" => get(webhooks::get)
            .put(webhooks::put)
            .delete(webhooks::delete),
        "/v1/definitions" => get(definitions::list),
        "/v1/dealers/{dealer}/definitions" => post(definitions::upload),
        "/v1/definitions/{survey}/{version}" => get(definitions::get),
        "/v1/definitions/{survey}/{version}/publish" => post(definitions::publish),
        "/v1/definitions/{survey}/{version}/preview" => post(definitions::preview),
        "/v1/surveys/{survey}" => get(definitions::newest),
        "/v1/surveys/{survey}/{version}" => get(definitions::version),
        "/healthz" => get(health::healthz),
        "/readyz" => get(health::readyz),
        _ => any(no_such_endpoint),
    }
}

/// The router with every route and layer.
pub fn router(app: Shared, config: &Config) -> Router {
    let mut api = Router::new();
    for spec in ROUTES {
        let mut methods = handlers(spec.path);
        if spec.access != Access::Public {
            let access = spec.access;
            methods = methods.route_layer(middleware::from_fn_with_state(
                Arc::clone(&app),
                move |state, request, next| guard(access, state, request, next),
            ));
        }
        api = api.route(spec.path, methods);
    }
    if config.test_hooks {
        api = api
            .route("/v1/test/panic", get(routes::health::panic_for_tests))
            .route(
                "/v1/test/clock",
                post(routes::health::advance_clock_for_tests),
            );
    }
    let api = api
        .route("/v1", any(no_such_endpoint))
        .route("/v1/{*rest}", any(no_such_endpoint))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(routes::pages::serve)
        .with_state(Arc::clone(&app));

    let shed = ServiceBuilder::new()
        .layer(axum::error_handling::HandleErrorLayer::new(overloaded))
        .load_shed()
        .concurrency_limit(config.max_in_flight);
    api.layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
        config.client_timeout,
    ))
    .layer(shed)
    // Outside the in-flight limit, so a flood refused here holds no slot; inside the
    // CORS layer, so a widget on another origin can read the 429's Retry-After.
    .layer(middleware::from_fn_with_state(
        Arc::clone(&app),
        crate::limits::limit_posts,
    ))
    .layer(middleware::from_fn(routes::responses::cors_for_posting))
    .layer(middleware::from_fn_with_state(app, check_host))
    .layer(tower_http::catch_panic::CatchPanicLayer::custom(on_panic))
    .layer(middleware::from_fn(crate::log::requests))
    .layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    ))
}

/// The access rule of a non-public route, before its handler: 401 without
/// credentials, 403 for a role the route is never for; the [`Principal`] is handed to
/// the handler, which checks the dealers its query names. `POST /v1/responses` and
/// its preflight stay open: the widget posts from any site without credentials.
async fn guard(
    access: Access,
    State(app): State<Shared>,
    request: Request,
    next: Next,
) -> Response {
    let open_post = request.uri().path() == "/v1/responses"
        && matches!(*request.method(), Method::POST | Method::OPTIONS);
    if open_post {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let principal = match Principal::from_request_parts(&mut parts, &app).await {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let allowed = match access {
        Access::Public | Access::SignedIn => Ok(()),
        Access::Read(resource) => rule::read(&principal.caller, resource, None).map(|_| ()),
        Access::Manage => {
            rule::manage(&principal.caller, &auth::Scope::Dealers(Default::default()))
        }
        Access::Audit => rule::audit(&principal.caller),
        Access::IssueLinks => rule::issue_link(&principal.caller, None),
        Access::Kiosks => rule::kiosks(&principal.caller, None),
        Access::Cases => rule::cases(&principal.caller, None).map(|_| ()),
        Access::FollowUps => rule::followups(&principal.caller, None).map(|_| ()),
    };
    if let Err(denied) = allowed {
        return ApiError::new(StatusCode::FORBIDDEN, denied.0).into_response();
    }
    parts.extensions.insert(principal);
    next.run(Request::from_parts(parts, body)).await
}

async fn no_such_endpoint() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "no such endpoint")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method not allowed")
}

async fn overloaded(_: tower::BoxError) -> ApiError {
    ApiError::unavailable("the server is busy; retry shortly")
}

fn on_panic(_: Box<dyn Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked; answered 500 and serving on");
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
}

/// Refuses a `Host` this server is not configured for, so a page on another name that
/// resolves to this machine (DNS rebinding) cannot read the API through a browser.
async fn check_host(State(app): State<Shared>, request: Request, next: Next) -> Response {
    if app.allowed_hosts.is_empty() {
        return next.run(request).await;
    }
    // A request without a Host (HTTP/1.0, a health probe) cannot be a rebinding
    // attack: browsers always send one.
    let Some(host) = request
        .headers()
        .get(header::HOST)
        .map(|h| String::from_utf8_lossy(h.as_bytes()).to_ascii_lowercase())
        .or_else(|| request.uri().host().map(str::to_ascii_lowercase))
    else {
        return next.run(request).await;
    };
    let name = strip_port(&host);
    let allowed = LOOPBACK_HOSTS.contains(&name) || app.allowed_hosts.iter().any(|h| h == name);
    if !allowed {
        return ApiError::new(
            StatusCode::MISDIRECTED_REQUEST,
            "this server does not answer to that host name; add it to --allowed-hosts",
        )
        .into_response();
    }
    next.run(request).await
}

/// `example.com:8080` → `example.com`, `[::1]:80` → `[::1]`.
fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host
            .split_once(']')
            .map_or(host, |(h, _)| &host[..h.len() + 1]);
    }
    host.rsplit_once(':').map_or(host, |(h, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) {
            h
        } else {
            host
        }
    })
}

#[cfg(test)]
mod tests {
    use super::strip_port;

    #[test]
    fn ports_come_off_host_names() {
        assert_eq!(strip_port("example.com:8080"), "example.com");
        assert_eq!(strip_port("example.com"), "example.com");
        assert_eq!(strip_port("[::1]:80"), "[::1]");
        assert_eq!(strip_port("127.0.0.1:0"), "127.0.0.1");
    }
}

#[cfg(test)]
mod access_tests {
    use super::*;
    use axum::body::Body;
    use tower::ServiceExt;

    async fn app() -> Result<(Router, std::path::PathBuf), String> {
        let dir = std::env::temp_dir().join(format!("collector-access-{}", crate::ids::new_id()));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let store =
            crate::store::open(&crate::store::Location::Sqlite(dir.join("db.sqlite"))).await?;
        let config = Config::default();
        let app = Arc::new(App {
            audit: crate::privacy::AuditLog::start(Arc::clone(&store)),
            store,
            dist: dir.join("dist"),
            max_body: config.max_body,
            db_deadline: config.db_deadline,
            body_deadline: config.body_deadline,
            allowed_hosts: Vec::new(),
            throttle: auth::throttle::Throttle::default(),
            limits: crate::limits::Limits::default(),
            link_key: Default::default(),
            cases: config.cases,
        });
        Ok((router(app, &config), dir))
    }

    /// Every route of the table that is not public answers 401 to every method without
    /// credentials; a route added to the table without thinking about access is
    /// `Public` only by an explicit line, and the public ones are exactly these.
    #[tokio::test]
    async fn every_non_public_route_refuses_without_credentials() -> Result<(), String> {
        let (router, dir) = app().await?;
        let public: Vec<&str> = ROUTES
            .iter()
            .filter(|r| r.access == Access::Public)
            .map(|r| r.path)
            .collect();
        assert_eq!(
            public,
            [
                "/v1/beacons",
                "/v1/qr.svg",
                "/v1/links/status",
                "/v1/first-page",
                "/v1/auth/login",
                "/v1/surveys/{survey}",
                "/v1/surveys/{survey}/{version}",
                "/healthz",
                "/readyz"
            ]
        );
        for spec in ROUTES.iter().filter(|r| r.access != Access::Public) {
            let path = spec
                .path
                .replace("{id}", "00000000-0000-4000-8000-000000000000");
            for method in [Method::GET, Method::POST, Method::DELETE] {
                if spec.path == "/v1/responses" && method == Method::POST {
                    continue; // the widget's open post
                }
                let request = Request::builder()
                    .method(method.clone())
                    .uri(&path)
                    .body(Body::empty())
                    .map_err(|e| e.to_string())?;
                let response = router
                    .clone()
                    .oneshot(request)
                    .await
                    .map_err(|e| e.to_string())?;
                let status = response.status();
                assert!(
                    status == StatusCode::UNAUTHORIZED || status == StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {path}: {status}"
                );
            }
        }
        let _ = std::fs::remove_dir_all(dir);
        Ok(())
    }
}
