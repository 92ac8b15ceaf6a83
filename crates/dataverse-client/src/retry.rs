//! Retry policy: which failures are tried again, how often, and how long to wait; and
//! what a request that is not idempotent asks before it is sent again.

use std::time::Duration;

use crate::error::Error;

/// How failed requests are retried.
///
/// Connection failures and the statuses 408, 429, 500, 502, 503 and 504 are retried with
/// exponential backoff and "decorrelated jitter" (each wait is random between `base_delay`
/// and three times the previous wait, capped at `max_delay`). A `Retry-After` header
/// replaces the computed wait (capped at `max_retry_after`).
///
/// A server that cannot be reached at all ([`Error::unreachable`]: the connection was
/// refused, or the host name does not resolve) is tried at most `max_unreachable_attempts`
/// times in all (default 2: one retry, after `base_delay`), not `max_attempts` times: a
/// server that restarts is back within a moment, a wrong URL or a stopped server is not,
/// and six attempts with growing waits would only keep the caller waiting for seconds.
/// Failures after the connection was opened (a reset mid-request, a timeout, 5xx, 429)
/// keep the full `max_attempts`.
///
/// A request that is not idempotent (a POST that creates or adds something) is only
/// re-sent when it certainly never reached the server (the connection could not be
/// opened) or when the server refused it unprocessed with 429. An upload is also re-sent
/// after a failure that may have reached the server once the dataset's file list shows
/// that it did not land; every attempt counts against the same `max_attempts`.
///
/// Built from [`RetryPolicy::default`] (or [`none`](RetryPolicy::none)) and its setters;
/// the fields stay readable.
///
/// ```
/// use std::time::Duration;
/// use dataverse_client::RetryPolicy;
/// let quick = RetryPolicy::new()
///     .max_attempts(3)
///     .base_delay(Duration::from_millis(10))
///     .max_delay(Duration::from_millis(100));
/// assert_eq!(quick.max_attempts, 3);
/// assert_eq!(quick.max_retry_after, Duration::from_secs(60));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = never retry). Default 6: at a 10% failure
    /// rate a request is lost once in a million.
    pub max_attempts: u32,
    /// The smallest wait. Default 250 ms.
    pub base_delay: Duration,
    /// The largest computed wait. Default 8 s.
    pub max_delay: Duration,
    /// The largest wait a server's `Retry-After` may impose; a longer one is cut to this. Default 60 s.
    pub max_retry_after: Duration,
    /// Attempts in all, the first included, when the server cannot be reached at all
    /// (connection refused, unknown host); never more than `max_attempts`. The wait
    /// before such a retry is `base_delay`. Default 2.
    pub max_unreachable_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            max_unreachable_attempts: 2,
        }
    }
}

impl RetryPolicy {
    /// The default policy (6 attempts, waits from 250 ms to 8 s).
    pub fn new() -> Self {
        Self::default()
    }

    /// A policy that never retries.
    pub fn none() -> Self {
        Self::default().max_attempts(1)
    }

    /// Attempts in all, the first included (1 = never retry; 0 is taken as 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// The smallest wait between attempts.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The largest computed wait between attempts.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The largest wait a server's `Retry-After` may impose.
    pub fn max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    /// Attempts in all when the server cannot be reached at all (connection refused,
    /// unknown host); 1 = never retry those. Capped by [`max_attempts`](Self::max_attempts).
    pub fn max_unreachable_attempts(mut self, attempts: u32) -> Self {
        self.max_unreachable_attempts = attempts;
        self
    }

    /// How many attempts in all `err` may have: fewer for an unreachable server.
    pub(crate) fn attempts_for(&self, err: &Error) -> u32 {
        let max = self.max_attempts.max(1);
        if err.unreachable().is_some() {
            self.max_unreachable_attempts.clamp(1, max)
        } else {
            max
        }
    }

    /// The wait before the next attempt, given the previous wait (`None` before the first retry).
    pub(crate) fn next_delay(&self, previous: Option<Duration>) -> Duration {
        let base = self.base_delay;
        let upper = previous
            .map_or(base.saturating_mul(3), |p| p.saturating_mul(3))
            .max(base);
        let span = upper.saturating_sub(base).as_millis() as u64;
        let jitter = if span == 0 {
            0
        } else {
            fastrand::u64(0..=span)
        };
        (base + Duration::from_millis(jitter)).min(self.max_delay)
    }
}

/// A retry about to happen, as handed to the callback set with
/// [`NativeApiBuilder::on_retry`](crate::NativeApiBuilder::on_retry) (to tell a user why
/// a command waits).
#[derive(Debug)]
#[non_exhaustive]
pub struct RetryNotice<'a> {
    /// HTTP method of the request.
    pub method: &'a str,
    /// URL of the request, without secrets.
    pub url: &'a str,
    /// Why the attempt failed.
    pub error: &'a Error,
    /// The number of the next attempt (2 for the first retry).
    pub next_attempt: u32,
    /// How many attempts this request may have in all.
    pub max_attempts: u32,
    /// How long the client waits before the next attempt.
    pub delay: Duration,
}

/// The callback of [`NativeApiBuilder::on_retry`](crate::NativeApiBuilder::on_retry).
pub(crate) type RetryCallback = std::sync::Arc<dyn Fn(&RetryNotice<'_>) + Send + Sync>;

/// What a reconcile hook found out after a failure that may have reached the server
/// ([`may_have_landed`]).
///
/// A request that is not idempotent (adding a file) is never re-sent blindly after such a
/// failure: its hook looks at the server first (the dataset's file list, say) and answers.
/// The request path then ends the request or re-sends it under the one [`RetryPolicy`].
#[derive(Debug)]
pub(crate) enum Reconciled<T> {
    /// The request had its effect, and this is its result: the request ends with it.
    Landed(T),
    /// It certainly had none: sending it again is safe, if attempts are left.
    NotLanded,
    /// It cannot be told: the request ends with the failure.
    Unknown,
}

impl<T> Reconciled<T> {
    /// The same answer with the result of a landed request mapped.
    pub(crate) fn map<U>(self, f: impl FnOnce(T) -> U) -> Reconciled<U> {
        match self {
            Reconciled::Landed(v) => Reconciled::Landed(f(v)),
            Reconciled::NotLanded => Reconciled::NotLanded,
            Reconciled::Unknown => Reconciled::Unknown,
        }
    }
}

/// The type of the absent reconcile hook of an ordinary request.
pub(crate) type NoReconcile<T> =
    fn(&Error) -> std::future::Ready<crate::error::Result<Reconciled<T>>>;

/// How a request with a reconcile hook ended: with the server's answer, or with what the
/// hook found on the server after the answer was lost.
#[derive(Debug)]
pub(crate) enum Settled<A, L> {
    /// The server answered.
    Answered(A),
    /// The answer was lost, but the request had landed: what the hook found.
    Found(L),
}

/// Whether a failed request may have had its effect on the server: the connection broke
/// after sending, the server failed (5xx), or its answer could not be read.
pub(crate) fn may_have_landed(err: &Error) -> bool {
    match err {
        Error::Transport { maybe_sent, .. } => *maybe_sent,
        Error::Server(api) => api.status >= 500,
        Error::Decode { .. } => true,
        _ => false,
    }
}

/// Parse a `Retry-After` header: delay-seconds or an HTTP date.
pub(crate) fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = parse_http_date(v)?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Parse an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form RFC 9110 requires senders to use.
fn parse_http_date(s: &str) -> Option<std::time::SystemTime> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    if parts.len() != 6 || parts[5] != "GMT" {
        return None;
    }
    let day: u64 = parts[1].parse().ok()?;
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| *m == parts[2])? as u64
        + 1;
    let year: i64 = parts[3].parse().ok()?;
    let hms: Vec<u64> = parts[4]
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    if hms.len() != 3 || !(1..=31).contains(&day) || hms[0] > 23 || hms[1] > 59 || hms[2] > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    if days < 0 {
        return None;
    }
    let secs = days as u64 * 86_400 + hms[0] * 3600 + hms[1] * 60 + hms[2];
    Some(std::time::UNIX_EPOCH + Duration::from_secs(secs))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u64, d: u64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    #[test]
    fn delays_stay_within_bounds() {
        let p = RetryPolicy::default();
        let mut prev = None;
        for _ in 0..1000 {
            let d = p.next_delay(prev);
            assert!(d >= p.base_delay && d <= p.max_delay, "{d:?}");
            prev = Some(d);
        }
    }

    #[test]
    fn delays_grow_at_most_threefold() {
        let p = RetryPolicy::new().max_delay(Duration::from_secs(3600));
        // With a previous wait of 10 s the next one lies in [base, 30 s]; over many draws
        // some exceed 10 s, none exceeds 30 s.
        let previous = Duration::from_secs(10);
        let draws: Vec<Duration> = (0..1000).map(|_| p.next_delay(Some(previous))).collect();
        assert!(draws.iter().any(|d| *d > previous));
        assert!(
            draws
                .iter()
                .all(|d| *d >= p.base_delay && *d <= previous * 3),
            "{draws:?}"
        );
        // The first wait lies in [base, 3 x base].
        for _ in 0..1000 {
            let first = p.next_delay(None);
            assert!(
                first >= p.base_delay && first <= p.base_delay * 3,
                "{first:?}"
            );
        }
        // A wait that would grow past `max_delay` is cut to it.
        let capped = RetryPolicy::new().max_delay(Duration::from_secs(12));
        let draws: Vec<Duration> = (0..1000)
            .map(|_| capped.next_delay(Some(previous)))
            .collect();
        assert!(draws.iter().all(|d| *d <= capped.max_delay), "{draws:?}");
        assert!(draws.contains(&capped.max_delay));
    }

    #[test]
    fn builders_set_each_field() {
        let p = RetryPolicy::new()
            .max_attempts(2)
            .base_delay(Duration::from_millis(1))
            .max_delay(Duration::from_millis(2))
            .max_retry_after(Duration::from_secs(3))
            .max_unreachable_attempts(4);
        assert_eq!(
            (
                p.max_attempts,
                p.base_delay,
                p.max_delay,
                p.max_retry_after,
                p.max_unreachable_attempts
            ),
            (
                2,
                Duration::from_millis(1),
                Duration::from_millis(2),
                Duration::from_secs(3),
                4
            )
        );
        assert_eq!(RetryPolicy::none().max_attempts, 1);
        assert_eq!(RetryPolicy::new(), RetryPolicy::default());
    }

    #[test]
    fn an_unreachable_server_gets_fewer_attempts() {
        #[derive(Debug)]
        struct Refused(std::io::Error);
        impl std::fmt::Display for Refused {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("tcp connect error")
            }
        }
        impl std::error::Error for Refused {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let refused = Error::Transport {
            method: "GET".into(),
            url: "u".into(),
            message: "connection refused".into(),
            maybe_sent: false,
            timeout: false,
            source: Some(crate::error::TransportSource::new(Refused(
                std::io::Error::from(std::io::ErrorKind::ConnectionRefused),
            ))),
        };
        let reset = Error::Transport {
            method: "GET".into(),
            url: "u".into(),
            message: "reset".into(),
            maybe_sent: true,
            timeout: false,
            source: None,
        };
        let p = RetryPolicy::default();
        assert_eq!(p.attempts_for(&refused), 2);
        assert_eq!(p.attempts_for(&reset), 6);
        // Never more than max_attempts, never fewer than one.
        assert_eq!(RetryPolicy::none().attempts_for(&refused), 1);
        let p = RetryPolicy::new().max_unreachable_attempts(0);
        assert_eq!(p.attempts_for(&refused), 1);
        let p = RetryPolicy::new()
            .max_attempts(3)
            .max_unreachable_attempts(10);
        assert_eq!(p.attempts_for(&refused), 3);
    }

    #[test]
    fn what_may_have_landed() {
        let transport = |maybe_sent| Error::Transport {
            method: "POST".into(),
            url: "u".into(),
            message: "m".into(),
            maybe_sent,
            timeout: false,
            source: None,
        };
        let status = |status| {
            Error::from_status(
                crate::error::ApiError {
                    status,
                    message: "m".into(),
                    method: "POST".into(),
                    url: "u".into(),
                    token_sent: false,
                },
                None,
            )
        };
        assert!(may_have_landed(&transport(true)));
        assert!(!may_have_landed(&transport(false)));
        assert!(may_have_landed(&status(500)));
        assert!(may_have_landed(&status(503)));
        assert!(!may_have_landed(&status(429)));
        assert!(!may_have_landed(&status(400)));
        assert!(!may_have_landed(&Error::InvalidArgument("x".into())));
    }

    mod reconcile {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};

        use super::*;
        use crate::client::{Body, MultipartBody, NativeApi, Request};

        /// A server whose `POST /api/x` answers `status` (200: an OK envelope), counting hits.
        async fn server(status: u16) -> (NativeApi, Arc<AtomicUsize>, Arc<AtomicU16>) {
            use axum::http::StatusCode;
            let hits = Arc::new(AtomicUsize::new(0));
            let answer = Arc::new(AtomicU16::new(status));
            let (h, a) = (hits.clone(), answer.clone());
            let router = axum::Router::new().route(
                "/api/x",
                axum::routing::post(move || async move {
                    h.fetch_add(1, Ordering::SeqCst);
                    let status = StatusCode::from_u16(a.load(Ordering::SeqCst)).unwrap();
                    let body = if status.is_success() {
                        serde_json::json!({"status": "OK", "data": {"n": 1}})
                    } else {
                        serde_json::json!({"status": "ERROR", "message": "no"})
                    };
                    (status, axum::Json(body))
                }),
            );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            tokio::spawn(async move { axum::serve(listener, router).await });
            let api = NativeApi::builder(format!("http://{addr}"))
                .retry_policy(
                    RetryPolicy::new()
                        .max_attempts(3)
                        .base_delay(Duration::from_millis(1))
                        .max_delay(Duration::from_millis(2)),
                )
                .build()
                .unwrap();
            (api, hits, answer)
        }

        /// A hook that answers `answers` in turn (the last one from then on), counting calls.
        fn hook(
            answers: Vec<fn() -> Reconciled<&'static str>>,
            calls: &AtomicUsize,
        ) -> impl Fn(&Error) -> std::future::Ready<crate::error::Result<Reconciled<&'static str>>> + '_
        {
            move |err: &Error| {
                assert!(
                    may_have_landed(err),
                    "only asked after an ambiguous failure"
                );
                let n = calls.fetch_add(1, Ordering::SeqCst);
                let answer = answers[n.min(answers.len() - 1)];
                std::future::ready(Ok(answer()))
            }
        }

        #[tokio::test]
        async fn not_landed_is_sent_again_under_the_policy() {
            let (api, hits, _) = server(500).await;
            let calls = AtomicUsize::new(0);
            let err = api
                .execute_envelope_with(
                    &Request::post("x"),
                    hook(vec![|| Reconciled::NotLanded], &calls),
                )
                .await
                .unwrap_err();
            assert_eq!(err.status(), Some(500));
            assert_eq!(hits.load(Ordering::SeqCst), 3, "max_attempts in all");
            assert_eq!(calls.load(Ordering::SeqCst), 3, "asked after every attempt");
        }

        #[tokio::test]
        async fn landed_ends_the_request_with_what_was_found() {
            let (api, hits, _) = server(503).await;
            let calls = AtomicUsize::new(0);
            let settled = api
                .execute_envelope_with(
                    &Request::post("x"),
                    hook(
                        vec![|| Reconciled::NotLanded, || Reconciled::Landed("found")],
                        &calls,
                    ),
                )
                .await
                .unwrap();
            assert!(matches!(settled, Settled::Found("found")));
            assert_eq!(hits.load(Ordering::SeqCst), 2);
        }

        #[tokio::test]
        async fn unknown_ends_the_request_with_the_failure() {
            let (api, hits, _) = server(500).await;
            let calls = AtomicUsize::new(0);
            let err = api
                .execute_envelope_with(
                    &Request::post("x"),
                    hook(vec![|| Reconciled::Unknown], &calls),
                )
                .await
                .unwrap_err();
            assert_eq!(err.status(), Some(500));
            assert_eq!(hits.load(Ordering::SeqCst), 1);
        }

        #[tokio::test]
        async fn answers_and_certain_failures_never_ask() {
            let (api, hits, answer) = server(200).await;
            let calls = AtomicUsize::new(0);
            let settled = api
                .execute_envelope_with(
                    &Request::post("x"),
                    hook(vec![|| Reconciled::Unknown], &calls),
                )
                .await
                .unwrap();
            assert!(matches!(settled, Settled::Answered((ref env, _)) if env.data["n"] == 1));
            answer.store(400, Ordering::SeqCst);
            let err = api
                .execute_envelope_with(
                    &Request::post("x"),
                    hook(vec![|| Reconciled::Unknown], &calls),
                )
                .await
                .unwrap_err();
            assert_eq!(err.status(), Some(400));
            assert_eq!(hits.load(Ordering::SeqCst), 2);
            assert_eq!(calls.load(Ordering::SeqCst), 0);
        }

        #[tokio::test]
        async fn a_body_that_cannot_be_rebuilt_is_not_sent_again() {
            let (api, hits, _) = server(500).await;
            let calls = AtomicUsize::new(0);
            let mut req = Request::post("x");
            req.body = Some(Body::Multipart(MultipartBody {
                form: Arc::new(|| Ok(reqwest::multipart::Form::new().text("a", "b"))),
                rebuildable: false,
            }));
            let err = api
                .execute_envelope_with(&req, hook(vec![|| Reconciled::NotLanded], &calls))
                .await
                .unwrap_err();
            assert_eq!(err.status(), Some(500));
            assert_eq!(hits.load(Ordering::SeqCst), 1);
            assert_eq!(calls.load(Ordering::SeqCst), 1);
        }
    }

    #[test]
    fn retry_after_forms() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }
}
