//! The behaviour every backend must show, run by each backend crate's tests.
//! (Being written.)
