//! Who is asking: password hashing, sessions, sign-in throttling, CSRF and route guards.

pub mod csrf;
pub mod guard;
pub mod password;
pub mod portal;
pub mod secret_box;
pub mod session_keys;
pub mod session_store;
pub mod sessions;
pub mod throttle;

pub use csrf::{CsrfField, CsrfForm};
pub use guard::{Admin, CurrentOperator, Editor, Reviewer, SharedEditor};
pub use portal::{PortalEditor, PortalUser};
