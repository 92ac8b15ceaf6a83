//! Reading the response headers of a download: `Content-Range` and the file name of
//! `Content-Disposition`, made safe to write.

use reqwest::header::{CONTENT_DISPOSITION, CONTENT_RANGE, HeaderMap};

/// `start` and `total` of `Content-Range: bytes start-end/total` (`total` may be `*`).
pub(super) fn parse_content_range(headers: &HeaderMap) -> Option<(u64, Option<u64>)> {
    let v = headers.get(CONTENT_RANGE)?.to_str().ok()?.trim();
    let rest = v.strip_prefix("bytes")?.trim_start();
    let (range, total) = rest.split_once('/')?;
    let (start, end) = range.trim().split_once('-')?;
    let start: u64 = start.trim().parse().ok()?;
    let end: u64 = end.trim().parse().ok()?;
    if end < start {
        return None;
    }
    let total = match total.trim() {
        "*" => None,
        t => Some(t.parse().ok()?),
    };
    Some((start, total))
}

/// The file name of a `Content-Disposition` header (`filename*=` preferred), decoded and
/// made safe: no path, no `..`.
pub(super) fn content_disposition_name(headers: &HeaderMap) -> Option<String> {
    let raw = String::from_utf8_lossy(headers.get(CONTENT_DISPOSITION)?.as_bytes()).into_owned();
    let mut plain = None;
    let mut extended = None;
    for param in split_params(&raw) {
        let Some((key, value)) = param.split_once('=') else {
            continue;
        };
        let value = value.trim();
        match key.trim().to_ascii_lowercase().as_str() {
            "filename*" => {
                let value = value.trim_matches('"');
                if let Some((_charset, rest)) = value.split_once('\'')
                    && let Some((_lang, encoded)) = rest.split_once('\'')
                {
                    extended = Some(percent_decode(encoded));
                }
            }
            "filename" => {
                let unquoted = value
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .map(|v| v.replace("\\\"", "\"").replace("\\\\", "\\"))
                    .unwrap_or_else(|| value.to_string());
                // Dataverse URL-encodes the name (spaces as %20 since 5.4).
                plain = Some(percent_decode(&unquoted));
            }
            _ => {}
        }
    }
    extended
        .as_deref()
        .and_then(sanitize_file_name)
        .or_else(|| plain.as_deref().and_then(sanitize_file_name))
}

/// Split header parameters on `;` outside quotes.
fn split_params(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in s.chars() {
        if escaped {
            cur.push(c);
            escaped = false;
            continue;
        }
        match c {
            '\\' if quoted => {
                cur.push(c);
                escaped = true;
            }
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            ';' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// Decode `%XX` escapes (invalid ones are kept as they are; invalid UTF-8 is replaced).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex_val(bytes[i + 1]), hex_val(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// A file name safe to join to a directory: the last path component, without control
/// characters; `None` when nothing usable is left (empty, `.`, `..`).
pub(super) fn sanitize_file_name(name: &str) -> Option<String> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim();
    if clean.is_empty() || clean == "." || clean == ".." || (cfg!(windows) && clean.contains(':')) {
        return None;
    }
    Some(clean.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(name: reqwest::header::HeaderName, value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn content_disposition_names() {
        let cd = |v: &str| content_disposition_name(&headers(CONTENT_DISPOSITION, v));
        assert_eq!(
            cd("attachment; filename=\"my%20data.csv\"").as_deref(),
            Some("my data.csv")
        );
        assert_eq!(
            cd("attachment; filename=plain.txt").as_deref(),
            Some("plain.txt")
        );
        assert_eq!(
            cd("attachment; filename=\"a.txt\"; filename*=UTF-8''%C3%A9t%C3%A9.txt").as_deref(),
            Some("été.txt")
        );
        assert_eq!(
            cd("attachment; filename=\"..%2F..%2Fetc%2Fpasswd\"").as_deref(),
            Some("passwd")
        );
        assert_eq!(cd("attachment; filename=\"..\"").as_deref(), None);
        assert_eq!(
            cd("attachment; filename=\"a;b.txt\"").as_deref(),
            Some("a;b.txt")
        );
        assert_eq!(cd("attachment").as_deref(), None);
        assert_eq!(
            cd("attachment; filename=\"x\\\\y.txt\"").as_deref(),
            Some("y.txt")
        );
    }

    #[test]
    fn content_ranges() {
        let cr = |v: &str| parse_content_range(&headers(CONTENT_RANGE, v));
        assert_eq!(cr("bytes 100-199/1000"), Some((100, Some(1000))));
        assert_eq!(cr("bytes 5-9/*"), Some((5, None)));
        assert_eq!(cr("bytes */1000"), None);
        assert_eq!(cr("bytes 9-5/10"), None);
        assert_eq!(cr("items 1-2/3"), None);
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b%2x%"), "a b%2x%");
        assert_eq!(percent_decode("a+b"), "a+b");
        assert_eq!(percent_decode("%41%42"), "AB");
    }
}
