//! An [`App`] on a fresh store of each backend (see `carillon_test_support::stores`).

use std::sync::Arc;

use carillon_app::{App, AppSettings};
use carillon_domain::FixedClock;
use carillon_test_support::stores::TestStore;
use time::macros::datetime;

fn app(store: &TestStore) -> App {
    App::new(
        Arc::clone(&store.store),
        Arc::new(FixedClock::new(datetime!(2026-12-01 12:00:00 UTC))),
        AppSettings::default(),
    )
}

pub(crate) async fn sqlite() -> Option<(App, TestStore)> {
    let store = TestStore::sqlite().await;
    Some((app(&store), store))
}

pub(crate) async fn postgres() -> Option<(App, TestStore)> {
    let store = TestStore::postgres().await?;
    Some((app(&store), store))
}
/// One `#[tokio::test]` per backend for each `async fn(&App)` named.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    let Some((app, guard)) = $crate::support::sqlite().await else { return };
                    super::$name(&app).await;
                    // The store closes before its database or directory goes.
                    drop(app);
                    drop(guard);
                }

                #[tokio::test]
                async fn postgres() {
                    let Some((app, guard)) = $crate::support::postgres().await else { return };
                    super::$name(&app).await;
                    // The store closes before its database or directory goes.
                    drop(app);
                    drop(guard);
                }
            }
        )*
    };
}
