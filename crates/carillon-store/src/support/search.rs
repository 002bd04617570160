//! Finding a service's notifications for the sent-messages page: the keyed hash of a
//! recipient, and the SQL condition of each status group, written as literals so that both
//! backends' partial indexes (whose predicates are the same text) serve the query.

use carillon_crypto::Cipher;
use carillon_domain::{ServiceId, StatusGroup};

/// The lookup hash of a recipient, in its normalised form (lower-case address, E.164
/// number), among `service`'s notifications.
pub fn recipient_hash(cipher: &Cipher, service: ServiceId, normalised: &str) -> [u8; 32] {
    cipher.recipient_hash(service.as_uuid().as_bytes(), normalised)
}

/// The condition of `group` on `status`. Migration 0014 repeats these exact texts as the
/// predicates of the group indexes: a planner uses a partial index only when the query states
/// its predicate, which a bound parameter would not.
pub fn status_group_sql(group: StatusGroup) -> &'static str {
    match group {
        StatusGroup::Sending => SENDING_SQL,
        StatusGroup::Delivered => DELIVERED_SQL,
        StatusGroup::Failed => FAILED_SQL,
    }
}

const SENDING_SQL: &str = "status IN ('created', 'sending', 'pending', 'pending-virus-check')";
const DELIVERED_SQL: &str = "status IN ('delivered', 'sent')";
const FAILED_SQL: &str = "status IN ('failed', 'technical-failure', 'temporary-failure', \
    'permanent-failure', 'provider-failure', 'virus-scan-failed', 'pii-check-failed', \
    'validation-failed')";

#[cfg(test)]
mod tests {
    use super::*;

    /// The literal conditions list exactly the domain's statuses of each group.
    #[test]
    fn group_conditions_list_the_groups_statuses() {
        for group in StatusGroup::ALL {
            let names: Vec<String> = group
                .statuses()
                .iter()
                .map(|status| format!("'{status}'"))
                .collect();
            let expected = format!("status IN ({})", names.join(", "));
            assert_eq!(status_group_sql(group), expected, "{group:?}");
        }
    }

    #[test]
    fn recipient_hashes_are_scoped_to_the_service() {
        let cipher = Cipher::new([5; 32]);
        let (a, b) = (ServiceId::new(), ServiceId::new());
        assert_eq!(
            recipient_hash(&cipher, a, "+16135550100"),
            recipient_hash(&cipher, a, "+16135550100")
        );
        assert_ne!(
            recipient_hash(&cipher, a, "+16135550100"),
            recipient_hash(&cipher, b, "+16135550100")
        );
    }
}
