//! The platform admin's account tools: find an account by its email address, suspend it
//! (it cannot sign in, and its sessions end at once) and make it active again. The command
//! line does the same with `carillon user suspend|resume`.

use carillon_domain::{EmailAddress, User, UserId};

use super::{Actor, TeamError};
use crate::App;

impl App {
    /// The account with this address, if any (platform admins); nobody for a blank address.
    ///
    /// # Errors
    /// `Forbidden` for anyone else, `InvalidEmail` for text that is no address, or the store's.
    pub async fn find_user<'a>(
        &self,
        actor: impl Into<Actor<'a>>,
        email: &str,
    ) -> Result<Option<User>, TeamError> {
        Self::require_platform_admin(actor.into())?;
        if email.trim().is_empty() {
            return Ok(None);
        }
        let email = EmailAddress::parse(email.trim())
            .map_err(|error| TeamError::InvalidEmail(error.to_string()))?;
        Ok(self.store.user_by_email(&email).await?)
    }

    /// One account (platform admins).
    ///
    /// # Errors
    /// `Forbidden` for anyone else, `NotFound`, or the store's.
    pub async fn user_for_admin<'a>(
        &self,
        actor: impl Into<Actor<'a>>,
        id: UserId,
    ) -> Result<User, TeamError> {
        Self::require_platform_admin(actor.into())?;
        self.store.user(id).await?.ok_or(TeamError::NotFound)
    }

    /// Suspends an account or makes it active again (platform admins). A platform admin cannot
    /// suspend themselves: nobody might be left to resume them.
    ///
    /// # Errors
    /// `Forbidden` for anyone else or for oneself, `NotFound`, or the store's.
    pub async fn admin_set_user_suspended(
        &self,
        actor: &User,
        id: UserId,
        suspended: bool,
    ) -> Result<User, TeamError> {
        Self::require_platform_admin(actor.into())?;
        if suspended && actor.id == id {
            return Err(TeamError::Forbidden);
        }
        Ok(self
            .change_user_suspended(id, suspended, Some(actor.id))
            .await?)
    }
}
