//! One check at the edge for every request: control characters (NUL and the other C0/C1 codes)
//! in the path, the query string or a url-encoded form body are refused with a 400 page before
//! any handler runs. PostgreSQL rejects NUL in text, and no field of this portal needs a control
//! character (a form's textareas may hold line breaks and tabs, which are allowed in bodies).

use crate::error::AppError;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::CONTENT_TYPE;
use actix_web::middleware::Next;
use actix_web::web::{Bytes, BytesMut};
use actix_web::HttpMessage;
use futures_util::StreamExt;
use percent_encoding::percent_decode_str;

/// Url-encoded bodies larger than this are left to the form extractor's own limit.
const MAX_CHECKED_BODY: usize = 512 * 1024;

const MESSAGE: &str = "The request contains control characters (such as NUL) that no field \
                       accepts. Remove them and try again.";

/// True when the decoded text holds a control character; `allow_breaks` admits CR, LF and tab.
fn has_control(text: &str, allow_breaks: bool) -> bool {
    text.chars()
        .any(|c| c.is_control() && !(allow_breaks && matches!(c, '\n' | '\r' | '\t')))
}

/// The names and values of a url-encoded string, decoded (invalid UTF-8 becomes U+FFFD).
fn decoded(raw: &[u8]) -> String {
    form_urlencoded::parse(raw)
        .flat_map(|(k, v)| [k.into_owned(), v.into_owned()])
        .collect::<Vec<_>>()
        .join("&")
}

fn path_has_control(path: &str) -> bool {
    has_control(&percent_decode_str(path).decode_utf8_lossy(), false)
}

fn is_urlencoded(req: &ServiceRequest) -> bool {
    req.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        })
}

/// The middleware: refuses, or passes the request on with its body put back.
pub async fn refuse_control_characters(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if path_has_control(req.path()) || has_control(&decoded(req.query_string().as_bytes()), false) {
        if is_api(&req) {
            return Ok(refuse(req, MESSAGE));
        }
        return Err(AppError::BadRequest(MESSAGE.into()).into());
    }
    if is_urlencoded(&req) {
        let mut payload = req.take_payload();
        let mut body = BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk?;
            body.extend_from_slice(&chunk);
            if body.len() > MAX_CHECKED_BODY {
                return Err(
                    AppError::BadRequest("The form is too large to be read.".into()).into(),
                );
            }
        }
        let body: Bytes = body.freeze();
        if has_control(&decoded(&body), true) {
            return Ok(refuse(req, MESSAGE));
        }
        req.set_payload(Payload::from(body));
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// The JSON API answers in JSON, errors included.
fn is_api(req: &ServiceRequest) -> bool {
    req.path().starts_with("/api/")
}

/// The 400 page (JSON under `/api/`), answered here (not raised) so the outer middleware
/// still sees a response.
fn refuse<B>(req: ServiceRequest, message: &str) -> ServiceResponse<EitherBody<B>> {
    if is_api(&req) {
        let resp =
            actix_web::HttpResponse::BadRequest().json(serde_json::json!({ "error": message }));
        return req.into_response(resp).map_into_right_body();
    }
    req.error_response(AppError::BadRequest(message.into()))
        .map_into_right_body()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_after_decoding() {
        assert!(has_control(&decoded(b"q_name=a%00b"), false));
        assert!(has_control(&decoded(b"name=%1B%5B31m"), true));
        assert!(has_control(&decoded(b"x=%C2%85"), true), "C1 NEL");
        assert!(!has_control(
            &decoded(b"note=line+one%0D%0Aline+two%09x"),
            true
        ));
        assert!(has_control(&decoded(b"q=line%0Atwo"), false));
        assert!(!has_control(&decoded(b"company=Caf%C3%A9+%26+Co"), false));
    }

    #[test]
    fn paths_are_decoded_before_the_check() {
        assert!(path_has_control("/c/ab%00cd/login"));
        assert!(!path_has_control("/c/acme-1/login"));
        assert!(!path_has_control("/customers/100%25"));
        assert!(!path_has_control("/x%4"));
    }
}
