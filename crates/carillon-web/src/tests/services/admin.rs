//! The platform admin pages.
