//! The closed sets of values a result carries: a document's [`Label`], a finding's [`Severity`]
//! and [`Scope`], a disclosure's [`DisclosureKind`]. Each serialises as the lower-case name the
//! output contract (docs/contract.md) gives it, and parses back from it.
//!
//! A leaf module: it imports nothing from the crate, so every stage can use it.
//!
//! ```
//! use puffery::kinds::{DisclosureKind, Label};
//! assert_eq!(Label::Promotional.to_string(), "promotional");
//! assert_eq!("fda".parse::<DisclosureKind>(), Ok(DisclosureKind::Fda));
//! assert!("ad".parse::<DisclosureKind>().is_err());
//! ```

use serde::{Deserialize, Serialize};

/// Declares a fieldless enum with its output names, `as_str`, `ALL`, `Display` and `FromStr`.
macro_rules! named_enum {
    ($(#[$m:meta])* pub enum $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal,)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $s)] $v,)*
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$v),*];

            /// The name used in the output.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$v => $s,)*
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            /// Parses the output name (exactly, as written in the output).
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($s => Ok($name::$v),)*
                    _ => Err(format!(
                        "unknown {} {s:?}; one of {:?}",
                        stringify!($name),
                        [$($s),*]
                    )),
                }
            }
        }
    };
}

named_enum! {
    /// The label of a document.
    #[derive(Default)]
    pub enum Label {
        /// Its score reached the threshold: its purpose is to sell.
        Promotional = "promotional",
        /// Promotional findings, but a score under the threshold.
        Borderline = "borderline",
        /// No promotional findings.
        #[default]
        Clean = "clean",
    }
}

named_enum! {
    /// How serious a finding is.
    pub enum Severity {
        /// Worth knowing; not a problem by itself.
        Info = "info",
        /// Promotional language or a missing disclosure.
        Warning = "warning",
        /// Language that law or platform rules forbid (e.g. disease claims for supplements).
        Error = "error",
    }
}

named_enum! {
    /// Where in a page a match sits, and where a rule may count.
    pub enum Scope {
        /// Running text.
        Text = "text",
        /// A heading (h1-h6).
        Heading = "heading",
        /// Anchor text.
        Link = "link",
        /// A button, or an anchor styled as one.
        Button = "button",
        /// An attribute value shown to readers (input button values), or markup.
        Attr = "attr",
    }
}

named_enum! {
    /// What a disclosure discloses, and what a missing or late requirement asks for.
    pub enum DisclosureKind {
        /// A commission on links (FTC 16 CFR 255.5).
        Affiliate = "affiliate",
        /// The FDA disclaimer on supplement health claims (21 CFR 101.93).
        Fda = "fda",
        /// "Not medical advice".
        Medical = "medical",
        /// Paid or sponsored content.
        Sponsored = "sponsored",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_serde_and_from_str() {
        fn check<T>(all: &[T])
        where
            T: Copy
                + std::fmt::Display
                + std::str::FromStr
                + Serialize
                + PartialEq
                + std::fmt::Debug,
            T: for<'de> Deserialize<'de>,
            <T as std::str::FromStr>::Err: std::fmt::Debug,
        {
            for &v in all {
                let json = serde_json::to_string(&v).unwrap();
                assert_eq!(json, format!("\"{v}\""));
                assert_eq!(serde_json::from_str::<T>(&json).unwrap(), v);
                assert_eq!(v.to_string().parse::<T>().unwrap(), v);
            }
        }
        check(Label::ALL);
        check(Severity::ALL);
        check(Scope::ALL);
        check(DisclosureKind::ALL);
        assert_eq!(
            Severity::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            ["info", "warning", "error"]
        );
        assert!(Severity::Info < Severity::Warning && Severity::Warning < Severity::Error);
        // Display honours width and alignment, as a `&str` would (`puffery rules` columns).
        assert_eq!(format!("[{:8}]", Severity::Info), "[info    ]");
        assert_eq!(format!("[{:>6}]", Scope::Attr), "[  attr]");
    }
}
