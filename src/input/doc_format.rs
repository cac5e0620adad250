//! Whether a document is HTML or plain text: set by each reader, used by the scanner.

use serde::Serialize;

/// Whether a document is HTML or plain text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DocFormat {
    /// HTML: only visible text is scanned; links come from anchors.
    Html,
    /// Plain text: URLs in the text become links.
    #[default]
    Text,
}
