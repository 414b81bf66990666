//! Sends the mail outbox through SMTP (`lettre`) when `SELFCARE_SMTP_URL` is set. The outbox
//! itself (what is queued, claimed once, marked sent or failed) is the service layer's
//! (`service::customer_users::welcome::send_queued`); this module only speaks SMTP.

use lettre::message::Mailbox;
use lettre::{Message, SmtpTransport, Transport};

/// An SMTP sender with the address mails come from and the portal's public address, which
/// makes the mails' links (`/set-password/…`) absolute.
pub struct Mailer {
    transport: SmtpTransport,
    from: Mailbox,
    public_url: String,
}

impl Mailer {
    /// `url` as lettre reads it: `smtp://host:port` (plain, for a local relay),
    /// `smtp://host:587?tls=required` (STARTTLS), `smtps://user:pass@host:465` (TLS).
    pub fn new(url: &str, from: &str, public_url: &str) -> anyhow::Result<Mailer> {
        let transport = SmtpTransport::from_url(url)
            .map_err(|e| anyhow::anyhow!("SELFCARE_SMTP_URL cannot be used: {e}"))?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        let from = from
            .parse()
            .map_err(|e| anyhow::anyhow!("SELFCARE_MAIL_FROM is not an address: {e}"))?;
        Ok(Mailer {
            transport,
            from,
            public_url: public_url.trim_end_matches('/').to_string(),
        })
    }

    /// Sends one mail; the error says why it could not be (for the outbox's last error).
    pub fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| format!("the address cannot be used: {e}"))?;
        let body = body.replace(
            "\n/set-password/",
            &format!("\n{}/set-password/", self.public_url),
        );
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .body(body)
            .map_err(|e| format!("the message cannot be built: {e}"))?;
        self.transport
            .send(&message)
            .map(|_| ())
            .map_err(|e| format!("the SMTP server refused or could not be reached: {e}"))
    }
}
