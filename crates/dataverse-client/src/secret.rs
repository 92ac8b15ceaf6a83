//! The API token, kept out of logs, `Debug` output and error messages.

use std::fmt;

/// A Dataverse API token. `Debug` and `Display` print `***`; use
/// [`expose`](ApiToken::expose) where the raw value is really needed.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiToken(String);

impl ApiToken {
    /// Wrap a token.
    pub fn new(token: impl Into<String>) -> Self {
        ApiToken(token.into())
    }

    /// The raw token, for the one place that sends it (the `X-Dataverse-key` header) or
    /// for a caller who must store it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiToken(***)")
    }
}

impl fmt::Display for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for ApiToken {
    fn from(s: String) -> Self {
        ApiToken(s)
    }
}

impl From<&str> for ApiToken {
    fn from(s: &str) -> Self {
        ApiToken(s.to_string())
    }
}

/// Replace every occurrence of `secret` in `text` with `***`.
pub(crate) fn redact(text: &str, secret: &str) -> String {
    if secret.is_empty() {
        text.to_string()
    } else {
        text.replace(secret, "***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_printed() {
        let t = ApiToken::new("0b6a2f0c-1111-2222-3333-444455556666");
        assert_eq!(format!("{t:?}"), "ApiToken(***)");
        assert_eq!(format!("{t}"), "***");
        assert_eq!(t.expose(), "0b6a2f0c-1111-2222-3333-444455556666");
        assert_eq!(redact("Token abc expires", "abc"), "Token *** expires");
    }
}
