//! The callback receiver the tests share (`carillon-test-support`).

pub(crate) use carillon_test_support::receiver::{Received, Receiver};
