//! A tiny XML writer: elements, attributes and text with `& < > " '` escaped, so every
//! exporter produces well-formed documents without an XML crate.

/// Push the entity of a markup character (`& < > "`) and answer true; false (nothing
/// pushed) for any other character. The escapers of XML, HTML and citations share it.
pub(crate) fn push_markup_entity(c: char, out: &mut String) -> bool {
    let entity = match c {
        '&' => "&amp;",
        '<' => "&lt;",
        '>' => "&gt;",
        '"' => "&quot;",
        _ => return false,
    };
    out.push_str(entity);
    true
}

/// Escape text or an attribute value (`&amp; &lt; &gt; &quot; &apos;`). Characters XML 1.0
/// does not allow (most C0 controls) are dropped.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if push_markup_entity(c, &mut out) {
            continue;
        }
        match c {
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// An XML document under construction. Elements are closed in LIFO order by
/// [`XmlWriter::close`]; [`XmlWriter::finish`] closes whatever is still open.
#[derive(Debug, Default)]
pub(crate) struct XmlWriter {
    out: String,
    open: Vec<String>,
}

impl XmlWriter {
    /// A document starting with the XML declaration.
    pub(crate) fn new() -> Self {
        XmlWriter {
            out: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>".to_string(),
            open: Vec::new(),
        }
    }

    /// A fragment without the XML declaration (HTML output).
    pub(crate) fn fragment() -> Self {
        XmlWriter::default()
    }

    fn start_tag(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            self.out.push_str(&escape(v));
            self.out.push('"');
        }
    }

    /// Open `<name attrs...>`.
    pub(crate) fn open(&mut self, name: &str, attrs: &[(&str, &str)]) -> &mut Self {
        self.start_tag(name, attrs);
        self.out.push('>');
        self.open.push(name.to_string());
        self
    }

    /// Close the innermost open element.
    pub(crate) fn close(&mut self) -> &mut Self {
        if let Some(name) = self.open.pop() {
            self.out.push_str("</");
            self.out.push_str(&name);
            self.out.push('>');
        }
        self
    }

    /// `<name attrs...>text</name>` (text escaped).
    pub(crate) fn leaf(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) -> &mut Self {
        self.start_tag(name, attrs);
        self.out.push('>');
        self.out.push_str(&escape(text));
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
        self
    }

    /// `<name attrs.../>`.
    pub(crate) fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) -> &mut Self {
        self.start_tag(name, attrs);
        self.out.push_str("/>");
        self
    }

    /// Raw markup (for a doctype line); the caller guarantees it is well-formed.
    pub(crate) fn raw(&mut self, markup: &str) -> &mut Self {
        self.out.push_str(markup);
        self
    }

    /// Close every open element and return the document.
    pub(crate) fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.close();
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attributes() {
        assert_eq!(escape(r#"a&b<c>d"e'f"#), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
        let mut w = XmlWriter::fragment();
        w.open("a", &[("x", "1&\"2")])
            .leaf("b", &[], "<t>")
            .empty("c", &[]);
        assert_eq!(
            w.finish(),
            r#"<a x="1&amp;&quot;2"><b>&lt;t&gt;</b><c/></a>"#
        );
        assert_eq!(escape("a\u{1}b"), "ab");
    }
}
