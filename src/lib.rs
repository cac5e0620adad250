//! puffery finds marketing language, affiliate links and missing disclosures in web documents.
//!
//! The library is the product; the `puffery` binary only parses arguments, calls it and prints.
//! The library never prints.
//!

pub mod error;
pub mod input;
pub mod links;
pub mod scan;

pub use error::Error;
pub use scan::{DocFormat, DocInput, DocResult, Finding};
