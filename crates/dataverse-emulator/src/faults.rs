//! Fault injection: a seeded share of `/api` requests answered with a failure, so clients
//! can be tested against the ways real installations break (see [`FaultSpec`]).

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::envelope::ApiError;

/// Header naming the fault injected into a response (`503; before`), for tests and
/// debugging. A reset connection carries no header at all.
pub const FAULT_HEADER: &str = "x-dataverse-emulator-fault";

/// The seed used when a spec names none.
pub const DEFAULT_SEED: u64 = 0x5EED;

const FORMAT: &str =
    "format: rate=R[,seed=S][,kinds=503+500+429+reset+truncate+slow][,retry_after=SECS][,slow=MS]";

/// One kind of injected failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum FaultKind {
    /// `503 Service Unavailable` with a Dataverse-style JSON error body.
    Unavailable,
    /// `500` with Dataverse's body: `{"status":"ERROR","code":500,"message":"Internal server
    /// error. More details available at the server logs.","incidentId":"<uuid>"}`.
    Internal,
    /// `429 Too Many Requests` with `Retry-After` (always before the request's effect, as a
    /// rate limiter refuses a request unprocessed).
    RateLimited,
    /// The connection is closed before any byte of the response is sent.
    Reset,
    /// The status line and headers (with the full `Content-Length`) are sent, then the
    /// connection is closed halfway through the body.
    Truncate,
    /// The response comes late (see [`FaultSpec::slow`]) but is otherwise correct.
    Slow,
}

impl FaultKind {
    /// Every kind, in the order of the spec syntax.
    pub const ALL: [FaultKind; 6] = [
        FaultKind::Unavailable,
        FaultKind::Internal,
        FaultKind::RateLimited,
        FaultKind::Reset,
        FaultKind::Truncate,
        FaultKind::Slow,
    ];

    /// The name in the spec syntax (`503`, `500`, `429`, `reset`, `truncate`, `slow`).
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::Unavailable => "503",
            FaultKind::Internal => "500",
            FaultKind::RateLimited => "429",
            FaultKind::Reset => "reset",
            FaultKind::Truncate => "truncate",
            FaultKind::Slow => "slow",
        }
    }
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for FaultKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        FaultKind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!("unknown fault kind '{s}' (expected 503, 500, 429, reset, truncate, slow)")
            })
    }
}

/// Whether a fault strikes before the request's effect (the handler never runs) or after
/// it (the handler ran and changed what it changes; its answer is replaced or cut).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FaultPhase {
    /// The handler does not run.
    Before,
    /// The handler ran; the client does not get (all of) its answer.
    After,
}

impl fmt::Display for FaultPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FaultPhase::Before => "before",
            FaultPhase::After => "after",
        })
    }
}

/// The fault chosen for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fault {
    /// What goes wrong.
    pub kind: FaultKind,
    /// Before or after the request's effect.
    pub phase: FaultPhase,
}

/// Which `/api` requests fail and how, parsed from
/// `rate=R[,seed=S][,kinds=503+500+429+reset+truncate+slow][,retry_after=SECS][,slow=MS]`.
///
/// `rate` (0 to 1) is the share of `/api` requests hit by one fault; `kinds` defaults to all
/// six, `seed` to [`DEFAULT_SEED`], `retry_after` (the 429's `Retry-After`, seconds) to 1,
/// `slow` (the extra delay of `slow`, milliseconds) to 200. The fault of the n-th `/api`
/// request the server receives is a pure function of the seed and n
/// ([`FaultSpec::decide`]), so the same run order gives the same faults.
///
/// ```
/// use dataverse_emulator::{FaultKind, FaultSpec};
/// let spec: FaultSpec = "rate=0.1,seed=7,kinds=503+reset".parse().unwrap();
/// assert_eq!(spec.kinds, vec![FaultKind::Unavailable, FaultKind::Reset]);
/// assert!("rate=2".parse::<FaultSpec>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FaultSpec {
    /// Share of `/api` requests that get a fault, from 0 to 1.
    pub rate: f64,
    /// Seed of the deterministic choice.
    pub seed: u64,
    /// The kinds to choose from (never empty once parsed).
    pub kinds: Vec<FaultKind>,
    /// The `Retry-After` a 429 carries.
    pub retry_after: Duration,
    /// The extra delay of a `slow` fault.
    pub slow: Duration,
}

impl FaultSpec {
    /// A spec hitting `rate` of the requests with every kind, default seed and timings.
    pub fn new(rate: f64) -> Self {
        FaultSpec {
            rate: rate.clamp(0.0, 1.0),
            seed: DEFAULT_SEED,
            kinds: FaultKind::ALL.to_vec(),
            retry_after: Duration::from_secs(1),
            slow: Duration::from_millis(200),
        }
    }

    /// The fault of the `n`-th `/api` request (0-based), if any: a function of the seed and
    /// `n` only.
    pub fn decide(&self, n: u64) -> Option<Fault> {
        if self.kinds.is_empty() {
            return None;
        }
        let h = splitmix64(self.seed ^ splitmix64(n));
        // 53 random bits as a number in [0, 1).
        let u = (h >> 11) as f64 / (1u64 << 53) as f64;
        if u >= self.rate {
            return None;
        }
        let h2 = splitmix64(h);
        let kind = self.kinds[(h2 % self.kinds.len() as u64) as usize];
        let phase = if kind == FaultKind::RateLimited || (h2 >> 40) & 1 == 0 {
            FaultPhase::Before
        } else {
            FaultPhase::After
        };
        Some(Fault { kind, phase })
    }
}

impl fmt::Display for FaultSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kinds: Vec<&str> = self.kinds.iter().map(|k| k.name()).collect();
        write!(
            f,
            "rate={},seed={},kinds={},retry_after={},slow={}",
            self.rate,
            self.seed,
            kinds.join("+"),
            self.retry_after.as_secs(),
            self.slow.as_millis()
        )
    }
}

impl FromStr for FaultSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut spec = FaultSpec::new(0.0);
        let mut rate = None;
        let mut seen: Vec<&str> = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((key, value)) = part.split_once('=') else {
                return Err(format!("expected key=value, got '{part}' ({FORMAT})"));
            };
            let (key, value) = (key.trim(), value.trim());
            if seen.contains(&key) {
                return Err(format!("'{key}' is given twice ({FORMAT})"));
            }
            seen.push(key);
            let integer = || {
                value
                    .parse::<u64>()
                    .map_err(|_| format!("'{key}' must be a non-negative integer, got '{value}'"))
            };
            match key {
                "rate" => {
                    let r = value
                        .parse::<f64>()
                        .ok()
                        .filter(|r| (0.0..=1.0).contains(r))
                        .ok_or_else(|| {
                            format!("'rate' must be a number from 0 to 1, got '{value}'")
                        })?;
                    rate = Some(r);
                }
                "seed" => spec.seed = integer()?,
                "retry_after" => spec.retry_after = Duration::from_secs(integer()?),
                "slow" => spec.slow = Duration::from_millis(integer()?),
                "kinds" => {
                    let mut kinds = Vec::new();
                    for name in value.split('+').map(str::trim) {
                        if name.is_empty() {
                            return Err(format!("'kinds' has an empty entry in '{value}'"));
                        }
                        let kind: FaultKind = name.parse()?;
                        if !kinds.contains(&kind) {
                            kinds.push(kind);
                        }
                    }
                    spec.kinds = kinds;
                }
                other => {
                    return Err(format!(
                        "unknown key '{other}' (expected rate, seed, kinds, retry_after, slow; {FORMAT})"
                    ));
                }
            }
        }
        spec.rate = rate.ok_or_else(|| format!("missing 'rate' ({FORMAT})"))?;
        Ok(spec)
    }
}

fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The middleware's state: the spec and the count of `/api` requests seen.
#[derive(Debug)]
pub(crate) struct Injector {
    spec: FaultSpec,
    counter: AtomicU64,
}

impl Injector {
    pub(crate) fn new(spec: FaultSpec) -> Arc<Self> {
        Arc::new(Injector {
            spec,
            counter: AtomicU64::new(0),
        })
    }
}

/// The middleware: decide the request's fault (if any) and apply it before or after the
/// handler.
pub(crate) async fn inject(
    State(injector): State<Arc<Injector>>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    if !(path == "/api" || path.starts_with("/api/")) {
        return next.run(req).await;
    }
    let n = injector.counter.fetch_add(1, Ordering::Relaxed);
    let Some(fault) = injector.spec.decide(n) else {
        return next.run(req).await;
    };
    tracing::info!(request = n, method = %req.method(), path = %path, kind = %fault.kind, phase = %fault.phase, "injecting a fault");
    let spec = &injector.spec;
    let response = match fault.phase {
        FaultPhase::Before => {
            if fault.kind == FaultKind::Slow {
                tokio::time::sleep(spec.slow).await;
                next.run(req).await
            } else {
                failure(fault.kind, spec, None)
            }
        }
        FaultPhase::After => {
            let done = next.run(req).await;
            if fault.kind == FaultKind::Slow {
                tokio::time::sleep(spec.slow).await;
                done
            } else {
                failure(fault.kind, spec, Some(done))
            }
        }
    };
    mark(response, fault)
}

fn mark(mut response: Response, fault: Fault) -> Response {
    if let Ok(v) = HeaderValue::from_str(&format!("{}; {}", fault.kind, fault.phase)) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(FAULT_HEADER), v);
    }
    response
}

/// The failing answer of a non-`slow` fault; `done` is the handler's answer (after phase).
fn failure(kind: FaultKind, spec: &FaultSpec, done: Option<Response>) -> Response {
    match kind {
        FaultKind::Unavailable => ApiError::builder(
            StatusCode::SERVICE_UNAVAILABLE,
            "The server is temporarily unavailable. Please try again later.",
            None,
        )
        .into_response(),
        FaultKind::Internal => ApiError::internal().into_response(),
        FaultKind::RateLimited => {
            let mut r = ApiError::builder(
                StatusCode::TOO_MANY_REQUESTS,
                "Too many requests. Please try again later.",
                None,
            )
            .into_response();
            if let Ok(v) = HeaderValue::from_str(&spec.retry_after.as_secs().to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
        FaultKind::Reset => reset(),
        // Before the effect there is no answer to cut: cut Dataverse's 500 instead.
        FaultKind::Truncate => {
            truncate(done.unwrap_or_else(|| ApiError::internal().into_response()))
        }
        FaultKind::Slow => done.unwrap_or_else(reset),
    }
}

fn injected() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "injected fault")
}

/// A response whose body fails before its first byte: hyper drops the connection without
/// flushing the buffered status line and headers, so the client reads nothing.
fn reset() -> Response {
    let stream = futures_util::stream::once(async { Err::<Bytes, _>(injected()) });
    Response::new(Body::from_stream(stream))
}

/// Forward `response` with its full `Content-Length` but only the first half of its body,
/// then fail the body so the connection is closed mid-message.
fn truncate(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let Some(total) = body.size_hint().exact().or(declared).filter(|n| *n > 0) else {
        // Nothing to cut: an empty body. The closest failure is a reset.
        return reset();
    };
    let keep = total / 2;
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(total));
    parts.headers.remove(header::TRANSFER_ENCODING);
    // State: (the body's chunks, bytes still to forward, whether the cut is done).
    let state = (body.into_data_stream(), keep, false);
    let stream = futures_util::stream::unfold(state, |(mut data, left, cut)| async move {
        use futures_util::StreamExt;
        if cut {
            return None;
        }
        if left == 0 {
            // Give hyper a moment to flush what was sent, then break the message.
            tokio::time::sleep(Duration::from_millis(20)).await;
            return Some((Err(injected()), (data, 0, true)));
        }
        match data.next().await {
            Some(Ok(chunk)) => {
                let n = (chunk.len() as u64).min(left);
                let piece = chunk.slice(..n as usize);
                Some((Ok(piece), (data, left - n, false)))
            }
            Some(Err(e)) => Some((Err(std::io::Error::other(e.to_string())), (data, 0, true))),
            // The body was shorter than declared: end it where it ended (still short).
            None => Some((Err(injected()), (data, 0, true))),
        }
    });
    Response::from_parts(parts, Body::from_stream(stream))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_are_a_function_of_seed_and_number() {
        let a: FaultSpec = "rate=0.3,seed=9".parse().unwrap();
        let b = a.clone();
        let fa: Vec<_> = (0..1000).map(|n| a.decide(n)).collect();
        let fb: Vec<_> = (0..1000).map(|n| b.decide(n)).collect();
        assert_eq!(fa, fb);
        let c: FaultSpec = "rate=0.3,seed=10".parse().unwrap();
        let fc: Vec<_> = (0..1000).map(|n| c.decide(n)).collect();
        assert_ne!(fa, fc);
    }

    #[test]
    fn display_round_trips() {
        let s: FaultSpec = "rate=0.25,seed=3,kinds=reset+429,retry_after=0,slow=5"
            .parse()
            .unwrap();
        assert_eq!(s.to_string().parse::<FaultSpec>().unwrap(), s);
    }
}
