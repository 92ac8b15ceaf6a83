//! Dataverse's response envelope: `{"status":"OK","data":...}` and its error twin.

use serde_json::{Map, Value};

/// A parsed success envelope.
#[derive(Debug, Clone)]
pub(crate) struct Envelope {
    /// `data` (`Null` when absent).
    pub data: Value,
    /// The top-level `message`, a string (Dataverse ≥ 6.12) or `{"message": ...}` (before).
    pub message: Option<Value>,
}

impl Envelope {
    /// The success message wherever this Dataverse version put it: `data.message`, a top-level
    /// string `message`, or a top-level `{"message": ...}`.
    pub fn message_text(&self) -> Option<String> {
        if let Some(Value::String(s)) = self.data.get("message") {
            return Some(s.clone());
        }
        match &self.message {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Object(o)) => o.get("message").and_then(Value::as_str).map(str::to_string),
            _ => None,
        }
    }
}

/// A success envelope decoded straight into its `data` type (the fast path).
#[derive(serde::Deserialize)]
pub(crate) struct Typed<T> {
    pub status: String,
    pub data: T,
}

/// Parse a 2xx body as an envelope.
pub(crate) fn parse(bytes: &[u8]) -> Result<Envelope, String> {
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| format!("the body is not JSON: {e}"))?;
    let Value::Object(mut obj) = value else {
        return Err("the body is not a Dataverse envelope (not a JSON object)".into());
    };
    let status = match obj.get("status") {
        Some(Value::String(s)) => s.clone(),
        _ => return Err("the body is not a Dataverse envelope (no \"status\")".into()),
    };
    if status == "ERROR" {
        return Err(format!(
            "the server answered a success status with an error envelope: {}",
            message_of(&obj).unwrap_or_default()
        ));
    }
    Ok(Envelope {
        data: obj.remove("data").unwrap_or(Value::Null),
        message: obj.remove("message"),
    })
}

fn message_of(obj: &Map<String, Value>) -> Option<String> {
    match obj.get("message") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Object(o)) => o.get("message").and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
}

/// The server's message in an error body: the envelope's `message`, else the start of the text.
pub(crate) fn error_message(bytes: &[u8]) -> String {
    if let Ok(Value::Object(obj)) = serde_json::from_slice::<Value>(bytes)
        && let Some(m) = message_of(&obj)
    {
        return m;
    }
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim();
    if text.is_empty() {
        return "(empty response body)".into();
    }
    let mut out: String = text.chars().take(300).collect();
    if text.chars().count() > 300 {
        out.push('…');
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_in_data() {
        let e = parse(br#"{"status":"OK","data":{"message":"Dataset 42 deleted"}}"#).unwrap();
        assert_eq!(e.message_text().as_deref(), Some("Dataset 42 deleted"));
    }

    #[test]
    fn message_top_level_string_and_object() {
        let e = parse(br#"{"status":"OK","message":"Update successful"}"#).unwrap();
        assert_eq!(e.message_text().as_deref(), Some("Update successful"));
        let e =
            parse(br#"{"status":"OK","message":{"message":"old style"},"data":{"id":1}}"#).unwrap();
        assert_eq!(e.message_text().as_deref(), Some("old style"));
        assert_eq!(e.data["id"], 1);
    }

    #[test]
    fn missing_data() {
        let e = parse(br#"{"status":"OK","totalCount":3,"data":[]}"#).unwrap();
        assert_eq!(e.data, Value::Array(Vec::new()));
        let e = parse(br#"{"status":"OK"}"#).unwrap();
        assert!(e.data.is_null());
        assert_eq!(e.message_text(), None);
    }

    #[test]
    fn not_envelopes() {
        assert!(parse(b"").is_err());
        assert!(parse(b"{\"status\":\"OK\",\"data\":").is_err());
        assert!(parse(b"[1,2]").is_err());
        assert!(parse(b"{\"data\":1}").is_err());
        assert!(
            parse(br#"{"status":"ERROR","message":"x"}"#)
                .unwrap_err()
                .contains('x')
        );
    }

    #[test]
    fn error_messages() {
        assert_eq!(
            error_message(br#"{"status":"ERROR","message":"Bad API key"}"#),
            "Bad API key"
        );
        assert_eq!(
            error_message(b"<html>\n  Bad Gateway </html>"),
            "<html> Bad Gateway </html>"
        );
        assert_eq!(error_message(b""), "(empty response body)");
        assert_eq!(error_message(&[b'x'; 400]).chars().count(), 301);
    }
}
