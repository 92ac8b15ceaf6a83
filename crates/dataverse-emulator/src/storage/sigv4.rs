//! AWS Signature Version 4 for S3: presigned URLs (the signature in the query, as the AWS
//! SDK's presigner makes them for Dataverse's `uploadurls`) and signed requests (the
//! signature in the `Authorization` header). HMAC-SHA256 is built on `sha2` (RFC 2104), so
//! no crate beyond the ones the emulator already has is needed.

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// The hex SHA-256 of an empty payload.
pub(crate) const EMPTY_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Access key, secret and region of the store.
#[derive(Clone)]
pub(crate) struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub region: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key_set", &!self.secret_access_key.is_empty())
            .field("region", &self.region)
            .finish()
    }
}

/// One request to sign: method, host (with port), the path as sent (already encoded), the
/// query pairs (not encoded) and the headers to sign besides `host` (lowercase names).
#[derive(Debug, Clone)]
pub(crate) struct Request<'a> {
    pub method: &'a str,
    pub host: &'a str,
    pub path: &'a str,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(data);
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// RFC 3986 encoding as SigV4 wants it: unreserved characters kept, `/` kept only when
/// `keep_slash` (object keys in paths).
pub(crate) fn uri_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b'/' if keep_slash => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `20130524T000000Z` and `20130524`.
fn stamps(at: OffsetDateTime) -> (String, String) {
    let at = at.to_offset(time::UtcOffset::UTC);
    let date = format!("{:04}{:02}{:02}", at.year(), u8::from(at.month()), at.day());
    let stamp = format!(
        "{date}T{:02}{:02}{:02}Z",
        at.hour(),
        at.minute(),
        at.second()
    );
    (stamp, date)
}

fn canonical_query(query: &[(String, String)]) -> String {
    let mut pairs: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| (uri_encode(k, false), uri_encode(v, false)))
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The signature of `req` and the `SignedHeaders` list.
fn signature(
    creds: &Credentials,
    req: &Request<'_>,
    stamp: &str,
    date: &str,
    payload_hash: &str,
) -> (String, String) {
    let mut headers: Vec<(String, String)> = req
        .headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    headers.push(("host".to_string(), req.host.to_string()));
    headers.sort();
    let signed: Vec<&str> = headers.iter().map(|(k, _)| k.as_str()).collect();
    let signed = signed.join(";");
    let canonical_headers: String = headers.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let canonical = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        req.method,
        req.path,
        canonical_query(&req.query),
        canonical_headers,
        signed,
        payload_hash
    );
    let scope = format!("{date}/{}/s3/aws4_request", creds.region);
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{stamp}\n{scope}\n{}",
        hex::encode(Sha256::digest(canonical.as_bytes()))
    );
    let k_date = hmac(
        format!("AWS4{}", creds.secret_access_key).as_bytes(),
        date.as_bytes(),
    );
    let k_region = hmac(&k_date, creds.region.as_bytes());
    let k_service = hmac(&k_region, b"s3");
    let k_signing = hmac(&k_service, b"aws4_request");
    (hex::encode(hmac(&k_signing, to_sign.as_bytes())), signed)
}

/// The query string of a presigned URL for `req` (its own query pairs included), valid for
/// `expires_secs` from `at`. The payload is not signed (`UNSIGNED-PAYLOAD`), as for every
/// presigned S3 URL.
pub(crate) fn presign_query(
    creds: &Credentials,
    mut req: Request<'_>,
    at: OffsetDateTime,
    expires_secs: u64,
) -> String {
    let (stamp, date) = stamps(at);
    let mut signed: Vec<String> = req
        .headers
        .iter()
        .map(|(k, _)| k.to_ascii_lowercase())
        .collect();
    signed.push("host".into());
    signed.sort();
    req.query.extend([
        ("X-Amz-Algorithm".into(), "AWS4-HMAC-SHA256".into()),
        (
            "X-Amz-Credential".into(),
            format!(
                "{}/{date}/{}/s3/aws4_request",
                creds.access_key_id, creds.region
            ),
        ),
        ("X-Amz-Date".into(), stamp.clone()),
        ("X-Amz-Expires".into(), expires_secs.to_string()),
        ("X-Amz-SignedHeaders".into(), signed.join(";")),
    ]);
    let (sig, _) = signature(creds, &req, &stamp, &date, "UNSIGNED-PAYLOAD");
    format!("{}&X-Amz-Signature={sig}", canonical_query(&req.query))
}

/// The headers to add to `req` (`x-amz-date`, `x-amz-content-sha256`, `authorization`) to
/// sign it with a payload of hash `payload_hash`.
pub(crate) fn sign_headers(
    creds: &Credentials,
    mut req: Request<'_>,
    at: OffsetDateTime,
    payload_hash: &str,
) -> Vec<(String, String)> {
    let (stamp, date) = stamps(at);
    req.headers
        .push(("x-amz-content-sha256".into(), payload_hash.to_string()));
    req.headers.push(("x-amz-date".into(), stamp.clone()));
    let (sig, signed) = signature(creds, &req, &stamp, &date, payload_hash);
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential={}/{date}/{}/s3/aws4_request, SignedHeaders={signed}, Signature={sig}",
        creds.access_key_id, creds.region
    );
    vec![
        ("x-amz-date".into(), stamp),
        ("x-amz-content-sha256".into(), payload_hash.to_string()),
        ("authorization".into(), auth),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> Credentials {
        Credentials {
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
            region: "us-east-1".into(),
        }
    }

    fn may_24_2013() -> OffsetDateTime {
        time::macros::datetime!(2013-05-24 00:00:00 UTC)
    }

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        let mac = hmac(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    /// The presigned GET of the AWS S3 documentation ("Authenticating Requests: Using Query
    /// Parameters").
    #[test]
    fn presigned_url_matches_the_aws_example() {
        let req = Request {
            method: "GET",
            host: "examplebucket.s3.amazonaws.com",
            path: "/test.txt",
            query: Vec::new(),
            headers: Vec::new(),
        };
        let q = presign_query(&example(), req, may_24_2013(), 86400);
        assert!(
            q.ends_with(
                "X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
            ),
            "{q}"
        );
        assert!(q.contains(
            "X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
        ));
    }

    /// The signed GET with a `Range` of the AWS S3 documentation ("Signature Calculations
    /// for the Authorization Header").
    #[test]
    fn signed_headers_match_the_aws_example() {
        let req = Request {
            method: "GET",
            host: "examplebucket.s3.amazonaws.com",
            path: "/test.txt",
            query: Vec::new(),
            headers: vec![("range".into(), "bytes=0-9".into())],
        };
        let h = sign_headers(&example(), req, may_24_2013(), EMPTY_SHA256);
        let auth = &h.iter().find(|(k, _)| k == "authorization").unwrap().1;
        assert_eq!(
            auth,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, \
             SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, \
             Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        );
    }

    #[test]
    fn keys_are_encoded_but_slashes_kept_in_paths() {
        assert_eq!(uri_encode("a b/c+d~", true), "a%20b/c%2Bd~");
        assert_eq!(uri_encode("a/b", false), "a%2Fb");
    }
}
