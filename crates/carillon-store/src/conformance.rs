//! The behaviour every backend must show, run by each backend crate's tests.
//!
//! Every `pub async fn` here checks one behaviour on a fresh, empty store and panics when the
//! backend gets it wrong. A backend crate runs all of them, one `#[tokio::test]` each, with
//! [`conformance_tests!`](crate::conformance_tests):
//!
//! ```text
//! // tests/conformance.rs of a backend crate (tokio is a dev-dependency there).
//! async fn store() -> Option<TestStore> { /* a fresh store; None skips (loudly) */ }
//! carillon_store::conformance_tests!(store());
//! ```
//!
//! `TestStore` is anything that derefs to a `Store` and cleans up when dropped.

// Test code: a panic is how a failed check is reported.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
pub mod at_rest;
mod audit;
mod bulk_jobs;
mod callback_queue;
mod callbacks;
mod claims;
mod delivery;
mod facts;
mod fixtures;
mod jobs;
mod joined;
mod keys;
mod limits;
mod listing;
mod notifications;
mod outbox;
mod people;
mod receipts;
mod references;
mod retention;
mod search;
mod security_keys;
mod senders;
mod senders_verification;
mod services;
mod sessions;
mod stale;
mod team;
mod template_categories;
mod templates;
mod timeouts;

pub use accounts::*;
pub use audit::*;
pub use bulk_jobs::*;
pub use callback_queue::*;
pub use callbacks::*;
pub use claims::*;
pub use delivery::*;
pub use facts::*;
pub use jobs::*;
pub use joined::*;
pub use keys::*;
pub use limits::*;
pub use listing::*;
pub use notifications::*;
pub use outbox::*;
pub use receipts::*;
pub use references::*;
pub use retention::*;
pub use search::*;
pub use security_keys::*;
pub use senders::*;
pub use senders_verification::*;
pub use services::*;
pub use sessions::*;
pub use stale::*;
pub use team::*;
pub use template_categories::*;
pub use templates::*;
pub use timeouts::*;

/// Expands to one `#[tokio::test]` per conformance check. `$make` is an expression evaluating
/// to a future of `Option<F>` where `F: Deref<Target: Store>`; each test evaluates it afresh,
/// and `None` ends the test early (the backend says why: a skip must never be silent).
#[macro_export]
macro_rules! conformance_tests {
    ($make:expr) => {
        $crate::conformance_tests!(@each $make;
            ping_and_schema_version,
            bulk_jobs_store_every_row,
            bulk_jobs_limits_cover_the_whole_job,
            bulk_jobs_are_all_or_nothing,
            bulk_jobs_scheduled_and_cancelled,
            bulk_jobs_cancelled_give_back_their_limits,
            bulk_jobs_move_through_statuses,
            services_round_trip,
            services_update_every_field,
            services_update_unknown_is_not_found,
            services_duplicate_name_or_sender_conflicts,
            api_keys_listed_revoked_included,
            api_keys_found_by_secret,
            api_keys_revoke,
            api_keys_record_use,
            api_keys_duplicate_secret_conflicts,
            templates_create_and_read,
            templates_update_makes_a_new_version,
            templates_archived_readable_not_listed,
            templates_listed_by_kind_oldest_first,
            templates_scoped_to_service,
            template_categories_are_gc_defaults,
            template_lane_follows_its_category,
            api_keys_keep_their_permissions,
            reply_tos_default_switching,
            reply_to_verification_is_taken_once,
            reply_to_verification_expires_and_is_scoped,
            reply_to_default_set_only_on_verified,
            sms_senders_default_switching,
            safelist_round_trip,
            senders_removed_are_archived,
            safelist_entries_removed,
            notifications_round_trip_every_field,
            notifications_scoped_to_service,
            notifications_empty_batch,
            notifications_batch_stops_at_ceiling,
            notifications_limit_index_and_no_partial_increment,
            notifications_counters_are_separate,
            notifications_failed_batch_stores_nothing,
            notifications_concurrent_batches_respect_ceiling,
            listing_newest_first_with_limit,
            listing_filters,
            listing_older_than_cursor,
            references_found_exactly_within_their_service,
            references_of_bulk_rows_found,
            search_by_recipient_within_the_service,
            search_forgets_purged_recipients,
            listing_by_status_group_channel_template_and_job,
            take_rate_grants_up_to_limit,
            take_rate_refills_over_time,
            take_rate_separate_per_key_type_and_service,
            take_rate_concurrent_never_over_grants,
            claim_due_in_lane_order,
            claim_holds_until_the_lease_ends,
            claim_concurrent_never_overlap,
            outcomes_update_status_and_provider_fields,
            outcomes_retry_waits_until_retry_at,
            outcomes_batch_of_hundreds,
            outbox_round_trip_and_replace,
            outbox_newest_first_with_paging,
            outcomes_of_an_expired_claim_are_ignored,
            renewed_claims_hold_until_the_new_lease_ends,
            released_claims_are_due_again_without_an_attempt,
            released_claims_let_the_earlier_outcome_apply,
            receipts_email_transitions,
            receipts_sms_only_while_sent,
            receipts_unknown_references,
            purge_personal_data_past_retention,
            time_out_notifications_never_finished,
            jobs_start_once_per_period,
            jobs_concurrent_callers_exactly_one_starts,
            worker_heartbeat_keeps_the_latest,
            callbacks_config_round_trip,
            callbacks_queued_with_final_statuses,
            callbacks_queued_on_timeout,
            callbacks_not_queued_when_inactive,
            complaints_recorded_and_queued,
            callback_claims_lease_and_results,
            callback_claims_at_most_per_service,
            users_round_trip_every_field,
            users_listed_oldest_first_with_paging,
            users_duplicate_email_conflicts,
            users_update_every_field,
            users_update_never_moves_the_totp_step_back,
            failed_sign_ins_counted_exactly_under_concurrency,
            totp_steps_accepted_once_and_in_order,
            tokens_taken_once,
            tokens_removed_per_user_and_purpose,
            sign_ins_recorded_newest_first,
            sessions_round_trip_and_replace,
            sessions_touched_and_removed,
            sessions_of_a_user_removed,
            sessions_purged_when_idle_or_too_old,
            security_keys_round_trip_listed_and_unique,
            security_keys_removed_by_their_user_only,
            security_key_uses_move_the_counter_forward_once,
            memberships_added_replaced_and_removed,
            memberships_in_join_order_and_per_user,
            invitations_round_trip_by_id_and_token,
            invitations_listed_newest_first_per_service,
            go_live_requests_replaced_and_listed_by_status,
            audit_events_newest_first_per_service_and_global,
            sessions_read_with_their_account,
            members_read_with_their_accounts,
            service_read_with_the_visitors_membership,
            member_services_are_the_users_own,
            facts_follow_every_transition,
            facts_follow_bulk_jobs_and_cancellations,
            facts_concurrent_transitions,
            facts_by_range_template_and_fiscal_year,
        );
    };
    (@each $make:expr; $($name:ident),* $(,)?) => {
        $(
            #[::tokio::test]
            async fn $name() {
                let Some(store) = $make.await else { return };
                $crate::conformance::$name(&*store).await;
            }
        )*
    };
}

#[cfg(test)]
mod tests {
    /// A check written but left out of the macro would never run in any backend.
    #[test]
    fn the_macro_runs_every_check() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/conformance");
        let mut written = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            // Fixtures for the backends' own raw-access tests, not checks.
            if path.ends_with("at_rest.rs") {
                continue;
            }
            let source = std::fs::read_to_string(path).unwrap();
            for rest in source.split("pub async fn ").skip(1) {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                written.push(name);
            }
        }
        written.sort();
        let source = include_str!("conformance.rs");
        let list =
            &source[source.find("@each $make;").unwrap()..source.find(");\n    };").unwrap()];
        let mut listed: Vec<String> = list
            .lines()
            .skip(1)
            .map(|line| line.trim().trim_end_matches(',').to_owned())
            .filter(|name| !name.is_empty())
            .collect();
        listed.sort();
        assert_eq!(listed, written);
    }
}
