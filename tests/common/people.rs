//! Fixtures of a customer's people (issue 14): more portal administrators with a role, and
//! browsers signed in as them.

use super::{location, TestApp, CUSTOMER_PASSWORD};

impl TestApp {
    /// Adds administrator `username` (password `CUSTOMER_PASSWORD`) with `role` to customer
    /// `customer_id` as the signed-in operator; returns the answer.
    pub async fn post_customer_admin(
        &self,
        customer_id: i64,
        username: &str,
        role: &str,
    ) -> reqwest::Response {
        self.post_form(
            &format!("/customers/{customer_id}/admins"),
            &[
                ("username", username),
                ("password", CUSTOMER_PASSWORD),
                ("password_confirm", CUSTOMER_PASSWORD),
                ("role", role),
            ],
        )
        .await
    }

    /// Adds administrator `username` with `role` (as the signed-in operator) and returns a
    /// browser signed in as them to the portal `webid`.
    pub async fn portal_browser(
        &self,
        customer_id: i64,
        webid: &str,
        username: &str,
        role: &str,
    ) -> TestApp {
        let r = self.post_customer_admin(customer_id, username, role).await;
        assert_eq!(r.status().as_u16(), 303, "administrator {username} added");
        let b = self.another_browser();
        let r = b.portal_login(webid, username, CUSTOMER_PASSWORD).await;
        assert_eq!(r.status().as_u16(), 303, "{username} signs in to {webid}");
        assert_eq!(location(&r), format!("/c/{webid}/"));
        b
    }

    /// The `data-id` of the (first) table row that contains `text` on `html`.
    pub fn row_id_with(html: &str, text: &str) -> Option<i64> {
        const ROW: &str = "<tr data-id=\"";
        html.match_indices(ROW).find_map(|(at, _)| {
            let start = at + ROW.len();
            let end = html[start..].find("</tr>").map(|n| start + n)?;
            if !html[start..end].contains(text) {
                return None;
            }
            let id_end = html[start..].find('"')? + start;
            html[start..id_end].parse().ok()
        })
    }
}

impl TestApp {
    /// Creates package (`kind` = package | addon) `name` on the package list; returns its id.
    pub async fn create_package(&self, name: &str, kind: &str) -> i64 {
        let r = self
            .post_form(
                "/packages",
                &[("name", name), ("description", ""), ("kind", kind)],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303, "package {name} is created");
        let page = self.get_html("/packages").await;
        TestApp::row_id_with(&page, &format!("<td>{name}</td>")).expect("the package's row")
    }

    /// Sets the customer's quantities of packages and add-ons (`(id, quantity)`; others 0).
    pub async fn post_quantities(&self, customer_id: i64, q: &[(i64, i64)]) -> reqwest::Response {
        let fields: Vec<(String, String)> = q
            .iter()
            .map(|(id, n)| (format!("qty_{id}"), n.to_string()))
            .collect();
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        self.post_form(&format!("/customers/{customer_id}/packages"), &pairs)
            .await
    }

    /// The new-user form's fields (email `<sip>@example.com`).
    pub fn user_fields(
        name: &str,
        extension: &str,
        sip: &str,
        package_id: i64,
    ) -> Vec<(&'static str, String)> {
        vec![
            ("name", name.to_string()),
            ("email", format!("{}@example.com", sip.to_lowercase())),
            ("extension", extension.to_string()),
            ("sip_username", sip.to_string()),
            ("package_id", package_id.to_string()),
        ]
    }

    /// Adds a user at `base` (`/customers/{id}` or `/c/{webid}`) with the token of its page.
    pub async fn post_user(
        &self,
        base: &str,
        fields: &[(&'static str, String)],
    ) -> reqwest::Response {
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let page = format!("{base}/users");
        self.post_with_token_of(&page, &page, &pairs).await
    }
}

impl TestApp {
    /// Creates customer `username` (WebID `username-web`) through the form with `extra` fields
    /// added (the PBX fieldset's, which the original form lacks); returns its id.
    pub async fn create_customer_plus(
        &self,
        username: &str,
        company: &str,
        extra: &[(&'static str, &str)],
    ) -> i64 {
        let mut fields = super::customer_fields(username, &[("company", company)]);
        for (k, v) in extra {
            fields.push((k, v.to_string()));
        }
        let r = self.post_form("/customers", &super::pairs(&fields)).await;
        assert_eq!(r.status().as_u16(), 303, "customer {username} is created");
        super::param(&location(&r), "customer").expect("customer id in location")
    }

    /// Posts the edit form of customer `id` as `username` made it (WebID `username-web`),
    /// with `extra` fields added, at the version its edit page shows now.
    pub async fn edit_customer_plus(
        &self,
        id: i64,
        username: &str,
        company: &str,
        extra: &[(&'static str, &str)],
    ) -> reqwest::Response {
        let page = self.get_html(&format!("/customers/{id}/edit")).await;
        let marker = "name=\"version\" value=\"";
        let s = page.find(marker).expect("version field") + marker.len();
        let version = page[s..s + page[s..].find('"').unwrap()].to_string();
        let mut fields = super::customer_fields(
            username,
            &[
                ("company", company),
                ("password", ""),
                ("password_confirm", ""),
            ],
        );
        fields.push(("version", version));
        for (k, v) in extra {
            fields.push((k, v.to_string()));
        }
        self.post_form(&format!("/customers/{id}"), &super::pairs(&fields))
            .await
    }
}
