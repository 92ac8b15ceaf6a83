//! HTML from metadata, rendered the way Dataverse renders it: what its safelist allows
//! (`MarkupChecker.sanitizeBasicHTML`: jsoup's `Safelist.basicWithImages()` plus `h1`-`h3`,
//! `kbd`, `hr`, `s`, `del`, `map`, `area`, with `target="_blank"` and `rel="nofollow"` forced
//! on links) is kept, everything else is escaped and shows as text.
//!
//! Two differences from jsoup, both stricter: a tag outside the safelist is shown as text
//! rather than dropped with its text kept, and every URL attribute (also `area href`, which
//! jsoup leaves unchecked) must use an allowed protocol; relative URLs are dropped, as jsoup
//! drops them without a base URI.

/// Tags kept, with the attributes kept on each and whether the tag is void.
const TAGS: &[(&str, &[&str])] = &[
    ("a", &["href"]),
    ("b", &[]),
    ("blockquote", &["cite"]),
    ("br", &[]),
    ("cite", &[]),
    ("code", &[]),
    ("dd", &[]),
    ("dl", &[]),
    ("dt", &[]),
    ("em", &[]),
    ("i", &[]),
    ("li", &[]),
    ("ol", &[]),
    ("p", &[]),
    ("pre", &[]),
    ("q", &["cite"]),
    ("small", &[]),
    ("span", &[]),
    ("strike", &[]),
    ("strong", &[]),
    ("sub", &[]),
    ("sup", &[]),
    ("u", &[]),
    ("ul", &[]),
    (
        "img",
        &["align", "alt", "height", "src", "title", "width", "usemap"],
    ),
    ("h1", &[]),
    ("h2", &[]),
    ("h3", &[]),
    ("kbd", &[]),
    ("hr", &[]),
    ("s", &[]),
    ("del", &[]),
    ("map", &["name"]),
    ("area", &["shape", "coords", "href", "title", "alt"]),
];

/// Elements without content or end tag.
const VOID: &[&str] = &["br", "img", "hr", "area"];

/// The protocols a URL attribute may use (jsoup: `a href` ftp/http/https/mailto; `cite` and
/// `img src` http/https).
fn protocols(tag: &str, attr: &str) -> Option<&'static [&'static str]> {
    match (tag, attr) {
        ("a" | "area", "href") => Some(&["ftp", "http", "https", "mailto"]),
        (_, "cite") | ("img", "src") => Some(&["http", "https"]),
        _ => None,
    }
}

/// Escape text for HTML content and attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A character reference at the start of `s` (`&amp;`, `&#39;`, `&#x27;`): its length.
fn entity_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.first() != Some(&b'&') {
        return None;
    }
    let body = &b[1..];
    let n = if body.first() == Some(&b'#') {
        let (start, count) = match body.get(1) {
            Some(b'x' | b'X') => (
                2,
                body[2..]
                    .iter()
                    .take_while(|c| c.is_ascii_hexdigit())
                    .count(),
            ),
            _ => (
                1,
                body[1..].iter().take_while(|c| c.is_ascii_digit()).count(),
            ),
        };
        (count > 0 && count <= 8).then_some(start + count)?
    } else {
        let count = body
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        (count > 0 && count <= 32).then_some(count)?
    };
    (body.get(n) == Some(&b';')).then_some(n + 2)
}

/// Text with its character references kept and everything else escaped.
fn text(s: &str, out: &mut String) {
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        if let Some(n) = entity_len(rest) {
            out.push_str(&rest[..n]);
            i += n;
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        out.push_str(&escape(c.encode_utf8(&mut [0; 4])));
        i += c.len_utf8();
    }
}

/// The few references attribute values commonly carry, decoded before re-escaping.
fn decode_basic(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// A parsed tag.
struct Tag {
    name: String,
    closing: bool,
    attrs: Vec<(String, String)>,
    /// Bytes of the source the tag spans.
    len: usize,
}

/// Parse a tag at the start of `s` (which starts with `<`); `None` when it is not one.
fn parse_tag(s: &str) -> Option<Tag> {
    let b = s.as_bytes();
    let mut i = 1;
    let closing = b.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let start = i;
    while i < b.len() && b[i].is_ascii_alphanumeric() {
        i += 1;
    }
    if i == start || !b[start].is_ascii_alphabetic() {
        return None;
    }
    let name = s[start..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        match b.get(i)? {
            b'>' => {
                return Some(Tag {
                    name,
                    closing,
                    attrs,
                    len: i + 1,
                });
            }
            b'/' if b.get(i + 1) == Some(&b'>') => {
                return Some(Tag {
                    name,
                    closing,
                    attrs,
                    len: i + 2,
                });
            }
            _ => {}
        }
        let a = i;
        while i < b.len() && !b"\t\n\x0c\r />=\"'<".contains(&b[i]) {
            i += 1;
        }
        if i == a {
            return None;
        }
        let attr = s[a..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if b.get(i) == Some(&b'=') {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            match b.get(i)? {
                q @ (b'"' | b'\'') => {
                    let end = s[i + 1..].find(*q as char)? + i + 1;
                    value = s[i + 1..end].to_string();
                    i = end + 1;
                }
                _ => {
                    let v = i;
                    while i < b.len() && !b"\t\n\x0c\r >\"'<`=".contains(&b[i]) {
                        i += 1;
                    }
                    value = s[v..i].to_string();
                }
            }
        }
        attrs.push((attr, decode_basic(&value)));
    }
}

/// Whether a URL value uses one of `allowed` protocols.
fn protocol_ok(value: &str, allowed: &[&str]) -> bool {
    let v: String = value
        .trim()
        .chars()
        .filter(|c| !c.is_ascii_control())
        .collect();
    let Some((scheme, _)) = v.split_once(':') else {
        return false;
    };
    allowed.iter().any(|p| scheme.eq_ignore_ascii_case(p))
}

/// Render metadata HTML as Dataverse allows it: safelisted tags and attributes kept (every
/// open tag closed), everything else escaped.
pub(crate) fn sanitize(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 16);
    let mut open: Vec<String> = Vec::new();
    let mut i = 0;
    while i < input.len() {
        let rest = &input[i..];
        let next = rest.find('<').unwrap_or(rest.len());
        text(&rest[..next], &mut out);
        i += next;
        if i >= input.len() {
            break;
        }
        let rest = &input[i..];
        let Some(tag) = parse_tag(rest) else {
            out.push_str("&lt;");
            i += 1;
            continue;
        };
        let Some((_, allowed_attrs)) = TAGS.iter().find(|(n, _)| *n == tag.name) else {
            out.push_str(&escape(&rest[..tag.len]));
            i += tag.len;
            continue;
        };
        i += tag.len;
        if tag.closing {
            if let Some(pos) = open.iter().rposition(|t| *t == tag.name) {
                for t in open.drain(pos..).rev() {
                    out.push_str(&format!("</{t}>"));
                }
            }
            continue;
        }
        out.push('<');
        out.push_str(&tag.name);
        for (name, value) in &tag.attrs {
            if !allowed_attrs.contains(&name.as_str()) || (tag.name == "a" && name == "target") {
                continue;
            }
            if let Some(p) = protocols(&tag.name, name)
                && !protocol_ok(value, p)
            {
                continue;
            }
            out.push_str(&format!(" {name}=\"{}\"", escape(value)));
        }
        if tag.name == "a" {
            out.push_str(" target=\"_blank\" rel=\"nofollow\"");
        }
        out.push('>');
        if !VOID.contains(&tag.name.as_str()) {
            open.push(tag.name);
        }
    }
    for t in open.into_iter().rev() {
        out.push_str(&format!("</{t}>"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safelisted_markup_is_kept_and_links_are_forced_to_open_safely() {
        assert_eq!(
            sanitize(
                r#"<p>A <b>bold</b> <a href="https://x.org/a?b=1&amp;c=2" onclick="evil()">link</a></p>"#
            ),
            r#"<p>A <b>bold</b> <a href="https://x.org/a?b=1&amp;c=2" target="_blank" rel="nofollow">link</a></p>"#
        );
        assert_eq!(sanitize("line<br/>next<BR>"), "line<br>next<br>");
        assert_eq!(sanitize("<h2>T</h2><hr>"), "<h2>T</h2><hr>");
    }

    #[test]
    fn everything_else_is_escaped() {
        assert_eq!(
            sanitize("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            sanitize(r#"<img src="x" onerror="alert(1)">"#),
            "<img>",
            "a relative src and every event handler are dropped"
        );
        assert_eq!(
            sanitize(r#"<a href="javascript:alert(1)">x</a>"#),
            r#"<a target="_blank" rel="nofollow">x</a>"#
        );
        assert_eq!(
            sanitize(r#"<a href=" jAvAsCrIpT:alert(1)">x</a>"#),
            r#"<a target="_blank" rel="nofollow">x</a>"#
        );
        assert_eq!(
            sanitize(r#"<area href="javascript:x">"#),
            "<area>",
            "stricter than jsoup, which leaves area href unchecked"
        );
        assert_eq!(sanitize("<iframe src=//evil>"), "&lt;iframe src=//evil&gt;");
        assert_eq!(sanitize("a < b && c > d"), "a &lt; b &amp;&amp; c &gt; d");
        assert_eq!(sanitize("<!-- c -->"), "&lt;!-- c --&gt;");
        assert_eq!(sanitize(r#"<p title="x">"#), "<p></p>");
        assert_eq!(
            sanitize(r#"<a href="http://x" "#),
            "&lt;a href=&quot;http://x&quot; "
        );
    }

    #[test]
    fn entities_are_kept_and_structure_is_balanced() {
        assert_eq!(
            sanitize("caf&eacute; &#233; &#xE9; &amp;"),
            "caf&eacute; &#233; &#xE9; &amp;"
        );
        assert_eq!(sanitize("&nosemicolon"), "&amp;nosemicolon");
        assert_eq!(sanitize("<b><i>x</b>"), "<b><i>x</i></b>");
        assert_eq!(sanitize("</p>stray"), "stray");
        assert_eq!(sanitize("<ul><li>one"), "<ul><li>one</li></ul>");
        assert_eq!(sanitize(r#"<span a="1>2">ü</span>"#), "<span>ü</span>");
    }
}
