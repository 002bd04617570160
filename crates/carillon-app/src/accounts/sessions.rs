//! Browser sessions: a random id in a cookie, its keyed hash in the store, idle and absolute
//! timeouts, a CSRF token bound to the id, and a little JSON state for multi-step pages.
//!
//! The id changes whenever the session gains privilege (password accepted, second factor
//! accepted), so an id planted in a browser before sign-in is worthless after it.

use std::fmt;

use carillon_crypto::token::{constant_time_eq, new_token};
use carillon_domain::{Language, User, UserId, UserState};
use carillon_store::{SessionRecord, SessionStage};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::{AccountError, purpose, span};
use crate::App;

/// How stale `last_seen_at` may get before a request writes it again: minute precision is
/// plenty for a 30-minute idle timeout and saves a write per request.
const TOUCH_AFTER: time::Duration = time::Duration::seconds(60);
/// The session data key holding the chosen interface language.
const LANGUAGE_KEY: &str = "language";

/// One browser's session, as loaded for one request.
pub struct Session {
    /// The cookie value: secret, never logged.
    id: String,
    record: SessionRecord,
    user: Option<User>,
    data: Map<String, Value>,
    csrf: String,
    /// The browser does not have this id yet.
    new_id: bool,
    /// The store has this record (an anonymous session is stored only when saved).
    stored: bool,
    /// `data` changed since it was loaded.
    dirty: bool,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("user", &self.record.user)
            .field("stage", &self.record.stage)
            .finish_non_exhaustive()
    }
}

impl Session {
    fn new(app: &App, now: OffsetDateTime) -> Self {
        let id = new_token();
        let key = &app.settings.token_key;
        Self {
            record: SessionRecord {
                id_hash: key.hash(purpose::SESSION, &id),
                user: None,
                stage: SessionStage::Anonymous,
                data: "{}".to_owned(),
                created_at: now,
                last_seen_at: now,
            },
            csrf: key.tag(purpose::CSRF, &id),
            id,
            user: None,
            data: Map::new(),
            new_id: true,
            stored: false,
            dirty: false,
        }
    }

    /// The signed-in user (fully: both factors), if any.
    pub fn user(&self) -> Option<&User> {
        match self.record.stage {
            SessionStage::SignedIn => self.user.as_ref(),
            _ => None,
        }
    }

    /// The user whose password was accepted and whose second factor is awaited.
    pub fn pending_user(&self) -> Option<&User> {
        match self.record.stage {
            SessionStage::AwaitingSecondFactor => self.user.as_ref(),
            _ => None,
        }
    }

    /// When this session (this id) began: for a signed-in session, when the sign-in completed.
    pub fn started_at(&self) -> OffsetDateTime {
        self.record.created_at
    }

    /// The session's stage: anonymous, awaiting a second factor, or signed in.
    pub fn stage(&self) -> SessionStage {
        self.record.stage
    }

    /// The interface language chosen in this session, else the signed-in user's.
    pub fn language(&self) -> Option<Language> {
        self.data
            .get(LANGUAGE_KEY)
            .and_then(Value::as_str)
            .and_then(Language::parse)
            .or_else(|| self.user.as_ref().map(|user| user.language))
    }

    /// Chooses the interface language (persisted by [`App::save_session`]).
    pub fn set_language(&mut self, language: Language) {
        self.set_data(LANGUAGE_KEY, Value::String(language.as_str().to_owned()));
    }

    /// The token every form of this session carries: a keyed hash of the session id.
    pub fn csrf_token(&self) -> String {
        self.csrf.clone()
    }

    /// Whether `token` is this session's CSRF token (constant-time).
    pub fn check_csrf(&self, token: &str) -> bool {
        constant_time_eq(token.as_bytes(), self.csrf.as_bytes())
    }

    /// The cookie value to send when the browser does not have this id yet (new or rotated).
    pub fn cookie_to_set(&self) -> Option<String> {
        self.new_id.then(|| self.id.clone())
    }

    /// A value kept in the session between requests (a wizard's earlier steps).
    pub fn data(&self, key: &str) -> Option<&Value> {
        self.data.get(key)
    }

    /// Sets a value; [`App::save_session`] persists it.
    pub fn set_data(&mut self, key: &str, value: Value) {
        self.data.insert(key.to_owned(), value);
        self.dirty = true;
    }

    /// Removes a value; [`App::save_session`] persists the removal.
    pub fn remove_data(&mut self, key: &str) -> Option<Value> {
        let removed = self.data.remove(key);
        self.dirty |= removed.is_some();
        removed
    }

    pub(crate) fn user_id(&self) -> Option<UserId> {
        self.record.user
    }

    pub(crate) fn set_loaded_user(&mut self, user: User) {
        self.user = Some(user);
    }
}

impl App {
    /// The session whose id is `cookie`, or a new anonymous one (not stored until
    /// [`App::save_session`]) when there is none, it has expired (idle or absolute timeout),
    /// or its user can no longer sign in (suspended, removed).
    ///
    /// # Errors
    /// The store's.
    pub async fn open_session(&self, cookie: Option<&str>) -> Result<Session, AccountError> {
        let now = self.clock.now();
        let key = &self.settings.token_key;
        let Some(id) = cookie.filter(|id| is_token_shaped(id)) else {
            return Ok(Session::new(self, now));
        };
        let hash = key.hash(purpose::SESSION, id);
        // The account comes with the session: one round trip on every page.
        let Some((record, account)) = self.store.session_with_user(&hash).await? else {
            return Ok(Session::new(self, now));
        };
        if self.expired(&record, now) {
            self.store.remove_session(&hash).await?;
            return Ok(Session::new(self, now));
        }
        let user = match (record.user, account) {
            (None, _) => None,
            (Some(_), Some(user)) if user.state == UserState::Active => Some(user),
            (Some(_), _) => {
                self.store.remove_session(&hash).await?;
                return Ok(Session::new(self, now));
            }
        };
        if now - record.last_seen_at >= TOUCH_AFTER {
            self.store.touch_session(&hash, now).await?;
        }
        let data = serde_json::from_str::<Map<String, Value>>(&record.data).unwrap_or_default();
        Ok(Session {
            csrf: key.tag(purpose::CSRF, id),
            id: id.to_owned(),
            record: SessionRecord {
                last_seen_at: now,
                ..record
            },
            user,
            data,
            new_id: false,
            stored: true,
            dirty: false,
        })
    }

    /// Stores the session if it is new or its data changed. Call it before answering whenever
    /// [`Session::cookie_to_set`] is `Some` or data was set.
    ///
    /// # Errors
    /// The store's.
    pub async fn save_session(&self, session: &mut Session) -> Result<(), AccountError> {
        if session.stored && !session.dirty {
            return Ok(());
        }
        session.record.data = Value::Object(session.data.clone()).to_string();
        self.store.put_session(&session.record).await?;
        session.stored = true;
        session.dirty = false;
        Ok(())
    }

    /// Ends the session and replaces it with a new anonymous one (keeping only the language).
    ///
    /// # Errors
    /// The store's.
    pub async fn sign_out(&self, session: &mut Session) -> Result<(), AccountError> {
        let language = session.language();
        if let Some(user) = session.user_id() {
            self.audit(Some(user), "user.signed_out", "").await?;
        }
        self.replace_session(session, None, SessionStage::Anonymous)
            .await?;
        if let Some(language) = language {
            session.set_language(language);
            self.save_session(session).await?;
        }
        Ok(())
    }

    /// Ends every session of the user, in every browser.
    ///
    /// # Errors
    /// The store's.
    pub async fn sign_out_everywhere(&self, user: UserId) -> Result<u64, AccountError> {
        let ended = self.store.remove_user_sessions(user).await?;
        self.audit(Some(user), "user.signed_out_everywhere", "")
            .await?;
        Ok(ended)
    }

    /// Removes the sessions that have timed out; returns how many.
    ///
    /// # Errors
    /// The store's.
    pub async fn purge_sessions(&self) -> Result<u64, AccountError> {
        let now = self.clock.now();
        Ok(self
            .store
            .purge_sessions(
                now - span(self.settings.session_idle),
                now - span(self.settings.session_absolute),
            )
            .await?)
    }

    /// Gives the session a new id (the old one stops working at once), a user and a stage,
    /// and stores it. Signing in keeps the data (where to go next, the language); ending a
    /// session (back to anonymous) clears it.
    pub(crate) async fn replace_session(
        &self,
        session: &mut Session,
        user: Option<User>,
        stage: SessionStage,
    ) -> Result<(), AccountError> {
        if session.stored {
            self.store.remove_session(&session.record.id_hash).await?;
        }
        let mut fresh = Session::new(self, self.clock.now());
        fresh.record.user = user.as_ref().map(|user| user.id);
        fresh.record.stage = stage;
        fresh.user = user;
        if stage != SessionStage::Anonymous {
            fresh.data = std::mem::take(&mut session.data);
        }
        *session = fresh;
        self.save_session(session).await
    }

    fn expired(&self, record: &SessionRecord, now: OffsetDateTime) -> bool {
        now - record.last_seen_at >= span(self.settings.session_idle)
            || now - record.created_at >= span(self.settings.session_absolute)
    }
}

/// Whether `text` could be an id this module made (43 base64url characters), so junk cookies
/// cost no database read.
fn is_token_shaped(text: &str) -> bool {
    text.len() == 43
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
