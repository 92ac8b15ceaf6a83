//! A small S3 client for the store: the requests Dataverse's `S3AccessIO` makes (presigned
//! PUT, GET and `UploadPart` URLs; `CreateMultipartUpload`, `CompleteMultipartUpload`,
//! `AbortMultipartUpload`, `HeadObject`, `GetObject`, `PutObject`, `DeleteObject`,
//! `DeleteObjectTagging`), path-style against the configured endpoint, signed with
//! [`super::sigv4`].

use reqwest::{Method, StatusCode, Url};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::S3Config;
use super::sigv4::{self, Credentials, EMPTY_SHA256, Request};

/// What went wrong talking to the object store.
#[derive(Debug, thiserror::Error)]
pub(crate) enum S3Error {
    /// The request could not be sent or its answer read.
    #[error("object store unreachable: {0}")]
    Transport(String),
    /// The store answered with an error.
    #[error("object store answered {status}: {code}")]
    Status {
        /// The HTTP status.
        status: u16,
        /// The S3 error code (`NoSuchUpload`, `InvalidPart`, ...), or the body's start.
        code: String,
    },
    /// The store's answer could not be understood.
    #[error("object store answer not understood: {0}")]
    Answer(String),
}

impl From<reqwest::Error> for S3Error {
    fn from(e: reqwest::Error) -> Self {
        S3Error::Transport(e.without_url().to_string())
    }
}

/// A bucket on an S3-compatible endpoint.
#[derive(Debug, Clone)]
pub(crate) struct Bucket {
    endpoint: Url,
    bucket: String,
    creds: Credentials,
    http: reqwest::Client,
}

impl Bucket {
    /// A client for the configured bucket.
    pub(crate) fn new(config: &S3Config) -> Result<Bucket, String> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut endpoint = Url::parse(&config.endpoint)
            .map_err(|e| format!("bad S3 endpoint {:?}: {e}", config.endpoint))?;
        if endpoint.host_str().is_none() {
            return Err(format!("S3 endpoint {:?} has no host", config.endpoint));
        }
        if !endpoint.path().ends_with('/') {
            let p = format!("{}/", endpoint.path());
            endpoint.set_path(&p);
        }
        let http = reqwest::Client::builder()
            .build()
            .map_err(|e| format!("cannot build the S3 HTTP client: {e}"))?;
        Ok(Bucket {
            endpoint,
            bucket: config.bucket.clone(),
            creds: Credentials {
                access_key_id: config.access_key_id.clone(),
                secret_access_key: config.secret_access_key.clone(),
                region: config.region.clone(),
            },
            http,
        })
    }

    /// The bucket's name.
    pub(crate) fn name(&self) -> &str {
        &self.bucket
    }

    /// `host[:port]` as signed.
    fn host(&self) -> String {
        let host = self.endpoint.host_str().unwrap_or_default();
        match self.endpoint.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.to_string(),
        }
    }

    /// The encoded path of an object (`/<prefix>/<bucket>/<key>`).
    fn object_path(&self, key: &str) -> String {
        format!(
            "{}{}/{}",
            self.endpoint.path(),
            sigv4::uri_encode(&self.bucket, false),
            sigv4::uri_encode(key, true)
        )
    }

    fn url(&self, path: &str, query: &str) -> String {
        let mut base = format!("{}://{}{path}", self.endpoint.scheme(), self.host());
        if !query.is_empty() {
            base.push('?');
            base.push_str(query);
        }
        base
    }

    /// A presigned URL for `method` on `key` with the given query pairs, signing `headers`
    /// (which the caller must then send), valid for `expires_secs`.
    fn presign(
        &self,
        method: &str,
        key: &str,
        query: Vec<(String, String)>,
        headers: Vec<(String, String)>,
        expires_secs: u64,
    ) -> String {
        let path = self.object_path(key);
        let host = self.host();
        let q = sigv4::presign_query(
            &self.creds,
            Request {
                method,
                host: &host,
                path: &path,
                query,
                headers,
            },
            OffsetDateTime::now_utc(),
            expires_secs,
        );
        self.url(&path, &q)
    }

    /// A presigned single-part PUT; with `tagging` the client must send
    /// `x-amz-tagging: dv-state=temp` (a signed header, as the AWS SDK presigns it).
    pub(crate) fn presign_put(&self, key: &str, tagging: bool, expires_secs: u64) -> String {
        let headers = if tagging {
            vec![("x-amz-tagging".to_string(), "dv-state=temp".to_string())]
        } else {
            Vec::new()
        };
        self.presign("PUT", key, Vec::new(), headers, expires_secs)
    }

    /// A presigned `UploadPart`.
    pub(crate) fn presign_part(
        &self,
        key: &str,
        upload_id: &str,
        part: u64,
        expires_secs: u64,
    ) -> String {
        let query = vec![
            ("partNumber".to_string(), part.to_string()),
            ("uploadId".to_string(), upload_id.to_string()),
        ];
        self.presign("PUT", key, query, Vec::new(), expires_secs)
    }

    /// A presigned GET answering with the given `Content-Disposition` and type.
    pub(crate) fn presign_get(
        &self,
        key: &str,
        disposition: &str,
        content_type: &str,
        expires_secs: u64,
    ) -> String {
        let query = vec![
            (
                "response-content-disposition".to_string(),
                disposition.to_string(),
            ),
            (
                "response-content-type".to_string(),
                content_type.to_string(),
            ),
        ];
        self.presign("GET", key, query, Vec::new(), expires_secs)
    }

    /// Send a header-signed request.
    async fn send(
        &self,
        method: Method,
        key: &str,
        query: Vec<(String, String)>,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    ) -> Result<reqwest::Response, S3Error> {
        let hash = if body.is_empty() {
            EMPTY_SHA256.to_string()
        } else {
            hex::encode(Sha256::digest(&body))
        };
        self.send_body(method, key, query, headers, &hash, body.into())
            .await
    }

    /// Send a header-signed request whose body has the payload hash `hash`
    /// (`UNSIGNED-PAYLOAD` for a streamed one).
    async fn send_body(
        &self,
        method: Method,
        key: &str,
        query: Vec<(String, String)>,
        headers: Vec<(String, String)>,
        hash: &str,
        body: reqwest::Body,
    ) -> Result<reqwest::Response, S3Error> {
        let path = self.object_path(key);
        let host = self.host();
        let qs: Vec<String> = {
            let mut pairs: Vec<(String, String)> = query
                .iter()
                .map(|(k, v)| (sigv4::uri_encode(k, false), sigv4::uri_encode(v, false)))
                .collect();
            pairs.sort();
            pairs
                .into_iter()
                .map(|(k, v)| if v.is_empty() { k } else { format!("{k}={v}") })
                .collect()
        };
        let signed = sigv4::sign_headers(
            &self.creds,
            Request {
                method: method.as_str(),
                host: &host,
                path: &path,
                query,
                headers: headers.clone(),
            },
            OffsetDateTime::now_utc(),
            hash,
        );
        let mut req = self.http.request(method, self.url(&path, &qs.join("&")));
        for (k, v) in headers.iter().chain(signed.iter()) {
            req = req.header(k.as_str(), v.as_str());
        }
        Ok(req.body(body).send().await?)
    }

    /// The error of an answer that is not a success.
    async fn failure(resp: reqwest::Response) -> S3Error {
        let status = resp.status().as_u16();
        let body = resp.text().await.unwrap_or_default();
        let code = xml_text(&body, "Code").unwrap_or_else(|| body.chars().take(80).collect());
        S3Error::Status { status, code }
    }

    /// `CreateMultipartUpload`: the new upload's id.
    pub(crate) async fn create_multipart(&self, key: &str) -> Result<String, S3Error> {
        let resp = self
            .send(
                Method::POST,
                key,
                vec![("uploads".into(), String::new())],
                Vec::new(),
                Vec::new(),
            )
            .await?;
        if !resp.status().is_success() {
            return Err(Self::failure(resp).await);
        }
        let body = resp.text().await?;
        xml_text(&body, "UploadId").ok_or_else(|| S3Error::Answer("no UploadId".into()))
    }

    /// `CompleteMultipartUpload` with `(part number, ETag)` pairs in part order.
    pub(crate) async fn complete_multipart(
        &self,
        key: &str,
        upload_id: &str,
        parts: &[(u64, String)],
    ) -> Result<(), S3Error> {
        let mut xml = String::from("<CompleteMultipartUpload>");
        for (n, etag) in parts {
            let etag = etag
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            xml.push_str(&format!(
                "<Part><PartNumber>{n}</PartNumber><ETag>{etag}</ETag></Part>"
            ));
        }
        xml.push_str("</CompleteMultipartUpload>");
        let resp = self
            .send(
                Method::POST,
                key,
                vec![("uploadId".into(), upload_id.to_string())],
                Vec::new(),
                xml.into_bytes(),
            )
            .await?;
        if !resp.status().is_success() {
            return Err(Self::failure(resp).await);
        }
        // S3 may answer 200 with an error document.
        let body = resp.text().await?;
        match xml_text(&body, "Code") {
            Some(code) if body.contains("<Error") => Err(S3Error::Status { status: 200, code }),
            _ => Ok(()),
        }
    }

    /// `AbortMultipartUpload`.
    pub(crate) async fn abort_multipart(&self, key: &str, upload_id: &str) -> Result<(), S3Error> {
        let resp = self
            .send(
                Method::DELETE,
                key,
                vec![("uploadId".into(), upload_id.to_string())],
                Vec::new(),
                Vec::new(),
            )
            .await?;
        if !resp.status().is_success() {
            return Err(Self::failure(resp).await);
        }
        Ok(())
    }

    /// `HeadObject`: the object's size, or `None` when there is no such object.
    pub(crate) async fn size_of(&self, key: &str) -> Result<Option<u64>, S3Error> {
        let resp = self
            .send(Method::HEAD, key, Vec::new(), Vec::new(), Vec::new())
            .await?;
        if resp.status() == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !resp.status().is_success() {
            return Err(S3Error::Status {
                status: resp.status().as_u16(),
                code: "HeadObject".into(),
            });
        }
        resp.headers()
            .get(reqwest::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .map(Some)
            .ok_or_else(|| S3Error::Answer("HeadObject without Content-Length".into()))
    }

    /// `GetObject`, with an optional `Range` header value; the answer is returned as it
    /// came (200 or 206) for streaming.
    pub(crate) async fn get(
        &self,
        key: &str,
        range: Option<String>,
    ) -> Result<reqwest::Response, S3Error> {
        let headers = range
            .map(|r| vec![("range".to_string(), r)])
            .unwrap_or_default();
        let resp = self
            .send(Method::GET, key, Vec::new(), headers, Vec::new())
            .await?;
        if !resp.status().is_success() {
            return Err(Self::failure(resp).await);
        }
        Ok(resp)
    }

    /// `PutObject` of a file on disk, streamed (`UNSIGNED-PAYLOAD`): what the ingest
    /// writes back (the `.tab` and the `.orig` beside it).
    pub(crate) async fn put_file(&self, key: &str, path: &std::path::Path) -> Result<(), S3Error> {
        let file = tokio::fs::File::open(path)
            .await
            .map_err(|e| S3Error::Transport(format!("reading {}: {e}", path.display())))?;
        let len = file
            .metadata()
            .await
            .map_err(|e| S3Error::Transport(format!("reading {}: {e}", path.display())))?
            .len();
        let body = reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::new(file));
        let resp = self
            .send_body(
                Method::PUT,
                key,
                Vec::new(),
                vec![("content-length".into(), len.to_string())],
                "UNSIGNED-PAYLOAD",
                body,
            )
            .await?;
        if !resp.status().is_success() {
            return Err(Self::failure(resp).await);
        }
        Ok(())
    }

    /// `GetObject` into a file on disk, streamed.
    pub(crate) async fn get_to_file(
        &self,
        key: &str,
        path: &std::path::Path,
    ) -> Result<(), S3Error> {
        use futures_util::StreamExt;
        use tokio::io::AsyncWriteExt;
        let resp = self.get(key, None).await?;
        let io = |e: std::io::Error| S3Error::Transport(format!("writing {}: {e}", path.display()));
        let mut out = tokio::fs::File::create(path).await.map_err(io)?;
        let mut body = resp.bytes_stream();
        while let Some(chunk) = body.next().await {
            out.write_all(&chunk?).await.map_err(io)?;
        }
        out.flush().await.map_err(io)?;
        Ok(())
    }

    /// `DeleteObject`: remove an object (a deleted file's bytes); an object already gone
    /// is no error (S3 answers 204 either way).
    pub(crate) async fn delete_object(&self, key: &str) -> Result<(), S3Error> {
        let resp = self
            .send(Method::DELETE, key, Vec::new(), Vec::new(), Vec::new())
            .await?;
        if !resp.status().is_success() && resp.status() != StatusCode::NOT_FOUND {
            return Err(Self::failure(resp).await);
        }
        Ok(())
    }

    /// `DeleteObjectTagging`: drop the `dv-state=temp` tag of a registered upload.
    pub(crate) async fn clear_tags(&self, key: &str) -> Result<(), S3Error> {
        let resp = self
            .send(
                Method::DELETE,
                key,
                vec![("tagging".into(), String::new())],
                Vec::new(),
                Vec::new(),
            )
            .await?;
        if !resp.status().is_success() {
            return Err(Self::failure(resp).await);
        }
        Ok(())
    }
}

/// The text of the first `<name>` element of an XML answer (S3's answers are flat enough
/// for this; the text is unescaped).
fn xml_text(body: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = body.find(&open)? + open.len();
    let end = body[start..].find(&format!("</{name}>"))? + start;
    Some(
        body[start..end]
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_finds_and_unescapes() {
        let body = "<?xml version=\"1.0\"?><InitiateMultipartUploadResult><Bucket>b</Bucket>\
                    <UploadId>a&amp;b</UploadId></InitiateMultipartUploadResult>";
        assert_eq!(xml_text(body, "UploadId").as_deref(), Some("a&b"));
        assert_eq!(xml_text(body, "Code"), None);
    }

    #[test]
    fn presigned_part_urls_are_path_style_with_the_upload() {
        let config = S3Config::new("bkt", "http://127.0.0.1:9000", "AKID", "SECRET");
        let b = Bucket::new(&config).unwrap();
        let url = b.presign_part("10.5072/FK2/X/18f-ab", "up 1", 3, 60);
        assert!(
            url.starts_with("http://127.0.0.1:9000/bkt/10.5072/FK2/X/18f-ab?"),
            "{url}"
        );
        assert!(url.contains("partNumber=3"), "{url}");
        assert!(url.contains("uploadId=up%201"), "{url}");
        assert!(url.contains("X-Amz-Expires=60"), "{url}");
        assert!(!url.contains("SECRET"), "{url}");
        let put = b.presign_put("k", true, 60);
        assert!(
            put.contains("X-Amz-SignedHeaders=host%3Bx-amz-tagging"),
            "{put}"
        );
    }
}
