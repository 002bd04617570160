//! Carillon's interface languages: the Fluent catalogues (English and French, embedded in the
//! binary), choosing a language for a request, and formatting numbers, dates and times the way
//! each language writes them. Pure: no I/O, no HTTP.

mod catalog;
mod format;
mod negotiate;

pub use carillon_domain::Language;
pub use catalog::{Catalog, CatalogError};
pub use format::{
    DisplayZone, format_date, format_date_time, format_day, format_day_month, format_month,
    format_number, format_time,
};
pub use negotiate::{negotiate, parse_accept_language};
