//! One error type for request handlers, mapped to an HTTP response in one place.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// Not signed in: send the browser to this sign-in page.
    #[error("sign-in required")]
    SignIn(String),
    /// The request cannot be carried out in the object's present state (a demo customer edited).
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("the form has expired")]
    Csrf,
    /// A well-formed request that cannot be done as asked (e.g. too many rows for XLS).
    #[error("refused: {0}")]
    Refused(String),
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl From<r2d2::Error> for AppError {
    fn from(e: r2d2::Error) -> Self {
        AppError::Unavailable(e.to_string())
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Internal(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    title: &'a str,
    message: &'a str,
    /// The request id, so a report to support can be matched with the logs.
    request_id: String,
}

impl AppError {
    /// True for errors that mean the database cannot be reached right now.
    pub fn is_unavailable(&self) -> bool {
        match self {
            AppError::Unavailable(_) => true,
            AppError::Db(diesel::result::Error::DatabaseError(kind, info)) => {
                matches!(kind, diesel::result::DatabaseErrorKind::ClosedConnection)
                    || info.message().contains("database is locked")
                    || info.message().contains("terminating connection")
                    // PostgreSQL gave up waiting (lock_timeout, statement_timeout): busy, try again.
                    || info.message().contains("canceling statement due to")
            }
            _ => false,
        }
    }
}

/// Translates an error raised by middleware (the session store) rather than a handler, so that
/// a database out of reach answers with the "temporarily unavailable" page, not a bare 500.
pub fn translate_middleware_error(e: actix_web::Error) -> actix_web::Error {
    if e.as_error::<AppError>().is_some() {
        return e;
    }
    // The session store's message sits inside its error; Debug shows the whole chain.
    let cause = format!("{e:?}");
    if cause.contains(DB_UNAVAILABLE) {
        AppError::Unavailable(cause).into()
    } else {
        AppError::Internal(anyhow::anyhow!("middleware failure: {cause}")).into()
    }
}

/// Marker the session store puts in its errors when the database cannot be reached.
pub const DB_UNAVAILABLE: &str = "database unavailable";

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::SignIn(_) => StatusCode::SEE_OTHER,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            _ if self.is_unavailable() => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::SignIn(to) = self {
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, to.as_str()))
                .finish();
        }
        let status = self.status_code();
        let (title, message): (&str, String) = match self {
            AppError::NotFound => (
                "Page not found",
                "There is nothing at this address. It may have been deleted, or the link is wrong."
                    .into(),
            ),
            AppError::Forbidden => (
                "Not allowed",
                "Your account does not have permission to do this.".into(),
            ),
            AppError::BadRequest(m) => ("Request not understood", m.clone()),
            AppError::Refused(m) => ("Cannot do that", m.clone()),
            AppError::Conflict(m) => ("Not possible", m.clone()),
            AppError::Csrf => (
                "Form expired",
                "This form has expired or was sent from elsewhere. Go back, reload the page and try again."
                    .into(),
            ),
            _ if self.is_unavailable() => {
                tracing::error!(error = %self, "database unavailable");
                (
                    "Service temporarily unavailable",
                    "The database cannot be reached just now. Please try again in a moment.".into(),
                )
            }
            _ => {
                tracing::error!(error = ?self, "request failed");
                (
                    "Something went wrong",
                    "The request could not be completed. It has been logged; please try again."
                        .into(),
                )
            }
        };
        let page = ErrorPage {
            status: status.as_u16(),
            title,
            message: &message,
            request_id: crate::telemetry::current_request_id().unwrap_or_default(),
        };
        let body = page
            .render()
            .unwrap_or_else(|_| format!("{} {}", status.as_u16(), title));
        HttpResponse::build(status)
            .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(body)
    }
}
