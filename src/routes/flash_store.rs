//! Flash messages in a signed cookie that is `Secure` only when the portal is served over
//! https. The cookie store of `actix-web-flash-messages` always marks its cookie `Secure`, and a
//! browser then never sends it back over plain http: every message vanished on such a set-up.

use actix_web::cookie::Key;
use actix_web::dev::ResponseHead;
use actix_web::http::header::{HeaderValue, SET_COOKIE};
use actix_web::HttpRequest;
use actix_web_flash_messages::storage::{
    CookieMessageStore, FlashMessageStore, LoadError, StoreError,
};
use actix_web_flash_messages::FlashMessage;

pub const COOKIE: &str = "selfcare_flash";

pub struct FlashCookieStore {
    inner: CookieMessageStore,
    secure: bool,
}

impl FlashCookieStore {
    pub fn new(key: Key, secure: bool) -> FlashCookieStore {
        FlashCookieStore {
            inner: CookieMessageStore::builder(key)
                .cookie_name(COOKIE.into())
                .build(),
            secure,
        }
    }
}

/// The `Set-Cookie` value without its `Secure` attribute.
fn without_secure(value: &str) -> String {
    value
        .split(';')
        .map(str::trim)
        .filter(|part| !part.eq_ignore_ascii_case("secure"))
        .collect::<Vec<_>>()
        .join("; ")
}

impl FlashMessageStore for FlashCookieStore {
    fn load(&self, request: &HttpRequest) -> Result<Vec<FlashMessage>, LoadError> {
        self.inner.load(request)
    }

    fn store(
        &self,
        messages: &[FlashMessage],
        request: HttpRequest,
        response: &mut ResponseHead,
    ) -> Result<(), StoreError> {
        self.inner.store(messages, request, response)?;
        if self.secure {
            return Ok(());
        }
        let prefix = format!("{COOKIE}=");
        let cookies: Vec<HeaderValue> = response.headers().get_all(SET_COOKIE).cloned().collect();
        response.headers_mut().remove(SET_COOKIE);
        for v in cookies {
            let fixed = match v.to_str() {
                Ok(s) if s.starts_with(&prefix) => {
                    HeaderValue::from_str(&without_secure(s)).unwrap_or(v)
                }
                _ => v,
            };
            response.headers_mut().append(SET_COOKIE, fixed);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::without_secure;

    #[test]
    fn only_the_secure_attribute_goes() {
        assert_eq!(
            without_secure("selfcare_flash=abc; HttpOnly; Secure; SameSite=Lax; Path=/"),
            "selfcare_flash=abc; HttpOnly; SameSite=Lax; Path=/"
        );
    }
}
