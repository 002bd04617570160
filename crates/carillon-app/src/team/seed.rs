//! Seeding a store with many accounts and memberships, for benchmarks (`bench/web`, through
//! the operator's hidden `carillon bench-seed`). Argon2id costs tens of milliseconds per
//! account on purpose, so seeded accounts share one hash computed once; and members join
//! without the invitation email and link, which only prove that a person reads their mail.
//! Neither is reachable from the web app or the API.

use carillon_domain::{MemberPermission, Membership, ServiceId, User};

use super::access::permission_names;
use super::{Actor, TeamError};
use crate::App;
use crate::accounts::{UserAdminError, check_name_and_email, check_password, hash_new_password};

/// A password's Argon2id hash (PHC string), computed once for every seeded account.
#[derive(Clone)]
pub struct SharedPassword(String);

impl std::fmt::Debug for SharedPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedPassword(..)")
    }
}

impl App {
    /// Checks `password` against the password policy and hashes it with the production
    /// parameters, once.
    ///
    /// # Errors
    /// A refused password, or `Failed` when it cannot be hashed.
    pub async fn shared_password(&self, password: &str) -> Result<SharedPassword, UserAdminError> {
        check_password(password)?;
        Ok(SharedPassword(hash_new_password(password).await?))
    }

    /// Creates an active account (emailed sign-in codes) whose password is `password`: the
    /// same rules as [`App::create_user`] without hashing again.
    ///
    /// # Errors
    /// A refused name or address, or `Exists`.
    pub async fn create_user_sharing(
        &self,
        name: &str,
        email: &str,
        platform_admin: bool,
        password: &SharedPassword,
    ) -> Result<User, UserAdminError> {
        let (name, email) = check_name_and_email(name, email)?;
        self.insert_active_user(name, email, password.0.clone(), platform_admin)
            .await
    }

    /// Makes `user` a member of `service` with `permissions`, as accepting an invitation
    /// would: the membership, their address on the team's safelist, the audit log.
    ///
    /// # Errors
    /// `NotFound` for an unknown service, or the store's.
    pub async fn add_member_directly(
        &self,
        service: ServiceId,
        user: &User,
        permissions: &[MemberPermission],
    ) -> Result<(), TeamError> {
        let service = self.service(service).await?;
        let membership = Membership {
            service: service.id,
            user: user.id,
            permissions: permissions.to_vec(),
        };
        self.store().put_membership(&membership).await?;
        self.add_team_safelist(service.id, &user.email).await?;
        let detail = format!(
            "user={} permissions={}",
            user.id,
            permission_names(permissions)
        );
        self.record_change(Actor::Cli, Some(service.id), "member.added", detail)
            .await
    }
}
