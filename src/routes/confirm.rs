//! The "are you sure?" page shared by every delete and every change that cannot be undone:
//! GET shows it, the button POSTs.

use crate::routes::Layout;
use askama::Template;
use askama_web::WebTemplate;

#[derive(Template, WebTemplate)]
#[template(path = "confirm_delete.html")]
pub struct ConfirmDeletePage {
    pub layout: Layout,
    pub title: String,
    pub message: String,
    pub consequences: Vec<String>,
    pub action: String,
    /// The label of the confirming button ("Delete", "Convert to demo").
    pub button: &'static str,
    pub cancel_href: String,
}
