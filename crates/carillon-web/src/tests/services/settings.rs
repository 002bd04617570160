//! The settings pages.
